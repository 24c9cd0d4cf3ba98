"""Slack's Socket Mode, emulated: app-level tokens, WebSocket links, envelopes, acks and retries.

The contract followed (Slack's Socket Mode documentation): the app calls `apps.connections.open`
with an app-level token (`xapp-`, scope `connections:write`) and gets a one-use `wss://` URL; on
connecting it receives `hello`; every slash command, interaction and event then arrives as an
envelope (`envelope_id`, `type`, `payload`, `accepts_response_payload`, `retry_attempt`,
`retry_reason`) that the app acknowledges by sending back the `envelope_id` (with a `payload`
where one is accepted, such as a modal's `response_action`) within 3 seconds. Slack spreads
envelopes over the app's open connections, redelivers an unacknowledged event with
`retry_attempt` raised (up to 3 retries, as over HTTP; a slash command or interaction is not
redelivered: the person sees an error instead), and asks the app to reconnect with `disconnect`
(reason `warning` some seconds ahead, `refresh_requested` when the link is about to close).
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from .errors import ApiError, EmulatorUsageError
from .state import APP_ID

ACK_TIMEOUT_SECONDS = 3.0
MAX_EVENT_RETRIES = 3
# How long an app may take to (re)connect before an envelope waiting for a link gives up.
RECONNECT_WINDOW_SECONDS = 10.0
CONNECTIONS_WRITE = "connections:write"
# Slack closes a link some seconds after `disconnect` whatever the app does; sooner here.
CLOSE_AFTER_DISCONNECT_SECONDS = 1.0

ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")

# The WebSocket library notes each link opened and closed; the deliveries log is the record.
_QUIET = logging.getLogger("coregroup.emulator.websockets")
_QUIET.setLevel(logging.WARNING)


@dataclass(frozen=True)
class Delivery:
    """One envelope sent, and what became of it (for tests: `emu.socket_mode.deliveries`)."""

    envelope_id: str
    type: str
    retry_attempt: int
    link: int
    acked: bool
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ack:
    """The app's answer to an envelope: acknowledged (with its payload) or not."""

    acked: bool
    payload: dict[str, Any] | None = None


class _Link:
    """One open WebSocket from the app, with the envelopes it owes an ack for."""

    def __init__(self, number: int, connection: ServerConnection) -> None:
        self.number = number
        self.connection = connection
        self.open = True
        self.draining = False  # told to reconnect: new envelopes go elsewhere
        self.waiting: dict[str, _Waiter] = {}
        self.lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> bool:
        try:
            self.connection.send(json.dumps(message))
        except (ConnectionClosed, OSError):
            return False
        return True

    def drop(self) -> None:
        """Cut the TCP connection with no close frame, as a network failure does (what was
        already written still arrives, so an envelope in flight reaches the app)."""
        raw = self.connection.socket
        with contextlib.suppress(OSError):  # already gone is as good as cut
            raw.shutdown(socket.SHUT_RDWR)
        raw.close()


class _Waiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.ack: dict[str, Any] | None = None


class SocketModeHub:
    """The Socket Mode side of the emulator: its own WebSocket server beside the Web API."""

    def __init__(self) -> None:
        self.app_tokens: dict[str, frozenset[str]] = {}
        self.deliveries: list[Delivery] = []
        self.hellos = 0
        self._tickets: set[str] = set()
        self._links: list[_Link] = []
        self._next_link = 0
        self._turn = 0
        self._changed = threading.Condition()
        self._drop_in_flight = 0
        self._server: Server = serve(self._serve, "127.0.0.1", 0, logger=_QUIET)
        self.port = int(self._server.socket.getsockname()[1])
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Serve WebSockets on a daemon thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-emulator-ws", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Close every link and stop serving."""
        for link in self.links():
            link.connection.close()
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- apps.connections.open ------------------------------------------------------------------

    def add_app_token(self, scopes: frozenset[str] = frozenset({CONNECTIONS_WRITE})) -> str:
        """An app-level token (`xapp-...`) for this app, by default with connections:write."""
        token = f"xapp-1-{APP_ID}-{secrets.token_hex(8)}"
        self.app_tokens[token] = scopes
        return token

    def open_connection(self, token: str | None) -> dict[str, Any]:
        """apps.connections.open: a one-use WebSocket URL for an app-level token."""
        if not token:
            raise ApiError("missing_args")
        scopes = self.app_tokens.get(token)
        if scopes is None:
            # A bot or user token is not an app-level token, so it is refused as one.
            raise ApiError("invalid_auth")
        if CONNECTIONS_WRITE not in scopes:
            raise ApiError(
                "missing_scope", needed=CONNECTIONS_WRITE, provided=",".join(sorted(scopes))
            )
        ticket = secrets.token_hex(12)
        with self._changed:
            self._tickets.add(ticket)
        return {"url": f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={APP_ID}"}

    # --- links ----------------------------------------------------------------------------------

    def links(self) -> list[_Link]:
        """The open links (newest last)."""
        with self._changed:
            return [link for link in self._links if link.open]

    @property
    def connected(self) -> int:
        """How many WebSockets the app has open and not asked to leave."""
        return sum(1 for link in self.links() if not link.draining)

    def wait_connected(self, count: int = 1, timeout: float = RECONNECT_WINDOW_SECONDS) -> None:
        """Block until the app holds `count` ready links (a test's way to wait for reconnection)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(1 for link in self._links if link.open and not link.draining) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the app did not open {count} Socket Mode connection(s)")
                self._changed.wait(left)

    def _serve(self, connection: ServerConnection) -> None:
        request = connection.request
        query = parse_qs(urlsplit(request.path if request else "").query)
        ticket = (query.get("ticket") or [""])[0]
        with self._changed:
            if ticket not in self._tickets:
                connection.close(1008, "invalid ticket")
                return
            self._tickets.discard(ticket)  # a URL opens one link only
            self._next_link += 1
            link = _Link(self._next_link, connection)
            self._links.append(link)
            count = sum(1 for each in self._links if each.open)
        link.send(
            {
                "type": "hello",
                "num_connections": count,
                "debug_info": {
                    "host": f"emulator-link-{link.number}",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": APP_ID},
            }
        )
        with self._changed:
            self.hellos += 1
            self._changed.notify_all()
        try:
            for raw in connection:
                self._receive(link, raw)
        except ConnectionClosed:
            pass
        finally:
            self._closed(link)

    def _receive(self, link: _Link, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        envelope_id = message.get("envelope_id")
        with link.lock:
            waiter = link.waiting.get(str(envelope_id))
        if waiter is not None:
            waiter.ack = message
            waiter.done.set()

    def _closed(self, link: _Link) -> None:
        with self._changed:
            link.open = False
            self._links = [each for each in self._links if each.open]
            self._changed.notify_all()
        with link.lock:
            waiting = list(link.waiting.values())
        for waiter in waiting:
            waiter.done.set()  # no ack will come on this link

    # --- what tests do to the links -------------------------------------------------------------

    def disconnect(self, reason: str = "refresh_requested", *, close: bool = True) -> None:
        """Send `disconnect` on every link; with `close`, Slack then closes them shortly after."""
        if reason not in ("refresh_requested", "warning", "link_disabled"):
            raise EmulatorUsageError(f"Slack sends no disconnect reason {reason!r}")
        links = self.links()
        for link in links:
            link.draining = True
            link.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "emulator"}})
        if close:

            def close_later() -> None:
                time.sleep(CLOSE_AFTER_DISCONNECT_SECONDS)
                for link in links:
                    link.connection.close()

            threading.Thread(target=close_later, daemon=True).start()

    def drop_connections(self) -> None:
        """Cut every link with no close frame, as a network failure would."""
        for link in self.links():
            self._forget(link)
            link.drop()

    def drop_after_next_envelope(self) -> None:
        """Cut the link right after sending the next envelope, before the app can ack it."""
        with self._changed:
            self._drop_in_flight += 1

    # --- delivery -------------------------------------------------------------------------------

    def _pick_link(self, timeout: float) -> _Link | None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                ready = [link for link in self._links if link.open and not link.draining]
                if ready:
                    # Slack spreads envelopes over the app's open connections.
                    self._turn += 1
                    return ready[self._turn % len(ready)]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)

    def deliver(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> Ack:
        """Send one envelope and wait for its ack; redeliver an unacknowledged event."""
        if kind not in ENVELOPE_TYPES:
            raise EmulatorUsageError(f"no envelope type {kind!r}")
        retries = MAX_EVENT_RETRIES if kind == "events_api" else 0
        for attempt in range(retries + 1):
            ack = self._deliver_once(kind, payload, accepts_response_payload, attempt)
            if ack.acked:
                return ack
        return Ack(acked=False)

    def _deliver_once(self, kind: str, payload: dict[str, Any], accepts: bool, attempt: int) -> Ack:
        envelope: dict[str, Any] = {
            "envelope_id": str(uuid.uuid4()),
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = attempt
            envelope["retry_reason"] = "timeout" if attempt else ""
        waiter = _Waiter()
        deadline = time.monotonic() + RECONNECT_WINDOW_SECONDS
        while True:
            # A link can die between being picked and being written to: pick again.
            link = self._pick_link(max(0.0, deadline - time.monotonic()))
            if link is None:
                return Ack(acked=False)
            with link.lock:
                link.waiting[envelope["envelope_id"]] = waiter
            if link.send(envelope):
                break
            self._forget(link)
        with self._changed:
            drop = self._drop_in_flight > 0
            if drop:
                self._drop_in_flight -= 1
        if drop:
            self._forget(link)
            link.drop()
        waiter.done.wait(ACK_TIMEOUT_SECONDS)
        with link.lock:
            link.waiting.pop(envelope["envelope_id"], None)
        answer = waiter.ack
        body = answer.get("payload") if answer is not None else None
        self.deliveries.append(
            Delivery(
                envelope["envelope_id"],
                kind,
                attempt,
                link.number,
                answer is not None,
                body if isinstance(body, dict) else {},
            )
        )
        if answer is None:
            return Ack(acked=False)
        return Ack(acked=True, payload=body if isinstance(body, dict) and accepts else None)

    def _forget(self, link: _Link) -> None:
        with self._changed:
            link.open = False
            self._links = [each for each in self._links if each.open]
