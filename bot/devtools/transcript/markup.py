"""Slack's text formats (mrkdwn, plain_text, rich_text) as one small tree, shown as HTML or text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup, escape

Style = Literal["bold", "italic", "strike"]
MentionKind = Literal["user", "channel", "broadcast", "group"]


@dataclass(frozen=True)
class Text:
    """Literal characters, already unescaped: `<` here is a character, never markup."""

    value: str


@dataclass(frozen=True)
class Styled:
    """Bold, italic or struck-through content."""

    style: Style
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Code:
    """An inline code span."""

    value: str


@dataclass(frozen=True)
class Link:
    """A link; `label` is empty when Slack shows the URL itself."""

    url: str
    label: str


@dataclass(frozen=True)
class Mention:
    """`@Name`, `#channel`, `@here` or a user group, as a person reads it."""

    label: str
    kind: MentionKind


@dataclass(frozen=True)
class Break:
    """A line break."""


@dataclass(frozen=True)
class Pre:
    """A preformatted block."""

    value: str


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class ItemList:
    """A bulleted or numbered list from rich_text."""

    ordered: bool
    indent: int
    items: tuple[tuple[Node, ...], ...]


Node = Text | Styled | Code | Link | Mention | Break | Pre | Quote | ItemList
_BLOCK_NODES = (Pre, Quote, ItemList)


@dataclass(frozen=True)
class Rich:
    """Parsed Slack text, shown safely as HTML or as plain text."""

    nodes: tuple[Node, ...]

    def html(self) -> Markup:
        """The text as HTML; every character that came from Slack is escaped."""
        return _html_all(self.nodes)

    def text(self) -> str:
        """The text as a person would read it, without markup."""
        return _text_all(self.nodes).strip("\n")

    def __bool__(self) -> bool:
        return bool(self.nodes)


EMPTY = Rich(())

# The emoji a case bot is likely to use; any other `:name:` stays as written.
EMOJI = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "warning": "⚠️",
    "rotating_light": "🚨",
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "large_yellow_circle": "🟡",
    "large_green_circle": "🟢",
    "large_blue_circle": "🔵",
    "white_circle": "⚪",
    "black_circle": "⚫",
    "calendar": "📆",
    "date": "📅",
    "spiral_calendar_pad": "🗓️",
    "alarm_clock": "⏰",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "clock930": "🕤",
    "memo": "📝",
    "pencil": "📝",
    "page_facing_up": "📄",
    "clipboard": "📋",
    "paperclip": "📎",
    "bell": "🔔",
    "speech_balloon": "💬",
    "bust_in_silhouette": "👤",
    "busts_in_silhouette": "👥",
    "family": "👪",
    "house": "🏠",
    "school": "🏫",
    "hospital": "🏥",
    "lock": "🔒",
    "key": "🔑",
    "wave": "👋",
    "thumbsup": "👍",
    "+1": "👍",
    "pray": "🙏",
    "raised_hands": "🙌",
    "tada": "🎉",
    "star": "⭐",
    "information_source": "ℹ️",
    "question": "❓",
    "exclamation": "❗",
    "heart": "❤️",
    "smile": "😄",
    "slightly_smiling_face": "🙂",
    "arrow_right": "➡️",
    "point_right": "👉",
    "eyes": "👀",
    "no_entry": "⛔",
    "hand": "✋",
}

_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")
_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
_QUOTE_REST = re.compile(r"^(?:&gt;|>){3}[ \t]?")
_QUOTE_LINE = re.compile(r"^(?:&gt;|>)[ \t]?")
# A code span or a control sequence; literal `<` arrives escaped, so a raw one opens a control.
_TOKEN = re.compile(r"`([^`\n]+)`|<([^<>\n]*)>")
_SLOT = re.compile(r"\x00(\d+)\x00")
# Slack's emphasis: a marker after a non-word character, around text that neither starts nor
# ends with a space, closed by the same marker not followed by a word character.
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=[^\s*_~])(.*?[^\s])\1(?!\w)")
_STYLE_OF: dict[str, Style] = {"*": "bold", "_": "italic", "~": "strike"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_BROADCASTS = {"here", "channel", "everyone"}
_RICH_STYLES: tuple[Style, ...] = ("strike", "italic", "bold")  # innermost first


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>` (and nothing else)."""
    return _ENTITY.sub(lambda match: _ENTITY_CHARS[match.group(1)], text)


def emojize(text: str) -> str:
    """Replace known `:shortcodes:` with their emoji."""
    return _EMOJI_CODE.sub(lambda match: EMOJI.get(match.group(1), match.group(0)), text)


def parse_plain(text: str, *, emoji: bool = True) -> Rich:
    """A plain_text object: characters and line breaks, no formatting."""
    shown = unescape_slack(text)
    if emoji:
        shown = emojize(shown)
    nodes: list[Node] = []
    for index, line in enumerate(shown.split("\n")):
        if index:
            nodes.append(Break())
        if line:
            nodes.append(Text(line))
    return Rich(tuple(nodes))


def parse_mrkdwn(text: str, names: Mapping[str, str]) -> Rich:
    """Slack mrkdwn (Slack-escaped) as a tree; `<@U1>` becomes `@Name`."""
    text = text.replace("\x00", "")  # the parser's own placeholder character
    nodes: list[Node] = []
    position = 0
    while fence := _FENCE.search(text, position):
        nodes.extend(_lines(_trim_newline(text[position : fence.start()], end=True), names))
        code = _trim_newline(_trim_newline(fence.group(1), end=False), end=True)
        nodes.append(Pre(_display(code, names)))
        position = fence.end()
        if text.startswith("\n", position):  # the pre block already ends the line
            position += 1
    nodes.extend(_lines(text[position:], names))
    return Rich(tuple(nodes))


def parse_rich_text(block: Mapping[str, Any], names: Mapping[str, str]) -> Rich:
    """A rich_text block (structured, not escaped) as the same tree as mrkdwn."""
    nodes: list[Node] = []
    for part in block.get("elements", ()):
        kind = part.get("type")
        if kind == "rich_text_section":
            if nodes and not isinstance(nodes[-1], _BLOCK_NODES):
                nodes.append(Break())
            nodes.extend(_rich_inline(part.get("elements", ()), names))
        elif kind == "rich_text_list":
            items = tuple(
                tuple(_rich_inline(item.get("elements", ()), names))
                for item in part.get("elements", ())
            )
            ordered = part.get("style") == "ordered"
            nodes.append(ItemList(ordered, int(part.get("indent", 0)), items))
        elif kind == "rich_text_preformatted":
            inline = _rich_inline(part.get("elements", ()), names)
            nodes.append(Pre(_text_all(inline)))
        elif kind == "rich_text_quote":
            nodes.append(Quote(tuple(_rich_inline(part.get("elements", ()), names))))
    return Rich(tuple(nodes))


def _trim_newline(text: str, *, end: bool) -> str:
    if end:
        return text[:-1] if text.endswith("\n") else text
    return text[1:] if text.startswith("\n") else text


def _lines(text: str, names: Mapping[str, str]) -> list[Node]:
    if not text:
        return []
    units: list[Node | list[Node]] = []  # a block node, or one line of inline nodes
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        rest = _QUOTE_REST.match(line)
        if rest:
            quoted = "\n".join([line[rest.end() :], *lines[index + 1 :]])
            units.append(Quote(tuple(_join_lines(quoted.split("\n"), names))))
            break
        if _QUOTE_LINE.match(line):
            quoted_lines = []
            while index < len(lines) and (marker := _QUOTE_LINE.match(lines[index])):
                quoted_lines.append(lines[index][marker.end() :])
                index += 1
            units.append(Quote(tuple(_join_lines(quoted_lines, names))))
            continue
        units.append(_inline(line, names))
        index += 1
    nodes: list[Node] = []
    previous_inline = False
    for unit in units:
        if isinstance(unit, list):
            if previous_inline:
                nodes.append(Break())
            nodes.extend(unit)
            previous_inline = True
        else:
            nodes.append(unit)
            previous_inline = False
    return nodes


def _join_lines(lines: Iterable[str], names: Mapping[str, str]) -> list[Node]:
    nodes: list[Node] = []
    for index, line in enumerate(lines):
        if index:
            nodes.append(Break())
        nodes.extend(_inline(line, names))
    return nodes


def _inline(line: str, names: Mapping[str, str]) -> list[Node]:
    # Code spans and control sequences become numbered slots first, so emphasis can wrap them
    # (`*<@U1>*`) but never reach inside them (`` `*not bold*` ``).
    slots: list[Node] = []

    def take(match: re.Match[str]) -> str:
        code, control = match.group(1), match.group(2)
        slots.append(Code(_display(code, names)) if code is not None else _control(control, names))
        return f"\x00{len(slots) - 1}\x00"

    return _emphasis(_TOKEN.sub(take, line), slots)


def _emphasis(text: str, slots: list[Node]) -> list[Node]:
    nodes: list[Node] = []
    position = 0
    for match in _EMPHASIS.finditer(text):
        nodes.extend(_fill(text[position : match.start()], slots))
        inner = _emphasis(match.group(2), slots)
        nodes.append(Styled(_STYLE_OF[match.group(1)], tuple(inner)))
        position = match.end()
    nodes.extend(_fill(text[position:], slots))
    return nodes


def _fill(text: str, slots: list[Node]) -> list[Node]:
    nodes: list[Node] = []
    for index, piece in enumerate(_SLOT.split(text)):
        if index % 2:
            nodes.append(slots[int(piece)])
        elif piece:
            nodes.append(Text(emojize(unescape_slack(piece))))
    return nodes


def _control(inner: str, names: Mapping[str, str]) -> Node:
    target, _, label = inner.partition("|")
    label = unescape_slack(label)
    if target.startswith("@"):
        user_id = target[1:]
        return Mention("@" + (names.get(user_id) or label or user_id), "user")
    if target.startswith("#"):
        channel_id = target[1:]
        return Mention("#" + (names.get(channel_id) or label or channel_id), "channel")
    if target.startswith("!"):
        command, _, argument = target[1:].partition("^")
        if command in _BROADCASTS:
            return Mention("@" + command, "broadcast")
        if command == "subteam":
            return Mention(label or "@" + argument, "group")
        if command == "date":
            return Text(label)
        return Mention("@" + command, "broadcast")
    if _SCHEME.match(target):
        return Link(unescape_slack(target), label)
    # Not a control sequence Slack knows: show the characters as they were written.
    return Text(unescape_slack(f"<{inner}>"))


def _display(text: str, names: Mapping[str, str]) -> str:
    """Text inside code: control sequences shown as a person reads them, no formatting."""
    pieces: list[str] = []
    position = 0
    for match in re.finditer(r"<([^<>\n]*)>", text):
        pieces.append(unescape_slack(text[position : match.start()]))
        pieces.append(_text_all([_control(match.group(1), names)]))
        position = match.end()
    pieces.append(unescape_slack(text[position:]))
    return "".join(pieces)


def _rich_inline(elements: Iterable[Mapping[str, Any]], names: Mapping[str, str]) -> list[Node]:
    nodes: list[Node] = []
    for element in elements:
        node = _rich_element(element, names)
        if node is None:
            continue
        style = element.get("style") or {}
        if style.get("code") and isinstance(node, Text):
            node = Code(node.value)
        for name in _RICH_STYLES:
            if style.get(name):
                node = Styled(name, (node,))
        nodes.extend(_split_breaks(node))
    return nodes


def _rich_element(element: Mapping[str, Any], names: Mapping[str, str]) -> Node | None:
    kind = element.get("type")
    if kind == "text":
        return Text(str(element.get("text", "")))
    if kind == "link":
        url = str(element.get("url", ""))
        return Link(url, str(element.get("text") or ""))
    if kind == "user":
        user_id = str(element.get("user_id", ""))
        return Mention("@" + names.get(user_id, user_id), "user")
    if kind == "channel":
        channel_id = str(element.get("channel_id", ""))
        return Mention("#" + names.get(channel_id, channel_id), "channel")
    if kind == "usergroup":
        return Mention("@" + str(element.get("usergroup_id", "")), "group")
    if kind == "broadcast":
        return Mention("@" + str(element.get("range", "here")), "broadcast")
    if kind == "emoji":
        return Text(_emoji_element(element))
    if kind == "date":
        return Text(str(element.get("fallback", "")))
    if kind == "color":
        return Text(str(element.get("value", "")))
    return None


def _emoji_element(element: Mapping[str, Any]) -> str:
    code = element.get("unicode")
    if isinstance(code, str) and code:
        try:
            return "".join(chr(int(part, 16)) for part in code.split("-"))
        except ValueError:
            pass
    name = str(element.get("name", ""))
    return EMOJI.get(name, f":{name}:")


def _split_breaks(node: Node) -> list[Node]:
    if not isinstance(node, Text) or "\n" not in node.value:
        return [node]
    nodes: list[Node] = []
    for index, line in enumerate(node.value.split("\n")):
        if index:
            nodes.append(Break())
        if line:
            nodes.append(Text(line))
    return nodes


def _safe_url(url: str) -> bool:
    return url.lower().startswith(_SAFE_SCHEMES)


def _link_label(link: Link) -> str:
    return link.label or link.url


def _shows_url_apart(link: Link) -> bool:
    """Whether the URL differs from the label, so a reader must see where the link goes."""
    return bool(link.label) and link.label not in (link.url, link.url.removeprefix("mailto:"))


_TAGS: dict[Style, Markup] = {
    "bold": Markup("<b>{}</b>"),
    "italic": Markup("<i>{}</i>"),
    "strike": Markup("<s>{}</s>"),
}


_LISTS = {
    False: Markup('<ul class="sk-list sk-list--indent-{}">{}</ul>'),
    True: Markup('<ol class="sk-list sk-list--indent-{}">{}</ol>'),
}


def _html_all(nodes: Iterable[Node]) -> Markup:
    return Markup("").join(_html(node) for node in nodes)


def _html(node: Node) -> Markup:
    match node:
        case Text(value):
            return escape(value)
        case Styled(style, children):
            return _TAGS[style].format(_html_all(children))
        case Code(value):
            return Markup('<code class="sk-code">{}</code>').format(value)
        case Link(url, _) if _safe_url(url):
            anchor = Markup(
                '<a class="sk-link" href="{}" rel="noopener noreferrer nofollow">{}</a>'
            ).format(url, _link_label(node))
            if _shows_url_apart(node):
                anchor += Markup(' <span class="sk-url">({})</span>').format(url)
            return anchor
        case Link():
            # A javascript: or other odd scheme is shown, never made clickable.
            return escape(_text_all([node]))
        case Mention(label, kind):
            return Markup('<span class="sk-mention sk-mention--{}">{}</span>').format(kind, label)
        case Break():
            return Markup("<br>")
        case Pre(value):
            return Markup('<pre class="sk-pre">{}</pre>').format(value)
        case Quote(children):
            return Markup('<blockquote class="sk-quote">{}</blockquote>').format(
                _html_all(children)
            )
        case ItemList(ordered, indent, items):
            entries = Markup("").join(Markup("<li>{}</li>").format(_html_all(i)) for i in items)
            return _LISTS[ordered].format(indent, entries)


def _text_all(nodes: Iterable[Node]) -> str:
    return "".join(_text(node) for node in nodes)


def _text(node: Node) -> str:
    match node:
        case Text(value):
            return value
        case Styled("strike", children):
            return f"~{_text_all(children)}~"
        case Styled(_, children):
            return _text_all(children)
        case Code(value):
            return f"`{value}`"
        case Link(url, label):
            return f"{label} ({url})" if _shows_url_apart(node) else _link_label(node)
        case Mention(label, _):
            return label
        case Break():
            return "\n"
        case Pre(value):
            return "\n" + "\n".join(f"    {line}" for line in value.split("\n")) + "\n"
        case Quote(children):
            quoted = _text_all(children).split("\n")
            return "\n" + "\n".join(f"> {line}".rstrip() for line in quoted) + "\n"
        case ItemList(ordered, indent, items):
            lines = [
                "  " * indent + (f"{number}. " if ordered else "• ") + _text_all(item)
                for number, item in enumerate(items, start=1)
            ]
            return "\n" + "\n".join(lines) + "\n"
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover
