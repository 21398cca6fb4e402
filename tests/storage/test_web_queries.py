"""The web page's queries (storage/web_queries.py) on real SQLite and PostgreSQL: a unit's
tasks narrowed to their named officer in SQL, the filter's choices, a task's evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from nhacviec.base.config import ApprovalsConfig, EvidenceConfig
from storage import approvals, evidence, people, repo, web_queries
from storage import tasks as store
from storage.db import session_scope, upgrade
from storage.models import Task, Unit
from storage.web_queries import TaskFilter
from tests.conftest import EXAMPLE_PLAN, load

AT = datetime(2023, 4, 3, 2, 0, tzinfo=UTC)
DAY = date(2023, 4, 3)


def who(session, code: str = "CB001") -> store.Who:  # type: ignore[no-untyped-def]
    return store.Who(repo.officer_by_code(session, code), "cli", AT, DAY)


def khtc(session) -> tuple[int, int, list[Task]]:  # type: ignore[no-untyped-def]
    unit = session.exec(select(Unit).where(Unit.code == "KHTC")).one()
    tasks = list(
        session.exec(select(Task).where(Task.lead_unit_id == unit.id).order_by(col(Task.id)))
    )
    return tasks[0].plan_id, unit.id, tasks


def test_unit_tasks_by_assignee(engine: Engine) -> None:
    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    with session_scope(engine) as session:
        _, _, tasks = khtc(session)
        nhung = repo.officer_by_code(session, "CB009")
        loi = repo.officer_by_code(session, "CB010")
        for task in tasks[:3]:
            store.change(session, task, "assignee", nhung, who(session), "Phân công")
        store.change(session, tasks[3], "assignee", loi, who(session), "Phân công")
        store.change(session, tasks[4], "assignee", loi, who(session), "Phân công")
        # A cancelled task keeps its officer; the officer then leaves the department.
        store.cancel(session, tasks[4], who(session), "Trùng nhiệm vụ")
        people.deactivate(session, loi, who(session), "Nghỉ hưu")
    with session_scope(engine) as session:
        plan_id, unit_id, tasks = khtc(session)
        nhung = repo.officer_by_code(session, "CB009")
        loi = repo.officer_by_code(session, "CB010")
        assert nhung and nhung.id and loi and loi.id

        def ids(where: TaskFilter) -> list[int]:
            return [r.facts.id for r in web_queries.unit_tasks(session, [plan_id], unit_id, where)]

        named = ids(TaskFilter(assignee_id=nhung.id))
        assert named == [t.id for t in tasks[:3]]
        rows = web_queries.unit_tasks(
            session, [plan_id], unit_id, TaskFilter(assignee_id=nhung.id)
        )
        assert {r.assignee for r in rows} == {"Nguyễn Thị Hồng Nhung"}
        # CB010's open task went back to the unit when they left; the cancelled one kept them.
        assert ids(TaskFilter(assignee_id=loi.id)) == [tasks[4].id]
        everyone = ids(TaskFilter())
        assert sorted(ids(TaskFilter(unassigned=True))) == sorted(
            set(everyone) - set(named) - {tasks[4].id}
        )
        # Combined with the other criteria.
        deadline = tasks[1].deadline
        assert deadline is not None
        narrow = TaskFilter(assignee_id=nhung.id, due_from=deadline, due_to=deadline)
        assert tasks[1].id in ids(narrow)
        assert set(ids(narrow)) <= set(named)
        # The choices: the unit's active officers, and whoever is still named on a task.
        choices = [o.code for o in web_queries.assignees(session, [plan_id], unit_id)]
        assert choices == ["CB008", "CB009", "CB010"]
        assert not loi.active


def test_task_evidence_with_who_added_it(engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    settings = EvidenceConfig(folder=str(tmp_path / "evidence"))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    with session_scope(engine) as session:
        _, _, tasks = khtc(session)
        kept = evidence.attach_file(
            session, tasks[0], who(session, "CB009"), png, "image/png", "a.png", settings
        )
        assert kept.id is not None
        evidence_id, task_id, other_id = kept.id, tasks[0].id or 0, tasks[1].id or 0
    with session_scope(engine) as session:
        rows = web_queries.task_evidence(session, task_id)
        assert [(r.officer, r.evidence.original_name) for r in rows] == [
            ("Nguyễn Thị Hồng Nhung", "a.png")
        ]
        assert evidence.stored_file(session, task_id, evidence_id) is not None
        assert evidence.stored_file(session, other_id, evidence_id) is None
        assert evidence.stored_file(session, task_id, 2**40) is None


def test_lists_follow_several_plans_and_the_tasks_carried_into_their_year(
    engine: Engine, tmp_path: Path
) -> None:
    """A unit's list over the plans of 2024 holds the tasks carried into 2024, marked with
    the year they belong to; the filter's choices and the recent completions include them."""
    from storage import carry
    from tests.builders import plan_sheets, write_xlsx
    from tests.nhacviec.test_figures import PLAN_2024

    upgrade(engine)
    load(engine, EXAMPLE_PLAN)
    load(engine, write_xlsx(tmp_path / "p24.xlsx", plan_sheets("CCHC-2024", 2024, PLAN_2024)))
    jan = datetime(2024, 1, 2, 2, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        tccb = repo.officer_by_code(session, "CB001")
        carried = carry.carry_over(
            session, 2023, 2024, store.Who(tccb, "cli", jan, jan.date()), "Chuyển tiếp"
        )
        carried_khtc = {t.id for t in carried.tasks if t.unit == "KHTC"}
    with session_scope(engine) as session:
        ids = [p.id or 0 for p in repo.plans_on(session, jan.date())]
        _, unit_id, _ = khtc(session)
        rows = web_queries.unit_tasks(session, ids, unit_id, TaskFilter(), 2024)
        own = [r for r in rows if r.carried_from is None]
        assert [r.facts.code for r in own] == ["NV24-02"]
        assert {r.facts.id for r in rows if r.carried_from == 2023} == carried_khtc
        # Without the year only the plans' own tasks; the filter narrows carried ones too.
        assert web_queries.unit_tasks(session, ids, unit_id, TaskFilter()) == own
        by_authority = web_queries.unit_tasks(
            session, ids, unit_id, TaskFilter(authority="UBND tỉnh"), 2024
        )
        assert {r.authority for r in by_authority} == {"UBND tỉnh"}
        assert len(by_authority) > 1
        assert set(web_queries.authorities(session, ids, unit_id, 2024)) > set(
            web_queries.authorities(session, ids, unit_id)
        )
        # One top-level area per code across the plans.
        both = ids + [p.id or 0 for p in repo.plans_of_year(session, 2023)]
        codes = [a.code for a in web_queries.top_areas(session, both)]
        assert codes == sorted(set(codes)) and "1" in codes
        khtc_officer = repo.officer_by_code(session, "CB009")
        approvals.report_done(
            session,
            min(carried_khtc),
            store.Who(khtc_officer, "cli", jan, jan.date()),
            ApprovalsConfig(confirm_completion="none"),
        )
    with session_scope(engine) as session:
        since = datetime(2024, 1, 1, tzinfo=UTC)
        assert [r.task_id for r in web_queries.recent_completions(session, ids, since, None)] == []
        done = web_queries.recent_completions(session, ids, since, unit_id, 2024)
        assert [r.task_id for r in done] == [min(carried_khtc)]
