"""Small plans written as real .xlsx / .csv files, for tests that need exact control."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

PLAN: list[list[Any]] = [
    ["Mã", "Tên kế hoạch", "Năm", "Số hiệu", "Cơ quan"],
    ["KH-TEST", "Kế hoạch thử", 2023, "1/KH", "Sở thử"],
]
AREAS: list[list[Any]] = [
    ["Mã", "Tên", "Thuộc", "Điểm tối đa", "Điểm mục tiêu", "Điểm năm trước"],
    ["1", "Công tác chỉ đạo, điều hành", "", 10.5, 10.5, 9.5],
    ["1.6", "Nhiệm vụ UBND tỉnh giao", "1", "", "", ""],
    ["6", "Cải cách tài chính công", "", 8, 8, 7],
]
UNITS: list[list[Any]] = [
    ["Mã", "Tên đơn vị", "Trưởng đơn vị"],
    ["TCCB", "Phòng Tổ chức cán bộ", "CB01"],
    ["KHTC", "Phòng Kế hoạch - Tài chính", "CB03"],
    ["VP", "Văn phòng Sở", "CB05"],
]
OFFICERS: list[list[Any]] = [
    ["Mã", "Họ và tên", "Đơn vị", "Vai trò"],
    ["CB01", "Nguyễn Thị Bình", "TCCB", "trưởng đơn vị"],
    ["CB02", "Lê Văn Tùng", "TCCB", "tccb"],
    ["CB03", "Trần Văn Hải", "KHTC", "trưởng đơn vị"],
    ["CB04", "Phạm Thị Lan", "KHTC", "công chức"],
    ["CB05", "Võ Minh Quân", "VP", "trưởng đơn vị"],
    ["CB06", "Đỗ Thu Hà", "VP", "công chức"],
    ["CB07", "Huỳnh Quốc Anh", "VP", "quản trị"],
]
TASKS: list[list[Any]] = [
    [
        "Mã",
        "Nhiệm vụ",
        "Lĩnh vực",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Cơ quan giao",
        "Hạn",
        "Lặp lại",
        "Ghi chú",
    ],
    [
        "NV-01",
        "Ban hành kế hoạch CCHC năm 2023",
        "1",
        "TCCB",
        "VP",
        "Giám đốc Sở",
        "15/02/2023",
        "",
        "",
    ],
    ["NV-02", "Kiểm tra CCHC 30% đơn vị", "1", "TCCB", "", "Giám đốc Sở", "30/09/2023", "", ""],
    [
        "NV-03",
        "Báo cáo giải ngân vốn đầu tư",
        "6",
        "KHTC",
        "",
        "UBND tỉnh",
        "25/01/2023",
        "hàng tháng",
        "",
    ],
    [
        "NV-04",
        "Theo dõi nhiệm vụ UBND tỉnh giao",
        "1.6",
        "VP",
        "TCCB; KHTC",
        "UBND tỉnh",
        "31/03/2023",
        "hàng quý",
        "",
    ],
    ["NV-05", "Phương án tự chủ tài chính", "6", "KHTC", "", "Giám đốc Sở", "30/06/2023", "", ""],
]


def small_sheets() -> dict[str, list[list[Any]]]:
    return {
        "Kế hoạch": PLAN,
        "Lĩnh vực": AREAS,
        "Đơn vị": UNITS,
        "Cán bộ": OFFICERS,
        "Nhiệm vụ": TASKS,
    }


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    workbook = Workbook()
    default = workbook.active
    assert isinstance(default, Worksheet)
    workbook.remove(default)
    for name, rows in (sheets or small_sheets()).items():
        ws = workbook.create_sheet(name)
        for row in rows:
            ws.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def plan_sheets(code: str, year: int, tasks: list[list[Any]]) -> dict[str, list[list[Any]]]:
    """Another plan with the small plan's areas and these tasks, of units already there."""
    sheets = small_sheets()
    del sheets["Đơn vị"], sheets["Cán bộ"]
    sheets["Kế hoạch"] = [sheets["Kế hoạch"][0], [code, f"Kế hoạch {code}", year, "", ""]]
    sheets["Nhiệm vụ"] = [sheets["Nhiệm vụ"][0], *tasks]
    return sheets
