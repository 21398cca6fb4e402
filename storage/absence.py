"""Who is away on a day and who stands in: the leaves recorded in `leave` (storage.people
writes them) read for the scan, the notices and the chat (rules.leave decides)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from rules.leave import LeaveFacts, covered_by, stand_ins
from storage.db import connection
from storage.models import Leave, Officer, Unit

LEAVES: sa.Table = Leave.__table__  # type: ignore[attr-defined]
OFFICERS: sa.Table = Officer.__table__  # type: ignore[attr-defined]
UNITS: sa.Table = Unit.__table__  # type: ignore[attr-defined]

# Every task command asks who stands in for whom today (rules.access.decide_for): built once,
# these two cost a command little more than SQLite's own work (benchmarks/commands.py).
LEAVES_ON = sa.select(
    LEAVES.c.officer_id, LEAVES.c.starts_on, LEAVES.c.ends_on, LEAVES.c.substitute_id
).where(
    LEAVES.c.cancelled_at.is_(None),
    LEAVES.c.ends_on >= sa.bindparam("day"),
    LEAVES.c.starts_on <= sa.bindparam("day"),
)
_HEADS_OF = (
    sa.select(OFFICERS.c.id, UNITS.c.head_id)
    .join(UNITS, UNITS.c.id == OFFICERS.c.unit_id)
    .where(OFFICERS.c.id.in_(sa.bindparam("ids", expanding=True)), OFFICERS.c.active)
)


def leave_facts(leave: Leave) -> LeaveFacts:
    return LeaveFacts(
        leave.officer_id,
        leave.starts_on,
        leave.ends_on,
        leave.substitute_id,
        leave.cancelled_at is not None,
    )


def heads_of_officers(session: Session) -> dict[int, int | None]:
    """Each officer's unit head (officer id -> head id)."""
    heads = {u.id: u.head_id for u in session.exec(select(Unit)).all()}
    return {
        o.id or 0: heads.get(o.unit_id)
        for o in session.exec(select(Officer).where(col(Officer.active))).all()
    }


def leave_facts_on(conn: Connection, day: date) -> list[LeaveFacts]:
    """The leaves (not cancelled) that cover `day`."""
    return [
        LeaveFacts(officer_id, starts_on, ends_on, substitute_id, False)
        for officer_id, starts_on, ends_on, substitute_id in conn.execute(LEAVES_ON, {"day": day})
    ]


def stand_ins_on(session: Session, day: date) -> dict[int, int | None]:
    """On `day`: absent officer id -> who stands in (rules.leave.stand_ins)."""
    return stand_ins_of_connection(connection(session), day)


def stand_ins_of_connection(conn: Connection, day: date) -> dict[int, int | None]:
    """`stand_ins_on` on a connection (the scan's read, a report without a session). Only the
    absent officers' heads are read (the rule asks for no other), not every officer's."""
    leaves = leave_facts_on(conn, day)
    if not leaves:
        return {}
    absent = sorted({leave.officer_id for leave in leaves})
    heads: dict[int, int | None] = {
        officer_id: head_id for officer_id, head_id in conn.execute(_HEADS_OF, {"ids": absent})
    }
    return stand_ins(leaves, day, heads)


def covering(session: Session, officer: Officer, day: date) -> list[Officer]:
    """The absent officers `officer` stands in for on `day`."""
    ids = covered_by(stand_ins_on(session, day), officer.id or 0)
    return [o for o in (session.get(Officer, i) for i in ids) if o is not None]
