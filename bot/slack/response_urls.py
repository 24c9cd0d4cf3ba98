"""Messages to Slack's response URLs (a click's or a command's), posted by a worker's job."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """A message a job leaves for a response URL. The worker posts it only once the job is
    recorded done (and only if its claim was still its own), so a job run again after a crash
    never says it twice: a response URL has no key to find an earlier post by."""

    url: str
    message: dict[str, Any]


def post_to_response_url(url: str, message: dict[str, Any], *, timeout: float = 10.0) -> None:
    """Post `message` to a response URL. Slack refusing it (the URL expired, or was used five
    times) is logged, not raised: asking again would be refused again. A network failure is
    raised to the caller."""
    response = WebhookClient(url, timeout=int(timeout)).send_dict(message)
    if response.status_code >= 400:
        log.warning("a response URL refused a message: HTTP %s", response.status_code)


def ephemeral(text: str) -> dict[str, Any]:
    """A private reply that leaves the message it answers as it is."""
    return {"text": text, "response_type": "ephemeral", "replace_original": False}
