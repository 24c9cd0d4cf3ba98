"""Calendar files as people's calendars read them: set, moved and cancelled when the plan ends,
one evolving event per meeting to `icalendar`, `ics` and `vobject` alike, UIDs no other
deployment repeats, and one file per change however often its job runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import ics as ics_parser
import vobject
from slack_sdk import WebClient
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.deps import Dependencies
from bot.devtools.emulator.faults import Fault
from bot.devtools.sandbox import Sandbox
from bot.rules.vocabulary import Decision, JobState, MeetingKind, MeetingStatus
from bot.rules.work import WorkKind
from bot.services import jobs
from bot.slack.gateway import SHARE_ATTEMPTS
from bot.worker import Worker
from handlers.after import WORK
from storage.db import UnitOfWork
from storage.models import CALENDAR_ORGANIZER, Job, Meeting

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


def test_a_calendar_file_is_shared_once_when_its_job_dies_half_way_and_runs_again(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    assert first.id is not None and sandbox.worker is not None and sandbox.deps is not None
    sandbox.settle()
    sandbox.worker.stop()  # the schedule's work waits for the worker below
    assert set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    # A client without retries: the fault below is one failed attempt, as a crash would be.
    client = WebClient(token=emu.bot_token, base_url=emu.api_url, retry_handlers=[])
    deps = Dependencies(sandbox.settings, UnitOfWork(sandbox.engine), sandbox.clock, client)
    worker = Worker(deps, name="test-worker", threads=1, listen=False)

    # The file is uploaded and recorded; the connection drops before Slack shares it, on each
    # of the gateway's tries (each after history shows it unshared), as a crash would stop it.
    emu.faults.inject_next(Fault.DROP, method="files.completeUploadExternal", count=SHARE_ATTEMPTS)
    worker.run_due()
    with Session(sandbox.engine) as session:
        [job] = session.exec(select(Job).where(Job.kind == WorkKind.AFTER_SCHEDULE)).all()
        recorded = session.get_one(Meeting, first.id).calendar_file_id
    assert job.state == JobState.PENDING and recorded is not None  # to be tried again
    assert calendar_files(sandbox, people.school) == []
    # Tried again: the file recorded is shared, not a second one uploaded.
    sandbox.clock.advance(jobs.retry_delay(1) + timedelta(seconds=1))
    assert worker.run_due() == 1
    # And the step run once more (a worker that died after sharing) shares nothing new.
    WORK[WorkKind.AFTER_SCHEDULE].run(deps, job.payload)
    shared = [f for f in emu.inspector.files_seen_by(people.school) if f.name.endswith(".ics")]
    assert [f.id for f in shared] == [recorded]
    assert len(emu.calls_to("files.getUploadURLExternal")) == 1
    event = icalendar.Calendar.from_ical(shared[0].data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_a_share_slack_applied_before_the_connection_dropped_is_not_shared_again(
    sandbox: Sandbox, people: People
) -> None:
    """The bot's own client retries a dropped connection; the share it lost the answer to is
    found in the channel's history instead of being completed a second time."""
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    assert first.id is not None
    sandbox.settle()
    emu.faults.inject_next(Fault.DROP_AFTER, method="files.completeUploadExternal")
    assert set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    sandbox.settle()
    shared = [f for f in emu.inspector.files_seen_by(people.school) if f.name.endswith(".ics")]
    assert len(shared) == 1
    with Session(sandbox.engine) as session:
        assert session.get_one(Meeting, first.id).calendar_file_id == shared[0].id
    assert [c.fault for c in emu.calls_to("files.completeUploadExternal")] == ["drop_after"]
