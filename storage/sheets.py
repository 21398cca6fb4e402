"""Reading a plan file into tables: which sheet holds what, where its header row is, what each
column means (docs/import-format.md, "Tiêu đề cột"), and the cells of each row.

A sheet is recognised by its header row, found among its first rows (title rows, blank rows and
merged title cells above it are skipped); its name only breaks a tie. Vertically merged cells
fill every row they cover. Nothing here writes to the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from nhacviec.base.errors import NhacviecError
from rules.textnorm import fold

# How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class RowIssue:
    """A problem of a file, a sheet, a row or a cell, and why."""

    sheet: str
    row: int
    reason: str
    column: str = ""

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class ImportFailed(NhacviecError):
    """The file was not imported; `issues` lists every problem found."""

    reason = "import"

    def __init__(self, issues: list[RowIssue], warnings: list[RowIssue] | None = None) -> None:
        super().__init__(f"{len(issues)} lỗi")
        self.issues = issues
        self.warnings = warnings or []


# field -> (label used in messages, synonyms) per kind of sheet. The first synonym is the
# label; matching ignores case, diacritics, line breaks and anything in brackets.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "plan": {
        "code": ("Mã", "Mã kế hoạch", "code"),
        "name": ("Tên kế hoạch", "Tên", "name"),
        "year": ("Năm", "Năm kế hoạch", "year"),
        "document": ("Số hiệu", "Số văn bản", "Văn bản", "document"),
        "agency": ("Cơ quan", "Cơ quan ban hành", "agency"),
    },
    "area": {
        "code": ("Mã", "Mã lĩnh vực", "Mã tiêu chí", "STT", "code"),
        "name": ("Tên", "Tên lĩnh vực", "Lĩnh vực", "Tiêu chí", "name"),
        "parent": ("Thuộc", "Thuộc lĩnh vực", "parent"),
        "max_score": ("Điểm tối đa", "Điểm chuẩn", "max score"),
        "target_score": ("Điểm mục tiêu", "target score"),
        "last_year_score": ("Điểm năm trước", "last year score"),
    },
    "unit": {
        "code": ("Mã", "Mã đơn vị", "Viết tắt", "Tên viết tắt", "code"),
        "name": ("Tên đơn vị", "Tên", "Đơn vị", "name"),
        "head": ("Trưởng đơn vị", "Thủ trưởng", "Người đứng đầu", "head"),
    },
    "officer": {
        "code": ("Mã", "Mã cán bộ", "code"),
        "name": ("Họ và tên", "Họ tên", "Tên", "name"),
        "unit": ("Đơn vị", "Mã đơn vị", "Phòng", "unit"),
        "role": ("Vai trò", "Quyền", "role"),
    },
    "task": {
        "code": ("Mã", "Mã nhiệm vụ", "Mã NV", "code"),
        "stt": ("STT", "Số TT", "TT", "Số thứ tự"),
        "title": (
            "Nhiệm vụ",
            "Nội dung nhiệm vụ",
            "Tên nhiệm vụ",
            "Nội dung",
            "Nội dung công việc",
            "Nhiệm vụ, giải pháp",
            "title",
        ),
        "area": ("Lĩnh vực", "Lĩnh vực CCHC", "Tiêu chí", "area"),
        "lead_unit": (
            "Đơn vị chủ trì",
            "Đơn vị thực hiện",
            "Cơ quan chủ trì",
            "Chủ trì",
            "Đơn vị chủ trì thực hiện",
            "Đơn vị",
            "lead unit",
        ),
        "co_units": (
            "Đơn vị phối hợp",
            "Phối hợp",
            "Cơ quan phối hợp",
            "Đơn vị phối hợp thực hiện",
            "co units",
        ),
        "authority": ("Cơ quan giao", "Cấp giao", "Cơ quan giao nhiệm vụ", "authority"),
        "document": ("Văn bản giao", "Số văn bản", "Văn bản", "Số hiệu văn bản", "document"),
        "assignee": ("Cán bộ thụ lý", "Người thụ lý", "Cán bộ phụ trách", "assignee"),
        "deadline": (
            "Hạn",
            "Thời hạn",
            "Thời gian hoàn thành",
            "Hạn hoàn thành",
            "Thời hạn hoàn thành",
            "Thời gian thực hiện",
            "Thời gian",
            "Kết thúc",
            "Ngày kết thúc",
            "Thời gian kết thúc",
            "Hoàn thành",
            "Ngày hoàn thành",
            "deadline",
        ),
        "recurrence": ("Lặp lại", "Chu kỳ", "recurrence"),
        "note": ("Ghi chú", "note"),
    },
}
KIND_ORDER = ("plan", "area", "unit", "officer", "task")
KIND_NAMES = {
    "plan": "Kế hoạch",
    "area": "Lĩnh vực",
    "unit": "Đơn vị",
    "officer": "Cán bộ",
    "task": "Nhiệm vụ",
}
# Columns that tell one kind of sheet from another; a sheet needs one of its kind's.
SIGNATURE = {
    "plan": {"year"},
    "area": {"parent", "max_score", "target_score", "last_year_score"},
    "unit": {"head"},
    "officer": {"role"},
    "task": {"title", "lead_unit"},
}
REQUIRED = {
    "plan": ("code", "name", "year"),
    "area": ("code", "name"),
    "unit": ("code", "name"),
    "officer": ("code", "name", "unit", "role"),
    "task": ("code", "title", "area", "lead_unit"),
}


def header_key(text: str) -> str:
    """A header as matched: folded, without bracketed hints, stars or numbering."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|\*", " ", text)
    return fold(text).strip(" .:")


_SYNONYMS: dict[str, dict[str, tuple[str, int]]] = {
    kind: {
        header_key(s): (name, rank) for name, syns in cols.items() for rank, s in enumerate(syns)
    }
    for kind, cols in COLUMNS.items()
}


def label(kind: str, field_name: str) -> str:
    """The header a message names a field by."""
    return COLUMNS[kind].get(field_name, (field_name,))[0]


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    # The section row above it ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"): number and title.
    section: tuple[str, str] | None = None


@dataclass
class Table:
    """One recognised sheet (or CSV file): its kind and its rows keyed by field name."""

    sheet: str
    kind: str
    header_row: int
    columns: dict[str, str]  # field -> header as written
    rows: list[Row] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # field -> column letter ("G")

    @property
    def code_from_stt(self) -> bool:
        return "code" not in self.columns and "stt" in self.columns


@dataclass
class PlanFile:
    """What was read from a file: its tables, and what could not be read or was left out."""

    name: str
    tables: list[Table] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)


def _refuse(path: Path, reason: str) -> ImportFailed:
    return ImportFailed([RowIssue(path.name, 0, reason)])


def read_file(path: Path) -> PlanFile:
    """Read an .xlsx or .csv file; anything else is refused with a sentence saying what to do."""
    name = path.name
    if name.startswith("~$"):
        raise _refuse(
            path,
            f"đây là tệp khoá Excel tạo ra khi đang mở '{name[2:]}', không phải kế hoạch: "
            f"đóng Excel rồi nhập tệp '{name[2:]}'",
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _refuse(path, f"không đọc được tệp ({exc.strerror or 'lỗi đọc'})") from exc
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0") and suffix in (".xlsx", ".xlsm"):
        # An .xlsx saved with a password is stored in the old container too.
        raise _refuse(
            path,
            "tệp có mật khẩu, hoặc là tệp Excel 97-2003 (.xls) đổi đuôi: mở bằng Excel, bỏ mật "
            "khẩu nếu có, Lưu thành 'Sổ làm việc Excel (*.xlsx)' rồi nhập lại",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            path,
            "tệp Excel 97-2003 (.xls) chưa nhận được: mở bằng Excel, chọn Lưu thành (Save As) "
            "kiểu 'Sổ làm việc Excel (*.xlsx)' rồi nhập tệp .xlsx",
        )
    if suffix in (".xlsx", ".xlsm"):
        if not head.startswith(b"PK"):
            raise _refuse(
                path,
                "tệp không phải là tệp Excel .xlsx (có thể bị đổi đuôi): mở bằng Excel, "
                "Lưu thành 'Sổ làm việc Excel (*.xlsx)' rồi nhập lại",
            )
        return _read_xlsx(path)
    if suffix in (".csv", ".tsv"):
        return _read_csv(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise _refuse(
            path,
            f"tệp {suffix} chưa nhận được: mở bằng Excel hoặc LibreOffice, Lưu thành "
            "'Sổ làm việc Excel (*.xlsx)' rồi nhập tệp .xlsx",
        )
    raise _refuse(path, "chỉ nhận tệp Excel .xlsx hoặc tệp .csv: lưu kế hoạch thành .xlsx")


# ---- xlsx ---------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> PlanFile:
    from openpyxl import load_workbook

    try:
        has_formulas = _has_formulas(path)
        workbook = load_workbook(path, data_only=not has_formulas)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _refuse(
            path,
            "tệp Excel hỏng hoặc không đọc được: mở bằng Excel, Lưu thành .xlsx rồi nhập lại",
        ) from exc
    cached = _cached_values(path) if has_formulas else {}
    result = PlanFile(path.name)
    for ws in workbook.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        if has_formulas:
            _use_cached(ws, grid, cached.get(ws.title, {}), result)
        for merged in ws.merged_cells.ranges:
            _fill_down(grid, merged.min_row, merged.max_row, merged.min_col)
        _add_tables(result, ws.title, grid)
    workbook.close()
    return result


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula (a quick look at the XML, no parsing)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = archive.read(info)
                if b"<f>" in data or b"<f " in data:
                    return True
    return False


def _cached_values(path: Path) -> dict[str, dict[tuple[int, int], Any]]:
    """The values Excel saved with each formula: what the office saw on screen."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True, read_only=True)
    values: dict[str, dict[tuple[int, int], Any]] = {}
    for ws in workbook.worksheets:
        sheet: dict[tuple[int, int], Any] = {}
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet[(r, c)] = value
        values[ws.title] = sheet
    workbook.close()
    return values


def _use_cached(
    ws: Any, grid: list[list[Any]], cached: dict[tuple[int, int], Any], result: PlanFile
) -> None:
    """Formula cells read as the value saved with them; one saved without a value (written by a
    program, never opened in Excel) is an error naming the cell."""
    for r, row in enumerate(ws.iter_rows(), start=1):
        for c, cell in enumerate(row, start=1):
            if cell.data_type != "f":
                continue
            value = cached.get((r, c))
            grid[r - 1][c - 1] = value
            if value is None:
                result.errors.append(
                    RowIssue(
                        ws.title,
                        r,
                        f"ô {cell.coordinate} có công thức nhưng chưa có giá trị tính sẵn "
                        "(tệp do chương trình ghi): mở tệp bằng Excel, lưu lại rồi nhập",
                    )
                )


def _fill_down(grid: list[list[Any]], top: int, bottom: int, column: int) -> None:
    """A cell merged over several rows counts for each of them (first column of the merge)."""
    if bottom <= top or top > len(grid) or column > len(grid[top - 1]):
        return
    value = grid[top - 1][column - 1]
    for r in range(top + 1, min(bottom, len(grid)) + 1):
        if column <= len(grid[r - 1]):
            grid[r - 1][column - 1] = value


# ---- csv ----------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """CSV text as Excel writes it: UTF-8 with or without BOM, UTF-16, or Windows-1258
    (Vietnamese Windows); always returned in composed (NFC) form."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif len(data) > 1 and data.count(0) > len(data) // 4:
        text = data.decode("utf-16-le" if data[1] == 0 else "utf-16-be", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1258", errors="replace")
    return unicodedata.normalize("NFC", text)


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        if not counts or max(counts) < 2:
            continue
        score = sum(1 for n in counts if n == max(counts)) * max(counts)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> PlanFile:
    data = path.read_bytes()
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    # NUL bytes without a UTF-16 shape: a binary file named .csv.
    if b"\x00" in data[:4096] and not utf16 and data.count(0) <= len(data) // 4:
        raise _refuse(path, "tệp không phải là văn bản CSV: lưu kế hoạch thành .xlsx hoặc .csv")
    text = decode(data)
    if text.lstrip().lower().startswith(("<html", "<!doctype", "<?xml", "<table")):
        raise _refuse(
            path,
            "tệp là trang web (HTML) đổi đuôi: mở bằng Excel, Lưu thành .xlsx rồi nhập",
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except csv.Error as exc:
        raise _refuse(
            path, "tệp CSV hỏng (ô quá dài hoặc ngoặc kép không đóng): mở bằng Excel, lưu lại"
        ) from exc
    result = PlanFile(path.name)
    _add_tables(result, path.stem, [list(r) for r in rows], sheet_label=path.name)
    return result


# ---- tables -------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _recognised(kind: str, cells: list[Any]) -> dict[int, tuple[str, int]]:
    found: dict[int, tuple[str, int]] = {}
    for index, cell in enumerate(cells):
        key = header_key(_cell_text(cell)) if isinstance(cell, str) else ""
        if key in _SYNONYMS[kind]:
            found[index] = _SYNONYMS[kind][key]
    return found


def _find_header(grid: list[list[Any]], hint: str | None) -> tuple[int, str] | None:
    """The (row index, kind) of the header row: the row among the first ones whose cells name
    the most columns of one kind, that kind's telling columns among them."""
    best: tuple[int, int, str] | None = None
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        for kind in KIND_ORDER:
            fields = {name for name, _rank in _recognised(kind, cells).values()}
            if len(fields) < 2:
                continue
            telling = bool(fields & SIGNATURE[kind])
            if not telling and kind != hint:
                continue
            score = len(fields) * 10 + (5 if kind == hint else 0) + (3 if telling else 0)
            if best is None or score > best[0]:
                best = (score, index, kind)
    return (best[1], best[2]) if best else None


def _name_hint(name: str) -> str | None:
    key = fold(name)
    for kind, label_text in KIND_NAMES.items():
        if key == fold(label_text):
            return kind
    english = {"plan": "plan", "areas": "area", "units": "unit", "officers": "officer"}
    return english.get(key)


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
_SECTION = re.compile(r"^([IVXLC]+|[A-Z])\s*[.)/:\-]?\s+(.+)$")
_ROMAN = re.compile(r"^[IVXLC]+\.?$")


def _is_numbering(filled: list[Any]) -> bool:
    """The row of column numbers "(1) (2) (3)" that offices put under a header."""
    return len(filled) >= 3 and all(_NUMBERING.match(_cell_text(c)) for c in filled)


def _add_tables(
    result: PlanFile, name: str, grid: list[list[Any]], sheet_label: str | None = None
) -> None:
    shown = sheet_label or name
    if not any(_cell_text(c) for row in grid for c in row):
        return
    found = _find_header(grid, _name_hint(name))
    if found is None:
        result.warnings.append(
            RowIssue(
                shown,
                0,
                "không nhận ra trang này (không có dòng tiêu đề cột của Kế hoạch, Lĩnh vực, "
                "Đơn vị, Cán bộ hay Nhiệm vụ): bỏ qua",
            )
        )
        return
    header_index, kind = found
    header, sub_header = _two_row_header(grid, header_index, kind)
    recognised = _recognised(kind, header)
    columns: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for index, (field_name, rank) in sorted(recognised.items()):
        if field_name in columns and ranks[field_name] <= rank:
            _ignored(result, shown, header_index + 1, header[index], header[columns[field_name]])
            continue
        if field_name in columns:
            _ignored(result, shown, header_index + 1, header[columns[field_name]], header[index])
        columns[field_name] = index
        ranks[field_name] = rank
    if "code" in columns:
        columns.pop("stt", None)  # a row number beside a real code: nothing to keep
    for index, cell in enumerate(header):
        if index not in recognised and _cell_text(cell):
            result.warnings.append(
                RowIssue(
                    shown,
                    header_index + 1,
                    f"cột '{_cell_text(cell)}' không dùng đến: bỏ qua",
                )
            )
    table = Table(
        shown,
        kind,
        header_index + 1,
        {f: _cell_text(header[i]) for f, i in columns.items()},
        letters={f: get_column_letter(i + 1) for f, i in columns.items()},
    )
    section: tuple[str, str] | None = None
    width = max(columns.values()) + 1
    for index in range(header_index + 1 + sub_header, len(grid)):
        cells = grid[index]
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        filled = [c for c in cells if c is not None and (not isinstance(c, str) or c.strip())]
        if not filled or _is_numbering(filled):
            continue
        values = {f: cells[i] for f, i in columns.items()}
        if index <= header_index + 2 and _repeats_header(values, table.columns):
            continue  # the second row of a two-row header, its merged cells filled down
        if kind == "task":
            heading = _section(filled, values)
            if heading is not None:
                section = heading
                continue
        table.rows.append(Row(index + 1, values, section))
    result.tables.append(table)


def _two_row_header(grid: list[list[Any]], index: int, kind: str) -> tuple[list[Any], int]:
    """The header cells, and 1 if the next row finishes the header: under a cell merged across
    ("Thời gian thực hiện" over "Bắt đầu | Kết thúc") a sub-header the synonyms know ("Kết
    thúc" is the deadline) stands for its column."""
    header = list(grid[index])
    if index + 1 >= len(grid):
        return header, 0
    below = grid[index + 1]
    known = _recognised(kind, below)
    header += [None] * (len(below) - len(header))
    # A merged header cell leaves the cells right of it empty; a data row has a number
    # somewhere, or no sub-header the synonyms know.
    under_empty = any(_cell_text(c) and not _cell_text(header[i]) for i, c in enumerate(below))
    if not known or not under_empty or any(isinstance(c, int | float) for c in below):
        return header, 0
    for column, cell in enumerate(below):
        if _cell_text(cell):
            header[column] = cell
    return header, 1


def _repeats_header(values: dict[str, Any], headers: dict[str, str]) -> bool:
    return any(
        isinstance(v, str) and v.strip() and v.strip() == headers[f] for f, v in values.items()
    )


def _ignored(result: PlanFile, sheet: str, row: int, header: Any, kept: Any) -> None:
    result.warnings.append(
        RowIssue(sheet, row, f"cột '{_cell_text(header)}' trùng nghĩa với cột '{kept}': bỏ qua")
    )


def _section(filled: list[Any], values: dict[str, Any]) -> tuple[str, str] | None:
    """A section row: one text cell alone ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", merged across
    the table), or a Roman numeral in the number column with a title and no unit."""
    if len(filled) == 1 and isinstance(filled[0], str):
        text = filled[0].strip()
        match = _SECTION.match(text)
        return (match.group(1), match.group(2).strip()) if match else ("", text)
    number = _cell_text(values.get("code") or values.get("stt"))
    if _ROMAN.match(number) and not _cell_text(values.get("lead_unit")):
        return (number.rstrip("."), _cell_text(values.get("title")))
    return None
