"""Planning many cases in one batch gives exactly what planning them one at a time gives."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from bench.world import build_cases
from bot.rules.vocabulary import CaseStatus, MeetingStatus, OutboxState, Role
from bot.services import planning
from bot.services.planning import plan_cases
from storage.db import UnitOfWork, make_engine
from storage.models import (
    Case,
    Invitation,
    Meeting,
    Member,
    OutboxMessage,
    PlanAction,
    UpdateRequest,
)

CASES = 24
FIRST = datetime(2026, 9, 1, 5, 0, tzinfo=UTC)
LATER = datetime(2026, 10, 20, 5, 0, tzinfo=UTC)  # a cycle on: next meetings have moved on


def varied_world(engine: Engine) -> None:
    """Cases as opening them leaves them, then varied: meetings with dates, open actions, a
    member away with cover, a member without Slack, a closed case."""
    build_cases(engine, CASES, first_icpc=date(2026, 8, 3), spread_days=20)
    with UnitOfWork(engine)() as session:
        for meeting in session.exec(select(Meeting).where(Meeting.sequence == 1)).all():
            if meeting.case_id % 3 == 0:  # a date set: invitations, and a conference's quorum
                meeting.status = MeetingStatus.SCHEDULED
                meeting.starts_at = datetime.combine(meeting.due_by, time(10, 0), tzinfo=UTC)
                session.add(meeting)
        members = session.exec(select(Member).order_by(col(Member.id))).all()
        for member in members:
            if member.case_id % 4 == 0 and member.role == Role.PROFESSIONAL:
                member.away_until = date(2026, 12, 31)
                member.cover_member_id = next(
                    m.id for m in members if m.case_id == member.case_id and m.role == Role.CHAIR
                )
            if member.case_id % 5 == 0 and member.role == Role.FAMILY:
                member.slack_user_id = None
            session.add(member)
        for member in members:
            if member.role == Role.SOCIAL_WORKER and member.case_id % 2 == 0:
                visit = PlanAction(
                    case_id=member.case_id,
                    owner_member_id=member.id,
                    description="Visit",
                    due_date=date(2026, 9, 15),
                )
                session.add(visit)
        session.execute(update(Case).where(col(Case.id) == 7).values(status=CaseStatus.ENDED))


def snapshot(engine: Engine) -> dict[str, Any]:
    """The outbox, requests and invitations, with request ids named by meeting and member (ids
    are assigned in insertion order, which batching need not keep)."""
    with Session(engine) as session:
        requests = session.exec(select(UpdateRequest)).all()
        names = {r.id: f"{r.meeting_id}-{r.member_id}" for r in requests}

        def named(text: str) -> str:
            return re.sub(r":r(\d+)", lambda m: f":r{names[int(m.group(1))]}", text)

        outbox = sorted(
            (
                named(r.key),
                r.kind,
                r.recipient,
                r.due_at.isoformat(),
                r.state.value,
                json.dumps(
                    {
                        **r.payload.get("render", {}),
                        "request": names.get(r.payload.get("render", {}).get("request")),
                    },
                    sort_keys=True,
                ),
            )
            for r in session.exec(select(OutboxMessage)).all()
        )
        return {
            "outbox": outbox,
            "requests": sorted(
                (names[r.id], r.due_at.isoformat(), r.status.value) for r in requests
            ),
            "invitations": sorted(
                (i.meeting_id, i.member_id) for i in session.exec(select(Invitation)).all()
            ),
            "replans": sorted(
                (c.id, c.next_replan_at.isoformat() if c.next_replan_at else "")
                for c in session.exec(select(Case)).all()
            ),
        }


@pytest.fixture
def one_by_one(tmp_path: Path, sqlite_template: Path) -> Engine:
    path = tmp_path / "one-by-one.sqlite3"
    shutil.copy(sqlite_template, path)
    return make_engine(f"sqlite:///{path}")


def test_a_batch_plans_what_one_case_at_a_time_plans(
    engine: Engine, one_by_one: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planning, "BATCH", 5)  # several batches, one of them short
    for world in (engine, one_by_one):
        varied_world(world)
    for now in (FIRST, LATER, LATER + timedelta(days=30)):
        with UnitOfWork(engine)() as session:
            ids = list(session.exec(select(Case.id)).all())
        for batch in planning.chunks(ids, planning.BATCH):
            with UnitOfWork(engine)() as session:
                plan_cases(session, [i for i in batch if i is not None], now)
        for case_id in ids:
            with UnitOfWork(one_by_one)() as session:
                plan_cases(session, [case_id or 0], now)
        batched, single = snapshot(engine), snapshot(one_by_one)
        assert batched == single, now
    kinds = {row[1] for row in batched["outbox"]}
    assert {
        "invitation",
        "quorum_warning",
        "prompt",
        "chase",
        "overdue_notice",
        "escalation",
        "progress",
        "digest",
        "action_reminder",
    } <= kinds
    assert any(row[4] == OutboxState.CANCELLED.value for row in batched["outbox"])
    assert not any(
        key.startswith("c7:") and state == OutboxState.PENDING.value
        for key, _, _, _, state, _ in batched["outbox"]
    )


def test_a_closed_case_in_a_batch_loses_its_pending_messages_and_others_keep_theirs(
    engine: Engine,
) -> None:
    build_cases(engine, 3, first_icpc=date(2026, 8, 3), spread_days=3)
    with UnitOfWork(engine)() as session:
        plan_cases(session, [1, 2, 3], FIRST)
        # A notice about case 2 that planning does not own (outside its key scope).
        session.add(
            OutboxMessage(
                key="undelivered:U1:c2:x",
                case_id=2,
                kind="undelivered",
                recipient="U1",
                due_at=FIRST,
                payload={"text": "x"},
            )
        )
    with UnitOfWork(engine)() as session:
        session.execute(update(Case).where(col(Case.id) == 2).values(status=CaseStatus.ENDED))
    with UnitOfWork(engine)() as session:
        report = plan_cases(session, [1, 2, 3], FIRST)
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    by_case: dict[str, set[OutboxState]] = {}
    for row in rows:
        by_case.setdefault(row.key.split(":", 1)[0], set()).add(row.state)
    assert by_case["c2"] == {OutboxState.CANCELLED}
    assert by_case["c1"] == by_case["c3"] == {OutboxState.PENDING}
    assert by_case["undelivered"] == {OutboxState.PENDING}
    assert report.cancelled > 0
    assert report.inserted == 0
