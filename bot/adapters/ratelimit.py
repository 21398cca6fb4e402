"""Send pacing for a messenger with per-chat and overall limits (Telegram's: about 30 messages
a second overall, 1 a second to one private chat, 20 a minute to one group).

python-telegram-bot's AIORateLimiter does not pace messages to one private chat, so this small
limiter does all three. Time is injected (`clock`, `sleep`) so tests run without waiting."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class SlidingWindow:
    """At most `limit` events in any `period` seconds. Slots are reserved ahead, in order,
    so concurrent senders queue up instead of all retrying at once."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque(maxlen=limit)

    def reserve(self, now: float) -> float:
        """Book the earliest slot at or after `now` and return its time."""
        at = now
        if self._times:
            at = max(at, self._times[-1])
            if len(self._times) == self.limit:
                at = max(at, self._times[0] + self.period)
        self._times.append(at)
        return at

    def idle_since(self, now: float) -> bool:
        """No booked slot still counts at `now`: the window can be forgotten."""
        return not self._times or self._times[-1] + self.period <= now


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
        self._overall = SlidingWindow(overall_per_second, 1.0)
        self._private = (private_per_second, 1.0)
        self._group = (group_per_minute, 60.0)
        self._chats: dict[str, SlidingWindow] = {}
        self._since_prune = 0

    @staticmethod
    def is_group(chat_id: str) -> bool:
        """Telegram group and supergroup ids are negative, private chats positive."""
        return chat_id.startswith("-")

    async def acquire(self, chat_id: str) -> None:
        """Return when a message to `chat_id` may go out."""
        window = self._chats.get(chat_id)
        if window is None:
            limit, period = self._group if self.is_group(chat_id) else self._private
            window = self._chats[chat_id] = SlidingWindow(limit, period)
        await self._wait_until(window.reserve(self.clock()))
        # The overall slot is taken only once the chat's own turn has come, so a chat held
        # back by its own limit does not hold back the others.
        await self._wait_until(self._overall.reserve(self.clock()))
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
            del self._chats[chat_id]
