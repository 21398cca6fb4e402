"""`nhacviec run`: the long-running process, every enabled service in one asyncio loop.

Each messenger adapter (Telegram, Zalo) and the reminder scheduler is a Service; the messengers
are also handed to the reminder dispatcher, keyed by channel."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from bot.messenger import Messenger
from nhacviec.app import App

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

        telegram = TelegramService(app.config.telegram, app.chat)
        messengers[telegram.messenger.channel] = telegram.messenger
        services.append(telegram)
    return messengers, services


def build_services(app: App) -> list[Service]:
    """Everything `nhacviec run` starts, from the config."""
    from scheduler.service import ReminderService

    messengers, services = build_messengers(app)
    # Reminders run even with no messenger enabled: the outbox is filled for the linked
    # chats and delivered once their messenger is turned on (same day) or by another instance.
    services.append(ReminderService(app, messengers))
    if app.config.web.enabled:
        from nhacviec.web.server import WebService

        services.append(WebService(app.web))
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


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (call from inside the running loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(app: App) -> None:
    """Run until SIGINT or SIGTERM."""
    services = build_services(app)
    if not services:
        log.warning("no service enabled: turn on [telegram] or [zalo] in the config")
    await run_services(services, stop_on_signals())
