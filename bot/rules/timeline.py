"""The case timeline from an initial conference: due-by dates, report deadlines, chasing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.rules.i18n import format_date
from bot.rules.nations import nation_rules
from bot.rules.vocabulary import Nation
from bot.rules.working_days import WorkingCalendar, add_months


@dataclass(frozen=True)
class TimelineRules:
    """An area's timescales (DOMAIN.md, Timeline); each is a setting with this default.

    These defaults are England's (`bot.rules.nations`); `for_nation` gives another nation's. An
    area's settings (`storage.models.Area`) start from England's and override a nation's default
    only where the area changed them (`bot.rules.schedule.rules_for`).
    """

    core_group_interval_weeks: int = 6
    # The first core group's limit, in working days (or calendar days, when not `..._working`).
    first_core_group_working_days: int = 10
    first_core_group_in_working_days: bool = True
    first_rcpc_months: int = 3
    pre_birth_first_rcpc_months: int = 3
    later_rcpc_months: int = 6
    report_deadline_working_days: int = 2
    # Updates are asked for this many working days before the report deadline (`prompt_day`).
    prompt_lead_working_days: int = 5
    # Invitations go out this many working days before a meeting with a date.
    invitation_lead_working_days: int = 10
    # A review conference's quorum is checked this many working days before it.
    quorum_warning_working_days: int = 3
    # The chair's digest goes out this many working days before the conference in hand.
    digest_lead_working_days: int = 3
    # The social worker gets the family's copy this many working days before the conference in
    # hand, in time for the preparation visit (seed 001: at least three days before).
    family_copy_lead_working_days: int = 3
    # A pre-birth plan's first review also comes within this many working days of the birth,
    # where the nation counts from the birth at all.
    pre_birth_rcpc_working_days: int = 10
    pre_birth_counts_from_birth: bool = True
    # Nobody is asked for two update rounds less than this many weeks apart: a core group this
    # close before a review conference shares the review's round.
    shared_round_weeks: int = 4
    # The time of day (the case's local time) planned messages and chases are sent.
    local_time: time = time(9, 30)

    def __post_init__(self) -> None:
        # A zero or negative timescale would plan meetings on top of each other or loop forever.
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, int) and not isinstance(value, bool) and value < 1:
                raise ValueError(f"{field.name} must be at least 1, not {value}")


def rules_for_nation(nation: Nation) -> TimelineRules:
    """A nation's timescales (`bot.rules.nations`), with the other defaults."""
    n = nation_rules(nation)
    after_birth = n.pre_birth_review_after_birth_working_days
    return TimelineRules(
        core_group_interval_weeks=n.core_group_interval_weeks,
        first_core_group_working_days=n.first_core_group_days,
        first_core_group_in_working_days=n.first_core_group_working,
        first_rcpc_months=n.first_review_months,
        pre_birth_first_rcpc_months=n.pre_birth_first_review_months,
        later_rcpc_months=n.later_review_months,
        report_deadline_working_days=n.report_deadline_working_days,
        prompt_lead_working_days=n.prompt_lead_working_days,
        pre_birth_rcpc_working_days=after_birth or TimelineRules.pre_birth_rcpc_working_days,
        pre_birth_counts_from_birth=after_birth is not None,
    )


def shares_review_round(core_group: date, review: date, rules: TimelineRules) -> bool:
    """Whether a core group on `core_group` is close enough before a review conference on `review`
    to share its update round (so nobody is asked twice within `shared_round_weeks`)."""
    return timedelta(0) <= review - core_group < timedelta(weeks=rules.shared_round_weeks)


@dataclass(frozen=True)
class Conference:
    """A review conference on the plan: the latest day it may be held, and when reports are due."""

    by: date
    reports_due: date


@dataclass(frozen=True)
class Timeline:
    """The latest dates a case's meetings may be held, all on working days."""

    icpc: date
    nation: Nation
    first_core_group_by: date
    core_groups: tuple[date, ...]
    rcpcs: tuple[Conference, ...]

    def as_json(self) -> dict[str, object]:
        """Return the timeline as JSON-ready values with ISO dates."""
        return {
            "icpc": self.icpc.isoformat(),
            "nation": self.nation.value,
            "first_core_group_by": self.first_core_group_by.isoformat(),
            "core_groups": [day.isoformat() for day in self.core_groups],
            "rcpcs": [
                {"by": rcpc.by.isoformat(), "reports_due": rcpc.reports_due.isoformat()}
                for rcpc in self.rcpcs
            ],
        }


def format_day(day: date) -> str:
    """Format a date for people, fixed width so columns line up: "Tue  5 Jan 2027" ("Maw  5 Ion
    2027" in Welsh). Babel's names for the locale being rendered, never strftime's, so the text
    never depends on the host's locale."""
    return f"{format_date(day, 'EEE')} {day.day:>2} {format_date(day, 'MMM y')}"


def plan_timeline(
    icpc: date,
    calendar: WorkingCalendar,
    rules: TimelineRules = TimelineRules(),
    *,
    months: int = 12,
    birth_date: date | None = None,
) -> Timeline:
    """Plan the due-by dates up to `months` months after the ICPC (the first core group always)."""
    if months < 0:
        raise ValueError(f"months must not be negative, not {months}")
    if birth_date is not None and birth_date < icpc:
        raise ValueError(f"a pre-birth ICPC ({icpc}) comes before the birth ({birth_date})")
    horizon = add_months(icpc, months)

    first_rcpc_limit = add_months(
        icpc, rules.first_rcpc_months if birth_date is None else rules.pre_birth_first_rcpc_months
    )
    if birth_date is not None and rules.pre_birth_counts_from_birth:
        after_birth = calendar.add_working_days(birth_date, rules.pre_birth_rcpc_working_days)
        first_rcpc_limit = min(first_rcpc_limit, after_birth)
    rcpc_dates: list[date] = []
    rcpc_by = _due_by(first_rcpc_limit, after=icpc, calendar=calendar)
    while rcpc_by <= horizon:
        rcpc_dates.append(rcpc_by)
        limit = add_months(rcpc_by, rules.later_rcpc_months)
        rcpc_by = _due_by(limit, after=rcpc_by, calendar=calendar)

    first_core_group_by = first_core_group(icpc, calendar, rules)
    core_groups = [first_core_group_by]
    while True:
        next_core_group = next_core_group_by(core_groups[-1], rcpc_dates, calendar, rules)
        if next_core_group > horizon:
            break
        core_groups.append(next_core_group)

    report_days = rules.report_deadline_working_days
    rcpcs = tuple(
        Conference(by=day, reports_due=report_deadline(day, calendar, report_days))
        for day in rcpc_dates
    )
    return Timeline(
        icpc=icpc,
        nation=calendar.nation,
        first_core_group_by=first_core_group_by,
        core_groups=tuple(core_groups),
        rcpcs=rcpcs,
    )


def next_core_group_by(
    previous: date, reviews: Sequence[date], calendar: WorkingCalendar, rules: TimelineRules
) -> date:
    """The latest day the core group after the one on `previous` may meet: an interval after it,
    or, when a review conference comes before that, an interval after the review (the cycle
    re-bases on each review)."""
    interval = timedelta(weeks=rules.core_group_interval_weeks)
    base = previous
    while True:
        # Chained from the previous adjusted date, so no gap from its base exceeds the interval.
        between = [day for day in reviews if base < day <= base + interval]
        if not between:
            return _due_by(base + interval, after=base, calendar=calendar)
        base = max(between)


def first_core_group(icpc: date, calendar: WorkingCalendar, rules: TimelineRules) -> date:
    """The latest day the first core group may meet: the nation's limit after the initial
    conference, in working or calendar days."""
    days = rules.first_core_group_working_days
    if rules.first_core_group_in_working_days:
        return calendar.add_working_days(icpc, days)
    return _due_by(icpc + timedelta(days=days), after=icpc, calendar=calendar)


def report_deadline(meeting_day: date, calendar: WorkingCalendar, working_days: int) -> date:
    """Return the day reports are due: the N-th working day before the meeting (Thu meeting, N=2:
    Tue), so N-1 working days lie strictly between them."""
    return calendar.add_working_days(meeting_day, -working_days)


def prompt_day(deadline: date, calendar: WorkingCalendar, lead_working_days: int) -> date:
    """Return the day members are asked for updates: the N-th working day before the deadline."""
    return calendar.add_working_days(deadline, -lead_working_days)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Return the UTC instant of wall time `at` on `day` in `tz` (09:30 stays 09:30 in BST)."""
    # fold=0: a wall time the clocks pass twice means its first occurrence.
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz).astimezone(UTC)


class ChaseStep(StrEnum):
    """The steps of chasing one member's update, each on its own working day."""

    REMINDER = "reminder"  # the working day before the deadline
    DUE_TODAY = "due_today"  # the deadline itself
    OVERDUE = "overdue"  # the next working day: the member is told, and the social worker
    ESCALATED = "escalated"  # a further working day later: the chair is told


def chase_days(deadline: date, calendar: WorkingCalendar) -> list[tuple[ChaseStep, date]]:
    """Return each chase step with its working day, in order."""
    # A deadline set on a non-working day is due by the working day before it, like any due-by date.
    due = calendar.on_or_before(deadline)
    return [
        (ChaseStep.REMINDER, calendar.add_working_days(due, -1)),
        (ChaseStep.DUE_TODAY, due),
        (ChaseStep.OVERDUE, calendar.add_working_days(due, 1)),
        (ChaseStep.ESCALATED, calendar.add_working_days(due, 2)),
    ]


def _due_by(limit: date, *, after: date, calendar: WorkingCalendar) -> date:
    """Return the latest working day on or before `limit` that is after `after`."""
    day = calendar.on_or_before(limit)
    if day > after:
        return day
    # Closures fill the whole window, so the limit cannot be met: the first working day after
    # the window is the nearest miss, and stays in order.
    return calendar.on_or_after(limit)
