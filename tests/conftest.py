"""Shared fixtures: real databases (a SQLite file and the local PostgreSQL server)."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bot.clock import ManualClock
from bot.devtools.emulator import SlackEmulator
from storage.db import make_engine, upgrade

if TYPE_CHECKING:
    from bot.devtools.demo import DemoResult
    from bot.devtools.emulator.inspector import SeenFile
    from bot.devtools.emulator.state import ViewEvent
    from bot.devtools.sandbox import Sandbox

POSTGRES_URL = os.environ.get(
    "COREGROUP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


PORTS_PER_WORKER = 2000
FIRST_PORT = 20000  # below Linux's ephemeral range (32768 up), so no client socket takes them


def worker_number() -> int:
    """Which pytest-xdist worker this is (gw0 is 0), or 0 when the suite runs in one process."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def free_port() -> int:
    """A loopback port nothing listens on, from this worker's own block: a port handed to a
    process that is killed and restarted on it cannot be taken meanwhile by another worker."""
    first = FIRST_PORT + (worker_number() % 6) * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = first + _next_port[0] % PORTS_PER_WORKER
        _next_port[0] += 1
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in {first}..{first + PORTS_PER_WORKER - 1}")


_next_port = [0]  # the next offset in this worker's block: each port is handed out once


def _postgres_unreachable_reason() -> str | None:
    try:
        engine = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip and say why
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}"
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throwaway PostgreSQL database, migrated once for the session and dropped after."""
    reason = _postgres_unreachable_reason()
    if reason:
        if os.environ.get("COREGROUP_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    # One database per session, so per pytest-xdist worker: workers never share rows.
    name = f"coregroup_test_{worker_number()}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_postgres(engine: Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        # TRUNCATE does not fire the audit trail's row triggers, so tests can start clean.
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, then the local PostgreSQL (the same tests)."""
    if request.param == "sqlite":
        path = tmp_path / "coregroup.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_database")
    engine = make_engine(url)
    _empty_postgres(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated, empty database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Simulated time; a test module may override it with its own start."""
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Iterator[SlackEmulator]:
    """A running Slack emulator on the test's clock."""
    emulator = SlackEmulator(clock=clock).start()
    try:
        yield emulator
        # Every error the emulator answered must be one Slack documents for that method.
        assert emulator.contract_violations == []
    finally:
        emulator.stop()


@dataclass(frozen=True)
class DemoRun:
    """One run of the demo (in English, over HTTP) in this process, with the emulator's own record
    of what each person was sent and shown."""

    result: DemoResult
    out: Path
    files: dict[str, list[SeenFile]]  # user id -> files shared where they were
    views: dict[str, list[ViewEvent]]  # user id -> every modal they were shown or sent


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo, run once and read by the tests of its transcript, its accessibility and its
    determinism (each run takes seconds: the modules that read it are dealt to one worker)."""
    from bot.devtools.demo import run_demo

    out = tmp_path_factory.mktemp("demo-run")
    files: dict[str, list[SeenFile]] = {}
    views: dict[str, list[ViewEvent]] = {}

    def observe(sandbox: Sandbox) -> None:  # before it closes
        inspector = sandbox.emulator.inspector
        for user in sandbox.emulator.workspace.users:
            files[user] = inspector.files_seen_by(user)
            views[user] = inspector.views_seen_by(user)

    result = run_demo(out, observe=observe)
    return DemoRun(result, out, files, views)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker per core and one more (at most six: the port blocks). A third of
    the suite's time is waiting (on the bot's own processes, a browser, a refresh settling),
    which a third worker fills: on the 2-core machine the suite took 248 s with three workers,
    280 s with two and 257 s with four."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min((cores or 1) + 1, 6)


# Tests that take tens of seconds each, with a rough cost (seconds of one worker, measured with
# `--durations` on the 2-core machine). In a parallel run they go first, dealt out so that each
# worker starts on its fair share of them: pytest-xdist's worksteal scheduler gives each worker a
# contiguous share of the collection and balances by stealing from the ends of shares, so a long
# test left at the end of a share would keep the whole run waiting on it alone. A module listed
# whole stays with one worker (its module-scoped fixtures are built once), and so do the modules
# of a tuple (they read one session-scoped fixture).
STARTED_FIRST: dict[str | tuple[str, ...], int] = {
    "tests/replicas/test_replicas.py::test_replicas_killed_at_random_moments": 95,
    "tests/replicas/test_replicas.py::test_a_whole_cycle_through_slack_failing": 75,
    "tests/replicas/test_after_answer_kills.py": 70,
    "tests/replicas/test_replicas.py::test_two_replicas_send_a_whole_cycle": 65,
    "tests/replicas/test_purge_kills.py": 55,
    # The modules that read one shared run of the demo (`demo_run`), together.
    (
        "tests/test_demo.py",
        "tests/test_accessibility.py",
        "tests/transcript/test_demo_transcript.py",
    ): 150,
    "tests/flows/test_no_path_to_the_family.py": 40,
    "tests/measures/test_cli_measures.py": 40,
    "tests/test_walkthrough.py": 20,
    "tests/sandbox_web/test_sandbox_browser.py": 17,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the long tests first in each worker's share (see STARTED_FIRST)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    groups: dict[str | tuple[str, ...], list[pytest.Item]] = {key: [] for key in STARTED_FIRST}
    rest: list[pytest.Item] = []
    for item in items:
        key = next((k for k in STARTED_FIRST if item.nodeid.startswith(k)), None)
        (groups[key] if key else rest).append(item)
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    load = [0] * workers
    # Longest first, each to the share with the least so far.
    for key in sorted(groups, key=lambda k: -STARTED_FIRST[k]):
        if groups[key]:
            lightest = load.index(min(load))
            shares[lightest] += groups[key]
            load[lightest] += STARTED_FIRST[key]
    # Then the quick tests, filling each share to the size the scheduler will hand it.
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for number, share in enumerate(shares):
        size = remaining // (workers - number)
        take = max(size - len(share), 0)
        share += rest[:take]
        del rest[:take]
        ordered += share
        remaining -= len(share)
    items[:] = ordered + rest
