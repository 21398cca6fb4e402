"""The reminder policy: what each officer is owed on a date.

A pure function of the open tasks (one row per occurrence of a recurring task), the officers and
units, the date, the working-day calendar and the settings. It reads no clock and no database,
so a whole year can be checked in a test; the scan (scheduler/scan.py) feeds it from storage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from rules import (
    Outcome,
    OutcomeCounts,
    TaskFacts,
    Thresholds,
    UnitFigures,
    days_overdue,
    figures_from_counts,
    outcome_on,
    watch_list,
)
from rules.calendar import WorkingCalendar
from rules.roles import Role

DIGEST = "digest"  # the outbox kind of the daily digest
GROUP_DIGEST = "group"  # the outbox kind of a unit group chat's daily digest
ROLE_OFFICER, ROLE_HEAD, ROLE_TCCB = Role.OFFICER, Role.HEAD, Role.TCCB


@dataclass(frozen=True, slots=True)
class TaskView:
    """An open task (or one occurrence of a recurring task) as the policy sees it:
    `deadline` is the effective deadline, `written` the deadline as assigned when it fell on
    a day off."""

    id: int
    unit: str  # lead unit (chủ trì) code
    title: str
    deadline: date | None
    progress: int = 0
    snoozed_until: date | None = None
    completed_on: date | None = None
    code: str = ""
    written: date | None = None
    # The officer who handles it (chuyên viên thụ lý): then only they and the head are reminded.
    assignee_id: int | None = None
    co_units: tuple[str, ...] = ()  # co-operating units (phối hợp): reminded too
    # The closed year it belongs to, when carried into this one (`nhacviec plan carry-over`).
    carried_from: int | None = None

    def facts(self) -> TaskFacts:
        return TaskFacts(
            id=self.id,
            code=self.code,
            unit=self.unit,
            deadline=self.deadline,
            completed_on=self.completed_on,
            progress=self.progress,
            title=self.title,
            written=self.written,
            carried_from=self.carried_from,
        )


@dataclass(frozen=True, slots=True)
class OfficerView:
    id: int
    name: str
    unit: str
    role: str
    active: bool = True
    code: str = ""


@dataclass(frozen=True, slots=True)
class UnitView:
    code: str
    name: str
    head_id: int | None = None


@dataclass(frozen=True)
class Settings:
    """The policy's knobs, from [schedule] and [rules] of the config."""

    lead_days: tuple[int, ...] = (7, 3, 1)
    escalate_after_days: int = 3
    weekly_summary_weekday: int = 0
    due_soon_days: int = 7
    thresholds: Thresholds = field(default_factory=Thresholds)


class ItemKind(StrEnum):
    """Why a task is in a digest, most urgent first."""

    ESCALATION = "escalation"
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"


URGENCY = {kind: rank for rank, kind in enumerate(ItemKind)}


@dataclass(frozen=True, slots=True)
class Item:
    """One task in a digest. `days_overdue` is in calendar days (as /tasks and /status show it),
    `working_days_overdue` decides escalation, `working_days_left` is the lead day (7, 3, 1)."""

    kind: ItemKind
    task: TaskView
    days_overdue: int = 0
    working_days_overdue: int = 0
    working_days_left: int = 0


@dataclass(frozen=True)
class WeeklySummary:
    """For TCCB: every unit's figures and the units on the 30% watch list, from the rules."""

    day: date
    figures: tuple[UnitFigures, ...]
    watch: tuple[UnitFigures, ...]


@dataclass(frozen=True)
class GroupDigest:
    """What a unit's linked group chats are owed on one day, one message per group: the
    unit's items exactly as its officers get them (due soon on the lead days, due today,
    overdue), never the head's escalation section nor TCCB's weekly summary."""

    unit: UnitView
    day: date
    items: tuple[Item, ...]
    kind: str = GROUP_DIGEST

    @property
    def summary(self) -> None:
        """A group never gets the weekly summary (rendering reads this like a Digest's)."""
        return None

    @property
    def task_ids(self) -> list[int]:
        return [i.task.id for i in self.items]


@dataclass(frozen=True)
class Digest:
    """Everything one officer is owed on one day, in one message (split only if too long)."""

    officer: OfficerView
    day: date
    unit: UnitView | None
    items: tuple[Item, ...]
    summary: WeeklySummary | None = None
    kind: str = DIGEST
    covering: tuple[str, ...] = ()  # codes of the absent officers whose reminders are here

    @property
    def task_ids(self) -> list[int]:
        return [i.task.id for i in self.items]


def is_summary_day(day: date, calendar: WorkingCalendar, weekday: int = 0) -> bool:
    """The weekly summary goes out on `weekday` (Monday) or, if that is a day off, on the first
    working day after it in the same week; a week with no working day from then on has none."""
    if not calendar.is_working_day(day) or day.weekday() < weekday:
        return False
    start = day - timedelta(days=day.weekday() - weekday)
    return not any(
        calendar.is_working_day(start + timedelta(n)) for n in range((day - start).days)
    )


def weekly_summary(
    day: date, plan_counts: OutcomeCounts, units: Iterable[UnitView], settings: Settings
) -> WeeklySummary:
    """The figures of every unit on `day` and its watch list, computed by the rules from the
    outcome counts of every task of the plan (units without tasks included)."""
    counts: dict[str, dict[Outcome, int]] = {u.code: {} for u in units}
    counts.update({unit: dict(by_outcome) for unit, by_outcome in plan_counts.items()})
    figures = figures_from_counts(counts, settings.thresholds)
    return WeeklySummary(day=day, figures=tuple(figures), watch=tuple(watch_list(figures)))


class _DeadlineMemo:
    """Working-day arithmetic per deadline date: many tasks share a deadline, and counting
    working days over months for each of 100,000 tasks would dominate the scan."""

    def __init__(self, day: date, calendar: WorkingCalendar, lead_days: Sequence[int]) -> None:
        self.day = day
        self.previous = calendar.previous_working_day(day)
        self.calendar = calendar
        self.lead_days = sorted(lead_days)
        self._overdue: dict[date, int] = {}
        self._lead: dict[date, int | None] = {}

    def working_days_overdue(self, deadline: date) -> int:
        if deadline not in self._overdue:
            self._overdue[deadline] = self.calendar.working_days_between(deadline, self.day)
        return self._overdue[deadline]

    def lead_day(self, deadline: date) -> int | None:
        """The lead (7, 3, 1 working days before the deadline) that falls due today: on the
        day itself, or on a day off since the last working day (carried over to today)."""
        if deadline not in self._lead:
            found = None
            for n in self.lead_days:
                remind_on = self.calendar.add_working_days(deadline, -n)
                if self.previous < remind_on <= self.day:
                    found = n
                    break
            self._lead[deadline] = found
        return self._lead[deadline]


def task_item(task: TaskView, day: date, memo: _DeadlineMemo) -> Item | None:
    """What a task is owed on working day `day`: overdue (every working day until done), due
    today, due soon on its lead days, or nothing. A snoozed task waits until its date."""
    if task.deadline is None:
        return None
    if task.snoozed_until is not None and day < task.snoozed_until:
        return None
    facts = task.facts()
    outcome = outcome_on(facts, day)
    if outcome.is_done:
        return None
    if outcome is Outcome.OVERDUE:
        return Item(
            ItemKind.OVERDUE,
            task,
            days_overdue=days_overdue(facts, day),
            working_days_overdue=memo.working_days_overdue(task.deadline),
        )
    if task.deadline == day:
        return Item(ItemKind.DUE_TODAY, task)
    lead = memo.lead_day(task.deadline)
    if lead is not None:
        return Item(ItemKind.DUE_SOON, task, working_days_left=lead)
    return None


def _urgency(item: Item) -> tuple[int, int, int, date, int]:
    """Overdue most days first, then due today, then due soonest."""
    return (
        URGENCY[item.kind],
        -item.days_overdue,
        item.working_days_left,
        item.task.deadline or date.max,
        item.task.id,
    )


def _is_head(officer: OfficerView, unit: UnitView | None) -> bool:
    if unit is None:
        return False
    if unit.head_id is not None:
        return unit.head_id == officer.id
    return officer.role == ROLE_HEAD


def unit_items(
    day: date,
    tasks: Iterable[TaskView],
    calendar: WorkingCalendar,
    settings: Settings | None = None,
) -> dict[str, tuple[Item, ...]]:
    """What each lead unit owes on `day`, most urgent first: the items every officer of the
    unit gets (before the head's escalation). Units owing nothing are left out; nothing is
    owed on a day off."""
    settings = settings or Settings()
    if not calendar.is_working_day(day):
        return {}
    memo = _DeadlineMemo(day, calendar, settings.lead_days)
    found: dict[str, list[Item]] = {}
    for task in tasks:
        item = task_item(task, day, memo)
        if item is not None:
            found.setdefault(task.unit, []).append(item)
            for co in task.co_units:  # a co-unit's digest carries the task too
                if co != task.unit:
                    found.setdefault(co, []).append(item)
    return {unit: tuple(sorted(items, key=_urgency)) for unit, items in found.items()}


def owed_on(
    day: date,
    tasks: Iterable[TaskView],
    officers: Iterable[OfficerView],
    units: Iterable[UnitView],
    calendar: WorkingCalendar,
    settings: Settings | None = None,
    plan_counts: OutcomeCounts | None = None,
    per_unit: Mapping[str, tuple[Item, ...]] | None = None,
    stand_ins: Mapping[int, int | None] | None = None,
) -> list[Digest]:
    """The digests owed on `day`, one per officer who is owed anything, by officer id.

    Nothing is owed on a day off; what fell on one since the last working day is owed today.
    Every active officer (role officer or head) of a task's lead unit gets its reminders (a
    task naming its officer: that officer and the head only), and so do the officers of its
    co-units (phối hợp), never escalated to their head; the
    unit's head gets the tasks overdue `escalate_after_days` working days or more as
    escalations; TCCB-role officers get the weekly summary on its day, computed from
    `plan_counts` (the outcomes of every task of the plan on `day`, `rules.count_outcomes`;
    without them, no summary).
    `per_unit` is the day's `unit_items` of `tasks` when the caller has them already (the
    scan shares them with the unit group digests). `stand_ins` (rules.leave.stand_ins): an
    officer on leave gets nothing; whoever stands in gets their items too."""
    settings = settings or Settings()
    if not calendar.is_working_day(day):
        return []
    # One tuple per unit, shared by its officers' digests (the scan renders it once).
    if per_unit is None:
        per_unit = unit_items(day, tasks, calendar, settings)

    unit_list = list(units)
    units_by_code = {u.code: u for u in unit_list}
    active = sorted((o for o in officers if o.active), key=lambda o: o.id)
    summary = None
    if (
        plan_counts is not None
        and any(o.role == ROLE_TCCB for o in active)
        and is_summary_day(day, calendar, settings.weekly_summary_weekday)
    ):
        summary = weekly_summary(day, plan_counts, unit_list, settings)

    digests = []
    escalated: dict[str, tuple[Item, ...]] = {}
    # Per officer, the unit's tuple minus the tasks named to a colleague; units with no
    # named task keep one shared tuple (the scan renders it once).
    named: dict[str, bool] = {}
    for officer in active:
        unit = units_by_code.get(officer.unit)
        head = _is_head(officer, unit)
        items: tuple[Item, ...] = ()
        if head or officer.role in (ROLE_OFFICER, ROLE_HEAD):
            items = per_unit.get(officer.unit, ())
        if items and not head:
            items = _named(items, officer, named)
        if head and items:
            if officer.unit not in escalated:
                escalated[officer.unit] = tuple(
                    sorted(
                        (
                            _escalate(i, settings.escalate_after_days)
                            if i.task.unit == officer.unit
                            else i
                            for i in items
                        ),
                        key=_urgency,
                    )
                )
            items = escalated[officer.unit]
        own_summary = summary if officer.role == ROLE_TCCB else None
        if items or own_summary is not None:
            digests.append(
                Digest(officer=officer, day=day, unit=unit, items=items, summary=own_summary)
            )
    if stand_ins:
        digests = _stand_in(digests, stand_ins, active, units_by_code)
    return digests


def _stand_in(
    digests: list[Digest],
    stand_ins: Mapping[int, int | None],
    officers: Sequence[OfficerView],
    units_by_code: Mapping[str, UnitView],
) -> list[Digest]:
    """Officers on leave get no digest; their items go to whoever stands in, merged with the
    stand-in's own (a task once, the most urgent way), and the digest names whom it covers."""
    by_officer = {d.officer.id: d for d in digests}
    people = {o.id: o for o in officers}
    kept = {d.officer.id: d for d in digests if d.officer.id not in stand_ins}
    for absent_id in sorted(stand_ins):
        absent = by_officer.get(absent_id)
        stand_in_id = stand_ins[absent_id]
        if absent is None or not absent.items or stand_in_id is None:
            continue
        stand_in = people.get(stand_in_id)
        if stand_in is None:
            continue
        mine = kept.get(stand_in_id)
        items: dict[int, Item] = {}
        for item in (*(mine.items if mine else ()), *absent.items):
            held = items.get(item.task.id)
            if held is None or _urgency(item) < _urgency(held):
                items[item.task.id] = item
        code = absent.officer.code or str(absent.officer.id)
        kept[stand_in_id] = Digest(
            officer=stand_in,
            day=absent.day,
            unit=mine.unit if mine else units_by_code.get(stand_in.unit),
            items=tuple(sorted(items.values(), key=_urgency)),
            summary=mine.summary if mine else None,
            covering=(*(mine.covering if mine else ()), code),
        )
    return [kept[i] for i in sorted(kept)]


def _named(
    items: tuple[Item, ...], officer: OfficerView, memo: dict[str, bool]
) -> tuple[Item, ...]:
    """A unit officer's items: a task of the unit named to another officer is theirs (and the
    head's) alone; tasks of other units (phối hợp) go to every officer of the co-unit."""
    if officer.unit not in memo:
        memo[officer.unit] = any(
            i.task.assignee_id is not None and i.task.unit == officer.unit for i in items
        )
    if not memo[officer.unit]:
        return items
    return tuple(
        i for i in items if i.task.unit != officer.unit or i.task.assignee_id in (None, officer.id)
    )


def _escalate(item: Item, after: int) -> Item:
    if item.kind is ItemKind.OVERDUE and item.working_days_overdue >= after:
        return Item(
            ItemKind.ESCALATION,
            item.task,
            days_overdue=item.days_overdue,
            working_days_overdue=item.working_days_overdue,
        )
    return item


def group_owed_on(
    day: date,
    tasks: Iterable[TaskView],
    units: Iterable[UnitView],
    linked: Collection[str],
    calendar: WorkingCalendar,
    settings: Settings | None = None,
) -> list[GroupDigest]:
    """The digests owed on `day` to unit group chats, one per unit of `linked` (the codes of
    the units that linked a group) that owes anything, by unit code.

    Like `owed_on`: nothing on a day off, what fell on one is owed on the next working day,
    and a unit's items are those every officer of the unit gets (no escalation, no summary),
    whether or not the unit has an active officer."""
    wanted = set(linked)
    if not wanted:
        return []
    owed = unit_items(day, (t for t in tasks if t.unit in wanted), calendar, settings)
    return group_digests(day, owed, units, wanted)


def group_digests(
    day: date,
    per_unit: Mapping[str, tuple[Item, ...]],
    units: Iterable[UnitView],
    linked: Collection[str],
) -> list[GroupDigest]:
    """`group_owed_on` from the day's `unit_items`: each group digest holds the very tuple
    of items its unit's officers get, so the scan renders it once for both."""
    return [
        GroupDigest(unit=unit, day=day, items=per_unit[unit.code])
        for unit in sorted(units, key=lambda u: u.code)
        if unit.code in linked and unit.code in per_unit
    ]
