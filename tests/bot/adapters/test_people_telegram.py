"""People on Telegram (python-telegram-bot against the fake Bot API): /chuyen asks with
buttons whether the officer's tasks move; /vang records a leave; a notice owed at night
reaches the fake server only the next morning."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.adapters.telegram.service import TelegramService
from nhacviec.app import App, build_reminders
from nhacviec.base.clock import FixedClock
from storage import people
from storage.db import session_scope
from storage.models import Task
from tests.bot.adapters.test_telegram_bot import keyboard_data, link, say
from tests.bot.test_people import named_task
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.reminder_helpers import set_local

TCCB = 701  # CB02
LAN = 501  # CB04, officer of KHTC

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


async def test_move_with_buttons_leave_and_a_night_notice(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, clock: FixedClock
) -> None:
    await link(app, fake, "CB02", TCCB)
    await link(app, fake, "CB04", LAN)
    task_id = named_task(app, "Rà soát định mức chi", date(2023, 5, 10))

    leave = await say(fake, LAN, "/vang 10/04/2023-14/04/2023")
    assert leave.params["text"].startswith("✅ Đã ghi CB04 vắng 10/04/2023–14/04/2023")

    # 22:00: TCCB moves CB04 to VP and answers the question with a button.
    set_local(clock, app.config, datetime(2023, 4, 3, 22, 0))
    question = await say(fake, TCCB, "/chuyen CB04 VP")
    assert "Chuyển các nhiệm vụ này theo sang VP?" in question.params["text"]
    assert ["g:chuyen:co", "g:chuyen:khong", "g:chuyen:huy"] in keyboard_data(question)
    fake.press(TCCB, question.result["message_id"], "g:chuyen:co")
    [moved] = await fake.wait_calls("editMessageText")
    assert moved.params["text"].endswith("✅ Đã chuyển CB04 sang VP. 1 nhiệm vụ chuyển theo.")
    with session_scope(app.engine) as session:
        task = session.get(Task, task_id)
        officer = people.find_officer(session, "CB04")
        assert task is not None and task.lead_unit_id == officer.unit_id

    # The task's move is a notice owed to VP's people: not sent at night, sent at 06:30.
    reminders = build_reminders(app, {"telegram": bot.messenger})
    before = len(fake.sent(LAN))
    await reminders.dispatch()
    assert len(fake.sent(LAN)) == before
    set_local(clock, app.config, datetime(2023, 4, 4, 6, 30))
    report = await reminders.dispatch()
    assert report.sent >= 1
    notices = await fake.wait_sent(LAN, before + 1)
    assert any("Rà soát định mức chi" in c.params["text"] for c in notices[before:])
