"""Retention and purge: a case ends, time passes its retention, and the daily job exports it and
clears it from the database and Slack, leaving only a tombstone; a crash anywhere is resumed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from bot.deps import Dependencies
from bot.devtools.emulator.faults import Fault
from bot.devtools.sandbox import Sandbox
from bot.jobs import daily
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId, UpdateField
from bot.rules.vocabulary import Decision
from storage.models import AuditEvent, Case

from .conftest import People
from .test_conference import conference_case, decide, give
from .test_core_group import say
from .test_update_cycle import at

REFERENCE = "oak-family"
# Tables that belong to no case: the area's settings and the machinery's bookkeeping.
NOT_CASE_DATA = {"areas", "area_staff", "job_runs", "processed_events", "audit_events"}


def ended_case(sandbox: Sandbox, people: People) -> str:
    """A case with updates, a released summary (messages and files in the channel and in DMs) and
    a review conference that ended the plan on Tue 16 Feb 2027."""
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    give(sandbox, people.school, {(UpdateField.WORRIES, UpdateField.WORRIES): "Jo is tired"})
    say(sandbox, people.social_worker, channel, "summary")
    release = next(
        s
        for s in emu.inspector.seen_by(people.chair)
        if s.text == f"Review conference summary for {REFERENCE}"
        and ActionId.RELEASE_SUMMARY in str(s.blocks)
    )
    # A minute on, as in life: the channel's posting allowance has refilled since the updates were
    # announced there.
    sandbox.clock.advance(timedelta(minutes=1))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(
        lambda: any(
            f.name.endswith("-professional.html")
            for f in emu.inspector.files_seen_by(people.school)
        )
    )
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.END)
    sandbox.wait_for(
        lambda: [
            s
            for s in emu.inspector.seen_by(people.social_worker)
            if s.text == f"Closing {REFERENCE}"
        ]
    )
    sandbox.settle()  # the decision's work is all done: only the purge will call Slack now
    return channel


def with_exports(sandbox: Sandbox, folder: Path) -> Dependencies:
    """The sandbox's dependencies with EXPORT_DIR set, as the deployment would configure it (the
    served app shares the settings, so its buttons see it too)."""
    assert sandbox.deps is not None
    sandbox.settings.export_dir = folder
    return sandbox.deps


def bot_traces(sandbox: Sandbox, channel: str, people: People) -> list[str]:
    """What of the bot's about the case anyone can still see: its posts (not Slack's channel
    events) in the case channel, its DMs naming the case, and any file it shared."""
    emu = sandbox.emulator
    ws = emu.workspace
    traces = [
        f"channel: {m.text}"
        for m in ws.conversations[channel].messages
        if m.user == ws.bot_user_id and m.subtype is None
    ]
    for person in (
        people.social_worker,
        people.chair,
        people.school,
        people.health_visitor,
        people.mum,
    ):
        traces += [
            f"{person}: {s.text}"
            for s in emu.inspector.seen_by(person)
            if s.author == ws.bot_user_id and s.channel.startswith("D") and REFERENCE in s.text
        ]
    traces += [f"file {f.name}" for f in ws.files.values()]
    return traces


def case_rows(sandbox: Sandbox) -> dict[str, int]:
    """How many rows each table of case data holds."""
    with Session(sandbox.engine) as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in SQLModel.metadata.sorted_tables
            if table.name not in NOT_CASE_DATA
        }


def assert_only_the_tombstone(sandbox: Sandbox, channel: str, people: People) -> AuditEvent:
    assert {name: n for name, n in case_rows(sandbox).items() if n} == {}
    with Session(sandbox.engine) as session:
        events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == [AuditAction.CASE_PURGED]
    assert bot_traces(sandbox, channel, people) == []
    assert sandbox.emulator.inspector.channel(channel).is_archived
    return events[0]


def test_the_daily_job_exports_and_purges_a_case_past_retention_and_then_does_nothing(
    sandbox: Sandbox, people: People, tmp_path: Path
) -> None:
    channel = ended_case(sandbox, people)
    deps = with_exports(sandbox, tmp_path / "exports")
    assert bot_traces(sandbox, channel, people)  # there is something to purge
    # Two years after the plan ended, less a day: the case is kept, and nothing is purged.
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=729))
    daily(deps)
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().reference == REFERENCE
    # Past retention: exported, then purged.
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=731))
    daily(deps)
    tombstone = assert_only_the_tombstone(sandbox, channel, people)
    exported = tmp_path / "exports" / "T0EMULATOR" / REFERENCE
    record = json.loads((exported / "case.json").read_text())
    assert record["case"]["reference"] == REFERENCE
    detail = tombstone.detail
    assert detail["reference"] == REFERENCE
    assert detail["export_checksum"].startswith("sha256:")
    assert detail["plan_ended_at"].startswith("2027-02-16")
    assert detail["deleted"]["cases"] == 1 and detail["deleted"]["agency_updates"] >= 1
    assert detail["requested_by"] == "system"
    assert tombstone.case_id is None
    # A rerun finds nothing to do: never twice.
    calls = len(sandbox.emulator.calls)
    daily(deps)
    assert_only_the_tombstone(sandbox, channel, people)
    with Session(sandbox.engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) == 1
    assert [c.method for c in sandbox.emulator.calls[calls:]] == []


@pytest.mark.parametrize(
    "method",
    [
        "conversations.history",
        "files.delete",
        "chat.delete",
        "conversations.open",
        "conversations.archive",
    ],
)
def test_a_purge_that_fails_at_any_slack_step_ends_in_the_same_state_when_run_again(
    sandbox: Sandbox, people: People, tmp_path: Path, method: str
) -> None:
    channel = ended_case(sandbox, people)
    deps = with_exports(sandbox, tmp_path / "exports")
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=731))
    # The call takes effect in Slack and the answer is lost, every retry too: the worst moment.
    sandbox.emulator.faults.inject_next(Fault.HTTP_500_AFTER, method=method)
    sandbox.emulator.faults.inject_next(Fault.HTTP_500, method=method, count=3)
    daily(deps)
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().reference == REFERENCE  # stopped part way
    sandbox.clock.set(sandbox.clock.now() + timedelta(days=1))  # the next day's run
    daily(deps)
    tombstone = assert_only_the_tombstone(sandbox, channel, people)
    assert tombstone.detail["export_checksum"].startswith("sha256:")


def test_a_purge_waits_for_an_export_folder_when_the_area_asks_for_an_export(
    sandbox: Sandbox, people: People, tmp_path: Path
) -> None:
    channel = ended_case(sandbox, people)
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=731))
    assert sandbox.deps is not None
    daily(sandbox.deps)  # EXPORT_DIR unset: nothing deleted, anywhere
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().reference == REFERENCE
    assert bot_traces(sandbox, channel, people)
    daily(with_exports(sandbox, tmp_path / "exports"))
    assert_only_the_tombstone(sandbox, channel, people)


def test_the_social_worker_and_chair_are_told_fourteen_days_before_naming_only_the_reference(
    sandbox: Sandbox, people: People, tmp_path: Path
) -> None:
    ended_case(sandbox, people)
    deps = with_exports(sandbox, tmp_path / "exports")
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=717))
    daily(deps)
    sandbox.sweep()
    for person in (people.social_worker, people.chair):
        [notice] = [
            s
            for s in sandbox.emulator.inspector.seen_by(person)
            if ActionId.EXPORT_RECORD in str(s.blocks)
        ]
        assert notice.text == f"{REFERENCE}: its record leaves Slack in 14 days"
    for person in (people.school, people.mum):
        assert not [
            s
            for s in sandbox.emulator.inspector.seen_by(person)
            if ActionId.EXPORT_RECORD in str(s.blocks)
        ]
    daily(deps)
    sandbox.sweep()
    told = [
        s
        for s in sandbox.emulator.inspector.seen_by(people.chair)
        if ActionId.EXPORT_RECORD in str(s.blocks)
    ]
    assert len(told) == 1  # once
    # The button exports the record now, for the case record system, and says so.
    emu = sandbox.emulator
    emu.click(people.chair, told[0].channel, told[0].ts, ActionId.EXPORT_RECORD)

    def export_event() -> AuditEvent | None:
        with Session(sandbox.engine) as session:
            return session.exec(
                select(AuditEvent).where(AuditEvent.action == AuditAction.CASE_EXPORTED)
            ).first()

    exported = sandbox.wait_for(export_event)
    assert (tmp_path / "exports" / "T0EMULATOR" / REFERENCE / "case.json").exists()
    assert exported.actor == people.chair and exported.detail["checksum"].startswith("sha256:")


def test_a_purge_whose_export_fails_deletes_nothing_and_finishes_once_the_folder_is_fixed(
    sandbox: Sandbox, people: People, tmp_path: Path
) -> None:
    channel = ended_case(sandbox, people)
    blocked = tmp_path / "exports"
    blocked.write_text("a file where the folder should be")
    deps = with_exports(sandbox, blocked)
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC) + timedelta(days=731))
    daily(deps)  # the purge started (everything planned stopped), then the export failed
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().reference == REFERENCE
    assert bot_traces(sandbox, channel, people)  # nothing deleted in Slack before the export
    blocked.unlink()
    sandbox.clock.set(sandbox.clock.now() + timedelta(days=1))
    daily(deps)
    tombstone = assert_only_the_tombstone(sandbox, channel, people)
    assert tombstone.detail["export_checksum"].startswith("sha256:")
