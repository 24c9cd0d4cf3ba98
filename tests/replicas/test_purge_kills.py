"""A purge killed at random moments ends as an uninterrupted one does (issue #18).

Cases end (the chair records the review conference's decision), time travels past the area's
retention period, and the daily job of a real `coregroup serve` process purges them. The test
SIGKILLs that process at seeded random moments while it purges (after a random number of Slack
calls seen at the emulator, or after a random short delay, which lands in the export too) and
starts it again; its first tick runs the daily job, which resumes every purge a kill left half
done. At the end the state is the one an uninterrupted purge leaves: the database holds a
tombstone per case (the counts of what was deleted add up to every row the cases had, and the
export checksum is the export's on disk), Slack holds none of the bot's messages or files, the
channels are archived, and running the daily job again does nothing at all.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.ids import DecisionField, ViewId
from bot.rules.vocabulary import Decision, Role
from bot.services.purge import export_checksum
from storage.models import AuditEvent, Case, CasePurge, Member
from tests.flows.test_purge import NOT_CASE_DATA
from tests.replicas.conftest import SIGNING_SECRET, World, WorldFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]

START = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)
TEAM = "TBENCH"  # the bench world's area
QUIET_SECONDS = 1.0  # no Slack call for this long (real time): the replica has finished its work


@dataclass(frozen=True)
class Purges:
    """How much one run does."""

    cases: int
    days: int  # simulated days of the update cycle before the cases end (prompts in DMs)
    kills: int
    seed: int


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(Purges(cases=4, days=4, kills=4, seed=18), id="short"),
        pytest.param(
            Purges(cases=14, days=6, kills=16, seed=1818), id="full", marks=pytest.mark.full_length
        ),
    ],
)
def test_a_purge_killed_at_random_moments_ends_as_an_uninterrupted_one_and_never_runs_twice(
    world_factory: WorldFactory, tmp_path: Path, run: Purges
) -> None:
    world = world_factory(run.cases, START, icpc_spread=4)
    exports = tmp_path / "exports"
    world.settings["EXPORT_DIR"] = str(exports)  # the bench area asks for an export first
    replica = world.add_replica()
    world.emulator.connect_app(f"{replica.url}/slack/events", SIGNING_SECRET)

    # The update cycle's first days: prompts go out in direct messages.
    for moment in world.days(START.date(), run.days):
        world.clock.set(moment)
        world.wait_until_quiet()
    cases = case_channels(world)
    for channel, chair in sorted(cases.values()):
        end_plan(world, chair, channel)
    world.wait_for_slack_quiet(QUIET_SECONDS)
    people = case_people(world)
    before = case_rows(world)
    traces = bot_traces(world, cases, people)
    assert traces["channel"] and traces["dm"] and traces["file"], traces  # something to purge

    # Past retention: the first tick of the daily job purges, and the kills come.
    with Session(world.engine) as session:
        ended = max(c.closed_at for c in session.exec(select(Case)) if c.closed_at is not None)
    world.clock.set(datetime.combine(ended.date() + timedelta(days=731), START.time(), UTC))
    chance = random.Random(run.seed)
    interrupted: Counter[str] = Counter()
    mark = len(world.emulator.calls)
    # An uninterrupted purge makes about 55 Slack calls a case, some 165 a second here: the
    # kills are spread thinly enough that the last still finds a purge to interrupt.
    for _ in range(run.kills):
        if chance.random() < 0.6:
            wait_for_calls(world, mark + chance.randint(1, 20))
        else:
            time.sleep(chance.uniform(0.0, 0.2))
        step = purge_step(world)
        assert step != "done", f"the purge finished before kill {sum(interrupted.values()) + 1}"
        world.kill(replica)
        interrupted[step] += 1
        world.start(replica)  # its first tick runs the daily job: the purge resumes
        mark = len(world.emulator.calls)
    wait_until(lambda: purge_step(world) == "done", "the purges to finish")
    world.wait_for_slack_quiet(QUIET_SECONDS)

    assert sum(interrupted.values()) == run.kills
    assert replica.starts == 1 + run.kills
    tombstones = assert_only_tombstones(world, cases, people, exports, before)
    # Kills landed inside the Slack step (half-deleted channels and DMs), not only around it.
    assert interrupted["slack"] > 0, interrupted

    # Run again (a new process, and the next day's run): nothing to do, nothing said to Slack.
    calls = len(world.emulator.calls)
    world.kill(replica)
    world.start(replica)
    world.clock.set(world.clock.now() + timedelta(days=1))
    world.wait_until_quiet()
    world.wait_for_slack_quiet(QUIET_SECONDS)
    assert [c.method for c in world.emulator.calls[calls:] if c.method != "auth.test"] == []
    assert assert_only_tombstones(world, cases, people, exports, before) == tombstones
    print(f"kills by step: {dict(interrupted)}; Slack calls: {len(world.emulator.calls)}")


# --- the cases and their end ----------------------------------------------------------------


def case_channels(world: World) -> dict[str, tuple[str, str]]:
    """Each case's reference: its channel and its chair."""
    with Session(world.engine) as session:
        return {
            case.reference: (case.slack_channel_id or "", chair)
            for case, chair in session.exec(
                select(Case, Member.slack_user_id).where(
                    Member.case_id == Case.id, Member.role == Role.CHAIR
                )
            )
            if chair
        }


def case_people(world: World) -> set[str]:
    with Session(world.engine) as session:
        return {u for u in session.exec(select(Member.slack_user_id)) if u}


def end_plan(world: World, chair: str, channel: str) -> None:
    """The chair records that the review conference ended the plan, through the real modal."""
    emulator = world.emulator
    answer = emulator.slash_command(chair, channel, "/coregroup", "decision")
    assert answer.status == 200, answer
    form = wait_until(
        lambda: next(
            (
                v
                for v in emulator.inspector.modal_stack(chair)[-1:]
                if v["callback_id"] == ViewId.DECISION
            ),
            None,
        ),
        "the decision form",
    )
    field = DecisionField.DECISION
    answer = emulator.submit_view(chair, form["id"], {(field, field): Decision.END.value})
    assert answer.status == 200, answer


# --- waiting --------------------------------------------------------------------------------


def wait_until(condition: Any, what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.02)


def wait_for_calls(world: World, count: int, timeout: float = 20.0) -> None:
    """Until the emulator has seen `count` calls, the purge has finished, or `timeout`."""
    deadline = time.monotonic() + timeout
    while len(world.emulator.calls) < count and time.monotonic() < deadline:
        if purge_step(world) == "done":
            return
        time.sleep(0.002)


# --- what is left ---------------------------------------------------------------------------


def purge_step(world: World) -> str:
    """Where the purges stand: "waiting" (none started, or between two cases), "export" (a
    purge started, its export not recorded), "slack" (exported, Slack not yet cleared), "rows"
    (Slack cleared, rows not yet deleted), or "done" (no case left)."""
    with Session(world.engine) as session:
        if session.exec(select(func.count()).select_from(Case)).one() == 0:
            return "done"
        started = session.exec(select(CasePurge)).all()
    for purge in started:
        if purge.export_checksum is None:
            return "export"
        if purge.slack_done_at is None:
            return "slack"
        return "rows"
    return "waiting"


def case_rows(world: World) -> dict[str, int]:
    """How many rows each table of case data holds."""
    with Session(world.engine) as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in SQLModel.metadata.sorted_tables
            if table.name not in NOT_CASE_DATA
        }


def bot_traces(
    world: World, cases: dict[str, tuple[str, str]], people: set[str]
) -> dict[str, list[str]]:
    """The bot's messages (not Slack's channel events) in the case channels and in the case
    people's direct messages, and every file in the workspace (only the bot shares any here)."""
    ws = world.emulator.workspace
    bot = ws.bot_user_id
    traces: dict[str, list[str]] = {"channel": [], "dm": [], "file": []}
    with ws.lock:
        for channel, _ in cases.values():
            traces["channel"] += [
                f"{channel}: {m.text}"
                for m in ws.conversations[channel].messages
                if m.user == bot and m.subtype is None
            ]
        for conversation in ws.conversations.values():
            if conversation.is_im and conversation.im_user in people:
                traces["dm"] += [
                    f"{conversation.im_user}: {m.text}"
                    for m in conversation.messages
                    if m.user == bot
                ]
        traces["file"] = [f.name for f in ws.files.values()]
    return traces


def assert_only_tombstones(
    world: World,
    cases: dict[str, tuple[str, str]],
    people: set[str],
    exports: Path,
    before: dict[str, int],
) -> list[dict[str, Any]]:
    """The uninterrupted end state; returns the tombstones' details."""
    assert {name: n for name, n in case_rows(world).items() if n} == {}
    with Session(world.engine) as session:
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        assert session.exec(select(func.count()).select_from(CasePurge)).one() == 0
    assert [e.action for e in events] == [AuditAction.CASE_PURGED] * len(cases)
    details = [e.detail for e in events]
    assert sorted(d["reference"] for d in details) == sorted(cases)  # one each: never twice
    # The counts of what each purge deleted add up to every row the cases had, table by table.
    deleted: Counter[str] = Counter()
    for detail in details:
        deleted.update(detail["deleted"])
    assert {t: n for t, n in deleted.items() if t in before} == {
        t: n for t, n in before.items() if n
    }
    for detail in details:
        folder = exports / TEAM / detail["reference"]
        written = [p for p in folder.iterdir() if p.is_file()]
        assert detail["export_checksum"] == export_checksum(written), detail["reference"]
        assert detail["requested_by"] == "system"
    assert bot_traces(world, cases, people) == {"channel": [], "dm": [], "file": []}
    for channel, _ in cases.values():
        assert world.emulator.inspector.channel(channel).is_archived, channel
    return details
