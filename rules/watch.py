"""The 30% rule: a unit that fails, or completes late, 30% of the tasks assigned to it in the
year has its head rated "did not complete duties"; nhacviec warns before that happens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from math import ceil

from nhacviec.base.numbers import exact, percent_tenths
from rules.outcome import Outcome, TaskFacts, outcome_on
from rules.textnorm import fold


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


class Basis(StrEnum):
    """Which rate put a unit on the watch list: the rate over the year's tasks, or the rate
    over the tasks settled so far (it always reaches a line first, or together)."""

    NONE = ""
    YEAR = "year"
    SO_FAR = "so_far"


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """A unit's tasks on a date, by outcome. `open` includes tasks due soon.

    Two rates: `share` over every task assigned in the year (the plan's 30% rule), and
    `so_far_share` over the tasks settled so far (done, or past their deadline: on time + late
    + overdue). `margin` is how many more tasks may still end late or overdue before the year
    rate reaches the fail line. The `*_tenths` are the rates as every view shows them
    (nhacviec.base.numbers)."""

    unit: str
    assigned: int
    on_time: int
    late: int
    overdue: int
    open: int
    due_soon: int
    share: float
    flag: Flag
    so_far_share: float = 0.0
    year_tenths: int = 0
    so_far_tenths: int = 0
    margin: int = 0
    basis: Basis = Basis.NONE
    year_over: bool = False  # the year rate itself has reached the fail line

    @property
    def failed_or_late(self) -> int:
        return self.late + self.overdue

    @property
    def settled(self) -> int:
        """Tasks with a result on the day: done (on time or late) or overdue."""
        return self.on_time + self.late + self.overdue


_SEVERITY = {Flag.OK: 0, Flag.WARNING: 1, Flag.OVER: 2}


def flag_for(share: float, thresholds: Thresholds) -> Flag:
    """Reaching the fail share is over the line; reaching the warning share is a warning."""
    return flag_of(Fraction(share).limit_denominator(1_000_000), thresholds)


def flag_of(share: Fraction, thresholds: Thresholds) -> Flag:
    """The same, on an exact share (6/20 is exactly 30%: over)."""
    if share >= exact(thresholds.fail):
        return Flag.OVER
    if share >= exact(thresholds.warning):
        return Flag.WARNING
    return Flag.OK


def _flag(part: int, whole: int, thresholds: Thresholds) -> Flag:
    """flag_of(part / whole) in integers (0 / 0 is no share at all)."""
    whole = whole or 1
    fail, warning = exact(thresholds.fail), exact(thresholds.warning)
    if part * fail.denominator >= fail.numerator * whole:
        return Flag.OVER
    if part * warning.denominator >= warning.numerator * whole:
        return Flag.WARNING
    return Flag.OK


def margin_left(failed: int, assigned: int, fail: float) -> int:
    """How many more of its year's tasks a unit may finish late or leave overdue before its
    year rate reaches the fail share: 20 tasks at 30% allow 5 (6/20 is 30%), 21 allow 6."""
    if assigned <= 0:
        return 0
    first_over = ceil(exact(fail) * assigned)  # the fewest failures that reach the line
    return max(0, first_over - 1 - failed)


def make_figures(
    unit: str,
    on_time: int,
    late: int,
    overdue: int,
    open_: int,
    due_soon: int,
    thresholds: Thresholds,
) -> UnitFigures:
    """A unit's figures from its counts: both rates, the flag from whichever reaches a line
    first (and which one it was), the margin to the fail line."""
    assigned = on_time + late + overdue + open_
    failed = late + overdue
    settled = on_time + failed
    lines = (thresholds.fail, thresholds.warning)
    year_flag = _flag(failed, assigned, thresholds)
    so_far_flag = _flag(failed, settled, thresholds)
    flag = max(year_flag, so_far_flag, key=_SEVERITY.__getitem__)
    basis = Basis.YEAR if year_flag is flag else Basis.SO_FAR
    if flag is Flag.OK:
        basis = Basis.NONE
    return UnitFigures(
        unit=unit,
        assigned=assigned,
        on_time=on_time,
        late=late,
        overdue=overdue,
        open=open_,
        due_soon=due_soon,
        share=failed / assigned if assigned else 0.0,
        flag=flag,
        so_far_share=failed / settled if settled else 0.0,
        year_tenths=percent_tenths(failed, assigned, lines),
        so_far_tenths=percent_tenths(failed, settled, lines),
        margin=margin_left(failed, assigned, thresholds.fail),
        basis=basis,
        year_over=year_flag is Flag.OVER,
    )


OutcomeCounts = Mapping[str, Mapping[Outcome, int]]


def authority_in(authority: str | None, names: Iterable[str]) -> bool:
    """Whether an assigning authority is one of `names`, whatever the case and diacritics."""
    return authority is not None and fold(authority) in {fold(n) for n in names}


def counts_toward_rule(authority: str | None, counted: Iterable[str]) -> bool:
    """Every task counts toward the 30% rule unless the config lists the authorities that do;
    a task whose authority was not recorded always counts (nobody can say it does not)."""
    listed = list(counted)
    return not listed or authority is None or authority_in(authority, listed)


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


def rank_key(f: UnitFigures) -> tuple[int, float, int, str]:
    """Worst first: the flag, then the year rate, then overdue tasks, then the code. (Two
    equal shares are the same float, 2/4 as 1/2: the order is exact at these sizes.)"""
    return (-_SEVERITY[f.flag], -f.share, -f.overdue, f.unit)


def figures_from_counts(
    counts: OutcomeCounts, thresholds: Thresholds | None = None
) -> list[UnitFigures]:
    """Per unit, from its outcome counts; worst first (flag, year rate, overdue, code)."""
    thresholds = thresholds or Thresholds()
    figures = []
    for unit, by_outcome in counts.items():
        due_soon = by_outcome.get(Outcome.DUE_SOON, 0)
        figures.append(
            make_figures(
                unit,
                by_outcome.get(Outcome.DONE_ON_TIME, 0),
                by_outcome.get(Outcome.DONE_LATE, 0),
                by_outcome.get(Outcome.OVERDUE, 0),
                by_outcome.get(Outcome.OPEN, 0) + due_soon,
                due_soon,
                thresholds,
            )
        )
    figures.sort(key=rank_key)
    return figures


def unit_figures(
    tasks: Iterable[TaskFacts],
    on: date,
    thresholds: Thresholds | None = None,
    units: Iterable[str] = (),
    due_soon_days: int = 7,
) -> list[UnitFigures]:
    """Per lead unit: tasks assigned in the plan, done on time, late, overdue and open on `on`;
    the rates and flag of `make_figures`. Units named in `units` appear even with no task.
    Worst first."""
    return figures_from_counts(count_outcomes(tasks, on, due_soon_days, units), thresholds)


def watch_list(figures: Iterable[UnitFigures]) -> list[UnitFigures]:
    """The units near or past the line, worst first."""
    return [f for f in figures if f.flag is not Flag.OK]


def department_totals(figures: Iterable[UnitFigures], thresholds: Thresholds) -> UnitFigures:
    """The whole department as one unit (code `*`): the counts of every unit added up, the
    rates taken on the sums."""
    rows = list(figures)
    return make_figures(
        "*",
        sum(f.on_time for f in rows),
        sum(f.late for f in rows),
        sum(f.overdue for f in rows),
        sum(f.open for f in rows),
        sum(f.due_soon for f in rows),
        thresholds,
    )
