"""Messages to Slack's response URLs (a click's or a command's), posted by a worker's job."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)


def post_to_response_url(url: str, message: dict[str, Any], *, timeout: float = 10.0) -> None:
    """Post `message` to a response URL. Slack refusing it (the URL expired, or was used five
    times) is logged, not raised: asking again would be refused again. A network failure is
    raised, so the job is tried again."""
    response = WebhookClient(url, timeout=int(timeout)).send_dict(message)
    if response.status_code >= 400:
        log.warning("a response URL refused a message: HTTP %s", response.status_code)


def ephemeral(text: str) -> dict[str, Any]:
    """A private reply that leaves the message it answers as it is."""
    return {"text": text, "response_type": "ephemeral", "replace_original": False}
