"""Adding, editing, cancelling and reopening a task on the web page, over real HTTP on the
example plan (SQLite): the task and its events in the database, the notices in the outbox, the
same refusals as the chat, CSRF, and a form that keeps what was typed when a value is wrong."""

from __future__ import annotations

import asyncio
import html as html_lib
import re
from collections.abc import AsyncIterator
from datetime import date
from html.parser import HTMLParser

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import col, select

from nhacviec.app import App
from nhacviec.web.routes import web_application
from storage import repo
from storage import tasks as store
from storage.db import session_scope
from storage.models import Task, TaskEvent
from tests.conftest import link_chat
from tests.nhacviec.web.test_pages import first_task
from tests.web_helpers import csrf_of, sign_in, web_deps


@pytest.fixture
async def client(example_app: App) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(web_application(web_deps(example_app)))) as c:
        yield c


def _task_count(app: App) -> int:
    with session_scope(app.engine) as session:
        return len(session.exec(select(Task.id)).all())


def _events(app: App, task_id: int) -> list[TaskEvent]:
    with session_scope(app.engine) as session:
        found = session.exec(
            select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.id))
        ).all()
        session.expunge_all()
        return list(found)


def _notices(app: App, task_id: int) -> list[tuple[int, str]]:
    """(officer id, text) of the notices the task's events wrote into the outbox."""
    with session_scope(app.engine) as session:
        return [(r.officer_id, r.text) for r in store.notice_rows(session, task_id)]


def _officer_id(app: App, code: str) -> int:
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, code)
        assert officer is not None and officer.id is not None
        return officer.id


def _value(html: str, name: str) -> str:
    """The value a text input of the form shows."""
    found = re.search(rf'<input type="text" name="{name}" value="([^"]*)"', html)
    assert found, name
    return html_lib.unescape(found.group(1))


def _error(html: str, name: str) -> str:
    found = re.search(rf'<span class="field-error" id="loi-{name}" role="alert">([^<]*)<', html)
    assert found, f"no error next to {name}"
    return html_lib.unescape(found.group(1))


class _FormReader(HTMLParser):
    """What a browser would send for the page's task form, untouched: text and hidden inputs,
    the textarea, the selected option of each select, the ticked checkboxes."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "task-form" in a.get("class", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("type") in ("text", "hidden"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "select":
            self.select = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data


def _filled(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    assert reader.fields, "no task form on the page"
    return reader.fields


NEW = {
    "ten": "Rà soát thủ tục hành chính lĩnh vực thủy lợi",
    "don_vi": "KHTC",
    "can_bo": "CB009",
    "phoi_hop:VP": "1",
    "han": "30/06/2023",
    "linh_vuc": "1",
    "co_quan": "UBND tỉnh",
    "so_van_ban": "123/UBND-KT",
    "ghi_chu": "Báo cáo kết quả về TCCB",
}


# -- add -----------------------------------------------------------------------------------------


async def test_tccb_adds_a_task(client: TestClient, example_app: App) -> None:
    """The task as `nhacviec task add` adds it: its fields, its co-unit, one "created" event by
    the signed-in officer through the web, and the notices owed to the officer named and the
    co-unit's people in the outbox."""
    link_chat(example_app, "CB009", "console", "c9")  # the officer named
    link_chat(example_app, "CB004", "console", "c4")  # head of VP, the co-unit
    await sign_in(client, example_app, "CB001")
    form = await client.get("/nhiem-vu/moi?don_vi=KHTC")
    assert form.status == 200
    page = await form.text()
    assert '<option value="KHTC" selected>' in page
    assert '<option value="CB009">Nguyễn Thị Hồng Nhung (KHTC)</option>' in page
    assert '<option value="CB012">' not in page  # only the lead unit's officers are offered
    before = _task_count(example_app)

    answer = await client.post(
        "/nhiem-vu/moi", data={"csrf": csrf_of(page), **NEW}, allow_redirects=False
    )
    assert answer.status == 303, await answer.text()
    location = answer.headers["Location"]
    found = re.fullmatch(r"/nhiem-vu/(\d+)\?xong=giao&bao=(\d+)", location)
    assert found, location
    task_id, told = int(found.group(1)), int(found.group(2))
    assert _task_count(example_app) == before + 1

    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None
        assert (task.title, task.deadline, task.authority, task.document, task.note) == (
            NEW["ten"],
            date(2023, 6, 30),
            "UBND tỉnh",
            "123/UBND-KT",
            "Báo cáo kết quả về TCCB",
        )
        assert task.code.startswith("GV-")
        assert repo.get_unit(session, task.lead_unit_id).code == "KHTC"  # type: ignore[union-attr]
        assert store.current_text(session, task, "assignee") == "CB009"
        assert store.current_text(session, task, "co_units") == "VP"
        assert store.current_text(session, task, "area") == "1"
    events = _events(example_app, task_id)
    assert [(e.kind, e.actor, e.channel, e.new) for e in events] == [
        ("created", "CB001", "web", "2023-06-30")
    ]
    assert events[0].officer_id == _officer_id(example_app, "CB001")
    notices = _notices(example_app, task_id)
    assert told == len(notices) >= 2
    told_to = {officer for officer, _ in notices}
    assert {_officer_id(example_app, "CB009"), _officer_id(example_app, "CB004")} <= told_to
    assert all(NEW["ten"] in text for _, text in notices)

    shown = await (await client.get(location)).text()
    assert f"Đã giao nhiệm vụ #{task_id}. Đã báo {told} tin cho người liên quan." in shown
    assert "CB001 (trang web)" in shown.split('id="story"')[1]
    listed = await (await client.get("/don-vi/KHTC")).text()
    assert f'<a href="/nhiem-vu/{task_id}">{NEW["ten"]}</a>' in listed


async def test_an_ongoing_task_has_no_deadline(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")
    token = csrf_of(await (await client.get("/nhiem-vu/moi")).text())
    form = {"csrf": token, "ten": "Cập nhật cơ sở dữ liệu", "don_vi": "VP"}
    missing = await client.post("/nhiem-vu/moi", data=form)
    assert missing.status == 400
    assert "Thường xuyên" in _error(await missing.text(), "han")
    answer = await client.post(
        "/nhiem-vu/moi", data={**form, "thuong_xuyen": "1"}, allow_redirects=False
    )
    assert answer.status == 303
    task_id = int(answer.headers["Location"].split("/")[2].split("?")[0])
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.deadline is None and task.assignee_id is None


async def test_bad_values_keep_what_was_typed(client: TestClient, example_app: App) -> None:
    """A day that does not exist, an officer of another unit, an unknown unit, a deadline in a
    closed year, no name: the form again (400), each message next to its field, every value
    as typed, and nothing written."""
    await sign_in(client, example_app, "CB001")
    token = csrf_of(await (await client.get("/nhiem-vu/moi")).text())
    before = _task_count(example_app)

    typed = {**NEW, "csrf": token, "han": "31/02/2023", "can_bo": "CB012"}
    answer = await client.post("/nhiem-vu/moi", data=typed)
    assert answer.status == 400
    page = await answer.text()
    assert "Chưa lưu gì" in page
    assert "“31/02/2023” không phải một ngày có thật" in _error(page, "han")
    assert _error(page, "can_bo") == "Cán bộ CB012 không thuộc đơn vị chủ trì."
    assert _value(page, "han") == "31/02/2023"
    assert _value(page, "can_bo") == "CB012"
    assert _value(page, "co_quan") == "UBND tỉnh"
    assert _value(page, "so_van_ban") == "123/UBND-KT"
    assert _value(page, "ghi_chu") == "Báo cáo kết quả về TCCB"
    assert f">{NEW['ten']}</textarea>" in page
    assert '<option value="KHTC" selected>' in page
    assert '<option value="1" selected>' in page
    assert 'name="phoi_hop:VP" value="1" checked' in page
    assert 'name="phoi_hop:TTRA" value="1">' in page

    closed = await client.post("/nhiem-vu/moi", data={**typed, "han": "15/12/2022"})
    assert "thuộc năm 2022 đã khép lại" in _error(await closed.text(), "han")
    unknown = await client.post("/nhiem-vu/moi", data={**typed, "don_vi": "XYZ"})
    assert _error(await unknown.text(), "don_vi") == "Không có đơn vị “XYZ”."
    nameless = await client.post("/nhiem-vu/moi", data={**typed, "ten": "   "})
    assert _error(await nameless.text(), "ten") == "Nhiệm vụ cần có tên."
    assert _task_count(example_app) == before


async def test_a_form_without_its_token_changes_nothing(
    client: TestClient, example_app: App
) -> None:
    task_id = first_task(example_app, "KHTC")
    await sign_in(client, example_app, "CB001")
    before = _task_count(example_app)
    assert (await client.post("/nhiem-vu/moi", data=NEW)).status == 403
    edit = await client.post(f"/nhiem-vu/{task_id}/sua", data={**NEW, "ly_do": "x"})
    assert edit.status == 403
    cancel = await client.post(f"/nhiem-vu/{task_id}/huy", data={"ly_do": "Trùng"})
    assert cancel.status == 403
    forged = await client.post(f"/nhiem-vu/{task_id}/huy", data={"csrf": "x", "ly_do": "Trùng"})
    assert forged.status == 403
    assert _task_count(example_app) == before
    assert [e.kind for e in _events(example_app, task_id)] == ["created"]


# -- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("officer", ["CB009", "CB012", "CB008"])
async def test_only_plan_keepers_change_tasks(
    client: TestClient, example_app: App, officer: str
) -> None:
    """An officer of the unit (CB009), of another unit (CB012), the unit's head (CB008): the
    chat's refusal, in Vietnamese, on every form and every POST; no button shown."""
    task_id = first_task(example_app, "KHTC")
    await sign_in(client, example_app, officer)
    home = await (await client.get("/", allow_redirects=True)).text()
    token = csrf_of(home)
    refusal = "Chỉ TCCB, quản trị và cán bộ theo dõi của Văn phòng Sở giao, sửa, huỷ nhiệm vụ."
    for path in ("/nhiem-vu/moi", f"/nhiem-vu/{task_id}/sua", f"/nhiem-vu/{task_id}/huy"):
        shown = await client.get(path)
        assert shown.status == 403, path
        assert refusal in await shown.text()
    posts = [
        ("/nhiem-vu/moi", {**NEW, "csrf": token}),
        (f"/nhiem-vu/{task_id}/sua", {**NEW, "csrf": token, "ly_do": "Đổi"}),
        (f"/nhiem-vu/{task_id}/huy", {"csrf": token, "ly_do": "Trùng"}),
    ]
    before = _task_count(example_app)
    for path, data in posts:
        answer = await client.post(path, data=data)
        assert answer.status == 403, path
        assert refusal in await answer.text()
    assert _task_count(example_app) == before
    assert [e.kind for e in _events(example_app, task_id)] == ["created"]
    if officer != "CB012":  # the unit's own people see the task, without the buttons
        page = await (await client.get(f"/nhiem-vu/{task_id}")).text()
        assert 'id="task-actions"' not in page
        unit = await (await client.get("/don-vi/KHTC")).text()
        assert "/nhiem-vu/moi" not in unit


async def test_director_reads_and_changes_nothing(client: TestClient, example_app: App) -> None:
    with session_scope(example_app.engine) as session:
        officer = repo.officer_by_code(session, "CB004")
        assert officer is not None
        officer.role = "director"
        session.add(officer)
    task_id = first_task(example_app, "KHTC")
    await sign_in(client, example_app, "CB004")
    page = await (await client.get(f"/nhiem-vu/{task_id}")).text()
    assert 'id="task-actions"' not in page
    answer = await client.post(
        f"/nhiem-vu/{task_id}/huy", data={"csrf": csrf_of(page), "ly_do": "Trùng"}
    )
    assert answer.status == 403
    assert "không thay đổi" in await answer.text()


# -- edit ----------------------------------------------------------------------------------------


async def test_edit_moves_the_deadline_with_a_reason(client: TestClient, example_app: App) -> None:
    task_id = first_task(example_app, "KHTC")
    for code in ("CB008", "CB009", "CB010"):
        link_chat(example_app, code, "console", f"c-{code}")
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.deadline is not None
        original, title = task.deadline, task.title
    await sign_in(client, example_app, "CB001")
    shown = await client.get(f"/nhiem-vu/{task_id}")
    assert f'href="/nhiem-vu/{task_id}/sua"' in await shown.text()
    form = await (await client.get(f"/nhiem-vu/{task_id}/sua")).text()
    assert _value(form, "han") == f"{original:%d/%m/%Y}"
    assert f">{html_lib.escape(title, quote=False)}</textarea>" in form
    fields = _filled(form)
    assert fields["ten"] == title and fields["don_vi"] == "KHTC"
    fields["han"] = "31/07/2023"

    no_reason = await client.post(f"/nhiem-vu/{task_id}/sua", data=fields)
    assert no_reason.status == 400
    page = await no_reason.text()
    assert "Đổi hạn cần ghi lý do" in _error(page, "ly_do")
    assert _value(page, "han") == "31/07/2023"

    fields.update(ly_do="Chờ số liệu của Sở Tài chính", can_bo="CB010")
    saved = await client.post(f"/nhiem-vu/{task_id}/sua", data=fields, allow_redirects=False)
    assert saved.status == 303, await saved.text()
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None
        assert task.deadline == date(2023, 7, 31)
        assert store.current_text(session, task, "assignee") == "CB010"
    events = [e for e in _events(example_app, task_id) if e.kind != "created"]
    assert sorted((e.kind, e.field, e.new, e.reason, e.channel, e.actor) for e in events) == [
        ("deadline", "deadline", "2023-07-31", "Chờ số liệu của Sở Tài chính", "web", "CB001"),
        ("reassigned", "assignee", "CB010", "Chờ số liệu của Sở Tài chính", "web", "CB001"),
    ]
    notices = _notices(example_app, task_id)
    assert notices and any("31/07/2023" in text for _, text in notices)
    page = await (await client.get(saved.headers["Location"])).text()
    assert f"Đã lưu thay đổi của nhiệm vụ #{task_id}." in page
    assert f"31/07/2023 (hạn gốc {original:%d/%m/%Y})" in page


async def test_second_editor_is_told_to_reload(example_app: App) -> None:
    """Two people load the edit form of one task; the first saves; the second's save is
    refused whole (409), their typing kept, the first's change standing."""
    task_id = first_task(example_app, "KHTC")
    deps = web_deps(example_app)
    async with (
        TestClient(TestServer(web_application(deps))) as first,
        TestClient(TestServer(web_application(deps))) as second,
    ):
        await sign_in(first, example_app, "CB001")
        await sign_in(second, example_app, "CB005")  # the admin
        forms = [await (await c.get(f"/nhiem-vu/{task_id}/sua")).text() for c in (first, second)]
        filled = [_filled(form) for form in forms]
        first_save = await first.post(
            f"/nhiem-vu/{task_id}/sua",
            data={**filled[0], "ten": "Tên do TCCB sửa"},
            allow_redirects=False,
        )
        assert first_save.status == 303
        late = await second.post(
            f"/nhiem-vu/{task_id}/sua", data={**filled[1], "ten": "Tên do quản trị sửa"}
        )
        assert late.status == 409
        page = await late.text()
        assert "Đã có người sửa nhiệm vụ" in page and "Tải lại trang" in page
        assert ">Tên do quản trị sửa</textarea>" in page
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.title == "Tên do TCCB sửa"
    edits = [e for e in _events(example_app, task_id) if e.kind == "edited"]
    assert [(e.field, e.new, e.actor) for e in edits] == [("title", "Tên do TCCB sửa", "CB001")]


async def test_saving_an_unchanged_form_writes_nothing(
    client: TestClient, example_app: App
) -> None:
    task_id = first_task(example_app, "KHTC")
    await sign_in(client, example_app, "CB001")
    form = await (await client.get(f"/nhiem-vu/{task_id}/sua")).text()
    answer = await client.post(
        f"/nhiem-vu/{task_id}/sua", data=_filled(form), allow_redirects=False
    )
    assert answer.status == 303
    assert "xong=khong-doi" in answer.headers["Location"]
    assert [e.kind for e in _events(example_app, task_id)] == ["created"]


# -- cancel and reopen ---------------------------------------------------------------------------


async def test_cancel_needs_a_reason_then_reopen(client: TestClient, example_app: App) -> None:
    task_id = first_task(example_app, "KHTC")
    link_chat(example_app, "CB009", "console", "c9")
    await sign_in(client, example_app, "CB001")
    page = await (await client.get(f"/nhiem-vu/{task_id}")).text()
    assert f'href="/nhiem-vu/{task_id}/huy"' in page
    assert f'href="/nhiem-vu/{task_id}/mo-lai"' not in page
    form = await client.get(f"/nhiem-vu/{task_id}/huy")
    assert form.status == 200
    token = csrf_of(await form.text())

    empty = await client.post(f"/nhiem-vu/{task_id}/huy", data={"csrf": token, "ly_do": " "})
    assert empty.status == 400
    assert "Cần ghi lý do huỷ" in _error(await empty.text(), "ly_do")

    reason = "Trùng với nhiệm vụ của Văn phòng"
    done = await client.post(
        f"/nhiem-vu/{task_id}/huy", data={"csrf": token, "ly_do": reason}, allow_redirects=False
    )
    assert done.status == 303
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.state == "cancelled"
    last = _events(example_app, task_id)[-1]
    assert (last.kind, last.reason, last.channel, last.actor) == (
        "cancelled",
        reason,
        "web",
        "CB001",
    )
    assert any(reason in text for _, text in _notices(example_app, task_id))
    page = await (await client.get(done.headers["Location"])).text()
    assert f"Đã huỷ nhiệm vụ #{task_id}" in page
    assert f'href="/nhiem-vu/{task_id}/mo-lai"' in page
    assert f'href="/nhiem-vu/{task_id}/sua"' not in page

    again = await client.post(f"/nhiem-vu/{task_id}/huy", data={"csrf": token, "ly_do": "x"})
    assert again.status == 409 and f"Nhiệm vụ {task_id} đã bị huỷ." in await again.text()
    assert (await client.get(f"/nhiem-vu/{task_id}/sua")).status == 409

    reopened = await client.post(
        f"/nhiem-vu/{task_id}/mo-lai",
        data={"csrf": token, "ly_do": "Văn phòng chuyển lại"},
        allow_redirects=False,
    )
    assert reopened.status == 303
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.state == "open"
    assert [e.kind for e in _events(example_app, task_id)][-2:] == ["cancelled", "reopened"]


async def test_unknown_task(client: TestClient, example_app: App) -> None:
    await sign_in(client, example_app, "CB001")
    for path in ("/nhiem-vu/999999/sua", "/nhiem-vu/abc/huy", "/nhiem-vu/²/mo-lai"):
        answer = await client.get(path)
        assert answer.status == 404, path
        assert "Không có nhiệm vụ số" in await answer.text()


async def test_two_saves_at_the_same_moment(example_app: App) -> None:
    """Both forms loaded, both saved at once: the task's lock decides one after the other;
    exactly one is saved, the other refused whole (409) with its typing kept."""
    task_id = first_task(example_app, "KHTC")
    deps = web_deps(example_app)
    async with (
        TestClient(TestServer(web_application(deps))) as tccb,
        TestClient(TestServer(web_application(deps))) as admin,
    ):
        await sign_in(tccb, example_app, "CB001")
        await sign_in(admin, example_app, "CB005")
        names = {"CB001": "Tên do TCCB sửa", "CB005": "Tên do quản trị sửa"}
        filled = {}
        for code, c in (("CB001", tccb), ("CB005", admin)):
            filled[code] = _filled(await (await c.get(f"/nhiem-vu/{task_id}/sua")).text())
            filled[code]["ten"] = names[code]
        answers = await asyncio.gather(
            *(
                c.post(f"/nhiem-vu/{task_id}/sua", data=filled[code], allow_redirects=False)
                for code, c in (("CB001", tccb), ("CB005", admin))
            )
        )
        statuses = {code: a.status for code, a in zip(("CB001", "CB005"), answers, strict=True)}
        assert sorted(statuses.values()) == [303, 409], statuses
        winner = next(code for code, status in statuses.items() if status == 303)
        loser = next(code for code, status in statuses.items() if status == 409)
        page = await answers[list(statuses).index(loser)].text()
        assert "Đã có người sửa nhiệm vụ" in page and f">{names[loser]}</textarea>" in page
    with session_scope(example_app.engine) as session:
        task = repo.get_task(session, task_id)
        assert task is not None and task.title == names[winner]
    edits = [e for e in _events(example_app, task_id) if e.kind == "edited"]
    assert [(e.field, e.new, e.actor) for e in edits] == [("title", names[winner], winner)]
