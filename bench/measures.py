"""Benchmark: every managers' measure for a year at 10,000 cases, on SQLite and PostgreSQL, the
charts' rendering, and the memory the counting takes.

    .venv/bin/python bench/measures.py [--cases 10000] [--only sqlite|postgres] [--keep DIR]

`--keep DIR` keeps the built worlds (a SQLite file in DIR, and the PostgreSQL database) and
reuses them on the next run, migrated to the code's schema: repeated runs skip the minutes of
building.

Targets (issue 17): all measures under 1 s on each database; a chart under 300 ms; memory growth
under 50 MB. PostgreSQL runs in a database of its own (created, then dropped), never the tests'.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, insert, text, update
from sqlmodel import Session, col, select

from bot.rules.vocabulary import (
    Agency,
    Attendance,
    MeetingKind,
    MeetingStatus,
    Nation,
    Role,
    Rsvp,
    UpdateRequestStatus,
)
from bot.services.measures import Period, count_conference_quorum, measure
from bot.ui.measures import chart
from storage.db import make_engine, upgrade
from storage.models import (
    AgencyUpdate,
    Area,
    Case,
    Invitation,
    Meeting,
    Member,
    QuorumChange,
    UpdateRequest,
)

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
NOW = datetime(2026, 1, 15, tzinfo=UTC)
MEMBERS = (
    (Role.SOCIAL_WORKER, Agency.CHILDRENS_SOCIAL_CARE),
    (Role.CHAIR, Agency.CHILDRENS_SOCIAL_CARE),
    (Role.PROFESSIONAL, Agency.SCHOOL),
    (Role.PROFESSIONAL, Agency.HEALTH_VISITOR),
    (Role.PROFESSIONAL, Agency.POLICE),
    (Role.FAMILY, Agency.FAMILY),
)
ATTENDANCE = [*Attendance, None]
REPLIES = [Rsvp.ATTENDING, Rsvp.ATTENDING, Rsvp.REPRESENTATIVE, Rsvp.APOLOGIES, Rsvp.NONE]
CHUNK = 5000
# Conferences with a reply changed in a busy day at 10,000 cases (about 770 conferences are in
# their fortnight of replies at any time).
DAYS_CHANGES = 500


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _rows(cases: int, teams: int, rng: random.Random) -> dict[Any, list[dict[str, Any]]]:
    """Every row of a year's work: ids assigned here so the inserts need no round trips."""
    rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in (Area, Case, Member, Meeting)}
    rows.update({Invitation: [], UpdateRequest: [], AgencyUpdate: []})
    for team in range(1, teams + 1):
        area = Area(id=team, slack_team_id=f"T{team}", name=f"Team {team}")
        rows[Area].append(area.model_dump())
    member_id = meeting_id = request_id = 0
    for case_id in range(1, cases + 1):
        icpc = YEAR.start + timedelta(days=rng.randrange(-120, 300))
        rows[Case].append(
            {
                "id": case_id,
                "area_id": 1 + case_id % teams,
                "reference": f"case-{case_id}",
                "nation": Nation.ENG.value,
                "icpc_date": icpc,
                "children": [],
                "created_at": _at(icpc),
            }
        )
        members = []
        for role, agency in MEMBERS:
            member_id += 1
            members.append(member_id)
            rows[Member].append(
                {
                    "id": member_id,
                    "case_id": case_id,
                    "slack_user_id": f"U{member_id}",
                    "display_name": f"Person {member_id}",
                    "role": role.value,
                    "agency": agency.value,
                    "added_at": _at(icpc),
                }
            )
        plan = [(MeetingKind.ICPC, 0, icpc)]
        plan += [
            (MeetingKind.CORE_GROUP, n, icpc + timedelta(days=14 + 42 * (n - 1)))
            for n in range(1, 8)
        ]
        plan += [
            (MeetingKind.RCPC, 1, icpc + timedelta(days=90)),
            (MeetingKind.RCPC, 2, icpc + timedelta(days=270)),
        ]
        for kind, sequence, due in plan:
            meeting_id += 1
            held = due + timedelta(days=rng.randrange(-3, 10)) if due < YEAR.end else None
            rows[Meeting].append(
                {
                    "id": meeting_id,
                    "case_id": case_id,
                    "kind": kind.value,
                    "sequence": sequence,
                    "due_by": due,
                    "status": (MeetingStatus.HELD if held else MeetingStatus.DUE).value,
                    "held_at": _at(held) if held else None,
                    "starts_at": _at(held) if held else None,
                    "calendar_uid": f"{case_id}-{kind.value}-{sequence}",
                }
            )
            for member in members:
                outcome = rng.choice(ATTENDANCE) if held else None
                # Most reply, at some hour of the fortnight before the meeting.
                rsvp = rng.choice(REPLIES) if held else Rsvp.NONE
                replied = (
                    _at(held) - timedelta(hours=rng.randrange(1, 14 * 24))
                    if held and rsvp is not Rsvp.NONE
                    else None
                )
                rows[Invitation].append(
                    {
                        "meeting_id": meeting_id,
                        "member_id": member,
                        "attendance": outcome.value if outcome else None,
                        "rsvp": rsvp.value,
                        "replied_at": replied,
                    }
                )
            for member in members[2:]:
                request_id += 1
                deadline = _at(due - timedelta(days=2), 17)
                late = rng.randrange(-5, 4)
                received = deadline + timedelta(days=late) if late > -4 else None
                rows[UpdateRequest].append(
                    {
                        "id": request_id,
                        "meeting_id": meeting_id,
                        "member_id": member,
                        "due_at": deadline,
                        "status": (
                            UpdateRequestStatus.RECEIVED
                            if received
                            else UpdateRequestStatus.REQUESTED
                        ).value,
                        "received_at": received,
                    }
                )
                if received:
                    rows[AgencyUpdate].append(
                        {
                            "request_id": request_id,
                            "version": 1,
                            "submitted_by": f"U{member}",
                            "submitted_at": received,
                            "child_views": "views" if rng.random() < 0.5 else None,
                            "new_harm": rng.random() < 0.02,
                            "professional_only_sections": [],
                        }
                    )
    return rows


def fill(engine: Engine, rows: dict[Any, list[dict[str, Any]]]) -> None:
    """Insert the rows in bulk, parents first."""
    with engine.begin() as connection:
        for model, table_rows in rows.items():
            for start in range(0, len(table_rows), CHUNK):
                connection.execute(insert(model), table_rows[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            for table in ("areas", "cases", "members", "meetings", "update_requests"):
                connection.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))


@contextmanager
def postgres_database(server: str, *, keep: bool = False) -> Iterator[str]:
    """A database of the benchmark's own on the server, dropped afterwards (unless kept, when one
    already there is reused)."""
    name = "coregroup_bench_measures"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        there = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if there and not keep:
            connection.execute(text(f"DROP DATABASE {name}"))
        if not there or not keep:
            connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server}/{name}"
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _built(engine: Engine) -> bool:
    """Whether a kept world is already in the database."""
    with engine.connect() as connection:
        return bool(connection.execute(text("SELECT count(*) FROM invitations")).scalar())


def _backend_cpu(session: Session) -> Callable[[], float]:
    """The CPU seconds PostgreSQL's server process for this session has used so far (from /proc,
    when the server runs on this machine; 0 otherwise): PostgreSQL's share of the work, which
    this process's CPU time does not see."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda: 0.0
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
    stat = Path(f"/proc/{pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return used


def _rss_mb() -> float:
    """This process's resident memory now (MB), from /proc (0 where there is none)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def count_afresh(engine: Engine) -> tuple[int, float]:
    """Every conference's quorum counted afresh and kept, as on the first reading after the
    migration that keeps them (or after the world was built): how many, and the seconds."""
    with Session(engine) as session:
        session.execute(
            insert(QuorumChange).from_select(
                ["meeting_id"],
                select(Meeting.id).where(col(Meeting.kind) != MeetingKind.CORE_GROUP.value),
            )
        )
        session.commit()
        started = time.perf_counter()
        counted = count_conference_quorum(session)
        session.commit()
        return counted, time.perf_counter() - started


def after_a_days_replies(engine: Engine, conferences: int, rng: random.Random) -> float:
    """Seconds for every measure once `conferences` conferences had a reply changed since the
    last reading (their quorum counted again on the way): a busy day's replies at 10,000 cases."""
    with Session(engine) as session:
        ids = list(
            session.exec(
                select(Meeting.id).where(col(Meeting.kind) != MeetingKind.CORE_GROUP.value)
            ).all()
        )
        for meeting_id in rng.sample(ids, conferences):
            session.execute(
                update(Invitation)
                .where(col(Invitation.meeting_id) == meeting_id)
                .values(replied_at=col(Invitation.replied_at))  # as a reply again would
            )
        session.commit()
        started = time.perf_counter()
        measure(session, period=YEAR, now=NOW)
        elapsed = time.perf_counter() - started
        session.commit()
        return elapsed


def time_measures(
    engine: Engine, runs: int
) -> tuple[list[float], list[float], list[float], float, float, list[Any]]:
    """Seconds for each run of every measure, each conference's quorum already counted (wall
    clock, this process's CPU, and PostgreSQL's server process's CPU: on a shared machine the CPU
    time says what an idle one would take), the peak Python memory traced in one more run (MB;
    traced apart, as tracing slows the counting), the growth of the process's resident memory
    over all the runs (MB: SQLite's own memory too), the figures."""
    times = []
    cpu = []
    server_cpu = []
    teams: list[Any] = []
    with Session(engine) as session:
        measure(session, period=YEAR, now=NOW)  # warm the connection and statement caches
        backend = _backend_cpu(session)
        rss = _rss_mb()
        for _ in range(runs):
            started, cpu_started, server_started = (
                time.perf_counter(),
                time.process_time(),
                backend(),
            )
            teams = measure(session, period=YEAR, now=NOW)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            server_cpu.append(backend() - server_started)
        tracemalloc.start()
        measure(session, period=YEAR, now=NOW)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        growth = _rss_mb() - rss
    return times, cpu, server_cpu, peak, growth, teams


def main() -> None:
    """Build the world on each database, then time the measures and the charts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres-server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--keep", type=Path, help="keep the worlds built here, and reuse them")
    args = parser.parse_args()
    rows = _rows(args.cases, args.teams, random.Random(17))
    print(
        f"{args.cases} cases, {len(rows[Meeting])} meetings, {len(rows[Invitation])} invitations, "
        f"{len(rows[UpdateRequest])} update requests, {len(rows[AgencyUpdate])} updates"
    )
    teams: list[Any] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("sqlite", "postgres"):
            if args.only and args.only != name:
                continue
            with (
                postgres_database(args.postgres_server, keep=args.keep is not None)
                if name == "postgres"
                else _nothing(f"sqlite:///{folder}/measures.sqlite3")
            ) as url:
                engine = make_engine(url)
                upgrade(engine)
                started = time.perf_counter()
                if not _built(engine):
                    fill(engine, rows)
                built = time.perf_counter() - started
                conferences, afresh = count_afresh(engine)
                times, cpu, server_cpu, peak, growth, teams = time_measures(engine, args.runs)
                day = after_a_days_replies(engine, DAYS_CHANGES, random.Random(5))
                engine.dispose()
            server = (
                f", the server's CPU {statistics.median(server_cpu) * 1000:.0f} ms"
                if name == "postgres"
                else ""
            )
            print(
                f"{name:8} all measures for a year: "
                f"median {statistics.median(times) * 1000:.0f} ms, "
                f"worst {max(times) * 1000:.0f} ms (target < 1000 ms), "
                f"this process's CPU {statistics.median(cpu) * 1000:.0f} ms{server}; "
                f"peak Python memory "
                f"while counting {peak:.1f} MB, resident memory growth {growth:.1f} MB "
                f"(target < 50 MB); built in {built:.0f} s"
            )
            print(
                f"{'':8} after a day's replies to {DAYS_CHANGES} conferences: "
                f"{day * 1000:.0f} ms; every one of the {conferences} conferences' quorum "
                f"counted afresh (once, after the migration): {afresh * 1000:.0f} ms"
            )
    for image_format in ("png", "svg"):
        first = time.perf_counter()
        chart(teams, image_format)
        cold = time.perf_counter() - first
        warm, warm_cpu = [], []
        for _ in range(5):
            started, cpu_started = time.perf_counter(), time.process_time()
            chart(teams, image_format)
            warm.append(time.perf_counter() - started)
            warm_cpu.append(time.process_time() - cpu_started)
        print(
            f"chart {image_format}: {statistics.median(warm) * 1000:.0f} ms "
            f"(CPU {statistics.median(warm_cpu) * 1000:.0f} ms; "
            f"first, with matplotlib's import: {cold * 1000:.0f} ms; target < 300 ms)"
        )


@contextmanager
def _nothing(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
