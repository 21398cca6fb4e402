"""Two officers change one task at the same moment, in real threads on real SQLite and
PostgreSQL: exactly one `/done` wins and the other is told the task is already done; a
`/progress` racing a `/done` never leaves a done task below 100%. Figures are printed for the
README ("Độ tin cậy")."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from storage import repo
from storage.db import session_scope
from storage.models import ProgressUpdate, Task
from tests.builders import write_xlsx
from tests.conftest import link_chat, load

TRIALS = int(os.environ.get("NHACVIEC_RACE_TRIALS", "25"))
DONE_TEXT = "✅ Đã ghi nhận hoàn thành"
ALREADY_DONE_TEXT = "đã hoàn thành"


@pytest.fixture
def racing(engine: Engine, clock: FixedClock, tmp_path: Path) -> tuple[App, list[int]]:
    """/done counts at once ([approvals] confirm_completion = "none")."""
    return setup(engine, clock, tmp_path, "none")


def setup(
    engine: Engine, clock: FixedClock, tmp_path: Path, confirm: str
) -> tuple[App, list[int]]:
    """The small plan, two linked officers of KHTC (CB04 on chat a, the head CB03 on chat b)
    and 2 × TRIALS fresh open KHTC tasks."""
    config = Config()
    config.approvals.confirm_completion = confirm
    app = build_app(config, clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    link_chat(app, "CB04", "console", "a")
    link_chat(app, "CB03", "console", "b")
    with session_scope(engine) as session:
        plan, unit = repo.current_plan(session), repo.unit_by_code(session, "KHTC")
        assert plan is not None and unit is not None
        tasks = [
            Task(
                plan_id=plan.id or 0,
                code=f"RACE-{n}",
                title=f"Nhiệm vụ thử tranh chấp {n}",
                lead_unit_id=unit.id or 0,
                deadline=date(2023, 6, 30),
            )
            for n in range(2 * TRIALS)
        ]
        session.add_all(tasks)
        session.flush()
        ids = [task.id or 0 for task in tasks]
    return app, ids


def race(app: App, first: str, second: str) -> tuple[str, str]:
    """Chat a sends `first` while chat b sends `second`, released together."""
    barrier = threading.Barrier(2)
    replies: dict[str, str] = {}

    def send(chat: str, text: str) -> None:
        barrier.wait()
        replies[chat] = "\n".join(r.text for r in app.chat.handle(Incoming("console", chat, text)))

    threads = [
        threading.Thread(target=send, args=("a", first)),
        threading.Thread(target=send, args=("b", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return replies["a"], replies["b"]


def history(engine: Engine, task_id: int) -> list[tuple[str, int | None]]:
    with Session(engine) as session:
        rows = session.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.task_id == task_id)
            .order_by(ProgressUpdate.id)  # type: ignore[arg-type]
        ).all()
        return [(row.kind, row.percent) for row in rows]


def task_row(engine: Engine, task_id: int) -> Task:
    with Session(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task


def test_two_done_at_once_one_wins(racing: tuple[App, list[int]], engine: Engine) -> None:
    app, ids = racing
    double_done = 0
    for task_id in ids[:TRIALS]:
        a, b = race(app, f"/done {task_id} xong", f"/done {task_id} đã nộp")
        winners = [text for text in (a, b) if DONE_TEXT in text]
        told = [text for text in (a, b) if ALREADY_DONE_TEXT in text and DONE_TEXT not in text]
        done_rows = [row for row in history(engine, task_id) if row[0] == "done"]
        double_done += len(done_rows) > 1 or len(winners) > 1
        assert (len(winners), len(told), len(done_rows)) == (1, 1, 1), (task_id, a, b)
        assert f"Nhiệm vụ {task_id} đã hoàn thành ngày 03/04/2023" in told[0]
    print(f"\nrace {engine.dialect.name}: {TRIALS} trials /done × /done: {double_done} doubled")
    assert double_done == 0


def test_two_done_at_once_one_report_awaits_confirmation(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    """With completions confirmed by the unit head (the default): one report waits, the other
    officer is told it already does."""
    app, ids = setup(engine, clock, tmp_path, "head")
    doubled = 0
    for task_id in ids[:TRIALS]:
        a, b = race(app, f"/done {task_id} xong", f"/done {task_id} đã nộp")
        # The officer's report waits for the head; the head's own /done counts at once.
        reported = [t for t in (a, b) if "📨 Đã báo hoàn thành" in t or DONE_TEXT in t]
        told = [
            t
            for t in (a, b)
            if t not in reported and ("chờ xác nhận" in t or ALREADY_DONE_TEXT in t)
        ]
        done_rows = [row for row in history(engine, task_id) if row[0] == "done"]
        doubled += len(done_rows) > 1 or len(reported) > 1
        assert (len(reported), len(told), len(done_rows)) == (1, 1, 1), (task_id, a, b)
    print(
        f"\nrace {engine.dialect.name}: {TRIALS} trials /done × /done awaiting: {doubled} doubled"
    )
    assert doubled == 0


def test_progress_racing_done_never_leaves_a_done_task_below_100(
    racing: tuple[App, list[int]], engine: Engine
) -> None:
    app, ids = racing
    done_below_100 = refused = 0
    for task_id in ids[TRIALS:]:
        done, progress = race(app, f"/done {task_id}", f"/progress {task_id} 50 một nửa")
        assert DONE_TEXT in done
        task = task_row(engine, task_id)
        done_below_100 += task.progress != 100
        assert (task.state, task.progress, task.completed_on) == ("done", 100, date(2023, 4, 3))
        rows = history(engine, task_id)
        if "📈" in progress:  # progress came first: both recorded, in that order
            assert rows == [("progress", 50), ("done", 100)], rows
        else:  # done came first: the progress was refused and changed nothing
            refused += 1
            assert ALREADY_DONE_TEXT in progress, progress
            assert rows == [("done", 100)], rows
    print(
        f"\nrace {engine.dialect.name}: {TRIALS} trials /done × /progress 50: "
        f"{done_below_100} done below 100% ({refused} progress refused as already done)"
    )
    assert done_below_100 == 0


def test_a_write_that_skipped_the_lock_is_refused_not_lost(
    racing: tuple[App, list[int]], engine: Engine
) -> None:
    """The version check (UPDATE … WHERE version = the version read): a change made from a stale
    read fails instead of silently overwriting the newer one."""
    _app, ids = racing
    task_id = ids[0]
    with Session(engine, expire_on_commit=False) as stale:
        old = stale.get(Task, task_id)
        assert old is not None
        stale.commit()  # end the read (SQLite: release the snapshot) but keep what it read
        with session_scope(engine) as session:
            fresh = repo.locked_task(session, task_id)
            assert fresh is not None
            fresh.progress = 70
        old.progress = 10
        stale.add(old)
        with pytest.raises(StaleDataError):
            stale.commit()
    assert task_row(engine, task_id).progress == 70


def test_locked_task_refuses_ids_no_column_holds(engine: Engine) -> None:
    """Ids beyond a 32-bit INTEGER (PostgreSQL's) or a 64-bit one (SQLite's) name no task."""
    app = build_app(Config(), FixedClock.on(date(2023, 4, 3)), engine)
    with session_scope(app.engine) as session:
        for task_id in (0, -1, 2**31, 2**63, 10**30):
            assert repo.locked_task(session, task_id) is None
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM task")).scalar() == 0
