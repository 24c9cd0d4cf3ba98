"""Rows a person's action asks to go at once: only those are taken, and a crash loses nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.clock import ManualClock
from bot.delivery.dispatcher import Dispatcher, DispatchReport
from bot.delivery.immediate import IMMEDIATE_LEASE
from bot.devtools.emulator import SlackEmulator
from bot.rules.vocabulary import OutboxState
from storage.db import UnitOfWork
from tests.outbox.test_dispatcher import (
    DatabaseGoesAway,
    dispatcher,
    message,
    posts_per_key,
    queue,
    rows,
)


def test_a_run_given_keys_takes_only_those_rows(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    chair, social_worker = emu.add_user("chair"), emu.add_user("social-worker")
    queue(
        engine,
        message("harm:u1:" + chair, chair),
        message("harm:u1:" + social_worker, social_worker),
        message("c12:prompt:r3", social_worker),
    )
    report = dispatcher(engine, client, clock).run_once(
        keys=["harm:u1:" + chair, "harm:u1:" + social_worker]
    )
    assert report == DispatchReport(claimed=2, sent=2)
    assert rows(engine)["c12:prompt:r3"].state is OutboxState.PENDING  # left for its minute


def test_an_at_once_sender_that_dies_after_posting_is_confirmed_not_repeated(
    engine: Engine, emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    chair = emu.add_user("chair")
    key = "harm:u1:" + chair
    queue(engine, message(key, chair))
    # It claims (1st transaction) and posts; recording the result (2nd) finds no database.
    crashing = Dispatcher(
        DatabaseGoesAway(engine, fail_from=2),  # type: ignore[arg-type]
        client,
        clock,
        worker_id="now",
        stale_claim_after=IMMEDIATE_LEASE,
    )
    with pytest.raises(ConnectionError):
        crashing.run_once(keys=[key])
    channel = emu.inspector.dm_channel(chair)
    assert channel is not None
    assert posts_per_key(emu, channel) == {key: 1}  # it reached the chair at once
    assert rows(engine)[key].state is OutboxState.CLAIMED

    survivor = Dispatcher(UnitOfWork(engine), client, clock, worker_id="scheduler")
    clock.advance(IMMEDIATE_LEASE + timedelta(seconds=1))  # the short lease lapses
    assert survivor.run_once() == DispatchReport(claimed=1, confirmed_from_history=1)
    assert posts_per_key(emu, channel) == {key: 1}
    assert rows(engine)[key].state is OutboxState.SENT
