"""`nhacviec run` wiring: [telegram] in the config gives a messenger and a running service."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.telegram.messenger import TelegramMessenger
from nhacviec.app import App, build_app, build_messengers, build_services
from nhacviec.base import texts
from nhacviec.base.config import ConfigError, load_config
from nhacviec.runner import run_services
from tests.fakes.telegram_api import FakeTelegramAPI

TOKEN = "5555555:AAF-runner-test-token-abcdefghijklmnop"


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "nhacviec.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/run.db"\n{body}', encoding="utf-8")
    return path


def test_telegram_off_by_default(app: App) -> None:
    assert build_messengers(app) == ({}, [])


def test_token_comes_from_the_environment(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[telegram]\nenabled = true\nmode = "polling"\n')
    config = load_config(path, env={"NHACVIEC_TELEGRAM_TOKEN": TOKEN})
    built = build_app(config)
    messengers, services = build_messengers(built)
    assert isinstance(messengers["telegram"], TelegramMessenger)
    assert [s.name for s in services] == ["telegram"]
    built.engine.dispose()


def test_missing_token_or_bad_mode_is_refused_when_the_config_is_loaded(tmp_path: Path) -> None:
    cases = [
        ("[telegram]\nenabled = true\n", {}, "NHACVIEC_TELEGRAM_TOKEN"),
        (
            '[telegram]\nenabled = true\nmode = "push"\n',
            {"NHACVIEC_TELEGRAM_TOKEN": TOKEN},
            "polling hoặc webhook",
        ),
        (
            '[telegram]\nenabled = true\nmode = "webhook"\n',
            {"NHACVIEC_TELEGRAM_TOKEN": TOKEN},
            "webhook_url",
        ),
    ]
    for text, env, message in cases:
        with pytest.raises(ConfigError, match=message):
            load_config(write_config(tmp_path, text), env=env)


async def test_run_services_answers_on_telegram_until_stopped(tmp_path: Path) -> None:
    async with FakeTelegramAPI(TOKEN) as fake:
        path = write_config(
            tmp_path,
            f'[telegram]\nenabled = true\nbase_url = "{fake.base_url}"\n'
            f'base_file_url = "{fake.base_file_url}"\n',
        )
        built = build_app(load_config(path, env={"NHACVIEC_TELEGRAM_TOKEN": TOKEN}))
        stop = asyncio.Event()
        running = asyncio.create_task(run_services(build_services(built), stop))
        fake.send_text(4242, "/help")
        [reply] = await fake.wait_sent(4242)
        assert reply.params["text"] == texts.HELP_UNLINKED
        stop.set()
        await asyncio.wait_for(running, 10)
        built.engine.dispose()
