"""The area's managers: granted and taken away by an area admin (audited), they see the
measures across cases and never a case's content."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.vocabulary import AreaRole
from bot.services import audit
from storage.models import Area, AreaStaff

if TYPE_CHECKING:
    from bot.deps import Dependencies

NOT_AN_ADMIN = (
    "Sorry, only an admin of this area can give or take away the manager role. "
    "Your administrator can make you one with `coregroup managers add --admin`."
)


class ManagerError(Exception):
    """A change to the managers that cannot be made, said plainly."""


def find_area(session: Session, team: str) -> Area:
    """The area a workspace id or an area's name names."""
    found = session.exec(
        select(Area).where(or_(col(Area.slack_team_id) == team, col(Area.name) == team))
    ).all()
    if len(found) != 1:
        raise ManagerError(f"no single team {team!r}: give its workspace id or its name.")
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
        return f"{user_id} is already {role.value} of {area.name}."
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
    return f"{user_id} is now {role.value} of {area.name}: they see its measures, never a case."


def remove(session: Session, *, team: str, user_id: str, actor: str, now: datetime) -> str:
    """Take the manager role away; what was done, in a sentence."""
    area = find_area(session, team)
    staff = _staff(session, area, user_id)
    if staff is None:
        return f"{user_id} has no role in {area.name}."
    session.delete(staff)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MANAGER_REMOVED,
        at=now,
        area_id=area.id,
        user_id=user_id,
    )
    return f"{user_id} no longer has a role in {area.name}."


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
            return NOT_AN_ADMIN
        change = grant if add else remove
        said = change(session, team=team_id, user_id=user_id, actor=actor, now=now)
    return said.replace(user_id, f"<@{user_id}>", 1)
