"""What each planned message says, written when the dispatcher sends it.

Planning decides who hears what and when; the words come from the case as it is at sending time,
so an invitation lists the latest replies, a digest the latest updates, and a chase whose report
has arrived in the meantime is not sent at all (its writer answers None and the row is
cancelled). Each writer takes the row's `args` (the ids planning put there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.rules.messages import MessageKind
from bot.rules.schedule import calendar_for, deadline_day
from bot.rules.timeline import ChaseStep, format_day
from bot.rules.vocabulary import (
    ActionStatus,
    MeetingKind,
    MeetingStatus,
    Role,
    UpdateRequestStatus,
)
from bot.services.family import family_help, social_worker_name
from bot.services.meetings import card_for, forecast_for, replies
from bot.services.review import digest_input
from bot.services.updates import meeting_label, progress_content
from bot.summary import digest_blocks, digest_notification_text
from bot.ui.family import (
    family_copy_prompt_blocks,
    family_copy_prompt_text,
    family_invitation_blocks,
)
from bot.ui.labels import AGENCY_NAMES
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
    escalation_notice,
    family_prompt,
    overdue_notice,
    overdue_notice_text,
    professional_prompt,
    prompt_text,
    with_family_prompt,
)
from storage.models import Area, Case, Meeting, Member, PlanAction, UpdateRequest

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
    shown, _ = replies(session, meeting.id)
    conference = meeting.kind == MeetingKind.RCPC
    forecast = forecast_for(session, case, meeting.id) if conference and in_channel else None
    blocks = invitation_blocks(
        card_for(case, meeting), shown, forecast=forecast, in_channel=in_channel
    )
    return _content(invitation_text(case.reference, meeting.kind), blocks)


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
    return _content(invitation_text(case.reference, meeting.kind), blocks)


def _quorum_warning(session: Session, args: Mapping[str, Any]) -> Content | None:
    found = _scheduled(session, int(args["meeting"]))
    if found is None:
        return None
    meeting, case = found
    assert meeting.id is not None
    forecast = forecast_for(session, case, meeting.id)
    if forecast.quorate:
        return None  # enough people are coming after all
    blocks = quorum_warning_blocks(card_for(case, meeting), forecast)
    return _content(quorum_warning_text(case.reference), blocks)


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
    return _Owed(request, member, case.reference, meeting_label(meeting, tz), format_day(deadline))


def _prompt(session: Session, args: Mapping[str, Any]) -> Content | None:
    owed = _owed(session, args)
    request_id = owed.request.id or 0
    if args.get("with_family"):
        blocks = with_family_prompt(
            owed.reference, owed.member.display_name, owed.label, owed.deadline, request_id
        )
    else:
        prompt = family_prompt if owed.member.role == Role.FAMILY else professional_prompt
        blocks = prompt(owed.reference, owed.label, owed.deadline, request_id)
    return _content(prompt_text(owed.reference), blocks)


def _chase(session: Session, args: Mapping[str, Any]) -> Content | None:
    owed = _owed(session, args)
    if not owed.outstanding:
        return None  # the update arrived: chasing stops at once
    member = owed.member
    blocks = chase_blocks(
        ChaseStep(str(args["step"])),
        owed.reference,
        owed.label,
        owed.deadline,
        owed.request.id or 0,
        covering_for=member.display_name if args.get("covering") else None,
        with_family=None if member.slack_user_id else member.display_name,
    )
    return _content(chase_text(owed.reference), blocks)


def _notice_about(notice: Callable[[str, str, str, str, str], list[Block]]) -> Writer:
    """A writer of a notice to the social worker or chair about a report not yet in."""

    def write_notice(session: Session, args: Mapping[str, Any]) -> Content | None:
        owed = _owed(session, args)
        if not owed.outstanding:
            return None
        member = owed.member
        blocks = notice(
            owed.reference,
            member.display_name,
            AGENCY_NAMES[member.agency],
            owed.label,
            owed.deadline,
        )
        return _content(overdue_notice_text(owed.reference), blocks)

    return write_notice


def _family_copy(session: Session, args: Mapping[str, Any]) -> Content | None:
    conference = session.get(Meeting, int(args["conference"]))
    if conference is None or conference.decision is not None or conference.starts_at is None:
        return None  # decided, or its date unset since: nothing to prepare for
    if conference.status != MeetingStatus.SCHEDULED:
        return None
    case = session.get_one(Case, conference.case_id)
    when = conference.starts_at.astimezone(ZoneInfo(case.timezone))
    return _content(
        family_copy_prompt_text(case.reference),
        family_copy_prompt_blocks(case.reference, f"{format_day(when.date())} at {when:%H:%M}"),
    )


def _digest(session: Session, args: Mapping[str, Any]) -> Content | None:
    conference = session.get(Meeting, int(args["conference"]))
    if conference is None or conference.id is None:
        return None
    if conference.decision is not None or conference.status == MeetingStatus.CANCELLED:
        return None  # decided or cancelled since: a digest would only confuse
    digest = digest_input(session, conference.case_id, conference.id)
    return _content(digest_notification_text(digest.reference), digest_blocks(digest))


# Every kind planning plans has a writer; a note about an undelivered message carries its words.
WRITERS: dict[str, Writer] = {
    MessageKind.INVITATION: _invitation,
    MessageKind.FAMILY_INVITATION: _family_invitation,
    MessageKind.QUORUM_WARNING: _quorum_warning,
    MessageKind.ACTION_REMINDER: _action_reminder,
    MessageKind.PROGRESS: _progress,
    MessageKind.PROMPT: _prompt,
    MessageKind.CHASE: _chase,
    MessageKind.OVERDUE_NOTICE: _notice_about(overdue_notice),
    MessageKind.ESCALATION: _notice_about(escalation_notice),
    MessageKind.DIGEST: _digest,
    MessageKind.FAMILY_COPY: _family_copy,
}


def write(session: Session, kind: str, args: Mapping[str, Any]) -> Content | None:
    """The message a planned row stands for, as of now; None when it is no longer wanted."""
    writer = WRITERS.get(kind)
    if writer is None:
        raise ValueError(f"no writer for planned messages of kind {kind!r}")
    return writer(session, args)
