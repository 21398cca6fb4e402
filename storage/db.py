"""Engine, sessions and schema upgrades (Alembic)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Engine
from sqlmodel import Session

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError

MIGRATIONS = Path(__file__).parent / "migrations"

# Seconds a statement waits for SQLite's one write lock before "database is locked".
LOCK_WAIT = 30.0
# The same for work done on the bot's event loop (ChatService.answer): it must not hold up
# every other chat behind another writer; on "locked" it goes to a worker thread instead.
QUICK_LOCK_WAIT = 0.05


def make_engine(url: str, *, lock_wait: float = LOCK_WAIT, **kwargs: Any) -> Engine:
    """An engine for `url`. SQLite files get foreign keys, and WAL so readers never block the
    writer nor it them, with synchronous=NORMAL: in WAL mode a commit then writes the log
    without waiting for the disk, and stays durable through a crash of the process (the log
    is in the operating system's hands); only a crash of the operating system or a power cut
    may lose the last transactions, never corrupt the file. One host, one file: that is the
    trade SQLite recommends for WAL."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": lock_wait}, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


def is_local_file(engine: Engine) -> bool:
    """Whether the database is a SQLite file on this machine (no network between a statement
    and its answer)."""
    database = engine.url.database
    return engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"


def quick_engine(engine: Engine) -> Engine | None:
    """For a SQLite file, a second engine on it whose statements wait at most QUICK_LOCK_WAIT
    for the write lock (see ChatService.answer); None for any other database."""
    if not is_local_file(engine):
        return None
    return make_engine(engine.url.render_as_string(hide_password=False), lock_wait=QUICK_LOCK_WAIT)


def is_busy(error: BaseException) -> bool:
    """Whether `error` is SQLite's "database is locked": another writer held the write lock
    longer than the statement would wait. Nothing was written (the transaction is rolled
    back), so the work may simply be done again. Raised through SQLAlchemy or by the driver
    itself (storage/report_lane.py runs its statements on the driver's cursor)."""
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    return isinstance(original, sqlite3.OperationalError) and "database is locked" in str(original)


def has_written(conn: sa.Connection) -> bool:
    """Whether the transaction on `conn` has written anything yet (or locked a row to write
    it). On SQLite the driver opens a transaction only at the first write; PostgreSQL gives a
    transaction its id only then. Any other database: True."""
    if conn.dialect.name == "sqlite":
        return bool(getattr(conn.connection.driver_connection, "in_transaction", True))
    if conn.dialect.name == "postgresql":
        return bool(conn.execute(_XACT_ASSIGNED).scalar())
    return True


# txid_current_if_assigned: PostgreSQL 10 and later (pg_current_xact_id_if_assigned only 13).
_XACT_ASSIGNED = sa.text("SELECT txid_current_if_assigned() IS NOT NULL")


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


class DatabaseUnavailable(NhacviecError):
    """The database cannot be reached or opened; the message is one Vietnamese line."""

    reason = "database_unavailable"


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision; running it twice is harmless.
    DatabaseUnavailable if the database cannot be reached at all. On SQLite, then `PRAGMA
    optimize`: the statistics the planner uses stay current (the figures' queries are written
    to stay fast with or without them: benchmarks/status.py)."""
    try:
        with engine.connect():
            pass
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as err:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(err, "orig", err) or type(err).__name__).strip().splitlines()
        raise DatabaseUnavailable(
            texts.database_unavailable(where, reason[0] if reason else "?")
        ) from None
    command.upgrade(alembic_config(engine), "head")
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA optimize")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def connection(session: Session) -> sa.Connection:
    """The session's connection, in its transaction, for a Core statement built once (the
    hot paths: see storage/repo.py). What the session holds is written first, as an ORM query
    would autoflush it, so the statement sees it too."""
    if session.autoflush:
        session.flush()
    return session.connection()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
