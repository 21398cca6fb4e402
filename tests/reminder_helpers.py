"""Helpers for the reminder tests: a fake messaging platform at the edge, and small builders.

`FakePlatform` stands in for Telegram's or Zalo's servers (the external edge): it implements
the Messenger protocol, records what it was asked to deliver and can fail on demand."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime

from bot.messages import Reply
from bot.messenger import DeliveryError
from nhacviec.app import App, build_reminders
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from scheduler.service import Reminders


class FakePlatform:
    """A messaging platform that accepts messages, or fails with the errors queued."""

    def __init__(
        self,
        channel: str = "telegram",
        max_text: int = 4096,
        supports_buttons: bool = True,
        failures: list[DeliveryError] | None = None,
    ) -> None:
        self.channel = channel
        self.max_text = max_text
        self.supports_buttons = supports_buttons
        self.failures = list(failures or [])
        self.always_fail: DeliveryError | None = None
        self.sent: list[tuple[str, Reply]] = []
        self.calls = 0
        self.before_send: Callable[[], object] | None = None
        self._lock = threading.Lock()

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.calls += 1
        if self.before_send is not None:
            waited = self.before_send()
            if asyncio.iscoroutine(waited):
                await waited
        if self.always_fail is not None:
            raise self.always_fail
        if self.failures:
            raise self.failures.pop(0)
        assert len(reply.text) <= self.max_text
        with self._lock:
            self.sent.append((chat_id, reply))
            return f"{self.channel}-{len(self.sent)}"

    def texts_to(self, chat_id: str) -> list[str]:
        return [r.text for c, r in self.sent if c == chat_id]


def reminders_for(app: App, *platforms: FakePlatform) -> Reminders:
    return build_reminders(app, {p.channel: p for p in platforms})


def set_local(clock: FixedClock, config: Config, moment: datetime) -> None:
    """Move the clock to a local wall time of the office."""
    from zoneinfo import ZoneInfo

    clock.set(moment.replace(tzinfo=ZoneInfo(config.timezone)))
