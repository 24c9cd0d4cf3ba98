"""Builds a large, realistic set of open cases directly in the database, for the benchmarks.

Cases are set up the way opening a case leaves them (register, timeline of meetings) with bulk
inserts, so that a benchmark of 10,000 cases does not spend minutes clicking through modals.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from multiprocessing.connection import Connection
from types import TracebackType
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, text
from sqlmodel import SQLModel

from bot.delivery.dispatcher import EVENT_TYPE
from bot.devtools.emulator import WORKSPACE_POST_LIMIT, PostLimit, SlackEmulator
from bot.rules.schedule import rules_for
from bot.rules.timeline import plan_timeline
from bot.rules.vocabulary import Agency, CaseStatus, MeetingKind, MeetingStatus, Nation, Role
from bot.rules.working_days import WorkingCalendar
from storage.db import make_engine, upgrade
from storage.models import Area, Case, Meeting, Member

LONDON = ZoneInfo("Europe/London")

MEMBERS = (
    (Role.SOCIAL_WORKER, Agency.CHILDRENS_SOCIAL_CARE),
    (Role.CHAIR, Agency.CHILDRENS_SOCIAL_CARE),
    (Role.PROFESSIONAL, Agency.SCHOOL),
    (Role.PROFESSIONAL, Agency.HEALTH_VISITOR),
    (Role.PROFESSIONAL, Agency.POLICE),
    (Role.FAMILY, Agency.FAMILY),
)


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_database_options(parser: argparse.ArgumentParser, sqlite_file: str) -> None:
    """--sqlite, --postgres and --only: which databases a benchmark runs on."""
    parser.add_argument("--sqlite", default=f"sqlite:///{sqlite_file}")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "COREGROUP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")


def chosen_databases(args: argparse.Namespace) -> list[str]:
    """The URLs `add_database_options` asked for: SQLite then PostgreSQL, or `--only` one."""
    urls = {"sqlite": args.sqlite, "postgres": args.postgres}
    return [urls[args.only]] if args.only else list(urls.values())


def fresh_engine(url: str) -> Engine:
    """An empty, migrated database at `url` (every table emptied first)."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if engine.dialect.name == "postgresql":
                connection.execute(text(f'TRUNCATE "{table.name}" RESTART IDENTITY CASCADE'))
            else:
                connection.execute(text("PRAGMA foreign_keys=OFF"))
                if table.name == "audit_events":
                    connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
                connection.execute(table.delete())
    upgrade(engine)
    return engine


# Each case's people (one Slack user per member, in MEMBERS order) and its channel.
People = list[tuple[list[str], str]]


def seed_workspace(emulator: SlackEmulator, count: int) -> People:
    """Each case's members as workspace users and its private channel, the bot and all of them
    in it, as opening the case would have left them (the joins are not news to the bot)."""
    people: People = []
    for number in range(1, count + 1):
        users = [emulator.add_user(f"person {number}-{i}") for i in range(len(MEMBERS))]
        channel = emulator.create_channel_as_user(
            emulator.bot_user_id, f"case-{number:05d}", is_private=True
        )
        for user in users:
            emulator.join_channel(user, channel)
        people.append((users, channel))
    emulator.workspace.pending_events.clear()
    return people


@dataclass(frozen=True)
class Deliveries:
    """What the emulator saw of the bot's outbox: how often each key was posted, and refused."""

    posts: Counter[str]  # outbox key -> messages in Slack carrying it
    refused: Counter[str]  # outbox key -> chat.postMessage calls answered 429
    post_calls: int


def deliveries(emulator: SlackEmulator) -> Deliveries:
    """Every outbox key in the workspace's messages, and the posts of each that were refused."""
    posts: Counter[str] = Counter()
    with emulator.workspace.lock:
        for conversation in emulator.workspace.conversations.values():
            for message in conversation.messages:
                metadata = message.metadata or {}
                if metadata.get("event_type") == EVENT_TYPE:
                    posts[str(metadata["event_payload"]["key"])] += 1
    calls = emulator.calls_to("chat.postMessage")
    refused = Counter(
        str(call.args.get("metadata", {}).get("event_payload", {}).get("key"))
        for call in calls
        if call.status == 429
    )
    return Deliveries(posts, refused, len(calls))


def _serve_emulator(
    count: int, bot_token: str, rate_limits: bool, post_limit: PostLimit, pipe: Connection
) -> None:
    emulator = SlackEmulator(bot_token=bot_token, workspace_post_limit=post_limit)
    emulator.rate_limits_enabled = rate_limits
    people = seed_workspace(emulator, count)
    with emulator:
        pipe.send((emulator.api_url, people))
        while pipe.recv() != "stop":  # until the benchmark says it is done
            pipe.send(deliveries(emulator))


class EmulatorProcess:
    """The Slack emulator in a process of its own, seeded for `count` cases.

    Slack is not in the bot's process in real life, so a benchmark must not make the bot pay
    for the emulator's memory (garbage collection) or its CPU (the GIL).
    """

    def __init__(
        self,
        count: int,
        *,
        bot_token: str = "xoxb-bench",
        rate_limits: bool = True,
        post_limit: PostLimit = WORKSPACE_POST_LIMIT,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(
            target=_serve_emulator,
            args=(count, bot_token, rate_limits, post_limit, theirs),
            daemon=True,
        )
        self.api_url = ""
        self.people: People = []

    def __enter__(self) -> EmulatorProcess:
        self._process.start()
        try:
            self.api_url, self.people = self._pipe.recv()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()

    def deliveries(self) -> Deliveries:
        """What the emulator has seen of the outbox so far."""
        self._pipe.send("deliveries")
        answer: Deliveries = self._pipe.recv()
        return answer

    def _stop(self) -> None:
        with contextlib.suppress(OSError):  # the process may be gone already
            self._pipe.send("stop")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


@contextmanager
def emulator_process(
    count: int,
    *,
    bot_token: str = "xoxb-bench",
    rate_limits: bool = True,
    post_limit: PostLimit = WORKSPACE_POST_LIMIT,
) -> Iterator[tuple[str, People]]:
    """The Slack emulator in a process of its own, seeded for `count` cases: (API URL, people)."""
    with EmulatorProcess(
        count, bot_token=bot_token, rate_limits=rate_limits, post_limit=post_limit
    ) as emulator:
        yield emulator.api_url, emulator.people


def build_cases(
    engine: Engine,
    count: int,
    *,
    first_icpc: date,
    spread_days: int,
    people: People | None = None,
) -> None:
    """`count` open cases in one area, ICPCs spread over `spread_days`, six members each.

    With `people` (from `seed_workspace` or `emulator_process`), each member is that workspace
    user and each case that channel; otherwise the ids are made up.
    """
    area = Area(slack_team_id="TBENCH", name="Bench", nation=Nation.ENG)
    rules = rules_for(area)
    calendar = WorkingCalendar(Nation.ENG)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(Area), [area.model_dump(exclude={"id"})])
        cases, members, meetings = [], [], []
        for number in range(1, count + 1):
            icpc = calendar.on_or_before(first_icpc + timedelta(days=number % spread_days))
            reference = f"case-{number:05d}"
            users = [f"U{number:07d}{index}" for index in range(len(MEMBERS))]
            channel = f"C{number:09d}"
            if people is not None:
                users, channel = people[number - 1]
            cases.append(
                {
                    "id": number,
                    "area_id": 1,
                    "reference": reference,
                    "slack_channel_id": channel,
                    "nation": "ENG",
                    "timezone": "Europe/London",
                    "icpc_date": icpc,
                    "pre_birth": False,
                    "status": CaseStatus.OPEN.value,
                    "family_may_edit_plan": False,
                    "channel_archived": False,
                    "created_at": now,
                }
            )
            for index, (role, agency) in enumerate(MEMBERS):
                members.append(
                    {
                        "case_id": number,
                        "slack_user_id": users[index],
                        "display_name": f"{role.value} {number}",
                        "role": role.value,
                        "agency": agency.value,
                        "direct_contact": True,
                        "active": True,
                        "added_at": now,
                    }
                )
            timeline = plan_timeline(icpc, calendar, rules)
            for sequence, due in enumerate(timeline.core_groups, start=1):
                meetings.append(_meeting(number, MeetingKind.CORE_GROUP, sequence, due, None))
            for sequence, rcpc in enumerate(timeline.rcpcs, start=1):
                meetings.append(
                    _meeting(number, MeetingKind.RCPC, sequence, rcpc.by, rcpc.reports_due)
                )
        for table, rows in ((Case, cases), (Member, members), (Meeting, meetings)):
            for start in range(0, len(rows), 5000):
                connection.execute(insert(table), rows[start : start + 5000])
        if engine.dialect.name == "postgresql":
            for name in ("cases", "members", "meetings", "areas"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
                )


def _meeting(case: int, kind: MeetingKind, sequence: int, due: date, reports: date | None) -> dict:  # type: ignore[type-arg]
    # Arranged for 10:00 on the day it is due: nobody is asked for an update for a meeting
    # with no date, so a world of arranged meetings is what prompts and chases are measured on.
    starts_at = datetime.combine(due, clock_time(10, 0), tzinfo=LONDON).astimezone(UTC)
    return {
        "case_id": case,
        "kind": kind.value,
        "sequence": sequence,
        "due_by": due,
        "starts_at": starts_at,
        "status": MeetingStatus.SCHEDULED.value,
        "calendar_uid": str(uuid4()),
        "reports_due": reports,
        "calendar_sequence": 0,
    }
