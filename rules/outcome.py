"""A task's outcome on a given date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Outcome(StrEnum):
    """Where a task stands on a date."""

    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"

    @property
    def is_done(self) -> bool:
        return self in (Outcome.DONE_ON_TIME, Outcome.DONE_LATE)

    @property
    def is_failure(self) -> bool:
        """Late or overdue: what counts against a unit under the 30% rule."""
        return self in (Outcome.DONE_LATE, Outcome.OVERDUE)


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the rules need to know of one task (one dated occurrence of a recurring task).

    `deadline` is the effective deadline every outcome is judged against (a written deadline
    on a day off moved to the next working day, rules.calendar.effective_deadline); `written`
    is the deadline as assigned, when it differs."""

    id: int
    code: str
    unit: str
    deadline: date | None
    completed_on: date | None = None
    progress: int = 0
    area: str | None = None
    title: str = ""
    # The deadline it had before an approved extension (gia hạn); `deadline` is the one in force.
    extended_from: date | None = None
    written: date | None = None
    authority: str | None = None
    # The year it belongs to, when it is listed in a later year it was carried into
    # (`nhacviec plan carry-over`): shown, never counted there.
    carried_from: int | None = None

    @property
    def written_deadline(self) -> date | None:
        """The deadline as assigned."""
        return self.written or self.deadline


def outcome_on(task: TaskFacts, on: date, due_soon_days: int = 7) -> Outcome:
    """A task completed by `on` is done on time if completed by its deadline, else late; an
    unfinished task is overdue the day after its deadline and due soon within `due_soon_days`
    calendar days of it. Completion after `on` is not yet known on `on`."""
    if task.completed_on is not None and task.completed_on <= on:
        if task.deadline is None or task.completed_on <= task.deadline:
            return Outcome.DONE_ON_TIME
        return Outcome.DONE_LATE
    if task.deadline is None:
        return Outcome.OPEN
    if on > task.deadline:
        return Outcome.OVERDUE
    if (task.deadline - on).days <= due_soon_days:
        return Outcome.DUE_SOON
    return Outcome.OPEN


def days_overdue(task: TaskFacts, on: date) -> int:
    """Calendar days past the deadline of an unfinished task on `on`; 0 if not overdue."""
    if task.deadline is None or (task.completed_on is not None and task.completed_on <= on):
        return 0
    return max(0, (on - task.deadline).days)


def days_late(task: TaskFacts, on: date) -> int:
    """Calendar days a task completed by `on` was completed after its deadline; 0 otherwise."""
    if task.deadline is None or task.completed_on is None or task.completed_on > on:
        return 0
    return max(0, (task.completed_on - task.deadline).days)
