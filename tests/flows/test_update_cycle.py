"""The update cycle in simulated time: prompts, updates, chases on working days, and cover."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.jobs import dispatch_due, make_dispatcher
from bot.rules.ids import ActionId, UpdateField, ViewId
from bot.rules.messages import MessageKind, OutboxKey
from bot.rules.vocabulary import JobState, MeetingKind, OutboxState, UpdateRequestStatus
from bot.rules.work import WorkKind
from storage.models import (
    AgencyUpdate,
    AuditEvent,
    Job,
    Meeting,
    OutboxMessage,
    Outcome,
    UpdateRequest,
)

from .conftest import BOTH_TRANSPORTS, People, open_case
from .test_core_group import say
from .test_meetings import set_meeting
from .test_plan import add_outcome, top_view

PROMPT = "Time for your update for oak-family"
CHASE = "A reminder about your update for oak-family"
OVERDUE = "An update is overdue for oak-family"


def case_with_core_group(
    sandbox: Sandbox, people: People, day: str, nation: str = "ENG"
) -> tuple[str, Meeting]:
    """A case with two outcomes and its first core group set for `day` at 10:00."""
    channel = open_case(sandbox, people, nation=nation)
    # A minute between steps, as in life: the emulator's clock only moves when the test moves it,
    # so the channel's posting allowance (a burst of three) refills only then.
    sandbox.clock.advance(timedelta(minutes=1))
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    sandbox.clock.advance(timedelta(minutes=1))
    add_outcome(sandbox, people.social_worker, channel, "Sam feels safe at home")
    with Session(sandbox.engine) as session:
        first = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.CORE_GROUP, Meeting.sequence == 1)
        ).one()
    assert first.id is not None
    answer = set_meeting(sandbox, people.social_worker, channel, first.id, day)
    assert answer["response_action"] == "update", answer
    sandbox.wait_for(lambda: sandbox.emulator.inspector.files_seen_by(people.school))
    return channel, first


def received(sandbox: Sandbox, user: str, text: str) -> list[Any]:
    return [s for s in sandbox.emulator.inspector.seen_by(user) if s.text == text]


def at(day: str, hour: int = 9, minute: int = 30) -> datetime:
    """Wall time in London on a winter day (GMT = UTC)."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def outcome_ids(sandbox: Sandbox) -> list[int]:
    with Session(sandbox.engine) as session:
        return [o.id or 0 for o in session.exec(select(Outcome).order_by(col(Outcome.position)))]


def give_update(sandbox: Sandbox, user: str, words: str = "Good week at school") -> dict:  # type: ignore[type-arg]
    """Open the form from the person's latest prompt or chase, fill it in, and submit it."""
    emu = sandbox.emulator
    ask = [
        s
        for s in emu.inspector.seen_by(user)
        if s.channel.startswith("D") and ActionId.GIVE_UPDATE in str(s.blocks)
    ][-1]
    emu.click(user, ask.channel, ask.ts, ActionId.GIVE_UPDATE)
    view = top_view(sandbox, user)
    assert view["callback_id"] == ViewId.UPDATE
    values: dict[tuple[str, str], Any] = {}
    for oid in outcome_ids(sandbox):
        rag = UpdateField.RAG.numbered(oid)
        values[(rag, rag)] = "amber"
    blocks = {b.get("block_id") for b in view["blocks"]}
    for field, value in (
        (UpdateField.GOING_WELL, words),
        (UpdateField.WORRIES, "Mornings are still hard"),
        (UpdateField.NEW_HARM, "no"),
        (UpdateField.NEXT_STEPS, "Keep meeting Jo at the gate"),
    ):
        if field in blocks:
            values[(field, field)] = value
    return emu.submit_view(user, view["id"], values).json()


def test_a_whole_cycle_prompts_everyone_chases_the_late_and_shows_only_counts(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    # Meeting Thu 3 Dec: reports due Tue 1 Dec; prompts 5 working days before, Tue 24 Nov 09:30.
    sandbox.clock.set(at("2026-11-24", 9, 0))
    sandbox.sweep()
    assert received(sandbox, people.school, PROMPT) == []
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    for person in (people.school, people.health_visitor, people.social_worker, people.mum):
        assert len(received(sandbox, person, PROMPT)) >= 1, person
    assert received(sandbox, people.chair, PROMPT) == []  # the chair receives, not gives
    family = received(sandbox, people.mum, PROMPT)[0]
    assert "what would make things better" in str(family.blocks)
    # Family members not on Slack: the social worker is offered to fill theirs in with them.
    assert "Fill in with Dan (dad)" in str(received(sandbox, people.social_worker, PROMPT))

    answer = give_update(sandbox, people.school, "Jo was in every day <!channel>")
    assert answer["response_action"] == "update"  # the form thanks them
    sandbox.wait_for(
        lambda: (
            "1 of"
            in str(
                [
                    m.blocks
                    for m in emu.inspector.messages(channel)
                    if m.text == "Updates for oak-family"
                ]
            )
        )
    )

    # Reminder Mon 30 Nov, due today Tue 1 Dec, overdue Wed 2 Dec, chair told Thu 3 Dec.
    for day, expected in (("2026-11-30", 1), ("2026-12-01", 2), ("2026-12-02", 3)):
        sandbox.clock.set(at(day))
        sandbox.sweep()
        sandbox.sweep()  # nothing twice
        assert len(received(sandbox, people.health_visitor, CHASE)) == expected, day
        assert received(sandbox, people.school, CHASE) == []  # their update is in
    about_jan = [
        s
        for s in received(sandbox, people.social_worker, OVERDUE)
        if "Jan Kowalski" in str(s.blocks)
    ]
    assert len(about_jan) == 1
    sandbox.clock.set(at("2026-12-03"))
    sandbox.sweep()
    escalations = [
        s for s in received(sandbox, people.chair, OVERDUE) if "Jan Kowalski" in str(s.blocks)
    ]
    assert len(escalations) == 1 and "as chair" in str(escalations[0].blocks)

    # The late update arrives: nothing more is sent about it.
    give_update(sandbox, people.health_visitor, "Visited twice")
    sandbox.clock.set(at("2026-12-04"))
    sandbox.sweep()
    assert len(received(sandbox, people.health_visitor, CHASE)) == 3
    with Session(sandbox.engine) as session:
        late = session.exec(select(AuditEvent).where(AuditEvent.action == "update.submitted")).all()
    assert [e.detail["late"] for e in late] == [False, True]

    # The channel never shows anyone's words, to anyone.
    for person in (people.mum, people.school, people.chair):
        for seen in emu.inspector.seen_by(person):
            if seen.channel == channel:
                shown = f"{seen.text}{seen.blocks}"
                assert "was in every day" not in shown
                assert "Visited twice" not in shown
                assert "Mornings are still hard" not in shown


def test_an_update_one_second_before_the_deadline_can_be_changed_until_it_and_not_after(
    sandbox: Sandbox, people: People
) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    # Due by the end of Tue 1 Dec in London (23:59:59 GMT).
    sandbox.clock.set(datetime(2026, 12, 1, 23, 59, 58, tzinfo=UTC))
    assert give_update(sandbox, people.school)["response_action"] == "update"
    sandbox.clock.set(datetime(2026, 12, 2, 0, 0, 0, tzinfo=UTC))
    refused = give_update(sandbox, people.school, "Changed my mind")
    assert refused["response_action"] == "errors"
    assert "deadline for changes has passed" in str(refused["errors"])
    # A first update one second after the deadline is still welcome, and marked late.
    assert give_update(sandbox, people.health_visitor)["response_action"] == "update"
    with Session(sandbox.engine) as session:
        updates = session.exec(select(AgencyUpdate).order_by(col(AgencyUpdate.id))).all()
        requests = {r.id: r for r in session.exec(select(UpdateRequest))}
    assert len(updates) == 2
    assert [requests[u.request_id].due_at < u.submitted_at for u in updates] == [False, True]


@BOTH_TRANSPORTS
def test_editing_keeps_every_version(sandbox: Sandbox, people: People) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    give_update(sandbox, people.school, "First words")
    sandbox.clock.advance(timedelta(hours=2))
    give_update(sandbox, people.school, "Second thoughts")
    with Session(sandbox.engine) as session:
        versions = session.exec(select(AgencyUpdate).order_by(col(AgencyUpdate.version))).all()
        request = session.exec(
            select(UpdateRequest).where(UpdateRequest.status == UpdateRequestStatus.RECEIVED)
        ).one()
    assert [(v.version, v.going_well) for v in versions] == [
        (1, "First words"),
        (2, "Second thoughts"),
    ]
    assert request.received_at == at("2026-11-24")


def test_an_update_sent_twice_unchanged_is_one_version(sandbox: Sandbox, people: People) -> None:
    # Slack shows an error when the app answers late, and the person presses Send again: the
    # same words are the version they sent, thanked again, not a second version or audit entry,
    # even when the second press lands after the deadline.
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    assert give_update(sandbox, people.school, "Same words")["response_action"] == "update"
    sandbox.clock.set(datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC))
    again = give_update(sandbox, people.school, "Same words")
    sandbox.clock.set(datetime(2026, 12, 2, 0, 0, 30, tzinfo=UTC))
    after_deadline = give_update(sandbox, people.school, "Same words")
    assert again["response_action"] == after_deadline["response_action"] == "update"
    assert "late" not in str(after_deadline["view"]["blocks"]).lower()
    with Session(sandbox.engine) as session:
        versions = session.exec(select(AgencyUpdate)).all()
        submitted = session.exec(
            select(AuditEvent).where(AuditEvent.action == "update.submitted")
        ).all()
    assert [(v.version, v.going_well) for v in versions] == [(1, "Same words")]
    assert len(submitted) == 1


def test_two_sends_racing_for_one_version_number_both_keep_their_words(
    sandbox: Sandbox, people: People
) -> None:
    # The school's Send lands while another of its sends is still being saved: the other one
    # commits version 1 first, so this one is saved again, as version 2, not lost in an error.
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    raced: list[bool] = []

    def the_other_send_commits_first(session: Session, *_: object) -> None:
        saving = [o for o in session.new if isinstance(o, AgencyUpdate)]
        if raced or not saving:
            return
        raced.append(True)
        with Session(sandbox.engine) as other:
            other.add(
                AgencyUpdate(
                    request_id=saving[0].request_id,
                    version=1,
                    submitted_by=people.school,
                    submitted_at=at("2026-11-24"),
                    going_well="The other send",
                )
            )
            other.commit()

    event.listen(Session, "before_flush", the_other_send_commits_first)
    try:
        answer = give_update(sandbox, people.school, "This send")
    finally:
        event.remove(Session, "before_flush", the_other_send_commits_first)
    assert raced and answer["response_action"] == "update"
    with Session(sandbox.engine) as session:
        versions = session.exec(select(AgencyUpdate).order_by(col(AgencyUpdate.version))).all()
    assert [(v.version, v.going_well) for v in versions] == [
        (1, "The other send"),
        (2, "This send"),
    ]


def test_a_member_on_leave_is_not_chased_and_their_cover_is(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    answer = say(
        sandbox, people.school, channel, f"away until 2026-12-04 <@{people.health_visitor}>"
    )
    # The health visitor is of another agency: the social worker agrees first (issue 13).
    assert "asked the social worker" in answer
    approval = "Your approval is needed in oak-family"
    asked = sandbox.wait_for(lambda: received(sandbox, people.social_worker, approval))[-1]
    sandbox.emulator.click(people.social_worker, asked.channel, asked.ts, ActionId.APPROVE_REQUEST)
    told = sandbox.wait_for(
        lambda: received(sandbox, people.school, "An answer about your request in oak-family")
    )
    assert "until Fri  4 Dec 2026" in str(told[-1].blocks)
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    sandbox.clock.set(at("2026-11-30"))
    sandbox.sweep()
    assert received(sandbox, people.school, CHASE) == []
    covering = [
        s
        for s in received(sandbox, people.health_visitor, CHASE)
        if "covering for Ms Reed" in str(s.blocks)
    ]
    assert len(covering) == 1
    # The cover may give the update for them.
    give_update(sandbox, people.health_visitor)
    with Session(sandbox.engine) as session:
        done = session.exec(
            select(UpdateRequest).where(UpdateRequest.status == UpdateRequestStatus.RECEIVED)
        ).all()
    assert len(done) >= 1


def test_a_deactivated_member_is_never_chased_and_the_social_worker_is_told(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    case_with_core_group(sandbox, people, "2026-12-03")
    emu.deliver_pending_events()
    emu.deactivate_user(people.health_visitor)
    emu.deliver_pending_events()  # Slack tells the app they left the channel
    told = [
        s
        for s in emu.inspector.seen_by(people.social_worker)
        if s.text == "Core group change in oak-family"
    ]
    assert (told and "Jan Kowalski" in str(told[-1].blocks)) or "left the case channel" in str(told)
    for day in ("2026-11-24", "2026-11-30", "2026-12-01", "2026-12-02"):
        sandbox.clock.set(at(day))
        sandbox.sweep()
    assert [
        c
        for c in emu.calls_to("chat.postMessage")
        if c.args.get("channel") == people.health_visitor
    ] == []


def pending_about(sandbox: Sandbox, meeting: Meeting) -> list[OutboxMessage]:
    """The pending messages of the meeting's case that are about the meeting, by their key."""
    with Session(sandbox.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.case_id == meeting.case_id,
            )
        ).all()
    return [r for r in rows if (key := OutboxKey.parse(r.key)) and key.meeting_id == meeting.id]


def test_scotland_over_christmas_and_new_year_chases_only_on_scottish_working_days(
    sandbox: Sandbox, people: People
) -> None:
    sandbox.clock.set(datetime(2026, 12, 14, 10, 0, tzinfo=UTC))
    _, first = case_with_core_group(sandbox, people, "2027-01-05", nation="SCT")
    rows = pending_about(sandbox, first)

    def days(kind: MessageKind) -> set[date]:
        return {r.due_at.date() for r in rows if r.kind == kind}

    # Working days before Tue 5 Jan in Scotland: not 4 Jan (New Year holiday observed), 1 Jan,
    # 28 or 25 Dec. Reports are due Wed 30 Dec; prompts Mon 21 Dec.
    assert days(MessageKind.PROMPT) == {date(2026, 12, 21)}
    assert days(MessageKind.CHASE) == {date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}
    assert days(MessageKind.ESCALATION) == {date(2027, 1, 5)}


def test_a_deadline_across_the_clock_change_keeps_local_times(
    sandbox: Sandbox, people: People
) -> None:
    sandbox.clock.set(datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    _, first = case_with_core_group(sandbox, people, "2027-04-01")
    rows = pending_about(sandbox, first)
    with Session(sandbox.engine) as session:
        request = session.exec(
            select(UpdateRequest).where(UpdateRequest.meeting_id == first.id)
        ).first()
    instants: dict[str, set[datetime]] = {r.kind: set() for r in rows}
    for r in rows:
        instants[r.kind].add(r.due_at)
    # Easter 2027: Good Friday 26 Mar and Easter Monday 29 Mar; BST from Sun 28 Mar.
    # Reports due Tue 30 Mar (by 23:59:59 BST); prompts Fri 19 Mar at 09:30 GMT.
    assert instants["prompt"] == {datetime(2027, 3, 19, 9, 30, tzinfo=UTC)}
    assert datetime(2027, 3, 30, 8, 30, tzinfo=UTC) in instants["chase"]  # 09:30 BST
    assert request is not None
    assert request.due_at == datetime(2027, 3, 30, 22, 59, 59, tzinfo=UTC)


def test_chasing_through_slack_errors_and_rate_limits_delivers_each_message_once(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    case_with_core_group(sandbox, people, "2026-12-03")
    emu.faults.configure(
        rate=0.3,
        kinds=["http_500", "http_503", "drop", "http_500_after", "drop_after"],
        seed=11,
        methods=["chat.postMessage", "conversations.open", "conversations.history"],
    )
    for day in ("2026-11-24", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"):
        sandbox.clock.set(at(day))
        for _ in range(12):  # the dispatcher backs off; the clock moves on as it would
            sandbox.sweep()
            sandbox.clock.advance(timedelta(minutes=30))
    emu.faults.off()
    with Session(sandbox.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.due_at) <= at("2026-12-03"))
        ).all()
    sent_keys = [
        (c.args.get("metadata") or {}).get("event_payload", {}).get("key")
        for c in emu.calls_to("chat.postMessage")
    ]
    assert any(c.fault for c in emu.calls_to("chat.postMessage"))  # the faults did happen
    posted: dict[str, int] = {}
    for conversation in emu.workspace.conversations.values():
        for message in conversation.messages:
            key = ((message.metadata or {}).get("event_payload") or {}).get("key")
            if key:
                posted[key] = posted.get(key, 0) + 1
    due = [r for r in rows if r.state != OutboxState.CANCELLED]
    assert due and all(r.state == OutboxState.SENT for r in due), [
        (r.key, r.state, r.last_error) for r in due if r.state != OutboxState.SENT
    ]
    assert all(posted.get(r.key) == 1 for r in due), {r.key: posted.get(r.key) for r in due}
    assert len(sent_keys) >= len(due)  # some were attempted more than once, none posted twice


def test_the_home_tab_lists_the_updates_a_person_owes_with_a_button(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    case_with_core_group(sandbox, people, "2026-12-03")
    emu.open_home(people.school)
    emu.deliver_pending_events()
    assert "Nothing right now" in str(emu.inspector.home(people.school))
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    emu.open_home(people.school)
    emu.deliver_pending_events()
    home = emu.inspector.home(people.school)
    assert home is not None
    assert "core group meeting on Thu  3 Dec 2026, due by Tue  1 Dec 2026" in str(home)
    emu.click_in_view(people.school, home["id"], ActionId.GIVE_UPDATE)
    assert top_view(sandbox, people.school)["callback_id"] == ViewId.UPDATE


def test_a_chase_due_before_the_update_is_re_planned_is_not_sent(
    sandbox: Sandbox, people: People
) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    sandbox.settle()
    assert sandbox.worker is not None and sandbox.deps is not None
    sandbox.worker.stop()  # the work after the form's answer (its re-planning) waits
    answer = give_update(sandbox, people.school)
    assert answer["response_action"] == "update"
    with Session(sandbox.engine) as session:
        waiting = session.exec(select(Job).where(Job.state == JobState.PENDING)).all()
        chases = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.CHASE,
                OutboxMessage.recipient == people.school,
            )
        ).all()
    assert [j.kind for j in waiting] == [WorkKind.AFTER_UPDATE]
    assert {c.state for c in chases} == {OutboxState.PENDING}  # not re-planned yet
    # The first chase falls due before any worker re-plans: only the dispatcher runs.
    sandbox.clock.set(at("2026-11-30"))
    report = dispatch_due(make_dispatcher(sandbox.deps, worker="sandbox"))
    assert report.sent >= 1  # the health visitor's chase
    assert len(received(sandbox, people.health_visitor, CHASE)) == 1
    assert received(sandbox, people.school, CHASE) == []  # written only while the report is owed
    with Session(sandbox.engine) as session:
        due_chase = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.CHASE,
                OutboxMessage.recipient == people.school,
                OutboxMessage.state != OutboxState.PENDING,
            )
        ).all()
    assert [c.state for c in due_chase] == [OutboxState.CANCELLED]
