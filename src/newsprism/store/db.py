"""Engines, migrations and the locks that let several processes share one database.

SQLite: sqlite3's own transaction handling is switched off and SQLAlchemy emits
`BEGIN` itself (the recipe of the SQLAlchemy SQLite docs), so that DDL is
transactional (a migration killed half-way leaves nothing behind) and savepoints
work; transactions that write start with `BEGIN IMMEDIATE` (`writer(engine)`) so that
concurrent writers queue on the busy timeout instead of failing when a read lock
cannot be upgraded. PostgreSQL: migrations run under a transaction-level advisory lock.

The story index is updated under `index_lock(engine)`: a session-level advisory lock on
PostgreSQL, an exclusive `flock` on a file next to the SQLite database. Both are released
by the operating system or the server when the process dies.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from newsprism.store.tables import Base

__all__ = ["DATABASE_ERRORS", "StoreError", "create_db_engine", "index_lock", "migrate", "writer"]

log = logging.getLogger("newsprism.store")

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATE_ATTEMPTS = 5  # a locked brand-new SQLite file (see `migrate`) is tried again, waiting 0.5, 1, 1.5, 2 s
# How long a SQLite writer waits for another's transaction before giving up. Writers
# hold the lock for one batch of 200 items or one story-index batch (well under a second
# on the bench corpus); a minute leaves room for a slow disk.
SQLITE_BUSY_TIMEOUT_S = 60.0
# Advisory-lock keys (any fixed 64-bit numbers, shared by every newsprism process).
_PG_MIGRATE_KEY = 7_318_024_001
_PG_INDEX_KEY = 7_318_024_002


class StoreError(Exception):
    """The database cannot be opened or used (bad URL, server down, unsupported backend)."""


# What a caller catches for "the database could not be used" (the driver's own errors
# included, so that callers need not import SQLAlchemy).
DATABASE_ERRORS = (StoreError, OperationalError)


def _sqlite_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN (see _sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (web app) don't block the writer
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = " IMMEDIATE" if conn.get_execution_options().get("newsprism_write") else ""
    conn.exec_driver_sql("BEGIN" + mode)


def create_db_engine(url: str) -> Engine:
    if not url.startswith(("sqlite", "postgresql")):
        raise StoreError(f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql://USER@HOST/DB")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        sqlite = make_url(url).get_backend_name() == "sqlite"
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S} if sqlite else {})
    except Exception as exc:  # missing driver, malformed URL
        raise StoreError(f"cannot open database {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def writer(engine: Engine) -> Engine:
    """The engine for transactions that write: on SQLite they take the write lock at
    BEGIN (and wait for it), so that no read-then-write transaction fails on a
    concurrent writer's commit."""
    return engine.execution_options(newsprism_write=True)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _at_head(conn: Connection, head: str | None) -> bool:
    return MigrationContext.configure(conn).get_current_revision() == head


def _recover_half_created(conn: Connection) -> None:
    """A database without a schema version that holds some of our tables was left by a
    migration that was killed half-way under an older version (SQLite DDL outside the
    transaction). Empty, they are dropped and created again; with rows, refuse."""
    ours = [t for t in reversed(Base.metadata.sorted_tables) if inspect(conn).has_table(t.name)]
    if not ours:
        return
    filled = [t.name for t in ours if conn.execute(select(text("1")).select_from(t).limit(1)).first()]
    if filled:
        raise StoreError(f"the database has newsprism tables ({', '.join(filled)} with rows) but no schema "
                         "version: it was not created by newsprism, or by an unknown version; use another database")
    log.warning("recovering a half-created schema (a first migration was interrupted): dropping the empty "
                "tables %s and creating the schema again", ", ".join(t.name for t in ours))
    for t in ours:
        t.drop(conn)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision, one process at a time; a database
    already at the newest revision is only read. On a brand-new SQLite file two processes
    can meet while one switches it to WAL, which SQLite answers with "database is locked"
    at once instead of waiting: that attempt is made again (`MIGRATE_ATTEMPTS`); the
    migration itself re-reads the revision under the write lock, so a repeat is harmless."""
    for attempt in range(1, MIGRATE_ATTEMPTS + 1):
        try:
            return _migrate(engine)
        except StoreError as exc:
            if engine.dialect.name != "sqlite" or "database is locked" not in str(exc) or attempt == MIGRATE_ATTEMPTS:
                raise
            log.warning("database locked while migrating (attempt %d of %d); trying again", attempt, MIGRATE_ATTEMPTS)
            time.sleep(0.5 * attempt)


def _migrate(engine: Engine) -> None:
    cfg = _alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    try:
        with engine.connect() as conn:
            if _at_head(conn, head):
                return
        with writer(engine).begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATE_KEY})
            if _at_head(conn, head):  # another process migrated while we waited for the lock
                return
            if MigrationContext.configure(conn).get_current_revision() is None:
                _recover_half_created(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot migrate database {engine.url!r}: {exc}") from exc


def _sqlite_lock_path(engine: Engine) -> Path | None:
    db = engine.url.database
    if db in (None, "", ":memory:") or str(db).startswith("file:"):
        return None
    return Path(f"{db}-lock")


@contextmanager
def index_lock(engine: Engine) -> Iterator[None]:
    """Hold the story-index lock of this database (blocking until it is free)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_INDEX_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_INDEX_KEY})
        return
    path = _sqlite_lock_path(engine)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: one writer at a time is up to the user
        fcntl = None  # type: ignore[assignment]
    if path is None or fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
