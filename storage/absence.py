"""Who is away on a day and who stands in: the leaves recorded in `leave` (storage.people
writes them) read for the scan, the notices and the chat (rules.leave decides)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from rules.leave import LeaveFacts, covered_by, stand_ins
from storage.models import Leave, Officer, Unit


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


def leave_facts_on(session: Session, day: date) -> list[LeaveFacts]:
    """The leaves (not cancelled) that cover `day`."""
    return [
        leave_facts(x)
        for x in session.exec(
            select(Leave).where(
                col(Leave.cancelled_at).is_(None),
                col(Leave.ends_on) >= day,
                col(Leave.starts_on) <= day,
            )
        ).all()
    ]


def stand_ins_on(session: Session, day: date) -> dict[int, int | None]:
    """On `day`: absent officer id -> who stands in (rules.leave.stand_ins)."""
    leaves = leave_facts_on(session, day)
    if not leaves:
        return {}
    return stand_ins(leaves, day, heads_of_officers(session))


def stand_ins_of_connection(conn: Connection, day: date) -> dict[int, int | None]:
    """`stand_ins_on` inside the scan's read (a connection, not a session)."""
    with Session(bind=conn) as session:
        return stand_ins_on(session, day)


def covering(session: Session, officer: Officer, day: date) -> list[Officer]:
    """The absent officers `officer` stands in for on `day`."""
    ids = covered_by(stand_ins_on(session, day), officer.id or 0)
    return [o for o in (session.get(Officer, i) for i in ids) if o is not None]
