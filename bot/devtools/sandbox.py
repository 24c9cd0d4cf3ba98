"""A whole world on one machine: the Slack emulator, the real bot (over HTTP or Socket Mode), and
a real database.

Used by the flow tests, `coregroup demo` and the benchmarks, so all three run the same wiring.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from slack_bolt import App

from bot.app import create_app
from bot.clock import ManualClock
from bot.delivery.dispatcher import Dispatcher
from bot.deps import Dependencies
from bot.devtools.emulator import SlackEmulator
from bot.jobs import SweepReport
from bot.settings import Settings
from bot.slack.client import make_web_client
from bot.socket_mode import SocketModeServer
from bot.web import BackgroundServer
from bot.worker import Worker
from storage.db import UnitOfWork, current_revision, head_revision, make_engine, upgrade

SIGNING_SECRET = "sandbox-signing-secret"  # noqa: S105 (a local emulator, not a real secret)
BOT_TOKEN = "xoxb-sandbox-bot-token"  # noqa: S105
# Pings this often notice a link cut under the client within a second or two, not a minute.
SOCKET_PING_SECONDS = 0.5
# The emulator answers at once, and a failure it injects is over when the call returns: a 5xx or
# a dropped connection is retried after 10 ms (then 20, 40), not Slack's half a second and more.
FIRST_RETRY_WAIT = 0.01

T = TypeVar("T")


class Sandbox:
    """Start the emulator, migrate the database, serve the bot, and connect them.

    With `socket_mode`, the bot opens Socket Mode links to the emulator (an app-level token, no
    HTTP endpoint) and the emulator sends everything as envelopes over them.
    """

    def __init__(
        self,
        database_url: str,
        *,
        clock: ManualClock | None = None,
        socket_mode: bool = False,
        worker: bool = True,
    ) -> None:
        self.socket_mode = socket_mode
        # The bot's worker, in its process as `coregroup serve` runs it: one thread, so the demo
        # does its work in the same order every time.
        self.with_worker = worker
        self.worker: Worker | None = None
        self.clock = clock or ManualClock()
        self.emulator = SlackEmulator(clock=self.clock, bot_token=BOT_TOKEN)
        self.engine = make_engine(database_url)
        self.settings = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            database_url=database_url,
        )
        self.deps: Dependencies | None = None
        self.app: App | None = None
        self._server: BackgroundServer | None = None
        self._sockets: list[SocketModeServer] = []
        self._dispatcher: Dispatcher | None = None

    def start(self) -> Sandbox:
        """Bring everything up; the bot's Web API client points at the emulator."""
        if current_revision(self.engine) != head_revision():  # a migrated copy is used as is
            upgrade(self.engine)
        self.emulator.start()
        client = make_web_client(
            BOT_TOKEN, self.emulator.api_url, first_retry_wait=FIRST_RETRY_WAIT
        )
        self.deps = Dependencies(self.settings, UnitOfWork(self.engine), self.clock, client)
        if self.with_worker:
            self.worker = Worker(self.deps, name="sandbox", threads=1, listen=False).start()
        if self.socket_mode:
            self.app = create_app(self.deps, request_verification=False)
            self.emulator.use_socket_mode()
            self.add_socket_replica()
            return self
        self.app = create_app(self.deps)
        self._server = BackgroundServer(self.app, SIGNING_SECRET)
        self.emulator.connect_app(self._server.start(), SIGNING_SECRET)
        return self

    def add_socket_replica(self) -> SocketModeServer:
        """Open one more Socket Mode connection for the bot, as another replica would."""
        assert self.app is not None
        api = make_web_client(BOT_TOKEN, self.emulator.api_url, first_retry_wait=FIRST_RETRY_WAIT)
        server = SocketModeServer(
            self.app,
            self.emulator.add_app_token(),
            web_client=api,
            ping_interval=SOCKET_PING_SECONDS,
        )
        server.connect()
        self._sockets.append(server)
        self.emulator.socket_mode.wait_connected(len(self._sockets))
        return server

    def stop(self) -> None:
        """Tear everything down."""
        if self._server:
            # Connections refused from now on; its thread ends on its own a moment later.
            self._server.stop(wait=False)
        for server in self._sockets:
            server.close()
        if self.worker and self.worker.working:
            self.worker.wait_idle()  # its last refreshes still reach the emulator
        if self.worker:
            self.worker.stop()
        self.emulator.stop()
        self.engine.dispose()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Where the bot listens for Slack's requests (HTTP only)."""
        assert self._server is not None
        return self._server.url

    def sweep(self) -> SweepReport:
        """One planning and dispatch pass as of the clock's now, as `coregroup sweep --at` does."""
        from bot.jobs import make_dispatcher, sweep

        assert self.deps is not None
        if self._dispatcher is None:
            self._dispatcher = make_dispatcher(self.deps, worker="sandbox")
        return sweep(self.deps, self._dispatcher)

    def settle(self, *, timeout: float = 30.0) -> None:
        """Wait (in real time) until the bot has finished everything it does after answering,
        so whatever a step caused is there before the clock moves on."""
        assert self.worker is not None, "this sandbox runs no worker"
        if not self.worker.wait_idle(timeout):
            raise TimeoutError("the bot's work after answering did not finish in time")

    @staticmethod
    def wait_for(probe: Callable[[], T | None], *, timeout: float = 30.0) -> T:
        """Wait (in real time) for work the bot does after acknowledging (its jobs).

        Generous, since it only bounds a failure: on a loaded 2-core machine running tests in
        parallel, work that takes milliseconds alone can take seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = probe()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not finish in time")
            time.sleep(0.01)
