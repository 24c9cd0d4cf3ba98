"""What each person saw in Slack, as a plain-text transcript or one Slack-like HTML page."""

from __future__ import annotations

import textwrap
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import groupby, zip_longest
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.devtools.transcript.blocks import (
    Actions,
    Block,
    Button,
    Choice,
    Context,
    Divider,
    Element,
    Header,
    Input,
    Options,
    Picture,
    RichTextBlock,
    Section,
    TextField,
    Unsupported,
    fill_in,
    format_day,
    format_instant,
    read_blocks,
)
from bot.devtools.transcript.files import FileView, view_file
from bot.devtools.transcript.markup import EMPTY, Rich, parse_mrkdwn
from bot.devtools.transcript.model import PersonTranscript, Seen, Transcript

LONDON = ZoneInfo("Europe/London")
_INDENT = "    "
_WIDTH = 72  # characters of content, after the indent
_COLUMN = 34  # two field columns and a gap fit the width
_KIND_LABELS = {
    "message": "message",
    "ephemeral": "only visible to you",
    "modal": "modal",
    "form": "form sent",
    "home": "Home tab",
    "file": "file",
    "notification": "phone notification",
}
# Kinds whose top-level `text` is what a phone shows; the product promises it names only the case.
_NOTIFYING = ("message", "ephemeral", "file")


def render_text(
    person: PersonTranscript, names: Mapping[str, str], *, zone: ZoneInfo = LONDON
) -> str:
    """One person's transcript as plain text, in the order they saw things; `names` gives the
    display names behind user ids and the names behind channel ids (`Transcript.names`)."""
    heading = f"{person.name} ({person.role}, {person.user_id})"
    lines = [heading, "=" * len(heading), ""]
    if not person.seen:
        lines += ["Nothing seen.", ""]
    for seen in person.seen:
        kind = _KIND_LABELS[seen.kind] + (" (edited)" if seen.edited else "")
        lines.append(" · ".join((format_instant(seen.at, zone), seen.where, seen.author, kind)))
        lines += [f"{_INDENT}{line}".rstrip() for line in _seen_lines(seen, names, zone)]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_html(transcript: Transcript, *, zone: ZoneInfo = LONDON) -> str:
    """The whole run as one self-contained HTML page: an index, then each person's Slack."""
    people = tuple(
        _person_view(index, person, transcript.names, zone)
        for index, person in enumerate(transcript.people, start=1)
    )
    page = _PageView(transcript.title, str(zone), people, _day_index(people))
    return _environment().get_template("page.html.j2").render(page=page)


# --- text ----------------------------------------------------------------------------------------


def _seen_lines(seen: Seen, names: Mapping[str, str], zone: ZoneInfo) -> list[str]:
    blocks = read_blocks(_shown_blocks(seen), names, zone)
    text = parse_mrkdwn(seen.text, names).text()
    if seen.kind == "notification":
        return text.split("\n")
    if seen.kind in ("modal", "form", "home"):
        lines = [f"Title: {seen.title}", ""] if seen.title else []
        if seen.kind == "form":
            lines = [_sent_line(seen, zone), "", *lines]
        lines += _blocks_lines(blocks)
        if seen.kind != "home":
            submit, close = _modal_buttons(seen, blocks)
            lines += ["", "  ".join(f"[ {label} ]" for label in (close, submit) if label)]
        return lines
    lines = [f"File: {seen.file_name}"] if seen.file_name else []
    files = [line for shared in seen.files for line in _file_lines(view_file(shared, zone))]
    if not blocks:
        return lines + (text.split("\n") if text or not files else []) + files
    return [*lines, f"Notification: {_one_line(text)}", "", *_blocks_lines(blocks), *files]


def _shown_blocks(seen: Seen) -> tuple[Mapping[str, Any], ...]:
    """The blocks as the person saw them: a sent form with what they entered filled in."""
    return fill_in(seen.blocks, seen.entries) if seen.entries is not None else seen.blocks


def _sent_line(seen: Seen, zone: ZoneInfo) -> str:
    opened = f"opened {format_instant(seen.opened, zone)}, " if seen.opened else ""
    return f"Sent with what they entered ({opened}sent {format_instant(seen.at, zone)}):"


def _file_lines(file: FileView) -> list[str]:
    lines = [f"File: {file.summary_line()}"]
    lines += [f"  {line}" for line in file.preview_lines()]
    if file.href:
        lines.append(f"  Saved beside this transcript: {file.href}")
    return lines


def _blocks_lines(blocks: Sequence[Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines += _block_lines(block)
    return lines


def _block_lines(block: Block) -> list[str]:
    match block:
        case Header(text):
            title = text.text()
            return [title, "=" * len(title)]
        case Section(text, fields, accessory):
            lines = text.text().split("\n") if text else []
            lines += _columns(fields)
            if accessory is not None:
                lines.append(_element_text(accessory))
            return lines
        case Divider():
            return ["─" * 40]
        case Context(parts):
            return [" · ".join(_context_text(part) for part in parts)]
        case Actions(elements):
            return _row([_element_text(element) for element in elements])
        case Input(label, hint, optional, element):
            name = label.text() + (" (optional)" if optional else "")
            first, *more = _element_text(element).split("\n")
            lines = [f"{name}: {first}", *(f"  {line}" for line in more)]
            return lines + ([f"  {line}" for line in hint.text().split("\n")] if hint else [])
        case RichTextBlock(body):
            return body.text().split("\n")
        case Picture() | Unsupported():
            return [_element_text(block)]
    raise AssertionError(f"unknown block {block!r}")  # pragma: no cover


def _context_text(part: Rich | Picture) -> str:
    return _element_text(part) if isinstance(part, Picture) else part.text()


def _element_text(element: Element) -> str:
    match element:
        case Button(label):
            return f"[ {label.text()} ]"
        case Choice("overflow"):
            return "[ … ]"
        case Choice("file", _, placeholder):
            return f"[ {placeholder} ]"
        case Choice(_, values, placeholder):
            return f"[ {', '.join(values) or placeholder} ▾ ]"
        case Options(multiple, options):
            marks = ("[x]", "[ ]") if multiple else ("(•)", "( )")
            return "  ".join(f"{marks[not on]} {label.text()}" for label, on in options)
        case TextField(value):
            return value or "____"
        case Picture(alt):
            return f"[image: {alt}]"
        case Unsupported(kind):
            return f"[{kind}]"
    raise AssertionError(f"unknown element {element!r}")  # pragma: no cover


def _row(controls: Sequence[str]) -> list[str]:
    """Controls side by side, wrapped onto more lines as Slack wraps an actions block."""
    lines: list[str] = []
    for control in controls:
        if lines and len(lines[-1]) + 2 + len(control) <= _WIDTH:
            lines[-1] += "  " + control
        else:
            lines.append(control)
    return lines


def _columns(fields: Sequence[Rich]) -> list[str]:
    lines: list[str] = []
    for start in range(0, len(fields), 2):
        left, right = (_wrap(field.text()) for field in (*fields[start : start + 2], EMPTY)[:2])
        for left_line, right_line in zip_longest(left, right, fillvalue=""):
            lines.append(f"{left_line:<{_COLUMN}}    {right_line}".rstrip())
    return lines


def _wrap(text: str) -> list[str]:
    if not text:
        return []
    return [part for line in text.split("\n") for part in (textwrap.wrap(line, _COLUMN) or [""])]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _modal_buttons(seen: Seen, blocks: Sequence[Block]) -> tuple[str | None, str]:
    # Slack draws Submit only when the view has one (it is required with inputs) and calls the
    # close button "Cancel" beside a submit, "Close" alone.
    has_inputs = any(isinstance(block, Input) for block in blocks)
    submit = seen.submit or ("Submit" if has_inputs else None)
    return submit, seen.close or ("Cancel" if submit else "Close")


# --- HTML ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ItemView:
    kind: str
    day: str
    local_date: str
    when: str
    iso: str
    where: str
    author: str
    initials: str
    hue: int
    notification: str
    body: Rich
    blocks: tuple[Block, ...]
    title: str
    file_name: str
    edited: bool
    submit: str | None
    close: str
    files: tuple[FileView, ...]
    opened: str


@dataclass(frozen=True)
class _GroupView:
    # A run of items on one day in one place; `new_day` when it is the first run of its day,
    # which then gets a heading of its own (one per person and day, for moving by heading) with
    # `anchor` as its id, for the index of days.
    day: str
    new_day: bool
    where: str
    items: tuple[_ItemView, ...]
    anchor: str


@dataclass(frozen=True)
class _DayView:
    # One day in the page's index of days: `iso` names it in each person's anchors
    # ("person-2-2026-12-03"), `anchor` is the first person's, for a page read without script.
    iso: str
    label: str
    anchor: str


@dataclass(frozen=True)
class _PersonView:
    anchor: str
    name: str
    role: str
    user_id: str
    initials: str
    hue: int
    count: int
    groups: tuple[_GroupView, ...]
    days: tuple[str, ...]


@dataclass(frozen=True)
class _PageView:
    title: str
    zone: str
    people: tuple[_PersonView, ...]
    days: tuple[_DayView, ...]


def _person_view(
    index: int, person: PersonTranscript, names: Mapping[str, str], zone: ZoneInfo
) -> _PersonView:
    anchor = f"person-{index}"
    items = [_item_view(seen, names, zone) for seen in person.seen]
    runs = [
        (day, where, tuple(run))
        for (day, where), run in groupby(items, key=lambda i: (i.day, i.where))
    ]
    groups = tuple(
        _GroupView(
            day,
            number == 0 or runs[number - 1][0] != day,
            where,
            run,
            f"{anchor}-{run[0].local_date}",
        )
        for number, (day, where, run) in enumerate(runs)
    )
    return _PersonView(
        anchor,
        person.name,
        person.role,
        person.user_id,
        _initials(person.name),
        _hue(person.name),
        len(items),
        groups,
        tuple(dict.fromkeys(group.anchor[len(anchor) + 1 :] for group in groups)),
    )


def _day_index(people: Sequence[_PersonView]) -> tuple[_DayView, ...]:
    """Every day anyone saw something, each linked to the first person who did."""
    first: dict[str, str] = {}
    for person in people:
        for day in person.days:
            first.setdefault(day, f"{person.anchor}-{day}")
    return tuple(
        _DayView(day, format_day(date.fromisoformat(day)), first[day]) for day in sorted(first)
    )


def _item_view(seen: Seen, names: Mapping[str, str], zone: ZoneInfo) -> _ItemView:
    blocks = read_blocks(_shown_blocks(seen), names, zone)
    body = parse_mrkdwn(seen.text, names)
    submit, close = _modal_buttons(seen, blocks)
    files = tuple(view_file(shared, zone) for shared in seen.files)
    shows_notification = seen.kind in _NOTIFYING or seen.kind == "notification"
    notification = _one_line(body.text())
    if not notification and files:
        notification = "Shared " + ", ".join(file.title or file.name for file in files)
    return _ItemView(
        kind=seen.kind,
        day=_long_day(seen.at.astimezone(zone).date()),
        local_date=seen.at.astimezone(zone).date().isoformat(),
        when=format_instant(seen.at, zone),
        iso=seen.at.isoformat(),
        where=seen.where,
        author=seen.author,
        initials=_initials(seen.author),
        hue=_hue(seen.author),
        notification=notification if shows_notification else "",
        body=body,
        blocks=blocks,
        title=seen.title or "",
        file_name=seen.file_name or "",
        edited=seen.edited,
        submit=submit,
        close=close,
        files=files,
        opened=format_instant(seen.opened, zone) if seen.opened else "",
    )


def _long_day(day: date) -> str:
    """A day as a heading reads it aloud: "Monday 23 November 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _initials(name: str) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def _hue(name: str) -> int:
    # crc32, not hash(): the same person gets the same colour on every run.
    return zlib.crc32(name.encode()) % 360


@cache
def _environment() -> Environment:
    # Every template here is HTML, so autoescape is on for all of them, whatever their name.
    environment = Environment(
        loader=PackageLoader("bot.devtools.transcript", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.tests["picture"] = lambda value: isinstance(value, Picture)
    return environment
