"""`coregroup serve` with SLACK_APP_TOKEN: a real process on Socket Mode, reconnecting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.devtools.emulator import SlackEmulator
from bot.rules.ids import Command
from storage.db import make_engine, upgrade


def test_serve_with_an_app_token_answers_over_socket_mode_and_logs_each_change_once(
    tmp_path: Path, emu: SlackEmulator
) -> None:
    database = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env = {
        **base,
        "DATABASE_URL": database,
        "SLACK_BOT_TOKEN": emu.bot_token,
        "SLACK_APP_TOKEN": emu.add_app_token(),  # and no signing secret: none is needed
        "SLACK_API_URL": emu.api_url,
    }
    emu.use_socket_mode()
    person = emu.add_user("Priya Shah")
    lobby = emu.create_channel_as_user(person, "team-lobby")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--log-level", "INFO"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        emu.socket_mode.wait_connected(1, timeout=30)
        first = emu.slash_command(person, lobby, Command.COREGROUP.value, "help")
        assert first.status == 200
        assert "/coregroup new" in first.json()["text"]

        emu.socket_mode.disconnect("refresh_requested")
        second = emu.slash_command(person, lobby, Command.COREGROUP.value, "help")
        assert second.status == 200
        assert emu.socket_mode.hellos == 2
    finally:
        process.terminate()
        _, log = process.communicate(timeout=20)
    changes = [
        line.split("coregroup.socket_mode: ", 1)[1]
        for line in log.splitlines()
        if "coregroup.socket_mode: " in line
    ]
    assert changes[:4] == [
        "Socket Mode connecting: asking Slack for a WebSocket URL",
        "Socket Mode connected: 1 connection(s) open",
        "Socket Mode reconnecting: Slack asked (refresh_requested)",
        changes[3],
    ]
    assert changes[3].startswith("Socket Mode connected")
    assert "Traceback" not in log
