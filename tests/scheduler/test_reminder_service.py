"""The APScheduler wiring: the jobs, their trigger and time zone, and the catch-up after
downtime, decided from the database (same day only)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from nhacviec.app import App, build_reminder_service, build_services
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import ConfigError, parse_daily_at, validate
from scheduler.service import CATCH_UP_JOB, DISPATCH_JOB, SCAN_JOB, ReminderService
from storage import outbox as store
from tests.conftest import link_chat
from tests.reminder_helpers import FakePlatform, reminders_for, set_local

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(app: App, clock: FixedClock, *moment: int) -> None:
    set_local(clock, app.config, datetime(*moment))  # type: ignore[arg-type]


async def test_jobs_are_registered_daily_at_0730_local_time(app: App, clock: FixedClock) -> None:
    at(app, clock, 2023, 4, 3, 6, 0)  # before daily_at: no catch-up
    service = build_reminder_service(app, {"telegram": FakePlatform()})
    await service.start()
    try:
        assert service.scheduler is not None
        scan = service.scheduler.get_job(SCAN_JOB)
        assert isinstance(scan.trigger, CronTrigger)
        fields = {f.name: str(f) for f in scan.trigger.fields}
        assert (fields["hour"], fields["minute"], fields["second"]) == ("7", "30", "0")
        assert fields["day_of_week"] == "*"  # the scan itself skips days off
        assert scan.trigger.timezone == HCM
        assert (scan.max_instances, scan.coalesce) == (1, True)
        fire = scan.trigger.get_next_fire_time(None, datetime(2023, 4, 3, 6, 0, tzinfo=HCM))
        assert fire == datetime(2023, 4, 3, 7, 30, tzinfo=HCM)

        dispatch = service.scheduler.get_job(DISPATCH_JOB)
        assert isinstance(dispatch.trigger, IntervalTrigger)
        assert dispatch.trigger.interval == timedelta(seconds=30)
        assert (dispatch.max_instances, dispatch.coalesce) == (1, True)
        assert service.scheduler.get_job(CATCH_UP_JOB) is None
    finally:
        await service.stop()
    assert service.scheduler is None


async def test_daily_at_and_timezone_come_from_the_config(app: App, clock: FixedClock) -> None:
    app.config.schedule.daily_at = "06:45"
    app.config.schedule.dispatch_every_seconds = 10
    at(app, clock, 2023, 4, 3, 6, 0)
    service = build_reminder_service(app, {})
    await service.start()
    try:
        assert service.scheduler is not None
        scan = service.scheduler.get_job(SCAN_JOB)
        fields = {f.name: str(f) for f in scan.trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("6", "45")
        interval = service.scheduler.get_job(DISPATCH_JOB).trigger.interval
        assert interval == timedelta(seconds=10)
    finally:
        await service.stop()
    with pytest.raises(ConfigError, match="HH:MM"):
        parse_daily_at("7h30")
    app.config.schedule.channels = "telegram"  # a list is needed
    with pytest.raises(ConfigError, match="channels"):
        validate(app.config)
    app.config.schedule.channels = "all"
    app.config.schedule.weekly_summary_weekday = 7
    with pytest.raises(ConfigError, match="weekly_summary_weekday"):
        validate(app.config)


def test_catch_up_is_decided_from_the_database(app: App, clock: FixedClock) -> None:
    reminders = reminders_for(app, FakePlatform())
    at(app, clock, 2023, 4, 3, 7, 29)
    assert not reminders.needs_catch_up()  # daily_at has not come yet
    at(app, clock, 2023, 4, 3, 7, 30)
    assert reminders.needs_catch_up()
    reminders.scanner.run()
    assert not reminders.needs_catch_up()  # today's scan is in the database
    # A new process (nothing in memory) decides the same from the database.
    assert not reminders_for(app, FakePlatform()).needs_catch_up()
    # Yesterday's scan does not count for today, and a day off owes nothing.
    at(app, clock, 2023, 4, 4, 10, 0)
    assert reminders.needs_catch_up()
    at(app, clock, 2023, 4, 8, 10, 0)  # Saturday
    assert not reminders.needs_catch_up()


async def test_catch_up_after_downtime_sends_today_only(app: App, clock: FixedClock) -> None:
    link_chat(app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    # Down all of Monday 03/04; started on Tuesday 04/04 at 10:15.
    at(app, clock, 2023, 4, 4, 10, 15)
    service = build_reminder_service(app, {"telegram": platform})
    await service.start()
    try:
        assert service.scheduler is not None
        assert service.scheduler.get_job(CATCH_UP_JOB) is not None or service.caught_up.is_set()
        await asyncio.wait_for(service.caught_up.wait(), timeout=20)
        await asyncio.wait_for(service.reminders.idle(), timeout=20)
    finally:
        await service.stop()
    rows = store.outbox_rows(app.engine)
    assert [(r.day.isoformat(), r.state) for r in rows] == [("2023-04-04", "sent")]
    assert [c for c, _ in platform.sent] == ["t-cb04"]
    assert "Nhắc việc ngày 04/04/2023" in platform.sent[0][1].text

    # Restarted again the same day: no second catch-up, nothing sent twice.
    again = build_reminder_service(app, {"telegram": platform})
    await again.start()
    try:
        assert again.scheduler is not None
        assert again.scheduler.get_job(CATCH_UP_JOB) is None
    finally:
        await again.stop()
    assert len(platform.sent) == 1


def test_run_starts_the_reminder_service(app: App) -> None:
    services = build_services(app)
    assert [s.name for s in services if isinstance(s, ReminderService)] == ["reminders"]
