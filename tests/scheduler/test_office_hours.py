"""Office hours ([schedule] quiet_hours, default 21:00-06:30 and days off) on real SQLite and
PostgreSQL, with the injected clock: a restart at 22:45, a retry crossing midnight, a notice
on a Sunday. No message nhacviec starts leaves outside them; a held digest is replaced by the
next working morning's own, never sent twice; a reply to someone who writes is always sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.messages import Incoming
from bot.messenger import DeliveryError
from nhacviec.app import App, build_reminder_service
from nhacviec.base.clock import FixedClock
from scheduler.service import CATCH_UP_JOB
from storage import outbox as store
from tests.conftest import link_chat
from tests.reminder_helpers import FakePlatform, reminders_for, set_local
from tests.storage.test_outbox import small_app


@pytest.fixture
def any_app(engine: Engine, clock: FixedClock, tmp_path: Path) -> Iterator[App]:
    yield small_app(engine, clock, tmp_path)


def at(app: App, clock: FixedClock, *moment: int) -> None:
    set_local(clock, app.config, datetime(*moment))  # type: ignore[arg-type]


def digests(platform: FakePlatform, chat: str) -> list[str]:
    return [t.splitlines()[0] for t in platform.texts_to(chat) if "Nhắc việc ngày" in t]


def rows(app: App) -> list[Any]:
    return store.outbox_rows(app.engine)


async def test_a_restart_at_2245_sends_nothing_until_the_next_morning(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    # Down all of Monday 03/04 until 22:45: today's scan never ran.
    at(any_app, clock, 2023, 4, 3, 22, 45)
    service = build_reminder_service(any_app, {"telegram": platform})
    assert not service.reminders.needs_catch_up()
    await service.start()
    try:
        assert service.scheduler is not None
        assert service.scheduler.get_job(CATCH_UP_JOB) is None  # no catch-up at night
        report = await service.reminders.dispatch()
        assert report.held_until is not None
    finally:
        await service.stop()
    assert platform.sent == [] and rows(any_app) == []

    # Even a scan at night (someone ran `nhacviec remind`) only fills the outbox.
    reminders = reminders_for(any_app, platform)
    await reminders.scan()
    assert (await reminders.dispatch()).sent == 0
    at(any_app, clock, 2023, 4, 4, 6, 29)
    assert (await reminders.dispatch()).sent == 0
    # 06:30 Tuesday: Monday's digest is not sent late; 07:30 brings Tuesday's own, once.
    at(any_app, clock, 2023, 4, 4, 6, 30)
    report = await reminders.dispatch()
    assert (report.sent, report.expired) == (0, 1)
    at(any_app, clock, 2023, 4, 4, 7, 30)
    await reminders.scan_and_dispatch()
    await reminders.scan_and_dispatch()  # a second run sends nothing twice
    assert digests(platform, "t-cb04") == [
        "🔔 Nhắc việc ngày 04/04/2023 – Phòng Kế hoạch - Tài chính"
    ]


async def test_a_retry_crossing_midnight_waits_for_the_morning(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform(failures=[DeliveryError("429 Too Many Requests", retry_after=120)])
    reminders = reminders_for(any_app, platform)
    at(any_app, clock, 2023, 4, 3, 20, 59)
    await reminders.scan()
    assert (await reminders.dispatch()).retried == 1
    row = rows(any_app)[0]
    # 20:59 + 120 s falls in the quiet hours: the retry is set for 06:30 the next morning.
    assert store.aware(row.next_attempt_at) == datetime.fromisoformat("2023-04-04T06:30:00+07:00")
    for hour, minute in [(21, 1), (23, 59)]:
        at(any_app, clock, 2023, 4, 3, hour, minute)
        assert (await reminders.dispatch()).handled == 0
    at(any_app, clock, 2023, 4, 4, 0, 1)
    assert (await reminders.dispatch()).handled == 0
    # The next working morning: the held digest is that day's (the new scan), not twice.
    at(any_app, clock, 2023, 4, 4, 6, 30)
    assert (await reminders.dispatch()).expired == 1
    at(any_app, clock, 2023, 4, 4, 7, 30)
    await reminders.scan_and_dispatch()
    assert digests(platform, "t-cb04") == [
        "🔔 Nhắc việc ngày 04/04/2023 – Phòng Kế hoạch - Tài chính"
    ]
    assert platform.calls == 2  # the failed send at 20:59 and Tuesday's


async def test_a_notice_on_a_sunday_waits_for_monday_the_reply_does_not(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB02", "console", "tccb")
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    reminders = reminders_for(any_app, platform)
    at(any_app, clock, 2023, 4, 9, 10, 0)  # Sunday
    replies = any_app.chat.handle(Incoming("console", "tccb", "/huy 3 UBND tỉnh thu hồi"))
    assert "huỷ" in replies[0].text.lower()  # the person who wrote is answered at once
    owed = [r for r in rows(any_app) if r.kind.startswith("notice:")]
    assert [r.chat_id for r in owed] == ["t-cb04"]
    assert (await reminders.dispatch()).held_until == datetime.fromisoformat(
        "2023-04-10T06:30:00+07:00"
    )
    at(any_app, clock, 2023, 4, 9, 23, 0)
    assert (await reminders.dispatch()).sent == 0
    at(any_app, clock, 2023, 4, 10, 6, 30)  # Monday: the notice (not a digest) is still owed
    assert (await reminders.dispatch()).sent == 1
    assert (await reminders.dispatch()).sent == 0
    assert len(platform.texts_to("t-cb04")) == 1
    assert "huỷ" in platform.texts_to("t-cb04")[0].lower()


async def test_quiet_hours_come_from_the_config(any_app: App, clock: FixedClock) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    any_app.config.schedule.quiet_hours = ""
    any_app.config.schedule.quiet_days_off = False
    platform = FakePlatform()
    reminders = reminders_for(any_app, platform)
    at(any_app, clock, 2023, 4, 3, 22, 45)
    assert reminders.needs_catch_up()  # no office hours: caught up at once
    await reminders.scan_and_dispatch()
    assert len(digests(platform, "t-cb04")) == 1


def test_a_bad_quiet_hours_setting_is_refused_in_vietnamese(any_app: App) -> None:
    from nhacviec.base.config import ConfigError, validate

    any_app.config.schedule.quiet_hours = "21h-6h30"
    with pytest.raises(ConfigError, match="quiet_hours phải có dạng HH:MM-HH:MM"):
        validate(any_app.config)


async def test_remind_at_night_says_when_the_messages_go(any_app: App, clock: FixedClock) -> None:
    from scheduler.remind import remind

    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    at(any_app, clock, 2023, 4, 3, 23, 0)
    lines = await remind(reminders_for(any_app, platform), None)
    assert "Ngoài giờ gửi tin: các tin trên chờ đến 06:30 04/04/2023 mới gửi." in lines
    assert platform.sent == []
