"""The Zalo bot end to end: our httpx client against a fake Zalo server on 127.0.0.1, the real
ChatService and a real SQLite database. Nothing sleeps to wait: tests await conditions on
what the fake received, with a timeout."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.adapters.zalo.api import ZaloClient
from bot.adapters.zalo.service import ZaloMessenger, ZaloService, build_zalo, parse_update
from bot.commands import task_buttons
from bot.messages import Attachment, Incoming, Reply
from bot.messenger import DeliveryError, StartupError
from nhacviec.app import App, build_app
from nhacviec.base import texts
from nhacviec.base.config import ConfigError, ZaloConfig, load_config, validate
from nhacviec.base.retry import Backoff
from storage import repo
from storage.db import session_scope
from storage.models import ChatLink, ProgressUpdate, Task, TaskState
from tests.conftest import legacy_config, link_chat
from tests.fakes.zalo_api import FakeZalo, event_update, post_webhook, text_update

# Shaped like a real token (`<19-digit bot id>:<access token>`), made up for these tests.
TOKEN = "3141592653589793238:FakeZaloTokenForTests0123"
SECRET = "webhook-secret-for-tests"


class Sleeps:
    """The injected sleep: records each back-off delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    server = FakeZalo(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def zalo_config(fake: FakeZalo, **overrides: Any) -> ZaloConfig:
    return ZaloConfig(enabled=True, token=TOKEN, base_url=fake.base_url, **overrides)


@pytest.fixture
async def polling(
    app: App, fake: FakeZalo, sleeps: Sleeps
) -> AsyncIterator[tuple[ZaloMessenger, ZaloService]]:
    messenger, service = build_zalo(zalo_config(fake), app.chat, sleep=sleeps, poll_timeout=1)
    await service.start()
    yield messenger, service
    await service.stop()


def invite(app: App, officer_code: str) -> str:
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, officer_code)
        assert officer is not None
        return repo.new_link_code(session, officer, app.clock.now(), 7).code


def task_id(app: App, code: str) -> int:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == code)).one()
        assert task.id is not None
        return task.id


async def say(fake: FakeZalo, chat_id: str, text: str, replies: int = 1) -> list[str]:
    """Send `text` from `chat_id` and return the replies it got."""
    before = len(fake.texts(chat_id))
    fake.push(text_update(chat_id, text, name="Phạm Thị Lan"))
    await fake.wait_sent(before + replies, chat_id)
    return fake.texts(chat_id)[before:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- the commands, over polling ------------------------------------------------------------------


async def test_link_tasks_progress_done(app: App, fake: FakeZalo, polling: Any) -> None:
    chat = "zalo-chat-lan"
    code = invite(app, "CB04")

    (linked,) = await say(fake, chat, f"/start {code}")
    assert linked.startswith("Đã liên kết: Phạm Thị Lan")
    with session_scope(app.engine) as session:
        link = session.exec(select(ChatLink).where(ChatLink.channel == "zalo")).one()
        assert link.chat_id == chat

    nv05 = task_id(app, "NV-05")
    (tasks,) = await say(fake, chat, "/tasks")
    assert tasks.startswith("📋 Phòng Kế hoạch - Tài chính:")
    assert f"#{nv05} Phương án tự chủ tài chính" in tasks
    # No buttons on Zalo: the reply ends with the commands to type instead.
    last_line = tasks.splitlines()[-1]
    assert last_line.startswith("Trả lời: /done ") and "/progress " in last_line
    assert "Xong" not in tasks

    (progress,) = await say(fake, chat, f"/progress {nv05} 50 đã có dự thảo")
    assert progress == f"📈 Nhiệm vụ {nv05}: tiến độ 0% → 50%.\nPhương án tự chủ tài chính"
    (done,) = await say(fake, chat, f"/done {nv05} Quyết định 12/QĐ")
    assert done.startswith(f"✅ Đã ghi nhận hoàn thành nhiệm vụ {nv05} ngày 03/04/2023 (đúng hạn)")

    with session_scope(app.engine) as session:
        task = session.get(Task, nv05)
        assert task is not None and task.state == TaskState.DONE and task.progress == 100
        history = session.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.task_id == nv05)
            .order_by(col(ProgressUpdate.id))
        ).all()
        assert [(h.percent, h.note, h.channel) for h in history] == [
            (50, "đã có dự thảo", "zalo"),
            (100, "Quyết định 12/QĐ", "zalo"),
        ]
    # The typing indicator went out before each answer.
    assert len(fake.sent("sendChatAction", chat)) == 4


async def test_stranger_is_refused_and_other_units_task_untouched(
    app: App, fake: FakeZalo, polling: Any
) -> None:
    nv01 = task_id(app, "NV-01")  # led by TCCB
    (refusal,) = await say(fake, "zalo-stranger", f"/done {nv01}")
    assert refusal == texts.NOT_LINKED
    (wrong_code,) = await say(fake, "zalo-stranger", "/start ZZZZ9999")
    assert wrong_code == texts.LINK_ERRORS["unknown"]

    await say(fake, "zalo-lan", f"/start {invite(app, 'CB04')}")  # KHTC
    (not_yours,) = await say(fake, "zalo-lan", f"/done {nv01}")
    assert not_yours == texts.NOT_YOUR_UNIT.format(id=nv01)
    with session_scope(app.engine) as session:
        task = session.get(Task, nv01)
        assert task is not None and task.state == TaskState.OPEN and task.progress == 0
        assert session.exec(select(ProgressUpdate)).all() == []


async def test_unknown_events_are_ignored(
    app: App, fake: FakeZalo, polling: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.adapters.zalo.service")
    chat = "zalo-events"
    fake.push(event_update("message.image.received", chat, photo="https://x/y.jpg"))
    fake.push(event_update("message.sticker.received", chat, sticker="0e078a2f"))
    fake.push(event_update("message.unsupported.received", chat))
    fake.push(event_update("user.follow", chat))
    fake.push({"unexpected": "shape"})
    fake.push(text_update(chat, "/help"))
    await fake.wait_sent(2, chat)
    # Updates are handled in order: by the time /help is answered the others were ignored.
    # An image is evidence of a task: a chat not linked is told so (the image is not fetched).
    assert fake.texts(chat) == [texts.NOT_LINKED, texts.HELP_UNLINKED]
    ignored = [r.getMessage() for r in caplog.records if "ignored update" in r.getMessage()]
    assert len(ignored) == 4
    assert "'message.sticker.received'" in ignored[0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_documented_update_shapes(app: App, fake: FakeZalo, polling: Any) -> None:
    """The docs' getUpdates sample has no event_name and `first_name`; webhook bodies may be
    wrapped in {ok, result}. All are texts."""
    bare = text_update("zalo-a", "/help")
    del bare["event_name"]
    bare["message"]["from"] = {"id": "zalo-a", "first_name": "Nguyen Van A"}
    fake.push(bare)
    fake.push(text_update("zalo-b", "/help", wrapped=True))
    await fake.wait_sent(1, "zalo-a")
    await fake.wait_sent(1, "zalo-b")
    parsed = parse_update(bare)
    assert parsed is not None and parsed.sender_name == "Nguyen Van A"


async def test_duplicate_and_own_messages_are_not_answered(
    app: App, fake: FakeZalo, polling: Any
) -> None:
    link_chat(app, "CB04", "zalo", "zalo-dup")  # linked: answered every time, not once a minute
    twice = text_update("zalo-dup", "/help", message_id="same-id")
    fake.push(twice)
    fake.push(twice)
    echo = text_update(fake.bot_id, "/help")
    fake.push(echo)
    fake.push(text_update("zalo-dup", "/start"))
    await fake.wait_sent(2, "zalo-dup")
    helped, started = fake.texts("zalo-dup")
    assert helped.startswith("Các lệnh") and started == helped
    assert fake.texts(fake.bot_id) == []


async def test_failing_handler_says_sorry_and_polling_goes_on(
    app: App, fake: FakeZalo, polling: Any
) -> None:
    await say(fake, "zalo-lan", f"/start {invite(app, 'CB04')}")
    with app.engine.begin() as conn:  # the database breaks under the bot
        conn.execute(sa.text("ALTER TABLE task RENAME TO task_gone"))
    (sorry,) = await say(fake, "zalo-lan", "/tasks")
    assert sorry == texts.SORRY
    (help_text,) = await say(fake, "zalo-lan", "/help")
    assert help_text.startswith("Các lệnh:")


async def test_polling_survives_server_errors(
    app: App, fake: FakeZalo, sleeps: Sleeps, polling: Any
) -> None:
    fake.fail("getUpdates", 3, status=503)
    fake.push(text_update("zalo-x", "/help"))
    await fake.wait_sent(1, "zalo-x")
    # Exponential back-off between failed polls, from the injected sleep.
    assert sleeps.delays[:3] == [1.0, 2.0, 4.0]
    assert len([c for c in fake.attempts("getUpdates") if c.status == 503]) == 3


async def test_http_408_is_an_empty_poll_not_an_error(
    app: App, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeZalo(TOKEN, max_wait=0.05, empty_http_status=408)
    await fake.start()
    _, service = build_zalo(zalo_config(fake), app.chat, sleep=sleeps, poll_timeout=1)
    await service.start()
    try:
        await fake.wait_for(lambda: len(fake.attempts("getUpdates")) >= 4)
        fake.push(text_update("zalo-y", "/help"))
        await fake.wait_sent(1, "zalo-y")
    finally:
        await service.stop()
        await fake.stop()
    assert sleeps.delays == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_polling_clears_a_webhook_first(app: App, sleeps: Sleeps) -> None:
    """getUpdates does not work while a webhook is set."""
    fake = FakeZalo(TOKEN, webhook_url="https://old.example/hook")
    await fake.start()
    _, service = build_zalo(zalo_config(fake), app.chat, sleep=sleeps, poll_timeout=1)
    await service.start()
    try:
        fake.push(text_update("zalo-z", "/help"))
        await fake.wait_sent(1, "zalo-z")
    finally:
        await service.stop()
        await fake.stop()
    methods = [c.method for c in fake.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")


# -- sending: long texts, reminders, retries ------------------------------------------------------


def client_for(fake: FakeZalo, sleeps: Sleeps, **kwargs: Any) -> ZaloClient:
    return ZaloClient(TOKEN, fake.base_url, sleep=sleeps, **kwargs)


async def test_long_text_is_split_at_line_boundaries(fake: FakeZalo, sleeps: Sleeps) -> None:
    lines = [f"#{n} Nhiệm vụ số {n} của đơn vị – hạn 31/12/2023 · 0%" for n in range(1, 121)]
    reply = Reply("\n".join(lines), commands_hint="Trả lời: /done 1 hoặc /progress 1 50")
    assert len(reply.text) > 5000
    messenger = ZaloMessenger(client_for(fake, sleeps))
    message_id = await messenger.send("zalo-long", reply)
    sent = fake.texts("zalo-long")
    assert len(sent) >= 3
    assert all(len(part) <= 2000 for part in sent)
    # Each part is made of whole lines, in order, nothing lost.
    assert "\n".join(sent).splitlines() == [*lines, "Trả lời: /done 1 hoặc /progress 1 50"]
    assert message_id == fake.sent("sendMessage")[-1].extra.get("message_id", message_id)
    await messenger.client.aclose()


async def test_reminder_is_delivered_with_commands_to_type(fake: FakeZalo, sleeps: Sleeps) -> None:
    """What the reminders outbox does for a Zalo chat link: Messenger.send(chat_id, reply)."""
    digest = Reply(
        "🔔 Nhắc việc ngày 03/04/2023\n#12 Báo cáo giải ngân vốn đầu tư\n   Hạn 05/04/2023 · 40%",
        buttons=[task_buttons(12)],
        commands_hint="Trả lời: /done 12 hoặc /progress 12 50",
    )
    messenger = ZaloMessenger(client_for(fake, sleeps))
    assert (messenger.channel, messenger.max_text, messenger.supports_buttons) == (
        "zalo",
        2000,
        False,
    )
    message_id = await messenger.send("zalo-officer", digest)
    (call,) = fake.sent("sendMessage", "zalo-officer")
    assert call.payload["text"] == digest.text + "\nTrả lời: /done 12 hoặc /progress 12 50"
    assert message_id.startswith("out")
    # A reply with buttons but no hint still tells what to type.
    await messenger.send("zalo-officer", Reply("Nhắc việc", buttons=[task_buttons(7)]))
    assert fake.texts("zalo-officer")[-1] == "Nhắc việc\nTrả lời: /done 7 hoặc /progress 7 50"
    await messenger.client.aclose()


async def test_the_daily_scan_reaches_a_zalo_officer_once(
    app: App, fake: FakeZalo, polling: tuple[ZaloMessenger, ZaloService]
) -> None:
    """End to end: an officer links on Zalo; the day's scan writes her digest to the outbox and
    the dispatcher delivers it through httpx to the fake Zalo; a second run sends nothing."""
    from nhacviec.app import remind

    messenger, _ = polling
    await say(fake, "zalo-lan", f"/start {invite(app, 'CB04')}")
    before = len(fake.texts("zalo-lan"))
    lines = await remind(app, {"zalo": messenger})
    assert any("Đã gửi 1" in line for line in lines), lines
    digest = fake.texts("zalo-lan")[before:]
    assert len(digest) == 1
    assert digest[0].startswith("🔔 Nhắc việc ngày 03/04/2023 – Phòng Kế hoạch - Tài chính")
    assert "Báo cáo giải ngân vốn đầu tư" in digest[0]
    assert digest[0].splitlines()[-1].startswith("Trả lời: /done ")
    again = await remind(app, {"zalo": messenger})
    assert any("Đã gửi 0" in line for line in again), again
    assert len(fake.texts("zalo-lan")) == before + 1


async def test_attachment_without_public_url_becomes_a_note(
    fake: FakeZalo, sleeps: Sleeps
) -> None:
    messenger = ZaloMessenger(client_for(fake, sleeps))
    reply = Reply(
        "📊 Tình hình",
        attachments=[
            Attachment("tinh-hinh.png", b"\x89PNG...", kind="photo"),
            Attachment("bao-cao.xlsx", b"PK..."),
        ],
    )
    await messenger.send("zalo-tccb", reply)
    assert fake.texts("zalo-tccb") == [
        "📊 Tình hình\n"
        + texts.ATTACHMENT_NOT_ON_ZALO.format(filename="tinh-hinh.png")
        + "\n"
        + texts.ATTACHMENT_NOT_ON_ZALO.format(filename="bao-cao.xlsx")
    ]
    assert fake.sent("sendPhoto") == []
    await messenger.client.aclose()


async def test_send_retries_after_5xx(fake: FakeZalo, sleeps: Sleeps) -> None:
    fake.fail("sendMessage", 2, status=502)
    messenger = ZaloMessenger(client_for(fake, sleeps))
    await messenger.send("zalo-r", Reply("Nhắc việc"))
    assert [c.status for c in fake.attempts("sendMessage")] == [502, 502, 200]
    assert sleeps.delays == [1.0, 2.0]
    await messenger.client.aclose()


async def test_send_retries_zalo_error_answers(fake: FakeZalo, sleeps: Sleeps) -> None:
    fake.fail("sendMessage", body={"ok": False, "error_code": 429, "description": "Quota"})
    fake.fail("sendMessage", body={"ok": False, "error_code": 403, "description": "Internal"})
    messenger = ZaloMessenger(client_for(fake, sleeps))
    await messenger.send("zalo-r", Reply("Nhắc việc"))
    assert len(fake.attempts("sendMessage")) == 3
    assert fake.texts("zalo-r") == ["Nhắc việc"]
    await messenger.client.aclose()


async def test_send_retries_a_timeout(fake: FakeZalo, sleeps: Sleeps) -> None:
    fake.fail("sendMessage", delay=1.0, body={"ok": True, "result": {"message_id": "late"}})
    messenger = ZaloMessenger(client_for(fake, sleeps, timeout=0.2))
    assert (await messenger.send("zalo-t", Reply("Nhắc việc"))).startswith("out")
    assert sleeps.delays == [1.0]
    await messenger.client.aclose()


async def test_exhausted_retries_raise_retryable_delivery_error(
    fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.fail("sendMessage", 10, status=500)
    client = client_for(fake, sleeps, retry=Backoff(attempts=3, base_delay=2.0))
    with pytest.raises(DeliveryError) as caught:
        await ZaloMessenger(client).send("zalo-r", Reply("Nhắc việc"))
    assert not caught.value.permanent
    assert caught.value.retry_after == 8.0  # the next step of the back-off
    assert len(fake.attempts("sendMessage")) == 3
    assert sleeps.delays == [2.0, 4.0]
    await client.aclose()


async def test_connection_refused_is_retryable(sleeps: Sleeps) -> None:
    client = ZaloClient(
        TOKEN, f"http://127.0.0.1:{free_port()}/bot", sleep=sleeps, retry=Backoff(attempts=2)
    )
    with pytest.raises(DeliveryError) as caught:
        await ZaloMessenger(client).send("zalo-r", Reply("Nhắc việc"))
    assert not caught.value.permanent and caught.value.retry_after == 2.0
    assert TOKEN not in str(caught.value)
    await client.aclose()


async def test_request_errors_are_permanent(fake: FakeZalo, sleeps: Sleeps) -> None:
    fake.fail("sendMessage", body={"ok": False, "error_code": 400, "description": "Bad chat"})
    messenger = ZaloMessenger(client_for(fake, sleeps))
    with pytest.raises(DeliveryError) as caught:
        await messenger.send("zalo-gone", Reply("Nhắc việc"))
    assert caught.value.permanent
    assert len(fake.attempts("sendMessage")) == 1 and sleeps.delays == []
    wrong = ZaloMessenger(ZaloClient("1:wrong-token-xxxxxxxx", fake.base_url, sleep=sleeps))
    with pytest.raises(DeliveryError) as unauthorized:
        await wrong.send("zalo-r", Reply("Nhắc việc"))
    assert unauthorized.value.permanent and "(401)" in str(unauthorized.value)
    await messenger.client.aclose()
    await wrong.client.aclose()


# -- webhook ------------------------------------------------------------------------------------


@pytest.fixture
async def webhook(
    app: App, fake: FakeZalo, sleeps: Sleeps
) -> AsyncIterator[tuple[ZaloMessenger, ZaloService, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo/webhook"
    config = zalo_config(
        fake, mode="webhook", url=url, listen="127.0.0.1", port=port, secret_token=SECRET
    )
    messenger, service = build_zalo(config, app.chat, sleep=sleeps)
    await service.start()
    yield messenger, service, url
    await service.stop()


async def test_webhook_checks_the_secret(app: App, fake: FakeZalo, webhook: Any) -> None:
    _, _, url = webhook
    assert fake.webhook == {"url": url, "secret_token": SECRET}
    assert fake.attempts("deleteWebhook") == []

    assert await post_webhook(url, text_update("zalo-w", "/help"), "wrong-secret-123") == 403
    assert await post_webhook(url, text_update("zalo-w", "/help"), None) == 403
    assert await post_webhook(url, text_update("zalo-w", "/start"), SECRET) == 200
    await fake.wait_sent(1, "zalo-w")
    # Only the update with the right secret was answered.
    assert fake.texts("zalo-w") == [texts.START_USAGE]


async def test_webhook_runs_the_commands(app: App, fake: FakeZalo, webhook: Any) -> None:
    _, _, url = webhook
    code = invite(app, "CB04")
    nv05 = task_id(app, "NV-05")
    for n, text in enumerate([f"/start {code}", f"/progress {nv05} 30"], start=1):
        assert await post_webhook(url, text_update("zalo-w", text, wrapped=n == 2), SECRET) == 200
        await fake.wait_sent(n, "zalo-w")
    assert fake.texts("zalo-w")[1].startswith(f"📈 Nhiệm vụ {nv05}: tiến độ 0% → 30%.")
    assert (
        await post_webhook(url, event_update("message.sticker.received", "zalo-w"), SECRET) == 200
    )
    assert await post_webhook(url, text_update("zalo-w", "/help"), SECRET) == 200
    await fake.wait_sent(3, "zalo-w")
    assert len(fake.texts("zalo-w")) == 3


async def test_webhook_serves_photos_for_send_photo(fake: FakeZalo, webhook: Any) -> None:
    messenger, _, _ = webhook
    png = b"\x89PNG\r\n\x1a\n" + b"chart" * 100
    reply = Reply("📊 Tình hình", attachments=[Attachment("tinh-hinh.png", png, kind="photo")])
    await messenger.send("zalo-tccb", reply)
    (photo,) = fake.sent("sendPhoto", "zalo-tccb")
    assert photo.extra["content"] == png and photo.extra["content_type"] == "image/png"
    assert photo.payload["photo"].startswith(f"http://127.0.0.1:{fake_port(webhook)}/zalo/media/")
    assert fake.texts("zalo-tccb") == ["📊 Tình hình"]


def fake_port(webhook: Any) -> int:
    _, service, _ = webhook
    port: int = service.webhook_port
    return port


# -- one officer on Telegram and Zalo ------------------------------------------------------------


async def test_officer_linked_on_both_channels(app: App, fake: FakeZalo, polling: Any) -> None:
    messenger, _ = polling
    link_chat(app, "CB04", "telegram", "123456789")
    await say(fake, "zalo-lan", f"/start {invite(app, 'CB04')}")
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, "CB04")
        assert officer is not None and officer.id is not None
        links = sorted(
            (link.channel, link.chat_id) for link in repo.chat_links(session, officer.id)
        )
    assert links == [("telegram", "123456789"), ("zalo", "zalo-lan")]
    # Both chats act as the officer.
    (tasks,) = await say(fake, "zalo-lan", "/tasks")
    assert tasks.startswith("📋 Phòng Kế hoạch - Tài chính")
    (on_telegram,) = app.chat.handle(Incoming("telegram", "123456789", "/tasks"))
    assert on_telegram.text == tasks.rsplit("\n", 1)[0]  # the same list, less the Zalo hint
    # A reminder goes to the Zalo link through the Zalo messenger.
    for channel, chat_id in links:
        if channel == messenger.channel:
            await messenger.send(chat_id, Reply("🔔 Nhắc việc", commands_hint="Trả lời: /tasks"))
    assert fake.texts("zalo-lan")[-1] == "🔔 Nhắc việc\nTrả lời: /tasks"


# -- logs never carry the token -----------------------------------------------------------------


@pytest.fixture
def debug_log() -> Iterator[list[str]]:
    """Everything logged, at DEBUG, by any logger, formatted as a handler would write it."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    names = ["", "httpx", "httpcore", "aiohttp", "bot", "asyncio"]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_token_never_logged(
    app: App, fake: FakeZalo, sleeps: Sleeps, debug_log: list[str]
) -> None:
    _, service = build_zalo(zalo_config(fake), app.chat, sleep=sleeps, poll_timeout=1)
    await service.start()
    try:
        fake.fail("getUpdates", 2, status=500)
        fake.fail("sendMessage", 1, body={"ok": False, "error_code": 429, "description": "Quota"})
        await say(fake, "zalo-lan", f"/start {invite(app, 'CB04')}")
        await say(fake, "zalo-lan", "/tasks")
    finally:
        await service.stop()
    text = "\n".join(debug_log)
    # httpx did log every request URL, and the failures were logged too...
    assert "HTTP Request: POST http://127.0.0.1" in text and "/bot***/getUpdates" in text
    assert "Zalo getUpdates: Internal Server Error (500)" in text
    assert "Zalo sendMessage: Quota (429); retry 1/3" in text
    # ...but never the token, nor its secret half.
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text


def test_mask_catches_zalo_urls_without_being_told_the_token() -> None:
    from nhacviec.base.logs import mask

    for token in (TOKEN, "a1b2c3d4e5f6g7h8i9"):
        masked = mask(f'POST https://bot-api.zaloplatforms.com/bot{token}/sendMessage "200 OK"')
        assert token not in masked
        assert "https://bot-api.zaloplatforms.com/bot***/sendMessage" in masked
    assert repr(ZaloClient(TOKEN)) == "ZaloClient(token=***)"


# -- `nhacviec run` wiring and config -----------------------------------------------------------


async def test_nhacviec_run_starts_zalo_beside_the_others(app: App, fake: FakeZalo) -> None:
    from nhacviec.app import build_messengers, build_services
    from nhacviec.runner import run_services

    assert build_messengers(app) == ({}, [])  # [zalo] is off by default
    app.config.zalo = zalo_config(fake)
    messengers, services = build_messengers(app)
    assert isinstance(messengers["zalo"], ZaloMessenger)
    assert [s.name for s in services] == ["zalo"]
    assert [s.name for s in build_services(app)] == ["zalo", "reminders"]

    stop = asyncio.Event()
    running = asyncio.create_task(run_services(services, stop))
    fake.push(text_update("zalo-run", "/help"))
    await fake.wait_sent(1, "zalo-run")
    stop.set()
    await asyncio.wait_for(running, 10)
    assert fake.texts("zalo-run") == [texts.HELP_UNLINKED]


async def test_start_fails_loudly_on_a_bad_token(app: App, fake: FakeZalo) -> None:
    config = ZaloConfig(enabled=True, token="1:not-the-token-xxxx", base_url=fake.base_url)
    _, service = build_zalo(config, app.chat)
    with pytest.raises(StartupError) as caught:
        await service.start()
    assert str(caught.value).startswith("Zalo từ chối token (401)")
    assert "not-the-token" not in str(caught.value)
    assert fake.attempts("getUpdates") == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"token": ""}, "cần token"),
        ({"mode": "push"}, "mode phải là"),
        ({"mode": "webhook", "secret_token": SECRET}, "cần url công khai"),
        ({"mode": "webhook", "url": "https://x.gov.vn/zalo/webhook"}, "secret_token dài 8–256"),
        (
            {"mode": "webhook", "url": "https://x.gov.vn/zalo/webhook", "secret_token": "short"},
            "secret_token dài 8–256",
        ),
    ],
)
def test_config_that_cannot_work_is_refused(
    app: App, overrides: dict[str, Any], message: str
) -> None:
    app.config.zalo = ZaloConfig(**{"enabled": True, "token": TOKEN, **overrides})
    with pytest.raises(ConfigError, match=message):
        validate(app.config)


def test_token_and_secret_from_the_environment(tmp_path: Any) -> None:
    path = tmp_path / "nhacviec.toml"
    path.write_text(
        '[zalo]\nenabled = true\nmode = "webhook"\nurl = "https://x.gov.vn/zalo/webhook"\n'
    )
    config = load_config(path, env={"NHACVIEC_ZALO_TOKEN": TOKEN, "NHACVIEC_ZALO_SECRET": SECRET})
    assert (config.zalo.token, config.zalo.secret_token) == (TOKEN, SECRET)
    assert config.zalo.base_url == "https://bot-api.zaloplatforms.com/bot"


async def test_department_status_arrives_whole(
    example_app: App, fake: FakeZalo, sleeps: Sleeps
) -> None:
    """TCCB's department /status on the real example plan arrives as the chat layer wrote it,
    in messages of at most 2,000 characters each."""
    _, service = build_zalo(zalo_config(fake), example_app.chat, sleep=sleeps, poll_timeout=1)
    await service.start()
    try:
        await say(fake, "zalo-tccb", f"/start {invite(example_app, 'CB001')}")
        expected = [
            r.text for r in example_app.chat.handle(Incoming("zalo", "zalo-tccb", "/status"))
        ]
        fake.push(text_update("zalo-tccb", "/status"))
        await fake.wait_sent(1 + len(expected), "zalo-tccb")
    finally:
        await service.stop()
    parts = fake.texts("zalo-tccb")[1:]
    assert all(len(part) <= 2000 for part in parts)
    # The chart cannot be uploaded to Zalo while polling: a line says where to see it instead.
    assert len(parts) == len(expected)
    assert all(part.startswith(text) for part, text in zip(parts, expected, strict=True))


async def test_a_report_delivered_again_to_another_instance_is_recorded_once(
    app: App, fake: FakeZalo, sleeps: Sleeps
) -> None:
    """Two instances behind a load balancer, each its own process (nothing shared in
    memory): a webhook delivered to one and retried to the other. The second finds the
    message id in the database and stays silent; what is new it answers."""
    link_chat(app, "CB04", "zalo", "zalo-again")
    nv05 = task_id(app, "NV-05")
    instances = []
    for chat in (app.chat, build_app(legacy_config(), app.clock, app.engine).chat):
        port = free_port()
        url = f"http://127.0.0.1:{port}/zalo/webhook"
        config = zalo_config(
            fake, mode="webhook", url=url, listen="127.0.0.1", port=port, secret_token=SECRET
        )
        _messenger, service = build_zalo(config, chat, sleep=sleeps)
        await service.start()
        instances.append((service, url))
    (first, first_url), (second, second_url) = instances
    try:
        report = text_update("zalo-again", f"/progress {nv05} 30", message_id="zalo-msg-1")
        assert await post_webhook(first_url, report, SECRET) == 200
        await fake.wait_sent(1, "zalo-again")
        assert await post_webhook(second_url, report, SECRET) == 200  # the retry
        later = text_update("zalo-again", f"/progress {nv05} 45", message_id="zalo-msg-2")
        assert await post_webhook(second_url, later, SECRET) == 200
        await fake.wait_sent(2, "zalo-again")
        await asyncio.sleep(0.2)  # a wrongly answered retry would have arrived by now
        said = [t.split("\n")[0] for t in fake.texts("zalo-again")]
        assert said == [
            f"📈 Nhiệm vụ {nv05}: tiến độ 0% → 30%.",
            f"📈 Nhiệm vụ {nv05}: tiến độ 30% → 45%.",
        ]
        with session_scope(app.engine) as session:
            assert len(session.exec(select(ProgressUpdate)).all()) == 2
    finally:
        await first.stop()
        await second.stop()
