"""The review conference: the chair's digest, the summary drafted and released, the decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId, DecisionField, UpdateField, ViewId
from bot.rules.vocabulary import CaseStatus, Decision, MeetingKind, OutboxState
from bot.services.conference import announce_decision, decision_recorded_by, release_summary
from storage.models import AuditEvent, Case, Meeting, OutboxMessage

from .conftest import BOTH_TRANSPORTS, People, open_case
from .test_core_group import say
from .test_meetings import set_meeting
from .test_plan import add_outcome, top_view
from .test_update_cycle import at, outcome_ids

SECRET = "Police intelligence about a visitor"  # professional-only: never for the family
DIGEST = "RCPC chair's digest for oak-family"


def give(sandbox: Sandbox, user: str, extra: dict[str, Any] | None = None) -> None:
    emu = sandbox.emulator
    ask = [
        s
        for s in emu.inspector.seen_by(user)
        if s.channel.startswith("D") and ActionId.GIVE_UPDATE in str(s.blocks)
    ][-1]
    emu.click(user, ask.channel, ask.ts, ActionId.GIVE_UPDATE)
    view = top_view(sandbox, user)
    blocks = {b.get("block_id") for b in view["blocks"]}
    values: dict[tuple[str, str], Any] = {}
    for oid in outcome_ids(sandbox):
        rag = UpdateField.RAG.numbered(oid)
        values[(rag, rag)] = "amber"
    for field, value in (
        (UpdateField.GOING_WELL, "Jo is settled in class"),
        (UpdateField.NEW_HARM, "no"),
    ):
        if field in blocks:
            values[(field, field)] = value
    values.update(extra or {})
    answer = emu.submit_view(user, view["id"], values).json()
    assert answer.get("response_action") == "update", answer


SUMMARY_TEXT = "Review conference summary for oak-family"


def conference_case(sandbox: Sandbox, people: People) -> tuple[str, Meeting]:
    """A case whose first review conference (Tue 16 Feb 2027, 14:00) the chair has set."""
    channel = open_case(sandbox, people)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    with Session(sandbox.engine) as session:
        rcpc = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.RCPC, Meeting.sequence == 1)
        ).one()
    assert rcpc.id is not None
    answer = set_meeting(sandbox, people.chair, channel, rcpc.id, "2027-02-16", "14:00")
    assert answer["response_action"] == "update", answer
    return channel, rcpc


def test_the_chair_gets_a_digest_three_working_days_before_kept_up_to_date(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    conference_case(sandbox, people)
    # Reports due Fri 12 Feb; prompts Fri 5 Feb; the digest Thu 11 Feb at 09:30.
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    give(sandbox, people.school)
    sandbox.clock.set(at("2027-02-11"))
    sandbox.sweep()
    [digest] = [s for s in emu.inspector.seen_by(people.chair) if s.text == DIGEST]
    shown = str(digest.blocks)
    assert "Jan Kowalski" in shown  # has not replied / report missing
    assert "Ms Reed" in shown
    assert digest.text == DIGEST  # the notification names only the case reference
    assert [s for s in emu.inspector.seen_by(people.school) if s.text == DIGEST] == []
    # A reply arrives: the digest already sent is updated in place, not sent again.
    dm = [
        s
        for s in emu.inspector.seen_by(people.health_visitor)
        if s.text.startswith("Invitation: review conference")
    ][-1]
    emu.click(people.health_visitor, dm.channel, dm.ts, ActionId.RSVP_ATTENDING)
    sandbox.wait_for(
        lambda: (
            next(s for s in emu.inspector.seen_by(people.chair) if s.text == DIGEST).blocks
            != digest.blocks
        )
    )
    sandbox.sweep()
    assert len([s for s in emu.inspector.seen_by(people.chair) if s.text == DIGEST]) == 1


@BOTH_TRANSPORTS
def test_the_summary_is_drafted_for_the_chair_and_released_without_professional_only_content(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    give(
        sandbox,
        people.school,
        {
            (UpdateField.PROFESSIONAL_ONLY, UpdateField.PROFESSIONAL_ONLY): SECRET,
            (UpdateField.WORRIES, UpdateField.WORRIES): "Jo <!everyone> {{ 7*7 }} is tired",
        },
    )
    give(sandbox, people.mum, {(UpdateField.GOING_WELL, UpdateField.GOING_WELL): "Calmer home"})

    assert say(sandbox, people.mum, channel, "summary").startswith("Sorry")
    answer = say(sandbox, people.social_worker, channel, "summary")
    assert "ready to release" in answer
    drafts = [
        s
        for s in emu.inspector.seen_by(people.chair)
        if s.text == "Review conference summary for oak-family"
    ]
    assert SECRET in str([d.blocks for d in drafts])  # the professional copy
    release = next(d for d in drafts if ActionId.RELEASE_SUMMARY in str(d.blocks))

    emu.click(
        people.social_worker, release.channel, release.ts, ActionId.RELEASE_SUMMARY
    ) if False else None
    # A minute on, as in life: the channel's posting allowance (one a second, a burst of three)
    # has refilled since the updates were announced there.
    sandbox.clock.advance(timedelta(minutes=1))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(
        lambda: any(
            f.name.endswith("-professional.html")
            for f in emu.inspector.files_seen_by(people.school)
        )
    )
    posted = [
        m
        for m in emu.inspector.messages(channel)
        if m.text == "Review conference summary for oak-family"
    ]
    assert posted and "Calmer home" in str([m.blocks for m in posted])
    assert "&lt;!everyone&gt; {{ 7*7 }}" in str([m.blocks for m in posted])
    # Nothing the family can see carries the professional-only words: messages or files.
    for seen in emu.inspector.seen_by(people.mum):
        assert SECRET not in f"{seen.text}{seen.blocks}"
    for shared in emu.inspector.files_seen_by(people.mum):
        assert SECRET.encode() not in shared.data
    professional = [
        f
        for f in emu.inspector.files_seen_by(people.school)
        if f.name.endswith("-professional.html")
    ]
    assert professional and SECRET.encode() in professional[0].data


def test_a_release_run_again_after_stopping_half_way_posts_nothing_twice(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, rcpc = conference_case(sandbox, people)
    assert rcpc.id is not None
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    give(sandbox, people.school)
    say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if s.text == SUMMARY_TEXT]
    release = next(d for d in drafts if ActionId.RELEASE_SUMMARY in str(d.blocks))
    sandbox.clock.advance(timedelta(minutes=1))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.settle()

    def everything() -> tuple[int, int, int, int]:
        seen = [emu.inspector.seen_by(p) for p in (people.school, people.mum, people.chair)]
        files = [emu.inspector.files_seen_by(p) for p in (people.school, people.mum)]
        return len(emu.inspector.messages(channel)), *map(len, seen[:2]), sum(map(len, files))

    before = everything()
    assert before[3] > 0
    # As the job would after a worker died part way (everything it did is found, not redone),
    # and a second click, which writes no second job.
    assert sandbox.deps is not None
    release_summary(sandbox.deps, conference_id=rcpc.id, actor=people.chair)
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.settle()
    assert everything() == before
    with Session(sandbox.engine) as session:
        released = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.SUMMARY_RELEASED)
        ).all()
    assert len(released) == 1


def test_the_social_worker_cannot_release_or_record_the_decision(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    say(sandbox, people.social_worker, channel, "summary")
    drafts = [
        s
        for s in emu.inspector.seen_by(people.social_worker)
        if ActionId.RELEASE_SUMMARY in str(s.blocks)
    ]
    emu.click(people.social_worker, drafts[0].channel, drafts[0].ts, ActionId.RELEASE_SUMMARY)
    told = sandbox.wait_for(
        lambda: [
            s.text for s in emu.inspector.seen_by(people.social_worker) if s.kind == "ephemeral"
        ]
    )
    assert "only the conference chair" in told[-1]
    assert [
        m
        for m in emu.inspector.messages(channel)
        if m.text == "Review conference summary for oak-family"
    ] == []
    assert say(sandbox, people.social_worker, channel, "decision").startswith("Sorry, only the")


def decide(
    sandbox: Sandbox, people: People, channel: str, decision: Decision, **extra: str
) -> None:
    emu = sandbox.emulator
    emu.slash_command(people.chair, channel, "/coregroup", "decision")
    view = top_view(sandbox, people.chair)
    assert view["callback_id"] == ViewId.DECISION
    values: dict[tuple[str, str], Any] = {
        (DecisionField.DECISION, DecisionField.DECISION): decision.value
    }
    for field, value in extra.items():
        values[(field, field)] = value
    answer = emu.submit_view(people.chair, view["id"], values)
    assert answer.status == 200


def test_continuing_the_plan_schedules_the_next_review_within_six_months(
    sandbox: Sandbox, people: People
) -> None:
    channel, rcpc = conference_case(sandbox, people)
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    dissent = "Dad disagreed: he feels things are safe now."
    choices = {DecisionField.CATEGORY.value: "neglect", DecisionField.DISSENT.value: dissent}
    decide(sandbox, people, channel, Decision.CONTINUE, **choices)
    with Session(sandbox.engine) as session:
        held = session.get_one(Meeting, rcpc.id)
        following = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.RCPC, Meeting.sequence == 2)
        ).one()
        case = session.exec(select(Case)).one()
    assert (held.decision, held.category) == (Decision.CONTINUE, "neglect")
    assert held.dissent == dissent
    assert following.due_by.isoformat() <= "2027-08-16"
    assert case.status == CaseStatus.OPEN
    notes = sandbox.wait_for(
        lambda: [
            s
            for s in sandbox.emulator.inspector.seen_by(people.school)
            if s.text == "The review conference's decision for oak-family"
        ]
    )
    assert "continue the child protection plan" in str(notes[-1].blocks)


def test_a_decision_announced_again_after_stopping_half_way_tells_nobody_twice(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, rcpc = conference_case(sandbox, people)
    assert rcpc.id is not None
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.STEP_DOWN)
    sandbox.settle()
    everyone = (people.school, people.mum, people.social_worker, people.chair)

    def told() -> list[int]:
        return [len(emu.inspector.seen_by(person)) for person in everyone]

    before = told()
    assert sandbox.deps is not None
    recorded = decision_recorded_by(
        sandbox.deps, conference_id=rcpc.id, case_id=rcpc.case_id, user_id=people.chair
    )
    assert recorded is not None
    announce_decision(sandbox.deps, recorded)  # as the job would, run again by the next worker
    assert told() == before


def test_stepping_down_stops_all_chasing_tells_everyone_and_offers_to_archive(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.STEP_DOWN)
    offer = sandbox.wait_for(
        lambda: [
            s for s in emu.inspector.seen_by(people.social_worker) if s.text == "Closing oak-family"
        ]
    )
    with Session(sandbox.engine) as session:
        pending = session.exec(
            select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)
        ).all()
        case = session.exec(select(Case)).one()
    assert case.status == CaseStatus.STEPPED_DOWN
    assert pending == []
    for person in (people.school, people.mum, people.health_visitor):
        notes = [
            s
            for s in emu.inspector.seen_by(person)
            if s.text == "The review conference's decision for oak-family"
        ]
        assert notes and "child in need plan" in str(notes[-1].blocks)
    sandbox.clock.set(at("2027-02-17"))
    assert sandbox.sweep().dispatch.sent == 0
    emu.click(people.social_worker, offer[-1].channel, offer[-1].ts, ActionId.ARCHIVE_CHANNEL)
    sandbox.wait_for(lambda: emu.inspector.channel(channel).is_archived)
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().channel_archived
        assert session.exec(select(Meeting).where(col(Meeting.decision).is_not(None))).all() != []


def test_after_a_review_the_core_groups_run_from_it_as_the_timeline_does(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.CONTINUE, **{DecisionField.CATEGORY.value: "neglect"})
    with Session(sandbox.engine) as session:
        meetings = session.exec(select(Meeting).order_by(col(Meeting.due_by))).all()
    review = next(m.due_by for m in meetings if m.kind == MeetingKind.RCPC and m.sequence == 2)
    core_groups = [
        m.due_by
        for m in meetings
        if m.kind == MeetingKind.CORE_GROUP and m.due_by > date(2027, 2, 16)
    ]
    # Review Tue 16 Feb 2027, then every 6 weeks from it (Easter Monday 29 Mar is before the
    # first), up to the next review by Mon 16 Aug; after it, 6 weeks from that review.
    assert review == date(2027, 8, 16)
    assert core_groups[:5] == [
        date(2027, 3, 30),
        date(2027, 5, 11),
        date(2027, 6, 22),
        date(2027, 8, 3),
        date(2027, 9, 27),
    ]
    assert len(core_groups) == len(set(core_groups))
