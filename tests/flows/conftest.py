"""Flow-test fixtures: the real bot over signed HTTP (or Socket Mode), the Slack emulator, a real
database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import NewCaseField, ViewId


@dataclass
class People:
    """A workspace with the people of one core group, plus outsiders."""

    social_worker: str
    chair: str
    school: str
    health_visitor: str
    mum: str
    outsider: str
    lobby: str


# The whole-case flows run both ways Slack can reach the bot: `@BOTH_TRANSPORTS` on a test.
BOTH_TRANSPORTS = pytest.mark.parametrize("transport", ["http", "socket_mode"])


@pytest.fixture
def transport() -> str:
    """How Slack reaches the bot: signed HTTP unless a test is parametrised over both."""
    return "http"


@pytest.fixture
def sandbox(tmp_path: Path, transport: str, sqlite_template: Path) -> Iterator[Sandbox]:
    """A started sandbox on a SQLite file (a copy of the migrated template), with the clock on
    Mon 23 Nov 2026, 10:00 UTC."""
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    database = tmp_path / "flows.sqlite3"
    shutil.copy(sqlite_template, database)
    with Sandbox(
        f"sqlite:///{database}",
        clock=clock,
        socket_mode=transport == "socket_mode",
    ) as world:
        yield world


@pytest.fixture
def people(sandbox: Sandbox) -> People:
    """Everyone in one workspace; the family's mum is a single-channel guest."""
    return make_people(sandbox)


def make_people(sandbox: Sandbox) -> People:
    """The people of the `people` fixture, in a sandbox a test made itself."""
    emu = sandbox.emulator
    crew = People(
        social_worker=emu.add_user("Priya Shah"),
        chair=emu.add_user("Tom Okafor"),
        school=emu.add_user("Ms Reed"),
        health_visitor=emu.add_user("Jan Kowalski"),
        mum=emu.add_user("Sam", is_ultra_restricted=True),
        outsider=emu.add_user("Alex Other"),
        lobby="",
    )
    crew.lobby = emu.create_channel_as_user(crew.social_worker, "team-lobby")
    for user in (crew.chair, crew.school, crew.health_visitor, crew.outsider):
        emu.join_channel(user, crew.lobby)
    return crew


def new_case_values(
    people: People, reference: str = "oak-family", nation: str = "ENG"
) -> dict[tuple[str, str], Any]:
    """A complete new-case form as the social worker would fill it in."""
    f = NewCaseField
    return {
        (f.REFERENCE, f.REFERENCE): reference,
        (f.NATION, f.NATION): nation,
        (f.ICPC, f.ICPC): "2026-11-20",
        (f.CHAIR, f.CHAIR): people.chair,
        (f.SOCIAL_WORKER, f.SOCIAL_WORKER): people.social_worker,
        (f.PROFESSIONAL.numbered(1), f.PROFESSIONAL.numbered(1)): people.school,
        (f.AGENCY.numbered(1), f.AGENCY.numbered(1)): "school",
        (f.PROFESSIONAL.numbered(2), f.PROFESSIONAL.numbered(2)): people.health_visitor,
        (f.AGENCY.numbered(2), f.AGENCY.numbered(2)): "health_visitor",
        (f.FAMILY_ON_SLACK, f.FAMILY_ON_SLACK): [people.mum],
        (f.FAMILY_OFFLINE, f.FAMILY_OFFLINE): "Dan (dad)\nNana Rose",
    }


def open_new_case_modal(sandbox: Sandbox, user: str, channel: str) -> str:
    """Run `/coregroup new` and return the id of the modal that opened."""
    response = sandbox.emulator.slash_command(user, channel, "/coregroup", "new")
    assert response.status == 200
    stack = sandbox.emulator.inspector.modal_stack(user)
    assert stack and stack[-1]["callback_id"] == ViewId.NEW_CASE
    return str(stack[-1]["id"])


def modal_title(sandbox: Sandbox, user: str) -> str:
    """The title of the person's top modal ('' when none is open)."""
    stack = sandbox.emulator.inspector.modal_stack(user)
    return str(stack[-1]["title"]["text"]) if stack else ""


def open_case(
    sandbox: Sandbox, people: People, reference: str = "oak-family", nation: str = "ENG"
) -> str:
    """Open a case through the real modal and return its channel id."""
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    response = sandbox.emulator.submit_view(
        people.social_worker, view_id, new_case_values(people, reference, nation)
    )
    assert response.status == 200, response.body
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Case opened")
    return sandbox.emulator.inspector.channel_named(reference).id
