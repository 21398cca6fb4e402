"""Send pacing for a messenger with per-chat and overall limits (Telegram's: about 30 messages
a second overall, 1 a second to one private chat, 20 a minute to one group).

python-telegram-bot's AIORateLimiter does not pace messages to one private chat, so this small
limiter does all three. Time is injected (`clock`, `sleep`) so tests run without waiting.

Each limit keeps a safety margin: Telegram counts a message when it arrives, not when we let it
go, and two messages leave a few milliseconds apart may arrive closer together. Booking the 31st
message exactly 1.000 s after the first got a 429 whenever the first had travelled a little
slower. So a window's next slot is `margin` seconds after the oldest one leaves it, and the
overall limit also spaces messages evenly (`spacing`) instead of letting 30 go in a burst that
queues on the way: 30 messages per 1.08 s, 27.8 a second sustained."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class SlidingWindow:
    """At most `limit` events in any `period` seconds. Slots are reserved ahead, in order,
    so concurrent senders queue up instead of all retrying at once."""

    def __init__(
        self, limit: int, period: float, margin: float = 0.0, spacing: float = 0.0
    ) -> None:
        """`margin`: seconds added to `period` before a slot counts as gone; `spacing`: the
        least time between two slots."""
        self.limit = limit
        self.period = period
        self.margin = margin
        self.spacing = spacing
        self._times: deque[float] = deque(maxlen=limit)

    def reserve(self, now: float) -> float:
        """Book the earliest slot at or after `now` and return its time."""
        at = now
        if self._times:
            at = max(at, self._times[-1] + self.spacing)
            if len(self._times) == self.limit:
                at = max(at, self._times[0] + self.period + self.margin)
        self._times.append(at)
        return at

    def settle(self, booked: float, actual: float) -> None:
        """The slot booked for `booked` was used at `actual` (later: it also waited for another
        limit); count it from then."""
        if actual <= booked:
            return
        for n, at in enumerate(self._times):
            if at == booked:
                self._times[n] = actual
                return

    def idle_since(self, now: float) -> bool:
        """No booked slot still counts at `now`: the window can be forgotten."""
        return not self._times or self._times[-1] + self.period + self.margin <= now


# Safety margins (seconds) past each of Telegram's windows: wider than the jitter between two
# messages' trips on a loaded host, small enough to keep the overall rate above 27 a second.
OVERALL_MARGIN = 0.08
PRIVATE_MARGIN = 0.1
GROUP_MARGIN = 1.0


class SendLimiter:
    """Waits, before each message, until every limit that applies allows it."""

    def __init__(
        self,
        overall_per_second: int = 30,
        private_per_second: int = 1,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        overall_period = 1.0 + OVERALL_MARGIN
        self._overall = SlidingWindow(
            overall_per_second,
            1.0,
            OVERALL_MARGIN,
            spacing=overall_period / max(1, overall_per_second),
        )
        self._private = (private_per_second, 1.0, PRIVATE_MARGIN)
        self._group = (group_per_minute, 60.0, GROUP_MARGIN)
        self._chats: dict[str, SlidingWindow] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._since_prune = 0

    @staticmethod
    def is_group(chat_id: str) -> bool:
        """Telegram group and supergroup ids are negative, private chats positive."""
        return chat_id.startswith("-")

    async def acquire(self, chat_id: str) -> None:
        """Return when a message to `chat_id` may go out."""
        window = self._chats.get(chat_id)
        if window is None:
            limit, period, margin = self._group if self.is_group(chat_id) else self._private
            window = self._chats[chat_id] = SlidingWindow(limit, period, margin)
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        # One message of a chat books at a time: the next books once this one has left.
        async with lock:
            booked = window.reserve(self.clock())
            await self._wait_until(booked)
            # The overall slot is taken only once the chat's own turn has come, so a chat
            # held back by its own limit does not hold back the others.
            overall = self._overall.reserve(self.clock())
            await self._wait_until(overall)
            # Each window counts the message from when it really leaves: after a wait for the
            # overall slot, or a wake-up made late by a busy host, the next messages keep
            # their whole period from then.
            now = self.clock()
            window.settle(booked, now)
            self._overall.settle(overall, now)
        self._prune()

    async def _wait_until(self, at: float) -> None:
        delay = at - self.clock()
        if delay > 0:
            await self.sleep(delay)

    def _prune(self) -> None:
        self._since_prune += 1
        if self._since_prune < 1000:
            return
        self._since_prune = 0
        now = self.clock()
        for chat_id in [c for c, w in self._chats.items() if w.idle_since(now)]:
            lock = self._locks.get(chat_id)
            if lock is None or not lock.locked():
                del self._chats[chat_id]
                self._locks.pop(chat_id, None)
