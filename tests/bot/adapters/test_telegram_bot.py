"""The Telegram bot end to end: the real python-telegram-bot Application, polling or on a
webhook, over HTTP against the fake Bot API, on a real SQLite database."""

from __future__ import annotations

import logging
import socket
from itertools import pairwise
from typing import Any

import pytest
from sqlmodel import select

from bot.adapters.telegram.service import TelegramService
from bot.commands import task_buttons
from bot.messages import Reply
from nhacviec.app import App
from nhacviec.base import texts
from storage import repo
from storage.db import session_scope
from storage.models import ProgressUpdate, Task, TaskState
from tests.fakes.telegram_api import Call, FakeTelegramAPI
from tests.fakes.virtual_time import VirtualTime
from tests.telegram_fixtures import BOT, config_for

LAN = 501  # Phạm Thị Lan, CB04, officer of KHTC
HAI = 502  # Trần Văn Hải, CB03, head of KHTC
HA = 601  # Đỗ Thu Hà, CB06, officer of VP
STRANGER = 999
GROUP = -1001234567890

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def task_id(app: App, code: str) -> int:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == code)).one()
        assert task.id is not None
        return task.id


def task(app: App, code: str) -> Task:
    with session_scope(app.engine) as session:
        return session.exec(select(Task).where(Task.code == code)).one()


def invite(app: App, officer_code: str) -> str:
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, officer_code)
        assert officer is not None
        return repo.new_link_code(session, officer, app.clock.now(), 7).code


async def say(fake: FakeTelegramAPI, chat: int, text: str, **kwargs: Any) -> Call:
    """Send `text` from `chat` and wait for the bot's next reply there."""
    before = len(fake.sent(chat))
    fake.send_text(chat, text, **kwargs)
    return (await fake.wait_sent(chat, before + 1))[before]


async def link(app: App, fake: FakeTelegramAPI, officer_code: str, user: int) -> None:
    """What an officer does: open the deep link t.me/<bot>?start=CODE, i.e. `/start CODE`."""
    reply = await say(fake, user, f"/start {invite(app, officer_code)}")
    assert reply.params["text"].startswith("Đã liên kết")


def keyboard_data(call: Call) -> list[list[str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [[b["callback_data"] for b in row] for row in rows]


async def test_start_sets_the_vietnamese_command_menu_and_polls(
    bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    assert bot.username == BOT
    await fake.wait_calls("setMyCommands")  # set in the background
    names = {c["command"]: c["description"] for c in fake.commands}
    assert set(names) == {
        "start",
        "tasks",
        "done",
        "progress",
        "status",
        "help",
        "areas",
        "report",
        "score",
        "inspect",
        "task",
        "giao",
        "sua",
        "huy",
        "giahan",
        "cho",
        "xacnhan",
        "molai",
    }
    assert names["tasks"] == "Nhiệm vụ đang mở của đơn vị"
    await fake.wait_calls("getUpdates")
    assert fake.calls_to("deleteWebhook"), "polling must clear any webhook first"


async def test_a_menu_held_back_by_flood_control_does_not_hold_back_the_bot(
    app: App, fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    """setMyCommands answered 429 retry_after=30: the bot polls and answers meanwhile, and
    the menu is set once Telegram allows it, not sooner."""
    fake.fail("setMyCommands", 429, retry_after=30)
    service = TelegramService(
        config_for(fake), app.chat, clock=vt.clock, sleep=vt.sleep, poll_timeout=1
    )
    await service.start()
    try:
        reply = await say(fake, LAN, "/start")
        assert reply.params["text"] == texts.START_USAGE
        [menu] = await fake.wait_calls("setMyCommands")
        refused, accepted = fake.calls_to("setMyCommands", ok_only=False)
        assert accepted is menu and accepted.at - refused.at >= 30
        assert {c["command"] for c in fake.commands} >= {"tasks", "done", "progress"}
    finally:
        await service.stop()


async def test_linked_officer_reports_progress(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB04", LAN)
    nv05 = task_id(app, "NV-05")
    reply = await say(fake, LAN, f"/progress {nv05} 50 đã có dự thảo")
    assert reply.params["text"] == texts.progress_reply(nv05, "Phương án tự chủ tài chính", 0, 50)
    assert task(app, "NV-05").progress == 50
    with session_scope(app.engine) as session:
        [update] = session.exec(select(ProgressUpdate).where(ProgressUpdate.task_id == nv05)).all()
        assert (update.percent, update.note, update.channel) == (50, "đã có dự thảo", "telegram")


async def test_a_stranger_is_refused(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    nv05 = task_id(app, "NV-05")
    reply = await say(fake, STRANGER, f"/progress {nv05} 50")
    assert reply.params["text"] == texts.NOT_LINKED
    assert task(app, "NV-05").progress == 0
    # A wrong link code links nobody.
    wrong = await say(fake, STRANGER, "/start ABCDEFGH")
    assert wrong.params["text"] == texts.LINK_ERRORS["unknown"]


async def tasks_message(
    fake: FakeTelegramAPI, chat: int, command: str = "/tasks", **kwargs: Any
) -> Call:
    reply = await say(fake, chat, command, **kwargs)
    assert reply.params["text"].startswith("📋 Phòng Kế hoạch - Tài chính")
    return reply


async def test_done_button_records_and_edits_the_message(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB04", LAN)
    listing = await tasks_message(fake, LAN)
    nv05 = task_id(app, "NV-05")
    assert [b.data for b in task_buttons(nv05)] in keyboard_data(listing)
    fake.press(LAN, listing.result["message_id"], f"done:{nv05}")
    [edit] = await fake.wait_calls("editMessageText")
    [answer] = fake.calls_to("answerCallbackQuery")
    assert answer.params["text"].startswith(f"✅ Đã ghi nhận hoàn thành nhiệm vụ {nv05}")
    assert edit.params["text"].startswith(listing.params["text"])
    assert "✅ Đã ghi nhận hoàn thành" in edit.params["text"]
    remaining = keyboard_data(edit)
    assert remaining and all(f"done:{nv05}" not in row for row in remaining)
    assert len(remaining) == len(keyboard_data(listing)) - 1
    done = task(app, "NV-05")
    assert (done.state, done.progress) == (TaskState.DONE, 100)


async def test_progress_button_asks_percent_then_note(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB04", LAN)
    listing = await tasks_message(fake, LAN)
    nv05 = task_id(app, "NV-05")
    before = len(fake.sent(LAN))
    fake.press(LAN, listing.result["message_id"], f"prog:{nv05}")
    question = (await fake.wait_sent(LAN, before + 1))[-1]
    assert question.params["text"].startswith(f"Nhiệm vụ {nv05} đang ở 0%")
    assert question.params["reply_markup"]["force_reply"] is True
    assert fake.calls_to("answerCallbackQuery")
    again = await say(fake, LAN, "bảy mươi")
    assert again.params["text"].startswith("Phần trăm phải là số nguyên")
    note = await say(fake, LAN, "70")
    assert "70%" in note.params["text"]
    result = await say(fake, LAN, "Đã trình Giám đốc")
    assert result.params["text"] == texts.progress_reply(nv05, "Phương án tự chủ tài chính", 0, 70)
    with session_scope(app.engine) as session:
        [update] = session.exec(select(ProgressUpdate).where(ProgressUpdate.task_id == nv05)).all()
        assert (update.percent, update.note) == (70, "Đã trình Giám đốc")


async def test_snooze_button_moves_to_the_next_working_day(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB04", LAN)
    listing = await tasks_message(fake, LAN)
    nv05 = task_id(app, "NV-05")
    fake.press(LAN, listing.result["message_id"], f"snooze:{nv05}")
    [edit] = await fake.wait_calls("editMessageText")
    tomorrow = app.calendar.next_working_day(app.chat.today)
    assert f"⏰ Sẽ nhắc lại nhiệm vụ {nv05} ngày {texts.d(tomorrow)}" in edit.params["text"]
    assert task(app, "NV-05").snoozed_until == tomorrow


async def test_button_of_another_unit_is_refused_in_an_alert(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB06", HA)  # VP
    nv05 = task_id(app, "NV-05")  # a KHTC task, e.g. in a forwarded reminder
    message_id = await bot.messenger.send(
        str(HA), Reply("Nhắc việc", buttons=[task_buttons(nv05)])
    )
    fake.press(HA, int(message_id), f"done:{nv05}")
    [answer] = await fake.wait_calls("answerCallbackQuery")
    assert answer.params["text"] == texts.NOT_YOUR_UNIT.format(id=nv05)
    assert answer.params["show_alert"] is True
    assert fake.calls_to("editMessageText") == []
    assert task(app, "NV-05").state == TaskState.OPEN


async def test_group_commands_addressed_to_the_bot(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB04", LAN)
    with session_scope(app.engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        code = repo.new_group_code(session, khtc, app.clock.now(), 7).code
    linked = await say(fake, GROUP, f"/start@{BOT} {code}", from_id=HAI)
    assert linked.params["text"] == texts.group_linked("Phòng Kế hoạch - Tài chính")
    with session_scope(app.engine) as session:
        assert repo.unit_group_chats(session, khtc.id or 0, "telegram") == [str(GROUP)]
    # Members talking among themselves, and commands for another bot, are not for us.
    fake.send_text(GROUP, "Chiều nay họp nhé", from_id=LAN)
    fake.send_text(GROUP, "/tasks@other_bot", from_id=LAN)
    listing = await tasks_message(fake, GROUP, f"/tasks@{BOT}", from_id=LAN)
    assert len(fake.sent(GROUP)) == 2  # the link answer, then this list: nothing in between
    assert listing.params["reply_parameters"]["message_id"] > 0
    # The group is no officer: a member not linked is refused, by the sender's identity.
    refused = await say(fake, GROUP, f"/tasks@{BOT}", from_id=STRANGER)
    assert refused.params["text"] == texts.NOT_LINKED


async def test_group_buttons_act_for_the_presser(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link(app, fake, "CB04", LAN)
    with session_scope(app.engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        code = repo.new_group_code(session, khtc, app.clock.now(), 7).code
    await say(fake, GROUP, f"/start@{BOT} {code}", from_id=HAI)  # commands need a linked group
    listing = await tasks_message(fake, GROUP, f"/tasks@{BOT}", from_id=LAN)
    nv05 = task_id(app, "NV-05")
    before = len(fake.sent(GROUP))
    fake.press(GROUP, listing.result["message_id"], f"prog:{nv05}", from_id=LAN)
    question = (await fake.wait_sent(GROUP, before + 1))[-1]
    # Addressed to Lan with a mention, only she gets the reply field.
    [mention] = question.params["entities"]
    assert (mention["type"], mention["user"]["id"]) == ("text_mention", LAN)
    assert question.params["reply_markup"] == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "Trả lời tại đây",
    }
    # Her answer is a reply to the question (all a bot in privacy mode sees of a group).
    note = await say(fake, GROUP, "80", from_id=LAN, reply_to=question.result)
    assert "80%" in note.params["text"]
    assert note.params["reply_markup"]["force_reply"] is True
    assert note.params["reply_parameters"]["message_id"] > 0
    done = await say(fake, GROUP, "-", from_id=LAN, reply_to=note.result)
    assert done.params["text"] == texts.progress_reply(nv05, "Phương án tự chủ tài chính", 0, 80)
    assert task(app, "NV-05").progress == 80


async def test_webhook_checks_the_secret(app: App, fake: FakeTelegramAPI, vt: VirtualTime) -> None:
    port = free_port()
    config = config_for(
        fake,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        listen="127.0.0.1",
        port=port,
        secret_token="s3cret-webhook_token",
    )
    service = TelegramService(config, app.chat, clock=vt.clock, sleep=vt.sleep)
    await service.start()
    try:
        assert fake.webhook is not None
        assert fake.webhook["secret_token"] == "s3cret-webhook_token"
        assert fake.webhook["url"].endswith("/telegram/webhook")
        assert fake.calls_to("getUpdates") == []
        update = fake.text_message(STRANGER, "/help")
        assert await fake.deliver_webhook(update, secret="wrong") == 403
        assert await fake.deliver_webhook(update, secret=None) == 403
        assert fake.sent(STRANGER) == []
        assert await fake.deliver_webhook(update, secret="s3cret-webhook_token") == 200
        [reply] = await fake.wait_sent(STRANGER)
        assert reply.params["text"] == texts.HELP_UNLINKED
        # Garbage with the right secret is refused, and the bot goes on.
        garbage = {"message": {"message_id": "x"}}
        assert await fake.deliver_webhook(garbage, secret="s3cret-webhook_token") == 400
        other = fake.text_message(STRANGER + 1, "/help")
        assert await fake.deliver_webhook(other, secret="s3cret-webhook_token") == 200
        await fake.wait_sent(STRANGER + 1)
    finally:
        await service.stop()


async def test_429_is_obeyed_and_the_reply_delivered_once(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    fake.fail("sendMessage", 429, retry_after=5)
    reply = await say(fake, STRANGER, "/help")
    assert reply.params["text"] == texts.HELP_UNLINKED
    attempts = fake.calls_to("sendMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 5
    assert len(fake.sent(STRANGER)) == 1


async def test_answers_go_at_once_and_only_what_the_bot_starts_is_paced(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    """Replies first: three quick commands are answered at once (Telegram lets a chat that
    talks to the bot have bursts); three messages the bot starts itself to one private chat
    are a second or more apart."""
    await link(app, fake, "CB04", LAN)
    before = len(fake.sent(LAN))
    start = vt.now
    for _ in range(3):
        fake.send_text(LAN, "/help")
    answers = (await fake.wait_sent(LAN, before + 3))[before:]
    assert all(a.at == start for a in answers), [a.at - start for a in answers]
    for n in range(3):
        await bot.messenger.send(str(HA), Reply(f"Nhắc việc {n}"))
    pushed = fake.sent(HA)
    assert len(pushed) == 3 and all(b.at - a.at >= 1.0 for a, b in pairwise(pushed))


async def test_a_failing_handler_apologises_and_the_bot_keeps_running(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, caplog: pytest.LogCaptureFixture
) -> None:
    await link(app, fake, "CB04", LAN)
    listing = await tasks_message(fake, LAN)
    nv05 = task_id(app, "NV-05")
    fake.fail("editMessageText", 500, times=100)
    before = len(fake.sent(LAN))
    fake.press(LAN, listing.result["message_id"], f"done:{nv05}")
    sorry = (await fake.wait_sent(LAN, before + 1))[-1]
    assert sorry.params["text"] == texts.SORRY
    assert "Traceback" not in sorry.params["text"]
    failed = [r for r in caplog.records if r.getMessage().startswith("Telegram update")]
    assert failed and f"chat={LAN}" in failed[0].getMessage()
    assert f"button done:{nv05}" in failed[0].getMessage()
    assert failed[0].exc_text or failed[0].exc_info
    # Still running.
    assert (await say(fake, LAN, "/help")).params["text"].startswith("Các lệnh")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_stop_is_clean(app: App, fake: FakeTelegramAPI, vt: VirtualTime) -> None:
    service = TelegramService(
        config_for(fake), app.chat, clock=vt.clock, sleep=vt.sleep, poll_timeout=1
    )
    await service.start()
    await fake.wait_calls("getUpdates")
    await service.stop()
    assert not service.application.running
    logging.getLogger(__name__).info("stopped")


async def test_tccb_gets_the_status_chart_and_a_report_file(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    """/status for TCCB comes with its PNG chart, /report with the workbook, both uploaded."""
    tung = 701  # Lê Văn Tùng, CB02, TCCB
    await say(fake, tung, f"/start {invite(app, 'CB02')}")
    status = await say(fake, tung, "/status")
    assert status.params["text"].startswith("📊 Tình hình KH-TEST")
    [photo] = await fake.wait_calls("sendPhoto")
    assert photo.chat_id == str(tung)
    fake.send_text(tung, "/report 2023-Q1")
    [document] = await fake.wait_calls("sendDocument")
    assert document.chat_id == str(tung)
    # An officer asking for a report is refused, and no file is sent.
    await say(fake, LAN, f"/start {invite(app, 'CB04')}")
    refused = await say(fake, LAN, "/report 2023-Q1")
    assert "Chỉ TCCB và quản trị" in refused.params["text"]
    assert len(fake.calls_to("sendDocument")) == 1


async def test_the_daily_scan_reaches_a_telegram_officer_with_buttons_once(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    """End to end: the day's scan writes the digest to the outbox, the dispatcher sends it
    through python-telegram-bot with a row of buttons per task, and a second run (a restart,
    a cron job run twice) sends nothing."""
    from nhacviec.app import remind

    await link(app, fake, "CB04", LAN)
    before = len(fake.sent(LAN))
    lines = await remind(app, {"telegram": bot.messenger})
    assert any("Đã gửi 1" in line for line in lines), lines
    (digest,) = fake.sent(LAN)[before:]
    assert digest.params["text"].startswith("🔔 Nhắc việc ngày 03/04/2023")
    first = task_id(app, "NV-03#1")
    assert [f"done:{first}", f"prog:{first}", f"snooze:{first}"] in keyboard_data(digest)
    await remind(app, {"telegram": bot.messenger})
    assert len(fake.sent(LAN)) == before + 1
