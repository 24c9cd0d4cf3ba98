"""Meetings are arranged and accounted for: the first core group's date is chased with the
social worker, nobody is asked for updates before an unarranged meeting, and a meeting whose date
passes unrecorded is asked about once."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId, MeetingField, ViewId
from bot.rules.vocabulary import MeetingKind, MeetingStatus
from storage.models import AuditEvent, Meeting

from .conftest import People, open_case
from .test_meetings import set_meeting
from .test_plan import top_view
from .test_update_cycle import PROMPT, at, case_with_core_group, received

ARRANGE = "A core group meeting to arrange for oak-family"
HELD = "Was a meeting held for oak-family?"
WORKING_DAYS = ("2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30")
WORKING_DAYS += ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04")


def first_core_group(sandbox: Sandbox) -> Meeting:
    with Session(sandbox.engine) as session:
        return session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.CORE_GROUP, Meeting.sequence == 1)
        ).one()


def test_an_unarranged_first_core_group_reminds_the_social_worker_and_prompts_nobody(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)  # ICPC Fri 20 Nov 2026, opened Mon 23 Nov
    for day in WORKING_DAYS:
        sandbox.clock.set(at(day))
        sandbox.sweep()
    # Every 3 working days from the day after opening: Tue 24 Nov, Fri 27 Nov, Wed 2 Dec.
    reminders = received(sandbox, people.social_worker, ARRANGE)
    assert len(reminders) == 3
    assert "within 10 working days of the initial conference: by *Fri  4 Dec 2026*" in str(
        reminders[0].blocks
    )
    for person in (people.school, people.health_visitor, people.mum, people.chair):
        assert received(sandbox, person, ARRANGE) == []
    everyone = (people.social_worker, people.school, people.health_visitor, people.mum)
    assert all(received(sandbox, person, PROMPT) == [] for person in everyone)

    # Once it has a date the reminders stop.
    first = first_core_group(sandbox)
    assert first.id is not None
    set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-10")
    sandbox.clock.set(at("2026-12-08"))
    sandbox.sweep()
    assert len(received(sandbox, people.social_worker, ARRANGE)) == 3


def test_a_scottish_reminder_gives_scotlands_limit_in_its_words(
    sandbox: Sandbox, people: People
) -> None:
    open_case(sandbox, people, nation="SCT")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    (reminder,) = received(sandbox, people.social_worker, ARRANGE)
    assert (
        "within 15 working days of the Child Protection Planning Meeting: by *Mon 14 Dec 2026*"
        in str(reminder.blocks)
    )


def test_a_meeting_whose_date_passes_unrecorded_is_asked_about_once_and_the_answer_kept(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    _, first = case_with_core_group(sandbox, people, "2026-12-03")
    # Thu 3 Dec passes with nobody recording who came: asked on Fri 4 Dec, and only then.
    for day in ("2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08"):
        sandbox.clock.set(at(day))
        sandbox.sweep()
        sandbox.sweep()
    (asked,) = received(sandbox, people.social_worker, HELD)
    assert "core group meeting on Thu  3 Dec 2026" in str(asked.blocks)
    assert all(received(sandbox, p, HELD) == [] for p in (people.chair, people.school, people.mum))

    emu.click(people.social_worker, asked.channel, asked.ts, ActionId.MEETING_NOT_HELD)
    view = top_view(sandbox, people.social_worker)
    assert view["callback_id"] == ViewId.NOT_HELD
    field = MeetingField.NOT_HELD_REASON
    answer = emu.submit_view(
        people.social_worker, view["id"], {(field, field): "Snow: the school was closed"}
    )
    assert answer.status == 200
    with Session(sandbox.engine) as session:
        meeting = session.get_one(Meeting, first.id)
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.MEETING_HELD_ANSWER)
        ).all()
    assert meeting.status == MeetingStatus.DUE and meeting.starts_at is None
    assert meeting.not_held_reason == "Snow: the school was closed"
    assert [(e.detail["held"], e.detail["reason"]) for e in events] == [
        (False, "Snow: the school was closed")
    ]
    # Waiting for a new date again: the social worker is reminded to set it.
    sandbox.settle()
    sandbox.clock.set(at("2026-12-10"))
    sandbox.sweep()
    assert received(sandbox, people.social_worker, ARRANGE) != []
    assert len(received(sandbox, people.social_worker, HELD)) == 1


def test_answering_yes_records_the_meeting_as_held(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    _, first = case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-12-04"))
    sandbox.sweep()
    (asked,) = received(sandbox, people.social_worker, HELD)
    emu.click(people.social_worker, asked.channel, asked.ts, ActionId.MEETING_WAS_HELD)
    sandbox.settle()
    shown = str([m.blocks for m in emu.inspector.messages(asked.channel)])
    assert "Recorded: the core group meeting on Thu  3 Dec 2026 for *oak-family* was held" in shown
    with Session(sandbox.engine) as session:
        meeting = session.get_one(Meeting, first.id)
    assert meeting.status == MeetingStatus.HELD
