"""The whole purge on SQLite and on PostgreSQL: the same rows deleted, the same tombstone, and the
audit trail's one deletion path taken through the real triggers of each database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.jobs import daily

from .conftest import People
from .test_purge import assert_only_the_tombstone, ended_case, with_exports


@pytest.fixture
def sandbox(database_url: str) -> Iterator[Sandbox]:
    """The flows' sandbox, on each database in turn."""
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    with Sandbox(database_url, clock=clock) as world:
        yield world


def test_a_case_past_retention_is_purged_to_its_tombstone_on_either_database(
    sandbox: Sandbox, people: People, tmp_path: Path
) -> None:
    channel = ended_case(sandbox, people)
    deps = with_exports(sandbox, tmp_path / "exports")
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=731))
    daily(deps)
    tombstone = assert_only_the_tombstone(sandbox, channel, people)
    assert tombstone.detail["deleted"]["members"] == 7  # five on Slack, two family members by name
    daily(deps)
    assert_only_the_tombstone(sandbox, channel, people)
