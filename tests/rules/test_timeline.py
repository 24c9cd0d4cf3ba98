"""The case timeline against real UK dates: due-by dates, report deadlines, prompts and chasing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.timeline import (
    ChaseStep,
    Conference,
    TimelineRules,
    chase_days,
    format_day,
    local_instant,
    next_core_group_by,
    plan_timeline,
    prompt_day,
    report_deadline,
)
from bot.rules.vocabulary import Nation
from bot.rules.working_days import WorkingCalendar, add_months
from bot.ui.texts import timeline_text

ENG, WLS, SCT, NIR = Nation.ENG, Nation.WLS, Nation.SCT, Nation.NIR
ALL_NATIONS = (ENG, WLS, SCT, NIR)
LONDON = ZoneInfo("Europe/London")


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- whole timelines, checked by hand against `holidays` ----------------------------------------

TIMELINES = [
    pytest.param(
        ENG,
        "2027-02-01",
        {
            "icpc": "2027-02-01",
            "nation": "ENG",
            "first_core_group_by": "2027-02-15",
            # 15 Feb + 6 weeks is Easter Monday 29 Mar; Good Friday too, so Thu 25 Mar. The
            # review, Fri 30 Apr, re-bases the cycle: Fri 11 Jun, then every 6 weeks to Fri
            # 15 Oct; the review of Fri 29 Oct re-bases it again: Fri 10 Dec.
            "core_groups": [
                "2027-02-15",
                "2027-03-25",
                "2027-06-11",
                "2027-07-23",
                "2027-09-03",
                "2027-10-15",
                "2027-12-10",
                "2028-01-21",
            ],
            # ICPC + 3 months is Sat 1 May; + 6 months from Fri 30 Apr is Sat 30 Oct.
            "rcpcs": [
                {"by": "2027-04-30", "reports_due": "2027-04-28"},
                {"by": "2027-10-29", "reports_due": "2027-10-27"},
            ],
        },
        id="england-easter-monday-2027",
    ),
    pytest.param(
        SCT,
        "2027-02-01",
        {
            "icpc": "2027-02-01",
            "nation": "SCT",
            "first_core_group_by": "2027-02-15",
            # Easter Monday is a working day in Scotland: Mon 29 Mar. The reviews re-base the
            # cycle as in England (Fri 11 Jun, Fri 10 Dec).
            "core_groups": [
                "2027-02-15",
                "2027-03-29",
                "2027-06-11",
                "2027-07-23",
                "2027-09-03",
                "2027-10-15",
                "2027-12-10",
                "2028-01-21",
            ],
            "rcpcs": [
                {"by": "2027-04-30", "reports_due": "2027-04-28"},
                {"by": "2027-10-29", "reports_due": "2027-10-27"},
            ],
        },
        id="scotland-no-easter-monday-2027",
    ),
    pytest.param(
        NIR,
        "2026-05-15",
        {
            "icpc": "2026-05-15",
            "nation": "NIR",
            # Spring Bank Holiday, Mon 25 May, is skipped.
            "first_core_group_by": "2026-06-01",
            # 1 Jun + 6 weeks is Mon 13 Jul, the Battle of the Boyne (observed): Fri 10 Jul.
            # The review of Fri 14 Aug re-bases the cycle: Fri 25 Sep; so does Fri 12 Feb:
            # 26 Mar + ... Thu 25 Mar (Good Friday 26 Mar 2027).
            "core_groups": [
                "2026-06-01",
                "2026-07-10",
                "2026-09-25",
                "2026-11-06",
                "2026-12-18",
                "2027-01-29",
                "2027-03-25",
                "2027-05-06",
            ],
            "rcpcs": [
                {"by": "2026-08-14", "reports_due": "2026-08-12"},
                {"by": "2027-02-12", "reports_due": "2027-02-10"},
            ],
        },
        id="northern-ireland-boyne-2026",
    ),
    pytest.param(
        ENG,
        "2026-05-15",
        {
            "icpc": "2026-05-15",
            "nation": "ENG",
            "first_core_group_by": "2026-06-01",
            # Mon 13 Jul is an ordinary day in England. The review of Fri 14 Aug re-bases the
            # cycle: Fri 25 Sep; Fri 12 Feb + 6 weeks is Good Friday 26 Mar: Thu 25 Mar.
            "core_groups": [
                "2026-06-01",
                "2026-07-13",
                "2026-09-25",
                "2026-11-06",
                "2026-12-18",
                "2027-01-29",
                "2027-03-25",
                "2027-05-06",
            ],
            "rcpcs": [
                {"by": "2026-08-14", "reports_due": "2026-08-12"},
                {"by": "2027-02-12", "reports_due": "2027-02-10"},
            ],
        },
        id="england-boxing-day-observed-2026",
    ),
    pytest.param(
        NIR,
        "2026-12-17",
        {
            "icpc": "2026-12-17",
            "nation": "NIR",
            # 25 and 28 Dec, 1 Jan are off: the tenth working day is Tue 5 Jan.
            "first_core_group_by": "2027-01-05",
            "core_groups": [
                "2027-01-05",
                "2027-02-16",
                "2027-04-27",
                "2027-06-08",
                "2027-07-20",
                "2027-08-31",
                "2027-10-28",
                "2027-12-09",
            ],
            # ICPC + 3 months is St Patrick's Day, Wed 17 Mar: Tue 16 Mar, reports due Fri 12 Mar.
            # The next is 6 months from Tue 16 Mar, not from the 17th.
            "rcpcs": [
                {"by": "2027-03-16", "reports_due": "2027-03-12"},
                {"by": "2027-09-16", "reports_due": "2027-09-14"},
            ],
        },
        id="northern-ireland-st-patricks-day-2027",
    ),
    pytest.param(
        SCT,
        "2026-12-17",
        {
            "icpc": "2026-12-17",
            "nation": "SCT",
            # Scotland also loses Mon 4 Jan 2027 (2 January observed): Wed 6 Jan.
            "first_core_group_by": "2027-01-06",
            "core_groups": [
                "2027-01-06",
                "2027-02-17",
                "2027-04-28",
                "2027-06-09",
                "2027-07-21",
                "2027-09-01",
                "2027-10-29",
                "2027-12-10",
            ],
            "rcpcs": [
                {"by": "2027-03-17", "reports_due": "2027-03-15"},
                {"by": "2027-09-17", "reports_due": "2027-09-15"},
            ],
        },
        id="scotland-2-january-2027",
    ),
    pytest.param(
        WLS,
        "2027-09-28",
        {
            "icpc": "2027-09-28",
            "nation": "WLS",
            "first_core_group_by": "2027-10-12",
            # 23 Nov + 6 weeks is Tue 4 Jan 2028, after the review of Fri 24 Dec 2027, which
            # re-bases the cycle: Fri 4 Feb 2028.
            "core_groups": [
                "2027-10-12",
                "2027-11-23",
                "2028-02-04",
                "2028-03-17",
                "2028-04-28",
                "2028-06-09",
                "2028-08-04",
                "2028-09-15",
            ],
            # ICPC + 3 months is Tue 28 Dec 2027 (Boxing Day observed; Mon 27 too): Fri 24 Dec,
            # reports due Wed 22 Dec.
            "rcpcs": [
                {"by": "2027-12-24", "reports_due": "2027-12-22"},
                {"by": "2028-06-23", "reports_due": "2028-06-21"},
            ],
        },
        id="wales-christmas-2027",
    ),
    pytest.param(
        SCT,
        "2027-09-28",
        {
            "icpc": "2027-09-28",
            "nation": "SCT",
            "first_core_group_by": "2027-10-12",
            # The review of Fri 24 Dec 2027 re-bases the cycle: Fri 4 Feb 2028 (in Scotland Mon 3
            # and Tue 4 Jan are both off, but no core group falls there any more).
            "core_groups": [
                "2027-10-12",
                "2027-11-23",
                "2028-02-04",
                "2028-03-17",
                "2028-04-28",
                "2028-06-09",
                "2028-08-04",
                "2028-09-15",
            ],
            "rcpcs": [
                {"by": "2027-12-24", "reports_due": "2027-12-22"},
                {"by": "2028-06-23", "reports_due": "2028-06-21"},
            ],
        },
        id="scotland-new-year-2028",
    ),
]


@pytest.mark.parametrize(("nation", "icpc", "expected"), TIMELINES)
def test_a_twelve_month_timeline_matches_the_real_calendar(
    nation: Nation, icpc: str, expected: dict[str, object]
) -> None:
    timeline = plan_timeline(d(icpc), WorkingCalendar(nation))
    assert timeline.as_json() == expected


@pytest.mark.parametrize(
    ("nation", "icpc", "expected"),
    [
        *[(nation, "2027-02-01", "2027-02-15") for nation in ALL_NATIONS],
        *[(nation, "2026-12-17", "2027-01-05") for nation in (ENG, WLS, NIR)],
        (SCT, "2026-12-17", "2027-01-06"),
        # Christmas 2027 (27, 28 Dec) and New Year 2028 (Mon 3 Jan; Tue 4 Jan too in Scotland).
        *[(nation, "2027-12-17", "2028-01-05") for nation in (ENG, WLS, NIR)],
        (SCT, "2027-12-17", "2028-01-06"),
        # Easter 2027: Good Friday everywhere, Easter Monday everywhere but Scotland.
        *[(nation, "2027-03-19", "2027-04-06") for nation in (ENG, WLS, NIR)],
        (SCT, "2027-03-19", "2027-04-05"),
    ],
)
def test_the_first_core_group_is_due_by_the_tenth_working_day_after_the_icpc(
    nation: Nation, icpc: str, expected: str
) -> None:
    timeline = plan_timeline(d(icpc), WorkingCalendar(nation))
    assert timeline.first_core_group_by == d(expected)
    assert timeline.core_groups[0] == d(expected)


@pytest.mark.parametrize(
    ("nation", "second_core_group"),
    [(SCT, "2026-11-27"), (ENG, "2026-11-30"), (WLS, "2026-11-30"), (NIR, "2026-11-30")],
)
def test_a_core_group_due_on_st_andrews_day_comes_forward_only_in_scotland(
    nation: Nation, second_core_group: str
) -> None:
    timeline = plan_timeline(d("2026-10-05"), WorkingCalendar(nation))
    assert timeline.core_groups[:2] == (d("2026-10-19"), d(second_core_group))


def test_closure_days_delay_the_first_core_group() -> None:
    closures = frozenset({d("2026-12-24"), d("2026-12-29"), d("2026-12-30"), d("2026-12-31")})
    timeline = plan_timeline(d("2026-12-17"), WorkingCalendar(ENG, closures))
    # 18, 21, 22, 23 Dec, then nothing until Mon 4 Jan: the tenth working day is Mon 11 Jan.
    assert timeline.first_core_group_by == d("2027-01-11")


def test_a_core_group_due_on_a_closure_day_comes_forward_and_the_cycle_follows() -> None:
    calendar = WorkingCalendar(ENG, frozenset({d("2026-11-06")}))
    timeline = plan_timeline(d("2026-05-15"), calendar)
    # Due Fri 6 Nov (25 Sep + 6 weeks), a closure day: Thu 5 Nov, and the next is chained from it.
    assert timeline.core_groups[2:5] == (d("2026-09-25"), d("2026-11-05"), d("2026-12-17"))


@pytest.mark.parametrize(
    ("nation", "birth", "expected"),
    [
        # Birth + 10 working days is sooner than ICPC + 3 months (Fri 30 Apr).
        (ENG, "2027-03-09", [Conference(d("2027-03-23"), d("2027-03-19"))]),
        # St Patrick's Day is skipped in Northern Ireland, so a day later.
        (NIR, "2027-03-09", [Conference(d("2027-03-24"), d("2027-03-22"))]),
        # A late birth: ICPC + 3 months is sooner.
        (ENG, "2027-04-26", [Conference(d("2027-04-30"), d("2027-04-28"))]),
    ],
)
def test_a_pre_birth_first_review_is_the_sooner_of_birth_plus_10_working_days_and_3_months(
    nation: Nation, birth: str, expected: list[Conference]
) -> None:
    timeline = plan_timeline(d("2027-02-01"), WorkingCalendar(nation), birth_date=d(birth))
    assert list(timeline.rcpcs[:1]) == expected


def test_a_pre_birth_second_review_is_6_months_after_the_first() -> None:
    timeline = plan_timeline(d("2027-02-01"), WorkingCalendar(ENG), birth_date=d("2027-03-09"))
    assert [rcpc.by for rcpc in timeline.rcpcs] == [d("2027-03-23"), d("2027-09-23")]


def test_a_birth_before_the_icpc_is_refused() -> None:
    with pytest.raises(ValueError, match="pre-birth"):
        plan_timeline(d("2027-02-01"), WorkingCalendar(ENG), birth_date=d("2027-01-31"))


def test_the_timeline_includes_a_review_due_on_its_last_day() -> None:
    # ICPC + 3 months is Tue 1 Jun 2027, which is also the end of a 3-month timeline.
    timeline = plan_timeline(d("2027-03-01"), WorkingCalendar(ENG), months=3)
    assert timeline.core_groups == (d("2027-03-15"), d("2027-04-26"))
    # Reports: Mon 31 May is the Spring Bank Holiday, so Thu 27 May.
    assert timeline.rcpcs == (Conference(d("2027-06-01"), d("2027-05-27")),)


def test_a_zero_month_timeline_still_holds_the_first_core_group() -> None:
    timeline = plan_timeline(d("2027-02-01"), WorkingCalendar(ENG), months=0)
    assert timeline.core_groups == (d("2027-02-15"),)
    assert timeline.rcpcs == ()


def test_a_negative_month_count_is_refused() -> None:
    with pytest.raises(ValueError, match="months"):
        plan_timeline(d("2027-02-01"), WorkingCalendar(ENG), months=-1)


def test_a_four_weekly_core_group_cycle_is_a_setting() -> None:
    rules = TimelineRules(core_group_interval_weeks=4)
    timeline = plan_timeline(d("2027-02-01"), WorkingCalendar(ENG), rules)
    # Every 4 weeks from Mon 15 Feb to Mon 12 Apr; the review of Fri 30 Apr re-bases the cycle:
    # Fri 28 May, then every 4 weeks.
    assert timeline.core_groups[:8] == (
        d("2027-02-15"),
        d("2027-03-15"),
        d("2027-04-12"),
        d("2027-05-28"),
        d("2027-06-25"),
        d("2027-07-23"),
        d("2027-08-20"),
        d("2027-09-17"),
    )


@pytest.mark.parametrize(
    "field", ["core_group_interval_weeks", "first_rcpc_months", "report_deadline_working_days"]
)
def test_timeline_rules_refuse_a_timescale_below_one(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        TimelineRules(**{field: 0})  # type: ignore[arg-type]


def test_as_json_has_exactly_the_documented_shape_and_survives_json() -> None:
    timeline = plan_timeline(d("2027-02-01"), WorkingCalendar(NIR), months=3)
    as_json = timeline.as_json()
    assert as_json == {
        "icpc": "2027-02-01",
        "nation": "NIR",
        "first_core_group_by": "2027-02-15",
        "core_groups": ["2027-02-15", "2027-03-25"],
        "rcpcs": [{"by": "2027-04-30", "reports_due": "2027-04-28"}],
    }
    assert json.loads(json.dumps(as_json)) == as_json


def test_as_text_lists_every_date_in_order_with_its_weekday_and_aligned() -> None:
    timeline = plan_timeline(d("2027-02-01"), WorkingCalendar(ENG), months=3)
    assert timeline_text(timeline) == (
        "Latest dates for this plan, on working days in England\n"
        "Mon  1 Feb 2027  Initial conference (ICPC)\n"
        "Mon 15 Feb 2027  First core group by\n"
        "Thu 25 Mar 2027  Core group 2 by\n"
        "Wed 28 Apr 2027  Reports due for review conference 1\n"
        "Fri 30 Apr 2027  Review conference 1 (RCPC) by"
    )


def test_as_text_has_one_line_per_date_on_a_full_timeline() -> None:
    timeline = plan_timeline(d("2026-12-17"), WorkingCalendar(SCT))
    lines = timeline_text(timeline).splitlines()
    assert lines[0] == "Latest dates for this plan, on working days in Scotland"
    assert len(lines) == 1 + 1 + len(timeline.core_groups) + 2 * len(timeline.rcpcs)
    assert "Wed  6 Jan 2027  First core group by" in lines
    # A Scottish plan speaks of review CPPMs.
    assert "Wed 17 Mar 2027  Review CPPM 1 by" in lines
    # Every date is 15 characters wide, so every label starts in the same column.
    assert all(line[15:17] == "  " and line[17] != " " for line in lines[1:])


def test_format_day_names_the_weekday_and_pads_the_day() -> None:
    assert format_day(d("2027-01-12")) == "Tue 12 Jan 2027"
    assert format_day(d("2027-01-05")) == "Tue  5 Jan 2027"


# --- report deadlines and prompts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "conference", "expected"),
    [
        # The 2nd working day before a Thursday is the Tuesday.
        (ENG, "2027-02-11", "2027-02-09"),
        *[(nation, "2026-12-29", "2026-12-23") for nation in ALL_NATIONS],
        *[(nation, "2027-12-29", "2027-12-23") for nation in ALL_NATIONS],
        (ENG, "2027-03-31", "2027-03-25"),
        (SCT, "2027-03-31", "2027-03-29"),
        (NIR, "2027-03-18", "2027-03-15"),
        (ENG, "2027-03-18", "2027-03-16"),
        (SCT, "2026-12-01", "2026-11-26"),
        (ENG, "2026-12-01", "2026-11-27"),
    ],
)
def test_reports_are_due_on_the_second_working_day_before_the_conference(
    nation: Nation, conference: str, expected: str
) -> None:
    assert report_deadline(d(conference), WorkingCalendar(nation), 2) == d(expected)


@pytest.mark.parametrize(("nation", "expected"), [(ENG, "2027-03-19"), (SCT, "2027-03-22")])
def test_members_are_prompted_five_working_days_before_the_deadline(
    nation: Nation, expected: str
) -> None:
    # Deadline Tue 30 Mar 2027: Easter Monday counts as a working day only in Scotland.
    assert prompt_day(d("2027-03-30"), WorkingCalendar(nation), 5) == d(expected)


# --- instants across the clock change ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        ("2026-10-23", datetime(2026, 10, 23, 8, 30, tzinfo=UTC)),  # BST, the Friday before
        ("2026-10-26", datetime(2026, 10, 26, 9, 30, tzinfo=UTC)),  # GMT, the Monday after
        ("2026-03-27", datetime(2026, 3, 27, 9, 30, tzinfo=UTC)),  # GMT, before spring forward
        ("2026-03-30", datetime(2026, 3, 30, 8, 30, tzinfo=UTC)),  # BST
    ],
)
def test_a_0930_london_instant_stays_0930_local_across_the_clock_change(
    day: str, utc: datetime
) -> None:
    instant = local_instant(d(day), time(9, 30), LONDON)
    assert instant == utc
    assert instant.tzinfo is UTC
    assert instant.astimezone(LONDON).time() == time(9, 30)


def test_chasing_a_deadline_that_crosses_the_clock_change_keeps_0930_local() -> None:
    steps = chase_days(d("2026-10-23"), WorkingCalendar(ENG))
    instants = [local_instant(day, TimelineRules().local_time, LONDON) for _step, day in steps]
    assert instants == [
        datetime(2026, 10, 22, 8, 30, tzinfo=UTC),
        datetime(2026, 10, 23, 8, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 9, 30, tzinfo=UTC),
        datetime(2026, 10, 27, 9, 30, tzinfo=UTC),
    ]


# --- chasing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nation", "deadline", "expected"),
    [
        (ENG, "2026-12-23", ["2026-12-22", "2026-12-23", "2026-12-24", "2026-12-29"]),
        (ENG, "2026-12-24", ["2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30"]),
        (SCT, "2027-12-24", ["2027-12-23", "2027-12-24", "2027-12-29", "2027-12-30"]),
        (SCT, "2026-11-27", ["2026-11-26", "2026-11-27", "2026-12-01", "2026-12-02"]),
        (ENG, "2026-11-27", ["2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"]),
        (NIR, "2027-03-16", ["2027-03-15", "2027-03-16", "2027-03-18", "2027-03-19"]),
        # A deadline set on a Saturday is due by the Friday, like any due-by date.
        (ENG, "2026-12-26", ["2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30"]),
    ],
)
def test_chasing_runs_reminder_due_overdue_escalated_on_working_days(
    nation: Nation, deadline: str, expected: list[str]
) -> None:
    steps = chase_days(d(deadline), WorkingCalendar(nation))
    assert steps == list(zip(ChaseStep, [d(day) for day in expected], strict=True))


def test_chase_steps_are_in_the_order_they_happen() -> None:
    assert list(ChaseStep) == [
        ChaseStep.REMINDER,
        ChaseStep.DUE_TODAY,
        ChaseStep.OVERDUE,
        ChaseStep.ESCALATED,
    ]


# --- properties ----------------------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
nations = st.sampled_from(ALL_NATIONS)


@st.composite
def calendars_and_days(draw: st.DrawFn) -> tuple[WorkingCalendar, date]:
    """A calendar whose closure days cluster in the year after the drawn day, where they matter."""
    day = draw(days)
    offsets = draw(st.frozensets(st.integers(-10, 400), max_size=40))
    closures = frozenset(day + timedelta(days=offset) for offset in offsets)
    return WorkingCalendar(draw(nations), closures), day


rules_strategy = st.builds(
    TimelineRules,
    core_group_interval_weeks=st.integers(1, 8),
    first_core_group_working_days=st.integers(1, 15),
    first_rcpc_months=st.integers(1, 6),
    pre_birth_first_rcpc_months=st.integers(1, 6),
    later_rcpc_months=st.integers(1, 6),
    report_deadline_working_days=st.integers(1, 5),
    pre_birth_rcpc_working_days=st.integers(1, 15),
)


def _next_due_by(calendar: WorkingCalendar, previous: date, limit: date) -> date:
    """The latest working day after `previous` and by `limit`, or the first after an all-closed
    window."""
    latest = calendar.on_or_before(limit)
    return latest if latest > previous else calendar.on_or_after(limit)


def _limit_met_or_impossible(
    calendar: WorkingCalendar, due_by: date, after: date, limit: date
) -> bool:
    """A due-by date meets its limit, or closures leave no working day at all before it."""
    if due_by <= limit:
        return True
    return calendar.working_days_between(after, limit + timedelta(days=1)) == 0


@settings(max_examples=200, deadline=None)
@given(
    calendar_and_icpc=calendars_and_days(),
    rules=rules_strategy,
    months=st.integers(0, 24),
    birth_offset=st.none() | st.integers(0, 200),
)
def test_every_due_by_date_is_a_working_day_within_its_statutory_limit(
    calendar_and_icpc: tuple[WorkingCalendar, date],
    rules: TimelineRules,
    months: int,
    birth_offset: int | None,
) -> None:
    calendar, icpc = calendar_and_icpc
    birth = None if birth_offset is None else icpc + timedelta(days=birth_offset)
    timeline = plan_timeline(icpc, calendar, rules, months=months, birth_date=birth)
    horizon = add_months(icpc, months)

    first = timeline.first_core_group_by
    assert icpc < first
    assert calendar.working_days_between(icpc, first) < rules.first_core_group_working_days
    assert timeline.core_groups[0] == first
    interval = timedelta(weeks=rules.core_group_interval_weeks)
    reviews = [rcpc.by for rcpc in timeline.rcpcs]
    for previous, core_group in pairwise(timeline.core_groups):
        assert previous < core_group <= horizon
        # The cycle re-bases on a review conference between two core groups.
        base = max([r for r in reviews if previous < r < core_group], default=previous)
        assert _limit_met_or_impossible(calendar, core_group, base, base + interval)
    for core_group in timeline.core_groups:
        assert calendar.is_working_day(core_group)
    last = timeline.core_groups[-1]
    assert next_core_group_by(last, reviews, calendar, rules) > horizon  # none left out

    first_months = rules.first_rcpc_months if birth is None else rules.pre_birth_first_rcpc_months
    rcpc_limit = add_months(icpc, first_months)
    if birth is not None:
        after_birth = calendar.add_working_days(birth, rules.pre_birth_rcpc_working_days)
        rcpc_limit = min(rcpc_limit, after_birth)
    previous = icpc
    for rcpc in timeline.rcpcs:
        assert calendar.is_working_day(rcpc.by)
        assert previous < rcpc.by <= horizon
        assert _limit_met_or_impossible(calendar, rcpc.by, previous, rcpc_limit)
        assert rcpc.reports_due == report_deadline(
            rcpc.by, calendar, rules.report_deadline_working_days
        )
        previous = rcpc.by
        rcpc_limit = add_months(rcpc.by, rules.later_rcpc_months)
    assert _next_due_by(calendar, previous, rcpc_limit) > horizon  # none left out


@settings(max_examples=200, deadline=None)
@given(calendar_and_day=calendars_and_days(), working_days=st.integers(1, 10))
def test_a_report_deadline_is_the_nth_working_day_before_its_conference(
    calendar_and_day: tuple[WorkingCalendar, date], working_days: int
) -> None:
    calendar, conference = calendar_and_day
    deadline = report_deadline(conference, calendar, working_days)
    assert calendar.is_working_day(deadline)
    assert deadline < conference
    # Thu conference, N=2: due Tue, with only Wed strictly between.
    assert calendar.working_days_between(deadline, conference) == working_days - 1


@settings(max_examples=200, deadline=None)
@given(calendar_and_day=calendars_and_days(), lead=st.integers(1, 10))
def test_a_prompt_is_the_nth_working_day_before_its_deadline(
    calendar_and_day: tuple[WorkingCalendar, date], lead: int
) -> None:
    calendar, deadline = calendar_and_day
    prompt = prompt_day(deadline, calendar, lead)
    assert calendar.is_working_day(prompt)
    assert calendar.working_days_between(prompt, deadline) == lead - 1


@settings(max_examples=200, deadline=None)
@given(calendar_and_day=calendars_and_days())
def test_chase_days_are_working_days_in_strictly_increasing_order(
    calendar_and_day: tuple[WorkingCalendar, date],
) -> None:
    calendar, deadline = calendar_and_day
    steps = chase_days(deadline, calendar)
    assert [step for step, _day in steps] == list(ChaseStep)
    chase = [day for _step, day in steps]
    assert all(calendar.is_working_day(day) for day in chase)
    assert chase == sorted(set(chase))
    assert dict(steps)[ChaseStep.DUE_TODAY] <= deadline
    # Consecutive working days: nothing is skipped between steps.
    for earlier, later in pairwise(chase):
        assert calendar.working_days_between(earlier, later) == 0


@settings(max_examples=200, deadline=None)
@given(
    day=days,
    at=st.times(min_value=time(6, 0), max_value=time(22, 0)).map(lambda t: t.replace(fold=0)),
)
def test_a_local_instant_shows_the_same_wall_time_in_london(day: date, at: time) -> None:
    instant = local_instant(day, at, LONDON)
    assert instant.utcoffset() == timedelta(0)
    local = instant.astimezone(LONDON)
    assert (local.date(), local.time()) == (day, at)
