"""The audit trail's one deletion path, on SQLite and PostgreSQL: a case's events may go only while
that closed case is being purged and Slack is cleared; every other UPDATE or DELETE is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from bot.rules.vocabulary import CaseStatus
from storage.db import UnitOfWork
from storage.models import AuditEvent, Case, CasePurge

from .test_storage import make_case

AT = datetime(2027, 3, 1, 5, 0, tzinfo=UTC)


def case_with_events(engine: Engine, *, status: CaseStatus) -> int:
    with UnitOfWork(engine)() as session:
        case = make_case(session)
        case.status = status
        session.add(case)
        session.add(AuditEvent(case_id=case.id, actor="U1", action="case.opened", at=AT))
        session.add(AuditEvent(actor="system", action="case.purged", at=AT, detail={"ref": "x"}))
        assert case.id is not None
        return case.id


def refused(engine: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))


def purge_under_way(engine: Engine, case_id: int, *, slack_cleared: bool) -> None:
    with UnitOfWork(engine)() as session:
        session.add(
            CasePurge(
                case_id=case_id,
                started_at=AT,
                requested_by="system",
                reason="test",
                slack_done_at=AT if slack_cleared else None,
            )
        )


def test_without_a_purge_every_update_and_delete_is_refused(engine: Engine) -> None:
    case_with_events(engine, status=CaseStatus.ENDED)
    refused(engine, "UPDATE audit_events SET action = 'x'")
    refused(engine, "DELETE FROM audit_events")
    refused(engine, "DELETE FROM audit_events WHERE case_id IS NOT NULL")


def test_a_purge_not_past_slack_or_of_an_open_case_opens_no_path(engine: Engine) -> None:
    case_id = case_with_events(engine, status=CaseStatus.ENDED)
    purge_under_way(engine, case_id, slack_cleared=False)
    refused(engine, f"DELETE FROM audit_events WHERE case_id = {case_id}")
    with UnitOfWork(engine)() as session:
        session.get_one(CasePurge, case_id).slack_done_at = AT
        case = session.get_one(Case, case_id)
        case.status = CaseStatus.OPEN
        session.add(case)
    refused(engine, f"DELETE FROM audit_events WHERE case_id = {case_id}")


def test_the_purge_path_deletes_only_that_cases_events_and_never_updates(engine: Engine) -> None:
    case_id = case_with_events(engine, status=CaseStatus.ENDED)
    purge_under_way(engine, case_id, slack_cleared=True)
    refused(engine, "UPDATE audit_events SET action = 'x'")
    refused(engine, "DELETE FROM audit_events")  # the tombstone-like event has no case: refused
    with engine.begin() as connection:
        gone = connection.execute(text(f"DELETE FROM audit_events WHERE case_id = {case_id}"))
    assert gone.rowcount == 1
    with Session(engine) as session:
        left = session.exec(select(AuditEvent)).all()
    assert [e.action for e in left] == ["case.purged"]
