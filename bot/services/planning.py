"""The planning pass: which messages each open case needs, kept in the outbox idempotently.

Cases are planned in batches: one read per table for the whole batch, the rows that replies and
updates hang on (invitations, update requests) inserted in bulk, then each case's wanted messages
worked out in memory (`bot.rules.wanted`) and the outbox brought in line with one statement per
kind of change. A batch of one is how a single case is re-planned after any change to it.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, or_
from sqlalchemy.orm import Mapped
from sqlmodel import Session, SQLModel, col, select

from bot.deps import Dependencies
from bot.rules.vocabulary import ActionStatus, CaseStatus, UpdateRequestStatus
from bot.rules.wanted import CaseState, wanted
from bot.services.meetings import invite
from bot.services.outbox import SyncReport, sync_cases
from storage.db import refresh_statistics
from storage.models import Area, Case, Meeting, Member, OutboxMessage, PlanAction, UpdateRequest
from storage.queries import chunks, insert_missing

log = logging.getLogger(__name__)

M = TypeVar("M", bound=SQLModel)

# Cases planned in one transaction by the daily pass, and batches planned at once on PostgreSQL.
BATCH = 100
POSTGRES_WORKERS = 2
# Rows a pass adds to the outbox before it refreshes its statistics (then at each doubling).
ANALYSE_AFTER = 20_000


@dataclass(frozen=True)
class PlanningReport:
    """What a planning pass did across the cases it planned."""

    cases: int
    inserted: int
    cancelled: int


def plan_cases(session: Session, case_ids: Sequence[int], now: datetime) -> SyncReport:
    """Bring these cases' planned messages in line with their state; never commits."""
    states = load_states(session, case_ids)
    active = [s for s in states if s.active]
    _ensure_invitations(session, active, now)
    _ensure_requests(session, active, now)
    report = sync_cases(session, {s.case_id: wanted(s, now) for s in states}, now=now)
    for state in states:
        next_replan = state.next_replan(now) if state.active else None
        if state.case.next_replan_at != next_replan:
            state.case.next_replan_at = next_replan
            session.add(state.case)
    return report


def replan_case(deps: Dependencies, case_id: int) -> SyncReport:
    """Bring one case's planned messages in line with its state (after any change to it)."""
    with deps.unit_of_work() as session:
        return plan_cases(session, [case_id], deps.clock.now())


def planning_pass(deps: Dependencies) -> PlanningReport:
    """Re-plan the open cases whose moment has come (the daily job, and `coregroup sweep`).

    Every change to a case re-plans it at once; this pass catches what time alone changes, so
    it grows with the cases that have something happening, not with all the cases there are.
    """
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        case_ids = [
            cid
            for cid in session.exec(
                select(Case.id).where(
                    Case.status == CaseStatus.OPEN,
                    or_(col(Case.next_replan_at).is_(None), col(Case.next_replan_at) <= now),
                )
            )
            if cid is not None
        ]

    growth = _Growth(deps.unit_of_work.engine)

    def plan_batch(batch: list[int]) -> SyncReport:
        with deps.unit_of_work() as session:
            report = plan_cases(session, batch, now)
        gc.collect(1)
        growth.added(report.inserted)
        return report

    batches = list(chunks(case_ids, BATCH))
    with _collection_paused():
        if _workers(deps) == 1 or len(batches) == 1:
            reports = [plan_batch(batch) for batch in batches]
        else:
            with ThreadPoolExecutor(_workers(deps), thread_name_prefix="planning") as pool:
                reports = list(pool.map(plan_batch, batches))
    return PlanningReport(
        len(case_ids), sum(r.inserted for r in reports), sum(r.cancelled for r in reports)
    )


class _Growth:
    """Refreshes the outbox's statistics each time a pass has doubled what it added, from
    20,000 rows on. A first planning fills an empty outbox with hundreds of thousands of rows;
    PostgreSQL would otherwise plan each batch's reads for the small table it last analysed, and
    scan the whole outbox for every batch (measured: 26 of the 58 s of a first planning of
    10,000 cases). A handful of sampled analyses over the pass cost well under a second."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.total = 0
        self.next_refresh = ANALYSE_AFTER
        self._lock = threading.Lock()

    def added(self, rows: int) -> None:
        with self._lock:
            self.total += rows
            if self.total < self.next_refresh:
                return
            self.next_refresh = 2 * self.total
        refresh_statistics(self.engine, OutboxMessage.__tablename__)


def _workers(deps: Dependencies) -> int:
    """How many batches are planned at once: PostgreSQL does a batch's database work in a
    process of its own, so while it does, another batch's plan is worked out here; SQLite has
    one writer, so its batches take turns."""
    return POSTGRES_WORKERS if deps.unit_of_work.engine.dialect.name == "postgresql" else 1


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No automatic cyclic garbage collection during the pass; a young-generation collection
    after each batch instead.

    A batch allocates tens of thousands of short-lived objects, few of them in cycles; left on,
    the collector walks the whole heap several times a batch (measured: a third of the pass at
    10,000 cases). Reference counting still frees everything as usual meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_states(session: Session, case_ids: Sequence[int]) -> list[CaseState]:
    """Each case with its area, active members, meetings and open actions: a read per table."""
    cases = _rows(session, Case, col(Case.id), case_ids)
    areas = {a.id: a for a in _rows(session, Area, col(Area.id), {c.area_id for c in cases})}
    members = _by_case(_rows(session, Member, col(Member.case_id), case_ids, col(Member.active)))
    meetings = _by_case(_rows(session, Meeting, col(Meeting.case_id), case_ids))
    actions = _by_case(
        _rows(
            session,
            PlanAction,
            col(PlanAction.case_id),
            case_ids,
            PlanAction.status == ActionStatus.OPEN,
            col(PlanAction.due_date).is_not(None),
        )
    )
    return [
        CaseState(
            case=case,
            area=areas[case.area_id],
            members=sorted(members.get(case.id or 0, []), key=lambda m: m.id or 0),
            meetings=sorted(meetings.get(case.id or 0, []), key=lambda m: m.sequence),
            actions=actions.get(case.id or 0, []),
        )
        for case in sorted(cases, key=lambda c: c.id or 0)
    ]


def _ensure_invitations(session: Session, states: Sequence[CaseState], now: datetime) -> None:
    """Everyone active is invited to every meeting ahead (people added later are invited too)."""
    invite(
        session,
        [
            (meeting.id or 0, member.id)
            for state in states
            for meeting in state.invited_to(now)
            for member in state.members
            if member.id is not None
        ],
    )


def _ensure_requests(session: Session, states: Sequence[CaseState], now: datetime) -> None:
    """Everyone who owes an update for the next meetings has a request, due at the deadline;
    fills each state's `requests`."""
    due: dict[int, datetime] = {}  # meeting id -> when its reports are due
    owing: dict[int, set[int]] = {}  # meeting id -> members who owe it a report
    for state in states:
        for meeting in state.next_meetings(now):
            assert meeting.id is not None
            due[meeting.id] = state.due_at(meeting)
            owing[meeting.id] = {m.id for m in state.owing() if m.id is not None}
    # Several replans may run at once (people clicking together): inserting is idempotent.
    insert_missing(
        session,
        UpdateRequest,
        [
            {
                "meeting_id": meeting_id,
                "member_id": member_id,
                "due_at": due[meeting_id],
                "status": UpdateRequestStatus.REQUESTED.value,
            }
            for meeting_id, members in owing.items()
            for member_id in sorted(members)
        ],
        ["meeting_id", "member_id"],
    )
    requests = _rows(session, UpdateRequest, col(UpdateRequest.meeting_id), owing)
    kept: dict[int, list[UpdateRequest]] = defaultdict(list)
    for request in sorted(requests, key=lambda r: r.id or 0):
        meeting_id = request.meeting_id
        requested = request.status == UpdateRequestStatus.REQUESTED
        if request.member_id in owing[meeting_id]:
            if requested and request.due_at != due[meeting_id]:
                request.due_at = due[meeting_id]  # the meeting moved: so did its deadline
                session.add(request)
            kept[meeting_id].append(request)
        elif requested:
            # Someone who has left the core group owes nothing more (what they sent is kept).
            request.status = UpdateRequestStatus.WAIVED
            session.add(request)
    session.flush()
    for state in states:
        state.requests = {m.id or 0: kept.get(m.id or 0, []) for m in state.next_meetings(now)}


def _rows(
    session: Session,
    model: type[M],
    column: Mapped[Any],
    values: Iterable[Any],
    *where: ColumnElement[bool] | Mapped[bool] | bool,
) -> list[M]:
    """Rows of `model` whose `column` is one of `values`, read in chunks."""
    found: list[M] = []
    for chunk in chunks(list(values)):
        found += session.exec(select(model).where(column.in_(chunk), *where)).all()
    return found


def _by_case(rows: Iterable[M]) -> dict[int, list[M]]:
    grouped: dict[int, list[M]] = defaultdict(list)
    for row in rows:
        grouped[row.case_id].append(row)  # type: ignore[attr-defined]
    return grouped
