"""The workers that run durable jobs: claimed from the database, run at once when woken.

`coregroup serve` runs them in its own process (woken by its own commits); `coregroup worker` runs
them as a process of their own, woken on PostgreSQL by LISTEN/NOTIFY (the commit that wrote a job
notifies) and on SQLite by a short poll. Either way a job outlives the process that wrote it: one
left running by a process that died is claimed again once its claim lapses.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

import psycopg

from bot.deps import Dependencies
from bot.rules.i18n import speaking
from bot.services.jobs import (
    CHANNEL,
    MAX_ATTEMPTS,
    Claimed,
    busy,
    claim,
    finish,
    give_up,
    hurry,
    job_locale,
    settling,
)
from bot.services.jobs import retry_later as back_off
from bot.slack.response_urls import Reply, post_to_response_url
from handlers.after import WORK, Kind

log = logging.getLogger(__name__)

# Jobs one thread claims in one transaction: a backlog costs fewer commits (each a disk sync on
# SQLite), while a lone job is still taken at once. Their leases are long enough to run them all.
BATCH = 4
# How often an idle worker looks for jobs nobody woke it for (a retry whose back-off has passed,
# a claim that lapsed, a job written by another process on SQLite).
POLL_SECONDS = 1.0
# Woken for a refresh that settles, a thread sleeps this much past the moment, so the database's
# clock has passed it when the thread claims (and it does not wake twice for one refresh).
SETTLE_MARGIN = 0.005


class Worker:
    """A few threads that claim jobs and run them, each by its kind's function."""

    def __init__(
        self,
        deps: Dependencies,
        *,
        name: str,
        threads: int = 2,
        kinds: Mapping[str, Kind] = WORK,
        poll: float = POLL_SECONDS,
        listen: bool = True,
    ) -> None:
        self.deps = deps
        self.name = name
        self._kinds = kinds
        self._poll = poll
        self._threads_wanted = threads
        self._listen = listen and deps.unit_of_work.engine.dialect.name == "postgresql"
        self._threads: list[threading.Thread] = []
        self._woken = threading.Condition()
        self._generation = 0
        self._stopping = threading.Event()
        self.ran = 0  # jobs finished by this worker (for the benchmark)
        # Jobs this worker is running, their answers to response URLs included: a job is recorded
        # done before its answer is posted, so the database alone cannot say when all is quiet.
        self._running = 0
        self._running_lock = threading.Lock()

    def start(self) -> Worker:
        """Start the threads, and be woken by this process's commits that write jobs."""
        self.deps.unit_of_work.on_jobs.append(self.wake)
        for number in range(self._threads_wanted):
            thread = threading.Thread(target=self._loop, name=f"worker-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if self._listen:
            listener = threading.Thread(target=self._listen_for_jobs, name="worker-listen")
            listener.daemon = True
            listener.start()
            self._threads.append(listener)
        self.wake()  # jobs left by a process that stopped are due now
        return self

    @property
    def working(self) -> bool:
        """Started and not stopped: only then is waiting for it to be idle worth anything."""
        return bool(self._threads) and not self._stopping.is_set()

    def wake(self) -> None:
        """Look for jobs now (called after a commit that wrote some)."""
        with self._woken:
            self._generation += 1
            self._woken.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs, and let the ones running finish."""
        if self.wake in self.deps.unit_of_work.on_jobs:
            self.deps.unit_of_work.on_jobs.remove(self.wake)
        self._stopping.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no job is due or running (a demo's snapshot of what people see, a test's
        look at the emulator); False if that did not happen in time."""
        deadline = time.monotonic() + timeout
        hurry(self.deps)  # a snapshot shows what people see once a burst of clicks has settled
        while busy(self.deps) or self._running:
            if time.monotonic() > deadline:
                return False
            self.wake()
            time.sleep(0.005)
        return True

    def run_due(self) -> int:
        """Run every due job on the calling thread until none is left (tests, `worker --once`)."""
        count = 0
        hurry(self.deps)  # nothing is left waiting for a burst of clicks to settle
        while claimed := claim(self.deps, worker=self.name):
            for job in claimed:
                self.run(job)
                count += 1
        return count

    def _loop(self) -> None:
        while not self._stopping.is_set():
            with self._woken:
                seen = self._generation
            try:
                claimed = claim(self.deps, worker=self.name, limit=BATCH)
            except Exception:  # the database is away: try again after a pause
                log.exception("claiming jobs failed")
                claimed = []
            for job in claimed:
                try:
                    self.run(job)
                except Exception:  # recording failed (the database is away): its claim lapses
                    log.exception("job %s (%s) could not be recorded", job.id, job.kind)
            if claimed:
                continue
            pause = self._pause()
            with self._woken:
                if self._generation == seen and not self._stopping.is_set():
                    self._woken.wait(pause)

    def _pause(self) -> float:
        """How long an idle thread sleeps: until the first waiting refresh has settled (nobody
        wakes it for that moment), at most the poll."""
        try:
            left = settling(self.deps)
        except Exception:  # the database is away: the poll tries again
            log.exception("reading when refreshes settle failed")
            return self._poll
        return self._poll if left is None else min(self._poll, left + SETTLE_MARGIN)

    def run(self, job: Claimed) -> None:
        """Run one claimed job; record it done, due again after a back-off, or failed."""
        with self._running_lock:
            self._running += 1
        try:
            self._run(job)
        finally:
            with self._running_lock:
                self._running -= 1

    def _run(self, job: Claimed) -> None:
        kind = self._kinds.get(job.kind)
        if kind is None or job.attempts > MAX_ATTEMPTS:
            # An unknown kind (written by a newer version), or a job whose workers kept dying.
            why = "unknown kind" if kind is None else "its workers stopped before it finished"
            self._failed(job, kind, why)
            return
        try:
            with speaking(job_locale(job.payload)):
                reply = kind.run(self.deps, job.payload)
        except Exception as error:
            log.exception("job %s (%s) failed, attempt %s", job.id, job.kind, job.attempts)
            said = f"{type(error).__name__}: {error}"
            if job.attempts >= MAX_ATTEMPTS:
                self._failed(job, kind, said)
            else:
                back_off(self.deps, job, said)
            return
        if not finish(self.deps, job):
            return  # the claim lapsed and another worker runs the job: it answers
        self.ran += 1
        if reply is not None:
            self._answer(job, reply)

    def _answer(self, job: Claimed, reply: Reply) -> None:
        """Post a job's answer to its response URL, after the job is recorded done: a job run
        again after a crash never answers twice (if this worker dies first, the work is done
        and the answer is lost, the lesser harm)."""
        try:
            post_to_response_url(reply.url, reply.message)
        except Exception:  # the job is done: the person sees its work, not the answer
            log.exception("job %s (%s) could not answer its response URL", job.id, job.kind)

    def _failed(self, job: Claimed, kind: Kind | None, error: str) -> None:
        if not give_up(self.deps, job, error) or kind is None:
            return
        try:
            with speaking(job_locale(job.payload)):
                kind.failed(self.deps, job.payload)
        except Exception:  # nothing more can be done for it here: operators have the log
            log.exception("telling someone that job %s (%s) failed also failed", job.id, job.kind)

    def _listen_for_jobs(self) -> None:
        """PostgreSQL: wake on the notification a commit that wrote jobs sends (any process)."""
        url = self.deps.unit_of_work.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        while not self._stopping.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not self._stopping.is_set():
                        for _ in connection.notifies(timeout=self._poll, stop_after=1):
                            self.wake()
            except psycopg.Error as error:
                log.warning("listening for jobs failed (%s); polling meanwhile", error)
                self._stopping.wait(self._poll)
