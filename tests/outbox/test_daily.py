"""The daily job: its checks once a day however many replicas run it, registers weekly, and a
lock that replicas sharing PostgreSQL take in turn."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bench.world import build_cases, seed_workspace
from bot.clock import ManualClock
from bot.deps import Dependencies
from bot.devtools.emulator import SlackEmulator
from bot.jobs import DAILY, daily
from bot.settings import Settings
from bot.slack.client import make_web_client
from storage.db import UnitOfWork, exclusive
from storage.models import JobRun

MONDAY = datetime(2027, 3, 15, 5, 0, tzinfo=UTC)
CASES = 21


@pytest.fixture
def world(engine: Engine) -> Iterator[tuple[Dependencies, SlackEmulator, ManualClock]]:
    clock = ManualClock(MONDAY)
    emulator = SlackEmulator(clock=clock, bot_token="xoxb-daily")
    people = seed_workspace(emulator, CASES)
    build_cases(engine, CASES, first_icpc=date(2027, 3, 1), spread_days=7, people=people)
    with emulator:
        client = make_web_client("xoxb-daily", emulator.api_url)
        yield Dependencies(Settings(), UnitOfWork(engine), clock, client), emulator, clock


def checked(emulator: SlackEmulator) -> Counter[str]:
    """How often each channel's members were read."""
    return Counter(str(c.args["channel"]) for c in emulator.calls_to("conversations.members"))


def test_each_register_is_checked_once_a_week_a_seventh_of_the_cases_a_day(
    world: tuple[Dependencies, SlackEmulator, ManualClock],
) -> None:
    deps, emulator, clock = world
    per_day = []
    for _ in range(7):
        before = sum(checked(emulator).values())
        daily(deps)
        per_day.append(sum(checked(emulator).values()) - before)
        clock.advance(timedelta(days=1))

    assert per_day == [3] * 7
    assert len(checked(emulator)) == CASES and set(checked(emulator).values()) == {1}


def test_a_second_run_the_same_day_checks_nothing_again_and_finds_nothing_to_plan(
    world: tuple[Dependencies, SlackEmulator, ManualClock],
) -> None:
    deps, emulator, clock = world
    first = daily(deps)
    calls = len(emulator.calls)

    clock.advance(timedelta(minutes=1))  # another replica's tick, a minute later
    second = daily(deps)

    assert first.cases == CASES and first.inserted > 0
    assert (second.cases, second.inserted, second.cancelled) == (0, 0, 0)
    assert len(emulator.calls) == calls  # not one more Slack call
    with Session(deps.unit_of_work.engine) as session:
        runs = session.exec(select(JobRun)).all()
    assert [(r.job, r.day) for r in runs] == [(DAILY, MONDAY.date())]


def test_the_lock_is_taken_in_turn_across_connections(engine: Engine) -> None:
    inside: list[int] = []
    most = 0
    guard = threading.Lock()

    def hold(number: int) -> None:
        nonlocal most
        with exclusive(engine, "test-lock"):
            with guard:
                inside.append(number)
                most = max(most, len(inside))
            time.sleep(0.05)
            with guard:
                inside.remove(number)

    threads = [threading.Thread(target=hold, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert most == 1
