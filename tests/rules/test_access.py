"""rules.access, the one authorization decision, and rules.series, the reconciliation of a
recurring task's occurrences by period: pure functions, checked case by case."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.access import Action, Actor, Refusal, TaskScope, co_units_matter, decide
from rules.events import EventFacts, EventKind, original_deadline
from rules.recurrence import expand_occurrences
from rules.roles import Role
from rules.series import Occurrence, period_key, reconcile

KHTC, VP, TCCB = 1, 2, 3
TASK = TaskScope.of(KHTC, {VP})
OPEN_ANYWHERE = TaskScope.of(TCCB)


def who(role: Role, unit: int = KHTC, active: bool = True) -> Actor:
    return Actor(officer_id=7, unit_id=unit, role=role, active=active)


@pytest.mark.parametrize(
    ("actor", "action", "task", "allowed", "reason"),
    [
        (who(Role.OFFICER), Action.DONE, TASK, True, None),
        (who(Role.OFFICER), Action.PROGRESS, TASK, True, None),
        (who(Role.OFFICER, VP), Action.PROGRESS, TASK, True, None),  # co-unit, its part
        (who(Role.OFFICER, VP), Action.DONE, TASK, False, Refusal.LEAD_ONLY),
        (who(Role.OFFICER, TCCB), Action.PROGRESS, TASK, False, Refusal.OTHER_UNIT),
        (who(Role.OFFICER, TCCB), Action.VIEW, TASK, False, Refusal.OTHER_UNIT),
        (who(Role.OFFICER, VP), Action.VIEW, TASK, True, None),
        (who(Role.OFFICER), Action.ASSIGN, None, False, Refusal.PLAN_KEEPERS_ONLY),
        (who(Role.HEAD), Action.CANCEL, TASK, False, Refusal.PLAN_KEEPERS_ONLY),
        (who(Role.HEAD), Action.APPROVE, TASK, True, None),
        (who(Role.HEAD, VP), Action.APPROVE, TASK, False, Refusal.HEADS_ONLY),
        (who(Role.HEAD), Action.STATUS_OWN, None, True, None),
        (who(Role.HEAD), Action.STATUS_ALL, None, False, Refusal.TCCB_ONLY),
        (who(Role.TCCB, TCCB), Action.EDIT, TASK, True, None),
        (
            who(Role.TCCB, TCCB),
            Action.CANCEL,
            TaskScope.of(KHTC, state="done"),
            False,
            Refusal.DONE,
        ),
        (
            who(Role.TCCB, TCCB),
            Action.CANCEL,
            TaskScope.of(KHTC, state="reported"),
            False,
            Refusal.AWAITING,
        ),
        (who(Role.TCCB, TCCB), Action.REOPEN, TASK, False, Refusal.NOT_CANCELLED),
        (who(Role.TCCB, TCCB), Action.REOPEN, TaskScope.of(KHTC, state="cancelled"), True, None),
        (
            who(Role.TCCB, TCCB),
            Action.EDIT,
            TaskScope.of(KHTC, state="cancelled"),
            False,
            Refusal.CANCELLED,
        ),
        (who(Role.FOLLOWUP, VP), Action.ASSIGN, None, True, None),
        (who(Role.FOLLOWUP, VP), Action.VIEW, OPEN_ANYWHERE, True, None),
        (who(Role.FOLLOWUP, VP), Action.STATUS_ALL, None, True, None),
        (who(Role.FOLLOWUP, VP), Action.FOLLOW_UP, None, False, Refusal.TCCB_ONLY),
        (who(Role.DIRECTOR, VP), Action.VIEW, OPEN_ANYWHERE, True, None),
        (who(Role.DIRECTOR, VP), Action.STATUS_ALL, None, True, None),
        (who(Role.DIRECTOR, VP), Action.REPORT, None, True, None),
        (who(Role.DIRECTOR, VP), Action.ASSIGN, None, False, Refusal.READ_ONLY),
        (who(Role.DIRECTOR, KHTC), Action.DONE, TASK, False, Refusal.READ_ONLY),
        (who(Role.DIRECTOR, KHTC), Action.PROGRESS, TASK, False, Refusal.READ_ONLY),
        (who(Role.ADMIN, TCCB), Action.FOLLOW_UP, None, True, None),
        # Carrying a closed year's unfinished tasks into the new year: the plan's keepers.
        (who(Role.TCCB, TCCB), Action.CARRY, None, True, None),
        (who(Role.ADMIN, TCCB), Action.CARRY, None, True, None),
        (who(Role.FOLLOWUP, VP), Action.CARRY, None, True, None),
        (who(Role.HEAD), Action.CARRY, None, False, Refusal.PLAN_KEEPERS_ONLY),
        (who(Role.OFFICER), Action.CARRY, None, False, Refusal.PLAN_KEEPERS_ONLY),
        (who(Role.DIRECTOR, VP), Action.CARRY, None, False, Refusal.READ_ONLY),
        (who(Role.OFFICER, active=False), Action.VIEW, TASK, False, Refusal.INACTIVE),
        (
            who(Role.OFFICER),
            Action.PROGRESS,
            TaskScope.of(KHTC, state="cancelled"),
            False,
            Refusal.CANCELLED,
        ),
    ],
)
def test_who_may_do_what(
    actor: Actor, action: Action, task: TaskScope | None, allowed: bool, reason: Refusal | None
) -> None:
    decision = decide(actor, action, task)
    assert (decision.allowed, decision.reason) == (allowed, reason)


def test_original_deadline_is_the_first_ever_given() -> None:
    from datetime import UTC, datetime

    t = [datetime(2023, 1, d, tzinfo=UTC) for d in (1, 2, 3)]
    events = [
        EventFacts(EventKind.DEADLINE_CHANGED, t[2], "deadline", "2023-05-01", "2023-06-01"),
        EventFacts(EventKind.CREATED, t[0], "deadline", None, "2023-04-01"),
        EventFacts(EventKind.DEADLINE_CHANGED, t[1], "deadline", "2023-04-01", "2023-05-01"),
    ]
    assert original_deadline(events, date(2023, 6, 1)) == date(2023, 4, 1)
    # A task older than its record: the oldest move's old value.
    assert original_deadline(events[:1], date(2023, 6, 1)) == date(2023, 5, 1)
    assert original_deadline([], date(2023, 6, 1)) == date(2023, 6, 1)


MONTHLY = "FREQ=MONTHLY"


def stored(first: date, states: dict[int, str] | None = None) -> list[Occurrence]:
    dates = expand_occurrences(first, MONTHLY, date(2023, 12, 31))
    states = states or {}
    return [Occurrence(n, n, d, states.get(n, "open")) for n, d in enumerate(dates, start=1)]


def test_moving_the_first_deadline_moves_each_month_once() -> None:
    occurrences = stored(date(2023, 1, 25), {1: "done"})
    change = reconcile(
        occurrences, expand_occurrences(date(2023, 1, 31), MONTHLY, date(2023, 12, 31)), MONTHLY
    )
    assert change.create == [] and change.cancel == []
    assert 1 in change.kept  # done: kept as it was
    assert [day.day for _, day in change.move][:2] == [28, 31]  # February's last day, March 31
    assert len(change.move) == 11


def test_starting_later_cancels_open_months_and_keeps_done_ones() -> None:
    occurrences = stored(date(2023, 1, 25), {1: "done"})
    change = reconcile(
        occurrences, expand_occurrences(date(2023, 4, 25), MONTHLY, date(2023, 12, 31)), MONTHLY
    )
    assert change.cancel == [2, 3] and 1 in change.kept
    assert change.create == [] and change.move == []


def test_starting_earlier_adds_the_new_months_with_fresh_numbers() -> None:
    occurrences = stored(date(2023, 3, 25), {2: "cancelled"})
    change = reconcile(
        occurrences, expand_occurrences(date(2023, 1, 25), MONTHLY, date(2023, 12, 31)), MONTHLY
    )
    assert change.create == [(11, date(2023, 1, 25)), (12, date(2023, 2, 25))]
    assert change.reopen == [(2, date(2023, 4, 25))]


def test_periods_follow_the_rule() -> None:
    assert period_key(date(2023, 5, 3), "FREQ=MONTHLY;INTERVAL=3") == (2023, 1)
    assert period_key(date(2023, 6, 30), "FREQ=MONTHLY;INTERVAL=3") == (2023, 1)
    assert period_key(date(2023, 7, 1), "FREQ=MONTHLY;INTERVAL=6") == (2023, 1)
    assert period_key(date(2023, 7, 1), "FREQ=YEARLY") == (2023,)


@given(
    role=st.sampled_from(sorted(Role)),
    action=st.sampled_from(sorted(Action)),
    units=st.lists(st.integers(1, 6), max_size=4),
    assignee=st.none() | st.integers(1, 9),
    state=st.sampled_from(["open", "reported", "done", "cancelled"]),
    active=st.booleans(),
)
def test_co_units_never_change_a_decision_for_the_lead_units_own_officers(
    role: str, action: Action, units: list[int], assignee: int | None, state: str, active: bool
) -> None:
    """The report lane decides without reading a task's co-units when co_units_matter says
    they cannot matter: for the lead unit's own officers, any co-units give the same answer."""
    actor = Actor(5, 1, role, active)
    task = TaskScope.of(1, units, assignee, state)
    assert not co_units_matter(actor, task)
    assert decide(actor, action, task) == decide(
        actor, action, TaskScope.of(1, (), assignee, state)
    )
    outsider = Actor(5, 2, role, active)
    assert co_units_matter(outsider, task)
