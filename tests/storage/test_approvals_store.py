"""Extensions and confirmed completion in storage (storage/approvals.py, migration 0015) on
real SQLite and PostgreSQL: the functions a chat command and the web page call, the figures
(the tally triggers and the rules agree) before and after each step, evidence kept
append-only, what waits for whom, and the migration going down and up again."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from nhacviec.base.config import ApprovalsConfig
from storage import approvals, repo
from storage import tasks as store
from storage.db import alembic_config, session_scope, upgrade
from tests.builders import write_xlsx
from tests.conftest import load
from tests.storage.test_task_events import figures, setup, task_by_code

AT = datetime(2023, 7, 14, 2, 0, tzinfo=UTC)
HEAD_FIRST = ApprovalsConfig(extension_approver="head_then_tccb")
DEFAULTS = ApprovalsConfig()


def who(session, code: str, day: date = date(2023, 7, 14)) -> store.Who:  # type: ignore[no-untyped-def]
    officer = repo.officer_by_code(session, code)
    return store.Who(officer, "web", AT, day)


def test_an_extension_moves_the_tally_and_keeps_the_original(
    engine: Engine, tmp_path: Path
) -> None:
    setup(engine, tmp_path)
    tid = task_by_code(engine, "NV-05").id or 0
    with session_scope(engine) as session:
        approvals.request_extension(
            session, tid, date(2023, 7, 31), "Chờ số liệu", who(session, "CB04"), HEAD_FIRST
        )
    with session_scope(engine) as session:
        tccb = repo.officer_by_code(session, "CB02")
        head = repo.officer_by_code(session, "CB03")
        assert tccb is not None and head is not None
        assert [w.task.id for w in approvals.waiting_for(session, head)] == [tid]
        assert approvals.waiting_for(session, tccb) == []
        with pytest.raises(store.TaskError, match="not_approver"):
            approvals.decide_extension(session, tid, True, who(session, "CB02"), HEAD_FIRST)
    with session_scope(engine) as session:
        assert not approvals.decide_extension(
            session, tid, True, who(session, "CB03"), HEAD_FIRST
        ).settled
    with session_scope(engine) as session:
        tccb = repo.officer_by_code(session, "CB02")
        assert tccb is not None
        assert [w.kind for w in approvals.waiting_for(session, tccb)] == ["extension"]
        done = approvals.decide_extension(session, tid, True, who(session, "CB02"), HEAD_FIRST)
        assert done.settled

    task = task_by_code(engine, "NV-05")
    assert (task.deadline, task.extended_from) == (date(2023, 7, 31), date(2023, 6, 30))
    assigned, finished, late = figures(engine, "KHTC")
    with session_scope(engine) as session:
        approvals.report_done(session, tid, who(session, "CB04"), DEFAULTS, None, "45/BC-KHTC")
    assert figures(engine, "KHTC") == (assigned, finished, late)  # awaiting: not done yet
    with session_scope(engine) as session:
        approvals.confirm_done(session, tid, who(session, "CB03", date(2023, 8, 2)))
    # Done on the day reported (14/07), within the extension: not late by the tally.
    assert figures(engine, "KHTC") == (assigned, finished + 1, late)
    assert task_by_code(engine, "NV-05").completed_on == date(2023, 7, 14)

    with session_scope(engine) as session:
        approvals.reopen_done(session, tid, who(session, "CB02"), "Báo nhầm")
    assert figures(engine, "KHTC") == (assigned, finished, late)
    with session_scope(engine) as session:
        # (The import's "created" event is stamped with the wall clock, after AT.)
        kinds = [e.kind for e in store.events_of(session, tid) if e.kind != "created"]
        [number] = approvals.evidence_of(session, tid)
    assert kinds == [
        "ext_requested",
        "ext_approved",
        "ext_approved",
        "evidence",
        "done_reported",
        "done_confirmed",
        "reopened",
    ]
    assert number.document_number == "45/BC-KHTC"
    for statement in (
        "UPDATE task_evidence SET document_number = 'x'",
        "DELETE FROM task_evidence",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))


def test_a_late_completion_returned_leaves_the_figures_as_they_were(
    engine: Engine, tmp_path: Path
) -> None:
    setup(engine, tmp_path)
    tid = task_by_code(engine, "NV-03#1").id or 0  # due 25/01/2023
    before = figures(engine, "KHTC")
    with session_scope(engine) as session:
        reported = approvals.report_done(session, tid, who(session, "CB04"), DEFAULTS)
        assert reported.awaiting and reported.step == "head"
    with session_scope(engine) as session:
        with pytest.raises(store.TaskError, match="return_no_reason"):
            approvals.return_done(session, tid, who(session, "CB03"), " ")
        approvals.return_done(session, tid, who(session, "CB03"), "Thiếu chữ ký")
    assert figures(engine, "KHTC") == before
    with session_scope(engine) as session:
        approvals.report_done(session, tid, who(session, "CB04"), DEFAULTS)
        with pytest.raises(store.TaskError, match="not_reporter"):
            approvals.withdraw_done(session, tid, who(session, "CB03"))
    with session_scope(engine) as session:
        approvals.confirm_done(session, tid, who(session, "CB03"))
    assigned, finished, late = figures(engine, "KHTC")
    assert (assigned, finished, late) == (before[0], before[1] + 1, before[2] + 1)
    with session_scope(engine) as session, pytest.raises(approvals.AlreadyDone):
        approvals.report_done(session, tid, who(session, "CB04"), DEFAULTS)


def test_migration_0015_goes_down_and_up(engine: Engine, tmp_path: Path) -> None:
    setup(engine, tmp_path)
    tid = task_by_code(engine, "NV-05").id or 0
    with session_scope(engine) as session:
        approvals.report_done(session, tid, who(session, "CB04"), DEFAULTS)
    config = alembic_config(engine)
    command.downgrade(config, "0011")
    with engine.connect() as conn:
        state = conn.execute(sa.text(f"SELECT state FROM task WHERE id = {tid}")).scalar()
        assert state == "open"
        assert not sa.inspect(conn).has_table("task_evidence")
    upgrade(engine)
    before = figures(engine, "KHTC")
    with session_scope(engine) as session:
        approvals.report_done(
            session, tid, who(session, "CB04"), ApprovalsConfig(confirm_completion="none")
        )
    assert figures(engine, "KHTC")[1] == before[1] + 1  # the tally triggers still work


def test_a_reimport_keeps_an_approved_extension(engine: Engine, tmp_path: Path) -> None:
    setup(engine, tmp_path)
    tid = task_by_code(engine, "NV-05").id or 0
    with session_scope(engine) as session:
        approvals.request_extension(
            session, tid, date(2023, 7, 31), "Chờ số liệu", who(session, "CB04"), DEFAULTS
        )
        approvals.decide_extension(session, tid, True, who(session, "CB02"), DEFAULTS)
    load(engine, write_xlsx(tmp_path / "again.xlsx"))  # the same file: 30/06/2023
    assert task_by_code(engine, "NV-05").deadline == date(2023, 7, 31)
