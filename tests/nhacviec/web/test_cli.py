"""`nhacviec web-link CB001`: the first admin's way in, a link the web page accepts once."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from nhacviec.app import build_app
from nhacviec.base.config import load_config
from nhacviec.web.routes import web_application
from tests.builders import write_xlsx
from tests.nhacviec.test_cli import nhacviec
from tests.web_helpers import open_link, web_deps


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/cli.db"\n'
        '[web]\npublic_url = "http://nhacviec.snn.example/"\nlinks_per_hour = 2\n',
        encoding="utf-8",
    )
    return path


async def test_web_link_prints_a_link_that_signs_in(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert nhacviec("import", str(write_xlsx(tmp_path / "p.xlsx")), cwd=tmp_path, config=config)
    printed = nhacviec("web-link", "CB02", cwd=tmp_path, config=config)
    assert printed.returncode == 0, printed.stderr
    assert "Lê Văn Tùng (CB02), dùng một lần" in printed.stdout
    url = re.search(r"http://nhacviec\.snn\.example/dang-nhap/\S+", printed.stdout)
    assert url, printed.stdout
    built = build_app(load_config(config))
    async with TestClient(TestServer(web_application(web_deps(built)))) as client:
        status, _ = await open_link(client, url.group(0))
        assert status == 303
        assert "Lê Văn Tùng" in await (await client.get("/")).text()
    built.engine.dispose()

    assert nhacviec("web-link", "CB02", cwd=tmp_path, config=config).returncode == 0
    limited = nhacviec("web-link", "CB02", cwd=tmp_path, config=config)
    assert limited.returncode == 1 and "2 đường dẫn" in limited.stderr
    unknown = nhacviec("web-link", "CB99", cwd=tmp_path, config=config)
    assert unknown.returncode == 1 and "Không có cán bộ mã CB99" in unknown.stderr


def test_a_bad_web_setting_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/cli.db"\n[web]\npublic_url = "nhacviec.vn"\n',
        encoding="utf-8",
    )
    result = nhacviec("web-link", "CB01", cwd=tmp_path, config=config)
    assert result.returncode == 2
    assert "[web] public_url phải bắt đầu bằng https://" in result.stderr


async def test_nhacviec_run_serves_the_page_when_enabled(tmp_path: Path) -> None:
    """`nhacviec run` serves the page when [web] enabled, on its own server here."""
    import socket

    import aiohttp

    from bot.adapters.webhook import HttpServer
    from nhacviec.app import build_services
    from nhacviec.base.config import Config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config()
    config.database.url = f"sqlite:///{tmp_path}/run.db"
    assert not [s for s in build_services(build_app(config)) if isinstance(s, HttpServer)]
    config.web.enabled, config.web.port = True, port
    services = build_services(build_app(config))
    servers = [s for s in services if isinstance(s, HttpServer)]
    assert [(s.listen, s.port) for s in servers] == [("127.0.0.1", port)]
    await servers[0].start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/") as answer,
        ):
            assert answer.status == 401
            assert "Bạn chưa đăng nhập" in await answer.text()
    finally:
        await servers[0].stop()


async def test_page_and_zalo_webhook_share_one_server(tmp_path: Path) -> None:
    """[web] on the port of Zalo's webhook: one server carries both, each still answers."""
    import asyncio
    import socket

    import aiohttp

    from bot.adapters.webhook import HttpServer
    from nhacviec.app import build_services
    from nhacviec.base import texts
    from nhacviec.runner import run_services
    from tests.fakes.zalo_api import FakeZalo, post_webhook, text_update

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    secret = "zalo-webhook-secret-1"
    fake_zalo = FakeZalo("zalo-fake-token-for-tests")
    await fake_zalo.start()
    try:
        path = tmp_path / "nhacviec.toml"
        path.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path}/run.db"\n'
            f'[zalo]\nenabled = true\nmode = "webhook"\nbase_url = "{fake_zalo.base_url}"\n'
            f'url = "{base}/zalo/webhook"\nlisten = "127.0.0.1"\nport = {port}\n'
            f'[web]\nenabled = true\nlisten = "127.0.0.1"\nport = {port}\npublic_url = "{base}"\n',
            encoding="utf-8",
        )
        env = {"NHACVIEC_ZALO_TOKEN": "zalo-fake-token-for-tests", "NHACVIEC_ZALO_SECRET": secret}
        built = build_app(load_config(path, env=env))
        services = build_services(built)
        servers = [s for s in services if isinstance(s, HttpServer)]
        assert [(s.listen, s.port) for s in servers] == [("127.0.0.1", port)]
        stop = asyncio.Event()
        running = asyncio.create_task(run_services(services, stop))
        try:
            await asyncio.sleep(0.5)
            url = f"{base}/zalo/webhook"
            assert await post_webhook(url, text_update("zalo-1", "/help"), secret) == 200
            await fake_zalo.wait_sent(1, "zalo-1")
            assert fake_zalo.texts("zalo-1") == [texts.HELP_UNLINKED]
            async with aiohttp.ClientSession() as http, http.get(f"{base}/") as answer:
                assert answer.status == 401
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)
        built.engine.dispose()
    finally:
        await fake_zalo.stop()


def test_nhacviec_web_serves_alone_until_stopped(tmp_path: Path) -> None:
    """`nhacviec web` as a user runs it: a real process, the page answers, SIGTERM stops it."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.conftest import REPO_ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/web.db"\n[web]\nport = {port}\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "NHACVIEC_CONFIG": str(config)}
    process = subprocess.Popen(
        [sys.executable, "-m", "nhacviec", "web"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/style.css", timeout=2)
                status = 200
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                time.sleep(0.2)
        assert status == 200
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
            assert "Bạn chưa đăng nhập" in exc.read().decode()
        else:
            raise AssertionError("a stranger was let in")
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"Trang web: http://127.0.0.1:{port}" in out
