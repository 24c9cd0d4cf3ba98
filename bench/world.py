"""Builds a large, realistic set of open cases directly in the database, for the benchmarks.

Cases are set up the way opening a case leaves them (register, timeline of meetings) with bulk
inserts, so that a benchmark of 10,000 cases does not spend minutes clicking through modals.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection

from sqlalchemy import Engine, insert, text
from sqlmodel import SQLModel

from bot.cases import rules_for
from bot.emulator import SlackEmulator
from bot.timeline import plan_timeline
from bot.vocabulary import Agency, CaseStatus, MeetingKind, MeetingStatus, Nation, Role
from bot.working_days import WorkingCalendar
from storage.db import make_engine, upgrade
from storage.models import Area, Case, Meeting, Member

MEMBERS = (
    (Role.SOCIAL_WORKER, Agency.CHILDRENS_SOCIAL_CARE),
    (Role.CHAIR, Agency.CHILDRENS_SOCIAL_CARE),
    (Role.PROFESSIONAL, Agency.SCHOOL),
    (Role.PROFESSIONAL, Agency.HEALTH_VISITOR),
    (Role.PROFESSIONAL, Agency.POLICE),
    (Role.FAMILY, Agency.FAMILY),
)


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


def _serve_emulator(count: int, bot_token: str, rate_limits: bool, pipe: Connection) -> None:
    emulator = SlackEmulator(bot_token=bot_token)
    emulator.rate_limits_enabled = rate_limits
    people = seed_workspace(emulator, count)
    with emulator:
        pipe.send((emulator.api_url, people))
        pipe.recv()  # until the benchmark says it is done


@contextmanager
def emulator_process(
    count: int, *, bot_token: str = "xoxb-bench", rate_limits: bool = True
) -> Iterator[tuple[str, People]]:
    """The Slack emulator in a process of its own, seeded for `count` cases: (API URL, people).

    Slack is not in the bot's process in real life, so a benchmark must not make the bot pay
    for the emulator's memory (garbage collection) or its CPU (the GIL).
    """
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_serve_emulator, args=(count, bot_token, rate_limits, theirs), daemon=True
    )
    process.start()
    try:
        api_url, people = ours.recv()
        yield api_url, people
    finally:
        ours.send("stop")
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


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
            cases.append({"id": number, "area_id": 1, "reference": reference,
                          "slack_channel_id": channel, "nation": "ENG",
                          "timezone": "Europe/London", "icpc_date": icpc, "pre_birth": False,
                          "status": CaseStatus.OPEN.value, "family_may_edit_plan": False,
                          "channel_archived": False, "created_at": now})  # fmt: skip
            for index, (role, agency) in enumerate(MEMBERS):
                members.append({"case_id": number, "slack_user_id": users[index],
                                "display_name": f"{role.value} {number}", "role": role.value,
                                "agency": agency.value, "direct_contact": True, "active": True,
                                "added_at": now})  # fmt: skip
            timeline = plan_timeline(icpc, calendar, rules)
            for sequence, due in enumerate(timeline.core_groups, start=1):
                meetings.append(_meeting(number, MeetingKind.CORE_GROUP, sequence, due, None))
            for sequence, rcpc in enumerate(timeline.rcpcs, start=1):
                meetings.append(_meeting(number, MeetingKind.RCPC, sequence, rcpc.by,
                                         rcpc.reports_due))  # fmt: skip
        for table, rows in ((Case, cases), (Member, members), (Meeting, meetings)):
            for start in range(0, len(rows), 5000):
                connection.execute(insert(table), rows[start : start + 5000])
        if engine.dialect.name == "postgresql":
            for table in ("cases", "members", "meetings", "areas"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"))  # fmt: skip


def _meeting(case: int, kind: MeetingKind, sequence: int, due: date, reports: date | None) -> dict:  # type: ignore[type-arg]
    return {"case_id": case, "kind": kind.value, "sequence": sequence, "due_by": due,
            "status": MeetingStatus.DUE.value, "reports_due": reports,
            "calendar_sequence": 0}  # fmt: skip
