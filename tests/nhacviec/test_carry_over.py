"""A simulated year end with two plans (issue 13.5): the department's 2023 plan with its open
tasks, the 2024 plan imported in December, and `nhacviec plan carry-over` run in January
through typer's runner, in process. On 02/01/2024 the carried tasks are reminded and listed
(marked "chuyển từ 2023") while 2023's figures keep their digits for every unit, before and
after the carry-over and after a carried task is done in January (late, in 2023); 2024's rates
never count them. Real SQLite, the real chat service and the real scan."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.messages import Incoming, Reply
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.reports.figures import plan_figures
from rules import UnitFigures
from rules.events import EventKind
from scheduler.scan import Scanner
from storage import repo
from storage.db import session_scope
from storage.models import Task, TaskEvent, TaskState
from tests.bot.test_status_reports import unit_table
from tests.builders import small_sheets, write_xlsx
from tests.conftest import EXAMPLE_PLAN, legacy_config, link_chat, load
from tests.nhacviec.test_cli import nhacviec

JAN_2 = date(2024, 1, 2)
JAN_10 = date(2024, 1, 10)
MARK = "(chuyển từ 2023)"
PLAN_2024 = [
    ["NV24-01", "Kế hoạch CCHC năm 2024", "1", "TCCB", "", "Giám đốc Sở", "15/01/2024", "", ""],
    ["NV24-02", "Báo cáo quý I/2024", "6", "KHTC", "", "UBND tỉnh", "15/03/2024", "", ""],
]


def plan_2024(tmp_path: Path) -> Path:
    sheets = small_sheets()
    del sheets["Đơn vị"], sheets["Cán bộ"]
    sheets["Kế hoạch"] = [sheets["Kế hoạch"][0], ["CCHC-2024", "Kế hoạch CCHC 2024", 2024, "", ""]]
    sheets["Nhiệm vụ"] = [sheets["Nhiệm vụ"][0], *PLAN_2024]
    return write_xlsx(tmp_path / "p24.xlsx", sheets)


def say(app: App, chat: str, text: str) -> str:
    replies: list[Reply] = app.chat.handle(Incoming("console", chat, text))
    return "\n".join(r.text for r in replies)


def set_day(app: App, day: date) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.set(FixedClock.on(day).now())


def figures_2023(app: App, on: date) -> dict[str, UnitFigures]:
    """Every unit's 2023 figures on `on`, as /status, the chart and the report count them."""
    with session_scope(app.engine) as session:
        figures = plan_figures(session, repo.plans_of_year(session, 2023), on, app.config)
    return {f.unit: f for f in figures.units}


def report_2023(app: App) -> dict[str, tuple[object, ...]]:
    replies = app.chat.handle(Incoming("console", "tccb", "/report 2023"))
    assert replies[0].attachments, replies[0].text
    workbook = load_workbook(io.BytesIO(replies[0].attachments[0].content))
    return unit_table(workbook["Tổng hợp"])


def carry_events(engine: Engine) -> list[TaskEvent]:
    with session_scope(engine) as session:
        return list(
            session.exec(select(TaskEvent).where(TaskEvent.kind == EventKind.CARRIED_OVER)).all()
        )


def reminded(scanner: Scanner, day: date) -> set[int]:
    return {i for d in scanner.compute(day).digests for i in d.task_ids}


def test_a_year_end_with_two_plans_and_a_carry_over(sqlite_engine: Engine, tmp_path: Path) -> None:
    app = build_app(legacy_config(), FixedClock.on(date(2023, 12, 1)), sqlite_engine)
    load(sqlite_engine, EXAMPLE_PLAN)
    for code, chat in (("CB009", "khtc"), ("CB001", "tccb")):
        link_chat(app, code, "console", chat)
    load(sqlite_engine, plan_2024(tmp_path))  # imported in December
    app.sync_deadlines()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/test.db"\n', encoding="utf-8")
    with session_scope(sqlite_engine) as session:
        tasks = session.exec(select(Task)).all()
        new_ids = {t.id for t in tasks if t.code.startswith("NV24")}
        unfinished = {
            t.id
            for t in tasks
            if t.id not in new_ids and t.state in (TaskState.OPEN, TaskState.REPORTED)
        }
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        khtc_open = sorted(
            (t for t in tasks if t.id in unfinished and t.lead_unit_id == khtc.id),
            key=lambda t: t.id or 0,
        )
    assert len(unfinished) > 100 and khtc_open

    # 02/01/2024, before the carry-over: 2023's open tasks have left the new year's views.
    set_day(app, JAN_2)
    scanner = Scanner(app.engine, app.config, app.calendar, app.clock)
    assert reminded(scanner, JAN_2) <= new_ids
    assert MARK not in say(app, "khtc", "/tasks")
    status_2024 = say(app, "tccb", "/status")
    assert status_2024.startswith("📊 Tình hình CCHC-2024") and "· 2 nhiệm vụ" in status_2024
    year_end = figures_2023(app, JAN_2)
    report = report_2023(app)

    # The preview lists what would move and writes nothing.
    preview = nhacviec(
        "plan", "carry-over", "--from", "2023", "--to", "2024", "--dry-run",
        cwd=tmp_path, config=config,
    )  # fmt: skip
    assert preview.returncode == 0, preview.stderr
    assert f"Sẽ chuyển {len(unfinished)} nhiệm vụ chưa hoàn thành từ năm 2023 sang năm 2024:" in (
        preview.stdout
    )
    assert f"• KHTC: {len(khtc_open)} nhiệm vụ" in preview.stdout
    assert "Để chuyển thật: nhacviec plan carry-over --from 2023 --to 2024" in preview.stdout
    assert carry_events(sqlite_engine) == []
    assert reminded(scanner, JAN_2) <= new_ids

    carried = nhacviec(
        "plan", "carry-over", "--from", "2023", "--to", "2024", "--by", "CB001",
        "--reason", "Chuyển tiếp theo Kế hoạch CCHC 2024", cwd=tmp_path, config=config,
    )  # fmt: skip
    assert carried.returncode == 0, carried.stderr
    assert f"Đã chuyển {len(unfinished)} nhiệm vụ" in carried.stdout
    assert "vẫn tính vào năm 2023" in carried.stdout
    events = carry_events(sqlite_engine)
    assert sorted(e.task_id or 0 for e in events) == sorted(i or 0 for i in unfinished)
    assert {(e.actor, e.channel, e.old, e.new) for e in events} == {
        ("CB001", "cli", "2023", "2024")
    }

    # Reminded and listed in 2024, marked; 2024's figures and 2023's keep their digits.
    scan = scanner.compute(JAN_2)
    assert unfinished <= {i for d in scan.digests for i in d.task_ids}
    khtc_digest = next(d for d in scan.deliveries if d.chat_id == "khtc")
    assert MARK in khtc_digest.text and khtc_open[0].title[:40] in khtc_digest.text
    tasks_page = say(app, "khtc", "/tasks")
    assert MARK in tasks_page and f"#{khtc_open[0].id} " in tasks_page
    unit_page = say(app, "tccb", "/status KHTC")
    assert MARK in unit_page
    carried_here = len(khtc_open)
    assert f"↪ {carried_here} nhiệm vụ chuyển từ 2023: tính vào số liệu năm 2023" in unit_page
    assert "đúng 0 · trễ 0 · quá hạn 0 · mở 1" in unit_page  # KHTC's 2024 figures alone
    assert say(app, "tccb", "/status") == status_2024
    assert figures_2023(app, JAN_2) == year_end
    assert report_2023(app) == report

    # Run again: nothing new, nothing recorded twice.
    again = nhacviec(
        "plan", "carry-over", "--from", "2023", "--to", "2024", cwd=tmp_path, config=config
    )
    assert again.returncode == 0, again.stderr
    assert "Không có nhiệm vụ nào của năm 2023 cần chuyển sang năm 2024." in again.stdout
    assert len(carry_events(sqlite_engine)) == len(events)

    # Done in January: done late in 2023 (the year's rate is the same digits), nothing in
    # 2024's figures; no longer reminded.
    set_day(app, JAN_10)
    status_before = say(app, "tccb", "/status")
    before = figures_2023(app, JAN_10)
    done = khtc_open[0]
    said = say(app, "khtc", f"/done {done.id}")
    assert f"Đã ghi nhận hoàn thành nhiệm vụ {done.id} ngày 10/01/2024 (trễ" in said
    with session_scope(sqlite_engine) as session:
        row = session.get(Task, done.id)
        assert row is not None and row.state == TaskState.DONE and row.completed_on == JAN_10
    after = figures_2023(app, JAN_10)
    assert after["KHTC"].late == before["KHTC"].late + 1
    assert after["KHTC"].overdue == before["KHTC"].overdue - 1
    assert (after["KHTC"].year_tenths, after["KHTC"].so_far_tenths, after["KHTC"].margin) == (
        before["KHTC"].year_tenths,
        before["KHTC"].so_far_tenths,
        before["KHTC"].margin,
    )
    assert {u: f for u, f in after.items() if u != "KHTC"} == {
        u: f for u, f in before.items() if u != "KHTC"
    }
    assert report_2023(app) == report  # the year's report is taken on 31/12/2023
    assert say(app, "tccb", "/status") == status_before
    assert done.id not in reminded(scanner, JAN_10)


def test_carry_over_refusals_in_vietnamese(sqlite_engine: Engine, tmp_path: Path) -> None:
    build_app(legacy_config(), FixedClock.on(JAN_2), sqlite_engine)
    load(sqlite_engine, write_xlsx(tmp_path / "small.xlsx"))  # 2023 only
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/test.db"\n', encoding="utf-8")

    def run(*args: str) -> tuple[int, str]:
        result = nhacviec("plan", "carry-over", *args, cwd=tmp_path, config=config)
        return result.returncode, result.stderr

    code, said = run("--from", "2023", "--to", "2024")
    assert code == 1 and "Năm 2024 chưa có kế hoạch nào" in said and "nhacviec import" in said
    load(sqlite_engine, plan_2024(tmp_path))
    code, said = run("--from", "2024", "--to", "2023")
    assert code == 1 and "--from 2024 phải nhỏ hơn --to 2023" in said
    code, said = run("--from", "2023", "--to", "2024", "--by", "CB04")  # a KHTC officer
    assert code == 1 and "Chỉ TCCB, quản trị" in said
    code, said = run("--from", "2023", "--to", "2024", "--by", "CB99")
    assert code == 1 and "Không có cán bộ “CB99”" in said
    assert carry_events(sqlite_engine) == []
    with session_scope(sqlite_engine) as session:
        assert session.exec(select(Task).where(col(Task.carried_to_year).is_not(None))).all() == []
    helped = nhacviec("plan", "carry-over", "--help", cwd=tmp_path, config=config)
    assert "Chuyển nhiệm vụ chưa hoàn thành của một năm đã qua sang năm mới" in helped.stdout
    assert "Chỉ xem trước" in helped.stdout
