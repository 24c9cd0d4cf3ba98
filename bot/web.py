"""HTTP front door: Bolt behind Starlette and uvicorn, signature-checked at /slack/events."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

EVENTS_PATH = "/slack/events"


def well_formed(body: bytes, content_type: str) -> bool:
    """Whether a body has the shape Slack sends: a JSON object, or a form (with a JSON payload
    whose parts Bolt reads are of the right kinds), so a malformed one is a 400, not a crash."""
    try:
        if content_type.startswith("application/json"):
            return isinstance(json.loads(body), dict)
        form = parse_qs(body.decode("utf-8"), strict_parsing=bool(body))
        if "payload" in form:
            return _interactive_shape(json.loads(form["payload"][0]))
        return True
    except (ValueError, UnicodeDecodeError):
        return False


def _is_dict_with(value: object, key: str, kind: type) -> bool:
    return isinstance(value, dict) and isinstance(value.get(key), kind)


def _interactive_shape(payload: object) -> bool:
    if not _is_dict_with(payload, "type", str):
        return False
    assert isinstance(payload, dict)
    if "user" in payload and not _is_dict_with(payload["user"], "id", str):
        return False
    kind = payload["type"]
    if kind == "block_actions":
        actions = payload.get("actions")
        return (
            isinstance(actions, list)
            and bool(actions)
            and all(_is_dict_with(action, "action_id", str) for action in actions)
        )
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not all(_is_dict_with(view, key, str) for key in ("id", "type", "callback_id")):
            return False
        assert isinstance(view, dict)
        return kind == "view_closed" or _is_dict_with(view.get("state"), "values", dict)
    return True


HealthCheck = Callable[[], str | None]  # what is wrong (e.g. "database: ..."), or None


def create_asgi_app(
    app: App, signing_secret: str | None, *, health: HealthCheck | None = None
) -> Starlette:
    """The ASGI application Slack talks to (events, commands and interactivity share one URL),
    and /healthz, which answers 503 saying what failed when `health` finds a problem."""
    handler = SlackRequestHandler(app)
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        # Bolt verifies too; checking first here means a forged body is never even parsed.
        if verifier and not verifier.is_valid_request(body, dict(request.headers)):
            return PlainTextResponse("invalid request", status_code=401)
        if not well_formed(body, request.headers.get("content-type", "")):
            return PlainTextResponse("malformed payload", status_code=400)
        return await handler.handle(request)

    async def healthz(_request: Request) -> Response:
        # Off the event loop: the check waits on the database.
        problem = await run_in_threadpool(health) if health is not None else None
        if problem is not None:
            return PlainTextResponse(problem, status_code=503)
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )


def server_config(
    asgi_app: Starlette, *, host: str, port: int, log_level: str = "info"
) -> uvicorn.Config:
    """How the bot is served, and the benchmark's bare Bolt apps with it (DESIGN.md, Serving
    requests fast): httptools parses HTTP and, where it installs, uvloop runs the event loop
    (`loop="auto"` picks it), both C. Bolt's adapter calls the sync `App.dispatch` on that loop,
    one request at a time, which for SQLite is also what keeps writers from queueing on the
    database lock: dispatching on threads was measured slower for the bot."""
    return uvicorn.Config(
        asgi_app,
        host=host,
        port=port,
        http="httptools",
        loop="auto",
        log_level=log_level.lower(),
        access_log=False,
    )


def serve_http(
    app: App,
    signing_secret: str,
    *,
    host: str,
    port: int,
    log_level: str = "info",
    health: HealthCheck | None = None,
) -> None:
    """Serve until interrupted (what `coregroup serve` runs without SLACK_APP_TOKEN)."""
    asgi_app = create_asgi_app(app, signing_secret, health=health)
    uvicorn.Server(server_config(asgi_app, host=host, port=port, log_level=log_level)).run()


class _StoppableServer(uvicorn.Server):
    """uvicorn's server, woken at once when asked to stop rather than at its next 0.1 s tick
    (a test suite starts and stops hundreds of them)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    async def main_loop(self) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        while not self.should_exit:
            await self._stopping.wait()

    def stop_soon(self) -> None:
        """Ask the server to stop, from any thread."""
        self.should_exit = True
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)


class BackgroundServer:
    """The same HTTP front door on a thread, on a free port: for tests, the demo and benchmarks."""

    def __init__(
        self, app: App, signing_secret: str, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        asgi_app = create_asgi_app(app, signing_secret)
        config = server_config(asgi_app, host=host, port=port, log_level="warning")
        self._server = _StoppableServer(config)
        self._thread = threading.Thread(target=self._server.run, name="bot-http", daemon=True)
        self.url = ""

    def start(self) -> str:
        """Start serving and return the URL Slack should post to."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the bot's HTTP server did not start")
            time.sleep(0.01)
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}{EVENTS_PATH}"
        return self.url

    def stop(self, *, wait: bool = True) -> None:
        """Stop serving: once it takes no more connections, and (with `wait`) once its thread
        has ended, which uvicorn lets take a tenth of a second for open connections to close."""
        self._server.stop_soon()
        if wait:
            self._thread.join(timeout=10)
            return
        deadline = time.monotonic() + 10
        while self._thread.is_alive() and time.monotonic() < deadline:
            if not any(server.is_serving() for server in self._server.servers):
                return
            time.sleep(0.002)
