"""Meeting .ics files read back with `icalendar` and two independent parsers (`ics`, `vobject`):
one instant in BST and GMT, an organiser, and moves and cancels as one evolving event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import ics as ics_parser
import pytest
import vobject
from icalendar import Calendar, Event

from bot.ui.calendar_file import PRODID, meeting_ics

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def ics(starts_at: datetime, **overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "meeting-42@coregroup",
        "organizer": "coregroup-bot@portsmouth.example",
        "starts_at": starts_at,
        "duration": HOUR,
        "summary": "CP-0421 core group",
        "location": "Family Centre, room 2",
        "tz": LONDON,
        "stamp": STAMP,
    }
    return meeting_ics(**(arguments | overrides))


def read(data: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(data)
    (event,) = calendar.events
    return calendar, event


@pytest.mark.parametrize(
    ("starts_at", "local_wall_time"),
    [
        pytest.param(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), "20261020T100000", id="bst"),
        pytest.param(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), "20261103T100000", id="gmt"),
    ],
)
def test_ten_oclock_in_london_reads_back_as_the_same_instant(
    starts_at: datetime, local_wall_time: str
) -> None:
    data = ics(starts_at)
    _calendar, event = read(data)
    assert event.start == starts_at
    assert event.end == starts_at + HOUR
    assert isinstance(event.start, datetime)
    assert event.start.astimezone(LONDON).hour == 10
    # Written as London wall time with its zone, so every calendar shows 10:00.
    assert f"DTSTART;TZID=Europe/London:{local_wall_time}".encode() in data


def test_file_carries_a_vtimezone_for_the_case_zone() -> None:
    calendar, _event = read(ics(datetime(2026, 10, 20, 9, 0, tzinfo=UTC)))
    assert [timezone.tz_name for timezone in calendar.timezones] == ["Europe/London"]
    assert calendar.get_missing_tzids() == set()


def test_a_published_meeting_has_its_identity_stamp_and_method() -> None:
    calendar, event = read(ics(datetime(2026, 10, 20, 9, 0, tzinfo=UTC)))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == PRODID
    assert calendar["VERSION"] == "2.0"
    assert event.uid == "meeting-42@coregroup"
    assert event.stamp == STAMP
    assert event.sequence == 0
    assert event["SUMMARY"] == "CP-0421 core group"
    assert event["LOCATION"] == "Family Centre, room 2"
    assert "STATUS" not in event
    assert "DESCRIPTION" not in event
    assert str(event["ORGANIZER"]) == "mailto:coregroup-bot@portsmouth.example"


def test_a_moved_meeting_keeps_its_uid_and_bumps_its_sequence() -> None:
    first = ics(datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    moved = ics(datetime(2026, 10, 22, 13, 0, tzinfo=UTC), sequence=1)
    _, before = read(first)
    _, after = read(moved)
    assert after.uid == before.uid
    assert (before.sequence, after.sequence) == (0, 1)
    assert after.start == datetime(2026, 10, 22, 13, 0, tzinfo=UTC)


def test_a_cancelled_meeting_says_cancel_and_cancelled() -> None:
    calendar, event = read(
        ics(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), sequence=2, cancelled=True)
    )
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.sequence == 2
    assert event.uid == "meeting-42@coregroup"


def test_optional_location_is_left_out_and_description_is_kept() -> None:
    _, event = read(
        ics(
            datetime(2026, 10, 20, 9, 0, tzinfo=UTC),
            location=None,
            description="Join from the link in the case channel.",
        )
    )
    assert "LOCATION" not in event
    assert event["DESCRIPTION"] == "Join from the link in the case channel."


def test_same_meeting_gives_the_same_bytes() -> None:
    starts_at = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    assert ics(starts_at) == ics(starts_at)


def test_start_given_in_another_zone_is_written_in_the_case_zone() -> None:
    starts_at = datetime(2026, 10, 20, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
    data = ics(starts_at)
    assert b"DTSTART;TZID=Europe/London:20261020T100000" in data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"starts_at": datetime(2026, 10, 20, 10, 0)}, "aware", id="naive-start"),
        pytest.param({"duration": timedelta(0)}, "positive", id="no-duration"),
        pytest.param({"sequence": -1}, "negative", id="negative-sequence"),
        pytest.param({"organizer": "the bot"}, "email address", id="organizer-not-an-address"),
    ],
)
def test_meeting_ics_refuses_what_calendars_would_misread(
    overrides: dict[str, Any], message: str
) -> None:
    starts_at = overrides.pop("starts_at", datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match=message):
        ics(starts_at, **overrides)


def read_with_ics(data: bytes) -> tuple[str | None, Any]:
    """The `ics` package's reading: the calendar's METHOD and its one event."""
    calendar = ics_parser.Calendar(data.decode())
    (event,) = calendar.events
    return calendar.method, event


def read_with_vobject(data: bytes) -> tuple[str, Any]:
    """The `vobject` package's reading: the calendar's METHOD and its one event."""
    calendar = vobject.readOne(data.decode())
    return calendar.method.value, calendar.vevent


@pytest.mark.parametrize(
    ("starts_at", "offset_hours"),
    [
        pytest.param(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), 1, id="bst"),
        pytest.param(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), 0, id="gmt"),
        # The hour after the clocks go back, when 10:00 London is the first 10:00 of GMT.
        pytest.param(datetime(2026, 10, 26, 10, 0, tzinfo=UTC), 0, id="day-after-gmt-starts"),
        pytest.param(datetime(2027, 3, 29, 9, 0, tzinfo=UTC), 1, id="day-after-bst-starts"),
    ],
)
def test_independent_parsers_agree_on_the_local_time_in_gmt_and_bst(
    starts_at: datetime, offset_hours: int
) -> None:
    data = ics(starts_at)
    _method, by_ics = read_with_ics(data)
    _method, by_vobject = read_with_vobject(data)
    _calendar, by_icalendar = read(data)
    starts = [by_ics.begin.datetime, by_vobject.dtstart.value, by_icalendar.start]
    ends = [by_ics.end.datetime, by_vobject.dtend.value, by_icalendar.end]
    assert all(start == starts_at for start in starts), starts
    assert all(end == starts_at + HOUR for end in ends), ends
    for start in starts:
        assert (start.hour, start.minute) == (10, 0)
        assert start.utcoffset() == timedelta(hours=offset_hours)


def test_independent_parsers_read_the_uid_organizer_and_method() -> None:
    data = ics(datetime(2026, 10, 20, 9, 0, tzinfo=UTC), sequence=3, cancelled=True)
    method, by_ics = read_with_ics(data)
    assert method == "CANCEL"
    assert by_ics.uid == "meeting-42@coregroup"
    assert by_ics.status == "CANCELLED"
    assert by_ics.organizer.email == "coregroup-bot@portsmouth.example"
    method, by_vobject = read_with_vobject(data)
    assert method == "CANCEL"
    assert by_vobject.uid.value == "meeting-42@coregroup"
    assert by_vobject.status.value == "CANCELLED"
    assert by_vobject.sequence.value == "3"
    assert by_vobject.organizer.value == "mailto:coregroup-bot@portsmouth.example"


def test_moving_then_cancelling_reads_as_one_evolving_event_to_every_parser() -> None:
    published = ics(datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    moved = ics(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), sequence=1)
    cancelled = ics(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), sequence=2, cancelled=True)
    files = [published, moved, cancelled]
    by_vobject = [read_with_vobject(data) for data in files]
    by_ics = [read_with_ics(data) for data in files]
    assert {event.uid.value for _, event in by_vobject} == {"meeting-42@coregroup"}
    assert {event.uid for _, event in by_ics} == {"meeting-42@coregroup"}
    assert [int(event.sequence.value) for _, event in by_vobject] == [0, 1, 2]
    assert [method for method, _ in by_vobject] == ["PUBLISH", "PUBLISH", "CANCEL"]
    assert [method for method, _ in by_ics] == ["PUBLISH", "PUBLISH", "CANCEL"]
    assert [event.begin.datetime for _, event in by_ics] == [
        datetime(2026, 10, 20, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
    ]


def test_a_welsh_case_s_entry_says_its_words_are_welsh_and_an_english_one_says_nothing() -> None:
    start = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    summary = "CP-0421 cyfarfod grŵp craidd / CP-0421 core group meeting"
    data = ics(start, summary=summary, language="cy")
    _calendar, event = read(data)
    assert event["summary"] == summary
    assert event["summary"].params["LANGUAGE"] == "cy"
    method, by_vobject = read_with_vobject(data)
    assert method == "PUBLISH"
    assert by_vobject.summary.value == summary
    assert by_vobject.summary.params["LANGUAGE"] == ["cy"]
    assert b"LANGUAGE" not in ics(start)
