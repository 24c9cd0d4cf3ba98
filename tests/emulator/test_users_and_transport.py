"""People's profiles, and the HTTP contract: verbs, encodings, tokens and unknown methods."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.devtools.emulator import SlackEmulator


def raw_call(
    emu: SlackEmulator,
    method: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    query: str = "",
) -> tuple[int, dict[str, Any]]:
    url = f"{emu.api_url}{method}" + (f"?{query}" if query else "")
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_users_info_tz_offset_follows_the_emulator_clock(
    emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    amy = emu.add_user("amy", tz="Europe/London")
    clock.set(datetime(2026, 1, 5, 12, tzinfo=UTC))
    winter = client.users_info(user=amy)["user"]
    clock.set(datetime(2026, 7, 6, 12, tzinfo=UTC))
    summer = client.users_info(user=amy)["user"]
    assert (winter["tz_offset"], summer["tz_offset"]) == (0, 3600)
    assert summer["tz_label"] == "British Summer Time"


def test_users_info_flags_guests_bots_and_deactivated(
    emu: SlackEmulator, client: WebClient
) -> None:
    guest = emu.add_user("g", is_ultra_restricted=True)
    gone = emu.add_user("gone", deleted=True)
    assert client.users_info(user=guest)["user"]["is_ultra_restricted"] is True
    assert client.users_info(user=guest)["user"]["is_restricted"] is True
    assert client.users_info(user=gone)["user"]["deleted"] is True
    assert client.users_info(user=emu.bot_user_id)["user"]["is_bot"] is True
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user="U0NOBODY")
    assert refused.value.response["error"] == "user_not_found"


def test_lookup_by_email_needs_a_scope_the_manifest_does_not_grant(
    emu: SlackEmulator, client: WebClient
) -> None:
    emu.add_user("amy", email="amy@example.org")
    with pytest.raises(SlackApiError) as refused:
        client.users_lookupByEmail(email="amy@example.org")
    assert refused.value.response["error"] == "missing_scope"
    wide = WebClient(token=emu.add_token(["users:read", "users:read.email"]), base_url=emu.api_url)
    assert wide.users_lookupByEmail(email="AMY@example.org")["user"]["name"] == "amy"
    with pytest.raises(SlackApiError) as refused:
        wide.users_lookupByEmail(email="nobody@example.org")
    assert refused.value.response["error"] == "users_not_found"


def test_form_post_with_token_in_body(emu: SlackEmulator) -> None:
    status, body = raw_call(
        emu,
        "auth.test",
        data=f"token={emu.bot_token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, body["ok"], body["user_id"]) == (200, True, emu.bot_user_id)


def test_get_with_query_params_and_bearer_header(emu: SlackEmulator) -> None:
    status, body = raw_call(
        emu,
        "users.info",
        query=f"user={emu.bot_user_id}",
        headers={"Authorization": f"Bearer {emu.bot_token}"},
    )
    assert (status, body["user"]["id"]) == (200, emu.bot_user_id)


def test_token_in_query_string_is_not_accepted_for_new_apps(emu: SlackEmulator) -> None:
    assert raw_call(emu, "auth.test", query=f"token={emu.bot_token}")[1]["error"] == "not_authed"


def test_json_body_needs_bearer_header(emu: SlackEmulator) -> None:
    payload = json.dumps({"token": emu.bot_token}).encode()
    headers = {"Content-Type": "application/json"}
    assert raw_call(emu, "auth.test", data=payload, headers=headers)[1]["error"] == "not_authed"


def test_json_body_is_ignored_by_methods_without_json_support(emu: SlackEmulator) -> None:
    payload = json.dumps({"user": emu.bot_user_id}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {emu.bot_token}"}
    assert (
        raw_call(emu, "users.info", data=payload, headers=headers)[1]["error"]
        == "invalid_arguments"
    )


def test_bad_and_missing_tokens(emu: SlackEmulator) -> None:
    bad = WebClient(token="xoxb-wrong", base_url=emu.api_url)
    with pytest.raises(SlackApiError) as refused:
        bad.auth_test()
    assert refused.value.response["error"] == "invalid_auth"
    assert raw_call(emu, "auth.test", data=b"")[1]["error"] == "not_authed"


def test_unknown_method_is_404_unknown_method(emu: SlackEmulator) -> None:
    status, body = raw_call(
        emu, "chat.teleport", headers={"Authorization": f"Bearer {emu.bot_token}"}
    )
    assert (status, body) == (404, {"ok": False, "error": "unknown_method"})


def test_calls_are_logged_without_tokens(emu: SlackEmulator, client: WebClient) -> None:
    client.users_info(user=emu.bot_user_id)
    [call] = emu.calls_to("users.info")
    assert call.ok and call.args == {"user": emu.bot_user_id}
    assert "token" not in json.dumps([c.args for c in emu.calls])
