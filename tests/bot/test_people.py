"""People in chat (the console channel, the ChatService every messenger drives), on real
SQLite and PostgreSQL with the injected clock: a leave with and without a substitute (who gets
the reminders, who may act, "CB06 thay CB04" on the record, the leave ending by itself), and a
move between units asked in chat (tasks move or stay), a role change, a deactivation; an
import that moves an officer is recorded the same way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Incoming
from nhacviec.app import App
from nhacviec.base.clock import FixedClock
from rules.events import EventKind
from storage import absence, people, repo
from storage import outbox as store
from storage import tasks as task_store
from storage.db import session_scope
from storage.importer import import_sheets, read_file
from storage.models import ChatLink, Officer, Task, TaskEvent
from tests.builders import small_sheets, write_xlsx
from tests.conftest import link_chat
from tests.reminder_helpers import FakePlatform, reminders_for, set_local
from tests.storage.test_outbox import small_app


@pytest.fixture
def any_app(engine: Engine, clock: FixedClock, tmp_path: Path) -> Iterator[App]:
    yield small_app(engine, clock, tmp_path)


def say(app: App, chat: str, text: str) -> str:
    return "\n".join(r.text for r in app.chat.handle(Incoming("console", chat, text)))


def at(app: App, clock: FixedClock, *moment: int) -> None:
    set_local(clock, app.config, datetime(*moment))  # type: ignore[arg-type]


def named_task(app: App, title: str, deadline: date, officer: str = "CB04") -> int:
    """A KHTC task named to `officer`, added as TCCB would."""
    with session_scope(app.engine) as session:
        plan = repo.current_plan(session)
        khtc = repo.unit_by_code(session, "KHTC")
        named = repo.officer_by_code(session, officer)
        assert plan and khtc and named
        who = task_store.Who(None, "cli", app.clock.now(), deadline)
        task = task_store.add_task(
            session,
            task_store.NewTask(
                plan_id=plan.id or 0,
                title=title,
                lead_unit_id=khtc.id or 0,
                deadline=deadline,
                assignee_id=named.id,
            ),
            who,
        )
        return task.id or 0


def digest_to(platform: FakePlatform, chat: str) -> str:
    return "\n".join(t for t in platform.texts_to(chat) if "Nhắc việc ngày" in t)


def links(app: App) -> None:
    for code, chat in [("CB02", "tccb"), ("CB03", "hai"), ("CB04", "lan"), ("CB06", "ha")]:
        link_chat(app, code, "console", chat)
        link_chat(app, code, "telegram", f"t-{chat}")


async def test_a_leave_with_a_substitute_then_without(any_app: App, clock: FixedClock) -> None:
    app = any_app
    links(app)
    first = named_task(app, "Báo cáo quyết toán quý I", date(2023, 4, 4))
    # Monday 03/04: CB04 (KHTC) goes on leave until Tuesday; CB06 of Văn phòng stands in.
    at(app, clock, 2023, 4, 3, 7, 0)
    assert say(app, "ha", f"/done {first}").startswith("Nhiệm vụ")  # not theirs yet: refused
    reply = say(app, "lan", "/vang 03/04/2023-04/04/2023 CB06")
    assert (
        reply == "✅ Đã ghi CB04 vắng 03/04/2023–04/04/2023; CB06 nhận nhắc việc và cập nhật thay."
    )
    assert "trùng" in say(app, "lan", "/vang 04/04/2023 CB06")  # overlapping: refused
    assert "Ghi thời gian vắng dạng" in say(app, "lan", "/vang 4/4")

    platform = FakePlatform()
    reminders = reminders_for(app, platform)
    at(app, clock, 2023, 4, 3, 7, 30)
    await reminders.scan_and_dispatch()
    assert digest_to(platform, "t-lan") == ""  # the absent officer gets nothing
    covering = digest_to(platform, "t-ha")
    assert "Kèm việc của CB04 (đang vắng, bạn nhận thay)" in covering
    assert "Báo cáo quyết toán quý I" in covering
    assert "Báo cáo quyết toán quý I" in digest_to(platform, "t-hai")  # the head, as always

    # The substitute acts on the absent officer's task; the record says on whose behalf.
    assert "Đã ghi nhận hoàn thành" in say(app, "ha", f"/done {first} đã nộp Sở Tài chính")
    story = say(app, "tccb", f"/task {first}")
    assert "CB06 thay CB04" in story

    # Wednesday 05/04: the leave is over by itself. CB04 is reminded again; CB06 may not act.
    second = named_task(app, "Báo cáo đầu tư công", date(2023, 4, 5))
    at(app, clock, 2023, 4, 5, 7, 30)
    await reminders.scan_and_dispatch()
    assert "Báo cáo đầu tư công" in digest_to(platform, "t-lan")
    assert "Báo cáo đầu tư công" not in digest_to(platform, "t-ha")
    assert "thuộc đơn vị khác" in say(app, "ha", f"/progress {second} 50")

    # Thursday 06/04, no substitute: the head (CB03) gets CB04's reminders and acts for them.
    assert "trưởng đơn vị nhận nhắc việc thay" in say(app, "lan", "/vang 06/04/2023")
    at(app, clock, 2023, 4, 6, 7, 30)
    await reminders.scan_and_dispatch()
    thursday = [t for t in platform.texts_to("t-hai") if "Nhắc việc ngày 06/04/2023" in t]
    assert len(thursday) == 1 and "Kèm việc của CB04" in thursday[0]
    assert not [t for t in platform.texts_to("t-lan") if "06/04/2023" in t]
    assert "50%" in say(app, "hai", f"/progress {second} 50 đang tổng hợp")
    assert "CB03 thay CB04" in say(app, "tccb", f"/task {second}")


async def test_leaves_by_the_head_cancelled_and_refused(any_app: App, clock: FixedClock) -> None:
    app = any_app
    links(app)
    # The head records a leave for their officer; another unit's officer may not.
    assert "Chỉ cán bộ đó, trưởng đơn vị" in say(app, "ha", "/vang CB04 10/04/2023-11/04/2023")
    assert "Đã ghi CB04 vắng 10/04/2023–11/04/2023" in say(
        app, "hai", "/vang CB04 10/04/2023-11/04/2023"
    )
    assert "Lịch vắng đã qua" in say(app, "lan", "/vang 01/03/2023-02/03/2023")
    assert "Người thay phải là cán bộ khác" in say(app, "lan", "/vang 20/04/2023 CB04")
    assert say(app, "lan", "/vang huy") == "✅ Đã huỷ lịch vắng 10/04/2023–11/04/2023 của CB04."
    assert "không có lịch vắng" in say(app, "lan", "/vang huy")
    with session_scope(app.engine) as session:
        officer = people.find_officer(session, "CB04")
        kinds = [e.kind for e in people.officer_events(session, officer.id or 0)]
        assert kinds == [EventKind.LEAVE_SET, EventKind.LEAVE_CANCELLED]
        assert absence.stand_ins_on(session, date(2023, 4, 10)) == {}
    assert "/vang" in say(app, "lan", "/help")


def test_a_move_between_units_asked_in_chat(any_app: App) -> None:
    app = any_app
    links(app)
    task_id = named_task(app, "Rà soát định mức chi", date(2023, 5, 10))
    assert "Chỉ TCCB và quản trị" in say(app, "lan", "/chuyen CB04 VP")
    question = say(app, "tccb", "/chuyen CB04 VP")
    assert "CB04 đang thụ lý 1 nhiệm vụ mở. Chuyển các nhiệm vụ này theo sang VP?" in question
    assert say(app, "tccb", "có lẽ") == "Trả lời co, khong hoặc huy."
    assert say(app, "tccb", "co") == "✅ Đã chuyển CB04 sang VP. 1 nhiệm vụ chuyển theo."
    with session_scope(app.engine) as session:
        task = session.get(Task, task_id)
        officer = people.find_officer(session, "CB04")
        vp = repo.unit_by_code(session, "VP")
        assert task and vp and task.lead_unit_id == vp.id and task.assignee_id == officer.id
        assert officer.unit_id == vp.id
        events = task_store.events_of(session, task_id)
        assert [(e.kind, e.old, e.new) for e in events[-1:]] == [
            (EventKind.REASSIGNED, "KHTC", "VP")
        ]
    card = say(app, "tccb", "/canbo CB04")
    assert "CB04 · Phạm Thị Lan · VP · công chức" in card
    assert "chuyển đơn vị KHTC → VP" in card

    # Back to KHTC, leaving the task with VP (no officer named there any more).
    say(app, "tccb", "/chuyen CB04 KHTC")
    assert say(app, "tccb", "khong") == "✅ Đã chuyển CB04 sang KHTC. 1 nhiệm vụ để lại đơn vị cũ."
    with session_scope(app.engine) as session:
        task = session.get(Task, task_id)
        assert task and task.assignee_id is None

    # A move with no named task happens at once; cancelling the question changes nothing.
    assert say(app, "tccb", "/chuyen CB06 TCCB") == "✅ Đã chuyển CB06 sang TCCB."
    assert "Không có đơn vị “XYZ”" in say(app, "tccb", "/chuyen CB04 XYZ")

    assert say(app, "tccb", "/vaitro CB04 head") == "✅ CB04 nay là trưởng đơn vị."
    assert "không hợp lệ" in say(app, "tccb", "/vaitro CB04 boss")

    # CB04 retires: chats unlinked, what was still owed to them dropped, the record kept.
    named_task(app, "Báo cáo tài sản công", date(2023, 6, 1))
    assert [r.state for r in store.outbox_rows(app.engine) if r.officer_id == officer.id]
    reply = say(app, "tccb", "/nghiviec CB04 nghỉ hưu")
    assert reply == "✅ CB04 đã ngừng hoạt động: bỏ 2 liên kết chat, 1 nhiệm vụ về đơn vị."
    assert "chưa liên kết" in say(app, "lan", "/tasks")
    owed = [r.state for r in store.outbox_rows(app.engine) if r.officer_id == officer.id]
    assert owed and set(owed) == {"expired"}
    with session_scope(app.engine) as session:
        officer = people.find_officer(session, "CB04")
        assert not officer.active
        assert session.exec(select(ChatLink).where(ChatLink.officer_id == officer.id)).all() == []
        kinds = [e.kind for e in people.officer_events(session, officer.id or 0)]
        assert kinds == [
            EventKind.OFFICER_MOVED,
            EventKind.OFFICER_MOVED,
            EventKind.OFFICER_ROLE,
            EventKind.OFFICER_DEACTIVATED,
        ]
        # Officer events are as append-only as task events.
        event = session.exec(select(TaskEvent).where(TaskEvent.subject_id == officer.id)).first()
        assert event is not None
    with pytest.raises(Exception, match="append-only"), session_scope(app.engine) as session:
        session.execute(select(TaskEvent).limit(0))  # the session works
        session.connection().exec_driver_sql("DELETE FROM task_event WHERE task_id IS NULL")
    assert "đã ngừng hoạt động" in say(app, "tccb", "/nghiviec CB04")
    assert "/nghiviec" in say(app, "tccb", "/help")


def test_an_import_that_moves_an_officer_is_recorded(any_app: App, tmp_path: Path) -> None:
    app = any_app
    task_id = named_task(app, "Rà soát định mức chi", date(2023, 5, 10))
    sheets = small_sheets()
    sheets["Cán bộ"] = [
        [row[0], row[1], "VP", "trưởng đơn vị"] if row[0] == "CB04" else row
        for row in sheets["Cán bộ"]
    ]
    with session_scope(app.engine) as session:
        import_sheets(session, read_file(write_xlsx(tmp_path / "moved.xlsx", sheets)))
    with session_scope(app.engine) as session:
        officer = people.find_officer(session, "CB04")
        events = people.officer_events(session, officer.id or 0)
        assert [(e.kind, e.old, e.new, e.channel) for e in events] == [
            (EventKind.OFFICER_MOVED, "KHTC", "VP", "import"),
            (EventKind.OFFICER_ROLE, "officer", "head", "import"),
        ]
        task = session.get(Task, task_id)
        assert task is not None and task.assignee_id is None  # left with KHTC
        assert session.exec(select(Officer).where(Officer.code == "CB04")).one().role == "head"


def test_quiet_hours_hold_no_reply(any_app: App, clock: FixedClock) -> None:
    """A person who writes at 23:00 on a Sunday is answered at once."""
    links(any_app)
    at(any_app, clock, 2023, 4, 9, 23, 0)
    assert "Phòng Kế hoạch - Tài chính" in say(any_app, "lan", "/tasks")


def test_a_notice_for_an_officer_on_leave_goes_to_whoever_stands_in(
    any_app: App, clock: FixedClock
) -> None:
    """A task named to an officer on leave is told to the substitute (saying for whom), as
    the digests are; the absent officer is not; once the leave is over, to the officer."""
    app = any_app
    links(app)
    at(app, clock, 2023, 4, 3, 8, 0)
    assert "CB06 nhận nhắc việc" in say(app, "lan", "/vang 03/04/2023-04/04/2023 CB06")
    with session_scope(app.engine) as session:
        plan = repo.current_plan(session)
        khtc = repo.unit_by_code(session, "KHTC")
        cb04 = repo.officer_by_code(session, "CB04")
        assert plan and khtc and cb04

        def add(day: date, title: str) -> int:
            who = task_store.Who(None, "cli", app.clock.now(), day)
            new = task_store.NewTask(
                plan_id=plan.id or 0,
                title=title,
                lead_unit_id=khtc.id or 0,
                deadline=date(2023, 4, 20),
                assignee_id=cb04.id,
            )
            return task_store.add_task(session, new, who).id or 0

        during = add(date(2023, 4, 3), "Báo cáo giao lúc vắng")
        after = add(date(2023, 4, 5), "Báo cáo giao khi đã về")
    rows = [r for r in store.outbox_rows(app.engine) if r.kind.startswith("notice:")]
    during_rows = [r for r in rows if f"#{during}" in r.text]
    after_rows = [r for r in rows if f"#{after}" in r.text]
    assert {r.chat_id for r in during_rows} == {"ha", "t-ha"}
    assert all("(Bạn nhận thay CB04 đang vắng.)" in r.text for r in during_rows)
    assert {r.chat_id for r in after_rows} == {"lan", "t-lan"}
    assert not any("nhận thay" in r.text for r in after_rows)
