"""A task's record (storage/tasks.py, migration 0011) on real SQLite and PostgreSQL: every
change leaves its event, the events cannot be changed or deleted, the original deadline is
always recoverable, a re-import that moves a deadline leaves its event, a series edited by
re-import keeps one occurrence per period, and the unit's figures follow every change."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from rules import count_outcomes
from rules.events import EventKind
from rules.series import period_key
from storage import repo
from storage import tasks as store
from storage.db import session_scope, upgrade
from storage.importer import import_sheets, read_file
from storage.models import ChatLink, Task, TaskEvent, TaskState, TaskTally
from tests.builders import small_sheets, write_xlsx
from tests.conftest import load

AT = datetime(2023, 4, 3, 2, 0, tzinfo=UTC)  # 09:00 in Asia/Ho_Chi_Minh
DAY = date(2023, 4, 3)


def who(session, code: str | None = "CB02", channel: str = "cli") -> store.Who:  # type: ignore[no-untyped-def]
    officer = repo.officer_by_code(session, code) if code else None
    return store.Who(officer, channel, AT, DAY)


def edited_sheets() -> dict[str, list[list[object]]]:
    """The small plan's sheets, as copies a test may edit."""
    return {name: [list(row) for row in rows] for name, rows in small_sheets().items()}


def setup(engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))


def figures(engine: Engine, unit: str) -> tuple[int, int, int]:
    """(assigned, done, late) of a unit: as the triggers keep them and as the rules count
    them from the tasks still in the plan; both must agree."""
    with session_scope(engine) as session:
        plan = repo.current_plan(session)
        assert plan is not None and plan.id is not None
        unit_id = repo.unit_by_code(session, unit).id  # type: ignore[union-attr]
        tally = session.exec(
            select(TaskTally).where(TaskTally.plan_id == plan.id, TaskTally.unit_id == unit_id)
        ).first()
        kept = (tally.assigned, tally.done, tally.done_late) if tally else (0, 0, 0)
        facts = [f for f in repo.task_facts(session, plan.id) if f.unit == unit]
    counts = count_outcomes(facts, date(2023, 12, 31)).get(unit, {})
    assigned = sum(counts.values())
    done = sum(n for o, n in counts.items() if o.is_done)
    late = sum(n for o, n in counts.items() if o.value == "done_late")
    assert kept == (assigned, done, late)
    return kept


def task_by_code(engine: Engine, code: str) -> Task:
    with session_scope(engine) as session:
        return session.exec(select(Task).where(Task.code == code)).one()


def test_events_are_append_only_in_the_database(engine: Engine, tmp_path: Path) -> None:
    setup(engine, tmp_path)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM task_event")).scalar()
        assert count and count > 0  # every imported task has its "created" event
    for statement in (
        "UPDATE task_event SET reason = 'sửa lén'",
        "DELETE FROM task_event",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM task_event")).scalar() == count


def test_every_change_is_an_event_and_the_figures_follow(engine: Engine, tmp_path: Path) -> None:
    setup(engine, tmp_path)
    khtc_before, vp_before = figures(engine, "KHTC"), figures(engine, "VP")
    with session_scope(engine) as session:
        plan = repo.current_plan(session)
        khtc = repo.unit_by_code(session, "KHTC")
        assert plan and plan.id and khtc and khtc.id
        task = store.add_task(
            session,
            store.NewTask(
                plan_id=plan.id,
                title="Báo cáo kết quả thực hiện Chỉ thị 23",
                lead_unit_id=khtc.id,
                deadline=date(2023, 4, 20),
                authority="UBND tỉnh",
                document="123/UBND-KT",
            ),
            who(session),
        )
        task_id = task.id
    assert figures(engine, "KHTC") == (khtc_before[0] + 1, *khtc_before[1:])

    with session_scope(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        moved = store.change(
            session, task, "deadline", date(2023, 5, 5), who(session), "UBND tỉnh cho lùi hạn"
        )
        assert moved is not None and moved.kind == EventKind.DEADLINE_CHANGED
        assert (moved.old, moved.new, moved.actor) == ("2023-04-20", "2023-05-05", "CB02")
        # Setting the same value again records nothing.
        assert store.change(session, task, "deadline", date(2023, 5, 5), who(session)) is None
        assert store.first_deadline(session, task) == date(2023, 4, 20)
        vp = repo.unit_by_code(session, "VP")
        store.change(session, task, "lead_unit", vp, who(session), "đúng chức năng VP")
    assert figures(engine, "KHTC") == khtc_before
    assert figures(engine, "VP") == (vp_before[0] + 1, *vp_before[1:])

    with session_scope(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        store.cancel(session, task, who(session), "UBND tỉnh thu hồi văn bản")
        with pytest.raises(store.TaskError):
            store.change(session, task, "title", "Tên khác", who(session))
    assert figures(engine, "VP") == vp_before

    with session_scope(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        store.reopen(session, task, who(session, None), "nhầm")
    assert figures(engine, "VP") == (vp_before[0] + 1, *vp_before[1:])

    with session_scope(engine) as session:
        events = store.events_of(session, task_id or 0)
        assert [(e.kind, e.field) for e in events] == [
            ("created", "deadline"),
            ("deadline", "deadline"),
            ("reassigned", "lead_unit"),
            ("cancelled", "state"),
            ("reopened", "state"),
        ]
        assert [e.actor for e in events] == ["CB02"] * 4 + ["admin"]
        assert events[3].reason == "UBND tỉnh thu hồi văn bản"
        assert (events[2].old, events[2].new) == ("KHTC", "VP")


def test_a_reimport_that_moves_a_deadline_leaves_its_event_and_the_original(
    engine: Engine, tmp_path: Path
) -> None:
    setup(engine, tmp_path)
    with session_scope(engine) as session:
        done = session.exec(select(Task).where(Task.code == "NV-02")).one()  # TCCB, 30/09
        assert done.deadline == date(2023, 9, 30)
        # Finished 13 days late.
        repo.record_progress(
            session, repo.ProgressRecord(done, None, 100, None, "cli", AT, date(2023, 10, 13))
        )
        lan = repo.officer_by_code(session, "CB04")  # an officer of KHTC, on Telegram
        assert lan is not None and lan.id is not None
        session.add(ChatLink(officer_id=lan.id, channel="telegram", chat_id="501"))
    tccb_before, khtc_before = figures(engine, "TCCB"), figures(engine, "KHTC")
    assert tccb_before[2] == 1
    sheets = edited_sheets()
    for row in sheets["Nhiệm vụ"]:
        if row[0] == "NV-05":  # KHTC, open, due 30/06
            row[6] = "30/09/2023"
        if row[0] == "NV-02":  # the late one, moved past its completion
            row[6] = "31/10/2023"
    with session_scope(engine) as session:
        officer = repo.officer_by_code(session, "CB02")
        summary = import_sheets(
            session,
            read_file(write_xlsx(tmp_path / "b.xlsx", sheets)),
            by=officer,
            at=AT,
            day=DAY,
        )
    moved = task_by_code(engine, "NV-05")
    assert moved.deadline == date(2023, 9, 30)
    with session_scope(engine) as session:
        [event] = [e for e in store.events_of(session, moved.id or 0) if e.kind == "deadline"]
        assert (event.actor, event.channel, event.old) == ("CB02", "import", "2023-06-30")
        assert store.first_deadline(session, moved) == date(2023, 6, 30)
        # The officers of KHTC are told of the move, once.
        [notice] = store.notice_rows(session, moved.id or 0)
        assert (notice.kind, notice.chat_id) == (f"notice:{event.id}", "501")
        assert "đổi hạn 30/06/2023 → 30/09/2023" in notice.text
    # A done task's deadline is not moved by a file: the lateness stays, the import says so.
    late = task_by_code(engine, "NV-02")
    assert late.deadline == date(2023, 9, 30)
    assert (
        len(summary.kept_back) == 1 and "đã hoàn thành: giữ hạn 30/09/2023" in summary.kept_back[0]
    )
    assert figures(engine, "TCCB") == tccb_before
    assert figures(engine, "KHTC") == khtc_before


def test_a_series_edit_leaves_one_occurrence_per_period(engine: Engine, tmp_path: Path) -> None:
    setup(engine, tmp_path)
    with session_scope(engine) as session:
        first = session.exec(select(Task).where(Task.code == "NV-03#1")).one()
        second = session.exec(select(Task).where(Task.code == "NV-03#2")).one()
        repo.record_progress(
            session, repo.ProgressRecord(first, None, 100, None, "cli", AT, date(2023, 1, 30))
        )
        done_id, second_id = first.id, second.id
    before = figures(engine, "KHTC")
    # The series now starts in March, on the 28th: January is done (kept), February goes.
    sheets = edited_sheets()
    for row in sheets["Nhiệm vụ"]:
        if row[0] == "NV-03":
            row[6] = "28/03/2023"
    with session_scope(engine) as session:
        summary = import_sheets(
            session, read_file(write_xlsx(tmp_path / "s.xlsx", sheets)), at=AT, day=DAY
        )
        assert summary.created.get("task", 0) == 0
    with session_scope(engine) as session:
        series = session.exec(select(Task).where(Task.series_code == "NV-03")).all()
        live = [t for t in series if t.state != TaskState.CANCELLED]
        periods = Counter(period_key(t.deadline, "FREQ=MONTHLY") for t in live if t.deadline)
        assert max(periods.values()) == 1
        assert {t.deadline.month for t in live if t.deadline} == set(range(1, 13)) - {2}
        done = session.get(Task, done_id)
        assert done is not None and done.state == TaskState.DONE
        assert done.deadline == date(2023, 1, 25)  # a done occurrence is kept as it was
        feb = session.get(Task, second_id)
        assert feb is not None and feb.state == TaskState.CANCELLED
        [cancel] = [e for e in store.events_of(session, feb.id or 0) if e.kind == "cancelled"]
        assert cancel.reason == store.SERIES_REMOVED and cancel.channel == "import"
        march = [t for t in live if t.deadline and t.deadline.month == 3]
        assert [t.deadline.day for t in march] == [28]
    after = figures(engine, "KHTC")
    assert after == (before[0] - 1, before[1], before[2])

    # Moving it back brings February back, still one per month.
    with session_scope(engine) as session:
        import_sheets(session, read_file(write_xlsx(tmp_path / "s2.xlsx")), at=AT, day=DAY)
        series = session.exec(select(Task).where(Task.series_code == "NV-03")).all()
        live = [t for t in series if t.state != TaskState.CANCELLED]
        assert len(live) == 12
        assert max(Counter(t.deadline.month for t in live if t.deadline).values()) == 1
        assert session.exec(
            select(TaskEvent).where(TaskEvent.task_id == second_id, TaskEvent.kind == "reopened")
        ).first()
    assert figures(engine, "KHTC") == before


def test_the_import_names_the_officer_who_handles_a_task(engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    sheets = edited_sheets()
    tasks = sheets["Nhiệm vụ"]
    tasks[0].append("Cán bộ thụ lý")
    for row in tasks[1:]:
        row.append("CB04" if row[0] == "NV-05" else "")
    with session_scope(engine) as session:
        import_sheets(session, read_file(write_xlsx(tmp_path / "a.xlsx", sheets)), at=AT, day=DAY)
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        lan = repo.officer_by_code(session, "CB04")
        assert lan is not None and task.assignee_id == lan.id
    # By full name, as departments write it; an officer of another unit (or one the list does
    # not have) is a warning, and the task goes to the whole unit, with its event.
    for row in tasks[1:]:
        if row[0] == "NV-05":
            row[-1] = "Trần Văn Hải"  # CB03, the head of KHTC
        if row[0] == "NV-02":
            row[-1] = "CB06"  # of VP, not of TCCB
    with session_scope(engine) as session:
        summary = import_sheets(
            session, read_file(write_xlsx(tmp_path / "b.xlsx", sheets)), at=AT, day=DAY
        )
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        hai = repo.officer_by_code(session, "CB03")
        assert hai is not None and task.assignee_id == hai.id
        [moved] = [e for e in store.events_of(session, task.id or 0) if e.field == "assignee"]
        assert (moved.kind, moved.old, moved.new) == ("reassigned", "CB04", "CB03")
        other = session.exec(select(Task).where(Task.code == "NV-02")).one()
        assert other.assignee_id is None
    [warning] = [w for w in summary.warnings if "thụ lý" in str(w)]
    assert "cán bộ thụ lý 'CB06' không thuộc đơn vị chủ trì TCCB: nhiệm vụ giao cả đơn vị" in str(
        warning
    )


def test_a_notice_is_written_once_per_event_recipient_and_chat(
    engine: Engine, tmp_path: Path
) -> None:
    setup(engine, tmp_path)
    with session_scope(engine) as session:
        for code, chat in (("CB03", "head"), ("CB04", "lan")):
            officer = repo.officer_by_code(session, code)
            assert officer is not None and officer.id is not None
            session.add(ChatLink(officer_id=officer.id, channel="telegram", chat_id=chat))
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        event = store.change(session, task, "deadline", date(2023, 7, 31), who(session), "lùi")
        assert event is not None
        # Written with the event: to the unit's officer and its head (no one is named).
        assert {r.chat_id for r in store.notice_rows(session, task.id or 0)} == {"head", "lan"}
        # Owing the same event again (a retry, a second instance) writes nothing more.
        assert store.owe_notices(session, task, event, who(session)) == 0
        assert len(store.notice_rows(session, task.id or 0)) == 2
