"""Benchmark the web overview on SQLite: `python benchmarks/web.py`.

Generates 500 units, 7 scored areas (with sub-criteria) and 100,000 tasks of one plan in a
temporary SQLite file (a third of them completed, some late; the rest open with deadlines over
the year, about a tenth overdue), signs a TCCB officer in, then times the overview page: the
GET of `/` through aiohttp's server and client, session check, figures, template and all.
Prints the machine and the medians; the target is under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from nhacviec.reports.figures import plan_figures
from nhacviec.web.deps import WebDeps
from nhacviec.web.routes import web_application
from nhacviec.web.security import SESSION_COOKIE
from storage import repo, web_sessions
from storage.db import make_engine, session_scope, upgrade

DAY = date(2023, 7, 18)
CHUNK = 50_000


def insert(conn: sa.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    for start in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + CHUNK])


def generate(engine: sa.Engine, units: int, tasks: int) -> None:
    rng = random.Random(2023)
    with engine.begin() as conn:
        insert(conn, "plan", ["id", "code", "name", "year"], [(1, "KH-BENCH", "Benchmark", 2023)])
        areas = [(a, 1, str(a), f"Lĩnh vực {a}", None, 10.0, 9.0, 8.0) for a in range(1, 8)]
        areas += [
            (10 * a + s, 1, f"{a}.{s}", f"Tiêu chí {a}.{s}", str(a), None, None, None)
            for a in range(1, 8)
            for s in range(1, 4)
        ]
        insert(
            conn,
            "area",
            [
                "id",
                "plan_id",
                "code",
                "name",
                "parent_code",
                "max_score",
                "target_score",
                "last_year_score",
            ],
            areas,
        )
        insert(
            conn,
            "unit",
            ["id", "code", "name"],
            [(u, f"U{u:04d}", f"Đơn vị số {u}") for u in range(1, units + 1)],
        )
        insert(
            conn,
            "officer",
            ["id", "code", "name", "unit_id", "role", "active"],
            [(1, "CB00001", "Cán bộ TCCB", 1, "tccb", True)],
        )
        area_ids = [a[0] for a in areas]
        rows = []
        for n in range(1, tasks + 1):
            deadline = date(2023, 1, 1) + timedelta(days=rng.randrange(365))
            done = None
            if n % 3 == 0 and deadline < DAY + timedelta(days=20):
                done = (deadline + timedelta(days=rng.randint(-20, 6))).isoformat()
            rows.append(
                (
                    n,
                    1,
                    f"NV-{n}",
                    f"Nhiệm vụ số {n}",
                    rng.randint(1, units),
                    rng.choice(area_ids),
                    deadline.isoformat(),
                    100 if done else rng.choice((0, 30, 60)),
                    "done" if done else "open",
                    done,
                )
            )
        insert(
            conn,
            "task",
            [
                "id",
                "plan_id",
                "code",
                "title",
                "lead_unit_id",
                "area_id",
                "deadline",
                "progress",
                "state",
                "completed_on",
            ],
            rows,
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


async def time_overview(deps: WebDeps, token: str, repeat: int) -> tuple[list[float], list[float]]:
    async with TestClient(TestServer(web_application(deps))) as client:
        client.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
        first = await client.get("/")
        assert first.status == 200, await first.text()
        assert "U0500" in await first.text()
        runs, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            answer = await client.get("/")
            await answer.read()
            runs.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert answer.status == 200
        return runs, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}"
    )
    folder = Path(tempfile.mkdtemp(prefix="nhacviec-web-bench-"))
    engine = make_engine(f"sqlite:///{folder}/bench.db")
    upgrade(engine)
    started = time.perf_counter()
    generate(engine, args.units, args.tasks)
    print(
        f"generated {args.units:,} units and {args.tasks:,} tasks in "
        f"{time.perf_counter() - started:.1f} s"
    )
    config = Config()
    clock = FixedClock.on(DAY, config.timezone)
    with session_scope(engine) as session:
        officer = repo.officer_by_code(session, "CB00001")
        assert officer is not None
        token = web_sessions.open_session(session, officer, clock.now(), 12).token
        plan = repo.current_plan(session)
        assert plan is not None
        figures_runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            figures = plan_figures(session, plan, DAY, config)
            figures_runs.append(time.perf_counter() - started)
    assert sum(u.assigned for u in figures.units) == args.tasks
    deps = WebDeps(engine=engine, clock=clock, config=config)
    runs, cpu = asyncio.run(time_overview(deps, token, args.repeat))
    print(
        f"overview figures ({len(figures.units)} units, {len(figures.watch)} on the watch list): "
        f"median {statistics.median(figures_runs) * 1000:.0f} ms"
    )
    print(
        f"overview page GET / (session, figures, self-scores, inspections, 500-row table): "
        f"median {statistics.median(runs) * 1000:.0f} ms, best {min(runs) * 1000:.0f} ms, "
        f"worst {max(runs) * 1000:.0f} ms of {args.repeat} (target < 200 ms); CPU time "
        f"median {statistics.median(cpu) * 1000:.0f} ms; load average "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    engine.dispose()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
