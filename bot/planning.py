"""The planning pass: which messages each open case needs, kept in the outbox idempotently."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.app import Dependencies
from bot.cases import calendar_for
from bot.conference import planned_digests
from bot.meeting_views import (
    invitation_blocks,
    invitation_text,
    quorum_warning_blocks,
    quorum_warning_text,
)
from bot.meetings import INVITATION, QUORUM_WARNING, card_for, ensure_invitations, forecast_for
from bot.meetings import replies as meeting_replies
from bot.messages import OPEN_MEETINGS
from bot.outbox import PlannedMessage, SyncReport, sync_planned
from bot.plan_views import action_reminder_blocks, action_reminder_text
from bot.timeline import local_instant
from bot.updates import meeting_day, planned_update_messages
from bot.vocabulary import ActionStatus, CaseStatus, MeetingKind, MeetingStatus, Role
from storage.models import Area, Case, Meeting, Member, PlanAction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanningReport:
    """What a planning pass did across all open cases."""

    cases: int
    inserted: int
    cancelled: int


def scope_of(case_id: int) -> str:
    """The outbox key prefix of everything planned for one case."""
    return f"c{case_id}:"


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def wanted_for_case(
    session: Session, case: Case, area: Area, now: datetime
) -> list[PlannedMessage]:
    """Every message this case should have planned, given its state now."""
    assert case.id is not None
    if case.status != CaseStatus.OPEN or case.channel_archived or case.slack_channel_id is None:
        return []
    tz = ZoneInfo(case.timezone)
    calendar = calendar_for(area, case)
    members = session.exec(
        select(Member).where(Member.case_id == case.id, col(Member.active))
    ).all()
    meetings = session.exec(
        select(Meeting).where(
            Meeting.case_id == case.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            col(Meeting.starts_at) > now,
        )
    ).all()
    wanted: list[PlannedMessage] = []
    prefix = scope_of(case.id)
    for meeting in meetings:
        assert meeting.starts_at is not None
        ensure_invitations(session, meeting)
        card = card_for(case, meeting)
        start_day = meeting.starts_at.astimezone(tz).date()
        stamp = _stamp(meeting.starts_at)
        invite_at = local_instant(
            calendar.add_working_days(start_day, -area.invitation_lead_working_days),
            area.local_time_of_day,
            tz,
        )
        shown, _ = meeting_replies(session, meeting.id or 0)
        conference = meeting.kind == MeetingKind.RCPC
        forecast = forecast_for(session, case, meeting.id or 0) if conference else None
        text = invitation_text(case.reference, meeting.kind)
        channel_blocks = invitation_blocks(card, shown, forecast=forecast)
        wanted.append(
            PlannedMessage(
                f"{prefix}invite:m{meeting.id}:{case.slack_channel_id}:{stamp}",
                INVITATION,
                case.slack_channel_id,
                invite_at,
                {"text": text, "blocks": [b.to_dict() for b in channel_blocks]},
                case.id,
            )
        )
        personal = [b.to_dict() for b in invitation_blocks(card, shown, in_channel=False)]
        for member in members:
            if member.slack_user_id:
                wanted.append(
                    PlannedMessage(
                        f"{prefix}invite:m{meeting.id}:{member.slack_user_id}:{stamp}",
                        INVITATION,
                        member.slack_user_id,
                        invite_at,
                        {"text": text, "blocks": personal},
                        case.id,
                    )
                )
        if forecast is not None and not forecast.quorate:
            warn_at = local_instant(
                calendar.add_working_days(start_day, -area.quorum_warning_working_days),
                area.local_time_of_day,
                tz,
            )
            blocks = [b.to_dict() for b in quorum_warning_blocks(card, forecast)]
            for member in members:
                if member.slack_user_id and member.role in (Role.CHAIR, Role.SOCIAL_WORKER):
                    wanted.append(
                        PlannedMessage(
                            f"{prefix}quorum:m{meeting.id}:{member.slack_user_id}:{stamp}",
                            QUORUM_WARNING,
                            member.slack_user_id,
                            warn_at,
                            {"text": quorum_warning_text(case.reference), "blocks": blocks},
                            case.id,
                        )
                    )
    wanted += _action_reminders(session, case, area, members, now)
    wanted += planned_update_messages(session, case, area, members, now, prefix)
    wanted += planned_digests(session, case, area, members, now, prefix)
    return wanted


ACTION_REMINDER = "action_reminder"
ACTION_REMINDER_WORKING_DAYS = 2


def _action_reminders(
    session: Session, case: Case, area: Area, members: Sequence[Member], now: datetime
) -> list[PlannedMessage]:
    """Open actions due soon remind their owner, two working days before, with a Done button."""
    assert case.id is not None
    owners = {m.id: m for m in members if m.slack_user_id}
    actions = session.exec(
        select(PlanAction).where(
            PlanAction.case_id == case.id,
            PlanAction.status == ActionStatus.OPEN,
            col(PlanAction.due_date).is_not(None),
            col(PlanAction.owner_member_id).in_(list(owners)),
        )
    ).all()
    calendar = calendar_for(area, case)
    tz = ZoneInfo(case.timezone)
    wanted = []
    for action in actions:
        assert action.due_date is not None and action.owner_member_id is not None
        owner = owners[action.owner_member_id]
        remind_on = calendar.add_working_days(
            calendar.on_or_before(action.due_date), -ACTION_REMINDER_WORKING_DAYS
        )
        due_at = local_instant(remind_on, area.local_time_of_day, tz)
        if local_instant(action.due_date, area.local_time_of_day, tz) < now:
            continue  # overdue actions show on the plan and in the summary, not as nagging
        wanted.append(
            PlannedMessage(
                f"{scope_of(case.id)}action:a{action.id}:{owner.slack_user_id}:"
                f"{action.due_date:%Y%m%d}",
                ACTION_REMINDER,
                owner.slack_user_id or "",
                due_at,
                {
                    "text": action_reminder_text(case.reference),
                    "blocks": [b.to_dict() for b in action_reminder_blocks(case.reference, action)],
                },
                case.id,
            )
        )
    return wanted


def next_replan(session: Session, case: Case, now: datetime) -> datetime | None:
    """When time alone next changes this case's plan: the start of the day after its next
    meeting day (the next meeting then moves on), or None when no meeting is ahead."""
    tz = ZoneInfo(case.timezone)
    today = now.astimezone(tz).date()
    days = [
        meeting_day(m, tz)
        for m in session.exec(
            select(Meeting).where(
                Meeting.case_id == case.id, col(Meeting.status).in_(OPEN_MEETINGS)
            )
        )
    ]
    upcoming = [d for d in days if d >= today]
    if not upcoming:
        return None
    return local_instant(min(upcoming) + timedelta(days=1), time(0, 0), tz)


def replan_case(deps: Dependencies, case_id: int) -> SyncReport:
    """Bring one case's planned messages in line with its state (after any change to it)."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        area = session.get_one(Area, case.area_id)
        now = deps.clock.now()
        wanted = wanted_for_case(session, case, area, now)
        report = sync_planned(session, scope=scope_of(case_id), wanted=wanted, now=now)
        case.next_replan_at = next_replan(session, case, now)
        session.add(case)
        return report


def planning_pass(deps: Dependencies) -> PlanningReport:
    """Re-plan the open cases whose moment has come (the daily job, and `coregroup sweep`).

    Every change to a case re-plans it at once; this pass catches what time alone changes, so
    it grows with the cases that have something happening, not with all the cases there are.
    """
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        case_ids = [
            cid
            for cid in session.exec(
                select(Case.id).where(
                    Case.status == CaseStatus.OPEN,
                    or_(col(Case.next_replan_at).is_(None), col(Case.next_replan_at) <= now),
                )
            )
            if cid is not None
        ]
    inserted = cancelled = 0
    for case_id in case_ids:
        report = replan_case(deps, case_id)
        inserted += report.inserted
        cancelled += report.cancelled
    return PlanningReport(len(case_ids), inserted, cancelled)
