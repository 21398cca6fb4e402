"""The living plan through the console chat script (`nhacviec demo --script`), on the example
plan: the done-when of the living-plan issue, as a department would try it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.nhacviec.test_cli import nhacviec


def test_the_living_plan_demo_script(tmp_path: Path) -> None:
    script = REPO_ROOT / "examples" / "living-plan.txt"
    result = nhacviec("demo", "--script", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    statuses = out.split("CB001 > /status KHTC")[1:]
    assert len(statuses) == 3
    assert "KHTC 9,5% (2/21) ổn" in statuses[0]
    assert "KHTC 9% (2/22) ổn" in statuses[1]  # the new task counts
    assert "KHTC 9,5% (2/21) ổn" in statuses[2]  # cancelled: out of the figures again
    assert "✅ Đã giao nhiệm vụ #189 cho KHTC, hạn 14/03/2023." in out
    # The named officer gets the notice and the reminder; her colleague gets neither.
    to_nhung = out.split("── tin nhắn tới CB009 ──")[1:]
    to_loi = "".join(part.split("── ")[0] for part in out.split("── tin nhắn tới CB010 ──")[1:])
    assert to_nhung[0].startswith("\n  bot │ 📌 Nhiệm vụ mới #189")
    assert any("#189 Báo cáo kết quả thực hiện Chỉ thị 23/CT-UBND" in p for p in to_nhung[1:2])
    assert "#189" not in to_loi
    assert "📅 Nhiệm vụ đổi hạn #189" in out and "✖️ Nhiệm vụ đã huỷ #189" in out
    story = out.split("CB009 > /task 189")[-1]
    assert "Hạn 20/03/2023 (hạn ban đầu 14/03/2023) · 0% · đã huỷ" in story
    assert "CB001 (console): huỷ nhiệm vụ. Lý do: UBND tỉnh thu hồi văn bản" in story
    assert (
        "CB001 (console): đổi hạn 14/03/2023 → 20/03/2023. Lý do: UBND tỉnh cho lùi hạn" in story
    )
    assert "[nút: ✅ Giao, ✖️ Bỏ]" in out and "CB009 Nguyễn Thị Hồng Nhung" in out
