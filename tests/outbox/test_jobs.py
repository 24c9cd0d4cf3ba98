"""Durable jobs on both databases: written with their change, once per key, coalesced while they
wait, claimed with a lease that lapses, retried, and reported when they never succeed; and the
opening of a case, whose steps converge when run again and which leaves nothing half-made."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.clock import ManualClock
from bot.deps import Dependencies
from bot.devtools.emulator import SlackEmulator
from bot.devtools.emulator.faults import Fault
from bot.rules.audit_actions import AuditAction
from bot.rules.case_form import NewCase
from bot.rules.vocabulary import Agency, JobState, Nation
from bot.rules.work import Work, WorkKind, once, refresh
from bot.services import jobs
from bot.services.cases import ReferenceInUseError, request_case
from bot.services.plan import PlanError, complete_action, save_outcome
from bot.settings import Settings
from bot.worker import Worker
from storage.db import UnitOfWork
from storage.models import AuditEvent, Case, Job, Meeting, Member

REFERENCE = "oak-family"


@pytest.fixture
def deps(engine: Engine, emu: SlackEmulator, clock: ManualClock) -> Dependencies:
    # A client without retries: each fault the emulator is told to make is one failed attempt.
    client = WebClient(token=emu.bot_token, base_url=emu.api_url)
    settings = Settings(slack_bot_token=emu.bot_token, slack_signing_secret="x", database_url="")
    return Dependencies(settings, UnitOfWork(engine), clock, client)


@pytest.fixture
def worker(deps: Dependencies) -> Iterator[Worker]:
    # Run on the test's thread (`run_due`), so each step is seen in order.
    yield Worker(deps, name="test-worker", threads=1, listen=False)


def all_jobs(engine: Engine) -> list[Job]:
    with Session(engine) as session:
        return jobs.jobs_of(session)


def new_case(emu: SlackEmulator, reference: str = REFERENCE) -> tuple[NewCase, str]:
    social_worker = emu.add_user("Priya Shah")
    form = NewCase(
        reference=reference,
        nation=Nation.ENG,
        icpc=date(2027, 1, 1),
        chair=emu.add_user("Chair Person"),
        social_worker=social_worker,
        professionals=((emu.add_user("Ms Reed"), Agency.SCHOOL),),
        family_on_slack=(emu.add_user("Mum"),),
    )
    return form, social_worker


def request(deps: Dependencies, emu: SlackEmulator, form: NewCase) -> int:
    """What the new-case form's listener does: the case and the job that makes its channel."""

    def channel_made(case_id: int) -> list[Work]:
        payload = {
            "case_id": case_id,
            "user_id": form.social_worker,
            "reference": form.reference,
            "social_worker": form.social_worker,
        }
        return [Work(WorkKind.OPEN_CASE, payload)]

    return request_case(
        deps, form, team_id=emu.team_id, opened_by=form.social_worker, then=channel_made
    )


def run_attempts(worker: Worker, clock: ManualClock, attempts: int) -> None:
    """Run what is due, then move the clock past each back-off, `attempts` times."""
    for _ in range(attempts):
        worker.run_due()
        clock.advance(timedelta(minutes=11))  # longer than any back-off


# --- the job table ---------------------------------------------------------------------------


def test_a_change_that_rolls_back_leaves_no_job_and_one_that_commits_leaves_its_job(
    deps: Dependencies, emu: SlackEmulator, engine: Engine, worker: Worker
) -> None:
    form, social_worker = new_case(emu)
    case_id = request(deps, emu, form)
    worker.run_due()
    before = len(all_jobs(engine))
    shown = refresh(WorkKind.SHOW_PLAN, f"case:{case_id}", case_id=case_id)
    with pytest.raises(PlanError):  # no such action: the change and its job roll back together
        complete_action(deps, case_id=case_id, actor=social_worker, action_id=999, then=[shown])
    assert len(all_jobs(engine)) == before
    save_outcome(deps, case_id=case_id, actor=social_worker, wording="Safe at home", then=[shown])
    added = all_jobs(engine)[before:]
    assert [(j.kind, j.case_id, j.state) for j in added] == [
        (WorkKind.SHOW_PLAN.value, case_id, JobState.PENDING)
    ]


def test_the_same_click_twice_makes_one_job(deps: Dependencies, engine: Engine) -> None:
    thanks = once(WorkKind.RESPOND, "trigger-1", url="http://x.invalid/", message={"text": "Hi"})
    assert jobs.enqueue(deps, [thanks]) == 1
    assert jobs.enqueue(deps, [thanks]) == 0  # Slack delivered the click again
    other = once(WorkKind.RESPOND, "trigger-2", url="http://x.invalid/", message={"text": "Hi"})
    assert jobs.enqueue(deps, [other]) == 1
    assert len(all_jobs(engine)) == 2


def test_refreshes_of_one_thing_coalesce_while_one_waits_and_a_later_change_gets_its_own(
    deps: Dependencies, engine: Engine
) -> None:
    for _ in range(10):  # ten replies to one invitation
        jobs.enqueue(deps, [refresh(WorkKind.SHOW_REPLIES, "meeting:7", meeting_id=7)])
    jobs.enqueue(deps, [refresh(WorkKind.SHOW_REPLIES, "meeting:8", meeting_id=8)])
    assert sorted(j.payload["meeting_id"] for j in all_jobs(engine)) == [7, 8]
    claimed = jobs.claim(deps, worker="a", limit=1)
    assert [c.payload["meeting_id"] for c in claimed] == [7]
    # The running refresh may have read the list before this reply: it must not swallow it.
    jobs.enqueue(deps, [refresh(WorkKind.SHOW_REPLIES, "meeting:7", meeting_id=7)])
    states = sorted((j.payload["meeting_id"], j.state) for j in all_jobs(engine))
    assert states == [(7, JobState.PENDING), (7, JobState.RUNNING), (8, JobState.PENDING)]


def test_a_claim_lapses_so_a_job_whose_worker_died_is_taken_by_another(
    deps: Dependencies, engine: Engine, clock: ManualClock
) -> None:
    jobs.enqueue(deps, [Work(WorkKind.REPLAN, {"case_id": 1})])
    [first] = jobs.claim(deps, worker="dies")
    assert jobs.claim(deps, worker="other") == []  # held
    clock.advance(jobs.LEASE + timedelta(seconds=1))
    [again] = jobs.claim(deps, worker="other")
    assert (again.id, again.attempts) == (first.id, 2)
    assert not jobs.finish(deps, first)  # the dead worker's late word counts for nothing
    assert jobs.finish(deps, again)
    [job] = all_jobs(engine)
    assert (job.state, job.claimed_by, job.attempts) == (JobState.DONE, "other", 2)


def test_a_job_that_keeps_failing_is_retried_with_back_off_then_reported_to_the_social_worker(
    deps: Dependencies,
    emu: SlackEmulator,
    engine: Engine,
    clock: ManualClock,
    worker: Worker,
) -> None:
    form, social_worker = new_case(emu)
    case_id = request(deps, emu, form)
    worker.run_due()  # the case opens
    with socket.socket() as probe:  # a response URL nobody answers
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/actions"
    message = {"text": "Thanks"}
    jobs.enqueue(
        deps, [Work(WorkKind.RESPOND, {"url": url, "message": message, "case_id": case_id})]
    )
    worker.run_due()
    [job] = [j for j in all_jobs(engine) if j.kind == WorkKind.RESPOND]
    assert (job.state, job.attempts) == (JobState.PENDING, 1)
    assert job.due_at > clock.now()  # backing off, not spinning
    run_attempts(worker, clock, jobs.MAX_ATTEMPTS)
    [job] = [j for j in all_jobs(engine) if j.kind == WorkKind.RESPOND]
    assert (job.state, job.attempts) == (JobState.FAILED, jobs.MAX_ATTEMPTS)
    told = [s.text for s in emu.inspector.seen_by(social_worker)]
    assert told.count("Something did not finish") == 1


# --- opening a case ----------------------------------------------------------------------------


def test_a_case_whose_channel_cannot_be_made_is_withdrawn_whole_and_its_reference_is_free(
    deps: Dependencies,
    emu: SlackEmulator,
    engine: Engine,
    clock: ManualClock,
    worker: Worker,
) -> None:
    form, social_worker = new_case(emu)
    emu.faults.inject_next(Fault.HTTP_500, method="conversations.create", count=jobs.MAX_ATTEMPTS)
    request(deps, emu, form)
    with pytest.raises(ReferenceInUseError):  # while it is being opened, the reference is held
        request(deps, emu, form)
    run_attempts(worker, clock, jobs.MAX_ATTEMPTS)
    with Session(engine) as session:
        assert session.exec(select(Case)).all() == []
        assert session.exec(select(Member)).all() == []
        assert session.exec(select(Meeting)).all() == []
        events = session.exec(select(AuditEvent)).all()
    # The append-only trail keeps one event, which belongs to no case.
    assert [(e.action, e.case_id, e.detail["reference"]) for e in events] == [
        (AuditAction.CASE_WITHDRAWN, None, REFERENCE)
    ]
    assert [j.state for j in all_jobs(engine)] == [JobState.FAILED]
    told = [s.text for s in emu.inspector.seen_by(social_worker)]
    assert told == [f"The case {REFERENCE} was not opened"]
    with pytest.raises(KeyError):
        emu.inspector.channel_named(REFERENCE)
    # The reference can be used again, and this time the channel is made.
    again = request(deps, emu, form)
    worker.run_due()
    with Session(engine) as session:
        case = session.get_one(Case, again)
    assert case.slack_channel_id == emu.inspector.channel_named(REFERENCE).id


def test_opening_a_case_run_again_after_each_step_half_done_makes_one_channel_and_one_welcome(
    deps: Dependencies,
    emu: SlackEmulator,
    engine: Engine,
    clock: ManualClock,
    worker: Worker,
) -> None:
    form, _ = new_case(emu)
    # Each call takes effect in Slack and its answer is lost: the worst moment to stop.
    for method in ("conversations.create", "conversations.invite", "chat.postMessage"):
        emu.faults.inject_next(Fault.HTTP_500_AFTER, method=method)
    case_id = request(deps, emu, form)
    run_attempts(worker, clock, 4)
    channel = emu.inspector.channel_named(REFERENCE)
    with Session(engine) as session:
        case = session.get_one(Case, case_id)
        members = session.exec(select(Member).where(col(Member.case_id) == case_id)).all()
        events = session.exec(select(AuditEvent)).all()
    assert case.slack_channel_id == channel.id
    assert case.card_ts is not None
    assert [j.state for j in all_jobs(engine) if j.kind == WorkKind.OPEN_CASE] == [JobState.DONE]
    assert len([c for c in emu.calls_to("conversations.create") if c.ok]) <= 1
    in_channel = emu.inspector.messages(channel.id)
    texts = [m.text for m in in_channel]
    assert texts.count(f"Welcome to the core group for {REFERENCE}") == 1
    assert texts.count(f"Case card for {REFERENCE}") == 1
    assert [
        (m.display_name, m.active) for m in members if not m.active
    ] == []  # "already in" is success
    assert {m.slack_user_id for m in members if m.slack_user_id} <= set(channel.members)
    assert [e.action for e in events] == [AuditAction.CASE_OPENED]


def test_a_name_taken_by_someone_elses_channel_withdraws_the_case_at_once(
    deps: Dependencies, emu: SlackEmulator, engine: Engine, worker: Worker
) -> None:
    form, social_worker = new_case(emu)
    emu.create_channel_as_user(form.chair, REFERENCE, is_private=True)
    request(deps, emu, form)
    worker.run_due()
    with Session(engine) as session:
        assert session.exec(select(Case)).all() == []
    assert [j.state for j in all_jobs(engine)] == [JobState.DONE]  # settled, not retried
    assert f"The case {REFERENCE} was not opened" in [
        s.text for s in emu.inspector.seen_by(social_worker)
    ]
