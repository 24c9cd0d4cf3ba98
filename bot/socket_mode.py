"""Socket Mode front door: the same Bolt app over slack_sdk's built-in WebSocket client.

Why the built-in client: the app and every listener are synchronous (a database session per
unit of work, `process_before_response`), and Bolt's `websockets` and `aiohttp` adapters serve
only an AsyncApp, so choosing them would mean a second, async copy of every listener; the
`websocket-client` adapter serves a sync App but adds a dependency for what the built-in client
already does with none: it reconnects on `disconnect`, on a close and on a stale link (its
ping/pong monitor), and runs listeners on a worker thread while the next envelope is read.
What this module adds: each connection state change logged once, an envelope redelivered on
the same link not run twice, and an ack lost with its link logged instead of a traceback.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import OrderedDict
from contextlib import suppress
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientNotConnectedError
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

log = logging.getLogger("coregroup.socket_mode")

# What the SDK logs when it finds a link dead (a failed ping, a stale link) and reconnects.
_LOST_LINK_NOTES = ("Failed to check the state", "seems to be already closed", "seems to be stale")

# Envelope ids remembered per process, against a redelivery on the same link.
_REMEMBERED_ENVELOPES = 2048


class SocketModeServer:
    """Serve a Bolt app over Socket Mode, reconnecting whenever Slack or the network asks."""

    def __init__(
        self,
        app: App,
        app_token: str,
        *,
        web_client: WebClient | None = None,
        ping_interval: float = 10.0,
        concurrency: int = 1,
    ) -> None:
        """`concurrency` is how many envelopes run at once: one, like the HTTP front door, which
        dispatches on one event loop (DESIGN.md, Serving requests fast); on the bench, ten
        threads made the clicks' database writes contend and the p99 longer."""
        # The SDK narrates every attempt (a failed ping is logged at each check until it gives
        # up); its notes of a lost link become one state change of ours, its chatter is dropped.
        sdk_log = logging.getLogger(f"coregroup.socket_mode.sdk.{id(self)}")
        sdk_log.setLevel(logging.INFO)
        sdk_log.addFilter(self._sdk_note)
        self._handler = _Handler(
            app,
            app_token,
            logger=sdk_log,
            web_client=web_client,
            ping_interval=ping_interval,
            concurrency=concurrency,
        )
        client = self._handler.client
        client.on_message_listeners.append(self._on_message)
        client.on_close_listeners.append(self._on_close)
        client.on_error_listeners.append(self._on_error)
        self._state = ""
        self._lock = threading.Lock()
        self._closing = False

    @property
    def state(self) -> str:
        """The last connection state logged: connecting, connected, reconnecting or closed."""
        return self._state

    def _change(self, state: str, detail: str) -> None:
        with self._lock:
            if state == self._state:
                return
            self._state = state
        log.info("Socket Mode %s: %s", state, detail)

    def _sdk_note(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if any(note in text for note in _LOST_LINK_NOTES):
            if not self._closing:
                self._change("reconnecting", "the connection was lost")
            return False
        return record.levelno >= logging.WARNING

    def _on_message(self, raw: str) -> None:
        try:
            message: Any = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "hello":
            self._change("connected", f"{message.get('num_connections')} connection(s) open")
        elif message.get("type") == "disconnect":
            self._change("reconnecting", f"Slack asked ({message.get('reason')})")

    def _on_close(self, code: int, reason: str | None) -> None:
        if not self._closing:
            self._change("reconnecting", f"the connection closed (code {code})")

    def _on_error(self, error: Exception) -> None:
        if not self._closing:
            self._change("reconnecting", f"the connection failed ({type(error).__name__})")

    def connect(self) -> None:
        """Open the first connection and return; the client keeps it open on its threads."""
        self._change("connecting", "asking Slack for a WebSocket URL")
        self._handler.connect()  # type: ignore[no-untyped-call]

    def serve_forever(self) -> None:
        """Connect and block until the process is stopped (what `coregroup serve` runs)."""
        self.connect()
        threading.Event().wait()

    def close(self) -> None:
        """Close the connection and stop the client's threads."""
        self._closing = True
        # The SDK's threads finish what they wait for before they see it close: a read of up to
        # 3 s for a frame, a wait of up to 1 s for a message to process. Marked closed, with the
        # socket shut down and an empty message queued, both stop at once.
        client = self._handler.client
        client.closed = True
        client.auto_reconnect_enabled = False  # the read ended below is not a lost link
        client.message_queue.put(None)
        sock = getattr(client.current_session, "sock", None)
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._handler.close()  # type: ignore[no-untyped-call]
        self._change("closed", "stopped")


class _Handler(SocketModeHandler):
    """Bolt's handler, with redeliveries on one link skipped and a lost ack logged plainly."""

    def __init__(self, app: App, app_token: str, **options: Any) -> None:
        super().__init__(app, app_token, **options)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_lock = threading.Lock()

    def _first_time(self, envelope_id: str) -> bool:
        with self._seen_lock:
            if envelope_id in self._seen:
                return False
            self._seen[envelope_id] = None
            while len(self._seen) > _REMEMBERED_ENVELOPES:
                self._seen.popitem(last=False)
            return True

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        """Run the app for one envelope and ack it (events redelivered later are skipped by
        event id in the database, across replicas: handlers.events.SkipRedeliveredEvents)."""
        if not self._first_time(req.envelope_id):
            log.info("envelope %s already handled here; not run again", req.envelope_id)
            return
        started = time.time()
        response = run_bolt_app(self.app, req)
        try:
            send_response(client, req, response, started)
        except (SlackClientNotConnectedError, OSError):
            # The work is done; Slack redelivers an unacknowledged event, which is then skipped.
            log.info("the ack for envelope %s was lost with its connection", req.envelope_id)
