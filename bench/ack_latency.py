"""Benchmark: how fast Slack gets its acknowledgement, under 1, 10 and 50 concurrent requests.

    .venv/bin/python bench/ack_latency.py [--requests 400] [--concurrency 1 10 50]
                                          [--database postgresql+psycopg://...]

Side by side in one run, each in a process of its own and served the same way (`bot.web`'s
uvicorn settings, signed requests over loopback HTTP): the Core Group bot exactly as deployed
(`coregroup serve`, configured by its environment) answering `/coregroup status` in a case
channel, an RSVP click, and the school's update form sent (each time with new words, so each
is a new version); a bare Bolt app whose listeners only call ack(), with the bot's tuning
(process_before_response=True); and that bare app in Bolt's default mode. Targets (issue 19):
p99 under 25 ms at 10 concurrent, at most 2x the tuned bare app, at least 8x faster than the
default-mode bare app.

Then (`--burst-runs`, 3 by default) a burst: thirty people in the case each click an RSVP
button on the channel's invitation, 31 ms apart (all within a second), against the bot as
deployed. Per burst: the replies stored, how long after the last click the invitation showed all
thirty, and how many times it was re-rendered (`chat.update` calls on it). Target: all stored,
shown within 2 s, at most 3 re-renders. `--burst-only` measures only that.

Beside them, the same bot over Socket Mode (`coregroup serve` with SLACK_APP_TOKEN, its own
process, one WebSocket to the emulator): the same two requests as envelopes, timed from sending
the envelope to receiving its ack. Those envelopes are sent by the emulator's Socket Mode hub in
this coordinating process (from `concurrent` threads), since that is the end of the link Slack
holds; its CPU therefore counts in the emulator's figure.

Nothing measured shares a process (or a GIL) with anything else: the load generator is a
process of its own (asyncio, a new connection per request); the Slack emulator, which the bot's
after-answer work calls, lives in this coordinating process; and the response URL the clicks
carry points at a minimal sink of its own, standing in for Slack's end (the emulator's
response URLs are single-use). Before each measurement every process is left to go idle, so
one server's leftover work never lands on another's figures; the CPU each server spent per
request, after-answer work included, is reported beside its latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bench.world import free_port
from bot.devtools.emulator.socket_mode import SocketModeHub
from bot.devtools.sandbox import BOT_TOKEN, SIGNING_SECRET, Sandbox
from bot.slack.client import make_web_client

ROOT = Path(__file__).resolve().parents[1]
BOT, TUNED, DEFAULT = "Core Group bot", "tuned bare Bolt", "default-mode bare Bolt"
SOCKET = "Core Group bot over Socket Mode"


def bare_app(api_url: str, *, tuned: bool) -> App:
    """A Bolt app whose listeners only acknowledge (its client is the emulator's, like ours)."""
    app = App(
        signing_secret=SIGNING_SECRET,
        client=make_web_client(BOT_TOKEN, api_url),
        token_verification_enabled=False,
        process_before_response=tuned,
    )
    app.command("/coregroup")(lambda ack: ack())
    app.action("rsvp_attending")(lambda ack: ack())
    app.view(re.compile(".*"))(lambda ack: ack())
    return app


def serve_bare(mode: str, api_url: str, port: int) -> None:
    """Serve a bare app exactly as `coregroup serve` serves the bot (the same function)."""
    from bot.web import serve_http

    serve_http(
        bare_app(api_url, tuned=mode == "tuned"),
        SIGNING_SECRET,
        host="127.0.0.1",
        port=port,
        log_level="WARNING",
    )


def serve_sink(port: int) -> None:
    """Slack's end of a response URL: answers every POST with 200, keeping connections open."""
    import httptools

    class Sink(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            self.parser = httptools.HttpRequestParser(self)

        def data_received(self, data: bytes) -> None:
            self.parser.feed_data(data)

        def on_message_complete(self) -> None:
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(Sink, "127.0.0.1", port)
        await server.serve_forever()

    _fast_loop()
    asyncio.run(serve())


def _fast_loop() -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass


# --- the servers, each a process of its own ------------------------------------------------------


@dataclass
class Server:
    """One HTTP server under test, in its own process."""

    name: str
    process: subprocess.Popen[bytes]
    url: str

    def wait_ready(self, path: str | None, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                if path is None:
                    socket.create_connection(self._address(), timeout=1).close()
                    return
                with urllib.request.urlopen(self.url.replace("/slack/events", path), timeout=1):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.05)

    def _address(self) -> tuple[str, int]:
        parsed = urllib.parse.urlparse(self.url)
        return str(parsed.hostname), int(parsed.port or 80)


@contextmanager
def server_process(
    name: str,
    command: list[str],
    port: int,
    *,
    env: dict[str, str] | None = None,
    path: str = "/slack/events",
    health: str | None = "/healthz",
) -> Iterator[Server]:
    environment = {k: v for k, v in os.environ.items() if k != "SLACK_APP_TOKEN"}  # HTTP mode
    process = subprocess.Popen(command, env=environment | (env or {}), cwd=ROOT)
    server = Server(name, process, f"http://127.0.0.1:{port}{path}")
    try:
        server.wait_ready(health)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def bot_server(api_url: str, database_url: str) -> Any:
    """The bot exactly as deployed: `coregroup serve`, configured by its environment."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "WARNING",
    ]
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
    }
    return server_process(BOT, command, port, env=env)


@contextmanager
def socket_bot_server(box: Sandbox, database_url: str) -> Iterator[Server]:
    """The bot as deployed in Socket Mode: `coregroup serve` with an app-level token."""
    command = [sys.executable, "-m", "bot.cli", "serve", "--log-level", "WARNING"]
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": box.emulator.add_app_token(),
        "SLACK_API_URL": box.emulator.api_url,
        "DATABASE_URL": database_url,
    }
    environment = {k: v for k, v in os.environ.items() if k != "SLACK_SIGNING_SECRET"}
    process = subprocess.Popen(command, env=environment | env, cwd=ROOT)
    try:
        box.emulator.socket_mode.wait_connected(1, timeout=60)
        yield Server(SOCKET, process, "socket-mode")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def socket_load(hub: SocketModeHub, body: bytes, concurrency: int, requests: int) -> list[float]:
    """Send `requests` envelopes over the hub from `concurrency` threads; ms to each ack."""
    form = urllib.parse.parse_qs(body.decode())
    if "payload" in form:
        kind, payload = "interactive", json.loads(form["payload"][0])
    else:
        kind, payload = "slash_commands", {k: v[-1] for k, v in form.items()}
    times: list[float] = []
    left = iter(range(requests))
    lock = threading.Lock()
    numbered = NUMBERED in json.dumps(payload)

    def client() -> None:
        while True:
            with lock:
                number = next(left, None)
                if number is None:
                    return
            sent = payload
            if numbered:  # its own words, as over HTTP
                sent = json.loads(json.dumps(payload).replace(NUMBERED, f"socket-{number}"))
            start = time.perf_counter()
            ack = hub.deliver(
                kind,
                sent,
                accepts_response_payload=kind == "slash_commands" or "view" in payload,
            )
            if not ack.acked:
                raise RuntimeError("an envelope was not acknowledged")
            times.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def bare_server(name: str, mode: str, api_url: str) -> Any:
    port = free_port()
    command = [
        sys.executable,
        __file__,
        "--serve-bare",
        mode,
        "--api-url",
        api_url,
        "--port",
        str(port),
    ]
    return server_process(name, command, port)


def sink_server() -> Any:
    port = free_port()
    command = [sys.executable, __file__, "--serve-sink", "--port", str(port)]
    return server_process("response URL sink", command, port, path="/response", health=None)


# --- staying out of each other's way --------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, *, descendants: bool = True) -> float:
    """CPU time used so far by a process (and its descendants: uvicorn workers, say)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / TICK
        if descendants:
            for task in Path(f"/proc/{pid}/task").iterdir():
                for child in (task / "children").read_text().split():
                    total += cpu_seconds(int(child))
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return total


def cpu_of(pids: list[int]) -> list[float]:
    """CPU so far of each server process, and of this one alone (the emulator), last."""
    return [cpu_seconds(pid) for pid in pids[:-1]] + [cpu_seconds(pids[-1], descendants=False)]


def settle(pids: list[int], *, quiet: float = 0.4, timeout: float = 120) -> float:
    """Wait until these processes are idle (after-answer work done); return how long it took."""
    start = time.monotonic()
    before = cpu_of(pids)
    while time.monotonic() - start < timeout:
        time.sleep(quiet)
        after = cpu_of(pids)
        if all(b - a < 0.02 for a, b in zip(before, after, strict=True)):
            break
        before = after
    return time.monotonic() - start


# --- the load generator, a process of its own ----------------------------------------------------


def signed_request(url: str, body: bytes) -> bytes:
    """The whole HTTP request Slack would send, signed now (valid for five minutes)."""
    parsed = urllib.parse.urlparse(url)
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    head = (
        f"POST {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _post(host: str, port: int, request: bytes) -> float:
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request)
    status = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    elapsed = time.perf_counter() - start
    writer.close()
    if not status.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"{status!r}")
    return elapsed * 1000


async def _load(url: str, body: bytes, concurrency: int, requests: int) -> list[float]:
    parsed = urllib.parse.urlparse(url)
    host, port = str(parsed.hostname), int(parsed.port or 80)
    request = signed_request(url, body)
    numbered = NUMBERED.encode() in body
    times: list[float] = []
    left = iter(range(requests))

    async def client() -> None:
        for number in left:
            if numbered:  # its own words, signed now (outside the time measured)
                mine = body.replace(NUMBERED.encode(), f"{os.getpid()}-{number}".encode())
                times.append(await _post(host, port, signed_request(url, mine)))
                continue
            times.append(await _post(host, port, request))

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return times


def _generate(pipe: Connection) -> None:
    _fast_loop()
    while (job := pipe.recv()) is not None:
        pipe.send(asyncio.run(_load(*job)))


@contextmanager
def load_generator() -> Iterator[Connection]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_generate, args=(theirs,), daemon=True)
    process.start()
    try:
        yield ours
    finally:
        ours.send(None)
        process.join(timeout=10)


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile: at 400 requests, p99 is the fifth slowest."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--database", help="an empty database to use instead of a SQLite file")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--no-socket-mode", action="store_true", help="leave out the bot over Socket Mode"
    )
    parser.add_argument("--burst-runs", type=int, default=3, help="bursts of 30 RSVP clicks")
    parser.add_argument(
        "--burst-only", action="store_true", help="measure only the bursts of RSVP clicks"
    )
    parser.add_argument("--serve-bare", choices=("tuned", "default"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-sink", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare, args.api_url, args.port)
        return
    if args.serve_sink:
        serve_sink(args.port)
        return
    with ExitStack() as stack:
        database_url, box, bodies = bench_case(stack, args.database)
        clickers = burst_members(box) if args.burst_runs else {}
        api = box.emulator.api_url
        servers = []
        if not args.burst_only:
            servers += [
                stack.enter_context(bare_server(DEFAULT, "default", api)),
                stack.enter_context(bare_server(TUNED, "tuned", api)),
            ]
            if not args.no_socket_mode:
                servers.append(stack.enter_context(socket_bot_server(box, database_url)))
        servers.append(stack.enter_context(bot_server(api, database_url)))
        # Slack now talks to the bot's own process; the sandbox's in-process copy stays idle.
        box.emulator.connect_app(servers[-1].url, SIGNING_SECRET)
        results: Results = {}
        if not args.burst_only:
            generator = stack.enter_context(load_generator())
            pids = [server.process.pid for server in servers] + [os.getpid()]
            results = measure(
                servers,
                bodies,
                generator,
                pids,
                args.concurrency,
                args.requests,
                box.emulator.socket_mode,
            )
        bursts = [burst(box, clickers, run) for run in range(args.burst_runs)]
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    if results:
        report(results, args.requests, database)
    if bursts:
        report_bursts(bursts, database)
    if args.json:
        Path(args.json).write_text(json.dumps({**results, "bursts": bursts}, indent=2))


def bench_case(stack: ExitStack, database: str | None) -> tuple[str, Sandbox, dict[str, bytes]]:
    """The database (an emptied `database`, or a SQLite file for the run), a sandbox on it with
    the bench's case, and the bodies of the requests to send (their response URLs lead to a
    sink of their own); all closed with `stack`."""
    folder = stack.enter_context(tempfile.TemporaryDirectory())
    database_url = database or f"sqlite:///{folder}/bench.sqlite3"
    if database:
        from world import fresh_engine

        fresh_engine(database_url).dispose()
    box = stack.enter_context(Sandbox(database_url))
    sink = stack.enter_context(sink_server())
    return database_url, box, case_with_invitation(box, sink.url)


Results = dict[str, dict[str, dict[str, Any]]]  # request -> concurrency -> server -> figures


def measure(
    servers: list[Server],
    bodies: dict[str, bytes],
    generator: Connection,
    pids: list[int],
    levels: list[int],
    requests: int,
    hub: SocketModeHub,
) -> Results:
    def load(server: Server, body: bytes, concurrency: int, count: int) -> list[float]:
        if server.name == SOCKET:
            return socket_load(hub, body, concurrency, count)
        generator.send((server.url, body, concurrency, count))
        times: list[float] = generator.recv()
        return times

    results: Results = {}
    for what, body in bodies.items():
        for server in servers:  # warm up: imports, caches, pooled connections
            settle(pids)
            load(server, body, 10, 50)
        for concurrency in levels:
            row: dict[str, Any] = {}
            for server in servers:
                settle(pids)
                before = cpu_of(pids)
                times = load(server, body, concurrency, requests)
                drained = settle(pids)
                spent = [b - a for a, b in zip(before, cpu_of(pids), strict=True)]
                row[server.name] = {
                    "p50": statistics.median(times),
                    "p99": percentile(times, 0.99),
                    "cpu_ms": spent[servers.index(server)] / requests * 1000,
                    "emulator_cpu_ms": spent[-1] / requests * 1000,
                    "settled_s": drained,
                }
            results.setdefault(what, {})[str(concurrency)] = row
    return results


def report(results: Results, requests: int, database: str) -> None:
    print(f"p50 / p99 in ms over {requests} signed requests each; the bot on {database}")
    for what, levels in results.items():
        print(what)
        for concurrency, row in levels.items():
            bot, tuned, default = row[BOT], row[TUNED], row[DEFAULT]
            print(
                f"  {concurrency:>2} concurrent: bot {bot['p50']:6.1f} / {bot['p99']:6.1f}   "
                f"tuned bare {tuned['p50']:5.1f} / {tuned['p99']:5.1f}   "
                f"default bare {default['p50']:6.1f} / {default['p99']:6.1f}   "
                f"p99 bot/tuned {bot['p99'] / tuned['p99']:4.2f}x   "
                f"default/bot {default['p99'] / bot['p99']:4.1f}x"
            )
            if SOCKET in row:
                sock = row[SOCKET]
                print(
                    f"      over Socket Mode: bot {sock['p50']:6.1f} / {sock['p99']:6.1f}   "
                    f"CPU per request {sock['cpu_ms']:.2f} ms (emulator and sender "
                    f"{sock['emulator_cpu_ms']:.2f})"
                )
            print(
                f"      server CPU per request: bot {bot['cpu_ms']:.2f} ms (emulator "
                f"{bot['emulator_cpu_ms']:.2f}), tuned bare {tuned['cpu_ms']:.2f}, "
                f"default bare {default['cpu_ms']:.2f}"
            )


def case_with_invitation(box: Sandbox, response_url: str) -> dict[str, bytes]:
    """Open a case, set its first core group and send the invitations; return request bodies."""
    from datetime import UTC, datetime

    from bot.devtools.demo import Recorder  # the demo's people and its way of opening a case
    from bot.rules.ids import MeetingField, NewCaseField

    emu = box.emulator
    box.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    recorder = Recorder(box)
    sw, chair, school = (
        recorder.add(n, r) for n, r in (("Priya", "SW"), ("Tom", "Chair"), ("Reed", "School"))
    )
    lobby = emu.create_channel_as_user(sw, "lobby")
    emu.join_channel(chair, lobby)
    emu.join_channel(school, lobby)
    emu.slash_command(sw, lobby, "/coregroup", "new")
    f = NewCaseField
    view = emu.inspector.modal_stack(sw)[-1]["id"]
    emu.submit_view(
        sw,
        view,
        {
            (f.REFERENCE, f.REFERENCE): "bench-family",
            (f.NATION, f.NATION): "ENG",
            (f.ICPC, f.ICPC): "2026-11-20",
            (f.CHAIR, f.CHAIR): chair,
            (f.SOCIAL_WORKER, f.SOCIAL_WORKER): sw,
            (f.PROFESSIONAL.numbered(1), f.PROFESSIONAL.numbered(1)): school,
            (f.AGENCY.numbered(1), f.AGENCY.numbered(1)): "school",
        },
    )
    box.wait_for(lambda: emu.inspector.modal_stack(sw)[-1]["title"]["text"] == "Case opened")
    channel = emu.inspector.channel_named("bench-family").id
    emu.slash_command(sw, channel, "/coregroup", "schedule")
    view_state = emu.inspector.modal_stack(sw)[-1]
    meeting = next(b for b in view_state["blocks"] if b.get("block_id") == MeetingField.MEETING)
    emu.submit_view(
        sw,
        view_state["id"],
        {
            (MeetingField.MEETING, MeetingField.MEETING): meeting["element"]["options"][0]["value"],
            (MeetingField.DATE, MeetingField.DATE): "2026-12-03",
            (MeetingField.TIME, MeetingField.TIME): "10:00",
            (MeetingField.PLACE, MeetingField.PLACE): "School",
        },
    )
    box.wait_for(lambda: emu.inspector.files_seen_by(school))
    box.sweep()
    invitation = next(m for m in emu.inspector.messages(channel) if m.text.startswith("Invitation"))
    command = urllib.parse.urlencode(
        {
            "command": "/coregroup",
            "text": "status",
            "user_id": school,
            "channel_id": channel,
            "team_id": emu.team_id,
            "trigger_id": "1.2.3",
            "response_url": response_url,
        }
    ).encode()
    click: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": school},
        "team": {"id": emu.team_id},
        "channel": {"id": channel},
        "trigger_id": "1.2.3",
        "container": {},
        "response_url": response_url,
        "message": {"ts": invitation.ts},
        "actions": [
            {
                "action_id": "rsvp_attending",
                "block_id": "b",
                "type": "button",
                "value": str(meeting["element"]["options"][0]["value"]),
            }
        ],
    }
    return {
        "slash command (/coregroup status)": command,
        "button click (RSVP)": urllib.parse.urlencode({"payload": json.dumps(click)}).encode(),
        "modal submission (update form)": update_submission(box, school),
    }


# In a body, replaced by each request's own number (each request is then signed as it is sent):
# every update form sent is a new version, not the same words sent again (which is no change).
NUMBERED = "@@N@@"


def update_submission(box: Sandbox, school: str) -> bytes:
    """The school's update form, filled in as the school would fill it in; each request's
    `going well` names its number."""
    from datetime import UTC, datetime

    from bot.rules.ids import ActionId, UpdateField, ViewId

    emu = box.emulator
    box.clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))  # the prompts for 3 December go
    box.sweep()
    prompt = [
        m
        for m in emu.inspector.seen_by(school)
        if m.channel.startswith("D") and ActionId.GIVE_UPDATE in str(m.blocks)
    ][-1]
    emu.click(school, prompt.channel, prompt.ts, ActionId.GIVE_UPDATE)
    view = box.wait_for(lambda: emu.inspector.modal_stack(school))[-1]
    assert view["callback_id"] == ViewId.UPDATE, view["callback_id"]
    fields = {b.get("block_id") for b in view["blocks"]}
    values = {
        (field, field): text
        for field, text in (
            (UpdateField.GOING_WELL, f"Week {NUMBERED}: Jo was at school every day"),
            (UpdateField.WORRIES, "Mornings are still hard"),
            (UpdateField.NEW_HARM, "no"),
            (UpdateField.NEXT_STEPS, "Keep meeting Jo at the gate"),
        )
        if field in fields
    }
    payload = emu.interactions.submission_payload(school, view["id"], values)
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


BURST = 30  # clicks in a burst, one a person
BURST_SECONDS = 0.9  # from the first click to the last
BURST_SHOWN_WITHIN = 2.0  # seconds after the last click (issue #19's target)
BURST_MOST_RENDERS = 3


def burst_members(box: Sandbox) -> dict[str, str]:
    """Add people to the case until thirty can reply; their user ids and names."""
    emu = box.emulator
    channel = emu.inspector.channel_named("bench-family").id
    workspace = emu.workspace.users
    social_worker, school = (
        next(u for u, user in workspace.items() if user.real_name == name)
        for name in ("Priya", "Reed")
    )
    people = {social_worker: "Priya", school: "Reed"}
    for number in range(BURST - len(people)):
        name = f"Member {number:02d}"
        user = emu.add_user(name)
        emu.slash_command(social_worker, channel, "/coregroup", f"add <@{user}> school")
        people[user] = name
    box.settle()
    return people


def burst(box: Sandbox, people: dict[str, str], run: int) -> dict[str, Any]:
    """Thirty RSVP clicks within a second on the channel's invitation (attending, then
    apologies, alternately, so each burst changes every reply); what it took to show them."""
    from sqlmodel import Session, col, select

    from bot.rules.ids import ActionId
    from bot.rules.vocabulary import Rsvp
    from storage.models import Invitation

    emu = box.emulator
    channel = emu.inspector.channel_named("bench-family").id
    rsvp, action, line = (
        (Rsvp.ATTENDING, ActionId.RSVP_ATTENDING, "*Coming:*")
        if run % 2 == 0
        else (Rsvp.APOLOGIES, ActionId.RSVP_APOLOGIES, "*Apologies:*")
    )

    def invitation() -> Any:
        return next(m for m in emu.inspector.messages(channel) if m.text.startswith("Invitation"))

    def shown_line() -> str:
        texts = [b["text"]["text"] for b in invitation().blocks if "text" in b]
        lines = [part for text in texts for part in text.splitlines()]
        return next((part for part in lines if part.startswith(line)), "")

    ts = invitation().ts
    updates_before = len(emu.calls_to("chat.update"))
    start = time.monotonic() + 0.05
    sent: list[float] = []

    def click(number: int, user: str) -> None:
        time.sleep(max(0.0, start + number * BURST_SECONDS / (BURST - 1) - time.monotonic()))
        sent.append(time.monotonic())
        emu.click(user, channel, ts, action)

    threads = [threading.Thread(target=click, args=item) for item in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last = max(sent)
    shown_after = None
    while time.monotonic() < last + 15:
        if all(name in shown_line() for name in people.values()):
            shown_after = time.monotonic() - last
            break
        time.sleep(0.005)
    time.sleep(2.0)  # any re-render still to come has come
    renders = [c for c in emu.calls_to("chat.update")[updates_before:] if c.args.get("ts") == ts]
    with Session(box.engine) as session:
        stored = len(session.exec(select(Invitation).where(col(Invitation.rsvp) == rsvp)).all())
    return {
        "clicks": len(sent),
        "clicks_within_s": last - min(sent),
        "stored": stored,
        "shown_after_s": shown_after,
        "re_renders": len(renders),
    }


def report_bursts(bursts: list[dict[str, Any]], database: str) -> None:
    print(
        f"Bursts of {BURST} RSVP clicks on one invitation, the bot on {database} (targets: all "
        f"stored, shown within {BURST_SHOWN_WITHIN:.0f} s, at most {BURST_MOST_RENDERS} "
        "re-renders)"
    )
    for number, figures in enumerate(bursts, 1):
        shown = figures["shown_after_s"]
        print(
            f"  burst {number}: {figures['clicks']} clicks in {figures['clicks_within_s']:.2f} s, "
            f"{figures['stored']} stored, all shown "
            + (f"{shown:.2f} s after the last click" if shown is not None else "NOT within 15 s")
            + f", {figures['re_renders']} re-renders"
        )


if __name__ == "__main__":
    main()
