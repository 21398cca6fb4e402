"""The admin reads the command line in Vietnamese, click's and typer's own words included."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from nhacviec.cli import app as cli

ENGLISH = re.compile(
    r"Usage|Show this message|\bOptions\b|\bArguments\b|\bCommands\b|Missing|\bError\b|"
    r"\bTry\b|\[default|\[required|No such|Did you mean|Invalid value|<str>|<path>|<bool>|"
    r"\[officer\]|\bFILE\b|\bUNIT\b"
)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "120"}, prog_name="nhacviec")
    return result.exit_code, result.stdout + result.stderr


def commands() -> list[str]:
    _, out = invoke("--help")
    return re.findall(r"│ ([a-z][a-z-]+) ", out)


def test_the_main_help_lists_the_commands_in_vietnamese() -> None:
    code, out = invoke("--help")
    assert code == 0
    assert "Cách dùng: nhacviec [TUỲ_CHỌN] LỆNH [THAM_SỐ]..." in out
    assert "Xem hướng dẫn này rồi thoát." in out
    assert not ENGLISH.search(out), ENGLISH.search(out)
    assert {"init", "import", "invite", "status", "report", "demo", "remind", "run"} <= set(
        commands()
    )


@pytest.mark.parametrize(
    "command", ["init", "import", "invite", "status", "report", "demo", "web", "web-link"]
)
def test_every_command_help_is_vietnamese(command: str) -> None:
    code, out = invoke(command, "--help")
    assert code == 0
    assert not ENGLISH.search(out), (command, ENGLISH.search(out))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["report"], "Thiếu tuỳ chọn '--period' / '-p'."),
        (["statu"], "Không có lệnh 'statu'. Ý bạn là 'status'?"),
        (["status", "--bogus"], "Không có tuỳ chọn: --bogus"),
        (["invite", "CB01", "CB02"], "Thừa tham số (CB02)"),
    ],
)
def test_mistyped_command_lines_are_explained_in_vietnamese(
    args: list[str], expected: str
) -> None:
    code, out = invoke(*args)
    assert code == 2
    assert expected in out
    assert "Gõ 'nhacviec" in out
    assert not ENGLISH.search(out), ENGLISH.search(out)
