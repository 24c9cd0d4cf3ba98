"""The clock every service is given, so that tests and `coregroup sweep --at` can travel in time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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


def as_utc(instant: datetime) -> datetime:
    """Convert an aware datetime to UTC; refuse naive ones, which would silently mean local time."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return instant.astimezone(UTC)
