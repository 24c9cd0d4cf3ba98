"""May this person act on this case? The case found from a channel, a record or an id, the access
module's answer, and what the listener needs read, all in one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.i18n import _
from bot.rules.stand_ins import is_family_side
from bot.rules.vocabulary import Agency, Attendance, MeetingKind, Role
from bot.services.access import (
    NOT_A_CASE_CHANNEL,
    NOT_A_MEMBER,
    Permission,
    check,
    check_complete_action,
)
from bot.services.conference import current_conference
from bot.services.harm import reading_for
from bot.services.meetings import attendance_guess
from bot.services.members import active_members, case_by_channel, find_member
from bot.services.plan import action_owner, load_plan
from bot.services.status import history_text, status_text
from bot.services.updates import UpdateContext, load_context, may_give, meeting_label
from bot.ui.harm import UpdateReading
from bot.ui.labels import meeting_heading
from bot.ui.plan import plan_text
from storage.models import Case, Invitation, Meeting, Member, Outcome, PlanAction

T = TypeVar("T")

# What a listener reads with its access check: given the case and the person asking.
CaseRead = Callable[[Session, Case, str], T]


@dataclass(frozen=True)
class Admitted(Generic[T]):
    """The person may go ahead on this case; `found` is what the listener asked to read."""

    case_id: int
    reference: str
    found: T


@dataclass(frozen=True)
class Refused:
    """The person may not; `message` says why, kindly, in the reader's language (`said` is a
    catalog message, or words already translated)."""

    said: str

    @property
    def message(self) -> str:
        return _(self.said)


def nothing(session: Session, case: Case, user_id: str) -> None:
    """Read nothing more than the access check itself."""


def _admit(
    session: Session,
    case: Case | None,
    *,
    user_id: str,
    permission: Permission,
    read: CaseRead[T],
    missing: str,
) -> Admitted[T] | Refused:
    if case is None or case.id is None:
        return Refused(missing)
    decision = check(session, case=case, user_id=user_id, permission=permission)
    if not decision.allowed:
        return Refused(decision.reason)
    return Admitted(case.id, case.reference, read(session, case, user_id))


def admit_in_channel(
    deps: Dependencies,
    *,
    channel_id: str,
    user_id: str,
    permission: Permission,
    read: CaseRead[T],
) -> Admitted[T] | Refused:
    """Find the channel's case, ask the access module, and read what the answer needs."""
    with deps.unit_of_work() as session:
        return _admit(
            session,
            case_by_channel(session, channel_id),
            user_id=user_id,
            permission=permission,
            read=read,
            missing=NOT_A_CASE_CHANNEL,
        )


def admit_to_case(
    deps: Dependencies,
    *,
    case_id: int | None,
    user_id: str,
    permission: Permission,
    read: CaseRead[T],
) -> Admitted[T] | Refused:
    """The same for a case named in a button's value or a modal's metadata."""
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id) if case_id is not None else None
        return _admit(
            session, case, user_id=user_id, permission=permission, read=read, missing=NOT_A_MEMBER
        )


def admit_to_meeting(
    deps: Dependencies,
    *,
    meeting_id: int | None,
    user_id: str,
    permission: Permission,
    read: Callable[[Session, Meeting], T],
) -> Admitted[T] | Refused:
    """The same for the case of a meeting a button names; `read` is given the meeting."""
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
        case = session.get(Case, meeting.case_id) if meeting is not None else None
        if meeting is None:
            return Refused(NOT_A_MEMBER)
        return _admit(
            session,
            case,
            user_id=user_id,
            permission=permission,
            read=lambda session, _case, _user: read(session, meeting),
            missing=NOT_A_MEMBER,
        )


def meeting_named(session: Session, meeting: Meeting) -> str:
    """The meeting in a sentence, in its case's nation's words, with its day."""
    return meeting_label(meeting, session.get_one(Case, meeting.case_id))


def meeting_id_of(session: Session, meeting: Meeting) -> int:
    """Read nothing more than the meeting's own id."""
    assert meeting.id is not None
    return meeting.id


@dataclass(frozen=True)
class Sender:
    """Who asks to send (or bring) someone to a meeting: the form they get follows from it."""

    meeting_id: int
    # A professional's agency; None for a family-side member, who brings someone rather than
    # sending someone in their place.
    agency: Agency | None


def sender_at_meeting(
    deps: Dependencies, *, meeting_id: int | None, user_id: str, permission: Permission
) -> Admitted[Sender] | Refused:
    """The meeting a button names and who is asking, if they may reply to its invitation."""

    def read(session: Session, meeting: Meeting) -> Sender:
        assert meeting.id is not None
        member = find_member(session, meeting.case_id, user_id)
        if member is None or is_family_side(member.role):
            return Sender(meeting.id, None)
        return Sender(meeting.id, member.agency)

    return admit_to_meeting(
        deps, meeting_id=meeting_id, user_id=user_id, permission=permission, read=read
    )


# --- What the sub-commands read with their access check -----------------------------------------


def status_answer(session: Session, case: Case, user_id: str) -> str:
    """`/coregroup status`: the next meetings, deadlines and replies."""
    return status_text(session, case)


def history_answer(session: Session, case: Case, user_id: str) -> str:
    """`/coregroup history`: the recent audit trail in words."""
    return history_text(session, case)


def plan_answer(session: Session, case: Case, user_id: str) -> str:
    """`/coregroup plan`: the plan in full."""
    assert case.id is not None
    return plan_text(load_plan(session, case.id))


@dataclass(frozen=True)
class ActionChoices:
    """What the action form offers: the plan's outcomes and the people who may own an action."""

    outcomes: tuple[Outcome, ...]
    members: list[Member]
    action: PlanAction | None = None


def action_choices(session: Session, case: Case, user_id: str) -> ActionChoices:
    """The outcomes and people an action may be tied to."""
    assert case.id is not None
    return ActionChoices(load_plan(session, case.id).outcomes, active_members(session, case.id))


@dataclass(frozen=True)
class ConferenceToDecide:
    """The review conference whose decision the chair is about to record."""

    conference_id: int
    label: str


def conference_to_decide(session: Session, case: Case, user_id: str) -> ConferenceToDecide | None:
    """The review conference now in hand, or None when there is none to record."""
    assert case.id is not None
    conference = current_conference(session, case.id)
    if conference is None or conference.id is None:
        return None
    return ConferenceToDecide(
        conference.id,
        f"{meeting_heading(MeetingKind.RCPC, case.nation)} {conference.sequence} "
        f"for {case.reference}",
    )


# --- Buttons about one record of a case ----------------------------------------------------------


def outcome_to_edit(
    deps: Dependencies, *, outcome_id: int | None, user_id: str, permission: Permission
) -> Admitted[Outcome] | Refused:
    """The outcome a button names, if the person may edit the plan it belongs to."""
    with deps.unit_of_work() as session:
        outcome = session.get(Outcome, outcome_id) if outcome_id is not None else None
        case = session.get(Case, outcome.case_id) if outcome is not None else None
        if outcome is None:
            return Refused(NOT_A_MEMBER)
        return _admit(
            session,
            case,
            user_id=user_id,
            permission=permission,
            read=lambda _session, _case, _user: outcome,
            missing=NOT_A_MEMBER,
        )


def action_to_edit(
    deps: Dependencies, *, action_id: int | None, user_id: str, permission: Permission
) -> Admitted[ActionChoices] | Refused:
    """The action a button names, with the form's choices, if the person may edit the plan."""
    with deps.unit_of_work() as session:
        action = session.get(PlanAction, action_id) if action_id is not None else None
        case = session.get(Case, action.case_id) if action is not None else None
        if action is None:
            return Refused(NOT_A_MEMBER)
        admitted = _admit(
            session,
            case,
            user_id=user_id,
            permission=permission,
            read=action_choices,
            missing=NOT_A_MEMBER,
        )
    if isinstance(admitted, Refused):
        return admitted
    choices = ActionChoices(admitted.found.outcomes, admitted.found.members, action)
    return Admitted(admitted.case_id, admitted.reference, choices)


def may_complete_action(
    deps: Dependencies, *, action_id: int | None, user_id: str
) -> Admitted[None] | Refused:
    """Marking an action done: its owner may, and so may whoever may edit the plan."""
    with deps.unit_of_work() as session:
        found = action_owner(session, action_id) if action_id is not None else None
        case = session.get(Case, found[0]) if found else None
        if found is None or case is None or case.id is None:
            return Refused(NOT_A_MEMBER)
        decision = check_complete_action(
            session, case=case, user_id=user_id, owner_user_id=found[1]
        )
    return Admitted(case.id, case.reference, None) if decision.allowed else Refused(decision.reason)


def attendance_invitees(
    session: Session, meeting: Meeting
) -> list[tuple[int, str, Attendance | None]]:
    """Whose attendance is recorded for a meeting, with what their reply suggests: (invitation,
    name, guess). The chair runs a core group rather than being one of its members, so is left
    out of a core group's."""
    rows = session.exec(
        select(Invitation, Member)
        .join(Member, col(Member.id) == col(Invitation.member_id))
        .where(Invitation.meeting_id == meeting.id)
        .order_by(col(Member.id))
    ).all()
    return [
        (inv.id or 0, member.display_name, attendance_guess(inv))
        for inv, member in rows
        if not (meeting.kind == MeetingKind.CORE_GROUP and member.role == Role.CHAIR)
    ]


def update_to_give(
    deps: Dependencies, *, request_id: int | None, user_id: str
) -> UpdateContext | Refused:
    """The update request a button names, with what its form needs, if this person may give it."""
    today = deps.clock.now().date()
    with deps.unit_of_work() as session:
        context = load_context(session, request_id) if request_id is not None else None
        problem = may_give(session, context, user_id, today) if context else NOT_A_MEMBER
    if context is None or problem:
        return Refused(problem or NOT_A_MEMBER)
    return context


def update_to_read(
    deps: Dependencies, *, update_id: int | None, user_id: str
) -> UpdateReading | Refused:
    """The whole update a new-harm alert names, for the social worker or chair of its case."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        reading = (
            reading_for(session, update_id=update_id, user_id=user_id, now=now)
            if update_id is not None
            else NOT_A_MEMBER
        )
    return Refused(reading) if isinstance(reading, str) else reading
