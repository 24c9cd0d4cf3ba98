"""Benchmark: the planning pass and a planning-and-dispatch sweep over many open cases.

    .venv/bin/python bench/planning.py --cases 1000 10000 50000 [--only sqlite|postgres]

Prints, per database and size: building the cases (bulk, not measured against targets), the
first planning of every case (once in a deployment's life), the daily pass on an ordinary
morning (the cases whose next meeting day has just passed), a pass when nothing is due, and the
dispatch of the messages due that morning (each written as it is sent) to the Slack emulator,
which runs in a process of its own as Slack would, with the bot's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, col, func, select

from bench.world import (
    add_database_options,
    build_cases,
    chosen_databases,
    emulator_process,
    fresh_engine,
)
from bot.clock import ManualClock
from bot.deps import Dependencies
from bot.jobs import dispatch_due, make_dispatcher
from bot.rules.vocabulary import OutboxState
from bot.services.planning import planning_pass
from bot.settings import Settings
from bot.slack.client import make_web_client
from storage.db import UnitOfWork, refresh_statistics
from storage.models import OutboxMessage

FIRST_PLAN = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Monday, before anything is sent
MORNING = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # the next morning's sweep


def timed(label: str, work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    print(f"  {label:<44} {time.perf_counter() - start:8.3f} s   {result}")
    return result


def run(url: str, cases: int) -> None:
    print(f"{url.split(':')[0]} with {cases} cases ({cases * 6} members)")
    engine = fresh_engine(url)
    clock = ManualClock(FIRST_PLAN)
    # Slack's limits are bench/fanout.py's subject; here the bot's own cost is measured.
    with emulator_process(cases, bot_token="xoxb-bench", rate_limits=False) as (api_url, people):
        started = time.perf_counter()
        build_cases(engine, cases, first_icpc=date(2026, 8, 3), spread_days=100, people=people)
        print(f"  {'build cases (bulk insert)':<44} {time.perf_counter() - started:8.3f} s")
        people.clear()  # the bot's process keeps no copy of the workspace
        client = make_web_client("xoxb-bench", api_url)
        deps = Dependencies(Settings(), UnitOfWork(engine), clock, client)
        timed("first planning of every case (once)", lambda: planning_pass(deps))
        with engine.begin() as connection:  # everything due before the morning went out
            connection.execute(
                OutboxMessage.__table__.update()  # type: ignore[attr-defined]
                .where(OutboxMessage.due_at < FIRST_PLAN)
                .values(state=OutboxState.SENT.value)
            )
        refresh_statistics(engine)  # as the daily job does before its pass
        clock.set(MORNING)
        with Session(engine) as session:
            due = session.exec(
                select(func.count()).where(
                    OutboxMessage.state == OutboxState.PENDING,
                    col(OutboxMessage.due_at) <= MORNING,
                )
            ).one()
        print(f"  messages due this morning: {due}")
        timed("daily planning pass (this morning)", lambda: planning_pass(deps))
        timed("planning pass when nothing changed", lambda: planning_pass(deps))
        timed("dispatch of the messages due", lambda: dispatch_due(make_dispatcher(deps)))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak resident memory of the bot's process so far: {peak_mb:.0f} MB")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1000, 10000])
    add_database_options(parser, "/tmp/coregroup-bench.sqlite3")
    args = parser.parse_args()
    for url in chosen_databases(args):
        for cases in args.cases:
            run(url, cases)


if __name__ == "__main__":
    main()
