"""Block Kit JSON read into small typed views that both the text and the HTML renderers lay out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from bot.devtools.transcript.markup import EMPTY, Rich, parse_mrkdwn, parse_plain, parse_rich_text

ButtonStyle = Literal["primary", "danger", "default"]
ChoiceKind = Literal["select", "date", "time", "overflow", "file"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# What Slack shows in an empty picker when the view gives no placeholder.
_DEFAULT_PLACEHOLDERS = {
    "users_select": "Select a person",
    "multi_users_select": "Select people",
    "conversations_select": "Select a conversation",
    "multi_conversations_select": "Select conversations",
    "channels_select": "Select a channel",
    "multi_channels_select": "Select channels",
    "datepicker": "Select a date",
    "timepicker": "Select time",
    "datetimepicker": "Select date and time",
}


# --- elements ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """A button, with Slack's primary (green) or danger (red) style."""

    kind: ClassVar[str] = "button"
    label: Rich
    style: ButtonStyle
    url: str | None


@dataclass(frozen=True)
class Choice:
    """A select, picker or overflow menu, shown closed with its current value or placeholder."""

    kind: ClassVar[str] = "choice"
    choice: ChoiceKind
    values: tuple[str, ...]
    placeholder: str


@dataclass(frozen=True)
class Options:
    """Checkboxes or radio buttons, with which are ticked."""

    kind: ClassVar[str] = "options"
    multiple: bool
    options: tuple[tuple[Rich, bool], ...]


@dataclass(frozen=True)
class TextField:
    """A text, number, email or URL input."""

    kind: ClassVar[str] = "field"
    value: str
    placeholder: str
    multiline: bool


@dataclass(frozen=True)
class Picture:
    """An image; drawn as a labelled frame so the page loads nothing from elsewhere."""

    kind: ClassVar[str] = "image"
    alt: str
    url: str
    title: Rich = EMPTY


@dataclass(frozen=True)
class Unsupported:
    """A block or element this renderer does not draw, named so nothing vanishes silently."""

    kind: ClassVar[str] = "unsupported"
    type: str


Element = Button | Choice | Options | TextField | Picture | Unsupported


# --- blocks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """A header block."""

    kind: ClassVar[str] = "header"
    text: Rich


@dataclass(frozen=True)
class Section:
    """A section: text, fields in two columns, and an accessory on the right."""

    kind: ClassVar[str] = "section"
    text: Rich
    fields: tuple[Rich, ...]
    accessory: Element | None


@dataclass(frozen=True)
class Divider:
    """A divider."""

    kind: ClassVar[str] = "divider"


@dataclass(frozen=True)
class Context:
    """Small grey text and images."""

    kind: ClassVar[str] = "context"
    parts: tuple[Rich | Picture, ...]


@dataclass(frozen=True)
class Actions:
    """A row of interactive elements."""

    kind: ClassVar[str] = "actions"
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Input:
    """A labelled input in a modal or Home tab."""

    kind: ClassVar[str] = "input"
    label: Rich
    hint: Rich
    optional: bool
    element: Element


@dataclass(frozen=True)
class RichTextBlock:
    """A rich_text block."""

    kind: ClassVar[str] = "rich_text"
    body: Rich


Block = (
    Header | Section | Divider | Context | Actions | Input | RichTextBlock | Picture | Unsupported
)


def read_blocks(
    blocks: Iterable[Mapping[str, Any]], names: Mapping[str, str], zone: ZoneInfo
) -> tuple[Block, ...]:
    """Block Kit blocks (JSON dicts) as views, with mentions resolved to names."""
    return tuple(_Reader(names, zone).block(block) for block in blocks)


def fill_in(
    blocks: Iterable[Mapping[str, Any]], entries: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any], ...]:
    """A form's input blocks with what the person entered (Slack's view.state.values) shown as
    each element's value, so the form reads as it looked when they pressed Submit."""
    filled = []
    for block in blocks:
        copy = dict(block)
        element = block.get("element")
        entered = (
            entries.get(str(block.get("block_id")), {}) if block.get("type") == "input" else {}
        )
        if isinstance(element, Mapping) and element.get("action_id") in entered:
            entry = entered[str(element["action_id"])]
            shown = {key: value for key, value in element.items() if not key.startswith("initial_")}
            for key, value in entry.items():
                if key in ("value", "rich_text_value"):
                    shown["initial_value"] = value
                elif key.startswith("selected_"):
                    shown["initial_" + key.removeprefix("selected_")] = value
            copy["element"] = shown
        filled.append(copy)
    return tuple(filled)


def format_day(day: date) -> str:
    """A day as people in the UK write it: "Mon 7 Dec 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_instant(at: datetime, zone: ZoneInfo) -> str:
    """An aware instant in local time: "Mon 7 Dec 2026, 09:30"."""
    local = at.astimezone(zone)
    return f"{format_day(local.date())}, {local:%H:%M}"


@dataclass(frozen=True)
class _Reader:
    names: Mapping[str, str]
    zone: ZoneInfo

    def text(self, value: Any) -> Rich:
        if not isinstance(value, Mapping):
            return EMPTY
        if value.get("type") == "mrkdwn":
            return parse_mrkdwn(str(value.get("text", "")), self.names)
        return parse_plain(str(value.get("text", "")), emoji=bool(value.get("emoji", True)))

    def plain(self, value: Any) -> str:
        return self.text(value).text()

    def block(self, block: Mapping[str, Any]) -> Block:
        kind = str(block.get("type", ""))
        if kind == "header":
            return Header(self.text(block.get("text")))
        if kind == "section":
            accessory = block.get("accessory")
            return Section(
                self.text(block.get("text")),
                tuple(self.text(field) for field in block.get("fields", ())),
                self.element(accessory) if isinstance(accessory, Mapping) else None,
            )
        if kind == "divider":
            return Divider()
        if kind == "context":
            return Context(tuple(self.context_part(part) for part in block.get("elements", ())))
        if kind == "actions":
            return Actions(tuple(self.element(element) for element in block.get("elements", ())))
        if kind == "input":
            return Input(
                self.text(block.get("label")),
                self.text(block.get("hint")),
                bool(block.get("optional", False)),
                self.element(block.get("element") or {}),
            )
        if kind == "rich_text":
            return RichTextBlock(parse_rich_text(block, self.names))
        if kind == "image":
            return self.picture(block)
        return Unsupported(kind)

    def context_part(self, part: Mapping[str, Any]) -> Rich | Picture:
        if part.get("type") == "image":
            return self.picture(part)
        return self.text(part)

    def picture(self, image: Mapping[str, Any]) -> Picture:
        url = str(image.get("image_url") or image.get("slack_file", {}).get("url") or "")
        return Picture(str(image.get("alt_text", "")), url, self.text(image.get("title")))

    def element(self, element: Mapping[str, Any]) -> Element:
        kind = str(element.get("type", ""))
        placeholder = self.plain(element.get("placeholder")) or _DEFAULT_PLACEHOLDERS.get(
            kind, "Select an option"
        )
        if kind in ("button", "workflow_button"):
            style = element.get("style")
            return Button(
                self.text(element.get("text")),
                style if style in ("primary", "danger") else "default",
                element.get("url"),
            )
        if kind in ("static_select", "external_select"):
            return Choice(
                "select", self.option_labels([element.get("initial_option")]), placeholder
            )
        if kind in ("multi_static_select", "multi_external_select"):
            return Choice("select", self.option_labels(element.get("initial_options")), placeholder)
        if kind == "users_select":
            return Choice("select", self.users([element.get("initial_user")]), placeholder)
        if kind == "multi_users_select":
            return Choice("select", self.users(element.get("initial_users")), placeholder)
        if kind in ("conversations_select", "channels_select"):
            initial = element.get("initial_conversation") or element.get("initial_channel")
            return Choice("select", self.channels([initial]), placeholder)
        if kind in ("multi_conversations_select", "multi_channels_select"):
            initial = element.get("initial_conversations") or element.get("initial_channels")
            return Choice("select", self.channels(initial), placeholder)
        if kind == "datepicker":
            return Choice("date", self.day(element.get("initial_date")), placeholder)
        if kind == "timepicker":
            initial_time = element.get("initial_time")
            return Choice("time", (str(initial_time),) if initial_time else (), placeholder)
        if kind == "datetimepicker":
            return Choice("date", self.instant(element.get("initial_date_time")), placeholder)
        if kind == "overflow":
            return Choice("overflow", (), "More actions")
        if kind in ("checkboxes", "radio_buttons"):
            return self.options(element, multiple=kind == "checkboxes")
        if kind in (
            "plain_text_input",
            "number_input",
            "email_text_input",
            "url_text_input",
            "rich_text_input",
        ):
            initial = element.get("initial_value")
            if isinstance(initial, Mapping):  # rich_text_input starts from a rich_text block
                initial = parse_rich_text(initial, self.names).text()
            return TextField(
                str(initial or ""), self.plain(element.get("placeholder")), self.multiline(element)
            )
        if kind == "file_input":
            return Choice("file", (), "Upload a file")
        if kind == "image":
            return self.picture(element)
        return Unsupported(kind)

    def multiline(self, element: Mapping[str, Any]) -> bool:
        return bool(element.get("multiline")) or element.get("type") == "rich_text_input"

    def option_labels(self, options: Any) -> tuple[str, ...]:
        return tuple(
            self.plain(option.get("text"))
            for option in options or ()
            if isinstance(option, Mapping)
        )

    def users(self, user_ids: Any) -> tuple[str, ...]:
        return tuple("@" + self.names.get(str(u), str(u)) for u in user_ids or () if u)

    def channels(self, channel_ids: Any) -> tuple[str, ...]:
        return tuple(
            "#" + self.names.get(str(channel), str(channel))
            for channel in channel_ids or ()
            if channel
        )

    def day(self, value: Any) -> tuple[str, ...]:
        try:
            return (format_day(date.fromisoformat(str(value))),) if value else ()
        except ValueError:
            return (str(value),)

    def instant(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, int | float):
            return ()
        return (format_instant(datetime.fromtimestamp(value, UTC), self.zone),)

    def options(self, element: Mapping[str, Any], *, multiple: bool) -> Options:
        chosen = element.get("initial_options") or [element.get("initial_option")]
        chosen_values = {o.get("value") for o in chosen if isinstance(o, Mapping)}
        return Options(
            multiple,
            tuple(
                (self.text(option.get("text")), option.get("value") in chosen_values)
                for option in element.get("options", ())
            ),
        )
