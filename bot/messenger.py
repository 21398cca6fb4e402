"""The one interface every messenger adapter (console, Telegram, Zalo) offers the rest."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply
from nhacviec.base.errors import NhacviecError


class DeliveryError(NhacviecError):
    """A send that did not go through. `retry_after` (seconds) is the platform's own wait, as
    in Telegram's 429; `permanent` means retrying cannot help (chat blocked the bot, chat gone)."""

    reason = "delivery"

    def __init__(
        self, message: str, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class StartupError(NhacviecError):
    """A messenger that cannot start (its API unreachable, its token refused). The message is
    one Vietnamese line for whoever runs `nhacviec run`, never a secret."""

    reason = "startup"


class Messenger(Protocol):
    """Sends a reply to a chat and returns the platform's message id."""

    channel: str
    max_text: int
    supports_buttons: bool

    async def send(self, chat_id: str, reply: Reply) -> str: ...
