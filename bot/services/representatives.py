"""Who comes in a professional's place, and whom a family member brings: agreed before added.

A professional sends a colleague of their own agency; anyone else waits for the social worker's
agreement. A family member never sends a representative: they may bring a friend, relative,
advocate or interpreter, who joins the family's side of the core group once the social worker
agrees. Refusals are kind, private, name who can help, and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from bot.deps import Dependencies
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _
from bot.rules.stand_ins import CoverVerdict, cover_verdict, is_family_side
from bot.rules.vocabulary import ApprovalKind, Role, Rsvp, SupporterKind
from bot.services.approvals import ask, social_workers
from bot.services.meetings import MeetingError, refresh_invitation, reply
from bot.services.members import MemberError, add_member, find_member
from bot.services.planning import replan_case
from bot.services.updates import meeting_label
from bot.ui.labels import AGENCY_NAMES, SUPPORTER_KIND_LABELS
from bot.ui.stand_ins import representative_refusal, who_approves
from storage.models import Case, Meeting, Member


@dataclass(frozen=True)
class StandInAnswer:
    """What to tell the person privately, and any outbox rows to send at once."""

    text: str
    send_now: tuple[str, ...] = ()


def _sender(deps: Dependencies, case_id: int, user_id: str) -> tuple[Member, Case, str]:
    with deps.unit_of_work() as session:
        sender = session.exec(
            select(Member).where(
                Member.case_id == case_id, Member.slack_user_id == user_id, col(Member.active)
            )
        ).one()
        case = session.get_one(Case, case_id)
        return sender, case, who_approves(social_workers(session, case_id))


def send_someone(
    deps: Dependencies,
    *,
    case_id: int,
    meeting_id: int,
    user_id: str,
    chosen: str,
    same_agency: bool,
) -> StandInAnswer:
    """A professional sends someone in their place: a colleague of their agency at once,
    anyone else after the social worker agrees; never a family-side member."""
    sender, case, approver = _sender(deps, case_id, user_id)
    mention = f"<@{chosen}>"
    if is_family_side(sender.role):
        return StandInAnswer(
            _(
                "A representative comes in a professional's place. You're welcome to bring "
                "someone with you instead: use *I'd like to bring someone* on the invitation."
            )
        )
    with deps.unit_of_work() as session:
        existing = find_member(session, case_id, chosen)
        if existing is not None and existing.active:
            verdict = cover_verdict(
                away_member=sender.id or 0,
                away_agency=sender.agency,
                cover_member=existing.id or 0,
                cover_role=existing.role,
                cover_agency=existing.agency,
                cover_active=True,
            )
        else:
            verdict = CoverVerdict.ALLOWED if same_agency else CoverVerdict.NEEDS_APPROVAL
        if verdict is CoverVerdict.NEEDS_APPROVAL:
            agency = AGENCY_NAMES[existing.agency] if existing is not None else _("another agency")
            name = existing.display_name if existing is not None else _name(deps, chosen)
            meeting = session.get_one(Meeting, meeting_id)
            when = meeting_label(meeting, case)
            question = _(
                "{sender} ({sender_agency}) can't come to the {meeting} and would like {name} "
                "({agency}) to come in their place. They would join the core group channel as a "
                "professional. Do you agree?"
            ).format(
                sender=escape_mrkdwn(sender.display_name),
                sender_agency=AGENCY_NAMES[sender.agency],
                meeting=escape_mrkdwn(when),
                name=escape_mrkdwn(name),
                agency=escape_mrkdwn(agency),
            )
            keys = ask(
                session,
                case=case,
                kind=ApprovalKind.REPRESENTATIVE,
                requester=sender,
                subject_user=chosen,
                question=question,
                now=deps.clock.now(),
                meeting=meeting_id,
            )
            return StandInAnswer(
                _(
                    "{person} isn't from your agency, so I've asked {approver} to agree first. "
                    "Nothing changes until they do, and I'll tell you their answer."
                ).format(person=mention, approver=approver),
                tuple(keys),
            )
    if verdict is not CoverVerdict.ALLOWED:
        return StandInAnswer(representative_refusal(verdict, mention, approver))
    try:
        if existing is None or not existing.active:
            existing = add_member(
                deps,
                case_id=case_id,
                actor=user_id,
                user_id=chosen,
                agency=sender.agency,
                role=Role.PROFESSIONAL,
            )
        reply(
            deps,
            meeting_id=meeting_id,
            user_id=user_id,
            rsvp=Rsvp.REPRESENTATIVE,
            representative_member_id=existing.id,
        )
    except (MemberError, MeetingError) as error:
        return StandInAnswer(str(error))
    refresh_invitation(deps, meeting_id)
    replan_case(deps, case_id)
    return StandInAnswer(
        _("Thanks: {person} will come for your agency, and is now in the channel.").format(
            person=mention
        )
    )


def _name(deps: Dependencies, user_id: str) -> str:
    try:
        return deps.gateway.user(user_id).name
    except Exception:  # a name is only a courtesy in the question; the mention still works
        return f"<@{user_id}>"


def bring_someone(
    deps: Dependencies, *, case_id: int, user_id: str, chosen: str, kind: SupporterKind
) -> StandInAnswer:
    """A family member asks to bring someone: the social worker is asked; nothing else yet."""
    sender, case, approver = _sender(deps, case_id, user_id)
    mention = f"<@{chosen}>"
    if sender.role is not Role.FAMILY:
        return StandInAnswer(
            _(
                "Bringing someone is for family members. {Approver} can help with anything else."
            ).format(Approver=approver[:1].upper() + approver[1:])
        )
    name = _name(deps, chosen)
    with deps.unit_of_work() as session:
        existing = find_member(session, case_id, chosen)
        if existing is not None and existing.active:
            return StandInAnswer(_("{person} is already in the core group.").format(person=mention))
        label = SUPPORTER_KIND_LABELS[kind].lower()
        question = _(
            "{sender} (family) would like to bring {name}, {label}, to the core group. They "
            "would join the channel on the family's side: they see what the family sees, never "
            "professional-only content. Do you agree?"
        ).format(sender=escape_mrkdwn(sender.display_name), name=escape_mrkdwn(name), label=label)
        keys = ask(
            session,
            case=session.get_one(Case, case.id),
            kind=ApprovalKind.SUPPORTER,
            requester=sender,
            subject_user=chosen,
            question=question,
            now=deps.clock.now(),
            supporter=kind.value,
        )
    return StandInAnswer(
        _(
            "Thank you. I've asked {approver} to agree to {person} coming with you; I'll add "
            "them to the channel once they do, and tell you either way."
        ).format(approver=approver, person=mention),
        tuple(keys),
    )
