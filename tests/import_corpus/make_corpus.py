"""Write the import corpus: plan workbooks and CSV files kept the ways Vietnamese offices keep
them, and files that must be refused, each with what importing it must do.

Run `python tests/import_corpus/make_corpus.py FOLDER` to look at the files; the tests
(tests/nhacviec/test_import_corpus.py) generate them into a temporary folder.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

UNITS = [
    ["Mã", "Tên đơn vị", "Trưởng đơn vị"],
    ["VP", "Văn phòng Sở", "CB01"],
    ["TCCB", "Phòng Tổ chức cán bộ", "CB02"],
    ["KHTC", "Phòng Kế hoạch - Tài chính", "CB03"],
    ["TTRA", "Thanh tra Sở", ""],
    ["CCTS", "Chi cục Thủy sản", ""],
    ["TTKN", "Trung tâm Khuyến nông", ""],
]
OFFICERS = [
    ["Mã", "Họ và tên", "Đơn vị", "Vai trò"],
    ["CB01", "Võ Minh Quân", "Văn phòng Sở", "trưởng đơn vị"],
    ["CB02", "Nguyễn Thị Bình", "P. Tổ chức cán bộ", "trưởng đơn vị"],
    ["CB03", "Trần Văn Hải", "Phòng Kế hoạch-Tài chính", "trưởng đơn vị"],
    ["CB04", "Lê Văn Tùng", "TCCB", "tccb"],
]
AREAS = [
    ["Mã", "Tên", "Thuộc", "Điểm tối đa"],
    ["1", "Công tác chỉ đạo, điều hành", "", 10.5],
    ["2", "Xây dựng và tổ chức thực hiện thể chế", "", 7],
    ["3", "Cải cách thủ tục hành chính", "", 12],
    ["6", "Cải cách tài chính công", "", 8],
]
PLAN = [["Mã", "Tên kế hoạch", "Năm"], ["CCHC-2024", "Kế hoạch CCHC năm 2024", 2024]]
# A tasks sheet as an office types it: STT, sections, units by name, deadlines in words.
OFFICE_TASKS: list[list[Any]] = [
    ["KẾ HOẠCH THỰC HIỆN NHIỆM VỤ CCHC NĂM 2024"],
    ["(Kèm theo Kế hoạch số 45/KH-SNN ngày 20/02/2024)"],
    [],
    [
        "STT",
        "Nội dung nhiệm vụ",
        "Đơn vị thực hiện",
        "Đơn vị phối hợp",
        "Thời gian hoàn thành\n(dd/mm/yyyy)",
        "Cấp giao",
        "Văn bản giao",
        "Cán bộ thụ lý",
        "Ghi chú",
    ],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
    ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"],
    [
        1,
        "Ban hành kế hoạch CCHC năm 2024",
        "Phòng Tổ chức cán bộ",
        "Các phòng, đơn vị",
        "trước 31/1",
        "Giám đốc Sở",
        "45/KH-SNN",
        "Lê Văn Tùng",
        "[theo phân công]",
    ],
    [
        2,
        "Kiểm tra công tác CCHC tại 30% đơn vị",
        "P. Tổ chức cán bộ",
        "Văn phòng Sở",
        "Quý III/2024",
        "Giám đốc Sở",
        "",
        "",
        "",
    ],
    [
        3,
        "Theo dõi, đôn đốc nhiệm vụ UBND tỉnh giao",
        "Văn phòng Sở",
        "",
        "Thường xuyên",
        "UBND tỉnh",
        "",
        "",
        "",
    ],
    ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", "", "", "", ""],
    [
        1,
        "Rà soát, đơn giản hóa TTHC",
        "Văn phòng Sở",
        "Các Chi cục, Thanh tra Sở",
        "6 tháng đầu năm",
        "UBND tỉnh",
        "",
        "",
        "",
    ],
    [2, "Công khai TTHC trên Cổng thông tin", None, "", "Tháng 9/2024", "Giám đốc Sở", "", "", ""],
    ["III. CẢI CÁCH TÀI CHÍNH CÔNG"],
    [
        1,
        "Xây dựng phương án tự chủ tài chính",
        "Phòng Kế hoạch – Tài chính",
        "Các đơn vị sự nghiệp",
        "Quý 2",
        "UBND tỉnh",
        "",
        "",
        "",
    ],
    [2, "Báo cáo giải ngân vốn đầu tư công", "KHTC", "", "Cuối năm", "UBND tỉnh", "", "", ""],
]
OFFICE_TASK_COUNT = 7
# Simple tasks for the CSV variants: codes, units by code or name, deadlines as typed.
CSV_TASKS = [
    ["Mã", "Tên nhiệm vụ", "Lĩnh vực", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Ghi chú"],
    [
        "BS-01",
        "Tập huấn kiểm soát TTHC",
        "3",
        "Văn phòng Sở",
        "Các phòng, đơn vị",
        "30/6/2024",
        "Ưu tiên",
    ],
    [
        "BS-02",
        "Rà soát định mức chi",
        "6",
        "Phòng Kế hoạch - Tài chính",
        "TCCB; VP",
        "15.09.2024",
        "",
    ],
    ["BS-03", "Sơ kết 6 tháng", "1", "TCCB", "", "Quý II/2024", ""],
]
CSV_TASK_COUNT = 3


@dataclass
class Case:
    """One file of the corpus and what importing it must do."""

    name: str
    write: Callable[[Path], None]
    imports: bool
    # Text the CLI output must contain.
    says: list[str] = field(default_factory=list)
    tasks: int = 0  # tasks added when it imports
    needs_base: bool = False  # imported after the base workbook (plan, areas, units, officers)


def write_sheets(
    path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None
) -> None:
    book = Workbook()
    default = book.active
    assert isinstance(default, Worksheet)
    book.remove(default)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
    book.save(path)


def base_sheets() -> dict[str, list[list[Any]]]:
    return {"Kế hoạch": PLAN, "Lĩnh vực": AREAS, "Đơn vị": UNITS, "Cán bộ": OFFICERS}


def write_base(path: Path) -> None:
    write_sheets(path, base_sheets())


def _office(path: Path) -> None:
    # Title merged across the table; the lead unit of II.1 merged down over II.2.
    write_sheets(
        path,
        {**base_sheets(), "KH CCHC 2024": OFFICE_TASKS},
        {"KH CCHC 2024": ["A1:I1", "A2:I2", "A6:I6", "C11:C12", "A13:I13"]},
    )


def _csv_text() -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(CSV_TASKS)
    return out.getvalue()


def _delimited(delimiter: str) -> str:
    return _csv_text().replace(",", delimiter) if delimiter != "," else _csv_text()


def _csv_rows(delimiter: str) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(CSV_TASKS)
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Text as Vietnamese Windows saves it: a base letter (with its hat or horn) and a
    combining tone mark where code page 1258 has no precomposed letter."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        hats = "".join(m for m in parts[1:] if m in "\u0302\u0306\u031b")
        tones = "".join(m for m in parts[1:] if m not in hats)
        out += unicodedata.normalize("NFC", parts[0] + hats).encode("cp1258")
        out += tones.encode("cp1258")
    return bytes(out)


def _formula(path: Path) -> None:
    tasks: list[list[Any]] = [list(r) for r in CSV_TASKS]
    tasks[2][5] = "=DATE(2024,9,15)"  # a program writes a formula and no cached value
    write_sheets(path, {**base_sheets(), "Nhiệm vụ": tasks})


def _duplicates(path: Path) -> None:
    officers = [*OFFICERS, ["CB04", "Người Khác", "VP", "quản trị"]]
    write_sheets(
        path, {**base_sheets(), "Cán bộ": officers, "Nhiệm vụ": [*CSV_TASKS, CSV_TASKS[1]]}
    )


def _bad_rows(path: Path) -> None:
    tasks = [
        CSV_TASKS[0],
        ["X-01", "Đơn vị lạ", "1", "Văn phòng UBND", "", "30/6/2024", ""],
        ["X-02", "Hạn lạ", "1", "VP", "", "[theo phân công]", ""],
        ["X-03", "Phối hợp lạ [/b]", "1", "VP", "Sở Nội vụ [/x]", "32/13/2024", ""],
        ["X-04", "", "9", "VP", "", "", ""],
    ]
    write_sheets(path, {**base_sheets(), "Nhiệm vụ": tasks})


def cases() -> list[Case]:
    return [
        Case(
            "ke-hoach-van-phong.xlsx",
            _office,
            True,
            [
                "thêm 1 kế hoạch",
                f"{OFFICE_TASK_COUNT} nhiệm vụ",
                "'Thường xuyên'",
            ],
            OFFICE_TASK_COUNT,
        ),
        Case(
            "utf8-comma.csv",
            lambda p: p.write_text(_csv_rows(","), encoding="utf-8"),
            True,
            ["thêm 3 nhiệm vụ"],
            CSV_TASK_COUNT,
            True,
        ),
        Case(
            "utf8-bom-semicolon.csv",
            lambda p: p.write_text(_csv_rows(";"), encoding="utf-8-sig"),
            True,
            ["thêm 3 nhiệm vụ"],
            CSV_TASK_COUNT,
            True,
        ),
        Case(
            "utf16-tab.csv",
            lambda p: p.write_text(_csv_rows("\t"), encoding="utf-16"),
            True,
            ["thêm 3 nhiệm vụ"],
            CSV_TASK_COUNT,
            True,
        ),
        Case(
            "cp1258-comma.csv",
            lambda p: p.write_bytes(to_cp1258(_csv_rows(","))),
            True,
            ["thêm 3 nhiệm vụ"],
            CSV_TASK_COUNT,
            True,
        ),
        Case(
            "excel-97.xls",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
            False,
            ["Excel 97-2003", "Lưu thành"],
        ),
        Case(
            "~$ke-hoach.xlsx",
            lambda p: p.write_bytes(b"\x0bAdmin" + bytes(150)),
            False,
            ["tệp khoá Excel", "ke-hoach.xlsx"],
        ),
        Case(
            "van-ban.xlsx",
            lambda p: p.write_text("Kế hoạch năm 2024\n", encoding="utf-8"),
            False,
            ["không phải là tệp Excel"],
        ),
        Case(
            "xls-renamed.xlsx",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
            False,
            ["Excel 97-2003"],
        ),
        Case(
            "ghi-chu.docx", lambda p: p.write_bytes(b"PK\x03\x04"), False, [".xlsx hoặc tệp .csv"]
        ),
        Case("cong-thuc.xlsx", _formula, False, ["ô F3", "công thức"]),
        Case(
            "trung-ma.xlsx",
            _duplicates,
            False,
            ["mã 'CB04' trùng với dòng 5", "mã 'BS-01' trùng với dòng 2"],
        ),
        Case(
            "dong-loi.xlsx",
            _bad_rows,
            False,
            [
                "'Văn phòng UBND' không có; có: Văn phòng Sở (VP)",
                "hạn '[theo phân công]' không hiểu",
                "Sở Nội vụ [/x]",
                "32/13/2024",
                "thiếu Nhiệm vụ",
                "lĩnh vực '9'",
            ],
        ),
        Case(
            "hong.xlsx",
            lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4),
            False,
            ["tệp Excel hỏng"],
        ),
        Case(
            "trang-web.csv",
            lambda p: p.write_text("<html><table><tr><td>STT</td></tr></table></html>"),
            False,
            ["trang web (HTML)"],
        ),
        Case(
            "nhi-phan.csv",
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 8 + b"\x00"),
            False,
            ["không phải là văn bản CSV"],
        ),
        Case(
            "khong-nhan-ra.xlsx",
            lambda p: write_sheets(p, {"Sheet1": [["Họ tên", "Ngày sinh"], ["A", "1/1/1990"]]}),
            False,
            ["không nhận ra trang", "không có trang nào nhận ra được"],
        ),
        Case(
            "trang-trong.csv",
            lambda p: p.write_text("STT;Nội dung nhiệm vụ;Đơn vị chủ trì\n", encoding="utf-8"),
            False,
            ["không có nhiệm vụ nào"],
            0,
            True,
        ),
    ]


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_base(folder / "co-so.xlsx")
    for case in cases():
        case.write(folder / case.name)
        print(f"{case.name}: {'nhập được' if case.imports else 'bị từ chối'}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "import-corpus"))
