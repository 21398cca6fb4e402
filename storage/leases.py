"""Leases that let several `nhacviec run` processes share one database: a leader lease row
(portable: SQLite and PostgreSQL) and a PostgreSQL advisory lock held by a session.

A leader lease belongs to one holder until `expires_at`; the holder renews it well before then.
A holder that dies stops renewing, and another takes the lease once it has expired. Instants
come from the injected clock of each process: hosts sharing a database keep their clocks in step
(NTP), as the outbox's own leases already assume."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.models import LeaderLease

log = logging.getLogger(__name__)

LEASES: sa.Table = LeaderLease.__table__  # type: ignore[attr-defined]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Lease:
    """The outcome of asking for a lease: `held` until `expires_at`. `previous_expiry` is the
    expiry of another holder it was just taken from (None when renewed or new)."""

    held: bool
    holder: str
    expires_at: datetime
    previous_expiry: datetime | None = None


def hold(engine: Engine, name: str, holder: str, now: datetime, ttl: timedelta) -> Lease:
    """Take lease `name` for `holder` until `now + ttl` if it is free, expired or already
    `holder`'s (a renewal). Exactly one of several concurrent callers gets a free lease."""
    now = _utc(now)
    until = now + ttl
    t = LEASES
    with engine.connect() as conn:
        current = conn.execute(
            sa.select(t.c.holder, t.c.expires_at).where(t.c.name == name)
        ).first()
    if current is None:
        try:
            with engine.begin() as conn:
                conn.execute(
                    t.insert().values(name=name, holder=holder, acquired_at=now, expires_at=until)
                )
            return Lease(True, holder, until)
        except IntegrityError:
            # Another instance inserted it first: try again as a takeover.
            with engine.connect() as conn:
                current = conn.execute(
                    sa.select(t.c.holder, t.c.expires_at).where(t.c.name == name)
                ).first()
            if current is None:  # pragma: no cover - inserted, then deleted by hand
                return Lease(False, "", now)
    previous_holder, previous_expiry = current[0], _aware(current[1])
    mine = previous_holder == holder
    with engine.begin() as conn:
        # One conditional UPDATE: of several takers of an expired lease exactly one matches.
        result = conn.execute(
            sa.update(t)
            .where(t.c.name == name, sa.or_(t.c.holder == holder, t.c.expires_at <= now))
            .values(
                holder=holder,
                expires_at=until,
                acquired_at=sa.case((t.c.holder == holder, t.c.acquired_at), else_=now),
            )
        )
        if result.rowcount == 1:
            return Lease(True, holder, until, None if mine else previous_expiry)
        row = conn.execute(sa.select(t.c.holder, t.c.expires_at).where(t.c.name == name)).first()
    if row is None:  # pragma: no cover - deleted by hand between the two statements
        return Lease(False, "", now)
    return Lease(False, row[0], _aware(row[1]))


def release(engine: Engine, name: str, holder: str, now: datetime) -> bool:
    """Give lease `name` up at once (a clean stop): another instance may take it now."""
    t = LEASES
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(t).where(t.c.name == name, t.c.holder == holder).values(expires_at=_utc(now))
        )
        return result.rowcount == 1


def holder_of(engine: Engine, name: str) -> tuple[str, datetime] | None:
    """Who holds lease `name` and until when (None if it was never taken)."""
    t = LEASES
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.c.holder, t.c.expires_at).where(t.c.name == name)).first()
    return None if row is None else (row[0], _aware(row[1]))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on a connection of its own: held while that
    session lives, freed by the server the moment the session ends (the process died, the
    connection broke). `key` is a signed 64-bit number."""

    def __init__(self, engine: Engine, key: int) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("advisory locks need PostgreSQL")
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self._backend: int | None = None  # the server process of the holding session

    @property
    def held(self) -> bool:
        return self._conn is not None

    def try_acquire(self) -> bool:
        """Take the lock if no other session holds it; True if this one holds it now."""
        if self._conn is not None:
            return self.check()
        conn = self.engine.connect()
        try:
            got, backend = conn.execute(
                sa.select(sa.func.pg_try_advisory_lock(self.key), sa.func.pg_backend_pid())
            ).one()
            conn.commit()  # end the transaction; a session lock outlives it
        except DBAPIError:
            conn.close()
            raise
        if got:
            self._conn, self._backend = conn, backend
        else:
            conn.close()
        return bool(got)

    def check(self) -> bool:
        """Whether the session holding the lock is still alive (a round trip to the server);
        False, and the lock forgotten, if it is not."""
        if self._conn is None:
            return False
        try:
            # The same server process still: a connection silently replaced holds nothing.
            alive = (
                not self._conn.invalidated
                and self._conn.execute(sa.select(sa.func.pg_backend_pid())).scalar()
                == self._backend
            )
            self._conn.commit()
        except DBAPIError:
            alive = False
        if not alive:
            log.warning("the session holding advisory lock %d is gone", self.key)
            self._drop()
        return alive

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(sa.select(sa.func.pg_advisory_unlock(self.key)))
            self._conn.commit()
        except DBAPIError:
            pass  # the session is gone, and the lock with it
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never back into the pool with a lock on it
                conn.close()
            except DBAPIError:
                pass
