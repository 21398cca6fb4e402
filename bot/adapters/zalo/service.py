"""The Zalo adapter: the same bot as on Telegram, on the Zalo Bot Platform.

`ZaloMessenger` sends replies and reminders (no buttons on Zalo, so every message ends with the
commands to type; texts over 2,000 characters are split at line boundaries). `ZaloService`
receives what officers type, by long polling (getUpdates) or by a webhook served with
aiohttp.web inside the running loop, and answers through the one ChatService."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from aiohttp import web

from bot.adapters.webhook import BadBody, HttpServer, read_body, secret_matches
from bot.adapters.zalo.api import Sleep, ZaloApiError, ZaloClient
from bot.commands import ChatService
from bot.messages import Incoming, Reply, split_text
from bot.messenger import DeliveryError, StartupError
from nhacviec.base import texts
from nhacviec.base.config import ZaloConfig, check_zalo
from nhacviec.base.logs import install_secret_filter
from nhacviec.base.retry import Backoff

log = logging.getLogger(__name__)

CHANNEL = "zalo"
MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
DEFAULT_WEBHOOK_PATH = "/zalo/webhook"


def hint_for(reply: Reply) -> str | None:
    """The commands to type in place of the buttons: the reply's own hint, else one derived
    from its first task button (`done:12` -> "/done 12 hoặc /progress 12 50")."""
    if reply.commands_hint:
        return reply.commands_hint
    for row in reply.buttons:
        for button in row:
            _, _, task_id = button.data.partition(":")
            if task_id.isdigit():
                return texts.COMMANDS_HINT.format(id=task_id)
    return None


# -- photos: Zalo's sendPhoto takes a URL, not bytes ---------------------------------------------


class MediaStore:
    """Photos (charts) held for a short while under unguessable names, so that Zalo can fetch
    them from our webhook server; only possible when the server has a public URL."""

    def __init__(
        self,
        public_base: str,
        ttl_seconds: float = 3600.0,
        max_items: int = 200,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.public_base = public_base if public_base.endswith("/") else public_base + "/"
        self.path_prefix = urlsplit(self.public_base).path
        self.ttl = ttl_seconds
        self.max_items = max_items
        self._now = now
        self._items: OrderedDict[str, tuple[float, bytes, str]] = OrderedDict()

    def put(self, content: bytes, filename: str) -> str:
        """Keep `content`; returns the public URL it is served at."""
        self._expire()
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        name = secrets.token_urlsafe(24) + suffix
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self._items[name] = (self._now() + self.ttl, content, content_type)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        return self.public_base + name

    def get(self, name: str) -> tuple[bytes, str] | None:
        self._expire()
        item = self._items.get(name)
        return (item[1], item[2]) if item else None

    def _expire(self) -> None:
        now = self._now()
        for name in [n for n, (expires, _, _) in self._items.items() if expires <= now]:
            del self._items[name]


# -- sending -------------------------------------------------------------------------------------


class ZaloMessenger:
    """Sends replies and reminders to Zalo chats (see bot/messenger.py for the contract)."""

    channel = CHANNEL
    max_text = MAX_TEXT
    supports_buttons = False

    def __init__(self, client: ZaloClient, media: MediaStore | None = None) -> None:
        self.client = client
        self.media = media

    def compose(self, reply: Reply) -> tuple[list[str], list[tuple[bytes, str]]]:
        """The text parts (each at most 2,000 characters) and the photos to send by URL.

        Attachments Zalo cannot take (documents, or photos when no public URL serves them)
        become a line of text saying so."""
        lines = [reply.text]
        photos: list[tuple[bytes, str]] = []
        for attachment in reply.attachments:
            if attachment.kind == "photo" and self.media is not None:
                photos.append((attachment.content, attachment.filename))
            else:
                lines.append(texts.ATTACHMENT_NOT_ON_ZALO.format(filename=attachment.filename))
        hint = hint_for(reply)
        if hint:
            lines.append(hint)
        text = "\n".join(line for line in lines if line)
        parts = [part for part in split_text(text, self.max_text) if part.strip()]
        return parts, photos

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Send `reply`; returns the id of the last message sent. Raises DeliveryError with
        `retry_after` once the client's own retries are spent, or `permanent=True` when Zalo
        refuses the request itself (bad chat id, bad token)."""
        parts, photos = self.compose(reply)
        message_id = ""
        try:
            for part in parts:
                message_id = await self.client.send_message(chat_id, part)
            for content, filename in photos:
                assert self.media is not None
                url = self.media.put(content, filename)
                message_id = await self.client.send_photo(chat_id, url) or message_id
        except ZaloApiError as err:
            if err.permanent:
                raise DeliveryError(str(err), permanent=True) from None
            retry_after = err.retry_after or self.client.retry.delay(err.attempts)
            raise DeliveryError(str(err), retry_after=retry_after) from None
        return message_id


# -- receiving -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedMessage:
    chat_id: str
    text: str
    sender_id: str
    sender_name: str
    is_group: bool
    message_id: str
    image_url: str | None = None  # an image message: its address; `text` is its caption


def parse_update(update: dict[str, Any]) -> ParsedMessage | None:
    """The text message in a Zalo update, or None for any other event (image, sticker,
    unsupported, unknown) or a malformed one. Webhook bodies may come wrapped in
    `{"ok": true, "result": ...}` like getUpdates answers."""
    if update.get("ok") is True and isinstance(update.get("result"), dict):
        update = update["result"]
    message = update.get("message")
    event = update.get("event_name")
    if not isinstance(message, dict):
        return None
    # The documented getUpdates sample omits event_name; a text is a text.
    if event is not None and event != TEXT_EVENT:
        return None
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or not chat.get("id") or not isinstance(text, str):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    assert isinstance(sender, dict)
    return ParsedMessage(
        chat_id=str(chat["id"]),
        text=text,
        sender_id=str(sender.get("id", "")),
        sender_name=str(sender.get("display_name") or sender.get("first_name") or ""),
        is_group=str(chat.get("chat_type", "")).upper() == "GROUP",
        message_id=str(message.get("message_id", "")),
    )


@dataclass(frozen=True)
class ParsedImage:
    chat_id: str
    url: str
    caption: str
    sender_id: str
    sender_name: str
    is_group: bool
    message_id: str

    def as_message(self) -> ParsedMessage:
        """In a chat's line like any message, so it follows the /done before it."""
        return ParsedMessage(
            self.chat_id,
            self.caption,
            self.sender_id,
            self.sender_name,
            self.is_group,
            self.message_id,
            image_url=self.url,
        )


def parse_image(update: dict[str, Any]) -> ParsedImage | None:
    """The image message in a Zalo update (`message.image.received`: the image's address in
    `photo`, an optional `caption`), or None."""
    if update.get("ok") is True and isinstance(update.get("result"), dict):
        update = update["result"]
    message = update.get("message")
    if update.get("event_name") != IMAGE_EVENT or not isinstance(message, dict):
        return None
    chat = message.get("chat")
    url = message.get("photo") or message.get("photo_url") or message.get("url")
    if not isinstance(chat, dict) or not chat.get("id") or not isinstance(url, str):
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    assert isinstance(sender, dict)
    caption = message.get("caption")
    return ParsedImage(
        chat_id=str(chat["id"]),
        url=url,
        caption=caption if isinstance(caption, str) else "",
        sender_id=str(sender.get("id", "")),
        sender_name=str(sender.get("display_name") or ""),
        is_group=str(chat.get("chat_type", "")).upper() == "GROUP",
        message_id=str(message.get("message_id", "")),
    )


# Messages of one chat waiting for their turn; more are dropped with one "slow down".
MAX_QUEUED_PER_CHAT = 10
# Chats answered at once.
CONCURRENT_CHATS = 16
# Seconds between two "slow down" answers to one chat.
SLOW_DOWN_EVERY = 60.0


class ZaloService:
    """Receives Zalo updates (polling or webhook) and answers them; a Service of `nhacviec run`.

    Each chat has its own line: its messages are handled one at a time, in the order received
    (one officer's /progress and /done keep their order), while other chats are answered
    meanwhile, so one chat's backlog never delays another. A line holds at most
    `MAX_QUEUED_PER_CHAT` messages; the excess is dropped and a private chat asked once to slow
    down. A failure never stops the service."""

    name = "zalo"

    def __init__(
        self,
        config: ZaloConfig,
        chat: ChatService,
        client: ZaloClient,
        messenger: ZaloMessenger,
        *,
        poll_timeout: int = 30,
        sleep: Sleep = asyncio.sleep,
        drain_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        http: HttpServer | None = None,
    ) -> None:
        self.config = config
        self.chat = chat
        self.client = client
        self.messenger = messenger
        self.poll_timeout = poll_timeout
        self._sleep = sleep
        self.drain_seconds = drain_seconds
        self.bot_id = ""
        self.webhook_port: int | None = None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._clock = clock
        self._lanes: dict[str, deque[ParsedMessage]] = {}
        self._lane_tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(CONCURRENT_CHATS)
        self._slowed: dict[str, float] = {}
        self.dropped = 0
        self._worker: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        # Webhook mode: Zalo calls us on the process's HTTP server (one of our own when none is
        # given, started and stopped with this service).
        self.http: HttpServer | None = None
        self._owns_http = False
        if config.mode == "webhook":
            self._owns_http = http is None
            self.http = http or HttpServer(config.listen, config.port)
            self.http.add_post(urlsplit(config.url).path or DEFAULT_WEBHOOK_PATH, self._on_webhook)
            media = messenger.media
            if media is not None:
                self.http.add_get(media.path_prefix + "{name}", self._on_media)

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        install_secret_filter([self.config.token, self.config.secret_token])
        try:
            try:
                me = await self.client.get_me()
            except ZaloApiError as err:
                raise StartupError(startup_failure(err)) from None
            self.bot_id = str(me.get("id", ""))
            log.info("Zalo bot %s connected (%s)", me.get("account_name", "?"), self.config.mode)
            self._worker = asyncio.create_task(self._work(), name="zalo-worker")
            if self.config.mode == "webhook":
                await self._start_webhook()
            else:
                # getUpdates does not work while a webhook is set (Zalo Bot API docs).
                await self.client.delete_webhook()
                self._poller = asyncio.create_task(self._poll(), name="zalo-poller")
        except BaseException:
            await self.stop()  # run_services stops only what started: release what we hold
            raise

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._owns_http and self.http is not None:
            await self.http.stop()
        try:
            # What was already received is still answered.
            await asyncio.wait_for(self._queue.join(), self.drain_seconds)
            if self._lane_tasks:
                await asyncio.wait_for(
                    asyncio.gather(*self._lane_tasks, return_exceptions=True), self.drain_seconds
                )
        except TimeoutError:
            left = self._queue.qsize() + sum(len(lane) for lane in self._lanes.values())
            log.warning("Zalo: %d updates left unanswered at stop", left)
        for task in list(self._lane_tasks):
            task.cancel()
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        await self.client.aclose()

    # -- polling ------------------------------------------------------------------------------

    async def _poll(self) -> None:
        failures = 0
        while True:
            try:
                update = await self.client.get_updates(self.poll_timeout)
            except ZaloApiError as err:
                failures += 1
                delay = self.client.retry.delay(failures)
                level = logging.ERROR if err.permanent else logging.WARNING
                log.log(level, "Zalo polling failed: %s; next poll in %.1fs", err, delay)
                await self._sleep(delay)
                continue
            except Exception:
                failures += 1
                log.exception("Zalo polling failed unexpectedly")
                await self._sleep(self.client.retry.delay(failures))
                continue
            failures = 0
            if update is not None:
                await self._queue.put(update)

    # -- webhook ------------------------------------------------------------------------------

    async def _start_webhook(self) -> None:
        assert self.http is not None
        if self._owns_http:
            await self.http.start()
        self.webhook_port = self.http.bound_port
        await self.client.set_webhook(self.config.url, self.config.secret_token)
        log.info("Zalo webhook on %s", urlsplit(self.config.url).path or DEFAULT_WEBHOOK_PATH)

    async def _on_webhook(self, request: web.Request) -> web.Response:
        if not secret_matches(request, SECRET_HEADER, self.config.secret_token):
            log.warning("Zalo webhook: wrong secret token from %s", request.remote)
            return web.Response(status=403)
        try:
            body = await read_body(request)
        except BadBody as bad:
            log.warning("Zalo webhook: refused a body (%s)", bad)
            return web.Response(status=bad.status)
        try:
            self._queue.put_nowait(body)
        except asyncio.QueueFull:
            return web.Response(status=503)  # Zalo delivers again later
        return web.json_response({"ok": True})

    async def _on_media(self, request: web.Request) -> web.Response:
        media = self.messenger.media
        found = media.get(request.match_info["name"]) if media else None
        if found is None:
            return web.Response(status=404)
        content, content_type = found
        return web.Response(body=content, content_type=content_type)

    # -- handling -----------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            update = await self._queue.get()
            try:
                self._route(update)
            except Exception:
                log.exception("Zalo update failed")
            finally:
                self._queue.task_done()

    def _route(self, update: dict[str, Any]) -> None:
        """Put a message in its chat's line (started if idle); drop it if the line is full."""
        parsed = self._accept(update)
        if parsed is None:
            return
        lane = self._lanes.get(parsed.chat_id)
        if lane is None:
            lane = self._lanes[parsed.chat_id] = deque()
            task = asyncio.create_task(self._drain(parsed.chat_id, lane), name="zalo-chat")
            self._lane_tasks.add(task)
            task.add_done_callback(self._lane_tasks.discard)
        if len(lane) >= MAX_QUEUED_PER_CHAT:
            self._overflowed(parsed)
            return
        lane.append(parsed)

    async def _drain(self, chat_id: str, lane: deque[ParsedMessage]) -> None:
        try:
            while lane:
                parsed = lane.popleft()
                async with self._slots:
                    try:
                        await self._answer(parsed)
                    except Exception:
                        log.exception("Zalo update failed")
        finally:
            del self._lanes[chat_id]

    def _overflowed(self, parsed: ParsedMessage) -> None:
        """Dropped: a private chat is asked, at most once a minute, to slow down."""
        self.dropped += 1
        now = self._clock()
        if now - self._slowed.get(parsed.chat_id, -SLOW_DOWN_EVERY) < SLOW_DOWN_EVERY:
            return
        if len(self._slowed) > 10_000:
            self._slowed = {c: t for c, t in self._slowed.items() if now - t < SLOW_DOWN_EVERY}
        self._slowed[parsed.chat_id] = now
        log.warning("Zalo chat %s sends faster than answered: messages dropped", parsed.chat_id)
        if not parsed.is_group:
            task = asyncio.create_task(self._slow_down(parsed.chat_id), name="zalo-slow-down")
            self._lane_tasks.add(task)
            task.add_done_callback(self._lane_tasks.discard)

    async def _slow_down(self, chat_id: str) -> None:
        try:
            await self.messenger.send(chat_id, Reply(texts.SLOW_DOWN))
        except DeliveryError as err:
            log.info("Zalo: could not ask chat %s to slow down: %s", chat_id, err)

    def _first_time(self, message_id: str) -> bool:
        """False for a message already handled: Zalo may deliver an update twice."""
        if not message_id:
            return True
        if message_id in self._seen:
            return False
        self._seen[message_id] = None
        while len(self._seen) > 2048:
            self._seen.popitem(last=False)
        return True

    def _accept(self, update: dict[str, Any]) -> ParsedMessage | None:
        """The text message to answer in `update`; None for anything else, our own echo or a
        message already handled."""
        image = parse_image(update)
        parsed = parse_update(update) if image is None else image.as_message()
        if parsed is None:
            log.debug("Zalo: ignored update %r", update.get("event_name"))
            return None
        if self.bot_id and parsed.sender_id == self.bot_id:
            return None  # our own message, echoed back
        if not self._first_time(parsed.message_id):
            log.debug("Zalo: message %s already handled", parsed.message_id)
            return None
        return parsed

    async def handle_update(self, update: dict[str, Any]) -> None:
        """Answer one update now: a text goes through ChatService.handle; anything else is
        ignored. A failing handler is answered with an apology."""
        parsed = self._accept(update)
        if parsed is not None:
            await self._answer(parsed)

    async def _answer(self, parsed: ParsedMessage) -> None:
        if parsed.image_url is not None:
            await self._handle_image(parsed)
            return
        incoming = Incoming(
            CHANNEL,
            parsed.chat_id,
            parsed.text,
            sender_name=parsed.sender_name,
            is_group=parsed.is_group,
            message_key=parsed.message_id or None,
        )
        try:
            await self.client.send_chat_action(parsed.chat_id)
        except ZaloApiError as err:
            log.debug("Zalo typing indicator failed: %s", err)
        try:
            replies = await self.chat.answer(incoming)
        except Exception:
            log.exception("Zalo: handling a message from chat %s failed", parsed.chat_id)
            replies = [Reply(texts.SORRY)]
        for reply in replies:
            try:
                await self.messenger.send(parsed.chat_id, reply)
            except DeliveryError as err:
                log.warning("Zalo: reply to chat %s not delivered: %s", parsed.chat_id, err)

    async def _handle_image(self, image: ParsedMessage) -> None:
        """An image an officer sent: fetched from its address and kept as a task's evidence."""
        assert image.image_url is not None
        incoming = Incoming(
            CHANNEL,
            image.chat_id,
            "",
            sender_name=image.sender_name,
            is_group=image.is_group,
            message_key=image.message_id or None,
        )
        limit = self.chat.config.evidence.max_bytes
        linked = await asyncio.to_thread(self.chat.is_linked, CHANNEL, image.chat_id)
        if not linked:
            await self._reply(image.chat_id, Reply(texts.NOT_LINKED))
            return
        try:
            fetched = await self.client.download(image.image_url, limit)
        except ZaloApiError as err:
            log.warning("Zalo: image from chat %s not fetched: %s", image.chat_id, err)
            fetched = b"", ""
        if fetched is None:
            megabytes = f"{limit // (1024 * 1024) or 1} MB"
            reply = Reply(texts.TASK_ERRORS["file_too_big"].format(value=megabytes))
        else:
            data, content_type = fetched
            name = urlsplit(image.image_url).path.rsplit("/", 1)[-1] or None
            kept = await asyncio.to_thread(
                self.chat.attach, incoming, data, content_type, name, image.text
            )
            if kept is None:
                return  # delivered again: kept the first time
            reply = kept
        await self._reply(image.chat_id, reply)

    async def _reply(self, chat_id: str, reply: Reply) -> None:
        try:
            await self.messenger.send(chat_id, reply)
        except DeliveryError as err:
            log.warning("Zalo: reply to chat %s not delivered: %s", chat_id, err)


# -- wiring --------------------------------------------------------------------------------------


def startup_failure(err: ZaloApiError) -> str:
    """What stopped the Zalo bot from starting, in one Vietnamese line (never the token)."""
    if err.error_code == 401:
        return texts.ZALO_TOKEN_REFUSED
    if err.retryable:
        return texts.zalo_unreachable(err.description)
    return texts.zalo_refused(err.description, err.error_code)


def build_zalo(
    config: ZaloConfig,
    chat: ChatService,
    *,
    retry: Backoff | None = None,
    sleep: Sleep = asyncio.sleep,
    poll_timeout: int = 30,
    http: HttpServer | None = None,
) -> tuple[ZaloMessenger, ZaloService]:
    """The Zalo messenger (for replies and reminders) and the service receiving updates; the
    service owns the HTTP client and closes it when it stops."""
    check_zalo(config)
    client = ZaloClient(config.token, config.base_url, retry=retry, sleep=sleep)
    media = MediaStore(urljoin(config.url, "media/")) if config.mode == "webhook" else None
    messenger = ZaloMessenger(client, media)
    service = ZaloService(
        config, chat, client, messenger, poll_timeout=poll_timeout, sleep=sleep, http=http
    )
    return messenger, service
