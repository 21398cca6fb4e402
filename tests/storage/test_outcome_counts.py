"""The database's count of outcomes (storage.outbox.plan_outcome_counts, used by the weekly
summary over plans of a million tasks) equals the rules' count, day by day, on SQLite and
PostgreSQL."""

import random
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from rules import count_outcomes
from rules.approvals import judged
from storage import repo
from storage.db import session_scope, upgrade
from storage.models import Plan, Task, Unit
from storage.outbox import plan_outcome_counts
from storage.tally import sync_deadline_shifts
from tests.conftest import EXAMPLE_PLAN, load


def test_database_counts_equal_the_rules_every_day_of_the_year(engine: Engine) -> None:
    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    rng = random.Random(7)
    with session_scope(engine) as session:
        plan = session.exec(select(Plan)).one()
        units = session.exec(select(Unit)).all()
        tasks = session.exec(select(Task)).all()
        # Finish some tasks early, some on the day, some late; leave the rest open.
        for task in tasks:
            assert task.deadline is not None
            fate = rng.random()
            if fate < 0.25:
                task.completed_on = task.deadline - timedelta(days=rng.randint(0, 20))
            elif fate < 0.5:
                task.completed_on = task.deadline + timedelta(days=rng.randint(1, 40))
            if task.completed_on is not None:
                task.state, task.progress = "done", 100
        plan_id = plan.id
        assert plan_id is not None
        unit_ids: list[int] = []
        for unit in units:
            assert unit.id is not None
            unit_ids.append(unit.id)
        # Edge cases the rule handles: no deadline (open or done), done on the deadline.
        for n, done in enumerate((None, date(2023, 5, 5), None)):
            session.add(
                Task(
                    plan_id=plan_id,
                    code=f"X-{n}",
                    title="Không hạn",
                    lead_unit_id=unit_ids[n],
                    deadline=None,
                    completed_on=done,
                )
            )
        session.add(
            Task(
                plan_id=plan_id,
                code="X-9",
                title="Đúng ngày",
                lead_unit_id=unit_ids[0],
                deadline=date(2023, 6, 1),
                completed_on=date(2023, 6, 1),
            )
        )
        unit_codes = dict(zip(unit_ids, (u.code for u in units), strict=True))
    with Session(engine) as session:
        facts = repo.task_facts(session, plan_id)
    day = date(2022, 12, 25)
    checked = 0
    with engine.connect() as conn:
        while day <= date(2024, 1, 10):
            for soon in (0, 7):
                expected = count_outcomes(facts, day, soon, units=unit_codes.values())
                got = plan_outcome_counts(conn, plan_id, day, soon, unit_codes)
                assert got == expected, day
                checked += 1
            day += timedelta(days=3)
    assert checked > 250


def test_extensions_judged_against_the_deadline_before_them_on_both_paths(
    engine: Engine,
) -> None:
    """With [approvals] extension_counts_late, the database's count judges a task given an
    extension against its effective deadline before it (a Saturday moved to Monday), as the
    rules judge the facts; without it, against the deadline in force."""
    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    saturday, monday = date(2023, 3, 25), date(2023, 3, 27)
    rng = random.Random(11)
    with session_scope(engine) as session:
        sync_deadline_shifts(session.connection(), {saturday: monday})
        plan = session.exec(select(Plan)).one()
        units = session.exec(select(Unit)).all()
        tasks = [t for t in session.exec(select(Task)).all() if t.deadline is not None]
        for n, task in enumerate(tasks[:40]):
            assert task.deadline is not None
            # Given an extension of 10 to 40 days; finished before the old deadline, on the
            # Monday after a Saturday one, within the extension, after it, or not yet.
            task.extended_from = saturday if n % 4 == 0 else task.deadline
            task.deadline = task.extended_from + timedelta(days=rng.randint(10, 40))
            fate = n % 5
            if fate == 0:
                task.completed_on = task.extended_from - timedelta(days=2)
            elif fate == 1:
                task.completed_on = monday if task.extended_from == saturday else task.deadline
            elif fate == 2:
                task.completed_on = task.extended_from + timedelta(days=3)
            elif fate == 3:
                task.completed_on = task.deadline + timedelta(days=5)
            if task.completed_on is not None:
                task.state, task.progress = "done", 100
        plan_id = plan.id
        assert plan_id is not None
        unit_codes = {u.id: u.code for u in units if u.id is not None}
    with Session(engine) as session:
        facts = repo.task_facts(session, plan_id)
    before = [f for f in facts if f.extended_from == monday]
    assert before, "the Saturday before the extension reads as the Monday it moves to"
    checked = changed = 0
    with engine.connect() as conn:
        day = date(2023, 1, 2)
        while day <= date(2024, 1, 10):
            for late_rule in (False, True):
                judged_facts = [judged(f, late_rule) for f in facts]
                expected = count_outcomes(judged_facts, day, 7, units=unit_codes.values())
                got = plan_outcome_counts(
                    conn, plan_id, day, 7, unit_codes, extension_counts_late=late_rule
                )
                assert got == expected, (day, late_rule)
                checked += 1
            if plan_outcome_counts(
                conn, plan_id, day, 7, unit_codes, extension_counts_late=True
            ) != plan_outcome_counts(conn, plan_id, day, 7, unit_codes):
                changed += 1
            day += timedelta(days=5)
    assert checked > 100
    assert changed > 10, "the rule must change the figures on some days"
