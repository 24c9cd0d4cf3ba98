"""The `coregroup` command as a person runs it: a real process, its output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.examples import examples


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
    (tmp_path / "fresh.sqlite3").touch()  # an empty database: no revision yet
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
    (tmp_path / "empty.sqlite3").touch()
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


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failing command printed on stderr."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("coregroup: ")
    return lines[0]


def test_a_pre_birth_icpc_before_the_birth_is_one_line_and_exit_2() -> None:
    result = run("timeline", "--icpc", "2026-12-21", "--nation", "ENG", "--birth", "2026-12-01")
    assert result.returncode == 2
    assert "comes before the birth" in one_line(result)


def test_argument_mistakes_are_one_line_and_exit_2() -> None:
    for args in (("timeline",), ("no-such-command",), ("serve", "--port", "http"), ()):
        result = run(*args)
        assert result.returncode == 2, args
        assert "--help" in one_line(result)


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("nonsense", 2, "DATABASE_URL is not a database URL"),
        ("mysql://someone@localhost/coregroup", 2, "a database the bot cannot use (mysql)"),
        ("postgresql+psycopg://nobody@127.0.0.1:9/x", 1, "Cannot reach the database at"),
        ("sqlite:////proc/no-such-folder/db.sqlite3", 1, "No database at"),
        ("sqlite:////tmp/x.sqlite3?synchronous=off", 2, "synchronous=off is not one the bot"),
    ],
)
@pytest.mark.parametrize("command", [("db", "current"), ("export", "oak-family")])
def test_a_bad_or_unreachable_database_is_one_line(
    tmp_path: Path, url: str, status: int, words: str, command: tuple[str, ...]
) -> None:
    result = run(
        *command,
        *(["--out", str(tmp_path)] if "export" in command else []),
        env={"DATABASE_URL": url},
    )
    assert result.returncode == status
    assert words in one_line(result)


def test_db_upgrade_where_no_folder_can_be_made_is_one_line_and_exit_1() -> None:
    result = run("db", "upgrade", env={"DATABASE_URL": "sqlite:////proc/no-such/db.sqlite3"})
    assert result.returncode == 1
    assert "Cannot create /proc/no-such" in one_line(result)


def test_a_malformed_app_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SLACK_APP_TOKEN": "xoxb-1"}
    result = run("serve", env=env)
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not valid: an app-level token starts with xapp-" in one_line(result)


def test_demo_out_pointing_at_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("mine")
    result = run("demo", "--out", str(tmp_path / "a-file"))
    assert result.returncode == 2
    assert "--out must be a folder" in one_line(result)
    assert (tmp_path / "a-file").read_text() == "mine"


def test_demo_out_holding_a_file_where_its_files_folder_goes_is_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    (tmp_path / "files").write_text("mine")
    result = run("demo", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "which is a file: move it" in one_line(result)
    assert (tmp_path / "files").read_text() == "mine"


def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose default data directory is under tmp_path."""
    return {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}


def test_read_only_commands_create_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "not" / "here" / "db.sqlite3"
    for env in (home(tmp_path), {**home(tmp_path), "DATABASE_URL": f"sqlite:///{missing}"}):
        for args in (("db", "current"), ("export", "oak-family", "--out", str(tmp_path / "o"))):
            result = run(*args, env=env)
            assert result.returncode == 1
            assert "`coregroup init` creates it" in one_line(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_init_creates_the_default_database_and_its_folder_and_says_where(tmp_path: Path) -> None:
    created = run("init", env=home(tmp_path))
    assert created.returncode == 0, created.stderr
    database = tmp_path / "data" / "coregroup" / "coregroup.sqlite3"
    assert database.is_file()
    assert created.stdout.startswith(f"Created the database at {database} (revision ")
    again = run("init", env=home(tmp_path))
    assert "the newest: nothing to do" in again.stdout
    assert run("db", "current", env=home(tmp_path)).returncode == 0


BAD_VALUES = ["", "x", "-1", "99999", "2026-02-30", "ENG", "--help-me", "é", "sqlite:", "0"]


COMMANDS = st.sampled_from(
    [
        ("timeline",),
        ("db", "current"),
        ("db", "upgrade"),
        ("init",),
        ("export",),
        ("sweep",),
        ("serve",),
        ("demo",),
    ]
)
WORDS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "--icpc",
                "--nation",
                "--birth",
                "--format",
                "--at",
                "--out",
                "--port",
                "--host",
                "--log-level",
                "oak-family",
            ]
        ),
        st.sampled_from(BAD_VALUES),
    ),
    max_size=6,
)
ENVIRONMENTS = st.dictionaries(
    st.sampled_from(
        [
            "DATABASE_URL",
            "SLACK_BOT_TOKEN",
            "SLACK_APP_TOKEN",
            "SLACK_SIGNING_SECRET",
            "DEFAULT_NATION",
            "DEFAULT_TIMEZONE",
            "CLOCK_FILE",
            "DISPATCH_EVERY_SECONDS",
            "SLACK_API_URL",
        ]
    ),
    st.sampled_from(
        [
            *BAD_VALUES,
            "postgresql+psycopg://x@127.0.0.1:9/x",
            "xoxb-1",
            "xapp-1",
            "http://127.0.0.1:9/api/",
            "/proc/nope",
        ]
    ),
    max_size=4,
)


@examples(short=10, full=40)  # each example starts a process: about a second here
def test_any_bad_arguments_or_environment_give_one_line_never_a_traceback(
    tmp_path: Path, examples: int
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(command=COMMANDS, words=WORDS, environment=ENVIRONMENTS)
    def check(command: tuple[str, ...], words: list[str], environment: dict[str, str]) -> None:
        with tempfile.TemporaryDirectory(dir=tmp_path) as scratch:
            args = list(command) + words
            if command == ("demo",) and "--out" not in words:
                args += ["--out", str(Path(scratch) / "file")]
                (Path(scratch) / "file").write_text("not a folder")
            result = run(*args, env={**home(Path(scratch)), **environment})
        assert "Traceback" not in result.stderr, (args, environment, result.stderr)
        if result.returncode != 0:
            assert result.returncode in (1, 2, 3), (args, environment, result.stderr)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, (args, environment, result.stderr)

    check()
