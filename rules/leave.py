"""Leave and substitutes: who stands in for an absent officer on a day.

Pure. During a leave (both dates included) the substitute gets the officer's reminders and may
act on their tasks; without a substitute the unit's head does. A leave ends by itself: on the
day after its last day nobody stands in any more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime


class LeaveError(ValueError):
    """A leave that cannot be: `reason` is a key of nhacviec.base.texts.LEAVE_ERRORS."""

    def __init__(self, reason: str, value: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.value = value


@dataclass(frozen=True, slots=True)
class LeaveFacts:
    officer_id: int
    starts_on: date
    ends_on: date
    substitute_id: int | None = None
    cancelled: bool = False

    def covers(self, day: date) -> bool:
        return not self.cancelled and self.starts_on <= day <= self.ends_on


def parse_period(text: str) -> tuple[date, date]:
    """`dd/mm/yyyy-dd/mm/yyyy` (or one date: a one-day leave) -> (first day, last day)."""
    parts = [p.strip() for p in text.replace("–", "-").split("-")]
    if len(parts) not in (1, 2) or not all(parts):
        raise LeaveError("bad_period", text)
    try:
        days = [datetime.strptime(p, "%d/%m/%Y").date() for p in parts]
    except ValueError as exc:
        raise LeaveError("bad_period", text) from exc
    first, last = days[0], days[-1]
    if last < first:
        raise LeaveError("backwards", text)
    return first, last


def check_leave(
    officer_id: int,
    first: date,
    last: date,
    substitute_id: int | None,
    today: date,
    existing: Iterable[LeaveFacts] = (),
) -> None:
    """A new leave is valid: not ended already, no one stands in for themselves, and it does
    not overlap another (not cancelled) leave of the same officer."""
    if last < today:
        raise LeaveError("in_past")
    if substitute_id is not None and substitute_id == officer_id:
        raise LeaveError("self_substitute")
    for leave in existing:
        mine = leave.officer_id == officer_id and not leave.cancelled
        if mine and leave.starts_on <= last and first <= leave.ends_on:
            raise LeaveError("overlap")


def stand_ins(
    leaves: Iterable[LeaveFacts], day: date, heads: Mapping[int, int | None]
) -> dict[int, int | None]:
    """On `day`: each absent officer -> who stands in (the substitute, else the head of the
    officer's unit from `heads`, officer id -> head id; None when the absent officer is the
    head and named nobody). An absent substitute is passed over for the head too."""
    absent = {leave.officer_id: leave for leave in leaves if leave.covers(day)}
    found: dict[int, int | None] = {}
    for officer_id, leave in absent.items():
        stand_in = leave.substitute_id
        if stand_in is None or stand_in in absent:
            stand_in = heads.get(officer_id)
        if stand_in in absent or stand_in == officer_id:
            stand_in = None
        found[officer_id] = stand_in
    return found


def covered_by(stand_in_of: Mapping[int, int | None], officer_id: int) -> list[int]:
    """The absent officers `officer_id` stands in for."""
    return sorted(absent for absent, who in stand_in_of.items() if who == officer_id)
