"""Who may do what on which case: the one place every command, action and view asks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import bindparam, select
from sqlmodel import Session, col

# Declared among the rules (sub-commands name the one they need); every caller asks here.
from bot.rules.i18n import N_, _
from bot.rules.permissions import Permission as Permission
from bot.rules.vocabulary import AreaRole, MeetingKind, Role
from storage.models import AreaStaff, Case, Member
from storage.queries import plain

_EVERY_MEMBER = frozenset(Role)
_PROFESSIONALS = frozenset({Role.PROFESSIONAL, Role.SOCIAL_WORKER, Role.CHAIR})
_CASE_HOLDERS = frozenset({Role.SOCIAL_WORKER, Role.CHAIR})

# Roles allowed each permission within a case. The chair alone moves conferences and records their
# decision (DOMAIN.md, Conferences); professional-only content never reaches family or advocates.
CASE_RULES: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_STATUS: _EVERY_MEMBER,
    Permission.VIEW_HISTORY: _CASE_HOLDERS,
    Permission.MANAGE_MEMBERS: frozenset({Role.SOCIAL_WORKER}),
    Permission.CHANGE_ROLES: frozenset({Role.SOCIAL_WORKER}),
    Permission.EDIT_PLAN: frozenset({Role.SOCIAL_WORKER}),
    Permission.COMPLETE_OWN_ACTION: _EVERY_MEMBER,
    Permission.SCHEDULE_MEETINGS: _CASE_HOLDERS,
    Permission.SCHEDULE_CORE_GROUP: frozenset({Role.SOCIAL_WORKER}),
    Permission.MOVE_CONFERENCE: frozenset({Role.CHAIR}),
    Permission.RECORD_DECISION: frozenset({Role.CHAIR}),
    Permission.RECORD_ATTENDANCE: _CASE_HOLDERS,
    Permission.REPLY_TO_INVITATION: _EVERY_MEMBER,
    Permission.GIVE_UPDATE: _EVERY_MEMBER,
    Permission.UPDATE_WITH_FAMILY: frozenset({Role.SOCIAL_WORKER}),
    Permission.SET_AWAY: _PROFESSIONALS,
    Permission.PREPARE_SUMMARY: _CASE_HOLDERS,
    Permission.RELEASE_SUMMARY: frozenset({Role.CHAIR}),
    Permission.ARCHIVE_CASE: _CASE_HOLDERS,
    Permission.VIEW_PROFESSIONAL_ONLY: _PROFESSIONALS,
    Permission.EXPORT_CASE: _CASE_HOLDERS,
    # Opening a whole update (from a new-harm alert): those who receive updates, not give them.
    Permission.READ_UPDATES: _CASE_HOLDERS,
    # The social worker fills in the agenda with the family when preparing them (seed 001).
    Permission.RECORD_AGENDA: frozenset({Role.SOCIAL_WORKER}),
}

# Managers see timeliness and attendance across an area, not case detail (DOMAIN.md, People).
MANAGER_RULES: frozenset[Permission] = frozenset()


@dataclass(frozen=True)
class Decision:
    """The answer to "may this person do this?", with a kind explanation when it is no."""

    allowed: bool
    reason: str = ""


def decide(roles: Iterable[Role], permission: Permission, *, is_manager: bool = False) -> Decision:
    """Decide from a person's active roles in one case (empty if they are not in it)."""
    roles = frozenset(roles)
    if roles & CASE_RULES[permission]:
        return Decision(True)
    if is_manager and permission in MANAGER_RULES:
        return Decision(True)
    if not roles:
        return Decision(False, _(NOT_A_MEMBER))
    return Decision(False, refusal(permission))


NOT_A_MEMBER = N_(
    "Sorry, you're not part of this case's core group, so I can't show or change anything in it. "
    "If you think you should be, please ask the case's social worker."
)
NOT_A_CASE_CHANNEL = N_(
    "This isn't a core group channel, so there's no case here for me to work on. "
    "Use `/coregroup` inside a case's channel, or `/coregroup new` to open a case."
)
OPENING_NEEDS_FULL_MEMBER = N_(
    "Sorry, only members of the organisation's workspace can open a case; guests can't. "
    "The family's social worker can open it and add you."
)

_WHO: dict[Permission, str] = {
    Permission.VIEW_HISTORY: N_("the social worker and the chair"),
    Permission.RECORD_ATTENDANCE: N_("the social worker and the chair"),
    Permission.EXPORT_CASE: N_("the social worker and the chair"),
    Permission.READ_UPDATES: N_("the social worker and the chair"),
    Permission.PREPARE_SUMMARY: N_("the social worker and the chair"),
    Permission.ARCHIVE_CASE: N_("the social worker and the chair"),
    Permission.MOVE_CONFERENCE: N_("the conference chair"),
    Permission.RECORD_DECISION: N_("the conference chair"),
    Permission.RELEASE_SUMMARY: N_("the conference chair"),
    Permission.SET_AWAY: N_("professionals"),
    Permission.VIEW_PROFESSIONAL_ONLY: N_("professionals"),
}


def refusal(permission: Permission) -> str:
    """A polite explanation of who can do this instead."""
    who = _(_WHO[permission]) if permission in _WHO else _("the case's social worker")
    return _("Sorry, only {who} can do that in this case. Ask them if it needs doing.").format(
        who=who
    )


# Built once and run as plain statements: every command and click asks these inside Slack's
# request, where building a statement, or going through the ORM, costs more than running it.
_ROLES = select(col(Member.role)).where(
    col(Member.case_id) == bindparam("case_id"),
    col(Member.slack_user_id) == bindparam("user_id"),
    col(Member.active),
)
_MANAGER = select(col(AreaStaff.id)).where(
    col(AreaStaff.area_id) == bindparam("area_id"),
    col(AreaStaff.slack_user_id) == bindparam("user_id"),
    col(AreaStaff.role) == AreaRole.MANAGER,
)


def case_roles(session: Session, *, case_id: int, user_id: str) -> frozenset[Role]:
    """The roles a Slack user actively holds in one case (empty for outsiders)."""
    rows = plain(session, _ROLES, {"case_id": case_id, "user_id": user_id}).scalars()
    return frozenset(Role(role) for role in rows)


def is_manager(session: Session, *, area_id: int, user_id: str) -> bool:
    """Whether the user manages the area (sees measures, not case detail)."""
    row = plain(session, _MANAGER, {"area_id": area_id, "user_id": user_id}).first()
    return row is not None


class CaseRef(Protocol):
    """What the rules need to know of a case: a `Case`, or the same three facts read plainly."""

    @property
    def id(self) -> int | None: ...

    @property
    def area_id(self) -> int: ...

    @property
    def family_may_edit_plan(self) -> bool: ...


def check(session: Session, *, case: CaseRef, user_id: str, permission: Permission) -> Decision:
    """The one question every command, action and view asks before touching a case."""
    assert case.id is not None
    roles = case_roles(session, case_id=case.id, user_id=user_id)
    if permission is Permission.EDIT_PLAN and case.family_may_edit_plan and Role.FAMILY in roles:
        # The social worker has invited the family to write the plan with them (DOMAIN.md).
        return Decision(True)
    manager = not roles and is_manager(session, area_id=case.area_id, user_id=user_id)
    return decide(roles, permission, is_manager=manager)


ONLY_OWNER_COMPLETES = N_(
    "Sorry, only the person this action belongs to, or the social worker, can mark it done."
)


def check_complete_action(
    session: Session, *, case: Case, user_id: str, owner_user_id: str | None
) -> Decision:
    """Marking an action done: its owner may, and so may whoever may edit the plan."""
    member = check(session, case=case, user_id=user_id, permission=Permission.COMPLETE_OWN_ACTION)
    if not member.allowed:
        return member
    if owner_user_id == user_id:
        return Decision(True)
    if check(session, case=case, user_id=user_id, permission=Permission.EDIT_PLAN).allowed:
        return Decision(True)
    return Decision(False, _(ONLY_OWNER_COMPLETES))


def schedule_permission(kind: MeetingKind) -> Permission:
    """Only the chair moves a conference; the social worker sets core group meetings."""
    return (
        Permission.SCHEDULE_CORE_GROUP
        if kind == MeetingKind.CORE_GROUP
        else (Permission.MOVE_CONFERENCE)
    )


NOT_YOUR_UPDATE = N_(
    "Sorry, this update belongs to someone else in the core group, so I can't open it for you."
)


def check_give_update(
    session: Session, *, case: Case, user_id: str, member: Member, away_cover: bool
) -> Decision:
    """An update is given by its member, by their cover while they are away, or for a family
    member by the social worker filling it in with them."""
    in_case = check(session, case=case, user_id=user_id, permission=Permission.GIVE_UPDATE)
    if not in_case.allowed:
        return in_case
    if member.slack_user_id == user_id and member.active:
        return Decision(True)
    if away_cover:
        return Decision(True)
    with_family = check(
        session, case=case, user_id=user_id, permission=Permission.UPDATE_WITH_FAMILY
    )
    if member.role == Role.FAMILY and with_family.allowed:
        return Decision(True)
    return Decision(False, _(NOT_YOUR_UPDATE))
