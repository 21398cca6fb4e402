"""Zalo: one chat's flood never delays another chat; hostile webhook bodies get a 4xx. The
real ZaloService on its webhook, httpx to the fake Zalo server, real SQLite."""

# ruff: noqa: F811  (the Zalo fixtures are imported from test_zalo.py by name)

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.adapters.zalo.service import MAX_QUEUED_PER_CHAT
from bot.adapters.zalo.service import SECRET_HEADER as ZALO_HEADER
from nhacviec.app import App
from nhacviec.base import texts
from tests.bot.adapters.test_webhook_bodies import hostile_bodies, post
from tests.bot.adapters.test_zalo import SECRET, fake, sleeps, task_id, webhook  # noqa: F401  (fixtures)
from tests.conftest import link_chat
from tests.fakes.zalo_api import FakeZalo, post_webhook, text_update


async def test_300_messages_from_a_stranger_do_not_delay_an_officer(
    app: App,
    fake: FakeZalo,
    webhook: Any,
) -> None:
    _, service, url = webhook
    link_chat(app, "CB04", "zalo", "zalo-lan")
    # All at once, as a flood arrives: the backlog builds before any of it is answered.
    bodies = [text_update("zalo-stranger", "/help", message_id=f"s{n}") for n in range(300)]
    statuses = await asyncio.gather(*(post_webhook(url, b, SECRET) for b in bodies))
    assert statuses == [200] * 300
    nv05 = task_id(app, "NV-05")
    start = time.monotonic()
    assert await post_webhook(url, text_update("zalo-lan", f"/progress {nv05} 50"), SECRET) == 200
    await fake.wait_sent(1, "zalo-lan")
    waited = time.monotonic() - start
    assert waited <= 1.0, waited
    assert fake.texts("zalo-lan")[0].startswith(f"📈 Nhiệm vụ {nv05}: tiến độ 0% → 50%")
    async with asyncio.timeout(30):
        while service._lanes or service._queue.qsize():
            await asyncio.sleep(0.05)
    # The stranger: one answer, at most one "slow down"; the rest dropped or ignored.
    said = fake.texts("zalo-stranger")
    assert said.count(texts.HELP_UNLINKED) == 1 and set(said) <= {
        texts.HELP_UNLINKED,
        texts.SLOW_DOWN,
    }, said
    assert len(said) <= 2 and service.dropped > 0
    assert MAX_QUEUED_PER_CHAT == 10


async def test_an_unlinked_zalo_group_is_told_once(
    app: App,
    fake: FakeZalo,
    webhook: Any,
) -> None:
    _, service, url = webhook
    for n in range(100):
        body = text_update("zalo-group", "/tasks", message_id=f"g{n}", chat_type="GROUP")
        assert await post_webhook(url, body, SECRET) == 200
    async with asyncio.timeout(30):
        while service._lanes or service._queue.qsize():
            await asyncio.sleep(0.05)
    assert fake.texts("zalo-group") == [texts.GROUP_NOT_LINKED]


async def test_zalo_webhook_refuses_hostile_bodies_with_4xx(
    app: App,
    fake: FakeZalo,
    webhook: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, _, url = webhook
    for name, raw in hostile_bodies().items():
        status = await post(url, raw, {ZALO_HEADER: SECRET})
        assert status in (400, 413), (name, status)
    assert await post_webhook(url, text_update("zalo-w", "/start"), SECRET) == 200
    await fake.wait_sent(1, "zalo-w")
    assert fake.texts("zalo-w") == [texts.START_USAGE]
    assert not [r for r in caplog.records if r.exc_info or r.exc_text]
