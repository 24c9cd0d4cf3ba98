"""What each person sees in the emulated workspace and each channel's state, for tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .state import Conversation, ViewEvent, Workspace


@dataclass(frozen=True)
class Seen:
    """One thing a person sees: a message, a thread reply, an ephemeral message or a shared file."""

    at: datetime
    kind: str
    channel: str
    channel_name: str
    ts: str
    author: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    files: tuple[str, ...]
    metadata: dict[str, Any] | None


@dataclass(frozen=True)
class ChannelState:
    """A channel as an admin would see it."""

    id: str
    name: str
    is_private: bool
    is_archived: bool
    members: tuple[str, ...]
    topic: str
    pins: tuple[str, ...]


@dataclass(frozen=True)
class SeenFile:
    """A file a person can open, and where it was shared."""

    id: str
    name: str
    title: str
    data: bytes
    channel: str
    ts: str


class Inspector:
    """Read-only questions about the workspace: "what does this person see now?"."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def _name(self, conversation: Conversation) -> str:
        if conversation.is_im:
            return f"DM with {conversation.im_user}"
        return conversation.name

    def seen_by(self, user_id: str) -> list[Seen]:
        """Everything the person sees now, oldest first: their channels, DMs and ephemerals."""
        with self.ws.lock:
            seen: list[Seen] = []
            for conversation in self.ws.conversations.values():
                if user_id not in conversation.members:
                    continue
                for m in conversation.messages:
                    kind = "reply" if m.thread_ts and m.thread_ts != m.ts else "message"
                    seen.append(
                        Seen(
                            m.at,
                            kind,
                            conversation.id,
                            self._name(conversation),
                            m.ts,
                            m.user,
                            m.text,
                            m.blocks,
                            m.thread_ts,
                            tuple(m.files),
                            m.metadata,
                        )
                    )
            for e in self.ws.ephemerals:
                if e.user == user_id and not e.deleted:
                    conversation = self.ws.conversations[e.channel]
                    seen.append(
                        Seen(
                            e.at,
                            "ephemeral",
                            e.channel,
                            self._name(conversation),
                            e.ts,
                            e.author,
                            e.text,
                            e.blocks,
                            e.thread_ts,
                            (),
                            None,
                        )
                    )
            return sorted(seen, key=lambda s: float(s.ts))

    def messages(self, channel_id: str) -> list[Seen]:
        """Every message in a channel (not ephemerals), oldest first."""
        with self.ws.lock:
            conversation = self.ws.conversations[channel_id]
            return [
                Seen(
                    m.at,
                    "reply" if m.thread_ts and m.thread_ts != m.ts else "message",
                    conversation.id,
                    self._name(conversation),
                    m.ts,
                    m.user,
                    m.text,
                    m.blocks,
                    m.thread_ts,
                    tuple(m.files),
                    m.metadata,
                )
                for m in conversation.messages
            ]

    def all_messages(self) -> list[Seen]:
        """Every message in every conversation (not ephemerals), by conversation then age."""
        with self.ws.lock:
            channel_ids = list(self.ws.conversations)
        return [m for channel_id in channel_ids for m in self.messages(channel_id)]

    def files_seen_by(self, user_id: str) -> list[SeenFile]:
        """Files shared where the person is a member."""
        with self.ws.lock:
            return [
                SeenFile(f.id, f.name, f.title, f.data or b"", channel, ts)
                for f in self.ws.files.values()
                for channel, ts in f.shares
                if user_id in self.ws.conversations[channel].members
            ]

    def modal_stack(self, user_id: str) -> list[dict[str, Any]]:
        """The modals open for the person, bottom first (the last one is what they see)."""
        with self.ws.lock:
            return [self.ws.views[v].as_slack() for v in self.ws.modal_stacks.get(user_id, [])]

    def views_seen_by(self, user_id: str) -> list[ViewEvent]:
        """Every modal the person was shown or sent, in order: opened, pushed, updated (by the
        app), submitted (with what they entered in `state.values`) or closed."""
        with self.ws.lock:
            return [event for event in self.ws.view_log if event.user == user_id]

    def home(self, user_id: str) -> dict[str, Any] | None:
        """The person's Home tab, if the app published one."""
        with self.ws.lock:
            view_id = self.ws.homes.get(user_id)
            return self.ws.views[view_id].as_slack() if view_id else None

    def channel(self, channel_id: str) -> ChannelState:
        """A channel's members, topic, pins, name and archived/private flags."""
        with self.ws.lock:
            c = self.ws.conversations[channel_id]
            return ChannelState(
                c.id,
                c.name,
                c.is_private,
                c.is_archived,
                tuple(c.members),
                str(c.topic.get("value", "")),
                tuple(c.pins),
            )

    def channel_named(self, name: str) -> ChannelState:
        """The channel with this name (archived ones included)."""
        with self.ws.lock:
            found = [c.id for c in self.ws.conversations.values() if c.name == name and not c.is_im]
        if not found:
            raise KeyError(name)
        return self.channel(found[0])

    def dm_channel(self, user_id: str) -> str | None:
        """The id of the bot's DM with the person, if one exists."""
        with self.ws.lock:
            return next(
                (c.id for c in self.ws.conversations.values() if c.is_im and c.im_user == user_id),
                None,
            )

    def transcript(self, user_id: str) -> str:
        """A readable log of what the person sees, one line per item, then open modals and Home."""
        lines = []
        for s in self.seen_by(user_id):
            where = s.channel_name + (" (thread)" if s.kind == "reply" else "")
            only = " [only visible to you]" if s.kind == "ephemeral" else ""
            files = f" [files: {', '.join(s.files)}]" if s.files else ""
            lines.append(f"{s.at.isoformat()} {where} <{s.author}>{only} {s.text}{files}")
        for view in self.modal_stack(user_id):
            lines.append(f"modal open: {view.get('title', {}).get('text', '')}")
        home = self.home(user_id)
        if home is not None:
            lines.append(f"home tab: {len(home.get('blocks', []))} blocks")
        return "\n".join(lines)
