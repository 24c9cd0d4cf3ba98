"""When things happen for one case: its working days, its meetings' days, report deadlines, leave.

Small rules read from a case's records as they are; the records' types are named for the type
checker only, so nothing here loads the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.rules.timeline import TimelineRules, report_deadline, rules_for_nation
from bot.rules.vocabulary import MeetingKind, MeetingStatus, Nation, Role
from bot.rules.working_days import WorkingCalendar

if TYPE_CHECKING:
    from storage.models import Area, Case, Meeting, Member

# A report is due by the end of its deadline day, in the case's time zone.
DEADLINE_TIME = time(23, 59, 59)
# People who owe an update before a meeting: everyone but the chair, who receives them.
OWES_UPDATE = (Role.FAMILY, Role.PROFESSIONAL, Role.SOCIAL_WORKER, Role.ADVOCATE)
# Meetings still to be held: due (no date yet) or scheduled.
OPEN_MEETINGS = (MeetingStatus.DUE, MeetingStatus.SCHEDULED)


def working_calendar(nation: Nation, closure_days: Iterable[str]) -> WorkingCalendar:
    """Working days in a nation, less an area's closure days (ISO dates)."""
    return WorkingCalendar(nation, frozenset(date.fromisoformat(d) for d in closure_days))


def calendar_for(area: Area, case: Case) -> WorkingCalendar:
    """Working days for a case: its nation's bank holidays plus the area's closure days."""
    return working_calendar(case.nation, area.closure_days)


# The area settings that are timeline rules; each starts from the shipped default.
_AREA_SETTINGS = (
    "core_group_interval_weeks",
    "first_core_group_working_days",
    "report_deadline_working_days",
    "prompt_lead_working_days",
    "invitation_lead_working_days",
    "quorum_warning_working_days",
    "digest_lead_working_days",
    "family_copy_lead_working_days",
    "pre_birth_rcpc_working_days",
)
_SHIPPED = TimelineRules()


def rules_for(area: Area, nation: Nation | None = None) -> TimelineRules:
    """The timeline rules for a case in `nation` (the area's, if not given): the nation's
    defaults, with each area setting the area changed from the shipped default."""
    rules = rules_for_nation(nation or area.nation)
    # An unchanged setting is the shipped (England's) default, not a choice the area made, so
    # the nation's own timescale stands (a Scottish case keeps its 15 working days).
    changed = {
        name: getattr(area, name)
        for name in _AREA_SETTINGS
        if getattr(area, name) != getattr(_SHIPPED, name)
    }
    return replace(rules, local_time=area.local_time_of_day, **changed)


def meeting_day(meeting: Meeting, tz: ZoneInfo) -> date:
    """The day a meeting happens: its set date, or else its latest allowed date."""
    return meeting.starts_at.astimezone(tz).date() if meeting.starts_at else meeting.due_by


def deadline_day(meeting: Meeting, area: Area, calendar: WorkingCalendar, tz: ZoneInfo) -> date:
    """Reports are due the area's number of working days before the meeting (default 2)."""
    if meeting.kind == MeetingKind.RCPC and meeting.reports_due:
        return meeting.reports_due
    return report_deadline(meeting_day(meeting, tz), calendar, area.report_deadline_working_days)


def away_on(member: Member, day: date) -> bool:
    """Whether the member is on leave that day (`/coregroup away until DATE`)."""
    return member.away_until is not None and day <= member.away_until
