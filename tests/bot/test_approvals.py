"""Extensions and confirmed completion in the console chat (the ChatService every messenger
drives), with the default settings: TCCB approves extensions, the unit head confirms.

An officer asks for an extension and reports completion with a document number and a photo;
the head confirms; TCCB sees "đúng hạn (đã gia hạn)" with the evidence in /task and /status;
a mistaken /done is reopened and the figures return to what they were. Refusals for the wrong
people, every path of a request and a completion, and the messages told exactly once."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.adapters.console import ConsoleMessenger
from bot.messages import Incoming
from nhacviec.app import App, build_app, build_reminders
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import ApprovalsConfig, Config, EvidenceConfig
from storage import approvals
from storage.db import session_scope
from storage.models import Task, TaskEvent, TaskEvidence, TaskState, TaskTally
from tests.builders import write_xlsx
from tests.conftest import link_chat, load

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_app(engine: Engine, clock: FixedClock, tmp_path: Path, **settings: object) -> App:
    config = Config(
        approvals=ApprovalsConfig(**settings),  # type: ignore[arg-type]
        evidence=EvidenceConfig(folder=str(tmp_path / "minh-chung")),
    )
    app = build_app(config, clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    for code, chat in [("CB02", "tccb"), ("CB03", "hai"), ("CB04", "lan"), ("CB06", "ha")]:
        link_chat(app, code, "console", chat)
    return app


@pytest.fixture
def app(sqlite_engine: Engine, clock: FixedClock, tmp_path: Path) -> App:
    return make_app(sqlite_engine, clock, tmp_path)


def say(app: App, chat: str, text: str) -> str:
    return "\n".join(r.text for r in app.chat.handle(Incoming("console", chat, text)))


def task_by_code(app: App, code: str) -> Task:
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == code)).first()
        assert task is not None
        return task


def khtc(app: App) -> tuple[int, int]:
    """(failed or late, assigned) of KHTC as /status shows TCCB."""
    text = say(app, "tccb", "/status")
    found = re.search(r"KHTC .*\n\s+năm [\d,]+% \((\d+)/(\d+)\)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def tally(app: App) -> tuple[int, int, int]:
    with session_scope(app.engine) as session:
        task = task_by_code(app, "NV-05")
        # One row per area and assigning authority of the unit (migration 0013): summed.
        rows = session.exec(
            select(TaskTally).where(
                TaskTally.plan_id == task.plan_id, TaskTally.unit_id == task.lead_unit_id
            )
        ).all()
        assert rows
        return (
            sum(r.assigned for r in rows),
            sum(r.done for r in rows),
            sum(r.done_late for r in rows),
        )


def delivered(app: App) -> str:
    """Send what the outbox holds, through the console messenger; what it printed."""
    out = io.StringIO()
    reminders = build_reminders(app, {"console": ConsoleMessenger(out)})
    asyncio.run(reminders.dispatch())
    return out.getvalue()


def kinds(app: App, task_id: int) -> list[str]:
    with session_scope(app.engine) as session:
        return [
            e.kind
            for e in session.exec(
                select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
            ).all()
        ]


def test_extension_then_confirmed_completion_with_evidence(app: App, clock: FixedClock) -> None:
    nv05 = task_by_code(app, "NV-05")  # KHTC, deadline 30/06/2023
    tid = nv05.id
    assert nv05.deadline == date(2023, 6, 30)
    before = tally(app)

    # Asked by the officer; nobody else of another unit, nor the director, may ask.
    assert "đơn vị khác" in say(app, "ha", f"/giahan {tid} 31/07/2023 Xin thêm")
    assert "Gõ: /giahan" in say(app, "lan", f"/giahan {tid} 31/07/2023")
    assert "phải sau hạn hiện tại (30/06/2023)" in say(app, "lan", f"/giahan {tid} 01/06/2023 x")
    asked = say(app, "lan", f"/giahan {tid} 31/07/2023 Chờ số liệu quý II của các Chi cục")
    assert "chờ TCCB duyệt" in asked
    assert "đang chờ duyệt" in say(app, "hai", f"/giahan {tid} 15/08/2023 Lần hai")

    # TCCB is told, with its buttons (typed on the console), exactly once.
    sent = delivered(app)
    assert f"Đề nghị gia hạn #{tid}" in sent and "30/06/2023 → 31/07/2023" in sent
    assert f"/duyet {tid} hoặc /tuchoi {tid} lý do" in sent
    assert "tin nhắn tới tccb" in sent
    assert delivered(app) == ""
    assert f"#{tid}" in say(app, "tccb", "/cho") and "xin gia hạn đến 31/07/2023" in say(
        app, "tccb", "/cho"
    )
    assert "Không có việc nào" in say(app, "hai", "/cho")

    # Only TCCB (or the admin) decides; the officer, the head and another unit are refused.
    for chat in ("lan", "hai", "ha"):
        assert "không phải người duyệt" in say(app, chat, f"/duyet {tid}")
    assert task_by_code(app, "NV-05").deadline == date(2023, 6, 30)
    approved = say(app, "tccb", f"/duyet {tid}")
    assert "hạn 30/06/2023 → 31/07/2023" in approved
    task = task_by_code(app, "NV-05")
    assert task.deadline == date(2023, 7, 31) and task.extended_from == date(2023, 6, 30)
    assert "Đồng ý gia hạn" in delivered(app)  # the officer hears the answer
    assert "không có đề nghị gia hạn" in say(app, "tccb", f"/duyet {tid}")

    # After the original deadline, within the extension: reported with a document number.
    clock.set(FixedClock.on(date(2023, 7, 14)).now())
    assert "một mã nhiệm vụ" in say(app, "lan", f"/done {tid} 101 102")
    assert task_by_code(app, "NV-05").state == TaskState.OPEN
    done = say(app, "lan", f"/done {tid} Số 45/BC-KHTC Đã gửi UBND tỉnh")
    assert "chờ trưởng đơn vị xác nhận" in done and "Văn bản: 45/BC-KHTC" in done
    assert "Gửi ngay sau tin này" in done
    photo = app.chat.attach(Incoming("console", "lan", ""), PNG, "image/png", "bien-ban.png")
    assert photo.text == f"📎 Đã lưu minh chứng cho nhiệm vụ {tid}: bien-ban.png."
    task = task_by_code(app, "NV-05")
    assert task.state == TaskState.REPORTED and task.completed_on is None
    assert tally(app) == before  # not done until confirmed
    assert "đang chờ xác nhận" in say(app, "lan", f"/done {tid}")
    assert "Chờ xác nhận hoàn thành (1)" in say(app, "tccb", "/status")
    assert f"Báo hoàn thành #{tid}" in delivered(app)

    # The head confirms on a later day: done on the day reported.
    clock.set(FixedClock.on(date(2023, 7, 17)).now())
    assert "không phải người duyệt" in say(app, "tccb", f"/xacnhan {tid}")
    assert "không phải người duyệt" in say(app, "lan", f"/xacnhan {tid}")
    assert "Đã xác nhận hoàn thành" in say(app, "hai", f"/xacnhan {tid}")
    task = task_by_code(app, "NV-05")
    assert task.state == TaskState.DONE and task.completed_on == date(2023, 7, 14)
    assert tally(app) == (before[0], before[1] + 1, before[2])  # done, not late
    assert "Đã xác nhận hoàn thành" in delivered(app)

    story = say(app, "tccb", f"/task {tid}")
    assert "đúng hạn (đã gia hạn)" in story
    assert "hạn trước gia hạn 30/06/2023" in story
    assert "Văn bản 45/BC-KHTC" in story and "Tệp bien-ban.png" in story
    assert "xin gia hạn 30/06/2023 → 31/07/2023" in story
    assert "xác nhận hoàn thành ngày 14/07/2023" in story
    assert "đúng hạn (đã gia hạn)" in say(app, "tccb", "/status KHTC 2")
    [report] = app.chat.handle(Incoming("console", "tccb", "/report 2023-Q3"))
    workbook = load_workbook(io.BytesIO(report.attachments[0].content))
    sheet = workbook.worksheets[1]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == tid)
    facts = dict(zip(header, row, strict=True))
    assert facts["Kết quả"] == "đúng hạn (đã gia hạn)"
    assert facts["Hạn trước gia hạn"].date() == date(2023, 6, 30)
    assert facts["Minh chứng"] == "Văn bản 45/BC-KHTC; Tệp bien-ban.png"
    summary = [c for r in workbook.worksheets[0].iter_rows(values_only=True) for c in r if c]
    assert "Xong trong hạn gia hạn được duyệt: tính đúng hạn." in summary
    assert kinds(app, tid or 0)[-6:] == [
        "ext_requested",
        "ext_approved",
        "evidence",
        "done_reported",
        "evidence",
        "done_confirmed",
    ]
    with session_scope(app.engine) as session:
        files = session.exec(select(TaskEvidence).where(TaskEvidence.filename != None)).all()  # noqa: E711
        assert len(files) == 1
        stored = Path(app.config.evidence.folder) / (files[0].filename or "")
        assert stored.read_bytes() == PNG


def test_when_an_extension_counts_late_the_report_says_so(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(sqlite_engine, clock, tmp_path, extension_counts_late=True)
    tid = task_by_code(app, "NV-05").id
    say(app, "lan", f"/giahan {tid} 31/07/2023 Chờ số liệu")
    say(app, "tccb", f"/duyet {tid}")
    clock.set(FixedClock.on(date(2023, 7, 14)).now())
    say(app, "lan", f"/done {tid}")
    before = khtc(app)
    say(app, "hai", f"/xacnhan {tid}")
    assert khtc(app)[0] == before[0]  # overdue before, late after: a failure either way
    assert "trễ 14 ngày" in say(app, "tccb", f"/task {tid}")


def test_refused_extension_and_returned_completion(app: App) -> None:
    tid = task_by_code(app, "NV-05").id
    say(app, "lan", f"/giahan {tid} 31/07/2023 Chờ số liệu")
    assert "Gõ: /tuchoi" in say(app, "tccb", f"/tuchoi {tid}")
    refused = say(app, "tccb", f"/tuchoi {tid} Không có căn cứ")
    assert "Không đồng ý gia hạn" in refused and "Lý do: Không có căn cứ" in refused
    assert task_by_code(app, "NV-05").deadline == date(2023, 6, 30)
    told = delivered(app)
    assert "tin nhắn tới lan" in told and "Lý do: Không có căn cứ" in told

    say(app, "lan", f"/done {tid}")
    assert "Gõ: /tralai" in say(app, "hai", f"/tralai {tid}")
    assert "không phải người duyệt" in say(app, "ha", f"/tralai {tid} Sai")
    returned = say(app, "hai", f"/tralai {tid} Thiếu báo cáo có chữ ký")
    assert "bị trả lại" in returned
    task = task_by_code(app, "NV-05")
    assert task.state == TaskState.OPEN and task.progress < 100
    assert "Thiếu báo cáo có chữ ký" in delivered(app)
    assert "trả lại" in say(app, "lan", f"/task {tid}")


def test_withdraw_and_reopen_a_mistaken_done_figures_return(app: App, clock: FixedClock) -> None:
    nv03 = task_by_code(app, "NV-03#1")  # a monthly report, due 25/01/2023: overdue
    tid = nv03.id
    before, tally_before = khtc(app), tally(app)

    say(app, "lan", f"/done {tid}")
    assert "Chỉ người đã báo hoàn thành" in say(app, "hai", f"/rut {tid}")
    assert "Đã rút báo hoàn thành" in say(app, "lan", f"/rut {tid}")
    assert task_by_code(app, "NV-03#1").state == TaskState.OPEN
    assert "không chờ xác nhận" in say(app, "lan", f"/rut {tid}")

    say(app, "lan", f"/done {tid}")
    say(app, "hai", f"/xacnhan {tid}")
    assert task_by_code(app, "NV-03#1").state == TaskState.DONE
    assert tally(app) != tally_before

    # Only the unit's head or TCCB reopens; an officer and another unit are refused.
    assert "Chỉ trưởng đơn vị" in say(app, "lan", f"/molai {tid} Nhầm")
    assert "Chỉ trưởng đơn vị" in say(app, "ha", f"/molai {tid} Nhầm")
    assert "Gõ: /molai" in say(app, "hai", f"/molai {tid}")
    reopened = say(app, "hai", f"/molai {tid} Báo nhầm, đúng là kỳ tháng 2")
    assert "Đã mở lại nhiệm vụ" in reopened
    assert khtc(app) == before and tally(app) == tally_before
    task = task_by_code(app, "NV-03#1")
    assert task.state == TaskState.OPEN and task.completed_on is None
    assert "chưa hoàn thành" in say(app, "hai", f"/molai {tid} Lại")
    assert kinds(app, tid or 0)[-5:] == [
        "done_reported",
        "done_withdrawn",
        "done_reported",
        "done_confirmed",
        "reopened",
    ]
    assert "Báo nhầm" in say(app, "tccb", f"/task {tid}")


def test_a_heads_own_done_counts_at_once_unless_tccb_must_confirm(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(sqlite_engine, clock, tmp_path, head_done_needs_tccb=True)
    tid = task_by_code(app, "NV-05").id
    assert "chờ TCCB xác nhận" in say(app, "hai", f"/done {tid}")
    assert "không phải người duyệt" in say(app, "hai", f"/xacnhan {tid}")
    assert "Đã xác nhận" in say(app, "tccb", f"/xacnhan {tid}")


def test_extension_approved_in_turn_by_the_head_then_tccb(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(sqlite_engine, clock, tmp_path, extension_approver="head_then_tccb")
    tid = task_by_code(app, "NV-05").id
    assert "chờ trưởng đơn vị duyệt" in say(app, "lan", f"/giahan {tid} 31/07/2023 Lý do")
    assert "không phải người duyệt" in say(app, "tccb", f"/duyet {tid}")
    assert "chuyển TCCB duyệt" in say(app, "hai", f"/duyet {tid}")
    assert task_by_code(app, "NV-05").deadline == date(2023, 6, 30)
    assert "không phải người duyệt" in say(app, "hai", f"/duyet {tid}")
    assert "30/06/2023 → 31/07/2023" in say(app, "tccb", f"/duyet {tid}")
    assert task_by_code(app, "NV-05").deadline == date(2023, 7, 31)


def test_confirm_none_counts_at_once_as_before(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(sqlite_engine, clock, tmp_path, confirm_completion="none")
    tid = task_by_code(app, "NV-05").id
    assert "Đã ghi nhận hoàn thành" in say(app, "lan", f"/done {tid} 12/BC-KHTC")
    task = task_by_code(app, "NV-05")
    assert task.state == TaskState.DONE and task.completed_on == date(2023, 4, 3)
    with session_scope(app.engine) as session:
        assert approvals.waiting(session) == []


def test_buttons_ask_a_reason_before_refusing(app: App) -> None:
    tid = task_by_code(app, "NV-05").id
    say(app, "lan", f"/giahan {tid} 31/07/2023 Chờ số liệu")
    assert "không phải người duyệt" in app.chat.press("console", "lan", f"ext_no:{tid}").text
    asked = app.chat.press("console", "tccb", f"ext_no:{tid}")
    assert asked.expects_answer and "Lý do từ chối" in asked.text
    assert "Không đồng ý gia hạn" in say(app, "tccb", "Hồ sơ chưa đủ")
    say(app, "lan", f"/done {tid}")
    assert "Đã xác nhận" in app.chat.press("console", "hai", f"cf_ok:{tid}").text


def test_bad_files_are_refused_and_nothing_is_kept(app: App) -> None:
    tid = task_by_code(app, "NV-05").id
    nothing = app.chat.attach(Incoming("console", "lan", ""), PNG, "image/png", "a.png")
    assert "Chưa biết ảnh/tệp này cho nhiệm vụ nào" in nothing.text
    say(app, "lan", f"/done {tid}")
    exe = app.chat.attach(Incoming("console", "lan", ""), b"MZ...", "application/x-msdownload")
    assert "Không nhận loại tệp này" in exe.text
    fake_png = app.chat.attach(Incoming("console", "lan", ""), b"<html>", "image/png")
    assert "Không nhận loại tệp này" in fake_png.text
    big = app.chat.attach(
        Incoming("console", "lan", ""), PNG + b"\x00" * (11 * 1024 * 1024), "image/png"
    )
    assert "Tệp quá lớn" in big.text
    # A sneaky name is only shown, never used as a path.
    ok = app.chat.attach(Incoming("console", "lan", ""), PNG, "image/png", "../../etc/passwd.png")
    assert "passwd.png" in ok.text
    folder = Path(app.config.evidence.folder)
    names = [p.name for p in folder.iterdir()]
    assert len(names) == 1 and re.fullmatch(rf"{tid}-[0-9a-f]{{16}}\.png", names[0]), names
    assert not (folder.parent.parent / "etc").exists()
    other = app.chat.attach(Incoming("console", "ha", ""), PNG, "image/png", "x.png", f"#{tid}")
    assert "đơn vị khác" in other.text


def test_the_morning_scan_tells_each_decider_what_waits_once(app: App) -> None:
    tid = task_by_code(app, "NV-05").id
    nv01 = task_by_code(app, "NV-03#2").id
    say(app, "lan", f"/giahan {tid} 31/07/2023 Chờ số liệu")
    say(app, "lan", f"/done {nv01}")
    delivered(app)  # the requests themselves
    out = io.StringIO()
    reminders = build_reminders(app, {"console": ConsoleMessenger(out)})
    asyncio.run(reminders.scan_and_dispatch())
    sent = out.getvalue()
    pieces = re.split(r"── tin nhắn tới (\w+) ──\n", sent)[1:]
    to = {}
    for chat, text in zip(pieces[::2], pieces[1::2], strict=True):
        to.setdefault(chat, []).append(text)
    [tccb] = [t for t in to["tccb"] if "Chờ bạn duyệt" in t]
    assert "Chờ bạn duyệt (1)" in tccb and f"#{tid}" in tccb and "xin gia hạn" in tccb
    [hai] = [t for t in to["hai"] if "Chờ bạn duyệt" in t]
    assert f"#{nv01}" in hai and "báo xong 03/04/2023" in hai
    assert f"/xacnhan {nv01}" in hai  # no buttons on the console: what to type
    again = io.StringIO()
    asyncio.run(build_reminders(app, {"console": ConsoleMessenger(again)}).scan_and_dispatch())
    assert "Chờ bạn duyệt" not in again.getvalue()


def test_after_the_deadline_the_xong_button_and_100_percent(app: App) -> None:
    overdue = task_by_code(app, "NV-03#1").id  # due 25/01/2023, today 03/04/2023
    assert "Hạn mới 01/04/2023 đã qua" in say(app, "lan", f"/giahan {overdue} 01/04/2023 Trễ")
    assert "chờ TCCB duyệt" in say(app, "lan", f"/giahan {overdue} 28/04/2023 Chờ Kho bạc")
    assert "25/01/2023 → 28/04/2023" in say(app, "tccb", f"/duyet {overdue}")
    pressed = app.chat.press("console", "lan", f"done:{overdue}")
    assert pressed.changed and "chờ trưởng đơn vị xác nhận" in pressed.text
    assert task_by_code(app, "NV-03#1").state == TaskState.REPORTED
    other = task_by_code(app, "NV-03#2").id
    assert "chờ trưởng đơn vị xác nhận" in say(app, "lan", f"/progress {other} 100 Xong")
    assert task_by_code(app, "NV-03#2").completed_on is None
    assert "/giahan ID dd/mm/yyyy" in say(app, "lan", "/help")
    assert "/xacnhan ID" in say(app, "hai", "/help") and "/xacnhan" not in say(app, "lan", "/help")


def test_a_task_waiting_for_a_decision_is_cancelled_only_as_it_should(app: App) -> None:
    """Found by the fuzz test: a completion waiting for confirmation was cancelled, leaving a
    cancelled task with its 'done' report that the approver was still asked to confirm. It is
    now decided first; an undecided extension is dropped with the cancellation."""
    nv05 = task_by_code(app, "NV-05")
    tid = nv05.id
    assert "chờ" in say(app, "lan", f"/done {tid} 12/BC-KHTC")
    assert task_by_code(app, "NV-05").state == "reported"
    refused = say(app, "tccb", f"/huy {tid} Không còn cần")
    assert "đang chờ xác nhận: xác nhận hoặc trả lại trước khi huỷ" in refused
    assert task_by_code(app, "NV-05").state == "reported"
    assert f"#{tid}" in say(app, "hai", "/cho")

    december = task_by_code(app, "NV-03#12")  # KHTC, 25/12/2023
    other = december.id
    assert "chờ" in say(app, "hai", f"/giahan {other} 29/12/2023 Chờ số liệu")
    assert f"#{other}" in say(app, "tccb", "/cho")
    assert "Đã huỷ" in say(app, "tccb", f"/huy {other} Sở thôi giao")
    cancelled = task_by_code(app, "NV-03#12")
    assert cancelled.state == "cancelled" and cancelled.extension_step is None
    assert f"#{other}" not in say(app, "tccb", "/cho")
    assert "ext_requested" in kinds(app, other)  # the request stays in the story
