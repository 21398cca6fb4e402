"""Time that moves only when someone sleeps: pacing and back-off tested without waiting.

Sleepers wake in the order of their wake-up times, and the clock then reads that time; before
each wake-up every task that can run is let run, so concurrent senders see a consistent time."""

from __future__ import annotations

import asyncio
import heapq


class VirtualTime:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._advancer: asyncio.Task[None] | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        if delay <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self.now + delay, self._seq, wake))
        self._seq += 1
        if self._advancer is None or self._advancer.done():
            self._advancer = loop.create_task(self._advance())
        await wake

    async def _advance(self) -> None:
        while self._sleepers:
            for _ in range(50):  # let every task that can run now, run
                await asyncio.sleep(0)
            if not self._sleepers:
                return
            at, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            if not wake.done():
                wake.set_result(None)
