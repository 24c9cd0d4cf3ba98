"""The planner stays on the right index for planning, with or without fresh statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, text

from bot.rules.vocabulary import OutboxState
from bot.services.outbox import cancelling
from storage.db import refresh_statistics
from storage.models import OutboxMessage

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def fill_outbox(engine: Engine, rows: int) -> None:
    """A real outbox: most rows pending."""
    with engine.begin() as connection:
        connection.execute(
            insert(OutboxMessage),
            [
                {
                    "key": f"x:{n}",
                    "kind": "chase",
                    "recipient": "U1",
                    "due_at": NOW + timedelta(minutes=n),
                    "state": OutboxState.PENDING.value,
                    "attempts": 0,
                    "payload": {},
                    "created_at": NOW,
                }
                for n in range(rows)
            ],
        )


def plan_of_cancelling(engine: Engine, ids: list[int]) -> str:
    statement = cancelling(ids).compile(engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
    with engine.connect() as connection:
        return str(connection.exec_driver_sql(f"{explain} {statement}").all())


def test_cancelling_rows_goes_by_id_not_through_every_pending_row(engine: Engine) -> None:
    fill_outbox(engine, 3000)
    ids = list(range(1, 3000, 6))  # as many as planning cancels in one statement

    # Without statistics both databases guess that few rows are pending; the statement must
    # not let them walk the (state, due_at) index over all of them.
    assert "ix_outbox_state_due" not in plan_of_cancelling(engine, ids)
    refresh_statistics(engine)
    assert "ix_outbox_state_due" not in plan_of_cancelling(engine, ids)
    if engine.dialect.name == "sqlite":
        assert "INTEGER PRIMARY KEY" in plan_of_cancelling(engine, ids)


def test_the_refresh_gives_the_planner_statistics_on_both_databases(engine: Engine) -> None:
    fill_outbox(engine, 300)

    refresh_statistics(engine)

    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            found = connection.execute(
                text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'outbox'")
            )
        else:
            found = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_user_tables "
                    "WHERE relname = 'outbox' AND last_analyze IS NOT NULL"
                )
            )
        assert found.scalar_one() > 0


def test_a_pass_that_fills_the_outbox_refreshes_its_statistics_as_it_goes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.world import build_cases
    from bot.clock import ManualClock
    from bot.deps import Dependencies
    from bot.services import planning
    from bot.settings import Settings
    from bot.slack.client import make_web_client
    from storage.db import UnitOfWork

    monkeypatch.setattr(planning, "ANALYSE_AFTER", 100)  # instead of 20,000 rows
    analysed: list[tuple[str, ...]] = []

    def recorded(engine: Engine, *tables: str) -> None:
        analysed.append(tables)
        refresh_statistics(engine, *tables)

    monkeypatch.setattr(planning, "refresh_statistics", recorded)
    build_cases(engine, 12, first_icpc=date(2027, 1, 4), spread_days=3)
    clock = ManualClock(datetime(2027, 1, 11, 5, 0, tzinfo=UTC))
    client = make_web_client("xoxb-unused", "http://127.0.0.1:9/")
    deps = Dependencies(Settings(), UnitOfWork(engine), clock, client)

    report = planning.planning_pass(deps)

    assert report.inserted > 100
    assert analysed and set(analysed) == {("outbox",)}
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'outbox'"
        else:
            query = (
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'outbox' AND last_analyze IS NOT NULL"
            )
        assert connection.execute(text(query)).scalar_one() > 0
