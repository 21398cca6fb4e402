"""Unit group digests as pure functions: what a unit's linked group chat is owed on a day, and
how it reads. No database."""

from __future__ import annotations

from datetime import date, timedelta

from rules import count_outcomes
from rules.calendar import WorkingCalendar
from rules.policy import (
    GROUP_DIGEST,
    GroupDigest,
    ItemKind,
    OfficerView,
    TaskView,
    UnitView,
    group_digests,
    group_owed_on,
    owed_on,
    unit_items,
)
from scheduler.digest import DEFAULT_TRAITS, readable, render, render_parts

CAL = WorkingCalendar()
KHTC = UnitView("KHTC", "Phòng Kế hoạch - Tài chính", head_id=1)
TCCB = UnitView("TCCB", "Phòng Tổ chức cán bộ", head_id=3)
VP = UnitView("VP", "Văn phòng Sở", head_id=None)
TTKN = UnitView("TTKN", "Trung tâm Khuyến nông")  # no officers at all
UNITS = [KHTC, TCCB, VP, TTKN]
OFFICERS = [
    OfficerView(1, "Trần Văn Hải", "KHTC", "head"),
    OfficerView(2, "Phạm Thị Lan", "KHTC", "officer"),
    OfficerView(3, "Nguyễn Thị Bình", "TCCB", "head"),
    OfficerView(4, "Lê Văn Tùng", "TCCB", "tccb"),
    OfficerView(5, "Võ Minh Quân", "VP", "head"),
]
MONDAY = date(2023, 3, 13)  # a summary day


def task(task_id: int, deadline: date, unit: str = "KHTC", **kw: object) -> TaskView:
    return TaskView(id=task_id, unit=unit, title=f"Nhiệm vụ {task_id}", deadline=deadline, **kw)  # type: ignore[arg-type]


TASKS = [
    task(1, date(2023, 3, 3)),  # KHTC, overdue 6 working days on MONDAY: the head escalates
    task(2, MONDAY),  # KHTC, due today
    task(3, date(2023, 3, 22)),  # KHTC, due in 7 working days
    task(4, date(2023, 5, 31)),  # KHTC, nothing yet
    task(5, date(2023, 3, 10), unit="VP"),  # VP, overdue
    task(6, date(2023, 3, 16), unit="TTKN"),  # TTKN, due in 3 working days
]


def groups(day: date, linked: list[str], tasks: list[TaskView] = TASKS) -> dict[str, GroupDigest]:
    return {g.unit.code: g for g in group_owed_on(day, tasks, UNITS, linked, CAL)}


def test_a_group_gets_the_items_its_officers_get_without_escalation_or_summary() -> None:
    found = groups(MONDAY, ["KHTC", "VP", "TCCB", "TTKN"])
    facts = [t.facts() for t in TASKS]
    counts = count_outcomes(facts, MONDAY)
    officers = {
        d.officer.id: d for d in owed_on(MONDAY, TASKS, OFFICERS, UNITS, CAL, None, counts)
    }
    khtc = found["KHTC"]
    assert (khtc.unit, khtc.day, khtc.kind) == (KHTC, MONDAY, GROUP_DIGEST)
    assert [(i.kind, i.task.id) for i in khtc.items] == [
        (ItemKind.OVERDUE, 1),
        (ItemKind.DUE_TODAY, 2),
        (ItemKind.DUE_SOON, 3),
    ]
    assert khtc.items == officers[2].items  # exactly what Lan (officer of KHTC) gets
    # The head's copy escalates task 1; the group's never does.
    assert officers[1].items[0].kind is ItemKind.ESCALATION
    assert all(i.kind is not ItemKind.ESCALATION for g in found.values() for i in g.items)
    # Monday: TCCB's officer gets the weekly summary, the group of TCCB gets nothing at all
    # (TCCB owes nothing), and no group digest carries a summary.
    assert officers[4].summary is not None
    assert "TCCB" not in found
    assert all(g.summary is None for g in found.values())
    # VP has a head with its own task; TTKN has no officer yet its group is reminded.
    assert [i.task.id for i in found["VP"].items] == [5]
    assert [(i.kind, i.task.id, i.working_days_left) for i in found["TTKN"].items] == [
        (ItemKind.DUE_SOON, 6, 3)
    ]
    assert list(found) == ["KHTC", "TTKN", "VP"]  # by unit code


def test_only_units_with_a_linked_group_and_only_on_working_days() -> None:
    assert list(groups(MONDAY, ["VP"])) == ["VP"]
    assert groups(MONDAY, []) == {}
    assert groups(MONDAY, ["XX"]) == {}  # a code no unit has
    for day_off in (date(2023, 3, 11), date(2023, 3, 12), date(2023, 1, 23), date(2023, 9, 2)):
        assert groups(day_off, ["KHTC", "VP", "TTKN"]) == {}, day_off


def test_a_lead_day_across_tet_reaches_the_group_on_the_next_working_day() -> None:
    # Deadline 01/02/2023: its 3-working-day reminder falls back over Tết to Friday 27/01.
    tasks = [task(7, date(2023, 2, 1))]
    seen = {}
    day = date(2023, 1, 10)
    while day <= date(2023, 2, 2):
        found = groups(day, ["KHTC"], tasks)
        if found:
            seen[day] = [(i.kind, i.working_days_left) for i in found["KHTC"].items]
        day += timedelta(days=1)
    assert seen == {
        date(2023, 1, 16): [(ItemKind.DUE_SOON, 7)],
        date(2023, 1, 27): [(ItemKind.DUE_SOON, 3)],
        date(2023, 1, 31): [(ItemKind.DUE_SOON, 1)],
        date(2023, 2, 1): [(ItemKind.DUE_TODAY, 0)],
        date(2023, 2, 2): [(ItemKind.OVERDUE, 0)],
    }


def test_done_and_snoozed_tasks_are_not_in_the_group_digest() -> None:
    tasks = [
        task(1, date(2023, 3, 3), completed_on=date(2023, 3, 10)),
        task(2, MONDAY, snoozed_until=MONDAY + timedelta(days=1)),
        task(3, date(2023, 3, 22)),
    ]
    assert [i.task.id for i in groups(MONDAY, ["KHTC"], tasks)["KHTC"].items] == [3]
    assert groups(MONDAY, ["KHTC"], tasks[:2]) == {}  # nothing owed: no digest


def test_a_group_digest_reads_like_the_officers_with_buttons_or_the_commands_hint() -> None:
    group = groups(MONDAY, ["KHTC"])["KHTC"]
    officer = next(d for d in owed_on(MONDAY, TASKS, OFFICERS, UNITS, CAL) if d.officer.id == 2)
    telegram, zalo = DEFAULT_TRAITS["telegram"], DEFAULT_TRAITS["zalo"]
    assert render(group, telegram) == render(officer, telegram)
    [reply] = render(group, telegram)
    header = reply.text.splitlines()[0]
    assert header == "🔔 Nhắc việc ngày 13/03/2023 – Phòng Kế hoạch - Tài chính"
    assert "🔴 Quá hạn:" in reply.text and "⚠️" not in reply.text and "📊" not in reply.text
    assert [row[0].data for row in reply.buttons] == ["done:1", "done:2", "done:3"]
    text = readable(render_parts(group, zalo), zalo.supports_buttons)
    assert text.endswith("Trả lời: /done 1 hoặc /progress 1 50")
    assert group.task_ids == [1, 2, 3]


def test_group_digests_share_the_officers_items_when_given_the_days_unit_items() -> None:
    per_unit = unit_items(MONDAY, TASKS, CAL)
    officers = owed_on(MONDAY, TASKS, OFFICERS, UNITS, CAL, per_unit=per_unit)
    lan = next(d for d in officers if d.officer.id == 2)
    found = group_digests(MONDAY, per_unit, UNITS, {"KHTC", "TCCB"})
    assert [g.unit.code for g in found] == ["KHTC"]  # TCCB owes nothing
    assert found[0].items is lan.items  # one tuple: the scan renders it once for both
    assert found == group_owed_on(MONDAY, TASKS, UNITS, ["KHTC", "TCCB"], CAL)
    assert unit_items(date(2023, 3, 12), TASKS, CAL) == {}  # a Sunday
