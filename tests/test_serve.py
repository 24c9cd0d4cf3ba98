"""`coregroup serve` as an operator starts it: checks first, quiet at INFO, an honest /healthz."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlmodel import Session

from bot.clock import ManualClock, SystemClock
from bot.deps import Dependencies
from bot.devtools.emulator import SlackEmulator
from bot.rules.vocabulary import JobState
from bot.rules.work import Work, WorkKind
from bot.services import jobs
from bot.settings import Settings
from storage.db import UnitOfWork, make_engine
from tests.conftest import free_port

BOT_TOKEN = "xoxb-serve-test"


@pytest.fixture
def slack() -> Iterator[SlackEmulator]:
    emulator = SlackEmulator(clock=ManualClock(), bot_token=BOT_TOKEN).start()
    try:
        yield emulator
    finally:
        emulator.stop()


def environment(tmp_path: Path, slack: SlackEmulator, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return {
        **base,
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "serve-test-secret",
        "SLACK_API_URL": slack.api_url,
        "DISPATCH_EVERY_SECONDS": "0.1",
        **extra,
    }


def coregroup(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def health(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_checks_first_names_who_it_is_stays_quiet_and_healthz_checks_the_database(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    env = environment(tmp_path, slack)
    assert coregroup("init", env=env).returncode == 0
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                assert health(port) == (200, "ok")
                break
            except urllib.error.URLError:
                time.sleep(0.05)
        time.sleep(1.5)  # fifteen scheduler ticks, with nothing to do
        lines = log.read_text().splitlines()
        assert any(
            "Slack: authenticated as @" in line and "in the workspace Core Group Emulator" in line
            for line in lines
        ), lines
        assert any(f"listening on http://127.0.0.1:{port}/slack/events" in line for line in lines)
        assert not any("apscheduler" in line or "will be unused" in line for line in lines), lines
        assert len(lines) <= 4, lines  # database, Slack, listening, and a planning pass at most

        # The database loses its revision table (as if replaced by an empty one): /healthz says so.
        with sqlite3.connect(tmp_path / "db.sqlite3") as broken:
            broken.execute("DROP TABLE alembic_version")
        status, words = health(port)
        assert status == 503
        assert words == "database: no such table: alembic_version"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_with_a_token_slack_refuses_is_one_line_and_starts_nothing(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    env = environment(tmp_path, slack, SLACK_BOT_TOKEN="xoxb-not-this-one")
    assert coregroup("init", env=env).returncode == 0
    result = coregroup("serve", "--port", str(free_port()), env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "coregroup: Slack refused SLACK_BOT_TOKEN (auth.test: invalid_auth)."
    assert not any("apscheduler" in line or "listening" in line for line in lines), lines
    assert slack.calls_to("chat.postMessage") == []


def test_serve_without_a_database_says_to_run_init_and_creates_nothing(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    result = coregroup("serve", env=environment(tmp_path, slack))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("`coregroup init` creates it.")
    assert list(tmp_path.iterdir()) == []


def test_serve_listens_on_the_loopback_unless_told() -> None:
    from bot.cli import build_parser

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"


def test_a_worker_process_does_the_jobs_a_serving_process_left(
    tmp_path: Path, slack: SlackEmulator
) -> None:
    env = environment(tmp_path, slack)
    assert coregroup("db", "upgrade", env=env).returncode == 0
    received: list[bytes] = []

    class ResponseUrl(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    sink = ThreadingHTTPServer(("127.0.0.1", 0), ResponseUrl)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{sink.server_address[1]}/actions"
    # What a serving process with `--no-worker` leaves: a committed job, nobody running it.
    engine = make_engine(env["DATABASE_URL"])
    settings = Settings(slack_bot_token=BOT_TOKEN, database_url=env["DATABASE_URL"])
    deps = Dependencies(settings, UnitOfWork(engine), SystemClock(), WebClient())
    thanks = Work(WorkKind.RESPOND, {"url": url, "message": {"text": "Thanks"}}, key="t1")
    assert jobs.enqueue(deps, [thanks]) == 1
    try:
        result = coregroup("worker", "--once", env=env)
    finally:
        sink.shutdown()
        sink.server_close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran 1 job(s)"
    assert [json.loads(body) for body in received] == [{"text": "Thanks"}]
    with Session(engine) as session:
        [job] = jobs.jobs_of(session)
    assert job.state == JobState.DONE
    engine.dispose()
