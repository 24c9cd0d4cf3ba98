"""`coregroup measures` and `coregroup managers` on a real SQLite file, through the command line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from sqlmodel import Session, select

from bot.rules.audit_actions import AuditAction
from storage.db import make_engine
from storage.models import AuditEvent, Case
from tests.measures.test_known_world import build
from tests.test_cli import run

PERIOD = ("--from", "2026-01-01", "--to", "2026-03-31")


def _world(tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    """The known world in a migrated SQLite file (`db upgrade` itself is tested in test_cli)."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        build(session)
    engine.dispose()
    return env


def test_every_format_gives_the_figures_and_names_no_case(
    tmp_path: Path, sqlite_template: Path
) -> None:
    env = _world(tmp_path, sqlite_template)
    text = run("measures", *PERIOD, env=env)
    assert text.returncode == 0, text.stderr
    assert "First core group held within the nation's limit: 1 of 2 (50%)" in text.stdout
    assert "Family: 0 on time, 0 late, 1 not given (of 1)" in text.stdout
    figures = json.loads(run("measures", *PERIOD, "--format", "json", env=env).stdout)["figures"]
    quorate = [f for f in figures if f["measure"] == "quorate" and f["team"] == "All teams"]
    assert quorate == [
        {"team": "All teams", "measure": "quorate", "agency": "", "numerator": 3, "denominator": 4}
    ]
    notice = {
        f["measure"]: (f["numerator"], f["denominator"])
        for f in figures
        if f["measure"].startswith("quorum_") and f["team"] == "All teams"
    }
    assert notice == {
        "quorum_known_5_working_days_ahead": (0, 3),
        "quorum_known_3_working_days_ahead": (1, 3),
        "quorum_known_1_working_day_ahead": (1, 3),
        "quorum_known_on_the_day": (1, 3),
        "quorum_never_forecast": (1, 3),
        "quorum_known_median_working_days": (1.5, 2),
    }
    assert (
        "How far ahead the replies made quorum known, of 1 quorate conference: median 3 working "
        "days; at least 5 working days ahead: 0; at least 3 working days ahead: 1; at least 1 "
        "working day ahead: 1; only on the day: 0; never forecast: 0"
    ) in text.stdout
    rows = list(
        csv.DictReader(io.StringIO(run("measures", *PERIOD, "--format", "csv", env=env).stdout))
    )
    assert {
        "team": "South",
        "measure": "child_views",
        "agency": "",
        "numerator": "1",
        "denominator": "1",
    } in rows
    html = run("measures", *PERIOD, "--team", "North", "--format", "html", env=env).stdout
    assert "<svg" in html and "@media print" in html and "South" not in html
    assert "<td>Known at least 3 working days ahead</td><td class='n'>1</td>" in html
    for output in (text.stdout, html):
        for reference in ("CP-1", "CP-2", "CP-3", "She likes her nursery", "Person 1"):
            assert reference not in output


def test_a_bad_period_or_team_is_one_line(tmp_path: Path, sqlite_template: Path) -> None:
    env = _world(tmp_path, sqlite_template)
    backwards = run("measures", "--from", "2026-03-01", "--to", "2026-02-01", env=env)
    assert backwards.returncode == 2 and backwards.stderr.count("\n") == 1
    nowhere = run("measures", *PERIOD, "--team", "Atlantis", env=env)
    assert nowhere.returncode == 2 and "Atlantis" in nowhere.stderr


def test_a_database_no_team_has_used_yet_has_nothing_to_measure(
    tmp_path: Path, sqlite_template: Path
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    empty = run("measures", *PERIOD, env=env)
    assert empty.returncode == 1 and empty.stdout == ""
    assert empty.stderr == (
        "coregroup: no team has used the bot yet, so there is nothing to measure.\n"
    )


def test_managers_are_granted_listed_and_removed_with_an_audit_trail(
    tmp_path: Path, sqlite_template: Path
) -> None:
    env = _world(tmp_path, sqlite_template)
    added = run("managers", "add", "UBOSS", "--team", "North", env=env)
    assert added.returncode == 0, added.stderr
    assert run("managers", "list", "--team", "TNORTH", env=env).stdout == "UBOSS\n"
    assert "already" in run("managers", "add", "UBOSS", "--team", "North", env=env).stdout
    assert run("managers", "remove", "UBOSS", "--team", "North", env=env).returncode == 0
    assert run("managers", "list", "--team", "North", env=env).stdout == ""
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.case_id.is_(None))).all()  # type: ignore[union-attr]
        assert session.exec(select(Case)).first() is not None
    engine.dispose()
    assert actions == [AuditAction.MANAGER_GRANTED.value, AuditAction.MANAGER_REMOVED.value]


def test_an_area_is_renamed_and_the_measures_show_its_name(
    tmp_path: Path, sqlite_template: Path
) -> None:
    env = _world(tmp_path, sqlite_template)
    renamed = run("area", "rename", "Portsmouth  North ", "--team", "TNORTH", env=env)
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stdout == "North is now called Portsmouth North.\n"
    text = run("measures", *PERIOD, "--team", "TNORTH", env=env).stdout
    assert text.splitlines()[2] == "Portsmouth North"
    by_name = run("measures", *PERIOD, "--team", "Portsmouth North", "--format", "csv", env=env)
    assert {row["team"] for row in csv.DictReader(io.StringIO(by_name.stdout))} == {
        "Portsmouth North"
    }
    # Names stay unambiguous: neither another area's name nor its workspace id, and not blank.
    for taken in ("South", "TSOUTH", "  "):
        refused = run("area", "rename", taken, "--team", "Portsmouth North", env=env)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.AREA_RENAMED.value)
        ).all()
    engine.dispose()
    assert [(e.detail, e.actor.startswith("cli:")) for e in events] == [
        ({"before": "North", "name": "Portsmouth North"}, True)
    ]
