"""Benchmark the yearly Excel report: `python benchmarks/report.py [--tasks 10000 100000]`.

For each size, generates a department (200 units, 8 areas, 4 assigning authorities) with that
many tasks of one year's plan, about half of them completed, and two progress reports per
completed task (so a 100,000-task year has about 100,000 history rows), in a temporary SQLite
file. Then runs `nhacviec report --period 2023` as a real process, as TCCB would, and prints
its wall time, its peak RSS, the workbook's size and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent

AUTHORITIES = ("Giám đốc Sở", "UBND tỉnh", "HĐND tỉnh", "Tỉnh ủy")
CHUNK = 50_000


def generate(path: Path, tasks: int, units: int = 200) -> int:
    """The database; returns the number of history rows."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rng = random.Random(2023)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO plan (id, code, name, year) VALUES (1, 'KH-BENCH', 'Bench', 2023)")
    conn.executemany(
        "INSERT INTO area (id, plan_id, code, name, max_score) VALUES (?, 1, ?, ?, 10)",
        [(a, str(a), f"Lĩnh vực {a}") for a in range(1, 9)],
    )
    conn.executemany(
        "INSERT INTO unit (id, code, name) VALUES (?, ?, ?)",
        [(u, f"U{u:04d}", f"Đơn vị số {u}") for u in range(1, units + 1)],
    )
    conn.executemany(
        "INSERT INTO officer (id, code, name, unit_id, role, active) VALUES (?, ?, ?, ?, ?, 1)",
        [(u, f"CB{u:05d}", f"Cán bộ {u}", u, "officer") for u in range(1, units + 1)],
    )
    rows, history = [], []
    start = date(2023, 1, 1)
    for n in range(1, tasks + 1):
        deadline = start + timedelta(days=rng.randrange(365))
        unit = rng.randint(1, units)
        done = None
        if rng.random() < 0.5:
            done = deadline + timedelta(days=rng.randint(-20, 10))
            for k, percent in enumerate((50, 100)):
                at = datetime.combine(done - timedelta(days=5 * (1 - k)), datetime.min.time())
                history.append((n, unit, f"{at:%Y-%m-%d} 02:00:00.000000", percent, k))
        rows.append(
            (
                n,
                f"NV-{n}",
                f"Nhiệm vụ cải cách hành chính số {n} của đơn vị",
                unit,
                rng.randint(1, 8),
                rng.choice(AUTHORITIES),
                deadline.isoformat(),
                100 if done else rng.choice((0, 20, 50)),
                "done" if done else "open",
                done.isoformat() if done else None,
            )
        )
    for i in range(0, len(rows), CHUNK):
        conn.executemany(
            "INSERT INTO task (id, plan_id, code, title, lead_unit_id, area_id, authority, "
            "deadline, progress, state, completed_on) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows[i : i + CHUNK],
        )
    conn.executemany(
        "INSERT INTO progressupdate (task_id, officer_id, at, kind, percent, note, channel) "
        "VALUES (?, ?, ?, CASE ? WHEN 100 THEN 'done' ELSE 'progress' END, ?, "
        "CASE ? WHEN 0 THEN 'Đang thực hiện' ELSE 'Đã gửi văn bản' END, 'telegram')",
        [(t, u, at, p, p, k) for t, u, at, p, k in history],
    )
    conn.commit()
    conn.close()
    return len(history)


def run_report(folder: Path) -> tuple[float, float, float, int]:
    config = folder / "nhacviec.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{folder}/bench.db"\n', encoding="utf-8")
    out = folder / "bao-cao.xlsx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    command = ["report", "--period", "2023", "--out", str(out), "--on", "31/12/2023"]
    subprocess.run(
        [sys.executable, "-m", "nhacviec", "--config", str(config), *command],
        check=True,
        env=env,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    if peak <= before:
        print("  (peak RSS not below an earlier, bigger run: read it from the larger size)")
    return wall, cpu, peak / 1024, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    for size in sorted(args.tasks):
        with tempfile.TemporaryDirectory(prefix="nhacviec-report-") as name:
            folder = Path(name)
            started = time.perf_counter()
            history = generate(folder / "bench.db", size)
            made = time.perf_counter() - started
            wall, cpu, peak, size_bytes = run_report(folder)
            print(
                f"{size:,} tasks, {history:,} history rows (generated in {made:.1f} s): "
                f"`nhacviec report --period 2023` {wall:.1f} s wall, {cpu:.1f} s CPU, "
                f"peak RSS {peak:.0f} MB, workbook {size_bytes / 1_048_576:.1f} MB; "
                f"load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
