"""The living plan in chat (console channel, the ChatService every messenger drives): TCCB
adds a task step by step, the unit's named officer gets the notice and the reminder, the
deadline change and the cancellation show in /task with who and why, /status follows; the
follow-up officer of Văn phòng Sở may assign, the director only looks, co-units see and report
on their part."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date

from sqlmodel import select

from bot.adapters.console import ConsoleMessenger
from bot.messages import Incoming
from nhacviec.app import App, build_reminders
from nhacviec.base import texts
from storage import outbox as store
from storage import repo
from storage.db import session_scope
from storage.models import Officer, Task, TaskState
from tests.conftest import link_chat


def say(app: App, chat: str, text: str) -> str:
    return "\n".join(r.text for r in app.chat.handle(Incoming("console", chat, text)))


def khtc_figures(app: App) -> tuple[int, int]:
    """(failed or late, assigned) of KHTC, as /status shows them to TCCB."""
    text = say(app, "tccb", "/status")
    found = re.search(r"KHTC [\d,]+% \((\d+)/(\d+)\)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def people(app: App) -> None:
    """TCCB, KHTC's head and officer, a second KHTC officer, a VP officer, the follow-up
    officer and the director, each linked to a console chat named after them."""
    with session_scope(app.engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        vp = repo.unit_by_code(session, "VP")
        assert khtc and vp
        session.add(Officer(code="CB08", name="Ngô Văn Tám", unit_id=khtc.id or 0))
        session.add(Officer(code="CB09", name="Lý Thị Theo", unit_id=vp.id or 0, role="followup"))
        session.add(Officer(code="CB10", name="Phan Văn Sở", unit_id=vp.id or 0, role="director"))
    for code, chat in [
        ("CB02", "tccb"),
        ("CB03", "hai"),
        ("CB04", "lan"),
        ("CB08", "tam"),
        ("CB06", "ha"),
        ("CB09", "theo"),
        ("CB10", "so"),
    ]:
        link_chat(app, code, "console", chat)


def giao(app: App, chat: str, answers: list[str]) -> str:
    replies = [say(app, chat, "/giao")]
    replies += [say(app, chat, answer) for answer in answers]
    return "\n---\n".join(replies)


def new_task(app: App) -> Task:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).order_by(Task.id.desc())).first()  # type: ignore[union-attr]
        assert task is not None
        return task


def test_tccb_adds_changes_and_cancels_a_task_from_chat(app: App) -> None:
    people(app)
    before = khtc_figures(app)
    dialog = giao(
        app,
        "tccb",
        [
            "KHTC",
            "Báo cáo  Chỉ thị 23",
            "03/04/2023",
            "UBND tỉnh",
            "123/UBND-KT",
            "CB04",
            "VP",
            "ok",
        ],
    )
    assert "Đơn vị chủ trì? Gõ mã đơn vị" in dialog
    assert "• Thụ lý: CB04" in dialog and "• Phối hợp: VP" in dialog
    task = new_task(app)
    assert f"✅ Đã giao nhiệm vụ #{task.id} cho KHTC, hạn 03/04/2023" in dialog
    assert (task.title, task.authority, task.document) == (
        "Báo cáo Chỉ thị 23",
        "UBND tỉnh",
        "123/UBND-KT",
    )
    assert khtc_figures(app) == (before[0], before[1] + 1)

    # The notice: the named officer (not the rest of the unit) and the co-unit, once each.
    rows = [r for r in store.outbox_rows(app.engine) if r.kind.startswith("notice:")]
    told = {r.chat_id for r in rows}
    assert told == {"lan", "ha", "theo", "so"}  # VP's officers (co-unit), never the actor
    lan = next(r for r in rows if r.chat_id == "lan")
    assert lan.text.startswith(f"📌 Nhiệm vụ mới #{task.id}")
    assert "Hạn 03/04/2023" in lan.text and "Người thực hiện: CB02" in lan.text
    assert "phối hợp" in next(r for r in rows if r.chat_id == "ha").text

    # The reminder: due today, to the named officer and the head, not to CB08.
    out = io.StringIO()
    reminders = build_reminders(app, {"console": ConsoleMessenger(out)})
    asyncio.run(reminders.scan_and_dispatch())
    printed = out.getvalue()
    for chat in ("lan", "hai"):
        block = printed.split(f"── tin nhắn tới {chat} ──")[1:]
        assert any(
            f"#{task.id} Báo cáo Chỉ thị 23" in b.split("── tin nhắn tới")[0] for b in block
        )
    tam = printed.split("── tin nhắn tới tam ──")[1:]
    assert all(f"#{task.id} " not in b.split("── tin nhắn tới")[0] for b in tam)
    assert "📌 Nhiệm vụ mới" in printed  # the notices went through the same outbox
    again = asyncio.run(reminders.dispatch())
    assert again.sent == 0  # exactly once

    # The deadline moves, with a reason; the officer is told.
    moved = say(app, "tccb", f"/sua {task.id} han 10/04/2023 UBND tỉnh cho lùi hạn")
    assert "đổi hạn 03/04/2023 → 10/04/2023. Lý do: UBND tỉnh cho lùi hạn" in moved
    assert khtc_figures(app) == (before[0], before[1] + 1)

    # Cancelled: out of the unit's figures, reason kept.
    assert say(app, "tccb", f"/huy {task.id}") == texts.CANCEL_USAGE
    cancelled = say(app, "tccb", f"/huy {task.id} UBND tỉnh thu hồi văn bản")
    assert "không còn tính vào số liệu của đơn vị" in cancelled
    assert khtc_figures(app) == before
    assert f"#{task.id} " not in say(app, "lan", "/tasks")

    story = say(app, "lan", f"/task {task.id}")
    assert story.startswith(f"📌 #{task.id} Báo cáo Chỉ thị 23")
    assert "Hạn 10/04/2023 (hạn ban đầu 03/04/2023)" in story and "đã huỷ" in story
    events = [line for line in story.splitlines() if line.startswith("•")]
    assert "CB02 (console): huỷ nhiệm vụ. Lý do: UBND tỉnh thu hồi văn bản" in events[0]
    assert (
        "CB02 (console): đổi hạn 03/04/2023 → 10/04/2023. Lý do: UBND tỉnh cho lùi hạn"
        in events[1]
    )
    assert "giao nhiệm vụ, hạn 03/04/2023" in events[2]
    assert say(app, "lan", f"/xem {task.id}") == story == say(app, "lan", f"/history {task.id}")
    kinds = [
        r.text.split(" #")[0]
        for r in store.outbox_rows(app.engine)
        if r.chat_id == "lan" and r.kind.startswith("notice:")
    ]
    assert kinds == ["📌 Nhiệm vụ mới", "📅 Nhiệm vụ đổi hạn", "✖️ Nhiệm vụ đã huỷ"]


def test_dialog_answers_are_checked_and_can_be_dropped(app: App) -> None:
    people(app)
    say(app, "tccb", "/giao")
    wrong = say(app, "tccb", "XYZ")
    assert wrong.startswith("Không có đơn vị “XYZ”.") and "Đơn vị chủ trì?" in wrong
    say(app, "tccb", "KHTC")
    say(app, "tccb", "Một nhiệm vụ")
    bad_day = say(app, "tccb", "31/02/2023")
    assert "không đúng dạng dd/mm/yyyy" in bad_day and "Hạn hoàn thành?" in bad_day
    say(app, "tccb", "-")
    say(app, "tccb", "-")
    say(app, "tccb", "-")
    other = say(app, "tccb", "CB06")
    assert "Cán bộ CB06 không thuộc đơn vị chủ trì." in other
    assert say(app, "tccb", "huỷ") == texts.DIALOG_CANCELLED
    assert say(app, "tccb", "ok") == texts.NOT_A_COMMAND  # the dialog is over
    with session_scope(app.engine) as session:
        assert session.exec(select(Task).where(Task.title == "Một nhiệm vụ")).first() is None


def test_roles_follow_up_officer_assigns_director_only_looks(app: App) -> None:
    people(app)
    refused = texts.ACCESS_REFUSALS["plan_keepers_only"]
    assert say(app, "lan", "/giao") == refused
    assert say(app, "hai", "/huy 1 lý do") == refused
    assert say(app, "so", "/giao") == texts.ACCESS_REFUSALS["read_only"]
    assert say(app, "so", "/sua 1 han 01/12/2023") == texts.ACCESS_REFUSALS["read_only"]
    assert say(app, "so", "/done 1").startswith("Lãnh đạo Sở xem được")
    assert "KHTC" in say(app, "so", "/status")  # sees every unit
    assert say(app, "so", "/task 1").startswith("📌 #1 ")
    assert say(app, "lan", "/task 1").startswith("Nhiệm vụ 1 thuộc đơn vị khác")  # TCCB's task
    dialog = giao(
        app,
        "theo",
        ["VP", "Rà soát nhiệm vụ UBND tỉnh giao", "30/06/2023", "UBND tỉnh", "-", "-", "-", "ok"],
    )
    assert "✅ Đã giao nhiệm vụ" in dialog
    assert "/giao – giao nhiệm vụ mới" in say(app, "theo", "/help")
    assert "/giao" not in say(app, "lan", "/help")


def test_co_units_see_the_task_and_report_their_part_only(app: App) -> None:
    people(app)
    with session_scope(app.engine) as session:
        nv04 = session.exec(select(Task).where(Task.code == "NV-04#4")).one()  # VP leads, KHTC co
        task_id, progress = nv04.id, nv04.progress
    listing = say(app, "lan", "/tasks 3")
    assert f"#{task_id} Theo dõi nhiệm vụ UBND tỉnh giao" in listing and "🤝 phối hợp" in listing
    reply = say(app, "lan", f"/progress {task_id} 60 KHTC đã gửi số liệu")
    assert reply == texts.co_progress_reply(task_id or 0, "Theo dõi nhiệm vụ UBND tỉnh giao", 60)
    done = say(app, "lan", f"/done {task_id}")
    assert done == texts.ACCESS_REFUSALS["lead_only"].format(id=task_id)
    assert "báo hoàn thành là việc của đơn vị chủ trì" in say(
        app, "lan", f"/progress {task_id} 100"
    )
    with session_scope(app.engine) as session:
        task = session.get(Task, task_id)
        assert task is not None and task.state == TaskState.OPEN and task.progress == progress
    story = say(app, "ha", f"/task {task_id}")
    assert "CB04 (console): đơn vị phối hợp cập nhật 60%: KHTC đã gửi số liệu" in story


def test_sua_step_by_step_reassigns_and_tells_both_officers(app: App) -> None:
    people(app)
    giao(app, "tccb", ["KHTC", "Rà soát thủ tục", "30/06/2023", "-", "-", "CB04", "-", "ok"])
    task = new_task(app)
    first = say(app, "tccb", f"/sua {task.id}")
    assert first.startswith(f"✏️ Sửa nhiệm vụ {task.id}: chọn mục cần sửa")
    assert "Giá trị mới của cán bộ thụ lý? (hiện tại: CB04)" in say(app, "tccb", "canbo")
    assert "Không có cán bộ “CB99”" in say(app, "tccb", "CB99")
    assert say(app, "tccb", "CB08") == texts.SUA_ASK_REASON
    done = say(app, "tccb", "Chị Lan nghỉ phép dài ngày")
    assert "giao lại cán bộ thụ lý CB04 → CB08. Lý do: Chị Lan nghỉ phép dài ngày" in done
    with session_scope(app.engine) as session:
        tam = repo.officer_by_code(session, "CB08")
        moved = session.get(Task, task.id)
        assert tam is not None and moved is not None and moved.assignee_id == tam.id
    rows = [r for r in store.outbox_rows(app.engine) if r.kind.startswith("notice:")]
    reassigned = [r for r in rows if r.text.startswith("🔁 Nhiệm vụ được giao lại")]
    assert {r.chat_id for r in reassigned} == {"tam", "lan"}  # the new officer and the former
    # The one-line form; the same value twice changes nothing.
    assert "vẫn như cũ" in say(app, "tccb", f"/sua {task.id} canbo CB08")
    assert "đơn vị chủ trì KHTC → VP" in say(app, "tccb", f"/sua {task.id} donvi VP")
    with session_scope(app.engine) as session:
        moved = session.get(Task, task.id)
        assert moved is not None and moved.assignee_id is None  # CB08 is not of VP


def test_the_report_history_sheet_carries_the_events(app: App) -> None:
    from openpyxl import load_workbook

    people(app)
    giao(app, "tccb", ["KHTC", "Báo cáo quý", "30/06/2023", "UBND tỉnh", "-", "-", "-", "ok"])
    task = new_task(app)
    say(app, "tccb", f"/sua {task.id} han 15/07/2023 Lùi theo văn bản 45/UBND")
    [reply] = app.chat.handle(Incoming("console", "tccb", "/report 2023-Q2"))
    [attachment] = reply.attachments
    workbook = load_workbook(io.BytesIO(attachment.content))
    rows = [
        [str(c) if c is not None else "" for c in row]
        for row in workbook["Lịch sử tiến độ"].iter_rows(min_row=2, values_only=True)
    ]
    mine = [r for r in rows if r[1] == str(task.id)]
    assert [r[7] for r in mine] == ["Giao nhiệm vụ", "Đổi hạn"]
    assert mine[1][9] == "đổi hạn 30/06/2023 → 15/07/2023. Lý do: Lùi theo văn bản 45/UBND"
    assert mine[1][6] == "CB02"


def test_editing_a_series_from_chat_keeps_one_occurrence_per_period(app: App) -> None:
    from collections import Counter

    people(app)
    with session_scope(app.engine) as session:
        jan = session.exec(select(Task).where(Task.code == "NV-03#1")).one()
        feb = session.exec(select(Task).where(Task.code == "NV-03#2")).one()
        repo.record_progress(
            session,
            repo.ProgressRecord(jan, None, 100, None, "cli", app.clock.now(), date(2023, 1, 27)),
        )
        feb_id, jan_id = feb.id, jan.id
    before = khtc_figures(app)
    moved = say(app, "tccb", f"/sua {feb_id} handau 28/03/2023 Lịch báo cáo mới của UBND tỉnh")
    assert moved == texts.series_edited("NV-03", 10, 0, 1)
    # February is gone from the series: cancelled, so it cannot be edited.
    assert say(app, "tccb", f"/sua {feb_id} han 01/01/2023") == texts.ACCESS_REFUSALS[
        "cancelled"
    ].format(id=feb_id)
    quarterly = say(app, "tccb", f"/sua {jan_id} laplai hàng quý Chuyển sang báo cáo quý")
    assert quarterly.startswith("🔁 Chuỗi NV-03: mỗi kỳ một lần.")
    with session_scope(app.engine) as session:
        series = session.exec(select(Task).where(Task.series_code == "NV-03")).all()
        live = [t for t in series if t.state != TaskState.CANCELLED]
        quarters = Counter((t.deadline.month - 1) // 3 for t in live if t.deadline)
        assert max(quarters.values()) == 1 and set(quarters) == {0, 1, 2, 3}
        assert {t.recurrence for t in live if t.state == TaskState.OPEN} == {
            "FREQ=MONTHLY;INTERVAL=3"
        }
        done = session.get(Task, jan_id)
        assert (
            done is not None
            and done.state == TaskState.DONE
            and done.deadline == date(2023, 1, 25)
        )
    # February, then March (its quarter has January, done), May, June, August, September,
    # November and December: 13 tasks become 5 (NV-05 and one report a quarter).
    assert khtc_figures(app)[1] == before[1] - 1 - 7 == 5
    story = say(app, "lan", f"/task {feb_id}")
    assert "huỷ nhiệm vụ. Lý do: bỏ khỏi chuỗi khi sửa nhiệm vụ lặp lại" in story
    assert say(app, "tccb", "/sua 1 handau 01/02/2023").startswith("Nhiệm vụ 1 không lặp lại")
