"""The area's managers: granted and taken away by an area admin (audited), they see the
measures across cases and never a case's content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.vocabulary import AreaRole
from bot.services import audit
from storage.models import Area, AreaStaff


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


def grant(session: Session, *, team: str, user_id: str, actor: str, now: datetime) -> str:
    """Make someone a manager of the area; what was done, in a sentence."""
    area = find_area(session, team)
    if _staff(session, area, user_id) is not None:
        return f"{user_id} already manages {area.name}."
    session.add(AreaStaff(area_id=area.id or 0, slack_user_id=user_id, role=AreaRole.MANAGER))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MANAGER_GRANTED,
        at=now,
        area_id=area.id,
        user_id=user_id,
    )
    return f"{user_id} now manages {area.name}: they see its measures, never a case's content."


def remove(session: Session, *, team: str, user_id: str, actor: str, now: datetime) -> str:
    """Take the manager role away; what was done, in a sentence."""
    area = find_area(session, team)
    staff = _staff(session, area, user_id)
    if staff is None or staff.role != AreaRole.MANAGER:
        return f"{user_id} does not manage {area.name}."
    session.delete(staff)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.MANAGER_REMOVED,
        at=now,
        area_id=area.id,
        user_id=user_id,
    )
    return f"{user_id} no longer manages {area.name}."


def list_managers(session: Session, *, team: str) -> list[str]:
    """The Slack user ids of the area's managers."""
    area = find_area(session, team)
    rows = session.exec(
        select(AreaStaff.slack_user_id).where(
            col(AreaStaff.area_id) == area.id, col(AreaStaff.role) == AreaRole.MANAGER
        )
    )
    return sorted(rows)
