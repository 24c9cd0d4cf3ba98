"""What the chosen person sees, as HTML fragments: their channels and DMs, their Home tab, the
modal on top, their lock screen, and the clock.

Blocks are read and drawn by the transcript's renderer (bot/devtools/transcript); only the
interactive parts (buttons, menus, pickers, inputs) are drawn here, live, carrying the ids the
emulator needs to send the click or the submission to the bot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bot.devtools.emulator.blockkit import options_of
from bot.devtools.sandbox_web.world import BOT_NAME, LONDON, World
from bot.devtools.transcript.blocks import (
    Block,
    Input,
    Picture,
    Section,
    format_instant,
    read_blocks,
)
from bot.devtools.transcript.files import FileView, view_file
from bot.devtools.transcript.markup import parse_mrkdwn, parse_plain
from bot.devtools.transcript.model import SharedFile

HOME = "home"
LOCK_SCREEN_ITEMS = 12
_SELECTS = {
    "static_select": False,
    "multi_static_select": True,
    "external_select": False,
    "multi_external_select": True,
    "users_select": False,
    "multi_users_select": True,
    "conversations_select": False,
    "multi_conversations_select": True,
    "channels_select": False,
    "multi_channels_select": True,
}


@dataclass(frozen=True)
class Control:
    """One interactive element, live."""

    type: str
    action_id: str
    block_id: str
    label: Markup
    style: str
    url: str
    value: str
    options: tuple[tuple[str, str, bool], ...]  # value, label, chosen
    multiple: bool
    initial: str
    multiline: bool
    placeholder: str


@dataclass(frozen=True)
class LiveBlock:
    """A block: drawn by the transcript (`plain`), or with its controls live."""

    kind: str  # plain | actions | input | section
    typed: Block
    controls: tuple[Control, ...]
    block_id: str


@dataclass(frozen=True)
class Item:
    """A message, reply or ephemeral in the open conversation."""

    kind: str
    channel: str
    ts: str
    author: str
    initials: str
    hue: int
    when: str
    iso: str
    body: Markup
    blocks: tuple[LiveBlock, ...]
    files: tuple[FileView, ...]  # previewed as the transcript does, linked to open
    edited: bool
    reply: bool


@dataclass(frozen=True)
class Place:
    """A conversation in the sidebar."""

    id: str
    label: str
    private: bool
    current: bool
    dm: bool = False


@dataclass(frozen=True)
class Modal:
    """The modal on top of the person's stack."""

    id: str
    key: str
    title: str
    submit: str
    close: str
    blocks: tuple[LiveBlock, ...]
    depth: int


@dataclass(frozen=True)
class Notification:
    """What the lock screen showed for one message."""

    when: str
    where: str
    text: str


def names(world: World) -> dict[str, str]:
    """Display names behind user ids, the bot included."""
    users = world.emulator.workspace.users
    found = {uid: user.real_name for uid, user in users.items()}
    found[world.emulator.bot_user_id] = BOT_NAME
    return found


def places(world: World, user_id: str, current: str) -> list[Place]:
    """The person's channels, then their DM with the bot."""
    workspace = world.emulator.workspace
    with workspace.lock:
        conversations = [c for c in workspace.conversations.values() if user_id in c.members]
        channels = sorted(
            (c for c in conversations if not c.is_im and not c.is_archived), key=lambda c: c.name
        )
        found = [Place(c.id, c.name, c.is_private, c.id == current) for c in channels]
        found += [
            Place(c.id, BOT_NAME, True, c.id == current, dm=True)
            for c in conversations
            if c.is_im and c.im_user == user_id
        ]
    return found


def default_place(world: World, user_id: str) -> str:
    """Where the page opens for a person: their DM with the bot, or their first channel."""
    dm = world.emulator.inspector.dm_channel(user_id)
    if dm:
        return str(dm)
    found = places(world, user_id, "")
    return found[0].id if found else HOME


def fragments(world: World, user_id: str, where: str) -> dict[str, str]:
    """Every part of the page for this person, as HTML; `digest` changes when any part does."""
    with world.lock:
        env = _environment()
        who = names(world)
        person = world.person(user_id)
        context = {
            "person": person,
            "people": world.people,
            "where": where,
            "home": HOME,
        }
        sidebar = env.get_template("sidebar.html.j2").render(
            **context,
            places=places(world, user_id, where),
            files=_files(world, user_id),
        )
        if where == HOME:
            main = _home(world, user_id, who)
        else:
            main = env.get_template("conversation.html.j2").render(
                **context,
                title=_title(world, user_id, where),
                items=_items(world, user_id, where, who),
            )
        modal = _modal(world, user_id, who)
        parts = {
            "sidebar": sidebar,
            "main": main,
            "modal": modal,
            "modal_key": _modal_key(world, user_id),
            "lock": env.get_template("lock.html.j2").render(
                person=person, notifications=_notifications(world, user_id, who)
            ),
            "clock": env.get_template("clock.html.j2").render(
                now=format_instant(world.now(), LONDON),
                long=_long(world.now()),
                next=_next(world),
            ),
        }
    digest = hashlib.sha256("\x00".join(parts.values()).encode()).hexdigest()[:16]
    return {**parts, "digest": digest}


def page(world: World, user_id: str, where: str) -> str:
    """The whole page, with its fragments already in (the script then keeps them fresh)."""
    parts = fragments(world, user_id, where)
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            parts=parts,
            person=world.person(user_id),
            where=where,
            case=world.case,
            version=asset_version(),
        )
    )


def script() -> bytes:
    """The page's script."""
    return files("bot.devtools.sandbox_web").joinpath("static/sandbox.js").read_bytes()


@cache
def asset_version() -> str:
    """Names this version of the stylesheet and script in their URLs, so a browser may keep
    them, and fetches them again when they change."""
    return hashlib.sha256(stylesheet().encode() + script()).hexdigest()[:12]


@cache
def stylesheet() -> str:
    """The transcript's Slack look, then the sandbox's own layout."""
    env = _environment()
    return (
        env.get_template("style.css.j2").render() + "\n" + env.get_template("sandbox.css").render()
    )


# --- parts ---------------------------------------------------------------------------------------


def _long(at: datetime) -> str:
    local = at.astimezone(LONDON)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"


def _next(world: World) -> str:
    due = world.next_due(world.now())
    return format_instant(due, LONDON) if due else ""


def _title(world: World, user_id: str, where: str) -> str:
    for place in places(world, user_id, where):
        if place.id == where:
            return place.label if place.dm else f"#{place.label}"
    return ""


def _files(world: World, user_id: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for shared in world.emulator.inspector.files_seen_by(user_id):
        seen.setdefault(shared.id, shared.title or shared.name)
    return sorted(seen.items(), key=lambda pair: pair[0], reverse=True)


def _items(world: World, user_id: str, channel: str, who: Mapping[str, str]) -> list[Item]:
    workspace = world.emulator.workspace
    items = []
    for seen in world.emulator.inspector.seen_by(user_id):
        if seen.channel != channel:
            continue
        with workspace.lock:
            conversation = workspace.conversations[channel]
            message = conversation.find(seen.ts) if seen.kind != "ephemeral" else None
            edited = bool(message and message.edited)
            shared = [workspace.files[f] for f in seen.files if f in workspace.files]
        files = tuple(
            _preview(f.name, f.title, f.data or b"", f"/files/{f.id}?as={user_id}") for f in shared
        )
        author = who.get(seen.author, seen.author)
        items.append(
            Item(
                kind=seen.kind,
                channel=channel,
                ts=seen.ts,
                author=author,
                initials=_initials(author),
                hue=_hue(author),
                when=format_instant(seen.at, LONDON),
                iso=seen.at.isoformat(),
                body=parse_mrkdwn(seen.text, who).html(),
                blocks=_live_blocks(seen.blocks or [], world, who),
                files=files,
                edited=edited,
                reply=seen.kind == "reply",
            )
        )
    return items


@lru_cache(maxsize=512)
def _preview(name: str, title: str, data: bytes, href: str) -> FileView:
    """A file's preview (the page is redrawn each second; a file never changes once shared)."""
    return view_file(SharedFile(name, title, data, href=href), LONDON)


def _home(world: World, user_id: str, who: Mapping[str, str]) -> str:
    view = world.emulator.inspector.home(user_id)
    return (
        _environment()
        .get_template("home.html.j2")
        .render(
            view_id=str(view["id"]) if view else "",
            blocks=_live_blocks(view.get("blocks", []), world, who) if view else (),
        )
    )


def _modal_key(world: World, user_id: str) -> str:
    stack = world.emulator.inspector.modal_stack(user_id)
    return f"{stack[-1]['id']}:{stack[-1].get('hash')}" if stack else ""


def _modal(world: World, user_id: str, who: Mapping[str, str]) -> str:
    stack = world.emulator.inspector.modal_stack(user_id)
    if not stack:
        return ""
    view = stack[-1]
    blocks = _live_blocks(view.get("blocks", []), world, who)
    has_inputs = any(block.kind == "input" for block in blocks)
    submit = (view.get("submit") or {}).get("text") or ("Submit" if has_inputs else "")
    close = (view.get("close") or {}).get("text") or ("Cancel" if submit else "Close")
    modal = Modal(
        id=str(view["id"]),
        key=_modal_key(world, user_id),
        title=str((view.get("title") or {}).get("text", "")),
        submit=submit,
        close=close,
        blocks=blocks,
        depth=len(stack),
    )
    return _environment().get_template("modal.html.j2").render(modal=modal)


def _notifications(world: World, user_id: str, who: Mapping[str, str]) -> list[Notification]:
    """The `text` of the bot's messages that reached the person: what a phone's lock screen
    shows. Ephemeral answers never notify, so they are not here."""
    bot = world.emulator.bot_user_id
    workspace = world.emulator.workspace
    found = []
    for seen in world.emulator.inspector.seen_by(user_id):
        if seen.kind == "ephemeral" or seen.author != bot or not seen.text:
            continue
        with workspace.lock:
            message = workspace.conversations[seen.channel].find(seen.ts)
            # A topic set or a join is shown in the channel, never pushed to a phone.
            if message is None or message.subtype:
                continue
        where = BOT_NAME if seen.channel.startswith("D") else f"#{seen.channel_name}"
        text = " ".join(parse_mrkdwn(seen.text, who).text().split())
        found.append(Notification(format_instant(seen.at, LONDON), where, text))
    return found[-LOCK_SCREEN_ITEMS:][::-1]


# --- blocks --------------------------------------------------------------------------------------


def _live_blocks(
    raw: Sequence[Mapping[str, Any]], world: World, who: Mapping[str, str]
) -> tuple[LiveBlock, ...]:
    typed = read_blocks(raw, who, LONDON)
    live = []
    for block, view in zip(raw, typed, strict=True):
        block_id = str(block.get("block_id", ""))
        kind = str(block.get("type"))
        if kind == "actions":
            controls = tuple(
                _control(element, block_id, world, who) for element in block.get("elements", [])
            )
            live.append(LiveBlock("actions", view, controls, block_id))
        elif kind == "input" and isinstance(view, Input):
            element = block.get("element") or {}
            live.append(
                LiveBlock("input", view, (_control(element, block_id, world, who),), block_id)
            )
        elif (
            kind == "section"
            and isinstance(view, Section)
            and isinstance(block.get("accessory"), dict)
            and block["accessory"].get("action_id")
        ):
            control = _control(block["accessory"], block_id, world, who)
            live.append(LiveBlock("section", view, (control,), block_id))
        else:
            live.append(LiveBlock("plain", view, (), block_id))
    return tuple(live)


def _control(
    element: Mapping[str, Any], block_id: str, world: World, who: Mapping[str, str]
) -> Control:
    kind = str(element.get("type"))
    text = element.get("text") or {}
    label = parse_plain(str(text.get("text", ""))).html() if text else Markup("")
    placeholder = str((element.get("placeholder") or {}).get("text", ""))
    options: tuple[tuple[str, str, bool], ...] = ()
    chosen = _initial_choices(element)
    if kind in ("users_select", "multi_users_select"):
        workspace = world.emulator.workspace
        with workspace.lock:
            people = [
                (u.id, u.real_name)
                for u in workspace.users.values()
                if not u.is_bot and not u.deleted and u.id != "USLACKBOT"
            ]
        options = tuple((uid, name, uid in chosen) for uid, name in people)
    elif kind in ("conversations_select", "multi_conversations_select", "channels_select"):
        options = tuple(
            (c.id, f"#{c.name}", c.id in chosen)
            for c in world.emulator.workspace.conversations.values()
            if not c.is_im
        )
    elif kind in _SELECTS or kind in ("overflow", "radio_buttons", "checkboxes"):
        options = tuple(
            (
                str(option.get("value")),
                parse_plain(str((option.get("text") or {}).get("text", ""))).text(),
                str(option.get("value")) in chosen,
            )
            for option in options_of(dict(element))
        )
    initial = ""
    if kind == "datepicker":
        initial = str(element.get("initial_date") or "")
    elif kind == "timepicker":
        initial = str(element.get("initial_time") or "")
    elif kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        initial = str(element.get("initial_value") or "")
    return Control(
        type=kind,
        action_id=str(element.get("action_id", "")),
        block_id=block_id,
        label=label,
        style=str(element.get("style") or "default"),
        url=str(element.get("url") or ""),
        value=str(element.get("value") or ""),
        options=options,
        multiple=_SELECTS.get(kind, kind == "checkboxes"),
        initial=initial,
        multiline=bool(element.get("multiline")),
        placeholder=placeholder,
    )


def _initial_choices(element: Mapping[str, Any]) -> set[str]:
    chosen: set[str] = set()
    if isinstance(element.get("initial_option"), dict):
        chosen.add(str(element["initial_option"].get("value")))
    for option in element.get("initial_options") or []:
        chosen.add(str(option.get("value")))
    for key in ("initial_user", "initial_conversation", "initial_channel"):
        if element.get(key):
            chosen.add(str(element[key]))
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        chosen.update(str(v) for v in element.get(key) or [])
    return chosen


def _initials(name: str) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def _hue(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 360


@cache
def _environment() -> Environment:
    # The sandbox's templates first, then the transcript's (its block macros and stylesheet).
    environment = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("bot.devtools.sandbox_web", "templates"),
                PackageLoader("bot.devtools.transcript", "templates"),
            ]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.tests["picture"] = lambda value: isinstance(value, Picture)
    return environment
