"""A fake Zalo Bot Platform server (aiohttp.web on 127.0.0.1) for tests.

It speaks the documented API (`POST /bot<TOKEN>/<method>`, JSON in and out): records every
call, hands out queued updates one per getUpdates (answering error 408 when none arrives within
the long-poll wait), fetches the URL given to sendPhoto as Zalo would, and can be told to fail
the next calls of a method with an HTTP 5xx, a Zalo error answer, or a slow answer."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Bot-Api-Secret-Token"
_ids = itertools.count(1)


@dataclass
class Call:
    """One request the fake received, and how it answered."""

    method: str
    payload: dict[str, Any]
    status: int
    ok: bool
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Failure:
    status: int = 500
    body: dict[str, Any] | None = None
    delay: float = 0.0  # answer only after this many seconds (to provoke client timeouts)


def text_update(
    chat_id: str,
    text: str,
    *,
    name: str = "Cán bộ",
    message_id: str | None = None,
    chat_type: str = "PRIVATE",
    wrapped: bool = False,
) -> dict[str, Any]:
    """A `message.text.received` update, shaped like the platform's documented samples."""
    return event_update(
        "message.text.received",
        chat_id,
        name=name,
        message_id=message_id,
        chat_type=chat_type,
        text=text,
        wrapped=wrapped,
    )


def image_update(chat_id: str, url: str, *, caption: str | None = None) -> dict[str, Any]:
    """A `message.image.received` update: the image's address in `photo`."""
    fields: dict[str, Any] = {"photo": url}
    if caption is not None:
        fields["caption"] = caption
    return event_update("message.image.received", chat_id, **fields)


def event_update(
    event_name: str,
    chat_id: str,
    *,
    name: str = "Cán bộ",
    message_id: str | None = None,
    chat_type: str = "PRIVATE",
    wrapped: bool = False,
    **fields: Any,
) -> dict[str, Any]:
    update = {
        "event_name": event_name,
        "message": {
            "message_id": message_id or f"msg{next(_ids):06d}",
            "from": {"id": chat_id, "display_name": name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": chat_type},
            "date": int(time.time() * 1000),
            **fields,
        },
    }
    return {"ok": True, "result": update} if wrapped else update


class FakeZalo:
    """The fake server. `base_url` (after `start`) is what ZaloClient takes as base_url."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: str = "1459232241454765289",
        max_wait: float = 0.3,
        empty_http_status: int = 200,
        webhook_url: str = "",
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.max_wait = max_wait
        self.empty_http_status = empty_http_status
        self.webhook: dict[str, Any] = {"url": webhook_url}
        self.calls: list[Call] = []
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._message_ids = itertools.count(1)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.port = 0

    # -- control from the test --------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/media/{name}", self._media)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def serve(self, name: str, content: bytes, content_type: str = "image/jpeg") -> str:
        """Hold an image an officer sent, as Zalo's media servers do; its address."""
        self.media[name] = (content, content_type)
        return f"http://127.0.0.1:{self.port}/media/{name}"

    async def _media(self, request: web.Request) -> web.Response:
        found = self.media.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the next getUpdates."""
        self.updates.put_nowait(update)

    def fail(
        self,
        method: str,
        times: int = 1,
        *,
        status: int | None = None,
        body: dict[str, Any] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls of `method` fail: an HTTP `status` (500 by default) with
        a plain-text body, or the Zalo answer `body` (e.g. `{"ok": False, "error_code": 429}`,
        with HTTP 200 by default)."""
        if status is None:
            status = 500 if body is None else 200
        for _ in range(times):
            self._failures[method].append(Failure(status, body, delay))

    def sent(self, method: str = "sendMessage", chat_id: str | None = None) -> list[Call]:
        """The successful calls of `method` (to `chat_id`), in order."""
        return [
            c
            for c in self.calls
            if c.method == method and c.ok and (chat_id is None or c.payload["chat_id"] == chat_id)
        ]

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [c.payload["text"] for c in self.sent("sendMessage", chat_id)]

    def attempts(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds, re-checked after every call the fake receives."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def wait_sent(
        self, count: int, chat_id: str | None = None, timeout: float = 10.0
    ) -> None:
        await self.wait_for(lambda: len(self.sent("sendMessage", chat_id)) >= count, timeout)

    # -- the API -----------------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            payload = await request.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            payload = {}
        if request.match_info["token"] != self.token:
            return await self._error(method, payload, 401, "Unauthorized", http_status=401)
        if self._failures[method]:
            failure = self._failures[method].popleft()
            if failure.delay:
                await asyncio.sleep(failure.delay)
            await self._record(Call(method, payload, failure.status, False, {"injected": True}))
            if failure.body is not None:
                return web.json_response(failure.body, status=failure.status)
            return web.Response(status=failure.status, text="upstream failure")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return await self._error(method, payload, 404, "Not found")
        response: web.Response = await handler(method, payload)
        return response

    async def _ok(
        self, method: str, payload: dict[str, Any], result: Any, **extra: Any
    ) -> web.Response:
        await self._record(Call(method, payload, 200, True, extra))
        return web.json_response({"ok": True, "result": result})

    async def _error(
        self, method: str, payload: dict[str, Any], code: int, text: str, http_status: int = 200
    ) -> web.Response:
        await self._record(Call(method, payload, http_status, False, {"error_code": code}))
        return web.json_response(
            {"ok": False, "error_code": code, "description": text}, status=http_status
        )

    def _sent_result(self) -> dict[str, Any]:
        return {"message_id": f"out{next(self._message_ids):06d}", "date": int(time.time() * 1000)}

    async def _m_getMe(self, method: str, payload: dict[str, Any]) -> web.Response:
        me = {
            "id": self.bot_id,
            "account_name": "bot.nhacviec",
            "account_type": "BASIC",
            "can_join_groups": False,
        }
        return await self._ok(method, payload, me)

    async def _m_getUpdates(self, method: str, payload: dict[str, Any]) -> web.Response:
        if self.webhook.get("url"):
            return await self._error(method, payload, 400, "Webhook is set; use deleteWebhook")
        wait = min(float(payload.get("timeout") or 30), self.max_wait)
        try:
            update = await asyncio.wait_for(self.updates.get(), wait)
        except TimeoutError:
            return await self._error(
                method, payload, 408, "Request timeout", http_status=self.empty_http_status
            )
        return await self._ok(method, payload, update)

    async def _m_setWebhook(self, method: str, payload: dict[str, Any]) -> web.Response:
        secret = str(payload.get("secret_token", ""))
        if not str(payload.get("url", "")).startswith(("https://", "http://")):
            return await self._error(method, payload, 400, "url is required")
        if not 8 <= len(secret) <= 256:
            return await self._error(method, payload, 400, "secret_token must be 8-256 chars")
        self.webhook = {"url": payload["url"], "secret_token": secret}
        return await self._ok(method, payload, {"url": payload["url"], "updated_at": 1})

    async def _m_deleteWebhook(self, method: str, payload: dict[str, Any]) -> web.Response:
        self.webhook = {"url": ""}
        return await self._ok(method, payload, {"url": "", "updated_at": 1})

    async def _m_getWebhookInfo(self, method: str, payload: dict[str, Any]) -> web.Response:
        return await self._ok(method, payload, {"url": self.webhook.get("url", "")})

    async def _m_sendMessage(self, method: str, payload: dict[str, Any]) -> web.Response:
        text = payload.get("text")
        if not payload.get("chat_id"):
            return await self._error(method, payload, 400, "chat_id is required")
        if not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return await self._error(method, payload, 400, "text must be 1-2000 characters")
        return await self._ok(method, payload, self._sent_result())

    async def _m_sendPhoto(self, method: str, payload: dict[str, Any]) -> web.Response:
        url = payload.get("photo")
        if not payload.get("chat_id") or not isinstance(url, str):
            return await self._error(method, payload, 400, "chat_id and photo are required")
        # Zalo downloads the photo from the URL it is given: so does the fake.
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as fetched:
                if fetched.status != 200:
                    return await self._error(method, payload, 400, "photo not reachable")
                content = await fetched.read()
                content_type = fetched.headers.get("Content-Type", "")
        except aiohttp.ClientError:
            return await self._error(method, payload, 400, "photo not reachable")
        return await self._ok(
            method, payload, self._sent_result(), content=content, content_type=content_type
        )

    async def _m_sendChatAction(self, method: str, payload: dict[str, Any]) -> web.Response:
        await self._record(Call(method, payload, 200, True))
        return web.json_response({"ok": True})


async def post_webhook(url: str, body: dict[str, Any], secret: str | None) -> int:
    """Deliver `body` to our webhook the way Zalo does; returns the HTTP status."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        return response.status
