"""What waits for the social worker's agreement: asked by a button in a direct message, audited.

A cover from another agency, a representative who is not of the sender's agency, and someone a
family member would like to bring all wait here. Nothing they ask for happens until a social
worker of the case agrees; their answer, either way, is recorded in the audit trail and told to
the person who asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import Block
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import N_, _, locale_of, speaking
from bot.rules.messages import MessageKind, PlannedMessage, outbox_key
from bot.rules.stand_ins import MAY_STAND_IN, CoverVerdict, cover_verdict, is_family_side
from bot.rules.timeline import format_day
from bot.rules.vocabulary import Agency, ApprovalKind, ApprovalState, Role, Rsvp
from bot.services import audit
from bot.services.languages import person_language
from bot.services.meetings import MeetingError, refresh_invitation, reply
from bot.services.members import MemberError, add_member, find_member
from bot.services.outbox import enqueue
from bot.ui.common import section
from bot.ui.stand_ins import (
    answered_blocks,
    approval_blocks,
    approval_text,
    decision_notice_text,
)
from storage.models import ApprovalRequest, Case, Invitation, Member


class ApprovalError(Exception):
    """An answer that cannot be taken; the message is for the person who clicked."""


def social_workers(session: Session, case_id: int) -> list[str]:
    """The Slack ids of the case's active social workers: the people who approve."""
    return [
        m.slack_user_id
        for m in session.exec(
            select(Member)
            .where(Member.case_id == case_id, Member.role == Role.SOCIAL_WORKER)
            .where(col(Member.active))
            .order_by(col(Member.id))
        )
        if m.slack_user_id
    ]


def ask(
    session: Session,
    *,
    case: Case,
    kind: ApprovalKind,
    requester: Member,
    subject_user: str,
    question: str,
    now: datetime,
    **detail: Any,
) -> list[str]:
    """Record the request and queue the question to each social worker; the outbox keys to send
    at once. `question` is already escaped for Slack."""
    assert case.id is not None and requester.id is not None and requester.slack_user_id
    approval = ApprovalRequest(
        case_id=case.id,
        kind=kind,
        requested_by=requester.slack_user_id,
        member_id=requester.id,
        subject_user=subject_user,
        detail={**detail, "question": question},
        requested_at=now,
    )
    session.add(approval)
    session.flush()
    assert approval.id is not None
    audit.record(
        session,
        actor=requester.slack_user_id,
        action=AuditAction.APPROVAL_REQUESTED,
        at=now,
        case_id=case.id,
        approval=approval.id,
        kind=kind.value,
        user=subject_user,
    )
    keys = []
    for social_worker in social_workers(session, case.id):
        # Outside any case's planning scope (no case_id in the key): no planning pass cancels it.
        key = outbox_key(MessageKind.APPROVAL, approval.id, social_worker)
        blocks = [b.to_dict() for b in approval_blocks(approval.id, case.reference, question)]
        message = PlannedMessage(
            key,
            MessageKind.APPROVAL,
            social_worker,
            now,
            {"text": approval_text(case.reference), "blocks": blocks},
            case.id,
        )
        if enqueue(session, message, now=now):
            keys.append(key)
    return keys


@dataclass(frozen=True)
class Answered:
    """What the social worker's click did: their message as it now reads, and what to send."""

    case_id: int
    blocks: list[Block]
    send_now: tuple[str, ...]
    kind: ApprovalKind


# Carrying out an approved request, given the deps, the request and who approved: the words for
# the person who asked. Raises ApprovalError when it cannot be done (nothing is then recorded).
Carry = Callable[[Dependencies, ApprovalRequest, str], str]


def _carry_cover(deps: Dependencies, approval: ApprovalRequest, actor: str) -> str:
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        member = session.get_one(Member, approval.member_id)
        cover = session.exec(
            select(Member).where(
                Member.case_id == approval.case_id,
                Member.slack_user_id == approval.subject_user,
            )
        ).first()
        verdict = (
            cover_verdict(
                away_member=member.id or 0,
                away_agency=member.agency,
                cover_member=cover.id or 0,
                cover_role=cover.role,
                cover_agency=cover.agency,
                cover_active=cover.active,
            )
            if cover is not None
            else CoverVerdict.NOT_A_PROFESSIONAL
        )
        if not member.active or cover is None or verdict is not CoverVerdict.NEEDS_APPROVAL:
            raise ApprovalError(
                _(
                    "This can't be done as asked any more: one of them has left the core group or "
                    "changed role. Nothing has been changed."
                )
            )
        until = date.fromisoformat(str(approval.detail["until"]))
        if (member.away_until, member.cover_member_id) == (until, cover.id):
            return _covered(approval, until)  # done by an earlier run of this answer
        before = {"away_until": member.away_until.isoformat() if member.away_until else None}
        member.away_until, member.cover_member_id = until, cover.id
        session.add(member)
        audit.record(
            session,
            actor=member.slack_user_id or actor,
            action=AuditAction.MEMBER_AWAY,
            at=now,
            case_id=approval.case_id,
            before=before,
            after={"away_until": until.isoformat(), "cover": approval.subject_user},
            approved_by=actor,
            approval=approval.id,
        )
    return _covered(approval, until)


def _covered(approval: ApprovalRequest, until: date) -> str:
    return _(
        "The social worker agreed: {person} covers for you until {day}, and gets your reminders "
        "instead."
    ).format(person=f"<@{approval.subject_user}>", day=format_day(until))


def _once(approval: ApprovalRequest) -> str:
    """What names this approval's addition, so a run again after a crash converges."""
    return f"approval{approval.id}"


def _carry_representative(deps: Dependencies, approval: ApprovalRequest, actor: str) -> str:
    """Add the representative (as a professional of another agency) and record the reply."""
    with deps.unit_of_work() as session:
        sender = session.get_one(Member, approval.member_id)
        existing = find_member(session, approval.case_id, approval.subject_user)
        meeting_id = int(approval.detail["meeting"])
        sent = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.member_id == sender.id
            )
        ).first()
    if not sender.active or not sender.slack_user_id:
        raise ApprovalError(_("They have left the core group since, so nothing has been changed."))
    try:
        if existing is None or not existing.active:
            agency = existing.agency if existing is not None else Agency.OTHER
            existing = add_member(
                deps,
                case_id=approval.case_id,
                actor=actor,
                user_id=approval.subject_user,
                agency=agency,
                role=Role.PROFESSIONAL,
                once=_once(approval),
            )
        elif is_family_side(existing.role) or existing.role not in MAY_STAND_IN:
            raise ApprovalError(
                _("They can't stand in for a professional, so nothing was changed.")
            )
        replied = sent is not None and (sent.rsvp, sent.representative_member_id) == (
            Rsvp.REPRESENTATIVE,
            existing.id,
        )
        if not replied:  # recorded by an earlier run of this answer: no second audit event
            reply(
                deps,
                meeting_id=meeting_id,
                user_id=sender.slack_user_id,
                rsvp=Rsvp.REPRESENTATIVE,
                representative_member_id=existing.id,
            )
    except (MemberError, MeetingError) as error:
        raise ApprovalError(str(error)) from None
    refresh_invitation(deps, meeting_id)
    return _(
        "The social worker agreed: {person} will come for you, and is now in the core group "
        "channel."
    ).format(person=f"<@{approval.subject_user}>")


def _carry_supporter(deps: Dependencies, approval: ApprovalRequest, actor: str) -> str:
    """Add the person a family member brings, on the family's side of the core group."""
    with deps.unit_of_work() as session:
        family_member = session.get_one(Member, approval.member_id)
        separate = session.get_one(Case, approval.case_id).family_separate
    if not family_member.active:
        raise ApprovalError(_("They have left the core group since, so nothing has been changed."))
    try:
        add_member(
            deps,
            case_id=approval.case_id,
            actor=actor,
            user_id=approval.subject_user,
            agency=Agency.FAMILY,
            role=Role.FAMILY_SUPPORTER,
            once=_once(approval),
        )
    except MemberError as error:
        raise ApprovalError(str(error)) from None
    if separate:
        # Served separately, a supporter is too: what you write reaches them once shared.
        return _(
            "The social worker agreed: {person} is now in the core group with you, and hears "
            "from me by direct message, as you do."
        ).format(person=f"<@{approval.subject_user}>")
    return _(
        "The social worker agreed: {person} is now in the core group channel with you, and sees "
        "what you see."
    ).format(person=f"<@{approval.subject_user}>")


CARRY: dict[ApprovalKind, Carry] = {
    ApprovalKind.COVER: _carry_cover,
    ApprovalKind.REPRESENTATIVE: _carry_representative,
    ApprovalKind.SUPPORTER: _carry_supporter,
}

_DECLINED: Mapping[ApprovalKind, str] = {
    ApprovalKind.COVER: N_(
        "The social worker didn't agree to <@{subject}> covering for you, so nothing has "
        "changed. They may be in touch about who could."
    ),
    ApprovalKind.REPRESENTATIVE: N_(
        "The social worker didn't agree to <@{subject}> coming for you, so they haven't been "
        "added. Please send a colleague from your agency, or your update if nobody can come."
    ),
    ApprovalKind.SUPPORTER: N_(
        "The social worker didn't agree to <@{subject}> joining the core group for now. They "
        "will talk it through with you."
    ),
}


def answer(deps: Dependencies, *, approval_id: int, actor: str, approve: bool) -> Answered:
    """Take a social worker's answer: carry out what was asked (if agreed), record it, and tell
    the person who asked. Anyone else's click, or a second answer, changes nothing; the same
    answer taken again (its job run again after a crash) is shown as it was, not done twice."""
    state = ApprovalState.APPROVED if approve else ApprovalState.DECLINED
    key = outbox_key(MessageKind.APPROVAL_ANSWER, approval_id)
    with deps.unit_of_work() as session:
        approval = session.get(ApprovalRequest, approval_id)
        if approval is None or actor not in social_workers(session, approval.case_id):
            raise ApprovalError(_("Sorry, only the case's social worker can answer this."))
        taken = (approval.state, approval.decided_by) == (state, actor)
        if approval.state is not ApprovalState.PENDING and not taken:
            raise _answered_already(approval.state)
        case = session.get_one(Case, approval.case_id)
        # The answer goes to whoever asked, in their language (one: it is written now).
        theirs = locale_of(person_language(session, approval.requested_by))
        session.expunge(approval)
    if taken and approval.decided_at is not None:
        return _answered(case, approval, approve, approval.decided_at, (key,))
    with speaking(theirs):
        words = (
            CARRY[approval.kind](deps, approval, actor)
            if approve
            else _(_DECLINED[approval.kind]).format(subject=approval.subject_user)
        )
        notice_text, notice_words = decision_notice_text(case.reference), words
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        stored = session.get_one(ApprovalRequest, approval_id)
        if stored.state is not ApprovalState.PENDING:  # recorded meanwhile, by another run
            if (stored.state, stored.decided_by) != (state, actor):
                raise _answered_already(stored.state)
            return _answered(case, approval, approve, stored.decided_at or now, (key,))
        stored.state, stored.decided_by, stored.decided_at = state, actor, now
        session.add(stored)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.APPROVAL_DECIDED,
            at=now,
            case_id=approval.case_id,
            approval=approval_id,
            kind=approval.kind.value,
            user=approval.subject_user,
            approved=approve,
        )
        notice = PlannedMessage(
            key,
            MessageKind.APPROVAL_ANSWER,
            approval.requested_by,
            now,
            {
                "text": notice_text,
                "blocks": [section(f"*{escape_mrkdwn(case.reference)}*: {notice_words}").to_dict()],
            },
            approval.case_id,
        )
        sent = (key,) if enqueue(session, notice, now=now) else ()
    return _answered(case, approval, approve, now, sent)


def _answered_already(state: ApprovalState) -> ApprovalError:
    by = _("agreed") if state is ApprovalState.APPROVED else _("not agreed")
    return ApprovalError(
        _("This has already been answered ({by}), so nothing changed.").format(by=by)
    )


def _answered(
    case: Case, approval: ApprovalRequest, approve: bool, on: datetime, send: tuple[str, ...]
) -> Answered:
    """The social worker's message as it reads once answered."""
    said = _("You agreed") if approve else _("You didn't agree")
    blocks = answered_blocks(
        case.reference,
        str(approval.detail.get("question", "")),
        _("{said} on {day}. I've told {person}.").format(
            said=said, day=format_day(on.date()), person=f"<@{approval.requested_by}>"
        ),
    )
    return Answered(approval.case_id, blocks, send, approval.kind)
