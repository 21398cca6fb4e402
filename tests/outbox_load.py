"""Many outbox rows at once, for the dispatch tests and benchmarks/dispatch.py: one unit, one
officer per chat, one pending digest row per chat, written through the scan's own writer
(storage.outbox.write_outbox), so the rows are exactly what a scan leaves."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from scheduler.digest import Part, encode
from storage import outbox as store
from storage.models import Officer, Unit


def fill_outbox(
    engine: Engine,
    day: date,
    chats: list[str],
    now: datetime,
    parts: int = 1,
    channel: str = "telegram",
) -> int:
    """A digest of `parts` parts (no buttons) owed today to each of `chats`; returns the rows
    written. Each text names its chat, so a message delivered twice is easy to see."""
    units: sa.Table = Unit.__table__  # type: ignore[attr-defined]
    officers: sa.Table = Officer.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        inserted = conn.execute(
            units.insert().values(code=f"LOAD-{uuid.uuid4().hex[:8]}", name="Đơn vị thử tải")
        ).inserted_primary_key
        assert inserted is not None
        unit_id = inserted[0]
        conn.execute(
            officers.insert(),
            [
                {
                    "code": f"L{unit_id}-{n:05d}",
                    "name": f"Cán bộ {n}",
                    "unit_id": unit_id,
                    "role": "officer",
                    "active": True,
                }
                for n in range(len(chats))
            ],
        )
        ids = list(
            conn.execute(
                sa.select(officers.c.id)
                .where(officers.c.unit_id == unit_id)
                .order_by(officers.c.code)
            ).scalars()
        )
        rows = []
        for officer_id, chat_id in zip(ids, chats, strict=True):
            text, payload = encode(
                [
                    Part(f"Nhắc việc cho {chat_id} ({k + 1}/{parts})", (), None)
                    for k in range(parts)
                ]
            )
            rows.append(
                {
                    "officer_id": officer_id,
                    "kind": "digest",
                    "day": day,
                    "channel": channel,
                    "chat_id": chat_id,
                    "text": text,
                    "payload": payload,
                }
            )
        return store.write_outbox(conn, rows, now)
