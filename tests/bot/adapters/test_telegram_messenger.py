"""TelegramMessenger through the real python-telegram-bot Bot, over HTTP, to the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import pairwise

import pytest
from telegram import Bot

from bot.adapters.ratelimit import SendLimiter
from bot.adapters.telegram.messenger import TelegramMessenger
from bot.messages import Attachment, Button, Reply
from bot.messenger import DeliveryError, Messenger
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.virtual_time import VirtualTime
from tests.telegram_fixtures import TOKEN

# PTB 22 warns about its own RetryAfter.retry_after when it builds the exception.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

CHAT = "501"
GROUP = "-1001234567890"


@pytest.fixture
async def messenger(fake: FakeTelegramAPI, vt: VirtualTime) -> AsyncIterator[TelegramMessenger]:
    bot = Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    yield TelegramMessenger(bot, limiter, sleep=vt.sleep)
    await bot.shutdown()


def test_it_is_a_messenger(messenger: TelegramMessenger) -> None:
    as_protocol: Messenger = messenger
    assert (as_protocol.channel, as_protocol.max_text, as_protocol.supports_buttons) == (
        "telegram",
        4096,
        True,
    )


async def test_text_with_buttons(messenger: TelegramMessenger, fake: FakeTelegramAPI) -> None:
    reply = Reply(
        "Nhắc việc: nhiệm vụ 12 còn 3 ngày",
        buttons=[[Button("✅ Xong", "done:12"), Button("⏰ Nhắc lại mai", "snooze:12")]],
        commands_hint="/done 12",
    )
    message_id = await messenger.send(CHAT, reply)
    [call] = fake.sent(CHAT)
    assert call.params["text"] == "Nhắc việc: nhiệm vụ 12 còn 3 ngày"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [["done:12", "snooze:12"]]
    assert keyboard[0][0]["text"] == "✅ Xong"
    assert (CHAT, int(message_id)) in fake.messages


async def test_long_text_is_split_buttons_on_the_last_part(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    lines = [f"#{n} Nhiệm vụ số {n} " + "x" * 80 for n in range(100)]
    reply = Reply("\n".join(lines), buttons=[[Button("✅ Xong", "done:1")]])
    message_id = await messenger.send(CHAT, reply)
    calls = fake.sent(CHAT)
    assert len(calls) == 3
    assert all(len(c.params["text"]) <= 4096 for c in calls)
    assert "\n".join(c.params["text"] for c in calls) == reply.text
    assert [("reply_markup" in c.params) for c in calls] == [False, False, True]
    assert fake.messages[(CHAT, int(message_id))]["text"] == calls[-1].params["text"]


async def test_photo_and_document_are_uploaded(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"chart" * 100
    xlsx = b"PK\x03\x04" + b"report" * 100
    reply = Reply(
        "Tình hình ngày 03/04/2023",
        attachments=[
            Attachment("bieu-do.png", png, kind="photo"),
            Attachment("bao-cao.xlsx", xlsx),
        ],
    )
    await messenger.send(CHAT, reply)
    [photo] = fake.calls_to("sendPhoto")
    [document] = fake.calls_to("sendDocument")
    assert photo.files["photo"] == ("bieu-do.png", png)
    assert document.files["document"] == ("bao-cao.xlsx", xlsx)
    assert len(fake.sent(CHAT)) == 1


async def test_429_waits_retry_after_and_delivers_once(
    messenger: TelegramMessenger, fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    fake.fail("sendMessage", 429, retry_after=7)
    await messenger.send(CHAT, Reply("Nhắc việc"))
    attempts = fake.calls_to("sendMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 7
    assert 7 in vt.sleeps
    assert len(fake.sent(CHAT)) == 1


async def test_5xx_is_retried_with_back_off(
    messenger: TelegramMessenger, fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    fake.fail("sendMessage", 500, times=2)
    fake.fail("sendMessage", 502)
    await messenger.send(CHAT, Reply("Nhắc việc"))
    assert [c.status for c in fake.calls_to("sendMessage", ok_only=False)] == [500, 500, 502, 200]
    assert [s for s in vt.sleeps if s >= 1] == [1.0, 2.0, 4.0]
    assert len(fake.sent(CHAT)) == 1


async def test_retries_exhausted_hand_the_message_back(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    fake.fail("sendMessage", 429, retry_after=30, times=100)
    with pytest.raises(DeliveryError) as caught:
        await messenger.send(CHAT, Reply("Nhắc việc"))
    assert caught.value.retry_after == 30
    assert not caught.value.permanent
    assert len(fake.calls_to("sendMessage", ok_only=False)) == messenger.max_attempts
    assert fake.sent(CHAT) == []


async def test_blocked_or_unknown_chat_is_permanent(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    fake.blocked.add("502")
    fake.unknown_chats.add("503")
    for chat in ("502", "503"):
        with pytest.raises(DeliveryError) as caught:
            await messenger.send(chat, Reply("Nhắc việc"))
        assert caught.value.permanent
    # Each was tried once: retrying cannot help.
    assert len(fake.calls_to("sendMessage", ok_only=False)) == 2


async def test_group_upgraded_to_supergroup_follows_the_new_id(
    fake: FakeTelegramAPI, vt: VirtualTime
) -> None:
    moved: list[tuple[str, str]] = []

    async def on_moved(old: str, new: str) -> None:
        moved.append((old, new))

    bot = Bot(TOKEN, base_url=fake.base_url)
    messenger = TelegramMessenger(
        bot, SendLimiter(clock=vt.clock, sleep=vt.sleep), sleep=vt.sleep, on_chat_migrated=on_moved
    )
    fake.fail("sendMessage", 400, migrate_to=-1009998887776)
    await messenger.send("-4001", Reply("Nhắc việc"))
    await bot.shutdown()
    assert moved == [("-4001", "-1009998887776")]
    assert len(fake.sent("-1009998887776")) == 1


async def test_one_private_chat_gets_at_most_one_message_a_second(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    for n in range(4):
        await messenger.send(CHAT, Reply(f"Tin {n}"))
    for n in range(4):
        await messenger.send(str(600 + n), Reply("Tin"))
    times = [c.at for c in fake.sent(CHAT)]
    assert len(times) == 4
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(times))
    # Different chats are not held back by each other's limit.
    others = [c.at for c in fake.calls_to("sendMessage") if c.chat_id.startswith("60")]
    assert max(others) - min(others) < 1.0


async def test_a_group_gets_at_most_twenty_messages_a_minute(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    for n in range(22):
        await messenger.send(GROUP, Reply(f"Tin {n}"))
    times = [c.at for c in fake.sent(GROUP)]
    assert times[19] - times[0] < 60
    assert times[20] - times[0] >= 60
    assert all(b - a >= 60 for a, b in zip(times, times[20:], strict=False))


async def test_edit_replaces_text_and_buttons(
    messenger: TelegramMessenger, fake: FakeTelegramAPI
) -> None:
    message_id = await messenger.send(
        CHAT, Reply("Nhiệm vụ 12", buttons=[[Button("✅ Xong", "done:12")]])
    )
    await messenger.edit(CHAT, int(message_id), "Nhiệm vụ 12\n\n✅ Đã xong", [])
    # The same edit again changes nothing, and is no failure.
    await messenger.edit(CHAT, int(message_id), "Nhiệm vụ 12\n\n✅ Đã xong", [])
    stored = fake.messages[(CHAT, int(message_id))]
    assert stored["text"].endswith("✅ Đã xong")
    assert "reply_markup" not in stored
    with pytest.raises(DeliveryError) as caught:
        await messenger.edit(CHAT, 999999, "x", [])
    assert caught.value.permanent
