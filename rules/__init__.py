"""The rules of the plan: pure functions of tasks, progress and a date, with no I/O.

Every figure nhacviec shows (a task's outcome, a unit's share of failed-or-late tasks, the 30%
watch list, an area's progress) is computed here and nowhere else.
"""

from rules.areas import AreaFacts, AreaFigures, area_figures
from rules.outcome import Outcome, TaskFacts, days_overdue, outcome_on
from rules.recurrence import RecurrenceError, expand_occurrences, parse_recurrence
from rules.watch import Flag, Thresholds, UnitFigures, flag_for, unit_figures, watch_list

__all__ = [
    "AreaFacts",
    "AreaFigures",
    "Flag",
    "Outcome",
    "RecurrenceError",
    "TaskFacts",
    "Thresholds",
    "UnitFigures",
    "area_figures",
    "days_overdue",
    "expand_occurrences",
    "flag_for",
    "outcome_on",
    "parse_recurrence",
    "unit_figures",
    "watch_list",
]
