"""RAG rules: a grid row's trend, an outcome's direction over the period, new harm flags."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.vocabulary import Rag
from bot.summary import CoreGroup, Rating, Trend, harm_flags, rag_overview, row_trend
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
