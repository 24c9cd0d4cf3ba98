"""The `coregroup` command as a person runs it: a real process, its output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=60,
        check=False,
    )


def test_timeline_json_is_the_stable_interface() -> None:
    result = run("timeline", "--icpc", "2026-11-23", "--nation", "ENG", "--format", "json")
    assert result.returncode == 0, result.stderr
    timeline = json.loads(result.stdout)
    assert list(timeline) == ["icpc", "nation", "first_core_group_by", "core_groups", "rcpcs"]
    assert timeline["icpc"] == "2026-11-23"
    assert timeline["nation"] == "ENG"
    assert timeline["first_core_group_by"] == "2026-12-07"
    assert timeline["core_groups"][0] == "2026-12-07"
    # Christmas 2026: nothing lands on 25, 26 or 28 December (Boxing Day observed).
    assert not {"2026-12-25", "2026-12-28"} & set(timeline["core_groups"])
    assert timeline["rcpcs"][0] == {"by": "2027-02-23", "reports_due": "2027-02-19"}
    assert all(r["by"] <= "2027-11-23" for r in timeline["rcpcs"])


def test_timeline_text_names_the_nation_and_weekdays() -> None:
    result = run("timeline", "--icpc", "2026-11-23", "--nation", "sct")
    assert result.returncode == 0, result.stderr
    assert "Scotland" in result.stdout
    # Scotland's first core group: 15 working days after the CPPM. St Andrew's Day (Mon 30 Nov
    # 2026) is a Scottish bank holiday: 24-27 Nov, 1-4 Dec, 7-11 Dec, 14 and 15 Dec.
    assert "Tue 15 Dec 2026  First core group by" in result.stdout
    assert "Mon 23 Nov 2026  Child Protection Planning Meeting (CPPM)" in result.stdout
    assert "Review CPPM 1 by" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("icpc", "nation", "what"),
    [("2026-12-25", "ENG", "Christmas Day"), ("2026-11-28", "SCT", "Saturday")],
)
def test_an_icpc_on_a_weekend_or_bank_holiday_is_accepted_with_a_one_line_warning(
    icpc: str, nation: str, what: str
) -> None:
    result = run("timeline", "--icpc", icpc, "--nation", nation, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["icpc"] == icpc
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"coregroup: warning: --icpc {icpc} is not a working day")
    assert what in result.stderr


def test_the_timeline_follows_the_nations_review_interval() -> None:
    # Scotland: the first review CPPM within 6 months; 3 months for a pre-birth CPPM.
    result = run("timeline", "--icpc", "2026-09-25", "--nation", "SCT", "--format", "json")
    assert json.loads(result.stdout)["rcpcs"][0]["by"] == "2027-03-25"
    result = run(
        "timeline",
        "--icpc",
        "2026-09-25",
        "--nation",
        "SCT",
        "--birth",
        "2026-10-01",
        "--format",
        "json",
    )
    # 25 Dec 2026 is Christmas Day: Thu 24 Dec.
    assert json.loads(result.stdout)["rcpcs"][0]["by"] == "2026-12-24"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--icpc", "2026-13-01", "--nation", "ENG"), "--icpc must be a date like"),
        (("--icpc", "23/11/2026", "--nation", "ENG"), "--icpc must be a date like"),
        (("--icpc", "2026-11-23", "--nation", "FRA"), "--nation must be one of ENG, WLS, SCT, NIR"),
        (("--icpc", "2026-11-23", "--nation", "ENG", "--birth", "soon"), "--birth must be a date"),
    ],
)
def test_timeline_bad_input_is_one_clear_line_and_exit_2(
    args: tuple[str, ...], message: str
) -> None:
    result = run("timeline", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_db_upgrade_then_current_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    behind = run("db", "current", env=env)
    assert behind.returncode == 1
    assert "revision None" in behind.stdout
    upgraded = run("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert run("db", "current", env=env).returncode == 0


def test_serve_without_a_bot_token_names_the_variable(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    result = run("serve", env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "coregroup: SLACK_BOT_TOKEN is not set: export it or put it in a .env file."
    )


def test_serve_refuses_an_unmigrated_database_and_says_what_to_run(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
    }
    result = run("serve", "--port", "0", env=env)
    assert result.returncode == 3
    assert "run `coregroup db upgrade`" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_setting_is_named_in_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEFAULT_NATION": "Mars"}
    result = run("db", "upgrade", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("coregroup: DEFAULT_NATION is not valid")
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_of_an_unknown_case_is_one_clear_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert run("db", "upgrade", env=env).returncode == 0
    result = run("export", "no-such-case", "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == "coregroup: No case has the reference 'no-such-case'."
