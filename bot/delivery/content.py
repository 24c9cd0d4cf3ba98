"""What each planned message says, written when the dispatcher sends it.

Planning decides who hears what and when; the words come from the case as it is at sending time,
so an invitation lists the latest replies, a digest the latest updates, and a chase whose report
has arrived in the meantime is not sent at all (its writer answers None and the row is
cancelled). Each writer takes the row's `args` (the ids planning put there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from sqlmodel import Session

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _, locales, ngettext, speaking
from bot.rules.ids import ActionId
from bot.rules.messages import MessageKind
from bot.rules.naming import children_words
from bot.rules.nations import nation_rules
from bot.rules.retention import purge_due_at
from bot.rules.schedule import away_on, calendar_for, deadline_day, rules_for
from bot.rules.stand_ins import is_family_side
from bot.rules.timeline import ChaseStep, format_day
from bot.rules.vocabulary import (
    ActionStatus,
    Language,
    MeetingKind,
    MeetingStatus,
    UpdateRequestStatus,
)
from bot.services.family import family_help, social_worker_name
from bot.services.harm import who_reported
from bot.services.languages import recipient_language
from bot.services.measures import digest_figures
from bot.services.meetings import card_for, forecast_for, replies
from bot.services.review import digest_input
from bot.services.updates import meeting_label, progress_content
from bot.summary import digest_blocks, digest_notification_text
from bot.ui.arranging import (
    arrange_reminder_blocks,
    arrange_reminder_text,
    held_check_blocks,
    held_check_text,
)
from bot.ui.bilingual import bilingual
from bot.ui.common import section
from bot.ui.family import (
    family_copy_prompt_blocks,
    family_copy_prompt_text,
    family_invitation_blocks,
)
from bot.ui.harm import new_harm_blocks, new_harm_text
from bot.ui.labels import AGENCY_NAMES, meeting_words
from bot.ui.measures import measures_blocks, measures_title
from bot.ui.meetings import (
    invitation_blocks,
    invitation_text,
    quorum_warning_blocks,
    quorum_warning_text,
)
from bot.ui.plan import action_reminder_blocks, action_reminder_text
from bot.ui.update_texts import (
    chase_blocks,
    chase_text,
    check_in_notice,
    check_in_text,
    escalation_notice,
    family_prompt,
    family_reminder_blocks,
    overdue_notice,
    overdue_notice_text,
    professional_prompt,
    prompt_text,
    with_family_prompt,
)
from storage.models import (
    AgencyUpdate,
    Area,
    Case,
    Meeting,
    Member,
    PlanAction,
    UpdateRequest,
)

Content = dict[str, Any]
Writer = Callable[[Session, Mapping[str, Any]], Content | None]


def _content(text: str, blocks: Sequence[Block | dict[str, Any]]) -> Content:
    return {"text": text, "blocks": [b.to_dict() if isinstance(b, Block) else b for b in blocks]}


def _scheduled(session: Session, meeting_id: int) -> tuple[Meeting, Case] | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at is None:
        return None  # cancelled, or moved back to "date not set": nothing to invite to
    return meeting, session.get_one(Case, meeting.case_id)


def _invitation(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _scheduled(session, int(args["meeting"]))
    if found is None:
        return None
    meeting, case = found
    assert meeting.id is not None
    in_channel = bool(args["in_channel"])
    shown = replies(session, meeting.id)[0]
    blocks = invitation_blocks(
        card_for(case, meeting), shown, in_channel=in_channel, family=bool(args.get("family"))
    )
    return _content(invitation_text(case.reference, meeting.kind, case.nation), blocks)


def _family_invitation(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _scheduled(session, int(args["meeting"]))
    if found is None:
        return None
    meeting, case = found
    blocks = family_invitation_blocks(
        card_for(case, meeting),
        social_worker=social_worker_name(session, case),
        help=family_help(session.get_one(Area, case.area_id)),
        pre_birth=case.pre_birth,
    )
    return _content(invitation_text(case.reference, meeting.kind, case.nation), blocks)


def _quorum_warning(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _scheduled(session, int(args["meeting"]))
    if found is None:
        return None
    meeting, case = found
    assert meeting.id is not None
    forecast = forecast_for(session, case, meeting.id)
    if forecast.quorate or not forecast.to_ask:
        return None  # enough people are coming after all, or there is nobody to ask
    blocks = quorum_warning_blocks(card_for(case, meeting), forecast)
    return _content(quorum_warning_text(case.reference, case.nation), blocks)


def _action_reminder(session: Session, args: Mapping[str, Any]) -> Content | None:
    action = session.get(PlanAction, int(args["action"]))
    if action is None or action.status != ActionStatus.OPEN:
        return None  # done or dropped since it was planned
    case = session.get_one(Case, action.case_id)
    return _content(
        action_reminder_text(case.reference), action_reminder_blocks(case.reference, action)
    )


def _progress(session: Session, args: Mapping[str, Any]) -> Content | None:
    text, blocks = progress_content(session, int(args["meeting"]))
    return _content(text, blocks)


@dataclass(frozen=True)
class _Owed:
    """One update request with what its messages say about it."""

    request: UpdateRequest
    member: Member
    reference: str
    label: str
    deadline: str
    conference: bool
    children: str

    @property
    def outstanding(self) -> bool:
        return self.request.status == UpdateRequestStatus.REQUESTED


def _owed(session: Session, args: Mapping[str, Any]) -> _Owed:
    request = session.get_one(UpdateRequest, int(args["request"]))
    member = session.get_one(Member, request.member_id)
    meeting = session.get_one(Meeting, request.meeting_id)
    case = session.get_one(Case, meeting.case_id)
    area = session.get_one(Area, case.area_id)
    tz = ZoneInfo(case.timezone)
    deadline = deadline_day(meeting, area, calendar_for(area, case), tz)
    return _Owed(
        request,
        member,
        case.reference,
        meeting_label(meeting, case),
        format_day(deadline),
        meeting.kind == MeetingKind.RCPC,
        children_words(
            pre_birth=case.pre_birth,
            birth_date=case.birth_date,
            on=deadline,
            count=len(case.children) or None,
        ),
    )


def _prompt(session: Session, args: Mapping[str, Any]) -> Content | None:
    owed = _owed(session, args)
    request_id = owed.request.id or 0
    if args.get("with_family"):
        blocks = with_family_prompt(
            owed.reference, owed.member.display_name, owed.label, owed.deadline, request_id
        )
    else:
        if is_family_side(owed.member.role):
            blocks = family_prompt(owed.reference, owed.label, owed.deadline, request_id)
        else:
            blocks = professional_prompt(
                owed.reference, owed.label, owed.deadline, request_id, owed.children
            )
    return _content(prompt_text(owed.reference), blocks)


def _still_chased(session: Session, member: Member, args: Mapping[str, Any]) -> bool:
    """Whether the person this chase goes to is still the one chased on its day: a professional
    who said they are away is not (nor, once back, is their cover, nor a cover replaced since).
    Planning follows `/coregroup away` in a job; this holds in the moments before it runs."""
    day = args.get("day")
    if member.slack_user_id is None or is_family_side(member.role) or not isinstance(day, str):
        return True  # chased through their social worker, or invited: leave has no say
    away = away_on(member, date.fromisoformat(day))
    if not args.get("covering"):
        return not away
    cover = session.get(Member, member.cover_member_id) if member.cover_member_id else None
    return (
        away
        and cover is not None
        and cover.active
        and cover.slack_user_id is not None
        and cover.slack_user_id == args.get("cover")
    )


def _chase(session: Session, args: Mapping[str, Any]) -> Content | None:
    owed = _owed(session, args)
    if not owed.outstanding:
        return None  # the update arrived: chasing stops at once
    member = owed.member
    if not _still_chased(session, member, args):
        return None  # away, back, or someone else covers since it was planned
    with_family = None if member.slack_user_id else member.display_name
    if is_family_side(member.role):
        blocks = family_reminder_blocks(
            owed.reference, owed.label, owed.deadline, owed.request.id or 0, with_family=with_family
        )
        return _content(chase_text(owed.reference), blocks)
    blocks = chase_blocks(
        ChaseStep(str(args["step"])),
        owed.reference,
        owed.label,
        owed.deadline,
        owed.request.id or 0,
        covering_for=member.display_name if args.get("covering") else None,
        with_family=with_family,
    )
    return _content(chase_text(owed.reference), blocks)


def _check_in(session: Session, args: Mapping[str, Any]) -> Content | None:
    owed = _owed(session, args)
    if not owed.outstanding:
        return None  # their words came: nothing to check in about
    blocks = check_in_notice(owed.reference, owed.member.display_name, owed.label)
    return _content(check_in_text(owed.reference), blocks)


def _outstanding_notice(session: Session, args: Mapping[str, Any]) -> tuple[_Owed, Member] | None:
    owed = _owed(session, args)
    if not owed.outstanding or is_family_side(owed.member.role):
        return None  # in, or family-side words: invited, never reported as missing
    return owed, owed.member


def _overdue_notice(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _outstanding_notice(session, args)
    if found is None:
        return None
    owed, member = found
    blocks = overdue_notice(
        owed.reference,
        member.display_name,
        AGENCY_NAMES[member.agency],
        owed.label,
        owed.deadline,
        reminded=bool(args.get("reminded", True)),
    )
    return _content(overdue_notice_text(owed.reference), blocks)


def _escalation(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _outstanding_notice(session, args)
    if found is None:
        return None
    owed, member = found
    blocks = escalation_notice(
        owed.reference,
        member.display_name,
        AGENCY_NAMES[member.agency],
        owed.label,
        owed.deadline,
        in_digest=owed.conference,
    )
    return _content(overdue_notice_text(owed.reference), blocks)


def _family_copy(session: Session, args: Mapping[str, Any]) -> Content | None:
    conference = session.get(Meeting, int(args["conference"]))
    if conference is None or conference.decision is not None or conference.starts_at is None:
        return None  # decided, or its date unset since: nothing to prepare for
    if conference.status != MeetingStatus.SCHEDULED:
        return None
    case = session.get_one(Case, conference.case_id)
    when = conference.starts_at.astimezone(ZoneInfo(case.timezone))
    return _content(
        family_copy_prompt_text(case.reference, meeting_words(MeetingKind.RCPC, case.nation)),
        family_copy_prompt_blocks(
            case.reference,
            _("{day} at {time}").format(day=format_day(when.date()), time=f"{when:%H:%M}"),
            meeting_words(MeetingKind.RCPC, case.nation),
        ),
    )


def _digest(session: Session, args: Mapping[str, Any]) -> Content | None:
    conference = session.get(Meeting, int(args["conference"]))
    if conference is None or conference.id is None:
        return None
    if conference.decision is not None or conference.status == MeetingStatus.CANCELLED:
        return None  # decided or cancelled since: a digest would only confuse
    digest = digest_input(session, conference.case_id, conference.id)
    return _content(
        digest_notification_text(digest.reference, digest.review_short), digest_blocks(digest)
    )


def _arrange_reminder(session: Session, args: Mapping[str, Any]) -> Content | None:
    meeting = session.get(Meeting, int(args["meeting"]))
    if meeting is None or meeting.status != MeetingStatus.DUE:
        return None  # it has a date now (or was cancelled): nothing to arrange
    case = session.get_one(Case, meeting.case_id)
    area = session.get_one(Area, case.area_id)
    rules = rules_for(area, case.nation)
    words = nation_rules(case.nation).words
    days = rules.first_core_group_working_days
    limit = (
        ngettext(
            "within {n} working days of the {initial}",
            "within {n} working days of the {initial}",
            days,
        )
        if rules.first_core_group_in_working_days
        else ngettext("within {n} days of the {initial}", "within {n} days of the {initial}", days)
    ).format(n=days, initial=_(words.initial))
    blocks = arrange_reminder_blocks(case.reference, limit, format_day(meeting.due_by))
    return _content(arrange_reminder_text(case.reference), blocks)


def _held_check(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _scheduled(session, int(args["meeting"]))
    if found is None:
        return None  # recorded as held, or moved back to "date not set", since
    meeting, case = found
    label = meeting_label(meeting, case)
    return _content(
        held_check_text(case.reference), held_check_blocks(case.reference, label, meeting.id or 0)
    )


def _new_harm(session: Session, args: Mapping[str, Any]) -> Content | None:
    # The alert names who reported new harm and for which meeting, never what they reported.
    update = session.get(AgencyUpdate, int(args["update"]))
    if update is None:
        return None
    request = session.get_one(UpdateRequest, update.request_id)
    member = session.get_one(Member, request.member_id)
    meeting = session.get_one(Meeting, request.meeting_id)
    case = session.get_one(Case, meeting.case_id)
    label = meeting_label(meeting, case)
    who = who_reported(session, update, member)
    blocks = new_harm_blocks(case.reference, who, label, update.id or 0)
    return _content(new_harm_text(case.reference), blocks)


def purge_notice_text(reference: str) -> str:
    """The notification of a coming purge: the case reference and nothing else."""
    return _("{reference}: its record leaves Slack in 14 days").format(reference=reference)


def _purge_notice(session: Session, args: Mapping[str, Any]) -> Content | None:
    case = session.get(Case, int(args["case"]))
    if case is None or case.closed_at is None or case.id is None:
        return None  # purged already, or reopened: nothing to warn about
    area = session.get_one(Area, case.area_id)
    purge_at = purge_due_at(case.closed_at, area.retention_days)
    day = format_day(purge_at.astimezone(ZoneInfo(case.timezone)).date())
    reference = escape_mrkdwn(case.reference)
    words = (
        _(
            "*{reference}* ended a while ago, and Slack is not the record: on *{day}* the bot "
            "deletes everything it holds about the case (its messages and files here and in the "
            "channel, the plan, meetings, replies and updates), archives the channel and keeps "
            "only a note that the case existed and was purged."
        ).format(reference=reference, day=day)
        + " "
        + (
            _("The record is exported to your authority's system first.")
            if area.purge_needs_export
            else _("Your area does not export it automatically.")
        )
        + " "
        + _("If the case record needs anything from here, export it now.")
    )
    button = ActionsBlock(
        elements=[
            ButtonElement(
                text=_("Export the record now"),
                action_id=ActionId.EXPORT_RECORD.value,
                value=str(case.id),
            )
        ]
    )
    return _content(purge_notice_text(case.reference), [section(words), button])


def _measures_digest(session: Session, args: Mapping[str, Any]) -> Content | None:
    said, teams = digest_figures(session, dict(args))
    if not teams:
        return None  # the area has gone: nothing to report
    return _content(measures_title(said), measures_blocks(teams, said, in_thread=False))


# Every kind planning plans has a writer, and so does the alert of new harm (queued by a person's
# update, not by planning); a note about an undelivered message carries its words.
WRITERS: dict[str, Writer] = {
    MessageKind.INVITATION: _invitation,
    MessageKind.FAMILY_INVITATION: _family_invitation,
    MessageKind.QUORUM_WARNING: _quorum_warning,
    MessageKind.ACTION_REMINDER: _action_reminder,
    MessageKind.PROGRESS: _progress,
    MessageKind.PROMPT: _prompt,
    MessageKind.CHASE: _chase,
    MessageKind.OVERDUE_NOTICE: _overdue_notice,
    MessageKind.ESCALATION: _escalation,
    MessageKind.CHECK_IN: _check_in,
    MessageKind.DIGEST: _digest,
    MessageKind.ARRANGE_REMINDER: _arrange_reminder,
    MessageKind.HELD_CHECK: _held_check,
    MessageKind.NEW_HARM: _new_harm,
    MessageKind.PURGE_NOTICE: _purge_notice,
    MessageKind.FAMILY_COPY: _family_copy,
    MessageKind.MEASURES_DIGEST: _measures_digest,
}


def write(
    session: Session, kind: str, args: Mapping[str, Any], recipient: str | None = None
) -> Content | None:
    """The message a planned row stands for, as of now, in its recipient's language (a person's
    own, or the case's for its channel); None when it is no longer wanted."""
    writer = WRITERS.get(kind)
    if writer is None:
        raise ValueError(f"no writer for planned messages of kind {kind!r}")
    language = Language.ENGLISH
    if recipient is not None:
        case = args.get("case")
        case_id = int(case) if isinstance(case, int | str) and str(case).isdigit() else None
        language = recipient_language(session, recipient, case_id=case_id)
    written: list[Content] = []
    for locale in locales(language):
        with speaking(locale):
            content = writer(session, args)
        if content is None:
            return None
        written.append(content)
    return bilingual(written[0], written[1]) if len(written) == 2 else written[0]
