"""Who may do what: the one authorization decision for chat, CLI and web.

Pure: it is given the actor (role, unit) and the task (lead unit, co-units, state) and says
yes, or no with the reason a user reads. Only an active, linked officer ever reaches it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum

from rules.roles import Role


class Action(StrEnum):
    VIEW = "view"  # see a task and its story
    PROGRESS = "progress"  # report progress (a co-unit for its part)
    DONE = "done"  # report completion: the lead unit only
    ASSIGN = "assign"  # add a task (/giao)
    EDIT = "edit"  # change a field, reassign, move the deadline (/sua)
    CANCEL = "cancel"  # /huy
    REOPEN = "reopen"  # a cancelled task back in the plan
    APPROVE = "approve"  # extensions, completions (the extensions issue)
    STATUS_ALL = "status_all"  # every unit's figures
    STATUS_OWN = "status_own"  # one's own unit's figures
    FOLLOW_UP = "follow_up"  # TCCB's tools: scores, inspections
    REPORT = "report"  # the Excel report, the areas view (read only)
    EXTEND = "extend"  # ask for an extension (/giahan): the task's officer or its unit's head
    REOPEN_DONE = "reopen_done"  # /molai: a done task back to open (head of its unit, TCCB)
    PEOPLE = "people"  # deactivate, move, change the role of an officer: TCCB and admin
    # Carry a closed year's unfinished tasks into the new year (`nhacviec plan carry-over`).
    CARRY = "carry"


# Roles that see every unit.
SEE_ALL = frozenset({Role.TCCB, Role.ADMIN, Role.FOLLOWUP, Role.DIRECTOR})
# Roles that keep the plan: add, change, cancel tasks of any unit.
PLAN_KEEPERS = frozenset({Role.TCCB, Role.ADMIN, Role.FOLLOWUP})


class Refusal(StrEnum):
    """Why not: nhacviec.base.texts.ACCESS_REFUSALS words each for the user."""

    INACTIVE = "inactive"
    OTHER_UNIT = "other_unit"
    LEAD_ONLY = "lead_only"
    PLAN_KEEPERS_ONLY = "plan_keepers_only"
    READ_ONLY = "read_only"
    HEADS_ONLY = "heads_only"
    TCCB_ONLY = "tccb_only"
    CANCELLED = "cancelled"
    NOT_CANCELLED = "not_cancelled"
    DONE = "done"
    NOT_DONE = "not_done"
    NOT_APPROVER = "not_approver"
    ASSIGNEE_ONLY = "assignee_only"
    NOT_OPEN = "not_open"
    AWAITING = "awaiting"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an officer's id, unit and role."""

    officer_id: int
    unit_id: int
    role: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class TaskScope:
    """What the decision needs to know of a task."""

    lead_unit_id: int
    co_unit_ids: frozenset[int] = field(default_factory=frozenset)
    assignee_id: int | None = None
    state: str = "open"

    @classmethod
    def of(
        cls,
        lead_unit_id: int,
        co_unit_ids: Collection[int] = (),
        assignee_id: int | None = None,
        state: str = "open",
    ) -> TaskScope:
        return cls(lead_unit_id, frozenset(co_unit_ids), assignee_id, state)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: Refusal | None = None

    def __bool__(self) -> bool:
        return self.allowed


YES = Decision(True)


def _no(reason: Refusal) -> Decision:
    return Decision(False, reason)


def decide(actor: Actor, action: Action, task: TaskScope | None = None) -> Decision:
    """May `actor` do `action` (on `task`)? The lead unit's officers and head act on its tasks;
    a co-unit sees the task and reports progress for its part; TCCB, admin and the follow-up
    officer keep the plan of every unit; the director sees everything and changes nothing."""
    if not actor.active:
        return _no(Refusal.INACTIVE)
    role = actor.role
    if action is Action.STATUS_ALL:
        return YES if role in SEE_ALL else _no(Refusal.TCCB_ONLY)
    if action is Action.STATUS_OWN:
        return YES if role in SEE_ALL or role == Role.HEAD else _no(Refusal.HEADS_ONLY)
    if action is Action.REPORT:
        return YES if role in SEE_ALL else _no(Refusal.TCCB_ONLY)
    if action in (Action.FOLLOW_UP, Action.PEOPLE):
        return YES if role in (Role.TCCB, Role.ADMIN) else _no(Refusal.TCCB_ONLY)
    if action in (Action.ASSIGN, Action.EDIT, Action.CANCEL, Action.REOPEN, Action.CARRY):
        if role == Role.DIRECTOR:
            return _no(Refusal.READ_ONLY)
        if role not in PLAN_KEEPERS:
            return _no(Refusal.PLAN_KEEPERS_ONLY)
        if task is None:
            return YES
        if action is Action.CANCEL and task.state == "cancelled":
            return _no(Refusal.CANCELLED)
        if action is Action.CANCEL and task.state == "done":
            return _no(Refusal.DONE)
        # A completion waiting for confirmation is decided first (confirmed: done; returned:
        # open, then it may be cancelled): a cancelled task must not wait for an approver.
        if action is Action.CANCEL and task.state == "reported":
            return _no(Refusal.AWAITING)
        if action is Action.REOPEN and task.state != "cancelled":
            return _no(Refusal.NOT_CANCELLED)
        if action is Action.EDIT and task.state == "cancelled":
            return _no(Refusal.CANCELLED)
        return YES
    if task is None:
        return YES if action is Action.VIEW else _no(Refusal.OTHER_UNIT)
    own = actor.unit_id == task.lead_unit_id
    co = actor.unit_id in task.co_unit_ids
    if action is Action.REOPEN_DONE:
        if role == Role.DIRECTOR:
            return _no(Refusal.READ_ONLY)
        if role not in (Role.TCCB, Role.ADMIN) and not (role == Role.HEAD and own):
            return _no(Refusal.HEADS_ONLY)
        return YES if task.state == "done" else _no(Refusal.NOT_DONE)
    if action is Action.EXTEND:
        if role == Role.DIRECTOR:
            return _no(Refusal.READ_ONLY)
        if not own:
            return _no(Refusal.LEAD_ONLY if co else Refusal.OTHER_UNIT)
        if task.state != "open":
            return _no(Refusal.NOT_OPEN)
        named = task.assignee_id
        if named is not None and role != Role.HEAD and actor.officer_id != named:
            return _no(Refusal.ASSIGNEE_ONLY)
        return YES
    if action is Action.VIEW:
        return YES if role in SEE_ALL or own or co else _no(Refusal.OTHER_UNIT)
    if action is Action.APPROVE:
        if role in (Role.TCCB, Role.ADMIN):
            return YES
        return YES if role == Role.HEAD and own else _no(Refusal.HEADS_ONLY)
    # Progress and done: people of the units doing the work, never the director.
    if role == Role.DIRECTOR:
        return _no(Refusal.READ_ONLY)
    if task.state == "cancelled":
        return _no(Refusal.CANCELLED)
    if action is Action.PROGRESS:
        return YES if own or co else _no(Refusal.OTHER_UNIT)
    if action is Action.DONE:
        if own:
            return YES
        return _no(Refusal.LEAD_ONLY if co else Refusal.OTHER_UNIT)
    return _no(Refusal.OTHER_UNIT)


def actor_of(officer_id: int | None, unit_id: int, role: str, active: bool = True) -> Actor:
    return Actor(officer_id or 0, unit_id, role, active)


def decide_step(actor: Actor, step: str, task: TaskScope) -> Decision:
    """May `actor` decide at approval step `step` ("head" or "tccb", rules.approvals.Step) on
    `task`: approve or refuse an extension, confirm or return a completion? The head step is
    the lead unit's head's (the admin stands in); the TCCB step is TCCB's and the admin's."""
    if not actor.active:
        return _no(Refusal.INACTIVE)
    if actor.role == Role.ADMIN:
        return YES
    if step == "head":
        own = actor.unit_id == task.lead_unit_id
        return YES if actor.role == Role.HEAD and own else _no(Refusal.NOT_APPROVER)
    return YES if actor.role == Role.TCCB else _no(Refusal.NOT_APPROVER)


def co_units_matter(actor: Actor, task: TaskScope) -> bool:
    """Whether a task's co-units can change a decision for `actor`: only for someone outside
    its lead unit. The lead unit's own officers act on its tasks whatever its co-units are, so
    their decision needs no read of them."""
    return actor.unit_id != task.lead_unit_id


# What a substitute may do in the name of the officer they stand in for.
ON_BEHALF = frozenset({Action.VIEW, Action.PROGRESS, Action.DONE})


def decide_for(
    actor: Actor, action: Action, task: TaskScope | None, covering: Collection[Actor] = ()
) -> tuple[Decision, Actor | None]:
    """May `actor` do `action`, themselves or standing in for an absent officer (`covering`,
    those on leave they stand in for today)? Returns the decision and, when the act is done
    in an absent officer's name, that officer: the record then reads "CB012 thay CB009".

    A task named to an absent officer is acted on in their name; otherwise the actor's own
    rights come first, then those of each officer they cover (view, progress, done only)."""
    own = decide(actor, action, task)
    if not actor.active or action not in ON_BEHALF or task is None:
        return own, None
    for absent in covering:
        if task.assignee_id is not None and task.assignee_id == absent.officer_id:
            theirs = decide(absent, action, task)
            if theirs:
                return theirs, absent
    if own:
        return own, None
    for absent in covering:
        theirs = decide(absent, action, task)
        if theirs:
            return theirs, absent
    return own, None


def decide_leave(
    actor: Actor, officer_id: int, unit_id: int, unit_head_id: int | None
) -> Decision:
    """May `actor` record or cancel a leave of officer `officer_id` (of unit `unit_id`)? The
    officer themselves, the head of their unit, TCCB and admin may."""
    if not actor.active:
        return _no(Refusal.INACTIVE)
    if actor.officer_id == officer_id or actor.role in (Role.TCCB, Role.ADMIN):
        return YES
    head = (
        unit_head_id == actor.officer_id if unit_head_id is not None else (actor.role == Role.HEAD)
    )
    return YES if head and actor.unit_id == unit_id else _no(Refusal.HEADS_ONLY)
