"""Extensions and confirmed completion on Telegram (the real python-telegram-bot against the
fake Bot API): the approver's buttons Đồng ý / Từ chối and the confirmer's Xác nhận / Trả lại,
delivered through the outbox once; a photo and a document attached as evidence through
getFile; a file too large refused before it is downloaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.adapters.telegram.service import TelegramService
from nhacviec.app import App, build_reminders
from nhacviec.base.clock import FixedClock
from storage.db import session_scope
from storage.models import Task, TaskEvidence, TaskState
from tests.bot.adapters.test_telegram_bot import keyboard_data, link, say
from tests.bot.adapters.test_telegram_flood import settled
from tests.bot.test_approvals import PNG, make_app, task_by_code
from tests.fakes.telegram_api import Call, FakeTelegramAPI
from tests.fakes.virtual_time import VirtualTime
from tests.telegram_fixtures import restarted

TCCB = 701  # Lê Văn Tùng, CB02
HAI = 301  # Trần Văn Hải, head of KHTC, CB03
LAN = 501  # Phạm Thị Lan, officer of KHTC, CB04
PDF = b"%PDF-1.7\n" + b"0" * 200

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
def app(sqlite_engine: Engine, clock: FixedClock, tmp_path: Path) -> App:
    """The default settings: TCCB approves extensions, the unit head confirms."""
    return make_app(sqlite_engine, clock, tmp_path)


async def dispatched(app: App, bot: TelegramService, fake: FakeTelegramAPI, chat: int) -> Call:
    """Send what the outbox holds; the newest message `chat` got."""
    reminders = build_reminders(app, {"telegram": bot.messenger})
    await reminders.dispatch()
    assert (await reminders.dispatch()).sent == 0  # once
    return fake.sent(chat)[-1]


async def send(fake: FakeTelegramAPI, chat: int, update: dict[str, object]) -> Call:
    before = len(fake.sent(chat))
    fake.push(update)
    return (await fake.wait_sent(chat, before + 1))[before]


async def test_extension_and_completion_with_buttons_and_files(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, clock: FixedClock
) -> None:
    for code, user in (("CB02", TCCB), ("CB03", HAI), ("CB04", LAN)):
        await link(app, fake, code, user)
    tid = task_by_code(app, "NV-05").id

    asked = await say(fake, LAN, f"/giahan {tid} 31/07/2023 Chờ số liệu quý II")
    assert "chờ TCCB duyệt" in asked.params["text"]
    request = await dispatched(app, bot, fake, TCCB)
    assert request.params["text"].startswith(f"📅 Đề nghị gia hạn #{tid}")
    assert [f"ext_ok:{tid}", f"ext_no:{tid}"] in keyboard_data(request)

    # Lan may not press TCCB's button (nor would Telegram show it to her): refused.
    fake.press(TCCB, request.result["message_id"], f"ext_ok:{tid}", from_id=LAN)
    [alert] = await fake.wait_calls("answerCallbackQuery")
    assert "không phải người duyệt" in alert.params["text"] and alert.params["show_alert"]
    fake.press(TCCB, request.result["message_id"], f"ext_ok:{tid}")
    [edit] = await fake.wait_calls("editMessageText")
    assert "30/06/2023 → 31/07/2023" in edit.params["text"]
    assert keyboard_data(edit) == []
    assert task_by_code(app, "NV-05").deadline == date(2023, 7, 31)
    answer = await dispatched(app, bot, fake, LAN)
    assert answer.params["text"].startswith(f"✅ Đồng ý gia hạn nhiệm vụ {tid}")

    clock.set(FixedClock.on(date(2023, 7, 14)).now())
    done = await say(fake, LAN, f"/done {tid} 45/BC-KHTC")
    assert "chờ trưởng đơn vị xác nhận" in done.params["text"]
    # A photo in reply to the bot's message: attached through getFile and a download.
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    photo = await send(fake, LAN, fake.photo_message(LAN, jpeg, reply_to=done.result))
    assert photo.params["text"].startswith(f"📎 Đã lưu minh chứng cho nhiệm vụ {tid}")
    assert fake.calls_to("getFile")[-1].params["file_id"] == "file-2"  # the largest size
    # Telegram photos are JPEG: bytes that are not one are refused, nothing kept.
    odd = await send(fake, LAN, fake.photo_message(LAN, PNG, caption=f"Biên bản #{tid}"))
    assert odd.params["text"].startswith("Không nhận loại tệp này")
    document = await send(
        fake,
        LAN,
        fake.document_message(LAN, PDF, "bao-cao-45.pdf", "application/pdf", caption=f"#{tid}"),
    )
    assert document.params["text"] == f"📎 Đã lưu minh chứng cho nhiệm vụ {tid}: bao-cao-45.pdf."
    downloads = len(fake.calls_to("download"))
    big = await send(
        fake,
        LAN,
        fake.document_message(
            LAN, PDF, "to.pdf", "application/pdf", caption=f"#{tid}", declared_size=50 * 2**20
        ),
    )
    assert big.params["text"].startswith("Tệp quá lớn")
    assert len(fake.calls_to("download")) == downloads  # refused before downloading
    with session_scope(app.engine) as session:
        files = session.exec(select(TaskEvidence).where(TaskEvidence.task_id == tid)).all()
        names = sorted(e.original_name or e.document_number or "" for e in files)
    assert "45/BC-KHTC" in names and "bao-cao-45.pdf" in names

    # The head returns it (the button asks for the reason), then confirms the second report.
    confirm = await dispatched(app, bot, fake, HAI)
    assert confirm.params["text"].startswith(f"📨 Báo hoàn thành #{tid}")
    assert [f"cf_ok:{tid}", f"cf_back:{tid}"] in keyboard_data(confirm)
    before = len(fake.sent(HAI))
    fake.press(HAI, confirm.result["message_id"], f"cf_back:{tid}")
    question = (await fake.wait_sent(HAI, before + 1))[before]
    assert question.params["text"].startswith(f"Lý do trả lại nhiệm vụ {tid}?")
    returned = await say(fake, HAI, "Thiếu chữ ký lãnh đạo")
    assert "bị trả lại" in returned.params["text"]
    assert task_by_code(app, "NV-05").state == TaskState.OPEN
    told = await dispatched(app, bot, fake, LAN)
    assert "Lý do: Thiếu chữ ký lãnh đạo" in told.params["text"]

    await say(fake, LAN, f"/done {tid}")
    again = await dispatched(app, bot, fake, HAI)
    edits = len(fake.calls_to("editMessageText"))
    fake.press(HAI, again.result["message_id"], f"cf_ok:{tid}")
    await fake.wait_calls("editMessageText", edits + 1)
    task: Task = task_by_code(app, "NV-05")
    assert task.state == TaskState.DONE and task.completed_on == date(2023, 7, 14)
    story = await say(fake, TCCB, f"/task {tid}")
    assert "đúng hạn (đã gia hạn)" in story.params["text"]
    assert "Tệp bao-cao-45.pdf" in story.params["text"]


async def test_a_file_delivered_again_after_a_restart_is_kept_once(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    """The bot kept a document, then died before Telegram heard the update arrived: the new
    process gets the same update again and neither keeps a second copy nor answers again."""
    await link(app, fake, "CB04", LAN)
    tid = task_by_code(app, "NV-05").id
    before = len(fake.sent(LAN))
    pushed = fake.push(
        fake.document_message(LAN, PDF, "bao-cao.pdf", "application/pdf", caption=f"#{tid}")
    )
    [kept] = (await fake.wait_sent(LAN, before + 1))[before:]
    assert kept.params["text"] == f"📎 Đã lưu minh chứng cho nhiệm vụ {tid}: bao-cao.pdf."
    await settled(bot, fake)
    async with restarted(app, bot, fake, vt) as new_process:
        fake.updates.append(dict(pushed))  # the same update_id, to the new process
        await settled(new_process, fake)
        assert len(fake.sent(LAN)) == before + 1
        with session_scope(app.engine) as session:
            assert len(session.exec(select(TaskEvidence)).all()) == 1
