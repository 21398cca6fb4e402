"""Evidence on the task page over real HTTP (aiohttp's test server and client, SQLite, the
evidence folder on disk): uploading with the chat's checks, listing, downloading, and who may
do either."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from bot.messages import Incoming
from nhacviec.app import App
from nhacviec.web.routes import web_application
from storage.db import session_scope
from storage.models import Officer, TaskEvent, TaskEvidence
from tests.conftest import link_chat
from tests.web_helpers import csrf_of, sign_in, unit_task_ids, web_deps

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def folder(example_app: App, tmp_path: Path) -> Path:
    """The evidence folder of the test, empty."""
    path = tmp_path / "evidence"
    example_app.config.evidence.folder = str(path)
    return path


@pytest.fixture
async def client(example_app: App, folder: Path) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as c:
        yield c


def khtc_task(app: App) -> int:
    return unit_task_ids(app, "KHTC")[0]


def evidence_rows(app: App) -> list[TaskEvidence]:
    with session_scope(app.engine) as session:
        rows = session.exec(select(TaskEvidence).order_by(col(TaskEvidence.id))).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def evidence_events(app: App, task_id: int) -> list[tuple[str, str, str | None]]:
    with session_scope(app.engine) as session:
        return [
            (e.actor, e.channel, e.new)
            for e in session.exec(
                select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.kind == "evidence")
            ).all()
        ]


async def upload(
    client: TestClient,
    task_id: int,
    content: bytes,
    filename: str,
    content_type: str,
    csrf: str | None = "page",
) -> tuple[int, str, str]:
    """Send the task page's upload form; (status, final address, text) after redirects."""
    if csrf == "page":
        csrf = csrf_of(await (await client.get(f"/nhiem-vu/{task_id}")).text())
    form = FormData(quote_fields=False)  # names as browsers send them: UTF-8, not %-encoded
    if csrf is not None:
        form.add_field("csrf", csrf)
    form.add_field("tep", content, filename=filename, content_type=content_type)
    answer = await client.post(f"/nhiem-vu/{task_id}/minh-chung", data=form)
    return answer.status, str(answer.url), await answer.text()


def links(html: str, task_id: int) -> list[str]:
    listed = html.split('id="evidence"')[1].split("</ul>")[0]
    return re.findall(rf'href="(/nhiem-vu/{task_id}/minh-chung/\d+)"', listed)


async def test_upload_png_and_pdf_stored_listed_downloaded(
    client: TestClient, example_app: App, folder: Path
) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")  # an officer of KHTC
    page = await (await client.get(f"/nhiem-vu/{task_id}")).text()
    assert f'action="/nhiem-vu/{task_id}/minh-chung"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Chưa có minh chứng nào" in page

    status, url, html = await upload(client, task_id, PNG, "bien-ban.png", "image/png")
    assert status == 200
    assert re.search(rf"/nhiem-vu/{task_id}\?minh_chung=\d+", url)
    assert "Đã lưu minh chứng “bien-ban.png”." in html
    status, _, html = await upload(
        client, task_id, PDF, "Báo cáo quý 1.pdf", "application/octet-stream"
    )
    assert status == 200
    assert "Đã lưu minh chứng “Báo cáo quý 1.pdf”." in html

    # Stored under names the server made, recorded with the officer and channel "web".
    rows = evidence_rows(example_app)
    assert [(r.original_name, r.content_type, r.channel) for r in rows] == [
        ("bien-ban.png", "image/png", "web"),
        ("Báo cáo quý 1.pdf", "application/pdf", "web"),
    ]
    with session_scope(example_app.engine) as session:
        nhung = session.exec(select(Officer).where(Officer.code == "CB009")).one()
    assert {r.officer_id for r in rows} == {nhung.id}
    assert sorted(p.name for p in folder.iterdir()) == sorted(r.filename or "" for r in rows)
    assert all(
        re.fullmatch(rf"{task_id}-[0-9a-f]{{16}}\.(png|pdf)", r.filename or "") for r in rows
    )
    assert evidence_events(example_app, task_id) == [("CB009", "web", r.filename) for r in rows]

    # Listed on the page with who added them, and in the task's story.
    assert "Nguyễn Thị Hồng Nhung" in html.split('id="evidence"')[1].split("</ul>")[0]
    assert "trang web" in html.split('id="story"')[1]
    png_link, pdf_link = links(html, task_id)

    # Downloaded byte for byte, with the type and a safe name.
    got = await client.get(png_link)
    assert got.status == 200
    assert await got.read() == PNG
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"bien-ban.png\"; filename*=UTF-8''bien-ban.png"
    )
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    got = await client.get(pdf_link)
    assert await got.read() == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == (
        'attachment; filename="Bao_cao_quy_1.pdf"; '
        f"filename*=UTF-8''{quote('Báo cáo quý 1.pdf', safe='')}"
    )


async def test_a_name_never_becomes_a_path_or_a_header(
    client: TestClient, example_app: App, folder: Path
) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    status, _, html = await upload(
        client, task_id, PDF, '..\\..\\etc/bao"cao.html', "application/pdf"
    )
    assert status == 200
    (row,) = evidence_rows(example_app)
    assert row.original_name == 'bao"cao.html'
    assert [p.name for p in folder.iterdir()] == [row.filename]
    got = await client.get(links(html, task_id)[0])
    # The saved name keeps the real type's extension; quotes never reach the header raw.
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"bao_cao.html.pdf\"; filename*=UTF-8''bao%22cao.html.pdf"
    )
    assert await got.read() == PDF


async def test_evidence_sent_in_chat_is_listed_and_downloadable(
    client: TestClient, example_app: App
) -> None:
    task_id = khtc_task(example_app)
    link_chat(example_app, "CB010", "console", "c10")
    reply = example_app.chat.attach(
        Incoming("console", "c10", ""), PNG, "image/png", "anh.png", f"#{task_id}"
    )
    assert "anh.png" in reply.text
    await sign_in(client, example_app, "CB008")  # the head of KHTC
    html = await (await client.get(f"/nhiem-vu/{task_id}")).text()
    assert "Đặng Văn Lợi" in html and "Console" in html
    got = await client.get(links(html, task_id)[0])
    assert got.status == 200 and await got.read() == PNG


async def test_wrong_type_refused_with_the_page_again(
    client: TestClient, example_app: App, folder: Path
) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    for content, name, kind in (
        (b"MZ\x90\x00", "setup.exe", "application/x-msdownload"),
        (b"<html><script>alert(1)</script>", "anh.png", "image/png"),  # not a PNG inside
        (b"<html></html>", "trang.html", "text/html"),
    ):
        status, _, html = await upload(client, task_id, content, name, kind)
        assert status == 415, (name, status)
        assert f"Không lưu tệp “{name}”: Không nhận loại tệp này" in html
        assert f"<h1>#{task_id} " in html  # the task page again, its form still there
        assert 'name="tep"' in html
    assert evidence_rows(example_app) == []
    assert evidence_events(example_app, task_id) == []
    assert not folder.exists() or list(folder.iterdir()) == []


async def test_too_big_refused_without_reading_it_whole(
    client: TestClient, example_app: App, folder: Path
) -> None:
    example_app.config.evidence.max_bytes = 1024 * 1024
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    big = PNG + b"\x00" * (1024 * 1024 + 1 - len(PNG))
    status, _, html = await upload(client, task_id, big, "anh-lon.png", "image/png")
    assert status == 413
    assert "Không lưu tệp “anh-lon.png”: Tệp quá lớn: tối đa 1 MB." in html
    assert f"<h1>#{task_id} " in html
    assert evidence_rows(example_app) == []
    assert evidence_events(example_app, task_id) == []
    assert not folder.exists() or list(folder.iterdir()) == []
    # Exactly at the limit: kept.
    status, _, html = await upload(client, task_id, big[:-1], "anh-vua.png", "image/png")
    assert status == 200 and "Đã lưu minh chứng “anh-vua.png”." in html
    assert [r.size for r in evidence_rows(example_app)] == [1024 * 1024]


async def test_empty_or_missing_file_refused(client: TestClient, example_app: App) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    status, _, html = await upload(client, task_id, b"", "", "application/octet-stream")
    assert status == 400 and "Chọn một tệp minh chứng" in html
    status, _, html = await upload(client, task_id, b"", "rong.pdf", "application/pdf")
    assert status == 400 and "Tệp rỗng, không lưu." in html
    assert evidence_rows(example_app) == []


async def test_upload_without_csrf_refused(
    client: TestClient, example_app: App, folder: Path
) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    for token in (None, "doan-bua"):
        status, _, html = await upload(client, task_id, PNG, "a.png", "image/png", csrf=token)
        assert status == 403
        assert "Biểu mẫu đã cũ hoặc không gửi từ trang này" in html
    # Posted from another site, even with the right token.
    csrf = csrf_of(await (await client.get(f"/nhiem-vu/{task_id}")).text())
    form = FormData(quote_fields=False)
    form.add_field("csrf", csrf)
    form.add_field("tep", PNG, filename="a.png", content_type="image/png")
    answer = await client.post(
        f"/nhiem-vu/{task_id}/minh-chung", data=form, headers={"Origin": "https://evil.example"}
    )
    assert answer.status == 403
    assert evidence_rows(example_app) == []
    assert not folder.exists() or list(folder.iterdir()) == []


async def test_another_unit_can_neither_download_nor_upload(
    client: TestClient, example_app: App, folder: Path
) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    _, _, html = await upload(client, task_id, PNG, "bien-ban.png", "image/png")
    (link,) = links(html, task_id)

    async with TestClient(TestServer(web_application(web_deps(example_app)))) as other:
        # Not signed in: nothing.
        answer = await other.get(link)
        assert answer.status == 401
        assert PNG not in await answer.read()
        await sign_in(other, example_app, "CB006")  # an officer of VP
        answer = await other.get(link)
        assert answer.status == 403
        assert "đơn vị mình" in await answer.text()
        # Their own unit's page gives a CSRF token; it opens nothing on KHTC's task.
        csrf = csrf_of(await (await other.get("/don-vi/VP")).text())
        status, _, text = await upload(other, task_id, PDF, "x.pdf", "application/pdf", csrf)
        assert status == 403
        assert PDF not in text.encode()
        # A file of KHTC's task asked through a VP task they may see: not found.
        vp_task = unit_task_ids(example_app, "VP")[0]
        evidence_id = link.rsplit("/", 1)[1]
        answer = await other.get(f"/nhiem-vu/{vp_task}/minh-chung/{evidence_id}")
        assert answer.status == 404
    assert len(evidence_rows(example_app)) == 1
    assert len(list(folder.iterdir())) == 1


async def test_director_reads_evidence_and_adds_none(
    client: TestClient, example_app: App, folder: Path
) -> None:
    from storage import repo

    task_id = khtc_task(example_app)
    with session_scope(example_app.engine) as session:
        officer = repo.officer_by_code(session, "CB003")
        assert officer is not None
        officer.role = "director"  # the example plan has no director: make one for the test
        session.add(officer)
    await sign_in(client, example_app, "CB009")
    _, _, html = await upload(client, task_id, PNG, "bien-ban.png", "image/png")
    (link,) = links(html, task_id)
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as director:
        await sign_in(director, example_app, "CB003")
        page = await (await director.get(f"/nhiem-vu/{task_id}")).text()
        assert 'name="tep"' not in page  # no upload form
        assert (await director.get(link)).status == 200
        csrf = csrf_of(page)
        status, _, text = await upload(director, task_id, PDF, "x.pdf", "application/pdf", csrf)
        assert status == 403
        assert "Lãnh đạo Sở xem được mọi nhiệm vụ nhưng không thay đổi." in text
    assert len(evidence_rows(example_app)) == 1


async def test_unknown_evidence_and_missing_file(
    client: TestClient, example_app: App, folder: Path
) -> None:
    task_id = khtc_task(example_app)
    await sign_in(client, example_app, "CB009")
    for path in ("1", "99999999999999", "..%2F..%2Fetc%2Fpasswd", "abc"):
        answer = await client.get(f"/nhiem-vu/{task_id}/minh-chung/{path}")
        assert answer.status == 404, path
    _, _, html = await upload(client, task_id, PNG, "bien-ban.png", "image/png")
    (link,) = links(html, task_id)
    for kept in folder.iterdir():
        kept.unlink()
    answer = await client.get(link)
    assert answer.status == 404
    assert "không còn trong thư mục lưu trữ" in await answer.text()
