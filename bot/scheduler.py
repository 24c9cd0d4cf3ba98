"""The clock's jobs: dispatch the outbox every minute and plan every case once a day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, time, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.ids import JobId

# A run this late is skipped rather than run: the next one catches up, since the outbox keeps
# everything due until it is sent and planning is idempotent.
DISPATCH_MISFIRE_GRACE = timedelta(seconds=30)
PLANNING_MISFIRE_GRACE = timedelta(hours=1)


def create_scheduler(
    *,
    dispatch: Callable[[], object],
    plan: Callable[[], object],
    dispatch_every: timedelta = timedelta(minutes=1),
    plan_at: time = time(5, 0),
) -> BackgroundScheduler:
    """A stopped BackgroundScheduler (UTC) with the outbox dispatch and daily planning jobs."""
    scheduler = BackgroundScheduler(
        # The outbox table is the durable state, so the jobs themselves can live in memory.
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=2)},
        timezone=UTC,
    )
    scheduler.add_job(
        dispatch,
        trigger=IntervalTrigger(seconds=dispatch_every.total_seconds(), timezone=UTC),
        id=JobId.OUTBOX_DISPATCH,
        name="Send the outbox's due messages",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=_seconds(min(DISPATCH_MISFIRE_GRACE, dispatch_every)),
        replace_existing=True,
    )
    scheduler.add_job(
        plan,
        trigger=CronTrigger(hour=plan_at.hour, minute=plan_at.minute, timezone=UTC),
        id=JobId.DAILY_PLANNING,
        name="Plan every open case's messages",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=_seconds(PLANNING_MISFIRE_GRACE),
        replace_existing=True,
    )
    return scheduler


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds()))
