"""Deadlines as Vietnamese offices write them in a plan's "Thời gian hoàn thành" column.

A deadline is a day, or "Thường xuyên" (an ongoing task with no deadline). Periods become their
last day: "Quý II/2024" is 30/06/2024, "Tháng 3" is 31/03 of the plan's year, "6 tháng đầu năm"
is 30/06, "Cuối năm" is 31/12. A day or period written without a year is in the plan's year.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rules.textnorm import fold

# Excel counts days from 30/12/1899 (its 1900 leap-year bug folded in); serials in this range
# are the years 1954–2119, far from any day count or year a cell could otherwise hold.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Words that may precede a day and change nothing: "trước 30/6", "chậm nhất ngày 30/6".
_LEAD_WORDS = re.compile(
    r"^(?:(?:truoc|cham nhat la|cham nhat|han|hoan thanh|trong|ngay|den|vao|:|-)\s*)+"
)
_ONGOING = {
    "thuong xuyen",
    "thuong xuyen lien tuc",
    "lien tuc",
    "lien tuc thuong xuyen",
    "hang ngay",
    "thuong xuyen hang nam",
}
_YEAR_END = {"cuoi nam", "trong nam", "ca nam", "nam", "het nam", "hang nam"}
_HALVES = {
    "6 thang dau nam": (6, 30),
    "6 thang dau": (6, 30),
    "sau thang dau nam": (6, 30),
    "6 thang cuoi nam": (12, 31),
    "6 thang cuoi": (12, 31),
    "9 thang dau nam": (9, 30),
    "9 thang": (9, 30),
    "6 thang": (6, 30),
}
_DAY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_WORDS = re.compile(r"^(\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?$")
_QUARTER = re.compile(r"^(?:quy|q)\s*(iv|iii|ii|i|[1-4])(?:\s*(?:/|-|nam)\s*(\d{4}))?$")
_MONTH = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})$")
_MONTH_ONLY = re.compile(r"^thang\s*(\d{1,2})$")
_YEAR_END_OF = re.compile(r"^(?:cuoi nam|nam|trong nam|het nam)\s*(\d{4})$")

FORMS_HINT = (
    "viết dd/mm/yyyy, 'Quý II/2024', 'Tháng 3/2024', '6 tháng đầu năm', 'trước 30/6', "
    "'Cuối năm' hoặc 'Thường xuyên'"
)


class DeadlineError(ValueError):
    """A deadline the rules cannot read; the message says which forms are understood."""


@dataclass(frozen=True)
class Deadline:
    """`on` is the day the task is due; `ongoing` marks "Thường xuyên" (no day, on purpose)."""

    on: date | None
    ongoing: bool = False


NO_DEADLINE = Deadline(None)
ONGOING = Deadline(None, ongoing=True)


def _fold(text: str) -> str:
    return fold(re.sub(r"[,;\u00a0]", " ", text)).strip(" .")


def _year(text: str | None, plan_year: int) -> int:
    if not text:
        return plan_year
    year = int(text)
    return 2000 + year if year < 100 else year


def _day(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DeadlineError(f"ngày '{original}' không có thật (dd/mm/yyyy)") from exc


def _month_end(year: int, month: int, original: str) -> date:
    if not 1 <= month <= 12:
        raise DeadlineError(f"tháng trong '{original}' không có thật")
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(value: object, plan_year: int) -> Deadline:
    """Read a deadline cell: a date, an Excel serial number, or text in one of the forms above.

    An empty cell is no deadline; anything else not understood raises DeadlineError."""
    if value is None:
        return NO_DEADLINE
    if isinstance(value, datetime):
        return Deadline(value.date())
    if isinstance(value, date):
        return Deadline(value)
    if isinstance(value, bool):
        raise DeadlineError(f"hạn '{value}' không hiểu: {FORMS_HINT}")
    if isinstance(value, int | float):
        return _serial(value, str(value))
    original = str(value).strip()
    if not original:
        return NO_DEADLINE
    return _parse_text(original, plan_year)


def _serial(number: float, original: str) -> Deadline:
    if not _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
        raise DeadlineError(f"hạn '{original}' không phải là ngày: {FORMS_HINT}")
    return Deadline(_EXCEL_EPOCH + timedelta(days=int(number)))


@functools.lru_cache(maxsize=4096)
def _parse_text(original: str, plan_year: int) -> Deadline:
    folded = _fold(original)
    if folded in _ONGOING:
        return ONGOING
    if folded.isdigit() and len(folded) == 5:
        return _serial(int(folded), original)
    if match := _ISO.match(folded):
        year, month, day = (int(g) for g in match.groups())
        return Deadline(_day(year, month, day, original))
    text = _LEAD_WORDS.sub("", folded)
    for candidate in (folded, text):
        found = _period(candidate, plan_year, original)
        if found is not None:
            return Deadline(found)
    raise DeadlineError(f"hạn '{original}' không hiểu: {FORMS_HINT}")


def _period(text: str, plan_year: int, original: str) -> date | None:
    """The last day of the day, month, quarter, half or year `text` names; None if it names
    none of them."""
    if match := _DAY.match(text):
        day, month, year = match.groups()
        return _day(_year(year, plan_year), int(month), int(day), original)
    if match := _DAY_WORDS.match(text):
        day, month, year = match.groups()
        return _day(_year(year, plan_year), int(month), int(day), original)
    if match := _QUARTER.match(text):
        quarter, year = match.groups()
        number = _ROMAN.get(quarter) or int(quarter)
        return _month_end(_year(year, plan_year), number * 3, original)
    if match := _MONTH.match(text):
        month, year = match.groups()
        return _month_end(int(year), int(month), original)
    if match := _MONTH_ONLY.match(text):
        return _month_end(plan_year, int(match.group(1)), original)
    if match := _YEAR_END_OF.match(text):
        return date(int(match.group(1)), 12, 31)
    if text in _YEAR_END:
        return date(plan_year, 12, 31)
    for prefix, (month, day) in _HALVES.items():
        if text == prefix or text.startswith(prefix + " "):
            rest = text[len(prefix) :].strip()
            rest = rest.removeprefix("nam").strip(" /-")
            if rest and not rest.isdigit():
                return None
            return date(_year(rest or None, plan_year), month, day)
    return None
