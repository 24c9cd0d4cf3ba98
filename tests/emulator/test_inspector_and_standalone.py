"""What each person sees, and the standalone emulator process the CLI will wrap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from slack_sdk import WebClient

from bot.devtools.emulator import SlackEmulator

REPO = Path(__file__).resolve().parents[2]


def test_private_channel_messages_are_seen_only_by_members(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy, outsider = emu.add_user("amy"), emu.add_user("zed")
    client.conversations_invite(channel=private_case, users=amy)
    ts = client.chat_postMessage(channel=private_case, text="Core group on Tuesday")["ts"]
    client.chat_postMessage(channel=private_case, text="Agenda", thread_ts=ts)
    seen = [(s.kind, s.text) for s in emu.inspector.seen_by(amy) if s.channel == private_case]
    assert seen[-2:] == [("message", "Core group on Tuesday"), ("reply", "Agenda")]
    assert emu.inspector.seen_by(outsider) == []
    emu.leave_channel(amy, private_case)
    assert [s for s in emu.inspector.seen_by(amy) if s.channel == private_case] == []


def test_seen_items_carry_emulator_time_and_dms_are_private(
    emu: SlackEmulator, client: WebClient, clock: object
) -> None:
    amy, bob = emu.add_user("amy"), emu.add_user("bob")
    client.chat_postMessage(channel=amy, text="Your update is due Friday")
    [item] = emu.inspector.seen_by(amy)
    assert item.at == emu.clock.now() and item.channel.startswith("D")
    assert emu.inspector.seen_by(bob) == []
    assert "Your update is due Friday" in emu.inspector.transcript(amy)


def test_channel_state_shows_members_topic_pins_and_flags(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    client.conversations_setTopic(channel=private_case, topic="Case 0001")
    ts = client.chat_postMessage(channel=private_case, text="Plan")["ts"]
    client.pins_add(channel=private_case, timestamp=ts)
    state = emu.inspector.channel_named("case-0001")
    assert (state.is_private, state.is_archived, state.topic, state.pins) == (
        True,
        False,
        "Case 0001",
        (ts,),
    )
    assert state.members == (emu.bot_user_id,)


def test_standalone_prints_its_url_and_stops_on_sigterm() -> None:
    code = (
        "from bot.devtools.emulator import run_standalone\n"
        "run_standalone(0, 'xoxb-standalone', ['chat:write', 'groups:write'])\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("Slack emulator ready: SLACK_API_URL=http://127.0.0.1:")
        api_url = line.split("=", 1)[1]
        assert api_url.endswith("/api/")
        assert WebClient(token="xoxb-standalone", base_url=api_url).auth_test()["ok"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
