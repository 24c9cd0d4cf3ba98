"""The sandbox served on a free port, on a fresh SQLite file in the test's folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools.sandbox_web.server import SandboxServer
from tests.conftest import free_port


@pytest.fixture
def sandbox_server(tmp_path: Path) -> Iterator[SandboxServer]:
    """The sandbox with the demo's cast in the oak-family case, its review arranged."""
    with SandboxServer(tmp_path / "sandbox.sqlite3", port=free_port()) as server:
        yield server
