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
    """`nhacviec run` starts the web page with the other services when [web] enabled."""
    import socket

    import aiohttp

    from nhacviec.app import build_services
    from nhacviec.base.config import Config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config()
    config.database.url = f"sqlite:///{tmp_path}/run.db"
    assert "web" not in [s.name for s in build_services(build_app(config))]
    config.web.enabled, config.web.port = True, port
    services = [s for s in build_services(build_app(config)) if s.name == "web"]
    assert len(services) == 1
    await services[0].start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/") as answer,
        ):
            assert answer.status == 401
            assert "Bạn chưa đăng nhập" in await answer.text()
    finally:
        await services[0].stop()
