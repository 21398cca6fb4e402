"""`nhacviec task add | edit | cancel | reopen | show` through typer's runner, in process: a
TCCB officer keeps one task without a file, every change is on the record with who and why,
the unit's officers are told, and refusals are Vietnamese and change nothing."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from storage import tasks as store
from storage.db import make_engine, session_scope
from storage.models import Task, TaskTally
from tests.builders import write_xlsx
from tests.nhacviec.test_cli import nhacviec, write_config


def prepare(tmp_path: Path) -> Path:
    config = write_config(tmp_path)
    result = nhacviec(
        "import", str(write_xlsx(tmp_path / "plan.xlsx")), cwd=tmp_path, config=config
    )
    assert result.returncode == 0, result.stderr
    return config


def assigned(tmp_path: Path, unit_id: int) -> int:
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with session_scope(engine) as session:
        tallies = session.exec(select(TaskTally).where(TaskTally.unit_id == unit_id)).all()
        total = sum(t.assigned for t in tallies)
    engine.dispose()
    return total


def newest_task(tmp_path: Path) -> Task:
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with session_scope(engine) as session:
        task = session.exec(select(Task).order_by(Task.id.desc())).first()  # type: ignore[union-attr]
    engine.dispose()
    assert task is not None
    return task


def test_add_edit_cancel_reopen_show(tmp_path: Path) -> None:
    config = prepare(tmp_path)
    help_text = nhacviec("task", "add", "--help", cwd=tmp_path, config=config).stdout
    assert "Mã đơn vị chủ trì" in help_text and "Hạn hoàn thành, dd/mm/yyyy" in help_text

    before = assigned(tmp_path, 2)  # KHTC
    added = nhacviec(
        "task", "add", "--unit", "KHTC", "--title", "Báo cáo Chỉ thị 23",
        "--deadline", "20/04/2023", "--authority", "UBND tỉnh", "--document", "123/UBND-KT",
        "--officer", "CB04", "--co", "VP", "--by", "CB02",
        cwd=tmp_path, config=config,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    task = newest_task(tmp_path)
    assert f"Đã giao nhiệm vụ #{task.id} cho KHTC, hạn 20/04/2023" in added.stdout
    assert assigned(tmp_path, 2) == before + 1
    assert task.assignee_id is not None and task.document == "123/UBND-KT"

    moved = nhacviec(
        "task", "edit", str(task.id), "han", "05/05/2023", "--reason", "UBND tỉnh cho lùi hạn",
        "--by", "CB02", cwd=tmp_path, config=config,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    assert "đổi hạn 20/04/2023 → 05/05/2023. Lý do: UBND tỉnh cho lùi hạn" in moved.stdout

    bad = nhacviec("task", "edit", str(task.id), "han", "31/02/2023", cwd=tmp_path, config=config)
    assert bad.returncode == 1 and "không đúng dạng dd/mm/yyyy" in bad.stderr

    refused = nhacviec(
        "task", "cancel", str(task.id), "--reason", "x", "--by", "CB04",
        cwd=tmp_path, config=config,
    )  # fmt: skip
    assert refused.returncode == 1 and "Chỉ TCCB, quản trị" in refused.stderr
    assert assigned(tmp_path, 2) == before + 1

    cancelled = nhacviec(
        "task", "cancel", str(task.id), "--reason", "Văn bản bị thu hồi",
        cwd=tmp_path, config=config,
    )  # fmt: skip
    assert cancelled.returncode == 0, cancelled.stderr
    assert "không còn tính vào số liệu" in cancelled.stdout
    assert assigned(tmp_path, 2) == before

    reopened = nhacviec("task", "reopen", str(task.id), cwd=tmp_path, config=config)
    assert reopened.returncode == 0 and assigned(tmp_path, 2) == before + 1

    shown = nhacviec("task", "show", str(task.id), cwd=tmp_path, config=config)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "Hạn 05/05/2023 (hạn ban đầu 20/04/2023)" in out
    assert "Thụ lý: CB04" in out and "Phối hợp: VP" in out
    lines = [line for line in out.splitlines() if line.startswith("•")]
    assert "mở lại nhiệm vụ" in lines[0]  # newest first
    assert "admin (dòng lệnh): huỷ nhiệm vụ. Lý do: Văn bản bị thu hồi" in out
    assert "CB02 (dòng lệnh): đổi hạn" in out

    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with session_scope(engine) as session:
        kinds = [e.kind for e in store.events_of(session, task.id or 0)]
    engine.dispose()
    assert kinds == ["created", "deadline", "cancelled", "reopened"]


def test_unknown_things_are_refused_in_vietnamese(tmp_path: Path) -> None:
    config = prepare(tmp_path)
    missing = nhacviec("task", "show", "9999", cwd=tmp_path, config=config)
    assert missing.returncode == 1 and "Không có nhiệm vụ số 9999" in missing.stderr
    wrong_unit = nhacviec(
        "task", "add", "--unit", "XYZ", "--title", "T", cwd=tmp_path, config=config
    )
    assert wrong_unit.returncode == 1 and "Không có đơn vị “XYZ”" in wrong_unit.stderr
    other_unit = nhacviec(
        "task", "add", "--unit", "KHTC", "--title", "T", "--officer", "CB06",
        cwd=tmp_path, config=config,
    )  # fmt: skip
    assert other_unit.returncode == 1 and "không thuộc đơn vị chủ trì" in other_unit.stderr
    field = nhacviec("task", "edit", "1", "mau", "do", cwd=tmp_path, config=config)
    assert field.returncode == 1 and "Không sửa được mục “mau”" in field.stderr


def test_edit_a_series_from_the_cli(tmp_path: Path) -> None:
    config = prepare(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with session_scope(engine) as session:
        first = session.exec(select(Task).where(Task.code == "NV-03#1")).one()
    result = nhacviec(
        "task", "edit", str(first.id), "handau", "31/01/2023", "--reason", "Cuối tháng",
        cwd=tmp_path, config=config,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "🔁 Chuỗi NV-03: mỗi kỳ một lần. Dời 12, thêm 0, huỷ 0 lần" in result.stdout
    with session_scope(engine) as session:
        series = session.exec(select(Task).where(Task.series_code == "NV-03")).all()
        days = sorted(t.deadline for t in series if t.deadline)
        moved = session.exec(select(Task).where(Task.code == "NV-03#2")).one()
        [event] = [e for e in store.events_of(session, moved.id or 0) if e.kind == "deadline"]
    engine.dispose()
    assert [d.month for d in days] == list(range(1, 13))  # one a month, at its last day
    assert days[1].day == 28 and days[2].day == 31
    assert (event.old, event.new, event.reason) == ("2023-02-25", "2023-02-28", "Cuối tháng")
    bad = nhacviec(
        "task", "edit", str(first.id), "laplai", "thỉnh thoảng", cwd=tmp_path, config=config
    )
    assert bad.returncode == 1 and "Không hiểu chu kỳ lặp lại “thỉnh thoảng”" in bad.stderr


def test_add_joins_the_plan_of_the_deadlines_year(tmp_path: Path) -> None:
    """With next year's plan imported, `task add` for a deadline of this year goes on this
    year's plan (as /giao), not on the newest plan."""
    from tests.builders import plan_sheets
    from tests.nhacviec.test_figures import PLAN_2024

    config = prepare(tmp_path)
    later = write_xlsx(tmp_path / "p24.xlsx", plan_sheets("CCHC-2024", 2024, PLAN_2024))
    assert nhacviec("import", str(later), cwd=tmp_path, config=config).returncode == 0
    plans = {}
    for deadline in ("28/12/2023", "15/03/2024"):
        added = nhacviec(
            "task", "add", "--unit", "KHTC", "--title", f"Việc hạn {deadline}",
            "--deadline", deadline, "--by", "CB02", cwd=tmp_path, config=config,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        plans[deadline] = newest_task(tmp_path).plan_id
    assert plans["28/12/2023"] != plans["15/03/2024"]
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with session_scope(engine) as session:
        from storage.models import Plan

        years = {d: session.get(Plan, p).year for d, p in plans.items()}  # type: ignore[union-attr]
    engine.dispose()
    assert years == {"28/12/2023": 2023, "15/03/2024": 2024}
