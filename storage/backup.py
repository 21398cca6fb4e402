"""Consistent copies of the whole database while the bot runs, and putting one back.

SQLite: the online backup API (sqlite3.Connection.backup) copies every committed page,
including those still in the WAL file, as of one moment, while other connections keep
writing; a file copy (`cp`) of a database in WAL mode misses what is not yet checkpointed.
PostgreSQL: `pg_dump --format=custom` of the schema nhacviec uses (one snapshot), and
`pg_restore --clean --single-transaction` to put it back.

Everything comes back, the outbox included: a reminder sent before the backup is a row marked
sent, so a restored database never sends it again."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError
from storage.db import current_revision, upgrade


class BackupError(NhacviecError):
    """Why a backup or a restore could not be made, in Vietnamese (texts.BACKUP_ERRORS with
    `detail`, what the file or the tool said); `reason` is the key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(texts.BACKUP_ERRORS[reason].format(detail=detail), reason=reason)
        self.detail = detail


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    dialect: str
    revision: str | None  # the schema revision the copy holds
    size: int  # bytes


def backup(engine: Engine, dest: Path) -> BackupInfo:
    """Copy the whole database to `dest` (written beside it first, then renamed: an
    interrupted backup never leaves a half file under the name asked for)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        elif engine.dialect.name == "postgresql":
            _pg_dump(engine, partial)
        else:
            raise BackupError("unsupported", engine.dialect.name)
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(dest, engine.dialect.name, current_revision(engine), dest.stat().st_size)


def check_backup(engine: Engine, source: Path) -> None:
    """Refuse, before anything is touched, a file that is not a backup this database can take
    back (BackupError)."""
    if not source.is_file():
        raise BackupError("missing", str(source))
    if engine.dialect.name == "sqlite":
        try:
            db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                _check_sqlite_backup(db, source)
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise BackupError("not_a_backup", str(source)) from exc
    elif engine.dialect.name == "postgresql":
        env = dict(os.environ)
        listing = subprocess.run(
            [_pg_tool("pg_restore"), "--list", str(source)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if listing.returncode != 0 or " TABLE DATA " not in listing.stdout:
            raise BackupError("not_a_backup", str(source))
    else:
        raise BackupError("unsupported", engine.dialect.name)


def restore(engine: Engine, source: Path) -> BackupInfo:
    """Replace every row of the database with the backup `source`, then bring its schema up to
    date. The bot must be stopped first: its open transactions would be lost or block."""
    check_backup(engine, source)
    if engine.dialect.name == "sqlite":
        _sqlite_restore(engine, source)
    elif engine.dialect.name == "postgresql":
        _pg_restore(engine, source)
    else:
        raise BackupError("unsupported", engine.dialect.name)
    engine.dispose()
    revision = current_revision(engine)
    upgrade(engine)
    return BackupInfo(source, engine.dialect.name, revision, source.stat().st_size)


# -- SQLite ------------------------------------------------------------------------------------


def _sqlite_file(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("memory")
    return database


def _sqlite_backup(engine: Engine, dest: Path) -> None:
    _sqlite_file(engine)
    raw = engine.raw_connection()
    try:
        live = raw.driver_connection
        assert isinstance(live, sqlite3.Connection)
        copy = sqlite3.connect(dest)
        try:
            live.backup(copy)
            # One self-contained file: no -wal beside it to forget when it is moved.
            copy.execute("PRAGMA journal_mode=DELETE")
            if copy.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError("corrupt", str(dest))
        finally:
            copy.close()
    finally:
        raw.close()


def _sqlite_restore(engine: Engine, source: Path) -> None:
    _sqlite_file(engine)
    try:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            raw = engine.raw_connection()
            try:
                live = raw.driver_connection
                assert isinstance(live, sqlite3.Connection)
                backup_db.backup(live)
            finally:
                raw.close()
        finally:
            backup_db.close()
    except sqlite3.Error as exc:
        raise BackupError("failed", str(exc)) from exc


def _check_sqlite_backup(db: sqlite3.Connection, source: Path) -> None:
    """A nhacviec database: it has a schema revision and tasks."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"alembic_version", "task", "outbox"} <= tables:
        raise BackupError("not_a_backup", str(source))
    if db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
        raise BackupError("corrupt", str(source))


# -- PostgreSQL ----------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError("no_pg_tool", name)
    return found


def _pg_target(engine: Engine) -> tuple[str, dict[str, str], str]:
    """The libpq URI (no password: it goes in PGPASSWORD, never on a command line a `ps`
    shows), the environment, and the schema nhacviec's tables live in."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    return uri, env, schema


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError("failed", (done.stderr or done.stdout).strip()[-500:])


def _pg_dump(engine: Engine, dest: Path) -> None:
    uri, env, schema = _pg_target(engine)
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={schema}",
            f"--file={dest}",
            f"--dbname={uri}",
        ],
        env,
    )


def _pg_restore(engine: Engine, source: Path) -> None:
    tool = _pg_tool("pg_restore")
    uri, env, _schema = _pg_target(engine)
    engine.dispose()  # our own idle connections would hold locks the DROPs wait for
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={uri}",
            str(source),
        ],
        env,
    )
