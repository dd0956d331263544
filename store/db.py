"""Where the store is, how to reach it, and whether its schema is up to date.

``ATLAS_DATABASE_URL`` names the database (``postgresql+psycopg://user:pass@host/db``
for a shared deployment). Unset: an SQLite file the app owns,
``instance/atlas.sqlite3`` beside the code (``ATLAS_INSTANCE_DIR`` moves
the folder); that default file is created and migrated on first use, so a
fresh clone needs no database server. Any other database is migrated only
by ``python app.py migrate``; until then the app says so and exits.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

__all__ = [
    "StoreError",
    "StoreUnavailable",
    "SchemaOutdated",
    "database_url",
    "default_database_url",
    "redact",
    "make_engine",
    "migrate",
    "schema_revision",
    "head_revision",
    "check_schema",
]

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATE_COMMAND = "python app.py migrate"


class StoreError(RuntimeError):
    """The store cannot be used; the message says why and what to do."""


class StoreUnavailable(StoreError):
    """The database cannot be reached (the message names its URL without the password)."""


class SchemaOutdated(StoreError):
    """The database has not been migrated to the schema this code needs."""


def default_database_url() -> str:
    folder = Path(os.environ.get("ATLAS_INSTANCE_DIR") or ROOT / "instance")
    return f"sqlite:///{folder / 'atlas.sqlite3'}"


def database_url() -> str:
    """``ATLAS_DATABASE_URL``, or the app's own SQLite file."""
    return os.environ.get("ATLAS_DATABASE_URL") or default_database_url()


def redact(url: str) -> str:
    """The URL with its password hidden (``postgresql+psycopg://atlas:***@db/atlas``)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # the driver's own transaction handling is off: SQLAlchemy's "begin" event below issues BEGIN
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # turning a new file to WAL takes its lock without waiting for it: two workers that open a new store at once
    # got "database is locked" here (one of them died); try again for up to 10 s
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.1)
    cursor.close()


def _sqlite_begin(connection) -> None:
    # writers take the write lock at once, so two publications of one period are serialised
    immediate = connection.get_execution_options().get("immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); the folder of a SQLite file is created."""
    url = url or database_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"ATLAS_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration in this code."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: never migrated)."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise StoreUnavailable(_unreachable(engine, exc)) from None


def _unreachable(engine: Engine, exc: Exception) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: {reason}"


def migrate(engine: Engine, revision: str = "head") -> str:
    """Upgrade the database to ``revision``; returns the revision it is at afterwards."""
    config = _config()
    try:
        # SQLite: the write lock at once (BEGIN IMMEDIATE waits for it). A deferred transaction that has read the
        # version table cannot take the lock once another worker's migration has written: "database is locked",
        # and one of two workers that start on a new store died (gunicorn then stopped: "failed to boot")
        with engine.execution_options(immediate=True).begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except OperationalError as exc:
        raise StoreUnavailable(_unreachable(engine, exc)) from None
    return schema_revision(engine)


def check_schema(engine: Engine) -> None:
    """Raise :class:`SchemaOutdated` (with the command to run) unless the database is at the head migration."""
    current, head = schema_revision(engine), head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    state = "has no atlas tables yet" if current is None else f"is at schema revision {current}"
    raise SchemaOutdated(
        f"the database at {where} {state}; this version of the atlas needs revision {head}. "
        f"Run: {MIGRATE_COMMAND} (with the same ATLAS_DATABASE_URL)"
    )
