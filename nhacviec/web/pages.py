"""The pages that read: the overview of every unit, a unit's tasks, one task, what waits for
approval, and the chart.

Every page follows the plans of the date, as /status does (Ctx.plans, storage.repo.plans_on):
their figures counted together by reports.figures.plan_figures, so the overview, the chart, a
unit's page and the chat show the same digits; a unit's list also holds the tasks carried into
the year from a closed one, marked, which the year's figures never count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aiohttp import web

from nhacviec.base import texts
from nhacviec.reports.chart import status_chart
from nhacviec.reports.figures import assessment_figures, plan_figures
from nhacviec.web import evidence, task_forms
from nhacviec.web.context import Ctx
from nhacviec.web.forms import parse_date
from rules import Outcome, days_late, days_overdue, outcome_on, unit_figures
from rules.access import Action, TaskScope, decide
from rules.approvals import judged
from storage import approvals as approval_store
from storage import assessments, repo, web_queries
from storage import tasks as task_store
from storage.web_queries import TaskFilter, TaskRow

OTHER_UNIT = texts.VIEW_OTHER_UNIT
CHART_UNITS = 25  # the chart's bars: more would not read on a phone
WATCH_SHOWN = 30  # the watch list's lines; the table below has every unit
UNASSIGNED = "chua-giao"  # the "người thụ lý" filter's value for tasks that name no officer
OUTCOME_ORDER = {
    Outcome.OVERDUE: 0,
    Outcome.DUE_SOON: 1,
    Outcome.OPEN: 2,
    Outcome.DONE_LATE: 3,
    Outcome.DONE_ON_TIME: 4,
}


def overview(ctx: Ctx) -> web.StreamResponse:
    """Every unit's counts and share, the watch list, areas against targets, inspections."""
    if not decide(ctx.actor, Action.STATUS_ALL):
        return web.Response(status=303, headers={"Location": f"/don-vi/{ctx.unit.code}"})
    plans = ctx.plans()
    if not plans:
        return ctx.render(
            "message.html", title=texts.WEB_OVERVIEW_TITLE, message=texts.WEB_NO_PLAN
        )
    today = ctx.today
    figures = plan_figures(ctx.db, plans, today, ctx.deps.config)
    # The self-scores of the plan /score records them on (and the report shows).
    scored = assessments.scored_plan(ctx.db, plans) or plans[0]
    assessment = assessment_figures(ctx.db, scored, today, ctx.deps.config)
    scores = {s.area.code: s for s in assessment.scores.areas}
    return ctx.render(
        "overview.html",
        plans=plans,
        figures=figures,
        total=figures.total,
        watch=figures.watch,
        watch_shown=WATCH_SHOWN,
        areas=figures.areas,
        scores=scores,
        score_summary=assessment.scores,
        coverage=assessment.inspections,
        inspections=assessment.inspection_rows,
        fail=figures.thresholds.fail,
    )


def chart(ctx: Ctx) -> web.StreamResponse:
    """The overview's chart: the units worst first, at most CHART_UNITS of them."""
    if not decide(ctx.actor, Action.STATUS_ALL):
        return ctx.refuse(texts.WEB_OVERVIEW_ONLY)
    plans = ctx.plans()
    if not plans:
        return ctx.not_found(texts.WEB_NO_PLAN)
    today = ctx.today
    figures = plan_figures(ctx.db, plans, today, ctx.deps.config)
    worst = [u for u in figures.units if u.assigned][:CHART_UNITS]
    title = texts.chart_plan_title(figures.title)
    png = status_chart(worst, figures.thresholds, today, title)
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})


@dataclass(frozen=True)
class Line:
    """A task as a unit's list shows it."""

    row: TaskRow
    outcome: Outcome
    days: int  # late or overdue by, else 0


def _line(row: TaskRow, on: date, due_soon_days: int, extension_counts_late: bool) -> Line:
    """A task's outcome as the figures judge it ([approvals] extension_counts_late included)."""
    facts = judged(row.facts, extension_counts_late)
    outcome = outcome_on(facts, on, due_soon_days)
    days = 0
    if outcome is Outcome.OVERDUE:
        days = days_overdue(facts, on)
    elif outcome is Outcome.DONE_LATE:
        days = days_late(facts, on)
    return Line(row, outcome, days)


def _sort(lines: list[Line], key: str) -> list[Line]:
    far = date.max
    if key == "han-giam":
        return sorted(lines, key=lambda x: x.row.facts.deadline or date.min, reverse=True)
    if key == "tien-do":
        return sorted(lines, key=lambda x: (x.row.facts.progress, x.row.facts.deadline or far))
    if key == "tinh-trang":
        return sorted(
            lines,
            key=lambda x: (OUTCOME_ORDER[x.outcome], -x.days, x.row.facts.deadline or far),
        )
    if key == "ma":
        return sorted(lines, key=lambda x: x.row.facts.code)
    return sorted(lines, key=lambda x: (x.row.facts.deadline or far, x.row.facts.id))


def _assignee(ctx: Ctx, raw: str, problems: list[str]) -> tuple[int | None, bool, str]:
    """The "người thụ lý" filter: an officer's code, or UNASSIGNED; (officer id, unassigned
    only, the value kept in the form). An unknown code adds a problem and filters nothing."""
    raw = raw.strip()
    if raw == UNASSIGNED:
        return None, True, raw
    if not raw:
        return None, False, ""
    officer = repo.officer_by_code(ctx.db, raw)
    if officer is None or officer.id is None:
        problems.append(texts.UNKNOWN_ASSIGNEE.format(code=raw))
        return None, False, ""
    return officer.id, False, officer.code


def unit_page(ctx: Ctx) -> web.StreamResponse:
    """A unit's tasks, filtered by state, area, authority, assignee (the named officer, or
    none) and due range, sorted as asked: the tasks of every plan the date follows and those
    carried into their year (marked), as /status UNIT lists them. Its figures are /status's
    (plan_figures): the year's own tasks, without the carried ones or the cancelled ones."""
    unit = repo.unit_by_code(ctx.db, ctx.match["code"])
    if unit is None or unit.id is None:
        return ctx.not_found(texts.NO_UNIT.format(code=ctx.match["code"]))
    if not decide(ctx.actor, Action.VIEW, TaskScope.of(unit.id)):
        return ctx.refuse(OTHER_UNIT)
    plans = ctx.plans()
    if not plans:
        return ctx.render("message.html", title=unit.name, message=texts.WEB_NO_PLAN)
    ids, year = ctx.plan_ids(), ctx.year()
    q = ctx.query
    problems: list[str] = []
    due_from = parse_date(q.get("tu", ""), texts.WEB_DUE_FROM, problems)
    due_to = parse_date(q.get("den", ""), texts.WEB_DUE_TO, problems)
    assignee_id, unassigned, assignee = _assignee(ctx, q.get("thu_ly", ""), problems)
    where = TaskFilter(
        area=q.get("linh_vuc") or None,
        authority=q.get("co_quan") or None,
        due_from=due_from,
        due_to=due_to,
        assignee_id=assignee_id,
        unassigned=unassigned,
    )
    on, soon = ctx.today, ctx.deps.config.rules.due_soon_days
    everything = web_queries.unit_tasks(ctx.db, ids, unit.id, TaskFilter(), year)
    figures = plan_figures(ctx.db, plans, on, ctx.deps.config)
    mine = figures.unit(unit.code) or unit_figures([], on, figures.thresholds, [unit.code])[0]
    carried = [r for r in everything if r.carried_from is not None]
    carried_years = sorted({r.carried_from for r in carried if r.carried_from is not None})
    chosen = web_queries.unit_tasks(ctx.db, ids, unit.id, where, year)
    state = q.get("trang_thai") or ""
    late_rule = ctx.deps.config.approvals.extension_counts_late
    lines = [_line(r, on, soon, late_rule) for r in chosen]
    if state:
        lines = [x for x in lines if x.outcome == state]
    sort = q.get("sap_xep") if q.get("sap_xep") in texts.WEB_SORTS else "han"
    return ctx.render(
        "unit.html",
        unit=unit,
        title=figures.title,
        figures=mine,
        carried_note=texts.carried_note(len(carried), carried_years) if carried else "",
        lines=_sort(lines, sort or "han"),
        total=len(everything),
        areas=web_queries.top_areas(ctx.db, ids),
        authorities=web_queries.authorities(ctx.db, ids, unit.id, year),
        assignees=web_queries.assignees(ctx.db, ids, unit.id, year),
        unassigned=(UNASSIGNED, texts.UNASSIGNED_CHOICE),
        outcomes=[o.value for o in OUTCOME_ORDER],
        sorts=texts.WEB_SORTS,
        chosen={
            "trang_thai": state,
            "linh_vuc": where.area or "",
            "co_quan": where.authority or "",
            "tu": due_from.isoformat() if due_from else "",
            "den": due_to.isoformat() if due_to else "",
            "thu_ly": assignee,
            "sap_xep": sort,
        },
        problems=problems,
        fail=ctx.deps.config.rules.fail_threshold,
    )


def task_page(ctx: Ctx, problems: Sequence[str] = (), status: int = 200) -> web.StreamResponse:
    """One task: details, deadline, co-operating units, its evidence (with the upload form for
    those who may add some) and its progress reports; `problems` say why an upload failed."""
    raw = ctx.match["id"]
    found = web_queries.task_page(ctx.db, int(raw)) if raw.isdigit() else None
    if found is None:
        return ctx.not_found(texts.TASK_NOT_FOUND.format(id=raw))
    task = found.task
    co_ids = frozenset(u.id for u in found.co_units if u.id is not None)
    scope = TaskScope.of(found.unit.id or 0, co_ids, task.assignee_id, task.state)
    if not decide(ctx.actor, Action.VIEW, scope):
        return ctx.refuse(OTHER_UNIT)
    facts = repo.facts_of(ctx.db, task, found.unit.code)
    return ctx.render(
        "task.html",
        saved=task_forms.saved(ctx.query, task.id or 0),
        status=status,
        page=found,
        task=task,
        line=_line(
            TaskRow(facts, task.authority, task.state, task.recurrence),
            ctx.today,
            ctx.deps.config.rules.due_soon_days,
            ctx.deps.config.approvals.extension_counts_late,
        ),
        tz=ctx.deps.config.timezone,
        when=lambda at: _local(at, ctx.deps.config.timezone),
        original=task_store.first_deadline(ctx.db, task),
        story=[
            (
                line,
                texts.event_text(
                    line.kind, line.field, line.old, line.new, line.reason, line.percent
                ),
            )
            for line in task_store.story(ctx.db, task.id or 0)
        ],
        problems=problems,
        **evidence.panel(ctx, task, scope),
    )


def _local(at: datetime, tz: str) -> str:
    return texts.dt(at, tz)


RECENT_DAYS = 14


def approvals(ctx: Ctx) -> web.StreamResponse:
    """What waits for the officer's decision (extensions, completions), whatever plan the
    task is of, as /cho lists it; and the completions reported in the last two weeks on the
    tasks the date's lists show (its plans, and the tasks carried into their year)."""
    actor = ctx.actor
    sees_all = bool(decide(actor, Action.STATUS_ALL))
    if not sees_all and not decide(actor, Action.APPROVE, TaskScope.of(ctx.unit.id or 0)):
        return ctx.refuse(texts.WEB_APPROVALS_ONLY)
    problems: list[str] = []
    if ctx.form is not None:
        done = _decide(ctx, problems)
        if done is not None:
            return web.Response(status=303, headers={"Location": f"/duyet?xong={done}"})
    since = ctx.deps.clock.now() - timedelta(days=RECENT_DAYS)
    unit_id = None if sees_all else ctx.unit.id
    done_rows = web_queries.recent_completions(ctx.db, ctx.plan_ids(), since, unit_id, ctx.year())
    saved = ctx.query.get("xong", "")
    kind, _, rest = saved.partition(":")
    action, _, task_id = rest.partition(":")
    said = texts.WEB_DECISIONS.get((kind, action), "")
    message = said.format(id=task_id) if task_id.isdigit() else ""
    return ctx.render(
        "approvals.html",
        status=400 if problems else 200,
        waiting=approval_store.waiting_for(ctx.db, ctx.officer),
        done=done_rows,
        days=RECENT_DAYS,
        problems=problems,
        saved=message,
        when=lambda at: _local(at, ctx.deps.config.timezone),
    )


def _decide(ctx: Ctx, problems: list[str]) -> str | None:
    """Carry out the decision the form asks for; what to say, or None with the problems."""
    form = ctx.form or {}
    raw_id, kind, action = (str(form.get(k, "")).strip() for k in ("nhiem_vu", "loai", "quyet"))
    reason = str(form.get("ly_do", "")).strip() or None
    if not raw_id.isdigit() or (kind, action) not in texts.WEB_DECISIONS:
        problems.append(texts.WEB_DECISION_UNCLEAR)
        return None
    if action == "tu-choi" and not reason:
        problems.append(texts.WEB_DECISION_NO_REASON.format(id=raw_id))
        return None
    who = task_store.Who(ctx.officer, "web", ctx.deps.clock.now(), ctx.today)
    try:
        if kind == "extension":
            approval_store.decide_extension(
                ctx.db, int(raw_id), action == "dong-y", who, ctx.deps.config.approvals, reason
            )
        elif action == "dong-y":
            approval_store.confirm_done(ctx.db, int(raw_id), who)
        else:
            approval_store.return_done(ctx.db, int(raw_id), who, reason or "")
    except task_store.TaskError as err:
        problems.append(err.text())
        return None
    return f"{kind}:{action}:{raw_id}"
