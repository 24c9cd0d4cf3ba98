"""A meeting as an iCalendar (.ics) file, in the case's own time zone, built with `icalendar`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//coregroup-bot//meeting//EN"


def meeting_ics(
    *,
    uid: str,
    organizer: str,
    starts_at: datetime,
    duration: timedelta,
    summary: str,
    location: str | None,
    tz: ZoneInfo,
    description: str | None = None,
    language: str | None = None,
    sequence: int = 0,
    cancelled: bool = False,
    stamp: datetime,
) -> bytes:
    """Return one meeting as .ics bytes: PUBLISH to add or move it, CANCEL to take it away.

    Calendar files leave Slack and sit in people's work and personal calendars, so `summary`
    (and `location`, `description`) must carry only the case reference and the meeting kind,
    e.g. "CP-0421 core group": never a child's name, an address or anything about the harm.

    Keep `uid` the same for the life of the meeting (and unique across every deployment) and
    raise `sequence` every time it moves or is cancelled: calendars then update the entry they
    hold instead of adding a second one. `organizer` is the bot's address (iTIP requires an
    ORGANIZER to publish or cancel an event).
    `stamp` is when the file was made (DTSTAMP): the service clock's now, so bytes repeat.
    `language`, when given ("cy"), is the SUMMARY's LANGUAGE parameter (RFC 5545 3.2.10): the
    words of a Welsh or bilingual case begin in Welsh; an English file carries none, as before.
    """
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        raise ValueError("starts_at must be timezone-aware")
    if duration <= timedelta(0):
        raise ValueError(f"duration must be positive, not {duration}")
    if sequence < 0:
        raise ValueError(f"sequence must not be negative, not {sequence}")
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    if "@" not in organizer:
        raise ValueError(f"organizer must be an email address, not {organizer!r}")

    # Wall times in the case's zone (with TZID) show the meeting at 10:00 in BST and GMT alike.
    # The end is worked out in UTC: adding to a zoned datetime adds wall time across a clock change.
    start = starts_at.astimezone(tz)
    end = (starts_at.astimezone(UTC) + duration).astimezone(tz)

    event = Event.new(
        uid=uid,
        start=start,
        end=end,
        summary=summary,
        location=location,
        description=description,
        sequence=sequence,
        stamp=stamp.astimezone(UTC),
    )
    if language is not None:
        event["summary"].params["LANGUAGE"] = language
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if cancelled:
        event.add("status", "CANCELLED")

    # Calendar() rather than Calendar.new(): the latter adds a random calendar UID, and the same
    # meeting should always give the same bytes.
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    # One VTIMEZONE per TZID, as RFC 5545 requires. The span is kept to the meeting's years, not
    # the library's default 1970-2038, so the file stays small.
    calendar.add_missing_timezones(
        first_date=date(start.year, 1, 1), last_date=date(end.year + 1, 1, 1)
    )
    ics: bytes = calendar.to_ical()
    return ics
