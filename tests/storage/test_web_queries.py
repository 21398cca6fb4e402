"""The overview's figures counted by the database equal the rules' own count, on SQLite and
PostgreSQL, day by day; and the access rules chat and web share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from nhacviec.base.config import Config
from nhacviec.reports.figures import plan_figures, quick_plan_figures
from storage import repo
from storage.db import session_scope, upgrade
from storage.models import Task
from tests.conftest import EXAMPLE_PLAN, load


def _complete_some(engine: Engine) -> None:
    """Every third task done, some early, some late; a few with progress."""
    with session_scope(engine) as session:
        tasks = session.exec(select(Task).order_by(col(Task.id))).all()
        for n, task in enumerate(tasks):
            if task.deadline is None:
                continue
            if n % 3 == 0:
                on = task.deadline + timedelta(days=(n % 7) - 3)
                repo.record_progress(
                    session,
                    repo.ProgressRecord(
                        task,
                        None,
                        100,
                        None,
                        "cli",
                        datetime(on.year, on.month, on.day, tzinfo=UTC),
                        on,
                    ),
                )
            elif n % 3 == 1:
                task.progress = (n * 13) % 100
                session.add(task)


def test_quick_figures_equal_the_rules(engine: Engine) -> None:
    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    _complete_some(engine)
    config = Config()
    with session_scope(engine) as session:
        plan = repo.current_plan(session)
        assert plan is not None
        day = date(2023, 1, 1)
        while day <= date(2024, 1, 10):
            slow = plan_figures(session, plan, day, config)
            quick = quick_plan_figures(session, plan, day, config)
            assert quick.units == slow.units, day
            assert [
                (a.area.code, a.tasks, a.done, a.late, a.overdue, round(a.mean_progress, 9))
                for a in quick.areas
            ] == [
                (a.area.code, a.tasks, a.done, a.late, a.overdue, round(a.mean_progress, 9))
                for a in slow.areas
            ], day
            day += timedelta(days=9)
