"""The web page in a real browser: Playwright driving Debian's Chromium against the real
server (aiohttp on a port of 127.0.0.1), on the example plan, signed in through the console
chat's /web link.

Chromium comes from apt (`.ci/run` installs it); `playwright install` is never needed."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from openpyxl import load_workbook

from nhacviec.app import App
from nhacviec.web.routes import web_application
from storage import assessments
from storage.db import session_scope
from tests.conftest import REPO_ROOT
from tests.web_helpers import chat_link, web_deps

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = REPO_ROOT / "docs" / "img" / "web-overview.png"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI must install chromium (apt-get install chromium): .ci/run does")
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The web application served from a thread of its own, as `nhacviec web` serves it."""

    def __init__(self, app: App) -> None:
        self.port = _free_port()
        app.config.web.port = self.port
        app.config.web.public_url = f"http://127.0.0.1:{self.port}"
        self.deps = web_deps(app)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.runner: web.AppRunner | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(web_application(self.deps))
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        self.loop.run_until_complete(site.start())
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self) -> Server:
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.runner is not None
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def server(example_app: App) -> Iterator[Server]:
    with Server(example_app) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _page(browser: object, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": height}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def _sign_in(page, app: App, officer: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(chat_link(app, officer))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_tccb_reads_filters_records_and_downloads(
    server: Server, browser: object, example_app: App, tmp_path: Path
) -> None:
    page = _page(browser)
    _sign_in(page, example_app, "CB001")

    # The overview: every unit, the watch list, the chart drawn.
    assert page.locator("h1").inner_text() == "Tổng quan CCHC-2023"
    assert page.locator("#units tbody tr").count() == 14
    assert page.locator("#areas tbody tr").count() == 7
    page.wait_for_function("document.querySelector('img.chart').naturalWidth > 0")
    assert "Đã kiểm tra 0/14" in page.locator("#coverage").inner_text()
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # A unit's tasks, filtered to the overdue ones.
    page.locator("#units").get_by_role("link", name="KHTC").click()
    assert "Phòng Kế hoạch - Tài chính" in page.locator("h1").inner_text()
    everything = page.locator("#tasks tbody tr").count()
    page.select_option("select[name=trang_thai]", "overdue")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert "trang_thai=overdue" in page.url
    states = page.locator("#tasks tbody tr td:last-child").all_inner_texts()
    assert states and all(s.startswith("quá hạn") for s in states)
    assert len(states) < everything
    # The task page from the list.
    page.locator("#tasks tbody tr a").first.click()
    assert page.locator("h1").inner_text().startswith("#")
    assert "Đơn vị chủ trì" in page.locator("dl.details").inner_text()

    # An inspection recorded through the form.
    page.get_by_role("link", name="Kiểm tra").click()
    page.select_option("select[name=don_vi]", "KHTC")
    page.fill("input[name=ngay]", "2023-03-20")
    page.fill("input[name=ghi_chu]", "Đợt 1")
    page.get_by_role("button", name="Ghi kiểm tra").click()
    assert "Đã ghi kiểm tra KHTC ngày 20/03/2023" in page.locator(".saved").inner_text()
    assert "1/14" in page.locator("#coverage").inner_text()
    with session_scope(example_app.engine) as session:
        rows = assessments.inspections_of_year(session, 2023)
    assert [(r.unit, r.note, r.officer) for r in rows] == [
        ("KHTC", "Đợt 1", "Nguyễn Thị Thu Bình")
    ]

    # The first quarter's report, downloaded.
    page.get_by_role("link", name="Báo cáo").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Quý 1/2023").click()
    assert download.value.suggested_filename == "bao-cao-cchc-2023-q1.xlsx"
    saved = tmp_path / "q1.xlsx"
    download.value.save_as(saved)
    workbook = load_workbook(saved)
    assert "Kiểm tra" in workbook.sheetnames
    assert page.csp_errors == []


def test_stranger_and_officer_of_another_unit_refused(
    server: Server, browser: object, example_app: App
) -> None:
    stranger = _page(browser)
    stranger.goto(server.url + "/don-vi/KHTC")
    assert "Bạn chưa đăng nhập" in stranger.locator("main").inner_text()
    assert stranger.locator("#tasks").count() == 0

    officer = _page(browser)
    _sign_in(officer, example_app, "CB009")  # an officer of KHTC
    assert re.search(r"/don-vi/KHTC$", officer.url)  # the overview is not theirs
    officer.goto(server.url + "/don-vi/TCCB")
    assert "Bạn chỉ xem được nhiệm vụ của đơn vị mình" in officer.locator("main").inner_text()
    assert officer.locator("#tasks").count() == 0
    officer.goto(server.url + "/kiem-tra")
    assert "Chỉ TCCB và quản trị" in officer.locator("main").inner_text()


def test_overview_fits_a_phone(server: Server, browser: object, example_app: App) -> None:
    page = _page(browser, 390, 844)
    _sign_in(page, example_app, "CB001")
    assert page.locator("h1").inner_text() == "Tổng quan CCHC-2023"
    # Wide tables scroll inside their box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A unit's task list reads as cards: no sideways scrolling there either.
    page.goto(server.url + "/don-vi/KHTC")
    assert page.locator("#tasks tbody tr").count() == 21
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(
        "document.querySelector('.scroll').scrollWidth <= document.querySelector('.scroll')"
        ".clientWidth"
    )


def test_tccb_approves_an_extension_in_the_browser(
    server: Server, browser: object, example_app: App
) -> None:
    from datetime import timedelta

    from bot.messages import Incoming
    from storage import repo
    from tests.conftest import link_chat
    from tests.nhacviec.web.test_pages import first_task

    task_id = first_task(example_app, "KHTC")
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.deadline is not None
        original = task.deadline
    asked = original + timedelta(days=20)
    link_chat(example_app, "CB009", "console", "c9")
    reply = example_app.chat.handle(
        Incoming("console", "c9", f"/giahan {task_id} {asked:%d/%m/%Y} Chờ số liệu")
    )
    assert "gia hạn" in reply[0].text.lower(), reply[0].text
    page = _page(browser)
    _sign_in(page, example_app, "CB001")
    page.get_by_role("link", name="Chờ duyệt").click()
    item = page.locator("#waiting li").filter(has_text=f"#{task_id}")
    assert "Chờ số liệu" in item.inner_text()
    item.get_by_role("button", name="Đồng ý").click()
    assert f"Đã đồng ý gia hạn nhiệm vụ {task_id}." in page.locator(".saved").inner_text()
    with session_scope(example_app.engine) as session:
        moved = repo.get_task(session, task_id)
        assert moved is not None and moved.deadline == asked
    assert page.csp_errors == []


def test_tccb_adds_a_task_in_the_browser(
    server: Server, browser: object, example_app: App
) -> None:
    """From a unit's page: the form, a day that does not exist refused with everything typed
    kept, then the task added; it is on the unit's list and its page tells its "created"
    event, by TCCB through the web."""
    from storage import repo
    from storage import tasks as store

    title = "Rà soát quy trình nội bộ giải quyết thủ tục hành chính"
    page = _page(browser)
    _sign_in(page, example_app, "CB001")
    page.goto(server.url + "/don-vi/KHTC")
    page.get_by_role("link", name="Giao nhiệm vụ cho KHTC").click()
    assert page.locator("h1").inner_text() == "Giao nhiệm vụ mới"
    assert page.locator("select[name=don_vi]").input_value() == "KHTC"
    page.fill("textarea[name=ten]", title)
    page.fill("input[name=can_bo]", "CB009")
    page.check("input[name='phoi_hop:VP']")
    page.fill("input[name=han]", "31/02/2023")
    page.select_option("select[name=linh_vuc]", "1")
    page.fill("input[name=co_quan]", "UBND tỉnh")
    page.fill("input[name=so_van_ban]", "45/KH-UBND")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    page.wait_for_load_state()

    assert "không phải một ngày có thật" in page.locator("#loi-han").inner_text()
    assert page.locator("textarea[name=ten]").input_value() == title
    assert page.locator("input[name=can_bo]").input_value() == "CB009"
    assert page.locator("input[name='phoi_hop:VP']").is_checked()
    assert page.locator("select[name=linh_vuc]").input_value() == "1"
    assert page.locator("input[name=so_van_ban]").input_value() == "45/KH-UBND"
    page.fill("input[name=han]", "30/06/2023")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    page.wait_for_load_state()

    found = re.search(r"/nhiem-vu/(\d+)\?", page.url)
    assert found, page.url
    task_id = int(found.group(1))
    assert f"Đã giao nhiệm vụ #{task_id}." in page.locator(".saved").inner_text()
    assert page.locator("h1").inner_text() == f"#{task_id} {title}"
    story = page.locator("#story").inner_text()
    assert "CB001 (trang web): giao nhiệm vụ, hạn 30/06/2023" in story
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.title == title
        assert store.current_text(session, task, "co_units") == "VP"

    page.get_by_role("link", name="Phòng Kế hoạch - Tài chính").click()
    assert page.locator("#tasks").get_by_role("link", name=title).count() == 1


def test_head_filters_by_assignee_and_uploads_evidence(
    server: Server, browser: object, example_app: App, tmp_path: Path
) -> None:
    from sqlmodel import select

    from storage.models import TaskEvidence
    from tests.web_helpers import name_officer, unit_task_ids

    example_app.config.evidence.folder = str(tmp_path / "evidence")
    ids = unit_task_ids(example_app, "KHTC")
    named = ids[2:4]
    for task_id in named:
        name_officer(example_app, task_id, "CB009")
    page = _page(browser)
    _sign_in(page, example_app, "CB008")  # the head of KHTC
    assert re.search(r"/don-vi/KHTC$", page.url)

    # The unit's tasks narrowed to one officer's, then sorted: the choice stays.
    page.select_option("select[name=thu_ly]", "CB009")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert "thu_ly=CB009" in page.url
    shown = page.locator("#tasks tbody tr td:first-child").all_inner_texts()
    assert sorted(int(i) for i in shown) == named
    page.select_option("select[name=sap_xep]", "ma")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert page.locator("select[name=thu_ly]").input_value() == "CB009"
    assert page.locator("#tasks tbody tr").count() == len(named)

    # A task's page: a PDF uploaded through the form, then listed and downloadable.
    page.locator("#tasks tbody tr a").first.click()
    task_id = int(page.locator("h1").inner_text().split()[0].lstrip("#"))
    assert task_id in named
    assert "Chưa có minh chứng nào" in page.locator("main").inner_text()
    report = tmp_path / "Biên bản họp.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("input[name=tep]", str(report))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert "Đã lưu minh chứng “Biên bản họp.pdf”." in page.locator(".saved").inner_text()
    item = page.locator("#evidence li")
    assert item.count() == 1 and "Bùi Đức Thắng" in item.inner_text()
    with page.expect_download() as download:
        item.get_by_role("link", name="Biên bản họp.pdf").click()
    assert download.value.suggested_filename == "Biên bản họp.pdf"
    saved = tmp_path / "got.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == report.read_bytes()

    # A file of a type not accepted: the page again with why, nothing kept.
    script = tmp_path / "chay.sh"
    script.write_bytes(b"#!/bin/sh\n")
    page.set_input_files("input[name=tep]", str(script))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert "Không lưu tệp “chay.sh”" in page.locator(".error").inner_text()
    with session_scope(example_app.engine) as session:
        kept = session.exec(select(TaskEvidence)).all()
    assert [(e.task_id, e.channel, e.original_name) for e in kept] == [
        (task_id, "web", "Biên bản họp.pdf")
    ]
    assert page.csp_errors == []
