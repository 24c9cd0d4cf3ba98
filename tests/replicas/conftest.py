"""Real `coregroup serve` processes sharing the local PostgreSQL, in simulated time.

Each replica is the command an operator runs, started as a process with its environment: the
database, the emulator's URL, a signing secret, and `CLOCK_FILE`, the simulated instant every
replica (and the emulator) reads. The test moves that instant on and waits until the replicas
have done everything due by it, then checks what Slack received against the outbox.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import Engine, func, or_
from sqlmodel import Session, col, select

from bench.world import build_cases, fresh_engine, seed_workspace
from bot.clock import FileClock
from bot.delivery.dispatcher import EVENT_TYPE
from bot.devtools.emulator import SlackEmulator
from bot.jobs import DAILY
from bot.rules.ids import ActionId, UpdateField, ViewId
from bot.rules.vocabulary import CaseStatus, JobState, OutboxState
from storage.db import make_engine
from storage.models import Case, Job, JobRun, OutboxMessage
from tests.conftest import free_port

BOT_TOKEN = "xoxb-replica-test"
SIGNING_SECRET = "replica-test-secret"
TICK_SECONDS = 0.1  # how often each replica's scheduler looks at the simulated clock
QUIET_TIMEOUT = 90.0  # seconds of real time for the replicas to finish one simulated step


@dataclass
class Replica:
    """One `coregroup serve` process."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class World:
    """The emulator, the shared database and clock, and the replicas."""

    database_url: str
    engine: Engine
    clock: FileClock
    emulator: SlackEmulator
    folder: Path
    replicas: list[Replica] = field(default_factory=list)
    # More settings for every replica (EXPORT_DIR, say), as an operator would add them.
    settings: dict[str, str] = field(default_factory=dict)

    # --- processes --------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        inherited = {
            k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE"))
        }
        return {
            **inherited,
            "DATABASE_URL": self.database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.emulator.api_url,
            "CLOCK_FILE": str(self.clock.path),
            "DISPATCH_EVERY_SECONDS": str(TICK_SECONDS),
            **self.settings,
        }

    def add_replica(self) -> Replica:
        name = f"replica-{len(self.replicas) + 1}"
        replica = Replica(name, free_port(), self.folder / f"{name}.log")
        self.replicas.append(replica)
        self.start(replica)
        return replica

    def start(self, replica: Replica) -> None:
        """Start (or restart) a replica and wait until it answers its health check."""
        with replica.log.open("ab") as log:
            replica.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(replica.port),
                    "--log-level",
                    "WARNING",
                ],
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        replica.starts += 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not replica.running:
                raise AssertionError(f"{replica.name} exited:\n{replica.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{replica.url}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"{replica.name} did not start:\n{replica.log.read_text()[-3000:]}")

    def kill(self, replica: Replica) -> None:
        """SIGKILL: no shutdown, no cleanup, whatever it was doing."""
        assert replica.process is not None
        replica.process.send_signal(signal.SIGKILL)
        replica.process.wait(timeout=10)

    def holding_claims(self, timeout: float = 10.0) -> Replica | None:
        """The first replica seen holding claims on messages it is sending (a kill now leaves
        them to lapse, with a send that may have reached Slack), or None if nothing is due to
        be sent or none does in time."""
        host = socket.gethostname()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with Session(self.engine) as session:
                if not self._messages_due(session, self.clock.now()):
                    return None  # nothing to send
                holders = set(
                    session.exec(
                        select(OutboxMessage.claimed_by).where(
                            OutboxMessage.state == OutboxState.CLAIMED
                        )
                    ).all()
                )
            for replica in self.replicas:
                pid = replica.process.pid if replica.process is not None else None
                if replica.running and f"{host}:{pid}" in holders:
                    return replica
            time.sleep(0.005)
        return None

    def stop_all(self) -> None:
        for replica in self.replicas:
            if replica.running:
                assert replica.process is not None
                replica.process.terminate()
                try:
                    replica.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    replica.process.kill()

    def logs(self) -> str:
        return "\n".join(f"--- {r.name}\n{r.log.read_text()[-4000:]}" for r in self.replicas)

    # --- simulated time ---------------------------------------------------------------------

    @staticmethod
    def _messages_due(session: Session, now: datetime) -> int:
        """Outbox rows due by `now` and not sent, or being sent."""
        return session.exec(
            select(func.count()).where(
                or_(
                    col(OutboxMessage.state) == OutboxState.CLAIMED,
                    (col(OutboxMessage.state) == OutboxState.PENDING)
                    & (col(OutboxMessage.due_at) <= now),
                )
            )
        ).one()

    def backlog(self) -> tuple[int, int, bool]:
        """(messages due or in flight and work after an answer waiting or under way, open cases
        due a re-plan, whether today's daily run is recorded) as of the simulated now."""
        now = self.clock.now()
        with Session(self.engine) as session:
            outstanding = self._messages_due(session, now)
            # A job a killed process held counts until the next one has done it: its Slack calls
            # may pause (a PDF being made) for longer than any quiet spell a test waits for.
            jobs = session.exec(
                select(func.count()).where(
                    or_(
                        col(Job.state) == JobState.RUNNING,
                        (col(Job.state) == JobState.PENDING) & (col(Job.due_at) <= now),
                    )
                )
            ).one()
            unplanned = session.exec(
                select(func.count()).where(
                    Case.status == CaseStatus.OPEN, col(Case.next_replan_at) <= now
                )
            ).one()
            planned_today = session.get(JobRun, (DAILY, now.date())) is not None
        return outstanding + jobs, unplanned, planned_today

    def wait_until_quiet(self, timeout: float = QUIET_TIMEOUT) -> None:
        """Until everything due by the simulated now has been planned and sent, and the work
        after each answer done."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                outstanding, unplanned, planned = self.backlog()
                if outstanding == 0 and unplanned == 0 and planned:
                    return
            except Exception:
                outstanding, unplanned, planned = -1, -1, False
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"at {self.clock.now()}: {outstanding} message(s) or job(s) due or in flight, "
                    f"{unplanned} case(s) unplanned, planned today: {planned}\n{self.logs()}"
                )
            time.sleep(0.05)

    def wait_for_slack_quiet(self, quiet: float, timeout: float = 60.0) -> None:
        """Until no Slack call has come for `quiet` seconds of real time."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.emulator.calls), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise AssertionError(f"Slack calls did not stop within {timeout:.0f} s")
            time.sleep(0.05)
            if len(self.emulator.calls) != seen:
                seen, since = len(self.emulator.calls), time.monotonic()

    def settle(self, within: timedelta = timedelta(hours=3)) -> None:
        """Wait until quiet, letting time pass while messages back off after Slack errors (as
        real minutes would), until nothing is waiting to be retried within `within`."""
        horizon = self.clock.now() + within
        while True:
            self.wait_until_quiet()
            with Session(self.engine) as session:
                retry = session.exec(
                    select(func.min(OutboxMessage.due_at)).where(
                        OutboxMessage.state == OutboxState.PENDING,
                        col(OutboxMessage.attempts) > 0,
                        col(OutboxMessage.due_at) <= horizon,
                    )
                ).one()
            if retry is None:
                return
            self.clock.set(retry)

    def give_update(self, user: str, words: str) -> None:
        """The person opens the form from their latest prompt or chase and sends it, opening
        it again if Slack lost the first try, as a person would."""
        emulator = self.emulator
        asks = [
            s
            for s in emulator.inspector.seen_by(user)
            if s.channel.startswith("D") and ActionId.GIVE_UPDATE in str(s.blocks)
        ]
        assert asks, f"{user} was never asked for an update"
        form = None
        for _ in range(10):
            emulator.click(user, asks[-1].channel, asks[-1].ts, ActionId.GIVE_UPDATE)
            form = self._open_form(user)
            if form is not None:
                break
        assert form is not None, f"the update form never opened for {user}"
        values = {
            (field, field): text
            for field, text in (
                (UpdateField.GOING_WELL, words),
                (UpdateField.WORRIES, "Mornings are hard"),
                (UpdateField.NEW_HARM, "no"),
                (UpdateField.NEXT_STEPS, "Keep meeting at the gate"),
            )
            if field in {b.get("block_id") for b in form["blocks"]}
        }
        # Slack keeps the form open when the app answers too late, and the person presses Send
        # again, as they would (a version they sent twice is one update, changed once).
        for _ in range(3):
            answer = emulator.submit_view(user, form["id"], values)
            if not answer.timed_out:
                break
        assert answer.status == 200, answer

    def _open_form(self, user: str) -> dict[str, Any] | None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            stack = self.emulator.inspector.modal_stack(user)
            if stack and stack[-1]["callback_id"] == ViewId.UPDATE:
                return stack[-1]
            time.sleep(0.05)
        return None

    def days(self, first: date, count: int) -> Iterator[datetime]:
        """Each simulated day's two moments: after the daily planning, then after the day's
        messages are due (they go at the area's time of day, 09:00 in London)."""
        for offset in range(count):
            day = first + timedelta(days=offset)
            for moment in (clock_time(6, 0), clock_time(12, 0)):
                yield datetime.combine(day, moment, tzinfo=UTC)

    # --- what Slack received ----------------------------------------------------------------

    def delivered_keys(self) -> Counter[str]:
        """How many times each outbox key reached Slack (from the messages' metadata)."""
        keys: Counter[str] = Counter()
        for message in self.emulator.inspector.all_messages():
            metadata = message.metadata or {}
            if metadata.get("event_type") == EVENT_TYPE:
                keys[str(metadata["event_payload"]["key"])] += 1
        return keys

    def outbox(self) -> list[OutboxMessage]:
        with Session(self.engine) as session:
            return list(session.exec(select(OutboxMessage)).all())


def build_world(
    database_url: str, folder: Path, cases: int, start: datetime, first_icpc: date, spread: int
) -> World:
    """Cases opened (in bulk, as opening them leaves the database and the workspace) with
    their initial conferences spread over `spread` days from `first_icpc`."""
    clock = FileClock(folder / "clock")
    clock.set(start)
    emulator = SlackEmulator(clock=clock, bot_token=BOT_TOKEN)
    # The emulator's limits refill on its clock, which here stands still between steps, so
    # they would never refill; Slack's limits are the fault test's and the fan-out bench's.
    emulator.rate_limits_enabled = False
    people = seed_workspace(emulator, cases)
    engine = make_engine(database_url)
    build_cases(engine, cases, first_icpc=first_icpc, spread_days=spread, people=people)
    return World(database_url, engine, clock, emulator, folder)


class WorldFactory(Protocol):
    def __call__(self, cases: int, start: datetime, *, icpc_spread: int = 14) -> World: ...


@pytest.fixture
def world_factory(postgres_database: str, tmp_path: Path) -> Iterator[WorldFactory]:
    """Builds a world on an emptied PostgreSQL database; stops its replicas afterwards."""
    built: list[World] = []

    def factory(cases: int, start: datetime, *, icpc_spread: int = 14) -> World:
        """Cases whose initial conferences fell over the `icpc_spread` days up to `start`."""
        fresh_engine(postgres_database).dispose()  # every table emptied, migrations applied
        first_icpc = start.date() - timedelta(days=icpc_spread)
        world = build_world(postgres_database, tmp_path, cases, start, first_icpc, icpc_spread)
        world.emulator.start()
        built.append(world)
        return world

    yield factory
    for world in built:
        world.stop_all()
        world.emulator.stop()
        world.engine.dispose()
