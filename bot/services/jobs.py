"""Durable jobs: the outbox generalised to any work left for after Slack's answer.

A listener's change and the job it leaves are written in one transaction (`add`, called with the
session of the service that makes the change), so either both are stored or neither is. Workers
claim jobs as the dispatcher claims outbox rows: `FOR UPDATE SKIP LOCKED` on PostgreSQL, a claim
that lapses (a worker that died leaves its job to be claimed again), back-off after a failure and,
after the last attempt, a permanent failure the worker reports.

A refresh (a `Work` with `coalesce`) is debounced: it is not claimed before its `settle_at`, which
each change that joins it while it waits moves to `REFRESH_SETTLE` after that change, never past
`REFRESH_CAP` after the first. Those instants are read from the database's clock (shared by every
process and machine), not the injected one, which tests and rehearsals hold still.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.i18n import ENGLISH, LOCALES, current
from bot.rules.vocabulary import JobState
from bot.rules.work import REFRESH_CAP, REFRESH_SETTLE, Work
from storage.db import JOBS_WRITTEN
from storage.models import Job
from storage.queries import dialect, plain

# The PostgreSQL channel a commit that wrote jobs notifies (delivered only if it commits).
CHANNEL = "coregroup_jobs"
# The payload's entry for the language of the request that wrote the job.
LOCALE = "locale"
# How long a claim holds: a worker that dies leaves its job to another once this has passed.
LEASE = timedelta(minutes=5)
# Tries before a job is given up and reported; with the back-off below, about five minutes.
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(minutes=10)
# A refresh that keeps losing the race to join a waiting one (each time claimed just before) is
# written on its own after this many tries: a change is never left unshown.
JOIN_TRIES = 3
_TABLE = Job.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    """A job a worker holds until `lease_until`."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int  # including this one
    lease_until: datetime


def add(
    session: Session, works: Sequence[Work], *, now: datetime, case_id: int | None = None
) -> int:
    """Write jobs in the session's transaction (never commits); returns how many were new.
    `case_id` names the case they are about, if their payload does not (a purge removes them).

    A job whose key exists (the same click again) is not written again: that is success, not an
    error. A refresh whose like is already waiting joins it (its start moves later, within the
    cap) instead.
    """
    if not works:
        return 0
    written_by = _statements(dialect(session))
    written = 0
    for work in works:
        about = case_id if case_id is not None else work.payload.get("case_id")
        payload = dict(work.payload)
        # The job answers in the language of the request that caused it (a person's own words
        # to the bot); what goes to a channel or to someone else names its language itself.
        payload.setdefault(LOCALE, current())
        if about is not None:
            payload.setdefault("case_id", about)
        row = {
            "kind": work.kind.value,
            "case_id": about,
            "payload": payload,
            "key": work.key,
            "pending_key": work.coalesce,
            "due_at": now,
            "state": JobState.PENDING.value,
            "attempts": 0,
            "created_at": now,
        }
        if work.coalesce is not None and work.key is None:
            written += _add_refresh(session, row, written_by)
            continue
        written += len(plain(session, written_by.insert, row).all())
    if written:
        session.info[JOBS_WRITTEN] = True
        if dialect(session) == "postgresql":
            # Delivered when (and only if) this transaction commits, to workers in other processes.
            plain(session, text(f"NOTIFY {CHANNEL}"))
    return written


@dataclass(frozen=True)
class _Writes:
    """The statements that write jobs, built once for a dialect (they run inside requests)."""

    insert: Any  # a job, unless its key is already there
    join: Any  # move a waiting refresh's start later, within its cap
    settling: Any  # a refresh that waits to settle, unless one with its pending key waits


_ROW = (
    "kind",
    "case_id",
    "payload",
    "key",
    "pending_key",
    "due_at",
    "state",
    "attempts",
    "created_at",
)


@cache
def _statements(name: str) -> _Writes:
    insert = postgresql.insert if name == "postgresql" else sqlite.insert
    clock = _database_seconds(name)
    settle, cap = REFRESH_SETTLE.total_seconds(), REFRESH_CAP.total_seconds()
    # One statement reads and moves `settle_at`, so a claim cannot fall between the two; a job
    # being claimed is locked (PostgreSQL) or the database is (SQLite), and once claimed it has
    # no `pending_key`, so it is left alone and a new one is written below.
    table = _TABLE.c
    least = func.least if name == "postgresql" else func.min
    join = (
        update(_TABLE)
        .where(table.pending_key == bindparam("waiting"), table.state == JobState.PENDING.value)
        .values(settle_at=least(clock + settle, func.coalesce(table.settle_by, clock + cap)))
        .returning(table.id)
    )
    settling = (
        insert(_TABLE)
        .values(
            {
                **{column: bindparam(f"p_{column}") for column in _ROW},
                "settle_at": clock + settle,
                "settle_by": clock + cap,
            }
        )
        .on_conflict_do_nothing()
        .returning(table.id)
    )
    return _Writes(insert(_TABLE).on_conflict_do_nothing().returning(table.id), join, settling)


def _add_refresh(session: Session, row: dict[str, Any], writes: _Writes) -> int:
    """Join the waiting refresh of the same thing, pushing its start back, or write a new one
    that waits to settle; 1 if a job was written, 0 if joined."""
    fresh = {f"p_{column}": value for column, value in row.items()}
    for _ in range(JOIN_TRIES):
        if plain(session, writes.join, {"waiting": row["pending_key"]}).first() is not None:
            return 0
        if plain(session, writes.settling, fresh).first() is not None:
            return 1
        # Another request wrote the waiting refresh between the two statements: join it.
    plain(session, writes.settling, {**fresh, "p_pending_key": None})
    return 1


def database_seconds(session: Session) -> ColumnElement[float]:
    """The database's clock, in seconds since 1970 (what `settle_at` is measured by)."""
    return _database_seconds(dialect(session))


def _database_seconds(name: str) -> ColumnElement[float]:
    if name == "postgresql":
        return literal_column("extract(epoch from clock_timestamp())::float8", Float)
    return literal_column("((julianday('now') - 2440587.5) * 86400.0)", Float)


def enqueue(deps: Dependencies, works: Sequence[Work]) -> int:
    """Write jobs that follow no change of their own (a click that only asks for Slack work)."""
    with deps.unit_of_work() as session:
        return add(session, works, now=deps.clock.now())


def _due(now: datetime, clock: ColumnElement[float]) -> Any:
    # A pending job that is due (a refresh once it has settled), or a running one whose claim
    # has lapsed (its worker died).
    return and_(
        col(Job.state).in_([JobState.PENDING, JobState.RUNNING]),
        col(Job.due_at) <= now,
        or_(col(Job.settle_at).is_(None), col(Job.settle_at) <= clock),
    )


def claim(deps: Dependencies, *, worker: str, limit: int = 1) -> list[Claimed]:
    """Claim up to `limit` due jobs, oldest first, for `worker`."""
    now = deps.clock.now()
    lease_until = now + LEASE
    with deps.unit_of_work() as session:
        clock = database_seconds(session)
        query = (
            select(Job.id, Job.kind, Job.payload, Job.attempts)
            .where(_due(now, clock))
            .order_by(col(Job.due_at), col(Job.id))
            .limit(limit)
        )
        if dialect(session) == "postgresql":
            # Other workers skip the rows this one is claiming instead of waiting for them.
            query = query.with_for_update(skip_locked=True)
        rows = session.execute(query).all()
        if not rows:
            return []
        taken = set(
            session.execute(
                update(Job)
                .where(col(Job.id).in_([row.id for row in rows]))
                .where(_due(now, clock))  # SQLite has no row locks: only rows still due are taken
                .values(
                    state=JobState.RUNNING,
                    due_at=lease_until,
                    attempts=col(Job.attempts) + 1,
                    claimed_by=worker,
                    # Claimed, a refresh no longer stands for later changes: they queue another.
                    pending_key=None,
                    settle_at=None,
                    settle_by=None,
                )
                .returning(col(Job.id))
                .execution_options(synchronize_session=False)
            ).scalars()
        )
    return [
        Claimed(row.id, row.kind, dict(row.payload), row.attempts + 1, lease_until)
        for row in rows
        if row.id in taken
    ]


def _settle(deps: Dependencies, claimed: Claimed, values: dict[str, Any]) -> bool:
    """Record the end of an attempt, if the claim is still this worker's (it may have lapsed and
    been taken by another)."""
    with deps.unit_of_work() as session:
        result = session.execute(
            update(Job)
            .where(
                col(Job.id) == claimed.id,
                col(Job.state) == JobState.RUNNING,
                col(Job.attempts) == claimed.attempts,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def finish(deps: Dependencies, claimed: Claimed) -> bool:
    """The job is done."""
    now = deps.clock.now()
    return _settle(deps, claimed, {"state": JobState.DONE, "finished_at": now, "due_at": now})


def retry_delay(attempts: int) -> timedelta:
    """The wait after `attempts` failed tries: 10 s doubling, at most 10 minutes."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(0, min(attempts - 1, 16)))
    return min(delay, BACKOFF_CAP)


def retry_later(deps: Dependencies, claimed: Claimed, error: str) -> bool:
    """The attempt failed: due again after the back-off."""
    due = deps.clock.now() + retry_delay(claimed.attempts)
    values = {"state": JobState.PENDING, "due_at": due, "last_error": error[:2000]}
    return _settle(deps, claimed, values)


def give_up(deps: Dependencies, claimed: Claimed, error: str) -> bool:
    """The last attempt failed: the job is kept as failed (the worker tells the person)."""
    now = deps.clock.now()
    values = {
        "state": JobState.FAILED,
        "finished_at": now,
        "due_at": now,
        "last_error": error[:2000],
    }
    return _settle(deps, claimed, values)


def busy(deps: Dependencies) -> int:
    """Jobs due now or running: what a demo or a test waits for before it looks."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        waiting = or_(
            and_(col(Job.state) == JobState.PENDING, col(Job.due_at) <= now),
            col(Job.state) == JobState.RUNNING,
        )
        return int(
            session.execute(select(func.count()).select_from(Job).where(waiting)).scalar_one()
        )


def settling(deps: Dependencies) -> float | None:
    """Seconds until the first waiting refresh has settled (0 if one has), or None if none waits:
    how long an idle worker sleeps at most (a change that joins it only moves it later)."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        left = session.execute(
            select(func.min(col(Job.settle_at)) - database_seconds(session)).where(
                col(Job.state) == JobState.PENDING,
                col(Job.due_at) <= now,
                col(Job.settle_at).is_not(None),
            )
        ).scalar_one()
    return None if left is None else max(0.0, float(left))


def hurry(deps: Dependencies) -> int:
    """Let every waiting refresh be claimed now, without waiting for it to settle: for a demo or
    a test about to look (what people would see a moment later), and `worker --once`."""
    with deps.unit_of_work() as session:
        result = session.execute(
            update(Job)
            .where(col(Job.state) == JobState.PENDING, col(Job.settle_at).is_not(None))
            .values(settle_at=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))


def next_due(deps: Dependencies) -> datetime | None:
    """When the next pending or running job falls due (a worker sleeps until then at most)."""
    with deps.unit_of_work() as session:
        return session.exec(
            select(Job.due_at)
            .where(col(Job.state).in_([JobState.PENDING, JobState.RUNNING]))
            .order_by(col(Job.due_at))
            .limit(1)
        ).first()


def jobs_of(session: Session, *, kind: str | None = None) -> list[Job]:
    """The stored jobs (for operators and tests), oldest first."""
    query = select(Job).order_by(col(Job.id))
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(session.exec(query).all())


def job_locale(payload: dict[str, Any]) -> str:
    """The locale a job speaks in: its request's (English for a job written before locales)."""
    locale = payload.get(LOCALE)
    return locale if locale in LOCALES else ENGLISH
