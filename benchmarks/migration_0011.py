"""Benchmark migration 0011 (task events) on SQLite: `python benchmarks/migration_0011.py`.

Builds a database at revision 0008 holding `--tasks` tasks of one plan (a third of them done,
spread over 500 units), then times the upgrade to 0011: the `task_event` table and its
append-only triggers, one "created" event per task (the original deadline), the completion
index rebuilt with `state`, the tally triggers replaced and the tally recounted. Prints the
figures and the machine."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, make_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="nhacviec-mig-")
    engine = make_engine(f"sqlite:///{folder}/bench.db")
    config = alembic_config(engine)
    command.upgrade(config, "0008")
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO plan (id, code, name, year) VALUES (1, 'B', 'B', 2023)"))
        conn.execute(
            sa.text("INSERT INTO unit (id, code, name) VALUES (:id, :code, :code)"),
            [{"id": u, "code": f"U{u}"} for u in range(1, args.units + 1)],
        )
        first = date(2023, 1, 1)
        rows = []
        for n in range(1, args.tasks + 1):
            deadline = first + timedelta(days=n % 365)
            done = deadline + timedelta(days=n % 7 - 3) if n % 3 == 0 else None
            rows.append(
                {
                    "id": n,
                    "code": f"T{n}",
                    "unit": n % args.units + 1,
                    "deadline": deadline,
                    "done": done,
                }
            )
        conn.execute(
            sa.text(
                "INSERT INTO task (id, plan_id, code, title, lead_unit_id, deadline, progress, "
                "state, completed_on) VALUES (:id, 1, :code, 'Nhiệm vụ', :unit, :deadline, 0, "
                "'open', :done)"
            ),
            rows,
        )
    built = time.perf_counter() - start
    start = time.perf_counter()
    command.upgrade(config, "0011")
    took = time.perf_counter() - start
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT count(*) FROM task_event")).scalar()
    print(f"nhacviec migration 0011 benchmark: SQLite {folder}/bench.db")
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{args.tasks:,} tasks at revision 0008 built in {built:.1f} s")
    print(f"upgrade 0008 -> 0011: {took:.2f} s ({events:,} 'created' events written)")
    engine.dispose()
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
