"""Working days per UK nation, against real bank holidays, closure days and month steps."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.i18n import WELSH, speaking
from bot.rules.vocabulary import Nation
from bot.rules.working_days import (
    AREA_CLOSURE_DAY,
    BANK_HOLIDAY_NAMES,
    WorkingCalendar,
    add_months,
    bank_holiday_words,
    bank_holidays,
)

ENG, WLS, SCT, NIR = Nation.ENG, Nation.WLS, Nation.SCT, Nation.NIR
ALL_NATIONS = (ENG, WLS, SCT, NIR)

# Many councils close between Christmas and New Year; these are the 2026 working days they shut.
CHRISTMAS_2026_CLOSURE = frozenset(
    {date(2026, 12, 24), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}
)


def _each(nations: tuple[Nation, ...], day: date, *rest: object) -> list[tuple[object, ...]]:
    return [(nation, day, *rest) for nation in nations]


BANK_HOLIDAYS = [
    *_each(ALL_NATIONS, date(2026, 12, 25), "Christmas Day"),
    *_each(ALL_NATIONS, date(2026, 12, 28), "Boxing Day (observed)"),
    *_each(ALL_NATIONS, date(2027, 12, 27), "Christmas Day (observed)"),
    *_each(ALL_NATIONS, date(2027, 12, 28), "Boxing Day (observed)"),
    *_each(ALL_NATIONS, date(2027, 3, 26), "Good Friday"),
    *_each((ENG, WLS, NIR), date(2027, 3, 29), "Easter Monday"),
    (NIR, date(2026, 3, 17), "Saint Patrick's Day"),
    (NIR, date(2027, 3, 17), "Saint Patrick's Day"),
    (NIR, date(2026, 7, 13), "Battle of the Boyne (observed)"),
    (NIR, date(2027, 7, 12), "Battle of the Boyne"),
    (SCT, date(2026, 11, 30), "Saint Andrew's Day"),
    (SCT, date(2027, 11, 30), "Saint Andrew's Day"),
    (SCT, date(2026, 1, 2), "New Year Holiday"),
    (SCT, date(2027, 1, 4), "New Year Holiday (observed)"),
    (SCT, date(2026, 8, 3), "Summer Bank Holiday"),
    *_each((ENG, WLS, NIR), date(2026, 8, 31), "Late Summer Bank Holiday"),
]


@pytest.mark.parametrize(("nation", "day", "name"), BANK_HOLIDAYS)
def test_a_nations_bank_holiday_is_not_a_working_day_and_is_named(
    nation: Nation, day: date, name: str
) -> None:
    calendar = WorkingCalendar(nation)
    assert not calendar.is_working_day(day)
    assert calendar.holiday_name(day) == name


OTHER_NATIONS_WORKING_DAYS = [
    (SCT, date(2027, 3, 29)),  # Easter Monday is not a Scottish bank holiday
    *_each((ENG, WLS, SCT), date(2027, 3, 17)),  # St Patrick's Day
    *_each((ENG, WLS, SCT), date(2026, 7, 13)),  # Battle of the Boyne (observed)
    *_each((ENG, WLS, SCT), date(2027, 7, 12)),
    *_each((ENG, WLS, NIR), date(2026, 11, 30)),  # St Andrew's Day
    *_each((ENG, WLS, NIR), date(2027, 11, 30)),
    *_each((ENG, WLS, NIR), date(2026, 1, 2)),  # Scotland's 2 January
    *_each((ENG, WLS, NIR), date(2027, 1, 4)),
    *_each((ENG, WLS, NIR), date(2026, 8, 3)),  # Scotland's summer bank holiday
    (SCT, date(2026, 8, 31)),  # and the rest of the UK's
]


@pytest.mark.parametrize(("nation", "day"), OTHER_NATIONS_WORKING_DAYS)
def test_another_nations_bank_holiday_is_an_ordinary_working_day(nation: Nation, day: date) -> None:
    calendar = WorkingCalendar(nation)
    assert calendar.is_working_day(day)
    assert calendar.holiday_name(day) is None


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_weekends_are_not_working_days(nation: Nation) -> None:
    calendar = WorkingCalendar(nation)
    assert not calendar.is_working_day(date(2027, 2, 6))  # Saturday
    assert not calendar.is_working_day(date(2027, 2, 7))  # Sunday
    assert calendar.holiday_name(date(2027, 2, 6)) is None
    assert calendar.is_working_day(date(2027, 2, 8))  # Monday


ADD_WORKING_DAYS = [
    # Christmas 2026: Fri 25 and Mon 28 (Boxing Day observed) are off.
    *_each(ALL_NATIONS, date(2026, 12, 24), 1, date(2026, 12, 29)),
    *_each(ALL_NATIONS, date(2026, 12, 29), -1, date(2026, 12, 24)),
    # Christmas 2027: Mon 27 and Tue 28 are both substitute days.
    *_each(ALL_NATIONS, date(2027, 12, 24), 1, date(2027, 12, 29)),
    *_each(ALL_NATIONS, date(2027, 12, 29), -1, date(2027, 12, 24)),
    # Easter 2027: Good Friday everywhere, Easter Monday everywhere but Scotland.
    *_each((ENG, WLS, NIR), date(2027, 3, 25), 1, date(2027, 3, 30)),
    (SCT, date(2027, 3, 25), 1, date(2027, 3, 29)),
    # St Patrick's Day, Wed 17 Mar 2027.
    (NIR, date(2027, 3, 16), 1, date(2027, 3, 18)),
    (ENG, date(2027, 3, 16), 1, date(2027, 3, 17)),
    # Battle of the Boyne 2026 falls on a Sunday; Mon 13 Jul is the observed day.
    (NIR, date(2026, 7, 10), 1, date(2026, 7, 14)),
    (ENG, date(2026, 7, 10), 1, date(2026, 7, 13)),
    # St Andrew's Day, Mon 30 Nov 2026.
    (SCT, date(2026, 11, 27), 1, date(2026, 12, 1)),
    (WLS, date(2026, 11, 27), 1, date(2026, 11, 30)),
    # New Year 2027: Scotland's 2 January is a Saturday, so Mon 4 Jan is off there.
    (SCT, date(2026, 12, 31), 1, date(2027, 1, 5)),
    (ENG, date(2026, 12, 31), 1, date(2027, 1, 4)),
    # An ordinary fortnight.
    (ENG, date(2026, 10, 5), 10, date(2026, 10, 19)),
    (ENG, date(2026, 10, 19), -10, date(2026, 10, 5)),
    # A weekend start: the weekend day itself never counts.
    (ENG, date(2027, 2, 6), 1, date(2027, 2, 8)),
    (ENG, date(2027, 2, 7), -1, date(2027, 2, 5)),
]


@pytest.mark.parametrize(("nation", "day", "n", "expected"), ADD_WORKING_DAYS)
def test_add_working_days_skips_weekends_and_the_nations_bank_holidays(
    nation: Nation, day: date, n: int, expected: date
) -> None:
    assert WorkingCalendar(nation).add_working_days(day, n) == expected


def test_adding_zero_working_days_returns_the_day_unchanged_even_at_a_weekend() -> None:
    saturday = date(2026, 12, 26)
    assert WorkingCalendar(ENG).add_working_days(saturday, 0) == saturday


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        (ENG, date(2027, 1, 4)),
        (WLS, date(2027, 1, 4)),
        (NIR, date(2027, 1, 4)),
        (SCT, date(2027, 1, 5)),
    ],
)
def test_area_closure_days_are_skipped_like_bank_holidays(nation: Nation, expected: date) -> None:
    calendar = WorkingCalendar(nation, CHRISTMAS_2026_CLOSURE)
    assert calendar.add_working_days(date(2026, 12, 23), 1) == expected
    assert calendar.add_working_days(expected, -1) == date(2026, 12, 23)
    assert calendar.working_days_between(date(2026, 12, 23), expected) == 0


def test_a_closure_day_is_named_and_a_bank_holiday_keeps_its_own_name() -> None:
    calendar = WorkingCalendar(ENG, CHRISTMAS_2026_CLOSURE | {date(2026, 12, 28)})
    assert not calendar.is_working_day(date(2026, 12, 29))
    assert calendar.holiday_name(date(2026, 12, 29)) == AREA_CLOSURE_DAY == "Area closure day"
    assert calendar.holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert calendar.holiday_name(date(2026, 12, 26)) == "Boxing Day"  # a Saturday


def test_closure_days_given_as_a_set_still_make_a_hashable_calendar() -> None:
    calendar = WorkingCalendar(ENG, {date(2027, 2, 8)})  # type: ignore[arg-type]
    assert calendar == WorkingCalendar(ENG, frozenset({date(2027, 2, 8)}))
    assert hash(calendar) == hash(WorkingCalendar(ENG, frozenset({date(2027, 2, 8)})))
    assert not calendar.is_working_day(date(2027, 2, 8))


WORKING_DAYS_BETWEEN = [
    (ENG, date(2026, 12, 24), date(2026, 12, 29), 0),
    (ENG, date(2026, 10, 5), date(2026, 10, 9), 3),
    (ENG, date(2027, 3, 25), date(2027, 3, 31), 1),
    (SCT, date(2027, 3, 25), date(2027, 3, 31), 2),
    (NIR, date(2027, 3, 15), date(2027, 3, 19), 2),
    (ENG, date(2027, 3, 15), date(2027, 3, 19), 3),
    (ENG, date(2027, 2, 8), date(2027, 2, 8), 0),
    (ENG, date(2027, 2, 8), date(2027, 2, 9), 0),
]


@pytest.mark.parametrize(("nation", "start", "end", "expected"), WORKING_DAYS_BETWEEN)
def test_working_days_between_counts_only_the_days_strictly_inside(
    nation: Nation, start: date, end: date, expected: int
) -> None:
    assert WorkingCalendar(nation).working_days_between(start, end) == expected


def test_working_days_between_refuses_an_end_before_its_start() -> None:
    with pytest.raises(ValueError, match="before start"):
        WorkingCalendar(ENG).working_days_between(date(2027, 2, 9), date(2027, 2, 8))


@pytest.mark.parametrize(
    ("nation", "day", "before", "after"),
    [
        (ENG, date(2026, 12, 28), date(2026, 12, 24), date(2026, 12, 29)),
        (ENG, date(2027, 3, 28), date(2027, 3, 25), date(2027, 3, 30)),
        (SCT, date(2027, 3, 28), date(2027, 3, 25), date(2027, 3, 29)),
        (SCT, date(2027, 3, 29), date(2027, 3, 29), date(2027, 3, 29)),
        (NIR, date(2026, 7, 13), date(2026, 7, 10), date(2026, 7, 14)),
        (SCT, date(2027, 1, 2), date(2026, 12, 31), date(2027, 1, 5)),
    ],
)
def test_on_or_before_and_on_or_after_find_the_nearest_working_day(
    nation: Nation, day: date, before: date, after: date
) -> None:
    calendar = WorkingCalendar(nation)
    assert calendar.on_or_before(day) == before
    assert calendar.on_or_after(day) == after


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 12, 17), 12, date(2027, 12, 17)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 1, 10), -13, date(2025, 12, 10)),
        (date(2027, 1, 31), 0, date(2027, 1, 31)),
    ],
)
def test_add_months_steps_calendar_months_and_clamps_to_the_month_end(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_holiday_sets_are_built_once_per_nation_and_year_with_the_nation_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[dict[str, object]] = []
    real_uk = holidays.UK  # type: ignore[attr-defined]

    def counting_uk(**kwargs: object) -> object:
        built.append(kwargs)
        return real_uk(**kwargs)

    monkeypatch.setattr(holidays, "UK", counting_uk)
    bank_holidays.cache_clear()
    try:
        calendar = WorkingCalendar(WLS)
        for offset in range(730):
            calendar.is_working_day(date(2026, 1, 1) + timedelta(days=offset))
        assert built == [{"subdiv": "WLS", "years": 2026}, {"subdiv": "WLS", "years": 2027}]
    finally:
        bank_holidays.cache_clear()


# --- properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
nations = st.sampled_from(ALL_NATIONS)


@st.composite
def calendars_and_days(draw: st.DrawFn) -> tuple[WorkingCalendar, date]:
    """A calendar whose closure days cluster near the drawn day, where they matter."""
    day = draw(days)
    offsets = draw(st.frozensets(st.integers(-60, 60), max_size=20))
    closures = frozenset(day + timedelta(days=offset) for offset in offsets)
    return WorkingCalendar(draw(nations), closures), day


@settings(max_examples=200, deadline=None)
@given(calendar_and_day=calendars_and_days(), n=st.integers(0, 40))
def test_subtracting_working_days_undoes_adding_them_on_a_working_day(
    calendar_and_day: tuple[WorkingCalendar, date], n: int
) -> None:
    calendar, day = calendar_and_day
    start = calendar.on_or_after(day)
    assert calendar.add_working_days(calendar.add_working_days(start, n), -n) == start
    assert calendar.add_working_days(calendar.add_working_days(start, -n), n) == start


@settings(max_examples=200, deadline=None)
@given(calendar_and_day=calendars_and_days(), n=st.integers(1, 40))
def test_the_nth_working_day_after_is_working_with_n_minus_1_working_days_between(
    calendar_and_day: tuple[WorkingCalendar, date], n: int
) -> None:
    calendar, day = calendar_and_day
    later = calendar.add_working_days(day, n)
    earlier = calendar.add_working_days(day, -n)
    assert calendar.is_working_day(later)
    assert calendar.is_working_day(earlier)
    assert earlier < day < later
    assert calendar.working_days_between(day, later) == n - 1
    assert calendar.working_days_between(earlier, day) == n - 1


@settings(max_examples=200, deadline=None)
@given(calendar_and_day=calendars_and_days())
def test_on_or_before_and_on_or_after_are_the_nearest_working_days(
    calendar_and_day: tuple[WorkingCalendar, date],
) -> None:
    calendar, day = calendar_and_day
    before, after = calendar.on_or_before(day), calendar.on_or_after(day)
    assert calendar.is_working_day(before)
    assert calendar.is_working_day(after)
    assert before <= day <= after
    assert calendar.working_days_between(before, day) == 0
    assert calendar.working_days_between(day, after) == 0
    assert (before == day) == calendar.is_working_day(day) == (after == day)


@settings(max_examples=200, deadline=None)
@given(day=days, months=st.integers(-36, 36))
def test_add_months_lands_in_the_right_month_on_the_same_day_or_the_month_end(
    day: date, months: int
) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    if result.day != day.day:
        assert result.day < day.day
        assert (result + timedelta(days=1)).day == 1


# Every year of the package's UK calendars that holds a one-off holiday, and some years to come.
HOLIDAY_YEARS = range(1995, 2041)


@pytest.mark.parametrize("nation", ALL_NATIONS)
def test_every_bank_holiday_of_every_nation_has_a_welsh_name(nation: Nation) -> None:
    calendar = WorkingCalendar(nation)
    days = [day for year in HOLIDAY_YEARS for day in bank_holidays(nation, year)]
    assert len(days) > 8 * len(HOLIDAY_YEARS)
    for day in days:
        english = bank_holidays(nation, day.year)[day]
        assert calendar.holiday_name(day) == english  # English reads as the package says
        with speaking(WELSH):
            welsh = calendar.holiday_name(day)
        assert welsh is not None
        for part in english.split("; "):
            name = part.removesuffix(" (observed)")
            # Marked for the catalog, so no name falls back to the package's English ...
            assert name in BANK_HOLIDAY_NAMES, (day, name)
            # ... and none is left untranslated in it (each has a Welsh word of its own).
            assert name not in welsh, (day, welsh)
        assert "observed" not in welsh


def test_a_bank_holiday_and_a_closure_day_are_named_in_welsh() -> None:
    wales = WorkingCalendar(WLS, closure_days=CHRISTMAS_2026_CLOSURE)
    scotland = WorkingCalendar(SCT)
    with speaking(WELSH):
        assert wales.holiday_name(date(2026, 12, 25)) == "Dydd Nadolig"
        assert wales.holiday_name(date(2026, 12, 28)) == "Gŵyl San Steffan (diwrnod yn ei le)"
        assert wales.holiday_name(date(2027, 3, 29)) == "Llun y Pasg"
        assert wales.holiday_name(date(2026, 5, 4)) == "Gŵyl Banc Calan Mai"
        assert wales.holiday_name(date(2026, 8, 31)) == "Gŵyl Banc yr Haf"
        assert wales.holiday_name(date(2026, 12, 29)) == "Diwrnod cau'r ardal"
        assert scotland.holiday_name(date(2026, 11, 30)) == "Dydd Gŵyl Andreas"
        # Two holidays on one day (2023's 2 January in Scotland): both in Welsh.
        assert scotland.holiday_name(date(2023, 1, 2)) == "2 Ionawr; Dydd Calan (diwrnod yn ei le)"
        # A name the package might add one day is said as it has it, never dropped.
        assert bank_holiday_words("Some New Holiday (observed)") == (
            "Some New Holiday (diwrnod yn ei le)"
        )
