"""What a shared file looks like in the transcript: its kind, its size and a preview of it.

A calendar entry shows its meeting (date, time in the case's zone, place), a document its first
lines, a PDF its page count and first lines, an image itself. The bytes are the ones the person
would download, so the preview is what they would find on opening the file.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from bot.devtools.transcript.blocks import format_day
from bot.devtools.transcript.model import SharedFile

# How many lines of a document a preview shows, and how long each may be.
PREVIEW_LINES = 6
_LINE_CHARACTERS = 160

_KINDS = {
    ".ics": "Calendar entry (iCalendar)",
    ".md": "Markdown document",
    ".markdown": "Markdown document",
    ".txt": "Plain text",
    ".csv": "CSV table",
    ".json": "JSON",
    ".html": "HTML document",
    ".htm": "HTML document",
    ".pdf": "PDF document",
    ".png": "PNG image",
    ".jpg": "JPEG image",
    ".jpeg": "JPEG image",
    ".gif": "GIF image",
    ".webp": "WebP image",
    ".svg": "SVG image",
}
_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".csv", ".json")


@dataclass(frozen=True)
class CalendarEntry:
    """The meeting a calendar file holds, as the person's calendar would show it."""

    summary: str
    when: str
    place: str
    cancelled: bool


@dataclass(frozen=True)
class FileView:
    """A shared file as the transcript draws it."""

    name: str
    title: str
    kind: str
    size: str
    href: str
    # At most one of these is set: what opening the file would show first.
    event: CalendarEntry | None = None
    lines: tuple[str, ...] = ()
    pages: int | None = None
    # An image, as a data: URL so the page stays one self-contained file.
    image: str = ""
    # Why there is no preview, when there is none.
    note: str = ""

    def summary_line(self) -> str:
        """Name, kind and size on one line: "plan.ics · Calendar entry (iCalendar) · 855 bytes"."""
        return f"{self.name} · {self.kind} · {self.size}"

    def preview_lines(self) -> list[str]:
        """The preview as lines of plain text (an image is named by its title)."""
        if self.event is not None:
            lines = [self.event.summary, self.event.when]
            if self.event.place:
                lines.append(self.event.place)
            return ["Cancelled: " + lines[0], *lines[1:]] if self.event.cancelled else lines
        lines = [f"{self.pages} {'page' if self.pages == 1 else 'pages'}"] if self.pages else []
        lines += list(self.lines)
        if self.image:
            lines.append(f"[image: {self.title or self.name}]")
        if self.note:
            lines.append(self.note)
        return lines


def view_file(shared: SharedFile, zone: ZoneInfo) -> FileView:
    """The file's kind, size and preview; a file that cannot be read says so, never fails."""
    suffix = PurePosixPath(shared.name).suffix.lower()
    base = FileView(
        name=shared.name,
        title=shared.title if shared.title != shared.name else "",
        kind=_KINDS.get(suffix, "File"),
        size=format_size(shared.size),
        href=shared.href,
    )
    try:
        if suffix == ".ics":
            return _calendar(base, shared.data, zone)
        if suffix in _TEXT_SUFFIXES:
            return _with_lines(base, _decode(shared.data).splitlines())
        if suffix in (".html", ".htm"):
            return _with_lines(base, _html_lines(_decode(shared.data)))
        if suffix == ".pdf":
            return _pdf(base, shared.data)
        if suffix in _IMAGE_TYPES:
            encoded = base64.b64encode(shared.data).decode("ascii")
            return _replace(base, image=f"data:{_IMAGE_TYPES[suffix]};base64,{encoded}")
    except (ValueError, KeyError, IndexError) as problem:
        return _replace(base, note=f"(no preview: {type(problem).__name__})")
    return base


def format_size(size: int) -> str:
    """A size as a file browser shows it: "812 bytes", "14.2 kB", "1.3 MB"."""
    if size < 1000:
        return f"{size} {'byte' if size == 1 else 'bytes'}"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def _replace(view: FileView, **changes: Any) -> FileView:
    return FileView(**{**view.__dict__, **changes})


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _with_lines(view: FileView, lines: list[str]) -> FileView:
    return _replace(view, lines=_first_lines(lines))


def _first_lines(lines: list[str]) -> tuple[str, ...]:
    kept = []
    for line in lines:
        line = " ".join(line.split())
        if line:
            kept.append(
                line if len(line) <= _LINE_CHARACTERS else line[: _LINE_CHARACTERS - 1] + "…"
            )
        if len(kept) == PREVIEW_LINES:
            break
    return tuple(kept)


# --- calendar ------------------------------------------------------------------------------------


def _calendar(view: FileView, data: bytes, zone: ZoneInfo) -> FileView:
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    if not events:
        return _replace(view, note="(no event in it)")
    event = events[0]
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if "DTEND" in event else None
    if end is None and "DURATION" in event:
        end = start + event.decoded("DURATION")
    cancelled = (
        str(event.get("STATUS", "")).upper() == "CANCELLED"
        or str(calendar.get("METHOD", "")).upper() == "CANCEL"
    )
    return _replace(
        view,
        event=CalendarEntry(
            summary=str(event.get("SUMMARY", "")) or "(no title)",
            when=_when(start, end, zone),
            place=str(event.get("LOCATION", "")),
            cancelled=cancelled,
        ),
    )


def _when(start: date | datetime, end: date | datetime | None, zone: ZoneInfo) -> str:
    """The event's time in its own zone (the case's), as a calendar shows it; all-day events
    show their day. A time with no zone is taken to be in `zone`."""
    if not isinstance(start, datetime):
        return format_day(start) + " (all day)"
    shown_zone = _zone_of(start) or zone
    local_start = _in_zone(start, shown_zone)
    text = f"{format_day(local_start.date())}, {local_start:%H:%M}"
    if isinstance(end, datetime):
        local_end = _in_zone(end, shown_zone)
        same_day = local_end.date() == local_start.date()
        text += (
            f"–{local_end:%H:%M}"
            if same_day
            else f" – {format_day(local_end.date())}, {local_end:%H:%M}"
        )
    return f"{text} ({_zone_label(local_start, shown_zone)})"


def _zone_of(instant: datetime) -> ZoneInfo | None:
    tz = instant.tzinfo
    if isinstance(tz, ZoneInfo):
        return tz
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    try:
        return ZoneInfo(str(key)) if key else None
    except (ValueError, OSError):
        return None


def _in_zone(instant: datetime, zone: ZoneInfo) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        return instant.replace(tzinfo=zone)
    return instant.astimezone(zone)


def _zone_label(instant: datetime, zone: ZoneInfo) -> str:
    abbreviation = instant.tzname()
    return f"{zone.key}, {abbreviation}" if abbreviation else zone.key


# --- documents -----------------------------------------------------------------------------------


class _TextOf(HTMLParser):
    """The text a browser would show, a line per block element, without scripts or styles."""

    _SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "header"}
        | {"footer", "article", "table", "ul", "ol", "dt", "dd", "blockquote", "pre", "main"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html_lines(page: str) -> list[str]:
    parser = _TextOf()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts).split("\n")


def _pdf(view: FileView, data: bytes) -> FileView:
    # pypdf reads the printable copies back in the tests; without it a PDF shows only its name,
    # kind and size.
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        return view
    try:
        reader = PdfReader(io.BytesIO(data))
        text = reader.pages[0].extract_text() if reader.pages else ""
        return _replace(view, pages=len(reader.pages), lines=_first_lines(text.splitlines()))
    except PyPdfError as problem:
        return _replace(view, note=f"(no preview: {type(problem).__name__})")
