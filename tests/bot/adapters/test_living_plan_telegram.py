"""The living plan on Telegram: /giao with buttons (the real python-telegram-bot against the
fake Bot API); the notice goes out through the outbox dispatcher, once, with its buttons."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.adapters.telegram.service import TelegramService
from nhacviec.app import App, build_reminders
from nhacviec.base import texts
from storage.db import session_scope
from storage.models import Task
from tests.bot.adapters.test_telegram_bot import keyboard_data, link, say
from tests.fakes.telegram_api import Call, FakeTelegramAPI

TCCB = 701  # Lê Văn Tùng, CB02
LAN = 501  # Phạm Thị Lan, CB04, officer of KHTC

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def newest_task(app: App) -> Task:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).order_by(Task.id.desc())).first()  # type: ignore[union-attr]
        assert task is not None
        return task


async def press(fake: FakeTelegramAPI, chat: int, message: Call, data: str) -> Call:
    """Press a button under `message` and wait for the bot's next message there."""
    assert any(data in row for row in keyboard_data(message)), keyboard_data(message)
    before = len(fake.sent(chat))
    fake.press(chat, message.result["message_id"], data)
    return (await fake.wait_sent(chat, before + 1))[before]


async def test_giao_with_buttons_on_telegram_and_the_notice(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB02", TCCB)
    await link(app, fake, "CB04", LAN)
    units = await say(fake, TCCB, "/giao")
    assert units.params["text"].startswith("🆕 Giao nhiệm vụ mới (1/7)")
    title = await press(fake, TCCB, units, "g:unit:KHTC")
    assert title.params["text"].startswith("(2/7) Tên nhiệm vụ?")
    assert title.params["reply_markup"]["force_reply"] is True
    # A second press on the answered question changes nothing: the presser is told.
    answered = len(fake.calls_to("answerCallbackQuery"))
    fake.press(TCCB, units.result["message_id"], "g:unit:VP")
    await fake.wait_for(lambda: len(fake.calls_to("answerCallbackQuery")) > answered)
    stale = fake.calls_to("answerCallbackQuery")[-1]
    assert stale.params["text"] == texts.DIALOG_STALE and stale.params["show_alert"] is True
    deadline = await say(fake, TCCB, "Báo cáo kết quả Chỉ thị 23")
    authority = await say(fake, TCCB, "03/04/2023")
    assert authority.params["text"].startswith("(4/7) Cơ quan giao?")
    document = await press(fake, TCCB, authority, "g:authority:UBND tỉnh")
    officer = await press(fake, TCCB, document, "g:document:-")
    assert "CB04" in officer.params["text"]
    co_units = await press(fake, TCCB, officer, "g:officer:CB04")
    confirm = await press(fake, TCCB, co_units, "g:co_units:-")
    assert "• Cơ quan giao: UBND tỉnh" in confirm.params["text"]
    assert "• Thụ lý: CB04" in confirm.params["text"]
    assert ["g:confirm:ok", "g:confirm:huy"] in keyboard_data(confirm)
    fake.press(TCCB, confirm.result["message_id"], "g:confirm:ok")
    [edit] = await fake.wait_calls("editMessageText")
    task = newest_task(app)
    assert f"✅ Đã giao nhiệm vụ #{task.id} cho KHTC, hạn 03/04/2023" in edit.params["text"]
    assert keyboard_data(edit) == []  # the confirm buttons are gone
    assert (task.title, task.authority, task.document) == (
        "Báo cáo kết quả Chỉ thị 23",
        "UBND tỉnh",
        None,
    )
    assert deadline.params["text"].startswith("(3/7) Hạn hoàn thành?")

    # The notice reaches Lan through the outbox, with the task's buttons, once.
    reminders = build_reminders(app, {"telegram": bot.messenger})
    before = len(fake.sent(LAN))
    assert (await reminders.dispatch()).sent == 1
    [notice] = fake.sent(LAN)[before:]
    assert notice.params["text"].startswith(f"📌 Nhiệm vụ mới #{task.id}")
    assert [f"done:{task.id}", f"prog:{task.id}", f"snooze:{task.id}"] in keyboard_data(notice)
    assert (await reminders.dispatch()).sent == 0
    assert fake.sent(TCCB)[-1].params["text"] == confirm.params["text"]  # no notice to TCCB
