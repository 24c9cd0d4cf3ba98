"""The dispatcher against real databases and the Slack emulator: once, in time, and never lost."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.clock import ManualClock
from bot.delivery.dispatcher import EVENT_TYPE, Dispatcher, DispatchReport, retry_delay
from bot.devtools.emulator import Fault, SlackEmulator
from bot.rules.messages import RENDER, WITHDRAWN, PlannedMessage
from bot.rules.vocabulary import OutboxState
from bot.services.outbox import SyncReport, enqueue, sync_planned
from storage.db import UnitOfWork
from storage.models import OutboxMessage
from tests.outbox.conftest import START


@pytest.fixture
def case_channel(client: WebClient) -> str:
    return str(client.conversations_create(name="case-0012", is_private=True)["channel"]["id"])


def dispatcher(engine: Engine, client: WebClient, clock: ManualClock, **options: Any) -> Dispatcher:
    options.setdefault("worker_id", "worker-a")
    return Dispatcher(UnitOfWork(engine), client, clock, **options)


def queue(engine: Engine, *messages: PlannedMessage) -> None:
    with UnitOfWork(engine)() as session:
        for message in messages:
            enqueue(session, message, now=START)


def message(key: str, recipient: str, due_at: datetime = START, **payload: Any) -> PlannedMessage:
    payload.setdefault("text", "Case 12: a message")
    return PlannedMessage(key, "chase", recipient, due_at, payload)


def written_when_sent(key: str, kind: str, recipient: str, **args: Any) -> PlannedMessage:
    return PlannedMessage(key, kind, recipient, START, {RENDER: args})


def rows(engine: Engine) -> dict[str, OutboxMessage]:
    with Session(engine) as session:
        return {row.key: row for row in session.exec(select(OutboxMessage)).all()}


def posts_per_key(emu: SlackEmulator, *channels: str) -> Counter[str]:
    return Counter(
        seen.metadata["event_payload"]["key"]
        for channel in channels
        for seen in emu.inspector.messages(channel)
        if seen.metadata and seen.metadata["event_type"] == EVENT_TYPE
    )


def run_until_settled(
    engine: Engine, worker: Dispatcher, clock: ManualClock, step: timedelta
) -> int:
    """Run and move the clock on until no row is pending or claimed; return the runs taken."""
    waiting = col(OutboxMessage.state).in_([OutboxState.PENDING, OutboxState.CLAIMED])
    for runs in range(1, 200):
        worker.run_once()
        with Session(engine) as session:
            if not session.exec(select(OutboxMessage.id).where(waiting)).all():
                return runs
        clock.advance(step)
    raise AssertionError("the outbox never settled")


class DatabaseGoesAway:
    """A unit of work whose database is unreachable from the n-th transaction on: a crash."""

    def __init__(self, engine: Engine, *, fail_from: int) -> None:
        self.engine = engine
        self._unit_of_work = UnitOfWork(engine)
        self._fail_from = fail_from
        self._calls = 0

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        self._calls += 1
        if self._calls >= self._fail_from:
            raise ConnectionError("the database went away")
        with self._unit_of_work() as session:
            yield session


def test_due_rows_are_sent_once_and_later_rows_wait_for_their_time(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    queue(
        engine,
        message("c12:invite:m1", case_channel),
        message("c12:prompt:m1", case_channel, due_at=START + timedelta(hours=1)),
    )
    worker = dispatcher(engine, client, clock)

    first, again = worker.run_once(), worker.run_once()
    clock.advance(timedelta(hours=1))
    later = worker.run_once()

    assert (first, again, later) == (
        DispatchReport(claimed=1, sent=1),
        DispatchReport(),
        DispatchReport(claimed=1, sent=1),
    )
    assert posts_per_key(emu, case_channel) == {"c12:invite:m1": 1, "c12:prompt:m1": 1}
    invite = rows(engine)["c12:invite:m1"]
    posted = emu.inspector.messages(case_channel)[-2]
    assert (invite.state, invite.slack_channel, invite.slack_ts) == (
        OutboxState.SENT,
        case_channel,
        posted.ts,
    )
    assert (invite.sent_at, invite.due_at, invite.attempts) == (START, START, 1)


def test_a_message_built_when_sent_is_written_then_and_skipped_if_no_longer_wanted(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    wanted_now = {"c12:chase:r1": True, "c12:chase:r2": False}
    written: list[tuple[str, int]] = []

    def render(
        session: Session, kind: str, args: Mapping[str, Any], recipient: str
    ) -> dict[str, Any] | None:
        assert session.exec(select(OutboxMessage)).all()  # a live session on the database
        written.append((kind, args["request"]))
        if not wanted_now[f"c12:chase:r{args['request']}"]:
            return None  # the report arrived after planning
        return {"text": "Case 12: a reminder", "blocks": []}

    queue(
        engine,
        *(
            written_when_sent(key, "chase", case_channel, request=int(key[-1]))
            for key in wanted_now
        ),
    )
    report = dispatcher(engine, client, clock, render=render).run_once()

    assert report == DispatchReport(claimed=2, sent=1, cancelled=1)
    assert written == [("chase", 1), ("chase", 2)]
    assert posts_per_key(emu, case_channel) == {"c12:chase:r1": 1}
    assert emu.inspector.messages(case_channel)[-1].text == "Case 12: a reminder"
    states = {key: row.state for key, row in rows(engine).items()}
    assert states == {"c12:chase:r1": OutboxState.SENT, "c12:chase:r2": OutboxState.CANCELLED}


def test_a_message_that_cannot_be_written_is_retried_like_any_odd_row(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    def render(
        session: Session, kind: str, args: Mapping[str, Any], recipient: str
    ) -> dict[str, Any] | None:
        raise LookupError("the meeting it was about is gone")

    queue(engine, written_when_sent("c12:invite:m9", "invitation", case_channel, meeting=9))
    report = dispatcher(engine, client, clock, render=render).run_once()

    assert report == DispatchReport(claimed=1, retried=1)
    row = rows(engine)["c12:invite:m9"]
    assert (row.state, row.attempts, row.last_error) == (
        OutboxState.PENDING,
        1,
        "unexpected:LookupError",
    )
    assert posts_per_key(emu, case_channel) == {}


def test_a_message_to_a_person_goes_to_their_dm_channel_which_is_recorded(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    alex = emu.add_user("alex")
    queue(engine, message("c12:prompt:alex", alex), message("c12:chase:alex", alex))

    report = dispatcher(engine, client, clock).run_once()

    dm = emu.inspector.dm_channel(alex)
    assert dm is not None and dm.startswith("D")
    assert report == DispatchReport(claimed=2, sent=2)
    assert posts_per_key(emu, dm) == {"c12:prompt:alex": 1, "c12:chase:alex": 1}
    assert {row.slack_channel for row in rows(engine).values()} == {dm}
    # Posted straight to the person: no conversations.open (Tier 3) needed for a fresh send.
    assert emu.calls_to("conversations.open") == []


def test_each_message_carries_its_outbox_key_in_slack_metadata(
    engine: Engine, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    queue(engine, message("c12:digest:2027-01-04", case_channel, blocks=[_section("Digest")]))

    dispatcher(engine, client, clock).run_once()

    history = client.conversations_history(channel=case_channel, include_all_metadata=True)
    posted = next(m for m in history["messages"] if "metadata" in m)
    assert posted["metadata"] == {
        "event_type": "coregroup_outbox",
        "event_payload": {"key": "c12:digest:2027-01-04"},
    }
    assert posted["text"] == "Case 12: a message"
    assert posted["blocks"][0]["text"]["text"] == "Digest"


def test_an_update_row_edits_the_message_in_place(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    queue(engine, message("c12:invite:m1", case_channel, text="Core group on 12 January"))
    worker = dispatcher(engine, client, clock)
    worker.run_once()
    invite = rows(engine)["c12:invite:m1"]
    queue(
        engine,
        PlannedMessage(
            "c12:invite:m1:replies:1",
            "invitation-update",
            case_channel,
            START,
            {
                "method": "chat.update",
                "channel": case_channel,
                "ts": invite.slack_ts,
                "text": "Core group on 12 January: 3 coming",
            },
        ),
    )

    report = worker.run_once()

    assert report == DispatchReport(claimed=1, sent=1)
    [posted] = [m for m in emu.inspector.messages(case_channel) if m.metadata]
    assert (posted.ts, posted.text) == (invite.slack_ts, "Core group on 12 January: 3 coming")
    update = rows(engine)["c12:invite:m1:replies:1"]
    assert (update.state, update.slack_ts) == (OutboxState.SENT, invite.slack_ts)


def test_updates_of_one_message_claimed_together_send_only_the_newest(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    ts = client.chat_postMessage(channel=case_channel, text="Core group: 0 coming")["ts"]
    updates = [
        PlannedMessage(
            f"c12:invite:m1:replies:{n}",
            "invitation-update",
            case_channel,
            START + timedelta(seconds=n),
            {"method": "chat.update", "channel": case_channel, "ts": ts, "text": f"{n} coming"},
        )
        for n in (1, 2, 3)
    ]
    queue(engine, *updates)
    clock.advance(timedelta(minutes=1))

    report = dispatcher(engine, client, clock).run_once()

    assert report == DispatchReport(claimed=3, sent=1, cancelled=2)
    assert emu.inspector.messages(case_channel)[-1].text == "3 coming"
    assert len(emu.calls_to("chat.update")) == 1
    assert [r.state for r in rows(engine).values()] == [
        OutboxState.CANCELLED,
        OutboxState.CANCELLED,
        OutboxState.SENT,
    ]


def test_a_429_storm_delivers_every_message_exactly_once(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    people = [emu.add_user(f"member{n}") for n in range(4)]
    keys = [f"c12:prompt:m{n}" for n in range(12)]
    queue(
        engine,
        *[message(key, case_channel) for key in keys],
        *[message(f"c12:chase:{person}", person) for person in people],
    )
    worker = dispatcher(engine, client, clock)

    first = worker.run_once()
    runs = run_until_settled(engine, worker, clock, timedelta(seconds=30))

    dms = [emu.inspector.dm_channel(person) or "" for person in people]
    assert first.sent < 16 and first.retried + first.deferred > 0  # Slack pushed back at once
    assert posts_per_key(emu, case_channel, *dms) == dict.fromkeys(
        keys + [f"c12:chase:{p}" for p in people], 1
    )
    assert {row.state for row in rows(engine).values()} == {OutboxState.SENT}
    # A channel that answered 429 is left alone for the rest of the run, not hammered.
    refused = [c for c in emu.calls_to("chat.postMessage") if c.status == 429]
    assert len(refused) <= runs + 1


@pytest.mark.parametrize("seed", [3, 11])
def test_5xx_and_dropped_connections_before_or_after_posting_deliver_exactly_once(
    engine: Engine,
    emu: SlackEmulator,
    client: WebClient,
    clock: ManualClock,
    case_channel: str,
    seed: int,
) -> None:
    emu.rate_limits_enabled = False
    alex = emu.add_user("alex")
    messages = [message(f"c12:prompt:m{n}", case_channel) for n in range(20)]
    messages += [message(f"c12:chase:alex:{n}", alex) for n in range(10)]
    queue(engine, *messages)
    emu.faults.configure(
        rate=0.4,
        kinds=[Fault.HTTP_500, Fault.HTTP_503, Fault.DROP, Fault.HTTP_500_AFTER, Fault.DROP_AFTER],
        seed=seed,
        methods=["chat.postMessage"],
    )
    worker = dispatcher(engine, client, clock, max_attempts=50)

    run_until_settled(engine, worker, clock, timedelta(hours=1))

    faults = Counter(c.fault for c in emu.calls_to("chat.postMessage") if c.fault)
    assert faults[Fault.HTTP_500_AFTER] + faults[Fault.DROP_AFTER] > 0
    dm = emu.inspector.dm_channel(alex) or ""
    assert posts_per_key(emu, case_channel, dm) == {m.key: 1 for m in messages}
    assert {row.state for row in rows(engine).values()} == {OutboxState.SENT}
    posted_ts = {seen.ts for ch in (case_channel, dm) for seen in emu.inspector.messages(ch)}
    assert {row.slack_ts for row in rows(engine).values()} <= posted_ts


@pytest.mark.parametrize("fault", [Fault.HTTP_500_AFTER, Fault.DROP_AFTER])
def test_a_post_slack_applied_but_answered_badly_is_found_in_history_not_resent(
    engine: Engine,
    emu: SlackEmulator,
    client: WebClient,
    clock: ManualClock,
    case_channel: str,
    fault: Fault,
) -> None:
    queue(engine, message("c12:invite:m1", case_channel))
    emu.faults.inject_next(fault, method="chat.postMessage")
    worker = dispatcher(engine, client, clock)

    failed = worker.run_once()
    clock.advance(retry_delay(1))
    retried = worker.run_once()

    assert failed == DispatchReport(claimed=1, retried=1)
    assert retried == DispatchReport(claimed=1, confirmed_from_history=1)
    assert posts_per_key(emu, case_channel) == {"c12:invite:m1": 1}
    assert len(emu.calls_to("chat.postMessage")) == 1
    row = rows(engine)["c12:invite:m1"]
    posted = emu.inspector.messages(case_channel)[-1]
    assert (row.state, row.slack_ts) == (OutboxState.SENT, posted.ts)


@pytest.mark.parametrize("withdrawn_by", ["renderer", "planning"])
@pytest.mark.parametrize("fault", [Fault.DROP, Fault.DROP_AFTER, Fault.HTTP_500_AFTER])
def test_a_message_no_longer_wanted_after_an_unanswered_post_is_looked_for_in_slack_first(
    engine: Engine,
    emu: SlackEmulator,
    client: WebClient,
    clock: ManualClock,
    case_channel: str,
    fault: Fault,
    withdrawn_by: str,
) -> None:
    # An escalation's post gets no answer; before its retry, the report it was about arrives.
    # If Slack had posted it, the outbox says sent (the social worker has it); if not, cancelled.
    wanted = {"yes": True}

    def render(
        session: Session, kind: str, args: Mapping[str, Any], recipient: str
    ) -> dict[str, Any] | None:
        if withdrawn_by == "renderer" and not wanted["yes"]:
            return None
        return {"text": "Case 12: the school's report is overdue", "blocks": []}

    escalation = written_when_sent("c12:escalate:m1:r3", "escalation", case_channel, request=3)
    queue(engine, escalation)
    emu.faults.inject_next(fault, method="chat.postMessage")
    worker = dispatcher(engine, client, clock, render=render)
    assert worker.run_once() == DispatchReport(claimed=1, retried=1)

    wanted["yes"] = False
    if withdrawn_by == "planning":
        with UnitOfWork(engine)() as session:
            report = sync_planned(session, scope="c12:", wanted=[], now=clock.now())
        assert report == SyncReport(withdrawn=1)
        assert rows(engine)[escalation.key].state is OutboxState.PENDING
    clock.advance(retry_delay(1))
    looked = worker.run_once()

    landed = fault.after_apply
    assert looked == DispatchReport(
        claimed=1, confirmed_from_history=int(landed), cancelled=int(not landed)
    )
    assert len(emu.calls_to("chat.postMessage")) == 1  # never posted again
    assert len(emu.calls_to("conversations.history")) == 1
    assert posts_per_key(emu, case_channel) == ({escalation.key: 1} if landed else {})
    row = rows(engine)[escalation.key]
    assert row.state is (OutboxState.SENT if landed else OutboxState.CANCELLED)
    if landed:
        assert row.slack_ts == emu.inspector.messages(case_channel)[-1].ts


def test_planning_withdraws_a_row_only_once_and_takes_it_back_when_wanted_again(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    invitation = message("c12:invite:m1", case_channel)
    queue(engine, invitation)
    emu.faults.inject_next(Fault.DROP, method="chat.postMessage")
    worker = dispatcher(engine, client, clock)
    worker.run_once()

    def plan(*wanted: PlannedMessage) -> SyncReport:
        with UnitOfWork(engine)() as session:
            return sync_planned(session, scope="c12:", wanted=list(wanted), now=clock.now())

    assert plan() == SyncReport(withdrawn=1)
    assert plan() == SyncReport()  # already withdrawn
    assert rows(engine)[invitation.key].payload[WITHDRAWN] is True
    assert plan(invitation) == SyncReport(unchanged=1)  # the meeting is back on
    assert rows(engine)[invitation.key].payload == dict(invitation.payload)
    clock.advance(retry_delay(1))

    assert worker.run_once() == DispatchReport(claimed=1, sent=1)
    assert posts_per_key(emu, case_channel) == {invitation.key: 1}


def test_a_withdrawn_row_slack_will_not_let_us_look_for_is_cancelled_without_a_failure_notice(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    failures: list[str] = []
    queue(engine, message("c12:invite:m1", case_channel))
    emu.faults.inject_next(Fault.DROP_AFTER, method="chat.postMessage")
    worker = dispatcher(
        engine, client, clock, on_permanent_failure=lambda row: failures.append(row.key)
    )
    worker.run_once()
    with UnitOfWork(engine)() as session:
        sync_planned(session, scope="c12:", wanted=[], now=clock.now())
    emu.leave_channel(emu.bot_user_id, case_channel)  # someone took the bot out of the channel
    clock.advance(retry_delay(1))

    assert worker.run_once() == DispatchReport(claimed=1, cancelled=1)
    row = rows(engine)["c12:invite:m1"]
    assert (row.state, row.last_error) == (OutboxState.CANCELLED, "channel_not_found")
    assert failures == []


@pytest.mark.parametrize("to_person", [False, True], ids=["channel", "dm"])
def test_a_crash_after_slack_applied_the_post_is_confirmed_from_history_by_the_next_worker(
    engine: Engine,
    emu: SlackEmulator,
    client: WebClient,
    clock: ManualClock,
    case_channel: str,
    to_person: bool,
) -> None:
    recipient = emu.add_user("alex") if to_person else case_channel
    queue(engine, message("c12:invite:m1", recipient))
    emu.faults.inject_next(Fault.HTTP_500_AFTER, method="chat.postMessage")
    # The claim commits, Slack posts, then the worker dies before recording anything.
    crashing = Dispatcher(DatabaseGoesAway(engine, fail_from=2), client, clock, worker_id="a")
    with pytest.raises(ConnectionError):
        crashing.run_once()
    assert rows(engine)["c12:invite:m1"].state is OutboxState.CLAIMED
    survivor = Dispatcher(UnitOfWork(engine), client, clock, worker_id="b")

    while_claim_is_fresh = survivor.run_once()
    clock.advance(timedelta(minutes=5, seconds=1))
    after_claim_went_stale = survivor.run_once()

    assert while_claim_is_fresh == DispatchReport()
    assert after_claim_went_stale == DispatchReport(claimed=1, confirmed_from_history=1)
    channel = emu.inspector.dm_channel(recipient) if to_person else case_channel
    assert channel is not None
    assert posts_per_key(emu, channel) == {"c12:invite:m1": 1}
    assert len(emu.calls_to("chat.postMessage")) == 1
    row = rows(engine)["c12:invite:m1"]
    assert (row.state, row.slack_channel, row.claimed_by) == (OutboxState.SENT, channel, "b")


@pytest.mark.parametrize("problem", ["archived", "deactivated", "bot_not_in_channel"])
def test_a_permanent_slack_error_fails_the_row_and_tells_the_domain(
    engine: Engine,
    emu: SlackEmulator,
    client: WebClient,
    clock: ManualClock,
    case_channel: str,
    problem: str,
) -> None:
    social_worker = emu.add_user("social-worker")
    if problem == "archived":
        emu.join_channel(social_worker, case_channel)
        emu.archive_channel_as_user(social_worker, case_channel)
        recipient, code = case_channel, "is_archived"
    elif problem == "deactivated":
        # Slack answers a post to a deactivated person's id as a conversation it cannot find.
        recipient, code = emu.add_user("left-the-service", deleted=True), "channel_not_found"
    else:
        recipient = emu.create_channel_as_user(social_worker, "not-ours", is_private=True)
        code = "channel_not_found"
    queue(engine, message("c12:chase:r34", recipient))
    told: list[OutboxMessage] = []
    worker = dispatcher(engine, client, clock, on_permanent_failure=told.append)

    report = worker.run_once()
    clock.advance(timedelta(days=1))

    assert report == DispatchReport(claimed=1, failed=1)
    assert [(row.key, row.last_error) for row in told] == [("c12:chase:r34", code)]
    row = rows(engine)["c12:chase:r34"]
    assert (row.state, row.attempts, row.last_error) == (OutboxState.FAILED, 1, code)
    assert worker.run_once() == DispatchReport()  # failed rows wait for a person, not a retry


def test_back_off_grows_after_each_failure_and_the_row_stays_due_until_it_gives_up(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock, case_channel: str
) -> None:
    queue(engine, message("c12:chase:r34", case_channel))
    emu.faults.inject_next(Fault.HTTP_503, method="chat.postMessage", count=4)
    told: list[OutboxMessage] = []
    worker = dispatcher(engine, client, clock, max_attempts=4, on_permanent_failure=told.append)

    waits = []
    for _ in range(3):
        assert worker.run_once() == DispatchReport(claimed=1, retried=1)
        row = rows(engine)["c12:chase:r34"]
        assert row.state is OutboxState.PENDING
        waits.append(row.due_at - clock.now())
        clock.set(row.due_at - timedelta(seconds=1))
        assert worker.run_once() == DispatchReport()  # not due yet
        clock.set(row.due_at)
    last = worker.run_once()

    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert last == DispatchReport(claimed=1, failed=1)
    row = rows(engine)["c12:chase:r34"]
    assert (row.state, row.attempts) == (OutboxState.FAILED, 4)
    assert row.last_error == "http_503; gave up after 4 attempts"
    assert [r.key for r in told] == ["c12:chase:r34"]
    assert emu.inspector.messages(case_channel) == []


class SlowWorld(ManualClock):
    """A clock on which every reading takes a minute: a worker that is far slower than planned."""

    def now(self) -> datetime:
        return self.advance(timedelta(minutes=1))


def test_a_long_batch_hands_untried_rows_back_before_its_claim_could_go_stale(
    engine: Engine, client: WebClient, case_channel: str
) -> None:
    slow_clock = SlowWorld(START)
    queue(engine, *[message(f"c12:prompt:m{n}", case_channel) for n in range(6)])
    worker = dispatcher(engine, client, slow_clock, stale_claim_after=timedelta(minutes=10))

    report = worker.run_once()

    assert report.claimed == 6 and report.sent > 0 and report.deferred > 0
    assert report.sent + report.deferred == 6
    handed_back = [row for row in rows(engine).values() if row.state is OutboxState.PENDING]
    assert len(handed_back) == report.deferred
    assert all((row.due_at, row.claimed_at) == (START, None) for row in handed_back)


def test_retry_delay_doubles_honours_retry_after_and_is_capped_at_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(1, retry_after=90) == timedelta(seconds=90)
    assert retry_delay(2, retry_after=5) == timedelta(seconds=60)
    assert retry_delay(30) == retry_delay(1, retry_after=86_400) == timedelta(hours=1)


def test_logs_name_keys_and_error_codes_but_never_the_message_text(
    engine: Engine,
    emu: SlackEmulator,
    client: WebClient,
    clock: ManualClock,
    case_channel: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "Jamie was seen alone at school"
    queue(engine, message("c12:update:m1", case_channel, text=secret))
    queue(engine, message("c12:update:m2", emu.add_user("gone", deleted=True), text=secret))
    emu.faults.inject_next(Fault.HTTP_500_AFTER, method="chat.postMessage")
    worker = dispatcher(engine, client, clock)

    with caplog.at_level(logging.DEBUG):
        worker.run_once()
        clock.advance(timedelta(minutes=1))
        worker.run_once()

    ours = [r.getMessage() for r in caplog.records if r.name == "bot.delivery.dispatcher"]
    assert any("c12:update:m1" in line for line in ours)
    assert any("channel_not_found" in line for line in ours)
    assert not any(secret in line for line in ours)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_workers_on_postgresql_send_each_of_300_rows_exactly_once(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    emu.rate_limits_enabled = False
    channels = [
        str(client.conversations_create(name=f"case-{n:04d}", is_private=True)["channel"]["id"])
        for n in range(10)
    ]
    queue(
        engine,
        *[message(f"c{n % 10}:prompt:m{n}", channels[n % 10]) for n in range(300)],
    )
    workers = [
        dispatcher(engine, client, clock, worker_id=name, batch_size=20) for name in ("a", "b")
    ]
    start = threading.Barrier(2)
    reports: dict[str, list[DispatchReport]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def work(worker: Dispatcher) -> None:
        try:
            start.wait()
            while (report := worker.run_once()).claimed:
                reports[worker.worker_id].append(report)
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert posts_per_key(emu, *channels) == {f"c{n % 10}:prompt:m{n}": 1 for n in range(300)}
    assert len(emu.calls_to("chat.postMessage")) == 300
    assert sum(r.sent for rs in reports.values() for r in rs) == 300
    assert {row.state for row in rows(engine).values()} == {OutboxState.SENT}
    # Both took part: each claimed some rows while the other was working.
    assert set(Counter(row.claimed_by for row in rows(engine).values())) == {"a", "b"}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
