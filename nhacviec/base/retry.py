"""The one back-off policy: how long to wait before trying a failed call again."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off: `base_delay` after the first failure, twice as long after each
    next one, capped at `max_delay`, and never shorter than what the platform asked for (a 429's
    retry_after). `attempts` is how many tries a caller makes before giving up."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait after failed attempt number `attempt` (1-based)."""
        wait = min(self.max_delay, self.base_delay * 2 ** max(attempt - 1, 0))
        return wait if retry_after is None else max(wait, retry_after)
