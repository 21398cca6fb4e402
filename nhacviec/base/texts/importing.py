"""What `nhacviec import` says about a workbook (storage/importer.py): each problem names the
row or cell and what to fix. The column names it matches are data, in storage/sheets.py."""

from __future__ import annotations

from collections.abc import Sequence

EMPTY = "(trống)"
NO_SHEET_RECOGNISED = (
    "không có trang nào nhận ra được: cần một dòng tiêu đề cột như 'STT, Nội "
    "dung nhiệm vụ, Đơn vị chủ trì, Thời gian hoàn thành' (xem "
    "docs/import-format.md)"
)
NO_TASKS_IN_SHEET = "trang nhiệm vụ không có nhiệm vụ nào"
NO_ROWS_IN_FILE = "tệp không có dòng nào để nhập"
NO_PLAN_YET = "chưa có kế hoạch: nhập trang 'Kế hoạch' trước (Mã, Tên kế hoạch, Năm)"
BAD_ROLE_HINT = "(công chức, trưởng đơn vị, tccb, quản trị, theo dõi, lãnh đạo sở)"
IMPORT_NO_AREA = "thiếu Lĩnh vực (thêm cột Lĩnh vực, hoặc dòng mục 'I. …' phía trên)"
RECURRING_NEEDS_DEADLINE = "nhiệm vụ lặp lại cần Hạn của lần đầu"
FIRST_AFTER_YEAR = "hạn lần đầu nằm sau cuối năm kế hoạch"
UNIT_LABEL = "đơn vị"
LEAD_UNIT_LABEL = "đơn vị chủ trì"
CO_UNIT_LABEL = "đơn vị phối hợp"
# The fields of the change report ("điểm tối đa: 10 → 12"), and of "không phải là số".
IMPORT_FIELD_LABELS = {
    "name": "tên",
    "year": "năm",
    "document": "số hiệu",
    "agency": "cơ quan",
    "parent_code": "thuộc",
    "max_score": "điểm tối đa",
    "target_score": "điểm mục tiêu",
    "last_year_score": "điểm năm trước",
    "unit_id": "đơn vị",
    "role": "vai trò",
    "head_id": "trưởng đơn vị",
    "title": "nhiệm vụ",
    "area_id": "lĩnh vực",
    "lead_unit_id": "đơn vị chủ trì",
    "authority": "cơ quan giao",
    "deadline": "hạn",
    "recurrence": "lặp lại",
    "series_code": "chuỗi",
    "note": "ghi chú",
    "co_units": "đơn vị phối hợp",
    "assignee_id": "cán bộ thụ lý",
}
# A series occurrence the import cancelled, in the change report: (field, before, after).
SERIES_CANCELLED_CHANGE = ("trạng thái", "đang làm", "đã huỷ")


def not_a_number(what: str, value: str) -> str:
    return f"{what} '{value}' không phải là số"


def missing_columns(names: str) -> str:
    return f"thiếu cột {names}"


def missing_values(names: str) -> str:
    return "thiếu " + names


def unstored_column(header: str) -> str:
    return (
        f"cột '{header}' đọc được nhưng chưa lưu (chưa có "
        "chỗ trong cơ sở dữ liệu); giá trị có trong kết quả nhập"
    )


def in_cell(reason: str, cell: str) -> str:
    return f"{reason} (ô {cell})"


def code_too_long(code: str, limit: int) -> str:
    return f"mã '{code}' dài quá {limit} ký tự"


def row_at(number: int) -> str:
    return f"dòng {number}"


def sheet_row_at(sheet: str, number: int) -> str:
    return f"trang {sheet}, dòng {number}"


def duplicate_code(code: str, where: str) -> str:
    return f"mã '{code}' trùng với {where}: mỗi mã chỉ được một dòng"


def unknown_plan(code: str) -> str:
    return f"không có kế hoạch mã '{code}'"


def bad_year(text: str) -> str:
    return f"năm '{text}' không hợp lệ"


def unknown_parent_area(parent: str) -> str:
    return f"lĩnh vực cha '{parent}' chưa có (ghi lĩnh vực cha ở dòng trên)"


def bad_role(text: str) -> str:
    return f"vai trò '{text}' không hợp lệ " + BAD_ROLE_HINT


def unknown_head(code: str) -> str:
    return f"trưởng đơn vị '{code}' không có trong Cán bộ"


def unknown_area(text: str, known: str) -> str:
    return f"lĩnh vực '{text}' không có" + (f"; có: {known}" if known else "")


def section_without_area(number: str, title: str) -> str:
    return (
        f"thiếu Lĩnh vực: mục '{number + '. ' if number else ''}{title}' không khớp "
        "lĩnh vực nào (thêm cột Lĩnh vực)"
    )


def vague_co_unit(phrase: str) -> str:
    return f"'{phrase}' không chỉ rõ đơn vị nào: không lưu làm đơn vị phối hợp"


def stt_task_changed(code: str) -> str:
    return (
        f"nhiệm vụ mã {code} (lấy từ STT) đổi nội dung so với lần nhập "
        "trước: nếu do chèn hay xoá dòng làm STT đổi, hãy thêm cột Mã"
    )


def unknown_assignee(named: str) -> str:
    return f"cán bộ thụ lý '{named}' không có trong Cán bộ"


def assignee_elsewhere(named: str, lead_code: str | None) -> str:
    return f"cán bộ thụ lý '{named}' không thuộc đơn vị chủ trì {lead_code}"


def whole_unit_instead(problem: str, cell: str) -> str:
    return f"{problem}: nhiệm vụ giao cả đơn vị{cell}"


def cell_suffix(cell: str) -> str:
    return f" (ô {cell})"


def unknown_unit(label: str, text: str, closest: Sequence[tuple[str, str]], units: int) -> str:
    """ "đơn vị chủ trì 'X' không có; có: Văn phòng Sở (VP), …" with the closest names first."""
    near = ", ".join(f"{name} ({code})" for name, code in closest)
    more = units - min(units, 4)
    tail = f" và {more} đơn vị khác (trang Đơn vị)" if more > 0 else ""
    if not near:
        return f"{label} '{text}' không có: chưa có đơn vị nào, nhập trang Đơn vị trước"
    return f"{label} '{text}' không có; có: {near}{tail}"


# -- reading the file (storage/sheets.py) -------------------------------------------------------
FILE_PASSWORD_OR_XLS = (
    "tệp có mật khẩu, hoặc là tệp Excel 97-2003 (.xls) đổi đuôi: mở bằng Excel, bỏ mật "
    "khẩu nếu có, Lưu thành 'Sổ làm việc Excel (*.xlsx)' rồi nhập lại"
)
FILE_XLS = (
    "tệp Excel 97-2003 (.xls) chưa nhận được: mở bằng Excel, chọn Lưu thành (Save As) "
    "kiểu 'Sổ làm việc Excel (*.xlsx)' rồi nhập tệp .xlsx"
)
FILE_NOT_XLSX = (
    "tệp không phải là tệp Excel .xlsx (có thể bị đổi đuôi): mở bằng Excel, "
    "Lưu thành 'Sổ làm việc Excel (*.xlsx)' rồi nhập lại"
)
FILE_KIND_REFUSED = "chỉ nhận tệp Excel .xlsx hoặc tệp .csv: lưu kế hoạch thành .xlsx"
FILE_XLSX_BROKEN = (
    "tệp Excel hỏng hoặc không đọc được: mở bằng Excel, Lưu thành .xlsx rồi nhập lại"
)
FILE_NOT_CSV = "tệp không phải là văn bản CSV: lưu kế hoạch thành .xlsx hoặc .csv"
FILE_HTML = "tệp là trang web (HTML) đổi đuôi: mở bằng Excel, Lưu thành .xlsx rồi nhập"
FILE_CSV_BROKEN = "tệp CSV hỏng (ô quá dài hoặc ngoặc kép không đóng): mở bằng Excel, lưu lại"
FILE_READ_ERROR = "lỗi đọc"
SHEET_NOT_RECOGNISED = (
    "không nhận ra trang này (không có dòng tiêu đề cột của Kế hoạch, Lĩnh vực, "
    "Đơn vị, Cán bộ hay Nhiệm vụ): bỏ qua"
)


def issue_row(row: int) -> str:
    return f"dòng {row}"


def issue_column(column: str) -> str:
    return f"cột {column}"


def errors_count(count: int) -> str:
    return f"{count} lỗi"


def lock_file(name: str) -> str:
    return (
        f"đây là tệp khoá Excel tạo ra khi đang mở '{name}', không phải kế hoạch: "
        f"đóng Excel rồi nhập tệp '{name}'"
    )


def file_unreadable(why: str) -> str:
    return f"không đọc được tệp ({why})"


def file_suffix_refused(suffix: str) -> str:
    return (
        f"tệp {suffix} chưa nhận được: mở bằng Excel hoặc LibreOffice, Lưu thành "
        "'Sổ làm việc Excel (*.xlsx)' rồi nhập tệp .xlsx"
    )


def formula_without_value(cell: str) -> str:
    return (
        f"ô {cell} có công thức nhưng chưa có giá trị tính sẵn "
        "(tệp do chương trình ghi): mở tệp bằng Excel, lưu lại rồi nhập"
    )


def column_unused(header: str) -> str:
    return f"cột '{header}' không dùng đến: bỏ qua"


def column_duplicate(header: str, kept: object) -> str:
    return f"cột '{header}' trùng nghĩa với cột '{kept}': bỏ qua"
