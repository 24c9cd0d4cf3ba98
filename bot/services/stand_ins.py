"""Leave and cover: who may cover an away professional, and recording it (or asking first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import _
from bot.rules.stand_ins import CoverVerdict, cover_verdict
from bot.rules.timeline import format_day
from bot.rules.vocabulary import ApprovalKind
from bot.rules.work import Work, send_now
from bot.services import audit, jobs
from bot.services.approvals import ask, social_workers
from bot.services.updates import UpdateError
from bot.ui.labels import AGENCY_NAMES
from bot.ui.stand_ins import (
    cover_asked,
    cover_question,
    cover_refusal,
    not_a_member_cover,
    who_approves,
)
from storage.models import Case, Member


@dataclass(frozen=True)
class AwayAnswer:
    """The private answer to `/coregroup away` or `back`, and any outbox rows to send at once."""

    text: str
    send_now: tuple[str, ...] = ()


def set_away(
    deps: Dependencies,
    *,
    case_id: int,
    actor: str,
    until: date | None,
    cover_user: str | None,
    then: Sequence[Work] = (),
) -> AwayAnswer:
    """Record leave (and who covers), or the return; the cover is chased instead while away.

    A cover must be a professional of the case: of the same agency, or of another once the
    social worker agrees (asked here, carried out by `approvals.answer`). A family-side member
    never covers. A refusal records nothing.
    """
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        member = session.exec(
            select(Member).where(
                Member.case_id == case_id, Member.slack_user_id == actor, col(Member.active)
            )
        ).one()
        cover = None
        if cover_user is not None:
            approver = who_approves(social_workers(session, case_id))
            mention = f"<@{cover_user}>"
            cover = session.exec(
                select(Member).where(
                    Member.case_id == case_id,
                    Member.slack_user_id == cover_user,
                    col(Member.active),
                )
            ).first()
            if cover is None:
                raise UpdateError(not_a_member_cover(mention, approver))
            verdict = cover_verdict(
                away_member=member.id or 0,
                away_agency=member.agency,
                cover_member=cover.id or 0,
                cover_role=cover.role,
                cover_agency=cover.agency,
                cover_active=cover.active,
            )
            if verdict is CoverVerdict.NEEDS_APPROVAL and until is not None:
                case = session.get_one(Case, case_id)
                question = cover_question(
                    member.display_name,
                    cover.display_name,
                    AGENCY_NAMES[cover.agency],
                    AGENCY_NAMES[member.agency],
                    format_day(until),
                )
                keys = ask(
                    session,
                    case=case,
                    kind=ApprovalKind.COVER,
                    requester=member,
                    subject_user=cover_user,
                    question=question,
                    now=now,
                    until=until.isoformat(),
                )
                jobs.add(
                    session, send_now(keys), now=now, case_id=case_id
                )  # the social worker is asked at once
                return AwayAnswer(
                    cover_asked(mention, AGENCY_NAMES[cover.agency], approver), tuple(keys)
                )
            if verdict is not CoverVerdict.ALLOWED:
                raise UpdateError(cover_refusal(verdict, mention, approver))
        before = {"away_until": member.away_until.isoformat() if member.away_until else None}
        member.away_until, member.cover_member_id = until, cover.id if cover else None
        session.add(member)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.MEMBER_AWAY,
            at=now,
            case_id=case_id,
            before=before,
            after={"away_until": until.isoformat() if until else None, "cover": cover_user},
        )
    if until is None:
        return AwayAnswer(_("Welcome back: I'll send you your reminders again."))
    said = _("Got it: no reminders for you until {day}.").format(day=format_day(until))
    if cover_user:
        said += " " + _("{person} will get them instead.").format(person=f"<@{cover_user}>")
    return AwayAnswer(said)
