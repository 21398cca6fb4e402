"""A unit group's daily digest end to end on Telegram: linked with `/start@bot CODE` in the
group, written to the outbox, delivered by the real python-telegram-bot over HTTP to the fake
Bot API, its buttons pressed by a member acting for themself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.adapters.telegram.service import TelegramService
from nhacviec.app import App, build_reminders
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from storage import outbox as store
from storage import repo
from storage.db import session_scope
from storage.models import Task, TaskCoUnit, TaskState, UnitGroupChat
from tests.fakes.telegram_api import Call, FakeTelegramAPI
from tests.telegram_fixtures import BOT

LAN = 501  # Phạm Thị Lan, CB04, officer of KHTC
HAI = 502  # Trần Văn Hải, CB03, head of KHTC
STRANGER = 999
GROUP = -4001234567  # a basic group (becomes a supergroup in one test)
SUPERGROUP = -1009876543210

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


async def say(fake: FakeTelegramAPI, chat: int, text: str, **kwargs: Any) -> Call:
    before = len(fake.sent(chat))
    fake.send_text(chat, text, **kwargs)
    return (await fake.wait_sent(chat, before + 1))[before]


async def link_people_and_group(app: App, fake: FakeTelegramAPI, lan: bool = True) -> None:
    """KHTC links its group (HAI types the code there) and, with `lan`, Lan her own chat."""
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, "CB04")
        khtc = repo.unit_by_code(session, "KHTC")
        assert officer is not None and khtc is not None
        lan_code = repo.new_link_code(session, officer, app.clock.now(), 7).code
        group_code = repo.new_group_code(session, khtc, app.clock.now(), 7).code
    if lan:
        reply = await say(fake, LAN, f"/start {lan_code}")
        assert reply.params["text"].startswith("Đã liên kết")
    linked = await say(fake, GROUP, f"/start@{BOT} {group_code}", from_id=HAI)
    assert linked.params["text"] == texts.group_linked("Phòng Kế hoạch - Tài chính")


def keyboard_data(call: Call) -> list[list[str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [[b["callback_data"] for b in row] for row in rows]


def khtc_tasks(app: App) -> dict[int, Task]:
    with session_scope(app.engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        found = session.exec(select(Task).where(Task.lead_unit_id == khtc.id)).all()
        return {t.id or 0: t for t in found}


def co_tasks_of_khtc(app: App) -> set[int]:
    with session_scope(app.engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        found = session.exec(select(TaskCoUnit).where(TaskCoUnit.unit_id == khtc.id)).all()
        return {link.task_id for link in found}


async def test_the_group_gets_its_digest_and_a_member_acts_on_it(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    await link_people_and_group(app, fake)
    reminders = build_reminders(app, {"telegram": bot.messenger})
    before = len(fake.sent(GROUP))
    result = await reminders.scan_and_dispatch()
    assert result.sent == 2  # the group's digest and Lan's own
    [digest] = fake.sent(GROUP)[before:]
    text = digest.params["text"]
    assert text == fake.sent(LAN)[-1].params["text"]
    assert text.startswith("🔔 Nhắc việc ngày 03/04/2023 – Phòng Kế hoạch - Tài chính")
    assert "🔴 Quá hạn:" in text and "⚠️" not in text
    buttons = keyboard_data(digest)
    shown = [int(row[0].split(":")[1]) for row in buttons]
    tasks = khtc_tasks(app)
    # KHTC's own tasks, and the ones it co-operates on (phối hợp), marked as such.
    co = {t for t in shown if t not in tasks}
    assert shown and all(t in tasks or t in co_tasks_of_khtc(app) for t in shown)
    assert all(f"#{t} " in text for t in co) and text.count("🤝 phối hợp (VP chủ trì)") == len(co)
    assert buttons[0] == [f"done:{shown[0]}", f"prog:{shown[0]}", f"snooze:{shown[0]}"]
    [row] = [r for r in store.outbox_rows(app.engine) if r.unit_id is not None]
    assert (row.state, row.chat_id, row.message_ids) == (
        "sent",
        str(GROUP),
        str(digest.result["message_id"]),
    )

    # A member who never linked an account is refused; Lan (KHTC) acts for herself.
    fake.press(GROUP, digest.result["message_id"], f"done:{shown[0]}", from_id=STRANGER)
    [refusal] = await fake.wait_calls("answerCallbackQuery")
    assert refusal.params["text"] == texts.NOT_LINKED
    fake.press(GROUP, digest.result["message_id"], f"done:{shown[0]}", from_id=LAN)
    [edit] = await fake.wait_calls("editMessageText")
    assert edit.params["text"].startswith(text)
    assert f"Cán bộ: ✅ Đã ghi nhận hoàn thành nhiệm vụ {shown[0]}" in edit.params["text"]
    assert all(f"done:{shown[0]}" not in r for r in keyboard_data(edit))
    assert khtc_tasks(app)[shown[0]].state == TaskState.DONE

    # A second scan the same day sends nothing; the next day's digest leaves the done task out.
    sent = len(fake.sent(GROUP))
    again = await reminders.scan_and_dispatch()
    assert again.sent == 0 and len(fake.sent(GROUP)) == sent
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(days=1))
    await reminders.scan_and_dispatch()
    [tuesday] = fake.sent(GROUP)[sent:]
    assert tuesday.params["text"].startswith("🔔 Nhắc việc ngày 04/04/2023")
    assert f"#{shown[0]} " not in tuesday.params["text"]


async def test_a_group_upgraded_to_a_supergroup_gets_the_days_digest_once(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    """Telegram refuses the digest to the old id and names the new one: the digest goes
    there, the link and the day's row follow, and a later scan that day sends nothing."""
    await link_people_and_group(app, fake, lan=False)
    reminders = build_reminders(app, {"telegram": bot.messenger})
    fake.fail("sendMessage", 400, migrate_to=SUPERGROUP)
    assert (await reminders.scan_and_dispatch()).sent == 1
    [digest] = fake.sent(SUPERGROUP)
    assert digest.params["text"].startswith("🔔 Nhắc việc ngày 03/04/2023")
    with session_scope(app.engine) as session:
        [link] = session.exec(select(UnitGroupChat)).all()
        assert link.chat_id == str(SUPERGROUP)
    [row] = [r for r in store.outbox_rows(app.engine) if r.unit_id is not None]
    assert (row.chat_id, row.state) == (str(SUPERGROUP), "sent")

    again = await reminders.scan_and_dispatch()
    assert again.sent == 0 and len(fake.sent(SUPERGROUP)) == 1
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(days=1))
    await reminders.scan_and_dispatch()
    assert len(fake.sent(SUPERGROUP)) == 2 and len(fake.sent(GROUP)) == 1  # the link answer
    assert fake.sent(SUPERGROUP)[1].params["text"].startswith("🔔 Nhắc việc ngày 04/04/2023")


def group_links(app: App) -> list[str]:
    with session_scope(app.engine) as session:
        return [link.chat_id for link in session.exec(select(UnitGroupChat)).all()]


async def test_a_group_that_removes_the_bot_is_unlinked_and_its_digest_not_sent(
    app: App, bot: TelegramService, fake: FakeTelegramAPI
) -> None:
    """Telegram tells the bot it was removed (my_chat_member): the group is unlinked at once,
    the day's digest already written for it is expired instead of failing with 403, and no
    later scan writes one. An officer blocking the bot in private keeps their link."""
    await link_people_and_group(app, fake)
    reminders = build_reminders(app, {"telegram": bot.messenger})
    scanned = await reminders.scan()
    assert len(scanned.group_deliveries) == 1 and group_links(app) == [str(GROUP)]

    fake.bot_removed(LAN, by_id=LAN)  # a private chat: not a group, nothing to unlink
    fake.bot_removed(GROUP, by_id=HAI)
    await fake.wait_for(lambda: not group_links(app))
    [row] = [r for r in store.outbox_rows(app.engine) if r.unit_id is not None]
    assert (row.state, row.last_error) == ("expired", repo.GROUP_UNLINKED)

    before = len(fake.sent(GROUP))
    report = await reminders.dispatch()
    assert report.sent == 1 and len(fake.sent(GROUP)) == before  # Lan's digest only
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(days=1))
    tuesday = await reminders.scan()
    assert tuesday.group_deliveries == [] and len(tuesday.deliveries) == 1
    with session_scope(app.engine) as session:
        lan = repo.officer_by_code(session, "CB04")
        assert lan is not None and lan.id is not None
        assert [link.chat_id for link in repo.chat_links(session, lan.id)] == [str(LAN)]
