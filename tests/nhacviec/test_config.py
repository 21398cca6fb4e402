"""Configuration: the example file is valid, env overrides secrets, bad files are explained."""

from pathlib import Path

import pytest

from nhacviec.base.config import Config, ConfigError, load_config
from tests.conftest import REPO_ROOT


def test_example_config_loads_and_equals_the_defaults() -> None:
    config = load_config(REPO_ROOT / "config.example.toml", env={})
    assert config == Config()


def test_no_file_means_defaults_and_env_overrides_secrets() -> None:
    config = load_config(
        None, env={"NHACVIEC_TELEGRAM_TOKEN": "123:abc", "NHACVIEC_DATABASE_URL": "sqlite:///x.db"}
    )
    assert config.database.url == "sqlite:///x.db"
    assert config.telegram.token == "123:abc"
    assert config.timezone == "Asia/Ho_Chi_Minh"


def test_config_from_env_path(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[rules]\nfail_threshold = 0.25\n[calendar]\nextra_holidays = ["2024-04-29"]\n',
        encoding="utf-8",
    )
    config = load_config(None, env={"NHACVIEC_CONFIG": str(path)})
    assert config.rules.fail_threshold == 0.25
    assert config.calendar.extra_holidays[0].isoformat() == "2024-04-29"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rules]\nfail_treshold = 0.3\n", "Khóa cấu hình không biết: rules.fail_treshold"),
        ("[rules]\nfail_threshold = 'cao'\n", "sai kiểu"),
        ("[calendar]\nextra_holidays = ['29/04/2024']\n", "2024-04-29"),
        ("[rules\n", "sai cú pháp TOML"),
        ("rules = 1\n", "phải là một mục"),
    ],
)
def test_bad_config_is_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path, env={})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Không tìm thấy"):
        load_config(tmp_path / "nope.toml", env={})
