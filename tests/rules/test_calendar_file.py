"""Meeting .ics files read back with `icalendar`: one instant in BST and GMT, moves, cancels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from bot.ui.calendar_file import PRODID, meeting_ics

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def ics(starts_at: datetime, **overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "meeting-42@coregroup",
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
    ],
)
def test_meeting_ics_refuses_what_calendars_would_misread(
    overrides: dict[str, Any], message: str
) -> None:
    starts_at = overrides.pop("starts_at", datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match=message):
        ics(starts_at, **overrides)
