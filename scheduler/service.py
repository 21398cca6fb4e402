"""Reminders inside `nhacviec run`: APScheduler 3 runs the daily scan at [schedule] daily_at
(local time) and the dispatcher every few seconds.

APScheduler keeps its jobs in memory only: what was scanned and sent lives in our own tables,
so a restart decides from the database whether today's scan is still owed (the catch-up), and
the outbox's unique key keeps a second instance or a second scan from sending twice."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from nhacviec.base import texts
from nhacviec.base.clock import Clock
from rules.calendar import WorkingCalendar
from rules.hours import catch_up_at
from scheduler.dispatch import Dispatcher, DispatchReport
from scheduler.scan import Scanner, ScanResult
from storage import outbox as store
from storage.db import Engine

log = logging.getLogger(__name__)

SCAN_JOB = "reminders-daily-scan"
CATCH_UP_JOB = "reminders-catch-up"
DISPATCH_JOB = "reminders-dispatch"
LEADER_JOB = "reminders-outbox-leader"
STOP_TIMEOUT_SECONDS = 30.0


class Reminders:
    """The scan and the dispatcher of one app, with the messengers enabled in this process."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        calendar: WorkingCalendar,
        timezone: str,
        daily_at: time,
        scanner: Scanner,
        dispatcher: Dispatcher,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.calendar = calendar
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        self.daily_at = daily_at
        self.scanner = scanner
        self.dispatcher = dispatcher
        self.messengers = dispatcher.messengers
        self._scan_lock = asyncio.Lock()
        self._dispatch_lock = asyncio.Lock()

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.tz)

    def catch_up_at(self) -> datetime | None:
        """When today's missed scan should run (rules.hours.catch_up_at): None if today owes
        none (a day off, before daily_at, scanned already) or only after today's office hours;
        else now, or later today once the quiet hours end. Decided from the database."""
        now = self.local_now()
        if now.time() < self.daily_at or not self.calendar.is_working_day(now.date()):
            return None  # no need to ask the database
        scanned = store.scanned_on(self.engine, now.date())
        return catch_up_at(now, self.daily_at, scanned, self.calendar, self.dispatcher.quiet)

    def needs_catch_up(self) -> bool:
        """True if today is a working day, it is past daily_at, no scan of today is in the
        database (the process was down at daily_at) and messages may leave now. Only today is
        caught up, never a past day, and never at night."""
        moment = self.catch_up_at()
        return moment is not None and moment <= self.local_now()

    async def scan(self, day: date | None = None, trigger: str = "schedule") -> ScanResult:
        """One scan, never two at once in this process (the outbox key covers other ones)."""
        async with self._scan_lock:
            return await asyncio.to_thread(self.scanner.run, day, trigger)

    async def dispatch(self) -> DispatchReport:
        async with self._dispatch_lock:
            return await self.dispatcher.dispatch_due()

    async def scan_and_dispatch(self, trigger: str = "schedule") -> DispatchReport:
        await self.scan(trigger=trigger)
        return await self.dispatch()

    async def idle(self) -> None:
        """Wait until no scan and no dispatch is running."""
        async with self._scan_lock, self._dispatch_lock:
            return


def _skip_busy_runs(record: logging.LogRecord) -> bool:
    return "maximum number of running instances reached" not in record.getMessage()


class ReminderService:
    """The Service that `nhacviec run` starts: the scheduler with its two jobs."""

    name = "reminders"

    def __init__(self, reminders: Reminders, dispatch_every_seconds: int = 30) -> None:
        self.reminders = reminders
        self.dispatch_every_seconds = dispatch_every_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self.caught_up = asyncio.Event()  # set when a catch-up scan has finished

    async def start(self) -> None:
        # APScheduler logs every run at INFO: a line every 30 s from the dispatcher is noise;
        # so is a warning each time a run is skipped because the previous one is still sending.
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.scheduler").addFilter(_skip_busy_runs)
        tz = self.reminders.tz
        at = self.reminders.daily_at
        scheduler = AsyncIOScheduler(timezone=tz)
        scheduler.add_job(
            self.reminders.scan_and_dispatch,
            CronTrigger(hour=at.hour, minute=at.minute, timezone=tz),
            id=SCAN_JOB,
            name=texts.JOB_DAILY_SCAN,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
            replace_existing=True,
        )
        scheduler.add_job(
            self.reminders.dispatch,
            IntervalTrigger(seconds=max(1, self.dispatch_every_seconds), timezone=tz),
            id=DISPATCH_JOB,
            name=texts.JOB_DISPATCH,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(tz),  # deliver what a previous run left at once
            replace_existing=True,
        )
        # The outbox leadership is renewed between dispatch runs too, so that it does not
        # lapse (and pass to another instance) while this one waits for its next run.
        scheduler.add_job(
            self._lead,
            IntervalTrigger(seconds=self.reminders.dispatcher.heartbeat_seconds, timezone=tz),
            id=LEADER_JOB,
            name=texts.JOB_LEAD,
            max_instances=1,
            coalesce=True,
            replace_existing=True,
        )
        catch_up = await asyncio.to_thread(self.reminders.catch_up_at)
        if catch_up is not None:
            later = catch_up > self.reminders.local_now()
            log.info(
                "today's reminder scan has not run: catching up %s",
                f"at {catch_up:%H:%M} (office hours)" if later else "now",
            )
            scheduler.add_job(
                self._catch_up,
                # Later today: the wall clock's moment (APScheduler runs on real time).
                DateTrigger(run_date=catch_up, timezone=tz) if later else None,
                id=CATCH_UP_JOB,
                name=texts.JOB_CATCH_UP,
                max_instances=1,
                replace_existing=True,
            )
        scheduler.start()
        self.scheduler = scheduler

    async def _lead(self) -> None:
        """Keep (or take) the outbox leadership; having just taken it over, dispatch at once
        rather than at the next tick: the dead leader's messages are due."""
        dispatcher = self.reminders.dispatcher
        was_leading = dispatcher.leading
        if await dispatcher.lead() and not was_leading and self.scheduler is not None:
            job = self.scheduler.get_job(DISPATCH_JOB)
            if job is not None:
                job.modify(next_run_time=datetime.now(self.reminders.tz))

    async def _catch_up(self) -> None:
        try:
            await self.reminders.scan_and_dispatch(trigger="catch-up")
        finally:
            self.caught_up.set()

    async def stop(self) -> None:
        """No new job; let a running scan or dispatch finish (a send cut in half could be
        sent again after the lease), then stop."""
        if self.scheduler is None or not self.scheduler.running:
            return
        self.scheduler.pause()
        try:
            await asyncio.wait_for(self.reminders.idle(), STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("reminders still busy after %.0f s; stopping anyway", STOP_TIMEOUT_SECONDS)
        self.scheduler.shutdown(wait=False)
        self.scheduler = None
        await self.reminders.dispatcher.resign()
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a loop callback: let it run
