"""Benchmark: how many durable jobs a worker does a second, and how soon after its commit a job
starts, on SQLite and PostgreSQL.

    .venv/bin/python bench/jobs_throughput.py [--jobs 2000] [--threads 1 2 4]
                                              [--only sqlite|postgres] [--postgres URL]

The jobs are real ones of the lightest kind, a message to a response URL (`respond`), posted to
a sink in a process of its own (standing in for Slack's end), so the figure is the job table's
machinery (claim, run, record) plus one HTTP post each:

- drain: `--jobs` jobs written in one transaction, then a worker of N threads started; jobs per
  second from its start until none is left.
- wake: with a worker idle, one job at a time is written and committed, and the time from the
  commit to the job recorded done is measured (p50, p99). "in-process": woken by the unit of
  work after the commit, as in `coregroup serve`. "NOTIFY" (PostgreSQL): the job is written
  through another unit of work, so only LISTEN/NOTIFY can wake the worker, as for a
  `coregroup worker` process.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from bench.world import add_database_options, chosen_databases, free_port, fresh_engine
from bot.clock import SystemClock
from bot.deps import Dependencies
from bot.rules.vocabulary import JobState
from bot.rules.work import Work, WorkKind
from bot.services import jobs
from bot.settings import Settings
from bot.worker import Worker
from storage.db import UnitOfWork, make_engine
from storage.models import Job


class _Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve_sink(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), _Sink).serve_forever()


@contextmanager
def sink() -> Iterator[str]:
    """A response URL endpoint in a process of its own."""
    port = free_port()
    process = multiprocessing.Process(target=_serve_sink, args=(port,), daemon=True)
    process.start()
    url = f"http://127.0.0.1:{port}/response"
    for _ in range(200):
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}"), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        process.terminate()
        process.join()


def ensure_database(url: str) -> str:
    """PostgreSQL: a database of this benchmark's own (created if missing), so emptying it
    touches nobody else's; SQLite: the file as given."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    own = parsed.set(database="coregroup_bench_jobs")
    admin = make_engine(parsed.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = 'coregroup_bench_jobs'")
        ).first()
        if found is None:
            connection.execute(text("CREATE DATABASE coregroup_bench_jobs"))
    admin.dispose()
    return own.render_as_string(hide_password=False)


def dependencies(engine: Engine) -> Dependencies:
    settings = Settings(slack_bot_token="xoxb-bench", slack_signing_secret="x", database_url="")
    # Nothing here calls the Web API: a respond job posts to its URL only.
    client = WebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/")
    return Dependencies(settings, UnitOfWork(engine), SystemClock(), client)


def respond(url: str, n: int) -> Work:
    return Work(WorkKind.RESPOND, {"url": url, "message": {"text": f"Thanks {n}"}}, key=f"b{n}")


def empty_jobs(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM jobs"))


def drain(engine: Engine, url: str, count: int, threads: int) -> float:
    """Jobs a second for a worker of `threads` threads emptying a backlog of `count`."""
    empty_jobs(engine)
    deps = dependencies(engine)
    with deps.unit_of_work() as session:
        jobs.add(session, [respond(url, n) for n in range(count)], now=deps.clock.now())
    worker = Worker(deps, name="bench", threads=threads, listen=False)
    started = time.perf_counter()
    worker.start()
    while jobs.busy(deps):
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    worker.stop()
    with Session(engine) as session:
        done = session.exec(select(Job.id).where(col(Job.state) == JobState.DONE)).all()
    assert len(done) == count, f"{len(done)} of {count} done"
    return count / elapsed


def wake(engine: Engine, url: str, samples: int, *, notify: bool) -> list[float]:
    """Milliseconds from a job's commit to its being recorded done, one job at a time."""
    empty_jobs(engine)
    deps = dependencies(engine)
    worker = Worker(deps, name="bench", threads=2, listen=notify).start()
    # Written through another unit of work, a commit does not wake this worker: only NOTIFY can.
    writer = UnitOfWork(engine) if notify else deps.unit_of_work
    if notify:
        deps.unit_of_work.on_jobs.remove(worker.wake)
        time.sleep(0.5)  # the listener's connection is up
    times: list[float] = []
    for n in range(samples):
        with writer() as session:
            jobs.add(session, [respond(url, n)], now=deps.clock.now())
            job_id = session.exec(select(Job.id).where(Job.key == f"b{n}")).one()
        committed = time.perf_counter()
        while True:
            with Session(engine) as session:
                state = session.exec(select(Job.state).where(Job.id == job_id)).one()
            if state == JobState.DONE:
                break
            time.sleep(0.0005)
        times.append((time.perf_counter() - committed) * 1000)
    worker.stop()
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--samples", type=int, default=200)
    add_database_options(parser, "/tmp/coregroup-bench-jobs.sqlite3")
    args = parser.parse_args()
    with sink() as url:
        for database in chosen_databases(args):
            engine = fresh_engine(ensure_database(database))
            name = engine.dialect.name
            for threads in args.threads:
                rate = drain(engine, url, args.jobs, threads)
                print(f"{name:10} drain  {args.jobs} jobs, {threads} thread(s): {rate:7.0f} jobs/s")
            ways = [("in-process", False)] + ([("NOTIFY", True)] if name == "postgresql" else [])
            for label, notify in ways:
                times = wake(engine, url, args.samples, notify=notify)
                print(
                    f"{name:10} wake   {label:10} commit to done: p50 "
                    f"{statistics.median(times):5.1f} ms, p99 {percentile(times, 0.99):5.1f} ms"
                )
            engine.dispose()


if __name__ == "__main__":
    main()
