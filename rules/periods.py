"""Reporting periods: a quarter, a half year or a year, and the day its figures are taken on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nhacviec.base.errors import NhacviecError

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PATTERN = re.compile(r"^(\d{4})(?:-?([QqHh])([1-4]))?$")


class PeriodError(NhacviecError, ValueError):
    """A period the rules cannot read, or one that has not begun; the message is for users."""

    reason = "period"


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: `code` as typed in normal form (2023-Q1, 2023-H2, 2023)."""

    code: str
    year: int
    start: date
    end: date
    label: str  # Vietnamese: "quý I/2023", "6 tháng đầu năm 2023", "năm 2023"

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(text: str) -> Period:
    """`2023-Q1`…`2023-Q4` (a quarter), `2023-H1` / `2023-H2` (a half year) or `2023` (the
    year); anything else is refused with a Vietnamese message."""
    match = _PATTERN.match(text.strip())
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise PeriodError(
            f"Kỳ báo cáo “{text.strip()}” không hợp lệ. "
            "Dùng 2023-Q1 … 2023-Q4 (quý), 2023-H1, 2023-H2 (6 tháng) hoặc 2023 (năm)."
        )
    year = int(match.group(1))
    kind = (match.group(2) or "").upper()
    number = int(match.group(3) or 0)
    if kind == "Q":
        first = 3 * (number - 1) + 1
        return Period(
            f"{year}-Q{number}",
            year,
            date(year, first, 1),
            _month_end(year, first + 2),
            f"quý {_ROMAN[number]}/{year}",
        )
    if kind == "H":
        if number > 2:
            raise PeriodError(f"Nửa năm chỉ có H1 và H2, không có “{text.strip()}”.")
        first = 1 if number == 1 else 7
        half = "đầu" if number == 1 else "cuối"
        return Period(
            f"{year}-H{number}",
            year,
            date(year, first, 1),
            _month_end(year, first + 5),
            f"6 tháng {half} năm {year}",
        )
    return Period(str(year), year, date(year, 1, 1), date(year, 12, 31), f"năm {year}")


def figures_date(period: Period, today: date) -> date:
    """Figures are taken on the period's last day; a period not over yet is taken today, and a
    period not yet begun has no figures."""
    if today < period.start:
        raise PeriodError(
            f"Kỳ {period.label} chưa bắt đầu (từ {period.start:%d/%m/%Y}), chưa có số liệu."
        )
    return min(period.end, today)
