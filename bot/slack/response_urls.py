"""Messages to Slack's response URLs, posted from the event loop that answered the request.

A thank-you after a click is one small POST. Sent from a thread, it costs the process more
than the click itself (the thread hand-off, and the GIL taken from the event loop that is
answering the next request); sent from the loop it is a few socket writes. httpx keeps the
connections alive, so in production (HTTPS) a message does not pay a TLS handshake each time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class ResponseUrls:
    """Posts JSON to response URLs on the running event loop, keeping connections alive."""

    def __init__(self, *, timeout: float = 10.0, idle_per_origin: int = 4) -> None:
        self.timeout = timeout
        self._limits = httpx.Limits(max_keepalive_connections=idle_per_origin)
        # A client's connections belong to the loop that opened them (the server has one loop).
        self._clients: dict[asyncio.AbstractEventLoop, httpx.AsyncClient] = {}
        self._tasks: set[asyncio.Task[int | None]] = set()  # the loop keeps only weak references

    @property
    def pending(self) -> int:
        """How many posts are queued or under way."""
        return len(self._tasks)

    def post_soon(self, loop: asyncio.AbstractEventLoop, url: str, payload: dict[str, Any]) -> None:
        """Post `payload` to `url` as soon as the loop is free (call it from the loop's thread)."""
        task = loop.create_task(self.post(url, payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def post(self, url: str, payload: dict[str, Any]) -> int | None:
        """Post now; the status Slack answered, or None (and a warning) if it could not be sent.
        The URL is never logged: it is as good as a token for the conversation."""
        try:
            answer = await self._client().post(url, json=payload)
        except httpx.HTTPError as error:
            log.warning("could not post to a response URL: %s", type(error).__name__)
            return None
        if answer.status_code >= 300:
            log.warning("a response URL answered %s", answer.status_code)
        return answer.status_code

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = httpx.AsyncClient(timeout=self.timeout, limits=self._limits)
            self._clients[loop] = client
        return client
