"""The figures of a plan on a date, read from storage and computed by the rules: the one source
for the CLI table, /status and the reports."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from nhacviec.base.config import Config
from rules import (
    AreaFigures,
    InspectionCoverage,
    ScoreSummary,
    TaskFacts,
    Thresholds,
    UnitFigures,
    area_figures,
    department_totals,
    inspection_coverage,
    score_summary,
    unit_figures,
    watch_list,
)
from rules.approvals import judged
from storage import assessments, repo
from storage.db import Session
from storage.models import Plan


@dataclass(frozen=True)
class PlanFigures:
    plan: Plan
    on: date
    units: list[UnitFigures]
    unit_names: dict[str, str]
    areas: list[AreaFigures]
    thresholds: Thresholds

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


def plan_figures(
    session: Session,
    plan: Plan,
    on: date,
    config: Config,
    facts: list[TaskFacts] | None = None,
) -> PlanFigures:
    """Every unit (even one without tasks) and every area of `plan`, as the rules see them on
    `on`; `facts` replaces the tasks as stored (a report on a past day passes `facts_as_of`)."""
    assert plan.id is not None
    facts = repo.task_facts(session, plan.id) if facts is None else facts
    # [approvals] extension_counts_late: judged against the deadline before the extension.
    late_rule = config.approvals.extension_counts_late
    facts = [judged(f, late_rule) for f in facts]
    units = repo.all_units(session)
    thresholds = thresholds_from(config)
    return PlanFigures(
        plan=plan,
        on=on,
        units=unit_figures(
            facts,
            on,
            thresholds,
            units=[u.code for u in units],
            due_soon_days=config.rules.due_soon_days,
        ),
        unit_names={u.code: u.name for u in units},
        areas=area_figures(repo.area_facts(session, plan.id), facts, on),
        thresholds=thresholds,
    )


def facts_as_of(facts: list[TaskFacts], progress: dict[int, int]) -> list[TaskFacts]:
    """The tasks as they stood on a past day: the progress last reported by then (0 if none);
    a completion after that day is ignored by the rules themselves."""
    return [replace(f, progress=progress.get(f.id, 0)) for f in facts]


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
