"""Durable jobs on both databases: written with their change, once per key, coalesced while they
wait, claimed with a lease that lapses, retried, and reported when they never succeed; and the
opening of a case, whose steps converge when run again and which leaves nothing half-made."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

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
from bot.rules.vocabulary import Agency, JobState, Language, Nation
from bot.rules.work import REFRESH_CAP, REFRESH_SETTLE, Work, WorkKind, once, refresh
from bot.services import jobs
from bot.services.cases import ReferenceInUseError, request_case
from bot.services.plan import PlanError, complete_action, save_outcome
from bot.settings import Settings
from bot.worker import Worker
from handlers.after import Kind
from storage.db import UnitOfWork
from storage.models import AuditEvent, Case, Job, Meeting, Member, PersonLanguage
from tests.test_i18n import english_leaks

REFERENCE = "oak-family"


@pytest.fixture
def deps(engine: Engine, emu: SlackEmulator, clock: ManualClock) -> Dependencies:
    # A client without retries: each fault the emulator is told to make is one failed attempt.
    client = WebClient(token=emu.bot_token, base_url=emu.api_url, retry_handlers=[])
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
    assert jobs.claim(deps, worker="a") == []  # settling: more replies may come
    settled(deps)
    claimed = jobs.claim(deps, worker="a", limit=1)
    assert [c.payload["meeting_id"] for c in claimed] == [7]
    # The running refresh may have read the list before this reply: it must not swallow it.
    jobs.enqueue(deps, [refresh(WorkKind.SHOW_REPLIES, "meeting:7", meeting_id=7)])
    states = sorted((j.payload["meeting_id"], j.state) for j in all_jobs(engine))
    assert states == [(7, JobState.PENDING), (7, JobState.RUNNING), (8, JobState.PENDING)]
    running = next(j for j in all_jobs(engine) if j.state == JobState.RUNNING)
    assert (running.pending_key, running.settle_at) == (None, None)  # left alone


def settled(deps: Dependencies, timeout: float = 5.0) -> None:
    """Wait (in real time, by the database's clock) until no refresh is settling."""
    deadline = time.monotonic() + timeout
    while (left := jobs.settling(deps)) is None or left > 0:
        assert left is not None, "nothing is settling"
        assert time.monotonic() < deadline
        time.sleep(left + 0.01)


def settle_times(engine: Engine, about: str) -> tuple[float, float]:
    with Session(engine) as session:
        job = session.exec(select(Job).where(Job.pending_key == about)).one()
    assert job.settle_at is not None and job.settle_by is not None
    return job.settle_at, job.settle_by


def test_each_change_moves_a_waiting_refresh_later_but_never_past_a_second_after_the_first(
    deps: Dependencies, engine: Engine
) -> None:
    show = refresh(WorkKind.SHOW_REPLIES, "meeting:7", meeting_id=7)
    settle, cap = REFRESH_SETTLE.total_seconds(), REFRESH_CAP.total_seconds()
    start = time.monotonic()
    jobs.enqueue(deps, [show])
    first_at, settle_by = settle_times(engine, show.coalesce or "")
    assert settle_by - first_at == pytest.approx(cap - settle, abs=0.01)
    # Clicks every 50 ms for one and a half seconds: each one pushes the start back, until the
    # cap holds it; the refresh is claimed by then although the clicks go on.
    previous, claimed_after = first_at, None
    while time.monotonic() - start < 1.5:
        time.sleep(0.05)
        jobs.enqueue(deps, [show])
        if claimed_after is None:
            if jobs.claim(deps, worker="w"):
                claimed_after = time.monotonic() - start
                continue
            at, by = settle_times(engine, show.coalesce or "")
            assert by == settle_by  # the cap counts from the first change
            assert previous <= at <= by
            previous = at
    assert previous == settle_by  # pushed all the way to the cap
    assert claimed_after is not None
    assert cap <= claimed_after + 0.06 and claimed_after < cap + 0.3
    # The clicks after the claim are waiting in a job of their own.
    pending = [j for j in all_jobs(engine) if j.state == JobState.PENDING]
    assert len(pending) == 1 and pending[0].settle_at is not None


def test_a_lone_change_is_taken_once_it_has_settled_by_a_worker_asleep_until_then(
    deps: Dependencies, engine: Engine
) -> None:
    done: list[float] = []

    def show_replies(deps: Dependencies, payload: dict[str, Any]) -> None:
        done.append(time.monotonic())

    def not_told(deps: Dependencies, payload: dict[str, Any]) -> None:
        raise AssertionError("it did not fail")

    # The worker's own loop, with a kind that notes when it ran.
    kinds = {WorkKind.SHOW_REPLIES.value: Kind(show_replies, not_told)}
    worker = Worker(deps, name="w", threads=1, listen=False, kinds=kinds).start()
    try:
        time.sleep(0.1)  # asleep, with nothing to do (for a poll of a second)
        clicked = time.monotonic()
        jobs.enqueue(deps, [refresh(WorkKind.SHOW_REPLIES, "meeting:7", meeting_id=7)])
        deadline = clicked + 5
        while not done and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
    assert len(done) == 1
    waited = done[0] - clicked
    assert REFRESH_SETTLE.total_seconds() - 0.02 <= waited < REFRESH_SETTLE.total_seconds() + 0.25
    assert [j.state for j in all_jobs(engine)] == [JobState.DONE]


def test_refreshes_written_at_once_by_many_requests_while_a_worker_claims_lose_no_change(
    deps: Dependencies, engine: Engine
) -> None:
    """Eight requests at a time join, write and race the claims: no error, at most one waiting
    refresh, and the last change is always followed by a claim or left waiting."""
    show = refresh(WorkKind.SHOW_REPLIES, "meeting:7", meeting_id=7)
    stop = threading.Event()
    written: list[float] = []
    claims: list[float] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            for _ in range(15):
                jobs.enqueue(deps, [show])
                written.append(time.monotonic())
                time.sleep(0.01)
        except BaseException as error:
            errors.append(error)

    def work() -> None:
        try:
            while not stop.is_set():
                started = time.monotonic()
                for job in jobs.claim(deps, worker="w", limit=4):
                    claims.append(started)
                    jobs.finish(deps, job)
                time.sleep(0.02)
        except BaseException as error:
            errors.append(error)

    claimer = threading.Thread(target=work)
    claimer.start()
    clickers = [threading.Thread(target=click) for _ in range(8)]
    for thread in clickers:
        thread.start()
    for thread in clickers:
        thread.join()
    stop.set()
    claimer.join()
    assert errors == []
    rows = all_jobs(engine)
    waiting = [j for j in rows if j.state == JobState.PENDING]
    assert len(waiting) <= 1
    assert waiting or max(claims) >= max(written)
    # Coalesced: far fewer jobs than the 120 changes (about one a second of clicking, plus one).
    assert len(rows) <= 4


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
    # The plan cannot be shown in the channel: each attempt's connection drops.
    emu.faults.inject_next(Fault.DROP, method="chat.postMessage", count=jobs.MAX_ATTEMPTS)
    jobs.enqueue(deps, [Work(WorkKind.SHOW_PLAN, {"case_id": case_id})])
    worker.run_due()
    [job] = [j for j in all_jobs(engine) if j.kind == WorkKind.SHOW_PLAN]
    assert (job.state, job.attempts) == (JobState.PENDING, 1)
    assert job.due_at > clock.now()  # backing off, not spinning
    run_attempts(worker, clock, jobs.MAX_ATTEMPTS)
    [job] = [j for j in all_jobs(engine) if j.kind == WorkKind.SHOW_PLAN]
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


def test_a_welsh_social_worker_hears_in_welsh_that_a_job_did_not_finish(
    deps: Dependencies,
    emu: SlackEmulator,
    engine: Engine,
    clock: ManualClock,
    worker: Worker,
) -> None:
    form, social_worker = new_case(emu)
    case_id = request(deps, emu, form)
    worker.run_due()  # the case opens
    with Session(engine) as session:  # the social worker reads the bot in Welsh
        session.add(
            PersonLanguage(
                slack_user_id=social_worker, language=Language.WELSH, changed_at=clock.now()
            )
        )
        session.commit()
    # The plan cannot be shown in the channel: each attempt's connection drops. The job was
    # written in an English request: the job speaks English, the apology does not.
    emu.faults.inject_next(Fault.DROP, method="chat.postMessage", count=jobs.MAX_ATTEMPTS)
    jobs.enqueue(deps, [Work(WorkKind.SHOW_PLAN, {"case_id": case_id})])
    run_attempts(worker, clock, jobs.MAX_ATTEMPTS)
    [told] = [s for s in emu.inspector.seen_by(social_worker) if s.text == "Ni orffennodd rhywbeth"]
    said = " ".join(str(block) for block in told.blocks or [])
    assert (
        "Mae'n ddrwg gen i: ni orffennodd rhywbeth roeddwn i'n ei wneud ar gyfer *oak-family*"
        in (said)
    )
    assert not english_leaks([told.text, said])
