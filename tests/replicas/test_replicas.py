"""Several replicas on one PostgreSQL database, in simulated time: every message exactly once.

These start real `coregroup serve` processes (see conftest.py), so they are the slowest tests
in the suite: the clock moves only as fast as the replicas finish what each moment makes due.
Each runs twice: a short run by default (fewer cases and days, the same kinds of fault) and its
full length (weeks of simulated time, a six-week cycle) under the `full_length` marker, which
`.ci/run` runs as a second pytest call.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.rules.vocabulary import OutboxState
from storage.models import AgencyUpdate
from tests.replicas.conftest import SIGNING_SECRET, World, WorldFactory

# Real processes in simulated time: minutes, not milliseconds (the suite's limit is 5 a test).
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]

# Mid-March 2027: the cycle crosses Good Friday and Easter Monday (no chases on either) and the
# clocks going forward on 28 March (messages still go at 09:00 London time).
START = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)
LEASE = timedelta(minutes=6)  # longer than a dispatcher's claim lasts (five minutes)


@dataclass(frozen=True)
class Length:
    """How much simulated work one run does."""

    cases: int
    days: int
    icpc_spread: int  # the initial conferences fell over this many days before the start
    events: int = 0  # kills or restarts at random moments, where the test has them
    # Kill only while the day's messages go (12:00), so that with few messages some kill still
    # lands between a send and its record.
    while_sending: bool = False


def lengths(short: Length, full: Length) -> Any:
    """The short run (by default) and the full-length one (`-m full_length`)."""
    return pytest.mark.parametrize(
        "length",
        [
            pytest.param(short, id="short"),
            pytest.param(full, id="full", marks=pytest.mark.full_length),
        ],
    )


# Initial conferences over the four days before the start: 18 days hold each case's whole update
# cycle up to its first core group (prompt, reminder, due, overdue, escalation), Easter and the
# clock change included.
UPDATE_CYCLE = 18
# The six-weekly core group and its run-up, for cases opened over two weeks.
SIX_WEEKS = Length(cases=200, days=49, icpc_spread=14)


def assert_sent_exactly_once(world: World, *, cases: int, full_cycle: bool = True) -> Counter[str]:
    """Everything due went out once: the outbox and Slack agree, key by key."""
    rows = world.outbox()
    now = world.clock.now()
    stuck = [
        (r.key, r.state, r.last_error)
        for r in rows
        if r.state in (OutboxState.CLAIMED, OutboxState.FAILED)
        or (r.state == OutboxState.PENDING and r.due_at <= now)
    ]
    assert stuck == [], stuck[:10]
    delivered = world.delivered_keys()
    twice = {key: count for key, count in delivered.items() if count > 1}
    assert twice == {}, f"{len(twice)} message(s) sent more than once, e.g. {list(twice)[:5]}"
    sent = {r.key for r in rows if r.state == OutboxState.SENT}
    assert set(delivered) == sent
    kinds = Counter(r.kind for r in rows if r.state == OutboxState.SENT)
    if full_cycle:
        # Four members of every case owe an update before each core group: all were
        # prompted, and nobody answered, so all were chased.
        assert kinds["prompt"] >= 4 * cases
        assert kinds["chase"] >= 4 * cases
    assert kinds["prompt"] > 0
    return kinds


def run_cycle(
    world: World, days: int, on_each_step: Callable[[datetime], None] | None = None
) -> None:
    for moment in world.days(START.date(), days):
        world.clock.set(moment)
        if on_each_step is not None:
            on_each_step(moment)
        world.wait_until_quiet()


@lengths(Length(cases=30, days=UPDATE_CYCLE, icpc_spread=4), SIX_WEEKS)
def test_two_replicas_send_a_whole_cycle_exactly_once(
    world_factory: WorldFactory, length: Length
) -> None:
    world = world_factory(length.cases, START, icpc_spread=length.icpc_spread)
    world.add_replica()
    world.add_replica()

    run_cycle(world, length.days)

    kinds = assert_sent_exactly_once(world, cases=length.cases)
    claimed_by = {r.claimed_by for r in world.outbox() if r.state == OutboxState.SENT}
    assert len(claimed_by) == 2, claimed_by  # both replicas sent their share
    assert sum(kinds.values()) > 10 * length.cases


@lengths(
    Length(cases=20, days=UPDATE_CYCLE, icpc_spread=4, events=4, while_sending=True),
    Length(cases=60, days=49, icpc_spread=14, events=10),
)
def test_replicas_killed_at_random_moments_lose_nothing_and_repeat_nothing(
    world_factory: WorldFactory, length: Length
) -> None:
    world = world_factory(length.cases, START, icpc_spread=length.icpc_spread)
    first, second = world.add_replica(), world.add_replica()
    chance = random.Random(8)
    # Moments on working days, when there is planning or sending to interrupt.
    busy = [
        m
        for m in world.days(START.date(), length.days)
        if m.weekday() < 5 and (m.hour == 12 or not length.while_sending)
    ]
    kill_at = set(chance.sample(busy, length.events))

    def maybe_kill(moment: datetime) -> None:
        if moment in kill_at:
            victim = None
            if length.while_sending:
                # Into the morning's sending, whatever the machine's load: the replica seen
                # holding claims on messages it is sending.
                victim = world.holding_claims()
            if victim is None:
                time.sleep(chance.uniform(0.0, 0.4))  # into whatever it is doing: planning, sending
                victim = chance.choice([first, second])
            world.kill(victim)
            world.start(first if not first.running else second)
            # Real minutes pass before anyone notices: the dead replica's claims lapse.
            world.clock.set(moment + LEASE)

    run_cycle(world, length.days, on_each_step=maybe_kill)

    assert first.starts + second.starts == 2 + length.events  # one restart for each kill
    assert_sent_exactly_once(world, cases=length.cases)
    # Some kills came while a replica held claims on messages it was sending: those claims
    # lapsed, and the replica that took them over looked in the conversation's history (had the
    # message reached Slack?) before sending again.
    assert world.emulator.calls_to("conversations.history")


def restart_postgresql() -> None:
    """Restart the local server as an operator would; every connection to it is cut."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    for _ in range(100):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0:
            return
        time.sleep(0.1)
    raise AssertionError("PostgreSQL did not come back")


# Full length only: a restart cuts every connection to the server, so it must not run beside
# the parallel workers of the default run (`.ci/run` runs the full-length tests one at a time).
@pytest.mark.full_length
@pytest.mark.skipif(
    shutil.which("pg_ctlcluster") is None
    or os.geteuid() != 0
    or not os.path.isdir("/etc/postgresql"),
    reason="restarting PostgreSQL needs its cluster tools and the rights to use them",
)
def test_replicas_carry_on_when_postgresql_restarts_mid_run(world_factory: WorldFactory) -> None:
    world = world_factory(40, START)
    world.add_replica()
    world.add_replica()
    busy = [m for m in world.days(START.date(), 14) if m.weekday() < 5 and m.hour == 12]
    restart_at = {busy[1], busy[5]}

    def maybe_restart(moment: datetime) -> None:
        if moment in restart_at:
            time.sleep(0.2)  # into the morning's sending
            restart_postgresql()
            world.clock.set(moment + LEASE)  # a claim cut off mid-send lapses and is checked

    for moment in world.days(START.date(), 14):
        world.clock.set(moment)
        maybe_restart(moment)
        world.wait_until_quiet()

    assert all(replica.running for replica in world.replicas)  # nobody died of it
    assert_sent_exactly_once(world, cases=40, full_cycle=False)


FAULTS = ["http_429", "http_500", "http_503", "slow", "drop", "drop_after", "http_500_after"]


@lengths(
    Length(cases=10, days=9, icpc_spread=4),
    Length(cases=100, days=UPDATE_CYCLE, icpc_spread=4),
)
def test_a_whole_cycle_through_slack_failing_one_call_in_five_loses_and_repeats_nothing(
    world_factory: WorldFactory, length: Length
) -> None:
    # Every kind of fault in both runs; the short one holds fewer cases and days.
    world = world_factory(length.cases, START, icpc_spread=length.icpc_spread)
    # A failed call is retried after 10 ms, not Slack's second or so: the emulator's failures
    # are over at once, and the run is about what is sent, not how long a retry waits.
    world.settings["SLACK_FIRST_RETRY_WAIT"] = "0.01"
    replicas = [world.add_replica(), world.add_replica()]
    world.emulator.faults.configure(rate=0.2, kinds=FAULTS, seed=20, slow_ms=150)
    chance = random.Random(20)  # who answers, and through which replica: the same every run
    given: list[str] = []
    for moment in world.days(START.date(), length.days):
        world.clock.set(moment)
        world.settle()
        if moment.hour != 12 or moment.weekday() >= 5:
            continue
        # Some people answer their prompt the day it comes, through either replica.
        for user in sorted(prompted_today(world, moment)):
            if chance.random() < 0.5:
                replica = chance.choice(replicas)
                world.emulator.connect_app(f"{replica.url}/slack/events", SIGNING_SECRET)
                world.give_update(user, f"Update from {user}")
                given.append(user)
        world.settle()
    world.emulator.faults.off()

    assert any(call.fault for call in world.emulator.calls)  # the faults did happen
    assert {call.fault for call in world.emulator.calls if call.fault} == set(FAULTS)
    assert_sent_exactly_once(world, cases=length.cases, full_cycle=False)
    assert len(given) > length.cases / 2
    with Session(world.engine) as session:
        stored = session.exec(select(AgencyUpdate)).all()
    assert sorted(u.going_well or "" for u in stored) == sorted(f"Update from {u}" for u in given)
    # Once a report is in, nobody is chased for it.
    answered = {u.request_id: u.submitted_at for u in stored}
    late_chases = [
        r.key
        for r in world.outbox()
        if r.kind == "chase"
        and r.state == OutboxState.SENT
        and (request := r.payload["render"]["request"]) in answered
        and r.sent_at is not None
        and r.sent_at > answered[request]
    ]
    assert late_chases == []


def prompted_today(world: World, moment: datetime) -> set[str]:
    """The people whose prompt went out today."""
    return {
        r.recipient
        for r in world.outbox()
        if r.kind == "prompt" and r.state == OutboxState.SENT and r.due_at.date() == moment.date()
    }
