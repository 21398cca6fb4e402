"""Who is answered, and how often: the bot's own protection against chats that flood it.

A chat nobody linked (a stranger) is answered at most once a minute; a group no unit linked
gets one explanation and then silence; a chat that types five wrong link codes is refused
link codes for ten minutes. Kept in memory, per process: a restart forgets, which at worst
answers a stranger once more. Bounded, so a million strangers cannot fill the memory."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

STRANGER_EVERY = 60.0  # seconds between two answers to an unlinked chat
WRONG_CODES = 5  # wrong link codes in a row before a chat is locked out
LOCKOUT = 600.0  # seconds a chat is refused link codes after that
MAX_CHATS = 10_000  # chats remembered by each rule; the least recently seen are forgotten


class _Recent(OrderedDict[Hashable, tuple[float, int]]):
    """Chat -> (time, count), least recently touched first, at most `MAX_CHATS` of them."""

    def touch(self, key: Hashable, value: tuple[float, int]) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MAX_CHATS:
            self.popitem(last=False)


class ChatGate:
    """The three rules above; every method takes the current time in seconds."""

    def __init__(
        self,
        stranger_every: float = STRANGER_EVERY,
        wrong_codes: int = WRONG_CODES,
        lockout: float = LOCKOUT,
    ) -> None:
        self.stranger_every = stranger_every
        self.wrong_codes = wrong_codes
        self.lockout = lockout
        self._answered: _Recent = _Recent()
        self._explained: _Recent = _Recent()
        self._failures: _Recent = _Recent()

    def may_answer_stranger(self, key: Hashable, now: float) -> bool:
        """True (and counted) if the unlinked chat `key` was not answered within the minute."""
        last = self._answered.get(key)
        if last is not None and now - last[0] < self.stranger_every:
            return False
        self._answered.touch(key, (now, 1))
        return True

    def first_time(self, key: Hashable, now: float) -> bool:
        """True the first time `key` asks (an unlinked group's one explanation)."""
        if key in self._explained:
            return False
        self._explained.touch(key, (now, 1))
        return True

    def locked_for(self, key: Hashable, now: float) -> float:
        """Seconds chat `key` is still refused link codes (0: it may try)."""
        entry = self._failures.get(key)
        if entry is None or entry[1] < self.wrong_codes:
            return 0.0
        left = entry[0] + self.lockout - now
        if left <= 0:
            del self._failures[key]
            return 0.0
        return left

    def code_failed(self, key: Hashable, now: float) -> int:
        """Count a wrong code from `key`; returns the wrong codes in a row so far."""
        _, count = self._failures.get(key, (now, 0))
        self._failures.touch(key, (now, count + 1))
        return count + 1

    def code_worked(self, key: Hashable) -> None:
        self._failures.pop(key, None)
