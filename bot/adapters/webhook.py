"""The one HTTP server of a process, and reading a webhook's JSON body safely.

Telegram's and Zalo's webhooks (and the web page) mount their routes on an HttpServer before
it starts; the composition root makes one per listen address and port.

A webhook body is bounded in size and in nesting depth.
A body nested a hundred thousand levels deep makes Python's json parser raise RecursionError
(not ValueError), which used to end as HTTP 500 with a traceback in the log. The depth is
checked first, without recursion, so any body gets a 4xx answer and one log line."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

MAX_BODY = 1024 * 1024  # bytes; Telegram and Zalo updates are a few kilobytes
MAX_DEPTH = 32  # an update nests about ten levels (a reply to a message with entities)
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


class BadBody(Exception):
    """The body cannot be an update; `status` is the HTTP answer to give."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text `raw` nests arrays and objects more than `limit` levels."""
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b'""', raw)):
        if bracket in (b"{", b"["):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def parse_body(raw: bytes, max_body: int = MAX_BODY, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The JSON object in `raw`; BadBody (413 too large, 400 anything else) otherwise."""
    if len(raw) > max_body:
        raise BadBody(413, f"body of {len(raw)} bytes")
    if too_deep(raw, max_depth):
        raise BadBody(400, f"JSON nested deeper than {max_depth}")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise BadBody(400, f"not JSON ({type(err).__name__})") from None
    if not isinstance(data, dict):
        raise BadBody(400, "not a JSON object")
    return data


async def read_body(request: web.Request, max_body: int = MAX_BODY) -> dict[str, Any]:
    """The request's JSON object, read at most `max_body` bytes; BadBody otherwise."""
    if request.content_length is not None and request.content_length > max_body:
        raise BadBody(413, f"body of {request.content_length} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := await request.content.read(65536):
            size += len(chunk)
            if size > max_body:
                raise BadBody(413, f"body over {max_body} bytes")
            chunks.append(chunk)
    except (OSError, ValueError) as err:
        raise BadBody(400, f"body unreadable ({type(err).__name__})") from None
    return parse_body(b"".join(chunks), max_body)


log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def secret_matches(request: web.Request, header: str, secret: str) -> bool:
    """Whether the request carries `secret` in `header`, compared in constant time."""
    return hmac.compare_digest(request.headers.get(header, "").encode(), secret.encode())


class HttpServer:
    """One aiohttp server on `listen`:`port`. Routes are added while it is being built; it is a
    Service of `nhacviec run` and starts before the messengers that ask to be called on it."""

    name = "http"

    def __init__(self, listen: str, port: int) -> None:
        self.listen = listen
        self.port = port
        # No access log: media paths and sign-in links are capabilities.
        self.app = web.Application(client_max_size=MAX_BODY)
        self.bound_port: int | None = None
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, handler: Handler) -> None:
        self.app.router.add_post(path, handler)

    def add_get(self, path: str, handler: Handler) -> None:
        self.app.router.add_get(path, handler)

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        if self._runner is not None:
            return
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        await web.TCPSite(runner, self.listen, self.port).start()
        self._runner = runner
        self.bound_port = runner.addresses[0][1]
        log.info("HTTP server listening on %s:%s", self.listen, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
