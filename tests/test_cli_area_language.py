"""`coregroup area language`: an area's default language from the command line, audited, never
over a person's own choice nor an open case's language."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.rules.audit_actions import AuditAction
from bot.rules.vocabulary import Language, Nation
from bot.services.languages import person_language
from storage.db import make_engine
from storage.models import Area, AuditEvent, Case, PersonLanguage
from tests.test_cli import run

CHOSE = "UCHOSE"  # chose English with /coregroup language english
NEVER_CHOSE = "UNEVER"


def _world(tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    """One Welsh area and its case, in a migrated SQLite file (`db upgrade`: see test_cli)."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        area = Area(slack_team_id="TNORTH", name="North", nation=Nation.WLS)
        session.add(area)
        session.flush()
        session.add(
            Case(
                area_id=area.id or 0,
                reference="oak-family",
                nation=Nation.WLS,
                icpc_date=date(2026, 11, 16),
            )
        )
        session.add(
            PersonLanguage(
                slack_user_id=CHOSE,
                language=Language.ENGLISH,
                chosen=True,
                changed_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        session.commit()
    engine.dispose()
    return env


def test_the_area_goes_welsh_and_only_those_who_never_chose_follow(
    tmp_path: Path, sqlite_template: Path
) -> None:
    env = _world(tmp_path, sqlite_template)
    changed = run("area", "language", "cymraeg", "--team", "North", env=env)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.startswith("The default language of North is now Welsh")
    again = run("area", "language", "cy", "--team", "TNORTH", env=env)
    assert again.stdout == "The default language of North is already Welsh.\n"

    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        area = session.exec(select(Area)).one()
        assert area.language is Language.WELSH
        assert person_language(session, CHOSE) is Language.ENGLISH
        assert person_language(session, NEVER_CHOSE, area=area) is Language.WELSH
        assert session.exec(select(Case)).one().bot_language is Language.ENGLISH
        (event,) = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.AREA_LANGUAGE_CHANGED.value)
        ).all()
        assert event.actor.startswith("cli:") and event.area_id == area.id
        assert event.detail == {"before": "en", "after": "cy"}
    engine.dispose()


def test_an_unknown_language_or_area_is_one_line_and_exit_2(
    tmp_path: Path, sqlite_template: Path
) -> None:
    env = _world(tmp_path, sqlite_template)
    for args in (("klingon", "--team", "North"), ("cy", "--team", "South")):
        said = run("area", "language", *args, env=env)
        assert said.returncode == 2
        assert said.stdout == "" and len(said.stderr.strip().splitlines()) == 1, said.stderr
