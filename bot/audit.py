"""The audit trail: every change to a case records who, what, when, in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEvent

SYSTEM = "system"


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    at: datetime,
    case_id: int | None = None,
    area_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        actor=actor, action=action, at=at, case_id=case_id, area_id=area_id, detail=detail
    )
    session.add(event)
    return event


def recent(session: Session, *, case_id: int, limit: int = 20) -> list[AuditEvent]:
    """The case's newest audit events, newest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))
