"""Import of the department's workbook and CSV files, through real SQLite and PostgreSQL."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.db import session_scope, upgrade
from storage.export import export_plan
from storage.importer import ImportFailed, ImportSummary, import_file, import_sheets, read_file
from storage.models import Area, Officer, Plan, Task, TaskCoUnit, Unit
from tests.builders import AREAS, OFFICERS, PLAN, TASKS, UNITS, small_sheets, write_csv, write_xlsx
from tests.conftest import EXAMPLE_PLAN, REPO_ROOT
from tests.import_corpus.make_corpus import write_sheets
from tests.storage.test_task_tally import counted, kept


def run_import(engine: Engine, path: Path, plan: str | None = None) -> ImportSummary:
    with session_scope(engine) as session:
        return import_sheets(session, read_file(path), plan)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: len(session.exec(select(model)).all())
            for model in (Plan, Area, Unit, Officer, Task, TaskCoUnit)
        }


def test_workbook_imports_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    summary = run_import(engine, write_xlsx(tmp_path / "plan.xlsx"))
    # 3 single tasks + 12 monthly + 4 quarterly occurrences.
    assert summary.created == {"plan": 1, "area": 3, "unit": 3, "officer": 7, "task": 19}
    assert counts(engine) == {
        "Plan": 1,
        "Area": 3,
        "Unit": 3,
        "Officer": 7,
        "Task": 19,
        "TaskCoUnit": 9,
    }
    with Session(engine) as session:
        khtc = session.exec(select(Unit).where(Unit.code == "KHTC")).one()
        head = session.exec(select(Officer).where(Officer.code == "CB03")).one()
        assert khtc.head_id == head.id and head.role == "head"
        monthly = session.exec(
            select(Task).where(Task.series_code == "NV-03").order_by(col(Task.deadline))
        ).all()
        assert [t.code for t in monthly[:2]] == ["NV-03#1", "NV-03#2"]
        assert (
            monthly[-1].deadline is not None and monthly[-1].deadline.isoformat() == "2023-12-25"
        )


def test_importing_the_same_file_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    path = write_xlsx(tmp_path / "plan.xlsx")
    run_import(engine, path)
    before = counts(engine)
    again = run_import(engine, path)
    assert not again.changed
    assert again.unchanged["task"] == 19
    assert counts(engine) == before


def test_reimport_updates_in_place_and_keeps_progress(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    upgrade(sqlite_engine)
    run_import(sqlite_engine, write_xlsx(tmp_path / "plan.xlsx"))
    with session_scope(sqlite_engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        task.progress = 40
    sheets = small_sheets()
    sheets["Nhiệm vụ"] = [TASKS[0], [*TASKS[5][:6], "15/07/2023", "", ""]]
    summary = run_import(sqlite_engine, write_xlsx(tmp_path / "changed.xlsx", sheets))
    assert summary.updated == {"task": 1}
    with Session(sqlite_engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        assert task.deadline is not None and task.deadline.day == 15 and task.progress == 40


def test_a_bad_file_imports_nothing_and_reports_every_bad_row(
    engine: Engine, tmp_path: Path
) -> None:
    upgrade(engine)
    sheets = small_sheets()
    sheets["Cán bộ"] = [
        *OFFICERS,
        ["CB09", "Người Lạ", "XYZ", "công chức"],
        ["CB10", "Người Khác", "VP", "giám đốc"],
    ]
    sheets["Nhiệm vụ"] = [
        *TASKS,
        ["NV-06", "Hạn sai", "1", "VP", "", "", "31/02/2023", "", ""],
        ["NV-07", "Không có lĩnh vực", "9", "VP", "", "", "01/03/2023", "", ""],
        ["NV-08", "", "1", "VP", "", "", "01/03/2023", "", ""],
        ["NV-09", "Lặp lạ", "1", "VP", "", "", "01/03/2023", "thỉnh thoảng", ""],
        ["NV-10", "Phối hợp lạ", "1", "VP", "ABC", "", "01/03/2023", "", ""],
    ]
    with pytest.raises(ImportFailed) as failed:
        run_import(engine, write_xlsx(tmp_path / "bad.xlsx", sheets))
    issues = [(i.sheet, i.row) for i in failed.value.issues]
    assert issues == [
        ("Cán bộ", 9),
        ("Cán bộ", 10),
        ("Nhiệm vụ", 7),
        ("Nhiệm vụ", 8),
        ("Nhiệm vụ", 9),
        ("Nhiệm vụ", 10),
        ("Nhiệm vụ", 11),
    ]
    reasons = [i.reason for i in failed.value.issues]
    assert "đơn vị 'XYZ' không có" in reasons[0]
    assert "vai trò 'giám đốc'" in reasons[1]
    assert "dd/mm/yyyy" in reasons[2]
    assert "lĩnh vực '9'" in reasons[3]
    assert "thiếu Nhiệm vụ" in reasons[4]
    assert "thỉnh thoảng" in reasons[5]
    assert "'ABC'" in reasons[6]
    assert str(failed.value.issues[0]).startswith("Cán bộ, dòng 9: đơn vị 'XYZ' không có; có: ")
    assert counts(engine) == {
        "Plan": 0,
        "Area": 0,
        "Unit": 0,
        "Officer": 0,
        "Task": 0,
        "TaskCoUnit": 0,
    }


def test_missing_column_is_reported(sqlite_engine: Engine, tmp_path: Path) -> None:
    upgrade(sqlite_engine)
    sheets = small_sheets()
    sheets["Nhiệm vụ"] = [[c for c in row[:3]] for row in TASKS]
    with pytest.raises(ImportFailed) as failed:
        run_import(sqlite_engine, write_xlsx(tmp_path / "cols.xlsx", sheets))
    assert any("thiếu cột Đơn vị chủ trì" in i.reason for i in failed.value.issues)


def test_csv_files_by_headers_without_diacritics(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Each CSV holds one kind of record, recognised by its headers; plain-ASCII headers as a
    spreadsheet exported on an old machine would have them are accepted."""
    upgrade(sqlite_engine)
    run_import(
        sqlite_engine,
        write_csv(tmp_path / "plan.csv", [["Ma", "Ten ke hoach", "Nam"], PLAN[1][:3]]),
    )
    run_import(sqlite_engine, write_csv(tmp_path / "areas.csv", AREAS))
    units_without_heads = [row[:2] for row in UNITS]
    run_import(sqlite_engine, write_csv(tmp_path / "units.csv", units_without_heads))
    run_import(
        sqlite_engine,
        write_csv(
            tmp_path / "officers.csv", [["ma", "ho va ten", "don vi", "vai tro"], *OFFICERS[1:]]
        ),
    )
    summary = run_import(sqlite_engine, write_csv(tmp_path / "tasks.csv", TASKS))
    assert summary.created == {"task": 19}
    bad = write_csv(
        tmp_path / "bad.csv", [TASKS[0], ["NV-99", "X", "1", "NOPE", "", "", "", "", ""]]
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(sqlite_engine, bad)
    assert [(i.sheet, i.row) for i in failed.value.issues] == [("bad.csv", 2)]


def test_unknown_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("x")
    with pytest.raises(ImportFailed) as failed:
        read_file(path)
    assert ".xlsx hoặc tệp .csv" in failed.value.issues[0].reason


def test_tasks_csv_without_a_plan_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    upgrade(sqlite_engine)
    with pytest.raises(ImportFailed) as failed:
        run_import(sqlite_engine, write_csv(tmp_path / "tasks.csv", TASKS))
    assert "chưa có kế hoạch" in failed.value.issues[0].reason


def test_the_example_plan_and_its_extra_csv(engine: Engine) -> None:
    upgrade(engine)
    summary = run_import(engine, EXAMPLE_PLAN)
    assert summary.created["unit"] == 14 and summary.created["officer"] == 36
    assert summary.created["area"] == 11
    assert summary.created["task"] >= 40
    extra = run_import(engine, REPO_ROOT / "examples" / "nhiem-vu-bo-sung.csv")
    assert extra.created["task"] >= 3
    assert not run_import(engine, EXAMPLE_PLAN).changed
    with Session(engine) as session:
        roles = {o.role for o in session.exec(select(Officer)).all()}
        assert roles == {"officer", "head", "tccb", "admin"}
        units = session.exec(select(Unit)).all()
        assert all(u.head_id is not None for u in units)


def test_export_then_import_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    """The round trip: the exported workbook imports back without a single change, a title
    that looks like a formula included."""
    upgrade(engine)
    run_import(engine, EXAMPLE_PLAN)
    run_import(engine, REPO_ROOT / "examples" / "nhiem-vu-bo-sung.csv")
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-BS-01")).one()
        task.title = '=HYPERLINK("http://x","y") [theo phân công]'
    with Session(engine) as session:
        _plan, content = export_plan(session)
    path = tmp_path / "xuat.xlsx"
    path.write_bytes(content)
    before = counts(engine)
    again = run_import(engine, path)
    assert not again.changed, again.changes
    assert again.unchanged["task"] == before["Task"]
    assert counts(engine) == before
    sheet = load_workbook(path)["Nhiệm vụ"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "NV-BS-01"]
    assert cells[0].data_type == "s" and cells[0].value.startswith("=HYPERLINK")


def test_bulk_import_keeps_the_task_tally(engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    run_import(engine, write_xlsx(tmp_path / "plan.xlsx"))
    assert kept(engine) == counted(engine)
    sheets = small_sheets()
    sheets["Nhiệm vụ"] = [
        *TASKS[:5],
        ["NV-05", "Phương án tự chủ", "6", "VP", "", "", "Quý III", "", ""],  # lead unit moved
        ["NV-06", "Nhiệm vụ mới", "1", "Phòng Kế hoạch - Tài chính", "", "", "", "", ""],
    ]
    summary = run_import(engine, write_xlsx(tmp_path / "moved.xlsx", sheets))
    assert summary.created == {"task": 1} and summary.updated == {"task": 1}
    assert kept(engine) == counted(engine)


def test_a_dry_run_lists_changes_field_by_field_and_writes_nothing(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    upgrade(sqlite_engine)
    run_import(sqlite_engine, write_xlsx(tmp_path / "plan.xlsx"))
    before = counts(sqlite_engine)
    sheets = small_sheets()
    sheets["Nhiệm vụ"] = [
        TASKS[0],
        [*TASKS[5][:4], "VP", "Giám đốc Sở", "15/07/2023", "", "[ghi chú]"],
        ["NV-09", "Mới", "1", "VP", "", "", "Thường xuyên", "", ""],
    ]
    path = write_xlsx(tmp_path / "changed.xlsx", sheets)
    preview = import_file(sqlite_engine, path, dry_run=True)
    assert counts(sqlite_engine) == before
    assert preview.added == [("task", "NV-09")] and preview.ongoing == ["NV-09"]
    (change,) = preview.changes
    assert change.code == "NV-05"
    assert change.fields == [
        ("hạn", "30/06/2023", "15/07/2023"),
        ("ghi chú", "(trống)", "[ghi chú]"),
        ("đơn vị phối hợp", "(trống)", "VP"),
    ]


def test_duplicate_codes_name_both_rows(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Two rows with one officer code: not the last one silently winning (made admin)."""
    upgrade(sqlite_engine)
    sheets = small_sheets()
    sheets["Cán bộ"] = [*OFFICERS, ["CB06", "Đỗ Thu Hà", "VP", "quản trị"]]
    with pytest.raises(ImportFailed) as failed:
        run_import(sqlite_engine, write_xlsx(tmp_path / "dup.xlsx", sheets))
    assert [str(i) for i in failed.value.issues] == [
        "Cán bộ, dòng 9: mã 'CB06' trùng với dòng 7: mỗi mã chỉ được một dòng (ô A9)"
    ]
    assert counts(sqlite_engine)["Officer"] == 0


def test_control_characters_are_removed_when_stored(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Word's line break (U+000B) becomes a new line and other control characters go, so a
    report never meets a character Excel cannot store."""
    upgrade(sqlite_engine)
    run_import(sqlite_engine, write_xlsx(tmp_path / "plan.xlsx"))
    rows = [TASKS[0], ["NV-20", "Dòng một\x0bdòng hai\x01", "1", "VP", "", "", "", "", "a\x1fb"]]
    path = write_csv(tmp_path / "control.csv", rows)
    run_import(sqlite_engine, path)
    with Session(sqlite_engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-20")).one()
    assert (task.title, task.note) == ("Dòng một\ndòng hai", "ab")


def test_a_two_row_header_with_merged_cells_is_one_header(tmp_path: Path) -> None:
    path = tmp_path / "two-rows.xlsx"
    rows = [
        ["KẾ HOẠCH CCHC NĂM 2024"],
        ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành"],
        [None, None, None, "(dd/mm/yyyy)"],
        [1, "Việc A", "VP", "30/6/2024"],
    ]
    write_sheets(path, {"KH": rows}, {"KH": ["A1:D1", "A2:A3", "B2:B3", "C2:C3"]})
    (table,) = read_file(path).tables
    assert table.kind == "task" and table.header_row == 2
    assert [(r.number, r.values["title"]) for r in table.rows] == [(4, "Việc A")]


def test_a_sub_header_under_a_merged_cell_names_its_column(tmp_path: Path) -> None:
    """ "Thời gian thực hiện" merged over "Bắt đầu | Kết thúc": the end is the deadline."""
    path = tmp_path / "sub-header.xlsx"
    rows = [
        ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời gian thực hiện", None],
        [None, None, None, "Bắt đầu", "Kết thúc"],
        [1, "Việc A", "VP", "1/1/2024", "30/6/2024"],
    ]
    write_sheets(path, {"KH": rows}, {"KH": ["A1:A2", "B1:B2", "C1:C2", "D1:E1"]})
    loaded = read_file(path)
    (table,) = loaded.tables
    assert table.columns["deadline"] == "Kết thúc" and table.letters["deadline"] == "E"
    assert [r.values["deadline"] for r in table.rows] == ["30/6/2024"]
    assert [str(w) for w in loaded.warnings] == [
        "KH, dòng 1: cột 'Bắt đầu' không dùng đến: bỏ qua"
    ]
