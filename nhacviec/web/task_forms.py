"""Adding, editing, cancelling and reopening a task from the web page.

The same storage.tasks calls as the chat's /giao, /sua, /huy and `nhacviec task`: the same
events (channel "web", the signed-in officer as actor) and the same notices through the outbox.
Who may do it is rules.access.decide's, asked on every GET and again on every POST. A value the
form refuses re-renders it with the message next to its field and everything typed kept;
nothing is written until every field is right. Edits are made on the version of the task the
form was loaded from: of two people editing at once, the second is told to reload.

A new task goes on the plan /giao adds to (storage.repo.plan_for_new_task); when the date follows
several plans the form offers them in a select, /giao's plan chosen by default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aiohttp import web

from nhacviec.base import texts
from nhacviec.web.context import PLAN_FIELD, Ctx, pick_plan
from rules.access import Action, Decision, Refusal, TaskScope, decide
from storage import assessments, repo, task_choices, web_queries
from storage import tasks as store
from storage.models import Area, Officer, Plan, Task, TaskEvent, TaskState, Unit

# The form's fields (their names are the query and form keys), empty as a new task starts.
FIELDS = (
    "ten",
    "don_vi",
    "can_bo",
    "linh_vuc",
    "co_quan",
    "so_van_ban",
    "han",
    "thuong_xuyen",
    "ghi_chu",
    "ly_do",
    "phien_ban",
    PLAN_FIELD,
)
CO_UNIT = "phoi_hop:"  # one checkbox per unit: "phoi_hop:KHTC" (a form keeps one value a name)
GENERAL = "_"  # an error about the whole form, not one field
# A refusal about the task's state, not about who asks: "cannot now" (409), not "not allowed".
STATE_REFUSALS = frozenset(
    {Refusal.CANCELLED, Refusal.NOT_CANCELLED, Refusal.DONE, Refusal.NOT_DONE}
)
# Which field a storage.tasks refusal is about.
ERROR_FIELDS = {
    "no_title": "ten",
    "no_officer": "can_bo",
    "assignee_other_unit": "can_bo",
    "no_unit": "don_vi",
    "no_area": "linh_vuc",
    "bad_day": "han",
    "no_reason": "ly_do",
}
DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


@dataclass
class Draft:
    """What the form sent (or shows), and what is wrong with it, field by field."""

    values: dict[str, str]
    co_units: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Parsed:
    """A draft's values as storage.tasks takes them."""

    title: str = ""
    lead: Unit | None = None
    assignee: Officer | None = None
    area: Area | None = None
    co_units: list[Unit] = field(default_factory=list)
    authority: str | None = None
    document: str | None = None
    deadline: date | None = None
    note: str | None = None
    reason: str | None = None


# -- reading the form ----------------------------------------------------------------------------


def _read(form: Mapping[str, Any]) -> Draft:
    values = {
        name: (form[name].strip() if isinstance(form.get(name), str) else "") for name in FIELDS
    }
    co = [k[len(CO_UNIT) :] for k in form if k.startswith(CO_UNIT)]
    return Draft(values, list(dict.fromkeys(co)))


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy as people type it (d/m/yyyy too), or yyyy-mm-dd; None if no such day."""
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _deadline(draft: Draft, plan: Plan, check_year: bool) -> date | None:
    """The deadline asked for: a day, or none for an ongoing task ("Thường xuyên"), which must
    be chosen on purpose; a day in a year before the plan's is in a closed year."""
    text, ongoing = draft.values["han"], bool(draft.values["thuong_xuyen"])
    if ongoing:
        if text:
            draft.errors["han"] = texts.WEB_TASK_DAY_AND_ONGOING
        return None
    if not text:
        draft.errors["han"] = texts.WEB_TASK_NO_DEADLINE
        return None
    day = parse_day(text)
    if day is None:
        draft.errors["han"] = texts.WEB_TASK_BAD_DAY.format(value=text, year=plan.year)
        return None
    if check_year and day.year < plan.year:
        draft.errors["han"] = texts.WEB_TASK_CLOSED_YEAR.format(
            day=texts.d(day), year=day.year, plan=plan.code, plan_year=plan.year
        )
    return day


def _parse(ctx: Ctx, draft: Draft, plan: Plan, task: Task | None) -> Parsed:
    """The draft's values resolved against the database; every problem in draft.errors."""
    v, errors, got = draft.values, draft.errors, Parsed()
    got.title = " ".join(v["ten"].split())
    if not got.title:
        errors["ten"] = texts.TASK_ERRORS["no_title"]
    if not v["don_vi"]:
        errors["don_vi"] = texts.WEB_TASK_CHOOSE_UNIT
    else:
        got.lead = repo.unit_by_code(ctx.db, v["don_vi"])
        if got.lead is None:
            errors["don_vi"] = texts.TASK_ERRORS["no_unit"].format(value=v["don_vi"])
    if v["can_bo"] not in ("", "-"):
        got.assignee = repo.officer_by_code(ctx.db, v["can_bo"].upper())
        if got.assignee is None or not got.assignee.active:
            errors["can_bo"] = texts.TASK_ERRORS["no_officer"].format(value=v["can_bo"])
            got.assignee = None
        elif got.lead is not None and got.assignee.unit_id != got.lead.id:
            errors["can_bo"] = texts.TASK_ERRORS["assignee_other_unit"].format(
                value=got.assignee.code
            )
    if v["linh_vuc"]:
        got.area = assessments.area_by_code(ctx.db, plan.id or 0, v["linh_vuc"])
        if got.area is None:
            errors["linh_vuc"] = texts.TASK_ERRORS["no_area"].format(value=v["linh_vuc"])
    for code in draft.co_units:
        unit = repo.unit_by_code(ctx.db, code)
        if unit is None:
            errors["phoi_hop"] = texts.WEB_TASK_CO_UNIT_UNKNOWN.format(value=code)
        elif got.lead is None or unit.id != got.lead.id:
            got.co_units.append(unit)
    got.authority = v["co_quan"] or None
    got.document = v["so_van_ban"] or None
    got.note = v["ghi_chu"] or None
    got.reason = v["ly_do"] or None
    moved = task is None or _day_changed(task, v)
    got.deadline = _deadline(draft, plan, check_year=moved)
    moved_now = task is not None and "han" not in errors and got.deadline != task.deadline
    if moved_now and not got.reason:
        errors["ly_do"] = texts.WEB_TASK_DEADLINE_REASON
    return got


def _day_changed(task: Task, values: Mapping[str, str]) -> bool:
    if values["thuong_xuyen"]:
        return task.deadline is not None
    return parse_day(values["han"]) != task.deadline


# -- showing the form ----------------------------------------------------------------------------


def _values_of(ctx: Ctx, task: Task) -> Draft:
    """An edit form filled with the task as it is."""
    lead = repo.get_unit(ctx.db, task.lead_unit_id)
    page = web_queries.task_page(ctx.db, task.id or 0)
    values = dict.fromkeys(FIELDS, "")
    values.update(
        ten=task.title,
        don_vi=lead.code if lead else "",
        can_bo=task_choices.officer_code(ctx.db, task.assignee_id),
        linh_vuc=page.area.code if page and page.area else "",
        co_quan=task.authority or "",
        so_van_ban=task.document or "",
        han=texts.d(task.deadline) if task.deadline else "",
        thuong_xuyen="" if task.deadline else "1",
        ghi_chu=task.note or "",
        phien_ban=str(task.version),
    )
    return Draft(values, [u.code for u in page.co_units] if page else [])


def plan_choices(ctx: Ctx) -> tuple[list[Plan], Plan | None]:
    """The plans a new task may go on, and the default: the plan /giao and `nhacviec task add`
    add an undated task to (repo.plan_for_new_task), beside every plan the date follows."""
    default = repo.plan_for_new_task(ctx.db, ctx.today, None)
    choices = list(ctx.plans())
    for extra in (default, repo.current_plan(ctx.db)):  # next year's plan, once imported
        if extra is not None and all(p.id != extra.id for p in choices):
            choices.append(extra)
    return choices, default


def _form(
    ctx: Ctx,
    plan: Plan,
    draft: Draft,
    task: Task | None,
    status: int = 200,
    choices: list[Plan] | None = None,
) -> web.Response:
    """The form; `choices`, the plans a new task may go on (a select when there are several),
    the areas of all of them offered (each checked against the plan chosen)."""
    choices = choices or [plan]
    lead = repo.unit_by_code(ctx.db, draft.values["don_vi"]) if draft.values["don_vi"] else None
    title = texts.WEB_TASK_ADD_TITLE if task is None else texts.WEB_TASK_EDIT_TITLE
    return ctx.render(
        "task_form.html",
        status=status,
        title=title.format(id=task.id if task else ""),
        task=task,
        plan=plan,
        plan_choices=choices,
        action="/nhiem-vu/moi" if task is None else f"/nhiem-vu/{task.id}/sua",
        values=draft.values,
        co_units=set(draft.co_units),
        errors=draft.errors,
        general=draft.errors.get(GENERAL) or (texts.WEB_TASK_FIX if draft.errors else None),
        units=web_queries.units(ctx.db),
        areas=task_choices.areas(ctx.db, [p.id for p in choices if p.id is not None]),
        officers=task_choices.active_officers(ctx.db, lead.id if lead else None),
        authorities=texts.AUTHORITIES,
    )


# -- shared steps --------------------------------------------------------------------------------


def _who(ctx: Ctx) -> store.Who:
    return store.Who(ctx.officer, "web", ctx.deps.clock.now(), ctx.today)


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _done(task_id: int, what: str, told: int) -> web.Response:
    return _see_other(f"/nhiem-vu/{task_id}?xong={what}&bao={told}")


def _refused(ctx: Ctx, decision: Decision, task_id: int | None = None) -> web.Response:
    reason = decision.reason or Refusal.OTHER_UNIT
    text = texts.ACCESS_REFUSALS[reason.value].format(id=task_id or "")
    if reason in STATE_REFUSALS:
        return ctx.render("message.html", 409, title=texts.WEB_TASK_CANNOT, message=text)
    return ctx.refuse(text)


def _task(ctx: Ctx) -> Task | None:
    """The task the address names; on a POST read afresh and locked until the transaction
    ends (storage.repo.locked_task), so a change racing another sees it."""
    raw = ctx.match["id"]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        return None
    if ctx.form is not None:
        return repo.locked_task(ctx.db, int(raw))
    return repo.get_task(ctx.db, int(raw))


def _scope(ctx: Ctx, task: Task) -> TaskScope:
    co = store.co_unit_ids(ctx.db, task.id or 0)
    return TaskScope.of(task.lead_unit_id, co, task.assignee_id, task.state)


def _error_field(err: store.TaskError) -> str:
    return ERROR_FIELDS.get(err.reason, GENERAL)


def _told(ctx: Ctx, events: list[TaskEvent]) -> int:
    return sum(len(store.notice_rows_of_event(ctx.db, e.id or 0)) for e in events)


def saved(query: Mapping[str, str], task_id: int) -> str | None:
    """The line a task's page shows after one of these forms was saved (`?xong=…&bao=N`)."""
    text = texts.WEB_TASK_SAVED.get(query.get("xong", ""))
    if text is None:
        return None
    told = query.get("bao", "")
    told_text = texts.WEB_TASK_TOLD.format(told=told) if told.isascii() and told.isdigit() else ""
    return text.format(id=task_id) + (told_text if told not in ("", "0") else "")


# -- the views -----------------------------------------------------------------------------------


def add_task(ctx: Ctx) -> web.StreamResponse:
    """GET: the empty form (`?don_vi=KHTC` picks the lead unit). POST: the task added with its
    "created" event and notices, as /giao and `nhacviec task add` add it, on the plan chosen
    (`ke_hoach`; /giao's by default)."""
    allowed = decide(ctx.actor, Action.ASSIGN)
    if not allowed:
        return _refused(ctx, allowed)
    choices, default = plan_choices(ctx)
    if default is None or default.id is None:
        return ctx.render("message.html", title=texts.WEB_TASK_ADD_TITLE, message=texts.NO_PLAN)
    if ctx.form is None:
        draft = Draft(dict.fromkeys(FIELDS, ""))
        chosen = repo.unit_by_code(ctx.db, ctx.query.get("don_vi", "").strip())
        draft.values["don_vi"] = chosen.code if chosen else ""
        return _form(ctx, default, draft, None, choices=choices)
    draft = _read(ctx.form)
    plan = pick_plan(choices, default, draft.values[PLAN_FIELD])
    if plan is None or plan.id is None:
        draft.errors[PLAN_FIELD] = texts.WEB_UNKNOWN_PLAN.format(code=draft.values[PLAN_FIELD])
        return _form(ctx, default, draft, None, 400, choices)
    got = _parse(ctx, draft, plan, None)
    if not draft.values[PLAN_FIELD].strip() and not draft.errors:
        # No plan chosen: as /giao, the plan of the deadline's year (a task given in December
        # for March joins next year's plan once it is imported).
        by_deadline = repo.plan_for_new_task(ctx.db, ctx.today, got.deadline)
        if by_deadline is not None and by_deadline.id not in (None, plan.id):
            plan = by_deadline
            got = _parse(ctx, draft, plan, None)
    if draft.errors or got.lead is None:
        return _form(ctx, plan, draft, None, 400, choices)
    try:
        task = store.add_task(
            ctx.db,
            store.NewTask(
                plan_id=plan.id or 0,
                title=got.title,
                lead_unit_id=got.lead.id or 0,
                deadline=got.deadline,
                authority=got.authority,
                document=got.document,
                area_id=got.area.id if got.area else None,
                assignee_id=got.assignee.id if got.assignee else None,
                co_unit_ids=[u.id or 0 for u in got.co_units],
                note=got.note,
            ),
            _who(ctx),
        )
    except store.TaskError as err:
        ctx.db.rollback()
        draft.errors[_error_field(err)] = err.text()
        return _form(ctx, plan, draft, None, 400, choices)
    told = len(store.notice_rows(ctx.db, task.id or 0))
    return _done(task.id or 0, "giao", told)


def edit_task(ctx: Ctx) -> web.StreamResponse:
    """GET: the form filled with the task. POST: each changed field through storage.tasks's
    `change` (one event each, the reason on every one, notices for a new deadline, unit or
    officer); a new deadline needs a reason. Refused whole if the task changed since the form
    was loaded."""
    task = _task(ctx)
    if task is None:
        return ctx.not_found(texts.WEB_TASK_NOT_FOUND.format(id=ctx.match["id"]))
    allowed = decide(ctx.actor, Action.EDIT, _scope(ctx, task))
    if not allowed:
        return _refused(ctx, allowed, task.id)
    plan = task_choices.plan_of(ctx.db, task.plan_id)
    assert plan is not None
    if ctx.form is None:
        return _form(ctx, plan, _values_of(ctx, task), task)
    draft = _read(ctx.form)
    if draft.values["phien_ban"] != str(task.version):
        draft.errors[GENERAL] = texts.WEB_TASK_STALE.format(id=task.id)
        return _form(ctx, plan, draft, task, 409)
    got = _parse(ctx, draft, plan, task)
    if draft.errors or got.lead is None:
        return _form(ctx, plan, draft, task, 400)
    # The lead unit first: the officer named must belong to the unit the task ends up with.
    wanted: list[tuple[str, Any]] = [
        ("lead_unit", got.lead),
        ("assignee", got.assignee),
        ("co_units", got.co_units),
        ("title", got.title),
        ("deadline", got.deadline),
        ("area", got.area),
        ("authority", got.authority),
        ("document", got.document),
        ("note", got.note),
    ]
    who, events = _who(ctx), []
    try:
        for name, value in wanted:
            event = store.change(ctx.db, task, name, value, who, got.reason)
            if event is not None:
                events.append(event)
    except store.TaskError as err:
        ctx.db.rollback()  # nothing of the form is kept when one field is refused
        draft.errors[_error_field(err)] = err.text()
        return _form(ctx, plan, draft, task, 400)
    return _done(task.id or 0, "sua" if events else "khong-doi", _told(ctx, events))


def cancel_task(ctx: Ctx) -> web.StreamResponse:
    """GET: what cancelling means and the reason to give. POST: the task cancelled through
    storage.tasks's `cancel` (event and notices), as /huy and `nhacviec task cancel` do."""
    return _state_change(ctx, Action.CANCEL)


def reopen_task(ctx: Ctx) -> web.StreamResponse:
    """GET/POST: a cancelled task brought back into the plan (`reopen`), the reason optional
    as for `nhacviec task reopen`."""
    return _state_change(ctx, Action.REOPEN)


def _state_change(ctx: Ctx, action: Action) -> web.StreamResponse:
    task = _task(ctx)
    if task is None:
        return ctx.not_found(texts.WEB_TASK_NOT_FOUND.format(id=ctx.match["id"]))
    allowed = decide(ctx.actor, action, _scope(ctx, task))
    if not allowed:
        return _refused(ctx, allowed, task.id)
    cancelling = action is Action.CANCEL
    title = texts.WEB_TASK_CANCEL_TITLE if cancelling else texts.WEB_TASK_REOPEN_TITLE
    reason = ""
    errors: dict[str, str] = {}
    if ctx.form is not None:
        raw = ctx.form.get("ly_do", "")
        reason = raw.strip() if isinstance(raw, str) else ""
        if cancelling and not reason:
            errors["ly_do"] = texts.WEB_TASK_CANCEL_REASON
        else:
            try:
                if cancelling:
                    event = store.cancel(ctx.db, task, _who(ctx), reason)
                else:
                    event = store.reopen(ctx.db, task, _who(ctx), reason or None)
            except store.TaskError as err:
                ctx.db.rollback()
                errors[_error_field(err)] = err.text()
            else:
                return _done(task.id or 0, "huy" if cancelling else "mo-lai", _told(ctx, [event]))
    return ctx.render(
        "task_cancel.html",
        status=400 if errors else 200,
        title=title.format(id=task.id),
        task=task,
        unit=repo.get_unit(ctx.db, task.lead_unit_id),
        cancelling=cancelling,
        cancelled=task.state == TaskState.CANCELLED,
        reason=reason,
        errors=errors,
    )
