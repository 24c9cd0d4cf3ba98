"""The area's managers: granted and taken away by an area admin (audited), they see the
measures across cases and never a case's content."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import N_, gettext
from bot.rules.vocabulary import AreaRole
from bot.services import audit
from storage.models import Area, AreaStaff

if TYPE_CHECKING:
    from bot.deps import Dependencies

NOT_AN_ADMIN = N_(
    "Sorry, only an admin of this area can give or take away the manager role. "
    "Your administrator can make you one with `coregroup managers add --admin`."
)


# What a grant says, by role (a role's name inflects in Welsh, so each sentence is whole).
_ALREADY = {
    AreaRole.MANAGER: N_("{person} is already manager of {area}."),
    AreaRole.ADMIN: N_("{person} is already admin of {area}."),
}
_NOW = {
    AreaRole.MANAGER: N_("{person} is now manager of {area}: they see its measures, never a case."),
    AreaRole.ADMIN: N_("{person} is now admin of {area}: they see its measures, never a case."),
}


class ManagerError(Exception):
    """A change to the managers that cannot be made, said plainly."""


def find_area(session: Session, team: str) -> Area:
    """The area a workspace id or an area's name names."""
    found = session.exec(
        select(Area).where(or_(col(Area.slack_team_id) == team, col(Area.name) == team))
    ).all()
    if len(found) != 1:
        raise ManagerError(
            gettext("no single team {team}: give its workspace id or its name.").format(
                team=repr(team)
            )
        )
    return found[0]


def _staff(session: Session, area: Area, user_id: str) -> AreaStaff | None:
    return session.exec(
        select(AreaStaff).where(
            col(AreaStaff.area_id) == area.id, col(AreaStaff.slack_user_id) == user_id
        )
    ).first()


def grant(
    session: Session,
    *,
    team: str,
    user_id: str,
    actor: str,
    now: datetime,
    role: AreaRole = AreaRole.MANAGER,
) -> str:
    """Make someone a manager (or an admin) of the area; what was done, in a sentence."""
    area = find_area(session, team)
    staff = _staff(session, area, user_id)
    if staff is not None and staff.role == role:
        return gettext(_ALREADY[role]).format(person=user_id, area=area.name)
    if staff is None:
        staff = AreaStaff(area_id=area.id or 0, slack_user_id=user_id, role=role)
    staff.role = role
    session.add(staff)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MANAGER_GRANTED,
        at=now,
        area_id=area.id,
        user_id=user_id,
        role=role.value,
    )
    return gettext(_NOW[role]).format(person=user_id, area=area.name)


def remove(session: Session, *, team: str, user_id: str, actor: str, now: datetime) -> str:
    """Take the manager role away; what was done, in a sentence."""
    area = find_area(session, team)
    staff = _staff(session, area, user_id)
    if staff is None:
        return gettext("{person} has no role in {area}.").format(person=user_id, area=area.name)
    session.delete(staff)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MANAGER_REMOVED,
        at=now,
        area_id=area.id,
        user_id=user_id,
    )
    return gettext("{person} no longer has a role in {area}.").format(
        person=user_id, area=area.name
    )


NAME_LIMIT = 200  # the column's length


def rename_area(session: Session, *, team: str, name: str, actor: str, now: datetime) -> str:
    """Give the area the name people know it by (the measures show it for the team); what was
    done, in a sentence.

    A workspace's area is made on first use and named by its workspace id, as the bot asks Slack
    for nothing it has no scope for (the workspace's own name would need `team:read`, and is not
    always the service's name anyway)."""
    area = find_area(session, team)
    name = " ".join(name.split())
    if not name:
        raise ManagerError("give the area a name.")
    if len(name) > NAME_LIMIT:
        raise ManagerError(f"an area's name is at most {NAME_LIMIT} characters.")
    # Either names a team on the command line and in the measures: they must stay unambiguous.
    taken = session.exec(
        select(Area).where(
            or_(col(Area.name) == name, col(Area.slack_team_id) == name), col(Area.id) != area.id
        )
    ).first()
    if taken is not None:
        raise ManagerError(f"another area is already called {name!r}.")
    if area.name == name:
        return f"The area is already called {name}."
    before = area.name
    area.name = name
    session.add(area)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.AREA_RENAMED,
        at=now,
        area_id=area.id,
        before=before,
        name=name,
    )
    return f"{before} is now called {name}."


def list_managers(session: Session, *, team: str) -> list[str]:
    """The Slack user ids of the area's managers."""
    area = find_area(session, team)
    rows = session.exec(
        select(AreaStaff.slack_user_id).where(
            col(AreaStaff.area_id) == area.id, col(AreaStaff.role) == AreaRole.MANAGER
        )
    )
    return sorted(rows)


def is_admin(session: Session, *, area_id: int, user_id: str) -> bool:
    """Whether the user may give and take away the manager role in the area."""
    staff = session.exec(
        select(AreaStaff).where(
            col(AreaStaff.area_id) == area_id,
            col(AreaStaff.slack_user_id) == user_id,
            col(AreaStaff.role) == AreaRole.ADMIN,
        )
    ).first()
    return staff is not None


def change_in_slack(
    deps: Dependencies, *, team_id: str, actor: str, user_id: str, add: bool
) -> str:
    """`/coregroup managers add|remove @person`: an area admin alone may; what was done."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        area = session.exec(select(Area).where(col(Area.slack_team_id) == team_id)).first()
        if area is None or not is_admin(session, area_id=area.id or 0, user_id=actor):
            return gettext(NOT_AN_ADMIN)
        change = grant if add else remove
        said = change(session, team=team_id, user_id=user_id, actor=actor, now=now)
    return said.replace(user_id, f"<@{user_id}>", 1)
