"""The import corpus (tests/import_corpus/make_corpus.py) through the real `nhacviec import`
command, in process: each file imports or is refused as docs/import-format.md says, a refused
file changes nothing, and no traceback ever reaches the user."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from nhacviec.cli import app
from storage.db import make_engine
from tests.import_corpus.make_corpus import (
    OFFICE_TASKS,
    Case,
    base_sheets,
    cases,
    write_base,
    write_sheets,
)

CASES = cases()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    output = result.stdout + result.stderr
    # Only a deliberate exit, never an exception escaping to the user.
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    return result.exit_code, output


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("plan", "area", "unit", "officer", "task", "taskcounit", "task_tally")
        }
    engine.dispose()
    return counts


@pytest.fixture
def config(tmp_path: Path) -> tuple[Path, str]:
    url = f"sqlite:///{tmp_path}/corpus.db"
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path, url


def test_the_corpus_has_ten_variants_at_least() -> None:
    assert len(CASES) >= 10
    assert {c.name.rsplit(".", 1)[-1] for c in CASES} >= {"xlsx", "csv", "xls"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_file_imports_or_is_refused_as_documented(
    case: Case, config: tuple[Path, str], tmp_path: Path
) -> None:
    path, url = config
    if case.needs_base:
        write_base(tmp_path / "base.xlsx")
        code, output = invoke("import", "-c", str(path), str(tmp_path / "base.xlsx"))
        assert code == 0, output
    file = tmp_path / case.name
    case.write(file)
    before = table_counts(url) if case.needs_base else None

    code, preview = invoke("import", "-c", str(path), "--dry-run", str(file))
    if case.needs_base:
        assert table_counts(url) == before, "a preview changes nothing"
    code, output = invoke("import", "-c", str(path), str(file))
    for text in case.says:
        assert text in output, output
    if not case.imports:
        assert code == 1 and "Không nhập gì cả" in output, output
        if before is not None:
            assert table_counts(url) == before
        return
    assert code == 0, output
    assert case.tasks and f"{case.tasks} nhiệm vụ" in preview
    assert table_counts(url)["task"] == (before or {"task": 0})["task"] + case.tasks
    again_code, again = invoke("import", "-c", str(path), str(file))
    assert again_code == 0 and "thêm 0; sửa 0" in again, again


def test_the_office_workbook_reads_as_the_office_means_it(
    config: tuple[Path, str], tmp_path: Path
) -> None:
    """Title rows, STT codes under section rows, areas from sections, a lead unit merged over
    two rows, units by name, group phrases, deadlines in words."""
    path, url = config
    office = next(c for c in CASES if c.name == "ke-hoach-van-phong.xlsx")
    office.write(tmp_path / office.name)
    code, output = invoke("import", "-c", str(path), str(tmp_path / office.name))
    assert code == 0, output
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT t.code, a.code, u.code, t.deadline, t.note FROM task t "
                "JOIN area a ON a.id = t.area_id JOIN unit u ON u.id = t.lead_unit_id "
                "ORDER BY t.code"
            )
        ).all()
        co = conn.execute(
            sa.text(
                "SELECT t.code, u.code FROM taskcounit c JOIN task t ON t.id = c.task_id "
                "JOIN unit u ON u.id = c.unit_id ORDER BY t.code, u.code"
            )
        ).all()
        # "Văn bản giao" and "Cán bộ thụ lý" (a name, as offices write it) are stored.
        named = conn.execute(
            sa.text(
                "SELECT t.code, t.document, o.code FROM task t "
                "JOIN officer o ON o.id = t.assignee_id ORDER BY t.code"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in named] == [("I.1", "45/KH-SNN", "CB04")]
    got = {r[0]: (r[1], r[2], str(r[3]) if r[3] else None, r[4]) for r in rows}
    assert got == {
        "I.1": ("1", "TCCB", "2024-01-31", "[theo phân công]"),
        "I.2": ("1", "TCCB", "2024-09-30", None),
        "I.3": ("1", "VP", None, None),
        "II.1": ("3", "VP", "2024-06-30", None),
        "II.2": ("3", "VP", "2024-09-30", None),  # lead unit merged down from II.1
        "III.1": ("6", "KHTC", "2024-06-30", None),
        "III.2": ("6", "KHTC", "2024-12-31", None),
    }
    by_task: dict[str, list[str]] = {}
    for task, unit in co:
        by_task.setdefault(task, []).append(unit)
    # "Các phòng, đơn vị": every unit but the lead; not split at its comma.
    assert by_task["I.1"] == ["CCTS", "KHTC", "TTKN", "TTRA", "VP"]
    assert by_task["II.1"] == ["CCTS", "TTRA"]
    assert by_task["III.1"] == ["TTKN"]  # "Các đơn vị sự nghiệp"


def test_error_text_is_printed_literally(config: tuple[Path, str], tmp_path: Path) -> None:
    path, _url = config
    bad = next(c for c in CASES if c.name == "dong-loi.xlsx")
    bad.write(tmp_path / bad.name)
    code, output = invoke("import", "-c", str(path), str(tmp_path / bad.name))
    assert code == 1
    assert "'Sở Nội vụ [/x]' không có" in output


def test_missing_file_and_folder_are_sentences(config: tuple[Path, str], tmp_path: Path) -> None:
    path, _url = config
    code, output = invoke("import", "-c", str(path), str(tmp_path / "khong-co.xlsx"))
    assert code == 1 and "Không tìm thấy tệp" in output
    code, output = invoke("import", "-c", str(path), str(tmp_path))
    assert code == 1 and "là thư mục" in output


def test_renumbered_stt_codes_are_pointed_out(config: tuple[Path, str], tmp_path: Path) -> None:
    """A row inserted at the top of a section shifts every STT below it: the preview says so
    instead of quietly moving titles between tasks."""
    path, _url = config
    office = next(c for c in CASES if c.name == "ke-hoach-van-phong.xlsx")
    office.write(tmp_path / office.name)
    code, output = invoke("import", "-c", str(path), str(tmp_path / office.name))
    assert code == 0, output
    rows = [list(r) for r in OFFICE_TASKS]
    first = rows.index(["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"])
    inserted = [1, "Nhiệm vụ chèn thêm", "Văn phòng Sở", "", "Quý I", "", "", "", ""]
    for row in rows[first + 1 : first + 4]:
        row[0] += 1
    rows.insert(first + 1, inserted)
    for row in rows:
        if len(row) > 2 and row[2] is None:
            row[2] = "Văn phòng Sở"  # merged down in the original sheet
    changed = tmp_path / "chen-dong.xlsx"
    write_sheets(changed, {**base_sheets(), "KH CCHC 2024": rows})
    code, output = invoke("import", "-c", str(path), "--dry-run", str(changed))
    assert code == 0, output
    assert "nhiệm vụ mã I.1 (lấy từ STT) đổi nội dung" in output
    assert (
        "~ nhiệm vụ I.1: nhiệm vụ: Ban hành kế hoạch CCHC năm 2024 → Nhiệm vụ chèn thêm" in output
    )
