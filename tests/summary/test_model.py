"""The input contract refuses what would otherwise vanish from the grid without a word."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.rules.vocabulary import ActionStatus, Attendance, Rag
from bot.summary import AttendanceRecord, Period, PlanAction, Rating, Report
from tests.summary.support import CG1, SCHOOL_RUN, oak_family, update


def test_a_rating_for_an_unknown_outcome_or_core_group_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        oak_family(ratings=(Rating(999, CG1, "School", Rag.RED),))
    with pytest.raises(ValueError, match="unknown core group"):
        oak_family(ratings=(Rating(SCHOOL_RUN, 999, "School", Rag.RED),))


def test_two_ratings_by_one_member_of_one_outcome_in_one_cycle_are_refused() -> None:
    twice = (
        Rating(SCHOOL_RUN, CG1, "School", Rag.RED),
        Rating(SCHOOL_RUN, CG1, "School", Rag.GREEN),
    )
    with pytest.raises(ValueError, match="twice"):
        oak_family(ratings=twice)


def test_actions_and_attendance_must_point_at_known_outcomes_and_core_groups() -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        oak_family(actions=(PlanAction("Walk to school", "Kerry", None, ActionStatus.OPEN, 999),))
    with pytest.raises(ValueError, match="unknown core group"):
        oak_family(attendance=(AttendanceRecord(999, "Kerry", "Family", Attendance.PRESENT),))


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(since=date(2026, 3, 19), until=date(2026, 1, 7))


def test_an_update_needs_a_timezone_aware_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        update(submitted_at=datetime(2026, 3, 12, 15, 30))


def test_a_report_knows_whether_it_is_missing_late_or_on_time() -> None:
    due = date(2026, 3, 17)
    assert Report("A", "School", due).missing
    assert Report("A", "School", due, date(2026, 3, 18)).late
    on_time = Report("A", "School", due, due)
    assert not on_time.missing and not on_time.late
