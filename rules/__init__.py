"""The rules of the plan: pure functions of tasks, progress and a date, with no I/O.

Every figure nhacviec shows (a task's outcome, a unit's share of failed-or-late tasks, the 30%
watch list, an area's progress) is computed here and nowhere else.
"""

from rules.areas import (
    AreaCount,
    AreaFacts,
    AreaFigures,
    area_figures,
    areas_from_counts,
    count_areas,
)
from rules.inspections import InspectionCoverage, InspectionFacts, inspection_coverage
from rules.outcome import Outcome, TaskFacts, days_late, days_overdue, outcome_on
from rules.periods import Period, PeriodError, figures_date, parse_period
from rules.recurrence import RecurrenceError, expand_occurrences, parse_recurrence
from rules.scores import (
    AreaScore,
    ScoreEntry,
    ScoreError,
    ScoreSummary,
    check_points,
    latest_scores,
    parse_points,
    score_summary,
)
from rules.watch import (
    Basis,
    Flag,
    OutcomeCounts,
    Thresholds,
    UnitFigures,
    count_outcomes,
    department_totals,
    figures_from_counts,
    flag_for,
    make_figures,
    margin_left,
    rank_key,
    unit_figures,
    watch_list,
)

__all__ = [
    "AreaCount",
    "AreaFacts",
    "AreaFigures",
    "AreaScore",
    "Basis",
    "Flag",
    "InspectionCoverage",
    "InspectionFacts",
    "Outcome",
    "OutcomeCounts",
    "Period",
    "PeriodError",
    "RecurrenceError",
    "ScoreEntry",
    "ScoreError",
    "ScoreSummary",
    "TaskFacts",
    "Thresholds",
    "UnitFigures",
    "area_figures",
    "areas_from_counts",
    "check_points",
    "count_areas",
    "count_outcomes",
    "days_late",
    "days_overdue",
    "department_totals",
    "expand_occurrences",
    "figures_date",
    "figures_from_counts",
    "flag_for",
    "inspection_coverage",
    "latest_scores",
    "make_figures",
    "margin_left",
    "outcome_on",
    "parse_period",
    "parse_points",
    "parse_recurrence",
    "rank_key",
    "score_summary",
    "unit_figures",
    "watch_list",
]
