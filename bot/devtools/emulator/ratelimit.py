"""Slack's rate limits on the emulator clock: per-method tiers, and chat.postMessage per channel
and per workspace.

The model is a token bucket per key, refilled continuously on the emulator clock:
- a tiered method (t1 1/min, t2 20/min, t3 50/min, t4 100/min, per method per workspace) holds up to
  one minute's allowance, so a burst of that many calls passes and then calls are paced evenly;
- chat.postMessage ("special") is limited per channel to one message a second with a burst of
  `POST_BURST` (Slack: it "generally allows posting one message per second per channel"), and
  across the workspace by `WORKSPACE_POST_LIMIT` (Slack: "while also maintaining a workspace-wide
  limit", elsewhere "several hundred messages per minute"; the figure is not published, so the
  emulator takes 600 a minute with a minute's burst, and lets a test or benchmark choose another);
  a post must find a token in both buckets and takes one from each only if it passes;
- auth.test is not limited.
An answer over a limit is HTTP 429 with `Retry-After` in whole seconds until the next token.

The emulator clock is often simulated and frozen between a test's moves, while a client told
`Retry-After: N` waits N real seconds (slack_sdk's retry handler sleeps). On Slack that wait earns
the token, so here too: a client that comes back after waiting its Retry-After in real time is
credited with the time it was asked to wait, less any the simulated clock has moved since. A
client that does not wait, or a test that moves the simulated clock instead, sees exactly the
pacing of the simulated clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock

from .contract import METHODS, TIER_PER_MINUTE

POST_METHOD = "chat.postMessage"


@dataclass(frozen=True)
class PostLimit:
    """A token bucket for posting: `per_minute` sustained, `burst` at once from a rested start."""

    per_minute: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a post limit needs a positive rate and a burst of at least 1")

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0

    def least_seconds(self, messages: int) -> float:
        """The least time `messages` posts can take under this limit alone, from a full bucket:
        the burst passes at once and each later post waits for its token, (N - burst) / rate."""
        return max(0, messages - self.burst) / self.per_second


POST_BURST = 3
CHANNEL_POST_LIMIT = PostLimit(per_minute=60, burst=POST_BURST)
WORKSPACE_POSTS_PER_MINUTE = 600
WORKSPACE_POST_LIMIT = PostLimit(per_minute=WORKSPACE_POSTS_PER_MINUTE, burst=600)


@dataclass
class _Owed:
    """A refusal's Retry-After, owed to a client that waits it out in real time."""

    seconds: float
    real_due: float  # the real (monotonic) instant the wait is over
    refused_at: float  # the simulated instant of the refusal


@dataclass
class _Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float
    owed: _Owed | None = None

    def refill(self, now: float, real_now: float) -> None:
        earned = (now - self.updated) * self.per_second
        if self.owed is not None and real_now >= self.owed.real_due:
            # Waited in real time: the part of the wait the simulated clock did not cover.
            earned += max(0.0, self.owed.seconds - (now - self.owed.refused_at)) * self.per_second
            self.owed = None
        self.tokens = min(self.capacity, self.tokens + earned)
        self.updated = now

    def wait(self) -> float:
        """Seconds until the bucket holds a whole token (0 if it does now)."""
        return max(0.0, (1.0 - self.tokens) / self.per_second)


class RateLimiter:
    """Decides whether a call may pass now, on the emulator clock."""

    def __init__(
        self,
        clock: Clock,
        *,
        workspace_posts: PostLimit = WORKSPACE_POST_LIMIT,
        real_seconds: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self._real_seconds = real_seconds
        self.enabled = True
        self._workspace_posts = workspace_posts
        self._buckets: dict[str, _Bucket] = {}

    @property
    def workspace_posts(self) -> PostLimit:
        """The workspace-wide limit on chat.postMessage."""
        return self._workspace_posts

    @workspace_posts.setter
    def workspace_posts(self, limit: PostLimit) -> None:
        self._workspace_posts = limit
        self._buckets.pop(POST_METHOD, None)  # a new limit starts with a full bucket

    def reset(self) -> None:
        """Forget all past calls (full buckets)."""
        self._buckets.clear()

    def check(self, method: str, channel: str | None) -> int | None:
        """Take a token for the call; return None if it may pass, else Retry-After seconds."""
        if not self.enabled:
            return None
        if method == POST_METHOD:
            if not channel:
                return None
            return self._take(
                (f"{method}:{channel}", CHANNEL_POST_LIMIT), (method, self._workspace_posts)
            )
        contract = METHODS.get(method)
        per_minute = TIER_PER_MINUTE.get(contract.tier if contract else "")
        if per_minute is None:
            return None
        return self._take((method, PostLimit(per_minute=per_minute, burst=per_minute)))

    def _take(self, *limits: tuple[str, PostLimit]) -> int | None:
        """One token from every bucket if each has one; otherwise none, and the longest wait."""
        now = self.clock.now().timestamp()
        real_now = self._real_seconds()
        buckets = []
        for key, limit in limits:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = _Bucket(limit.burst, limit.per_second, limit.burst, now)
                self._buckets[key] = bucket
            bucket.refill(now, real_now)
            buckets.append(bucket)
        wait = max(bucket.wait() for bucket in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            for bucket in buckets:
                if bucket.wait() > 0:
                    bucket.owed = _Owed(retry_after, real_now + retry_after, now)
            return retry_after
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None
