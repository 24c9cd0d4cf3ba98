"""Slack's rate limits on the emulator clock: per-method tiers and chat.postMessage per channel.

The model is a token bucket per key, refilled continuously on the emulator clock:
- a tiered method (t1 1/min, t2 20/min, t3 50/min, t4 100/min, per method per workspace) holds up to
  one minute's allowance, so a burst of that many calls passes and then calls are paced evenly;
- chat.postMessage ("special") is limited per channel to one message a second with a burst of
  `POST_BURST` (Slack: "about one per second, short bursts allowed"); its workspace-wide limit is
  not published and is not modelled; auth.test is not limited.
An answer over a limit is HTTP 429 with `Retry-After` in whole seconds until the next token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.clock import Clock

from .contract import METHODS, TIER_PER_MINUTE

POST_BURST = 3


@dataclass
class _Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float


class RateLimiter:
    """Decides whether a call may pass now, on the emulator clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.enabled = True
        self._buckets: dict[str, _Bucket] = {}

    def reset(self) -> None:
        """Forget all past calls (full buckets)."""
        self._buckets.clear()

    def check(self, method: str, channel: str | None) -> int | None:
        """Take a token for the call; return None if it may pass, else Retry-After seconds."""
        if not self.enabled:
            return None
        if method == "chat.postMessage":
            if not channel:
                return None
            return self._take(f"{method}:{channel}", POST_BURST, 1.0)
        contract = METHODS.get(method)
        per_minute = TIER_PER_MINUTE.get(contract.tier if contract else "")
        if per_minute is None:
            return None
        return self._take(method, per_minute, per_minute / 60.0)

    def _take(self, key: str, capacity: float, per_second: float) -> int | None:
        now = self.clock.now().timestamp()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, per_second, capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / per_second))
