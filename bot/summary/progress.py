"""Pure rules on RAG ratings and updates: a row's trend, an outcome's direction, new harm flags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

from bot.rules.vocabulary import Rag
from bot.summary.model import (
    HarmFlag,
    Kept,
    OutcomeOverview,
    SummaryInput,
    Trend,
    UpdateSection,
)

RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


def compare(earlier: Fraction | int, later: Fraction | int) -> Trend:
    """The trend from one score to a later one (higher is better)."""
    if later > earlier:
        return Trend.IMPROVING
    if later < earlier:
        return Trend.WORSENING
    return Trend.STEADY


def row_trend(ratings: Sequence[Rag | None]) -> Trend:
    """A grid row's trend: its latest rating against the one before it (gaps skipped)."""
    given = [RAG_RANK[rag] for rag in ratings if rag is not None]
    if len(given) < 2:
        return Trend.NEW
    return compare(given[-2], given[-1])


def _mean(rags: Sequence[Rag]) -> Fraction:
    return Fraction(sum(RAG_RANK[rag] for rag in rags), len(rags))


def rag_overview(summary: SummaryInput) -> tuple[OutcomeOverview, ...]:
    """Each outcome's ratings at its latest rated core group, and their direction since the first
    rated core group of the period (mean of Red 0, Amber 1, Green 2); one rated core group: new."""
    given: dict[tuple[int, int], list[Rag]] = defaultdict(list)
    for rating in summary.ratings:
        given[rating.outcome_id, rating.core_group_id].append(rating.rag)
    overviews: list[OutcomeOverview] = []
    for outcome in summary.outcomes:
        rated = [given[outcome.id, c.id] for c in summary.cycles if given[outcome.id, c.id]]
        latest = rated[-1] if rated else []
        direction = Trend.NEW if len(rated) < 2 else compare(_mean(rated[0]), _mean(rated[-1]))
        overviews.append(
            OutcomeOverview(
                wording=outcome.wording,
                red=latest.count(Rag.RED),
                amber=latest.count(Rag.AMBER),
                green=latest.count(Rag.GREEN),
                direction=direction,
            )
        )
    return tuple(overviews)


def kept_from_family(summary: SummaryInput) -> tuple[Kept, ...]:
    """Who kept which parts of their update from family members (for the chair: never what)."""
    kept_views = {view.by for view in summary.child_views if view.professional_only}
    kept = []
    for update in summary.updates:
        sections = set(update.professional_only_sections)
        if update.name in kept_views:
            sections.add(UpdateSection.CHILD_VIEWS)
        if sections or update.professional_only:
            ordered = tuple(s for s in UpdateSection if s in sections)
            kept.append(Kept(update.name, update.agency, ordered, bool(update.professional_only)))
    return tuple(kept)


def harm_flags(summary: SummaryInput) -> tuple[HarmFlag, ...]:
    """Who reported new harm in their update, and when, in the order they reported it."""
    flags = [
        HarmFlag(
            by=update.name,
            agency=update.agency,
            flagged_at=update.submitted_at,
            sent_by=update.sent_by,
        )
        for update in summary.updates
        if update.new_harm
    ]
    return tuple(sorted(flags, key=lambda flag: flag.flagged_at))
