"""One HTTP server per address: Telegram's and Zalo's webhooks configured on the same port are
served by one server that `nhacviec run` starts before the messengers ask to be called."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from bot.adapters.webhook import HttpServer
from nhacviec.app import build_app, build_services
from nhacviec.base import texts
from nhacviec.base.config import load_config
from nhacviec.runner import run_services
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZalo, post_webhook, text_update

TELEGRAM_TOKEN = "123456:fake-telegram-token-for-tests"
ZALO_TOKEN = "zalo-fake-token-for-tests"
TELEGRAM_SECRET = "telegram-webhook-secret"
ZALO_SECRET = "zalo-webhook-secret-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_telegram_and_zalo_webhooks_share_one_server(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    fake_zalo = FakeZalo(ZALO_TOKEN)
    await fake_zalo.start()
    try:
        async with FakeTelegramAPI(TELEGRAM_TOKEN) as fake_telegram:
            path = tmp_path / "nhacviec.toml"
            path.write_text(
                f'[database]\nurl = "sqlite:///{tmp_path}/run.db"\n'
                f'[telegram]\nenabled = true\nmode = "webhook"\n'
                f'base_url = "{fake_telegram.base_url}"\n'
                f'base_file_url = "{fake_telegram.base_file_url}"\n'
                f'webhook_url = "{base}/telegram"\nlisten = "127.0.0.1"\nport = {port}\n'
                f'[zalo]\nenabled = true\nmode = "webhook"\nbase_url = "{fake_zalo.base_url}"\n'
                f'url = "{base}/zalo/webhook"\nlisten = "127.0.0.1"\nport = {port}\n',
                encoding="utf-8",
            )
            env = {
                "NHACVIEC_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
                "NHACVIEC_TELEGRAM_SECRET": TELEGRAM_SECRET,
                "NHACVIEC_ZALO_TOKEN": ZALO_TOKEN,
                "NHACVIEC_ZALO_SECRET": ZALO_SECRET,
            }
            built = build_app(load_config(path, env=env))
            services = build_services(built)
            servers = [s for s in services if isinstance(s, HttpServer)]
            assert [(s.listen, s.port) for s in servers] == [("127.0.0.1", port)]
            assert services.index(servers[0]) == 0  # listening before setWebhook is called

            stop = asyncio.Event()
            running = asyncio.create_task(run_services(services, stop))
            try:
                await fake_telegram.wait_for(lambda: fake_telegram.webhook)
                assert fake_telegram.webhook is not None
                assert fake_telegram.webhook["url"] == f"{base}/telegram"
                update = fake_telegram.text_message(4242, "/help")
                assert await fake_telegram.deliver_webhook(update, TELEGRAM_SECRET) == 200
                [reply] = await fake_telegram.wait_sent(4242)
                assert reply.params["text"] == texts.HELP_UNLINKED

                url = f"{base}/zalo/webhook"
                assert await post_webhook(url, text_update("zalo-1", "/help"), ZALO_SECRET) == 200
                await fake_zalo.wait_sent(1, "zalo-1")
                assert fake_zalo.texts("zalo-1") == [texts.HELP_UNLINKED]
                # Each webhook keeps its own secret on the shared server.
                bad = await post_webhook(url, text_update("zalo-1", "/help"), TELEGRAM_SECRET)
                assert bad == 403
            finally:
                stop.set()
                await asyncio.wait_for(running, 10)
            built.engine.dispose()
    finally:
        await fake_zalo.stop()
