"""The 30% rule: a unit that fails, or completes late, 30% of the tasks assigned to it in the
year has its head rated "did not complete duties"; nhacviec warns before that happens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rules.outcome import Outcome, TaskFacts, outcome_on


class Flag(StrEnum):
    """A unit's standing against the 30% rule."""

    OK = "ok"
    WARNING = "warning"
    OVER = "over"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """`fail` is the share of failed-or-late tasks that fails a unit's head (the plan says 30%);
    `warning` is where nhacviec starts warning."""

    fail: float = 0.30
    warning: float = 0.20

    def __post_init__(self) -> None:
        if not 0 < self.warning <= self.fail <= 1:
            raise ValueError("thresholds must satisfy 0 < warning <= fail <= 1")


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """A unit's tasks on a date, by outcome. `open` includes tasks due soon."""

    unit: str
    assigned: int
    on_time: int
    late: int
    overdue: int
    open: int
    due_soon: int
    share: float
    flag: Flag

    @property
    def failed_or_late(self) -> int:
        return self.late + self.overdue


def flag_for(share: float, thresholds: Thresholds) -> Flag:
    """Reaching the fail share is over the line; reaching the warning share is a warning."""
    if share >= thresholds.fail:
        return Flag.OVER
    if share >= thresholds.warning:
        return Flag.WARNING
    return Flag.OK


OutcomeCounts = Mapping[str, Mapping[Outcome, int]]


def count_outcomes(
    tasks: Iterable[TaskFacts], on: date, due_soon_days: int = 7, units: Iterable[str] = ()
) -> dict[str, dict[Outcome, int]]:
    """How many of each lead unit's tasks have each outcome on `on`; units named in `units`
    appear even with no task."""
    counts: dict[str, dict[Outcome, int]] = {u: {} for u in units}
    for task in tasks:
        per_unit = counts.setdefault(task.unit, {})
        outcome = outcome_on(task, on, due_soon_days)
        per_unit[outcome] = per_unit.get(outcome, 0) + 1
    return counts


def figures_from_counts(
    counts: OutcomeCounts, thresholds: Thresholds | None = None
) -> list[UnitFigures]:
    """Per unit: the share is (late + overdue) / assigned, flagged against the thresholds.
    Worst share first, then by unit code."""
    thresholds = thresholds or Thresholds()
    figures = []
    for unit, by_outcome in counts.items():
        assigned = sum(by_outcome.values())
        late = by_outcome.get(Outcome.DONE_LATE, 0)
        overdue = by_outcome.get(Outcome.OVERDUE, 0)
        due_soon = by_outcome.get(Outcome.DUE_SOON, 0)
        share = (late + overdue) / assigned if assigned else 0.0
        figures.append(
            UnitFigures(
                unit=unit,
                assigned=assigned,
                on_time=by_outcome.get(Outcome.DONE_ON_TIME, 0),
                late=late,
                overdue=overdue,
                open=by_outcome.get(Outcome.OPEN, 0) + due_soon,
                due_soon=due_soon,
                share=share,
                flag=flag_for(share, thresholds),
            )
        )
    figures.sort(key=lambda f: (-f.share, -f.overdue, f.unit))
    return figures


def unit_figures(
    tasks: Iterable[TaskFacts],
    on: date,
    thresholds: Thresholds | None = None,
    units: Iterable[str] = (),
    due_soon_days: int = 7,
) -> list[UnitFigures]:
    """Per lead unit: tasks assigned in the plan, done on time, late, overdue and open on `on`;
    the share is (late + overdue) / assigned. Units named in `units` appear even with no task.
    Worst share first, then by unit code."""
    return figures_from_counts(count_outcomes(tasks, on, due_soon_days, units), thresholds)


def watch_list(figures: Iterable[UnitFigures]) -> list[UnitFigures]:
    """The units near or past the line, worst first."""
    return [f for f in figures if f.flag is not Flag.OK]


def department_totals(figures: Iterable[UnitFigures], thresholds: Thresholds) -> UnitFigures:
    """The whole department as one unit (code `*`): the counts of every unit added up, the
    share taken on the sum."""
    rows = list(figures)
    assigned = sum(f.assigned for f in rows)
    late = sum(f.late for f in rows)
    overdue = sum(f.overdue for f in rows)
    share = (late + overdue) / assigned if assigned else 0.0
    return UnitFigures(
        unit="*",
        assigned=assigned,
        on_time=sum(f.on_time for f in rows),
        late=late,
        overdue=overdue,
        open=sum(f.open for f in rows),
        due_soon=sum(f.due_soon for f in rows),
        share=share,
        flag=flag_for(share, thresholds),
    )
