"""The Web API client the bot talks to Slack with: base URL from settings, retries built in."""

from __future__ import annotations

import random

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.jitter import Jitter

DEFAULT_API_URL = "https://slack.com/api/"


class _UpToAsMuchAgain(Jitter):
    """Each wait lengthened by up to as much again, at random (the SDK's own jitter adds up to a
    whole second, which would swamp a short wait)."""

    def recalculate(self, duration: float) -> float:
        return duration * (1 + random.random())  # noqa: S311 (a wait, not a secret)


def make_web_client(
    token: str,
    api_url: str | None = None,
    *,
    timeout: int = 10,
    first_retry_wait: float | None = None,
) -> WebClient:
    """A WebClient that retries dropped connections, honours Retry-After on 429, and retries 5xx.

    Dropped connections and 5xx answers are retried after the SDK's waits (half a second, then
    one, then two, each plus up to a second), unless `first_retry_wait` gives a shorter first wait
    (then doubling): the sandbox's, and SLACK_FIRST_RETRY_WAIT's in a rehearsal against the
    emulator, whose failures are over at once."""
    base_url = api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    waits: RetryIntervalCalculator = default_interval_calculator
    if first_retry_wait is not None:
        waits = BackoffRetryIntervalCalculator(first_retry_wait, _UpToAsMuchAgain())
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=3, interval_calculator=waits),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=3, interval_calculator=waits),
        ],
    )
