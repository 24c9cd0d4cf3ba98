"""Each nation's rules: sourced data, dates worked by hand, and limits that hold every day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.nations import NATIONS, nation_rules, unsourced
from bot.rules.timeline import (
    local_instant,
    plan_timeline,
    rules_for_nation,
    shares_review_round,
)
from bot.rules.vocabulary import MeetingKind, Nation
from bot.rules.working_days import WorkingCalendar, add_months

ENG, WLS, SCT, NIR = Nation.ENG, Nation.WLS, Nation.SCT, Nation.NIR
LONDON = ZoneInfo("Europe/London")


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_every_nation_has_rules_and_every_value_names_its_source() -> None:
    assert set(NATIONS) == set(Nation)
    for rules in NATIONS.values():
        assert unsourced(rules) == [], rules.nation


def test_scotland_speaks_of_cppms_and_a_lead_professional() -> None:
    words = nation_rules(SCT).words
    assert words.meeting(MeetingKind.ICPC) == "Child Protection Planning Meeting"
    assert words.meeting(MeetingKind.RCPC) == "review CPPM"
    assert words.heading(MeetingKind.RCPC) == "Review CPPM"
    assert words.lead_worker == "lead professional"


@pytest.mark.parametrize(
    ("nation", "icpc", "first_core_group", "first_review"),
    [
        # Fri 11 Dec 2026: 14-18, 21-24 Dec; Christmas and Boxing Day (Mon 28) off; Tue 29 Dec.
        # ICPC + 3 months: Thu 11 Mar 2027.
        (ENG, "2026-12-11", "2026-12-29", "2027-03-11"),
        # Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar) in England: Tue 30 Mar.
        (ENG, "2027-03-12", "2027-03-30", "2027-06-11"),
        # Wales, Fri 19 Mar 2027: 22-25 Mar, 30 Mar-2 Apr, 5 and 6 Apr (Easter off): Tue 6 Apr.
        # + 3 months is Sat 19 Jun: Fri 18 Jun.
        (WLS, "2027-03-19", "2027-04-06", "2027-06-18"),
        # Scotland, Thu 17 Dec 2026, 15 working days: 18, 21-24, 29-31 Dec, 5-8 and 11-13 Jan
        # (Christmas, Mon 28 Dec, 1 Jan and Mon 4 Jan for 2 January off): Wed 13 Jan 2027.
        # The review CPPM within 6 months: Thu 17 Jun 2027.
        (SCT, "2026-12-17", "2027-01-13", "2027-06-17"),
        # Scotland, Mon 16 Nov 2026: St Andrew's Day (Mon 30 Nov) off: 17-20, 23-27 Nov,
        # 1-4, 7 and 8 Dec: Tue 8 Dec. + 6 months is Sun 16 May 2027: Fri 14 May.
        (SCT, "2026-11-16", "2026-12-08", "2027-05-14"),
        # Northern Ireland, Fri 5 Mar 2027: St Patrick's Day (Wed 17 Mar) off: Mon 22 Mar.
        # + 3 months is Sat 5 Jun: Fri 4 Jun.
        (NIR, "2027-03-05", "2027-03-22", "2027-06-04"),
        # Northern Ireland, Tue 30 Jun 2026: the Twelfth (Sun 12 Jul, observed Mon 13) off:
        # 1-3, 6-10, 14 and 15 Jul: Wed 15 Jul. + 3 months: Wed 30 Sep.
        (NIR, "2026-06-30", "2026-07-15", "2026-09-30"),
    ],
)
def test_dates_worked_by_hand_for_each_nation(
    nation: Nation, icpc: str, first_core_group: str, first_review: str
) -> None:
    timeline = plan_timeline(d(icpc), WorkingCalendar(nation), rules_for_nation(nation))
    assert timeline.first_core_group_by == d(first_core_group)
    assert timeline.rcpcs[0].by == d(first_review)


def test_scotland_counts_easter_monday_as_a_working_day() -> None:
    # Fri 12 Mar 2027: 15-19, 22-25 Mar (9), Good Friday 26 Mar off, Easter Monday 29 Mar
    # works in Scotland: 29-31 Mar, 1 Apr (13), 2 and 5 Apr: Mon 5 Apr.
    timeline = plan_timeline(d("2027-03-12"), WorkingCalendar(SCT), rules_for_nation(SCT))
    assert timeline.first_core_group_by == d("2027-04-05")


@pytest.mark.parametrize(
    ("birth", "first_review"),
    [
        # England: the sooner of ICPC + 3 months and birth + 10 working days.
        ((ENG, "2027-03-09"), "2027-03-23"),
        # Scotland: within 3 months of the pre-birth CPPM, whenever the birth.
        ((SCT, "2027-03-09"), "2027-04-30"),
    ],
)
def test_the_pre_birth_rule_follows_the_nation(
    birth: tuple[Nation, str], first_review: str
) -> None:
    nation, born = birth
    timeline = plan_timeline(
        d("2027-02-01"), WorkingCalendar(nation), rules_for_nation(nation), birth_date=d(born)
    )
    assert timeline.rcpcs[0].by == d(first_review)


def test_the_cycle_re_bases_on_each_review() -> None:
    # The case: Scotland, CPPM Fri 25 Sep 2026 with England's 3-month review used to put
    # core group 3 a week after the review. Now the review CPPM (6 months: Thu 25 Mar 2027)
    # re-bases the cycle: the next core group is 6 weeks after it, Thu 6 May.
    timeline = plan_timeline(d("2026-09-25"), WorkingCalendar(SCT), rules_for_nation(SCT))
    review = timeline.rcpcs[0].by
    assert review == d("2027-03-25")
    after = [day for day in timeline.core_groups if day > review]
    assert after[0] == d("2027-05-06")


def test_updates_are_sent_on_local_time_across_the_clock_change() -> None:
    # BST starts Sun 28 Mar 2027 and ends Sun 31 Oct 2027: 09:30 stays 09:30 on the wall.
    at = time(9, 30)
    assert local_instant(d("2027-03-26"), at, LONDON) == datetime(2027, 3, 26, 9, 30, tzinfo=UTC)
    assert local_instant(d("2027-03-30"), at, LONDON) == datetime(2027, 3, 30, 8, 30, tzinfo=UTC)
    assert local_instant(d("2027-11-01"), at, LONDON) == datetime(2027, 11, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("core_group", "review", "shared"),
    [
        ("2027-04-02", "2027-04-30", False),  # exactly 4 weeks before: its own round
        ("2027-04-05", "2027-04-30", True),
        ("2027-04-30", "2027-04-30", True),
        ("2027-05-03", "2027-04-30", False),  # after the review
    ],
)
def test_a_core_group_within_4_weeks_before_a_review_shares_its_round(
    core_group: str, review: str, shared: bool
) -> None:
    rules = rules_for_nation(ENG)
    assert shares_review_round(d(core_group), d(review), rules) is shared


@settings(max_examples=400, deadline=None)
@given(
    nation=st.sampled_from(list(Nation)),
    icpc=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    pre_birth=st.booleans(),
)
def test_every_statutory_limit_holds_for_every_nation_and_every_day_2026_to_2030(
    nation: Nation, icpc: date, pre_birth: bool
) -> None:
    n = nation_rules(nation)
    calendar = WorkingCalendar(nation)
    birth = icpc + timedelta(days=30) if pre_birth else None
    timeline = plan_timeline(icpc, calendar, rules_for_nation(nation), birth_date=birth)

    # The first core group: within the nation's limit, on a working day.
    first = timeline.first_core_group_by
    assert calendar.is_working_day(first)
    assert calendar.working_days_between(icpc, first) == n.first_core_group_days - 1

    # Reviews: within the nation's months, and the pre-birth rule.
    months = n.pre_birth_first_review_months if pre_birth else n.first_review_months
    limit = add_months(icpc, months)
    if birth is not None and n.pre_birth_review_after_birth_working_days is not None:
        limit = min(
            limit, calendar.add_working_days(birth, n.pre_birth_review_after_birth_working_days)
        )
    previous = icpc
    for rcpc in timeline.rcpcs:
        assert calendar.is_working_day(rcpc.by)
        assert previous < rcpc.by <= limit
        previous, limit = rcpc.by, add_months(rcpc.by, n.later_review_months)

    # Core groups: at most the interval apart, counted from a review between them.
    interval = timedelta(weeks=n.core_group_interval_weeks)
    reviews = [rcpc.by for rcpc in timeline.rcpcs]
    for before, core_group in pairwise(timeline.core_groups):
        assert calendar.is_working_day(core_group)
        base = max([r for r in reviews if before < r < core_group], default=before)
        assert base < core_group <= base + interval
