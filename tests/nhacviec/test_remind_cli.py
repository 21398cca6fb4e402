"""`nhacviec remind` and the console demo's `:remind`, through the real command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.messages import Incoming
from nhacviec.app import build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import load_config
from nhacviec.cli import app as cli
from storage import outbox as store
from storage import repo
from storage.db import make_engine, session_scope
from tests.conftest import EXAMPLE_PLAN, link_chat

runner = CliRunner()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "nhacviec.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/n.db"\n', encoding="utf-8")
    result = runner.invoke(cli, ["import", str(EXAMPLE_PLAN), "-c", str(path)])
    assert result.exit_code == 0, result.output
    return path


def outbox(config_file: Path) -> list[Any]:
    engine = make_engine(load_config(config_file, env={}).database.url)
    try:
        return store.outbox_rows(engine)
    finally:
        engine.dispose()


def test_dry_run_prints_the_digests_and_writes_nothing(config_file: Path) -> None:
    result = runner.invoke(
        cli, ["remind", "--on", "06/03/2023", "--dry-run", "-c", str(config_file)]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Xem trước nhắc việc ngày 06/03/2023 (không ghi, không gửi)." in out
    assert "── CB009 Nguyễn Thị Hồng Nhung (KHTC) · chưa liên kết chat ──" in out
    assert "🔔 Nhắc việc ngày 06/03/2023 – Phòng Kế hoạch - Tài chính" in out
    assert "📊 Tổng hợp tuần" in out  # a Monday: CB001's summary
    assert "Trả lời: /done" in out
    assert outbox(config_file) == []


def test_remind_writes_the_outbox_once_and_says_what_waits(config_file: Path) -> None:
    config = load_config(config_file, env={})
    engine = make_engine(config.database.url)
    try:
        built = build_app(config, FixedClock.on(date(2023, 3, 6)), engine)
        link_chat(built, "CB009", "telegram", "555")
    finally:
        engine.dispose()
    first = runner.invoke(cli, ["remind", "--on", "06/03/2023", "-c", str(config_file)])
    assert first.exit_code == 0, first.output
    assert "1 hàng mới trong hàng đợi (0 đã có từ trước)" in first.output
    # Telegram is not enabled in this config: the row waits, and its text is shown.
    assert "Chưa gửi được (kênh chưa bật trong cấu hình): telegram ×1" in first.output
    assert "── telegram:555 ──" in first.output
    rows = outbox(config_file)
    assert [(r.chat_id, r.state) for r in rows] == [("555", "pending")]

    second = runner.invoke(cli, ["remind", "--on", "06/03/2023", "-c", str(config_file)])
    assert "0 hàng mới trong hàng đợi (1 đã có từ trước)" in second.output
    assert len(outbox(config_file)) == 1


def test_remind_on_a_day_off(config_file: Path) -> None:
    result = runner.invoke(cli, ["remind", "--on", "23/01/2023", "-c", str(config_file)])
    assert result.exit_code == 0
    assert "23/01/2023 là ngày nghỉ (Mùng hai Tết Nguyên Đán): không nhắc việc." in result.output


def test_console_demo_remind_directive(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text(
        "@CB009\n:date 06/03/2023\n:remind\n:remind\n:date 04/03/2023\n:remind\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["demo", "--script", str(script)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("── tin nhắn tới CB009 ──") == 1  # the second :remind sends nothing
    assert "bot │ 🔔 Nhắc việc ngày 06/03/2023 – Phòng Kế hoạch - Tài chính" in out
    assert "bot │ Trả lời: /done" in out
    assert "── nhắc việc ngày 06/03/2023: đã gửi 1 tin ──" in out
    assert "── nhắc việc ngày 06/03/2023: đã gửi 0 tin ──" in out
    assert "── 04/03/2023 là ngày nghỉ: không nhắc việc ──" in out


def section(output: str, heading: str) -> list[str]:
    """The lines printed under `heading`, up to the next heading or the total."""
    lines = output.splitlines()
    start = lines.index(heading) + 1
    end = next(
        (n for n in range(start, len(lines)) if lines[n].startswith(("── ", "Tổng: "))),
        len(lines),
    )
    return lines[start:end]


def test_remind_shows_and_writes_the_unit_group_digests(config_file: Path) -> None:
    config = load_config(config_file, env={})
    engine = make_engine(config.database.url)
    try:
        built = build_app(config, FixedClock.on(date(2023, 3, 6)), engine)
        link_chat(built, "CB009", "telegram", "555")
        with session_scope(engine) as session:
            khtc = repo.unit_by_code(session, "KHTC")
            assert khtc is not None
            code = repo.new_group_code(session, khtc, built.clock.now(), 7).code
        group = Incoming("telegram", "-100123", f"/start {code}", is_group=True, sender_id="9")
        assert built.chat.handle(group)[0].text.startswith("Đã liên kết nhóm")
    finally:
        engine.dispose()
    dry = runner.invoke(cli, ["remind", "--on", "06/03/2023", "--dry-run", "-c", str(config_file)])
    assert dry.exit_code == 0, dry.output
    out = dry.output
    block = section(out, "── Nhóm KHTC Phòng Kế hoạch - Tài chính · telegram:-100123 ──")
    officer = section(out, "── CB009 Nguyễn Thị Hồng Nhung (KHTC) · telegram:555 ──")
    assert block[0] == "🔔 Nhắc việc ngày 06/03/2023 – Phòng Kế hoạch - Tài chính"
    assert len(block) > 3 and block == officer  # what the unit's officer reads
    assert "; 1 bản nhắc nhóm cho 1 nhóm chat." in out
    assert outbox(config_file) == []

    first = runner.invoke(cli, ["remind", "--on", "06/03/2023", "-c", str(config_file)])
    assert first.exit_code == 0, first.output
    assert "cho 1 chat, 1 bản nhắc nhóm cho 1 nhóm chat; 2 hàng mới" in first.output
    assert "── telegram:-100123 ──" in first.output  # waiting: Telegram is not enabled here
    assert {(r.chat_id, r.kind) for r in outbox(config_file)} == {
        ("555", "digest"),
        ("-100123", "group"),
    }
    second = runner.invoke(cli, ["remind", "--on", "06/03/2023", "-c", str(config_file)])
    assert "1 nhóm chat; 0 hàng mới trong hàng đợi (2 đã có từ trước)" in second.output
    assert len(outbox(config_file)) == 2
