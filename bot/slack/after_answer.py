"""Work a listener leaves for right after its answer: Slack calls, on a few threads of their own.

Bolt's lazy listeners would do the same, but they deep-copy the whole request inside the request
(more than Bolt's own dispatch costs). Here a job is a plain function of the values it needs,
and a message to the click's response URL is posted from the server's event loop instead
(`bot.slack.response_urls`), which costs the process a fraction of a thread hand-off.

A refresh (re-rendering a message from the database) is also gathered: while one is waiting to
start, more changes to the same thing do not queue another, since it will show them all when it
runs. Ten people replying to one invitation then cost one re-render rather than ten, which keeps
the process free to answer Slack and keeps `chat.update` under Slack's rate limit.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from slack_sdk.webhook import WebhookClient

from bot.slack.response_urls import ResponseUrls

log = logging.getLogger(__name__)

# How long a refresh waits for more changes to the same thing before it runs: short enough that
# people see the list move at once, long enough to gather a burst of clicks into one update.
GATHER_SECONDS = 0.5


class AfterAnswer:
    """A small pool that runs jobs after the answer has gone, logging (not hiding) failures."""

    def __init__(self, threads: int = 5, *, gather: float = GATHER_SECONDS) -> None:
        # As many threads as Bolt gives lazy listeners: Slack calls wait on the network (and on
        # Retry-After), so a few in flight keep one slow call from holding up the rest.
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="after-answer")
        self.response_urls = ResponseUrls()
        self._gather = gather
        self._waiting: set[Hashable] = set()
        self._due: list[tuple[float, int, Hashable, Callable[[], object]]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._timer: threading.Thread | None = None
        self._closing = False
        self._unfinished = 0  # jobs queued, gathering or running

    def run(self, job: Callable[[], object]) -> None:
        """Run `job` soon, once, in the context it was asked in (the person's language)."""
        with self._wake:
            self._unfinished += 1
        context = contextvars.copy_context()
        self._pool.submit(context.run, self._run_counted, job)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no job is queued, gathering or running and no response URL post is in
        flight (a demo's snapshot of what people see); False if that did not happen in time."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._unfinished or self.response_urls.pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                # Response URL posts finish on the server's loop, which does not notify here.
                self._wake.wait(min(left, 0.01))
        return True

    def _run_counted(self, job: Callable[[], object]) -> None:
        try:
            self._run(job)
        finally:
            with self._wake:
                self._unfinished -= 1
                self._wake.notify_all()

    def post(self, url: str, payload: dict[str, Any]) -> None:
        """Post a message to a Slack response URL soon.

        Under the HTTP front door the listener runs on the server's event loop, and the post is
        made from there; elsewhere (Socket Mode, a job) it goes to the pool.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.run(partial(WebhookClient(url).send_dict, payload))
            return
        self.response_urls.post_soon(loop, url, payload)

    def refresh(self, key: Hashable, job: Callable[[], object]) -> None:
        """Run `job` in a moment, unless a job with this key is already waiting to start.

        Call it after the change is committed: a job that has not started will read it, and one
        already running may not have, so a new one is queued behind it.
        """
        with self._wake:
            if key in self._waiting:
                return
            self._waiting.add(key)
            self._unfinished += 1
            heapq.heappush(
                self._due, (time.monotonic() + self._gather, next(self._order), key, job)
            )
            if self._timer is None:
                self._timer = threading.Thread(
                    target=self._release_due, name="after-answer-timer", daemon=True
                )
                self._timer.start()
            self._wake.notify()

    def close(self) -> None:
        """Run what is waiting now, finish everything queued, and stop (a sandbox's teardown)."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        if self._timer is not None:
            self._timer.join()
        self._pool.shutdown(wait=True)

    def _release_due(self) -> None:
        while True:
            with self._wake:
                while not self._closing and (not self._due or self._due[0][0] > time.monotonic()):
                    self._wake.wait(self._due[0][0] - time.monotonic() if self._due else None)
                if not self._due:
                    return  # closing, and nothing is left
                _, _, key, job = heapq.heappop(self._due)
            try:
                self._pool.submit(self._start_refresh, key, job)
            except RuntimeError:  # the interpreter is shutting down: nobody is left to see it
                return

    def _start_refresh(self, key: Hashable, job: Callable[[], object]) -> None:
        with self._wake:
            self._waiting.discard(key)
        self._run_counted(job)

    @staticmethod
    def _run(job: Callable[[], object]) -> None:
        try:
            job()
        except Exception:  # a thread pool would keep the error in a future nobody reads
            log.exception("work after an answer failed")
