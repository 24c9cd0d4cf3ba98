"""The daily statistics refresh keeps SQLite's planner on the right index for planning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert

from bot.vocabulary import OutboxState
from storage.db import refresh_statistics
from storage.models import OutboxMessage

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
# How planning cancels rows it saw pending (a dispatcher may have claimed one since).
CANCEL = "UPDATE outbox SET state = 'cancelled' WHERE id IN (5, 9, 12) AND state = 'pending'"


def test_after_the_refresh_cancelling_rows_goes_by_id_not_through_every_pending_row(
    engine: Engine,
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    with engine.begin() as connection:  # a real outbox: most rows pending, for many cases
        connection.execute(insert(OutboxMessage), [
            {"key": f"x:{n}", "kind": "chase", "recipient": "U1",
             "due_at": NOW + timedelta(minutes=n), "state": OutboxState.PENDING.value,
             "attempts": 0, "payload": {}, "created_at": NOW}
            for n in range(3000)
        ])  # fmt: skip

    def plan() -> str:
        with engine.connect() as connection:
            return str(connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {CANCEL}").all())

    assert "ix_outbox_state_due" in plan()  # SQLite's guess, with no statistics
    refresh_statistics(engine)
    assert "INTEGER PRIMARY KEY" in plan(), plan()
