"""`nhacviec backup FILE` and `nhacviec restore FILE` through the real command line: a
consistent copy of a SQLite database another connection keeps writing (WAL), PostgreSQL
through pg_dump/pg_restore, a clear warning before anything is replaced, and a restored
database never sends a day's digests again."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import load_config
from nhacviec.cli import app as cli
from storage.db import make_engine
from tests.conftest import EXAMPLE_PLAN, POSTGRES_URL, link_chat, load
from tests.reminder_helpers import FakePlatform, reminders_for

runner = CliRunner()
DAY = date(2023, 3, 6)  # a Monday: CB009 of KHTC has tasks due


def write_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "nhacviec.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


def cli_run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def task_progress(engine: Engine, code: str) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT progress, state FROM task WHERE code = :code"), {"code": code}
        ).one()
    return row.progress, row.state


def send_the_day(app: App) -> list[str]:
    """The day's scan and dispatch, as the running bot does them: what the platform got."""
    platform = FakePlatform("telegram")
    reminders = reminders_for(app, platform)
    asyncio.run(reminders.scan(DAY))
    asyncio.run(reminders.dispatch())
    return [reply.text for _chat, reply in platform.sent]


# -- SQLite: a consistent copy while another connection writes ---------------------------------


def test_sqlite_backup_while_the_bot_writes_keeps_every_committed_report(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    config = write_config(tmp_path, url)
    app = build_app(load_config(config, env={}), FixedClock.on(DAY), make_engine(url))
    load(app.engine, EXAMPLE_PLAN)
    link_chat(app, "CB009", "telegram", "555")
    with app.engine.connect() as conn:
        ids = list(
            conn.execute(
                sa.text(
                    "SELECT task.id FROM task JOIN unit ON unit.id = task.lead_unit_id "
                    "WHERE unit.code = 'KHTC' AND state = 'open' ORDER BY task.id LIMIT 5"
                )
            ).scalars()
        )
    committed: list[int] = []  # reports confirmed to the officer, in order
    stop = threading.Event()

    def officer_keeps_reporting() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            text = f"/progress {ids[n % len(ids)]} {n % 99} báo cáo lần {n}"
            reply = app.chat.handle(Incoming("telegram", "555", text))[0]
            assert reply.changed, reply.text
            committed.append(n)

    writer = threading.Thread(target=officer_keeps_reporting)
    writer.start()
    try:
        while len(committed) < 30:
            stop.wait(0.01)
        before = len(committed)
        code, out = cli_run("backup", str(tmp_path / "copy.db"), "-c", str(config))
        after = len(committed)
        while len(committed) < after + 10:  # and the bot goes on writing after it
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join(30)
    assert code == 0, out
    assert "Đã sao lưu (sqlite, phiên bản dữ liệu" in out
    # The live database kept its WAL: what a `cp` of the main file alone would have missed.
    assert Path(f"{tmp_path}/live.db-wal").exists()

    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        reports = copy.execute(
            "SELECT count(*) FROM progressupdate WHERE note LIKE 'báo cáo lần %'"
        ).fetchone()[0]
        # Every report confirmed before the backup started is in it, none after it ended.
        assert before <= reports <= after, (before, reports, after)
        # One moment's data: each task's progress is its newest report's.
        for task_id, progress, newest in copy.execute(
            "SELECT t.id, t.progress, (SELECT percent FROM progressupdate p "
            "WHERE p.task_id = t.id ORDER BY p.id DESC LIMIT 1) FROM task t WHERE t.id IN "
            f"({', '.join(map(str, ids))})"
        ):
            assert newest is None or progress == newest, (task_id, progress, newest)
    finally:
        copy.close()
    print(
        f"\nbackup sqlite while writing (WAL): {reports} reports in the copy, "
        f"{before} confirmed when it started, {after} when it ended; integrity ok"
    )
    app.engine.dispose()


# -- restore: a clear warning, and no digest sent twice ------------------------------------------


def restore_never_resends(tmp_path: Path, url: str, suffix: str) -> None:
    config = write_config(tmp_path, url)
    engine = make_engine(url)
    app = build_app(load_config(config, env={}), FixedClock.on(DAY), engine)
    load(engine, EXAMPLE_PLAN)
    link_chat(app, "CB009", "telegram", "555")
    first = send_the_day(app)
    assert first and "🔔 Nhắc việc ngày 06/03/2023 – Phòng Kế hoạch - Tài chính" in first[0]
    with engine.connect() as conn:
        task_id, task_code = conn.execute(
            sa.text(
                "SELECT t.id, t.code FROM task t JOIN unit u ON u.id = t.lead_unit_id "
                "WHERE u.code = 'KHTC' AND t.state = 'open' ORDER BY t.id LIMIT 1"
            )
        ).one()
    engine.dispose()

    backup_file = tmp_path / f"sao-luu{suffix}"
    status, out = cli_run("backup", str(backup_file), "-c", str(config))
    assert status == 0, out
    assert backup_file.stat().st_size > 0

    # After the backup: a completion, which the restore takes back.
    replies = app.chat.handle(Incoming("telegram", "555", f"/done {task_id}"))
    assert replies[0].changed
    assert task_progress(engine, task_code) in ((100, "done"), (100, "reported"))
    engine.dispose()

    # Answering no changes nothing.
    status, out = cli_run("restore", str(backup_file), "-c", str(config), input="n\n")
    assert status == 1
    assert "THAY TOÀN BỘ dữ liệu hiện tại" in out and "Hãy dừng bot" in out
    assert "Đã huỷ, không thay đổi gì." in out
    assert task_progress(engine, task_code) in ((100, "done"), (100, "reported"))
    engine.dispose()

    status, out = cli_run("restore", str(backup_file), "--yes", "-c", str(config))
    assert status == 0, out
    assert f"Đã khôi phục từ {backup_file}" in out
    assert task_progress(engine, task_code) == (0, "open")
    engine.dispose()

    # The day's digests came back marked sent: the bot's next scan and dispatch send nothing.
    again = build_app(load_config(config, env={}), FixedClock.on(DAY), make_engine(url))
    assert send_the_day(again) == []
    again.engine.dispose()


def test_sqlite_restore_never_resends_the_days_digests(tmp_path: Path) -> None:
    restore_never_resends(tmp_path, f"sqlite:///{tmp_path}/n.db", ".db")


def test_postgresql_backup_and_restore_through_pg_dump(
    postgres_engine_factory: Callable[[], Engine], tmp_path: Path
) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if os.environ.get("CI"):
            pytest.fail("CI has PostgreSQL, so it must have pg_dump and pg_restore")
        pytest.skip("pg_dump/pg_restore not installed (package postgresql-client)")
    with postgres_engine_factory().connect() as conn:
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    restore_never_resends(tmp_path, url, ".dump")


def test_restore_refuses_a_file_that_is_no_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/n.db"
    config = write_config(tmp_path, url)
    engine = make_engine(url)
    build_app(load_config(config, env={}), FixedClock.on(DAY), engine)
    load(engine, EXAMPLE_PLAN)
    engine.dispose()
    junk = tmp_path / "ghi-chu.db"
    junk.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    status, out = cli_run("restore", str(junk), "--yes", "-c", str(config))
    assert status == 1
    assert f"Tệp {junk} không phải bản sao lưu nhacviec." in out
    status, out = cli_run("restore", str(tmp_path / "khong-co.db"), "-c", str(config))
    assert status == 1 and "Không tìm thấy tệp sao lưu" in out
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM task")).scalar_one() > 20
    engine.dispose()
