"""Fuzzing the front door: whatever Slack might send, never a 500 and never a half-made change.

Payloads are signed as Slack signs them and come from someone outside the case, so every one of
them must be refused or ignored: the database must be exactly as it was.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, ViewId

from .conftest import People, open_case

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300) | st.just(
    "x" * 50_000
)
IDS = st.one_of(st.integers(-5, 10_000).map(str), TEXT, st.none())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sandbox, People, str]]:
    """One case, opened for real, and an outsider who is in its channel but not its register."""
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    with Sandbox(f"sqlite:///{path}", clock=clock) as sandbox:
        emu = sandbox.emulator
        people = People(
            emu.add_user("Priya Shah"),
            emu.add_user("Tom Okafor"),
            emu.add_user("Ms Reed"),
            emu.add_user("Jan Kowalski"),
            emu.add_user("Sam", is_ultra_restricted=True),
            emu.add_user("Outsider"),
            "",
        )
        people.lobby = emu.create_channel_as_user(people.social_worker, "lobby")
        for user in (people.chair, people.school, people.health_visitor, people.outsider):
            emu.join_channel(user, people.lobby)
        channel = open_case(sandbox, people)
        emu.join_channel(people.outsider, channel, inviter=people.school)  # not registered
        yield sandbox, people, channel


def snapshot(sandbox: Sandbox) -> dict[str, int]:
    with Session(sandbox.engine) as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
            # A refusal is itself sent by a job (to the click's response URL): jobs are how the
            # bot answers after the acknowledgement, not a change to anyone's case.
            if table.name not in ("processed_events", "jobs")
        }


def send(sandbox: Sandbox, body: bytes, content_type: str) -> int:
    headers = {"Content-Type": content_type, **sandbox.emulator.sign(body, int(time.time()))}
    request = urllib.request.Request(sandbox.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def form(**fields: Any) -> bytes:
    return urllib.parse.urlencode({k: v for k, v in fields.items() if v is not None}).encode()


@FUZZ
@given(text=TEXT)
def test_any_command_text_from_an_outsider_is_answered_and_changes_nothing(
    world: tuple[Sandbox, People, str], text: str
) -> None:
    sandbox, people, channel = world
    before = snapshot(sandbox)
    body = form(
        command="/coregroup",
        text=text,
        user_id=people.outsider,
        channel_id=channel,
        team_id=sandbox.emulator.team_id,
        trigger_id="1.2.3",
        response_url=f"{sandbox.emulator.api_url}none",
    )
    assert send(sandbox, body, "application/x-www-form-urlencoded") == 200
    time.sleep(0.02)  # let any work after the acknowledgement land before comparing
    assert snapshot(sandbox) == before


@FUZZ
@given(action=st.sampled_from([a.value for a in ActionId]) | TEXT, value=IDS, extra=st.booleans())
def test_any_click_from_an_outsider_is_refused_without_a_crash(
    world: tuple[Sandbox, People, str], action: str, value: str | None, extra: bool
) -> None:
    sandbox, people, channel = world
    before = snapshot(sandbox)
    click: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": people.outsider},
        "team": {"id": sandbox.emulator.team_id},
        "channel": {"id": channel},
        "trigger_id": "1.2.3",
        "response_url": f"{sandbox.emulator.api_url}none",
        "actions": [{"action_id": action, "block_id": "b", "type": "button", "value": value}],
    }
    if extra:
        click["actions"] = [{"action_id": action}] if value is None else value
    status = send(sandbox, form(payload=json.dumps(click)), "application/x-www-form-urlencoded")
    assert status < 500
    time.sleep(0.02)
    assert snapshot(sandbox) == before


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(
    callback=st.sampled_from([v.value for v in ViewId]) | TEXT,
    metadata=st.one_of(
        st.builds(
            lambda c, m: json.dumps({"case": c, "meeting": m, "request": m}),
            st.integers(-1, 5),
            st.integers(-1, 50),
        ),
        TEXT,
    ),
    state=st.dictionaries(TEXT, VALUES, max_size=5),
)
def test_any_modal_submission_from_an_outsider_is_refused_without_a_crash(
    world: tuple[Sandbox, People, str], callback: str, metadata: str, state: dict[str, Any]
) -> None:
    sandbox, people, _ = world
    before = snapshot(sandbox)
    submission = {
        "type": "view_submission",
        "user": {"id": people.outsider},
        "team": {"id": sandbox.emulator.team_id},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": callback,
            "private_metadata": metadata,
            "state": {"values": state},
        },
    }
    status = send(
        sandbox, form(payload=json.dumps(submission)), "application/x-www-form-urlencoded"
    )
    assert status < 500
    time.sleep(0.02)
    assert snapshot(sandbox) == before
