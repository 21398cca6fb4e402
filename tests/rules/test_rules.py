"""The plan's rules as pure functions, including a simulated year with an injected date."""

from datetime import date, timedelta

import pytest

from rules import (
    AreaFacts,
    Flag,
    Outcome,
    RecurrenceError,
    TaskFacts,
    Thresholds,
    area_figures,
    days_overdue,
    expand_occurrences,
    flag_for,
    outcome_on,
    parse_recurrence,
    unit_figures,
    watch_list,
)

DEADLINE = date(2023, 6, 30)


def task(
    id: int = 1,
    unit: str = "KHTC",
    deadline: date | None = DEADLINE,
    completed_on: date | None = None,
    area: str | None = "6",
    progress: int = 0,
) -> TaskFacts:
    return TaskFacts(
        id=id,
        code=f"NV-{id}",
        unit=unit,
        deadline=deadline,
        completed_on=completed_on,
        area=area,
        progress=progress,
    )


@pytest.mark.parametrize(
    ("on", "completed_on", "expected"),
    [
        (date(2023, 6, 1), None, Outcome.OPEN),
        (date(2023, 6, 23), None, Outcome.DUE_SOON),
        (date(2023, 6, 30), None, Outcome.DUE_SOON),
        (date(2023, 7, 1), None, Outcome.OVERDUE),
        (date(2023, 7, 1), date(2023, 6, 30), Outcome.DONE_ON_TIME),
        (date(2023, 7, 5), date(2023, 7, 3), Outcome.DONE_LATE),
        # Completion after the date asked about is not yet known on that date.
        (date(2023, 7, 2), date(2023, 7, 3), Outcome.OVERDUE),
    ],
)
def test_outcome_on(on: date, completed_on: date | None, expected: Outcome) -> None:
    assert outcome_on(task(completed_on=completed_on), on) is expected


def test_task_without_deadline_is_open_until_done() -> None:
    assert outcome_on(task(deadline=None), date(2030, 1, 1)) is Outcome.OPEN
    assert (
        outcome_on(task(deadline=None, completed_on=date(2023, 2, 1)), date(2023, 2, 1))
        is Outcome.DONE_ON_TIME
    )


def test_days_overdue() -> None:
    assert days_overdue(task(), date(2023, 7, 3)) == 3
    assert days_overdue(task(), date(2023, 6, 30)) == 0
    assert days_overdue(task(completed_on=date(2023, 7, 1)), date(2023, 7, 3)) == 0


def test_flags_at_the_thresholds() -> None:
    t = Thresholds()
    assert flag_for(0.19, t) is Flag.OK
    assert flag_for(0.20, t) is Flag.WARNING
    assert flag_for(0.2999, t) is Flag.WARNING
    assert flag_for(0.30, t) is Flag.OVER
    assert flag_for(0.10, Thresholds(fail=0.5, warning=0.1)) is Flag.WARNING
    with pytest.raises(ValueError):
        Thresholds(fail=0.2, warning=0.3)


def test_unit_figures_count_every_outcome_and_sort_worst_first() -> None:
    on = date(2023, 7, 10)
    tasks = [
        task(1, "KHTC", completed_on=date(2023, 6, 1)),
        task(2, "KHTC", completed_on=date(2023, 7, 5)),
        task(3, "KHTC"),
        task(4, "KHTC", deadline=date(2023, 12, 1)),
        task(5, "VP", completed_on=date(2023, 6, 1)),
        task(6, "VP", deadline=date(2023, 7, 12)),
    ]
    figures = unit_figures(tasks, on, units=["TTRA"])
    assert [f.unit for f in figures] == ["KHTC", "TTRA", "VP"]
    khtc = figures[0]
    assert (khtc.assigned, khtc.on_time, khtc.late, khtc.overdue, khtc.open) == (4, 1, 1, 1, 1)
    assert khtc.share == pytest.approx(0.5)
    assert khtc.flag is Flag.OVER
    vp = figures[2]
    assert (vp.assigned, vp.on_time, vp.open, vp.due_soon, vp.flag) == (2, 1, 1, 1, Flag.OK)
    assert figures[1].assigned == 0 and figures[1].flag is Flag.OK
    assert [f.unit for f in watch_list(figures)] == ["KHTC"]


def test_a_simulated_year_flags_a_unit_before_it_fails() -> None:
    """Ten monthly tasks of one unit; it finishes the first five on time, the sixth late and
    lets the rest slip. Walking the year one day at a time, the warning comes first and the
    'over 30%' flag on the day the third failure makes the share reach 3/10."""
    deadlines = [date(2023, m, 20) for m in range(1, 11)]
    completions: list[date | None] = [d - timedelta(days=2) for d in deadlines[:5]]
    completions += [deadlines[5] + timedelta(days=4)] + [None] * 4
    tasks = [
        task(i, "TS", d, c) for i, (d, c) in enumerate(zip(deadlines, completions, strict=True))
    ]
    first_seen: dict[Flag, date] = {}
    day = date(2023, 1, 1)
    previous_share = 0.0
    while day <= date(2023, 12, 31):
        (figures,) = unit_figures(tasks, day)
        assert figures.assigned == 10
        assert figures.on_time + figures.late + figures.overdue + figures.open == 10
        # The late task is overdue for four days, then done late: the share never drops.
        assert figures.share >= previous_share
        previous_share = figures.share
        first_seen.setdefault(figures.flag, day)
        day += timedelta(days=1)
    # 21/06: task 6 overdue (1/10). 21/07: task 7 overdue (2/10) -> warning.
    assert first_seen[Flag.WARNING] == date(2023, 7, 21)
    # 21/08: task 8 overdue (3/10) -> over the line.
    assert first_seen[Flag.OVER] == date(2023, 8, 21)
    (year_end,) = unit_figures(tasks, date(2023, 12, 31))
    assert (year_end.on_time, year_end.late, year_end.overdue) == (5, 1, 4)


def test_area_figures_roll_sub_criteria_into_their_area() -> None:
    areas = [
        AreaFacts("1", "Chỉ đạo điều hành", None, 10.5, 10.5, 9.5),
        AreaFacts("1.6", "Nhiệm vụ UBND tỉnh giao", "1"),
        AreaFacts("6", "Tài chính công", None, 8, 8, 7),
    ]
    tasks = [
        task(1, area="1", completed_on=date(2023, 6, 1)),
        task(2, area="1.6", progress=40),
        task(3, area="6", progress=10, deadline=date(2023, 12, 1)),
    ]
    figures = area_figures(areas, tasks, date(2023, 7, 1))
    assert [f.area.code for f in figures] == ["1", "6"]
    one, six = figures
    assert (one.tasks, one.done, one.overdue) == (2, 1, 1)
    assert one.mean_progress == pytest.approx(70.0)
    assert one.area.target_score == 10.5
    assert (six.tasks, six.done, six.mean_progress) == (1, 0, 10.0)


def test_recurrence_words_and_rules() -> None:
    assert parse_recurrence("Hàng quý") == "FREQ=MONTHLY;INTERVAL=3"
    assert parse_recurrence("hang thang") == "FREQ=MONTHLY"
    assert parse_recurrence("6 tháng") == "FREQ=MONTHLY;INTERVAL=6"
    assert parse_recurrence("RRULE:FREQ=MONTHLY;BYMONTHDAY=25") == "FREQ=MONTHLY;BYMONTHDAY=25"
    for bad in ("thỉnh thoảng", "FREQ=SOMETIMES"):
        with pytest.raises(RecurrenceError):
            parse_recurrence(bad)


def test_expand_occurrences() -> None:
    end = date(2023, 12, 31)
    quarterly = expand_occurrences(date(2023, 3, 15), parse_recurrence("hàng quý"), end)
    assert quarterly == [
        date(2023, 3, 15),
        date(2023, 6, 15),
        date(2023, 9, 15),
        date(2023, 12, 15),
    ]
    month_end = expand_occurrences(date(2023, 1, 31), "FREQ=MONTHLY", end)
    assert len(month_end) == 12 and month_end[1] == date(2023, 2, 28)
    thirtieth = expand_occurrences(date(2023, 1, 30), "FREQ=MONTHLY", end)
    assert thirtieth[1] == date(2023, 2, 28) and thirtieth[2] == date(2023, 3, 30)
    assert expand_occurrences(date(2024, 1, 1), "FREQ=YEARLY", end) == []
