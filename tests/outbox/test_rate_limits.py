"""The dispatcher under Slack's rate limits: paced by Retry-After, never failed by a 429."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.clock import ManualClock, SystemClock
from bot.delivery.dispatcher import EVENT_TYPE, Dispatcher, DispatchReport, Wait, sleep_on
from bot.devtools.emulator import Fault, PostLimit, SlackEmulator
from bot.jobs import dispatch_due
from bot.rules.messages import PlannedMessage
from bot.rules.vocabulary import OutboxState
from bot.services.outbox import enqueue
from storage.db import UnitOfWork
from storage.models import OutboxMessage
from tests.outbox.conftest import START

SECOND = timedelta(seconds=1)


class Waits:
    """A dispatcher's waiting, on the test's clock: each pause moves the clock and is noted."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.pauses: list[timedelta] = []

    def __call__(self, pause: timedelta) -> None:
        self.pauses.append(pause)
        self.clock.advance(pause)


def dispatcher(
    engine: Engine, client: WebClient, clock: ManualClock, *, wait: Wait | None, **options: Any
) -> Dispatcher:
    return Dispatcher(UnitOfWork(engine), client, clock, worker_id="worker-a", wait=wait, **options)


def prompts(engine: Engine, recipients: list[str], due_at: datetime = START) -> list[str]:
    keys = [f"c{n}:prompt:{person}" for n, person in enumerate(recipients)]
    with UnitOfWork(engine)() as session:
        for key, person in zip(keys, recipients, strict=True):
            text = "Case 12: please send your update"
            enqueue(
                session, PlannedMessage(key, "prompt", person, due_at, {"text": text}), now=START
            )
    return keys


def rows(engine: Engine) -> dict[str, OutboxMessage]:
    with Session(engine) as session:
        return {row.key: row for row in session.exec(select(OutboxMessage)).all()}


def posts_per_key(emu: SlackEmulator) -> Counter[str]:
    return Counter(
        seen.metadata["event_payload"]["key"]
        for channel in emu.workspace.conversations
        for seen in emu.inspector.messages(channel)
        if seen.metadata and seen.metadata["event_type"] == EVENT_TYPE
    )


def refusals(emu: SlackEmulator) -> int:
    return sum(1 for call in emu.calls_to("chat.postMessage") if call.status == 429)


def test_a_429_counts_no_attempt_and_the_rest_of_the_batch_waits_without_asking_again(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    emu.workspace_post_limit = PostLimit(per_minute=60, burst=3)
    people = [emu.add_user(f"member {n}") for n in range(6)]
    keys = prompts(engine, people)
    worker = dispatcher(engine, client, clock, wait=None, max_attempts=2)

    first = worker.run_once()
    clock.advance(SECOND)
    second = worker.run_once()

    assert first == DispatchReport(claimed=6, sent=3, deferred=3, rate_limited=1)
    # One 429 paused every post: the two rows after it were not sent to be refused again.
    assert [c.status for c in emu.calls_to("chat.postMessage")][:4] == [200, 200, 200, 429]
    assert second == DispatchReport(claimed=3, sent=1, deferred=2, rate_limited=1)
    waiting = [rows(engine)[key] for key in keys[4:]]
    assert [(r.state, r.attempts, r.due_at) for r in waiting] == [
        (OutboxState.PENDING, 0, START + 2 * SECOND)
    ] * 2


def test_a_dispatcher_that_can_wait_drains_at_the_workspace_pace_in_one_pass(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    limit = PostLimit(per_minute=60, burst=5)
    emu.workspace_post_limit = limit
    people = [emu.add_user(f"member {n}") for n in range(25)]
    keys = prompts(engine, people)
    waits = Waits(clock)
    worker = dispatcher(engine, client, clock, wait=waits, batch_size=10, max_attempts=1)

    report = dispatch_due(worker)

    assert report.sent == 25 and report.rate_limited == 20
    assert (report.deferred, report.retried, report.failed) == (0, 0, 0)
    # As fast as the limit allows: the burst at once, then one a second, each wait Retry-After.
    assert clock.now() - START == timedelta(seconds=limit.least_seconds(25)) == 20 * SECOND
    assert set(waits.pauses) == {SECOND}
    assert posts_per_key(emu) == dict.fromkeys(keys, 1)
    assert {(r.state, r.attempts) for r in rows(engine).values()} == {(OutboxState.SENT, 1)}
    assert refusals(emu) == 20


def test_a_429_in_a_busy_channel_pauses_that_channel_only(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    channel = str(client.conversations_create(name="case-0012", is_private=True)["channel"]["id"])
    people = [emu.add_user(f"member {n}") for n in range(3)]
    in_channel = prompts(engine, [channel] * 5)
    to_people = prompts(engine, people)
    worker = dispatcher(engine, client, clock, wait=None)

    report = worker.run_once()

    # Three posts fill the channel's burst; the fourth is refused, the fifth not tried, and the
    # people's messages go out at once.
    assert report == DispatchReport(claimed=8, sent=6, deferred=2, rate_limited=1)
    assert posts_per_key(emu) == dict.fromkeys(in_channel[:3] + to_people, 1)
    assert refusals(emu) == 1


def test_a_retry_after_longer_than_a_run_may_wait_puts_rows_back_and_ends_the_pass(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    emu.workspace_post_limit = PostLimit(per_minute=6, burst=2)  # a token every 10 seconds
    keys = prompts(engine, [emu.add_user(f"member {n}") for n in range(6)])
    waits = Waits(clock)
    worker = dispatcher(engine, client, clock, wait=waits, max_wait=5 * SECOND, batch_size=2)

    report = dispatch_due(worker)

    # The second batch could only be put back, so the pass stops rather than claim the rest.
    assert report == DispatchReport(claimed=4, sent=2, deferred=2, rate_limited=1)
    assert waits.pauses == []
    states = [(r.state, r.attempts, r.due_at) for r in map(rows(engine).get, keys[2:]) if r]
    assert (
        states
        == [(OutboxState.PENDING, 0, START + 10 * SECOND)] * 2
        + [(OutboxState.PENDING, 0, START)] * 2
    )


def test_a_pass_that_waits_stops_after_its_budget_and_leaves_the_rest_due(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    emu.workspace_post_limit = PostLimit(per_minute=60, burst=5)
    keys = prompts(engine, [emu.add_user(f"member {n}") for n in range(40)])
    worker = dispatcher(engine, client, clock, wait=Waits(clock), batch_size=10)

    report = dispatch_due(worker, budget=timedelta(seconds=15))

    assert START + 14 * SECOND <= clock.now() <= START + 15 * SECOND
    assert 15 <= report.sent <= 20
    waiting = [row for row in rows(engine).values() if row.state is not OutboxState.SENT]
    assert len(waiting) == 40 - report.sent
    assert {(row.state, row.attempts) for row in waiting} == {(OutboxState.PENDING, 0)}
    assert max(row.due_at for row in waiting) <= clock.now() + SECOND
    assert sum(posts_per_key(emu).values()) == report.sent
    assert set(posts_per_key(emu)) <= set(keys)


def test_a_row_that_may_have_posted_checks_history_once_though_a_429_sets_it_aside(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    emu.workspace_post_limit = PostLimit(per_minute=60, burst=1)
    alex, sam = emu.add_user("alex"), emu.add_user("sam")
    [unlucky] = prompts(engine, [alex])
    emu.faults.inject_next(Fault.HTTP_503, method="chat.postMessage")
    waits = Waits(clock)
    worker = dispatcher(engine, client, clock, wait=waits)
    assert worker.run_once() == DispatchReport(claimed=1, retried=1)
    # Someone else's message takes the only token just before the unlucky row comes due again.
    retry_at = rows(engine)[unlucky].due_at
    [other] = prompts(engine, [sam], due_at=retry_at - SECOND)
    clock.set(retry_at)

    report = worker.run_once()

    assert report == DispatchReport(claimed=2, sent=2, rate_limited=1)
    assert len(emu.calls_to("conversations.history")) == 1
    assert posts_per_key(emu) == {unlucky: 1, other: 1}
    assert rows(engine)[unlucky].attempts == 2  # the 503 and the post; the 429 is not one


def test_only_the_real_clock_is_waited_on_for_real() -> None:
    assert sleep_on(ManualClock(START)) is None
    assert sleep_on(SystemClock()) is not None
