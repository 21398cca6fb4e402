"""Messages from chats whose effects were committed (`seen_message`): a message delivered
again (after a crash before Telegram was told it arrived, or a webhook retried on another
instance) finds its id here and changes nothing twice.

The id is written in the transaction of the command's own writes, so the two commit together
or not at all; a command that wrote nothing leaves no id (answering it again changes nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from storage.models import SeenMessage

SEEN: sa.Table = SeenMessage.__table__  # type: ignore[attr-defined]

# How long a handled message's id is kept: Telegram keeps an update nobody fetched 24 hours.
KEPT = timedelta(days=2)

_KEY = (
    SEEN.c.channel == sa.bindparam("channel"),
    SEEN.c.message_key == sa.bindparam("message_key"),
)
_SEEN_BEFORE = sa.select(sa.exists().where(*_KEY))
# A twin committed first: nothing inserted (rowcount 0), and the caller rolls back.
REMEMBER_ON_SQLITE = sqlite.insert(SEEN).on_conflict_do_nothing()
# psycopg reports no row count for it: the row inserted is returned instead.
_REMEMBER_ON_POSTGRESQL = (
    postgresql.insert(SEEN).on_conflict_do_nothing().returning(SEEN.c.message_key)
)
_FORGET = sa.delete(SEEN).where(SEEN.c.seen_at < sa.bindparam("before"))


def seen_before(conn: Connection, channel: str, message_key: str) -> bool:
    """Whether this message's effects were committed already."""
    params = {"channel": channel, "message_key": message_key}
    return bool(conn.execute(_SEEN_BEFORE, params).scalar())


def remember(conn: Connection, channel: str, message_key: str, at: datetime) -> bool:
    """Record the message as handled, in the caller's transaction. False if a twin of it was
    committed first (by another instance): the caller must roll back its own effects."""
    params = {"channel": channel, "message_key": message_key, "seen_at": at}
    if conn.dialect.name == "sqlite":
        return conn.execute(REMEMBER_ON_SQLITE, params).rowcount == 1
    return conn.execute(_REMEMBER_ON_POSTGRESQL, params).first() is not None


def forget_old(conn: Connection, now: datetime) -> int:
    """Forget the messages handled more than KEPT before `now` (no messenger delivers them
    again); how many."""
    return int(conn.execute(_FORGET, {"before": now - KEPT}).rowcount or 0)
