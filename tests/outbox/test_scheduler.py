"""The scheduler's two thin jobs: ids, triggers and options, the daily timer on the injected
clock, and a brief real-time run."""

from __future__ import annotations

import threading
import time as wall
from datetime import UTC, datetime, time, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import ManualClock
from bot.rules.ids import JobId
from bot.scheduler import DailyTimer, create_scheduler

CLOCK = ManualClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))


def nothing() -> None:
    return None


def test_jobs_have_stable_ids_utc_triggers_and_run_one_at_a_time() -> None:
    scheduler = create_scheduler(clock=CLOCK, dispatch=nothing, plan=nothing)

    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {"outbox-dispatch", "daily-planning"} == set(JobId)
    assert scheduler.timezone == UTC
    dispatch, planning = jobs[JobId.OUTBOX_DISPATCH], jobs[JobId.DAILY_PLANNING]
    for job in (dispatch, planning):
        assert isinstance(job.trigger, IntervalTrigger)
        assert job.trigger.interval == timedelta(minutes=1)
    assert isinstance(planning.func, DailyTimer)
    assert planning.func.at == time(5, 0)
    for job in (dispatch, planning):
        assert job.trigger.timezone == UTC
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert 0 < job.misfire_grace_time <= 3600
    assert dispatch.func is nothing  # thin: the job is the function it was given
    assert not scheduler.running  # composing it starts nothing


def test_the_daily_timer_plans_at_the_first_tick_then_each_day_at_its_hour_by_the_clock() -> None:
    clock = ManualClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))  # a Monday, after 04:30
    runs: list[datetime] = []
    timer = DailyTimer(clock, lambda: runs.append(clock.now()), time(4, 30))

    for _ in range(3 * 24 * 4):  # three simulated days, a tick every 15 minutes
        timer()
        clock.advance(timedelta(minutes=15))

    assert runs == [
        datetime(2027, 1, 4, 12, 0, tzinfo=UTC),  # started after the hour: plans at once
        datetime(2027, 1, 5, 4, 30, tzinfo=UTC),
        datetime(2027, 1, 6, 4, 30, tzinfo=UTC),
        datetime(2027, 1, 7, 4, 30, tzinfo=UTC),
    ]


def test_the_daily_hour_is_utc_whatever_the_season() -> None:
    timer = DailyTimer(CLOCK, nothing, time(4, 30))

    in_winter = timer.following(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    in_summer = timer.following(datetime(2027, 7, 4, 1, 0, tzinfo=UTC))

    assert in_winter == datetime(2027, 1, 5, 4, 30, tzinfo=UTC)
    assert in_summer == datetime(2027, 7, 4, 4, 30, tzinfo=UTC)


def test_a_failed_daily_run_is_tried_again_at_the_next_tick() -> None:
    clock = ManualClock(datetime(2027, 1, 5, 4, 30, tzinfo=UTC))
    attempts: list[datetime] = []

    def flaky() -> None:
        attempts.append(clock.now())
        if len(attempts) == 1:
            raise ConnectionError("the database is restarting")

    timer = DailyTimer(clock, flaky, time(4, 30))
    with pytest.raises(ConnectionError):
        timer()
    clock.advance(timedelta(minutes=1))
    timer()
    clock.advance(timedelta(minutes=1))
    timer()  # done for the day

    assert attempts == [
        datetime(2027, 1, 5, 4, 30, tzinfo=UTC),
        datetime(2027, 1, 5, 4, 31, tzinfo=UTC),
    ]


def test_a_simulated_clock_jumping_days_ahead_plans_once_not_once_per_day_missed() -> None:
    clock = ManualClock(datetime(2027, 1, 4, 6, 0, tzinfo=UTC))
    runs: list[datetime] = []
    timer = DailyTimer(clock, lambda: runs.append(clock.now()), time(5, 0))

    timer()
    clock.advance(timedelta(days=10))
    timer()
    timer()

    assert runs == [datetime(2027, 1, 4, 6, 0, tzinfo=UTC), datetime(2027, 1, 14, 6, 0, tzinfo=UTC)]


def test_a_running_scheduler_calls_dispatch_every_interval() -> None:
    called = threading.Semaphore(0)
    scheduler = create_scheduler(
        clock=CLOCK,
        dispatch=called.release,
        plan=nothing,
        dispatch_every=timedelta(milliseconds=50),
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
        clock=CLOCK, dispatch=slow_dispatch, plan=nothing, dispatch_every=timedelta(milliseconds=50)
    )
    scheduler.start()
    try:
        wall.sleep(0.7)
    finally:
        scheduler.shutdown(wait=True)

    assert runs >= 2
    assert most == 1
