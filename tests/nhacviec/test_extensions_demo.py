"""Extensions and confirmed completion through the console chat script (`nhacviec demo
--script examples/extensions.txt`) on the example plan: the done-when of the issue, as a
department would try it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.nhacviec.test_cli import nhacviec


def test_the_extensions_demo_script(tmp_path: Path) -> None:
    script = REPO_ROOT / "examples" / "extensions.txt"
    result = nhacviec("demo", "--script", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "📅 Đề nghị gia hạn #101" in out and "Trả lời: /duyet 101" in out
    assert "✅ Đồng ý gia hạn nhiệm vụ 101: hạn 15/03/2023 → 31/03/2023." in out
    assert "/done nhận một mã nhiệm vụ mỗi lần (104 105): chưa ghi gì." in out
    assert "chờ trưởng đơn vị xác nhận" in out and "Văn bản: 45/BC-KHTC" in out
    assert "🗂 Chờ bạn duyệt (2):" in out
    story = out.split("CB001 > /task 101")[1].split("──")[0]
    assert "đã xong 27/03/2023 · đúng hạn (đã gia hạn)" in story
    assert "hạn trước gia hạn 15/03/2023" in story and "• Văn bản 45/BC-KHTC" in story
    figures = re.findall(r"đúng (\d+) · trễ (\d+) · quá hạn (\d+) · mở (\d+)", out)
    # Confirmed: 101 on time, 104 late; reopened: 104 is overdue again, as before its /done.
    assert figures[-2:] == [("1", "1", "4", "15"), ("1", "0", "5", "15")]
    assert "↩️ Đã mở lại nhiệm vụ 104 (đã báo xong 27/03/2023)" in out
    assert not (tmp_path / "evidence").exists()  # the demo keeps nothing in the folder
