"""The clock is injected everywhere, so tests can run a whole year in seconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Tells the current instant, time-zone aware."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: for tests, the demo and `--on DATE`."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    @classmethod
    def on(cls, day: date, tz: str = "Asia/Ho_Chi_Minh", at: time = time(9, 0)) -> FixedClock:
        return cls(datetime.combine(day, at, tzinfo=ZoneInfo(tz)))

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def local_today(clock: Clock, tz: str) -> date:
    """Today's date in the office's time zone."""
    return clock.now().astimezone(ZoneInfo(tz)).date()
