"""Every chat command and every refusal, through ChatService with real SQLite."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.messages import Incoming
from bot.parsing import parse_command, parse_percent
from nhacviec.app import App
from nhacviec.base.clock import FixedClock
from storage import repo
from storage.db import session_scope
from storage.models import ChatLink, LinkCode, ProgressUpdate, Task
from tests.conftest import link_chat


def say(app: App, chat: str, text: str, channel: str = "console") -> str:
    return "\n".join(r.text for r in app.chat.handle(Incoming(channel, chat, text)))


def task_id(app: App, code: str) -> int:
    with Session(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == code)).one()
        assert task.id is not None
        return task.id


def snapshot(app: App) -> tuple[list[tuple[int, int, str]], int]:
    """Every task's progress and state, and the number of progress updates."""
    with Session(app.engine) as session:
        tasks = [(t.id or 0, t.progress, t.state) for t in session.exec(select(Task)).all()]
        updates = len(session.exec(select(ProgressUpdate)).all())
    return sorted(tasks), updates


@pytest.fixture
def officer(app: App) -> str:
    """CB04, an officer of KHTC, linked on chat k4."""
    link_chat(app, "CB04", "console", "k4")
    return "k4"


def test_parse_command() -> None:
    cmd = parse_command("/progress@nhacviec_bot 12 50 xong phần 1", "nhacviec_bot")
    assert cmd is not None
    assert (cmd.name, cmd.args[:2], cmd.rest) == ("progress", ["12", "50"], "12 50 xong phần 1")
    assert parse_command("/tasks@other_bot", "nhacviec_bot") is None
    assert parse_command("xin chào") is None
    assert [parse_percent(v) for v in ("50", "50%", "0", "100", "101", "-1", "x", "5.5")] == [
        50,
        50,
        0,
        100,
        None,
        None,
        None,
        None,
    ]


def test_help_depends_on_who_asks(app: App, officer: str) -> None:
    assert "/start MÃ" in say(app, "stranger", "/help")
    text = say(app, officer, "/help")
    assert "/tasks" in text and "/status" not in text
    link_chat(app, "CB02", "console", "tccb")
    assert "/status [ĐƠN_VỊ]" in say(app, "tccb", "/help")


def test_link_codes_work_once_and_expire(app: App, clock: FixedClock) -> None:
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, "CB06")
        assert officer is not None
        code = repo.new_link_code(session, officer, clock.now(), 7).code
        old = repo.new_link_code(session, officer, clock.now() - timedelta(days=8), 7).code
    assert "Mã liên kết không đúng" in say(app, "a", "/start ZZZZ9999")
    assert "hết hạn" in say(app, "a", f"/start {old}")
    assert "Gõ: /start MÃ" in say(app, "a", "/start")
    assert "Đã liên kết: Đỗ Thu Hà" in say(app, "a", f"/start {code.lower()}")
    assert "đã được dùng" in say(app, "b", f"/start {code}")
    with Session(app.engine) as session:
        links = session.exec(select(ChatLink)).all()
        assert [(link.channel, link.chat_id) for link in links] == [("console", "a")]
        used = session.exec(select(LinkCode).where(LinkCode.code == code)).one()
        assert used.used_chat_id == "a"


def test_unlinked_chat_can_do_nothing(app: App) -> None:
    before = snapshot(app)
    assert isinstance(app.clock, FixedClock)
    for text in ("/tasks", "/done 1", "/progress 1 50", "/status", "xin chào"):
        assert "chưa liên kết" in say(app, "stranger", text)
        assert "chưa liên kết" in say(app, "stranger", text)  # the local console, every time
        assert "chưa liên kết" in say(app, "99", text, "telegram")
        assert say(app, "99", text, "telegram") == ""  # a remote stranger: once a minute
        app.clock.advance(timedelta(seconds=61))
    assert snapshot(app) == before


def test_tasks_lists_my_units_open_tasks_with_pages(app: App, officer: str) -> None:
    text = say(app, officer, "/tasks")
    assert text.startswith("📋 Phòng Kế hoạch - Tài chính: 13 nhiệm vụ đang mở · 4 🤝 phối hợp")
    first = task_id(app, "NV-03#1")
    assert f"#{first} Báo cáo giải ngân vốn đầu tư" in text
    assert "Hạn 25/01/2023 · 0% · 🔴 quá hạn 68 ngày" in text
    assert "Theo dõi nhiệm vụ UBND tỉnh giao" not in text  # VP's task
    assert "gõ /tasks 2" in text
    page2 = say(app, officer, "/tasks 2")
    assert "25/12/2023" in page2
    # The tasks KHTC co-operates on (phối hợp) come after its own, marked as such.
    last = say(app, officer, "/tasks 3")
    assert "Trang" not in last and "🤝 Phối hợp với đơn vị khác:" in last
    assert "🤝 phối hợp (VP chủ trì)" in last
    reply = app.chat.handle(Incoming("console", officer, "/tasks"))[0]
    assert reply.buttons[0][0].data == f"done:{first}"


def test_done_records_history_and_changes_status(app: App, officer: str) -> None:
    link_chat(app, "CB02", "console", "tccb")
    before = say(app, "tccb", "/status")
    assert "KHTC 23%" in before and "quá hạn 3" in before
    nv5 = task_id(app, "NV-05")
    reply = say(app, officer, f"/done {nv5} Đã trình Giám đốc")
    assert "Đã ghi nhận hoàn thành nhiệm vụ" in reply and "03/04/2023 (đúng hạn)" in reply
    late = task_id(app, "NV-03#1")
    assert "trễ 68 ngày" in say(app, officer, f"/done {late}")
    after = say(app, "tccb", "/status")
    assert "KHTC 23% (3/13) cảnh báo\n   đúng 1 · trễ 1 · quá hạn 2 · mở 9" in after
    assert "đã hoàn thành ngày 03/04/2023" in say(app, officer, f"/done {nv5}")
    with Session(app.engine) as session:
        history = repo.progress_history(session, nv5)
        assert [(h.kind, h.percent, h.note) for h in history] == [
            ("done", 100, "Đã trình Giám đốc")
        ]


def test_progress_appends_history_never_overwrites(
    app: App, officer: str, clock: FixedClock
) -> None:
    nv5 = task_id(app, "NV-05")
    assert "0% → 30%" in say(app, officer, f"/progress {nv5} 30 bắt đầu")
    clock.advance(timedelta(days=1))
    assert "30% → 60%" in say(app, officer, f"/progress #{nv5} 60%")
    with Session(app.engine) as session:
        history = repo.progress_history(session, nv5)
        assert [(h.percent, h.note) for h in history] == [(30, "bắt đầu"), (60, None)]
        assert session.get(Task, nv5).progress == 60  # type: ignore[union-attr]
    clock.advance(timedelta(days=1))
    assert "Đã ghi nhận hoàn thành" in say(app, officer, f"/progress {nv5} 100 xong")
    with Session(app.engine) as session:
        task = session.get(Task, nv5)
        assert task is not None and task.state == "done"
        assert task.completed_on == date(2023, 4, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/done", "Gõ: /done ID"),
        ("/done abc", "“abc” không phải mã nhiệm vụ"),
        ("/done 9999", "Không có nhiệm vụ số 9999"),
        ("/progress", "Gõ: /progress ID PHẦN_TRĂM"),
        ("/progress {own}", "Gõ: /progress ID PHẦN_TRĂM"),
        ("/progress {own} 150", "từ 0 đến 100"),
        ("/progress {own} -5", "từ 0 đến 100"),
        ("/progress {own} nửa", "từ 0 đến 100"),
        ("/progress {own} 5.5", "từ 0 đến 100"),
        ("/done {other}", "thuộc đơn vị khác"),
        ("/progress {other} 50", "thuộc đơn vị khác"),
        ("/status", "Chỉ trưởng đơn vị, TCCB và quản trị"),
        ("/xoa 1", "Không hiểu lệnh “/xoa”"),
        ("chào bot", "Hãy gõ một lệnh"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    app: App, officer: str, text: str, expected: str
) -> None:
    before = snapshot(app)
    text = text.format(own=task_id(app, "NV-05"), other=task_id(app, "NV-01"))
    assert expected in say(app, officer, text)
    assert snapshot(app) == before


def test_status_by_role(app: App) -> None:
    link_chat(app, "CB07", "console", "admin")
    link_chat(app, "CB03", "console", "head")
    everyone = say(app, "admin", "/status")
    assert "TCCB" in everyone and "KHTC" in everyone and "VP" in everyone
    assert "⚠️ Cần chú ý" in everyone
    unit = say(app, "admin", "/status vp")
    assert unit.startswith("📋 VP · Văn phòng Sở") and "Theo dõi nhiệm vụ UBND tỉnh giao" in unit
    assert "Không có đơn vị “XYZ”" in say(app, "admin", "/status XYZ")
    own = say(app, "head", "/status")
    assert own.startswith("📋 KHTC · Phòng Kế hoạch - Tài chính")
    assert "chỉ xem được tình hình đơn vị mình" in say(app, "head", "/status VP")


def test_buttons_are_checked_like_commands(app: App, officer: str) -> None:
    own, other = task_id(app, "NV-05"), task_id(app, "NV-01")
    assert "chưa liên kết" in app.chat.press("console", "stranger", f"done:{own}").text
    assert "thuộc đơn vị khác" in app.chat.press("console", officer, f"done:{other}").text
    # Snooze: no reminder until the next working day (Tuesday 04/04/2023).
    assert "04/04/2023" in app.chat.press("console", officer, f"snooze:{own}").text
    # Two-step progress: percent, then an optional note.
    assert "Gõ phần trăm mới" in app.chat.press("console", officer, f"prog:{own}").text
    assert "từ 0 đến 100" in say(app, officer, "nhiều")
    assert "Ghi chú cho mức 70%" in say(app, officer, "70")
    assert "0% → 70%" in say(app, officer, "Đã có dự thảo")
    assert "Hãy gõ một lệnh" in say(app, officer, "còn gì nữa không")
    assert "Đã ghi nhận hoàn thành" in app.chat.press("console", officer, f"done:{own}").text
    with Session(app.engine) as session:
        task = session.get(Task, own)
        assert task is not None and task.snoozed_until == date(2023, 4, 4)
        notes = [(h.percent, h.note) for h in repo.progress_history(session, own)]
        assert notes == [(70, "Đã có dự thảo"), (100, None)]


def test_a_failing_command_apologises_and_logs(
    app: App, officer: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A broken database (a table gone) must not leak a traceback to the user.
    with app.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE chatstate"))
    reply = say(app, officer, "/tasks")
    assert reply == "Xin lỗi, hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau."
    assert "command failed" in caplog.text
