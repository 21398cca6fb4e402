"""Carrying a closed year's unfinished tasks into the new year (storage/carry.py, migration
0018) on real SQLite and PostgreSQL: one task identity, so the closed year's figures keep their
digits (a carried task done in January counts late in its own year) and the new year's do not
count it; the new year's lists and reminders show it; one event per task; a preview writes
nothing; a second run carries nothing; refusals say what to fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from nhacviec.base import texts
from rules.events import EventKind
from storage import carry, repo, tally
from storage import outbox as scan_store
from storage import tasks as store
from storage.db import session_scope, upgrade
from storage.models import Task, TaskEvent, TaskState
from tests.builders import plan_sheets, write_xlsx
from tests.conftest import load

JAN_2 = date(2024, 1, 2)  # the first working day of 2024
AT = datetime(2024, 1, 2, 2, 0, tzinfo=UTC)  # 09:00 in Asia/Ho_Chi_Minh
HORIZON = date(2024, 1, 20)


def next_plan(year: int) -> dict[str, list[list[Any]]]:
    return plan_sheets(
        f"KH-{year}",
        year,
        [
            [f"N{year}-1", f"Kế hoạch CCHC năm {year}", "1", "TCCB", "", "Giám đốc Sở",
             f"15/01/{year}", "", ""],
            [f"N{year}-2", f"Báo cáo quý I/{year}", "6", "KHTC", "", "UBND tỉnh",
             f"15/03/{year}", "", ""],
        ],
    )  # fmt: skip


def who(session: Session, code: str | None = "CB02") -> store.Who:
    officer = repo.officer_by_code(session, code) if code else None
    return store.Who(officer, "cli", AT, JAN_2)


def task(session: Session, code: str) -> Task:
    return session.exec(select(Task).where(Task.code == code)).one()


def counts(conn: Connection, year: int, on: date) -> list[tally.CountRow]:
    """The outcomes of the plans of `year` on `on`, per unit, as every view counts them
    (`progress`, the mean progress of /areas, set aside: on a past day it reads a task's
    progress as it is now, carried or not)."""
    ids = tally.plan_ids_of_year(conn, year)
    rows = sorted(tally.outcome_counts(conn, ids, on, 3), key=lambda r: r.unit_id)
    return [replace(r, progress=0) for r in rows]


def carried_events(engine: Engine) -> list[TaskEvent]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(TaskEvent)
                .where(TaskEvent.kind == EventKind.CARRIED_OVER)
                .order_by(col(TaskEvent.id))
            ).all()
        )


def setup(engine: Engine, tmp_path: Path) -> None:
    """The small 2023 plan (one task done, one cancelled), and the 2024 plan."""
    upgrade(engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    with session_scope(engine) as session:
        done = task(session, "NV-01")
        officer = repo.officer_by_code(session, "CB01")
        repo.record_progress(
            session,
            repo.ProgressRecord(done, officer, 100, None, "cli", AT, date(2023, 2, 10)),
        )
        store.cancel(session, task(session, "NV-02"), who(session), "Không còn phù hợp")
    load(engine, write_xlsx(tmp_path / "p24.xlsx", next_plan(2024)))


def test_carried_tasks_are_listed_in_the_new_year_and_count_in_their_own(
    engine: Engine, tmp_path: Path
) -> None:
    setup(engine, tmp_path)
    with engine.connect() as conn:
        ids_2024 = tally.plan_ids_of_year(conn, 2024)
        year_end = counts(conn, 2023, date(2023, 12, 31))
        since = counts(conn, 2023, date(2024, 1, 15))
        new_year = counts(conn, 2024, JAN_2)
        listed = scan_store.open_tasks_due_by(conn, ids_2024, JAN_2, HORIZON, 2024)
    # Before any carry-over, the 2023 tasks left the new year's reminders entirely.
    assert {r.code for r in listed} == {"N2024-1"}
    with session_scope(engine) as session:
        unfinished = {
            t.id
            for t in session.exec(select(Task).where(Task.state == TaskState.OPEN)).all()
            if not t.code.startswith("N2024")
        }

    # A preview says what would move and writes nothing.
    with Session(engine) as session:
        preview = carry.carry_over(session, 2023, 2024, who(session), apply=False)
        session.rollback()
    assert {t.id for t in preview.tasks} == unfinished
    assert not preview.applied and carried_events(engine) == []
    assert preview.per_unit() == {
        "KHTC": sum(1 for t in preview.tasks if t.unit == "KHTC"),
        "VP": sum(1 for t in preview.tasks if t.unit == "VP"),
    }
    with session_scope(engine) as session:
        assert all(t.carried_to_year is None for t in session.exec(select(Task)).all())

    with session_scope(engine) as session:
        result = carry.carry_over(session, 2023, 2024, who(session), "Hết năm 2023")
    assert {t.id for t in result.tasks} == unfinished and result.applied
    events = carried_events(engine)
    # Once per task.
    assert sorted(e.task_id or 0 for e in events) == sorted(i or 0 for i in unfinished)
    assert {(e.actor, e.channel, e.field, e.old, e.new, e.reason) for e in events} == {
        ("CB02", "cli", "carried_to_year", "2023", "2024", "Hết năm 2023")
    }

    with engine.connect() as conn:
        # One task identity: every 2023 figure and every 2024 figure keeps its digits.
        assert counts(conn, 2023, date(2023, 12, 31)) == year_end
        assert counts(conn, 2023, date(2024, 1, 15)) == since
        assert counts(conn, 2024, JAN_2) == new_year
        # The new year's reminders read the carried tasks (and their co-units).
        listed = scan_store.open_tasks_due_by(conn, ids_2024, JAN_2, HORIZON, 2024)
        co = scan_store.co_units_due_by(conn, ids_2024, JAN_2, HORIZON, 2024)
        years = tally.plan_year_of(conn)
    assert {r.id for r in listed} - unfinished == {r.id for r in listed if r.code == "N2024-1"}
    assert unfinished <= {r.id for r in listed}
    assert {years[r.plan_id] for r in listed if r.id in unfinished} == {2023}
    assert {task_id for task_id, _unit in co} >= {
        r.id for r in listed if r.code.startswith("NV-04")
    }
    with session_scope(engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None and khtc.id is not None
        mine = repo.open_tasks_of_unit(session, khtc.id, ids_2024, 2024)
        assert {t.code for t in mine} >= {"NV-05", "N2024-2"}
        co_tasks = store.open_co_tasks_of_unit(session, khtc.id, ids_2024, 2024)
        assert co_tasks and all(t.code.startswith("NV-04") for t in co_tasks)
        facts = repo.task_facts(session, ids_2024, khtc.id, carried_into=2024)
        assert {f.carried_from for f in facts if f.code == "NV-05"} == {2023}
        assert {f.carried_from for f in facts if f.code == "N2024-2"} == {None}
        # The figures' own reading never includes them.
        assert {f.code for f in repo.task_facts(session, ids_2024, khtc.id)} == {"N2024-2"}

    # A second run carries nothing and records nothing.
    with session_scope(engine) as session:
        again = carry.carry_over(session, 2023, 2024, who(session))
    assert again.tasks == [] and len(carried_events(engine)) == len(events)

    # Done in January 2024: late in 2023's figures (late + overdue, the rate, unchanged);
    # on 31/12/2023 it was still overdue; 2024's figures never see it.
    with session_scope(engine) as session:
        nv05 = task(session, "NV-05")
        officer = repo.officer_by_code(session, "CB04")
        repo.record_progress(
            session,
            repo.ProgressRecord(nv05, officer, 100, None, "telegram", AT, date(2024, 1, 10)),
        )
        khtc_id = nv05.lead_unit_id
    with engine.connect() as conn:
        assert counts(conn, 2023, date(2023, 12, 31)) == year_end
        assert counts(conn, 2024, JAN_2) == new_year
        after = {r.unit_id: r for r in counts(conn, 2023, date(2024, 1, 15))}
        listed = scan_store.open_tasks_due_by(conn, ids_2024, JAN_2, HORIZON, 2024)
    before = {r.unit_id: r for r in since}
    assert after[khtc_id].late == before[khtc_id].late + 1
    assert after[khtc_id].overdue == before[khtc_id].overdue - 1
    assert after[khtc_id].assigned == before[khtc_id].assigned
    assert {u: r for u, r in after.items() if u != khtc_id} == {
        u: r for u, r in before.items() if u != khtc_id
    }
    assert "NV-05" not in {r.code for r in listed}


def test_a_carried_task_moves_on_to_the_next_year_and_never_back(
    engine: Engine, tmp_path: Path
) -> None:
    setup(engine, tmp_path)
    load(engine, write_xlsx(tmp_path / "p25.xlsx", next_plan(2025)))
    with session_scope(engine) as session:
        first = carry.carry_over(session, 2023, 2024, who(session))
    with session_scope(engine) as session:
        second = carry.carry_over(session, 2024, 2025, who(session))
    carried = {t.id for t in first.tasks}
    # 2024's own unfinished tasks and those it took from 2023 go on to 2025.
    assert {t.id for t in second.tasks} == carried | {
        t.id for t in second.tasks if t.code.startswith("N2024")
    }
    assert {t.code for t in second.tasks if t.code.startswith("N2024")} == {"N2024-1", "N2024-2"}
    with session_scope(engine) as session:
        assert carry.carry_over(session, 2023, 2025, who(session)).tasks == []
    with engine.connect() as conn:
        ids_2024 = tally.plan_ids_of_year(conn, 2024)
        ids_2025 = tally.plan_ids_of_year(conn, 2025)
        in_2024 = scan_store.open_tasks_due_by(conn, ids_2024, JAN_2, date(2025, 12, 31), 2024)
        in_2025 = scan_store.open_tasks_due_by(
            conn, ids_2025, date(2025, 1, 2), date(2025, 12, 31), 2025
        )
    # 2024's dates follow 2024's plans; the tasks from 2023 are 2025's to remind now.
    assert {r.code for r in in_2024} == {"N2024-1", "N2024-2"}
    assert carried <= {r.id for r in in_2025}
    moves = [(e.old, e.new) for e in carried_events(engine) if e.task_id in carried]
    assert sorted(set(moves)) == [("2023", "2024"), ("2024", "2025")]
    assert len(moves) == 2 * len(carried)


@pytest.mark.parametrize(
    ("from_year", "to_year", "reason", "says"),
    [
        (2024, 2023, "carry_order", "--from 2024 phải nhỏ hơn --to 2023"),
        (2024, 2024, "carry_order", "--from 2024 phải nhỏ hơn --to 2024"),
        (2023, 2026, "carry_no_plan_to", "Nhập kế hoạch năm 2026 trước (nhacviec import TỆP)"),
        (2022, 2024, "carry_no_plan_from", "Năm 2022 không có kế hoạch nào"),
    ],
)
def test_refusals_name_the_fix_and_change_nothing(
    engine: Engine, tmp_path: Path, from_year: int, to_year: int, reason: str, says: str
) -> None:
    setup(engine, tmp_path)
    with session_scope(engine) as session, pytest.raises(carry.CarryError) as refused:
        carry.carry_over(session, from_year, to_year, who(session))
    assert refused.value.reason == reason
    assert says in texts.explain(refused.value)
    assert carried_events(engine) == []
