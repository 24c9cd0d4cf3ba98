"""Seeded fault injection: 5xx, slow answers and dropped connections, before or after applying."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from enum import StrEnum


class Fault(StrEnum):
    """What can go wrong with one Web API call; `_after` kinds apply the call first."""

    HTTP_500 = "http_500"
    HTTP_503 = "http_503"
    DROP = "drop"
    HTTP_500_AFTER = "http_500_after"
    DROP_AFTER = "drop_after"
    SLOW = "slow"
    HTTP_429 = "http_429"  # "ratelimited", Retry-After: 1, whatever the real limits say

    @property
    def after_apply(self) -> bool:
        """Whether the call's effect happens before the failure the client sees."""
        return self in (Fault.HTTP_500_AFTER, Fault.DROP_AFTER)

    @property
    def status(self) -> int | None:
        """The HTTP status answered, or None for a dropped connection (or a slow call)."""
        statuses = {
            Fault.HTTP_500: 500,
            Fault.HTTP_503: 503,
            Fault.HTTP_500_AFTER: 500,
            Fault.HTTP_429: 429,
        }
        return statuses.get(self)


class FaultInjector:
    """Chooses faults for calls: at a seeded random rate, or scripted for the next calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rate = 0.0
        self._kinds: tuple[Fault, ...] = ()
        self._methods: frozenset[str] | None = None
        self._random = random.Random(0)  # noqa: S311 - reproducible test faults, not secrets
        self._scripted: list[tuple[Fault, str | None]] = []
        self.slow_ms = 200

    def configure(
        self,
        *,
        rate: float,
        kinds: Iterable[Fault | str],
        seed: int,
        methods: Iterable[str] | None = None,
        slow_ms: int = 200,
    ) -> None:
        """Fail a `rate` share of calls (to `methods`, default all) with one of `kinds`."""
        with self._lock:
            self._rate = rate
            self._kinds = tuple(Fault(k) for k in kinds)
            self._methods = frozenset(methods) if methods is not None else None
            self._random = random.Random(seed)  # noqa: S311 - reproducible test faults
            self.slow_ms = slow_ms

    def inject_next(self, kind: Fault | str, *, method: str | None = None, count: int = 1) -> None:
        """Fail the next `count` calls (to `method`, if given) with `kind`, whatever the rate."""
        with self._lock:
            self._scripted += [(Fault(kind), method)] * count

    def off(self) -> None:
        """No more faults, random or scripted."""
        with self._lock:
            self._rate = 0.0
            self._scripted.clear()

    def choose(self, method: str) -> Fault | None:
        """The fault for this call, if any."""
        with self._lock:
            for index, (kind, only) in enumerate(self._scripted):
                if only is None or only == method:
                    del self._scripted[index]
                    return kind
            if self._rate <= 0 or not self._kinds:
                return None
            if self._methods is not None and method not in self._methods:
                return None
            # Draw both numbers on every eligible call so the sequence depends only on the seed.
            roll, pick = self._random.random(), self._random.choice(self._kinds)
            return pick if roll < self._rate else None
