"""`nhacviec report` and `nhacviec status --chart` run through typer's runner on a temp config
and SQLite file; self-scores, inspections and reports on both SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from matplotlib.image import imread
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import load_config
from nhacviec.cli import app as cli
from tests.bot.test_status_reports import ALL_UNITS, sheet_rows, unit_table
from tests.builders import write_xlsx
from tests.conftest import EXAMPLE_PLAN, REPO_ROOT, legacy_config, link_chat, load
from tests.nhacviec.test_cli import CliResult
from tests.scripted_year import Year, play_year

ON = date(2023, 10, 20)


def nhacviec(*args: str) -> CliResult:
    """`nhacviec ARGS` in this process, from the repository's root, with no config from the
    environment; rich tables unwrapped."""
    env = {"NHACVIEC_CONFIG": None, "NHACVIEC_DATABASE_URL": None, "COLUMNS": "200"}
    with contextlib.chdir(REPO_ROOT):
        result = CliRunner().invoke(cli, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def played(tmp_path: Path) -> tuple[Path, Year]:
    """A config file pointing at a SQLite file that holds the example plan after a scripted
    year up to 20/10/2023."""
    config_file = tmp_path / "nhacviec.toml"
    config_file.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/nhacviec.db"\n\n[rules]\ngoal_total = 85.0\n'
        # The scripted year's /done count at once, as before confirmation existed.
        '\n[approvals]\nconfirm_completion = "none"\n',
        encoding="utf-8",
    )
    app = build_app(load_config(config_file, env={}), FixedClock.on(date(2023, 1, 2)))
    load(app.engine, EXAMPLE_PLAN)
    year = play_year(app, ON)
    app.engine.dispose()
    return config_file, year


def test_cli_report_writes_the_quarter_workbook(played: tuple[Path, Year], tmp_path: Path) -> None:
    config_file, year = played
    out = tmp_path / "q3.xlsx"
    result = nhacviec(
        "report", "--period", "2023-Q3", "--out", str(out), "--config", str(config_file)
    )
    assert result.returncode == 0, result.stderr
    assert "Đã lưu báo cáo quý III/2023 (CCHC-2023, số liệu đến ngày 30/09/2023)" in result.stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Nhiệm vụ", "Lịch sử tiến độ", "Kiểm tra"]
    table = unit_table(wb["Tổng hợp"])
    q3_end = date(2023, 9, 30)
    for unit in ALL_UNITS:
        c = year.expected(unit, q3_end)
        assert table[unit][2:7] == (
            c["assigned"],
            c["on_time"],
            c["late"],
            c["overdue"],
            c["open"],
        )
    history = sheet_rows(wb["Lịch sử tiến độ"])[1:]
    in_q3 = [e for e in year.events if date(2023, 7, 1) <= e[0] <= q3_end]
    assert len(history) == len(in_q3)
    assert {r[6] for r in history} == {chat for _, chat, _ in in_q3}  # officer codes


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2023-Q7", "Kỳ báo cáo “2023-Q7” không hợp lệ"),
        ("2023-H3", "Nửa năm chỉ có H1 và H2"),
        ("2022", "Chưa có kế hoạch năm 2022"),
    ],
)
def test_cli_report_explains_a_bad_period(
    played: tuple[Path, Year], tmp_path: Path, period: str, message: str
) -> None:
    config_file, _ = played
    out = tmp_path / "x.xlsx"
    result = nhacviec(
        "report", "--period", period, "--out", str(out), "--config", str(config_file)
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


def test_cli_status_chart(played: tuple[Path, Year], tmp_path: Path) -> None:
    config_file, year = played
    png = tmp_path / "tinh-hinh.png"
    result = nhacviec(
        "status", "--on", "20/10/2023", "--chart", str(png), "--config", str(config_file)
    )
    assert result.returncode == 0, result.stderr
    assert f"Đã lưu biểu đồ: {png}" in result.stdout.replace("\n", "")
    khtc = year.expected("KHTC", ON)
    khtc_row = next(line for line in result.stdout.splitlines() if " KHTC " in line)
    assert [int(n) for n in khtc_row.split("│")[2:7]] == list(khtc.values())
    content = png.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(io.BytesIO(content))
    assert pixels.shape[1] == 1080 and pixels.shape[0] == round((2.4 + 0.48 * 14) * 144)


# -- both databases ---------------------------------------------------------------------------


def test_scores_inspections_and_reports_on_both_databases(engine: Engine, tmp_path: Path) -> None:
    clock = FixedClock.on(date(2023, 1, 20))
    app: App = build_app(legacy_config(), clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    link_chat(app, "CB02", "chat", "tccb")  # TCCB
    link_chat(app, "CB04", "chat", "khtc")  # KHTC officer

    def say(chat: str, text: str) -> str:
        return "\n".join(r.text for r in app.chat.handle(Incoming("chat", chat, text)))

    assert say("khtc", "/done 3 Đã gửi").startswith("✅")  # NV-03#1, due 25/01: on time
    clock.set(FixedClock.on(date(2023, 7, 20)).now())
    assert say("tccb", "/score 1 10").startswith("📝")
    assert "(trước: 10)" in say("tccb", "/score 1 9,5 Sau rà soát")
    assert say("tccb", "/score 6 8,01").startswith("Điểm lĩnh vực 6 từ 0 đến 8")
    assert say("tccb", "/inspect KHTC 15/06/2023").startswith("🔎 Đã ghi kiểm tra KHTC")
    assert "Kiểm tra CCHC 2023: 1/3 (33,3%)" in say("tccb", "/inspect")
    areas = say("tccb", "/areas")
    assert "📝 Tự chấm 1/2 lĩnh vực: 9,5/18,5" in areas
    assert "trên 85/100 điểm gồm cả điểm điều tra xã hội học (81,5 điểm)" in areas

    replies = app.chat.handle(Incoming("chat", "tccb", "/report 2023-H1"))
    wb = load_workbook(io.BytesIO(replies[0].attachments[0].content))
    history = sheet_rows(wb["Lịch sử tiến độ"])[1:]
    assert len(history) == 1
    when = history[0][0]
    assert isinstance(when, datetime)
    assert (when.day, when.month, when.hour) == (20, 1, 9)
    area_one = next(r for r in sheet_rows(wb["Tổng hợp"]) if r[0] == "1")
    assert area_one[10:12] == (9.5, "Sau rà soát")  # the latest self-score counts
    inspections = sheet_rows(wb["Kiểm tra"])
    assert len(inspections) == 2 and inspections[1][1] == "KHTC"
