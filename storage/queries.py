"""Query helpers shared across the domain; they never commit (the unit of work does)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Executable,
    Result,
    Selectable,
    Table,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, SQLModel

from storage.models import Case, CasePurge

CHUNK = 500
ARRAY_CHUNK = 2000  # rows per statement when each column is sent as one array
T = TypeVar("T")


def dialect(session: Session) -> str:
    """'sqlite' or 'postgresql'."""
    return session.get_bind().dialect.name


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Items in slices small enough for one statement's parameters."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def insert_missing(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]], unique: list[str]
) -> int:
    """Insert rows whose unique key is not there yet; returns how many were inserted.

    Two requests planning the same thing at once (people clicking together) both succeed: the
    second insert is a no-op rather than an error. Every row has the same keys.
    """
    if not rows:
        return 0
    table = model.__table__  # type: ignore[attr-defined]
    if dialect(session) != "postgresql":
        statement = (
            sqlite.insert(table).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
        )
        return sum(len(session.execute(statement, chunk).all()) for chunk in chunks(rows))
    # PostgreSQL: one array per column, unnested into rows. A statement of thousands of rows
    # stays a dozen parameters long; as VALUES lists, psycopg spent more time rewriting each
    # statement's placeholders than the server spent inserting (measured: 0.75 s per 12,000).
    names = list(rows[0])
    arrays = [func.unnest(bindparam(name, type_=ARRAY(table.c[name].type))) for name in names]
    statement = (
        postgresql.insert(table)
        .from_select(names, select(*arrays))
        .on_conflict_do_nothing(index_elements=unique)
        .returning(table.c.id)
    )
    count = 0
    for chunk in chunks(rows, ARRAY_CHUNK):
        columns = {name: [row[name] for row in chunk] for name in names}
        count += len(session.execute(statement, columns).all())
    return count


def upsert(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]], key: list[str]
) -> None:
    """Insert each row, or bring the row with its unique key up to date (every row has the same
    columns); two sessions writing the same row at once both succeed, the later one last."""
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect(session) == "postgresql" else sqlite.insert
    for chunk in chunks(rows):
        statement = insert(table).values(chunk)
        changed = {name: statement.excluded[name] for name in chunk[0] if name not in key}
        session.execute(statement.on_conflict_do_update(index_elements=key, set_=changed))


def insert_missing_selected(
    model: type[SQLModel], columns: list[str], rows: Selectable, unique: list[str]
) -> dict[str, Executable]:
    """INSERT ... SELECT of the rows a query selects (into `columns`) whose unique key is not
    there yet, for each dialect: one statement, with the same tolerance of a concurrent insert as
    `insert_missing`. Build it once and run it with `plain` under `dialect(session)`."""
    table = model.__table__  # type: ignore[attr-defined]
    return {
        name: insert(table).from_select(columns, rows).on_conflict_do_nothing(index_elements=unique)
        for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
    }


def plain(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[*tuple[Any, ...]]:
    """Run a statement on the unit of work's own connection without the ORM: plain rows, no
    identity map, no unit-of-work bookkeeping, at about a third of the ORM's cost.

    For the few statements that run inside Slack's request (checking access, `/coregroup
    status`, recording a reply); the rest of the code reads and writes through the ORM. Changes
    the session holds are flushed first, as the ORM would before a query.
    """
    session.flush()
    return session.connection().execute(statement, params)


def owned_tables(case_id: int) -> list[tuple[Table, ColumnElement[bool]]]:
    """Every table holding rows of the case, children first, each with the condition that picks
    the case's rows: a row is the case's when a foreign key leads from it to the case. Derived
    from the tables, so a table added later is purged without anyone remembering to add it."""
    tables = SQLModel.metadata.sorted_tables
    cases = SQLModel.metadata.tables[Case.__tablename__]
    picks: dict[str, ColumnElement[bool]] = {cases.name: cases.c.id == case_id}
    for table in tables:
        parts = [
            fk.parent.in_(select(fk.column).where(picks[fk.column.table.name]))
            for fk in table.foreign_keys
            if fk.column.table is not table and fk.column.table.name in picks
        ]
        if parts and table.name not in picks:
            picks[table.name] = or_(*parts)
    special = {cases.name, CasePurge.__tablename__}
    return [
        (t, picks[t.name]) for t in reversed(tables) if t.name in picks and t.name not in special
    ]
