"""Reading a webhook's JSON body safely: bounded in size and in nesting depth.

A body nested a hundred thousand levels deep makes Python's json parser raise RecursionError
(not ValueError), which used to end as HTTP 500 with a traceback in the log. The depth is
checked first, without recursion, so any body gets a 4xx answer and one log line."""

from __future__ import annotations

import json
import re
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
