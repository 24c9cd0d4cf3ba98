"""Work left for after the answer: refreshes of one thing are gathered, failures are logged."""

from __future__ import annotations

import logging
import threading

import pytest
from bot.slack.after_answer import AfterAnswer


def test_refreshes_of_one_thing_asked_for_before_it_starts_run_once() -> None:
    after = AfterAnswer(gather=0.05)
    runs: list[str] = []
    for _ in range(10):  # ten people reply to one invitation at once
        after.refresh(("replies", 7), lambda: runs.append("meeting 7"))
    after.refresh(("replies", 8), lambda: runs.append("meeting 8"))
    after.close()
    assert sorted(runs) == ["meeting 7", "meeting 8"]


def test_a_change_made_while_a_refresh_runs_gets_a_refresh_of_its_own() -> None:
    after = AfterAnswer(gather=0.01)
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def first() -> None:
        started.set()
        release.wait(timeout=10)
        runs.append(1)

    after.refresh("list", first)
    assert started.wait(timeout=10)
    # The running refresh may have read the state before this change: it must not swallow it.
    after.refresh("list", lambda: runs.append(2))
    release.set()
    after.close()
    assert sorted(runs) == [1, 2]


def test_a_failing_job_is_logged_with_its_traceback_and_the_rest_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    after = AfterAnswer()
    done: list[str] = []

    def broken() -> None:
        raise RuntimeError("Slack is down")

    with caplog.at_level(logging.ERROR, logger="bot.slack.after_answer"):
        after.run(broken)
        after.run(lambda: done.append("thanks"))
        after.close()
    assert done == ["thanks"]
    assert "work after an answer failed" in caplog.text
    assert "Slack is down" in caplog.text
