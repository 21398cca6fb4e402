"""A real run of the bot at DEBUG, every logger captured: the token is in no log line."""

from __future__ import annotations

import io
import logging

import pytest
from sqlmodel import select

from bot.adapters.telegram.service import TelegramService
from nhacviec.app import App
from nhacviec.base import texts
from nhacviec.base.config import ConfigError, TelegramConfig
from storage import repo
from storage.db import session_scope
from storage.models import Task
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.virtual_time import VirtualTime

TOKEN = "9876543:AAGz-real-looking_token_for_the_log_test"
SECRET_PART = TOKEN.split(":", 1)[1]
WEBHOOK_SECRET = "hook-secret-for-the-log-test"

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def config_for(fake: FakeTelegramAPI, token: str = TOKEN) -> TelegramConfig:
    return TelegramConfig(
        enabled=True,
        token=token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        secret_token=WEBHOOK_SECRET,
    )


async def test_no_token_in_any_log_line_of_a_real_run(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram", "aiohttp", "asyncio", "bot", "nhacviec"):
        caplog.set_level(logging.DEBUG, logger=name)
    vt = VirtualTime()
    late = io.StringIO()
    async with FakeTelegramAPI(TOKEN, clock=vt.clock) as fake:
        service = TelegramService(
            config_for(fake), app.chat, clock=vt.clock, sleep=vt.sleep, poll_timeout=1
        )
        # A handler added after the service registered its secrets, as a log file would be.
        handler = logging.StreamHandler(late)
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        logging.getLogger().addHandler(handler)
        try:
            await service.start()
            with session_scope(app.engine) as session:
                officer = repo.officer_by_code(session, "CB04")
                assert officer is not None
                code = repo.new_link_code(session, officer, app.clock.now(), 7).code
                nv05 = session.exec(select(Task).where(Task.code == "NV-05")).one().id
            fake.send_text(501, f"/start {code}")
            await fake.wait_sent(501, 1)
            fake.fail("sendMessage", 429, retry_after=2)
            fake.send_text(501, "/tasks")
            [_, listing] = await fake.wait_sent(501, 2)
            fake.fail("editMessageText", 500, times=100)  # the handler fails: logged with trace
            fake.press(501, listing.result["message_id"], f"done:{nv05}")
            [*_, sorry] = await fake.wait_sent(501, 3)
            assert sorry.params["text"] == texts.SORRY
            await service.stop()
        finally:
            logging.getLogger().removeHandler(handler)

    # A rejected token: PTB's own message quotes it; ours does not.
    async with FakeTelegramAPI("1111111:AAother-token-the-fake-accepts-only") as other:
        refused = TelegramService(config_for(other), app.chat, clock=vt.clock, sleep=vt.sleep)
        with pytest.raises(ConfigError) as caught:
            await refused.start()
        assert SECRET_PART not in str(caught.value)

    everything = caplog.text + late.getvalue()
    records = caplog.records
    assert SECRET_PART not in everything
    assert WEBHOOK_SECRET not in everything
    for record in records:
        assert SECRET_PART not in record.getMessage()
        assert SECRET_PART not in (record.exc_text or "")
    # The run did log request URLs and a traceback, masked: the check above had teeth.
    assert any(r.name == "httpx" and "/bot***/getMe" in r.getMessage() for r in records)
    assert any(r.levelno == logging.ERROR and r.exc_text for r in records)
    assert "/bot***/sendMessage" in late.getvalue()
