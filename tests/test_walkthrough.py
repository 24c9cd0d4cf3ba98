"""The README's local walkthrough, as a newcomer types it: emulator, init, serve, say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import free_port


def coregroup(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def test_the_five_steps_end_with_a_signed_help_command_answered(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env = {**base, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    port = free_port()
    app_url = f"http://127.0.0.1:{port}/slack/events"
    emulator = subprocess.Popen(
        coregroup("emulator", "--app-url", app_url),
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    server: subprocess.Popen[str] | None = None
    try:
        # 1. The emulator says what to paste.
        assert emulator.stdout is not None
        printed = [emulator.stdout.readline() for _ in range(8)]
        pasted = dict(re.findall(r"^  export (SLACK_\w+)=(\S+)$", "".join(printed), re.MULTILINE))
        assert sorted(pasted) == ["SLACK_API_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
        say = printed[-1].strip()
        assert say.startswith("coregroup emulator say --as U") and say.endswith('"/coregroup help"')
        user = say.split()[4]
        env = {**env, **pasted}
        # 2. The database, where the default is.
        created = subprocess.run(coregroup("init"), env=env, capture_output=True, text=True)
        assert created.returncode == 0, created.stderr
        assert "Created the database at" in created.stdout
        # 3. and 4. The bot, against the emulator.
        server = subprocess.Popen(
            coregroup("serve", "--port", str(port)),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # 5. A person types /coregroup help; the emulator signs it and sends it to the bot.
        deadline = time.monotonic() + 30
        while True:
            said = subprocess.run(
                coregroup("emulator", "say", "--as", user, "/coregroup help"),
                env=env,
                capture_output=True,
                text=True,
            )
            if said.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)  # the bot is still starting
        assert said.returncode == 0, said.stderr
        assert "`/coregroup help`: this message" in said.stdout
    finally:
        for process in (server, emulator):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def test_say_without_an_emulator_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["SLACK_API_URL"] = f"http://127.0.0.1:{free_port()}/api/"
    said = subprocess.run(
        coregroup("emulator", "say", "--as", "U1", "/coregroup help"),
        env=env,
        capture_output=True,
        text=True,
    )
    assert said.returncode == 1
    assert said.stderr.startswith("coregroup: Cannot reach the emulator at")
    assert len(said.stderr.strip().splitlines()) == 1
