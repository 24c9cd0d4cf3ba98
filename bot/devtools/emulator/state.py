"""The emulated workspace's state (users, conversations, messages, views, files) behind one lock."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock

from .errors import ApiError

TEAM_ID = "T0EMULATOR"
TEAM_DOMAIN = "coregroup-emulator"
APP_ID = "A0EMULATOR"
BOT_ID = "B0EMULATOR"
# A trigger_id is good for 3 seconds after the user's action (Slack's modal docs).
TRIGGER_LIFETIME = timedelta(seconds=3)
# Slack keeps at most three views in a modal's stack.
MAX_MODAL_STACK = 3
# Slack's own names for the London zone's two offsets; other zones fall back to the abbreviation.
_TZ_LABELS = {"GMT": "Greenwich Mean Time", "BST": "British Summer Time"}


@dataclass
class User:
    """A workspace member, a guest or the bot user."""

    id: str
    name: str
    real_name: str
    email: str | None
    tz: str
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    deleted: bool = False
    is_bot: bool = False

    def as_slack(self, instant: datetime, *, with_email: bool) -> dict[str, Any]:
        """The user object as users.info returns it, with the zone offset at `instant`."""
        local = instant.astimezone(ZoneInfo(self.tz))
        offset = local.utcoffset() or timedelta(0)
        abbreviation = local.tzname() or self.tz
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.name,
            "team": TEAM_ID,
        }
        if with_email and self.email is not None:
            profile["email"] = self.email
        if self.is_bot:
            profile["bot_id"] = BOT_ID
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
            "tz_offset": int(offset.total_seconds()),
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(instant.timestamp()),
        }


@dataclass
class Message:
    """A message in a conversation (top level or in a thread)."""

    ts: str
    channel: str
    user: str
    text: str
    at: datetime
    blocks: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    subtype: str | None = None
    files: list[str] = field(default_factory=list)
    from_app: bool = False
    edited: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ephemeral:
    """A message only one person sees, until they reload (Slack never stores it in history)."""

    ts: str
    channel: str
    user: str
    author: str
    text: str
    at: datetime
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    deleted: bool = False


@dataclass
class Conversation:
    """A public or private channel, or the bot's direct message with one person."""

    id: str
    name: str
    is_private: bool
    created: datetime
    creator: str
    is_im: bool = False
    im_user: str | None = None
    members: list[str] = field(default_factory=list)
    topic: dict[str, Any] = field(
        default_factory=lambda: {"value": "", "creator": "", "last_set": 0}
    )
    is_archived: bool = False
    messages: list[Message] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)

    def find(self, ts: str) -> Message | None:
        """The message with this ts, if it exists."""
        return next((m for m in self.messages if m.ts == ts), None)

    def kind(self) -> str:
        """The scope family for this conversation: channels, groups or im."""
        if self.is_im:
            return "im"
        return "groups" if self.is_private else "channels"

    def as_slack(self, viewer: str, *, num_members: bool = False) -> dict[str, Any]:
        """The conversation object as conversations.info returns it to `viewer`."""
        created = int(self.created.timestamp())
        if self.is_im:
            return {
                "id": self.id,
                "created": created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": created,
            "creator": self.creator,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": viewer in self.members,
            "topic": dict(self.topic),
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }
        if num_members:
            body["num_members"] = len(self.members)
        return body


@dataclass
class View:
    """A modal or a Home tab as Slack holds it for one person."""

    id: str
    user: str
    payload: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    state_values: dict[str, Any] = field(default_factory=dict)

    @property
    def type(self) -> str:
        """modal or home."""
        return str(self.payload.get("type"))

    @property
    def external_id(self) -> str:
        """The app's own id for the view, or ""."""
        return str(self.payload.get("external_id") or "")

    def as_slack(self) -> dict[str, Any]:
        """The view object as views.* answers and interaction payloads carry it."""
        body = dict(self.payload)
        body.update(
            {
                "id": self.id,
                "team_id": TEAM_ID,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
                "app_installed_team_id": TEAM_ID,
                "hash": self.hash,
                "root_view_id": self.root_view_id,
                "previous_view_id": self.previous_view_id,
                "external_id": self.external_id,
                "private_metadata": body.get("private_metadata", ""),
                "callback_id": body.get("callback_id", ""),
                "clear_on_close": bool(body.get("clear_on_close", False)),
                "notify_on_close": bool(body.get("notify_on_close", False)),
                "state": {"values": self.state_values},
            }
        )
        return body


@dataclass(frozen=True)
class ViewEvent:
    """A modal shown to or sent by a person, as it was at that moment, for transcripts.

    `ts` comes from the same sequence as message timestamps, so a form and the messages it caused
    sort in the order they happened."""

    ts: str
    at: datetime
    user: str
    view_id: str
    action: str  # opened, pushed, updated, submitted or closed
    view: dict[str, Any]


@dataclass
class Trigger:
    """A trigger_id handed to the app with a user's action; exchangeable once, within 3 s."""

    id: str
    user: str
    issued: datetime
    used: bool = False
    # The modal the action happened in, so views.push knows which stack to push on.
    view_id: str | None = None


@dataclass
class File:
    """A file: reserved by getUploadURLExternal, filled by the upload, shared on completion."""

    id: str
    name: str
    length: int
    user: str
    created: datetime
    title: str = ""
    data: bytes | None = None
    shares: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ResponseUrl:
    """A response_url handed to the app: posts to it become messages where the action happened."""

    token: str
    user: str
    channel: str
    issued: datetime
    message_ts: str | None = None
    ephemeral_origin: bool = False
    uses: int = 0


class Workspace:
    """Everything the emulated workspace holds; every read and write happens under `lock`."""

    def __init__(self, clock: Clock, bot_name: str = "coregroup") -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.users: dict[str, User] = {}
        self.conversations: dict[str, Conversation] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.homes: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.files: dict[str, File] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.pending_events: list[dict[str, Any]] = []
        # Every modal each person was shown or sent, in order (Home tabs are read as they stand).
        self.view_log: list[ViewEvent] = []
        # What the app hears: its manifest's bot events, filtered by the scopes each one needs.
        self.subscribed_events: frozenset[str] = frozenset()
        self.app_scopes: frozenset[str] = frozenset()
        self._counters: dict[str, int] = {}
        self._last_ts_us = 0
        self.bot_user_id = self.new_id("U")
        self.users[self.bot_user_id] = User(
            id=self.bot_user_id,
            name=bot_name,
            real_name="Core Group",
            email=None,
            tz="Europe/London",
            is_bot=True,
        )

    # --- ids and time -------------------------------------------------------------------------

    def now(self) -> datetime:
        """The emulator clock's instant."""
        return self.clock.now()

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-shaped id: U users, C channels, D DMs, V views, F files, Ev events."""
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}0{n:08X}"

    def new_ts(self) -> str:
        """A message ts from the emulator clock: unique and increasing even if the clock stands."""
        now_us = int(self.now().timestamp() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def new_trigger(self, user: str, view_id: str | None = None) -> str:
        """Issue a trigger_id for a user's action, shaped like Slack's ("12345.98765.abcd")."""
        n = self._counters.get("trigger", 0) + 1
        self._counters["trigger"] = n
        trigger_id = f"{n}.{int(self.now().timestamp())}.{n * 2654435761 % 2**32:08x}"
        self.triggers[trigger_id] = Trigger(trigger_id, user, self.now(), view_id=view_id)
        return trigger_id

    def log_view(self, view: View, action: str) -> None:
        """Note a modal as the person sees (or sends) it now; Home tabs are not logged."""
        if view.type != "modal":
            return
        # Payloads are replaced, never changed in place, so the log shares them with the view;
        # the values a person enters change in place, so they are copied.
        snapshot = view.as_slack()
        snapshot["state"] = {"values": copy.deepcopy(view.state_values)}
        self.view_log.append(
            ViewEvent(self.new_ts(), self.now(), view.user, view.id, action, snapshot)
        )

    # --- lookups that answer as Slack does ----------------------------------------------------

    def user(self, user_id: str) -> User:
        """The user, or `user_not_found`."""
        found = self.users.get(user_id)
        if found is None:
            raise ApiError("user_not_found")
        return found

    def visible_conversation(self, channel_id: str, viewer: str) -> Conversation:
        """The conversation as `viewer` may see it: private ones and DMs exist only for members."""
        conversation = self.conversations.get(channel_id)
        if conversation is None or (
            (conversation.is_private or conversation.is_im) and viewer not in conversation.members
        ):
            raise ApiError("channel_not_found")
        return conversation

    def im_with(self, user_id: str) -> Conversation:
        """The bot's DM with a person, created on first use."""
        for conversation in self.conversations.values():
            if conversation.is_im and conversation.im_user == user_id:
                return conversation
        conversation = Conversation(
            id=self.new_id("D"),
            name=user_id,
            is_private=True,
            created=self.now(),
            creator=self.bot_user_id,
            is_im=True,
            im_user=user_id,
            members=[self.bot_user_id, user_id],
        )
        self.conversations[conversation.id] = conversation
        return conversation

    def channel_count(self, user_id: str) -> int:
        """How many channels (not DMs) a person is in: single-channel guests may be in one."""
        return sum(1 for c in self.conversations.values() if not c.is_im and user_id in c.members)

    # --- changes shared by API methods and people's actions -----------------------------------

    def post(self, conversation: Conversation, author: str, text: str, **fields: Any) -> Message:
        """Append a message to a conversation and return it."""
        message = Message(
            ts=self.new_ts(),
            channel=conversation.id,
            user=author,
            text=text,
            at=self.now(),
            **fields,
        )
        conversation.messages.append(message)
        return message

    def add_member(self, conversation: Conversation, user_id: str, inviter: str | None) -> None:
        """Put a person in a channel, with the join message and event Slack produces."""
        conversation.members.append(user_id)
        self.post(
            conversation,
            user_id,
            f"<@{user_id}> has joined the channel",
            subtype="channel_join",
            extra={"inviter": inviter} if inviter else {},
        )
        event: dict[str, Any] = {
            "type": "member_joined_channel",
            "user": user_id,
            "channel": conversation.id,
            "channel_type": "G" if conversation.is_private else "C",
            "team": TEAM_ID,
        }
        if inviter:
            event["inviter"] = inviter
        self.queue_channel_event(conversation, event)

    def remove_member(self, conversation: Conversation, user_id: str) -> None:
        """Take a person out of a channel, with the leave message and event Slack produces."""
        self.post(
            conversation, user_id, f"<@{user_id}> has left the channel", subtype="channel_leave"
        )
        event = {
            "type": "member_left_channel",
            "user": user_id,
            "channel": conversation.id,
            "channel_type": "G" if conversation.is_private else "C",
            "team": TEAM_ID,
        }
        # Slack sends the event to apps in the channel; the bot itself leaving still hears it.
        self.queue_channel_event(conversation, event)
        conversation.members.remove(user_id)

    def queue_channel_event(self, conversation: Conversation, event: dict[str, Any]) -> None:
        """Queue a channel event if the bot is in the channel and may read that kind of channel."""
        if self.bot_user_id in conversation.members and (
            f"{conversation.kind()}:read" in self.app_scopes
        ):
            self.queue_event(event)

    def queue_event(self, event: dict[str, Any]) -> None:
        """Queue an Events API event for `deliver_pending_events`, if the app subscribes to it."""
        if event["type"] not in self.subscribed_events:
            return
        event.setdefault("event_ts", self.new_ts())
        self.pending_events.append(event)
