"""The Web API methods' semantics: what each call changes in the workspace and what it answers."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import blockkit
from .errors import ApiError
from .state import (
    APP_ID,
    BOT_ID,
    MAX_MODAL_STACK,
    TEAM_DOMAIN,
    TEAM_ID,
    TRIGGER_LIFETIME,
    Conversation,
    Message,
    View,
    Workspace,
)

# Slack truncates message text past 40,000 characters (changelog 2018-04); chat.postMessage no
# longer documents msg_too_long, while chat.postEphemeral and chat.update still do.
MAX_TEXT = 40_000
MAX_TOPIC = 250
MAX_CHANNEL_NAME = 80
_CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
_TRIGGER_SHAPE = re.compile(r"\d+\.\d+\.[0-9a-f]+")


@dataclass
class Call:
    """One authenticated Web API call: its arguments, the token's scopes and where we serve."""

    method: str
    args: dict[str, Any]
    scopes: frozenset[str]
    base_url: str

    def text(self, name: str) -> str | None:
        """A string argument, or None when absent."""
        value = self.args.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def flag(self, name: str) -> bool:
        """A boolean argument as Slack reads it: true, 1 (slack_sdk sends 1/0) or JSON true."""
        value = self.args.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))

    def number(self, name: str, default: int) -> int:
        """An integer argument, or invalid_arguments."""
        value = self.args.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] invalid integer: {name}"]},
            ) from None

    def require_scope(self, *any_of: str) -> None:
        """Refuse with missing_scope unless the token holds one of `any_of`."""
        if not self.scopes.intersection(any_of):
            raise ApiError(
                "missing_scope", needed=",".join(any_of), provided=",".join(sorted(self.scopes))
            )


Handler = Callable[[Workspace, Call], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def _method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


# --- helpers -----------------------------------------------------------------------------------


def _scope_for(conversation: Conversation, action: str) -> tuple[str, ...]:
    """The scopes that let a bot do `action` (read, history, write) on this conversation."""
    kind = conversation.kind()
    if action == "write":
        return {"channels": ("channels:manage",), "groups": ("groups:write",)}.get(
            kind, ("im:write",)
        )
    return (f"{kind}:{action}",)


def _writable(ws: Workspace, call: Call, channel_id: str) -> Conversation:
    """A conversation the bot may change: visible, in it, not archived."""
    conversation = ws.visible_conversation(channel_id, ws.bot_user_id)
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    if conversation.is_archived:
        raise ApiError("is_archived")
    return conversation


def message_json(
    message: Message,
    *,
    with_metadata: bool,
    replies: list[Message] | None = None,
    files: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message as conversations.history / replies and interaction payloads show it."""
    body: dict[str, Any] = {
        "type": "message",
        "ts": message.ts,
        "user": message.user,
        "text": message.text,
        "team": TEAM_ID,
    }
    if message.from_app:
        body.update({"bot_id": BOT_ID, "app_id": APP_ID})
    if message.subtype:
        body["subtype"] = message.subtype
    if message.blocks is not None:
        body["blocks"] = message.blocks
    if message.thread_ts:
        body["thread_ts"] = message.thread_ts
    if replies:
        body.update(
            {
                "thread_ts": message.ts,
                "reply_count": len(replies),
                "reply_users": sorted({r.user for r in replies}),
                "latest_reply": replies[-1].ts,
            }
        )
    if message.files:
        # History shows each file's object; its name is what tells an app which file it shared.
        known = files or {}
        body["files"] = [
            {"id": f, "name": known[f].name} if f in known else {"id": f} for f in message.files
        ]
        body["upload"] = True
    if message.edited:
        body["edited"] = message.edited
    if with_metadata and message.metadata is not None:
        body["metadata"] = message.metadata
    body.update(message.extra)
    return body


def _replies(conversation: Conversation, parent_ts: str) -> list[Message]:
    return [m for m in conversation.messages if m.thread_ts == parent_ts and m.ts != parent_ts]


def _message_content(call: Call, *, required: bool, limit_error: str | None) -> dict[str, Any]:
    """Text, blocks and metadata of a post or update, checked as Slack checks them."""
    text = call.text("text")
    blocks_arg = call.args.get("blocks")
    blocks = None
    if blocks_arg not in (None, "", []):
        blocks = blockkit.check_message_blocks(blocks_arg)
    if required and not text and not blocks and not call.args.get("attachments"):
        raise ApiError("no_text")
    text = text or ""
    if len(text) > MAX_TEXT:
        if limit_error:
            raise ApiError(limit_error)
        text = text[:MAX_TEXT]
    content: dict[str, Any] = {"text": text, "blocks": blocks}
    if call.args.get("metadata") not in (None, ""):
        metadata = blockkit.decode_json_arg(call.args["metadata"], error="invalid_metadata_format")
        if not isinstance(metadata, dict):
            raise ApiError("invalid_metadata_format")
        if not isinstance(metadata.get("event_type"), str) or not isinstance(
            metadata.get("event_payload", {}), dict
        ):
            raise ApiError("invalid_metadata_schema")
        if len(json.dumps(metadata)) > 8_000:
            raise ApiError("metadata_too_large")
        content["metadata"] = {
            "event_type": metadata["event_type"],
            "event_payload": metadata.get("event_payload", {}),
        }
    return content


def _page(items: list[Any], call: Call, default_limit: int) -> tuple[list[Any], str]:
    """Slice by Slack's opaque cursor and limit; return the page and the next cursor ("" at end)."""
    limit = call.number("limit", default_limit)
    if limit < 1:
        raise (
            ApiError("invalid_limit")
            if call.method == "conversations.members"
            else ApiError(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] invalid limit"]}
            )
        )
    cursor = call.text("cursor") or ""
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor.encode()).decode().removeprefix("next:"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
    page = items[start : start + limit]
    following = start + limit
    next_cursor = (
        base64.b64encode(f"next:{following}".encode()).decode() if following < len(items) else ""
    )
    return page, next_cursor


def _ts_bound(call: Call, name: str, error: str) -> float | None:
    value = call.text(name)
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ApiError(error) from None


def _in_window(ts: str, call: Call) -> bool:
    oldest = _ts_bound(call, "oldest", "invalid_ts_oldest")
    latest = _ts_bound(call, "latest", "invalid_ts_latest")
    inclusive = call.flag("inclusive")
    value = float(ts)
    if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
        return False
    return not (latest is not None and (value > latest or (value == latest and not inclusive)))


# --- auth and users ----------------------------------------------------------------------------


@_method("apps.connections.open")
def apps_connections_open(ws: Workspace, call: Call) -> dict[str, Any]:
    """Reached only with a bot token (app-level tokens are served by the Socket Mode hub)."""
    raise ApiError("invalid_auth")


@_method("auth.test")
def auth_test(ws: Workspace, call: Call) -> dict[str, Any]:
    """Who the token belongs to."""
    return {
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": "Core Group Emulator",
        "user": ws.users[ws.bot_user_id].name,
        "team_id": TEAM_ID,
        "user_id": ws.bot_user_id,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


@_method("users.info")
def users_info(ws: Workspace, call: Call) -> dict[str, Any]:
    """A person's profile, with tz_offset at the emulator's now."""
    user = ws.user(call.text("user") or "")
    with_email = "users:read.email" in call.scopes
    with_locale = call.flag("include_locale")
    return {"user": user.as_slack(ws.now(), with_email=with_email, with_locale=with_locale)}


@_method("users.lookupByEmail")
def users_lookup_by_email(ws: Workspace, call: Call) -> dict[str, Any]:
    """Find an active person by email."""
    email = (call.text("email") or "").lower()
    for user in ws.users.values():
        if user.email and user.email.lower() == email and not user.deleted:
            return {"user": user.as_slack(ws.now(), with_email=True)}
    raise ApiError("users_not_found")


# --- conversations -----------------------------------------------------------------------------


@_method("conversations.create")
def conversations_create(ws: Workspace, call: Call) -> dict[str, Any]:
    """Create a channel with the bot as its creator and first member."""
    is_private = call.flag("is_private")
    call.require_scope("groups:write") if is_private else call.require_scope("channels:manage")
    name = call.text("name") or ""
    if not name:
        raise ApiError("invalid_name_required")
    if len(name) > MAX_CHANNEL_NAME:
        raise ApiError("invalid_name_maxlength")
    if not _CHANNEL_NAME.fullmatch(name):
        raise ApiError("invalid_name_specials")
    # Archived channels keep their names, so a name stays taken after archiving.
    if any(c.name == name and not c.is_im for c in ws.conversations.values()):
        raise ApiError("name_taken")
    conversation = Conversation(
        id=ws.new_id("C"),
        name=name,
        is_private=is_private,
        created=ws.now(),
        creator=ws.bot_user_id,
        members=[ws.bot_user_id],
    )
    ws.conversations[conversation.id] = conversation
    return {"channel": conversation.as_slack(ws.bot_user_id)}


@_method("conversations.invite")
def conversations_invite(ws: Workspace, call: Call) -> dict[str, Any]:
    """Invite people; without `force`, one failure invites nobody and lists every failure."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    if conversation.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    call.require_scope(
        *_scope_for(conversation, "write"), "channels:write.invites", "groups:write.invites"
    )
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    if conversation.is_archived:
        raise ApiError("is_archived")
    user_ids = [u.strip() for u in (call.text("users") or "").split(",") if u.strip()]
    if not user_ids:
        raise ApiError("no_user")
    errors: list[dict[str, Any]] = []
    valid: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        problem = _invite_problem(ws, conversation, user_id)
        if problem:
            errors.append({"user": user_id, "ok": False, "error": problem})
        else:
            valid.append(user_id)
    if errors and (not call.flag("force") or not valid):
        raise ApiError(errors[0]["error"], errors=errors)
    for user_id in valid:
        ws.add_member(conversation, user_id, inviter=ws.bot_user_id)
    body: dict[str, Any] = {"channel": conversation.as_slack(ws.bot_user_id)}
    if errors:
        body["errors"] = errors
    return body


def _invite_problem(ws: Workspace, conversation: Conversation, user_id: str) -> str | None:
    user = ws.users.get(user_id)
    if user is None:
        return "user_not_found"
    if user_id == ws.bot_user_id:
        return "cant_invite_self"
    if user.deleted:
        # The id is valid (users.info still answers it) but the account cannot join anything.
        return "cant_invite"
    if user_id in conversation.members:
        return "already_in_channel"
    if user.is_ultra_restricted and ws.channel_count(user_id) >= 1:
        return "ura_max_channels"
    return None


@_method("conversations.kick")
def conversations_kick(ws: Workspace, call: Call) -> dict[str, Any]:
    """Remove a person from a channel."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    if conversation.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    call.require_scope(*_scope_for(conversation, "write"))
    user_id = call.text("user") or ""
    if user_id not in ws.users:
        raise ApiError("user_not_found")
    if user_id == ws.bot_user_id:
        raise ApiError("cant_kick_self")
    if ws.bot_user_id not in conversation.members or user_id not in conversation.members:
        raise ApiError("not_in_channel")
    ws.remove_member(conversation, user_id)
    return {}


@_method("conversations.setTopic")
def conversations_set_topic(ws: Workspace, call: Call) -> dict[str, Any]:
    """Set a channel's topic, posting Slack's "set the channel topic" message."""
    conversation = _writable(ws, call, call.text("channel") or "")
    if conversation.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    call.require_scope(
        *_scope_for(conversation, "write"), "channels:write.topic", "groups:write.topic"
    )
    topic = call.text("topic") or ""
    if len(topic) > MAX_TOPIC:
        raise ApiError("too_long")
    conversation.topic = {
        "value": topic,
        "creator": ws.bot_user_id,
        "last_set": int(ws.now().timestamp()),
    }
    ws.post(
        conversation,
        ws.bot_user_id,
        f"set the channel topic: {topic}",
        subtype="channel_topic",
        extra={"topic": topic},
    )
    return {"channel": conversation.as_slack(ws.bot_user_id)}


@_method("conversations.info")
def conversations_info(ws: Workspace, call: Call) -> dict[str, Any]:
    """A conversation's details, for members of private ones."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    call.require_scope(*_scope_for(conversation, "read"))
    return {
        "channel": conversation.as_slack(
            ws.bot_user_id, num_members=call.flag("include_num_members")
        )
    }


@_method("users.conversations")
def users_conversations(ws: Workspace, call: Call) -> dict[str, Any]:
    """The conversations the bot is a member of, of the types asked for, paginated."""
    types = set((call.text("types") or "public_channel").split(","))
    if not types <= {"public_channel", "private_channel", "mpim", "im"}:
        raise ApiError("invalid_types")
    if "private_channel" in types:
        call.require_scope("groups:read")
    wanted = [
        c
        for c in ws.conversations.values()
        if not c.is_im
        and ws.bot_user_id in c.members
        and ("private_channel" if c.is_private else "public_channel") in types
        and not (call.flag("exclude_archived") and c.is_archived)
    ]
    page, next_cursor = _page(wanted, call, 100)
    return {
        "channels": [c.as_slack(ws.bot_user_id) for c in page],
        "response_metadata": {"next_cursor": next_cursor},
    }


@_method("conversations.members")
def conversations_members(ws: Workspace, call: Call) -> dict[str, Any]:
    """A conversation's members, paginated."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    call.require_scope(*_scope_for(conversation, "read"))
    page, next_cursor = _page(list(conversation.members), call, 100)
    return {"members": page, "response_metadata": {"next_cursor": next_cursor}}


@_method("conversations.archive")
def conversations_archive(ws: Workspace, call: Call) -> dict[str, Any]:
    """Archive a channel the bot is in."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    if conversation.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    call.require_scope(*_scope_for(conversation, "write"))
    if conversation.is_archived:
        raise ApiError("already_archived")
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    archive(ws, conversation, ws.bot_user_id)
    return {}


def archive(ws: Workspace, conversation: Conversation, by: str) -> None:
    """Archive a conversation as `by` (the bot or a person)."""
    ws.post(conversation, by, "archived the channel", subtype="channel_archive")
    conversation.is_archived = True


@_method("conversations.unarchive")
def conversations_unarchive(ws: Workspace, call: Call) -> dict[str, Any]:
    """Unarchive a channel."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    if conversation.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    call.require_scope(*_scope_for(conversation, "write"))
    if not conversation.is_archived:
        raise ApiError("not_archived")
    conversation.is_archived = False
    ws.post(conversation, ws.bot_user_id, "un-archived the channel", subtype="channel_unarchive")
    return {}


@_method("conversations.history")
def conversations_history(ws: Workspace, call: Call) -> dict[str, Any]:
    """Top-level messages newest first; metadata only with include_all_metadata."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    call.require_scope(*_scope_for(conversation, "history"))
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    with_metadata = call.flag("include_all_metadata")
    top = [
        m
        for m in reversed(conversation.messages)
        if (m.thread_ts is None or m.thread_ts == m.ts) and _in_window(m.ts, call)
    ]
    page, next_cursor = _page(top, call, 100)
    messages = [
        message_json(
            m, with_metadata=with_metadata, replies=_replies(conversation, m.ts), files=ws.files
        )
        for m in page
    ]
    return {
        "messages": messages,
        "has_more": bool(next_cursor),
        "pin_count": len(conversation.pins),
        "response_metadata": {"next_cursor": next_cursor},
    }


@_method("conversations.replies")
def conversations_replies(ws: Workspace, call: Call) -> dict[str, Any]:
    """A thread: its parent then its replies, oldest first."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    call.require_scope(*_scope_for(conversation, "history"))
    parent = conversation.find(call.text("ts") or "")
    if parent is None:
        raise ApiError("thread_not_found")
    root = conversation.find(parent.thread_ts) if parent.thread_ts else parent
    root = root or parent
    replies = _replies(conversation, root.ts)
    thread = [root, *replies]
    chosen = [m for m in thread if _in_window(m.ts, call) or m is root]
    page, next_cursor = _page(chosen, call, 1000)
    with_metadata = call.flag("include_all_metadata")
    messages = [
        message_json(
            m,
            with_metadata=with_metadata,
            replies=replies if m is root else None,
            files=ws.files,
        )
        for m in page
    ]
    return {
        "messages": messages,
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


@_method("conversations.open")
def conversations_open(ws: Workspace, call: Call) -> dict[str, Any]:
    """Open (or find) the bot's DM with one person."""
    channel_id = call.text("channel")
    users = [u.strip() for u in (call.text("users") or "").split(",") if u.strip()]
    if channel_id:
        conversation = ws.visible_conversation(channel_id, ws.bot_user_id)
        if not conversation.is_im:
            raise ApiError("method_not_supported_for_channel_type")
    elif not users:
        raise ApiError("users_list_not_supplied")
    elif len(users) > 1:
        # A group DM needs mpim:write, which this emulator does not model beyond the refusal.
        call.require_scope("mpim:write")
        raise ApiError("method_not_supported_for_channel_type")
    else:
        call.require_scope("im:write")
        user = ws.user(users[0])
        if user.deleted:
            raise ApiError("user_disabled")
        conversation = ws.im_with(user.id)
    if call.flag("return_im"):
        return {"channel": conversation.as_slack(ws.bot_user_id)}
    return {"channel": {"id": conversation.id}}


# --- messages ----------------------------------------------------------------------------------


def _destination(ws: Workspace, channel_id: str) -> Conversation:
    """Where a post goes: a user id means the bot's DM with that person."""
    if channel_id.startswith(("U", "W")):
        user = ws.users.get(channel_id)
        if user is None or user.deleted or user.is_bot:
            raise ApiError("channel_not_found")
        return ws.im_with(user.id)
    conversation = ws.visible_conversation(channel_id, ws.bot_user_id)
    if conversation.is_im and conversation.im_user and ws.users[conversation.im_user].deleted:
        raise ApiError("channel_not_found")
    return conversation


@_method("chat.postMessage")
def chat_post_message(ws: Workspace, call: Call) -> dict[str, Any]:
    """Post as the bot to a channel it is in, or to a person's DM by user id."""
    conversation = _destination(ws, call.text("channel") or "")
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    if conversation.is_archived:
        raise ApiError("is_archived")
    content = _message_content(call, required=True, limit_error=None)
    thread_ts = call.text("thread_ts") or None
    if thread_ts:
        parent = conversation.find(thread_ts)
        # Slack threads a reply to a reply under the same root.
        if parent is not None and parent.thread_ts:
            thread_ts = parent.thread_ts
    message = ws.post(
        conversation,
        ws.bot_user_id,
        content["text"],
        blocks=None,
        metadata=content.get("metadata"),
        thread_ts=thread_ts,
        from_app=True,
    )
    if content["blocks"] is not None:
        message.blocks = blockkit.with_block_ids(content["blocks"], message.ts)
    return {
        "channel": conversation.id,
        "ts": message.ts,
        "message": message_json(message, with_metadata=True),
    }


@_method("chat.postEphemeral")
def chat_post_ephemeral(ws: Workspace, call: Call) -> dict[str, Any]:
    """Show a message to one member of a channel the bot is in."""
    conversation = _destination(ws, call.text("channel") or "")
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    if conversation.is_archived:
        raise ApiError("is_archived")
    user_id = call.text("user") or ""
    if user_id not in conversation.members:
        raise ApiError("user_not_in_channel")
    content = _message_content(call, required=True, limit_error="msg_too_long")
    ts = ws.new_ts()
    blocks = blockkit.with_block_ids(content["blocks"], ts) if content["blocks"] else None
    ws.ephemerals.append(
        _ephemeral(
            ws,
            ts,
            conversation.id,
            user_id,
            content["text"],
            blocks,
            call.text("thread_ts") or None,
        )
    )
    return {"message_ts": ts}


def _ephemeral(
    ws: Workspace,
    ts: str,
    channel: str,
    user: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None,
) -> Any:
    from .state import Ephemeral

    return Ephemeral(
        ts=ts,
        channel=channel,
        user=user,
        author=ws.bot_user_id,
        text=text,
        at=ws.now(),
        blocks=blocks,
        thread_ts=thread_ts,
    )


def _own_message(ws: Workspace, call: Call, refusal: str) -> tuple[Conversation, Message]:
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    message = conversation.find(call.text("ts") or "")
    if message is None:
        raise ApiError("message_not_found")
    if message.user != ws.bot_user_id or not message.from_app:
        raise ApiError(refusal)
    return conversation, message


@_method("chat.update")
def chat_update(ws: Workspace, call: Call) -> dict[str, Any]:
    """Edit one of the bot's own messages."""
    conversation, message = _own_message(ws, call, "cant_update_message")
    if conversation.is_archived:
        raise ApiError("cant_update_message")
    content = _message_content(call, required=False, limit_error="msg_too_long")
    if not content["text"] and content["blocks"] is None and not message.blocks:
        raise ApiError("no_text")
    if "text" in call.args:
        message.text = content["text"]
    if content["blocks"] is not None:
        message.blocks = blockkit.with_block_ids(content["blocks"], message.ts)
    if "metadata" in content:
        message.metadata = content["metadata"]
    message.edited = {"user": ws.bot_user_id, "ts": ws.new_ts()}
    return {
        "channel": conversation.id,
        "ts": message.ts,
        "text": message.text,
        "message": message_json(message, with_metadata=True),
    }


@_method("chat.delete")
def chat_delete(ws: Workspace, call: Call) -> dict[str, Any]:
    """Delete one of the bot's own messages."""
    conversation, message = _own_message(ws, call, "cant_delete_message")
    conversation.messages.remove(message)
    if message.ts in conversation.pins:
        conversation.pins.remove(message.ts)
    return {"channel": conversation.id, "ts": message.ts}


@_method("pins.add")
def pins_add(ws: Workspace, call: Call) -> dict[str, Any]:
    """Pin a message in a channel the bot is in."""
    conversation = ws.visible_conversation(call.text("channel") or "", ws.bot_user_id)
    if ws.bot_user_id not in conversation.members:
        raise ApiError("not_in_channel")
    ts = call.text("timestamp")
    if not ts:
        raise ApiError("no_item_specified")
    try:
        float(ts)
    except ValueError:
        raise ApiError("bad_timestamp") from None
    if conversation.find(ts) is None:
        raise ApiError("message_not_found")
    if ts in conversation.pins:
        raise ApiError("already_pinned")
    conversation.pins.append(ts)
    return {}


# --- views -------------------------------------------------------------------------------------


def _exchange_trigger(ws: Workspace, call: Call) -> tuple[str, str | None]:
    """Use a trigger once, within its 3 s; return the user and the modal it came from."""
    trigger_id = call.text("trigger_id") or call.text("interactivity_pointer") or ""
    trigger = ws.triggers.get(trigger_id)
    if not trigger_id or not _TRIGGER_SHAPE.fullmatch(trigger_id) or trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if ws.now() - trigger.issued >= TRIGGER_LIFETIME:
        raise ApiError("expired_trigger_id")
    trigger.used = True
    return trigger.user, trigger.view_id


def _check_external_id(ws: Workspace, view: dict[str, Any], except_view: str | None) -> None:
    external_id = view.get("external_id")
    if external_id and any(
        v.external_id == external_id and v.id != except_view for v in ws.views.values()
    ):
        raise ApiError("duplicate_external_id")


def _new_view(
    ws: Workspace, user: str, payload: dict[str, Any], previous: str | None, root: str | None
) -> View:
    view_id = ws.new_id("V")
    view = View(
        id=view_id,
        user=user,
        payload=payload,
        hash=ws.new_ts(),
        root_view_id=root or view_id,
        previous_view_id=previous,
        state_values=blockkit.initial_state(payload),
    )
    ws.views[view_id] = view
    return view


@_method("views.open")
def views_open(ws: Workspace, call: Call) -> dict[str, Any]:
    """Open a modal for the person whose action issued the trigger."""
    payload = blockkit.check_view(call.args.get("view"), expected_type="modal")
    payload = {**payload, "blocks": blockkit.with_block_ids(payload.get("blocks", []), "view")}
    user, _ = _exchange_trigger(ws, call)
    _check_external_id(ws, payload, None)
    view = _new_view(ws, user, payload, previous=None, root=None)
    ws.modal_stacks[user] = [view.id]
    ws.log_view(view, "opened")
    return {"view": view.as_slack()}


@_method("views.push")
def views_push(ws: Workspace, call: Call) -> dict[str, Any]:
    """Push a view on the modal the trigger came from."""
    payload = blockkit.check_view(call.args.get("view"), expected_type="modal")
    payload = {**payload, "blocks": blockkit.with_block_ids(payload.get("blocks", []), "push")}
    user, _ = _exchange_trigger(ws, call)
    stack = ws.modal_stacks.get(user) or []
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= MAX_MODAL_STACK:
        raise ApiError("push_limit_reached")
    _check_external_id(ws, payload, None)
    view = _new_view(ws, user, payload, previous=stack[-1], root=stack[0])
    stack.append(view.id)
    ws.log_view(view, "pushed")
    return {"view": view.as_slack()}


def _find_view(ws: Workspace, call: Call) -> View:
    view_id = call.text("view_id")
    external_id = call.text("external_id")
    if not view_id and not external_id:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] view_id or external_id required"]},
        )
    for view in ws.views.values():
        matches = (view_id and view.id == view_id) or (
            external_id and view.external_id == external_id
        )
        if matches and _is_live(ws, view):
            return view
    raise ApiError("not_found")


def _is_live(ws: Workspace, view: View) -> bool:
    return view.id in ws.modal_stacks.get(view.user, []) or ws.homes.get(view.user) == view.id


@_method("views.update")
def views_update(ws: Workspace, call: Call) -> dict[str, Any]:
    """Replace a live view's content; a stale hash is a hash_conflict."""
    view = _find_view(ws, call)
    payload = blockkit.check_view(call.args.get("view"), expected_type=view.type)
    payload = {**payload, "blocks": blockkit.with_block_ids(payload.get("blocks", []), "updt")}
    given_hash = call.text("hash")
    if given_hash and given_hash != view.hash:
        raise ApiError("hash_conflict")
    _check_external_id(ws, payload, view.id)
    view.payload = payload
    view.hash = ws.new_ts()
    view.state_values = blockkit.initial_state(payload)
    ws.log_view(view, "updated")
    return {"view": view.as_slack()}


@_method("views.publish")
def views_publish(ws: Workspace, call: Call) -> dict[str, Any]:
    """Publish a person's Home tab."""
    payload = blockkit.check_view(call.args.get("view"), expected_type="home")
    payload = {**payload, "blocks": blockkit.with_block_ids(payload.get("blocks", []), "home")}
    user_id = call.text("user_id") or ""
    user = ws.users.get(user_id)
    if user is None or user.deleted:
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] invalid user_id"]}
        )
    current = ws.views.get(ws.homes.get(user_id, ""))
    given_hash = call.text("hash")
    if current is not None and given_hash and given_hash != current.hash:
        raise ApiError("hash_conflict")
    _check_external_id(ws, payload, current.id if current else None)
    if current is None:
        current = _new_view(ws, user_id, payload, previous=None, root=None)
        ws.homes[user_id] = current.id
    else:
        current.payload = payload
        current.hash = ws.new_ts()
    return {"view": current.as_slack()}


# --- files -------------------------------------------------------------------------------------


@_method("files.getUploadURLExternal")
def files_get_upload_url(ws: Workspace, call: Call) -> dict[str, Any]:
    """Reserve a file and hand out the local URL its bytes go to."""
    length = call.number("length", 0)
    if length < 1:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] length must be at least 1"]},
        )
    from .state import File

    file = File(
        id=ws.new_id("F"),
        name=call.text("filename") or "",
        length=length,
        user=ws.bot_user_id,
        created=ws.now(),
    )
    ws.files[file.id] = file
    upload_url = call.base_url.removesuffix("/api/") + f"/upload/{file.id}"
    return {"upload_url": upload_url, "file_id": file.id}


@_method("files.delete")
def files_delete(ws: Workspace, call: Call) -> dict[str, Any]:
    """Delete a file the bot uploaded: it leaves the workspace and every message that shared it."""
    call.require_scope("files:write")
    file = ws.files.get(call.text("file") or "")
    if file is None:
        raise ApiError("file_not_found")
    if file.user != ws.bot_user_id:
        raise ApiError("cant_delete_file")
    del ws.files[file.id]
    for channel, ts in file.shares:
        conversation = ws.conversations.get(channel)
        message = conversation.find(ts) if conversation is not None else None
        if message is not None and file.id in message.files:
            message.files.remove(file.id)
    return {}


@_method("files.completeUploadExternal")
def files_complete_upload(ws: Workspace, call: Call) -> dict[str, Any]:
    """Finish uploads and share them (as one message) where asked."""
    entries = blockkit.decode_json_arg(call.args.get("files"), error="invalid_arguments")
    if not isinstance(entries, list) or not entries:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] files must be a non-empty array"]},
        )
    files = []
    for entry in entries:
        file = ws.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if file is None or file.data is None:
            raise ApiError("file_not_found")
        files.append((file, entry))
    targets = [call.text("channel_id") or "", *(call.text("channels") or "").split(",")]
    conversations = []
    for target in dict.fromkeys(t.strip() for t in targets if t.strip()):
        conversation = _destination(ws, target)
        if ws.bot_user_id not in conversation.members:
            raise ApiError("not_in_channel")
        if conversation.is_archived:
            raise ApiError("posting_to_channel_denied")
        conversations.append(conversation)
    for file, entry in files:
        file.title = str(entry.get("title") or file.name)
    for conversation in conversations:
        message = ws.post(
            conversation,
            ws.bot_user_id,
            call.text("initial_comment") or "",
            files=[f.id for f, _ in files],
            thread_ts=call.text("thread_ts") or None,
            from_app=True,
        )
        for file, _ in files:
            file.shares.append((conversation.id, message.ts))
    return {
        "files": [
            {
                "id": f.id,
                "title": f.title,
                "name": f.name,
                "size": f.length,
                "channels": [c for c, _ in f.shares],
            }
            for f, _ in files
        ]
    }
