"""A simulated year of the department's example plan: the clock is set to 07:30 of every day of
2023, the scan and the dispatcher run as the scheduler would run them, and what each linked
officer received is checked against the calendar and the rules."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.reports.figures import plan_figures
from rules.policy import is_summary_day
from storage import repo
from storage.db import make_engine, session_scope
from storage.models import Task, Unit
from tests.conftest import EXAMPLE_PLAN, legacy_config, link_chat, load
from tests.reminder_helpers import FakePlatform, reminders_for, set_local

YEAR = [date(2023, 1, 1) + timedelta(n) for n in range(365)]
# TCCB (tccb role, head, officer), VP (head, admin, officer), KHTC (head, officer).
LINKED = ["CB001", "CB002", "CB003", "CB004", "CB005", "CB006", "CB008", "CB009"]
DONE_ON = date(2023, 3, 14)  # CB009 reports one KHTC task done that day
SNOOZED_UNTIL = date(2023, 6, 1)


@dataclass
class Year:
    app: App
    received: dict[tuple[date, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    tasks: dict[int, Task] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    done_task: int = 0
    snoozed_task: int = 0
    restart_sent: int = -1

    def seen(self, chat: str, task_id: int) -> dict[date, tuple[str, str]]:
        """The days `chat` was reminded of the task: (section heading, badge line)."""
        out: dict[date, tuple[str, str]] = {}
        for (day, to), messages in self.received.items():
            if to != chat:
                continue
            for text in messages:
                section = ""
                lines = text.splitlines()
                for n, line in enumerate(lines):
                    if not line.startswith("#") and not line.startswith("   "):
                        section = line
                    if line.startswith(f"#{task_id} "):
                        out[day] = (section, lines[n + 1])
        return out


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    folder: Path = tmp_path_factory.mktemp("year")
    engine = make_engine(f"sqlite:///{folder}/year.db")
    clock = FixedClock.on(date(2023, 1, 1), at=time(7, 30))
    app = build_app(legacy_config(), clock, engine)
    load(engine, EXAMPLE_PLAN)
    for code in LINKED:
        link_chat(app, code, "telegram", code)
    sim = Year(app)
    with session_scope(engine) as session:
        sim.units = {u.id: u.code for u in session.exec(select(Unit)).all() if u.id}
        khtc = [t for t in session.exec(select(Task)).all() if sim.units[t.lead_unit_id] == "KHTC"]
        overdue_then = [t for t in khtc if t.deadline and t.deadline < DONE_ON]
        sim.done_task = overdue_then[0].id or 0
        vp = [t for t in session.exec(select(Task)).all() if sim.units[t.lead_unit_id] == "VP"]
        snoozed = next(t for t in vp if t.deadline and t.deadline < date(2023, 4, 1))
        snoozed.snoozed_until = SNOOZED_UNTIL
        session.add(snoozed)
        sim.snoozed_task = snoozed.id or 0
    platform = FakePlatform()
    reminders = reminders_for(app, platform)

    async def run_year() -> None:
        nonlocal reminders
        for day in YEAR:
            set_local(clock, app.config, datetime(day.year, day.month, day.day, 7, 30))
            if day == DONE_ON:
                replies = app.chat.handle(Incoming("telegram", "CB009", f"/done {sim.done_task}"))
                assert "Đã ghi nhận hoàn thành" in replies[0].text
            await reminders.scan_and_dispatch()
            for chat, reply in platform.sent:
                sim.received[(day, chat)].append(reply.text)
            platform.sent.clear()
            if day == date(2023, 6, 15):
                # A restart at 11:00: a new process scans and dispatches again.
                set_local(clock, app.config, datetime(2023, 6, 15, 11, 0))
                reminders = reminders_for(app, platform)
                await reminders.scan_and_dispatch()
                sim.restart_sent = len(platform.sent)

    asyncio.run(run_year())
    with session_scope(engine) as session:
        sim.tasks = {t.id: t for t in session.exec(select(Task)).all() if t.id}
    yield sim
    engine.dispose()


def test_reminders_only_on_working_days(year: Year) -> None:
    calendar = year.app.calendar
    days_with_messages = {day for day, _ in year.received}
    assert all(calendar.is_working_day(day) for day in days_with_messages)
    assert not days_with_messages & {date(2023, 1, 23), date(2023, 5, 1), date(2023, 9, 4)}
    # From February something is overdue every working day: every such day has messages.
    working = [d for d in YEAR if calendar.is_working_day(d) and d >= date(2023, 3, 1)]
    assert set(working) <= days_with_messages


def test_one_digest_per_officer_per_day(year: Year) -> None:
    for (day, _chat), messages in year.received.items():
        heads = [m.splitlines()[0] for m in messages]
        assert all(h.startswith(f"🔔 Nhắc việc ngày {day:%d/%m/%Y}") for h in heads)
        if len(messages) > 1:  # one digest split in parts, each part once
            assert [h.rsplit(" ", 1)[1] for h in heads] == [
                f"({n}/{len(messages)})" for n in range(1, len(messages) + 1)
            ]
    assert year.restart_sent == 0


def test_lead_times_7_3_1_working_days_and_due_today(year: Year) -> None:
    calendar = year.app.calendar
    officer_of = {"TCCB": "CB003", "VP": "CB006", "KHTC": "CB009"}
    checked = 0
    for task in year.tasks.values():
        unit = year.units[task.lead_unit_id]
        if unit not in officer_of or task.deadline is None:
            continue
        if task.id in (year.done_task, year.snoozed_task):
            continue
        seen = year.seen(officer_of[unit], task.id or 0)
        soon = {d: badge for d, (section, badge) in seen.items() if section == "🟡 Sắp đến hạn:"}
        expected = {
            calendar.add_working_days(task.deadline, -n): f"còn {n} ngày làm việc"
            for n in (7, 3, 1)
            if calendar.add_working_days(task.deadline, -n).year == 2023
        }
        assert {d: b.rsplit("· ", 1)[1] for d, b in soon.items()} == expected, task.code
        today = [d for d, (section, _) in seen.items() if section == "🟠 Đến hạn hôm nay:"]
        assert today == ([task.deadline] if calendar.is_working_day(task.deadline) else [])
        checked += 1
    assert checked >= 70  # every task of the three units, recurring occurrences included


def test_a_deadline_on_a_day_off_is_owed_on_the_next_working_day(year: Year) -> None:
    calendar = year.app.calendar
    officer_of = {"TCCB": "CB003", "VP": "CB006", "KHTC": "CB009"}
    off = [
        t
        for t in year.tasks.values()
        if t.deadline
        and not calendar.is_working_day(t.deadline)
        and year.units[t.lead_unit_id] in officer_of
        and t.deadline < date(2023, 12, 29)
    ]
    assert {t.code for t in off} >= {"NV-12#4", "NV-63#1", "NV-38#3"}
    for task in off:
        assert task.deadline is not None
        seen = year.seen(officer_of[year.units[task.lead_unit_id]], task.id or 0)
        after = sorted(d for d in seen if d > task.deadline)
        first = calendar.next_working_day(task.deadline)
        assert after[0] == first, task.code
        section, badge = seen[first]
        assert section == "🔴 Quá hạn:"
        assert badge.endswith(f"quá hạn {(first - task.deadline).days} ngày")
    # NV-12#4 (Sunday 28/05/2023): the last lead day is Friday 26/05, then Monday 29/05.
    nv12 = next(t for t in off if t.code == "NV-12#4")
    seen = year.seen("CB006", nv12.id or 0)
    assert seen[date(2023, 5, 26)][1].endswith("còn 1 ngày làm việc")
    assert date(2023, 5, 27) not in seen and date(2023, 5, 28) not in seen
    assert seen[date(2023, 5, 29)][1].endswith("quá hạn 1 ngày")


def test_escalation_to_the_head_after_3_overdue_working_days(year: Year) -> None:
    calendar = year.app.calendar
    escalation = "⚠️ Quá hạn từ 3 ngày làm việc – đề nghị trưởng đơn vị chỉ đạo:"
    nv12 = next(t for t in year.tasks.values() if t.code == "NV-12#4")
    head = year.seen("CB004", nv12.id or 0)  # head of VP
    officer = year.seen("CB006", nv12.id or 0)
    # Sunday 28/05: Monday 29/05 is 1 overdue working day, Wednesday 31/05 is 3.
    assert head[date(2023, 5, 29)][0] == head[date(2023, 5, 30)][0] == "🔴 Quá hạn:"
    assert head[date(2023, 5, 31)][0] == escalation
    for day, (section, _) in head.items():
        if nv12.deadline and day > nv12.deadline:
            overdue_days = calendar.working_days_between(nv12.deadline, day)
            assert (section == escalation) == (overdue_days >= 3), day
    assert all(section != escalation for section, _ in officer.values())
    # The admin of VP (CB005) and the TCCB-role officer get no unit reminders.
    assert not [k for k, msgs in year.received.items() if k[1] == "CB005"]
    cb001 = [m for (d, c), msgs in year.received.items() if c == "CB001" for m in msgs]
    assert cb001 and all("#" not in m.split("📊")[0] for m in cb001)


def test_weekly_tccb_summary_on_the_first_working_day_of_each_week(year: Year) -> None:
    calendar = year.app.calendar
    summary_days = {
        day
        for (day, chat), msgs in year.received.items()
        if chat == "CB001"
        for m in msgs
        if "📊 Tổng hợp tuần" in m
    }
    expected = {d for d in YEAR if is_summary_day(d, calendar)}
    assert summary_days == expected
    assert {date(2023, 1, 3), date(2023, 1, 27), date(2023, 3, 6), date(2023, 5, 4)} <= expected
    assert date(2023, 9, 5) in expected and date(2023, 9, 4) not in expected
    assert sum(d.weekday() == 0 for d in expected) >= 45
    # Nobody else gets it, and its watch list is the one /status shows (plan_figures).
    others = [m for (d, c), msgs in year.received.items() if c != "CB001" for m in msgs]
    assert not any("📊" in m for m in others)
    with session_scope(year.app.engine) as session:
        plan = repo.current_plan(session)
        assert plan is not None
        for day in sorted(expected):
            text = "\n".join(year.received[(day, "CB001")])
            listed = [
                line.split()[1]
                for line in text.split("📊", 1)[1].splitlines()[1:]
                if line[:1] in ("🟡", "🔴")
            ]
            watch = plan_figures(session, plan, day, year.app.config).watch
            assert listed == [f.unit for f in watch], day
    assert any(
        len(year.received[(d, "CB001")]) and "🔴" in year.received[(d, "CB001")][-1]
        for d in expected
    )


def test_a_task_reported_done_is_no_longer_reminded(year: Year) -> None:
    seen = year.seen("CB009", year.done_task)
    assert any(d < DONE_ON for d in seen)
    assert not any(d >= DONE_ON for d in seen)


def test_a_snoozed_task_waits_until_its_date(year: Year) -> None:
    seen = year.seen("CB006", year.snoozed_task)
    assert min(seen) == SNOOZED_UNTIL
    assert seen[SNOOZED_UNTIL][0] in ("🔴 Quá hạn:",)
