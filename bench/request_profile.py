"""Profile: where the CPU of one request goes, answering it and after the answer.

    .venv/bin/python bench/request_profile.py [--requests 400] [--top 25]
                                              [--database postgresql+psycopg://...]

`bench/ack_latency.py` measures how long Slack waits and how much CPU each server spends per
request; this says where the bot's share goes. The same case and the same two requests
(`/coregroup status` in the case channel, an RSVP click on its invitation, the update form
sent, each time with new words), signed as Slack
signs them, are handed to the bot's Bolt app in this process (`App.dispatch`, which is what the
HTTP front door calls for each request once it has read the body), one after another under
cProfile, counting this thread's CPU time (not waits). Then the jobs those requests wrote (the
invitation's re-render, the thanks to the response URL) are run on this thread by a worker,
under a profile of their own. HTTP parsing and the event loop are left out: they are the same
for the bot and a bare Bolt app. The profiler's own cost inflates every figure (about threefold
here): read the shares, and take the CPU per request from `ack_latency.py`.

For each request and phase it prints the CPU per request, the share of it by where the code
lives (Bolt, the Slack SDK, SQLAlchemy and the database driver, the bot's own code, the standard
library), the functions with the most CPU of their own, and the bot's functions with the most
CPU with their callees.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bench.ack_latency import NUMBERED, bench_case
from bot.devtools.sandbox import SIGNING_SECRET
from bot.worker import Worker

ROOT = str(Path(__file__).resolve().parents[1])

# Where a function lives, by its file: the first match wins.
PLACES = (
    ("Bolt", "/slack_bolt/"),
    ("Slack SDK", "/slack_sdk/"),
    ("SQLModel and SQLAlchemy", "/sqlalchemy/"),
    ("SQLModel and SQLAlchemy", "/sqlmodel/"),
    ("database driver", "/psycopg/"),
    ("Babel (the language's words)", "/babel/"),
    ("HTTP client (response URLs)", "/httpx/"),
    ("HTTP client (response URLs)", "/httpcore/"),
    ("other libraries", "/site-packages/"),
    ("the bot's own code", ROOT),
)


def place(filename: str, function: str) -> str:
    """Which part of the stack a profiled function belongs to."""
    if filename == "~":  # a built-in: sqlite3's execute, json, locks
        return "built-ins (sqlite3, json, locks, ...)"
    for name, marker in PLACES:
        if marker in filename:
            return name
    return "the standard library"


def signed(body: bytes) -> dict[str, str]:
    """The headers Slack sends with a request: a signature made now."""
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(
        timestamp=timestamp, body=body.decode()
    )
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
    }


def report(title: str, profile: cProfile.Profile, requests: int, top: int) -> None:
    """CPU per request, its share by place, and the functions with most CPU of their own."""
    stats = pstats.Stats(profile)
    rows = stats.stats  # type: ignore[attr-defined]
    total = sum(own for _calls, _prim, own, _cum, _callers in rows.values())
    print(f"\n{title}: {total / requests * 1000:.2f} ms of CPU per request")
    shares: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_c, _p, own, _cum, _callers) in rows.items():
        shares[place(filename, function)] += own
    for name, own in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {own / total:6.1%}  {own / requests * 1000:6.3f} ms  {name}")
    print(f"  the {top} functions with most CPU of their own (ms per request, own / with callees):")
    _ranked(rows, requests, top, lambda item: -item[1][2], lambda item: True)
    print("  the bot's own functions with most CPU with their callees (ms per request):")
    _ranked(rows, requests, top, lambda item: -item[1][3], _ours)


def _ours(item: Any) -> bool:
    filename = item[0][0]
    return ROOT in filename and "site-packages" not in filename


def _ranked(rows: Any, requests: int, top: int, key: Any, keep: Any) -> None:
    ranked = sorted(filter(keep, rows.items()), key=key)[:top]
    for (filename, line, function), (_c, _p, own, cumulative, _callers) in ranked:
        where = filename.replace(ROOT + "/", "").split("site-packages/")[-1]
        print(
            f"    {own / requests * 1000:6.3f} / {cumulative / requests * 1000:6.3f}  "
            f"{function} ({where}:{line})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--database", help="an empty database to use instead of a SQLite file")
    args = parser.parse_args()
    with ExitStack() as stack:
        database_url, box, bodies = bench_case(stack, args.database)
        assert box.app is not None and box.deps is not None and box.worker is not None
        box.worker.wait_idle()
        box.worker.stop()  # the jobs are run on this thread, under their own profile
        worker = Worker(box.deps, name="profile", threads=0, listen=False)
        # Each click's re-render runs alone here (in service, a burst's clicks share one), so
        # Slack's limit on updating one message would make the worker wait: not CPU, not here.
        box.emulator.rate_limits_enabled = False
        for what, body in bodies.items():
            for number in range(20):  # warm up: imports, caches, pooled connections
                mine = body.replace(NUMBERED.encode(), f"warm-{number}".encode())
                box.app.dispatch(BoltRequest(body=mine.decode(), headers=signed(mine)))
            worker.run_due()
            # CPU of this thread only: not the waits (a commit's disk sync, Slack's answer), and
            # not the emulator, whose server threads share this process.
            answering = cProfile.Profile(time.thread_time)
            after = cProfile.Profile(time.thread_time)
            statuses: set[int] = set()
            for number in range(args.requests):
                mine = body.replace(NUMBERED.encode(), str(number).encode())  # a new version
                request = BoltRequest(body=mine.decode(), headers=signed(mine))
                answering.enable()
                response = box.app.dispatch(request)
                answering.disable()
                statuses.add(response.status)
                after.enable()
                worker.run_due()
                after.disable()
            assert statuses == {200}, statuses
            database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
            print(f"\n== {what}, {args.requests} requests, {database}")
            report("answering (what Slack waits for)", answering, args.requests, args.top)
            report("after the answer (its jobs)", after, args.requests, args.top)


if __name__ == "__main__":
    main()
