"""`nhacviec run`: the long-running process, every enabled service in one asyncio loop.

Each messenger adapter (Telegram, Zalo) and the reminder scheduler is a Service; the messengers
are also handed to the reminder dispatcher, keyed by channel.

Several instances may share one PostgreSQL database. Telegram lets one process poll a bot
(a second one gets 409 Conflict), so in polling mode the instance holding a PostgreSQL advisory
lock polls and the others try to take the lock over every `takeover_seconds`; the server frees
it the moment its holder's session ends. Webhook mode needs no lock: any instance behind the
load balancer handles what it is given."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from typing import TYPE_CHECKING, Protocol

from bot.messenger import Messenger
from nhacviec.app import App
from storage.leases import AdvisoryLock

if TYPE_CHECKING:
    from bot.adapters.telegram.service import TelegramService

log = logging.getLogger(__name__)


class Service(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_messengers(app: App) -> tuple[dict[str, Messenger], list[Service]]:
    """The enabled messengers (by channel) and the services that receive their updates."""
    messengers: dict[str, Messenger] = {}
    services: list[Service] = []
    if app.config.zalo.enabled:
        from bot.adapters.zalo.service import build_zalo

        zalo_messenger, zalo_service = build_zalo(app.config.zalo, app.chat)
        messengers[zalo_messenger.channel] = zalo_messenger
        services.append(zalo_service)

    if app.config.telegram.enabled:
        from bot.adapters.telegram.service import TelegramService

        gated = app.config.telegram.mode == "polling" and app.engine.dialect.name == "postgresql"
        telegram = TelegramService(app.config.telegram, app.chat, poll=not gated)
        messengers[telegram.messenger.channel] = telegram.messenger
        services.append(telegram)
        if gated:
            services.append(PollingLeader(telegram, app))
    return messengers, services


def polling_lock_key(token: str) -> int:
    """The advisory lock of one bot's poller: from the bot's id (the token's public part),
    so every instance of one bot asks for the same lock and two bots never share one."""
    bot_id = token.split(":", 1)[0]
    digest = hashlib.sha256(f"nhacviec:telegram-polling:{bot_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PollingLeader:
    """The instance that holds the polling lock polls Telegram; the others retry the lock
    every `takeover_seconds`, and check that they still hold it as often."""

    name = "telegram-polling"

    def __init__(self, telegram: TelegramService, app: App) -> None:
        self.telegram = telegram
        self.every = max(0.1, app.config.telegram.takeover_seconds)
        self.lock = AdvisoryLock(app.engine, polling_lock_key(app.config.telegram.token))
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


def build_services(app: App) -> list[Service]:
    """Everything `nhacviec run` starts, from the config."""
    from scheduler.service import ReminderService

    messengers, services = build_messengers(app)
    # Reminders run even with no messenger enabled: the outbox is filled for the linked
    # chats and delivered once their messenger is turned on (same day) or by another instance.
    services.append(ReminderService(app, messengers))
    return services


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


async def serve(app: App) -> None:
    """Run until SIGINT or SIGTERM."""
    services = build_services(app)
    if not services:
        log.warning("no service enabled: turn on [telegram] or [zalo] in the config")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_services(services, stop)
