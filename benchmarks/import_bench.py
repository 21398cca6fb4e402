"""Benchmark the import: `python benchmarks/import_bench.py`.

In a temporary folder it writes a province-sized department (500 units, 5,000 officers, a plan
with 7 areas) as a workbook, a 100,000-row tasks CSV (units by code and by full name, deadlines
as offices write them: dd/mm/yyyy, "Quý II/2024", "Tháng 3/2024", "Thường xuyên") and a
10,000-task workbook holding every sheet, then times into a temporary SQLite database:

- the 100,000-row CSV into a database holding the department (every task new);
- the same CSV again (every task compared, nothing changes);
- the 10,000-task workbook into an empty database.

It prints each figure and the machine (CPU model, cores, Python version).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from storage.db import make_engine, upgrade
from storage.importer import import_file

AREAS = [
    ("1", "Công tác chỉ đạo, điều hành"),
    ("2", "Xây dựng và tổ chức thực hiện thể chế"),
    ("3", "Cải cách thủ tục hành chính"),
    ("4", "Cải cách tổ chức bộ máy"),
    ("5", "Cải cách chế độ công vụ"),
    ("6", "Cải cách tài chính công"),
    ("7", "Xây dựng, phát triển chính phủ điện tử, chính phủ số"),
]
TASK_HEADER = [
    "Mã",
    "Nội dung nhiệm vụ",
    "Lĩnh vực",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Cơ quan giao",
    "Thời gian hoàn thành",
    "Ghi chú",
]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} lõi, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def units(n: int) -> list[tuple[str, str]]:
    return [(f"DV{i:03d}", f"Phòng Nghiệp vụ số {i} - Khối {i % 7}") for i in range(1, n + 1)]


def department_sheets(n_units: int, n_officers: int) -> dict[str, list[list[object]]]:
    unit_list = units(n_units)
    officers = [
        [f"CB{i:05d}", f"Cán bộ {i}", unit_list[i % n_units][0], "công chức"]
        for i in range(1, n_officers + 1)
    ]
    return {
        "Kế hoạch": [["Mã", "Tên kế hoạch", "Năm"], ["CCHC-2024", "Kế hoạch CCHC năm 2024", 2024]],
        "Lĩnh vực": [["Mã", "Tên"], *[[c, n] for c, n in AREAS]],
        "Đơn vị": [["Mã", "Tên đơn vị"], *[[c, n] for c, n in unit_list]],
        "Cán bộ": [["Mã", "Họ và tên", "Đơn vị", "Vai trò"], *officers],
    }


def task_rows(n: int, n_units: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    unit_list = units(n_units)
    deadline_forms = [
        lambda: f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2024",
        lambda: f"Quý {rng.choice(['I', 'II', 'III', 'IV'])}/2024",
        lambda: f"Tháng {rng.randint(1, 12)}/2024",
        lambda: "Thường xuyên",
        lambda: f"trước {rng.randint(1, 28)}/{rng.randint(1, 12)}",
    ]
    rows: list[list[object]] = []
    for i in range(1, n + 1):
        lead = unit_list[rng.randrange(n_units)]
        co = rng.sample(unit_list, rng.choice((0, 0, 1, 2)))
        rows.append(
            [
                f"NV{i:06d}",
                f"Nhiệm vụ số {i}: rà soát, báo cáo kết quả thực hiện",
                rng.choice(AREAS)[0],
                lead[0] if i % 2 else lead[1],  # half by code, half by full name
                "; ".join(c[0] for c in co),
                rng.choice(("UBND tỉnh", "Giám đốc Sở", "Tỉnh ủy")),
                rng.choice(deadline_forms)(),
                "",
            ]
        )
    return rows


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def timed(label: str, action: object) -> float:
    """Wall time, and this process's CPU time (what other programs on a busy machine do not
    change), of one import."""
    start, cpu = time.perf_counter(), time.process_time()
    summary = action()  # type: ignore[operator]
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{label:<44} {seconds:6.2f} s (CPU {cpu_seconds:6.2f} s)  "
        f"thêm {sum(summary.created.values()):>6}, sửa {sum(summary.updated.values()):>4}, "
        f"giữ nguyên {sum(summary.unchanged.values()):>6}   tải máy {load()}"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--officers", type=int, default=5_000)
    parser.add_argument("--csv-tasks", type=int, default=100_000)
    parser.add_argument("--xlsx-tasks", type=int, default=10_000)
    args = parser.parse_args()
    print(f"Máy: {machine()}")
    with tempfile.TemporaryDirectory(prefix="nhacviec-import-bench-") as folder:
        root = Path(folder)
        department = department_sheets(args.units, args.officers)
        write_xlsx(root / "don-vi.xlsx", department)
        with (root / "nhiem-vu.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([TASK_HEADER, *task_rows(args.csv_tasks, args.units)])
        write_xlsx(
            root / "ke-hoach.xlsx",
            {**department, "Nhiệm vụ": [TASK_HEADER, *task_rows(args.xlsx_tasks, args.units, 11)]},
        )

        engine = make_engine(f"sqlite:///{root}/csv.db")
        upgrade(engine)
        timed("phòng ban, cán bộ (.xlsx)", lambda: import_file(engine, root / "don-vi.xlsx"))
        timed(
            f"{args.csv_tasks:_} nhiệm vụ (.csv), lần đầu".replace("_", "."),
            lambda: import_file(engine, root / "nhiem-vu.csv"),
        )
        timed(
            f"{args.csv_tasks:_} nhiệm vụ (.csv), nhập lại".replace("_", "."),
            lambda: import_file(engine, root / "nhiem-vu.csv"),
        )
        engine.dispose()

        engine = make_engine(f"sqlite:///{root}/xlsx.db")
        upgrade(engine)
        timed(
            f"kế hoạch đủ trang, {args.xlsx_tasks:_} nhiệm vụ (.xlsx)".replace("_", "."),
            lambda: import_file(engine, root / "ke-hoach.xlsx"),
        )
        engine.dispose()


if __name__ == "__main__":
    main()
