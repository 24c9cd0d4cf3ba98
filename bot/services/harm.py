"""New harm reported between meetings goes to the social worker and chair at once, never lost.

The alert is an outbox row per person (a unique key, due now) written in the same transaction as
the update, so a crash loses nothing and a retry sends nothing twice; the listener sends it right
after its answer rather than at the dispatcher's next minute. Its words are written at sending
time (in bot/delivery/content.py) and name who reported it, never what: the button opens the
update for them alone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import N_, _, format_datetime
from bot.rules.messages import MessageKind, PlannedMessage, outbox_key
from bot.rules.timeline import format_day
from bot.rules.vocabulary import Role
from bot.services import audit
from bot.services.access import NOT_A_MEMBER, Permission, check
from bot.services.outbox import enqueue
from bot.ui.harm import UpdateReading
from bot.ui.labels import AGENCY_NAMES
from storage.models import AgencyUpdate, Case, Meeting, Member, UpdateRequest

# Who hears of new harm at once (DOMAIN.md, Stand-ins, supporters and safety).
ALERTED = (Role.SOCIAL_WORKER, Role.CHAIR)


def alert_new_harm(
    session: Session, *, case_id: int, update_id: int, sender: str, now: datetime
) -> list[str]:
    """Queue the alert to each active social worker and chair of the case (not to whoever sent
    the update: they know); the outbox keys, to send at once."""
    recipients = [
        m.slack_user_id
        for m in session.exec(
            select(Member)
            .where(Member.case_id == case_id, col(Member.role).in_(ALERTED))
            .where(col(Member.active))
            .order_by(col(Member.id))
        )
        if m.slack_user_id and m.slack_user_id != sender
    ]
    keys = []
    for person in dict.fromkeys(recipients):
        # Outside any case's planning scope (no case_id in the key): never cancelled.
        key = outbox_key(MessageKind.NEW_HARM, f"u{update_id}", person)
        message = PlannedMessage.built_when_sent(
            key, MessageKind.NEW_HARM, person, now, case_id, update=update_id
        )
        if enqueue(session, message, now=now):
            keys.append(key)
    return keys


def who_reported(session: Session, update: AgencyUpdate, member: Member) -> str:
    """Who sent an update, as the alert and the reading name them: name, agency, any cover."""
    agency = _("family") if member.role == Role.FAMILY else AGENCY_NAMES[member.agency]
    who = f"{member.display_name} ({agency})"
    if update.cover_member_id is not None:
        cover = session.get(Member, update.cover_member_id)
        if cover is not None:
            who += _(", sent by {cover} for {name}").format(
                cover=cover.display_name, name=member.display_name
            )
    return who


ONLY_CASE_HOLDERS = N_(
    "Sorry, only the case's social worker and chair can open an update from here."
)


def reading_for(
    session: Session, *, update_id: int, user_id: str, now: datetime | None = None
) -> UpdateReading | str:
    """The whole update for the social worker or chair of its case; a kind refusal otherwise.
    Given `now`, the opening is recorded (the managers' measure of time to open new harm)."""
    update = session.get(AgencyUpdate, update_id)
    if update is None:
        return _(NOT_A_MEMBER)
    request = session.get_one(UpdateRequest, update.request_id)
    member = session.get_one(Member, request.member_id)
    meeting = session.get_one(Meeting, request.meeting_id)
    case = session.get_one(Case, meeting.case_id)
    decision = check(session, case=case, user_id=user_id, permission=Permission.READ_UPDATES)
    if not decision.allowed:
        return decision.reason if decision.reason else _(ONLY_CASE_HOLDERS)
    if now is not None and update.new_harm:
        audit.record(
            session,
            actor=user_id,
            action=AuditAction.UPDATE_OPENED,
            at=now,
            case_id=case.id,
            area_id=case.area_id,
            update_id=update_id,
        )
    tz = ZoneInfo(case.timezone)
    sent = update.submitted_at.astimezone(tz)
    parts = [
        (_("New harm"), _("Yes") if update.new_harm else _("No")),
        (_("What happened, and when"), update.new_harm_detail),
        (_("What worries them"), update.worries),
        (_("What is going well"), update.going_well),
        (_("What the child has told us"), update.child_views),
        (_("What they will do next"), update.next_steps),
        (_("Help needed"), update.help_needed),
        (_("For professionals only"), update.professional_only),
    ]
    return UpdateReading(
        reference=case.reference,
        who=who_reported(session, update, member),
        sent=_("Version {version}, sent {day} at {time}").format(
            version=update.version,
            day=format_day(sent.date()),
            time=format_datetime(sent, "HH:mm"),
        ),
        parts=tuple((what, words) for what, words in parts if words),
    )
