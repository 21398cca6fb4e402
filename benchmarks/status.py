"""Benchmark TCCB's figures (/status, /areas, the weekly count) on SQLite:
`python benchmarks/status.py`.

Generates 500 units and 1,100,000 tasks of one year's plan (100,000 open, deadlines spread
over the year from 30 days before the day counted; 1,000,000 closed, completed up to 20 days
early or 6 days late), spread over 8 areas and 4 assigning authorities, in a temporary SQLite
file, through the database's triggers (the tally and the effective deadlines are kept as the
application keeps them). Then times, in process, on a fresh database and again after
`ANALYZE` and `PRAGMA optimize`:

- the figures behind /status (units, areas, authorities, criterion 1.6): `plan_figures`;
- the weekly summary's count (storage.outbox.plan_outcome_counts) on a Monday;
- the /status replies as sent (text and the chart PNG of 500 units).

Prints the figures, the peak RSS and the machine.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from bot.status_view import status_replies
from nhacviec.base.config import Config
from nhacviec.reports.figures import plan_figures
from storage import outbox, repo
from storage.db import make_engine, session_scope, upgrade

MONDAY = date(2023, 7, 17)
CHUNK = 50_000
AUTHORITIES = ("Giám đốc Sở", "UBND tỉnh", "HĐND tỉnh", "Tỉnh ủy")


def generate(engine: sa.Engine, units: int, open_tasks: int, closed_tasks: int) -> None:
    rng = random.Random(2023)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO plan (id, code, name, year) VALUES (1, 'KH-BENCH', 'Benchmark', 2023)"
        )
        conn.exec_driver_sql(
            "INSERT INTO area (id, plan_id, code, name) VALUES (?, 1, ?, ?)",
            [(a, str(a), f"Lĩnh vực {a}") for a in range(1, 9)],
        )
        conn.exec_driver_sql(
            "INSERT INTO unit (id, code, name) VALUES (?, ?, ?)",
            [(u, f"U{u:04d}", f"Đơn vị số {u}") for u in range(1, units + 1)],
        )
        first_open = MONDAY - timedelta(days=30)
        rows = []
        for n in range(1, open_tasks + closed_tasks + 1):
            if n <= open_tasks:
                deadline = first_open + timedelta(days=rng.randrange(365))
                done, state, progress = None, "open", rng.choice((0, 20, 50, 80))
            else:
                deadline = MONDAY - timedelta(days=7 + rng.randrange(180))
                done = (deadline + timedelta(days=rng.randint(-20, 6))).isoformat()
                state, progress = "done", 100
            rows.append(
                (
                    n,
                    f"NV-{n}",
                    f"Nhiệm vụ số {n}",
                    rng.randint(1, units),
                    rng.randint(1, 8),
                    rng.choice(AUTHORITIES),
                    deadline.isoformat(),
                    progress,
                    state,
                    done,
                )
            )
        sql = (
            "INSERT INTO task (id, plan_id, code, title, lead_unit_id, area_id, authority, "
            "deadline, progress, state, completed_on) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for start in range(0, len(rows), CHUNK):
            conn.exec_driver_sql(sql, rows[start : start + CHUNK])


def timed(label: str, fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm the caches once, as a running bot's are
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    median = statistics.median(runs)
    print(f"  {label}: median {median * 1000:.1f} ms, best {min(runs) * 1000:.1f} ms")
    return median


def measure(engine: sa.Engine, repeat: int, label: str) -> None:
    config = Config()
    print(label)
    with session_scope(engine) as session:
        plans = repo.plans_on(session, MONDAY)
        ids = [p.id for p in plans if p.id is not None]
        figures = plan_figures(session, plans, MONDAY, config)
        counted = figures.total.assigned
        timed(
            "/status figures (plan_figures)",
            lambda: plan_figures(session, plans, MONDAY, config),
            repeat,
        )
        codes = {u.id: u.code for u in repo.all_units(session) if u.id is not None}
        conn = session.connection()
        timed(
            "weekly count (plan_outcome_counts, Monday)",
            lambda: outbox.plan_outcome_counts(conn, ids, MONDAY, 7, codes),
            repeat,
        )
        replies = status_replies(session, plans, MONDAY, config, None, with_chart=True)
        timed(
            "/status replies as sent (text + chart PNG)",
            lambda: status_replies(session, plans, MONDAY, config, None, with_chart=True),
            max(1, repeat // 2),
        )
    png = replies[-1].attachments[0].content
    print(
        f"  {counted:,} tasks counted; {len(replies)} message(s), "
        f"{sum(len(r.text) for r in replies):,} characters; chart {len(png) / 1024:.0f} KB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--closed-tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", type=Path, help="keep the database here; reuse it if there")
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    folder = Path(tempfile.mkdtemp(prefix="nhacviec-status-"))
    path = args.db or folder / "bench.db"
    reuse = path.exists()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    if reuse:
        with engine.begin() as conn:  # back to a database nobody ANALYZEd
            conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
            conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat4")
        engine.dispose()
        print(f"reusing {path}")
    else:
        started = time.perf_counter()
        generate(engine, args.units, args.open_tasks, args.closed_tasks)
        print(
            f"generated {args.units:,} units, {args.open_tasks:,} open + {args.closed_tasks:,} "
            f"closed tasks through the triggers in {time.perf_counter() - started:.1f} s"
        )
    measure(engine, args.repeat, "fresh database (never ANALYZEd):")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("PRAGMA optimize")
    engine.dispose()
    measure(engine, args.repeat, "after ANALYZE and PRAGMA optimize:")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB (generation included)")
    engine.dispose()
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
