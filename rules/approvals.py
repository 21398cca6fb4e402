"""Who approves an extension (gia hạn) and who confirms a completion, step by step; how an
approved extension counts. Pure: the settings come in as plain strings and booleans."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from rules.outcome import TaskFacts
from rules.roles import Role


class Step(StrEnum):
    """Whose turn it is: the lead unit's head, or the personnel office (TCCB)."""

    HEAD = "head"
    TCCB = "tccb"


# [approvals] extension_approver: who approves a request, in turn.
EXTENSION_APPROVERS: dict[str, tuple[Step, ...]] = {
    "tccb": (Step.TCCB,),
    "head": (Step.HEAD,),
    "head_then_tccb": (Step.HEAD, Step.TCCB),
}
# [approvals] confirm_completion: who confirms a reported completion.
CONFIRMERS = ("none", "head", "tccb")


def extension_steps(setting: str) -> tuple[Step, ...]:
    """The approvers of an extension request, in the order they decide."""
    return EXTENSION_APPROVERS[setting]


def next_step(steps: tuple[Step, ...], current: Step) -> Step | None:
    """The step after `current`, or None when `current` was the last."""
    index = steps.index(current)
    return steps[index + 1] if index + 1 < len(steps) else None


def completion_step(setting: str, reporter_role: str, head_needs_tccb: bool) -> Step | None:
    """Who confirms a completion reported by someone of `reporter_role`; None: it counts at
    once. A head's own report needs TCCB only when `head_needs_tccb`; TCCB's and the
    admin's own reports count at once."""
    if setting == "none" or reporter_role in (Role.TCCB, Role.ADMIN):
        return None
    if setting == "tccb":
        return Step.TCCB
    if reporter_role == Role.HEAD:
        return Step.TCCB if head_needs_tccb else None
    return Step.HEAD


def judged(task: TaskFacts, extension_counts_late: bool) -> TaskFacts:
    """The task as the figures judge it: against the deadline in force (an approved extension
    included), or, when finishing within an extension counts as late, against the deadline it
    had before the extension."""
    if extension_counts_late and task.extended_from is not None:
        return replace(task, deadline=task.extended_from)
    return task


def within_extension(task: TaskFacts) -> bool:
    """Completed after the deadline it had before its extension, but within the extension."""
    return (
        task.extended_from is not None
        and task.completed_on is not None
        and task.completed_on > task.extended_from
        and (task.deadline is None or task.completed_on <= task.deadline)
    )
