"""The bot's Web API client: what it retries, and how long it waits before each retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import default_interval_calculator

from bot.cli import _dependencies
from bot.clock import SystemClock
from bot.devtools.emulator import Fault, SlackEmulator
from bot.devtools.sandbox import FIRST_RETRY_WAIT
from bot.settings import ConfigError, load_settings
from bot.slack.client import make_web_client
from storage.db import make_engine, upgrade


def test_against_slack_5xx_and_dropped_connections_wait_as_the_sdk_does() -> None:
    client = make_web_client("xoxb-unused", "https://slack.example/api")
    kinds = {type(h): h for h in client.retry_handlers}
    assert set(kinds) == {
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    }
    for kind in (ConnectionErrorRetryHandler, ServerErrorRetryHandler):
        assert kinds[kind].interval_calculator is default_interval_calculator
        assert kinds[kind].max_retry_count == 3
    assert client.base_url == "https://slack.example/api/"


def test_a_shorter_first_wait_doubles_and_is_lengthened_by_at_most_as_much_again() -> None:
    client = make_web_client("xoxb-unused", first_retry_wait=0.01)
    [server_errors] = [h for h in client.retry_handlers if isinstance(h, ServerErrorRetryHandler)]
    for attempt, least in enumerate((0.01, 0.02, 0.04)):
        for _ in range(50):
            wait = server_errors.interval_calculator.calculate_sleep_duration(attempt)
            assert least <= wait <= 2 * least


def test_the_sandboxs_client_gets_through_three_5xx_answers(emu: SlackEmulator) -> None:
    client = make_web_client(emu.bot_token, emu.api_url, first_retry_wait=FIRST_RETRY_WAIT)
    emu.faults.inject_next(Fault.HTTP_500, method="auth.test", count=3)
    assert client.auth_test()["ok"]
    assert [c.status for c in emu.calls_to("auth.test")] == [500, 500, 500, 200]


def test_serve_and_the_worker_wait_as_slack_first_retry_wait_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-unused")
    monkeypatch.setenv("SLACK_FIRST_RETRY_WAIT", "0.01")
    client = _dependencies(SystemClock()).client
    [server_errors] = [h for h in client.retry_handlers if isinstance(h, ServerErrorRetryHandler)]
    assert 0.01 <= server_errors.interval_calculator.calculate_sleep_duration(0) <= 0.02
    monkeypatch.setenv("SLACK_FIRST_RETRY_WAIT", "0")
    with pytest.raises(ConfigError, match="SLACK_FIRST_RETRY_WAIT is not valid"):
        load_settings()
