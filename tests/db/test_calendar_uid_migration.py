"""Migration 0013: meetings made before it each get their own calendar UID."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import MetaData, Table, text

from bot.rules.vocabulary import Nation
from storage.db import make_engine, upgrade
from storage.models import Area, Case


def test_meetings_from_before_the_migration_each_get_their_own_uid(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0012")
    # Rows as the models make them, less the columns this migration adds.
    area = Area(id=1, slack_team_id="T1", name="Portsmouth").model_dump(
        exclude={"calendar_organizer"}
    )
    case = Case(
        id=1, area_id=1, reference="oak-family", nation=Nation.ENG, icpc_date=date(2026, 9, 1)
    ).model_dump()
    tables = MetaData()
    with engine.begin() as connection:
        connection.execute(Table("areas", tables, autoload_with=connection).insert(), area)
        connection.execute(Table("cases", tables, autoload_with=connection).insert(), case)
        for sequence in (1, 2, 3):
            connection.execute(
                text(
                    "INSERT INTO meetings (case_id, kind, sequence, due_by, status)"
                    " VALUES (1, 'core_group', :sequence, '2026-10-01', 'due')"
                ),
                {"sequence": sequence},
            )
    upgrade(engine)
    with engine.connect() as connection:
        uids = connection.execute(text("SELECT calendar_uid FROM meetings")).scalars().all()
    engine.dispose()
    assert len(set(uids)) == 3 and all(uids)
