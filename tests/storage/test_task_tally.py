"""TaskTally, kept by triggers (migrations 0008 and 0011), always equals what the rules count
from the tasks themselves (cancelled tasks left out): through the ORM and raw SQL, for every
kind of change, cancellation and reopening included, on SQLite and PostgreSQL; and the
migrations count the tasks that were there before them."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import select

from rules import Outcome, TaskFacts, outcome_on
from storage.db import alembic_config, session_scope, upgrade
from storage.models import Plan, Task, TaskTally, Unit
from tests.conftest import EXAMPLE_PLAN, load

TALLY: sa.Table = TaskTally.__table__  # type: ignore[attr-defined]
# Every completion is known on this day: a task's tally counts all its completions.
END_OF_TIME = date.max

Tally = dict[tuple[int, int], tuple[int, int, int]]


def kept(engine: Engine) -> Tally:
    """The tally the triggers kept, rows of units with no task left dropped."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(TALLY).where(TALLY.c.assigned != 0)).all()
    return {(r.plan_id, r.unit_id): (r.assigned, r.done, r.done_late) for r in rows}


def counted(engine: Engine) -> Tally:
    """The same figures, counted afresh from the tasks by the rules."""
    tasks = (
        sa.select(
            sa.column("plan_id", sa.Integer),
            sa.column("lead_unit_id", sa.Integer),
            sa.column("deadline", sa.Date),
            sa.column("completed_on", sa.Date),
        )
        .select_from(sa.table("task"))
        .where(sa.column("state") != "cancelled")
    )
    assigned: Counter[tuple[int, int]] = Counter()
    done: Counter[tuple[int, int]] = Counter()
    late: Counter[tuple[int, int]] = Counter()
    with engine.connect() as conn:
        for plan_id, unit_id, deadline, completed_on in conn.execute(tasks):
            key = (plan_id, unit_id)
            facts = TaskFacts(0, "", "", deadline=deadline, completed_on=completed_on)
            outcome = outcome_on(facts, END_OF_TIME)
            assigned[key] += 1
            done[key] += outcome.is_done
            late[key] += outcome is Outcome.DONE_LATE
    return {key: (n, done[key], late[key]) for key, n in assigned.items()}


def test_the_tally_follows_every_change_to_the_tasks(engine: Engine) -> None:
    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    assert kept(engine) == counted(engine)
    assert sum(n for n, _, _ in kept(engine).values()) > 20

    with session_scope(engine) as session:
        plan = session.exec(select(Plan)).one()
        units = session.exec(select(Unit).order_by(Unit.id)).all()  # type: ignore[arg-type]
        tasks = session.exec(select(Task).order_by(Task.id)).all()  # type: ignore[arg-type]
        deadlines = [task.deadline for task in tasks[:3]]
        assert None not in deadlines
        first, second, third = (d for d in deadlines if d is not None)
        tasks[0].completed_on = first  # on the deadline: on time
        tasks[1].completed_on = second + timedelta(days=3)
        tasks[2].completed_on = third - timedelta(days=9)
        tasks[3].lead_unit_id = units[-1].id  # type: ignore[assignment]
        tasks[4].deadline = None
        tasks[4].completed_on = date(2023, 12, 31)  # no deadline: on time
        tasks[5].title = "Tiêu đề mới"  # a change the tally does not depend on
        tasks[6].state = "cancelled"  # leaves the figures
        tasks[7].state = "cancelled"
        tasks[7].lead_unit_id = units[-1].id  # type: ignore[assignment]
        other = Plan(code="KH-2024", name="Kế hoạch 2024", year=2024)
        session.add(other)
        session.flush()
        session.add(
            Task(
                plan_id=other.id,  # type: ignore[arg-type]
                code="X-1",
                title="Nhiệm vụ năm sau",
                lead_unit_id=units[0].id,  # type: ignore[arg-type]
                deadline=date(2024, 3, 1),
                completed_on=date(2024, 3, 5),
            )
        )
        plan_id = plan.id
    assert kept(engine) == counted(engine)

    with session_scope(engine) as session:
        tasks = session.exec(select(Task).order_by(Task.id)).all()  # type: ignore[arg-type]
        tasks[1].deadline = tasks[1].completed_on  # a late task's deadline moved: now on time
        tasks[2].completed_on = None  # a completion undone
        tasks[6].state = "open"  # reopened: back in the figures
        tasks[8].completed_on = tasks[8].deadline
        tasks[8].state = "cancelled"
        session.delete(tasks[-1])
    assert kept(engine) == counted(engine)

    # Writes that bypass the application (a bulk fix at a SQL prompt) are counted too.
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE task SET completed_on = deadline + 1 "
                "WHERE plan_id = :plan AND completed_on IS NULL AND id % 3 = 0"
            )
            if engine.dialect.name == "postgresql"
            else sa.text(
                "UPDATE task SET completed_on = date(deadline, '+1 day') "
                "WHERE plan_id = :plan AND completed_on IS NULL AND id % 3 = 0"
            ),
            {"plan": plan_id},
        )
        conn.execute(
            sa.text(
                "DELETE FROM task WHERE id = (SELECT min(id) FROM task "
                "WHERE id NOT IN (SELECT task_id FROM taskcounit) "
                "AND id NOT IN (SELECT task_id FROM task_event) "
                "AND id NOT IN (SELECT task_id FROM progressupdate))"
            )
        )
    assert kept(engine) == counted(engine)
    # A task with a record cannot be deleted (its events are append-only): cancelling every
    # task empties the figures.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE task SET state = 'cancelled'"))
    assert kept(engine) == counted(engine) == {}


def test_the_migration_counts_the_tasks_already_there_and_goes_back(engine: Engine) -> None:
    config = alembic_config(engine)
    command.upgrade(config, "0007")
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO unit (id, code, name) VALUES (1, 'A', 'A'), (2, 'B', 'B')")
        )
        conn.execute(sa.text("INSERT INTO plan (id, code, name, year) VALUES (1, 'P', 'P', 2023)"))
        rows = [
            (1, "a1", 1, date(2023, 3, 1), None),
            (2, "a2", 1, date(2023, 3, 1), date(2023, 3, 1)),
            (3, "a3", 1, date(2023, 3, 1), date(2023, 3, 2)),
            (4, "b1", 2, None, date(2023, 5, 1)),
            (5, "b2", 2, date(2023, 6, 1), date(2023, 7, 1)),
        ]
        for task_id, code, unit, deadline, done in rows:
            conn.execute(
                sa.text(
                    "INSERT INTO task (id, plan_id, code, title, lead_unit_id, deadline, "
                    "progress, state, completed_on) VALUES (:id, 1, :code, 'T', :unit, "
                    ":deadline, 0, 'open', :done)"
                ),
                {"id": task_id, "code": code, "unit": unit, "deadline": deadline, "done": done},
            )
    upgrade(engine)
    assert kept(engine) == counted(engine) == {(1, 1): (3, 2, 1), (1, 2): (2, 2, 1)}

    command.downgrade(config, "0007")
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table("task_tally")
        # No trigger is left behind to write to the dropped table.
        conn.execute(sa.text("UPDATE task SET completed_on = NULL"))
        conn.execute(sa.text("DELETE FROM task WHERE id = 5"))
    upgrade(engine)
    assert kept(engine) == counted(engine) == {(1, 1): (3, 0, 0), (1, 2): (1, 0, 0)}
