"""RAG ratings over core group cycles: trends, the outcome-by-agency grid, how outcomes moved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.rules.vocabulary import Rag

# Red < Amber < Green: a higher score is more progress towards the outcome.
_SCORE = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class Trend(StrEnum):
    """How a rating moved from one cycle to the next."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"
    NEW = "new"  # nothing earlier to compare with


@dataclass(frozen=True)
class Outcome:
    """One outcome in the plan, in the family's own words."""

    id: int
    wording: str


@dataclass(frozen=True)
class Rating:
    """One agency's RAG rating of one outcome in one cycle (an index into the cycle labels)."""

    outcome_id: int
    agency_label: str
    cycle_index: int
    rag: Rag


@dataclass(frozen=True)
class GridRow:
    """One agency's ratings of one outcome, one per cycle (None where it gave none)."""

    outcome: Outcome
    agency_label: str
    ratings: tuple[Rag | None, ...]
    trend: Trend | None  # the latest cycle against the one before it

    @property
    def latest(self) -> Rag | None:
        """The rating in the latest cycle, if any."""
        return self.ratings[-1] if self.ratings else None

    @property
    def previous(self) -> Rag | None:
        """The rating in the cycle before the latest, if any."""
        return self.ratings[-2] if len(self.ratings) > 1 else None


@dataclass(frozen=True)
class OutcomeGrid:
    """Every outcome's ratings by agency across cycles, oldest cycle first."""

    cycles: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    rows: tuple[GridRow, ...]

    def rows_for(self, outcome_id: int) -> tuple[GridRow, ...]:
        """Return one outcome's rows, in grid order."""
        return tuple(row for row in self.rows if row.outcome.id == outcome_id)


@dataclass(frozen=True)
class OverviewLine:
    """How one outcome moved between the previous cycle and the latest, across agencies."""

    outcome: Outcome
    latest_counts: dict[Rag, int]
    previous_counts: dict[Rag, int]
    direction: Trend


def score(rag: Rag) -> int:
    """Score a rating for comparison: Red 0, Amber 1, Green 2."""
    return _SCORE[rag]


def trend(earlier: Rag | None, later: Rag | None) -> Trend | None:
    """Compare two ratings of one outcome; None when there is no later rating to speak of."""
    if later is None:
        return None
    if earlier is None:
        return Trend.NEW
    return _compare(score(earlier), score(later))


def build_grid(
    outcomes: Sequence[Outcome], cycles: Sequence[str], ratings: Iterable[Rating]
) -> OutcomeGrid:
    """Lay ratings out as rows per outcome and agency, with one column per cycle."""
    outcome_by_id = {outcome.id: outcome for outcome in outcomes}
    if len(outcome_by_id) != len(outcomes):
        raise ValueError("outcome ids must be unique")
    # Agencies keep the order they first appear in, so the caller decides it by sorting ratings.
    cells: dict[tuple[int, str], list[Rag | None]] = {}
    for rating in ratings:
        if rating.outcome_id not in outcome_by_id:
            raise ValueError(f"rating for unknown outcome {rating.outcome_id}")
        if not 0 <= rating.cycle_index < len(cycles):
            raise ValueError(f"cycle index {rating.cycle_index} outside {len(cycles)} cycles")
        row = cells.setdefault((rating.outcome_id, rating.agency_label), [None] * len(cycles))
        if row[rating.cycle_index] is not None:
            # Every version of an update is kept; only the latest should reach the grid.
            raise ValueError(
                f"two ratings from {rating.agency_label} for outcome {rating.outcome_id} "
                f"in cycle {rating.cycle_index}"
            )
        row[rating.cycle_index] = rating.rag

    rows = []
    for outcome in outcomes:
        for (outcome_id, agency_label), cycle_ratings in cells.items():
            if outcome_id != outcome.id:
                continue
            ratings_row = tuple(cycle_ratings)
            latest = ratings_row[-1]
            previous = ratings_row[-2] if len(ratings_row) > 1 else None
            rows.append(
                GridRow(
                    outcome=outcome,
                    agency_label=agency_label,
                    ratings=ratings_row,
                    trend=trend(previous, latest),
                )
            )
    return OutcomeGrid(cycles=tuple(cycles), outcomes=tuple(outcomes), rows=tuple(rows))


def outcome_overview(grid: OutcomeGrid, outcome_id: int) -> OverviewLine:
    """Summarise how one outcome moved from the previous cycle to the latest, across agencies.

    The direction compares the mean score (Red 0, Amber 1, Green 2) of the latest cycle with the
    previous one over the agencies that rated the outcome in both: an agency joining or missing a
    cycle changes the counts but not the direction. With no such agency it is "new".
    """
    outcome = next((known for known in grid.outcomes if known.id == outcome_id), None)
    if outcome is None:
        raise ValueError(f"no outcome {outcome_id} in the grid")
    rows = grid.rows_for(outcome_id)
    pairs = [
        (score(row.previous), score(row.latest))
        for row in rows
        if row.previous is not None and row.latest is not None
    ]
    if pairs:
        # Sums over the same agencies compare as their means do, without fractions.
        direction = _compare(sum(p for p, _ in pairs), sum(latest for _, latest in pairs))
    else:
        direction = Trend.NEW
    return OverviewLine(
        outcome=outcome,
        latest_counts=_counts(row.latest for row in rows),
        previous_counts=_counts(row.previous for row in rows),
        direction=direction,
    )


def _compare(earlier: int, later: int) -> Trend:
    if later > earlier:
        return Trend.IMPROVING
    if later < earlier:
        return Trend.WORSENING
    return Trend.STEADY


def _counts(ratings: Iterable[Rag | None]) -> dict[Rag, int]:
    """Count ratings by colour, every colour present (Red, Amber, Green), gaps left out."""
    counts = dict.fromkeys(Rag, 0)
    for rag in ratings:
        if rag is not None:
            counts[rag] += 1
    return counts
