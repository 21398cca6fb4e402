"""The pure rules behind reports: periods, self-scores, inspections, department totals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules import (
    AreaFacts,
    InspectionFacts,
    PeriodError,
    ScoreEntry,
    ScoreError,
    TaskFacts,
    Thresholds,
    check_points,
    days_late,
    department_totals,
    figures_date,
    inspection_coverage,
    latest_scores,
    parse_period,
    parse_points,
    score_summary,
    unit_figures,
)

AREAS = [
    AreaFacts("1", "Chỉ đạo điều hành", None, 10.5, 10.5, 9.5),
    AreaFacts("1.6", "Nhiệm vụ tỉnh giao", "1"),
    AreaFacts("2", "Văn bản QPPL", None, 6.5, 6.5, 6.4),
    AreaFacts("3", "Thủ tục hành chính", None, 12.5, 12.5, 12.49),
    AreaFacts("4", "Tổ chức bộ máy", None, 8.0, 8.0, 7.2),
    AreaFacts("5", "Công chức, viên chức", None, 10.0, 10.0, 9.5),
    AreaFacts("6", "Tài chính công", None, 8.0, 8.0, 7.0),
    AreaFacts("7", "Chính quyền số", None, 11.5, 11.5, None),
    AreaFacts("10", "Khác", None, 0.0, 0.0, None),
]


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2023-Q1", date(2023, 1, 1), date(2023, 3, 31), "quý I/2023"),
        ("2023-q2", date(2023, 4, 1), date(2023, 6, 30), "quý II/2023"),
        ("2023-Q3", date(2023, 7, 1), date(2023, 9, 30), "quý III/2023"),
        ("2023Q4", date(2023, 10, 1), date(2023, 12, 31), "quý IV/2023"),
        ("2023-H1", date(2023, 1, 1), date(2023, 6, 30), "6 tháng đầu năm 2023"),
        ("2023-h2", date(2023, 7, 1), date(2023, 12, 31), "6 tháng cuối năm 2023"),
        (" 2023 ", date(2023, 1, 1), date(2023, 12, 31), "năm 2023"),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "quý I/2024"),
    ],
)
def test_periods(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(None)


@pytest.mark.parametrize("text", ["2023-Q5", "2023-H3", "Q1", "23-Q1", "2023-Q", "quý 1", ""])
def test_bad_periods_are_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(PeriodError, match=r"không hợp lệ|chỉ có H1 và H2"):
        parse_period(text)


def test_figures_are_taken_on_the_period_end_or_today() -> None:
    q1 = parse_period("2023-Q1")
    assert figures_date(q1, date(2023, 7, 20)) == date(2023, 3, 31)
    assert figures_date(q1, date(2023, 2, 10)) == date(2023, 2, 10)
    with pytest.raises(PeriodError, match="chưa bắt đầu"):
        figures_date(parse_period("2023-Q3"), date(2023, 6, 30))


@pytest.mark.parametrize(
    ("text", "value"),
    [("9,5", 9.5), ("9.5", 9.5), ("10", 10.0), (" 0 ", 0.0), ("12,49", 12.49)],
)
def test_points_accept_comma_or_dot(text: str, value: float) -> None:
    assert parse_points(text) == value


@pytest.mark.parametrize("text", ["-1", "abc", "9,5,1", "1e3", "nan", "9.555", "", "10đ"])
def test_points_refuse_anything_else(text: str) -> None:
    assert parse_points(text) is None


def test_check_points_bounds() -> None:
    area = AREAS[0]
    assert check_points("10,5", area) == 10.5
    assert check_points("0", area) == 0.0
    with pytest.raises(ScoreError) as above:
        check_points("10,6", area)
    assert (above.value.reason, above.value.max_score) == ("above_max", 10.5)
    with pytest.raises(ScoreError) as word:
        check_points("mười", area)
    assert word.value.reason == "not_number"
    with pytest.raises(ScoreError) as sub:
        check_points("1", AREAS[1])
    assert sub.value.reason == "no_max"


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2023, 12, day, hour, tzinfo=UTC)


def test_the_latest_self_score_counts_and_totals_are_against_67() -> None:
    entries = [
        ScoreEntry("1", 9.0, _at(10)),
        ScoreEntry("1", 10.0, _at(12)),
        ScoreEntry("1", 9.5, _at(11)),  # recorded earlier than the 10.0: does not count
        ScoreEntry("3", 12.0, _at(12)),
        ScoreEntry("3", 12.5, _at(12)),  # same instant, given later: counts
    ]
    assert latest_scores(entries)["1"].points == 10.0
    summary = score_summary(AREAS, entries, goal_total=85.0)
    assert [a.area.code for a in summary.areas] == ["1", "2", "3", "4", "5", "6", "7", "10"]
    assert summary.max_total == 67.0
    assert summary.target_total == 67.0
    assert summary.total == 22.5
    assert summary.scored == 2 and not summary.complete
    assert summary.survey_points == 33.0
    assert summary.areas[0].points == 10.0 and summary.areas[1].points is None


def test_inspection_coverage_counts_each_unit_once_in_the_year() -> None:
    units = [f"U{n}" for n in range(14)]
    inspections = [
        InspectionFacts("U1", date(2023, 3, 1)),
        InspectionFacts("U1", date(2023, 9, 1)),
        InspectionFacts("U2", date(2023, 5, 1)),
        InspectionFacts("U3", date(2022, 11, 1)),  # last year
        InspectionFacts("U4", date(2023, 12, 1)),  # after the day asked about
        InspectionFacts("GONE", date(2023, 5, 1)),  # no longer a unit
    ]
    cov = inspection_coverage(inspections, units, 2023, date(2023, 10, 1), 0.30)
    assert cov.inspected == ("U1", "U2")
    assert cov.total == 14 and round(cov.share, 3) == 0.143
    assert not cov.met and cov.needed == 3  # 30% of 14 is 4.2: five units
    full = inspection_coverage(
        [InspectionFacts(f"U{n}", date(2023, 6, 1)) for n in range(5)],
        units,
        2023,
        date(2023, 12, 31),
    )
    assert full.met and full.needed == 0
    ten = inspection_coverage([], [f"U{n}" for n in range(10)], 2023, date(2023, 1, 1))
    assert ten.needed == 3
    assert inspection_coverage([], [], 2023, date(2023, 1, 1)).share == 0.0


def test_days_late_and_department_totals() -> None:
    on = date(2023, 7, 1)
    tasks = [
        TaskFacts(1, "A", "X", date(2023, 3, 1), date(2023, 3, 5)),  # late 4 days
        TaskFacts(2, "B", "X", date(2023, 3, 1), date(2023, 2, 5)),  # on time
        TaskFacts(3, "C", "Y", date(2023, 3, 1)),  # overdue
        TaskFacts(4, "D", "Y", date(2023, 9, 1)),  # open
        TaskFacts(5, "E", "Y", date(2023, 3, 1), date(2023, 8, 1)),  # done after `on`: overdue
    ]
    assert [days_late(t, on) for t in tasks] == [4, 0, 0, 0, 0]
    thresholds = Thresholds()
    figures = unit_figures(tasks, on, thresholds)
    total = department_totals(figures, thresholds)
    assert (total.assigned, total.on_time, total.late, total.overdue, total.open) == (
        5,
        1,
        1,
        2,
        1,
    )
    assert total.share == 0.6 and total.flag == "over"
