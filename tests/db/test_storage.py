"""Storage against real databases: migrations, round trips, the unit of work, the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, SQLModel, select

from bot.rules.vocabulary import (
    Agency,
    CaseStatus,
    MeetingKind,
    Nation,
    OutboxState,
    Rag,
    Role,
    Rsvp,
)
from storage.db import (
    SchemaNotCurrentError,
    UnitOfWork,
    current_revision,
    ensure_schema_current,
    head_revision,
    make_engine,
)
from storage.models import (
    AgencyUpdate,
    Area,
    AuditEvent,
    Case,
    Invitation,
    Meeting,
    Member,
    OutboxMessage,
    Outcome,
    OutcomeRating,
    UpdateRequest,
)

AT = datetime(2026, 10, 26, 9, 30, tzinfo=UTC)


def make_case(session: Session, reference: str = "oak-family") -> Case:
    area = session.exec(select(Area).where(Area.slack_team_id == "T1")).first()
    if area is None:
        area = Area(slack_team_id="T1", name="Portsmouth", nation=Nation.ENG)
        session.add(area)
        session.flush()
    assert area.id is not None
    case = Case(area_id=area.id, reference=reference, nation=Nation.ENG, icpc_date=date(2026, 9, 1))
    session.add(case)
    session.flush()
    return case


def test_migrations_build_exactly_the_schema_the_models_describe(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
    assert current_revision(engine) == head_revision()


def test_an_unmigrated_database_is_refused_with_the_command_to_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(SchemaNotCurrentError, match="coregroup db upgrade"):
        ensure_schema_current(engine)


def test_a_whole_case_round_trips_with_enums_and_utc_instants(engine: Engine) -> None:
    unit = UnitOfWork(engine)
    with unit() as session:
        case = make_case(session)
        assert case.id is not None
        family = Member(
            case_id=case.id, display_name="Sam (mum)", role=Role.FAMILY, agency=Agency.FAMILY
        )
        school = Member(
            case_id=case.id,
            slack_user_id="U0SCHOOL",
            display_name="Ms Reed",
            role=Role.PROFESSIONAL,
            agency=Agency.SCHOOL,
        )
        outcome = Outcome(case_id=case.id, position=1, wording="Jo gets to school every day")
        session.add_all([family, school, outcome])
        session.flush()
        # A London wall-clock time in BST is stored as the same instant in UTC.
        starts = datetime(2026, 10, 20, 10, 0, tzinfo=timezone(timedelta(hours=1)))
        meeting = Meeting(
            case_id=case.id,
            kind=MeetingKind.CORE_GROUP,
            sequence=1,
            due_by=date(2026, 10, 20),
            starts_at=starts,
        )
        session.add(meeting)
        session.flush()
        assert meeting.id and school.id and outcome.id
        session.add(Invitation(meeting_id=meeting.id, member_id=school.id, rsvp=Rsvp.ATTENDING))
        request = UpdateRequest(meeting_id=meeting.id, member_id=school.id, due_at=AT)
        session.add(request)
        session.flush()
        assert request.id
        update = AgencyUpdate(
            request_id=request.id,
            version=1,
            submitted_by="U0SCHOOL",
            submitted_at=AT,
            going_well="Attendance up to 92%",
            professional_only_sections=["worries"],
        )
        session.add(update)
        session.flush()
        assert update.id
        session.add(OutcomeRating(update_id=update.id, outcome_id=outcome.id, rag=Rag.AMBER))

    with Session(engine) as session:
        loaded = session.exec(select(Meeting)).one()
        assert loaded.kind is MeetingKind.CORE_GROUP
        assert loaded.starts_at == datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
        assert loaded.starts_at.tzinfo is not None
        rating = session.exec(select(OutcomeRating)).one()
        assert rating.rag is Rag.AMBER
        stored = session.exec(select(AgencyUpdate)).one()
        assert stored.professional_only_sections == ["worries"]
        assert session.exec(select(Case)).one().status is CaseStatus.OPEN
        names = sorted(m.display_name for m in session.exec(select(Member)))
        assert names == ["Ms Reed", "Sam (mum)"]


def test_area_settings_default_to_the_domain_rules(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        session.add(Area(slack_team_id="T9", name="Dorset", closure_days=["2026-12-24"]))
    with Session(engine) as session:
        area = session.exec(select(Area)).one()
    assert (area.core_group_interval_weeks, area.report_deadline_working_days) == (6, 2)
    assert area.local_time_of_day == time(9, 30)
    assert area.closure_days == ["2026-12-24"]
    assert area.nation is Nation.ENG


def test_the_unit_of_work_writes_nothing_when_the_work_fails(engine: Engine) -> None:
    unit = UnitOfWork(engine)
    with pytest.raises(RuntimeError), unit() as session:
        make_case(session)
        raise RuntimeError("Slack said no")
    with Session(engine) as session:
        assert session.exec(select(Case)).all() == []


def test_an_outbox_key_is_planned_only_once(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        session.add(OutboxMessage(key="prompt:1:2:1", kind="prompt", recipient="U1", due_at=AT))
    with pytest.raises(IntegrityError), UnitOfWork(engine)() as session:
        session.add(OutboxMessage(key="prompt:1:2:1", kind="prompt", recipient="U1", due_at=AT))
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert row.state is OutboxState.PENDING
    assert row.due_at == AT


def test_due_outbox_rows_order_by_instant_not_by_text(engine: Engine) -> None:
    """Instants in other offsets are normalised, so 'due before' means earlier in time."""
    later_in_utc = datetime(2026, 10, 26, 8, 0, tzinfo=timezone(timedelta(hours=-5)))  # 13:00Z
    earlier = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    with UnitOfWork(engine)() as session:
        session.add(OutboxMessage(key="a", kind="chase", recipient="U1", due_at=later_in_utc))
        session.add(OutboxMessage(key="b", kind="chase", recipient="U1", due_at=earlier))
    with Session(engine) as session:
        due = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.due_at <= datetime(2026, 10, 26, 12, 30, tzinfo=UTC))
            .order_by(OutboxMessage.due_at)  # type: ignore[arg-type]
        ).all()
    assert [row.key for row in due] == ["b"]


def test_the_audit_trail_refuses_updates_and_deletes_in_the_database(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        session.add(AuditEvent(actor="U1", action="case.opened", at=AT, detail={"ref": "oak"}))
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with Session(engine) as session:
        event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.detail) == ("case.opened", {"ref": "oak"})


def test_a_case_reference_is_unique_within_an_area(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        make_case(session, "oak-family")
    with pytest.raises(IntegrityError), UnitOfWork(engine)() as session:
        make_case(session, "oak-family")


def test_naive_datetimes_are_refused_rather_than_guessed(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive"), UnitOfWork(engine)() as session:
        session.add(
            OutboxMessage(key="n", kind="x", recipient="U", due_at=datetime(2026, 1, 1, 9, 0))
        )


def test_a_database_error_names_no_parameters_so_peoples_words_stay_out_of_logs(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'words.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT NOT NULL UNIQUE)"))
        connection.execute(text("INSERT INTO note VALUES (:body)"), {"body": "Dad shouted at Amy"})
    with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO note VALUES (:body)"), {"body": "Dad shouted at Amy"})
    assert "Dad shouted" not in str(raised.value)
    assert "hidden" in str(raised.value)


@pytest.mark.parametrize(
    ("asked", "pragma"), [("", 2), ("?synchronous=full", 2), ("?synchronous=NORMAL", 1)]
)
def test_a_sqlite_url_may_ask_for_normal_syncs_and_full_is_the_default(
    tmp_path: Path, asked: str, pragma: int
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}{asked}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == pragma
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    assert (tmp_path / "db.sqlite3").exists()  # the query is the bot's, not part of the name


def test_a_sqlite_url_asking_for_unsafe_syncs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous=off is not one the bot uses"):
        make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}?synchronous=off")
