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


def area_figures(
    areas: Iterable[AreaFacts], tasks: Iterable[TaskFacts], on: date
) -> list[AreaFigures]:
    """Per top-level area, in code order: a task filed under a sub-criterion (`1.6`) counts for
    its parent area (`1`); a done task counts as 100% progress."""
    area_list = list(areas)
    parent_of = {a.code: (a.parent or a.code) for a in area_list}
    top = [a for a in area_list if not a.parent]
    buckets: dict[str, list[TaskFacts]] = {a.code: [] for a in top}
    for task in tasks:
        if task.area is None:
            continue
        code = parent_of.get(task.area, task.area)
        buckets.setdefault(code, []).append(task)
    result = []
    for area in sorted(top, key=lambda a: _code_key(a.code)):
        items = buckets.get(area.code, [])
        outcomes = [outcome_on(t, on) for t in items]
        progress = [100 if o.is_done else t.progress for t, o in zip(items, outcomes, strict=True)]
        result.append(
            AreaFigures(
                area=area,
                tasks=len(items),
                done=sum(o.is_done for o in outcomes),
                late=sum(o is Outcome.DONE_LATE for o in outcomes),
                overdue=sum(o is Outcome.OVERDUE for o in outcomes),
                mean_progress=sum(progress) / len(progress) if progress else 0.0,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class AreaTally:
    """The tasks filed under one area code on a day, counted as `area_figures` counts them:
    a done task adds 100 to `progress_sum`, an unfinished one its progress."""

    tasks: int
    done: int
    late: int
    overdue: int
    progress_sum: int


def area_figures_from_tallies(
    areas: Iterable[AreaFacts], tallies: Mapping[str, AreaTally]
) -> list[AreaFigures]:
    """`area_figures` from counts made elsewhere (the database): a sub-criterion's tally is
    added to its parent area's."""
    area_list = list(areas)
    parent_of = {a.code: (a.parent or a.code) for a in area_list}
    sums: dict[str, list[int]] = {}
    for code, tally in tallies.items():
        bucket = sums.setdefault(parent_of.get(code, code), [0, 0, 0, 0, 0])
        for i, n in enumerate(
            (tally.tasks, tally.done, tally.late, tally.overdue, tally.progress_sum)
        ):
            bucket[i] += n
    result = []
    for area in sorted((a for a in area_list if not a.parent), key=lambda a: _code_key(a.code)):
        tasks, done, late, overdue, progress = sums.get(area.code, [0, 0, 0, 0, 0])
        result.append(
            AreaFigures(
                area=area,
                tasks=tasks,
                done=done,
                late=late,
                overdue=overdue,
                mean_progress=progress / tasks if tasks else 0.0,
            )
        )
    return result


def _code_key(code: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))
