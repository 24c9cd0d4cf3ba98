"""SlackEmulator: an in-process Slack, served over real HTTP to real slack_sdk clients."""

from __future__ import annotations

import secrets
import signal
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import yaml

from bot.clock import Clock, SystemClock

from .errors import EmulatorUsageError
from .faults import FaultInjector
from .inspector import Inspector
from .interactions import AppResponse, Interactions
from .methods import archive
from .ratelimit import WORKSPACE_POST_LIMIT, PostLimit, RateLimiter
from .server import ApiService, CallRecord, EmulatorHTTPServer
from .socket_mode import SocketModeHub
from .state import TEAM_ID, Conversation, User, Workspace

DEFAULT_MANIFEST = Path(__file__).resolve().parents[3] / "app_manifest.yml"


def _manifest(path: Path) -> dict[str, Any]:
    """The manifest, parsed once per version of the file (every emulator a test suite starts
    reads it, and parsing it costs more than starting the emulator). Read it, never change it."""
    return _parsed_manifest(path.resolve(), path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed_manifest(path: Path, _version: int) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} is not a Slack app manifest")
    return loaded


def scopes_from_manifest(path: Path | str = DEFAULT_MANIFEST) -> list[str]:
    """The bot token scopes an app manifest asks for (oauth_config.scopes.bot)."""
    return [str(s) for s in _manifest(Path(path))["oauth_config"]["scopes"]["bot"]]


def events_from_manifest(path: Path | str = DEFAULT_MANIFEST) -> list[str]:
    """The bot events an app manifest subscribes to (settings.event_subscriptions.bot_events)."""
    settings = _manifest(Path(path)).get("settings", {})
    return [str(e) for e in settings.get("event_subscriptions", {}).get("bot_events", [])]


class SlackEmulator:
    """A Slack workspace with this app installed: Web API over HTTP, people, and app traffic."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        bot_token: str = "xoxb-emulator-bot-token",  # noqa: S107
        scopes: Iterable[str] | None = None,
        events: Iterable[str] | None = None,
        port: int = 0,
        workspace_post_limit: PostLimit = WORKSPACE_POST_LIMIT,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.bot_token = bot_token
        self.workspace = Workspace(self.clock)
        self.scopes = frozenset(scopes if scopes is not None else scopes_from_manifest())
        self.workspace.app_scopes = self.scopes
        self.workspace.subscribed_events = frozenset(
            events if events is not None else events_from_manifest()
        )
        self._tokens: dict[str, frozenset[str]] = {bot_token: self.scopes}
        self.limiter = RateLimiter(self.clock, workspace_posts=workspace_post_limit)
        self.faults = FaultInjector()
        self._service = ApiService(self.workspace, self._tokens, self.limiter, self.faults)
        self._server = EmulatorHTTPServer(self._service, port)
        self.interactions = Interactions(self.workspace, self._server.base_url)
        self._service.response_url_handler = self.interactions.apply_response
        self.inspector = Inspector(self.workspace)
        self.socket_mode = SocketModeHub()
        self._service.socket_mode = self.socket_mode
        self._running = False

    # --- lifecycle ------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The base URL for `WebClient(base_url=...)`: http://127.0.0.1:PORT/api/."""
        return f"{self._server.base_url}/api/"

    @property
    def port(self) -> int:
        """The TCP port the emulator listens on."""
        return self._server.port

    def start(self) -> SlackEmulator:
        """Start serving on a background thread."""
        if not self._running:
            self._server.start()
            self.socket_mode.start()
            self._running = True
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._running:
            self.socket_mode.stop()
            self._server.stop()
            self._running = False

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # --- identities -----------------------------------------------------------------------------

    @property
    def bot_user_id(self) -> str:
        """The app's bot user (the author of what the bot posts)."""
        return self.workspace.bot_user_id

    @property
    def team_id(self) -> str:
        """The workspace id."""
        return TEAM_ID

    def add_token(self, scopes: Iterable[str]) -> str:
        """Another bot token for the same bot, with these scopes (to test missing_scope)."""
        token = f"xoxb-emulator-{secrets.token_hex(8)}"
        self._tokens[token] = frozenset(scopes)
        return token

    def add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        email: str | None = None,
        tz: str = "Europe/London",
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        deleted: bool = False,
        locale: str = "en-GB",
    ) -> str:
        """Add a person (member, guest or deactivated account) and return their user id."""
        with self.workspace.lock:
            user_id = self.workspace.new_id("U")
            self.workspace.users[user_id] = User(
                id=user_id,
                name=name,
                real_name=real_name or name,
                email=email,
                tz=tz,
                is_restricted=is_restricted or is_ultra_restricted,
                is_ultra_restricted=is_ultra_restricted,
                deleted=deleted,
                locale=locale,
            )
        return user_id

    def deactivate_user(self, user_id: str) -> None:
        """Deactivate an account: Slack removes it from every channel it was in."""
        with self.workspace.lock:
            user = self.workspace.user(user_id)
            user.deleted = True
            for conversation in self.workspace.conversations.values():
                if not conversation.is_im and user_id in conversation.members:
                    self.workspace.remove_member(conversation, user_id)

    # --- what people do -------------------------------------------------------------------------

    def _conversation(self, channel_id: str) -> Conversation:
        conversation = self.workspace.conversations.get(channel_id)
        if conversation is None:
            raise EmulatorUsageError(f"no channel {channel_id}")
        return conversation

    def _member(self, user_id: str, channel_id: str) -> Conversation:
        conversation = self._conversation(channel_id)
        if user_id not in conversation.members:
            raise EmulatorUsageError(f"{user_id} is not in {channel_id}")
        return conversation

    def create_channel_as_user(self, user_id: str, name: str, *, is_private: bool = False) -> str:
        """A person creates a channel (the bot is not in it)."""
        with self.workspace.lock:
            self.workspace.user(user_id)
            conversation = Conversation(
                id=self.workspace.new_id("C"),
                name=name,
                is_private=is_private,
                created=self.clock.now(),
                creator=user_id,
                members=[user_id],
            )
            self.workspace.conversations[conversation.id] = conversation
        return conversation.id

    def join_channel(self, user_id: str, channel_id: str, *, inviter: str | None = None) -> None:
        """A person joins (or is added by `inviter` to) a channel, with the events Slack sends."""
        with self.workspace.lock:
            conversation = self._conversation(channel_id)
            if user_id in conversation.members or conversation.is_archived:
                raise EmulatorUsageError(f"{user_id} cannot join {channel_id}")
            self.workspace.add_member(conversation, user_id, inviter)

    def leave_channel(self, user_id: str, channel_id: str) -> None:
        """A person leaves a channel (member_left_channel for the app if its bot is there)."""
        with self.workspace.lock:
            conversation = self._member(user_id, channel_id)
            self.workspace.remove_member(conversation, user_id)

    def archive_channel_as_user(self, user_id: str, channel_id: str) -> None:
        """A person archives a channel under the bot's feet."""
        with self.workspace.lock:
            conversation = self._member(user_id, channel_id)
            if conversation.is_archived:
                raise EmulatorUsageError(f"{channel_id} is already archived")
            archive(self.workspace, conversation, user_id)

    def post_as_user(
        self, user_id: str, channel_id: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person writes in a channel they are in; returns the message ts."""
        with self.workspace.lock:
            conversation = self._member(user_id, channel_id)
            if conversation.is_archived:
                raise EmulatorUsageError(f"{channel_id} is archived")
            return self.workspace.post(conversation, user_id, text, thread_ts=thread_ts).ts

    def issue_trigger(self, user_id: str) -> str:
        """A trigger_id as if the person had just acted (for tests of views.open alone)."""
        with self.workspace.lock:
            return self.workspace.new_trigger(user_id)

    # --- rate limits, faults and the call log ---------------------------------------------------

    @property
    def rate_limits_enabled(self) -> bool:
        """Whether calls are rate limited (on by default)."""
        return self.limiter.enabled

    @rate_limits_enabled.setter
    def rate_limits_enabled(self, enabled: bool) -> None:
        self.limiter.enabled = enabled
        self.limiter.reset()

    @property
    def workspace_post_limit(self) -> PostLimit:
        """The workspace-wide limit on chat.postMessage (Slack does not publish its figure)."""
        return self.limiter.workspace_posts

    @workspace_post_limit.setter
    def workspace_post_limit(self, limit: PostLimit) -> None:
        self.limiter.workspace_posts = limit

    @property
    def calls(self) -> list[CallRecord]:
        """Every Web API call so far, in arrival order (tokens left out)."""
        return list(self._service.calls)

    def calls_to(self, method: str) -> list[CallRecord]:
        """The calls to one method."""
        return [c for c in self._service.calls if c.method == method]

    @property
    def contract_violations(self) -> list[str]:
        """Errors answered that the method's contract does not declare (should stay empty)."""
        return list(self._service.contract_violations)

    # --- Slack → app ----------------------------------------------------------------------------

    def connect_app(self, request_url: str, signing_secret: str) -> None:
        """Where Slack sends the app's commands, interactions and events, and the secret it signs with."""  # noqa: E501
        self.interactions.request_url = request_url
        self.interactions.signing_secret = signing_secret

    def add_app_token(self) -> str:
        """An app-level token (`xapp-...`, connections:write) for opening Socket Mode links."""
        return self.socket_mode.add_app_token()

    def use_socket_mode(self, enabled: bool = True) -> None:
        """Send the app's commands, interactions and events over Socket Mode instead of HTTP."""
        self.interactions.socket_mode = self.socket_mode if enabled else None

    def sign(self, body: bytes, timestamp: int) -> dict[str, str]:
        """Slack's signature headers for `body` at `timestamp`, to craft requests by hand."""
        return self.interactions.sign(body, timestamp)

    def slash_command(
        self, user_id: str, channel_id: str, command: str, text: str = ""
    ) -> AppResponse:
        """A person runs a slash command in a channel they are in."""
        return self.interactions.slash_command(user_id, channel_id, command, text)

    def click(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str,
        action_id: str,
        value: Any = None,
        *,
        block_id: str | None = None,
    ) -> AppResponse:
        """A person clicks a button (or picks `value` in a menu) in a message they can see."""
        return self.interactions.click(
            user_id, channel_id, message_ts, action_id, value, block_id=block_id
        )

    def click_in_view(
        self,
        user_id: str,
        view_id: str,
        action_id: str,
        value: Any = None,
        *,
        block_id: str | None = None,
    ) -> AppResponse:
        """A person clicks or picks in their open modal or Home tab."""
        return self.interactions.click_in_view(
            user_id, view_id, action_id, value, block_id=block_id
        )

    def submit_view(
        self, user_id: str, view_id: str, values: dict[tuple[str, str], Any] | None = None
    ) -> AppResponse:
        """A person submits their modal with {(block_id, action_id): value} filled in."""
        return self.interactions.submit_view(user_id, view_id, values or {})

    def close_view(self, user_id: str, view_id: str) -> AppResponse | None:
        """A person closes their modal (view_closed goes to the app if notify_on_close)."""
        return self.interactions.close_view(user_id, view_id)

    def open_home(self, user_id: str) -> None:
        """A person opens the app's Home tab: queue app_home_opened."""
        with self.workspace.lock:
            self.workspace.user(user_id)
            dm = self.workspace.im_with(user_id)
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": dm.id,
                "tab": "home",
            }
            view_id = self.workspace.homes.get(user_id)
            if view_id:
                event["view"] = self.workspace.views[view_id].as_slack()
            self.workspace.queue_event(event)

    def deliver_event(
        self,
        event: dict[str, Any],
        retry_num: int | None = None,
        *,
        retry_reason: str = "http_timeout",
        event_id: str | None = None,
    ) -> AppResponse:
        """Send an event to the app now (reuse `event_id` with `retry_num` for a redelivery)."""
        return self.interactions.deliver_event(
            event, retry_num=retry_num, retry_reason=retry_reason, event_id=event_id
        )

    @property
    def pending_events(self) -> list[dict[str, Any]]:
        """Events queued by state changes and not yet delivered."""
        with self.workspace.lock:
            return list(self.workspace.pending_events)

    def deliver_pending_events(self) -> list[AppResponse]:
        """Deliver the queued events (with Slack's retries for unacknowledged ones)."""
        return self.interactions.deliver_pending_events()


DEFAULT_APP_URL = "http://127.0.0.1:3000/slack/events"  # where `coregroup serve` listens
DEFAULT_SIGNING_SECRET = "emulator-signing-secret"  # noqa: S105 - a local rehearsal's, not Slack's
SAY_WAIT_SECONDS = 3.0  # how long `say` waits for what the bot shows after its answer


def _say(emulator: SlackEmulator, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A person types `text` ("/coregroup help") in a channel they are in; what they then see."""
    import time

    user, text = payload.get("user"), str(payload.get("text") or "").strip()
    if not isinstance(user, str) or user not in emulator.workspace.users:
        return 400, {"ok": False, "error": f"no person {user} in the emulated workspace"}
    if not text.startswith("/"):
        return 400, {"ok": False, "error": "say a slash command, e.g. /coregroup help"}
    command, _, words = text.partition(" ")
    channel = payload.get("channel") or next(
        (
            c.id
            for c in emulator.workspace.conversations.values()
            if not c.is_im and user in c.members
        ),
        None,
    )
    if not isinstance(channel, str) or channel not in emulator.workspace.conversations:
        return 400, {"ok": False, "error": f"{user} is in no channel to type in"}
    before = {s.ts for s in emulator.inspector.seen_by(user)}
    answer = emulator.slash_command(user, channel, command, words.strip())
    seen: list[str] = []
    deadline = time.monotonic() + SAY_WAIT_SECONDS
    while time.monotonic() < deadline:
        seen = [s.text for s in emulator.inspector.seen_by(user) if s.ts not in before]
        if seen:
            break
        time.sleep(0.05)
    return 200, {"ok": True, "status": answer.status, "seen": seen}


def run_standalone(
    port: int,
    bot_token: str,
    scopes: list[str],
    *,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    app_url: str = DEFAULT_APP_URL,
) -> None:
    """Serve the emulator on 127.0.0.1:`port` on the real clock until SIGINT or SIGTERM, sending
    what people do to `app_url`; print what to paste into the shell that runs the bot."""
    emulator = SlackEmulator(clock=SystemClock(), bot_token=bot_token, scopes=scopes, port=port)
    emulator.connect_app(app_url, signing_secret)
    person = emulator.add_user("alex", real_name="Alex Example")
    general = emulator.create_channel_as_user(person, "general")
    emulator._service.say_handler = lambda payload: _say(emulator, payload)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    emulator.start()
    print(f"Slack emulator ready: SLACK_API_URL={emulator.api_url}", flush=True)
    print(
        "Paste these into the shell that runs `coregroup serve`:\n"
        f"  export SLACK_API_URL={emulator.api_url}\n"
        f"  export SLACK_BOT_TOKEN={bot_token}\n"
        f"  export SLACK_SIGNING_SECRET={signing_secret}\n"
        f"What people do is sent, signed, to {app_url}.\n"
        f"Alex Example is {person}, in #general ({general}). Try:\n"
        f'  coregroup emulator say --as {person} "/coregroup help"',
        flush=True,
    )
    try:
        stopping.wait()
    finally:
        emulator.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
