"""`nhacviec officer list | show | deactivate | move | role | leave` through typer's runner, in
process: TCCB handles people without SQL, every change is on the officer's record, refusals
and help are Vietnamese. (Leaves are dated after the real today: the CLI runs on the wall
clock.)"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from storage import people
from storage.db import make_engine, session_scope
from storage.models import Task
from tests.nhacviec.test_cli import nhacviec
from tests.nhacviec.test_task_cli import newest_task, prepare


def test_officer_commands(tmp_path: Path) -> None:
    config = prepare(tmp_path)
    run = lambda *args: nhacviec(*args, cwd=tmp_path, config=config)  # noqa: E731
    help_text = run("officer", "--help").stdout
    for word in ("list", "show", "deactivate", "move", "role", "leave", "Cán bộ"):
        assert word in help_text
    assert "--with-tasks" in run("officer", "move", "--help").stdout

    listed = run("officer", "list", "--unit", "KHTC")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].startswith("CB03 · Trần Văn Hải · KHTC · trưởng đơn vị")

    added = run(
        "task", "add", "--unit", "KHTC", "--title", "Rà soát định mức chi",
        "--deadline", "20/04/2023", "--officer", "CB04", "--by", "CB02",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    task = newest_task(tmp_path)

    # Moving an officer with tasks needs the choice; an officer may not move people.
    unasked = run("officer", "move", "CB04", "VP")
    assert unasked.returncode == 2 and "--with-tasks" in unasked.stderr
    refused = run("officer", "move", "CB04", "VP", "--keep-tasks", "--by", "CB04")
    assert refused.returncode == 1 and "Chỉ TCCB và quản trị" in refused.stderr
    moved = run("officer", "move", "CB04", "VP", "--keep-tasks", "--by", "CB02")
    assert moved.returncode == 0, moved.stderr
    assert "Đã chuyển CB04 sang VP. 1 nhiệm vụ để lại đơn vị cũ." in moved.stdout

    leave = run("officer", "leave", "CB04", "01/06/2027-03/06/2027", "--substitute", "CB06")
    assert leave.returncode == 0, leave.stderr
    assert "Đã ghi CB04 vắng 01/06/2027–03/06/2027; CB06 nhận nhắc việc" in leave.stdout
    bad = run("officer", "leave", "CB04", "2027-06-01")
    assert bad.returncode == 1 and "dd/mm/yyyy-dd/mm/yyyy" in bad.stderr

    role = run("officer", "role", "CB04", "head", "--reason", "bổ nhiệm phó trưởng phòng")
    assert role.returncode == 0 and "CB04 nay là trưởng đơn vị." in role.stdout

    shown = run("officer", "show", "CB04")
    assert shown.returncode == 0, shown.stderr
    assert "Vắng 01/06/2027–03/06/2027, CB06 thay" in shown.stdout
    assert "chuyển đơn vị KHTC → VP" in shown.stdout
    assert "đổi vai trò công chức → trưởng đơn vị. Lý do: bổ nhiệm phó trưởng phòng" in (
        shown.stdout
    )

    cancelled = run("officer", "leave", "CB04", "--cancel")
    assert "Đã huỷ lịch vắng 01/06/2027–03/06/2027 của CB04." in cancelled.stdout

    gone = run("officer", "deactivate", "CB04", "--reason", "nghỉ hưu")
    assert gone.returncode == 0 and "CB04 đã ngừng hoạt động" in gone.stdout
    assert "CB04" not in run("officer", "list").stdout
    assert "đã ngừng" in run("officer", "list", "--all").stdout
    again = run("officer", "deactivate", "CB04")
    assert again.returncode == 1 and "đã ngừng hoạt động" in again.stderr
    missing = run("officer", "show", "CB99")
    assert missing.returncode == 1 and "Không có cán bộ “CB99”" in missing.stderr

    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    with session_scope(engine) as session:
        kept = session.exec(select(Task).where(Task.id == task.id)).one()
        assert kept.assignee_id is None  # left with KHTC by --keep-tasks
        officer = people.find_officer(session, "CB04")
        assert [
            (e.kind, e.channel, e.actor) for e in people.officer_events(session, officer.id)
        ] == [
            ("officer_moved", "cli", "CB02"),
            ("leave_set", "cli", "admin"),
            ("officer_role", "cli", "admin"),
            ("leave_cancelled", "cli", "admin"),
            ("officer_off", "cli", "admin"),
        ]
    engine.dispose()
