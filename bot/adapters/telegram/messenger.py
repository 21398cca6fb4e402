"""Sending to Telegram: text split to Telegram's length, inline buttons, photos and documents,
paced by SendLimiter, retried on flood control (429 retry_after), 5xx and timeouts.

A chat that blocked the bot or does not exist is a permanent DeliveryError (retrying cannot
help); retries exhausted give DeliveryError(retry_after=...) so the caller (the reminders
outbox) keeps the message and tries again later: a message is never dropped silently."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    User,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.adapters.ratelimit import SendLimiter
from bot.messages import Attachment, Button, Reply, split_text
from bot.messenger import DeliveryError
from nhacviec.base import texts
from nhacviec.base.retry import Backoff

log = logging.getLogger(__name__)

CHANNEL = "telegram"
T = TypeVar("T")


def retry_after_seconds(err: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 keeps it as a timedelta)."""
    raw = getattr(err, "_retry_after", None)
    if isinstance(raw, dt.timedelta):
        return raw.total_seconds()
    value = err.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Our buttons as Telegram inline buttons; None when there are none."""
    if not rows or not any(rows):
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows if row]
    )


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class TelegramMessenger:
    """The Messenger for Telegram (see bot/messenger.py)."""

    channel = CHANNEL
    max_text = 4096
    supports_buttons = True

    def __init__(
        self,
        bot: Bot,
        limiter: SendLimiter | None = None,
        *,
        max_attempts: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        on_chat_migrated: Callable[[str, str], Awaitable[None]] | None = None,
    ) -> None:
        self.bot = bot
        self.limiter = limiter or SendLimiter(sleep=sleep)
        self.max_attempts = max_attempts
        self.max_delay = max_delay
        self.backoff = Backoff(max_attempts, base_delay, max_delay)
        self.sleep = sleep
        self.on_chat_migrated = on_chat_migrated
        self._ready = False

    # -- the Messenger protocol ------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver `reply` to `chat_id`; returns the id of the message that carries the
        buttons (the last text part), or of the last attachment when there is no text."""
        return await self.deliver(chat_id, reply)

    # -- what the bot adapter uses as well ------------------------------------------------

    async def deliver(
        self,
        chat_id: str,
        reply: Reply,
        *,
        reply_to: int | None = None,
        mention: User | None = None,
        answering: bool = False,
    ) -> str:
        """`send`, optionally as an answer to message `reply_to`, or addressed to `mention`
        (a group member who pressed a button) so only they get the reply field.

        `answering`: the reply to someone who just wrote goes out at once (Telegram allows a
        chat talking to the bot bursts); only what nhacviec starts itself (digests, notices)
        waits for the limiter, so an answer never queues behind the day's digests."""
        if not self._ready:
            await self.bot.initialize()  # the outbox may send before the service started
            self._ready = True
        text = reply.text
        entities: list[MessageEntity] | None = None
        if mention is not None and text:
            name = mention.first_name or str(mention.id)
            text = f"{name}, {text}"
            entities = [
                MessageEntity(MessageEntity.TEXT_MENTION, 0, utf16_len(name), user=mention)
            ]
        markup: InlineKeyboardMarkup | ForceReply | None = keyboard(reply.buttons)
        if markup is None and reply.expects_answer:
            # selective: in a group only the member answered (or mentioned) gets the field.
            markup = ForceReply(selective=True, input_field_placeholder=texts.TELEGRAM_ANSWER_HERE)
        parts = split_text(text, self.max_text) if text else []
        last_id: str | None = None
        for n, part in enumerate(parts):
            first, last = n == 0, n == len(parts) - 1
            message = await self._send_text(
                chat_id,
                part,
                markup if last else None,
                reply_to if first else None,
                entities if first else None,
                answering,
            )
            last_id = str(message.message_id)
        text_id = last_id
        for attachment in reply.attachments:
            message = await self._send_file(chat_id, attachment, answering)
            last_id = str(message.message_id)
        if last_id is None:
            raise DeliveryError("empty reply: no text and no attachment", permanent=True)
        return text_id or last_id

    async def edit(
        self, chat_id: str, message_id: int, text: str, buttons: Sequence[Sequence[Button]]
    ) -> None:
        """Replace a message's text and buttons (a pressed button shows its result): always
        the answer to a press, so never paced."""

        async def call(cid: str) -> object:
            try:
                return await self.bot.edit_message_text(
                    text[: self.max_text],
                    chat_id=cid,
                    message_id=message_id,
                    reply_markup=keyboard(buttons),
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except BadRequest as err:
                # A second press of the same button edits nothing; that is no failure.
                if "not modified" in err.message.lower():
                    return None
                raise

        await self._call(chat_id, call, "editMessageText", answering=True)

    # -- internals ---------------------------------------------------------------------------

    async def _send_text(
        self,
        chat_id: str,
        text: str,
        markup: InlineKeyboardMarkup | ForceReply | None,
        reply_to: int | None,
        entities: list[MessageEntity] | None,
        answering: bool = False,
    ) -> Message:
        async def call(cid: str) -> Message:
            return await self.bot.send_message(
                cid,
                text,
                entities=entities,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None
                    else None
                ),
            )

        return await self._call(chat_id, call, "sendMessage", answering)

    async def _send_file(
        self, chat_id: str, attachment: Attachment, answering: bool = False
    ) -> Message:
        photo = attachment.kind == "photo"

        async def call(cid: str) -> Message:
            # A fresh InputFile each try: an upload is read once.
            upload = InputFile(attachment.content, filename=attachment.filename)
            if photo:
                return await self.bot.send_photo(cid, upload)
            return await self.bot.send_document(cid, upload)

        return await self._call(chat_id, call, "sendPhoto" if photo else "sendDocument", answering)

    async def call_bot(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """A Bot API call addressed to no chat (setMyCommands), retried as a send is: after
        429's retry_after, with back-off on 5xx and timeouts. DeliveryError when spent."""
        return await self._call(f"bot:{what}", lambda _chat: call(), what)

    async def _call(
        self,
        chat_id: str,
        call: Callable[[str], Awaitable[T]],
        what: str,
        answering: bool = False,
    ) -> T:
        """Run one Bot API call to `chat_id` within the rate limits (an answer goes at once),
        retrying what can be; a 429's retry_after is obeyed by answers too."""
        attempt = 0
        migrated = False
        while True:
            attempt += 1
            if not answering:
                await self.limiter.acquire(chat_id)
            try:
                return await call(chat_id)
            except RetryAfter as err:
                wait = retry_after_seconds(err)
                if attempt >= self.max_attempts:
                    raise DeliveryError(
                        f"{what} to {chat_id}: flood control, retry in {wait:g}s",
                        retry_after=wait,
                    ) from err
                log.warning(
                    "%s to chat %s: flood control, retrying in %gs (attempt %d of %d)",
                    what,
                    chat_id,
                    wait,
                    attempt,
                    self.max_attempts,
                )
                await self.sleep(wait)
            except ChatMigrated as err:
                if migrated:
                    raise DeliveryError(f"{what} to {chat_id}: chat moved twice") from err
                migrated = True
                new_id = str(err.new_chat_id)
                log.info("chat %s became supergroup %s", chat_id, new_id)
                if self.on_chat_migrated is not None:
                    await self.on_chat_migrated(chat_id, new_id)
                chat_id = new_id
                attempt -= 1  # not a failure: the same message, to the group's new id
            except Forbidden as err:
                # Blocked by the user, kicked from the group, user deactivated.
                raise DeliveryError(f"{what} to {chat_id}: {err.message}", permanent=True) from err
            except BadRequest as err:
                # Chat not found, message to edit gone, text refused: retrying cannot help.
                raise DeliveryError(f"{what} to {chat_id}: {err.message}", permanent=True) from err
            except (NetworkError, Conflict) as err:
                # 5xx, timeouts, connection errors: back off exponentially.
                delay = self.backoff.delay(attempt)
                if attempt >= self.max_attempts:
                    raise DeliveryError(
                        f"{what} to {chat_id}: {err.message}", retry_after=delay
                    ) from err
                log.warning(
                    "%s to chat %s failed (%s), retrying in %gs (attempt %d of %d)",
                    what,
                    chat_id,
                    err.message,
                    delay,
                    attempt,
                    self.max_attempts,
                )
                await self.sleep(delay)
            except TelegramError as err:
                # InvalidToken and the like: the bot is misconfigured, not the message wrong;
                # keep the message for when it is fixed.
                raise DeliveryError(
                    f"{what} to {chat_id}: {err.message}", retry_after=self.max_delay
                ) from err
