"""SendLimiter: Telegram's pacing (1/s per private chat, 20/min per group, 30/s overall)."""

from __future__ import annotations

import asyncio
import itertools

from bot.adapters.ratelimit import (
    GROUP_MARGIN,
    OVERALL_MARGIN,
    PRIVATE_MARGIN,
    SendLimiter,
    SlidingWindow,
)
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
    step = 1.0 + PRIVATE_MARGIN  # one a second, and the margin
    assert [round(t - times[0], 6) for t in times] == [round(n * step, 6) for n in range(5)]


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
    assert times[20] - times[0] >= 60.0 + GROUP_MARGIN


async def test_overall_thirty_a_second() -> None:
    vt = VirtualTime()
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    times = sorted(await grant_times(limiter, vt, [str(1000 + n) for n in range(61)]))
    for n in range(30, 61):
        # Never 31 in a second as Telegram counts them, even if the first arrived late.
        assert times[n] - times[n - 30] >= 1.0 + OVERALL_MARGIN - 1e-9
    # Spaced evenly, not in bursts, and still above 27 a second.
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) > 0.03
    assert 60 / (times[60] - times[0]) >= 27.0


async def test_the_31st_message_is_not_booked_at_exactly_one_second() -> None:
    """The bug of issue 17: 30 messages in a burst, the 31st at 1.000 s after the first."""
    window = SlidingWindow(30, 1.0, margin=0.08)
    times = [window.reserve(0.0) for _ in range(31)]
    assert times[:30] == [0.0] * 30 and times[30] == 1.08


def test_sliding_window_books_in_order() -> None:
    window = SlidingWindow(2, 10.0)
    assert [window.reserve(0.0) for _ in range(5)] == [0.0, 0.0, 10.0, 10.0, 20.0]
    spaced = SlidingWindow(2, 10.0, margin=1.0, spacing=3.0)
    assert [spaced.reserve(0.0) for _ in range(4)] == [0.0, 3.0, 11.0, 14.0]
    assert not window.idle_since(25.0)
    assert window.idle_since(30.0)


async def test_a_chat_counts_from_when_its_message_really_left() -> None:
    """Two parts to one chat behind a queue for the overall slot: the second part waits a
    whole period (and the margin) after the first really went, not after its booking."""
    vt = VirtualTime()
    limiter = SendLimiter(clock=vt.clock, sleep=vt.sleep)
    others = [str(2000 + n) for n in range(29)]
    times = await grant_times(limiter, vt, [*others, "501", "501"])
    first, second = times[-2], times[-1]
    assert first > 0.5  # it queued behind the 29 others for the overall limit
    assert second - first >= 1.0 + PRIVATE_MARGIN - 1e-9


async def test_a_late_wake_up_pushes_the_window_on() -> None:
    """The host was busy and a message left 0.3 s after its slot: the 30th message after it
    still keeps a whole second (and the margin) from when it really left."""
    now = [0.0]
    sleeps = [0]

    async def sleep(delay: float) -> None:
        sleeps[0] += 1
        # The sixth message waits for its overall slot (the first one did not wait) and its
        # process is scheduled again 0.3 s late.
        now[0] += delay + (0.3 if sleeps[0] == 5 else 0.0)

    limiter = SendLimiter(clock=lambda: now[0], sleep=sleep)
    left = []
    for n in range(40):
        await limiter.acquire(str(3000 + n))
        left.append(now[0])
    assert left[5] - left[4] > 0.3
    assert left[35] - left[5] >= 1.0 + OVERALL_MARGIN - 1e-9
