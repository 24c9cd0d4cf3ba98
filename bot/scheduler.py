"""The clock's jobs: dispatch the outbox every minute and plan every case once a day.

Both jobs follow the injected clock rather than the wall clock: dispatch sends what is due by
the clock's now, and the daily planning runs when the clock has passed the planning time of
day. With the system clock that is the familiar "every minute" and "at 05:00 UTC"; with a
simulated clock (`CLOCK_FILE`, for rehearsals and tests) whole weeks pass in seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.rules.ids import JobId

log = logging.getLogger(__name__)

# A run this late is skipped rather than run: the next one catches up, since the outbox keeps
# everything due until it is sent and planning is idempotent.
MISFIRE_GRACE = timedelta(seconds=30)


class DailyTimer:
    """Calls `work` when the clock passes `at` (UTC) each day, and once at the first check, so
    that a process started after the day's hour does not skip a day. Checked on every tick;
    a failed run is tried again on the next tick."""

    def __init__(self, clock: Clock, work: Callable[[], object], at: time) -> None:
        self.clock = clock
        self.work = work
        self.at = at
        self.next_run: datetime | None = None  # None: at the first check
        self._lock = threading.Lock()

    def __call__(self) -> None:
        now = self.clock.now()
        with self._lock:
            if self.next_run is not None and now < self.next_run:
                return
            self.work()
            self.next_run = self.following(now)

    def following(self, now: datetime) -> datetime:
        """The first planning time strictly after `now`."""
        today = datetime.combine(now.astimezone(UTC).date(), self.at, tzinfo=UTC)
        return today if today > now else today + timedelta(days=1)


def create_scheduler(
    *,
    clock: Clock,
    dispatch: Callable[[], object],
    plan: Callable[[], object],
    dispatch_every: timedelta = timedelta(minutes=1),
    plan_at: time = time(5, 0),
) -> BackgroundScheduler:
    """A stopped BackgroundScheduler (UTC) with the outbox dispatch and daily planning jobs,
    both ticking every `dispatch_every` of real time."""
    scheduler = BackgroundScheduler(
        # The outbox table is the durable state, so the jobs themselves can live in memory.
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=2)},
        timezone=UTC,
    )
    grace = max(1, int(min(MISFIRE_GRACE, dispatch_every).total_seconds()))
    jobs = (
        (JobId.OUTBOX_DISPATCH, "Send the outbox's due messages", dispatch),
        (JobId.DAILY_PLANNING, "Plan the open cases once a day", DailyTimer(clock, plan, plan_at)),
    )
    for job_id, name, work in jobs:
        scheduler.add_job(
            work,
            trigger=IntervalTrigger(seconds=dispatch_every.total_seconds(), timezone=UTC),
            id=job_id,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
            replace_existing=True,
        )
    return scheduler
