"""The audit trail: every change to a case records who, what, when, in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from storage.models import AuditEvent
from storage.queries import plain

SYSTEM = "system"


# A plain insert (`storage.queries.plain`): changes made inside Slack's request (a reply to an
# invitation) record their event there, and the ORM's unit of work costs more than the insert.
_RECORD = insert(AuditEvent)


def record(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    at: datetime,
    case_id: int | None = None,
    area_id: int | None = None,
    **detail: Any,
) -> None:
    """Write an audit event in the session's transaction (committed with the change it
    describes, or rolled back with it)."""
    event = {
        "actor": actor,
        "action": action.value,  # stored as its plain string, as old rows are
        "at": at,
        "case_id": case_id,
        "area_id": area_id,
        "detail": detail,
    }
    plain(session, _RECORD, event)


def recent(session: Session, *, case_id: int, limit: int = 20) -> list[AuditEvent]:
    """The case's newest audit events, newest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.case_id == case_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))
