"""The working-day calendar against Vietnam's real public holidays of 2023 and 2024."""

from datetime import date, timedelta

import pytest

from rules.calendar import WorkingCalendar

CAL = WorkingCalendar()


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


@pytest.mark.parametrize(
    ("first_off", "last_off", "back_to_work"),
    [
        # Tết Quý Mão 2023: 29 Tết (Friday 20/01) to mùng 5 (Thursday 26/01).
        (date(2023, 1, 20), date(2023, 1, 26), date(2023, 1, 27)),
        # Tết Giáp Thìn 2024: 29 Tết (Thursday 08/02) to mùng 5 (Wednesday 14/02).
        (date(2024, 2, 8), date(2024, 2, 14), date(2024, 2, 15)),
        # 30/4 and 1/5 of 2023 with Giỗ Tổ on Saturday 29/04: off to Wednesday 03/05.
        (date(2023, 4, 29), date(2023, 5, 3), date(2023, 5, 4)),
        # 2/9 of 2023 fell on a Saturday: Friday 01/09 to Monday 04/09 off.
        (date(2023, 9, 1), date(2023, 9, 4), date(2023, 9, 5)),
        # 2/9 of 2024: Monday and Tuesday off.
        (date(2024, 8, 31), date(2024, 9, 3), date(2024, 9, 4)),
    ],
)
def test_holiday_breaks(first_off: date, last_off: date, back_to_work: date) -> None:
    assert CAL.is_working_day(first_off - timedelta(1)) or first_off.weekday() == 5
    assert not any(CAL.is_working_day(d) for d in days(first_off, last_off))
    assert CAL.is_working_day(back_to_work)
    assert CAL.next_working_day(first_off - timedelta(1)) == back_to_work


def test_tet_holiday_names_are_vietnamese() -> None:
    assert CAL.holiday_name(date(2023, 1, 22)) == "Tết Nguyên Đán"
    assert CAL.holiday_name(date(2024, 2, 10)) == "Tết Nguyên Đán"
    assert CAL.holiday_name(date(2023, 9, 2)) == "Quốc khánh"
    assert CAL.holiday_name(date(2023, 3, 6)) is None


def test_30_april_2024_and_the_swap_day_from_config() -> None:
    """In 2024 the government moved Saturday 04/05 onto Monday 29/04: the package knows the day
    off, the Saturday worked comes from [calendar] extra_working_days."""
    assert not CAL.is_working_day(date(2024, 4, 29))
    assert not CAL.is_working_day(date(2024, 4, 30))
    assert not CAL.is_working_day(date(2024, 5, 1))
    assert CAL.is_working_day(date(2024, 5, 2))
    assert not CAL.is_working_day(date(2024, 5, 4))  # a Saturday, unless configured
    swapped = WorkingCalendar(extra_working_days=[date(2024, 5, 4)])
    assert swapped.is_working_day(date(2024, 5, 4))
    assert swapped.holiday_name(date(2024, 5, 4)) is None
    assert swapped.next_working_day(date(2024, 5, 3)) == date(2024, 5, 4)
    assert CAL.next_working_day(date(2024, 5, 3)) == date(2024, 5, 6)


def test_extra_holiday_from_config() -> None:
    bridged = WorkingCalendar(extra_holidays=[date(2023, 3, 6)])
    assert not bridged.is_working_day(date(2023, 3, 6))
    assert bridged.holiday_name(date(2023, 3, 6)) == "Ngày nghỉ bù"
    assert bridged.next_working_day(date(2023, 3, 3)) == date(2023, 3, 7)


def test_weekends_are_off() -> None:
    assert not CAL.is_working_day(date(2023, 3, 4))  # Saturday
    assert not CAL.is_working_day(date(2023, 3, 5))  # Sunday
    assert CAL.is_working_day(date(2023, 3, 6))


def test_counting_working_days_across_tet() -> None:
    # Thursday 19/01/2023 is the last working day before Tết; Friday 27/01 the first after.
    assert CAL.add_working_days(date(2023, 1, 19), 1) == date(2023, 1, 27)
    assert CAL.add_working_days(date(2023, 1, 27), -1) == date(2023, 1, 19)
    assert CAL.working_days_between(date(2023, 1, 19), date(2023, 1, 30)) == 2
    assert CAL.working_days_between(date(2023, 1, 30), date(2023, 1, 19)) == -2
    assert CAL.on_or_after(date(2023, 1, 22)) == date(2023, 1, 27)
    assert CAL.on_or_after(date(2023, 1, 27)) == date(2023, 1, 27)
    assert CAL.previous_working_day(date(2023, 1, 27)) == date(2023, 1, 19)


def test_working_days_in_2023() -> None:
    working = [d for d in days(date(2023, 1, 1), date(2023, 12, 31)) if CAL.is_working_day(d)]
    # 260 weekdays less the 11 holidays and days in lieu that fall on weekdays.
    assert len(working) == 249
