"""Signing in to the web page the way an officer does: /web in a chat, the link opened, the
button pressed; for the HTTP tests (aiohttp's client) and the browser tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from bot.messages import Incoming
from nhacviec.app import App
from nhacviec.web.deps import WebDeps
from tests.conftest import link_chat

LINK = re.compile(r"https?://\S+/dang-nhap/\S+")


def web_deps(app: App) -> WebDeps:
    """What the composition root hands the web page, for the app of a test."""
    return WebDeps(engine=app.engine, clock=app.clock, config=app.config)


def chat_link(app: App, officer_code: str, chat_id: str | None = None) -> str:
    """The sign-in URL the console chat answers to /web for the officer (linked first)."""
    chat_id = chat_id or f"web-{officer_code}"
    link_chat(app, officer_code, "console", chat_id)
    replies = app.chat.handle(Incoming("console", chat_id, "/web"))
    found = LINK.search(replies[0].text)
    assert found, replies[0].text
    return found.group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


async def open_link(client: TestClient, url: str) -> tuple[int, str]:
    """Open the link and press Đăng nhập: the status and text of the answer."""
    page = await client.get(path_of(url))
    assert page.status == 200
    html = await page.text()
    pre = re.search(r'name="pre" value="([^"]+)"', html)
    assert pre
    answer = await client.post(path_of(url), data={"pre": pre.group(1)}, allow_redirects=False)
    return answer.status, await answer.text()


async def sign_in(client: TestClient, app: App, officer_code: str) -> None:
    status, text = await open_link(client, chat_link(app, officer_code))
    assert status == 303, text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def unit_task_ids(app: App, unit_code: str) -> list[int]:
    """The ids of the tasks a unit leads, in order."""
    from sqlmodel import col, select

    from storage.db import session_scope
    from storage.models import Task, Unit

    with session_scope(app.engine) as session:
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).one()
        query = select(Task.id).where(Task.lead_unit_id == unit.id).order_by(col(Task.id))
        return [i for i in session.exec(query).all() if i is not None]


def name_officer(app: App, task_id: int, officer_code: str) -> None:
    """Name the officer who handles a task, the way TCCB does it: /sua ID canbo CODE reason."""
    link_chat(app, "CB001", "console", "tccb-sua")
    reply = app.chat.handle(
        Incoming("console", "tccb-sua", f"/sua {task_id} canbo {officer_code} Phân công")
    )
    assert officer_code in reply[0].text, reply[0].text
