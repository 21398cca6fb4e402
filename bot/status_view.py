"""/status as phone-sized text: the department view (worst units first, the watch list, the
inspections) for TCCB, one unit's tasks page by page, and /areas with the self-scores.

Lines stay near 35 characters so that a phone shows them unwrapped; a long view continues in
a second message marked (1/2), a unit's task list in pages (`/status KHTC 2`)."""

from __future__ import annotations

from datetime import date

from bot.messages import Attachment, Reply, split_text
from nhacviec.base import texts
from nhacviec.base.config import Config
from nhacviec.reports.chart import status_chart
from nhacviec.reports.figures import (
    AssessmentFigures,
    PlanFigures,
    assessment_figures,
    plan_figures,
)
from rules import (
    AreaFigures,
    InspectionCoverage,
    Outcome,
    TaskFacts,
    Thresholds,
    UnitFigures,
    days_late,
    days_overdue,
    outcome_on,
)
from rules.approvals import judged
from storage import approvals, assessments, repo
from storage.db import Session
from storage.models import Plan

# Zalo takes 2000 characters a message, Telegram 4096: one limit that suits both.
PHONE_LIMIT = 1800
TASKS_PER_PAGE = 10
TITLE_WIDTH = 60
# At a province's scale (hundreds of units) the department view shows the worst units in
# full and summarises the others; every unit stays one `/status UNIT` away.
DETAILED_UNITS = 20
WATCH_CODES = 30

# A unit's tasks: what needs action first.
_ORDER = {
    Outcome.OVERDUE: 0,
    Outcome.DUE_SOON: 1,
    Outcome.OPEN: 2,
    Outcome.DONE_LATE: 3,
    Outcome.DONE_ON_TIME: 4,
}


def rate_line(f: UnitFigures) -> str:
    """`   năm 38,1% (8/21) · đến nay 50% (8/16)`: both rates with what they are taken on."""
    return texts.status_rates(
        texts.tenths(f.year_tenths),
        f.failed_or_late,
        f.assigned,
        texts.tenths(f.so_far_tenths),
        f.settled,
    )


def unit_lines(f: UnitFigures, thresholds: Thresholds, label: str | None = None) -> list[str]:
    """A unit in four short lines: the flag and which rate raised it, both rates, the margin
    left before the year's line, the counts.

    `🔴 KHTC ≥30% (năm)`, `   năm 38,1% (8/21) · đến nay 50% (8/16)`,
    `   còn được trễ 0 nhiệm vụ`, `   đúng 8 · trễ 4 · quá hạn 4 · mở 5`."""
    head = (
        f"{texts.FLAG_ICONS[f.flag]} {label or f.unit} "
        f"{texts.flag_text(f.flag, thresholds.fail, f.basis)}"
    )
    counts = texts.status_counts(f.on_time, f.late, f.overdue, f.open)
    return [head, rate_line(f), f"   {texts.margin_text(f.margin, f.year_over)}", counts]


def inspection_lines(cov: InspectionCoverage) -> list[str]:
    """`🔎 Kiểm tra CCHC 2023: 2/14 (14%)` and what is still needed for the target."""
    share = texts.pct(cov.share, (cov.target,))
    lines = [texts.status_inspections(cov.year, len(cov.inspected), cov.total, share)]
    if cov.met:
        lines.append(texts.status_inspections_met(cov.target))
    else:
        lines.append(texts.status_inspections_needed(cov.target, cov.needed))
    return lines


def department_text(figures: PlanFigures, assessment: AssessmentFigures | None = None) -> str:
    """The department view as one text (department_blocks joined)."""
    return "\n".join(department_blocks(figures, assessment))


def department_blocks(
    figures: PlanFigures, assessment: AssessmentFigures | None = None
) -> list[str]:
    """The department view: the rules, the watch list, the units needing attention in full
    (at most DETAILED_UNITS, worst first), the others summarised, the department total, the
    criterion 1.6 line and the view by assigning authority."""
    t = figures.thresholds
    total = figures.total
    lines = [
        texts.status_title(figures.title),
        texts.status_day(figures.on, total.assigned),
        texts.SHARE_RULE,
        texts.SO_FAR_RULE,
        texts.status_fail_line(t.fail),
        texts.status_warning_line(t.warning),
    ]
    if figures.counted:
        lines.append(texts.status_counted(figures.counted))
    watch = figures.watch
    if watch:
        codes = [f.unit for f in watch[:WATCH_CODES]]
        more = (
            texts.status_more_units(len(watch) - WATCH_CODES) if len(watch) > WATCH_CODES else ""
        )
        lines.append(texts.status_watch(len(watch), codes, more))
    else:
        lines.append(texts.NO_WATCH)
    lines.append("")
    with_tasks = [f for f in figures.units if f.assigned]
    for f in with_tasks[:DETAILED_UNITS]:
        lines.append("\n".join(unit_lines(f, t)))  # one block: never split between messages
    rest = with_tasks[DETAILED_UNITS:]
    if rest:
        worst = rest[0]
        lines.append(texts.status_rest(len(rest), worst.unit, texts.tenths(worst.year_tenths)))
    lines.append("\n".join(unit_lines(total, t, label=texts.DEPARTMENT_TOTAL)))
    idle = [f.unit for f in figures.units if not f.assigned]
    if idle:
        shown = ", ".join(sorted(idle)[:WATCH_CODES])
        more = texts.status_more_units(len(idle) - WATCH_CODES) if len(idle) > WATCH_CODES else ""
        lines.append(texts.status_idle(shown, more))
    criterion = criterion_lines(figures)
    if criterion:
        lines.append("\n".join(criterion))
    lines += authority_lines(figures)
    if assessment is not None:
        lines += inspection_lines(assessment.inspections)
        s = assessment.scores
        if s.scored:
            lines.append(texts.status_scores(s.scored, len(s.areas), s.total, s.max_total))
    lines.append(texts.STATUS_SEE)
    return lines


def criterion_lines(figures: PlanFigures) -> list[str]:
    """Criterion 1.6: the tasks from Tỉnh ủy, HĐND and UBND: due, on time, late, overdue."""
    c = figures.criterion
    if c is None or not c.assigned:
        return []
    return [
        texts.status_criterion(c.assigned),
        texts.status_criterion_counts(c.settled, c.on_time, c.late, c.overdue),
    ]


def authority_lines(figures: PlanFigures) -> list[str]:
    """Per assigning authority: `• UBND tỉnh 12 NV · năm 8,3% · đến nay 20%`."""
    rows = [a for a in figures.authorities if a.assigned]
    if not rows:
        return []
    lines = [texts.STATUS_BY_AUTHORITY]
    for a in sorted(rows, key=lambda r: (-r.assigned, r.unit)):
        lines.append(
            texts.status_authority(
                a.unit, a.assigned, texts.tenths(a.year_tenths), texts.tenths(a.so_far_tenths)
            )
        )
    return lines


def task_lines(task: TaskFacts, on: date, due_soon_days: int) -> list[str]:
    """A task of a unit's status page, its outcome on `on` first:
    `#12 title…` and `   🔴 quá hạn 25 ngày · hạn 25/06/2023`."""
    outcome = outcome_on(task, on, due_soon_days)
    icon = texts.OUTCOME_ICONS[outcome]
    deadline = texts.status_deadline(texts.deadline_text(task.deadline, task.written))
    progress = f"{task.progress}%"
    if outcome is Outcome.OVERDUE:
        details = [texts.status_overdue(icon, days_overdue(task, on)), deadline]
    elif outcome is Outcome.DUE_SOON and task.deadline is not None:
        details = [texts.status_due_in(icon, (task.deadline - on).days), deadline, progress]
    elif outcome is Outcome.OPEN:
        details = [f"{icon} {deadline}", progress]
    elif outcome is Outcome.DONE_LATE:
        details = [texts.status_done_late(icon, days_late(task, on)), texts.d(task.completed_on)]
    else:
        details = [texts.status_done(icon, task.completed_on)]
        if task.extended_from is not None:
            details.append(texts.OUTCOME_EXTENDED)
    details.append(texts.carried_mark(task.carried_from))
    return texts.task_entry(task.id, task.title, details, TITLE_WIDTH).split("\n")


def unit_text(
    figures: PlanFigures,
    code: str,
    tasks: list[TaskFacts],
    due_soon_days: int,
    page: int = 1,
) -> str:
    """A unit's figures and one page of its tasks, the ones needing action first. Tasks
    carried from a closed year are listed (marked) but not in the figures, which are the
    year's own."""
    on = figures.on
    f = figures.unit(code)
    name = figures.unit_names.get(code, code)
    lines = [texts.status_unit_head(code, name), texts.status_on(on)]
    if (f is None or not f.assigned) and not tasks:
        lines.append(texts.STATUS_UNIT_NO_TASKS)
        return "\n".join(lines)
    if f is not None and f.assigned:
        lines += unit_lines(f, figures.thresholds)
    carried_from = sorted({t.carried_from for t in tasks if t.carried_from is not None})
    if carried_from:
        carried = sum(1 for t in tasks if t.carried_from is not None)
        lines.append(texts.carried_note(carried, carried_from))
    ranked = sorted(
        tasks,
        key=lambda t: (_ORDER[outcome_on(t, on, due_soon_days)], t.deadline or date.max, t.id),
    )
    pages = max(1, -(-len(ranked) // TASKS_PER_PAGE))
    page = min(max(page, 1), pages)
    for task in ranked[(page - 1) * TASKS_PER_PAGE : page * TASKS_PER_PAGE]:
        lines += task_lines(task, on, due_soon_days)
    if page < pages:
        lines.append(texts.status_page_next(page, pages, code))
    elif pages > 1:
        lines.append(texts.status_page(page, pages))
    return "\n".join(lines)


def awaiting_text(session: Session, plans: list[Plan], unit_id: int | None) -> str:
    """Tasks reported done and waiting for confirmation (not yet counted as done), those
    carried into the plans' year included."""
    ids = [p.id for p in plans if p.id is not None]
    year = plans[0].year if plans else None
    waiting = [
        t
        for t in approvals.awaiting_confirmation(session, ids, year)
        if unit_id is None or t.lead_unit_id == unit_id
    ]
    if not waiting:
        return ""
    lines = ["", texts.AWAITING_HEADER.format(count=len(waiting))]
    for task in waiting[:10]:
        step = texts.STEP_NAMES.get(task.confirm_step or "", "")
        lines.append(texts.status_awaiting(task.id or 0, task.reported_on, step))
    if len(waiting) > 10:
        lines.append(texts.status_more_tasks(len(waiting) - 10))
    return "\n".join(lines)


def numbered_blocks(blocks: list[str]) -> list[Reply]:
    """Blocks (a unit's four lines) packed into phone-sized messages, never split across two,
    marked (1/2), (2/2) when there are several."""
    limit = PHONE_LIMIT - 8
    parts: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) > limit and current:
            parts.append(current)
            current = block
        else:
            current = candidate
    if current:
        parts.append(current)
    parts = [piece for part in parts for piece in split_text(part, limit)]
    if len(parts) == 1:
        return [Reply(parts[0])]
    return [Reply(f"{p}\n({n}/{len(parts)})") for n, p in enumerate(parts, start=1)]


def numbered(text: str) -> list[Reply]:
    """One reply, or several marked (1/2), (2/2) when longer than a phone message."""
    parts = split_text(text, PHONE_LIMIT - 8)
    if len(parts) == 1:
        return [Reply(text)]
    return [Reply(f"{p}\n({n}/{len(parts)})") for n, p in enumerate(parts, start=1)]


def status_replies(
    session: Session,
    plans: list[Plan],
    on: date,
    config: Config,
    unit_code: str | None,
    with_chart: bool = False,
    page: int = 1,
) -> list[Reply]:
    """The department view (with the chart as a photo where the messenger takes one), or one
    page of a unit's view."""
    figures = plan_figures(session, plans, on, config)
    if unit_code is not None:
        unit = repo.unit_by_code(session, unit_code)
        code = unit.code if unit else unit_code
        late_rule = config.approvals.extension_counts_late
        ids = [p.id for p in plans if p.id is not None]
        # Listed with the tasks carried into the year (storage/carry.py); counted apart.
        facts = (
            repo.task_facts(session, ids, unit.id, carried_into=plans[0].year)
            if unit and unit.id
            else []
        )
        tasks = [judged(t, late_rule) for t in facts]
        text = unit_text(figures, code, tasks, config.rules.due_soon_days, page)
        return numbered(text + awaiting_text(session, plans, unit.id if unit else None))
    # The self-scores of the plan /score records them on (the first with areas), as the web.
    scored = assessments.scored_plan(session, plans) or figures.plan
    blocks = department_blocks(figures, assessment_figures(session, scored, on, config))
    waiting = awaiting_text(session, plans, None).strip("\n")
    replies = numbered_blocks([*blocks, waiting] if waiting else blocks)
    if with_chart:
        png = status_chart(
            figures.units, figures.thresholds, on, texts.chart_plan_title(figures.title)
        )
        replies[-1].attachments.append(Attachment(f"tinh-hinh-{on:%Y%m%d}.png", png, kind="photo"))
    return replies


def area_lines(a: AreaFigures, self_score: float | None, last_year: int) -> list[str]:
    """An area in four short lines: name, tasks, progress, points."""
    area = a.area
    return [
        f"{area.code}. {texts.shorten(area.name, TITLE_WIDTH)}",
        texts.areas_tasks(a.tasks, a.done, a.late, a.overdue),
        texts.areas_progress(a.mean_progress, a.done_share),
        texts.areas_points(
            area.target_score, area.max_score, last_year, area.last_year_score, self_score
        ),
    ]


def areas_replies(session: Session, plans: list[Plan], on: date, config: Config) -> list[Reply]:
    """Per area: its tasks and progress, target, last year's score and the latest self-score;
    then the seven areas' total against their maximum and the goal, survey included."""
    figures = plan_figures(session, plans, on, config)
    plan = figures.plan
    scored = assessments.scored_plan(session, plans) or plan
    scores = assessment_figures(session, scored, on, config).scores
    by_code = {s.area.code: s.points for s in scores.areas}
    lines = [texts.areas_title(figures.title), texts.areas_day(on)]
    for a in figures.areas:
        lines += area_lines(a, by_code.get(a.area.code), plan.year - 1)
    lines.append(
        texts.status_scores(scores.scored, len(scores.areas), scores.total, scores.max_total)
    )
    lines.append(
        texts.GOAL_NOTE.format(
            goal=texts.num(scores.goal_total),
            index=texts.num(scores.index_total),
            survey=texts.num(scores.survey_points),
            max=texts.num(scores.max_total),
        )
    )
    lines.append(texts.AREAS_HOW_TO_SCORE)
    return numbered("\n".join(lines))
