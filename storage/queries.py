"""Query helpers shared across the domain; they never commit (the unit of work does)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

CHUNK = 500
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
    second insert is a no-op rather than an error.
    """
    if not rows:
        return 0
    insert = postgresql.insert if dialect(session) == "postgresql" else sqlite.insert
    table = model.__table__  # type: ignore[attr-defined]
    count = 0
    for chunk in chunks(rows):
        statement = (
            insert(table).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
        )
        count += len(session.execute(statement, chunk).all())
    return count
