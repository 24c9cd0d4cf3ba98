"""Engines, sessions, the unit of work, and the schema check that runs before the bot starts."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where migrations are looked at, not here: every `coregroup` command imports
# this module, and most (`--help`, a mistyped argument, `timeline`) never migrate anything.

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaNotCurrentError(Exception):
    """The database has not been migrated to the code's schema; the message says what to run."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for a SQLite file or PostgreSQL, with the settings each needs."""
    parsed = make_url(url)
    # A database error's message then carries no statement parameters: they are people's words,
    # and such errors reach the logs with their tracebacks.
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        synchronous = sqlite_synchronous(url)
        engine = create_engine(
            parsed.difference_update_query(["synchronous"]),
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", partial(_sqlite_pragmas, synchronous=synchronous))
        return engine
    # pre_ping: after a PostgreSQL restart, stale pooled connections are replaced, not used.
    return create_engine(url, pool_pre_ping=True, **kwargs)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, or None (another database, or one in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


# How hard a SQLite commit waits for the disk (`?synchronous=` on the URL). FULL, the default,
# keeps every commit across a power cut; NORMAL, with WAL, keeps every commit across a crash of
# the process and may lose the last few before a power cut or an OS crash, for commits several
# times quicker. A deployment may choose NORMAL knowingly; the bot never chooses it for them.
SQLITE_SYNCHRONOUS = ("full", "normal")


def sqlite_synchronous(url: str) -> str:
    """The `synchronous` a SQLite URL asks for ('full' unless it says), or a ValueError."""
    asked = make_url(url).query.get("synchronous", "full")
    value = (asked if isinstance(asked, str) else asked[-1]).lower()
    if value not in SQLITE_SYNCHRONOUS:
        raise ValueError(
            f"synchronous={value} is not one the bot uses: say synchronous=full (the default) "
            "or synchronous=normal."
        )
    return value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, synchronous: str) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the one writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")  # one of SQLITE_SYNCHRONOUS
    cursor.close()


def refresh_statistics(engine: Engine, *tables: str) -> None:
    """Bring the query planner's statistics up to date, for `tables` or the whole database
    (the daily job does this).

    SQLite keeps none unless asked: without them it guesses that "state = 'pending'" is a narrow
    condition, and may walk every pending row of the outbox to find a case's few. The analysis
    limit keeps this to a few milliseconds however large the tables grow. PostgreSQL's
    autovacuum analyses a table only after a tenth of it has changed, so the daily job asks
    for it too (a sampled read: about a third of a second at 600,000 outbox rows).
    """
    statements = [f"ANALYZE {table}" for table in tables] or ["ANALYZE"]
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        for statement in statements:
            connection.exec_driver_sql(statement)


_LOCAL_LOCKS: dict[str, threading.Lock] = {}
_LOCAL_LOCKS_GUARD = threading.Lock()


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold a lock called `name` across every process sharing the database, waiting for it.

    PostgreSQL: a session advisory lock, released when the block ends or, if the process dies,
    when its connection closes, so a crashed holder never blocks the others. SQLite means one
    process, so a lock in this process is enough.
    """
    if engine.dialect.name != "postgresql":
        with _LOCAL_LOCKS_GUARD:
            lock = _LOCAL_LOCKS.setdefault(name, threading.Lock())
        with lock:
            yield
        return
    key = zlib.crc32(name.encode()) - 2**31  # a stable signed 32-bit key (hash() is salted)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


# Set in a session's `info` by whatever writes a job row, so the unit of work wakes the workers
# once that row is committed (and only then: a rolled-back job never ran).
JOBS_WRITTEN = "jobs_written"


class UnitOfWork:
    """One transaction per listener or job: commits once on success, rolls back on any error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Called after a commit that wrote jobs: the in-process workers start on them at once.
        self.on_jobs: list[Callable[[], None]] = []

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            wrote_jobs = session.info.pop(JOBS_WRITTEN, False)
            session.close()
        if wrote_jobs:
            for wake in self.on_jobs:
                wake()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates the given engine's database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (what `coregroup db upgrade` runs)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@cache
def head_revision() -> str:
    """The newest migration the code knows (read once: the scripts do not change while we run)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(
        alembic_config(create_engine("sqlite://"))
    ).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema_current(engine: Engine) -> None:
    """Refuse to run on a database that is not at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = "an empty database" if current is None else f"revision {current}"
        raise SchemaNotCurrentError(
            f"The database is at {where} but the bot needs {head}: run `coregroup db upgrade`."
        )
