"""Alembic environment: migrates the engine the caller hands over (no URL in an ini file)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.types import EnumText, UTCDateTime

config = context.config
target_metadata = SQLModel.metadata


def render_plain_types(
    type_: str, obj: Any, autogen_context: AutogenContext
) -> str | Literal[False]:
    """Write migrations with plain SQLAlchemy types, so they never depend on the app's classes."""
    if type_ != "type":
        return False
    if isinstance(obj, EnumText | AutoString):
        return f"sa.String(length={obj.length})"
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    """Run the migrations on the engine in config.attributes (set by storage.db)."""
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_plain_types,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
