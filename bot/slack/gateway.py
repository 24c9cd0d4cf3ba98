"""The bot's door to Slack's Web API: typed calls, and Slack's errors turned into one exception."""

from __future__ import annotations

import copy
import http.client
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Tries at sharing a file whose completion's answer is lost (the client's own retries are 3).
SHARE_ATTEMPTS = 4

# The subtypes of messages an app posts itself (none, or a file share); others are channel events.
_POSTED = (None, "bot_message", "file_share")


class SlackError(Exception):
    """Slack refused a call; `code` is Slack's error string (e.g. `name_taken`)."""

    def __init__(self, code: str, method: str) -> None:
        super().__init__(f"{method}: {code}")
        self.code = code
        self.method = method


@dataclass(frozen=True)
class SlackUser:
    """What the bot needs to know about a workspace user."""

    id: str
    name: str
    tz: str | None
    deleted: bool
    is_guest: bool
    is_bot: bool
    # The language of their Slack, e.g. "cy-GB", where Slack says (include_locale).
    locale: str | None = None


def _call(method: str, fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except SlackApiError as error:
        status = error.response.status_code
        data = error.response.data
        code = data.get("error") if isinstance(data, dict) and status < 500 else None
        # A server error (often not Slack's JSON, from a proxy) is named by its status.
        raise SlackError(str(code or f"http_{status}"), method) from None


def _blocks(blocks: Sequence[Block | dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if blocks is None:
        return None
    return [b.to_dict() if isinstance(b, Block) else b for b in blocks]


@dataclass(frozen=True)
class BotMessage:
    """One of the bot's messages as history shows it: enough to tell which case it was about."""

    ts: str
    text: str
    metadata_key: str
    files: tuple[tuple[str, str], ...]  # (file id, file name)


class SlackGateway:
    """Thin, typed wrappers over the WebClient calls the services make."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._bot_user_id: str | None = None
        # For a call that must not be sent again blind: it still waits out a 429 (Slack applied
        # nothing), but a dropped connection or a 5xx comes back here, where the caller can look
        # at what Slack did before trying again.
        self._once = copy.copy(client)
        self._once.retry_handlers = [
            h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)
        ]

    def bot_user_id(self) -> str:
        """The bot's own user id (asked once of auth.test, then remembered)."""
        if self._bot_user_id is None:
            self._bot_user_id = str(_call("auth.test", self.client.auth_test)["user_id"])
        return self._bot_user_id

    def user(self, user_id: str) -> SlackUser:
        """Look a user up (raises SlackError `user_not_found`)."""
        user = _call("users.info", self.client.users_info, user=user_id, include_locale=True)[
            "user"
        ]
        profile = user.get("profile", {})
        return SlackUser(
            id=user["id"],
            name=profile.get("display_name") or user.get("real_name") or user.get("name", ""),
            tz=user.get("tz"),
            deleted=bool(user.get("deleted")),
            is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
            is_bot=bool(user.get("is_bot")),
            locale=user.get("locale") if isinstance(user.get("locale"), str) else None,
        )

    def create_private_channel(self, name: str) -> str:
        """Create a private channel and return its id."""
        result = _call(
            "conversations.create", self.client.conversations_create, name=name, is_private=True
        )
        return str(result["channel"]["id"])

    def own_private_channel(self, name: str) -> str | None:
        """The id of the private channel called `name` that the bot made and is in, if any (a
        channel made by an attempt that stopped before it could record the id)."""
        bot = self.bot_user_id()
        cursor: str | None = None
        while True:
            page = _call(
                "users.conversations",
                self.client.users_conversations,
                types="private_channel",
                limit=200,
                cursor=cursor,
            )
            for channel in page.get("channels") or []:
                if channel.get("name") == name and channel.get("creator") == bot:
                    return str(channel["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    def invite(self, channel: str, user_id: str) -> None:
        """Invite one user to a channel."""
        _call(
            "conversations.invite", self.client.conversations_invite, channel=channel, users=user_id
        )

    def remove(self, channel: str, user_id: str) -> None:
        """Remove one user from a channel."""
        _call("conversations.kick", self.client.conversations_kick, channel=channel, user=user_id)

    def set_topic(self, channel: str, topic: str) -> None:
        """Set a channel's topic."""
        _call(
            "conversations.setTopic",
            self.client.conversations_setTopic,
            channel=channel,
            topic=topic,
        )

    def change_topic(self, channel: str, topic: str) -> None:
        """Set a channel's topic unless it already says that (Slack posts a line in the channel
        each time a topic is set, even to the same words)."""
        info = _call("conversations.info", self.client.conversations_info, channel=channel)
        if (info["channel"].get("topic") or {}).get("value") != topic:
            self.set_topic(channel, topic)

    def archive(self, channel: str) -> None:
        """Archive a channel."""
        _call("conversations.archive", self.client.conversations_archive, channel=channel)

    def channel_is_archived(self, channel: str) -> bool:
        """Whether a channel has been archived (or has gone altogether)."""
        try:
            info = _call("conversations.info", self.client.conversations_info, channel=channel)
        except SlackError as error:
            if error.code == "channel_not_found":
                return True
            raise
        return bool(info["channel"].get("is_archived"))

    def channel_members(self, channel: str) -> list[str]:
        """Every member of a channel (follows pagination)."""
        members: list[str] = []
        cursor: str | None = None
        while True:
            page = _call(
                "conversations.members",
                self.client.conversations_members,
                channel=channel,
                limit=200,
                cursor=cursor,
            )
            members.extend(page["members"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    def post(
        self,
        channel: str,
        text: str,
        blocks: Sequence[Block | dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        thread_ts: str | None = None,
    ) -> tuple[str, str]:
        """Post a message and return (channel id, ts); a user id as channel posts to their DM,
        and `thread_ts` makes it a reply in that message's thread."""
        result = _call(
            "chat.postMessage",
            self.client.chat_postMessage,
            channel=channel,
            text=text,
            blocks=_blocks(blocks),
            metadata=metadata,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(result["channel"]), str(result["ts"])

    def update(
        self, channel: str, ts: str, text: str, blocks: Sequence[Block | dict[str, Any]] | None
    ) -> None:
        """Update a message in place."""
        _call(
            "chat.update",
            self.client.chat_update,
            channel=channel,
            ts=ts,
            text=text,
            blocks=_blocks(blocks),
        )

    def ephemeral(self, channel: str, user_id: str, text: str) -> None:
        """Show a message to one person in a channel."""
        _call(
            "chat.postEphemeral",
            self.client.chat_postEphemeral,
            channel=channel,
            user=user_id,
            text=text,
        )

    def open_dm(self, user_id: str) -> str:
        """The id of the direct message between the bot and a person."""
        result = _call("conversations.open", self.client.conversations_open, users=user_id)
        return str(result["channel"]["id"])

    def upload(
        self,
        channel: str,
        filename: str,
        content: bytes,
        title: str,
        thread_ts: str | None = None,
    ) -> None:
        """Share a file into a channel, or into a message's thread there (Slack's three-step
        upload), once however often a dropped connection makes the last step go again."""
        self.share_file(channel, self.reserve_file(filename, content), title, thread_ts)

    def reserve_file(self, filename: str, content: bytes) -> str:
        """Upload a file's bytes without sharing it (Slack's first two upload steps); its id,
        which `share_file` then shares. A caller that records the id between the two can tell,
        after a crash, whether the file was shared."""
        reserved = _call(
            "files.getUploadURLExternal",
            self.client.files_getUploadURLExternal,
            filename=filename,
            length=len(content),
        )
        url = str(reserved["upload_url"])
        if not url.startswith(("https://", "http://")):
            raise SlackError("invalid_upload_url", "files.getUploadURLExternal")
        upload = urllib.request.Request(url, data=content, method="POST")  # noqa: S310 - http(s)
        with urllib.request.urlopen(upload, timeout=self.client.timeout) as answer:  # noqa: S310
            if answer.status != 200:
                raise SlackError(f"http_{answer.status}", "files.upload")
        return str(reserved["file_id"])

    def share_file(
        self, channel: str, file_id: str, title: str, thread_ts: str | None = None
    ) -> None:
        """Share a file `reserve_file` uploaded into a channel, or a thread there (Slack's last
        upload step), once. Each completion shares the file again, and one whose answer was lost
        (a dropped connection, a 5xx) may have been applied; so it is not retried blind, as the
        client retries other calls, but only once the channel's history shows no share of it."""
        for attempt in range(1, SHARE_ATTEMPTS + 1):
            try:
                _call(
                    "files.completeUploadExternal",
                    self._once.files_completeUploadExternal,
                    files=[{"id": file_id, "title": title}],
                    channel_id=channel,
                    thread_ts=thread_ts,
                )
                return
            except (SlackError, OSError, http.client.HTTPException) as error:
                lost = not isinstance(error, SlackError) or error.code.startswith("http_5")
                if not lost or attempt == SHARE_ATTEMPTS:
                    raise
            if self.shares_file(channel, file_id):
                return  # the lost answer's completion was applied

    def shares_file(self, channel: str, file_id: str) -> bool:
        """Whether one of the bot's messages in a channel shares this file."""
        return any(
            shared == file_id for m in self.bot_messages(channel) for shared, _name in m.files
        )

    def bot_messages(self, channel: str) -> list[BotMessage]:
        """The bot's own messages in a conversation, newest first (follows pagination), each
        thread's replies before the message they answer, so deleting in order empties a thread
        before its head."""
        bot = self.bot_user_id()
        found: list[BotMessage] = []
        for message in self._pages(
            "conversations.history", self.client.conversations_history, channel=channel
        ):
            if message.get("reply_count"):
                replies = self._pages(
                    "conversations.replies",
                    self.client.conversations_replies,
                    channel=channel,
                    ts=str(message["ts"]),
                )
                found.extend(
                    reversed(
                        [
                            mine
                            for reply in replies
                            if reply.get("ts") != message.get("ts")
                            and (mine := _bot_message(reply, bot)) is not None
                        ]
                    )
                )
            mine = _bot_message(message, bot)
            if mine is not None:
                found.append(mine)
        return found

    def _pages(self, method: str, call: Any, **args: Any) -> list[dict[str, Any]]:
        """Every message a paginated history call returns."""
        messages: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = _call(method, call, limit=200, cursor=cursor, include_all_metadata=True, **args)
            messages.extend(page.get("messages") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return messages

    def delete_message(self, channel: str, ts: str) -> None:
        """Delete one of the bot's own messages; one already gone counts as deleted."""
        try:
            _call("chat.delete", self.client.chat_delete, channel=channel, ts=ts)
        except SlackError as error:
            if error.code != "message_not_found":
                raise

    def delete_file(self, file_id: str) -> None:
        """Delete a file the bot shared; one already gone counts as deleted."""
        try:
            _call("files.delete", self.client.files_delete, file=file_id)
        except SlackError as error:
            if error.code not in ("file_not_found", "file_deleted"):
                raise

    def pin(self, channel: str, ts: str) -> None:
        """Pin a message."""
        _call("pins.add", self.client.pins_add, channel=channel, timestamp=ts)

    def open_view(self, trigger_id: str, view: View) -> str:
        """Open a modal and return its view id."""
        result = _call("views.open", self.client.views_open, trigger_id=trigger_id, view=view)
        return str(result["view"]["id"])

    def update_view(self, view_id: str, view: View) -> None:
        """Replace the contents of an open modal."""
        _call("views.update", self.client.views_update, view_id=view_id, view=view)

    def publish_home(self, user_id: str, view: View) -> None:
        """Publish a person's Home tab."""
        _call("views.publish", self.client.views_publish, user_id=user_id, view=view)


def _bot_message(message: dict[str, Any], bot: str) -> BotMessage | None:
    """One of the bot's own posts or file shares; never a channel event that names it (a join,
    the archiving), which is Slack's record and not a message anyone can delete."""
    if message.get("user") != bot or message.get("subtype") not in _POSTED:
        return None
    metadata = message.get("metadata") or {}
    return BotMessage(
        ts=str(message["ts"]),
        text=str(message.get("text") or ""),
        metadata_key=str((metadata.get("event_payload") or {}).get("key") or ""),
        files=tuple(
            (str(f.get("id")), str(f.get("name") or "")) for f in message.get("files") or []
        ),
    )
