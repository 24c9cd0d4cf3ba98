"""Benchmark: thousands of update prompts due at once, sent through Slack's rate limits.

    .venv/bin/python bench/fanout.py [--prompts 5000] [--only sqlite|postgres] [--postgres URL]

Cases are built and planned as the planning benchmark does; the outbox is then left holding
exactly `--prompts` update prompts (DMs, one a person, each written when it is sent), all due
now, and the dispatcher drains it in real time against the Slack emulator, which runs in a
process of its own with its rate limits on: chat.postMessage one a second a channel and, across
the workspace, the figure printed (Slack's is unpublished: "several hundred messages per
minute"). Passes run as the scheduler runs them: one a minute, never two at once.

Prints, per database: the messages, the time to drain the outbox, the least time the limits
allow ((messages - burst) / rate) and the ratio of the two, then what the emulator saw: messages
lost (rows not sent, or keys not in Slack), duplicates, 429s answered, and any key refused with
a 429 that was never posted after.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from bench.world import (
    MEMBERS,
    EmulatorProcess,
    add_database_options,
    build_cases,
    chosen_databases,
    fresh_engine,
)
from bot.clock import ManualClock, SystemClock
from bot.delivery.dispatcher import DispatchReport
from bot.deps import Dependencies
from bot.devtools.emulator import WORKSPACE_POST_LIMIT, PostLimit
from bot.jobs import dispatch_due, make_dispatcher
from bot.rules.messages import MessageKind
from bot.rules.schedule import OWES_UPDATE
from bot.rules.vocabulary import OutboxState
from bot.services.planning import planning_pass
from bot.settings import Settings
from bot.slack.client import make_web_client
from storage.db import UnitOfWork
from storage.models import OutboxMessage

ICPC = date(2026, 11, 2)  # every case's initial conference, so their prompts fall due together
PLANNED_AT = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
SCHEDULER_TICK = 60.0  # seconds between the dispatch job's runs
TARGET = 1.10  # within 10% of the least time the limits allow


def prepare(engine: Engine, prompts: int, api_url: str) -> list[str]:
    """Plan every case, then leave in the outbox only the first `prompts` prompts of the
    earliest prompt instant, due now; return their keys."""
    client = make_web_client("xoxb-bench", api_url)
    planning_pass(Dependencies(Settings(), UnitOfWork(engine), ManualClock(PLANNED_AT), client))
    with Session(engine) as session:
        first = session.exec(
            select(func.min(OutboxMessage.due_at)).where(OutboxMessage.kind == MessageKind.PROMPT)
        ).one()
        chosen = session.exec(
            select(OutboxMessage.id, OutboxMessage.key)
            .where(OutboxMessage.kind == MessageKind.PROMPT, OutboxMessage.due_at == first)
            .order_by(col(OutboxMessage.id))
            .limit(prompts)
        ).all()
    if len(chosen) < prompts:
        raise SystemExit(f"planning gave {len(chosen)} prompts at {first}, not {prompts}")
    ids = [row_id for row_id, _ in chosen]
    now = SystemClock().now()
    with engine.begin() as connection:
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        pending = table.c.state == OutboxState.PENDING.value
        # Every other message waits for another day: this benchmark is about the fan-out alone.
        connection.execute(
            update(table)
            .where(pending, table.c.id.not_in(ids))
            .values(state=OutboxState.CANCELLED.value)
        )
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            connection.execute(update(table).where(table.c.id.in_(batch)).values(due_at=now))
    return [key for _, key in chosen]


def drain(deps: Dependencies, engine: Engine) -> tuple[float, int, DispatchReport]:
    """Run the dispatch job as the scheduler would until nothing is left to send: (seconds,
    passes, the passes' reports added up)."""
    dispatcher = make_dispatcher(deps, worker="fanout")
    started = time.perf_counter()
    passes = 0
    total = DispatchReport()
    while True:
        passes += 1
        report = dispatch_due(dispatcher)
        total = DispatchReport(
            **{name: getattr(total, name) + getattr(report, name) for name in vars(total)}
        )
        elapsed = time.perf_counter() - started
        if not waiting(engine):
            return elapsed, passes, total
        # The next run starts at the scheduler's first tick after this one ended.
        next_tick = math.ceil(elapsed / SCHEDULER_TICK + 1e-9) * SCHEDULER_TICK
        time.sleep(next_tick - elapsed)


def waiting(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count()).where(
                col(OutboxMessage.state).in_([OutboxState.PENDING, OutboxState.CLAIMED])
            )
        ).one()


def run(url: str, prompts: int, limit: PostLimit) -> bool:
    people_per_case = sum(1 for role, _ in MEMBERS if role in OWES_UPDATE)
    cases = math.ceil(prompts / people_per_case)
    print(
        f"{url.split(':')[0]}: {prompts} prompts due at once to {prompts} people "
        f"({cases} cases); workspace limit {limit.per_minute:g} posts/min, "
        f"burst {limit.burst}"
    )
    engine = fresh_engine(url)
    with EmulatorProcess(cases, rate_limits=True, post_limit=limit) as slack:
        build_cases(engine, cases, first_icpc=ICPC, spread_days=1, people=slack.people)
        keys = prepare(engine, prompts, slack.api_url)
        client = make_web_client("xoxb-bench", slack.api_url)
        deps = Dependencies(Settings(), UnitOfWork(engine), SystemClock(), client)
        seconds, passes, report = drain(deps, engine)
        seen = slack.deliveries()
    with Session(engine) as session:
        states = dict(
            session.exec(
                select(OutboxMessage.state, func.count()).group_by(col(OutboxMessage.state))
            ).all()
        )
    engine.dispose()
    least = limit.least_seconds(prompts)
    ratio = seconds / least if least else float("inf")
    not_sent = prompts - states.get(OutboxState.SENT, 0)
    missing = sum(1 for key in keys if seen.posts[key] == 0)
    duplicates = sum(count - 1 for count in seen.posts.values() if count > 1)
    unretried = sum(1 for key in seen.refused if seen.posts[key] == 0)
    refused = sum(seen.refused.values())
    print(f"  messages                          {prompts}")
    print(f"  time to drain                     {seconds:8.1f} s  ({passes} dispatch pass(es))")
    print(f"  least the limits allow            {least:8.1f} s  ((N - burst) / rate)")
    print(f"  ratio                             {ratio:8.3f}    (target <= {TARGET:.2f})")
    print(f"  lost: rows not sent               {not_sent}")
    print(f"  lost: keys not in Slack           {missing}")
    print(f"  duplicates                        {duplicates}")
    print(
        f"  429s answered (emulator)          {refused}   (dispatcher saw "
        f"{report.rate_limited}; chat.postMessage calls {seen.post_calls})"
    )
    print(f"  429s left unretried               {unretried}")
    print(f"  attempts failed / retried         {report.failed} / {report.retried}")
    ok = ratio <= TARGET and not (not_sent or missing or duplicates or unretried)
    print(f"  {'met' if ok else 'NOT MET'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=5000)
    add_database_options(parser, "/tmp/coregroup-fanout.sqlite3")
    parser.add_argument("--per-minute", type=float, default=WORKSPACE_POST_LIMIT.per_minute)
    parser.add_argument("--burst", type=int, default=WORKSPACE_POST_LIMIT.burst)
    args = parser.parse_args()
    limit = PostLimit(per_minute=args.per_minute, burst=args.burst)
    results = [run(url, args.prompts, limit) for url in chosen_databases(args)]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
