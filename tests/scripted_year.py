"""A year of the example plan played through the chat, day by day on a FixedClock, with what
each task's fate was, so tests can state the figures they expect without asking the rules.

Officers of five units report: of each unit's tasks due by 30/09/2023, in deadline order, the
1st and 2nd of every four are done a day before their deadline (after a progress report with a
note for the 1st), the 3rd is done three days late, the 4th is left undone. Every other unit
does nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import col, select

from bot.messages import Incoming
from nhacviec.app import App
from nhacviec.base.clock import FixedClock
from storage.db import session_scope
from storage.models import Task, Unit
from tests.conftest import link_chat

# unit -> the officer who reports for it (all plain officers, role "công chức")
REPORTERS = {"KHTC": "CB009", "VP": "CB006", "TCCB": "CB003", "TTBVTV": "CB014", "KL": "CB019"}
ACT_UNTIL = date(2023, 9, 30)
CHANNEL = "console"


@dataclass
class Fate:
    """What the script did to a task: completed on `done_on` (None: left undone)."""

    task_id: int
    unit: str
    deadline: date
    done_on: date | None
    progress_on: date | None = None  # a 50% report with a note before completion


@dataclass
class Year:
    app: App
    fates: dict[int, Fate] = field(default_factory=dict)
    deadlines: dict[int, tuple[str, date]] = field(default_factory=dict)  # every task
    events: list[tuple[date, str, str]] = field(default_factory=list)  # (day, chat, text)

    def expected(self, unit: str, on: date) -> dict[str, int]:
        """The counts a unit should show on `on`, from what the script did."""
        counts = {"assigned": 0, "on_time": 0, "late": 0, "overdue": 0, "open": 0}
        for task_id, (task_unit, deadline) in self.deadlines.items():
            if task_unit != unit:
                continue
            counts["assigned"] += 1
            fate = self.fates.get(task_id)
            done = fate.done_on if fate and fate.done_on and fate.done_on <= on else None
            if done is not None:
                counts["on_time" if done <= deadline else "late"] += 1
            elif on > deadline:
                counts["overdue"] += 1
            else:
                counts["open"] += 1
        return counts

    def share(self, unit: str, on: date) -> float:
        c = self.expected(unit, on)
        return (c["late"] + c["overdue"]) / c["assigned"]


def play_year(app: App, until: date) -> Year:
    """Link the reporters, then send every report dated up to `until`, in date order, each at
    09:00 of its day; the clock is left at 09:00 of `until`. Ask `expected` about days up to
    `until` only."""
    year = Year(app)
    with session_scope(app.engine) as session:
        rows = session.exec(
            select(Task, Unit)
            .join(Unit, col(Unit.id) == Task.lead_unit_id)
            .order_by(col(Task.deadline), col(Task.id))
        ).all()
        for task, lead in rows:
            assert task.id is not None and task.deadline is not None
            year.deadlines[task.id] = (lead.code, task.deadline)
    per_unit: dict[str, int] = {}
    for task_id, (unit, deadline) in year.deadlines.items():
        if unit not in REPORTERS or deadline > ACT_UNTIL:
            continue
        n = per_unit.get(unit, 0)
        per_unit[unit] = n + 1
        chat = REPORTERS[unit]
        if n % 4 in (0, 1):
            done_on = deadline - timedelta(days=1)
            fate = Fate(task_id, unit, deadline, done_on)
            if n % 4 == 0:
                fate.progress_on = deadline - timedelta(days=10)
                year.events.append((fate.progress_on, chat, f"/progress {task_id} 50 Đang làm"))
            year.events.append((done_on, chat, f"/done {task_id} Đã gửi văn bản"))
        elif n % 4 == 2:
            done_on = deadline + timedelta(days=3)
            fate = Fate(task_id, unit, deadline, done_on)
            year.events.append((done_on, chat, f"/done {task_id}"))
        else:
            fate = Fate(task_id, unit, deadline, None)
        year.fates[task_id] = fate
    year.events.sort(key=lambda e: e[0])
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.set(FixedClock.on(date(2023, 1, 2)).now())
    for officer in REPORTERS.values():
        link_chat(app, officer, CHANNEL, officer)
    for day, chat, text in year.events:
        if day > until:
            continue
        clock.set(FixedClock.on(day).now())
        replies = app.chat.handle(Incoming(CHANNEL, chat, text))
        assert replies and ("✅" in replies[0].text or "📈" in replies[0].text), replies
    clock.set(FixedClock.on(until).now())
    return year
