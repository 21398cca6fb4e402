"""Webhook bodies from anyone who knows the URL: too deep, too large, not JSON. Each gets a
4xx and one log line, never a 500 or a traceback, and the bot goes on answering. The real
Telegram and Zalo services on their own aiohttp servers."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.adapters.telegram.service import SECRET_HEADER as TELEGRAM_HEADER
from bot.adapters.telegram.service import TelegramService
from bot.adapters.webhook import MAX_DEPTH, BadBody, parse_body, too_deep
from nhacviec.app import App
from nhacviec.base import texts
from tests.bot.adapters.test_telegram_bot import STRANGER, free_port
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.virtual_time import VirtualTime
from tests.telegram_fixtures import config_for

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

TG_SECRET = "s3cret-webhook_token"


def hostile_bodies() -> dict[str, bytes]:
    deep = b'{"update_id": 1, "message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    return {
        "deep": deep,
        "deep_objects": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "huge": b'{"update_id": 1, "x": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        "not_json": b"{update_id: 1",
        "list": b"[1, 2, 3]",
        "bad_utf8": b'{"update_id": 1, "t": "\xff\xfe"}',
    }


def test_depth_is_checked_without_recursion() -> None:
    assert not too_deep(b'{"a": [1, {"b": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}')
    assert too_deep(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert not too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert not too_deep(b'{"s": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}')
    for name, raw in hostile_bodies().items():
        with pytest.raises(BadBody) as bad:
            parse_body(raw)
        assert bad.value.status in (400, 413), name
    assert parse_body(b'{"update_id": 5}') == {"update_id": 5}


async def post(url: str, raw: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=raw, headers={**headers, "Content-Type": "application/json"}
        ) as response,
    ):
        return response.status


async def test_telegram_webhook_refuses_hostile_bodies_with_4xx(
    app: App, fake: FakeTelegramAPI, vt: VirtualTime, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    config = config_for(
        fake,
        mode="webhook",
        webhook_url=url,
        listen="127.0.0.1",
        port=port,
        secret_token=TG_SECRET,
    )
    service = TelegramService(config, app.chat, clock=vt.clock, sleep=vt.sleep)
    await service.start()
    try:
        for name, raw in hostile_bodies().items():
            status = await post(url, raw, {TELEGRAM_HEADER: TG_SECRET})
            assert status in (400, 413), (name, status)
        assert await fake.deliver_webhook(fake.text_message(STRANGER, "/help"), TG_SECRET) == 200
        [reply] = await fake.wait_sent(STRANGER)
        assert reply.params["text"] == texts.HELP_UNLINKED
    finally:
        await service.stop()
    assert not [r for r in caplog.records if r.exc_info or r.exc_text]
    assert all(r.levelno < logging.ERROR for r in caplog.records)
