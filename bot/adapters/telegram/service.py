"""The Telegram bot: python-telegram-bot's Application inside our running asyncio loop, fed by
long polling or by a webhook.

The adapter only translates. A Telegram message becomes an `Incoming` for the ChatService, a
button press becomes `ChatService.press`; each `Reply` becomes Telegram calls through
TelegramMessenger (paced and retried). Command logic lives in bot/commands.py only."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    ChatMember,
    Message,
    Update,
)
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapters.ratelimit import SendLimiter
from bot.adapters.telegram.messenger import CHANNEL, TelegramMessenger
from bot.adapters.webhook import BadBody, HttpServer, read_body, secret_matches
from bot.commands import ChatService
from bot.messages import Button, Incoming, Reply
from bot.messenger import DeliveryError, StartupError
from nhacviec.base import texts
from nhacviec.base.config import ConfigError, TelegramConfig, check_telegram
from nhacviec.base.logs import register_secret

log = logging.getLogger(__name__)

# my_chat_member: the bot added to or removed from a group.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
GROUP_TYPES = {Chat.GROUP, Chat.SUPERGROUP}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALERT_LIMIT = 200  # Telegram shows at most 200 characters in a callback answer


# Updates of one chat waiting (or running) at once; more are dropped with one "slow down".
MAX_QUEUED_PER_CHAT = 10
# Update ids remembered to refuse a replay (Telegram redelivering, or a replayed webhook POST).
SEEN_UPDATES = 10_000
# Updates python-telegram-bot may hand over at once (waiting in their chats' lines).
MAX_HELD_UPDATES = 100_000
# Seconds between two "slow down" answers to one chat.
SLOW_DOWN_EVERY = 60.0


def _close(coroutine: Awaitable[Any]) -> None:
    """Discard an update's handling that will never run, without a "never awaited" warning."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()


def message_key(context: ContextTypes.DEFAULT_TYPE, update: Update) -> str:
    """The update's id as nhacviec keeps it (storage/seen.py): update_ids are the bot's own
    sequence, and another bot (a new token) starts anew."""
    return f"{context.bot.id}:{update.update_id}"


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of different chats are handled concurrently; those of one chat one at a time,
    in the order they came (the answer to "Gõ phần trăm" is never handled before the question
    was recorded).

    No head-of-line blocking: an update waits for its chat's turn *before* it takes one of
    the `max_concurrent_updates` slots, so a chat's backlog holds one slot at most and never
    delays another chat. A chat's backlog is bounded: past `max_queued` updates, the excess is
    dropped and `on_overflow` told. An update id seen before is dropped too."""

    def __init__(
        self,
        max_concurrent_updates: int = 64,
        *,
        max_queued: int = MAX_QUEUED_PER_CHAT,
        key: Callable[[object], Hashable | None] | None = None,
        on_overflow: Callable[[object], None] | None = None,
    ) -> None:
        # PTB's own semaphore is taken before do_process_update: make it only a bound on the
        # updates held in memory, so waiting for a chat's turn never holds a working slot.
        super().__init__(MAX_HELD_UPDATES)
        self.max_queued = max_queued
        self.key = key or self._chat_of
        self.on_overflow = on_overflow
        self.dropped = 0
        self.replayed = 0
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._chats: dict[Hashable, tuple[asyncio.Lock, int]] = {}
        self._seen: OrderedDict[int, None] = OrderedDict()

    @staticmethod
    def _chat_of(update: object) -> Hashable | None:
        if isinstance(update, Update) and update.effective_chat is not None:
            return update.effective_chat.id
        return None

    def _first_time(self, update: object) -> bool:
        if not isinstance(update, Update):
            return True
        if update.update_id in self._seen:
            return False
        self._seen[update.update_id] = None
        if len(self._seen) > SEEN_UPDATES:
            self._seen.popitem(last=False)
        return True

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not self._first_time(update):
            self.replayed += 1
            log.info("Telegram update %s seen before: ignored", getattr(update, "update_id", "?"))
            _close(coroutine)
            return
        key = self.key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock, waiting = self._chats.get(key, (None, 0))
        if waiting >= self.max_queued:
            self.dropped += 1
            _close(coroutine)
            if self.on_overflow is not None:
                self.on_overflow(update)
            return
        lock = lock or asyncio.Lock()
        self._chats[key] = (lock, waiting + 1)
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            lock, waiting = self._chats[key]
            if waiting <= 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class TelegramService:
    """`nhacviec run`'s Telegram service: start/stop inside the running loop (never
    run_polling, which would own the loop)."""

    name = "telegram"

    def __init__(
        self,
        config: TelegramConfig,
        chat: ChatService,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        poll_timeout: float = 10.0,
        max_attempts: int = 5,
        concurrency: int = 64,
        http: HttpServer | None = None,
        poll: bool = True,
    ) -> None:
        """`poll=False` (polling mode): start without polling; whoever decides which instance
        polls calls `start_polling` (see nhacviec/runner.py)."""
        check_telegram(config)
        self.config = config
        self.chat = chat
        self.poll_timeout = poll_timeout
        self.poll = poll
        self.secret = config.secret_token
        if config.mode == "webhook" and not self.secret:
            # Telegram echoes the secret we set; a fresh one each run is as good as any.
            self.secret = secrets.token_urlsafe(32)
            log.info("Telegram webhook: no secret_token configured, using a random one")
        register_secret(config.token, self.secret)
        builder = (
            ApplicationBuilder()
            .token(config.token)
            .base_url(config.base_url)
            .base_file_url(config.base_file_url)
            .concurrent_updates(
                ChatOrderedProcessor(
                    concurrency, key=self._queue_key, on_overflow=self._overflowed
                )
            )
            .job_queue(None)  # reminders have their own scheduler
            .connect_timeout(config.timeout_seconds)
            .read_timeout(config.timeout_seconds)
            .write_timeout(config.timeout_seconds)
        )
        if config.mode == "webhook":
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.messenger = TelegramMessenger(
            self.application.bot,
            SendLimiter(clock=clock, sleep=sleep),
            max_attempts=max_attempts,
            sleep=sleep,
            on_chat_migrated=self._chat_migrated,
        )
        self.clock = clock
        self._slowed: dict[int, float] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self.username: str | None = None
        # Webhook mode: Telegram calls us on the process's HTTP server (one of our own when
        # none is given, started and stopped with this service).
        self.http: HttpServer | None = None
        self._owns_http = False
        if config.mode == "webhook":
            self._owns_http = http is None
            self.http = http or HttpServer(config.listen, config.port)
            self.http.add_post(urlsplit(config.webhook_url).path or "/", self._receive)
        self._menu: asyncio.Task[None] | None = None
        app = self.application
        app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        app.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.ALL), self._on_file
            )
        )
        app.add_handler(CallbackQueryHandler(self._on_press))
        app.add_handler(ChatMemberHandler(self._on_removed, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self._on_error)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.application.initialize()
        except InvalidToken:
            await self.application.bot.shutdown()
            # PTB's message quotes the token: raise our own, without the cause attached.
            raise ConfigError(texts.TELEGRAM_TOKEN_REFUSED) from None
        except NetworkError as err:
            await self.application.bot.shutdown()
            raise StartupError(
                texts.telegram_unreachable(_host(self.config.base_url), type(err).__name__)
            ) from None
        except TelegramError as err:
            await self.application.bot.shutdown()
            raise StartupError(texts.telegram_refused(err.message)) from None
        except BaseException:
            await self.application.bot.shutdown()
            raise
        try:
            await self._start_receiving()
        except BaseException:
            await self.stop()
            raise

    async def _start_receiving(self) -> None:
        bot = self.application.bot
        self.username = bot.username
        # `/tasks@<this bot>` in a group is for us, `/tasks@other_bot` is not.
        self.chat.bot_username = self.username
        # In the background: a menu held back by flood control must not hold back the bot.
        self._menu = asyncio.create_task(self._set_commands(), name="telegram-menu")
        await self.application.start()
        if self.config.mode == "polling":
            if self.poll:
                await self.start_polling()
        else:
            assert self.http is not None
            if self._owns_http:
                await self.http.start()
            await bot.set_webhook(
                url=self.config.webhook_url,
                secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("Telegram bot @%s on webhook %s", self.username, self.config.webhook_url)

    @property
    def polling(self) -> bool:
        updater = self.application.updater
        return updater is not None and updater.running

    async def start_polling(self) -> None:
        """Fetch updates by long polling (Telegram allows one poller per bot)."""
        updater = self.application.updater
        assert updater is not None, "polling needs mode = polling"
        if updater.running:
            return
        await updater.start_polling(
            timeout=dt.timedelta(seconds=self.poll_timeout),
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=3,
            error_callback=self._polling_error,
        )
        log.info("Telegram bot @%s polling %s", self.username, _host(self.config.base_url))

    async def stop_polling(self) -> None:
        """Stop fetching updates; those already fetched are still handled."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
            log.info("Telegram bot @%s stopped polling", self.username)

    async def _receive(self, request: web.Request) -> web.Response:
        """A webhook POST from Telegram: the secret header checked in constant time, the body
        bounded; no URL carries the token."""
        if not secret_matches(request, SECRET_HEADER, self.secret):
            log.warning("Telegram webhook: refused a request without the right secret")
            return web.Response(status=403)
        try:
            data = await read_body(request)
        except BadBody as bad:
            log.warning("Telegram webhook: refused a body (%s)", bad)
            return web.Response(status=bad.status)
        if "update_id" not in data:
            return web.Response(status=400)
        try:
            await self._enqueue(data)
        except Exception as err:
            # A malformed update: one line, no traceback (the body is the sender's problem).
            log.warning(
                "Telegram webhook: could not read update %r: %s",
                data.get("update_id"),
                type(err).__name__,
            )
            return web.Response(status=400)
        return web.Response(status=200)

    async def stop(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self._menu is not None and not self._menu.done():
            self._menu.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._menu
        # The webhook stays registered: Telegram keeps updates until we are back.
        if self._owns_http and self.http is not None:
            await self.http.stop()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_commands(self) -> None:
        """The Vietnamese command menu, retried like a message (429, 5xx, timeouts)."""
        commands = [BotCommand(name, description) for name, description in texts.COMMAND_MENU]
        bot = self.application.bot
        try:
            await self.messenger.call_bot("setMyCommands", lambda: bot.set_my_commands(commands))
        except DeliveryError as err:
            # The menu is a convenience: the bot works without it.
            log.warning("Telegram setMyCommands failed: %s", err)

    async def _enqueue(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)

    def _polling_error(self, err: TelegramError) -> None:
        log.warning("Telegram getUpdates failed, retrying: %s", err)

    # -- updates -----------------------------------------------------------------------------

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat, user = update.message, update.effective_chat, update.effective_user
        if message is None or message.text is None or chat is None or user is None:
            return
        if user.is_bot or chat.type not in (Chat.PRIVATE, *GROUP_TYPES):
            return
        is_group = chat.type in GROUP_TYPES
        text = message.text
        # In a group only commands and answers to the bot's questions are for the bot;
        # the members' own conversation is not.
        if is_group and not text.lstrip().startswith("/") and not self._answers_bot(message):
            return
        incoming = Incoming(
            CHANNEL,
            str(chat.id),
            text,
            sender_name=user.full_name,
            is_group=is_group,
            sender_id=str(user.id),
            message_key=message_key(context, update),
        )
        replies = await self.chat.answer(incoming)
        for reply in replies:
            await self.messenger.deliver(
                str(chat.id),
                reply,
                reply_to=message.message_id if is_group else None,
                answering=True,
            )

    async def _on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo or document sent to the bot: downloaded through getFile and handed to the
        chat service as evidence of a task (the one its caption or the message it answers
        names, else the one just reported done in this chat)."""
        message, chat, user = update.message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None or user.is_bot:
            return
        is_group = chat.type in GROUP_TYPES
        if is_group and not self._answers_bot(message) and not message.caption:
            return  # a group's own photos are not for the bot
        if message.photo:
            size = message.photo[-1]
            file_id, file_size, content_type, name = (
                size.file_id,
                size.file_size,
                "image/jpeg",
                None,
            )
        elif message.document is not None:
            document = message.document
            file_id, file_size = document.file_id, document.file_size
            content_type = document.mime_type or "application/octet-stream"
            name = document.file_name
        else:
            return
        incoming = Incoming(
            CHANNEL,
            str(chat.id),
            "",
            user.full_name,
            is_group=is_group,
            sender_id=str(user.id),
            message_key=message_key(context, update),
        )
        replied = message.reply_to_message
        mention = message.caption or (replied.text if replied is not None else None)
        limit = self.chat.config.evidence.max_bytes
        if file_size is not None and file_size > limit:
            # Refused before downloading (the Bot API says the size up front).
            megabytes = f"{limit // (1024 * 1024) or 1} MB"
            reply = Reply(texts.TASK_ERRORS["file_too_big"].format(value=megabytes))
        else:
            telegram_file = await context.bot.get_file(file_id)
            data = bytes(await telegram_file.download_as_bytearray())
            kept = await asyncio.to_thread(
                self.chat.attach, incoming, data, content_type, name, mention
            )
            if kept is None:
                return  # delivered again: kept the first time
            reply = kept
        await self.messenger.deliver(
            str(chat.id), reply, reply_to=message.message_id if is_group else None, answering=True
        )

    def _queue_key(self, update: object) -> Hashable | None:
        """The chat whose line an update waits in; None for what needs no line (a group's
        own talk, which the bot ignores at once)."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return None
        chat, message = update.effective_chat, update.message
        if (
            chat.type in GROUP_TYPES
            and message is not None
            and message.text is not None
            and not message.text.lstrip().startswith("/")
            and not self._answers_bot(message)
        ):
            return None
        return chat.id

    def _overflowed(self, update: object) -> None:
        """A chat sent more than its line holds: the excess is dropped, and a private chat is
        asked, at most once a minute, to slow down (a group is not: it may be no unit's)."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        now = self.clock()
        if now - self._slowed.get(chat.id, -SLOW_DOWN_EVERY) < SLOW_DOWN_EVERY:
            return
        if len(self._slowed) > 10_000:
            self._slowed = {c: t for c, t in self._slowed.items() if now - t < SLOW_DOWN_EVERY}
        self._slowed[chat.id] = now
        log.warning("Telegram chat %s sends faster than it is answered: updates dropped", chat.id)
        if chat.type == Chat.PRIVATE:
            task = asyncio.create_task(self._slow_down(str(chat.id)), name="telegram-slow-down")
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _slow_down(self, chat_id: str) -> None:
        try:
            await self.messenger.deliver(chat_id, Reply(texts.SLOW_DOWN), answering=True)
        except DeliveryError as err:
            log.info("could not ask chat %s to slow down: %s", chat_id, err)

    def _answers_bot(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied and replied.from_user and replied.from_user.id == self.application.bot.id
        )

    async def _on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        message = query.message
        if message is None or not query.data:
            await self._answer(query, "")
            return
        chat_id = str(message.chat.id)
        is_group = message.chat.type in GROUP_TYPES
        reply = await asyncio.to_thread(
            self.chat.press, CHANNEL, chat_id, query.data, str(query.from_user.id)
        )
        if reply.expects_answer:
            # "Cập nhật tiến độ": the question goes out as a message the presser answers.
            await self._answer(query, "")
            await self.messenger.deliver(
                chat_id, reply, mention=query.from_user if is_group else None, answering=True
            )
            return
        if not reply.changed:
            # A refusal (other unit, not linked, already done) is for the presser only.
            await self._answer(query, reply.text, alert=True)
            return
        await self._answer(query, reply.text.split("\n", 1)[0])
        result = f"{query.from_user.first_name}: {reply.text}" if is_group else reply.text
        if isinstance(message, Message) and message.text:
            text = f"{message.text}\n\n{result}"
            if len(text) > self.messenger.max_text:
                text = result
            buttons = remaining_buttons(message, query.data)
            await self.messenger.edit(chat_id, message.message_id, text, buttons)
        else:
            # Too old to edit (Telegram no longer shows it to the bot): say it anew.
            await self.messenger.deliver(chat_id, Reply(result), answering=True)

    async def _answer(self, query: CallbackQuery, text: str, alert: bool = False) -> None:
        """Stop the button's spinner; a lost answer is no reason to fail the press."""
        if len(text) > ALERT_LIMIT:
            text = text[: ALERT_LIMIT - 1] + "…"
        try:
            await query.answer(text or None, show_alert=alert)
        except TelegramError as err:
            log.info("answerCallbackQuery failed: %s", err)

    async def _on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        if message.migrate_to_chat_id:
            await self._chat_migrated(str(message.chat.id), str(message.migrate_to_chat_id))
        elif message.migrate_from_chat_id:
            await self._chat_migrated(str(message.migrate_from_chat_id), str(message.chat.id))

    async def _chat_migrated(self, old: str, new: str) -> None:
        """A group upgraded to a supergroup changes id; its unit link follows."""

        if await asyncio.to_thread(self.chat.group_chat_moved, CHANNEL, old, new):
            log.info("unit group chat %s is now %s", old, new)

    async def _on_removed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was removed from (or left) a group: the group is unlinked from its unit, so
        its digest is no longer written, nor sent to fail day after day. Re-adding the bot
        needs a new group code, as the first time."""
        change = update.my_chat_member
        if change is None or change.chat.type not in GROUP_TYPES:
            return
        if change.new_chat_member.status not in (ChatMember.LEFT, ChatMember.BANNED):
            return
        chat_id = str(change.chat.id)

        unit_code = await asyncio.to_thread(self.chat.group_chat_left, CHANNEL, chat_id)
        if unit_code is not None:
            log.info("bot removed from group %s: unlinked from unit %s", chat_id, unit_code)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log with context, apologise to the chat in Vietnamese, keep running."""
        error = context.error
        chat_id: int | None = None
        what = ""
        update_id: int | None = None
        if isinstance(update, Update):
            update_id = update.update_id
            chat_id = update.effective_chat.id if update.effective_chat else None
            if update.callback_query is not None:
                what = f"button {update.callback_query.data}"
            elif update.effective_message is not None and update.effective_message.text:
                what = update.effective_message.text[:80]
        log.error(
            "Telegram update %s failed (chat=%s, input=%r): %s",
            update_id,
            chat_id,
            what,
            error,
            exc_info=error,
        )
        if chat_id is None or (isinstance(error, DeliveryError) and error.permanent):
            return
        try:
            await self.messenger.deliver(str(chat_id), Reply(texts.SORRY), answering=True)
        except Exception as err:
            log.warning("could not apologise to chat %s: %s", chat_id, err)


def remaining_buttons(message: Message, pressed: str) -> list[list[Button]]:
    """The message's buttons without the row of the task just done or snoozed."""
    markup = message.reply_markup
    if markup is None:
        return []
    task = pressed.partition(":")[2]
    rows = []
    for row in markup.inline_keyboard:
        buttons = [
            Button(b.text, b.callback_data) for b in row if isinstance(b.callback_data, str)
        ]
        if buttons and not any(b.data.partition(":")[2] == task for b in buttons):
            rows.append(buttons)
    return rows


def _host(url: str) -> str:
    """Where the Bot API is, for a log line (never the token)."""
    return urlsplit(url).netloc or url
