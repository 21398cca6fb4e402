"""`nhacviec run` that cannot start says why in one Vietnamese line on stderr and exits
non-zero: no English traceback. Real processes against the fakes (or nothing) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.bot.adapters.test_telegram_bot import free_port
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZalo

TOKEN = "5555555:AAF-startup-test-token-abcdefghijklmn"
ZALO_TOKEN = "3141592653589793238:FakeZaloTokenForTests0123"

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


async def run_nhacviec(
    tmp_path: Path, body: str, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """`nhacviec run` with a config of `body`: its exit code and stderr (stopped after 60 s)."""
    config = tmp_path / "nhacviec.toml"
    if "[database]" not in body:
        body = f'[database]\nurl = "sqlite:///{tmp_path}/run.db"\n{body}'
    config.write_text(body, encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nhacviec",
        "run",
        "--config",
        str(config),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "NHACVIEC_TELEGRAM_TOKEN": TOKEN, **(env or {})},
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def assert_one_vietnamese_line(stderr: str, expected: str) -> None:
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if " INFO " not in line and line.strip()]
    errors = [line for line in errors if " WARNING " not in line and " DEBUG " not in line]
    assert len(errors) == 1 and expected in errors[0], stderr
    assert TOKEN not in stderr and ZALO_TOKEN not in stderr


async def test_bot_api_unreachable(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    code, stderr = await run_nhacviec(
        tmp_path, f'[telegram]\nenabled = true\nbase_url = "{closed}/bot"\n'
    )
    assert code == 1
    assert_one_vietnamese_line(stderr, "Không kết nối được Telegram Bot API (127.0.0.1:")


async def test_database_unreachable(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    code, stderr = await run_nhacviec(tmp_path, f'[database]\nurl = "{url}"\n')
    assert code == 1
    assert_one_vietnamese_line(stderr, "Không kết nối được cơ sở dữ liệu postgresql+psycopg://")


async def test_bad_telegram_token(tmp_path: Path) -> None:
    async with FakeTelegramAPI("1:some-other-token") as fake:
        code, stderr = await run_nhacviec(
            tmp_path, f'[telegram]\nenabled = true\nbase_url = "{fake.base_url}"\n'
        )
    assert code == 2
    assert_one_vietnamese_line(stderr, "Telegram từ chối token")


async def test_zalo_401(tmp_path: Path) -> None:
    fake = FakeZalo("1:not-our-token-xxxxxxxxxxx")
    await fake.start()
    try:
        code, stderr = await run_nhacviec(
            tmp_path,
            f'[zalo]\nenabled = true\nbase_url = "{fake.base_url}"\n',
            env={"NHACVIEC_ZALO_TOKEN": ZALO_TOKEN},
        )
    finally:
        await fake.stop()
    assert code == 1
    assert_one_vietnamese_line(stderr, "Zalo từ chối token (401)")


async def test_log_level_option_and_environment(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    body = f'[telegram]\nenabled = true\nbase_url = "{closed}/bot"\n'
    code, stderr = await run_nhacviec(tmp_path, body, "--log-level", "loud")
    assert code == 2
    assert_one_vietnamese_line(stderr, "--log-level phải là DEBUG, INFO, WARNING, ERROR")
    _, quiet = await run_nhacviec(tmp_path, body, env={"NHACVIEC_LOG_LEVEL": "ERROR"})
    assert " INFO " not in quiet and " DEBUG " not in quiet
    _, loud = await run_nhacviec(tmp_path, body, "--log-level", "debug")
    assert " DEBUG " in loud
    assert_one_vietnamese_line(loud, "Không kết nối được Telegram Bot API")
