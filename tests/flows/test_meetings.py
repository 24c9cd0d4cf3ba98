"""Meetings through real modals and buttons: scheduling, invitations, replies, quorum."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, MeetingField, ViewId
from bot.rules.vocabulary import Attendance, MeetingKind, MeetingStatus, OutboxState, Rsvp
from storage.models import AuditEvent, Invitation, Meeting, Member, OutboxMessage

from .conftest import BOTH_TRANSPORTS, People, open_case
from .test_core_group import say
from .test_plan import top_view

LONDON = ZoneInfo("Europe/London")


def meeting(sandbox: Sandbox, kind: MeetingKind, sequence: int = 1) -> Meeting:
    with Session(sandbox.engine) as session:
        return session.exec(
            select(Meeting).where(Meeting.kind == kind, Meeting.sequence == sequence)
        ).one()


def set_meeting(
    sandbox: Sandbox,
    user: str,
    channel: str,
    meeting_id: int,
    day: str,
    at: str = "10:00",
    place: str = "Oak Primary School, family room",
) -> dict:  # type: ignore[type-arg]
    emu = sandbox.emulator
    emu.slash_command(user, channel, "/coregroup", "schedule")
    view = top_view(sandbox, user)
    assert view["callback_id"] == ViewId.SCHEDULE
    return emu.submit_view(
        user,
        view["id"],
        {
            (MeetingField.MEETING, MeetingField.MEETING): str(meeting_id),
            (MeetingField.DATE, MeetingField.DATE): day,
            (MeetingField.TIME, MeetingField.TIME): at,
            (MeetingField.PLACE, MeetingField.PLACE): place,
        },
    ).json()


def invitation_in(sandbox: Sandbox, channel: str):  # type: ignore[no-untyped-def]
    found = [
        m for m in sandbox.emulator.inspector.messages(channel) if m.text.startswith("Invitation:")
    ]
    assert found, "no invitation in the channel"
    return found[-1]


def dm_invitation(sandbox: Sandbox, user: str):  # type: ignore[no-untyped-def]
    found = [
        s
        for s in sandbox.emulator.inspector.seen_by(user)
        if s.channel.startswith("D") and s.text.startswith("Invitation:")
    ]
    assert found, f"no invitation in {user}'s DMs"
    return found[-1]


def scheduled_core_group(sandbox: Sandbox, people: People) -> tuple[str, Meeting]:
    channel = open_case(sandbox, people)
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    assert first.id is not None
    answer = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    assert answer["response_action"] == "update", answer
    sandbox.wait_for(lambda: sandbox.emulator.inspector.files_seen_by(people.school))
    return channel, meeting(sandbox, MeetingKind.CORE_GROUP)


def test_setting_a_core_group_shares_a_calendar_file_and_invites_everyone(
    sandbox: Sandbox, people: People
) -> None:
    channel, first = scheduled_core_group(sandbox, people)
    assert first.status == MeetingStatus.SCHEDULED
    assert first.starts_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # GMT in December
    [shared] = sandbox.emulator.inspector.files_seen_by(people.school)
    event = icalendar.Calendar.from_ical(shared.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)
    assert str(event["SUMMARY"]) == "oak-family core group meeting"
    topic = sandbox.emulator.inspector.channel(channel).topic
    assert topic == "Core group for oak-family · next: core group on Thu  3 Dec 2026 at 10:00"

    report = sandbox.sweep()  # invitations are due 10 working days before: that is now
    assert report.dispatch.failed == 0
    invitation = invitation_in(sandbox, channel)
    assert invitation.text == "Invitation: core group meeting for oak-family"
    assert "Thu  3 Dec 2026 at 10:00" in str(invitation.blocks)
    for person in (people.school, people.health_visitor, people.mum, people.chair):
        assert ActionId.RSVP_ATTENDING in str(dm_invitation(sandbox, person).blocks)
    assert sandbox.sweep().dispatch.sent == 0  # nothing twice


@BOTH_TRANSPORTS
def test_replies_show_live_in_the_channel_invitation_updated_in_place(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    emu.click(
        people.school,
        dm_invitation(sandbox, people.school).channel,
        dm_invitation(sandbox, people.school).ts,
        ActionId.RSVP_ATTENDING,
    )
    emu.click(
        people.mum,
        dm_invitation(sandbox, people.mum).channel,
        dm_invitation(sandbox, people.mum).ts,
        ActionId.RSVP_APOLOGIES,
    )
    sandbox.wait_for(lambda: "Apologies:* Sam" in str(invitation_in(sandbox, channel).blocks))
    blocks = str(invitation_in(sandbox, channel).blocks)
    assert "Coming:* Ms Reed" in blocks
    invitations = [m for m in emu.inspector.messages(channel) if m.text.startswith("Invitation")]
    assert len(invitations) == 1  # updated in place
    # Each reply is thanked privately (possibly after someone else's click updated the list).
    sandbox.wait_for(
        lambda: any(
            "still send your update" in s.text
            for s in emu.inspector.seen_by(people.mum)
            if s.kind == "ephemeral"
        )
    )


def test_two_people_clicking_at_once_are_both_recorded(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    channel, first = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    message = invitation_in(sandbox, channel)
    clickers = [people.school, people.health_visitor, people.chair]
    threads = [
        threading.Thread(
            target=emu.click, args=(user, channel, message.ts, ActionId.RSVP_ATTENDING)
        )
        for user in clickers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sandbox.wait_for(
        lambda: all(
            name in str(invitation_in(sandbox, channel).blocks)
            for name in ("Ms Reed", "Jan Kowalski", "(chair)")
        )
    )
    with Session(sandbox.engine) as session:
        replies = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == first.id, Invitation.rsvp == Rsvp.ATTENDING
            )
        ).all()
    assert len(replies) == 3


def test_someone_not_invited_is_refused_politely(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    intruder = emu.add_user("Not Invited")
    emu.join_channel(intruder, channel, inviter=people.school)
    emu.click(intruder, channel, invitation_in(sandbox, channel).ts, ActionId.RSVP_ATTENDING)
    told = sandbox.wait_for(
        lambda: [s.text for s in emu.inspector.seen_by(intruder) if s.kind == "ephemeral"]
    )
    assert "you're not on its list" in told[-1]
    with Session(sandbox.engine) as session:
        assert all(i.rsvp == Rsvp.NONE for i in session.exec(select(Invitation)))


def test_a_representative_not_yet_in_the_channel_is_added_and_shown(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    deputy = emu.add_user("Kim Deputy HV")
    dm = dm_invitation(sandbox, people.health_visitor)
    emu.click(people.health_visitor, dm.channel, dm.ts, ActionId.RSVP_REPRESENTATIVE)
    view = top_view(sandbox, people.health_visitor)
    assert view["callback_id"] == ViewId.REPRESENTATIVE
    emu.submit_view(
        people.health_visitor,
        view["id"],
        {(MeetingField.REPRESENTATIVE, MeetingField.REPRESENTATIVE): deputy},
    )
    sandbox.wait_for(
        lambda: "Kim Deputy HV for Jan Kowalski" in str(invitation_in(sandbox, channel).blocks)
    )
    assert deputy in emu.inspector.channel(channel).members
    with Session(sandbox.engine) as session:
        member = session.exec(select(Member).where(Member.slack_user_id == deputy)).one()
    assert member.agency == "health_visitor"


def test_only_the_chair_moves_a_conference_and_inquorate_warnings_clear_when_agencies_confirm(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    rcpc = meeting(sandbox, MeetingKind.RCPC)
    assert rcpc.id is not None
    emu.slash_command(people.social_worker, channel, "/coregroup", "schedule")
    offered = str(top_view(sandbox, people.social_worker)["blocks"])
    assert "Core group meeting 1" in offered and "Review conference" not in offered

    answer = set_meeting(
        sandbox, people.chair, channel, rcpc.id, "2027-02-16", "14:00", "Civic Centre, room 4"
    )
    assert answer["response_action"] == "update"
    with Session(sandbox.engine) as session:
        moved = session.get_one(Meeting, rcpc.id)
    assert moved.reports_due is not None and moved.reports_due.isoformat() == "2027-02-12"

    # Three working days before (Thu 11 Feb 2027, 09:30 London): nobody has replied.
    sandbox.clock.set(datetime(2027, 2, 11, 9, 30, tzinfo=UTC))
    sandbox.sweep()
    warnings = [s for s in emu.inspector.seen_by(people.chair) if s.text.startswith("Quorum")]
    assert len(warnings) == 1
    assert "Ms Reed" in str(warnings[0].blocks) and "Jan Kowalski" in str(warnings[0].blocks)
    for person in (people.social_worker, people.school, people.health_visitor):
        dm = dm_invitation(sandbox, person)
        emu.click(person, dm.channel, dm.ts, ActionId.RSVP_ATTENDING)
    sandbox.wait_for(
        lambda: (
            "now expected to be quorate"
            in str(
                [
                    s.blocks
                    for s in emu.inspector.seen_by(people.chair)
                    if s.text.startswith("Quorum")
                ]
            )
        )
    )
    sandbox.sweep()
    assert len([s for s in emu.inspector.seen_by(people.chair) if s.text.startswith("Quorum")]) == 1


def test_moving_a_meeting_across_a_bank_holiday_replans_without_sending_anything_twice(
    sandbox: Sandbox, people: People
) -> None:
    channel, first = scheduled_core_group(sandbox, people)
    assert first.id is not None
    holiday = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-28")
    assert "not a working day (Boxing Day (observed))" in str(holiday["errors"])
    moved = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-29")
    assert moved["response_action"] == "update", moved
    sandbox.wait_for(lambda: len(sandbox.emulator.inspector.files_seen_by(people.school)) == 2)
    with Session(sandbox.engine) as session:
        invitations = select(OutboxMessage).where(OutboxMessage.kind == "invitation")
        pending = session.exec(invitations.where(OutboxMessage.state == OutboxState.PENDING)).all()
        cancelled = session.exec(
            invitations.where(OutboxMessage.state == OutboxState.CANCELLED)
        ).all()
        second = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.CORE_GROUP, Meeting.sequence == 2)
        ).one()
    assert pending and all("20261229" in row.key for row in pending), [r.key for r in pending]
    assert all("20261203" in row.key for row in cancelled) and cancelled
    # The next core group is due 6 weeks after the moved one (Tue 9 Feb 2027).
    assert second.due_by.isoformat() == "2027-02-09"
    [_, ics_moved] = sandbox.emulator.inspector.files_seen_by(people.school)
    event = icalendar.Calendar.from_ical(ics_moved.data).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == first.calendar_uid


def test_attendance_is_recorded_after_the_meeting_and_the_invitation_closes(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, first = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    dm = dm_invitation(sandbox, people.school)
    emu.click(people.school, dm.channel, dm.ts, ActionId.RSVP_ATTENDING)
    sandbox.wait_for(lambda: "Coming:* Ms Reed" in str(invitation_in(sandbox, channel).blocks))
    emu.click(people.mum, channel, invitation_in(sandbox, channel).ts, ActionId.RECORD_ATTENDANCE)
    assert emu.inspector.modal_stack(people.mum) == []  # the family does not record attendance
    emu.click(
        people.social_worker,
        channel,
        invitation_in(sandbox, channel).ts,
        ActionId.RECORD_ATTENDANCE,
    )
    view = top_view(sandbox, people.social_worker)
    assert view["callback_id"] == ViewId.ATTENDANCE
    with Session(sandbox.engine) as session:
        rows = {
            m.slack_user_id: i.id
            for i, m in session.exec(
                select(Invitation, Member).join(Member, col(Member.id) == col(Invitation.member_id))
            )
        }
    # The chair runs the core group: they are not one of its members to record.
    shown = {b["block_id"] for b in view["blocks"]}
    assert MeetingField.ATTENDANCE.numbered(rows[people.chair] or 0) not in shown
    # Four outcomes, in words; nobody is pre-marked as not coming.
    labels = [o["text"]["text"] for o in view["blocks"][0]["element"]["options"]]
    assert labels == ["Came", "Came late", "Sent someone", "Sent apologies", "Did not come"]
    mum = MeetingField.ATTENDANCE.numbered(rows[people.mum] or 0)
    assert (
        next(b for b in view["blocks"] if b["block_id"] == mum)["element"].get("initial_option")
        is None
    )
    late = MeetingField.ATTENDANCE.numbered(rows[people.health_visitor] or 0)
    emu.submit_view(people.social_worker, view["id"], {(late, late): Attendance.LATE.value})
    sandbox.wait_for(
        lambda: ActionId.RSVP_ATTENDING not in str(invitation_in(sandbox, channel).blocks)
    )
    with Session(sandbox.engine) as session:
        marks = {
            m.slack_user_id: i.attendance
            for i, m in session.exec(
                select(Invitation, Member).join(Member, col(Member.id) == col(Invitation.member_id))
            )
        }
        held = session.get_one(Meeting, first.id)
    assert marks[people.school] == Attendance.PRESENT
    assert marks[people.health_visitor] == Attendance.LATE
    assert marks[people.chair] is None
    assert marks[people.mum] is None  # not recorded: nobody is absent by default
    assert held.status == MeetingStatus.HELD


def test_an_invitation_to_a_deactivated_person_is_reported_to_the_social_worker(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    scheduled_core_group(sandbox, people)
    emu.deactivate_user(people.health_visitor)
    sandbox.sweep()
    sandbox.sweep()  # the note about the failed delivery goes out on the next pass
    notes = [
        s
        for s in emu.inspector.seen_by(people.social_worker)
        if s.text == "A message could not be delivered in oak-family"
    ]
    assert len(notes) == 1
    assert "I couldn't deliver an invitation to Jan Kowalski for oak-family" in str(notes[0].blocks)


def test_a_reply_and_its_audit_event_are_written_before_slack_gets_its_answer(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, first = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    response = emu.click(
        people.school, channel, invitation_in(sandbox, channel).ts, ActionId.RSVP_ATTENDING
    )
    assert response.status == 200
    # No waiting: the acknowledgement means the reply is on record, with who changed what.
    with Session(sandbox.engine) as session:
        school = session.exec(select(Member).where(Member.slack_user_id == people.school)).one()
        invitation = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == first.id, Invitation.member_id == school.id
            )
        ).one()
        assert invitation.rsvp == Rsvp.ATTENDING
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "meeting.reply")).one()
    assert (event.actor, event.case_id) == (people.school, first.case_id)
    assert event.detail == {"meeting": first.id, "before": "none", "after": "attending"}
    assert event.at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_status_counts_the_replies_to_the_next_meeting(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    message = invitation_in(sandbox, channel)
    emu.click(people.school, channel, message.ts, ActionId.RSVP_ATTENDING)
    emu.click(people.health_visitor, channel, message.ts, ActionId.RSVP_APOLOGIES)
    status = say(sandbox, people.mum, channel, "status")
    assert "• Next core group: Thu  3 Dec 2026 at 10:00" in status
    # The chair runs the meeting and is not counted; the offline family are invited too.
    assert (
        "• Replies for the core group on Thu  3 Dec 2026 at 10:00: 1 coming, "
        "0 sending someone, 1 apologies, 4 not replied yet"
    ) in status
