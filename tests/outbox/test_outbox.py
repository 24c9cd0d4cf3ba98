"""Planning the outbox on real databases: idempotent, scoped, never touching what was sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.rules.messages import PlannedMessage
from bot.rules.vocabulary import OutboxState
from bot.services.outbox import SyncReport, cancelling, enqueue, sync_planned
from storage.db import UnitOfWork
from storage.models import OutboxMessage

NOW = datetime(2027, 1, 4, 5, 0, tzinfo=UTC)


def chase(case: int, report: int, due: datetime, recipient: str = "U0001") -> PlannedMessage:
    return PlannedMessage(
        key=f"c{case}:chase:r{report}:overdue:{due.date().isoformat()}",
        kind="chase",
        recipient=recipient,
        due_at=due,
        payload={"text": f"Case {case}: your report is overdue"},
        case_id=None,
    )


def states(engine: Engine) -> dict[str, OutboxState]:
    with Session(engine) as session:
        return {row.key: row.state for row in session.exec(select(OutboxMessage)).all()}


def plan(engine: Engine, scope: str, wanted: list[PlannedMessage]) -> SyncReport:
    with UnitOfWork(engine)() as session:
        return sync_planned(session, scope=scope, wanted=wanted, now=NOW)


def set_state(engine: Engine, key: str, state: OutboxState) -> None:
    with UnitOfWork(engine)() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
        row.state = state
        if state is OutboxState.SENT:
            row.slack_channel, row.slack_ts, row.sent_at = "D1", "1.000100", NOW
        session.add(row)


def test_planning_the_same_messages_twice_changes_nothing(engine: Engine) -> None:
    wanted = [chase(12, 1, NOW + timedelta(days=1)), chase(12, 2, NOW + timedelta(days=2))]

    first = plan(engine, "c12:", wanted)
    second = plan(engine, "c12:", wanted)

    assert first == SyncReport(inserted=2)
    assert second == SyncReport(unchanged=2)
    assert set(states(engine).values()) == {OutboxState.PENDING}


def test_new_rows_carry_the_planned_message(engine: Engine) -> None:
    message = chase(12, 1, NOW + timedelta(days=1), recipient="U0042")
    plan(engine, "c12:", [message])

    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert (row.key, row.kind, row.recipient) == (message.key, "chase", "U0042")
    assert row.due_at == message.due_at
    assert row.payload == {"text": "Case 12: your report is overdue"}
    assert (row.state, row.attempts, row.created_at) == (OutboxState.PENDING, 0, NOW)


def test_moving_a_due_date_cancels_the_old_pending_key_and_adds_the_new(engine: Engine) -> None:
    old, moved = chase(12, 1, NOW + timedelta(days=1)), chase(12, 1, NOW + timedelta(days=3))
    plan(engine, "c12:", [old])

    report = plan(engine, "c12:", [moved])

    assert report == SyncReport(inserted=1, cancelled=1)
    assert states(engine) == {old.key: OutboxState.CANCELLED, moved.key: OutboxState.PENDING}


def test_a_sent_row_is_never_cancelled_nor_planned_again(engine: Engine) -> None:
    sent = chase(12, 1, NOW)
    plan(engine, "c12:", [sent])
    set_state(engine, sent.key, OutboxState.SENT)

    no_longer_wanted = plan(engine, "c12:", [])
    wanted_again = plan(engine, "c12:", [sent])

    assert no_longer_wanted == SyncReport()
    assert wanted_again == SyncReport(unchanged=1)
    assert states(engine) == {sent.key: OutboxState.SENT}


@pytest.mark.parametrize("state", [OutboxState.CLAIMED, OutboxState.FAILED])
def test_claimed_and_failed_rows_are_left_alone(engine: Engine, state: OutboxState) -> None:
    message = chase(12, 1, NOW)
    plan(engine, "c12:", [message])
    set_state(engine, message.key, state)

    assert plan(engine, "c12:", []) == SyncReport()
    assert plan(engine, "c12:", [message]) == SyncReport(unchanged=1)
    assert states(engine) == {message.key: state}


def test_a_cancelled_key_wanted_again_is_revived_with_the_new_content(engine: Engine) -> None:
    message = chase(12, 1, NOW + timedelta(days=1))
    plan(engine, "c12:", [message])
    plan(engine, "c12:", [])  # the report arrived: the chase is cancelled
    later = PlannedMessage(
        key=message.key,
        kind="chase",
        recipient="U0099",
        due_at=NOW + timedelta(days=1, hours=2),
        payload={"text": "Case 12: a reminder"},
    )

    report = plan(engine, "c12:", [later])  # the report was withdrawn: chase again

    assert report == SyncReport(revived=1)
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert (row.state, row.recipient, row.due_at) == (OutboxState.PENDING, "U0099", later.due_at)
    assert row.payload == {"text": "Case 12: a reminder"}


def test_planning_touches_only_its_own_key_prefix(engine: Engine) -> None:
    case_1, case_12 = chase(1, 1, NOW), chase(12, 1, NOW)
    plan(engine, "c1:", [case_1])
    plan(engine, "c12:", [case_12])

    # Planning case 1 with nothing wanted must not cancel case 12's row ("c1" prefixes "c12").
    report = plan(engine, "c1:", [])

    assert report == SyncReport(cancelled=1)
    assert states(engine) == {case_1.key: OutboxState.CANCELLED, case_12.key: OutboxState.PENDING}


def test_scope_matching_is_exact_about_case_and_wildcards(engine: Engine) -> None:
    lower = PlannedMessage("c_1:invite", "invitation", "U1", NOW, {"text": "x"})
    upper = PlannedMessage("C_1:invite", "invitation", "U1", NOW, {"text": "x"})
    wildcard = PlannedMessage("cX1:invite", "invitation", "U1", NOW, {"text": "x"})
    plan(engine, "C_1:", [upper])
    plan(engine, "cX1:", [wildcard])
    plan(engine, "c_1:", [lower])

    assert plan(engine, "c_1:", []) == SyncReport(cancelled=1)
    assert states(engine) == {
        lower.key: OutboxState.CANCELLED,
        upper.key: OutboxState.PENDING,
        wildcard.key: OutboxState.PENDING,
    }


def test_planning_refuses_keys_outside_its_scope_and_duplicates(engine: Engine) -> None:
    with pytest.raises(ValueError, match="outside the planning scope"):
        plan(engine, "c12:", [chase(13, 1, NOW)])
    with pytest.raises(ValueError, match="planned twice"):
        plan(engine, "c12:", [chase(12, 1, NOW), chase(12, 1, NOW)])
    assert states(engine) == {}


def test_planned_messages_must_be_well_formed() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PlannedMessage("c1:x", "chase", "U1", datetime(2027, 1, 4, 9, 0), {"text": "x"})
    with pytest.raises(ValueError, match="channel and ts"):
        PlannedMessage("c1:x", "invitation", "C1", NOW, {"method": "chat.update", "text": "x"})
    with pytest.raises(ValueError, match="unsupported method"):
        PlannedMessage("c1:x", "invitation", "C1", NOW, {"method": "chat.delete"})


def test_planning_does_not_commit_for_the_caller(engine: Engine) -> None:
    with pytest.raises(RuntimeError), UnitOfWork(engine)() as session:
        sync_planned(session, scope="c12:", wanted=[chase(12, 1, NOW)], now=NOW)
        raise RuntimeError("the listener failed after planning")

    assert states(engine) == {}


def test_enqueue_inserts_a_one_off_message_once(engine: Engine) -> None:
    message = PlannedMessage(
        "c12:channel-created:U0001", "notice", "U0001", NOW, {"text": "Case 12: channel ready"}
    )
    with UnitOfWork(engine)() as session:
        first = enqueue(session, message, now=NOW)
    with UnitOfWork(engine)() as session:
        again = enqueue(session, message, now=NOW)

    assert (first, again) == (True, False)
    assert states(engine) == {message.key: OutboxState.PENDING}


def test_ten_thousand_messages_planned_twice_insert_nothing_the_second_time(
    engine: Engine,
) -> None:
    wanted = [
        PlannedMessage(f"c7:prompt:m{n:05d}", "prompt", f"U{n:05d}", NOW, {"text": "Case 7"})
        for n in range(10_000)
    ]

    first = plan(engine, "c7:", wanted)
    second = plan(engine, "c7:", wanted)
    fewer = plan(engine, "c7:", wanted[:9_000])

    assert first.inserted == 10_000
    assert second == SyncReport(unchanged=10_000)
    assert fewer == SyncReport(cancelled=1_000, unchanged=9_000)
    with Session(engine) as session:
        pending = session.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.state) == OutboxState.PENDING)
        ).all()
    assert len(pending) == 9_000


def test_a_pending_row_takes_the_latest_content_but_a_sent_one_keeps_what_was_sent(
    engine: Engine,
) -> None:
    due = datetime(2027, 1, 11, 9, 30, tzinfo=UTC)
    first = PlannedMessage("c1:progress:m1", "progress", "C1", due, {"text": "0 of 5"})
    plan(engine, "c1:", [first])
    newer = PlannedMessage("c1:progress:m1", "progress", "C1", due, {"text": "1 of 6"})
    plan(engine, "c1:", [newer])
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert row.payload == {"text": "1 of 6"}
    set_state(engine, "c1:progress:m1", OutboxState.SENT)
    plan(engine, "c1:", [PlannedMessage("c1:progress:m1", "progress", "C1", due, {"text": "x"})])
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage)).one().payload == {"text": "1 of 6"}


def test_a_row_backing_off_keeps_its_retry_time_when_planned_again(engine: Engine) -> None:
    due = datetime(2027, 1, 11, 9, 30, tzinfo=UTC)
    retry = due + timedelta(minutes=4)
    plan(engine, "c1:", [chase(1, 2, due)])
    with UnitOfWork(engine)() as session:
        row = session.exec(select(OutboxMessage)).one()
        row.attempts, row.due_at = 2, retry
        session.add(row)
    plan(engine, "c1:", [chase(1, 2, due)])
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage)).one().due_at == retry


def test_a_row_tried_since_planning_saw_it_is_not_cancelled_but_withdrawn_next_time(
    engine: Engine,
) -> None:
    message = chase(12, 1, NOW)
    plan(engine, "c12:", [message])
    with Session(engine) as session:
        row_id = session.exec(select(OutboxMessage.id)).one()
    # Between planning's read and its cancelling, a dispatcher tried the row and got no answer.
    with UnitOfWork(engine)() as session:
        row = session.get_one(OutboxMessage, row_id)
        row.claimed_at, row.attempts = NOW, 1
        session.add(row)
    with UnitOfWork(engine)() as session:
        assert session.execute(cancelling([row_id])).rowcount == 0  # type: ignore[attr-defined]

    assert plan(engine, "c12:", []) == SyncReport(withdrawn=1)
    assert states(engine) == {message.key: OutboxState.PENDING}
