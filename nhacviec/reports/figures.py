"""The figures of a plan on a date, read from storage and computed by the rules: the one source
for the CLI table, /status and the reports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from nhacviec.base import texts
from nhacviec.base.config import Config
from rules import (
    AreaCount,
    AreaFacts,
    AreaFigures,
    InspectionCoverage,
    Outcome,
    ScoreSummary,
    TaskFacts,
    Thresholds,
    UnitFigures,
    areas_from_counts,
    department_totals,
    figures_from_counts,
    inspection_coverage,
    outcome_on,
    score_summary,
    watch_list,
)
from rules.approvals import judged
from rules.watch import authority_in, counts_toward_rule
from storage import assessments, repo, tally
from storage.db import Session
from storage.models import Plan, Unit

NO_AUTHORITY = texts.NO_AUTHORITY


@dataclass(frozen=True)
class PlanFigures:
    """The figures of every plan a date follows (a CCHC plan and a work programme of one
    year count together: the 30% rule is about a unit's tasks of the year)."""

    plans: list[Plan]
    on: date
    units: list[UnitFigures]
    unit_names: dict[str, str]
    areas: list[AreaFigures]
    thresholds: Thresholds
    # By assigning authority (every task, counted toward the rule or not), worst first.
    authorities: list[UnitFigures] = field(default_factory=list)
    # Criterion 1.6: the tasks assigned by the province's Party Committee, People's Council
    # and People's Committee, as one line.
    criterion: UnitFigures | None = None
    # The authorities whose tasks count toward the rule; empty: every task counts.
    counted: tuple[str, ...] = ()

    @property
    def plan(self) -> Plan:
        return self.plans[0]

    @property
    def title(self) -> str:
        """The plans' codes: `CCHC-2023` or `CCHC-2023 + CTCT-2023`."""
        return " + ".join(p.code for p in self.plans)

    @property
    def watch(self) -> list[UnitFigures]:
        return watch_list(self.units)

    def unit(self, code: str) -> UnitFigures | None:
        return next((u for u in self.units if u.unit.upper() == code.upper()), None)

    @property
    def total(self) -> UnitFigures:
        """The whole department's counts."""
        return department_totals(self.units, self.thresholds)


def thresholds_from(config: Config) -> Thresholds:
    return Thresholds(fail=config.rules.fail_threshold, warning=config.rules.warning_threshold)


@dataclass(slots=True)
class _Cell:
    """The tasks of one (lead unit, area, authority) on the day."""

    counts: dict[Outcome, int] = field(default_factory=dict)
    progress: int = 0

    def add(self, outcome: Outcome, n: int = 1) -> None:
        if n:
            self.counts[outcome] = self.counts.get(outcome, 0) + n


@dataclass
class _Views:
    """The tasks of the day in three cuts: per (unit, authority) (authority None when the
    count is not split by it), per area code and per authority."""

    units: dict[tuple[str, str | None], _Cell] = field(default_factory=dict)
    areas: dict[str, _Cell] = field(default_factory=dict)
    authorities: dict[str | None, _Cell] = field(default_factory=dict)


def _views_from_facts(facts: Iterable[TaskFacts], on: date, due_soon_days: int) -> _Views:
    views = _Views()
    for task in facts:
        outcome = outcome_on(task, on, due_soon_days)
        progress = 0 if outcome.is_done else task.progress
        authority = task.authority or None
        cells = [
            views.units.setdefault((task.unit, authority), _Cell()),
            views.authorities.setdefault(authority, _Cell()),
        ]
        if task.area is not None:
            cells.append(views.areas.setdefault(task.area, _Cell()))
        for cell in cells:
            cell.add(outcome)
            cell.progress += progress
    return views


def _cell_of(r: tally.CountRow) -> _Cell:
    cell = _Cell()
    cell.add(Outcome.DONE_ON_TIME, r.on_time)
    cell.add(Outcome.DONE_LATE, r.late)
    cell.add(Outcome.OVERDUE, r.overdue)
    cell.add(Outcome.DUE_SOON, r.due_soon)
    cell.add(Outcome.OPEN, r.open)
    cell.progress = r.progress
    return cell


def _views_from_tally(
    session: Session,
    ids: list[int],
    on: date,
    config: Config,
    unit_codes: dict[int, str],
    area_codes: dict[int, str],
) -> _Views:
    """Three small counts by the database (units, areas, authorities), never every task."""
    conn = session.connection()
    soon = config.rules.due_soon_days
    # When finishing within an approved extension counts as late, the tasks given one (a
    # handful) are judged again against the deadline they had before it.
    late = config.approvals.extension_counts_late
    split = ("unit", "authority") if config.rules.counted_authorities else ("unit",)
    views = _Views()
    for r in tally.outcome_counts(conn, ids, on, soon, split, late):
        views.units[(unit_codes.get(r.unit_id, ""), r.authority)] = _cell_of(r)
    for r in tally.outcome_counts(conn, ids, on, soon, ("area",), late):
        code = area_codes.get(r.area_id or 0)
        if code is not None:
            cell = views.areas.setdefault(code, _Cell())
            for outcome, n in _cell_of(r).counts.items():
                cell.add(outcome, n)
            cell.progress += r.progress
    for r in tally.outcome_counts(conn, ids, on, soon, ("authority",), late):
        views.authorities[r.authority] = _cell_of(r)
    return views


def _sum(target: dict[Outcome, int], counts: dict[Outcome, int]) -> None:
    for outcome, n in counts.items():
        target[outcome] = target.get(outcome, 0) + n


def _figures(
    plans: list[Plan],
    on: date,
    views: _Views,
    units: list[Unit],
    areas: list[AreaFacts],
    config: Config,
) -> PlanFigures:
    thresholds = thresholds_from(config)
    counted = tuple(config.rules.counted_authorities)
    per_unit: dict[str, dict[Outcome, int]] = {u.code: {} for u in units}
    for (unit, authority), cell in views.units.items():
        if counts_toward_rule(authority, counted):
            _sum(per_unit.setdefault(unit, {}), cell.counts)
    per_authority: dict[str, dict[Outcome, int]] = {}
    criterion: dict[Outcome, int] = {}
    for authority, cell in views.authorities.items():
        _sum(per_authority.setdefault(authority or NO_AUTHORITY, {}), cell.counts)
        if authority_in(authority, config.rules.criterion_authorities):
            _sum(criterion, cell.counts)
    per_area = {
        code: AreaCount(
            tasks=sum(cell.counts.values()),
            done=cell.counts.get(Outcome.DONE_ON_TIME, 0) + cell.counts.get(Outcome.DONE_LATE, 0),
            late=cell.counts.get(Outcome.DONE_LATE, 0),
            overdue=cell.counts.get(Outcome.OVERDUE, 0),
            progress=cell.progress,
        )
        for code, cell in views.areas.items()
    }
    return PlanFigures(
        plans=plans,
        on=on,
        units=figures_from_counts(per_unit, thresholds),
        unit_names={u.code: u.name for u in units},
        areas=areas_from_counts(areas, per_area),
        thresholds=thresholds,
        authorities=figures_from_counts(per_authority, thresholds),
        criterion=figures_from_counts({"1.6": criterion}, thresholds)[0],
        counted=counted,
    )


def _plan_list(plans: Plan | Sequence[Plan]) -> list[Plan]:
    return [plans] if isinstance(plans, Plan) else list(plans)


def _areas(session: Session, plan_ids: list[int]) -> tuple[list[AreaFacts], dict[int, str]]:
    """The plans' areas, one per code (the first plan's wins), and each area id's code."""
    by_code: dict[str, AreaFacts] = {}
    codes: dict[int, str] = {}
    for area_id, _plan_id, area in repo.area_rows(session, plan_ids):
        by_code.setdefault(area.code, area)
        codes[area_id] = area.code
    return list(by_code.values()), codes


def plan_figures(
    session: Session,
    plans: Plan | Sequence[Plan],
    on: date,
    config: Config,
    facts: Iterable[TaskFacts] | None = None,
) -> PlanFigures:
    """Every unit (even one without tasks), every area and every assigning authority of the
    plans, as the rules see them on `on`. Counted from the kept tally (a few hundred rows,
    whatever the history); `facts` replaces the tasks as stored (a report on a past day passes
    `facts_as_of`), and are then counted one by one."""
    plan_list = _plan_list(plans)
    ids = [p.id for p in plan_list if p.id is not None]
    units = repo.all_units(session)
    areas, area_codes = _areas(session, ids)
    late_rule = config.approvals.extension_counts_late
    if facts is None:
        unit_codes = {u.id: u.code for u in units if u.id is not None}
        views = _views_from_tally(session, ids, on, config, unit_codes, area_codes)
    else:
        judged_facts = (judged(f, late_rule) for f in facts)
        views = _views_from_facts(judged_facts, on, config.rules.due_soon_days)
    return _figures(plan_list, on, views, units, areas, config)


def facts_as_of(facts: Iterable[TaskFacts], progress: dict[int, int]) -> list[TaskFacts]:
    """The tasks as they stood on a past day: the progress last reported by then (0 if none);
    a completion after that day is ignored by the rules themselves."""
    return list(iter_as_of(facts, progress))


def iter_as_of(facts: Iterable[TaskFacts], progress: dict[int, int]) -> Iterator[TaskFacts]:
    """The same, one task at a time."""
    for f in facts:
        p = progress.get(f.id, 0)
        yield f if f.progress == p else replace(f, progress=p)


@dataclass(frozen=True)
class AssessmentFigures:
    """TCCB's year-end figures: the areas' self-scores and the share of units inspected."""

    scores: ScoreSummary
    inspections: InspectionCoverage
    inspection_rows: list[assessments.InspectionRow]


def assessment_figures(
    session: Session, plan: Plan, on: date, config: Config
) -> AssessmentFigures:
    """Self-scores of the plan's areas (the latest of each) and the units inspected in the
    plan's year by `on`."""
    assert plan.id is not None
    units = repo.all_units(session)
    rows = [r for r in assessments.inspections_of_year(session, plan.year) if r.on <= on]
    return AssessmentFigures(
        scores=score_summary(
            repo.area_facts(session, plan.id),
            assessments.score_entries(session, plan.id),
            config.rules.goal_total,
        ),
        inspections=inspection_coverage(
            assessments.inspection_facts(rows),
            [u.code for u in units],
            plan.year,
            on,
            config.rules.inspection_target,
        ),
        inspection_rows=rows,
    )
