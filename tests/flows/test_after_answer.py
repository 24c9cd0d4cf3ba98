"""Work after the answer, through the real bot: it waits in the database for a worker, so work a
stopped process left (or one that died holding it) is done by the next, without saying anything
twice; and a burst of replies re-renders the invitation far fewer times than there were clicks."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId
from bot.rules.vocabulary import JobState, MeetingKind, Rsvp
from bot.rules.work import REFRESH_CAP, WorkKind
from bot.services import jobs
from bot.worker import Worker
from handlers.after import WORK
from storage.models import Case, Invitation, Job

from .conftest import (
    People,
    make_people,
    modal_title,
    new_case_values,
    open_case,
    open_new_case_modal,
)
from .test_meetings import invitation_in, meeting, scheduled_core_group, set_meeting


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


def test_a_thanks_is_said_once_when_its_job_runs_again_after_a_worker_died_or_came_back_late(
    sandbox: Sandbox, people: People
) -> None:
    emu, deps = sandbox.emulator, sandbox.deps
    assert deps is not None and sandbox.worker is not None
    channel, _first = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    message = invitation_in(sandbox, channel)
    sandbox.settle()
    sandbox.worker.stop()  # the serving process's worker is gone: the click's work waits

    def thanks() -> list[str]:
        return [
            s.text
            for s in emu.inspector.seen_by(people.school)
            if s.kind == "ephemeral" and s.text == "Thanks, you're down as coming."
        ]

    emu.click(people.school, channel, message.ts, ActionId.RSVP_ATTENDING)
    # A worker claims the click's jobs (its refresh too, settled at once) and does their work,
    # then stops before recording them.
    jobs.hurry(deps)
    held = jobs.claim(deps, worker="slow", limit=10)
    assert WorkKind.RESPOND in {job.kind for job in held}
    for job in held:
        WORK[job.kind].run(deps, job.payload)
    assert thanks() == []  # said only once a job is recorded done
    # Its claims lapse; the next worker runs the jobs again and says thanks once.
    clock = sandbox.clock
    clock.advance(jobs.LEASE + timedelta(seconds=1))
    assert Worker(deps, name="next", threads=1, listen=False).run_due() == len(held)
    assert thanks() == ["Thanks, you're down as coming."]
    # The first worker comes back and finishes its run: its claims are no longer its own.
    late = Worker(deps, name="slow", threads=1, listen=False)
    for job in held:
        late.run(job)
    assert late.ran == 0
    assert thanks() == ["Thanks, you're down as coming."]


# Issue #19's target: thirty replies within a second are all stored and all shown within 2 s of
# the last, in at most three re-renders of the channel's invitation.
BURST = 30
BURST_SECONDS = 0.9
SHOWN_WITHIN = 2.0
MOST_RE_RENDERS = 3


def test_thirty_replies_within_a_second_are_all_shown_within_two_seconds_in_three_renders(
    database_url: str,
) -> None:
    """On SQLite and on PostgreSQL."""
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    with Sandbox(database_url, clock=clock) as sandbox:
        thirty_replies_within_a_second(sandbox, make_people(sandbox))


def thirty_replies_within_a_second(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    # Thirty people who can reply: the four of the form (not the chair) and 26 added.
    agencies = ["school", "gp", "police", "housing", "camhs", "early_years", "midwife"]
    added = [emu.add_user(f"Member {n:02d}") for n in range(BURST - 4)]
    for number, user in enumerate(added):
        agency = agencies[number % len(agencies)]
        emu.slash_command(people.social_worker, channel, "/coregroup", f"add <@{user}> {agency}")
    sandbox.settle()
    first = meeting(sandbox, MeetingKind.CORE_GROUP)
    assert first.id is not None
    answer = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    assert answer["response_action"] == "update", answer
    sandbox.settle()
    sandbox.sweep()  # the invitations are due
    sandbox.settle()
    message = invitation_in(sandbox, channel)
    clickers = [people.social_worker, people.school, people.health_visitor, people.mum, *added]
    assert "*Not replied yet:* Priya Shah" in str(message.blocks)
    updates_before = len(emu.calls_to("chat.update"))

    # One click every 31 ms, each a signed request from a thread of its own.
    start = time.monotonic() + 0.05
    sent: list[float] = []

    def click(number: int, user: str) -> None:
        time.sleep(max(0.0, start + number * BURST_SECONDS / (BURST - 1) - time.monotonic()))
        sent.append(time.monotonic())
        response = emu.click(user, channel, message.ts, ActionId.RSVP_ATTENDING)
        assert response.status == 200

    threads = [
        threading.Thread(target=click, args=(number, user)) for number, user in enumerate(clickers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == BURST
    last_click = max(sent)
    assert last_click - min(sent) < 1.0  # all thirty within a second

    names = ["Priya Shah", "Ms Reed", "Jan Kowalski", "Sam"]
    names += [f"Member {n:02d}" for n in range(BURST - 4)]

    def coming() -> str:
        """The invitation's line of who is coming, as the channel shows it now."""
        texts = [b["text"]["text"] for b in invitation_in(sandbox, channel).blocks if "text" in b]
        lines = [line for text in texts for line in text.splitlines()]
        return next((line for line in lines if line.startswith("*Coming:*")), "")

    def everyone_shown() -> float | None:
        line = coming()
        return time.monotonic() if all(name in line for name in names) else None

    shown_at = sandbox.wait_for(everyone_shown, timeout=10)
    assert shown_at - last_click <= SHOWN_WITHIN, shown_at - last_click
    # Every reply stored (and every name is on the invitation, above).
    with Session(sandbox.engine) as session:
        replies = session.exec(select(Invitation).where(Invitation.meeting_id == first.id)).all()
    assert sum(1 for i in replies if i.rsvp == Rsvp.ATTENDING) == BURST
    time.sleep(REFRESH_CAP.total_seconds() + 0.5)  # any render still to come has come
    sandbox.settle()
    re_renders = [
        c for c in emu.calls_to("chat.update")[updates_before:] if c.args.get("ts") == message.ts
    ]
    assert 1 <= len(re_renders) <= MOST_RE_RENDERS, len(re_renders)
