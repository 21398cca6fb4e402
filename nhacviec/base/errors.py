"""The one root of the errors nhacviec raises on purpose.

Each error carries a `reason`, a stable code that `nhacviec.base.texts.explain` turns into the
Vietnamese sentence a person reads (chat, CLI or web). Anything that escapes and is not a
NhacviecError is a bug: it is logged with its traceback, and the person gets an apology."""

from __future__ import annotations


class NhacviecError(Exception):
    """Something a user or an admin can fix, said in their language."""

    reason: str = "error"

    def __init__(self, message: str = "", *, reason: str | None = None) -> None:
        super().__init__(message or reason or self.reason)
        if reason is not None:
            self.reason = reason
