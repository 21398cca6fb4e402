"""Every SQL statement the databases run during a test, with the thread that ran it.

On SQLite, sqlite3's own trace callback sees each statement, whether SQLAlchemy ran it or
the driver's cursor did (storage/report_lane.py); on PostgreSQL, SQLAlchemy's cursor event."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool


@contextmanager
def recording() -> Iterator[list[tuple[int, str]]]:
    """(thread id, statement on one line) of every statement run while inside."""
    seen: list[tuple[int, str]] = []

    def add(statement: str) -> None:
        seen.append((threading.get_ident(), " ".join(statement.split())))

    def on_cursor(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.dialect.name != "sqlite":
            add(statement)

    def on_checkout(dbapi_conn: Any, *_args: Any) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):
            dbapi_conn.set_trace_callback(add)

    def on_checkin(dbapi_conn: Any, *_args: Any) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):
            dbapi_conn.set_trace_callback(None)

    sa.event.listen(Engine, "before_cursor_execute", on_cursor)
    sa.event.listen(Pool, "checkout", on_checkout)
    sa.event.listen(Pool, "checkin", on_checkin)
    try:
        yield seen
    finally:
        sa.event.remove(Engine, "before_cursor_execute", on_cursor)
        sa.event.remove(Pool, "checkout", on_checkout)
        sa.event.remove(Pool, "checkin", on_checkin)
