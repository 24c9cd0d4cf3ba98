"""What a case looks like to the people in it: status, history and the Home tab, read-only."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ButtonElement, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View
from sqlalchemy import bindparam, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from bot.deps import Dependencies
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _, format_datetime, ngettext
from bot.rules.ids import ActionId
from bot.rules.messages import MessageKind, OutboxKey
from bot.rules.schedule import OPEN_MEETINGS
from bot.rules.timeline import format_day
from bot.rules.vocabulary import CaseStatus, MeetingKind, OutboxState, Rsvp, UpdateRequestStatus
from bot.services import audit, history
from bot.services.languages import person_language
from bot.services.measures import managed_quarter
from bot.services.meetings import replies
from bot.services.updates import meeting_label
from bot.ui.common import context, divider, header, language_choice, section
from bot.ui.labels import AGENCY_NAMES, ROLE_LABELS, meeting_heading, meeting_words
from bot.ui.measures import home_blocks
from storage.models import AuditEvent, Case, Meeting, Member, OutboxMessage, UpdateRequest
from storage.queries import plain

HOME_BLOCK_LIMIT = 100  # Slack refuses a Home tab of more blocks
OWED_SHOWN = 20  # updates owed listed with their buttons; the rest are counted


class Upcoming(NamedTuple):
    """A meeting still to come: just its dates, which is all a glance at a case shows."""

    id: int
    kind: MeetingKind
    due_by: date
    starts_at: datetime | None
    reports_due: date | None


# Built once and run as plain statements (`storage.queries.plain`): `/coregroup status` reads
# these inside Slack's request, where building a statement, or going through the ORM, costs more
# than running it.
_UPCOMING = (
    sa_select(
        col(Meeting.id),
        col(Meeting.kind),
        col(Meeting.due_by),
        col(Meeting.starts_at),
        col(Meeting.reports_due),
    )
    .where(
        col(Meeting.case_id) == bindparam("case_id"),
        or_(*(col(Meeting.status) == status for status in OPEN_MEETINGS)),
    )
    .order_by(col(Meeting.due_by))
)
_PEOPLE = sa_select(func.count()).where(
    col(Member.case_id) == bindparam("case_id"), col(Member.active)
)


def _upcoming(session: Session, case_id: int) -> list[Upcoming]:
    return [Upcoming(*row) for row in plain(session, _UPCOMING, {"case_id": case_id})]


def _next_of(meetings: list[Upcoming], kind: MeetingKind) -> Upcoming | None:
    return next((m for m in meetings if m.kind == kind), None)


def _when(meeting: Upcoming, tz: ZoneInfo) -> str:
    if meeting.starts_at:
        local = meeting.starts_at.astimezone(tz)
        return _("{day} at {time}").format(day=format_day(local.date()), time=f"{local:%H:%M}")
    return _("by {day} (date not yet set)").format(day=format_day(meeting.due_by))


def status_text(session: Session, case: Case) -> str:
    """The case at a glance: next meetings, deadlines and the core group."""
    assert case.id is not None
    tz = ZoneInfo(case.timezone)
    meetings = _upcoming(session, case.id)
    people = plain(session, _PEOPLE, {"case_id": case.id}).scalar_one()
    lines = ["*" + _("Case {reference}").format(reference=escape_mrkdwn(case.reference)) + "*"]
    core_group = _next_of(meetings, MeetingKind.CORE_GROUP)
    rcpc = _next_of(meetings, MeetingKind.RCPC)
    if core_group:
        lines.append(_("• Next core group: {when}").format(when=_when(core_group, tz)))
    if rcpc:
        due = (
            _("; reports due {day}").format(day=format_day(rcpc.reports_due))
            if rcpc.reports_due
            else ""
        )
        review = meeting_words(MeetingKind.RCPC, case.nation)
        lines.append(_("• Next {review}: {when}").format(review=review, when=_when(rcpc, tz)) + due)
    lines.append(
        ngettext("• Core group: {n} people", "• Core group: {n} people", people).format(n=people)
    )
    nxt = next((m for m in meetings if m.starts_at is not None), None)
    if nxt is None:
        lines.append(_("• Replies: no meeting has been set yet, so no invitations have gone out."))
        return "\n".join(lines)
    shown = replies(session, nxt.id)[0]
    counts = Counter(reply.rsvp for reply in shown)
    heading = meeting_heading(nxt.kind, case.nation)
    lines.append(
        _(
            "• Replies for the {meeting} on {when}: {coming} coming, {sending} sending someone, "
            "{apologies} apologies, {none} not replied yet"
        ).format(
            meeting=f"{heading[:1].lower()}{heading[1:]}",
            when=_when(nxt, tz),
            coming=counts[Rsvp.ATTENDING],
            sending=counts[Rsvp.REPRESENTATIVE],
            apologies=counts[Rsvp.APOLOGIES],
            none=counts[Rsvp.NONE],
        )
    )
    return "\n".join(lines)


def history_text(session: Session, case: Case, *, limit: int = 20) -> str:
    """The case's recent audit trail, newest first, in words."""
    assert case.id is not None
    tz = ZoneInfo(case.timezone)
    events = audit.recent(session, case_id=case.id, limit=limit)
    found = history.lookups(session, case.id, tz, events)
    lines = [
        "*"
        + _("Recent changes to {reference}").format(reference=escape_mrkdwn(case.reference))
        + "*"
    ]
    lines += [_describe(event, found) for event in events]
    return "\n".join(lines)


def _describe(event: AuditEvent, found: history.Lookups) -> str:
    bot = event.actor == audit.SYSTEM
    actor = _("Core Group bot") if bot else found.people.get(event.actor, _("someone"))
    label = history.event_words(event.action, event.detail, found)
    when = event.at.astimezone(found.tz)
    stamp = f"{format_day(when.date())} {format_datetime(when, 'HH:mm')}"
    return f"• {stamp} · {escape_mrkdwn(actor)} · {escape_mrkdwn(label)}"


def home_view(deps: Dependencies, user_id: str, *, team_id: str | None = None) -> View:
    """A person's Home tab: the language they read it in (and a menu to choose another), their
    open cases, their role in each, and the next dates. Rendered in the current locale, which
    whoever publishes it sets to the person's."""
    with deps.unit_of_work() as session:
        language = person_language(
            session, user_id, team_id=team_id, default=deps.settings.default_language
        )
        rows = session.exec(
            select(Member, Case)
            .join(Case, col(Case.id) == col(Member.case_id))
            .where(Member.slack_user_id == user_id, col(Member.active))
            .where(Case.status == CaseStatus.OPEN)
            .order_by(col(Case.reference))
        ).all()
    owed = _updates_owed(deps, user_id)
    with deps.unit_of_work() as session:
        managed = managed_quarter(session, user_id=user_id, today=deps.clock.now().date())
    # First, so that someone who cannot read the page's language finds theirs at once.
    top: list[Block] = [language_choice(language), header(_("Your core groups"))]
    if not rows:
        top.append(section(_("You're not in any core group yet.")))
    shown_owed = owed[:OWED_SHOWN]
    owing: list[Block] = [header(_("Updates you owe"))]
    if not owed:
        owing.append(section(_("Nothing right now. I'll message you when an update is due.")))
    for request_id, text in shown_owed:
        owing.append(
            SectionBlock(
                text=MarkdownTextObject(text=text),
                accessory=ButtonElement(
                    text=_("Give your update"),
                    action_id=ActionId.GIVE_UPDATE,
                    value=str(request_id),
                ),
            )
        )
    if len(owed) > len(shown_owed):
        owing.append(context(more_owed(len(owed) - len(shown_owed))))
    # Managers see their area's figures, never case content (issue 17); others see nothing here.
    figures = home_blocks(managed)
    # A Home tab holds at most 100 blocks: each case takes two, and one more says what is left out.
    room = (HOME_BLOCK_LIMIT - len(top) - len(owing) - len(figures) - 1) // 2
    shown = rows[: max(room, 0)]
    with deps.unit_of_work() as session:  # the next dates of the cases shown, not of the rest
        cases: list[tuple[Member, Case, list[Upcoming]]] = [
            (member, case, _upcoming(session, case.id or 0)) for member, case in shown
        ]
    listed: list[Block] = []
    for member, case, meetings in cases:
        role = ROLE_LABELS.get(member.role) or AGENCY_NAMES[member.agency]
        tz = ZoneInfo(case.timezone)
        dates = [
            f"{meeting_heading(m.kind, case.nation)}: {_when(m, tz)}"
            for m in (
                _next_of(meetings, MeetingKind.CORE_GROUP),
                _next_of(meetings, MeetingKind.RCPC),
            )
            if m
        ]
        channel = f"<#{case.slack_channel_id}>" if case.slack_channel_id else ""
        listed.append(
            section(
                f"*{escape_mrkdwn(case.reference)}* {channel} · "
                + _("you are: {role}").format(role=role)
                + "\n"
                + "\n".join(dates)
            )
        )
        listed.append(divider())
    if len(rows) > len(shown):
        listed.append(context(more_cases(len(rows) - len(shown))))
    return View(type="home", blocks=[*top, *listed, *owing, *figures])


def more_cases(count: int) -> str:
    """What stands for the core groups a full Home tab leaves out, and where they still are."""
    return ngettext(
        "…and {count} more core group: its channel is in your Slack sidebar.",
        "…and {count} more core groups: their channels are in your Slack sidebar.",
        count,
    ).format(count=count)


def more_owed(count: int) -> str:
    """What stands for the updates owed that a full Home tab leaves out."""
    return ngettext(
        "…and {count} more update you owe: my message asking for it has its button.",
        "…and {count} more updates you owe: my messages asking for them have their buttons.",
        count,
    ).format(count=count)


def _updates_owed(deps: Dependencies, user_id: str) -> list[tuple[int, str]]:
    """This person's open update requests whose prompt has gone out, soonest first."""
    with deps.unit_of_work() as session:
        rows = session.exec(
            select(UpdateRequest, Meeting, Case)
            .join(Member, col(Member.id) == col(UpdateRequest.member_id))
            .join(Meeting, col(Meeting.id) == col(UpdateRequest.meeting_id))
            .join(Case, col(Case.id) == col(Meeting.case_id))
            .where(Member.slack_user_id == user_id, col(Member.active))
            .where(UpdateRequest.status == UpdateRequestStatus.REQUESTED)
            .where(col(Meeting.status).in_(OPEN_MEETINGS))
            .order_by(col(UpdateRequest.due_at))
        ).all()
        prompt_keys = session.exec(
            select(OutboxMessage.key).where(
                OutboxMessage.kind == MessageKind.PROMPT,
                OutboxMessage.recipient == user_id,
                OutboxMessage.state == OutboxState.SENT,
            )
        ).all()
    # A prompt's key names its request: only requests already asked for are listed.
    prompted = {key.request_id for k in prompt_keys if (key := OutboxKey.parse(k)) is not None}
    owed = []
    for request, meeting, case in rows:
        if request.id not in prompted or request.id is None:
            continue
        tz = ZoneInfo(case.timezone)
        due = format_day(request.due_at.astimezone(tz).date())
        what = f"*{escape_mrkdwn(case.reference)}*: " + _("{meeting}, due by {due}").format(
            meeting=meeting_label(meeting, case), due=due
        )
        owed.append((request.id, what))
    return owed
