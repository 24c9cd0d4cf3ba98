"""Working days per UK nation (bank holidays from `holidays`, an area's closure days) and months."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

import holidays

from bot.rules.i18n import N_, Translated, _
from bot.rules.vocabulary import Nation

# Marked for the catalog; said in the reader's language by `holiday_name`.
AREA_CLOSURE_DAY = N_("Area closure day")

# The names `holidays` gives the UK's bank holidays (in English only: its UK calendar offers
# en_GB, en_US, th and ur_PK, no Welsh), each marked for the catalog under that same name, so
# English reads exactly as the package says. The Welsh names are GOV.UK's "Gwyliau banc" ones
# (docs/GLOSSARY.cy.md). A name the package adds later falls back to its English, and
# tests/rules/test_working_days.py fails until it is added here.
BANK_HOLIDAY_NAMES: Mapping[str, str] = Translated(
    {
        "New Year's Day": N_("New Year's Day"),
        # Scotland's 2 January.
        "New Year Holiday": N_("New Year Holiday"),
        "Saint Patrick's Day": N_("Saint Patrick's Day"),
        "Good Friday": N_("Good Friday"),
        "Easter Monday": N_("Easter Monday"),
        # The early May bank holiday (the first Monday of May).
        "May Day": N_("May Day"),
        "Spring Bank Holiday": N_("Spring Bank Holiday"),
        "Battle of the Boyne": N_("Battle of the Boyne"),
        # Scotland's first Monday of August; England, Wales and Northern Ireland's last.
        "Summer Bank Holiday": N_("Summer Bank Holiday"),
        "Late Summer Bank Holiday": N_("Late Summer Bank Holiday"),
        "Saint Andrew's Day": N_("Saint Andrew's Day"),
        "Christmas Day": N_("Christmas Day"),
        "Boxing Day": N_("Boxing Day"),
        # The one-off bank holidays the package knows, past and announced.
        "Millennium Celebrations": N_("Millennium Celebrations"),
        "Golden Jubilee of Elizabeth II": N_("Golden Jubilee of Elizabeth II"),
        "Wedding of William and Catherine": N_("Wedding of William and Catherine"),
        "Diamond Jubilee of Elizabeth II": N_("Diamond Jubilee of Elizabeth II"),
        "Platinum Jubilee of Elizabeth II": N_("Platinum Jubilee of Elizabeth II"),
        "State Funeral of Queen Elizabeth II": N_("State Funeral of Queen Elizabeth II"),
        "Coronation of Charles III": N_("Coronation of Charles III"),
        "Scotland's participation in the FIFA World Cup final": N_(
            "Scotland's participation in the FIFA World Cup final"
        ),
    }
)
# How `holidays` names the weekday that stands in for a holiday falling at a weekend, and how
# it joins two holidays on one day (Scotland's 2 January in some years).
_OBSERVED = " (observed)"
_JOINED = "; "

_ONE_DAY = timedelta(days=1)


@cache
def bank_holidays(nation: Nation, year: int) -> Mapping[date, str]:
    """Return one nation's bank holidays in one year (date -> name), built once and then cached."""
    # `subdiv` is never left out: `holidays.UK()` alone drops Easter Monday, St Patrick's Day...
    # A plain read-only dict, because a `holidays` object quietly adds years on lookup.
    # The ignore: `holidays` builds its country aliases at import, so mypy cannot see `UK`.
    by_date = holidays.UK(subdiv=nation.value, years=year)  # type: ignore[attr-defined]
    return MappingProxyType({day: str(name) for day, name in by_date.items()})


@dataclass(frozen=True)
class WorkingCalendar:
    """The working days of one area: Monday to Friday, minus its nation's bank holidays and its
    own closure days."""

    nation: Nation
    closure_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Settings may hand over a list or set; a frozenset keeps the calendar hashable.
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))

    def is_working_day(self, day: date) -> bool:
        """Say whether `day` is a working day in this area."""
        return (
            day.weekday() < 5
            and day not in bank_holidays(self.nation, day.year)
            and day not in self.closure_days
        )

    def add_working_days(self, day: date, n: int) -> date:
        """Return the n-th working day after `day` (before, if n < 0); `day` itself never counts."""
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days strictly between `start` and `end` (start <= end)."""
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        count = 0
        day = start + _ONE_DAY
        while day < end:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def on_or_before(self, day: date) -> date:
        """Return `day` if it is a working day, else the working day before it."""
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def on_or_after(self, day: date) -> date:
        """Return `day` if it is a working day, else the working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def holiday_name(self, day: date) -> str | None:
        """Name the bank holiday or closure day on `day` in the reader's language, for messages;
        None for any other day."""
        name = bank_holidays(self.nation, day.year).get(day)
        if name is not None:
            return bank_holiday_words(name)
        return _(AREA_CLOSURE_DAY) if day in self.closure_days else None


def bank_holiday_words(name: str) -> str:
    """A bank holiday's name as `holidays` gives it, in the reader's language: each holiday of
    a day in its catalog words, a substitute day said as one; an unknown name as it came."""
    words = []
    for part in name.split(_JOINED):
        if part.endswith(_OBSERVED):
            base = part.removesuffix(_OBSERVED)
            words.append(
                _("{holiday} (observed)").format(holiday=BANK_HOLIDAY_NAMES.get(base, base))
            )
        else:
            words.append(BANK_HOLIDAY_NAMES.get(part, part))
    return _JOINED.join(words)


def add_months(day: date, months: int) -> date:
    """Step whole calendar months from `day`, clamped to month end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))
