"""Meetings: setting their date, time and place, replies to invitations, quorum and attendance."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from sqlalchemy import Integer, bindparam, literal, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import N_, _, format_date, locale_of, locales, speaking
from bot.rules.messages import MessageKind
from bot.rules.quorum import Invitee, QuorumForecast, forecast
from bot.rules.schedule import OPEN_MEETINGS, calendar_for, meeting_day, rules_for
from bot.rules.timeline import format_day, next_core_group_by, report_deadline
from bot.rules.vocabulary import Attendance, Language, MeetingKind, MeetingStatus, Role, Rsvp
from bot.rules.work import Work
from bot.rules.working_days import add_months
from bot.services import audit, jobs
from bot.services.access import Permission, check, schedule_permission
from bot.services.cases import refresh_case_card
from bot.services.languages import recipient_language
from bot.services.outbox import sent_about
from bot.slack.gateway import SlackError
from bot.ui.bilingual import rendered
from bot.ui.calendar_file import meeting_ics
from bot.ui.labels import meeting_words
from bot.ui.meetings import (
    MeetingCard,
    Reply,
    invitation_blocks,
    invitation_text,
    quorum_warning_blocks,
    quorum_warning_text,
)
from storage.models import Area, Case, Invitation, Meeting, Member
from storage.queries import dialect, insert_missing, insert_missing_selected, plain

log = logging.getLogger(__name__)

MEETING_LENGTH = timedelta(hours=1, minutes=30)


class MeetingError(Exception):
    """A meeting change that cannot be made; the message is for the person who asked."""


@dataclass(frozen=True)
class Scheduled:
    """The result of setting a meeting: its card, and a note if it is later than it should be."""

    card: MeetingCard
    late_note: str | None


def card_for(case: Case, meeting: Meeting) -> MeetingCard:
    """The invitation's view of a scheduled meeting, in the case's local time."""
    assert meeting.id is not None and meeting.starts_at is not None
    local = meeting.starts_at.astimezone(ZoneInfo(case.timezone))
    return MeetingCard(meeting.id, case.reference, meeting.kind, local, meeting.place, case.nation)


def schedulable(session: Session, case: Case, user_id: str) -> list[tuple[int, str]]:
    """The next meetings this person may set or move, as (id, label) choices."""
    assert case.id is not None
    meetings = session.exec(
        select(Meeting)
        .where(Meeting.case_id == case.id, col(Meeting.status).in_(OPEN_MEETINGS))
        .order_by(col(Meeting.due_by))
    ).all()
    choices: list[tuple[int, str]] = []
    for meeting in meetings:
        permission = schedule_permission(meeting.kind)
        if not check(session, case=case, user_id=user_id, permission=permission).allowed:
            continue
        assert meeting.id is not None
        label = f"{meeting_words(meeting.kind, case.nation, capital=True)} {meeting.sequence}"
        label += _(" (by {day})").format(day=format_date(meeting.due_by, "EEE d MMM y"))
        choices.append((meeting.id, label))
    return choices[:6]


def schedule(
    deps: Dependencies,
    *,
    case_id: int,
    meeting_id: int,
    actor: str,
    local_start: datetime,
    place: str,
    then: Sequence[Work] = (),
) -> Scheduled:
    """Set (or move) a meeting; later due dates of the same kind follow from it."""
    place = place.strip()
    if not place:
        raise MeetingError(_("Please say where the meeting will be."))
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        case = session.get_one(Case, case_id)
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.case_id != case_id or meeting.status not in OPEN_MEETINGS:
            raise MeetingError(_("That meeting can't be set any more."))
        permission = schedule_permission(meeting.kind)
        decision = check(session, case=case, user_id=actor, permission=permission)
        if not decision.allowed:
            raise MeetingError(decision.reason)
        tz = ZoneInfo(case.timezone)
        starts_at = local_start.replace(tzinfo=tz)
        if starts_at <= deps.clock.now():
            raise MeetingError(_("Please choose a date and time that is still to come."))
        area = session.get_one(Area, case.area_id)
        calendar = calendar_for(area, case)
        day = starts_at.date()
        if not calendar.is_working_day(day):
            raise MeetingError(
                _("{day} is not a working day ({why}). Please choose another day.").format(
                    day=format_date(day, "EEEE d MMMM"),
                    why=calendar.holiday_name(day) or _("weekend"),
                )
            )
        before = {
            "starts_at": meeting.starts_at.isoformat() if meeting.starts_at else None,
            "place": meeting.place,
        }
        if meeting.starts_at is not None:
            meeting.calendar_sequence += 1  # calendars then move their entry, not add another
        meeting.starts_at, meeting.place = starts_at, place
        meeting.status = MeetingStatus.SCHEDULED
        if meeting.kind == MeetingKind.RCPC:
            meeting.reports_due = report_deadline(day, calendar, area.report_deadline_working_days)
        session.add(meeting)
        _rechain(session, case, area, meeting)
        ensure_invitations(session, meeting)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEETING_SCHEDULED,
            at=deps.clock.now(),
            case_id=case_id,
            meeting=meeting_id,
            before=before,
            after={"starts_at": starts_at.isoformat(), "place": place},
        )
        late = (
            _(
                "This is after the latest date for it ({day}); it will show as late in the "
                "timeliness measures."
            ).format(day=format_date(meeting.due_by, "EEE d MMM y"))
            if day > meeting.due_by
            else None
        )
        card = card_for(case, meeting)
    return Scheduled(card, late)


def _rechain(session: Session, case: Case, area: Area, held: Meeting) -> None:
    """Later meetings of the same kind are due an interval after this one, not the old plan."""
    assert held.starts_at is not None
    calendar = calendar_for(area, case)
    previous = held.starts_at.astimezone(ZoneInfo(case.timezone)).date()
    later = session.exec(
        select(Meeting)
        .where(Meeting.case_id == case.id, Meeting.kind == held.kind)
        .where(Meeting.sequence > held.sequence, Meeting.status == MeetingStatus.DUE)
        .order_by(col(Meeting.sequence))
    ).all()
    rules = rules_for(area, case.nation)
    tz = ZoneInfo(case.timezone)
    reviews = [
        meeting_day(m, tz)
        for m in session.exec(
            select(Meeting).where(Meeting.case_id == case.id, Meeting.kind == MeetingKind.RCPC)
        ).all()
        if m.status != MeetingStatus.CANCELLED
    ]
    for meeting in later:
        if held.kind == MeetingKind.RCPC:
            meeting.due_by = calendar.on_or_before(add_months(previous, rules.later_rcpc_months))
        else:
            # The cycle re-bases on a review conference between core groups.
            meeting.due_by = next_core_group_by(previous, reviews, calendar, rules)
        if meeting.kind == MeetingKind.RCPC:
            meeting.reports_due = report_deadline(
                meeting.due_by, calendar, area.report_deadline_working_days
            )
        session.add(meeting)
        previous = meeting.due_by


def _file_word(meeting: Meeting, case: Case) -> str:
    """The meeting in a calendar file's name, in the nation's words: "review-cppm"."""
    return meeting_words(meeting.kind, case.nation).lower().replace(" ", "-")


def ensure_invitations(session: Session, meeting: Meeting) -> None:
    """Everyone active in the core group is invited (people added later are invited too)."""
    assert meeting.id is not None
    _invite_everyone(session, meeting.id, meeting.case_id)


def _invite_everyone(session: Session, meeting_id: int, case_id: int) -> None:
    # One statement, however large the core group: a reply is written inside Slack's request.
    plain(
        session, _INVITE_EVERYONE[dialect(session)], {"meeting_id": meeting_id, "case_id": case_id}
    )


def invite(session: Session, pairs: Sequence[tuple[int, int]]) -> None:
    """Invitations for these (meeting id, member id) pairs, where there are none yet."""
    # Replies and replans can run at once; inserting an invitation twice is a no-op.
    insert_missing(
        session,
        Invitation,
        [
            {"meeting_id": meeting_id, "member_id": member_id, "rsvp": Rsvp.NONE.value}
            for meeting_id, member_id in pairs
        ],
        ["meeting_id", "member_id"],
    )


# Built once and run as plain statements (`storage.queries.plain`): a reply is written, and
# `/coregroup status` read, inside Slack's request, where building a statement, or going
# through the ORM, costs more than running it.
_REPLIES = (
    sa_select(
        col(Member.id),
        col(Member.display_name),
        col(Member.role),
        col(Member.agency),
        col(Member.direct_contact),
        col(Invitation.rsvp),
        col(Invitation.representative_member_id),
    )
    .join(Member, col(Member.id) == col(Invitation.member_id))
    .where(col(Invitation.meeting_id) == bindparam("meeting_id"), col(Member.active))
    .order_by(col(Member.id))
)
_NAMES = sa_select(col(Member.id), col(Member.display_name)).where(
    col(Member.id).in_(bindparam("member_ids", expanding=True))
)
_MEETING_AND_CASE = (
    sa_select(
        col(Meeting.status),
        col(Meeting.starts_at),
        col(Case.id),
        col(Case.area_id),
        col(Case.family_may_edit_plan),
    )
    .join(Case, col(Case.id) == col(Meeting.case_id))
    .where(col(Meeting.id) == bindparam("meeting_id"))
)
_MY_INVITATION = (
    sa_select(col(Invitation.id), col(Invitation.rsvp))
    .join(Member, col(Member.id) == col(Invitation.member_id))
    .where(
        col(Invitation.meeting_id) == bindparam("meeting_id"),
        col(Member.case_id) == bindparam("case_id"),
        col(Member.slack_user_id) == bindparam("user_id"),
        col(Member.active),
    )
)
_RECORD_REPLY = (
    update(Invitation)
    .where(col(Invitation.id) == bindparam("invitation_id"))
    .values(
        rsvp=bindparam("new_rsvp"),
        replied_at=bindparam("replied_at"),
        representative_member_id=bindparam("representative"),
    )
)
_INVITE_EVERYONE = insert_missing_selected(
    Invitation,
    ["meeting_id", "member_id", "rsvp"],
    sa_select(
        bindparam("meeting_id", type_=Integer), col(Member.id), literal(Rsvp.NONE.value)
    ).where(col(Member.case_id) == bindparam("case_id"), col(Member.active)),
    ["meeting_id", "member_id"],
)


def replies(session: Session, meeting_id: int) -> tuple[list[Reply], list[Invitee]]:
    """Who replied what (for the live list) and the same people as quorum invitees."""
    rows = plain(session, _REPLIES, {"meeting_id": meeting_id}).all()
    names = {row.id: row.display_name for row in rows}
    # Someone sent in a member's place who has since left the core group.
    elsewhere = {r.representative_member_id for r in rows} - set(names) - {None}
    if elsewhere:
        found = plain(session, _NAMES, {"member_ids": sorted(elsewhere)})
        names |= {member_id: name for member_id, name in found}
    shown: list[Reply] = []
    invitees: list[Invitee] = []
    for row in rows:
        if row.role in (Role.CHAIR,):
            # The chair runs the meeting: not a quorum question, and not chased as "not replied";
            # but a reply they gave is shown, since they were thanked for it.
            if row.rsvp != Rsvp.NONE:
                chair = _("{name} (chair)").format(name=row.display_name)
                shown.append(Reply(chair, row.rsvp, None))
            continue
        rep_id = row.representative_member_id
        rep = names.get(rep_id) if rep_id is not None else None
        shown.append(Reply(row.display_name, row.rsvp, rep))
        invitees.append(
            Invitee(
                row.id,
                row.display_name,
                row.agency,
                row.direct_contact,
                row.rsvp,
                row.agency if rep else None,
            )
        )
    return shown, invitees


def forecast_for(session: Session, case: Case, meeting_id: int) -> QuorumForecast:
    """The quorum forecast of a conference from its replies so far, by the area's rule."""
    area = session.get_one(Area, case.area_id)
    invitees = replies(session, meeting_id)[1]
    return forecast(
        invitees,
        min_other_agencies=area.quorum_min_other_agencies,
        health_as_one=area.health_counts_as_one_agency,
    )


NOT_INVITED = N_(
    "Sorry, this invitation is for the core group of this case, and you're not on its list. "
    "If you should be, please ask the social worker to add you."
)
CLOSED = N_("That meeting is no longer open for replies.")


def reply(
    deps: Dependencies,
    *,
    meeting_id: int,
    user_id: str,
    rsvp: Rsvp,
    representative_member_id: int | None = None,
    then: Sequence[Work] = (),
) -> int:
    """Record someone's reply in a unit of work of its own; returns the case id (raises
    MeetingError with a kind message)."""
    with deps.unit_of_work() as session:
        case_id = record_reply(
            session,
            meeting_id=meeting_id,
            user_id=user_id,
            rsvp=rsvp,
            at=deps.clock.now(),
            representative_member_id=representative_member_id,
        )
        jobs.add(session, then, now=deps.clock.now(), case_id=case_id)  # with the reply
        return case_id


def record_reply(
    session: Session,
    *,
    meeting_id: int,
    user_id: str,
    rsvp: Rsvp,
    at: datetime,
    representative_member_id: int | None = None,
) -> int:
    """Record someone's reply to an invitation, with its audit event, in the caller's unit of
    work; returns the case id (raises MeetingError with a kind message)."""
    found = plain(session, _MEETING_AND_CASE, {"meeting_id": meeting_id}).first()
    if found is None or found.status not in OPEN_MEETINGS or found.starts_at is None:
        raise MeetingError(_(CLOSED))
    decision = check(
        session, case=found, user_id=user_id, permission=Permission.REPLY_TO_INVITATION
    )
    if not decision.allowed:
        raise MeetingError(_(NOT_INVITED))
    case_id: int = found.id
    _invite_everyone(session, meeting_id, case_id)
    invitation_id, before = plain(
        session, _MY_INVITATION, {"meeting_id": meeting_id, "case_id": case_id, "user_id": user_id}
    ).one()
    change = {
        "invitation_id": invitation_id,
        "new_rsvp": rsvp,
        "replied_at": at,
        "representative": representative_member_id,
    }
    plain(session, _RECORD_REPLY, change)
    audit.record(
        session,
        actor=user_id,
        action=AuditAction.MEETING_REPLY,
        at=at,
        case_id=case_id,
        meeting=meeting_id,
        before=before.value,
        after=rsvp.value,
    )
    return case_id


_refresh_locks: dict[int, threading.Lock] = {}
_refresh_locks_guard = threading.Lock()


def refresh_invitation(deps: Dependencies, meeting_id: int) -> None:
    """Update the channel's invitation in place with who replied what, and any quorum warning."""
    # Replies arrive together (two people click at once): one refresh at a time per meeting in
    # this process, each rendering the state as it starts. Every reply asks for a refresh after
    # it is committed, so a reply that lands during a render gets one of its own, after it: the
    # newest picture always lands last.
    with _refresh_locks_guard:
        lock = _refresh_locks.setdefault(meeting_id, threading.Lock())
    with lock:
        _refresh_invitation(deps, meeting_id)


def _refresh_invitation(deps: Dependencies, meeting_id: int) -> None:
    with deps.unit_of_work() as session:
        meeting = session.get_one(Meeting, meeting_id)
        case = session.get_one(Case, meeting.case_id)
        shown = replies(session, meeting_id)[0]
        conference = meeting.kind == MeetingKind.RCPC
        forecast_now = forecast_for(session, case, meeting_id) if conference else None
        sent = sent_about(
            session,
            case_id=meeting.case_id,
            meeting_id=meeting_id,
            kinds=[MessageKind.INVITATION, MessageKind.QUORUM_WARNING],
        )
        # Each message is refreshed in the language it was sent in: its recipient's.
        languages = {
            row.recipient: recipient_language(session, row.recipient, case_id=case.id)
            for row in sent
        }
    if meeting.starts_at is None:
        return
    card = card_for(case, meeting)
    held = meeting.status == MeetingStatus.HELD

    def invitation() -> tuple[str, list[Block]]:
        return (
            invitation_text(case.reference, meeting.kind, case.nation),
            invitation_blocks(card, shown, held=held),
        )

    def quorum_warning() -> tuple[str, list[Block]]:
        assert forecast_now is not None
        return (
            quorum_warning_text(case.reference, case.nation),
            quorum_warning_blocks(card, forecast_now),
        )

    for row in sent:
        try:
            if row.kind == MessageKind.INVITATION and row.recipient == case.slack_channel_id:
                # The channel's language, whoever's reply set this refresh off.
                said = rendered(case.bot_language, invitation)
            elif row.kind == MessageKind.QUORUM_WARNING and forecast_now is not None:
                said = rendered(languages.get(row.recipient, case.bot_language), quorum_warning)
            else:
                continue
            channel = row.slack_channel or row.recipient
            deps.gateway.update(channel, row.slack_ts or "", said["text"], said["blocks"])
        except SlackError as error:
            log.warning("could not update meeting %s message: %s", meeting_id, error.code)


def record_attendance(
    deps: Dependencies,
    *,
    meeting_id: int,
    actor: str,
    marks: dict[int, Attendance],
    then: Sequence[Work] = (),
) -> None:
    """Record who came; the meeting is then held, and feeds the attendance measures."""
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        meeting = session.get_one(Meeting, meeting_id)
        for invitation in session.exec(
            select(Invitation).where(Invitation.meeting_id == meeting_id)
        ):
            if invitation.id in marks:
                invitation.attendance = marks[invitation.id]
                invitation.attendance_recorded_at = deps.clock.now()
                session.add(invitation)
        meeting.status, meeting.held_at = MeetingStatus.HELD, meeting.starts_at
        session.add(meeting)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEETING_ATTENDANCE,
            at=deps.clock.now(),
            case_id=meeting.case_id,
            meeting=meeting_id,
            marks={str(k): v.value for k, v in marks.items()},
        )


def attendance_guess(invitation: Invitation) -> Attendance | None:
    """What the person's own reply says, as the starting point for the record; None (not
    recorded) when they did not reply: nobody is marked as not coming until someone records it."""
    return {
        Rsvp.ATTENDING: Attendance.PRESENT,
        Rsvp.REPRESENTATIVE: Attendance.REPRESENTED,
        Rsvp.APOLOGIES: Attendance.APOLOGIES,
    }.get(invitation.rsvp)


def share_calendar_file(
    deps: Dependencies, *, case_id: int, meeting_id: int, unless: Collection[str] = ()
) -> None:
    """Upload the meeting's .ics to the case channel so people can add it to their calendars;
    a cancelled meeting's file cancels the entry they hold (same UID, higher SEQUENCE). Not if
    a file of that name is among `unless` (shared already).

    Run again (a job after a crash), it shares no second file for the same SEQUENCE: the file
    is uploaded, its id recorded, and only then shared, so a later run finds it shared already
    or shares that same file."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        meeting = session.get_one(Meeting, meeting_id)
        area = session.get_one(Area, case.area_id)
    if case.slack_channel_id is None or meeting.starts_at is None or case.channel_archived:
        return
    cancelled = meeting.status == MeetingStatus.CANCELLED
    # A post in the case's channel: in the case's language (bilingual: "Welsh / English", the
    # one line a calendar entry has). Still only the reference and the meeting's kind.
    titles, shared = [], []
    for locale in locales(case.bot_language):
        with speaking(locale):
            titles.append(f"{case.reference} {meeting_words(meeting.kind, case.nation)}")
            shared.append(_("{title} (cancelled)").format(title=titles[-1]))
    title = " / ".join(titles)
    ics = meeting_ics(
        uid=meeting.calendar_uid,
        organizer=area.calendar_organizer,
        starts_at=meeting.starts_at,
        duration=MEETING_LENGTH,
        summary=title,
        location=meeting.place,
        tz=ZoneInfo(case.timezone),
        language=None if case.bot_language is Language.ENGLISH else locale_of(case.bot_language),
        sequence=meeting.calendar_sequence,
        cancelled=cancelled,
        stamp=deps.clock.now(),
    )
    name = f"{case.reference}-{_file_word(meeting, case)}{'-cancelled' if cancelled else ''}.ics"
    if name in unless:
        return
    channel, sequence = case.slack_channel_id, meeting.calendar_sequence
    recorded = meeting.calendar_file_id if meeting.calendar_file_sequence == sequence else None
    title = " / ".join(shared) if cancelled else title
    try:
        if recorded is not None:
            if deps.gateway.shares_file(channel, recorded):
                return  # shared by an earlier run
            with contextlib.suppress(SlackError):  # gone unshared (Slack drops it): upload again
                deps.gateway.share_file(channel, recorded, title)
                return
        file_id = deps.gateway.reserve_file(name, ics)
        with deps.unit_of_work() as session:
            stored = session.get_one(Meeting, meeting_id)
            stored.calendar_file_id, stored.calendar_file_sequence = file_id, sequence
            session.add(stored)
        deps.gateway.share_file(channel, file_id, title)
    except SlackError as error:
        log.warning("could not share the calendar file of meeting %s: %s", meeting_id, error.code)


def cancel_coming_meetings(session: Session, case: Case, now: datetime) -> None:
    """When the plan ends, meetings set for later are cancelled, their SEQUENCE raised so the
    calendar file that follows replaces the entry people hold. Meetings already past keep
    their status (their attendance still counts), and a meeting never set is in no calendar."""
    coming = session.exec(
        select(Meeting).where(
            Meeting.case_id == case.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            col(Meeting.starts_at) > now,
        )
    ).all()
    for meeting in coming:
        meeting.status = MeetingStatus.CANCELLED
        meeting.calendar_sequence += 1
        session.add(meeting)


def after_schedule(deps: Dependencies, *, case_id: int, meeting_id: int) -> None:
    """The Slack side of a schedule change: card, topic and calendar file."""
    refresh_case_card(deps, case_id)
    share_calendar_file(deps, case_id=case_id, meeting_id=meeting_id)


def meeting_in_case(deps: Dependencies, *, meeting_id: int, case_id: int) -> bool:
    """Whether a meeting a form names belongs to the case the form is about."""
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, meeting_id)
    return meeting is not None and meeting.case_id == case_id


def still_starts_at(
    deps: Dependencies, *, case_id: int, meeting_id: int, local_start: datetime
) -> bool:
    """Whether the meeting is set for this local start (in the case's time zone): a later
    submission may have moved it again, and then only the later one's work is done."""
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, meeting_id)
        case = session.get(Case, case_id)
    if meeting is None or case is None or meeting.starts_at is None:
        return False
    local = meeting.starts_at.astimezone(ZoneInfo(case.timezone))
    return local.replace(tzinfo=None) == local_start


@dataclass(frozen=True)
class HeldAnswer:
    """What the social worker said about a meeting whose date passed, for the reply."""

    case_id: int
    reference: str
    label: str
    held: bool


def answer_held(
    deps: Dependencies,
    *,
    meeting_id: int,
    actor: str,
    held: bool,
    reason: str | None = None,
    then: Sequence[Work] = (),
) -> HeldAnswer:
    """Record whether a meeting whose date passed was held: held, or not held with a reason (it
    then waits for a new date, and the social worker is reminded to set it as before)."""
    reason = (reason or "").strip() or None
    if not held and reason is None:
        raise MeetingError(_("Please say why the meeting was not held."))
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise MeetingError(_("That meeting no longer exists."))
        case = session.get_one(Case, meeting.case_id)
        decision = check(session, case=case, user_id=actor, permission=Permission.RECORD_ATTENDANCE)
        if not decision.allowed:
            raise MeetingError(decision.reason)
        if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at is None:
            raise MeetingError(_("This meeting's outcome is already recorded."))
        day = format_day(meeting_day(meeting, ZoneInfo(case.timezone)))
        label = _("{meeting} on {day}").format(
            meeting=meeting_words(meeting.kind, case.nation), day=day
        )
        before = meeting.starts_at.isoformat()
        if held:
            meeting.status, meeting.held_at = MeetingStatus.HELD, meeting.starts_at
        else:
            # Not held: the meeting still has to happen, so it goes back to "date not set".
            meeting.status, meeting.starts_at = MeetingStatus.DUE, None
            meeting.not_held_reason = reason
        session.add(meeting)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEETING_HELD_ANSWER,
            at=deps.clock.now(),
            case_id=meeting.case_id,
            meeting=meeting_id,
            held=held,
            reason=reason,
            starts_at=before,
        )
        assert case.id is not None
        return HeldAnswer(case.id, case.reference, label, held)
