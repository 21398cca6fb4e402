"""The figures of a plan on a date, read from storage and computed by the rules: the one source
for the CLI table, /status and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from nhacviec.config import Config
from rules import AreaFigures, Thresholds, UnitFigures, area_figures, unit_figures, watch_list
from storage import repo
from storage.models import Plan, Unit


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


def thresholds_from(config: Config) -> Thresholds:
    return Thresholds(fail=config.rules.fail_threshold, warning=config.rules.warning_threshold)


def plan_figures(session: Session, plan: Plan, on: date, config: Config) -> PlanFigures:
    """Every unit (even one without tasks) and every area of `plan`, as the rules see them on
    `on`."""
    assert plan.id is not None
    facts = repo.task_facts(session, plan.id)
    units = session.exec(select(Unit)).all()
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
