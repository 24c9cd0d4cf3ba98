"""Shared files as the transcript previews them, from bytes the product itself makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.devtools.transcript import PersonTranscript, Seen, Transcript, render_html, render_text
from bot.devtools.transcript.files import PREVIEW_LINES, format_size, view_file
from bot.devtools.transcript.model import SharedFile
from bot.ui.calendar_file import meeting_ics
from tests.transcript.support import parse_page

LONDON = ZoneInfo("Europe/London")


def calendar(starts_at: datetime, *, cancelled: bool = False) -> bytes:
    return meeting_ics(
        uid="6f1c1f4e-1111-4c3b-9a59-1d1a3c7c0001",
        organizer="coregroup@example.org",
        starts_at=starts_at,
        duration=timedelta(minutes=90),
        summary="OAK-1 core group",
        location="Oak Primary School",
        tz=LONDON,
        cancelled=cancelled,
        stamp=datetime(2027, 5, 1, tzinfo=UTC),
    )


def test_a_calendar_entry_shows_the_meeting_at_the_wall_time_of_the_cases_zone() -> None:
    # 09:00 UTC in June is 10:00 in London (BST): the file and its preview both say 10:00,
    # even when the transcript itself is read in another zone.
    data = calendar(datetime(2027, 6, 10, 9, 0, tzinfo=UTC))
    view = view_file(SharedFile("oak-1.ics", "oak-1.ics", data), ZoneInfo("UTC"))
    assert view.kind == "Calendar entry (iCalendar)"
    assert view.preview_lines() == [
        "OAK-1 core group",
        "Thu 10 Jun 2027, 10:00–11:30 (Europe/London, BST)",
        "Oak Primary School",
    ]


def test_a_cancelled_meeting_says_so() -> None:
    data = calendar(datetime(2027, 1, 14, 10, 0, tzinfo=UTC), cancelled=True)
    view = view_file(SharedFile("oak-1.ics", "", data), LONDON)
    assert view.event is not None and view.event.cancelled
    assert view.preview_lines()[:2] == [
        "Cancelled: OAK-1 core group",
        "Thu 14 Jan 2027, 10:00–11:30 (Europe/London, GMT)",
    ]


def test_documents_show_their_first_lines_as_text() -> None:
    markdown = "\n".join(f"Line {n}" for n in range(1, 20)).encode()
    assert view_file(SharedFile("s.md", "", markdown), LONDON).lines == tuple(
        f"Line {n}" for n in range(1, PREVIEW_LINES + 1)
    )
    page = (
        b"<!DOCTYPE html><html><head><title>Tab</title><style>p{color:red}</style></head>"
        b"<body><h1>Review &amp; plan</h1><script>alert(1)</script><p>First <b>para</b></p>"
        b"</body></html>"
    )
    assert view_file(SharedFile("s.html", "", page), LONDON).lines == (
        "Review & plan",
        "First para",
    )


def test_a_file_that_cannot_be_read_is_named_never_fatal() -> None:
    broken = view_file(SharedFile("x.ics", "", b"not a calendar"), LONDON)
    assert broken.note.startswith("(no preview")
    unknown = view_file(SharedFile("notes.bin", "", b"\x00" * 1500), LONDON)
    assert (unknown.kind, unknown.size, unknown.preview_lines()) == ("File", "1.5 kB", [])
    assert [format_size(n) for n in (1, 999, 1000, 2_500_000)] == [
        "1 byte",
        "999 bytes",
        "1.0 kB",
        "2.5 MB",
    ]


def test_a_file_is_drawn_in_the_text_and_the_page_with_a_link_to_its_copy() -> None:
    data = calendar(datetime(2027, 1, 14, 10, 0, tzinfo=UTC))
    shared = SharedFile("oak-1.ics", "oak-1.ics", data, "files/oak-1.ics")
    seen = Seen(
        datetime(2027, 1, 1, 9, 0, tzinfo=UTC),
        "#oak-1 (private channel)",
        "message",
        "Core Group",
        "",
        files=(shared,),
    )
    person = PersonTranscript("U1", "Ms Reed", "School", (seen,))
    text = render_text(person, {})
    assert "File: oak-1.ics · Calendar entry (iCalendar) · " in text
    assert "Thu 14 Jan 2027, 10:00–11:30 (Europe/London, GMT)" in text
    assert "Saved beside this transcript: files/oak-1.ics" in text
    page = parse_page(render_html(Transcript("Run", (person,), {})))
    item = page.find("div", "file")
    assert item.find("a").attrs["href"] == "files/oak-1.ics"
    assert [dt.text for dt in item.find_all("dt")] == ["What", "When", "Where"]
    # A message that is only a file has no empty text above it; its notification names the file.
    assert page.find_all("div", "sk-text") == []
    assert page.find("span", "notif-text").text == "Shared oak-1.ics"
