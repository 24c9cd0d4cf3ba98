"""Working days per UK nation (bank holidays from `holidays`, an area's closure days) and months."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

import holidays

from bot.rules.vocabulary import Nation

AREA_CLOSURE_DAY = "Area closure day"

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
        """Name the bank holiday or closure day on `day`, for messages; None for any other day."""
        name = bank_holidays(self.nation, day.year).get(day)
        if name is not None:
            return name
        return AREA_CLOSURE_DAY if day in self.closure_days else None


def add_months(day: date, months: int) -> date:
    """Step whole calendar months from `day`, clamped to month end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))
