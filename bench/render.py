"""Benchmark: rendering the RCPC summary (15 agencies, 4 cycles) and a chair's week of digests.

    .venv/bin/python bench/render.py

Targets (issue: the RCPC summary and digest): under 100 ms each.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rules.vocabulary import Rag, Role
from bot.summary import (
    Audience,
    Conference,
    CoreGroup,
    DigestInput,
    MemberUpdate,
    Outcome,
    Period,
    QuorumForecast,
    Rating,
    Report,
    SummaryInput,
    digest_blocks,
    harm_flags,
    rag_overview,
    summary_blocks,
    summary_html,
    summary_markdown,
)

WORDS = (
    "Jo was in school every day this fortnight and joined the choir. Mornings are still rushed "
    "and breakfast is often missed; we agreed a plan with Sam to try the breakfast club. "
)


def big_summary(agencies: int = 15, cycles: int = 4, outcomes: int = 4) -> SummaryInput:
    """A large, realistic summary: every agency rates every outcome at every cycle."""
    start = date(2026, 11, 20)
    core_groups = tuple(
        CoreGroup(i + 1, f"Core group {i + 1}", start + timedelta(weeks=6 * i + 2))
        for i in range(cycles)
    )
    plan = tuple(
        Outcome(i + 1, f"Outcome {i + 1} in the family's own words") for i in range(outcomes)
    )
    people = [f"Person {i + 1} (Agency {i + 1})" for i in range(agencies)]
    rags = (Rag.RED, Rag.AMBER, Rag.GREEN)
    ratings = tuple(
        Rating(o.id, c.id, who, rags[(o.id + c.id + n) % 3], "A short note on progress.")
        for o in plan
        for c in core_groups
        for n, who in enumerate(people)
    )
    updates = tuple(
        MemberUpdate(
            name=f"Person {n + 1}",
            agency=f"Agency {n + 1}",
            role=Role.PROFESSIONAL,
            submitted_at=datetime(2027, 2, 8, 15, tzinfo=UTC) + timedelta(minutes=n),
            going_well=WORDS * 3,
            worries=WORDS * 2,
            next_steps=WORDS,
            professional_only="Third-party information." if n % 4 == 0 else None,
        )
        for n in range(agencies)
    )
    last = core_groups[-1].held_on + timedelta(weeks=2)
    return SummaryInput(
        reference="oak-family",
        conference=Conference("Review conference 1", last, None, "Civic Centre"),
        period=Period(start, last),
        family_description="Jo (9) loves football; Lily (2) is a happy toddler.",
        child_views=(),
        harm_to_address="Neglect: the children's basic needs were not always met.",
        outcomes=plan,
        cycles=core_groups,
        ratings=ratings,
        updates=updates,
        reports=tuple(Report(f"Person {n + 1}", "Agency", last, last) for n in range(agencies)),
    )


def measure(label: str, work, runs: int = 20) -> None:  # type: ignore[no-untyped-def]
    work()  # the first call compiles templates: reported separately
    start = time.perf_counter()
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    print(f"  {label:<58} median {statistics.median(times):6.1f} ms   max {max(times):6.1f} ms")


def main() -> None:
    summary = big_summary()
    print("RCPC summary, 15 agencies x 4 core groups x 4 outcomes (target < 100 ms each)")
    measure(
        "Slack post (family copy, split into messages)",
        lambda: summary_blocks(summary, Audience.FAMILY),
    )
    measure(
        "HTML document (professional copy)", lambda: summary_html(summary, Audience.PROFESSIONAL)
    )
    measure("Markdown document (family copy)", lambda: summary_markdown(summary, Audience.FAMILY))
    digests = [
        DigestInput(
            reference=f"case-{n:02d}",
            conference=summary.conference,
            quorum=QuorumForecast(False, ("school", "health"), 1, ("Person 3 (Agency 3)",)),
            reports=summary.reports,
            overview=rag_overview(summary),
            new_harm=harm_flags(summary),
        )
        for n in range(40)
    ]
    print("Chair's digests, a week of 40 conferences (target < 100 ms)")
    measure("all 40 digests, as Slack messages", lambda: [digest_blocks(d) for d in digests])


if __name__ == "__main__":
    main()
