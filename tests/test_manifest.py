"""app_manifest.yml against Slack's manifest schema and against what the code actually calls."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.rules.ids import Command, Event
from tests.slack_reference import REFERENCE, reference_json, require_reference

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
# The same app for Socket Mode: an outbound WebSocket, so no request URLs.
SOCKET_MANIFEST = yaml.safe_load((ROOT / "app_manifest.socket.yml").read_text())
SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])

# slack_sdk's helper that wraps Slack's three-step upload.
COMPOSITE = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}
# Any attribute shaped like a WebClient method (chat_postMessage, views_open, ...).
CALL = re.compile(r"\.([a-z]+_[A-Za-z0-9_]+)\b")


def reference(name: str) -> dict:  # type: ignore[type-arg]
    return reference_json(f"methods/{name}.json")  # type: ignore[no-any-return]


def methods_the_code_calls() -> set[str]:
    """Every Web API method called through a WebClient in the bot's own code (not the emulator)."""
    found: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        if "emulator" in path.parts:
            continue
        for name in CALL.findall(path.read_text()):
            found.update(COMPOSITE.get(name, (name.replace("_", ".", 1),)))
    # Attributes such as client.base_url are not methods: keep what Slack publishes as one.
    # Read at collection too, so no skip here: without the data the list is empty, and the tests
    # that use it skip (or fail, when the data is required) through reference().
    return {m for m in found if (REFERENCE / "methods" / f"{m}.json").exists()}


@pytest.mark.parametrize("manifest", [MANIFEST, SOCKET_MANIFEST], ids=["http", "socket_mode"])
def test_the_manifest_is_valid_against_slacks_schema(manifest: dict) -> None:  # type: ignore[type-arg]
    schema = reference_json("manifest-schema/manifest.schema.1.0.0.json")
    jsonschema.validate(manifest, schema)


def _request_urls(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [str(v) for k, v in value.items() if k in ("url", "request_url")]
        return found + [u for v in value.values() for u in _request_urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _request_urls(v)]
    return []


def test_the_socket_mode_manifest_is_the_same_app_with_socket_mode_on_and_no_request_urls() -> None:
    assert SOCKET_MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is False
    assert _request_urls(SOCKET_MANIFEST) == []
    assert _request_urls(MANIFEST)  # the HTTP app needs them

    def without_transport(value: object) -> object:
        if isinstance(value, dict):
            return {
                k: without_transport(v)
                for k, v in value.items()
                if k not in ("url", "request_url", "socket_mode_enabled")
            }
        if isinstance(value, list):
            return [without_transport(v) for v in value]
        return value

    assert without_transport(SOCKET_MANIFEST) == without_transport(MANIFEST)


def test_the_code_calls_slack_and_the_scan_sees_it() -> None:
    require_reference()
    assert {"conversations.create", "chat.postMessage", "views.open"} <= methods_the_code_calls()


@pytest.mark.parametrize("method", sorted(methods_the_code_calls()))
def test_every_method_the_code_calls_is_covered_by_a_bot_scope(method: str) -> None:
    needed = set(reference(method)["scope"].get("bot") or [])
    assert not needed or needed & SCOPES, f"{method} needs one of {sorted(needed)}"


def test_no_scope_is_asked_for_that_nothing_uses() -> None:
    used = {"commands"} if MANIFEST["features"].get("slash_commands") else set()
    for method in methods_the_code_calls():
        used |= set(reference(method)["scope"].get("bot") or []) & SCOPES
    events = reference_json("events.json")
    scopes_by_event = {e["name"]: set(e.get("scopes") or []) for e in events}
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        used |= scopes_by_event[event] & SCOPES
    assert SCOPES - used == set()


def test_every_command_the_code_registers_is_declared_and_nothing_else() -> None:
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == {c.value for c in Command}


def test_every_event_the_code_listens_to_is_subscribed_and_nothing_else() -> None:
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == {
        e.value for e in Event
    }


def test_interactivity_is_on_because_the_bot_uses_buttons_and_modals() -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
