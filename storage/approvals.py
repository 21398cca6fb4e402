"""Extensions (gia hạn) and confirmed completion: the requests, the decisions, the undo.

Every function here is what a chat command, a button or a web form calls: it takes the task's
lock (storage.repo.locked_task), asks rules.access who may act, changes the task, appends its
event and owes the messages the people concerned get (outbox rows keyed by the event, so each
goes out exactly once). `waiting_for` is what waits for one approver (the approvals page)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from nhacviec.base import texts
from nhacviec.base.config import ApprovalsConfig
from rules.access import Action, TaskScope, actor_of, decide, decide_step
from rules.approvals import Step, completion_step, extension_steps, next_step
from rules.events import EventKind, day_text
from rules.roles import Role
from storage import outbox, repo, tally
from storage.models import Officer, ProgressUpdate, Task, TaskEvent, TaskEvidence, TaskState, Unit
from storage.tasks import NOTICE_PREFIX, TaskError, Who, _links, co_unit_ids, owe_notices, record

# Button data of the approvers' messages: "<action>:<task id>".
EXT_APPROVE, EXT_REFUSE, CONFIRM, RETURN = "ext_ok", "ext_no", "cf_ok", "cf_back"


def _task(session: Session, task_id: int) -> Task:
    task = repo.locked_task(session, task_id)
    if task is None:
        raise TaskError("no_task", str(task_id))
    return task


def _scope(session: Session, task: Task) -> TaskScope:
    return TaskScope.of(
        task.lead_unit_id, co_unit_ids(session, task.id or 0), task.assignee_id, task.state
    )


def _check(session: Session, who: Who, task: Task, action: Action) -> None:
    # A substitute acts with the rights of the absent officer (rules.access.decide_for).
    officer = who.on_behalf or who.officer
    if officer is None:
        return  # the CLI's admin
    decision = decide(
        actor_of(officer.id, officer.unit_id, officer.role, officer.active),
        action,
        _scope(session, task),
    )
    if not decision:
        raise TaskError(f"access:{decision.reason}", str(task.id))


def _check_step(session: Session, who: Who, task: Task, step: str) -> None:
    officer = who.officer
    if officer is None:
        return
    decision = decide_step(
        actor_of(officer.id, officer.unit_id, officer.role, officer.active),
        step,
        _scope(session, task),
    )
    if not decision:
        raise TaskError("not_approver", str(task.id))


# -- who decides ----------------------------------------------------------------------------------


def deciders(session: Session, task: Task, step: str) -> list[int]:
    """The officers whose turn `step` is on `task`: the lead unit's head(s), or TCCB. A unit
    without a head falls to TCCB, so nothing waits for nobody."""
    ids: set[int] = set()
    if step == Step.HEAD:
        unit = session.get(Unit, task.lead_unit_id)
        if unit is not None and unit.head_id is not None:
            head = session.get(Officer, unit.head_id)
            if head is not None and head.active:
                ids.add(unit.head_id)
        ids.update(
            i
            for i in session.exec(
                select(Officer.id).where(
                    Officer.unit_id == task.lead_unit_id,
                    Officer.role == Role.HEAD,
                    col(Officer.active),
                )
            ).all()
            if i is not None
        )
    if not ids:
        ids.update(
            i
            for i in session.exec(
                select(Officer.id).where(Officer.role == Role.TCCB, col(Officer.active))
            ).all()
            if i is not None
        )
    return sorted(ids)


def all_deciders(session: Session) -> tuple[dict[int, list[int]], list[int]]:
    """Every unit's head(s) and TCCB, in two queries: (heads by unit, TCCB)."""
    heads: dict[int, set[int]] = {}
    tccb: list[int] = []
    active = {
        o.id: o
        for o in session.exec(
            select(Officer).where(
                col(Officer.active), col(Officer.role).in_([Role.HEAD, Role.TCCB])
            )
        ).all()
    }
    for officer in active.values():
        if officer.role == Role.HEAD and officer.id is not None:
            heads.setdefault(officer.unit_id, set()).add(officer.id)
        elif officer.id is not None:
            tccb.append(officer.id)
    for unit_id, head_id in session.exec(select(Unit.id, Unit.head_id)).all():
        if head_id is not None and unit_id is not None:
            head = active.get(head_id) or session.get(Officer, head_id)
            if head is not None and head.active:
                heads.setdefault(unit_id, set()).add(head_id)
    return {u: sorted(ids) for u, ids in heads.items()}, sorted(tccb)


def _reporter(session: Session, task: Task, kind: EventKind) -> TaskEvent | None:
    """The newest event of `kind` on the task (who asked, who reported)."""
    return session.exec(
        select(TaskEvent)
        .where(TaskEvent.task_id == task.id, TaskEvent.kind == kind.value)
        .order_by(col(TaskEvent.at).desc(), col(TaskEvent.id).desc())
    ).first()


# -- messages -------------------------------------------------------------------------------------


def _tell(
    session: Session,
    event: TaskEvent,
    who: Who,
    officer_ids: Iterable[int | None],
    text: str,
    buttons: Sequence[tuple[str, str]] = (),
    hint: str | None = None,
) -> int:
    """One outbox row per officer and linked chat, keyed by the event: sent exactly once."""
    wanted = [i for i in dict.fromkeys(officer_ids) if i is not None and i != who.officer_id]
    links = _links(session, wanted)
    payload = json.dumps(
        [
            {
                "chars": len(text),
                "tasks": [],
                "hint": hint,
                "buttons": [[[label, data] for label, data in buttons]] if buttons else [],
            }
        ],
        ensure_ascii=False,
    )
    rows = [
        {
            "officer_id": officer_id,
            "kind": f"{NOTICE_PREFIX}{event.id}",
            "day": who.day,
            "channel": channel,
            "chat_id": chat_id,
            "text": text,
            "payload": payload,
        }
        for officer_id in wanted
        for channel, chat_id in links.get(officer_id, [])
    ]
    return outbox.write_outbox(session.connection(), rows, who.at) if rows else 0


def _ask_extension(session: Session, task: Task, event: TaskEvent, who: Who, asker: str) -> int:
    step = task.extension_step or Step.TCCB
    text = texts.extension_request(
        task.id or 0,
        task.title,
        asker,
        task.deadline,
        task.extension_to,
        event.reason or "",
    )
    return _tell(
        session,
        event,
        who,
        deciders(session, task, step),
        text,
        [
            (texts.BUTTON_APPROVE, f"{EXT_APPROVE}:{task.id}"),
            (texts.BUTTON_REFUSE, f"{EXT_REFUSE}:{task.id}"),
        ],
        texts.EXTENSION_HINT.format(id=task.id),
    )


def _ask_confirmation(session: Session, task: Task, event: TaskEvent, who: Who) -> int:
    evidence = evidence_of(session, task.id or 0)
    text = texts.completion_request(
        task.id or 0,
        task.title,
        who.actor,
        task.reported_on,
        task.deadline,
        [e.document_number for e in evidence if e.document_number],
        sum(1 for e in evidence if e.filename),
    )
    return _tell(
        session,
        event,
        who,
        deciders(session, task, task.confirm_step or Step.HEAD),
        text,
        [
            (texts.BUTTON_CONFIRM, f"{CONFIRM}:{task.id}"),
            (texts.BUTTON_RETURN, f"{RETURN}:{task.id}"),
        ],
        texts.CONFIRM_HINT.format(id=task.id),
    )


# -- extensions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    """What a decision left: its event, whether the request is settled (False: it went on to
    the next approver), and how many messages were owed."""

    event: TaskEvent
    settled: bool
    told: int


def request_extension(
    session: Session,
    task_id: int,
    to: date,
    reason: str,
    who: Who,
    approvals: ApprovalsConfig,
) -> Decided:
    """The task's officer or head asks to move its deadline to `to`, before or after the
    deadline; the first approver is asked (buttons Đồng ý / Từ chối)."""
    task = _task(session, task_id)
    _check(session, who, task, Action.EXTEND)
    if task.extension_step is not None:
        raise TaskError("ext_pending", str(task.id))
    if not reason.strip():
        raise TaskError("ext_no_reason")
    if task.deadline is not None and to <= task.deadline:
        raise TaskError("ext_not_later", texts.d(task.deadline))
    if to < who.day:
        raise TaskError("ext_past", texts.d(to))
    task.extension_to = to
    task.extension_step = extension_steps(approvals.extension_approver)[0]
    session.add(task)
    session.flush()
    event = record(
        session,
        task,
        who,
        EventKind.EXTENSION_REQUESTED,
        "deadline",
        day_text(task.deadline),
        day_text(to),
        reason.strip(),
    )
    return Decided(event, False, _ask_extension(session, task, event, who, who.actor))


def decide_extension(
    session: Session,
    task_id: int,
    approve: bool,
    who: Who,
    approvals: ApprovalsConfig,
    reason: str | None = None,
) -> Decided:
    """The approver whose turn it is agrees (the next approver is asked, or the deadline in
    force becomes the date asked for, the original kept) or refuses (with a reason). The one
    who asked is told the answer."""
    task = _task(session, task_id)
    if task.extension_step is None or task.extension_to is None:
        raise TaskError("ext_none", str(task.id))
    step = task.extension_step
    _check_step(session, who, task, step)
    asked = _reporter(session, task, EventKind.EXTENSION_REQUESTED)
    asker = asked.officer_id if asked is not None else None
    requested = task.extension_to
    if not approve:
        if not (reason or "").strip():
            raise TaskError("refuse_no_reason")
        task.extension_to, task.extension_step = None, None
        session.add(task)
        session.flush()
        event = record(
            session,
            task,
            who,
            EventKind.EXTENSION_REFUSED,
            "deadline",
            day_text(task.deadline),
            day_text(requested),
            (reason or "").strip(),
        )
        text = texts.extension_refused(task.id or 0, task.title, requested, event.reason or "")
        return Decided(event, True, _tell(session, event, who, [asker], text))
    following = next_step(extension_steps(approvals.extension_approver), Step(step))
    if following is not None:
        task.extension_step = following
        session.add(task)
        session.flush()
        event = record(
            session, task, who, EventKind.EXTENSION_APPROVED, "step", step, following, reason
        )
        told = _ask_extension(session, task, event, who, asked.actor if asked else "")
        return Decided(event, False, told)
    old = task.deadline
    if task.extended_from is None:
        task.extended_from = old
    task.deadline = requested
    task.extension_to, task.extension_step = None, None
    task.snoozed_until = None
    session.add(task)
    session.flush()
    event = record(
        session,
        task,
        who,
        EventKind.EXTENSION_APPROVED,
        "deadline",
        day_text(old),
        day_text(requested),
        reason,
    )
    text = texts.extension_approved(task.id or 0, task.title, old, requested)
    return Decided(event, True, _tell(session, event, who, [asker], text))


# -- completion -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    """A `/done` recorded: `awaiting` if it waits for confirmation (then `step` is whose)."""

    task: Task
    awaiting: bool
    step: str | None
    told: int


class AlreadyDone(TaskError):
    def __init__(self, task: Task) -> None:
        super().__init__("already_done", str(task.id))
        self.task = task


def report_done(
    session: Session,
    task_id: int,
    who: Who,
    approvals: ApprovalsConfig,
    note: str | None = None,
    document_number: str | None = None,
) -> Reported:
    """An officer of the lead unit reports the task done on `who.day`. Without confirmation
    (or when the reporter's report needs none) it is done at once, as always; otherwise it
    waits, "chờ xác nhận", and the confirmer is asked (buttons Xác nhận / Trả lại)."""
    task = _task(session, task_id)
    if task.state == TaskState.DONE:
        raise AlreadyDone(task)
    if task.state == TaskState.REPORTED:
        raise TaskError("awaiting", str(task.id))
    _check(session, who, task, Action.DONE)
    role = who.officer.role if who.officer is not None else Role.ADMIN
    step = completion_step(approvals.confirm_completion, role, approvals.head_done_needs_tccb)
    session.add(
        ProgressUpdate(
            task_id=task.id or 0,
            officer_id=who.officer_id,
            at=who.at,
            kind="done",
            percent=100,
            note=note,
            channel=who.channel,
            on_behalf_id=who.on_behalf_id,
        )
    )
    task.progress = 100
    if document_number:
        add_document_number(session, task, who, document_number)
    if task.extension_step is not None:
        # Done before the extension was decided: the request has no more use.
        task.extension_to, task.extension_step = None, None
    if step is None:
        task.state = TaskState.DONE
        task.completed_at, task.completed_on = who.at, who.day
        session.add(task)
        session.flush()
        return Reported(task, False, None, 0)
    task.state = TaskState.REPORTED
    task.reported_on, task.confirm_step = who.day, step
    session.add(task)
    session.flush()
    event = record(
        session,
        task,
        who,
        EventKind.COMPLETION_REPORTED,
        "completed_on",
        None,
        day_text(who.day),
    )  # its note is the progress note written with it
    return Reported(task, True, step, _ask_confirmation(session, task, event, who))


def confirm_done(session: Session, task_id: int, who: Who) -> Decided:
    """The confirmer agrees: the task is done on the day it was reported."""
    task = _task(session, task_id)
    if task.state != TaskState.REPORTED or task.confirm_step is None:
        raise TaskError("not_awaiting", str(task.id))
    _check_step(session, who, task, task.confirm_step)
    reported = _reporter(session, task, EventKind.COMPLETION_REPORTED)
    task.state = TaskState.DONE
    task.completed_on, task.completed_at = task.reported_on, who.at
    task.reported_on, task.confirm_step = None, None
    session.add(task)
    session.flush()
    event = record(
        session,
        task,
        who,
        EventKind.COMPLETION_CONFIRMED,
        "completed_on",
        None,
        day_text(task.completed_on),
    )
    text = texts.completion_confirmed(task.id or 0, task.title, task.completed_on)
    told = _tell(session, event, who, [reported.officer_id if reported else None], text)
    return Decided(event, True, told)


def _progress_before_done(session: Session, task: Task) -> int:
    """The percent last reported before the task was reported done (0 if none)."""
    rows = session.exec(
        select(ProgressUpdate)
        .where(ProgressUpdate.task_id == task.id, ProgressUpdate.kind == "progress")
        .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
    ).all()
    return min(rows[-1].percent or 0, 99) if rows else 0


def return_done(session: Session, task_id: int, who: Who, reason: str) -> Decided:
    """The confirmer sends the report back, with a reason: the task is open again and the one
    who reported it is told why."""
    task = _task(session, task_id)
    if task.state != TaskState.REPORTED or task.confirm_step is None:
        raise TaskError("not_awaiting", str(task.id))
    _check_step(session, who, task, task.confirm_step)
    if not reason.strip():
        raise TaskError("return_no_reason")
    reported = _reporter(session, task, EventKind.COMPLETION_REPORTED)
    day = task.reported_on
    _reopen_fields(session, task)
    event = record(
        session,
        task,
        who,
        EventKind.COMPLETION_RETURNED,
        "completed_on",
        day_text(day),
        None,
        reason.strip(),
    )
    text = texts.completion_returned(task.id or 0, task.title, reason.strip())
    told = _tell(session, event, who, [reported.officer_id if reported else None], text)
    return Decided(event, True, told)


def withdraw_done(session: Session, task_id: int, who: Who) -> TaskEvent:
    """The officer who reported the task done takes it back while it awaits confirmation."""
    task = _task(session, task_id)
    if task.state != TaskState.REPORTED:
        raise TaskError("not_awaiting", str(task.id))
    reported = _reporter(session, task, EventKind.COMPLETION_REPORTED)
    if who.officer is not None and (reported is None or reported.officer_id != who.officer_id):
        raise TaskError("not_reporter", str(task.id))
    day = task.reported_on
    _reopen_fields(session, task)
    return record(
        session,
        task,
        who,
        EventKind.COMPLETION_WITHDRAWN,
        "completed_on",
        day_text(day),
        None,
    )


def reopen_done(session: Session, task_id: int, who: Who, reason: str) -> Decided:
    """The head of the lead unit or TCCB reopens a done task (a mistaken /done): it leaves the
    completed figures, with the reason kept; the lead unit is told."""
    task = _task(session, task_id)
    _check(session, who, task, Action.REOPEN_DONE)
    if task.state != TaskState.DONE:
        raise TaskError("not_done", str(task.id))
    if not reason.strip():
        raise TaskError("reopen_no_reason")
    day = task.completed_on
    _reopen_fields(session, task)
    event = record(
        session, task, who, EventKind.REOPENED, "completed_on", day_text(day), None, reason.strip()
    )
    told = owe_notices(session, task, event, who)
    return Decided(event, True, told)


def _reopen_fields(session: Session, task: Task) -> None:
    task.state = TaskState.OPEN
    task.progress = _progress_before_done(session, task)
    task.completed_on, task.completed_at = None, None
    task.reported_on, task.confirm_step = None, None
    session.add(task)
    session.flush()


# -- evidence -------------------------------------------------------------------------------------


def add_document_number(session: Session, task: Task, who: Who, number: str) -> TaskEvidence:
    """A document number (already recognised by rules.docnumber) as evidence of the task."""
    evidence = TaskEvidence(
        task_id=task.id or 0,
        at=who.at,
        officer_id=who.officer_id,
        channel=who.channel,
        document_number=number,
    )
    session.add(evidence)
    session.flush()
    record(session, task, who, EventKind.EVIDENCE_ADDED, "document_number", None, number)
    return evidence


def evidence_of(session: Session, task_id: int) -> list[TaskEvidence]:
    """A task's evidence, oldest first."""
    return list(
        session.exec(
            select(TaskEvidence)
            .where(TaskEvidence.task_id == task_id)
            .order_by(col(TaskEvidence.at), col(TaskEvidence.id))
        ).all()
    )


def evidence_by_task(session: Session, task_ids: Sequence[int]) -> dict[int, list[TaskEvidence]]:
    found: dict[int, list[TaskEvidence]] = {}
    if not task_ids:
        return found
    for row in session.exec(
        select(TaskEvidence)
        .where(col(TaskEvidence.task_id).in_(list(task_ids)))
        .order_by(col(TaskEvidence.at), col(TaskEvidence.id))
    ).all():
        found.setdefault(row.task_id, []).append(row)
    return found


def evidence_of_plans(session: Session, plan_ids: Sequence[int]) -> dict[int, list[TaskEvidence]]:
    """The evidence of every task of the plans, by task (a report lists it beside each)."""
    found: dict[int, list[TaskEvidence]] = {}
    if not plan_ids:
        return found
    for row in session.exec(
        select(TaskEvidence)
        .join(Task, col(Task.id) == TaskEvidence.task_id)
        .where(col(Task.plan_id).in_(list(plan_ids)))
        .order_by(col(TaskEvidence.at), col(TaskEvidence.id))
    ).all():
        found.setdefault(row.task_id, []).append(row)
    return found


# -- what waits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A request waiting for a decision: an extension or a completion."""

    task: Task
    kind: str  # "extension" or "completion"
    step: str
    day: date | None  # the date asked for, or the day reported
    by: str  # who asked or reported (officer code)
    reason: str | None


def waiting(session: Session, plan_id: int | None = None) -> list[Waiting]:
    """Every request waiting for someone, oldest deadline first (four queries in all)."""
    # One query per step, each read from its partial index: with OR, or ordered by deadline,
    # the planner may read the whole task table instead. `IN (the steps)` rather than
    # `IS NOT NULL`: on a table PostgreSQL has not analyzed yet it guesses nearly every row for
    # the latter and reads them all; it implies the index's predicate all the same.
    steps = [s.value for s in Step]
    by_id: dict[int, Task] = {}
    for step in (Task.extension_step, Task.confirm_step):
        query = select(Task).where(col(step).in_(steps))
        if plan_id is not None:
            query = query.where(Task.plan_id == plan_id)
        by_id.update((t.id or 0, t) for t in session.exec(query).all())
    # A task without a deadline first, as SQLite ordered them.
    tasks = sorted(by_id.values(), key=lambda t: (t.deadline or date.min, t.id or 0))
    asked: dict[tuple[int, str], TaskEvent] = {}
    if tasks:
        kinds = [EventKind.EXTENSION_REQUESTED.value, EventKind.COMPLETION_REPORTED.value]
        for row in session.exec(
            select(TaskEvent)
            .where(
                col(TaskEvent.task_id).in_([t.id for t in tasks]),
                col(TaskEvent.kind).in_(kinds),
            )
            .order_by(col(TaskEvent.at), col(TaskEvent.id))
        ).all():
            asked[(row.task_id or 0, row.kind)] = row  # the newest wins
    found: list[Waiting] = []
    for task in tasks:
        for kind, step, day, asked_kind in (
            ("extension", task.extension_step, task.extension_to, EventKind.EXTENSION_REQUESTED),
            ("completion", task.confirm_step, task.reported_on, EventKind.COMPLETION_REPORTED),
        ):
            if step is None:
                continue
            event = asked.get((task.id or 0, asked_kind.value))
            by, why = (event.actor, event.reason) if event else ("", None)
            found.append(Waiting(task, kind, step, day, by, why))
    return found


def waiting_for(session: Session, officer: Officer, plan_id: int | None = None) -> list[Waiting]:
    """What waits for `officer` to decide (rules.access.decide_step says whose turn it is; a
    step depends on the lead unit only)."""
    actor = actor_of(officer.id, officer.unit_id, officer.role, officer.active)
    return [
        w
        for w in waiting(session, plan_id)
        if decide_step(actor, w.step, TaskScope.of(w.task.lead_unit_id))
    ]


def awaiting_confirmation(
    session: Session, plan_ids: int | list[int], carried_into: int | None = None
) -> list[Task]:
    """Tasks of the plans (and, with `carried_into`, those carried into that year) reported
    done and not yet confirmed (for /status and the report)."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    return list(
        session.exec(
            select(Task)
            .where(
                tally.listed(col(Task.plan_id), col(Task.carried_to_year), ids, carried_into),
                Task.state == TaskState.REPORTED,
            )
            .order_by(col(Task.reported_on), col(Task.id))
        ).all()
    )


WAITING_KIND = "waiting"  # outbox kind of the daily "what waits for you" message


def owe_waiting_reminders(engine: Engine, day: date, now: datetime) -> int:
    """With the morning digests: one message per approver or confirmer who has requests
    waiting for them, listing them (outbox rows keyed by day and officer: written and sent
    once however often the scan runs). Returns rows written."""
    with Session(engine) as session, session.begin():
        pending = waiting(session)
        if not pending:
            return 0
        deciders_of: dict[int, list[Waiting]] = {}
        heads, tccb = all_deciders(session)
        for item in pending:
            people = heads.get(item.task.lead_unit_id) if item.step == Step.HEAD else None
            # As `deciders`: a unit without a head falls to TCCB.
            for officer_id in people or tccb:
                deciders_of.setdefault(officer_id, []).append(item)
        links = _links(session, list(deciders_of))
        rows = []
        for officer_id, items in deciders_of.items():
            lines = [texts.WAITING_HEADER.format(count=len(items))]
            lines += [
                texts.waiting_line(w.kind, w.task.id or 0, w.task.title, w.day, w.by)
                for w in items[:10]
            ]
            if len(items) > 10:
                lines.append(texts.waiting_more(len(items) - 10))
            text = "\n".join(lines)
            first = items[0]
            hint = (
                texts.EXTENSION_HINT if first.kind == "extension" else texts.CONFIRM_HINT
            ).format(id=first.task.id)
            buttons = [
                [
                    [f"#{w.task.id} {label}", f"{action}:{w.task.id}"]
                    for label, action in (
                        (texts.BUTTON_APPROVE, EXT_APPROVE)
                        if w.kind == "extension"
                        else (texts.BUTTON_CONFIRM, CONFIRM),
                    )
                ]
                for w in items[:10]
            ]
            payload = json.dumps(
                [{"chars": len(text), "tasks": [], "hint": hint, "buttons": buttons}],
                ensure_ascii=False,
            )
            for channel, chat_id in links.get(officer_id, []):
                rows.append(
                    {
                        "officer_id": officer_id,
                        "kind": WAITING_KIND,
                        "day": day,
                        "channel": channel,
                        "chat_id": chat_id,
                        "text": text,
                        "payload": payload,
                    }
                )
        return outbox.write_outbox(session.connection(), rows, now) if rows else 0
