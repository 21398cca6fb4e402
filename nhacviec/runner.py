"""`nhacviec run`: the long-running process, every service in one asyncio loop.

Each messenger adapter (Telegram, Zalo) and the reminder scheduler is a Service, built by the
composition root (nhacviec.app); this module only starts them, waits, and stops them."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

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
