"""Leader leases on SQLite and PostgreSQL, and the PostgreSQL advisory lock of the poller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage import leases
from storage.db import upgrade

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


@pytest.fixture
def db(engine: Engine) -> Engine:
    upgrade(engine)
    return engine


def test_one_holder_renews_others_wait_for_expiry(db: Engine) -> None:
    first = leases.hold(db, "outbox-dispatch", "a", NOW, TTL)
    assert first.held and first.previous_expiry is None
    assert not leases.hold(db, "outbox-dispatch", "b", NOW + timedelta(seconds=29), TTL).held
    renewed = leases.hold(db, "outbox-dispatch", "a", NOW + timedelta(seconds=20), TTL)
    assert renewed.held and renewed.expires_at == NOW + timedelta(seconds=50)
    assert not leases.hold(db, "outbox-dispatch", "b", NOW + timedelta(seconds=49), TTL).held
    taken = leases.hold(db, "outbox-dispatch", "b", NOW + timedelta(seconds=50), TTL)
    # Taken over: the new holder learns when the old one's lease ran out.
    assert taken.held and taken.previous_expiry == NOW + timedelta(seconds=50)
    assert leases.holder_of(db, "outbox-dispatch") == ("b", NOW + timedelta(seconds=80))
    assert not leases.hold(db, "outbox-dispatch", "a", NOW + timedelta(seconds=51), TTL).held


def test_release_hands_over_at_once(db: Engine) -> None:
    assert leases.hold(db, "outbox-dispatch", "a", NOW, TTL).held
    assert leases.release(db, "outbox-dispatch", "a", NOW + timedelta(seconds=1))
    assert not leases.release(db, "outbox-dispatch", "b", NOW)  # not b's to give
    assert leases.hold(db, "outbox-dispatch", "b", NOW + timedelta(seconds=1), TTL).held


def test_advisory_lock_one_session_and_freed_when_it_ends(
    postgres_engine_factory: Callable[[], Engine],
) -> None:
    engine_a, engine_b = postgres_engine_factory(), postgres_engine_factory()
    a, b = leases.AdvisoryLock(engine_a, 4242), leases.AdvisoryLock(engine_b, 4242)
    assert a.try_acquire() and a.check()
    assert not b.try_acquire() and not b.held
    # The holder's session dies (its connection cut): the server frees the lock at once.
    with engine_b.begin() as conn:
        conn.execute(sa.select(sa.func.pg_terminate_backend(a._backend)))
    assert not a.check() and not a.held
    assert b.try_acquire()
    b.release()
    assert a.try_acquire()
    a.release()


def test_advisory_lock_needs_postgresql(sqlite_engine: Engine) -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        leases.AdvisoryLock(sqlite_engine, 1)
