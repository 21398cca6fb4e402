"""Deadlines as offices write them (rules/deadlines.py), property-based: every written form of a
day reads back as that day, periods as their last day, and no text makes it fail other than
with a DeadlineError."""

from __future__ import annotations

import calendar
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.deadlines import DeadlineError, parse_deadline

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
YEARS = st.integers(min_value=2000, max_value=2099)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def day_forms(d: date) -> list[str]:
    return [
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year % 100:02d}",
        f"{d.day}.{d.month}.{d.year}",
        f"{d.day}-{d.month}-{d.year}",
        f"trước {d.day}/{d.month}/{d.year}",
        f"Trước ngày {d.day:02d}/{d.month:02d}/{d.year}",
        f"ngày {d.day} tháng {d.month} năm {d.year}",
        d.isoformat(),
    ]


@given(DAYS, YEARS)
def test_every_written_form_of_a_day_is_that_day(d: date, plan_year: int) -> None:
    for text in day_forms(d):
        assert parse_deadline(text, plan_year).on == d, text
        assert parse_deadline(text.upper(), plan_year).on == d, text.upper()
    assert parse_deadline(d, plan_year).on == d
    assert parse_deadline(datetime(d.year, d.month, d.day, 7, 30), plan_year).on == d


@given(DAYS)
def test_a_day_without_a_year_is_in_the_plan_year(d: date) -> None:
    if (d.month, d.day) == (2, 29) and not calendar.isleap(d.year):
        return
    assert parse_deadline(f"trước {d.day}/{d.month}", d.year).on == d


@given(DAYS)
def test_excel_serial_numbers_are_days(d: date) -> None:
    serial = (d - date(1899, 12, 30)).days
    assert parse_deadline(serial, 2024).on == d
    assert parse_deadline(float(serial), 2024).on == d
    assert parse_deadline(str(serial), 2024).on == d


@given(st.integers(min_value=1, max_value=4), YEARS, YEARS)
def test_a_quarter_is_its_last_day(quarter: int, year: int, plan_year: int) -> None:
    last = date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])
    for text in (
        f"Quý {ROMAN[quarter]}/{year}",
        f"quý {quarter}/{year}",
        f"Quý {quarter} năm {year}",
    ):
        assert parse_deadline(text, plan_year).on == last, text
    in_plan = date(plan_year, quarter * 3, calendar.monthrange(plan_year, quarter * 3)[1])
    assert parse_deadline(f"Quý {quarter}", plan_year).on == in_plan
    assert parse_deadline(f"QUÝ {ROMAN[quarter]}", plan_year).on == in_plan


@given(st.integers(min_value=1, max_value=12), YEARS)
def test_a_month_is_its_last_day(month: int, year: int) -> None:
    last = date(year, month, calendar.monthrange(year, month)[1])
    assert parse_deadline(f"Tháng {month}/{year}", 2000).on == last
    assert parse_deadline(f"tháng {month:02d} năm {year}", 2000).on == last
    assert parse_deadline(f"Trong tháng {month}", year).on == last


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 tháng đầu năm", date(2024, 6, 30)),
        ("6 tháng cuối năm", date(2024, 12, 31)),
        ("9 tháng đầu năm", date(2024, 9, 30)),
        ("Cuối năm", date(2024, 12, 31)),
        ("cuoi nam", date(2024, 12, 31)),
        ("Cuối năm 2025", date(2025, 12, 31)),
        ("Trong năm 2024", date(2024, 12, 31)),
    ],
)
def test_halves_and_year_end(text: str, expected: date) -> None:
    assert parse_deadline(text, 2024).on == expected


@pytest.mark.parametrize("text", ["Thường xuyên", "THƯỜNG XUYÊN", "Thường xuyên, liên tục"])
def test_ongoing_is_no_deadline_on_purpose(text: str) -> None:
    parsed = parse_deadline(text, 2024)
    assert parsed.on is None and parsed.ongoing


def test_empty_is_no_deadline() -> None:
    for value in (None, "", "   "):
        parsed = parse_deadline(value, 2024)
        assert parsed.on is None and not parsed.ongoing


@given(st.text(max_size=30))
def test_any_text_is_read_or_refused_with_a_vietnamese_reason(text: str) -> None:
    try:
        parsed = parse_deadline(text, 2024)
    except DeadlineError as exc:
        assert str(exc).startswith(("hạn '", "ngày '", "tháng trong '"))
        return
    assert parsed.on is None or isinstance(parsed.on, date)


@pytest.mark.parametrize("text", ["31/02/2024", "32/1/2024", "Tháng 13/2024", "Quý 5", "sớm"])
def test_impossible_days_are_refused(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text, 2024)
