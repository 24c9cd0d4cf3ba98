"""`coregroup purge` and `coregroup export --person` as an operator runs them: real processes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.devtools.emulator import SlackEmulator
from bot.rules.vocabulary import Agency, CaseStatus, Nation, Role
from storage.db import UnitOfWork, make_engine, upgrade
from storage.models import AgencyUpdate, Area, AuditEvent, Case, Meeting, Member, UpdateRequest

from .test_cli import run

ENDED = datetime(2027, 2, 16, 16, 0, tzinfo=UTC)


def ended_case(database_url: str, reed: str) -> None:
    """An area with one ended case: Ms Reed (school) sent an update; Nana Rose is offline."""
    engine = make_engine(database_url)
    upgrade(engine)
    with UnitOfWork(engine)() as session:
        area = Area(slack_team_id="T1", name="Portsmouth", nation=Nation.ENG)
        session.add(area)
        session.flush()
        assert area.id is not None
        case = Case(
            area_id=area.id,
            reference="oak-family",
            nation=Nation.ENG,
            icpc_date=date(2026, 11, 20),
            status=CaseStatus.ENDED,
            closed_at=ENDED,
        )
        session.add(case)
        session.flush()
        assert case.id is not None
        school = Member(
            case_id=case.id,
            slack_user_id=reed,
            display_name="Ms Reed",
            role=Role.PROFESSIONAL,
            agency=Agency.SCHOOL,
        )
        nana = Member(
            case_id=case.id, display_name="Nana Rose", role=Role.FAMILY, agency=Agency.FAMILY
        )
        rcpc = Meeting(case_id=case.id, kind="rcpc", sequence=1, due_by=date(2027, 2, 16))
        session.add_all([school, nana, rcpc])
        session.flush()
        assert school.id is not None and rcpc.id is not None
        request = UpdateRequest(meeting_id=rcpc.id, member_id=school.id, due_at=ENDED)
        session.add(request)
        session.flush()
        assert request.id is not None
        session.add(
            AgencyUpdate(
                request_id=request.id,
                version=1,
                submitted_by=reed,
                submitted_at=ENDED,
                going_well="Jo is settled in class",
            )
        )
    engine.dispose()


def test_dry_run_lists_what_would_be_purged_and_why_and_deletes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    ended_case(url, "U0REED")
    env = {"DATABASE_URL": url}
    early = run("purge", "--dry-run", "--at", "2029-02-14T06:00:00Z", env=env)
    assert (early.returncode, early.stdout.strip()) == (
        0,
        "No case is past retention as of 2029-02-14T06:00:00+00:00.",
    )
    late = run("purge", "--dry-run", "--at", "2029-02-17T06:00:00Z", env=env)
    assert late.returncode == 0, late.stderr
    assert late.stdout.strip() == (
        "oak-family: plan ended 2027-02-16, kept 730 days, past retention since 2029-02-15: "
        "export first, then purge"
    )
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(Case)).one().reference == "oak-family"
    engine.dispose()


def test_an_early_purge_needs_a_reason_and_is_recorded_in_the_tombstone(
    tmp_path: Path, emu: SlackEmulator
) -> None:
    reed = emu.add_user("Ms Reed")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    ended_case(url, reed)
    env = {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": emu.bot_token,
        "SLACK_API_URL": emu.api_url,
        "EXPORT_DIR": str(tmp_path / "exports"),
    }
    no_reason = run("purge", "--case", "oak-family", env=env)
    assert no_reason.returncode == 2
    assert no_reason.stderr.strip().startswith("coregroup: --case needs --reason")
    done = run("purge", "--case", "oak-family", "--reason", "Court order of 3 May 2027", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Purged oak-family:")
    assert (tmp_path / "exports" / "T1" / "oak-family" / "case.json").exists()
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(Case)).all() == []
        [tombstone] = session.exec(select(AuditEvent)).all()
    engine.dispose()
    assert tombstone.detail["reason"] == "Court order of 3 May 2027"
    assert tombstone.detail["requested_by"].startswith("cli:")
    again = run("purge", "--case", "oak-family", "--reason", "again", env=env)
    assert again.returncode == 2
    assert "No case has the reference 'oak-family'" in again.stderr


def test_an_open_case_is_never_purged(tmp_path: Path, emu: SlackEmulator) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    ended_case(url, emu.add_user("Ms Reed"))
    engine = make_engine(url)
    with UnitOfWork(engine)() as session:
        case = session.exec(select(Case)).one()
        case.status = CaseStatus.OPEN
        session.add(case)
    engine.dispose()
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": emu.bot_token, "SLACK_API_URL": emu.api_url}
    refused = run("purge", "--case", "oak-family", "--reason", "mistake", env=env)
    assert refused.returncode == 2
    assert "still open: a purge never runs for an open case" in refused.stderr


def test_export_person_writes_everything_stored_about_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    ended_case(url, "U0REED")
    env = {"DATABASE_URL": url}
    for who in ("@U0REED", "ms reed"):
        out = tmp_path / who.strip("@ ")
        done = run("export", "--person", who, "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        record = json.loads((out / "person.json").read_text())
        [membership] = record["core_group_memberships"]
        assert membership["case_reference"] == "oak-family"
        assert [u["going_well"] for u in record["updates_every_version"]] == [
            "Jo is settled in class"
        ]
    offline = run("export", "--person", "Nana Rose", "--out", str(tmp_path / "nana"), env=env)
    assert offline.returncode == 0, offline.stderr
    nobody = run("export", "--person", "Nobody", "--out", str(tmp_path / "x"), env=env)
    assert nobody.returncode == 2
    assert (
        nobody.stderr.strip()
        == "coregroup: Nothing is stored about 'Nobody': no core group has them."
    )
    both = run("export", "oak-family", "--person", "Nobody", "--out", str(tmp_path / "y"), env=env)
    assert both.returncode == 2
