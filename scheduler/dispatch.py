"""The outbox dispatcher: delivers pending rows through the messenger of each row's channel.

One instance dispatches at a time: the leader, elected through the database (a leader lease
renewed while it lives, see storage/leases.py). Telegram's limits are the bot's, not a
process's, and one process at the ceiling is all a bot may send; so one dispatcher paces every
message in memory (bot/adapters/ratelimit.py) instead of asking the database before each one.
The other instances stand by and take over within `lease_seconds` of the leader's death; the
new leader first waits out the old one's last second of sends, still counted by the platform.

A row is claimed atomically before it is sent, so two dispatchers never send it twice (even in
the moment of a handover). Its lease is renewed while the batch runs and checked right before
each send; each part of a split digest is recorded as soon as the platform accepts it, so a
retry resumes after it. A claim is not an attempt: `attempts` counts failed sends. A failed
send is retried with exponential back-off (never sooner than the platform's `retry_after`) until
`max_attempts`; then, or at once for a permanent error, the row is left `failed` with the last
error. A row of an earlier day still unsent is expired, not sent late: today's digest
supersedes it.

A send cut short (a timeout, the process killed while its request was out) may have been
delivered all the same: the platform does not say, and has no idempotency key. The row is sent
again after the back-off or the lease, so such a message can arrive twice; nothing else can."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.messenger import DeliveryError, Messenger
from nhacviec.base import texts
from nhacviec.base.clock import Clock, local_today
from nhacviec.base.config import OutboxConfig
from nhacviec.base.logs import mask
from nhacviec.base.retry import Backoff
from rules.calendar import WorkingCalendar
from rules.hours import QuietHours, next_allowed
from scheduler.digest import decode, to_reply
from storage import leases
from storage import outbox as store
from storage.db import Engine

log = logging.getLogger(__name__)

EXPIRED_REASON = texts.OUTBOX_EXPIRED
LEADER_LEASE = "outbox-dispatch"
# The platform's widest overall window (Telegram: 30 messages in any second) and a margin: a new
# leader waits this long after the previous leader's lease ran out before its first send.
HANDOVER_SECONDS = 1.1
_holder: tuple[int, str] | None = None


def process_holder() -> str:
    """This process, as the leader lease names it (`host:pid:random`): two Dispatchers of one
    process (tests) share it; a forked child gets its own."""
    global _holder
    if _holder is None or _holder[0] != os.getpid():
        name = f"{socket.gethostname()[:48]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        _holder = (os.getpid(), name)
    return _holder[1]


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    lost: int = 0  # rows whose lease ran out while sending (another dispatcher took over)
    standby: bool = False  # another instance leads: this one sent nothing
    held_until: datetime | None = None  # quiet hours: nothing sent before this moment

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.expired += other.expired
        self.lost += other.lost
        self.standby = self.standby or other.standby

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.lost


def backoff(attempt: int, config: OutboxConfig, retry_after: float | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, …): base · 2^(attempt-1)
    capped at max_delay, and never less than what the platform asked for."""
    policy = Backoff(config.max_attempts, config.base_delay_seconds, config.max_delay_seconds)
    return policy.delay(attempt, retry_after)


class Dispatcher:
    """Delivers due outbox rows while this instance leads; safe to run in several processes
    against one database."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        messengers: Mapping[str, Messenger],
        config: OutboxConfig,
        timezone: str,
        batch: int = 50,
        # Sends in flight at once: the limiter paces them, but one waiting out a 429 or a
        # timeout must not hold the others back.
        concurrency: int = 16,
        secrets: list[str] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        holder: str | None = None,
        calendar: WorkingCalendar | None = None,
        quiet: QuietHours | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.messengers = dict(messengers)
        self.config = config
        self.timezone = timezone
        self.batch = batch
        self.concurrency = concurrency
        self.secrets = secrets or []
        self.sleep = sleep
        self.holder = holder or process_holder()
        # Office hours (rules.hours): without a calendar, messages may leave at any time.
        self.calendar = calendar
        self.quiet = quiet or QuietHours()
        self.instance = uuid.uuid4().hex[:12]
        self._leader_until: datetime | None = None
        self._quiet_until: datetime | None = None

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.config.lease_seconds)

    @property
    def heartbeat_seconds(self) -> float:
        """How often a running batch renews its leases: three times per lease."""
        return max(0.05, self.config.lease_seconds / 3)

    # -- leadership ------------------------------------------------------------------------

    async def lead(self) -> bool:
        """Take or renew the dispatch leadership; True while this instance leads."""
        if not self.messengers:
            return False  # nothing to send with: leave it to an instance that can
        now = self.clock.now()
        try:
            lease = await asyncio.to_thread(
                leases.hold, self.engine, LEADER_LEASE, self.holder, now, self.lease
            )
        except Exception:
            log.exception("could not renew the outbox leadership")
            return self.leading
        if lease.held:
            if self._leader_until is None:
                log.info("this instance now dispatches the outbox (%s)", self.holder)
            if lease.previous_expiry is not None:
                self._quiet_until = max(
                    lease.previous_expiry, now - timedelta(seconds=HANDOVER_SECONDS)
                ) + timedelta(seconds=HANDOVER_SECONDS)
            self._leader_until = lease.expires_at
        else:
            if self._leader_until is not None:
                log.warning("outbox leadership lost to %s", lease.holder)
            self._leader_until = None
        return lease.held

    @property
    def leading(self) -> bool:
        """Whether this instance's leadership is still good by its own clock."""
        return self._leader_until is not None and self.clock.now() < self._leader_until

    async def resign(self) -> None:
        """A clean stop: another instance may take over at once."""
        if self._leader_until is None:
            return
        self._leader_until = None
        with contextlib.suppress(Exception):
            await asyncio.to_thread(
                leases.release, self.engine, LEADER_LEASE, self.holder, self.clock.now()
            )

    # -- office hours ----------------------------------------------------------------------

    def next_allowed(self, moment: datetime) -> datetime:
        """The first moment at or after `moment` a message nhacviec starts may leave."""
        if self.calendar is None:
            return moment
        local = moment.astimezone(ZoneInfo(self.timezone))
        return next_allowed(local, self.calendar, self.quiet)

    # -- dispatching -----------------------------------------------------------------------

    async def dispatch_once(self) -> DispatchReport:
        """Claim one batch of due rows and deliver it (only while leading)."""
        return await self.dispatch_due(max_batches=1)

    async def dispatch_due(self, max_batches: int = 10_000) -> DispatchReport:
        """Deliver every row due now (not those waiting for a later retry), while leading.

        Rows are claimed a batch at a time and sent `concurrency` at once; the next batch is
        claimed as soon as the last one has all started, so one slow send (a timeout, a 429's
        wait) holds back only its own slot, never the batch."""
        report = DispatchReport()
        channels = sorted(self.messengers)
        if not channels:
            return report
        now = self.clock.now()
        allowed = self.next_allowed(now)
        if allowed > now:
            # Outside office hours every row waits, retries and notices too; an earlier day's
            # digest is expired at the next allowed moment (that day's own scan replaces it).
            report.held_until = allowed
            return report
        if not await self.lead():
            report.standby = True
            return report
        await self._wait_for_previous_leader()
        now = self.clock.now()
        report.expired = await asyncio.to_thread(
            store.expire_stale,
            self.engine,
            channels,
            local_today(self.clock, self.timezone),
            now,
            self.lease,
            EXPIRED_REASON,
        )
        # Each batch is claimed under a token of its own (a claim returns that batch's rows);
        # the heartbeat renews every batch of the run by the run's prefix.
        run = f"{self.instance}-{uuid.uuid4().hex[:8]}-"
        waiting: deque[tuple[store.Claimed, str]] = deque()
        turns: dict[tuple[str, str], asyncio.Lock] = {}
        running: set[asyncio.Task[DispatchReport]] = set()
        batches, exhausted = 0, False
        heartbeat = asyncio.create_task(self._heartbeat(run), name="outbox-heartbeat")
        try:
            while True:
                if not waiting and not exhausted:
                    if batches >= max_batches or not self.leading:
                        exhausted = True
                    else:
                        token = f"{run}{batches}"
                        rows = await asyncio.to_thread(
                            store.claim,
                            self.engine,
                            channels,
                            self.clock.now(),
                            self.lease,
                            self.batch,
                            token,
                        )
                        batches += 1
                        waiting.extend((row, token) for row in rows)
                        exhausted = not rows
                while waiting and len(running) < self.concurrency:
                    row, token = waiting.popleft()
                    running.add(asyncio.create_task(self._in_turn(row, token, turns)))
                if not running:
                    break
                if waiting or exhausted:
                    done, running = await asyncio.wait(
                        running, return_when=asyncio.FIRST_COMPLETED
                    )
                    for task in done:
                        report.add(task.result())
        finally:
            for task in running:
                task.cancel()
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        return report

    async def _in_turn(
        self, row: store.Claimed, token: str, turns: dict[tuple[str, str], asyncio.Lock]
    ) -> DispatchReport:
        """Rows to one chat go one after the other, in the order claimed (a new task's notice
        before its cancellation); rows to different chats at once. asyncio's Lock is fair, and
        each row's task asks for it before its first await."""
        # `turns` lives for one run only: at most one small lock per chat of the run.
        async with turns.setdefault((row.channel, row.chat_id), asyncio.Lock()):
            return await self._deliver(row, token)

    async def _wait_for_previous_leader(self) -> None:
        """A new leader's first send waits until the previous leader's last ones have left
        the platform's window."""
        if self._quiet_until is None:
            return
        wait = (self._quiet_until - self.clock.now()).total_seconds()
        self._quiet_until = None
        if wait > 0:
            log.info("waiting %.1f s for the previous dispatcher's last sends", wait)
            await self.sleep(wait)

    async def _heartbeat(self, run: str) -> None:
        """While a run lasts: renew its rows' leases and the leadership."""
        while True:
            await self.sleep(self.heartbeat_seconds)
            try:
                await asyncio.to_thread(store.renew_claims, self.engine, run, self.clock.now())
            except Exception:
                log.exception("could not renew the outbox leases")
            await self.lead()

    async def _may_send(self, row: store.Claimed, token: str) -> bool:
        """Right before a send: this instance still leads and still holds the row's lease,
        and the quiet hours have not begun since the batch was claimed."""
        now = self.clock.now()
        if self.next_allowed(now) > now:
            log.info("outbox %d: quiet hours began, handed back unsent", row.id)
            await asyncio.to_thread(store.unclaim, self.engine, row.id, token)
            return False
        if not self.leading:
            log.warning("outbox %d: no longer leading, handed back unsent", row.id)
            await asyncio.to_thread(store.unclaim, self.engine, row.id, token)
            return False
        held = await asyncio.to_thread(
            store.hold_claim, self.engine, row.id, token, self.clock.now(), self.lease
        )
        if not held:
            log.warning("outbox %d: lease lost before sending", row.id)
        return held

    async def _deliver(self, row: store.Claimed, token: str) -> DispatchReport:
        report = DispatchReport()
        messenger = self.messengers[row.channel]
        parts = decode(row.text, row.payload)
        ids = [i for i in row.message_ids.split(",") if i]
        last = len(parts) - 1
        for index in range(row.parts_sent, len(parts)):
            if not await self._may_send(row, token):
                report.lost += 1
                return report
            try:
                reply = to_reply(parts[index], messenger.supports_buttons)
                message_id = await messenger.send(row.chat_id, reply)
            except DeliveryError as err:
                await self._failure(row, token, err, report)
                return report
            except Exception as exc:  # a bug or an unwrapped network error: retry it
                log.exception("outbox %d: send failed on %s", row.id, row.channel)
                await self._failure(row, token, DeliveryError(repr(exc)), report)
                return report
            ids.append(str(message_id))
            if index == last:
                break
            kept = await asyncio.to_thread(
                store.record_part, self.engine, row.id, token, index + 1, ",".join(ids)
            )
            if not kept:
                log.warning("outbox %d: lease lost while sending", row.id)
                report.lost += 1
                return report
        done = await asyncio.to_thread(
            store.mark_sent,
            self.engine,
            row.id,
            token,
            self.clock.now(),
            len(parts),
            ",".join(ids),
        )
        if done:
            report.sent += 1
        else:
            report.lost += 1
        return report

    async def _failure(
        self, row: store.Claimed, token: str, err: DeliveryError, report: DispatchReport
    ) -> None:
        error = mask(str(err), self.secrets)[:500]
        attempt = row.attempts + 1  # this failed send
        if err.permanent or attempt >= self.config.max_attempts:
            await self._fail(row, token, error, attempt, report)
            return
        delay = backoff(attempt, self.config, err.retry_after)
        # A retry that would fall in the quiet hours waits for the next allowed moment.
        at = self.next_allowed(self.clock.now() + timedelta(seconds=delay))
        log.warning(
            "outbox %d to %s: attempt %d failed (%s), retry in %.0f s",
            row.id,
            row.channel,
            attempt,
            error,
            delay,
        )
        if await asyncio.to_thread(store.mark_retry, self.engine, row.id, token, at, error):
            report.retried += 1
        else:
            report.lost += 1

    async def _fail(
        self, row: store.Claimed, token: str, error: str, attempt: int, report: DispatchReport
    ) -> None:
        log.error(
            "outbox %d to %s: gave up after %d attempts: %s",
            row.id,
            row.channel,
            attempt,
            error,
        )
        if await asyncio.to_thread(store.mark_failed, self.engine, row.id, token, error):
            report.failed += 1
        else:
            report.lost += 1
