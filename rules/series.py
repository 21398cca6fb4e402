"""Editing a recurring task: its occurrences are reconciled by period, never by position.

A monthly report has one occurrence per month. When the series changes (its first deadline,
its rule), each new date finds the occurrence of its period: an open one is moved to the new
date, a done one is kept as it is, a cancelled one is reopened; a period with none gets a new
occurrence. Open occurrences of periods the series no longer has are cancelled; done ones stay.
So a series never has two live occurrences for one period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

_OPEN, _DONE, _CANCELLED = "open", "done", "cancelled"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """An occurrence already stored: its id, number in the series (code `S#n`), date, state."""

    id: int
    number: int
    deadline: date
    state: str


@dataclass
class SeriesChange:
    """What to do: move (id, new date), reopen (id, new date), create (number, date), cancel
    (ids); `kept` are the occurrences left as they are."""

    move: list[tuple[int, date]] = field(default_factory=list)
    reopen: list[tuple[int, date]] = field(default_factory=list)
    create: list[tuple[int, date]] = field(default_factory=list)
    cancel: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)


def period_key(day: date, rule: str) -> tuple[int, ...]:
    """The period of the series `day` belongs to: its day, ISO week, month, quarter, half or
    year, from the rule's frequency and interval (FREQ=MONTHLY;INTERVAL=3 is a quarter)."""
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    freq = parts.get("FREQ", "MONTHLY")
    interval = int(parts.get("INTERVAL", "1") or 1)
    if freq == "DAILY":
        return (day.year, day.month, day.day)
    if freq == "WEEKLY":
        iso = day.isocalendar()
        return (iso[0], iso[1] // max(1, interval))
    if freq == "YEARLY":
        return (day.year,)
    return (day.year, (day.month - 1) // max(1, interval))


def reconcile(stored: Iterable[Occurrence], dates: Sequence[date], rule: str) -> SeriesChange:
    """The steps that turn the stored occurrences into the series of `dates` (see module)."""
    change = SeriesChange()
    by_period: dict[tuple[int, ...], list[Occurrence]] = {}
    for occ in sorted(stored, key=lambda o: (o.deadline, o.number)):
        by_period.setdefault(period_key(occ.deadline, rule), []).append(occ)
    next_number = max((o.number for occs in by_period.values() for o in occs), default=0) + 1
    wanted: dict[tuple[int, ...], date] = {}
    for day in dates:
        wanted.setdefault(period_key(day, rule), day)
    for key, day in wanted.items():
        occs = by_period.pop(key, [])
        done = [o for o in occs if o.state == _DONE]
        live = [o for o in occs if o.state == _OPEN]
        cancelled = [o for o in occs if o.state == _CANCELLED]
        change.kept += [o.id for o in done]
        if done:
            change.cancel += [o.id for o in live]
        elif live:
            first, *extra = live
            if first.deadline != day:
                change.move.append((first.id, day))
            else:
                change.kept.append(first.id)
            change.cancel += [o.id for o in extra]
        elif cancelled:
            change.reopen.append((cancelled[0].id, day))
        else:
            change.create.append((next_number, day))
            next_number += 1
    for occs in by_period.values():  # periods the series no longer has
        for occ in occs:
            if occ.state == _OPEN:
                change.cancel.append(occ.id)
            elif occ.state == _DONE:
                change.kept.append(occ.id)
    return change
