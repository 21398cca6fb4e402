"""Progress per reform area, against the area's target and last year's score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from rules.outcome import Outcome, TaskFacts, outcome_on


@dataclass(frozen=True, slots=True)
class AreaFacts:
    """A scored area (or sub-criterion, whose tasks count toward its parent area)."""

    code: str
    name: str
    parent: str | None = None
    max_score: float | None = None
    target_score: float | None = None
    last_year_score: float | None = None


@dataclass(frozen=True, slots=True)
class AreaFigures:
    """An area's tasks on a date: how many, how many done (and late), overdue, mean progress."""

    area: AreaFacts
    tasks: int
    done: int
    late: int
    overdue: int
    mean_progress: float

    @property
    def done_share(self) -> float:
        return self.done / self.tasks if self.tasks else 0.0


@dataclass(slots=True)
class AreaCount:
    """An area's tasks on a date: how many, done, done late, overdue, and the summed progress
    of those not done."""

    tasks: int = 0
    done: int = 0
    late: int = 0
    overdue: int = 0
    progress: int = 0

    def add(self, other: AreaCount) -> None:
        self.tasks += other.tasks
        self.done += other.done
        self.late += other.late
        self.overdue += other.overdue
        self.progress += other.progress


def areas_from_counts(
    areas: Iterable[AreaFacts], counts: Mapping[str, AreaCount]
) -> list[AreaFigures]:
    """Per top-level area, in code order, from counts per area code: a sub-criterion's
    (`1.6`) count for its parent area (`1`); a done task counts as 100% progress."""
    area_list = list(areas)
    parent_of = {a.code: (a.parent or a.code) for a in area_list}
    top = [a for a in area_list if not a.parent]
    totals: dict[str, AreaCount] = {a.code: AreaCount() for a in top}
    for code, count in counts.items():
        totals.setdefault(parent_of.get(code, code), AreaCount()).add(count)
    result = []
    for area in sorted(top, key=lambda a: _code_key(a.code)):
        c = totals[area.code]
        result.append(
            AreaFigures(
                area=area,
                tasks=c.tasks,
                done=c.done,
                late=c.late,
                overdue=c.overdue,
                mean_progress=(100 * c.done + c.progress) / c.tasks if c.tasks else 0.0,
            )
        )
    return result


def count_areas(tasks: Iterable[TaskFacts], on: date) -> dict[str, AreaCount]:
    """The tasks filed under an area, counted per area code on `on`."""
    counts: dict[str, AreaCount] = {}
    for task in tasks:
        if task.area is None:
            continue
        outcome = outcome_on(task, on)
        c = counts.setdefault(task.area, AreaCount())
        c.tasks += 1
        c.done += outcome.is_done
        c.late += outcome is Outcome.DONE_LATE
        c.overdue += outcome is Outcome.OVERDUE
        c.progress += 0 if outcome.is_done else task.progress
    return counts


def area_figures(
    areas: Iterable[AreaFacts], tasks: Iterable[TaskFacts], on: date
) -> list[AreaFigures]:
    """Per top-level area, in code order: a task filed under a sub-criterion (`1.6`) counts for
    its parent area (`1`); a done task counts as 100% progress."""
    return areas_from_counts(areas, count_areas(tasks, on))


def _code_key(code: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))
