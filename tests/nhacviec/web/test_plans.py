"""The web page follows the plans of the date, as /status does (issue 13.5 on the web): over
real HTTP (aiohttp's test server) on real SQLite.

(a) With the 2024 plan imported in December 2023, the overview on 15/12/2023 shows, for every
unit, the counts, both rates and the margin /status shows, to the digit. (b) Two plans of one
year: the overview counts both, a unit's page lists the tasks of both, and adding a task or a
self-score lets the form choose the plan (chat's by default). (c) After `plan carry-over` on
02/01/2024 a unit's page lists the carried task marked "(chuyển từ 2023)", while the 2024
overview does not count it."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.reports.figures import plan_figures
from nhacviec.web.routes import web_application
from storage import carry, repo
from storage import tasks as store
from storage.db import session_scope
from storage.models import Plan, Task, TaskState
from tests.builders import plan_sheets, write_xlsx
from tests.conftest import EXAMPLE_PLAN, legacy_config, link_chat, load
from tests.nhacviec.test_figures import PLAN_2024
from tests.web_helpers import csrf_of, sign_in, web_deps

DEC_15 = date(2023, 12, 15)
JAN_2 = date(2024, 1, 2)
MARK = "(chuyển từ 2023)"
WORK_PROGRAMME = [
    ["CT-01", "Nhiệm vụ của chương trình công tác", "6", "KHTC", "", "UBND tỉnh",
     "20/03/2023", "", ""],
]  # fmt: skip


@asynccontextmanager
async def signed_in(app: App, officer: str) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(web_application(web_deps(app)))) as client:
        await sign_in(client, app, officer)
        yield client


async def page(client: TestClient, path: str) -> str:
    answer = await client.get(path)
    text = await answer.text()
    assert answer.status == 200, text[:500]
    return text


def status_text(app: App, officer: str, args: str = "") -> str:
    chat = f"status-{officer}"
    link_chat(app, officer, "console", chat)
    replies = app.chat.handle(Incoming("console", chat, f"/status {args}".strip()))
    return "\n".join(r.text for r in replies)


@dataclass(frozen=True)
class Row:
    """A unit's digits: counts, both rates as shown, the margin."""

    assigned: int
    on_time: int
    late: int
    overdue: int
    open: int
    year: str
    so_far: str
    margin: int


def _cells(row_html: str) -> list[str]:
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def web_rows(overview: str) -> dict[str, Row]:
    """The overview's table of units: Đơn vị, Giao, Đúng hạn, Trễ, Quá hạn, Đang làm, Sắp hạn,
    Tỷ lệ năm, Tỷ lệ đến nay, Còn được trễ, Đánh giá."""
    table = re.search(r'<table id="units">.*?<tbody>(.*?)</tbody>', overview, re.S)
    assert table, overview[:500]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        c = _cells(tr)
        code = c[0].split()[0]
        rows[code] = Row(
            int(c[1]), int(c[2]), int(c[3]), int(c[4]), int(c[5]), c[7], c[8], int(c[9])
        )
    return rows


CHAT_UNIT = re.compile(
    r"^\S+ (?P<unit>\S+) .*\n"
    r"   năm (?P<year>\S+) \(\d+/(?P<assigned>\d+)\) · đến nay (?P<so_far>\S+) \(\d+/\d+\)\n"
    r"   (?P<margin>.*)\n"
    r"   đúng (?P<on_time>\d+) · trễ (?P<late>\d+) · quá hạn (?P<overdue>\d+) · mở (?P<open>\d+)$",
    re.M,
)


def _margin(text: str) -> int:
    left = re.fullmatch(r"còn được trễ (\d+) nhiệm vụ", text)
    return int(left.group(1)) if left else 0  # "không được trễ thêm…", "đã chạm ngưỡng…"


def chat_rows(status: str) -> dict[str, Row]:
    """Every unit block of /status: the same digits, as the chat writes them."""
    return {
        m["unit"]: Row(
            int(m["assigned"]),
            int(m["on_time"]),
            int(m["late"]),
            int(m["overdue"]),
            int(m["open"]),
            m["year"],
            m["so_far"],
            _margin(m["margin"]),
        )
        for m in CHAT_UNIT.finditer(status)
        if m["unit"] != "Toàn"
    }


def figure_rows(app: App, plans: Callable[[object], list[Plan]], on: date) -> dict[str, Row]:
    """The same digits from reports.figures.plan_figures for the plans given."""
    from nhacviec.base import texts

    with session_scope(app.engine) as session:
        figures = plan_figures(session, plans(session), on, app.config)
    return {
        f.unit: Row(
            f.assigned,
            f.on_time,
            f.late,
            f.overdue,
            f.open,
            texts.tenths(f.year_tenths),
            texts.tenths(f.so_far_tenths),
            f.margin,
        )
        for f in figures.units
        if f.assigned
    }


def set_day(app: App, day: date) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.set(FixedClock.on(day).now())


def year_end_app(engine: Engine, tmp_path: Path) -> App:
    """The department's 2023 plan, and the 2024 plan imported on 01/12/2023."""
    app = build_app(legacy_config(), FixedClock.on(date(2023, 12, 1)), engine)
    load(engine, EXAMPLE_PLAN)
    load(engine, write_xlsx(tmp_path / "p24.xlsx", plan_sheets("CCHC-2024", 2024, PLAN_2024)))
    app.sync_deadlines()
    return app


# -- (a) a year end --------------------------------------------------------------------------


async def test_the_overview_in_december_shows_the_digits_of_status(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = year_end_app(sqlite_engine, tmp_path)
    set_day(app, DEC_15)
    status = status_text(app, "CB001")
    assert status.startswith("📊 Tình hình CCHC-2023")
    async with signed_in(app, "CB001") as client:
        overview = await page(client, "/")
        report_form = await page(client, "/bao-cao")
        chart = await client.get("/bieu-do.png")
        assert chart.status == 200 and chart.content_type == "image/png"
        add_form = await page(client, "/nhiem-vu/moi")
    assert "Tổng quan CCHC-2023" in overview and "CCHC-2024" not in overview
    web = web_rows(overview)
    chat = chat_rows(status)
    assert len(chat) >= 10  # every unit with tasks, in full (fewer than DETAILED_UNITS)
    assert {u: web[u] for u in chat} == chat
    assert {u: r for u, r in web.items() if r.assigned} == figure_rows(
        app, lambda s: repo.plans_of_year(s, 2023), DEC_15
    )
    total = re.search(r"Ngày 15/12/2023 · (\d+) nhiệm vụ", status)
    assert total and f"<b>{total.group(1)}</b><span>nhiệm vụ giao</span>" in overview
    # The report form offers the year the date follows, not the plan imported for next year.
    assert "ky=2023-Q4" in report_form and "ky=2024" not in report_form
    # A new task may go on December's plan or next year's; by default, as /giao, on the plan
    # of its deadline's year.
    assert _selected(add_form, "ke_hoach") == (["", "CCHC-2023", "CCHC-2024"], "")


async def test_a_task_added_in_december_joins_the_plan_of_its_deadlines_year(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = year_end_app(sqlite_engine, tmp_path)
    set_day(app, DEC_15)
    async with signed_in(app, "CB001") as client:
        add_form = await page(client, "/nhiem-vu/moi")
        # No plan chosen: as /giao, the plan of the deadline's year.
        joined_plans = {}
        for deadline in ("28/12/2023", "15/03/2024"):
            answer = await client.post(
                "/nhiem-vu/moi",
                data={
                    "csrf": csrf_of(add_form),
                    "ke_hoach": "",
                    "ten": f"Việc hạn {deadline}",
                    "don_vi": "KHTC",
                    "han": deadline,
                },
                allow_redirects=False,
            )
            assert answer.status == 303, await answer.text()
            with session_scope(app.engine) as session:
                task = session.exec(select(Task).order_by(col(Task.id).desc())).first()
                assert task is not None and task.title == f"Việc hạn {deadline}"
                plan = session.get(Plan, task.plan_id)
                assert plan is not None
                joined_plans[deadline] = plan.code
        assert joined_plans == {"28/12/2023": "CCHC-2023", "15/03/2024": "CCHC-2024"}


# -- (b) two plans of one year ---------------------------------------------------------------


def two_plans_app(engine: Engine, tmp_path: Path) -> App:
    app = build_app(legacy_config(), FixedClock.on(date(2023, 4, 3)), engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    load(engine, write_xlsx(tmp_path / "ct.xlsx", plan_sheets("CTCT-2023", 2023, WORK_PROGRAMME)))
    return app


def _selected(html: str, name: str) -> tuple[list[str], str]:
    """The options of a select and the one selected."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select {name}"
    options = re.findall(r'<option value="([^"]*)"( selected)?', found.group(1))
    return [v for v, _ in options], next((v for v, s in options if s), "")


async def test_two_plans_of_one_year_on_the_overview_and_the_unit_page(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = two_plans_app(sqlite_engine, tmp_path)
    status = status_text(app, "CB02")
    assert "Ngày 03/04/2023 · 20 nhiệm vụ" in status
    async with signed_in(app, "CB02") as client:
        overview = await page(client, "/")
        unit = await page(client, "/don-vi/KHTC")
        by_authority = await page(client, "/don-vi/KHTC?co_quan=UBND+t%E1%BB%89nh")
    assert "Tổng quan KH-TEST + CTCT-2023" in overview
    assert "<b>20</b><span>nhiệm vụ giao</span>" in overview
    chat = chat_rows(status)
    assert {u: web_rows(overview)[u] for u in chat} == chat
    # KHTC's page: the work programme's task beside the CCHC plan's, in the list and figures.
    assert "Nhiệm vụ của chương trình công tác" in unit
    assert "Phương án tự chủ tài chính" in unit and "Báo cáo giải ngân vốn đầu tư" in unit
    khtc = chat["KHTC"]
    listed = re.search(r'<p class="sub" id="count">(\d+) / (\d+) nhiệm vụ</p>', unit)
    assert listed and int(listed.group(2)) == khtc.assigned
    assert f"{khtc.assigned} nhiệm vụ: {khtc.on_time} đúng hạn" in unit
    assert "Nhiệm vụ của chương trình công tác" in by_authority
    assert "Phương án tự chủ tài chính" not in by_authority  # Giám đốc Sở's


async def test_adding_a_task_or_a_score_chooses_among_the_plans(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = two_plans_app(sqlite_engine, tmp_path)
    async with signed_in(app, "CB02") as client:
        form = await page(client, "/nhiem-vu/moi?don_vi=KHTC")
        # By default, as chat's /giao: the plan of the deadline's year (the newest of them).
        assert _selected(form, "ke_hoach") == (["", "KH-TEST", "CTCT-2023"], "")
        answer = await client.post(
            "/nhiem-vu/moi",
            data={
                "csrf": csrf_of(form),
                "ke_hoach": "KH-TEST",
                "ten": "Rà soát thủ tục hành chính quý II",
                "don_vi": "KHTC",
                "han": "30/06/2023",
                "linh_vuc": "6",
            },
            allow_redirects=False,
        )
        assert answer.status == 303, await answer.text()
        unknown = await client.post(
            "/nhiem-vu/moi",
            data={"csrf": csrf_of(form), "ke_hoach": "KH-2099", "ten": "X", "don_vi": "KHTC"},
        )
        assert unknown.status == 400
        assert "Không có kế hoạch “KH-2099” trong các kế hoạch đang theo dõi" in (
            html_lib.unescape(await unknown.text())
        )
        scores = await page(client, "/tu-cham")
        assert _selected(scores, "ke_hoach") == (["KH-TEST", "CTCT-2023"], "KH-TEST")
        scored = await client.post(
            "/tu-cham",
            data={"csrf": csrf_of(scores), "ke_hoach": "CTCT-2023", "linh_vuc": "6", "diem": "7"},
            allow_redirects=False,
        )
        assert scored.status == 303, await scored.text()
        shown = await page(client, scored.headers["Location"])
        assert "Tự chấm điểm CCHC 2023 · CTCT-2023" in shown
    with session_scope(app.engine) as session:
        task = session.exec(
            select(Task).where(Task.title == "Rà soát thủ tục hành chính quý II")
        ).one()
        plan = session.get(Plan, task.plan_id)
        assert plan is not None and plan.code == "KH-TEST"


# -- (c) a carry-over ------------------------------------------------------------------------


async def test_a_carried_task_is_listed_marked_and_not_counted(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    app = year_end_app(sqlite_engine, tmp_path)
    set_day(app, JAN_2)
    with session_scope(app.engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        tccb = repo.officer_by_code(session, "CB001")
        assert khtc is not None and tccb is not None
        who = store.Who(tccb, "cli", datetime(2024, 1, 2, 2, tzinfo=UTC), JAN_2)
        result = carry.carry_over(session, 2023, 2024, who, "Chuyển tiếp sang năm 2024")
        carried = [t for t in result.tasks if t.unit == "KHTC"]
        open_2024 = session.exec(
            select(Task).where(
                Task.lead_unit_id == khtc.id,
                col(Task.code).startswith("NV24"),
                Task.state == TaskState.OPEN,
            )
        ).all()
    assert carried and len(open_2024) == 1
    status = status_text(app, "CB001")
    async with signed_in(app, "CB001") as client:
        overview = await page(client, "/")
        unit = await page(client, "/don-vi/KHTC")
    # The 2024 overview: its own two tasks, no carried one.
    assert "Tổng quan CCHC-2024" in overview
    assert "<b>2</b><span>nhiệm vụ giao</span>" in overview
    assert web_rows(overview)["KHTC"].assigned == 1
    assert chat_rows(status)["KHTC"] == web_rows(overview)["KHTC"]
    # KHTC's page lists the carried tasks marked, says why they are not in the figures.
    listed = re.search(r'<p class="sub" id="count">(\d+) / (\d+) nhiệm vụ</p>', unit)
    assert listed and int(listed.group(2)) == 1 + len(carried)
    assert unit.count(MARK) == len(carried)
    assert f"↪ {len(carried)} nhiệm vụ chuyển từ 2023: tính vào số liệu năm 2023" in unit
    assert "1 nhiệm vụ: 0 đúng hạn" in unit
    first = html_lib.escape(carried[0].title[:40], quote=False)
    assert first in unit
