"""RAG ratings across cycles: single trends, the outcome grid, and each outcome's overall move."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.rag import (
    Outcome,
    Rating,
    Trend,
    build_grid,
    outcome_overview,
    score,
    trend,
)
from bot.rules.vocabulary import Rag

RED, AMBER, GREEN = Rag.RED, Rag.AMBER, Rag.GREEN
SCHOOL_ON_TIME = Outcome(1, "Sam gets to school on time every day")
SAFE_HOME = Outcome(2, "The children feel safe at home when dad visits")
CYCLES = ["Core group 1", "Core group 2", "Core group 3"]


def counts(red: int = 0, amber: int = 0, green: int = 0) -> dict[Rag, int]:
    return {RED: red, AMBER: amber, GREEN: green}


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (RED, AMBER, Trend.IMPROVING),
        (RED, GREEN, Trend.IMPROVING),
        (AMBER, GREEN, Trend.IMPROVING),
        (GREEN, AMBER, Trend.WORSENING),
        (AMBER, RED, Trend.WORSENING),
        (AMBER, AMBER, Trend.STEADY),
        (None, RED, Trend.NEW),
        (GREEN, None, None),
        (None, None, None),
    ],
)
def test_trend_orders_red_below_amber_below_green(
    earlier: Rag | None, later: Rag | None, expected: Trend | None
) -> None:
    assert trend(earlier, later) == expected


@given(st.sampled_from(Rag), st.sampled_from(Rag))
def test_trend_reversed_swaps_improving_and_worsening(earlier: Rag, later: Rag) -> None:
    swapped = {Trend.IMPROVING: Trend.WORSENING, Trend.WORSENING: Trend.IMPROVING}
    forward, backward = trend(earlier, later), trend(later, earlier)
    assert forward is not None
    assert backward == swapped.get(forward, forward)
    assert (forward is Trend.STEADY) == (score(earlier) == score(later))


def test_grid_lays_out_one_row_per_outcome_and_agency_with_a_column_per_cycle() -> None:
    grid = build_grid(
        [SCHOOL_ON_TIME, SAFE_HOME],
        CYCLES,
        [
            Rating(2, "Police", 2, AMBER),
            Rating(1, "School", 0, RED),
            Rating(1, "School", 1, AMBER),
            Rating(1, "School", 2, GREEN),
            Rating(1, "Health visitor", 2, AMBER),
        ],
    )
    assert grid.cycles == tuple(CYCLES)
    assert [(row.outcome, row.agency_label, row.ratings, row.trend) for row in grid.rows] == [
        (SCHOOL_ON_TIME, "School", (RED, AMBER, GREEN), Trend.IMPROVING),
        (SCHOOL_ON_TIME, "Health visitor", (None, None, AMBER), Trend.NEW),
        (SAFE_HOME, "Police", (None, None, AMBER), Trend.NEW),
    ]


def test_row_without_a_latest_rating_has_no_trend() -> None:
    grid = build_grid([SAFE_HOME], CYCLES, [Rating(2, "Housing", 1, GREEN)])
    (row,) = grid.rows
    assert row.ratings == (None, GREEN, None)
    assert row.trend is None


def test_row_trend_compares_latest_with_the_cycle_just_before_it() -> None:
    grid = build_grid([SAFE_HOME], CYCLES, [Rating(2, "GP", 0, GREEN), Rating(2, "GP", 2, RED)])
    (row,) = grid.rows
    # The cycle before the latest has no rating, so the latest stands on its own.
    assert row.trend is Trend.NEW


def test_outcome_with_no_ratings_has_no_rows_but_an_empty_overview() -> None:
    grid = build_grid([SCHOOL_ON_TIME, SAFE_HOME], CYCLES, [Rating(1, "School", 2, GREEN)])
    assert grid.rows_for(2) == ()
    overview = outcome_overview(grid, 2)
    assert overview.latest_counts == counts()
    assert overview.previous_counts == counts()
    assert overview.direction is Trend.NEW


@pytest.mark.parametrize(
    "bad_rating",
    [
        pytest.param(Rating(9, "School", 0, RED), id="unknown-outcome"),
        pytest.param(Rating(1, "School", 3, RED), id="cycle-past-the-end"),
        pytest.param(Rating(1, "School", -1, RED), id="negative-cycle"),
    ],
)
def test_grid_refuses_ratings_it_cannot_place(bad_rating: Rating) -> None:
    with pytest.raises(ValueError):
        build_grid([SCHOOL_ON_TIME], CYCLES, [bad_rating])


def test_grid_refuses_two_ratings_for_the_same_cell() -> None:
    with pytest.raises(ValueError, match="two ratings"):
        build_grid(
            [SCHOOL_ON_TIME],
            CYCLES,
            [Rating(1, "School", 0, RED), Rating(1, "School", 0, AMBER)],
        )


def test_overview_counts_each_colour_in_the_latest_and_previous_cycles() -> None:
    grid = build_grid(
        [SCHOOL_ON_TIME],
        CYCLES,
        [
            Rating(1, "School", 1, RED),
            Rating(1, "School", 2, AMBER),
            Rating(1, "Health visitor", 1, AMBER),
            Rating(1, "Health visitor", 2, GREEN),
            Rating(1, "Police", 1, RED),
            Rating(1, "Police", 2, RED),
        ],
    )
    overview = outcome_overview(grid, 1)
    assert overview.outcome == SCHOOL_ON_TIME
    assert overview.latest_counts == counts(red=1, amber=1, green=1)
    assert overview.previous_counts == counts(red=2, amber=1)
    assert overview.direction is Trend.IMPROVING


def test_overview_direction_uses_only_agencies_that_rated_both_cycles() -> None:
    grid = build_grid(
        [SAFE_HOME],
        CYCLES,
        [
            Rating(2, "School", 1, GREEN),
            Rating(2, "School", 2, AMBER),
            # Police skipped the previous cycle, so their Green does not hide the school's worry.
            Rating(2, "Police", 2, GREEN),
            Rating(2, "Police", 0, GREEN),
        ],
    )
    overview = outcome_overview(grid, 2)
    assert overview.latest_counts == counts(amber=1, green=1)
    assert overview.previous_counts == counts(green=1)
    assert overview.direction is Trend.WORSENING


def test_overview_is_steady_when_moves_cancel_out() -> None:
    grid = build_grid(
        [SAFE_HOME],
        CYCLES[:2],
        [
            Rating(2, "School", 0, RED),
            Rating(2, "School", 1, AMBER),
            Rating(2, "GP", 0, GREEN),
            Rating(2, "GP", 1, AMBER),
        ],
    )
    assert outcome_overview(grid, 2).direction is Trend.STEADY


def test_overview_after_the_first_cycle_is_new() -> None:
    grid = build_grid([SAFE_HOME], CYCLES[:1], [Rating(2, "School", 0, AMBER)])
    overview = outcome_overview(grid, 2)
    assert overview.latest_counts == counts(amber=1)
    assert overview.previous_counts == counts()
    assert overview.direction is Trend.NEW


def test_grid_with_no_cycles_has_no_trends() -> None:
    grid = build_grid([SAFE_HOME], [], [])
    assert grid.rows == ()
    assert outcome_overview(grid, 2).direction is Trend.NEW


def test_overview_of_an_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="no outcome 7"):
        outcome_overview(build_grid([SAFE_HOME], CYCLES, []), 7)
