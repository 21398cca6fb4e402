"""Benchmark what the approvals add to the morning: `python benchmarks/waiting.py`.

A temporary SQLite plan of 200 units, 2,000 officers and 200,000 tasks of which 500 wait for a
decision (250 extensions, 250 completions). Times the scan's "what waits for you" rows
(storage.approvals.owe_waiting_reminders) and one approver's /cho (waiting_for)."""

from __future__ import annotations

import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlmodel import Session

from storage import approvals
from storage.db import make_engine, upgrade
from storage.models import Officer

UNITS, PER_UNIT, TASKS, WAITING = 200, 10, 200_000, 500


def build(url: str) -> sa.Engine:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO plan (id, code, name, year) VALUES (1, 'KH', 'KH', 2023)")
        )
        conn.execute(
            sa.text("INSERT INTO unit (id, code, name, head_id) VALUES (:i, :c, :c, :h)"),
            [{"i": u, "c": f"U{u}", "h": u * PER_UNIT} for u in range(1, UNITS + 1)],
        )
        conn.execute(
            sa.text(
                "INSERT INTO officer (id, code, name, unit_id, role, active) "
                "VALUES (:i, :c, :c, :u, :r, 1)"
            ),
            [
                {
                    "i": o,
                    "c": f"CB{o}",
                    "u": (o - 1) // PER_UNIT + 1,
                    "r": "head" if o % PER_UNIT == 0 else ("tccb" if o == 1 else "officer"),
                }
                for o in range(1, UNITS * PER_UNIT + 1)
            ],
        )
        conn.execute(
            sa.text(
                "INSERT INTO chatlink (officer_id, channel, chat_id, linked_at) "
                "VALUES (:o, 'telegram', :c, :t)"
            ),
            [
                {"o": o, "c": str(o), "t": datetime(2023, 1, 1, tzinfo=UTC)}
                for o in range(1, UNITS * PER_UNIT + 1)
            ],
        )
        rows = []
        for t in range(1, TASKS + 1):
            waiting = t % (TASKS // WAITING) == 0
            kind = (t // (TASKS // WAITING)) % 2
            rows.append(
                {
                    "i": t,
                    "c": f"T{t}",
                    "u": (t // (TASKS // WAITING)) % UNITS + 1 if waiting else t % UNITS + 1,
                    "d": date(2023, 1 + t % 12, 20),
                    "s": "reported" if waiting and kind else "open",
                    "es": "tccb" if waiting and not kind else None,
                    "et": date(2023, 12, 31) if waiting and not kind else None,
                    "cs": "head" if waiting and kind else None,
                    "r": date(2023, 6, 1) if waiting and kind else None,
                }
            )
        conn.execute(
            sa.text(
                "INSERT INTO task (id, plan_id, code, title, lead_unit_id, deadline, progress, "
                "state, extension_step, extension_to, confirm_step, reported_on) VALUES "
                "(:i, 1, :c, 'Nhiệm vụ', :u, :d, 0, :s, :es, :et, :cs, :r)"
            ),
            rows,
        )
    return engine


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = build(f"sqlite:///{folder}/bench.db")
        scan, listing = [], []
        for day in range(1, 6):
            started = time.perf_counter()
            written = approvals.owe_waiting_reminders(
                engine, date(2023, 7, day), datetime(2023, 7, day, tzinfo=UTC)
            )
            scan.append(time.perf_counter() - started)
        with Session(engine) as session:
            tccb = session.get(Officer, 1)
            assert tccb is not None
            for _ in range(5):
                started = time.perf_counter()
                found = approvals.waiting_for(session, tccb)
                listing.append(time.perf_counter() - started)
        machine = platform.processor() or platform.machine()
        print(f"machine: {machine}, Python {platform.python_version()}")
        print(f"{TASKS:,} tasks, {WAITING} waiting; rows written on the last day: {written}")
        print(f"owe_waiting_reminders: median {statistics.median(scan):.3f} s")
        print(f"waiting_for(TCCB) -> {len(found)}: median {statistics.median(listing):.3f} s")


if __name__ == "__main__":
    main()
