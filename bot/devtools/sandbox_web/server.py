"""`coregroup sandbox`: the page and its JSON endpoints, on 127.0.0.1 only.

Each endpoint turns what the person did on the page into what Slack would send the bot (through
the emulator: signed HTTP), waits for the bot to finish, and answers with the page's fresh parts.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from bot.devtools.emulator.errors import EmulatorUsageError
from bot.devtools.sandbox_web.page import (
    HOME,
    default_place,
    fragments,
    page,
    script,
    stylesheet,
)
from bot.devtools.sandbox_web.world import DEMO_CASE, CaseFile, Outcome, World

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


class SandboxServer:
    """The world and the page's HTTP server, started and stopped together."""

    def __init__(self, database: Path, *, case: CaseFile = DEMO_CASE, port: int = 8080) -> None:
        self.world = World(database, case)
        self.port = port
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Bring up the world, then serve the page."""
        self.world.start()
        handler = _handler_for(self.world)
        self._http = ThreadingHTTPServer((HOST, self.port), handler)
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        """Where the page is."""
        return f"http://{HOST}:{self.port}/"

    def stop(self) -> None:
        """Stop serving, then tear the world down."""
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        self.world.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler_for(world: World) -> type[BaseHTTPRequestHandler]:
    css = stylesheet().encode()
    code = script()

    class Handler(BaseHTTPRequestHandler):
        server_version = "CoreGroupSandbox"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("sandbox: " + format, *args)

        # --- reading ----------------------------------------------------------------------------

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if url.path == "/static/sandbox.css":
                return self._send(HTTPStatus.OK, css, "text/css; charset=utf-8", cache=True)
            if url.path == "/static/sandbox.js":
                return self._send(HTTPStatus.OK, code, "text/javascript; charset=utf-8", cache=True)
            if url.path == "/favicon.ico":
                return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            if url.path.startswith("/files/"):
                return self._file(url.path.removeprefix("/files/"), query)
            who, where = self._who_where(query)
            if who is None:
                return self._send_json(HTTPStatus.NOT_FOUND, {"error": "no such person"})
            if url.path == "/":
                html = page(world, who, where)
                return self._send(HTTPStatus.OK, html.encode(), "text/html; charset=utf-8")
            if url.path == "/api/state":
                parts = fragments(world, who, where)
                if query.get("digest") == parts["digest"]:
                    return self._send_json(HTTPStatus.OK, {"digest": parts["digest"]})
                return self._send_json(HTTPStatus.OK, {"parts": parts})
            if url.path == "/api/people":
                people = [
                    {"user_id": p.user_id, "name": p.name, "role": p.role} for p in world.people
                ]
                return self._send_json(HTTPStatus.OK, {"people": people})
            return self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def _who_where(self, query: dict[str, str]) -> tuple[str | None, str]:
            who = query.get("as") or world.people[0].user_id
            try:
                world.person(who)
            except KeyError:
                return None, ""
            return who, query.get("where") or default_place(world, who)

        def _file(self, file_id: str, query: dict[str, str]) -> None:
            # Only someone the file was shared with may open it (the page's links name who).
            person = query.get("as", "")
            if person:
                for shared in world.emulator.inspector.files_seen_by(person):
                    if shared.id == file_id:
                        return self._send_file(shared.name, shared.data)
            return self._send_json(HTTPStatus.NOT_FOUND, {"error": "no such file"})

        # --- acting -----------------------------------------------------------------------------

        def do_POST(self) -> None:
            # JSON only: another site's page cannot send JSON here without a preflight we refuse.
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                return self._send_json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "JSON only"})
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._send_json(HTTPStatus.BAD_REQUEST, {"error": "not JSON"})
            who, where = self._who_where(
                {k: str(v) for k, v in body.items() if k in ("as", "where")}
            )
            action = _ACTIONS.get(urlparse(self.path).path)
            if who is None or action is None:
                return self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            try:
                outcome = action(world, who, body)
            except (EmulatorUsageError, KeyError, ValueError) as error:
                outcome = Outcome(notice=f"That did not work: {error}")
            answer = {
                "errors": outcome.errors,
                "notice": outcome.notice,
                "parts": fragments(world, who, where),
            }
            return self._send_json(HTTPStatus.OK, answer)

        # --- answering --------------------------------------------------------------------------

        def _send(self, status: HTTPStatus, body: bytes, kind: str, *, cache: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            # The stylesheet and script are named by their version (page.asset_version); pages
            # and answers are never stored.
            self.send_header("Cache-Control", "max-age=86400" if cache else "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _send_file(self, name: str, data: bytes) -> None:
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if kind == "text/html":
                kind = "text/html; charset=utf-8"
            elif kind.startswith("text/") or name.endswith((".ics", ".md")):
                kind = "text/plain; charset=utf-8"  # shown in the tab rather than downloaded
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
            # A document opens as a page of its own: no scripts, no reaching the sandbox's API.
            self.send_header("Content-Security-Policy", "sandbox")
            safe = "".join(c for c in name if c.isalnum() or c in "._-") or "file"
            self.send_header("Content-Disposition", f'inline; filename="{safe}"')
            self.end_headers()
            self.wfile.write(data)

        def _send_json(self, status: HTTPStatus, value: dict[str, Any]) -> None:
            self._send(status, json.dumps(value).encode(), "application/json")

    return Handler


def _time(world: World, who: str, body: dict[str, Any]) -> Outcome:
    to = str(body.get("to", ""))
    if to == "next":
        return world.to_next()
    if to == "day":
        return world.by_days(1)
    return world.to_day(date.fromisoformat(to))


def _home(world: World, who: str, body: dict[str, Any]) -> Outcome:
    world.open_home(who)
    return Outcome()


def _command(world: World, who: str, body: dict[str, Any]) -> Outcome:
    channel = str(body.get("channel") or "")
    if channel in ("", HOME):
        return Outcome(notice="Open a channel, or the bot's messages, to type a command there.")
    return world.command(who, channel, str(body.get("text", "")))


_ACTIONS: dict[str, Callable[[World, str, dict[str, Any]], Outcome]] = {
    "/api/command": _command,
    "/api/click": lambda world, who, body: world.click(
        who,
        str(body["channel"]),
        str(body["ts"]),
        str(body["action_id"]),
        str(body["block_id"]),
        body.get("value"),
    ),
    "/api/view-action": lambda world, who, body: world.act_in_view(
        who, str(body["view_id"]), str(body["action_id"]), str(body["block_id"]), body.get("value")
    ),
    "/api/submit": lambda world, who, body: world.submit(
        who, str(body["view_id"]), dict(body.get("values") or {})
    ),
    "/api/close": lambda world, who, body: world.close(who, str(body["view_id"])),
    "/api/time": _time,
    "/api/home": _home,
}


def serve(database: Path, *, case: CaseFile = DEMO_CASE, port: int = 8080) -> None:
    """Run the sandbox until interrupted (Ctrl-C)."""
    server = SandboxServer(database, case=case, port=port).start()
    print(
        f"The sandbox is at {server.url} (Ctrl-C to stop). Everyone in it is made up.", flush=True
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
