"""RAG rules: a grid row's trend, an outcome's direction over the period, new harm flags."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.vocabulary import Rag
from bot.summary import (
    Audience,
    CoreGroup,
    Outcome,
    Rating,
    SummaryInput,
    Trend,
    harm_flags,
    rag_overview,
    row_trend,
)
from bot.summary.progress import RAG_RANK
from bot.summary.view import summary_view
from tests.summary.support import CG1, A, G, R, at, oak_family, update


@pytest.mark.parametrize(
    ("ratings", "trend"),
    [
        ((R, A), Trend.IMPROVING),
        ((A, G), Trend.IMPROVING),
        ((G, A), Trend.WORSENING),
        ((A, R), Trend.WORSENING),
        ((A, A), Trend.STEADY),
        ((R, G, G), Trend.STEADY),
        ((G, R, A), Trend.IMPROVING),
    ],
)
def test_a_row_trend_compares_the_latest_rating_with_the_one_before(
    ratings: tuple[Rag, ...], trend: Trend
) -> None:
    assert row_trend(ratings) is trend


@pytest.mark.parametrize("ratings", [(), (None,), (G,), (None, R), (A, None, None)])
def test_a_row_with_fewer_than_two_ratings_is_new(ratings: tuple[Rag | None, ...]) -> None:
    assert row_trend(ratings) is Trend.NEW


def test_a_core_group_without_a_rating_is_skipped_when_comparing() -> None:
    assert row_trend((R, None, G)) is Trend.IMPROVING
    assert row_trend((G, None, None, R)) is Trend.WORSENING


def test_the_overview_counts_the_latest_core_group_and_compares_with_the_first() -> None:
    school, calm, health = rag_overview(oak_family())

    assert (school.green, school.amber, school.red) == (1, 2, 0)
    # Core group 1: A A R A (mean 3/4); core group 2: G A A (mean 4/3).
    assert school.direction is Trend.IMPROVING
    assert (calm.green, calm.amber, calm.red) == (0, 3, 1)
    assert (health.green, health.amber, health.red) == (2, 1, 0)


def test_an_outcome_rated_at_one_core_group_only_is_new_and_an_unrated_one_counts_nothing() -> None:
    summary = oak_family(
        cycles=(CoreGroup(CG1, "Core group 1", date(2026, 1, 21)),),
        ratings=(Rating(11, CG1, "School", Rag.RED), Rating(11, CG1, "Police", Rag.GREEN)),
        attendance=(),
    )

    school, calm, _health = rag_overview(summary)

    assert (school.green, school.amber, school.red, school.direction) == (1, 0, 1, Trend.NEW)
    assert (calm.green, calm.amber, calm.red, calm.direction) == (0, 0, 0, Trend.NEW)


def test_the_same_mean_at_both_ends_of_the_period_is_steady() -> None:
    summary = oak_family(
        ratings=(
            Rating(11, 101, "School", Rag.RED),
            Rating(11, 101, "Police", Rag.GREEN),
            Rating(11, 102, "School", Rag.AMBER),
            Rating(11, 102, "Police", Rag.AMBER),
        )
    )

    assert rag_overview(summary)[0].direction is Trend.STEADY


def test_harm_flags_name_who_and_when_in_the_order_reported() -> None:
    summary = oak_family(
        updates=(
            update(
                name="PC Lewis",
                agency="Police",
                submitted_at=at("2026-03-13 09:05"),
                new_harm=True,
                new_harm_detail="Detail that stays in the summary.",
            ),
            update(
                name="Ms Hughes",
                agency="School",
                submitted_at=at("2026-03-10 15:00"),
                new_harm=True,
            ),
            update(name="Tom Reid", agency="Housing"),
        )
    )

    flags = harm_flags(summary)

    assert [(f.by, f.agency, f.flagged_at) for f in flags] == [
        ("Ms Hughes", "School", at("2026-03-10 15:00")),
        ("PC Lewis", "Police", at("2026-03-13 09:05")),
    ]


# --- The behaviours the retired rules module `bot/rules/rag.py` pinned, on the live rules --------

SCHOOL_ON_TIME = Outcome(1, "Sam gets to school on time every day")
SAFE_HOME = Outcome(2, "The children feel safe at home when dad visits")
CYCLES = (
    CoreGroup(201, "Core group 1", date(2026, 1, 21)),
    CoreGroup(202, "Core group 2", date(2026, 2, 11)),
    CoreGroup(203, "Core group 3", date(2026, 3, 4)),
)


def rated(
    outcomes: tuple[Outcome, ...],
    cycles: tuple[CoreGroup, ...],
    *ratings: tuple[int, str, int, Rag],
) -> SummaryInput:
    """A summary of these outcomes and core groups, each rating (outcome, by, core group index,
    colour)."""
    return oak_family(
        outcomes=outcomes,
        cycles=cycles,
        ratings=tuple(Rating(o, cycles[i].id, by, rag) for o, by, i, rag in ratings),
        actions=(),
        attendance=(),
    )


def grid_rows(summary: SummaryInput) -> list[tuple[str, str, tuple[Rag | None, ...], Trend]]:
    """Every grid row as (outcome wording, who, one rating per core group, trend)."""
    return [
        (grid.wording, row.who, tuple(cell.rag for cell in row.cells), row.trend)
        for grid in summary_view(summary, Audience.PROFESSIONAL).grids
        for row in grid.rows
    ]


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (R, A, Trend.IMPROVING),
        (R, G, Trend.IMPROVING),
        (A, G, Trend.IMPROVING),
        (G, A, Trend.WORSENING),
        (A, R, Trend.WORSENING),
        (A, A, Trend.STEADY),
        (None, R, Trend.NEW),
    ],
)
def test_trend_orders_red_below_amber_below_green(
    earlier: Rag | None, later: Rag, expected: Trend
) -> None:
    assert row_trend((earlier, later)) is expected


@given(st.sampled_from(Rag), st.sampled_from(Rag))
def test_trend_reversed_swaps_improving_and_worsening(earlier: Rag, later: Rag) -> None:
    swapped = {Trend.IMPROVING: Trend.WORSENING, Trend.WORSENING: Trend.IMPROVING}
    forward, backward = row_trend((earlier, later)), row_trend((later, earlier))
    assert backward == swapped.get(forward, forward)
    assert (forward is Trend.STEADY) == (RAG_RANK[earlier] == RAG_RANK[later])


def test_grid_lays_out_one_row_per_outcome_and_agency_with_a_column_per_cycle() -> None:
    summary = rated(
        (SCHOOL_ON_TIME, SAFE_HOME),
        CYCLES,
        (2, "Police", 2, A),
        (1, "School", 0, R),
        (1, "School", 1, A),
        (1, "School", 2, G),
        (1, "Health visitor", 2, A),
    )
    assert [column.label for column in summary_view(summary, Audience.PROFESSIONAL).columns] == [
        cycle.label for cycle in CYCLES
    ]
    assert grid_rows(summary) == [
        (SCHOOL_ON_TIME.wording, "School", (R, A, G), Trend.IMPROVING),
        (SCHOOL_ON_TIME.wording, "Health visitor", (None, None, A), Trend.NEW),
        (SAFE_HOME.wording, "Police", (None, None, A), Trend.NEW),
    ]


def test_a_row_keeps_an_empty_cell_for_each_core_group_it_did_not_rate() -> None:
    summary = rated((SAFE_HOME,), CYCLES, (2, "Housing", 1, G))
    [(_, _, ratings, _)] = grid_rows(summary)
    assert ratings == (None, G, None)


def test_outcome_with_no_ratings_has_no_rows_but_an_empty_overview() -> None:
    summary = rated((SCHOOL_ON_TIME, SAFE_HOME), CYCLES, (1, "School", 2, G))
    grids = summary_view(summary, Audience.PROFESSIONAL).grids
    assert grids[1].rows == ()
    overview = rag_overview(summary)[1]
    assert (overview.red, overview.amber, overview.green) == (0, 0, 0)
    assert overview.direction is Trend.NEW


@pytest.mark.parametrize(
    "bad_rating",
    [
        pytest.param(Rating(9, 201, "School", R), id="unknown-outcome"),
        pytest.param(Rating(1, 999, "School", R), id="unknown-core-group"),
    ],
)
def test_grid_refuses_ratings_it_cannot_place(bad_rating: Rating) -> None:
    with pytest.raises(ValueError, match="unknown"):
        oak_family(
            outcomes=(SCHOOL_ON_TIME,),
            cycles=CYCLES,
            ratings=(bad_rating,),
            actions=(),
            attendance=(),
        )


def test_grid_refuses_two_ratings_for_the_same_cell() -> None:
    with pytest.raises(ValueError, match="twice"):
        rated((SCHOOL_ON_TIME,), CYCLES, (1, "School", 0, R), (1, "School", 0, A))


def test_overview_counts_each_colour_in_the_latest_cycle() -> None:
    summary = rated(
        (SCHOOL_ON_TIME,),
        CYCLES,
        (1, "School", 1, R),
        (1, "School", 2, A),
        (1, "Health visitor", 1, A),
        (1, "Health visitor", 2, G),
        (1, "Police", 1, R),
        (1, "Police", 2, R),
    )
    [overview] = rag_overview(summary)
    assert overview.wording == SCHOOL_ON_TIME.wording
    assert (overview.red, overview.amber, overview.green) == (1, 1, 1)
    assert overview.direction is Trend.IMPROVING


def test_overview_direction_compares_the_first_rated_core_group_with_the_latest() -> None:
    summary = rated(
        (SAFE_HOME,),
        CYCLES,
        (2, "School", 1, G),
        (2, "School", 2, A),
        (2, "Police", 2, G),
        (2, "Police", 0, G),
    )
    [overview] = rag_overview(summary)
    assert (overview.red, overview.amber, overview.green) == (0, 1, 1)
    # Core group 1: G (mean 2); core group 3: A G (mean 3/2).
    assert overview.direction is Trend.WORSENING


def test_overview_is_steady_when_moves_cancel_out() -> None:
    summary = rated(
        (SAFE_HOME,),
        CYCLES[:2],
        (2, "School", 0, R),
        (2, "School", 1, A),
        (2, "GP", 0, G),
        (2, "GP", 1, A),
    )
    assert rag_overview(summary)[0].direction is Trend.STEADY


def test_overview_after_the_first_cycle_is_new() -> None:
    [overview] = rag_overview(rated((SAFE_HOME,), CYCLES[:1], (2, "School", 0, A)))
    assert (overview.red, overview.amber, overview.green) == (0, 1, 0)
    assert overview.direction is Trend.NEW


def test_grid_with_no_cycles_has_no_trends() -> None:
    summary = rated((SAFE_HOME,), ())
    assert grid_rows(summary) == []
    assert rag_overview(summary)[0].direction is Trend.NEW
