"""The emulator's Socket Mode, spoken to by hand: apps.connections.open, hello, envelopes, acks."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from bot.devtools.emulator import EmulatorUsageError, SlackEmulator
from bot.devtools.emulator.socket_mode import Ack


def open_url(emu: SlackEmulator, token: str) -> str:
    client = WebClient(token=token, base_url=emu.api_url, retry_handlers=[])
    return str(client.apps_connections_open(app_token=token)["url"])


def receive(link: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(link.recv(timeout=5))
    return message


def refused(emu: SlackEmulator, **call: Any) -> str:
    client = WebClient(base_url=emu.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as error:
        client.api_call("apps.connections.open", **call)
    return str(error.value.response["error"])


def test_connections_open_takes_an_app_level_token_in_the_header_only(
    emu: SlackEmulator,
) -> None:
    token = emu.add_app_token()
    assert token.startswith("xapp-")
    assert open_url(emu, token).startswith(f"ws://127.0.0.1:{emu.socket_mode.port}/link/?ticket=")
    assert refused(emu) == "missing_args"
    # Passed as a POST parameter rather than in the header, the token is not taken.
    form = urllib.request.Request(
        f"{emu.api_url}apps.connections.open", data=urlencode({"token": token}).encode()
    )
    with urllib.request.urlopen(form) as answer:
        assert json.load(answer)["error"] == "missing_args"
    assert refused(emu, headers={"Authorization": f"Bearer {emu.bot_token}"}) == "invalid_auth"
    no_scope = emu.socket_mode.add_app_token(frozenset({"authorizations:read"}))
    assert refused(emu, headers={"Authorization": f"Bearer {no_scope}"}) == "missing_scope"


def test_a_link_says_hello_and_its_url_opens_once(emu: SlackEmulator) -> None:
    url = open_url(emu, emu.add_app_token())
    with connect(url) as link:
        hello = receive(link)
        assert hello["type"] == "hello"
        assert hello["num_connections"] == 1
        assert hello["connection_info"]["app_id"]
        emu.socket_mode.wait_connected(1)
        with connect(url) as again, pytest.raises(ConnectionClosed):
            again.recv(timeout=5)


def test_an_envelope_is_acked_with_its_payload_and_an_unacked_event_redelivered(
    emu: SlackEmulator,
) -> None:
    results: list[Ack] = []
    with connect(open_url(emu, emu.add_app_token())) as link:
        receive(link)
        command = threading.Thread(
            target=lambda: results.append(
                emu.socket_mode.deliver(
                    "slash_commands", {"command": "/coregroup"}, accepts_response_payload=True
                )
            )
        )
        command.start()
        envelope = receive(link)
        assert envelope["type"] == "slash_commands"
        assert envelope["accepts_response_payload"] is True
        assert envelope["payload"] == {"command": "/coregroup"}
        link.send(json.dumps({"envelope_id": envelope["envelope_id"], "payload": {"text": "hi"}}))
        command.join(5)
        assert results == [Ack(acked=True, payload={"text": "hi"})]

        event = threading.Thread(
            target=lambda: results.append(
                emu.socket_mode.deliver(
                    "events_api", {"event_id": "Ev1"}, accepts_response_payload=False
                )
            )
        )
        event.start()
        first = receive(link)
        assert (first["retry_attempt"], first["retry_reason"]) == (0, "")
        second = receive(link)  # no ack within 3 seconds: Slack tries again
        assert second["retry_attempt"] == 1
        assert second["payload"] == first["payload"]
        link.send(json.dumps({"envelope_id": second["envelope_id"]}))
        event.join(5)
        assert results[-1] == Ack(acked=True, payload=None)


def test_disconnect_names_its_reason(emu: SlackEmulator) -> None:
    with connect(open_url(emu, emu.add_app_token())) as link:
        receive(link)
        emu.socket_mode.wait_connected(1)
        emu.socket_mode.disconnect("warning", close=False)
        assert receive(link)["reason"] == "warning"
        assert emu.socket_mode.connected == 0  # a link told to go gets no new envelopes
        with pytest.raises(EmulatorUsageError):
            emu.socket_mode.disconnect("going_away")
