"""Work after the answer, through the real bot: it waits in the database for a worker, so work a
stopped process left (or one that died holding it) is done by the next; and a burst of replies
re-renders the invitation far fewer times than there were clicks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId
from bot.rules.vocabulary import JobState, Rsvp
from bot.rules.work import WorkKind
from bot.services import jobs
from bot.worker import Worker
from storage.models import Case, Invitation, Job

from .conftest import People, make_people, modal_title, new_case_values, open_new_case_modal
from .test_meetings import invitation_in, scheduled_core_group


def test_a_job_a_stopped_process_left_and_one_a_dead_worker_held_are_done_by_the_next(
    tmp_path: Path,
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    # A serving process with no worker (`coregroup serve --no-worker` with none running yet).
    with Sandbox(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", clock=clock, worker=False) as world:
        crew = make_people(world)
        emu, deps = world.emulator, world.deps
        assert deps is not None
        view_id = open_new_case_modal(world, crew.social_worker, crew.lobby)
        emu.submit_view(crew.social_worker, view_id, new_case_values(crew))
        assert modal_title(world, crew.social_worker) == "Opening the case"
        with Session(world.engine) as session:
            case = session.exec(select(Case)).one()
            [job] = session.exec(select(Job)).all()
        # The answer was given and the case recorded; its channel waits for a worker.
        assert case.slack_channel_id is None
        assert (job.kind, job.state) == (WorkKind.OPEN_CASE.value, JobState.PENDING)
        # A worker claims it and dies before finishing.
        [held] = jobs.claim(deps, worker="died")
        assert held.id == job.id
        # A new process starts: the claim has not lapsed yet, so it waits; once it has, it runs.
        worker = Worker(deps, name="restarted", threads=1, listen=False).start()
        try:
            assert worker.wait_idle(timeout=2) is False  # still held by the dead worker
            clock.advance(jobs.LEASE + timedelta(seconds=1))
            assert worker.wait_idle(timeout=30)
        finally:
            worker.stop()
        assert modal_title(world, crew.social_worker) == "Case opened"
        channel = emu.inspector.channel_named("oak-family")
        with Session(world.engine) as session:
            assert session.exec(select(Case)).one().slack_channel_id == channel.id
            [job] = session.exec(select(Job)).all()
        assert (job.state, job.claimed_by, job.attempts) == (JobState.DONE, "restarted", 2)
        welcomes = [m for m in emu.inspector.messages(channel.id) if "Welcome" in m.text]
        assert len(welcomes) == 1


def test_a_burst_of_replies_is_all_shown_in_fewer_re_renders_than_clicks(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, first = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    message = invitation_in(sandbox, channel)
    sandbox.settle()
    updates_before = len(emu.calls_to("chat.update"))
    # Everyone invited to a core group (the chair is not), clicking again and again.
    clickers = [people.school, people.health_visitor, people.social_worker] * 8
    threads = [
        threading.Thread(
            target=emu.click, args=(user, channel, message.ts, ActionId.RSVP_ATTENDING)
        )
        for user in clickers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sandbox.settle()
    # Every reply is stored and shown.
    with Session(sandbox.engine) as session:
        replies = session.exec(select(Invitation).where(Invitation.meeting_id == first.id)).all()
    attending = {i.member_id for i in replies if i.rsvp == Rsvp.ATTENDING}
    assert len(attending) == 3
    shown = str(invitation_in(sandbox, channel).blocks)
    assert "*Coming:* Priya Shah, Ms Reed, Jan Kowalski" in shown
    invitation_updates = [
        c for c in emu.calls_to("chat.update")[updates_before:] if c.args.get("ts") == message.ts
    ]
    assert 1 <= len(invitation_updates) < len(clickers)
