"""The scheduler's two thin jobs: their ids, triggers and options, and a brief real-time run."""

from __future__ import annotations

import threading
import time as wall
from datetime import UTC, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.ids import JobId
from bot.scheduler import create_scheduler


def nothing() -> None:
    return None


def test_jobs_have_stable_ids_utc_triggers_and_run_one_at_a_time() -> None:
    scheduler = create_scheduler(dispatch=nothing, plan=nothing)

    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {"outbox-dispatch", "daily-planning"} == set(JobId)
    assert scheduler.timezone == UTC
    dispatch, planning = jobs[JobId.OUTBOX_DISPATCH], jobs[JobId.DAILY_PLANNING]
    assert isinstance(dispatch.trigger, IntervalTrigger)
    assert dispatch.trigger.interval == timedelta(minutes=1)
    assert isinstance(planning.trigger, CronTrigger)
    assert str(planning.trigger) == "cron[hour='5', minute='0']"
    for job in (dispatch, planning):
        assert job.trigger.timezone == UTC
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert 0 < job.misfire_grace_time <= 3600
        assert job.func is nothing  # thin: the job is the function it was given
    assert not scheduler.running  # composing it starts nothing


def test_daily_planning_fires_at_the_given_utc_time_whatever_the_season() -> None:
    scheduler = create_scheduler(dispatch=nothing, plan=nothing, plan_at=time(4, 30))
    planning = scheduler.get_job(JobId.DAILY_PLANNING)

    in_winter = planning.trigger.get_next_fire_time(None, datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    in_summer = planning.trigger.get_next_fire_time(None, datetime(2027, 7, 4, 1, 0, tzinfo=UTC))

    assert in_winter == datetime(2027, 1, 5, 4, 30, tzinfo=UTC)
    assert in_summer == datetime(2027, 7, 4, 4, 30, tzinfo=UTC)


def test_a_running_scheduler_calls_dispatch_every_interval() -> None:
    called = threading.Semaphore(0)
    scheduler = create_scheduler(
        dispatch=called.release, plan=nothing, dispatch_every=timedelta(milliseconds=50)
    )

    scheduler.start()
    try:
        assert all(called.acquire(timeout=5) for _ in range(3))
    finally:
        scheduler.shutdown(wait=True)


def test_a_slow_dispatch_never_runs_twice_at_once() -> None:
    lock = threading.Lock()
    running, most, runs = 0, 0, 0

    def slow_dispatch() -> None:
        nonlocal running, most, runs
        with lock:
            running += 1
            runs += 1
            most = max(most, running)
        wall.sleep(0.2)  # four intervals long
        with lock:
            running -= 1

    scheduler = create_scheduler(
        dispatch=slow_dispatch, plan=nothing, dispatch_every=timedelta(milliseconds=50)
    )
    scheduler.start()
    try:
        wall.sleep(0.7)
    finally:
        scheduler.shutdown(wait=True)

    assert runs >= 2
    assert most == 1
