"""Calendar files as people's calendars read them: set, moved and cancelled when the plan ends,
one evolving event per meeting to `icalendar`, `ics` and `vobject` alike, and UIDs no other
deployment repeats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import ics as ics_parser
import vobject
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.vocabulary import Decision, MeetingKind, MeetingStatus
from storage.models import CALENDAR_ORGANIZER, Meeting

from .conftest import People, open_case
from .test_conference import decide
from .test_meetings import meeting, set_meeting


def calendar_files(sandbox: Sandbox, person: str) -> list[bytes]:
    """The .ics files the person can open, oldest first."""
    return [
        f.data for f in sandbox.emulator.inspector.files_seen_by(person) if f.name.endswith(".ics")
    ]


def read_three_ways(data: bytes) -> dict[str, Any]:
    """One file as each parser reads it, reduced to what a calendar acts on."""
    text = data.decode()
    (by_icalendar,) = icalendar.Calendar.from_ical(data).events
    (by_ics,) = ics_parser.Calendar(text).events
    by_vobject = vobject.readOne(text)
    readings = {
        "icalendar": (
            str(by_icalendar["UID"]),
            int(by_icalendar["SEQUENCE"]),
            str(icalendar.Calendar.from_ical(data)["METHOD"]),
            by_icalendar.start,
        ),
        "ics": (
            by_ics.uid,
            None,
            ics_parser.Calendar(text).method,
            by_ics.begin.datetime,
        ),
        "vobject": (
            by_vobject.vevent.uid.value,
            int(by_vobject.vevent.sequence.value),
            by_vobject.method.value,
            by_vobject.vevent.dtstart.value,
        ),
    }
    uid, sequence, method, start = readings["vobject"]
    for parser, (other_uid, other_sequence, other_method, other_start) in readings.items():
        assert (other_uid, other_method, other_start) == (uid, method, start), parser
        assert other_sequence in (None, sequence), parser
    assert str(by_icalendar["ORGANIZER"]) == f"mailto:{CALENDAR_ORGANIZER}"
    return {"uid": uid, "sequence": sequence, "method": method, "start": start}


def test_moving_and_ending_the_plan_give_one_evolving_event_per_meeting(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    second = meeting(sandbox, MeetingKind.CORE_GROUP, 2)
    rcpc = meeting(sandbox, MeetingKind.RCPC)
    assert first.id and second.id and rcpc.id
    sw = people.social_worker
    for meeting_id, day, at, who in (
        (first.id, "2026-12-03", "10:00", sw),  # GMT
        (first.id, "2026-12-29", "10:00", sw),  # moved
        (rcpc.id, "2027-02-16", "14:00", people.chair),
        (second.id, "2027-03-30", "10:00", sw),  # BST, after the review
    ):
        shared = len(calendar_files(sandbox, people.school))
        answer = set_meeting(sandbox, who, channel, meeting_id, day, at)
        assert answer["response_action"] == "update", answer
        # Each file is written when it is shared: wait for it before the next change.
        sandbox.wait_for(lambda n=shared: len(calendar_files(sandbox, people.school)) > n)
    assert len(calendar_files(sandbox, people.school)) == 4
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.STEP_DOWN)
    sandbox.wait_for(lambda: len(calendar_files(sandbox, people.school)) == 5)

    files = [read_three_ways(data) for data in calendar_files(sandbox, people.mum)]
    with Session(sandbox.engine) as session:
        uids = {
            m.id: m.calendar_uid
            for m in session.exec(select(Meeting)).all()
            if m.id in (first.id, second.id, rcpc.id)
        }
        later = session.get_one(Meeting, second.id)
    assert len(set(uids.values())) == 3
    by_meeting = {
        meeting_id: [(f["sequence"], f["method"], f["start"]) for f in files if f["uid"] == uid]
        for meeting_id, uid in uids.items()
    }
    assert by_meeting[first.id] == [
        (0, "PUBLISH", datetime(2026, 12, 3, 10, 0, tzinfo=UTC)),
        (1, "PUBLISH", datetime(2026, 12, 29, 10, 0, tzinfo=UTC)),
    ]
    assert by_meeting[rcpc.id] == [(0, "PUBLISH", datetime(2027, 2, 16, 14, 0, tzinfo=UTC))]
    # 10:00 in London in BST; cancelled with the same UID and a higher SEQUENCE.
    assert by_meeting[second.id] == [
        (0, "PUBLISH", datetime(2027, 3, 30, 9, 0, tzinfo=UTC)),
        (1, "CANCEL", datetime(2027, 3, 30, 9, 0, tzinfo=UTC)),
    ]
    assert later.status == MeetingStatus.CANCELLED


def first_core_group_uid(tmp_path: Path, name: str) -> tuple[int, str]:
    """A whole deployment of its own (database, workspace) that sets its first core group."""
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    with Sandbox(f"sqlite:///{tmp_path / f'{name}.sqlite3'}", clock=clock) as sandbox:
        emu = sandbox.emulator
        crew = People(
            social_worker=emu.add_user("Priya Shah"),
            chair=emu.add_user("Tom Okafor"),
            school=emu.add_user("Ms Reed"),
            health_visitor=emu.add_user("Jan Kowalski"),
            mum=emu.add_user("Sam", is_ultra_restricted=True),
            outsider=emu.add_user("Alex Other"),
            lobby="",
        )
        crew.lobby = emu.create_channel_as_user(crew.social_worker, "team-lobby")
        for user in (crew.chair, crew.school, crew.health_visitor):
            emu.join_channel(user, crew.lobby)
        channel = open_case(sandbox, crew)
        first = meeting(sandbox, MeetingKind.CORE_GROUP)
        assert first.id is not None
        set_meeting(sandbox, crew.social_worker, channel, first.id, "2026-12-03")
        sandbox.wait_for(lambda: calendar_files(sandbox, crew.school))
        [data] = calendar_files(sandbox, crew.school)
        return first.id, read_three_ways(data)["uid"]


def test_two_deployments_never_share_a_calendar_uid(tmp_path: Path) -> None:
    one_id, one_uid = first_core_group_uid(tmp_path, "portsmouth")
    other_id, other_uid = first_core_group_uid(tmp_path, "dorset")
    assert one_id == other_id  # the same row id in each database
    assert one_uid != other_uid
