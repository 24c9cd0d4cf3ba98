"""Every listener's access rule in one table, and the one check that applies it to a case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.deps import Dependencies
from bot.rules.ids import ActionId, ViewId
from bot.services.access import NOT_A_CASE_CHANNEL, NOT_A_MEMBER, Permission, check
from bot.services.members import case_by_channel
from storage.models import Case

# Sub-commands of /coregroup and the permission each needs on the channel's case.
# None: the sub-command works anywhere and touches no existing case (help, opening a new one).
COMMAND_RULES: dict[str, Permission | None] = {
    "help": None,
    "new": None,
    "status": Permission.VIEW_STATUS,
    "history": Permission.VIEW_HISTORY,
    "add": Permission.MANAGE_MEMBERS,
    "remove": Permission.MANAGE_MEMBERS,
    "role": Permission.CHANGE_ROLES,
    "plan": Permission.VIEW_STATUS,
    "outcome": Permission.EDIT_PLAN,
    "action": Permission.EDIT_PLAN,
    "family-plan": Permission.MANAGE_MEMBERS,
    "schedule": Permission.SCHEDULE_MEETINGS,
    "away": Permission.SET_AWAY,
    "back": Permission.SET_AWAY,
    "summary": Permission.PREPARE_SUMMARY,
    "decision": Permission.RECORD_DECISION,
    "agenda": Permission.RECORD_AGENDA,
}

# Buttons and menus, by action id. Marking an action done is also open to its owner (see
# handlers.actions), which the access module checks against the action itself.
ACTION_RULES: dict[ActionId, Permission] = {
    ActionId.EDIT_OUTCOME: Permission.EDIT_PLAN,
    ActionId.EDIT_ACTION: Permission.EDIT_PLAN,
    ActionId.COMPLETE_ACTION: Permission.COMPLETE_OWN_ACTION,
    ActionId.RSVP_ATTENDING: Permission.REPLY_TO_INVITATION,
    ActionId.RSVP_REPRESENTATIVE: Permission.REPLY_TO_INVITATION,
    ActionId.RSVP_APOLOGIES: Permission.REPLY_TO_INVITATION,
    ActionId.RECORD_ATTENDANCE: Permission.RECORD_ATTENDANCE,
    # Giving an update is also checked against the update itself (its member, their cover, or
    # the social worker with a family member): see bot.services.access.check_give_update.
    ActionId.GIVE_UPDATE: Permission.GIVE_UPDATE,
    ActionId.RELEASE_SUMMARY: Permission.RELEASE_SUMMARY,
    ActionId.ARCHIVE_CHANNEL: Permission.ARCHIVE_CASE,
}

# Modal submissions about an existing case, by callback id.
VIEW_RULES: dict[ViewId, Permission] = {
    ViewId.OUTCOME: Permission.EDIT_PLAN,
    ViewId.ACTION: Permission.EDIT_PLAN,
    ViewId.SCHEDULE: Permission.SCHEDULE_MEETINGS,
    ViewId.REPRESENTATIVE: Permission.REPLY_TO_INVITATION,
    ViewId.ATTENDANCE: Permission.RECORD_ATTENDANCE,
    ViewId.UPDATE: Permission.GIVE_UPDATE,
    ViewId.DECISION: Permission.RECORD_DECISION,
    ViewId.AGENDA: Permission.RECORD_AGENDA,
}
# Modals that touch no existing case (opening one; guests are turned away when it opens).
CASELESS_VIEWS = frozenset({ViewId.NEW_CASE})


@dataclass(frozen=True)
class Admitted:
    """The person may go ahead on this case."""

    case: Case


@dataclass(frozen=True)
class Refused:
    """The person may not; `message` says why, kindly."""

    message: str


def admit_in_channel(
    deps: Dependencies, *, channel_id: str, user_id: str, permission: Permission
) -> Admitted | Refused:
    """Find the channel's case and ask the access module whether the person may do this."""
    with deps.unit_of_work() as session:
        return admit_in_channel_within(
            session, channel_id=channel_id, user_id=user_id, permission=permission
        )


def admit_in_channel_within(
    session: Session, *, channel_id: str, user_id: str, permission: Permission
) -> Admitted | Refused:
    """The same question inside the listener's own unit of work (which then reads its answer)."""
    case = case_by_channel(session, channel_id)
    if case is None:
        return Refused(NOT_A_CASE_CHANNEL)
    decision = check(session, case=case, user_id=user_id, permission=permission)
    return Admitted(case) if decision.allowed else Refused(decision.reason)


def admit_to_case(
    deps: Dependencies, *, case_id: int | None, user_id: str, permission: Permission
) -> Admitted | Refused:
    """Ask the access module about a case named in a button's value or a modal's metadata."""
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id) if case_id is not None else None
        if case is None:
            return Refused(NOT_A_MEMBER)
        decision = check(session, case=case, user_id=user_id, permission=permission)
    return Admitted(case) if decision.allowed else Refused(decision.reason)
