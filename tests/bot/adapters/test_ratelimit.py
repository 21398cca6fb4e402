"""SendLimiter: Telegram's pacing (1/s per private chat, 20/min per group, 30/s overall)."""

from __future__ import annotations

import asyncio

from bot.adapters.ratelimit import SendLimiter, SlidingWindow
from tests.fakes.virtual_time import VirtualTime


async def grant_times(limiter: SendLimiter, vt: VirtualTime, chats: list[str]) -> list[float]:
    """When each (concurrent) acquire was granted, in virtual time."""
    granted: dict[int, float] = {}

    async def one(n: int, chat: str) -> None:
        await limiter.acquire(chat)
        granted[n] = vt.now

    await asyncio.gather(*(one(n, chat) for n, chat in enumerate(chats)))
    return [granted[n] for n in range(len(chats))]


async def test_concurrent_messages_to_one_private_chat_are_spaced() -> None:
    vt = VirtualTime()
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    times = sorted(await grant_times(limiter, vt, ["501"] * 5))
    assert [round(t - times[0], 6) for t in times] == [0, 1, 2, 3, 4]


async def test_a_chat_held_back_does_not_hold_back_the_others() -> None:
    vt = VirtualTime()
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    times = await grant_times(limiter, vt, ["501", "501", "501", "502", "503"])
    start = min(times)
    assert times[3] - start < 0.5 and times[4] - start < 0.5


async def test_group_allows_a_burst_of_twenty_then_waits_a_minute() -> None:
    vt = VirtualTime()
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    times = sorted(await grant_times(limiter, vt, ["-100777"] * 21))
    assert times[19] - times[0] < 1.0
    assert times[20] - times[0] >= 60.0


async def test_overall_thirty_a_second() -> None:
    vt = VirtualTime()
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    times = sorted(await grant_times(limiter, vt, [str(1000 + n) for n in range(61)]))
    for n in range(30, 61):
        assert times[n] - times[n - 30] >= 1.0


def test_sliding_window_books_in_order() -> None:
    window = SlidingWindow(2, 10.0)
    assert [window.reserve(0.0) for _ in range(5)] == [0.0, 0.0, 10.0, 10.0, 20.0]
    assert not window.idle_since(25.0)
    assert window.idle_since(30.0)
