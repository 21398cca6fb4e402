"""A fake Telegram Bot API server on 127.0.0.1 for tests, driven over real HTTP by the real
python-telegram-bot (`ApplicationBuilder().base_url(fake.base_url)`).

It records every call, serves queued updates to getUpdates (long polling), delivers updates to
a webhook with the secret header, and can be told to fail: 429 with retry_after, 5xx, a chat
that blocked the bot (403) or does not exist (400), a group migrated to a supergroup.

Switches for the reliability tests and benchmarks:
- `limits=True` enforces Telegram's limits as Telegram counts them, on arrival: at most 30
  messages in any second overall, 1 in any second to a private chat, 20 in any minute to a
  group; a message over a limit is answered 429 with retry_after (`limit_hits` counts them).
- `faults=0.2` answers that share of the sends, at random (`seed`), with a 429 (retry_after
  1 s), a 500 or 502, or a timeout: the request stalls `stall` seconds, is not delivered, and
  is answered 504 when the client has long given up.
- `hold_sends()` keeps every send waiting unprocessed until `release_sends()`; a send whose
  client went away meanwhile (its process was killed) is dropped, never delivered."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

T = TypeVar("T")

# Parameters that are plain strings in the Bot API; every other form value is JSON.
_RAW = {"text", "caption", "callback_query_id", "secret_token", "url", "description"}
# The methods that send a message, and so count against Telegram's limits.
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}
OVERALL_PER_SECOND = 30
PRIVATE_PER_SECOND = 1
GROUP_PER_MINUTE = 20


@dataclass
class Call:
    """One request the fake received; `status` is what it answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    status: int = 200
    at: float = 0.0
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))


@dataclass
class Failure:
    method: str
    status: int
    retry_after: int | None = None
    description: str | None = None
    migrate_to: int | None = None
    times: int = 1


class FakeTelegramAPI:
    """The fake server. Use as `async with FakeTelegramAPI(token) as fake: ...`."""

    def __init__(
        self,
        token: str,
        username: str = "nhacviec_test_bot",
        bot_id: int = 7000000001,
        clock: Callable[[], float] = time.monotonic,
        *,
        limits: bool = False,
        faults: float = 0.0,
        seed: int = 0,
        stall: float = 2.0,
    ) -> None:
        """`clock` stamps each call (`Call.at`): pass the test's virtual clock to check pacing.
        `limits`, `faults`, `seed` and `stall`: see the module's docstring."""
        self.token = token
        self.clock = clock
        self.limits = limits
        self.faults = faults
        self.stall = stall
        self._random = random.Random(seed)
        self.limit_hits = 0
        self.fault_counts: dict[str, int] = {}
        self.dropped = 0  # held sends whose client went away
        self._overall: deque[float] = deque()
        self._per_chat: dict[str, deque[float]] = {}
        self._hold: asyncio.Event | None = None
        self.holding = 0
        # As Telegram: one long poll at a time per bot; a second one gets 409 Conflict.
        self.conflicts = 0
        self._polling = 0
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Nhắc việc",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[str, int], dict[str, Any]] = {}
        self.commands: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        # As Telegram: the update types the last getUpdates asked for; None means all.
        self.allowed_updates: list[str] | None = None
        self.blocked: set[str] = set()
        self.unknown_chats: set[str] = set()
        self.failures: list[Failure] = []
        # Files officers sent (file_id -> (file_path, bytes)), served by getFile and
        # GET /file/bot<token>/<file_path> as Telegram serves them.
        self.files: dict[str, tuple[str, bytes]] = {}
        self._file_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._callback_ids = itertools.count(1)
        self._changed: asyncio.Condition | None = None
        self._closing: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation: a request whose client went away (killed) stops being handled,
        # as Telegram forgets a long poll whose connection closed.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        sockets = server.sockets
        assert sockets
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what a test tells the fake --------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        migrate_to: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with an error."""
        self.failures.append(Failure(method, status, retry_after, description, migrate_to, times))

    def hold_sends(self) -> None:
        """Keep every send waiting, unprocessed, until `release_sends`."""
        if self._hold is None or self._hold.is_set():
            self._hold = asyncio.Event()

    def release_sends(self) -> None:
        if self._hold is not None:
            self._hold.set()

    def user(self, user_id: int, first_name: str = "Cán bộ") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}

    def chat(self, chat_id: str | int) -> dict[str, Any]:
        cid = int(chat_id)
        if cid > 0:
            return {"id": cid, "type": "private", "first_name": "Cán bộ"}
        kind = "supergroup" if str(cid).startswith("-100") else "group"
        return {"id": cid, "type": kind, "title": "Nhóm đơn vị"}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; returns it with its update_id."""
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._notify_soon()
        return update

    def text_message(
        self,
        chat_id: str | int,
        text: str,
        *,
        from_id: int | None = None,
        first_name: str = "Cán bộ",
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A `message` update as Telegram sends it when someone types `text`."""
        sender = from_id if from_id is not None else int(chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(sender, first_name),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def _store_file(self, content: bytes, folder: str, suffix: str) -> dict[str, Any]:
        number = next(self._file_ids)
        file_id = f"file-{number}"
        self.files[file_id] = (f"{folder}/file_{number}{suffix}", content)
        return {"file_id": file_id, "file_unique_id": f"u{number}", "file_size": len(content)}

    def photo_message(
        self,
        chat_id: str | int,
        content: bytes,
        *,
        caption: str | None = None,
        reply_to: dict[str, Any] | None = None,
        from_id: int | None = None,
    ) -> dict[str, Any]:
        """A `message` update with a photo (Telegram sends several sizes, the largest last)."""
        sender = from_id if from_id is not None else int(chat_id)
        small = self._store_file(content[:16], "photos", ".jpg")
        large = self._store_file(content, "photos", ".jpg")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(sender),
            "photo": [
                {**small, "width": 90, "height": 60},
                {**large, "width": 1280, "height": 853},
            ],
        }
        if caption is not None:
            message["caption"] = caption
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def document_message(
        self,
        chat_id: str | int,
        content: bytes,
        file_name: str,
        mime_type: str,
        *,
        caption: str | None = None,
        reply_to: dict[str, Any] | None = None,
        declared_size: int | None = None,
    ) -> dict[str, Any]:
        """A `message` update with a document (a PDF, a Word file…)."""
        stored = self._store_file(content, "documents", "")
        if declared_size is not None:
            stored["file_size"] = declared_size
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(int(chat_id)),
            "document": {**stored, "file_name": file_name, "mime_type": mime_type},
        }
        if caption is not None:
            message["caption"] = caption
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def bot_removed(self, chat_id: int, by_id: int, kicked: bool = True) -> dict[str, Any]:
        """Queue the `my_chat_member` update Telegram sends when a member removes the bot from
        a group (`kicked`) or the bot leaves it."""
        bot = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        new: dict[str, Any] = {"user": bot, "status": "left"}
        if kicked:
            new = {"user": bot, "status": "kicked", "until_date": 0}
        return self.push(
            {
                "my_chat_member": {
                    "chat": self.chat(chat_id),
                    "from": self.user(by_id),
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot, "status": "member"},
                    "new_chat_member": new,
                }
            }
        )

    def send_text(self, chat_id: str | int, text: str, **kwargs: Any) -> dict[str, Any]:
        return self.push(self.text_message(chat_id, text, **kwargs))

    def button_press(
        self, chat_id: str | int, message_id: int, data: str, *, from_id: int | None = None
    ) -> dict[str, Any]:
        """A `callback_query` update: someone pressed button `data` under a bot's message."""
        message = self.messages[(str(chat_id), message_id)]
        sender = from_id if from_id is not None else int(chat_id)
        return {
            "callback_query": {
                "id": f"cbq{next(self._callback_ids)}",
                "from": self.user(sender),
                "chat_instance": f"ci{chat_id}",
                "message": message,
                "data": data,
            }
        }

    def press(self, chat_id: str | int, message_id: int, data: str, **kw: Any) -> dict[str, Any]:
        return self.push(self.button_press(chat_id, message_id, data, **kw))

    async def deliver_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """POST `update` to the webhook set with setWebhook, as Telegram would; the status."""
        assert self.webhook is not None, "no webhook was set"
        update = {"update_id": next(self._update_ids), **update}
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    # -- what a test reads -------------------------------------------------------------------

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def sent(self, chat_id: str | int | None = None) -> list[Call]:
        """Successful sendMessage calls, to `chat_id` if given."""
        return [
            c for c in self.calls_to("sendMessage") if chat_id is None or c.chat_id == str(chat_id)
        ]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Wait until `predicate()` is truthy (re-checked on every call the fake gets)."""
        assert self._changed is not None
        async with asyncio.timeout(timeout), self._changed:
            return await self._changed.wait_for(predicate)

    async def wait_sent(
        self, chat_id: str | int, count: int = 1, timeout: float = 10.0
    ) -> list[Call]:
        sent = await self.wait_for(
            lambda: self.sent(chat_id) if len(self.sent(chat_id)) >= count else None, timeout
        )
        assert sent is not None
        return sent

    async def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        calls = await self.wait_for(
            lambda: self.calls_to(method) if len(self.calls_to(method)) >= count else None,
            timeout,
        )
        assert calls is not None
        return calls

    # -- the server --------------------------------------------------------------------------

    async def _notify(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    def _notify_soon(self) -> None:
        if self._changed is not None:
            asyncio.get_running_loop().create_task(self._notify())

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                elif key in _RAW:
                    params[key] = value
                else:
                    try:
                        params[key] = json.loads(value)
                    except ValueError:
                        params[key] = value
        params.update({k: v for k, v in request.query.items() if k not in params})
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                files[key] = files.pop(value.removeprefix("attach://"))
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, files, at=self.clock())
        if request.match_info["token"] != self.token:
            return await self._answer(call, 401, error="Unauthorized")
        if method in SEND_METHODS and self._hold is not None and not self._hold.is_set():
            self.holding += 1
            try:
                await self._hold.wait()
            except asyncio.CancelledError:
                self.dropped += 1  # its sender is gone: the request never got through
                raise
            finally:
                self.holding -= 1
            if request.transport is None or request.transport.is_closing():
                self.dropped += 1  # its sender is gone: the request never got through
                return await self._answer(call, 499, error="client closed the connection")
        call.at = self.clock()
        failure = self._failure_for(method)
        if failure is not None:
            return await self._fail(call, failure)
        if method in SEND_METHODS and self.faults and self._random.random() < self.faults:
            return await self._chaos(call)
        chat_id = str(params.get("chat_id", ""))
        if method in SEND_METHODS and self.limits:
            wait = self._over_limit(chat_id, call.at)
            if wait is not None:
                self.limit_hits += 1
                retry_after = max(1, int(wait + 0.999))
                return await self._fail(call, Failure(method, 429, retry_after=retry_after))
        if chat_id and chat_id in self.blocked:
            return await self._answer(call, 403, error="Forbidden: bot was blocked by the user")
        if chat_id and chat_id in self.unknown_chats:
            return await self._answer(call, 400, error="Bad Request: chat not found")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return await self._answer(call, 404, error="Not Found")
        if method == "getUpdates":
            if self._polling:
                self.conflicts += 1
                return await self._answer(
                    call,
                    409,
                    error="Conflict: terminated by other getUpdates request; make sure that "
                    "only one bot instance is running",
                )
            self._polling += 1
            try:
                updates = await self._m_getUpdates(params)
            finally:
                self._polling -= 1
            return await self._answer(call, 200, updates)
        try:
            result = handler(params, files)
        except _ApiError as err:
            return await self._answer(call, err.status, error=err.description)
        return await self._answer(call, 200, result)

    async def _chaos(self, call: Call) -> web.Response:
        kind = self._random.choice(("429", "500", "502", "timeout"))
        self.fault_counts[kind] = self.fault_counts.get(kind, 0) + 1
        if kind == "429":
            return await self._fail(call, Failure(call.method, 429, retry_after=1))
        if kind == "timeout":
            # Not delivered; the client gives up before the answer comes.
            await asyncio.sleep(self.stall)
            return await self._answer(call, 504, error="Gateway Timeout")
        return await self._fail(call, Failure(call.method, int(kind)))

    def _over_limit(self, chat_id: str, now: float) -> float | None:
        """None if a message to `chat_id` at `now` is within Telegram's limits (and then it
        counts); otherwise the seconds until it would be."""
        overall = self._overall
        while overall and overall[0] <= now - 1.0:
            overall.popleft()
        group = chat_id.startswith("-")
        limit, period = (GROUP_PER_MINUTE, 60.0) if group else (PRIVATE_PER_SECOND, 1.0)
        chat = self._per_chat.setdefault(chat_id, deque())
        while chat and chat[0] <= now - period:
            chat.popleft()
        waits = []
        if len(overall) >= OVERALL_PER_SECOND:
            waits.append(overall[0] + 1.0 - now)
        if len(chat) >= limit:
            waits.append(chat[0] + period - now)
        if waits:
            return max(waits)
        overall.append(now)
        chat.append(now)
        return None

    def _failure_for(self, method: str) -> Failure | None:
        for failure in self.failures:
            if failure.method == method and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    async def _fail(self, call: Call, failure: Failure) -> web.Response:
        parameters: dict[str, Any] = {}
        if failure.retry_after is not None:
            parameters["retry_after"] = failure.retry_after
        if failure.migrate_to is not None:
            parameters["migrate_to_chat_id"] = failure.migrate_to
        description = failure.description or {
            429: f"Too Many Requests: retry after {failure.retry_after}",
            400: "Bad Request: group chat was upgraded to a supergroup chat",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(failure.status, "Error")
        return await self._answer(call, failure.status, error=description, parameters=parameters)

    async def _answer(
        self,
        call: Call,
        status: int,
        result: Any = None,
        error: str | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> web.Response:
        call.status, call.result = status, result
        self.calls.append(call)
        await self._notify()
        if error is None:
            body: dict[str, Any] = {"ok": True, "result": result}
        else:
            body = {"ok": False, "error_code": status, "description": error}
            if parameters:
                body["parameters"] = parameters
        return web.json_response(body, status=status)

    # -- methods ---------------------------------------------------------------------------

    def _m_getFile(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    async def _download(self, request: web.Request) -> web.Response:
        """A file's bytes at base_file_url + token + "/" + file_path."""
        call = Call("download", {"path": request.match_info["path"]}, at=self.clock())
        if request.match_info["token"] != self.token:
            call.status = 401
            self.calls.append(call)
            return web.Response(status=401)
        for path, content in self.files.values():
            if path == request.match_info["path"]:
                self.calls.append(call)
                await self._notify()
                return web.Response(body=content)
        call.status = 404
        self.calls.append(call)
        return web.Response(status=404)

    def _m_getMe(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return self.bot_user

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        offset = int(params.get("offset") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        changed, closing = self._changed, self._closing
        assert changed is not None and closing is not None
        if not self._deliverable() and timeout > 0 and not closing.is_set():
            try:
                async with asyncio.timeout(timeout), changed:
                    await changed.wait_for(lambda: bool(self._deliverable()) or closing.is_set())
            except TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        return self._deliverable()[:limit]

    def _deliverable(self) -> list[dict[str, Any]]:
        """The queued updates; as Telegram, those of a type the bot did not ask for (the last
        getUpdates' allowed_updates) are dropped, never delivered."""
        if self.allowed_updates:
            allowed = set(self.allowed_updates)
            self.updates = [u for u in self.updates if allowed & (set(u) - {"update_id"})]
        return self.updates

    def _m_setMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.commands = params["commands"]
        return True

    def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        self.webhook["allowed_updates"] = params.get("allowed_updates")
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = str(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            **content,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        text = params.get("text", "")
        if not text:
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._new_message(params, text=text)

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        if "photo" not in files:
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        size = len(files["photo"][1])
        photo = [
            {"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1, "file_size": size}
        ]
        return self._new_message(params, photo=photo)

    def _m_sendDocument(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        if "document" not in files:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        name, content = files["document"]
        document = {
            "file_id": "d1",
            "file_unique_id": "u2",
            "file_name": name,
            "file_size": len(content),
        }
        return self._new_message(params, document=document)

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        key = (str(params.get("chat_id")), int(params.get("message_id", 0)))
        message = self.messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message["text"] = params.get("text")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        return message

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True

    def _m_sendChatAction(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        return True


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
