"""The clock every service is given, so that tests and `coregroup sweep --at` can travel in time."""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what instant it is now (always timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock; only the CLI composes one."""

    def now(self) -> datetime:
        """Return the current instant in UTC."""
        return datetime.now(UTC)


@dataclass
class ManualClock:
    """A clock that stands still until told to move: used by tests, the demo and `sweep --at`."""

    current: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        self.current = as_utc(self.current)

    def now(self) -> datetime:
        """Return the instant the clock has been set to."""
        return self.current

    def set(self, instant: datetime) -> None:
        """Jump to an instant (which must be timezone-aware)."""
        self.current = as_utc(instant)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` and return the new instant."""
        self.current = self.current + delta
        return self.current


class FileClock:
    """A simulated clock that several processes share: the instant written in a file.

    For rehearsals and tests (`CLOCK_FILE`): replicas of the bot run in the same simulated time,
    which whoever writes the file moves on. Never for a live deployment.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int, int] | None = None
        self._instant = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the instant in the file (read again only when the file has been replaced)."""
        status = self.path.stat()
        seen = (status.st_ino, status.st_mtime_ns, status.st_size)
        with self._lock:
            if seen != self._seen:
                self._instant = parse_instant(self.path.read_text(encoding="utf-8"))
                self._seen = seen
            return self._instant

    def set(self, instant: datetime) -> None:
        """Move the shared time to `instant` (written whole, so no reader sees half of it)."""
        text = as_utc(instant).isoformat()
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".clock-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, self.path)

    def advance(self, delta: timedelta) -> datetime:
        """Move the shared time forward by `delta` and return the new instant."""
        instant = self.now() + delta
        self.set(instant)
        return instant


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset (`2027-01-04T09:00:00+00:00`); naive text is refused."""
    return as_utc(datetime.fromisoformat(text.strip()))


def as_utc(instant: datetime) -> datetime:
    """Convert an aware datetime to UTC; refuse naive ones, which would silently mean local time."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return instant.astimezone(UTC)
