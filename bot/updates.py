"""The update cycle: who owes an update for which meeting, prompts and chases, and submissions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bot import audit
from bot.access import check_give_update
from bot.app import Dependencies
from bot.cases import calendar_for
from bot.gateway import SlackError
from bot.meeting_views import KIND_LABELS
from bot.messages import OPEN_MEETINGS
from bot.outbox import PlannedMessage
from bot.timeline import ChaseStep, chase_days, format_day, local_instant, report_deadline
from bot.update_form import UpdateDraft
from bot.update_messages import (
    chase_blocks,
    chase_text,
    escalation_notice,
    family_prompt,
    overdue_notice,
    overdue_notice_text,
    professional_prompt,
    progress_blocks,
    progress_text,
    prompt_text,
    with_family_prompt,
)
from bot.views import AGENCY_NAMES
from bot.vocabulary import MeetingKind, Role, UpdateRequestStatus
from bot.working_days import WorkingCalendar
from storage.models import (
    AgencyUpdate,
    Area,
    Case,
    Meeting,
    Member,
    OutboxMessage,
    OutcomeRating,
    UpdateRequest,
)
from storage.queries import insert_missing

log = logging.getLogger(__name__)

# A report is due by the end of its deadline day, in the case's time zone.
DEADLINE_TIME = time(23, 59, 59)
# People who owe an update before a meeting: everyone but the chair, who receives them.
OWES_UPDATE = (Role.FAMILY, Role.PROFESSIONAL, Role.SOCIAL_WORKER, Role.ADVOCATE)

PROMPT, CHASE, OVERDUE_NOTICE, ESCALATION, PROGRESS = (
    "prompt",
    "chase",
    "overdue_notice",
    "escalation",
    "progress",
)


class UpdateError(Exception):
    """An update that cannot be opened or saved; the message is for the person."""


@dataclass(frozen=True)
class Receipt:
    """What was saved: for the thanks and the channel's progress count."""

    case_reference: str
    meeting_id: int
    meeting_label: str
    deadline_text: str
    version: int
    late: bool
    on_behalf_of: str | None


def meeting_day(meeting: Meeting, tz: ZoneInfo) -> date:
    """The day a meeting happens: its set date, or else its latest allowed date."""
    return meeting.starts_at.astimezone(tz).date() if meeting.starts_at else meeting.due_by


def meeting_label(meeting: Meeting, tz: ZoneInfo) -> str:
    """e.g. 'core group meeting on Thu  3 Dec 2026'."""
    return f"{KIND_LABELS[meeting.kind]} on {format_day(meeting_day(meeting, tz))}"


def deadline_day(meeting: Meeting, area: Area, calendar: WorkingCalendar, tz: ZoneInfo) -> date:
    """Reports are due the area's number of working days before the meeting (default 2)."""
    if meeting.kind == MeetingKind.RCPC and meeting.reports_due:
        return meeting.reports_due
    return report_deadline(meeting_day(meeting, tz), calendar, area.report_deadline_working_days)


def next_meetings(session: Session, case_id: int, today: date, tz: ZoneInfo) -> list[Meeting]:
    """The next open core group and the next open review conference, by the day they happen."""
    meetings = session.exec(
        select(Meeting)
        .where(Meeting.case_id == case_id, col(Meeting.status).in_(OPEN_MEETINGS))
        .order_by(col(Meeting.sequence))
    ).all()
    found: list[Meeting] = []
    for kind in (MeetingKind.CORE_GROUP, MeetingKind.RCPC):
        upcoming = [m for m in meetings if m.kind == kind and meeting_day(m, tz) >= today]
        if upcoming:
            found.append(min(upcoming, key=lambda m: meeting_day(m, tz)))
    return found


def ensure_requests(
    session: Session, case: Case, area: Area, meeting: Meeting, members: Sequence[Member]
) -> list[UpdateRequest]:
    """Everyone who owes an update for this meeting has a request, due at the deadline."""
    tz = ZoneInfo(case.timezone)
    due_at = local_instant(
        deadline_day(meeting, area, calendar_for(area, case), tz), DEADLINE_TIME, tz
    )
    owing = [m for m in members if m.role in OWES_UPDATE and m.id is not None]
    # Several replans may run at once (people clicking together): inserting is idempotent.
    insert_missing(
        session,
        UpdateRequest,
        [{"meeting_id": meeting.id, "member_id": m.id, "due_at": due_at,
          "status": UpdateRequestStatus.REQUESTED.value} for m in owing],
        ["meeting_id", "member_id"],
    )  # fmt: skip
    wanted = {m.id for m in owing}
    requests = [
        r
        for r in session.exec(select(UpdateRequest).where(UpdateRequest.meeting_id == meeting.id))
        if r.member_id in wanted
    ]
    for request in requests:
        if request.status == UpdateRequestStatus.REQUESTED and request.due_at != due_at:
            request.due_at = due_at  # the meeting moved: so did its deadline
            session.add(request)
    # Someone who has left the core group owes nothing more (what they sent is kept).
    for gone in session.exec(
        select(UpdateRequest).where(
            UpdateRequest.meeting_id == meeting.id,
            UpdateRequest.status == UpdateRequestStatus.REQUESTED,
            col(UpdateRequest.member_id).not_in(wanted),
        )
    ):
        gone.status = UpdateRequestStatus.WAIVED
        session.add(gone)
    session.flush()
    return requests


def _away_on(member: Member, day: date) -> bool:
    return member.away_until is not None and day <= member.away_until


def planned_update_messages(
    session: Session, case: Case, area: Area, members: Sequence[Member], now: datetime, prefix: str
) -> list[PlannedMessage]:
    """Prompts, chases on working days, notices to the social worker and chair, and progress."""
    assert case.id is not None
    tz = ZoneInfo(case.timezone)
    calendar = calendar_for(area, case)
    by_id = {m.id: m for m in members}
    social_workers = [m for m in members if m.role == Role.SOCIAL_WORKER and m.slack_user_id]
    chairs = [m for m in members if m.role == Role.CHAIR and m.slack_user_id]
    wanted: list[PlannedMessage] = []
    for meeting in next_meetings(session, case.id, now.astimezone(tz).date(), tz):
        requests = ensure_requests(session, case, area, meeting, members)
        if not requests:
            continue
        deadline = deadline_day(meeting, area, calendar, tz)
        deadline_text = format_day(deadline)
        label = meeting_label(meeting, tz)
        prompt_on = calendar.add_working_days(deadline, -area.prompt_lead_working_days)
        prompt_at = local_instant(prompt_on, area.local_time_of_day, tz)
        tag = f"m{meeting.id}:{deadline:%Y%m%d}"

        def plan(key: str, kind: str, to: str, at: datetime, text: str, blocks: list) -> None:  # type: ignore[type-arg]
            wanted.append(PlannedMessage(f"{prefix}{key}", kind, to, at,
                                         {"text": text, "blocks": [b.to_dict() for b in blocks]},
                                         case.id))  # fmt: skip

        received = sum(r.status == UpdateRequestStatus.RECEIVED for r in requests)
        plan(f"progress:{tag}", PROGRESS, case.slack_channel_id or "", prompt_at,
             progress_text(case.reference),
             progress_blocks(received, len(requests), label, deadline_text))  # fmt: skip
        for request in requests:
            member = by_id[request.member_id]
            assert request.id is not None and member.id is not None
            if member.slack_user_id is None:
                for sw in social_workers:
                    plan(f"prompt:{tag}:r{request.id}:{sw.slack_user_id}", PROMPT,
                         sw.slack_user_id or "", prompt_at, prompt_text(case.reference),
                         with_family_prompt(case.reference, member.display_name, label,
                                            deadline_text, request.id))  # fmt: skip
            else:
                blocks = (family_prompt if member.role == Role.FAMILY else professional_prompt)(
                    case.reference, label, deadline_text, request.id
                )
                key = f"prompt:{tag}:r{request.id}:{member.slack_user_id}"
                plan(key, PROMPT, member.slack_user_id, prompt_at, prompt_text(case.reference),
                     blocks)  # fmt: skip
            if request.status != UpdateRequestStatus.REQUESTED:
                continue  # received (or waived): every chase for it is cancelled
            agency = AGENCY_NAMES[member.agency]
            for step, day in chase_days(deadline, calendar):
                at = local_instant(day, area.local_time_of_day, tz)
                if step == ChaseStep.ESCALATED:
                    for chair in chairs:
                        plan(f"escalate:{tag}:r{request.id}:{chair.slack_user_id}", ESCALATION,
                             chair.slack_user_id or "", at, overdue_notice_text(case.reference),
                             escalation_notice(case.reference, member.display_name, agency,
                                               label, deadline_text))  # fmt: skip
                    continue
                target, covering = _chase_target(member, by_id, day, social_workers)
                if target is not None:
                    plan(f"chase:{tag}:r{request.id}:{step.value}:{target}", CHASE, target, at,
                         chase_text(case.reference),
                         chase_blocks(step, case.reference, label, deadline_text, request.id,
                                      covering_for=covering,
                                      with_family=None if member.slack_user_id
                                      else member.display_name))  # fmt: skip
                if step == ChaseStep.OVERDUE:
                    for sw in social_workers:
                        if sw.id == member.id:
                            continue
                        plan(f"overdue:{tag}:r{request.id}:{sw.slack_user_id}", OVERDUE_NOTICE,
                             sw.slack_user_id or "", at, overdue_notice_text(case.reference),
                             overdue_notice(case.reference, member.display_name, agency, label,
                                            deadline_text))  # fmt: skip
    return wanted


def _chase_target(
    member: Member, by_id: dict[int | None, Member], day: date, social_workers: Sequence[Member]
) -> tuple[str | None, str | None]:
    """Who is chased for this member's update on this day: them, their cover, or nobody."""
    if member.slack_user_id is None:
        # A family member not on Slack: their social worker is reminded to fill it in with them.
        return next((s.slack_user_id for s in social_workers), None), None
    if _away_on(member, day):
        cover = by_id.get(member.cover_member_id)
        if cover is not None and cover.active and cover.slack_user_id:
            return cover.slack_user_id, member.display_name
        return None, None  # away with nobody covering: not chased while away
    return member.slack_user_id, None


@dataclass(frozen=True)
class UpdateContext:
    """Everything the update form needs about one request."""

    request: UpdateRequest
    member: Member
    case: Case
    area: Area
    meeting: Meeting
    outcomes: tuple[tuple[int, str], ...]
    previous: UpdateDraft | None
    previous_sent: datetime | None

    @property
    def tz(self) -> ZoneInfo:
        """The case's time zone."""
        return ZoneInfo(self.case.timezone)


def load_context(session: Session, request_id: int) -> UpdateContext | None:
    """The request, its member, case, meeting, the plan's outcomes and the latest version."""
    from bot.plan import load_plan

    request = session.get(UpdateRequest, request_id)
    if request is None:
        return None
    member = session.get_one(Member, request.member_id)
    meeting = session.get_one(Meeting, request.meeting_id)
    case = session.get_one(Case, meeting.case_id)
    area = session.get_one(Area, case.area_id)
    assert case.id is not None
    plan = load_plan(session, case.id)
    latest = session.exec(
        select(AgencyUpdate)
        .where(AgencyUpdate.request_id == request_id)
        .order_by(col(AgencyUpdate.version).desc())
    ).first()
    previous = None
    if latest is not None:
        ratings = session.exec(
            select(OutcomeRating).where(OutcomeRating.update_id == latest.id)
        ).all()
        previous = UpdateDraft(
            ratings=tuple((r.outcome_id, r.rag, r.note) for r in ratings),
            going_well=latest.going_well, worries=latest.worries, new_harm=latest.new_harm,
            new_harm_detail=latest.new_harm_detail, child_last_seen=latest.child_last_seen,
            child_seen_alone=latest.child_seen_alone, child_views=latest.child_views,
            next_steps=latest.next_steps, help_needed=latest.help_needed,
            professional_only=latest.professional_only,
            professional_only_sections=tuple(latest.professional_only_sections),
        )  # fmt: skip
    outcomes = tuple((o.id, o.wording) for o in plan.outcomes if o.id is not None)
    return UpdateContext(request, member, case, area, meeting, outcomes, previous,
                         latest.submitted_at if latest else None)  # fmt: skip


def may_give(session: Session, context: UpdateContext, user_id: str, today: date) -> str | None:
    """Why this person may not give this update, or None if they may."""
    cover = (
        session.get(Member, context.member.cover_member_id)
        if context.member.cover_member_id
        else None
    )
    away_cover = bool(
        cover is not None
        and cover.active
        and cover.slack_user_id == user_id
        and _away_on(context.member, today)
    )
    decision = check_give_update(
        session, case=context.case, user_id=user_id, member=context.member, away_cover=away_cover
    )
    return None if decision.allowed else decision.reason


def save_update(
    deps: Dependencies, *, request_id: int, user_id: str, draft: UpdateDraft
) -> Receipt:
    """Keep a new version of the update; the first one after the deadline is kept, marked late.

    A submitted update can be changed until its deadline; after that it is with the chair.
    """
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        context = load_context(session, request_id)
        if context is None:
            raise UpdateError("That update request no longer exists.")
        problem = may_give(session, context, user_id, now.astimezone(context.tz).date())
        if problem:
            raise UpdateError(problem)
        request = context.request
        late = now > request.due_at
        if late and request.status == UpdateRequestStatus.RECEIVED:
            raise UpdateError(
                "The deadline for changes has passed, so your update is with the chair as it "
                "was. If something important has changed, please tell the social worker."
            )
        known = {oid for oid, _ in context.outcomes}
        latest = session.exec(
            select(func.max(AgencyUpdate.version)).where(AgencyUpdate.request_id == request_id)
        ).one()
        version = (latest or 0) + 1
        update = AgencyUpdate(
            request_id=request_id, version=version, submitted_by=user_id, submitted_at=now,
            going_well=draft.going_well, worries=draft.worries, new_harm=draft.new_harm,
            new_harm_detail=draft.new_harm_detail, child_last_seen=draft.child_last_seen,
            child_seen_alone=draft.child_seen_alone, child_views=draft.child_views,
            next_steps=draft.next_steps, help_needed=draft.help_needed,
            professional_only=draft.professional_only,
            professional_only_sections=list(draft.professional_only_sections),
        )  # fmt: skip
        session.add(update)
        session.flush()
        assert update.id is not None
        for outcome_id, rag, note in draft.ratings:
            if outcome_id in known:
                session.add(OutcomeRating(update_id=update.id, outcome_id=outcome_id, rag=rag,
                                          note=note))  # fmt: skip
        if request.status != UpdateRequestStatus.RECEIVED:
            request.status, request.received_at = UpdateRequestStatus.RECEIVED, now
            session.add(request)
        on_behalf = None if context.member.slack_user_id == user_id else context.member.display_name
        audit.record(session, actor=user_id, action="update.submitted", at=now,
                     case_id=context.case.id, request=request_id, version=version, late=late,
                     on_behalf_of=context.member.id if on_behalf else None)  # fmt: skip
        assert context.meeting.id is not None
        tz = context.tz
        return Receipt(
            context.case.reference,
            context.meeting.id,
            meeting_label(context.meeting, tz),
            format_day(request.due_at.astimezone(tz).date()),
            version,
            late,
            on_behalf,
        )


def refresh_progress(deps: Dependencies, meeting_id: int) -> None:
    """Update the channel's "n of m updates in" line in place."""
    with deps.unit_of_work() as session:
        meeting = session.get_one(Meeting, meeting_id)
        case = session.get_one(Case, meeting.case_id)
        area = session.get_one(Area, case.area_id)
        requests = session.exec(
            select(UpdateRequest).where(
                UpdateRequest.meeting_id == meeting_id,
                UpdateRequest.status != UpdateRequestStatus.WAIVED,
            )
        ).all()
        rows = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == PROGRESS,
                col(OutboxMessage.key).contains(f":progress:m{meeting_id}:"),
                col(OutboxMessage.slack_ts).is_not(None),
            )
        ).all()
    tz = ZoneInfo(case.timezone)
    received = sum(r.status == UpdateRequestStatus.RECEIVED for r in requests)
    deadline = deadline_day(meeting, area, calendar_for(area, case), tz)
    blocks = progress_blocks(received, len(requests), meeting_label(meeting, tz),
                             format_day(deadline))  # fmt: skip
    for row in rows:
        try:
            deps.gateway.update(row.slack_channel or row.recipient, row.slack_ts or "",
                                progress_text(case.reference), blocks)  # fmt: skip
        except SlackError as error:
            log.warning("could not update the progress of meeting %s: %s", meeting_id, error.code)


def set_away(
    deps: Dependencies, *, case_id: int, actor: str, until: date | None, cover_user: str | None
) -> str:
    """Record leave (and who covers), or the return; the cover is chased instead while away."""
    with deps.unit_of_work() as session:
        member = session.exec(
            select(Member).where(
                Member.case_id == case_id, Member.slack_user_id == actor, col(Member.active)
            )
        ).one()
        cover = None
        if cover_user is not None:
            cover = session.exec(
                select(Member).where(
                    Member.case_id == case_id,
                    Member.slack_user_id == cover_user,
                    col(Member.active),
                )
            ).first()
            if cover is None or cover.id == member.id:
                raise UpdateError(
                    "Your cover needs to be someone else in this core group: ask the social "
                    "worker to add them first."
                )
        before = {"away_until": member.away_until.isoformat() if member.away_until else None}
        member.away_until, member.cover_member_id = until, cover.id if cover else None
        session.add(member)
        audit.record(session, actor=actor, action="member.away", at=deps.clock.now(),
                     case_id=case_id, before=before,
                     after={"away_until": until.isoformat() if until else None,
                            "cover": cover_user})  # fmt: skip
    if until is None:
        return "Welcome back: I'll send you your reminders again."
    who = f" <@{cover_user}> will get them instead." if cover_user else ""
    return f"Got it: no reminders for you until {format_day(until)}.{who}"
