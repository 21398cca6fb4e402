"""The outbox dispatcher: delivers pending rows through the messenger of each row's channel.

A row is claimed atomically before it is sent, so two dispatchers never send it twice; each
part of a split digest is recorded as soon as the platform accepts it, so a retry resumes after
it. A failed send is retried with exponential back-off (never sooner than the platform's
`retry_after`) until `max_attempts`; then, or at once for a permanent error, the row is left
`failed` with the last error. A row of an earlier day still unsent is expired, not sent late:
today's digest supersedes it."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.messenger import DeliveryError, Messenger
from nhacviec.base.clock import Clock, local_today
from nhacviec.base.config import OutboxConfig
from nhacviec.base.logs import mask
from nhacviec.base.retry import Backoff
from scheduler.digest import decode, to_reply
from storage import outbox as store
from storage.db import Engine

log = logging.getLogger(__name__)

EXPIRED_REASON = "quá ngày nhắc, đã có bản nhắc mới"


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    lost: int = 0  # rows whose lease ran out while sending (another dispatcher took over)

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.expired += other.expired
        self.lost += other.lost

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.lost


def backoff(attempt: int, config: OutboxConfig, retry_after: float | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, …): base · 2^(attempt-1)
    capped at max_delay, and never less than what the platform asked for."""
    policy = Backoff(config.max_attempts, config.base_delay_seconds, config.max_delay_seconds)
    return policy.delay(attempt, retry_after)


class Dispatcher:
    """Delivers due outbox rows; safe to run in several processes against one database."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        messengers: Mapping[str, Messenger],
        config: OutboxConfig,
        timezone: str,
        batch: int = 50,
        concurrency: int = 4,
        secrets: list[str] | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.messengers = dict(messengers)
        self.config = config
        self.timezone = timezone
        self.batch = batch
        self.concurrency = concurrency
        self.secrets = secrets or []
        self.instance = uuid.uuid4().hex[:12]

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.config.lease_seconds)

    async def dispatch_once(self) -> DispatchReport:
        """Claim one batch of due rows and deliver it."""
        report = DispatchReport()
        channels = sorted(self.messengers)
        if not channels:
            return report
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
        token = f"{self.instance}-{uuid.uuid4().hex[:8]}"
        rows = await asyncio.to_thread(
            store.claim, self.engine, channels, now, self.lease, self.batch, token
        )
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: store.Claimed) -> DispatchReport:
            async with gate:
                return await self._deliver(row, token)

        for outcome in await asyncio.gather(*(one(r) for r in rows)):
            report.add(outcome)
        return report

    async def dispatch_due(self, max_batches: int = 10_000) -> DispatchReport:
        """Deliver every row due now (not those waiting for a later retry)."""
        total = DispatchReport()
        for _ in range(max_batches):
            report = await self.dispatch_once()
            total.add(report)
            if report.handled == 0:
                break
        return total

    async def _deliver(self, row: store.Claimed, token: str) -> DispatchReport:
        report = DispatchReport()
        messenger = self.messengers[row.channel]
        if row.attempts > self.config.max_attempts:
            # Its sender died mid-send too often (the claim counted each time).
            await self._fail(row, token, "hết số lần thử", report)
            return report
        parts = decode(row.text, row.payload)
        ids = [i for i in row.message_ids.split(",") if i]
        for index in range(row.parts_sent, len(parts)):
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
            kept = await asyncio.to_thread(
                store.record_part, self.engine, row.id, token, index + 1, ",".join(ids)
            )
            if not kept:
                log.warning("outbox %d: lease lost while sending", row.id)
                report.lost += 1
                return report
        if await asyncio.to_thread(store.mark_sent, self.engine, row.id, token, self.clock.now()):
            report.sent += 1
        else:
            report.lost += 1
        return report

    async def _failure(
        self, row: store.Claimed, token: str, err: DeliveryError, report: DispatchReport
    ) -> None:
        error = mask(str(err), self.secrets)[:500]
        if err.permanent or row.attempts >= self.config.max_attempts:
            await self._fail(row, token, error, report)
            return
        delay = backoff(row.attempts, self.config, err.retry_after)
        at = self.clock.now() + timedelta(seconds=delay)
        log.warning(
            "outbox %d to %s: attempt %d failed (%s), retry in %.0f s",
            row.id,
            row.channel,
            row.attempts,
            error,
            delay,
        )
        if await asyncio.to_thread(store.mark_retry, self.engine, row.id, token, at, error):
            report.retried += 1
        else:
            report.lost += 1

    async def _fail(
        self, row: store.Claimed, token: str, error: str, report: DispatchReport
    ) -> None:
        log.error(
            "outbox %d to %s: gave up after %d attempts: %s",
            row.id,
            row.channel,
            row.attempts,
            error,
        )
        if await asyncio.to_thread(store.mark_failed, self.engine, row.id, token, error):
            report.failed += 1
        else:
            report.lost += 1
