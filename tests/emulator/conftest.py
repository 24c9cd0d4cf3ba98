"""Fixtures for the Slack emulator's tests: an emulator on a manual clock, a real WebClient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.devtools.emulator import SlackEmulator
from tests.slack_reference import reference_json


@pytest.fixture
def reference_method() -> Callable[[str], dict[str, Any]]:
    """Slack's published description of a Web API method; skips when the reference is absent."""

    def load(name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = reference_json(f"methods/{name}.json")
        return loaded

    return load


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    # No retry handlers: tests of errors must see the first answer.
    return WebClient(token=emu.bot_token, base_url=emu.api_url, retry_handlers=[])


@pytest.fixture
def private_case(client: WebClient) -> str:
    """A private case channel created by the bot."""
    return str(client.conversations_create(name="case-0001", is_private=True)["channel"]["id"])


@pytest.fixture
def uploader(emu: SlackEmulator) -> WebClient:
    """A client whose token may upload files, whatever the app's manifest grants today."""
    token = emu.add_token([*emu.scopes, "files:write"])
    return WebClient(token=token, base_url=emu.api_url, retry_handlers=[])
