"""Benchmark one day's reminder scan: `python benchmarks/scan.py [--database URL]`.

Generates a department far larger than any real one (500 units, 5,000 officers, 100,000 open
tasks and 1,000,000 closed ones; every unit has linked a Telegram group chat, one in ten a Zalo
group as well) in a temporary SQLite file, then times the scan and the outbox
write of a Tuesday and of a Monday (which adds the weekly TCCB summary, whose 30% figures need
every task of the plan). Open deadlines are spread evenly over the 365 days starting 30 days
before the scan day, so about 8% of the open tasks are overdue. Closed tasks have deadlines in
the year before the scan days and were completed before them. Each day is timed on the
database as generated (never ANALYZEd) and again after `ANALYZE`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from benchmarks.machine import describe
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from rules.calendar import WorkingCalendar
from scheduler.scan import Scanner
from storage.db import make_engine, upgrade
from storage.models import (
    ChatLink,
    Officer,
    OutboxMessage,
    Plan,
    Task,
    Unit,
    UnitGroupChat,
)

TUESDAY = date(2023, 7, 18)
MONDAY = date(2023, 7, 17)
CHUNK = 50_000


def table(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


def insert(
    conn: sa.Connection, model: type, columns: list[str], rows: Sequence[tuple[object, ...]]
) -> None:
    """Bulk insert through the driver: executemany on SQLite, COPY on PostgreSQL; no per-row
    work in SQLAlchemy."""
    name = table(model).name
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if "id" in columns:  # the serial goes on after the ids given
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )
        return
    sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    for start in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + CHUNK])


def task_indexes(conn: sa.Connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the task table's secondary indexes."""
    if conn.dialect.name == "postgresql":
        return [
            (r[0], r[1])
            for r in conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'task' "
                "AND schemaname = current_schema() "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            )
        ]
    return [
        (r[0], r[1])
        for r in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'task' AND sql IS NOT NULL"
        )
    ]


def generate(engine: sa.Engine, args: argparse.Namespace, scan_day: date) -> dict[str, int]:
    rng = random.Random(2023)
    linked_at = "2023-01-02 00:00:00.000000"
    per_unit = args.officers // args.units
    with engine.begin() as conn:
        insert(conn, Plan, ["id", "code", "name", "year"], [(1, "KH-BENCH", "Benchmark", 2023)])
        insert(
            conn,
            Unit,
            ["id", "code", "name", "head_id"],
            [
                (u, f"U{u:04d}", f"Đơn vị số {u}", (u - 1) * per_unit + 1)
                for u in range(1, args.units + 1)
            ],
        )
        officers = []
        for u in range(1, args.units + 1):
            for k in range(per_unit):
                oid = (u - 1) * per_unit + k + 1
                role = "head" if k == 0 else ("tccb" if u == 1 and k < 4 else "officer")
                officers.append((oid, f"CB{oid:05d}", f"Cán bộ {oid}", u, role, True))
        insert(conn, Officer, ["id", "code", "name", "unit_id", "role", "active"], officers)
        links = [(o[0], "telegram", str(10_000_000 + o[0]), linked_at) for o in officers]
        links += [(o[0], "zalo", f"z{o[0]}", linked_at) for o in officers if rng.random() < 0.2]
        insert(conn, ChatLink, ["officer_id", "channel", "chat_id", "linked_at"], links)
        grouped = range(1, min(args.groups, args.units) + 1)
        groups = [(u, "telegram", str(-1_000_000_000_000 - u), linked_at) for u in grouped]
        groups += [(u, "zalo", f"zg{u}", linked_at) for u in grouped if u % 10 == 0]
        insert(conn, UnitGroupChat, ["unit_id", "channel", "chat_id", "linked_at"], groups)

        columns = [
            "id",
            "plan_id",
            "code",
            "title",
            "lead_unit_id",
            "deadline",
            "progress",
            "state",
            "completed_on",
        ]
        first_open = scan_day - timedelta(days=30)
        tasks = []
        for n in range(1, args.open_tasks + args.closed_tasks + 1):
            if n <= args.open_tasks:
                deadline = first_open + timedelta(days=rng.randrange(365))
                done, state, progress = None, "open", rng.choice((0, 20, 50, 80))
            else:
                # Completed before the first scan day, as in life (nothing is completed in
                # the future), up to 20 days early or 6 days late.
                deadline = MONDAY - timedelta(days=7 + rng.randrange(365))
                done = (deadline + timedelta(days=rng.randint(-20, 6))).isoformat()
                state, progress = "done", 100
            tasks.append(
                (
                    n,
                    1,
                    f"NV-{n}",
                    f"Nhiệm vụ cải cách hành chính số {n} của đơn vị",
                    rng.randint(1, args.units),
                    deadline.isoformat(),
                    progress,
                    state,
                    done,
                )
            )
        # Building the task indexes once at the end is far quicker than row by row.
        indexes = task_indexes(conn)
        for name, _sql in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        if conn.dialect.name == "postgresql":
            # PostgreSQL runs the tally trigger once per row (minutes for a million rows on a
            # busy host): the load counts the tally once instead, as migration 0008 does.
            conn.exec_driver_sql("ALTER TABLE task DISABLE TRIGGER task_tally_keep")
            insert(conn, Task, columns, tasks)
            conn.exec_driver_sql("ALTER TABLE task ENABLE TRIGGER task_tally_keep")
            # The same count as migration 0013's (its key: plan, unit, area, authority).
            conn.exec_driver_sql(
                "INSERT INTO task_tally "
                "(plan_id, unit_id, area_id, authority, assigned, done, done_late, open_progress) "
                "SELECT plan_id, lead_unit_id, coalesce(area_id, 0), coalesce(authority, ''), "
                "count(*), sum(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), "
                "sum(CASE WHEN completed_on > due THEN 1 ELSE 0 END), "
                "sum(CASE WHEN completed_on IS NULL THEN progress ELSE 0 END) "
                "FROM task WHERE state <> 'cancelled' "
                "GROUP BY plan_id, lead_unit_id, coalesce(area_id, 0), coalesce(authority, '')"
            )
        else:
            insert(conn, Task, columns, tasks)
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    return {"links": len(links), "groups": len(groups), "tasks": len(tasks)}


def timed_scan(engine: sa.Engine, day: date, label: str, repeat: int, tasks: int) -> None:
    """Time `repeat` fresh scans of `day` (the day's outbox emptied before each), then a
    second scan of the same day, which finds every row already written."""
    config = Config()
    scanner = Scanner(engine, config, WorkingCalendar(), FixedClock.on(day, config.timezone))
    started = time.perf_counter()
    preview = scanner.compute(day)
    computed = time.perf_counter() - started
    runs = []
    for _ in range(repeat):
        with engine.begin() as conn:
            conn.execute(sa.delete(table(OutboxMessage)).where(table(OutboxMessage).c.day == day))
        started = time.perf_counter()
        result = scanner.run(day, trigger="benchmark")
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    again = scanner.run(day, trigger="benchmark")
    second = time.perf_counter() - started
    print(
        f"{label} {day:%d/%m/%Y}: read {result.tasks_read:,} open tasks, "
        f"{len(result.digests):,} digests and {len(result.groups):,} group digests, "
        f"{result.written:,} outbox rows written "
        f"({len(result.group_deliveries):,} of them to group chats)\n"
        f"  scan + outbox write: median {statistics.median(runs):.2f} s, best {min(runs):.2f} s "
        f"of {repeat} (scan alone, no write: {computed:.2f} s)\n"
        f"  second scan of the day: {again.written} rows written, {second:.2f} s"
    )
    assert len(preview.deliveries) + len(preview.group_deliveries) == result.written
    assert again.written == 0
    summaries = [d.summary for d in result.digests if d.summary is not None]
    if summaries:
        counted = sum(f.assigned for f in summaries[0].figures)
        print(
            f"  weekly summary to {len(summaries)} TCCB officers: {counted:,} tasks counted, "
            f"{len(summaries[0].watch)} units on the watch list"
        )
        assert counted == tasks, "the weekly summary must count every task of the plan"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--officers", type=int, default=5_000)
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--closed-tasks", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=500, help="units with a Telegram group")
    parser.add_argument("--repeat", type=int, default=5, help="timed scans per day")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file or schema")
    parser.add_argument(
        "--database",
        help="postgresql+psycopg://… : run in a new schema of that database (default: a "
        "temporary SQLite file)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nhacviec-bench-"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    if args.database:
        admin = make_engine(args.database)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = make_engine(args.database, connect_args={"options": f"-csearch_path={schema}"})
        where = f"PostgreSQL {engine.url.render_as_string(hide_password=True)}, schema {schema}"
    else:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        where = f"SQLite {folder / 'bench.db'}"
    upgrade(engine)
    print(f"nhacviec scan benchmark: {where}\non {describe()}")
    started = time.perf_counter()
    made = generate(engine, args, TUESDAY)
    print(
        f"generated {args.units:,} units, {args.officers:,} officers, {made['links']:,} chat "
        f"links, {made['groups']:,} group chats, {args.open_tasks:,} open + "
        f"{args.closed_tasks:,} closed tasks in "
        f"{time.perf_counter() - started:.1f} s"
    )
    # A database nobody ANALYZEd (as nhacviec leaves it), then one ANALYZEd by hand: the
    # planner's statistics must not turn an index range into a walk of the whole table.
    for state in ("fresh, never ANALYZEd", "after ANALYZE"):
        if state == "after ANALYZE":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        print(f"-- {state}")
        timed_scan(engine, TUESDAY, "Tuesday", args.repeat, made["tasks"])
        timed_scan(
            engine, MONDAY, "Monday with the weekly TCCB summary", args.repeat, made["tasks"]
        )
    engine.dispose()
    if args.database and not args.keep:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
