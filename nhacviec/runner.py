"""`nhacviec run`: the long-running process, every service in one asyncio loop.

Each messenger adapter (Telegram, Zalo) and the reminder scheduler is a Service, built by the
composition root (nhacviec.app); this module only starts them, waits, and stops them.

Several instances may share one PostgreSQL database. Telegram lets one process poll a bot
(a second one gets 409 Conflict), so in polling mode the instance holding a PostgreSQL advisory
lock polls (`PollingLeader`) and the others try to take the lock over every `takeover_seconds`;
the server frees it the moment its holder's session ends. Webhook mode needs no lock: any
instance behind the load balancer handles what it is given."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from typing import TYPE_CHECKING, Protocol

from storage.db import Engine
from storage.leases import AdvisoryLock

if TYPE_CHECKING:
    from bot.adapters.telegram.service import TelegramService

log = logging.getLogger(__name__)


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def run_services(services: list[Service], stop: asyncio.Event) -> None:
    """Start every service, wait for `stop`, then stop them in reverse order."""
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
            log.info("started %s", service.name)
        await stop.wait()
    finally:
        for service in reversed(started):
            try:
                await service.stop()
            except Exception:
                log.exception("stopping %s failed", service.name)


async def serve(services: list[Service]) -> None:
    """Run `services` until SIGINT or SIGTERM."""
    if not services:
        log.warning("no service enabled: turn on [telegram] or [zalo] in the config")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_services(services, stop)


def polling_lock_key(token: str) -> int:
    """The advisory lock of one bot's poller: from the bot's id (the token's public part),
    so every instance of one bot asks for the same lock and two bots never share one."""
    bot_id = token.split(":", 1)[0]
    digest = hashlib.sha256(f"nhacviec:telegram-polling:{bot_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PollingLeader:
    """The instance that holds the polling lock polls Telegram; the others retry the lock
    every `every` seconds, and the holder checks that it still holds it as often."""

    name = "telegram-polling"

    def __init__(
        self, telegram: TelegramService, engine: Engine, token: str, every: float
    ) -> None:
        self.telegram = telegram
        self.every = max(0.1, every)
        self.lock = AdvisoryLock(engine, polling_lock_key(token))
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._turn()  # a lone instance polls from the start
        self._task = asyncio.create_task(self._loop(), name="telegram-polling-leader")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await self._turn()

    async def _turn(self) -> None:
        try:
            if self.lock.held:
                if not await asyncio.to_thread(self.lock.check):
                    log.warning("lost the Telegram polling lock: stopping polling")
                    await self.telegram.stop_polling()
            elif await asyncio.to_thread(self.lock.try_acquire):
                log.info("this instance polls Telegram (the others stand by)")
                await self.telegram.start_polling()
        except Exception:
            log.exception("Telegram polling lock: will try again in %.0f s", self.every)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.telegram.stop_polling()
        await asyncio.to_thread(self.lock.release)
