"""People through the console chat script (`nhacviec demo --script examples/people.txt`), on
the example plan: a leave with a substitute decides who is reminded; a move is recorded."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.nhacviec.test_cli import nhacviec


def test_the_people_demo_script(tmp_path: Path) -> None:
    script = REPO_ROOT / "examples" / "people.txt"
    result = nhacviec("demo", "--script", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert (
        "✅ Đã ghi CB009 vắng 13/03/2023–14/03/2023; CB010 nhận nhắc việc và cập nhật thay." in out
    )
    # Only the substitute is reminded that day, with the absent officer's tasks.
    assert "── tin nhắn tới CB009 ──" not in out
    to_loi = out.split("── tin nhắn tới CB010 ──")[1]
    assert to_loi.startswith(
        "\n  bot │ 🔔 Nhắc việc ngày 13/03/2023 – Phòng Kế hoạch - Tài chính"
        "\n  bot │ 👥 Kèm việc của CB009 (đang vắng, bạn nhận thay)"
    )
    assert "── nhắc việc ngày 13/03/2023: đã gửi 1 tin ──" in out
    assert "✅ Đã chuyển CB010 sang VP." in out
    assert "CB010 · Đặng Văn Lợi · VP · công chức · 1 chat" in out
    assert "09:00 13/03/2023 · CB001 (console): chuyển đơn vị KHTC → VP" in out
