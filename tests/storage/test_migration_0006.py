"""Migration 0006 on a database that already has outbox rows (SQLite batch mode rebuilds the
table, PostgreSQL alters it): the rows survive, group rows get their own key, and the way
back drops only what it cannot keep."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from storage import outbox as store
from storage.db import alembic_config, current_revision, upgrade
from tests.storage.test_smoke_fixtures import head

DAY = date(2023, 4, 3)
NOW = datetime(2023, 4, 3, 0, 30, tzinfo=UTC)


def outbox_row(**values: object) -> dict[str, object]:
    return {
        "kind": "digest",
        "day": DAY,
        "channel": "telegram",
        "chat_id": "501",
        "text": "🔔 Nhắc việc ngày 03/04/2023 – Phòng Kế hoạch - Tài chính",
        "payload": '[{"chars": 56, "tasks": [], "hint": null}]',
        **values,
    }


def test_upgrade_from_0005_keeps_the_outbox_and_adds_group_rows(engine: Engine) -> None:
    config = alembic_config(engine)
    command.upgrade(config, "0005")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO unit (id, code, name) VALUES (1, 'KHTC', 'KHTC')"))
        conn.execute(
            sa.text(
                "INSERT INTO officer (id, code, name, unit_id, role, active) "
                "VALUES (1, 'CB04', 'Lan', 1, 'officer', TRUE)"
            )
        )
        # The row as 0003-0005 wrote it (no unit_id column yet), mid-retry.
        conn.execute(
            sa.text(
                "INSERT INTO outbox (officer_id, kind, day, channel, chat_id, text, payload, "
                "state, attempts, parts_sent, message_ids, next_attempt_at, created_at, "
                "last_error) VALUES (1, 'digest', :day, 'telegram', '501', 'nhắc việc', '[]', "
                "'pending', 2, 0, '', :now, :now, '502 Bad Gateway')"
            ),
            {"day": DAY, "now": NOW},
        )

    upgrade(engine)
    assert current_revision(engine) == head(engine)
    [old] = store.outbox_rows(engine)
    assert (old.officer_id, old.unit_id, old.state, old.attempts, old.last_error) == (
        1,
        None,
        "pending",
        2,
        "502 Bad Gateway",
    )
    assert store.aware(old.next_attempt_at) == NOW
    indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("outbox")}
    assert "ix_outbox_state_next" in indexes  # kept through SQLite's table rebuild
    assert indexes["uq_outbox_group_key"]["unique"]

    with engine.begin() as conn:
        # The same officer row again is ignored; a group row of the same day and channel is
        # new; the same group row again is ignored.
        group = outbox_row(kind="group", unit_id=1, chat_id="-100123")
        assert store.write_outbox(conn, [outbox_row(officer_id=1), group], NOW) == 1
        assert store.write_outbox(conn, [group, outbox_row(officer_id=1)], NOW) == 0
        # Another group of the unit is another recipient.
        assert store.write_outbox(conn, [{**group, "chat_id": "-100456"}], NOW) == 1
    assert store.group_outbox_keys(engine, "group", DAY) == {
        (1, "telegram", "-100123"),
        (1, "telegram", "-100456"),
    }
    assert store.outbox_keys(engine, "digest", DAY) == {(1, "telegram")}
    # A row has exactly one recipient: an officer or a unit's group.
    for both_or_none in ({"officer_id": 1, "unit_id": 1}, {}):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                store.OUTBOX.insert().values(
                    **outbox_row(kind="x", **both_or_none),
                    state="pending",
                    attempts=0,
                    parts_sent=0,
                    message_ids="",
                    next_attempt_at=NOW,
                    created_at=NOW,
                )
            )

    # Down again: the group rows go (no officer to keep them for), the officer's row stays.
    command.downgrade(config, "0005")
    with engine.connect() as conn:
        left = list(conn.execute(sa.text("SELECT officer_id, state FROM outbox")))
    assert [tuple(r) for r in left] == [(1, "pending")]
    upgrade(engine)
    assert current_revision(engine) == head(engine)
