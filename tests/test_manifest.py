"""app_manifest.yml against Slack's manifest schema and against what the code actually calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.rules.ids import Command, Event

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "slack-reference"
MANIFEST = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])

# slack_sdk's helper that wraps Slack's three-step upload.
COMPOSITE = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}
# Any attribute shaped like a WebClient method (chat_postMessage, views_open, ...).
CALL = re.compile(r"\.([a-z]+_[A-Za-z0-9_]+)\b")


def reference(name: str) -> dict:  # type: ignore[type-arg]
    if not REFERENCE.exists():
        pytest.skip(f"Slack's reference data is not beside the project ({REFERENCE})")
    return json.loads((REFERENCE / "methods" / f"{name}.json").read_text())


def methods_the_code_calls() -> set[str]:
    """Every Web API method called through a WebClient in the bot's own code (not the emulator)."""
    found: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        if "emulator" in path.parts:
            continue
        for name in CALL.findall(path.read_text()):
            found.update(COMPOSITE.get(name, (name.replace("_", ".", 1),)))
    # Attributes such as client.base_url are not methods: keep what Slack publishes as one.
    return {m for m in found if (REFERENCE / "methods" / f"{m}.json").exists()}


def test_the_manifest_is_valid_against_slacks_schema() -> None:
    if not REFERENCE.exists():
        pytest.skip("Slack's reference data is not beside the project")
    schema = json.loads((REFERENCE / "manifest-schema" / "manifest.schema.1.0.0.json").read_text())
    jsonschema.validate(MANIFEST, schema)


def test_the_code_calls_slack_and_the_scan_sees_it() -> None:
    assert {"conversations.create", "chat.postMessage", "views.open"} <= methods_the_code_calls()


@pytest.mark.parametrize("method", sorted(methods_the_code_calls()))
def test_every_method_the_code_calls_is_covered_by_a_bot_scope(method: str) -> None:
    needed = set(reference(method)["scope"].get("bot") or [])
    assert not needed or needed & SCOPES, f"{method} needs one of {sorted(needed)}"


def test_no_scope_is_asked_for_that_nothing_uses() -> None:
    used = {"commands"} if MANIFEST["features"].get("slash_commands") else set()
    for method in methods_the_code_calls():
        used |= set(reference(method)["scope"].get("bot") or []) & SCOPES
    events = json.loads((REFERENCE / "events.json").read_text())
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
