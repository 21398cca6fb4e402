"""The reminder policy as a pure function: plain dataclasses in, digests out, no database."""

from datetime import date, timedelta

import pytest

from rules import TaskFacts, count_outcomes, unit_figures, watch_list
from rules.calendar import WorkingCalendar
from rules.policy import (
    Digest,
    ItemKind,
    OfficerView,
    Settings,
    TaskView,
    UnitView,
    is_summary_day,
    owed_on,
)

CAL = WorkingCalendar()
UNITS = [
    UnitView("KHTC", "Phòng Kế hoạch - Tài chính", head_id=1),
    UnitView("TCCB", "Phòng Tổ chức cán bộ", head_id=3),
    UnitView("VP", "Văn phòng Sở", head_id=None),
]
OFFICERS = [
    OfficerView(1, "Trần Văn Hải", "KHTC", "head"),
    OfficerView(2, "Phạm Thị Lan", "KHTC", "officer"),
    OfficerView(3, "Nguyễn Thị Bình", "TCCB", "head"),
    OfficerView(4, "Lê Văn Tùng", "TCCB", "tccb"),
    OfficerView(5, "Võ Minh Quân", "VP", "head"),
    OfficerView(6, "Huỳnh Quốc Anh", "VP", "admin"),
    OfficerView(7, "Đỗ Thu Hà", "VP", "officer", active=False),
]


def task(task_id: int, deadline: date | None, unit: str = "KHTC", **kw: object) -> TaskView:
    return TaskView(id=task_id, unit=unit, title=f"Nhiệm vụ {task_id}", deadline=deadline, **kw)  # type: ignore[arg-type]


def owed(day: date, tasks: list[TaskView], **kw: object) -> dict[int, Digest]:
    facts = kw.pop("plan_tasks", [t.facts() for t in tasks])
    counts = count_outcomes(facts, day)  # type: ignore[arg-type]
    digests = owed_on(day, tasks, OFFICERS, UNITS, CAL, plan_counts=counts, **kw)  # type: ignore[arg-type]
    return {d.officer.id: d for d in digests}


def kinds(digest: Digest) -> list[tuple[ItemKind, int]]:
    return [(i.kind, i.task.id) for i in digest.items]


def reminder_days(deadline: date, start: date, end: date) -> dict[date, ItemKind]:
    """The days officer 2 is reminded of one task, and why."""
    out = {}
    day = start
    while day <= end:
        digest = owed(day, [task(1, deadline)]).get(2)
        if digest:
            assert len(digest.items) == 1
            out[day] = digest.items[0].kind
        day += timedelta(1)
    return out


def test_lead_days_7_3_1_then_due_today_then_overdue_each_working_day() -> None:
    # Deadline Friday 24/03/2023: 7 working days before is Wednesday 15/03.
    seen = reminder_days(date(2023, 3, 24), date(2023, 3, 1), date(2023, 3, 29))
    assert seen == {
        date(2023, 3, 15): ItemKind.DUE_SOON,
        date(2023, 3, 21): ItemKind.DUE_SOON,
        date(2023, 3, 23): ItemKind.DUE_SOON,
        date(2023, 3, 24): ItemKind.DUE_TODAY,
        date(2023, 3, 27): ItemKind.OVERDUE,
        date(2023, 3, 28): ItemKind.OVERDUE,
        date(2023, 3, 29): ItemKind.OVERDUE,
    }


def test_lead_days_count_working_days_across_tet() -> None:
    # Deadline Wednesday 01/02/2023: 3 working days before skips Tết back to Friday 27/01,
    # 7 working days before is Monday 16/01 (19/01 is the last day before Tết).
    seen = reminder_days(date(2023, 2, 1), date(2023, 1, 10), date(2023, 2, 1))
    assert seen == {
        date(2023, 1, 16): ItemKind.DUE_SOON,
        date(2023, 1, 27): ItemKind.DUE_SOON,
        date(2023, 1, 31): ItemKind.DUE_SOON,
        date(2023, 2, 1): ItemKind.DUE_TODAY,
    }
    lead = owed(date(2023, 1, 27), [task(1, date(2023, 2, 1))])[2].items[0]
    assert lead.working_days_left == 3


def test_deadline_on_a_holiday_is_owed_on_the_next_working_day() -> None:
    # Deadline Sunday 30/04/2023 (holiday, then 01/05 to 03/05 off): the last lead day is the
    # working day before it (Friday 28/04); nothing on the days off; Thursday 04/05 reminds.
    seen = reminder_days(date(2023, 4, 30), date(2023, 4, 18), date(2023, 5, 5))
    assert seen == {
        date(2023, 4, 20): ItemKind.DUE_SOON,
        date(2023, 4, 26): ItemKind.DUE_SOON,
        date(2023, 4, 28): ItemKind.DUE_SOON,
        date(2023, 5, 4): ItemKind.OVERDUE,
        date(2023, 5, 5): ItemKind.OVERDUE,
    }
    item = owed(date(2023, 5, 4), [task(1, date(2023, 4, 30))])[2].items[0]
    assert item.days_overdue == 4  # calendar days, as /tasks shows
    assert item.working_days_overdue == 1


def test_nothing_is_owed_on_a_day_off() -> None:
    overdue = [task(1, date(2023, 1, 10))]
    for day in (date(2023, 1, 21), date(2023, 1, 22), date(2023, 1, 23), date(2023, 3, 4)):
        assert owed_on(day, overdue, OFFICERS, UNITS, CAL) == []


def test_a_lead_day_on_a_configured_holiday_is_carried_to_the_next_working_day() -> None:
    bridge = WorkingCalendar(extra_holidays=[date(2023, 3, 15)])
    tasks = [task(1, date(2023, 3, 24))]
    # With 15/03 a holiday, 7 working days before 24/03 is 14/03: reminded that day.
    assert owed_on(date(2023, 3, 14), tasks, OFFICERS, UNITS, bridge)
    assert owed_on(date(2023, 3, 15), tasks, OFFICERS, UNITS, bridge) == []


def test_escalation_to_the_head_after_3_overdue_working_days() -> None:
    # Deadline Friday 03/03/2023: Monday 06/03 is 1 working day over, Wednesday 08/03 is 3.
    tasks = [task(1, date(2023, 3, 3))]
    for day, escalated in [
        (date(2023, 3, 6), False),
        (date(2023, 3, 7), False),
        (date(2023, 3, 8), True),
        (date(2023, 3, 9), True),
    ]:
        digests = owed(day, tasks)
        expected = ItemKind.ESCALATION if escalated else ItemKind.OVERDUE
        assert kinds(digests[1]) == [(expected, 1)], day
        assert kinds(digests[2]) == [(ItemKind.OVERDUE, 1)], day  # officers never escalate


def test_escalate_after_days_comes_from_the_settings() -> None:
    digests = owed(
        date(2023, 3, 6), [task(1, date(2023, 3, 3))], settings=Settings(escalate_after_days=1)
    )
    assert kinds(digests[1]) == [(ItemKind.ESCALATION, 1)]


def test_recipients_are_the_lead_units_officers_and_head() -> None:
    day = date(2023, 3, 24)
    digests = owed(day, [task(1, day, unit="VP"), task(2, day, unit="TCCB")])
    # VP has no head_id: its role-head officer (5) is the head; the admin (6) and the
    # inactive officer (7) get nothing; TCCB's tccb-role officer (4) gets no unit tasks.
    assert set(digests) == {3, 5}
    assert kinds(digests[5]) == [(ItemKind.DUE_TODAY, 1)]
    assert kinds(digests[3]) == [(ItemKind.DUE_TODAY, 2)]


def test_snoozed_task_is_skipped_until_its_date() -> None:
    tasks = [task(1, date(2023, 3, 1), snoozed_until=date(2023, 3, 7))]
    assert 2 not in owed(date(2023, 3, 6), tasks)
    assert kinds(owed(date(2023, 3, 7), tasks)[2]) == [(ItemKind.OVERDUE, 1)]


def test_done_tasks_and_tasks_without_deadline_are_not_reminded() -> None:
    day = date(2023, 3, 24)
    tasks = [task(1, day, completed_on=date(2023, 3, 20)), task(2, None)]
    assert owed(day, tasks) == {}


def test_digest_orders_by_urgency() -> None:
    day = date(2023, 3, 24)
    tasks = [
        task(10, date(2023, 4, 4)),  # 7 working days left
        task(11, day),  # due today
        task(12, date(2023, 3, 22)),  # 2 days overdue
        task(13, date(2023, 3, 27)),  # 1 working day left
        task(14, date(2023, 3, 1)),  # 23 days overdue
    ]
    digest = owed(day, tasks)[2]
    assert kinds(digest) == [
        (ItemKind.OVERDUE, 14),
        (ItemKind.OVERDUE, 12),
        (ItemKind.DUE_TODAY, 11),
        (ItemKind.DUE_SOON, 13),
        (ItemKind.DUE_SOON, 10),
    ]
    assert [i.days_overdue for i in digest.items[:2]] == [23, 2]
    head = owed(day, tasks)[1]
    assert kinds(head)[0] == (ItemKind.ESCALATION, 14)
    assert kinds(head)[1] == (ItemKind.OVERDUE, 12)


def test_weekly_summary_for_tccb_on_monday_with_the_rules_watch_list() -> None:
    monday = date(2023, 3, 6)
    tasks = [task(1, date(2023, 2, 1)), task(2, date(2023, 12, 1), unit="VP")]
    facts = [t.facts() for t in tasks] + [
        TaskFacts(
            id=3, code="x", unit="VP", deadline=date(2023, 1, 5), completed_on=date(2023, 1, 4)
        )
    ]
    digests = owed(monday, tasks, plan_tasks=facts)
    summary = digests[4].summary
    assert summary is not None and digests[4].items == ()
    expected = unit_figures(facts, monday, units=[u.code for u in UNITS])
    assert list(summary.figures) == expected
    assert list(summary.watch) == watch_list(expected)
    assert [f.unit for f in summary.watch] == ["KHTC"]
    assert all(d.summary is None for o, d in digests.items() if o != 4)
    assert owed(date(2023, 3, 7), tasks, plan_tasks=facts)[1].summary is None
    without = owed_on(monday, tasks, OFFICERS, UNITS, CAL)  # no plan counts: no summary
    assert all(d.summary is None for d in without) and 4 not in {d.officer.id for d in without}


@pytest.mark.parametrize(
    ("week_of", "summary_day"),
    [
        (date(2023, 3, 6), date(2023, 3, 6)),  # an ordinary Monday
        (date(2023, 1, 2), date(2023, 1, 3)),  # Monday 02/01/2023 is a day in lieu
        (date(2023, 5, 1), date(2023, 5, 4)),  # 01/05 to 03/05/2023 off: Thursday
        (date(2023, 1, 23), date(2023, 1, 27)),  # Tết until Thursday: Friday 27/01
        (date(2024, 2, 12), date(2024, 2, 15)),  # Tết 2024 until Wednesday: Thursday
        (date(2025, 1, 27), None),  # Tết 2025 takes the whole week: no summary
    ],
)
def test_summary_day_is_the_first_working_day_of_the_week(
    week_of: date, summary_day: date | None
) -> None:
    found = [
        week_of + timedelta(n) for n in range(7) if is_summary_day(week_of + timedelta(n), CAL)
    ]
    assert found == ([summary_day] if summary_day else [])


def test_recurring_occurrences_are_reminded_each() -> None:
    # A monthly report materialised as one task per occurrence.
    occurrences = [task(20 + m, date(2023, m, 20)) for m in (2, 3, 4)]
    assert kinds(owed(date(2023, 3, 20), occurrences)[2]) == [
        (ItemKind.OVERDUE, 22),
        (ItemKind.DUE_TODAY, 23),
    ]
