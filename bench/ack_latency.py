"""Benchmark: how fast Slack gets its acknowledgement, under 1, 10 and 50 concurrent requests.

    .venv/bin/python bench/ack_latency.py [--requests 400]

Side by side, served the same way (Starlette under uvicorn on loopback, signed requests):
the Core Group bot (`/coregroup status` in a case channel, and an RSVP click), a bare Bolt app
that only calls ack() tuned the same way (process_before_response=True), and that bare app in
Bolt's default mode. Targets: p99 under 20 ms at 10 concurrent, at most 1.2x the tuned bare app,
at least 5x faster than the default-mode bare app.

The load generator, the emulator and the three servers share this one Python process (and its
GIL), so every figure here is pessimistic; the ratios are the comparison that matters.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bot.sandbox import BOT_TOKEN, SIGNING_SECRET, Sandbox
from bot.slack_client import make_web_client
from bot.web import BackgroundServer


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
    return app


def signed(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def post(url: str, body: bytes) -> float:
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    start = time.perf_counter()
    connection.request("POST", parsed.path, body=body, headers=signed(body))
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    assert response.status == 200, response.status
    return elapsed * 1000


def run(url: str, body: bytes, concurrency: int, requests: int) -> tuple[float, float]:
    for _ in range(5):
        post(url, body)  # warm up
    with ThreadPoolExecutor(concurrency) as pool:
        times = list(pool.map(lambda _: post(url, body), range(requests)))
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Sandbox(f"sqlite:///{folder}/b.sqlite3") as box:
        bodies = case_with_invitation(box)
        api = box.emulator.api_url
        servers = {
            "tuned bare Bolt": BackgroundServer(bare_app(api, tuned=True), SIGNING_SECRET),
            "default-mode bare Bolt": BackgroundServer(bare_app(api, tuned=False), SIGNING_SECRET),
        }
        urls = {name: server.start() for name, server in servers.items()}
        urls["Core Group bot"] = box.url
        for what, body in bodies.items():
            print(f"{what}: p50 / p99 in ms ({args.requests} signed requests each)")
            for concurrency in (1, 10, 50):
                row = {
                    name: run(url, body, concurrency, args.requests) for name, url in urls.items()
                }
                bot, tuned, default = (row["Core Group bot"], row["tuned bare Bolt"],
                                       row["default-mode bare Bolt"])  # fmt: skip
                print(
                    f"  {concurrency:>2} concurrent: bot {bot[0]:6.1f} / {bot[1]:6.1f}   "
                    f"tuned bare {tuned[0]:6.1f} / {tuned[1]:6.1f}   "
                    f"default bare {default[0]:6.1f} / {default[1]:6.1f}   "
                    f"p99 bot/tuned {bot[1] / tuned[1]:4.2f}x   "
                    f"default/bot {default[1] / bot[1]:4.1f}x"
                )
        for server in servers.values():
            server.stop()
        time.sleep(2)  # let the bot's work after each acknowledgement finish before teardown


def case_with_invitation(box: Sandbox) -> dict[str, bytes]:
    """Open a case, set its first core group and send the invitations; return request bodies."""
    from datetime import UTC, datetime

    from bot.demo import Recorder  # the demo's people and its way of opening a case
    from bot.ids import MeetingField, NewCaseField

    emu = box.emulator
    box.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    recorder = Recorder(box)
    sw, chair, school = (recorder.add(n, r) for n, r in
                         (("Priya", "SW"), ("Tom", "Chair"), ("Reed", "School")))  # fmt: skip
    lobby = emu.create_channel_as_user(sw, "lobby")
    emu.join_channel(chair, lobby)
    emu.join_channel(school, lobby)
    emu.slash_command(sw, lobby, "/coregroup", "new")
    f = NewCaseField
    view = emu.inspector.modal_stack(sw)[-1]["id"]
    emu.submit_view(sw, view, {(f.REFERENCE, f.REFERENCE): "bench-family",
                               (f.NATION, f.NATION): "ENG", (f.ICPC, f.ICPC): "2026-11-20",
                               (f.CHAIR, f.CHAIR): chair, (f.SOCIAL_WORKER, f.SOCIAL_WORKER): sw,
                               (f.PROFESSIONAL.numbered(1), f.PROFESSIONAL.numbered(1)): school,
                               (f.AGENCY.numbered(1), f.AGENCY.numbered(1)): "school"})  # fmt: skip
    box.wait_for(lambda: emu.inspector.modal_stack(sw)[-1]["title"]["text"] == "Case opened")
    channel = emu.inspector.channel_named("bench-family").id
    emu.slash_command(sw, channel, "/coregroup", "schedule")
    view_state = emu.inspector.modal_stack(sw)[-1]
    meeting = next(b for b in view_state["blocks"] if b.get("block_id") == MeetingField.MEETING)
    emu.submit_view(sw, view_state["id"], {
        (MeetingField.MEETING, MeetingField.MEETING): meeting["element"]["options"][0]["value"],
        (MeetingField.DATE, MeetingField.DATE): "2026-12-03",
        (MeetingField.TIME, MeetingField.TIME): "10:00",
        (MeetingField.PLACE, MeetingField.PLACE): "School"})  # fmt: skip
    box.wait_for(lambda: emu.inspector.files_seen_by(school))
    box.sweep()
    invitation = next(m for m in emu.inspector.messages(channel) if m.text.startswith("Invitation"))
    command = urllib.parse.urlencode({
        "command": "/coregroup", "text": "status", "user_id": school, "channel_id": channel,
        "team_id": emu.team_id, "trigger_id": "1.2.3", "response_url": emu.api_url + "none",
    }).encode()  # fmt: skip
    click: dict[str, Any] = {
        "type": "block_actions", "user": {"id": school}, "team": {"id": emu.team_id},
        "channel": {"id": channel}, "trigger_id": "1.2.3", "container": {},
        "response_url": emu.api_url + "none", "message": {"ts": invitation.ts},
        "actions": [{"action_id": "rsvp_attending", "block_id": "b", "type": "button",
                     "value": str(meeting["element"]["options"][0]["value"])}],
    }  # fmt: skip
    return {
        "slash command (/coregroup status)": command,
        "button click (RSVP)": urllib.parse.urlencode({"payload": json.dumps(click)}).encode(),
    }


if __name__ == "__main__":
    main()
