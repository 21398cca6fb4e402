"""Recurring tasks (monthly disbursement reports, quarterly / 6-month / yearly PAR reports)
expand into dated occurrences."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.rrule import rrulestr

from nhacviec.base.errors import NhacviecError
from rules.textnorm import fold

# The words a department types in the "Lặp lại" column, as RFC 5545 rules.
_NAMED_RULES = {
    "hang ngay": "FREQ=DAILY",
    "hang tuan": "FREQ=WEEKLY",
    "hang thang": "FREQ=MONTHLY",
    "hang quy": "FREQ=MONTHLY;INTERVAL=3",
    "6 thang": "FREQ=MONTHLY;INTERVAL=6",
    "sau thang": "FREQ=MONTHLY;INTERVAL=6",
    "hang nam": "FREQ=YEARLY",
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "yearly": "FREQ=YEARLY",
}


class RecurrenceError(NhacviecError, ValueError):
    """A recurrence the rules cannot read."""

    reason = "recurrence"


def parse_recurrence(text: str) -> str:
    """A Vietnamese word (`hàng tháng`, `hàng quý`, `6 tháng`, `hàng năm`) or an RRULE becomes
    a normalised RRULE string; anything else is refused."""
    folded = fold(text)
    if folded in _NAMED_RULES:
        return _NAMED_RULES[folded]
    rule = text.strip().removeprefix("RRULE:").upper()
    if not rule.startswith("FREQ="):
        raise RecurrenceError(f"không hiểu chu kỳ lặp lại '{text}'")
    try:
        rrulestr(rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"chu kỳ lặp lại '{text}' không hợp lệ") from exc
    return rule


def expand_occurrences(first: date, rule: str, until: date) -> list[date]:
    """The dates of a recurring task from its first deadline to `until`, both included. A
    monthly rule starting on the 31st falls on the last day of shorter months."""
    start = datetime(first.year, first.month, first.day)
    end = datetime(until.year, until.month, until.day)
    if first.day > 28 and "FREQ=MONTHLY" in rule and "BYMONTHDAY" not in rule:
        rule = f"{rule};BYMONTHDAY=-1" if first.day >= 31 else f"{rule};BYMONTHDAY={first.day},-1"
        occurrences = _dedupe_month(rrulestr(rule, dtstart=start).between(start, end, inc=True))
    else:
        occurrences = list(rrulestr(rule, dtstart=start).between(start, end, inc=True))
    return [d.date() for d in occurrences]


def _dedupe_month(dates: list[datetime]) -> list[datetime]:
    """Keep the first date of each month (BYMONTHDAY=30,-1 may yield two in a 31-day month)."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for d in dates:
        if (d.year, d.month) not in seen:
            seen.add((d.year, d.month))
            kept.append(d)
    return kept
