"""The dispatcher's tests: simulated time from one start, and the production Slack client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.clock import ManualClock
from bot.devtools.emulator import SlackEmulator
from bot.slack.client import make_web_client

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    # The production client, retry handlers and all: the dispatcher must stay exact with them,
    # and their own 429 retries must not get in.
    return make_web_client(emu.bot_token, emu.api_url)
