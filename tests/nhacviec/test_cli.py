"""The `nhacviec` command line, run in process through typer's runner (the demo once more as a
real subprocess, as a user runs it)."""

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from nhacviec.cli import app as cli
from storage import outbox as store
from storage import repo
from storage.db import make_engine, session_scope
from tests.builders import OFFICERS, small_sheets, write_xlsx
from tests.conftest import REPO_ROOT


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def nhacviec(
    *args: str, cwd: Path, config: Path | None = None, stdin: str | None = None
) -> CliResult:
    """`nhacviec ARGS` in this process, in `cwd`, with $NHACVIEC_CONFIG set to `config`."""
    env = {"NHACVIEC_CONFIG": str(config) if config else None, "COLUMNS": "120"}
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


def nhacviec_process(
    *args: str, cwd: Path, config: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m nhacviec ARGS` as a real subprocess."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "COLUMNS": "120"}
    env.pop("NHACVIEC_CONFIG", None)
    if config is not None:
        env["NHACVIEC_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "nhacviec", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/cli.db"\n', encoding="utf-8")
    return path


def test_demo_script_end_to_end(tmp_path: Path) -> None:
    result = nhacviec_process(
        "demo", "--script", str(REPO_ROOT / "examples" / "demo.txt"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Ngày giả lập: 13/03/2023" in out
    assert "Đã liên kết: Nguyễn Thị Hồng Nhung" in out
    assert "📨 Đã báo hoàn thành nhiệm vụ 101 ngày 13/03/2023 (đúng hạn)" in out
    assert "(trễ 16 ngày): chờ trưởng đơn vị xác nhận" in out
    assert "✅ Đã xác nhận hoàn thành nhiệm vụ 101 ngày 13/03/2023" in out
    assert "Nhiệm vụ 5 thuộc đơn vị khác" in out
    before, after = out.split("CB001 > /status")[1:]
    assert "KHTC 9,5% (2/21) ổn\n  bot │    đúng 0 · trễ 0 · quá hạn 2 · mở 19" in before
    assert "KHTC 9,5% (2/21) ổn\n  bot │    đúng 1 · trễ 1 · quá hạn 1 · mở 18" in after
    # The demo's database is temporary: nothing is left in the working folder.
    assert list(tmp_path.iterdir()) == []


def test_demo_interactive_pick_by_number(tmp_path: Path) -> None:
    result = nhacviec(
        "demo",
        "--on",
        "20/07/2023",
        cwd=tmp_path,
        stdin="9\n/tasks\n@CB001\n/status KHTC\n/quit\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Chọn bạn là ai" in result.stdout
    assert "Ngày giả lập: 20/07/2023" in result.stdout
    assert "CB009 > /start" in result.stdout and "nhiệm vụ đang mở" in result.stdout
    assert "📋 KHTC · Phòng Kế hoạch - Tài chính\n  bot │ Ngày 20/07/2023" in result.stdout
    assert "Tạm biệt" in result.stdout


def test_demo_bad_script_line_fails(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("/tasks\n@NOBODY\n", encoding="utf-8")
    result = nhacviec("demo", "--script", str(script), cwd=tmp_path)
    assert result.returncode == 1
    assert "Chọn cán bộ trước" in result.stdout and "Không có cán bộ mã NOBODY" in result.stdout


def test_init_import_invite_status(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    for _ in range(2):
        result = nhacviec("init", cwd=tmp_path, config=config)
        assert result.returncode == 0, result.stderr
        assert "Cơ sở dữ liệu sẵn sàng" in result.stdout
    plan = write_xlsx(tmp_path / "plan.xlsx")
    first = nhacviec("import", str(plan), cwd=tmp_path, config=config)
    assert first.returncode == 0, first.stderr
    assert "thêm 1 kế hoạch, 3 lĩnh vực, 3 đơn vị, 7 cán bộ, 19 nhiệm vụ" in first.stdout
    again = nhacviec("import", str(plan), cwd=tmp_path, config=config)
    assert "thêm 0; sửa 0" in again.stdout

    invite = nhacviec("invite", "CB04", cwd=tmp_path, config=config)
    assert invite.returncode == 0 and "trong chat gõ: /start" in invite.stdout
    assert nhacviec("invite", "CB99", cwd=tmp_path, config=config).returncode == 1

    # The global form `nhacviec --config PATH status` works as well as $NHACVIEC_CONFIG.
    status = nhacviec("--config", str(config), "status", "--on", "03/04/2023", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "KH-TEST – tình hình ngày 03/04/2023" in status.stdout
    khtc = next(line for line in status.stdout.splitlines() if "KHTC" in line)
    assert [c.strip() for c in khtc.split("│")[1:8]] == ["KHTC", "13", "0", "0", "3", "10", "23%"]


def test_import_of_a_bad_file_lists_rows_and_writes_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    sheets = small_sheets()
    sheets["Cán bộ"] = [*OFFICERS, ["CB09", "Người Lạ", "XYZ", "công chức"]]
    bad = nhacviec(
        "import", str(write_xlsx(tmp_path / "bad.xlsx", sheets)), cwd=tmp_path, config=config
    )
    assert bad.returncode == 1
    assert "Không nhập gì cả: 1 lỗi" in bad.stderr
    assert "Cán bộ, dòng 9: đơn vị 'XYZ' không có" in bad.stderr
    status = nhacviec("status", cwd=tmp_path, config=config)
    assert status.returncode == 1 and "Chưa có kế hoạch" in status.stderr
    missing = nhacviec("import", str(tmp_path / "none.xlsx"), cwd=tmp_path, config=config)
    assert missing.returncode == 1 and "Không tìm thấy tệp" in missing.stderr


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[rules]\nfoo = 1\n", encoding="utf-8")
    result = nhacviec("init", cwd=tmp_path, config=config)
    assert result.returncode == 2 and "Khóa cấu hình không biết: rules.foo" in result.stderr


def test_every_command_refuses_a_bad_setting_the_same_way(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/x.db"\n[schedule]\ndaily_at = "7h30"\n',
        encoding="utf-8",
    )
    for command in (["init"], ["status"], ["remind", "--dry-run"], ["invite", "CB01"], ["run"]):
        result = nhacviec(*command, cwd=tmp_path, config=config)
        assert result.returncode == 2, (command, result.stdout)
        assert "[schedule] daily_at phải có dạng HH:MM, không phải '7h30'" in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was built


def test_bad_date_option(tmp_path: Path) -> None:
    result = nhacviec("demo", "--on", "2023/13/45", "--script", "x", cwd=tmp_path)
    assert result.returncode != 0 and "dd/mm/yyyy" in result.stderr


def test_unlink_group(tmp_path: Path) -> None:
    """An admin stops a unit's group chat getting reminders; its unsent one is expired."""
    config = write_config(tmp_path)
    assert nhacviec("init", cwd=tmp_path, config=config).returncode == 0
    plan = write_xlsx(tmp_path / "plan.xlsx")
    assert nhacviec("import", str(plan), cwd=tmp_path, config=config).returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    now = datetime(2023, 4, 3, 1, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        for chat in ("-4001", "-4002"):
            code = repo.new_group_code(session, khtc, now, 7).code
            repo.consume_group_code(session, code, "telegram", chat, now)
    remind = nhacviec("remind", "--on", "03/04/2023", cwd=tmp_path, config=config)
    assert remind.returncode == 0, remind.stderr

    one = nhacviec("unlink-group", "KHTC", "--chat", "-4001", cwd=tmp_path, config=config)
    assert one.returncode == 0, one.stderr
    assert "Đã huỷ liên kết 1 nhóm chat của Phòng Kế hoạch - Tài chính (KHTC)" in one.stdout
    rows = {r.chat_id: r for r in store.outbox_rows(engine) if r.unit_id is not None}
    assert (rows["-4001"].state, rows["-4001"].last_error) == ("expired", repo.GROUP_UNLINKED)
    assert rows["-4002"].state == "pending"
    with session_scope(engine) as session:
        assert khtc.id is not None
        assert repo.unit_group_chats(session, khtc.id, "telegram") == ["-4002"]

    again = nhacviec("unlink-group", "KHTC", "--chat", "-4001", cwd=tmp_path, config=config)
    assert again.returncode == 1 and "chưa liên kết nhóm chat -4001" in again.stderr
    rest = nhacviec("unlink-group", "khtc", cwd=tmp_path, config=config)
    assert rest.returncode == 0 and "telegram -4002" in rest.stdout
    none = nhacviec("unlink-group", "KHTC", cwd=tmp_path, config=config)
    assert none.returncode == 1 and "chưa liên kết nhóm chat nào" in none.stderr
    assert nhacviec("unlink-group", "XYZ", cwd=tmp_path, config=config).returncode == 1
    engine.dispose()
