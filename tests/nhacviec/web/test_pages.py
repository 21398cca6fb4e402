"""The web page over real HTTP (aiohttp's test server and client) on the example plan: signing
in through the chat's link, who sees what, forms with and without their CSRF token, headers."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.messages import Incoming
from nhacviec.app import App
from nhacviec.web.routes import web_application
from rules.calendar import effective_deadline
from storage import assessments
from storage.db import session_scope
from tests.conftest import link_chat
from tests.web_helpers import (
    chat_link,
    csrf_of,
    name_officer,
    open_link,
    path_of,
    sign_in,
    unit_task_ids,
    web_deps,
)


@pytest.fixture
async def client(example_app: App) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as c:
        yield c


# -- signing in --------------------------------------------------------------------------------


async def test_link_from_chat_signs_in_once(client: TestClient, example_app: App) -> None:
    url = chat_link(example_app, "CB001")
    assert url.startswith("http://127.0.0.1:8080/dang-nhap/")
    status, _ = await open_link(client, url)
    assert status == 303
    home = await client.get("/")
    assert home.status == 200
    assert "Tổng quan CCHC-2023" in await home.text()
    # The same link again, even from another browser: refused.
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as other:
        status, text = await open_link(other, url)
    assert status == 403
    assert "đã được dùng" in text


async def test_link_expires_after_ten_minutes(client: TestClient, example_app: App) -> None:
    url = chat_link(example_app, "CB001")
    example_app.clock.advance(timedelta(minutes=10, seconds=1))  # type: ignore[attr-defined]
    status, text = await open_link(client, url)
    assert status == 403
    assert "hết hạn" in text
    assert (await client.get("/")).status == 401


async def test_forged_link_refused(client: TestClient, example_app: App) -> None:
    url = chat_link(example_app, "CB004")
    login_id = path_of(url).rsplit("/", 1)[1].split(".")[0]
    # The officer's own link re-signed for another row: the signature does not match.
    forged = url.replace(f"/{login_id}.", f"/{int(login_id) + 1}.")
    status, text = await open_link(client, forged)
    assert status == 403
    assert "không đúng" in text


async def test_preview_fetch_does_not_spend_the_link(client: TestClient, example_app: App) -> None:
    """A messenger fetching the link for a preview (GET) leaves it usable."""
    url = chat_link(example_app, "CB001")
    for _ in range(3):
        assert (await client.get(path_of(url))).status == 200
    status, _ = await open_link(client, url)
    assert status == 303


async def test_sign_in_form_needs_the_page_cookie(client: TestClient, example_app: App) -> None:
    """A page elsewhere posting the sign-in form (login CSRF) lacks the cookie: refused."""
    url = chat_link(example_app, "CB001")
    answer = await client.post(path_of(url), data={"pre": "guess"}, allow_redirects=False)
    assert answer.status == 403
    status, _ = await open_link(client, url)  # the link itself was not spent
    assert status == 303


def test_chat_limits_links_per_hour(example_app: App) -> None:
    link_chat(example_app, "CB004", "console", "c4")
    texts = [example_app.chat.handle(Incoming("console", "c4", "/web"))[0].text for _ in range(6)]
    assert all("/dang-nhap/" in t for t in texts[:5])
    assert "5 đường dẫn" in texts[5] and "/dang-nhap/" not in texts[5]
    example_app.clock.advance(timedelta(hours=1, seconds=1))  # type: ignore[attr-defined]
    assert "/dang-nhap/" in example_app.chat.handle(Incoming("console", "c4", "/web"))[0].text


def test_no_link_in_a_group_or_for_a_stranger(example_app: App) -> None:
    from storage import repo

    link_chat(example_app, "CB004", "console", "c4")
    # In the unit's linked group chat a link would be everyone's: refused.
    with session_scope(example_app.engine) as session:
        unit = repo.unit_by_code(session, "VP")
        assert unit is not None
        code = repo.new_group_code(session, unit, example_app.clock.now(), 7).code
    example_app.chat.handle(
        Incoming("console", "g1", f"/start {code}", sender_id="c4", is_group=True)
    )
    group = Incoming("console", "g1", "/web", sender_id="c4", is_group=True)
    reply = example_app.chat.handle(group)[0].text
    assert "chat riêng" in reply and "/dang-nhap/" not in reply
    # In a group not linked to any unit the bot answers nothing of the kind either.
    other = Incoming("console", "g2", "/web", sender_id="c4", is_group=True)
    assert all("/dang-nhap/" not in r.text for r in example_app.chat.handle(other))
    stranger = example_app.chat.handle(Incoming("console", "nobody", "/web"))[0].text
    assert "chưa liên kết" in stranger


async def test_failed_sign_ins_are_limited(client: TestClient, example_app: App) -> None:
    """Successful sign-ins never count (an office behind one proxy address signs in at 8:00);
    twenty wrong links from one address within ten minutes stop even a right one."""
    for officer in ("CB001", "CB002", "CB003", "CB004", "CB005") * 5:
        status, _ = await open_link(client, chat_link(example_app, officer))
        assert status == 303
    url = chat_link(example_app, "CB006")
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    for _ in range(20):
        status, _ = await open_link(client, forged)
        assert status == 403
    status, text = await open_link(client, url)
    assert status == 429
    assert "quá nhiều lần" in text


async def test_session_expires_and_sign_out_ends_it(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")
    html = await (await client.get("/")).text()
    out = await client.post("/dang-xuat", data={"csrf": csrf_of(html)})
    assert out.status == 200
    assert (await client.get("/")).status == 401
    await sign_in(client, example_app, "CB001")
    example_app.clock.advance(timedelta(hours=12, seconds=1))  # type: ignore[attr-defined]
    refused = await client.get("/")
    assert refused.status == 401
    assert "/web" in await refused.text()


# -- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/don-vi/KHTC", "/nhiem-vu/1", "/bao-cao/tai?ky=2023"])
async def test_stranger_refused(client: TestClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status == 401
    text = await answer.text()
    assert "chưa đăng nhập" in text and "/web" in text
    assert "KHTC" not in text.split("<main>")[1]


async def test_officer_sees_only_their_unit(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB009")  # an officer of KHTC
    home = await client.get("/", allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == "/don-vi/KHTC"
    assert (await client.get("/don-vi/KHTC")).status == 200
    other = await client.get("/don-vi/TCCB")
    assert other.status == 403
    assert "đơn vị mình" in await other.text()
    with session_scope(example_app.engine) as session:
        from sqlmodel import select

        from storage.models import Task, Unit

        tccb = session.exec(select(Unit).where(Unit.code == "TCCB")).one()
        foreign = session.exec(select(Task).where(Task.lead_unit_id == tccb.id)).first()
        assert foreign is not None
    assert (await client.get(f"/nhiem-vu/{foreign.id}")).status == 403
    assert (await client.get("/bieu-do.png")).status == 403
    assert (await client.get("/kiem-tra")).status == 403
    assert (await client.get("/bao-cao/tai?ky=2023-Q1")).status == 403


async def test_officer_cannot_record_an_inspection(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB009")
    html = await (await client.get("/don-vi/KHTC")).text()
    answer = await client.post(
        "/kiem-tra", data={"csrf": csrf_of(html), "don_vi": "KHTC", "ngay": "2023-03-20"}
    )
    assert answer.status == 403
    with session_scope(example_app.engine) as session:
        assert assessments.inspections_of_year(session, 2023) == []


async def test_head_sees_their_unit_in_approvals(client: TestClient, example_app: App) -> None:
    for officer, unit in (("CB009", "KHTC"), ("CB006", "VP")):
        link_chat(example_app, officer, "console", officer)
        reply = example_app.chat.handle(
            Incoming("console", officer, f"/done {first_task(example_app, unit)} Đã gửi")
        )
        assert "hoàn thành" in reply[0].text
    await sign_in(client, example_app, "CB008")  # head of KHTC
    text = await (await client.get("/duyet")).text()
    done_rows = re.findall(r"<tr><td>.*?</tr>", text.split('id="done"')[1])
    units = [re.findall(r"</a></td><td>([A-Z]+)</td>", row)[0] for row in done_rows]
    assert units == ["KHTC"]
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as tccb:
        await sign_in(tccb, example_app, "CB001")
        text = await (await tccb.get("/duyet")).text()
    assert "Đã gửi" in text and text.count('<a href="/nhiem-vu/') == 2


def first_task(app: App, unit_code: str) -> int:
    from sqlmodel import col, select

    from storage.models import Task, Unit

    with session_scope(app.engine) as session:
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).one()
        task = session.exec(
            select(Task).where(Task.lead_unit_id == unit.id).order_by(col(Task.id))
        ).first()
        assert task is not None and task.id is not None
        return task.id


# -- the overview and a unit's tasks -------------------------------------------------------------


async def test_overview_counts_match_the_cli_figures(client: TestClient, example_app: App) -> None:
    from nhacviec.reports.figures import plan_figures
    from storage import repo

    await sign_in(client, example_app, "CB001")
    html = await (await client.get("/")).text()
    with session_scope(example_app.engine) as session:
        plan = repo.current_plan(session)
        assert plan is not None
        figures = plan_figures(session, plan, date(2023, 4, 3), example_app.config)
    for unit in figures.units:
        row = re.search(rf'<a href="/don-vi/{unit.unit}">{unit.unit}</a>.*?</tr>', html)
        assert row, unit.unit
        cells = re.findall(r"<td>(?:<b>)?([^<]*)", row.group(0))
        assert cells[0:6] == [
            str(n)
            for n in (
                unit.assigned,
                unit.on_time,
                unit.late,
                unit.overdue,
                unit.open,
                unit.due_soon,
            )
        ]
    assert "Đã kiểm tra <b>0/14</b>" in html
    assert "<script" not in html


async def test_unit_filters_and_sorting(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")

    async def rows(query: str) -> list[list[str]]:
        html = await (await client.get(f"/don-vi/KHTC?{query}")).text()
        body = html.split('id="tasks"')[1]
        return [
            re.findall(r"<td[^>]*>(?:<a [^>]*>)?([^<]*)", r)
            for r in re.findall(r'<tr class="o-[a-z_]+">.*?</tr>', body, re.S)
        ]

    everything = await rows("")
    overdue = await rows("trang_thai=overdue")
    assert overdue and len(overdue) < len(everything)
    assert all(r[-1].startswith("quá hạn") for r in overdue)
    spring = await rows("tu=2023-04-01&den=30/06/2023")
    days = [date(*reversed([int(p) for p in r[5].split("/")])) for r in spring]  # type: ignore[misc]
    assert days and all(date(2023, 4, 1) <= d <= date(2023, 6, 30) for d in days)
    area6 = await rows("linh_vuc=6")
    assert area6 and all(r[2].split(".")[0] == "6" for r in area6)
    late_first = await rows("sap_xep=han-giam")
    deadlines = [r[5] for r in late_first if r[5] != "không hạn"]
    parsed = [tuple(reversed(d.split("/"))) for d in deadlines]
    assert parsed == sorted(parsed, reverse=True)
    bad = await (await client.get("/don-vi/KHTC?tu=31/02/2023")).text()
    assert "không phải ngày" in bad


async def test_unit_filter_by_assignee(client: TestClient, example_app: App) -> None:
    """The "người thụ lý" filter: exactly the tasks named to the officer, or those naming
    nobody; combined with the other filters and kept through sorting."""
    ids = unit_task_ids(example_app, "KHTC")
    nhung, loi = ids[1:4], ids[5:6]
    for task_id in nhung:
        name_officer(example_app, task_id, "CB009")
    for task_id in loi:
        name_officer(example_app, task_id, "CB010")
    await sign_in(client, example_app, "CB008")  # the head of KHTC

    async def shown(query: str) -> tuple[list[int], str]:
        answer = await client.get(f"/don-vi/KHTC?{query}")
        assert answer.status == 200
        html = await answer.text()
        body = html.split('id="tasks"')[1]
        found = [
            int(i) for i in re.findall(r'<tr class="o-[a-z_]+"><td data-label="ID">(\d+)', body)
        ]
        return found, html

    everything, html = await shown("")
    assert sorted(everything) == ids
    choices = re.findall(
        r'<option value="([^"]*)"', html.split('name="thu_ly"')[1].split("</select>")[0]
    )
    assert choices == ["", "chua-giao", "CB008", "CB009", "CB010"]
    assert "Nguyễn Thị Hồng Nhung" in html  # the column names the officer
    assert sorted((await shown("thu_ly=CB009"))[0]) == nhung
    assert (await shown("thu_ly=CB010"))[0] == loi
    assert (await shown("thu_ly=CB008"))[0] == []
    unassigned, _ = await shown("thu_ly=chua-giao")
    assert sorted(unassigned) == sorted(set(ids) - set(nhung) - set(loi))
    # With sorting and another filter: the same tasks, the choice kept in the form.
    by_code, html = await shown("thu_ly=CB009&sap_xep=ma&tu=2023-01-01")
    assert sorted(by_code) == nhung
    assert '<option value="CB009" selected>' in html
    assert '<option value="ma" selected>' in html
    all_overdue, _ = await shown("trang_thai=overdue")
    overdue, _ = await shown("thu_ly=CB009&trang_thai=overdue")
    assert overdue == [i for i in all_overdue if i in nhung]
    unknown, html = await shown("thu_ly=CB999")
    assert "không có cán bộ “CB999”" in html
    assert sorted(unknown) == ids


# -- forms ---------------------------------------------------------------------------------------


async def test_inspection_form(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")
    html = await (await client.get("/kiem-tra")).text()
    token = csrf_of(html)
    without = await client.post("/kiem-tra", data={"don_vi": "KHTC", "ngay": "2023-03-20"})
    assert without.status == 403
    future = await client.post(
        "/kiem-tra", data={"csrf": token, "don_vi": "KHTC", "ngay": "2023-05-01"}
    )
    assert future.status == 400 and "chưa đến" in await future.text()
    saved = await client.post(
        "/kiem-tra",
        data={"csrf": token, "don_vi": "KHTC", "ngay": "20/03/2023", "ghi_chu": "Đợt 1"},
    )
    assert saved.status == 200
    text = await saved.text()
    assert "Đã ghi kiểm tra KHTC ngày 20/03/2023" in text
    assert "Đã kiểm tra <b>1/14</b>" in text
    with session_scope(example_app.engine) as session:
        rows = assessments.inspections_of_year(session, 2023)
    assert [(r.unit, r.on, r.note, r.officer) for r in rows] == [
        ("KHTC", date(2023, 3, 20), "Đợt 1", "Nguyễn Thị Thu Bình")
    ]


async def test_self_score_form(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")
    token = csrf_of(await (await client.get("/tu-cham")).text())
    too_high = await client.post("/tu-cham", data={"csrf": token, "linh_vuc": "1", "diem": "99"})
    assert too_high.status == 400 and "không được 99" in await too_high.text()
    ok = await client.post("/tu-cham", data={"csrf": token, "linh_vuc": "1", "diem": "9,5"})
    assert ok.status == 200 and "Đã ghi điểm tự chấm lĩnh vực 1" in await ok.text()
    with session_scope(example_app.engine) as session:
        from storage import repo

        plan = repo.current_plan(session)
        assert plan is not None and plan.id is not None
        entries = assessments.score_entries(session, plan.id)
    assert [(e.area, e.points) for e in entries] == [("1", 9.5)]


async def test_report_download(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")
    answer = await client.get("/bao-cao/tai?ky=2023-Q1")
    assert answer.status == 200
    assert 'filename="bao-cao-cchc-2023-q1.xlsx"' in answer.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(await answer.read()))
    assert workbook.sheetnames[0] == "Tổng hợp"
    bad = await client.get("/bao-cao/tai?ky=2023-Q5")
    assert bad.status == 400
    assert "2023-Q5" in await bad.text()


# -- headers -------------------------------------------------------------------------------------


async def test_security_headers_and_cookie(client: TestClient, example_app: App) -> None:
    url = chat_link(example_app, "CB001")
    page = await client.get(path_of(url))
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    html = await page.text()
    pre = csrf = re.search(r'name="pre" value="([^"]+)"', html)
    assert pre and csrf
    answer = await client.post(path_of(url), data={"pre": pre.group(1)}, allow_redirects=False)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the public URL is http here
    home = await client.get("/")
    assert home.headers["Cache-Control"] == "no-store"


async def test_cookie_is_secure_behind_https(example_app: App) -> None:
    example_app.config.web.public_url = "https://nhacviec.snn.example"
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as client:
        url = chat_link(example_app, "CB001")
        assert url.startswith("https://nhacviec.snn.example/dang-nhap/")
        html = await (await client.get(path_of(url))).text()
        pre = re.search(r'name="pre" value="([^"]+)"', html)
        assert pre
        page = await client.get(path_of(url))
        assert "Secure" in page.headers["Set-Cookie"]
        # The test client speaks http and keeps Secure cookies back: the browser behind the
        # proxy would send it, so it is sent here by hand.
        answer = await client.post(
            path_of(url),
            data={"pre": pre.group(1)},
            cookies={"nv_pre": pre.group(1)},
            allow_redirects=False,
        )
        assert answer.status == 303
        assert "Secure" in answer.headers["Set-Cookie"]
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


# -- import with a preview ---------------------------------------------------------------


async def test_import_previews_then_applies(
    client: TestClient, example_app: App, tmp_path: Path
) -> None:
    from aiohttp import FormData
    from sqlmodel import select

    from storage.models import Plan
    from tests.builders import write_xlsx

    await sign_in(client, example_app, "CB001")
    token = csrf_of(await (await client.get("/nhap")).text())
    upload = FormData()
    upload.add_field("csrf", token)
    plan_file = write_xlsx(tmp_path / "small.xlsx")
    upload.add_field("tep", plan_file.read_bytes(), filename="small.xlsx")
    preview = await client.post("/nhap", data=upload)
    text = await preview.text()
    assert preview.status == 200, text
    assert "thêm 1 kế hoạch" in text and "Chưa ghi gì" in text
    assert "<li>Kế hoạch KH-TEST</li>" in text  # what the file adds, listed
    with session_scope(example_app.engine) as session:
        assert [p.code for p in session.exec(select(Plan)).all()] == ["CCHC-2023"]
    upload_id = re.search(r'name="tai_len" value="([^"]+)"', text)
    assert upload_id
    applied = await client.post(
        "/nhap", data={"csrf": token, "tai_len": upload_id.group(1), "ap_dung": "1"}
    )
    assert "Đã nhập: thêm 1 kế hoạch" in await applied.text()
    with session_scope(example_app.engine) as session:
        assert sorted(p.code for p in session.exec(select(Plan)).all()) == ["CCHC-2023", "KH-TEST"]
    again = await client.post(
        "/nhap", data={"csrf": token, "tai_len": upload_id.group(1), "ap_dung": "1"}
    )
    assert again.status == 400 and "hết hạn" in await again.text()


async def test_import_of_a_bad_file_writes_nothing(
    client: TestClient, example_app: App, tmp_path: Path
) -> None:
    from aiohttp import FormData

    await sign_in(client, example_app, "CB001")
    token = csrf_of(await (await client.get("/nhap")).text())
    upload = FormData()
    upload.add_field("csrf", token)
    upload.add_field("tep", b"not a spreadsheet", filename="plan.pdf")
    answer = await client.post("/nhap", data=upload)
    assert answer.status == 400 and "chỉ nhận tệp .xlsx hoặc .csv" in await answer.text()


async def test_officer_cannot_import(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB009")
    assert (await client.get("/nhap")).status == 403


async def test_director_reads_everything_and_changes_nothing(
    client: TestClient, example_app: App
) -> None:
    from storage import repo

    with session_scope(example_app.engine) as session:
        officer = repo.officer_by_code(session, "CB009")
        assert officer is not None
        officer.role = "director"  # Lãnh đạo Sở (issue 11's role)
        session.add(officer)
    await sign_in(client, example_app, "CB009")
    assert (await client.get("/")).status == 200
    assert (await client.get("/don-vi/TCCB")).status == 200
    assert (await client.get("/bao-cao/tai?ky=2023-Q1")).status == 200
    html = await (await client.get("/")).text()
    for path in ("/kiem-tra", "/tu-cham", "/nhap"):
        assert (await client.get(path)).status == 403
    answer = await client.post(
        "/kiem-tra", data={"csrf": csrf_of(html), "don_vi": "KHTC", "ngay": "2023-03-20"}
    )
    assert answer.status == 403
    with session_scope(example_app.engine) as session:
        assert assessments.inspections_of_year(session, 2023) == []


def test_limiter_forgets_after_its_window() -> None:
    from nhacviec.web.security import AttemptLimiter

    now = [0.0]
    limiter = AttemptLimiter(limit=2, window=60, now=lambda: now[0])
    limiter.failed("10.0.0.1")
    limiter.failed("10.0.0.1")
    assert limiter.blocked("10.0.0.1") and not limiter.blocked("10.0.0.2")
    now[0] = 60.5
    assert not limiter.blocked("10.0.0.1")


def test_overview_shows_both_rates_and_the_margin() -> None:
    """Per unit: the year rate, the rate over the tasks due so far and the margin left."""
    from types import SimpleNamespace

    from nhacviec.web.render import page
    from rules import Thresholds, make_figures

    unit = make_figures("KHTC", 5, 2, 4, 10, 1, Thresholds())  # 6 of 21 late, 6 of 11 so far
    coverage = SimpleNamespace(
        inspected=(), total=1, share=0.0, target=0.3, met=False, needed=1, year=2023
    )
    scores = SimpleNamespace(scored=0, areas=[], total=0, max_total=67, target_total=60)
    figures = SimpleNamespace(
        on=date(2023, 4, 3), units=[unit], unit_names={"KHTC": "KH"}, title="P"
    )
    html = page(
        "overview.html",
        me=None,
        plans=[SimpleNamespace(code="P", name="Plan")],
        figures=figures,
        total=unit,
        watch=[unit],
        watch_shown=30,
        areas=[],
        scores={},
        score_summary=scores,
        coverage=coverage,
        inspections=[],
        fail=0.3,
    ).text
    assert "<th>Tỷ lệ đến nay</th><th>Còn được trễ</th>" in html
    assert "<td><b>28,6%</b></td><td>54,5%</td><td>0</td>" in html


async def test_an_upload_over_ten_megabytes_is_refused(
    client: TestClient, example_app: App
) -> None:
    from aiohttp import FormData

    await sign_in(client, example_app, "CB001")
    token = csrf_of(await (await client.get("/nhap")).text())
    upload = FormData()
    upload.add_field("csrf", token)
    upload.add_field("tep", b"x" * (10 * 1024 * 1024 + 1), filename="big.csv")
    answer = await client.post("/nhap", data=upload)
    assert answer.status == 413
    assert "tối đa 10 MB" in await answer.text()


async def test_tccb_approves_an_extension_asked_in_chat(
    client: TestClient, example_app: App
) -> None:
    """An officer asks /giahan in chat; TCCB sees it waiting on the web page and agrees; the
    deadline in force moves, the original is kept on the record; a refusal needs a reason."""
    from storage import repo

    task_id = first_task(example_app, "KHTC")
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.deadline is not None
        original = task.deadline
    asked = original + timedelta(days=30)
    link_chat(example_app, "CB009", "console", "c9")
    reply = example_app.chat.handle(
        Incoming("console", "c9", f"/giahan {task_id} {asked:%d/%m/%Y} Chờ số liệu quý")
    )
    assert "gia hạn" in reply[0].text.lower(), reply[0].text

    await sign_in(client, example_app, "CB001")
    html = await (await client.get("/duyet")).text()
    assert f"#{task_id}" in html.split('id="waiting"')[1]
    assert "Chờ số liệu quý" in html
    token = csrf_of(html)
    form = {"csrf": token, "nhiem_vu": str(task_id), "loai": "extension"}
    refused = await client.post("/duyet", data={**form, "quyet": "tu-choi"})
    assert refused.status == 400 and "ghi lý do" in await refused.text()
    agreed = await client.post("/duyet", data={**form, "quyet": "dong-y"})
    text = await agreed.text()
    assert agreed.status == 200 and f"Đã đồng ý gia hạn nhiệm vụ {task_id}." in text
    assert 'id="waiting"' not in text
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.deadline == asked
    page = await (await client.get(f"/nhiem-vu/{task_id}")).text()
    # 30/04/2023 is a Sunday and a holiday: the page shows the working day it moves to too.
    moved = effective_deadline(asked, example_app.calendar)
    assert moved > asked
    shown = f"{moved:%d/%m/%Y} (ghi {asked:%d/%m/%Y}, ngày nghỉ) (hạn gốc {original:%d/%m/%Y})"
    assert shown in page
    story = page.split('id="story"')[1]
    assert "Chờ số liệu quý" in story and "CB001 (trang web)" in story


async def test_officer_cannot_decide(client: TestClient, example_app: App) -> None:
    task_id = first_task(example_app, "KHTC")
    await sign_in(client, example_app, "CB009")
    html = await (await client.get("/don-vi/KHTC")).text()
    answer = await client.post(
        "/duyet",
        data={
            "csrf": csrf_of(html),
            "nhiem_vu": str(task_id),
            "loai": "extension",
            "quyet": "dong-y",
        },
    )
    assert answer.status == 403
