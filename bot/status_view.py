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
from storage import approvals, repo
from storage.db import Session
from storage.models import Plan

# Zalo takes 2000 characters a message, Telegram 4096: one limit that suits both.
PHONE_LIMIT = 1800
TASKS_PER_PAGE = 10
TITLE_WIDTH = 60

# A unit's tasks: what needs action first.
_ORDER = {
    Outcome.OVERDUE: 0,
    Outcome.DUE_SOON: 1,
    Outcome.OPEN: 2,
    Outcome.DONE_LATE: 3,
    Outcome.DONE_ON_TIME: 4,
}


def unit_lines(f: UnitFigures, thresholds: Thresholds, label: str | None = None) -> list[str]:
    """`🔴 KHTC 45% (9/20) ≥30%` and `   đúng 8 · trễ 3 · quá hạn 6 · mở 3`."""
    head = (
        f"{texts.FLAG_ICONS[f.flag]} {label or f.unit} {texts.pct(f.share)} "
        f"({f.failed_or_late}/{f.assigned}) {texts.flag_name(f.flag, thresholds.fail)}"
    )
    counts = f"   đúng {f.on_time} · trễ {f.late} · quá hạn {f.overdue} · mở {f.open}"
    return [head, counts]


def inspection_lines(cov: InspectionCoverage) -> list[str]:
    """`🔎 Kiểm tra CCHC 2023: 2/14 (14%)` and what is still needed for the target."""
    lines = [
        f"🔎 Kiểm tra CCHC {cov.year}: {len(cov.inspected)}/{cov.total} ({texts.pct(cov.share)})"
    ]
    if cov.met:
        lines.append(f"   ✅ đạt mục tiêu ≥{texts.pct(cov.target)}")
    else:
        lines.append(f"   mục tiêu ≥{texts.pct(cov.target)}: còn {cov.needed} đơn vị")
    return lines


def department_text(figures: PlanFigures, assessment: AssessmentFigures | None = None) -> str:
    t = figures.thresholds
    total = figures.total
    lines = [
        f"📊 Tình hình {figures.plan.code}",
        f"Ngày {texts.d(figures.on)} · {total.assigned} nhiệm vụ",
        texts.SHARE_RULE,
        f"🔴 từ {texts.pct(t.fail)}: không hoàn thành NV",
        f"🟡 từ {texts.pct(t.warning)}: cảnh báo",
    ]
    watch = figures.watch
    if watch:
        lines.append(f"⚠️ Cần chú ý ({len(watch)}): " + ", ".join(f.unit for f in watch))
    else:
        lines.append(texts.NO_WATCH)
    lines.append("")
    for f in figures.units:
        if f.assigned:
            lines += unit_lines(f, t)
    lines += unit_lines(total, t, label="Toàn Sở")
    idle = [f.unit for f in figures.units if not f.assigned]
    if idle:
        lines.append("Chưa có nhiệm vụ: " + ", ".join(sorted(idle)))
    if assessment is not None:
        lines += inspection_lines(assessment.inspections)
        s = assessment.scores
        if s.scored:
            lines.append(
                f"📝 Tự chấm {s.scored}/{len(s.areas)} lĩnh vực: "
                f"{texts.num(s.total)}/{texts.num(s.max_total)}"
            )
    lines.append("Xem: /status ĐƠN_VỊ · /areas")
    return "\n".join(lines)


def task_lines(task: TaskFacts, on: date, due_soon_days: int) -> list[str]:
    """A task of a unit's status page, its outcome on `on` first:
    `#12 title…` and `   🔴 quá hạn 25 ngày · hạn 25/06/2023`."""
    outcome = outcome_on(task, on, due_soon_days)
    icon = texts.OUTCOME_ICONS[outcome]
    deadline = f"hạn {texts.d(task.deadline)}"
    progress = f"{task.progress}%"
    if outcome is Outcome.OVERDUE:
        details = [f"{icon} quá hạn {days_overdue(task, on)} ngày", deadline]
    elif outcome is Outcome.DUE_SOON and task.deadline is not None:
        left = (task.deadline - on).days
        when = "hạn hôm nay" if left == 0 else f"còn {left} ngày"
        details = [f"{icon} {when}", deadline, progress]
    elif outcome is Outcome.OPEN:
        details = [f"{icon} {deadline}", progress]
    elif outcome is Outcome.DONE_LATE:
        details = [f"{icon} xong trễ {days_late(task, on)} ngày", texts.d(task.completed_on)]
    else:
        details = [f"{icon} xong {texts.d(task.completed_on)}"]
        if task.extended_from is not None:
            details.append(texts.OUTCOME_EXTENDED)
    return texts.task_entry(task.id, task.title, details, TITLE_WIDTH).split("\n")


def unit_text(
    figures: PlanFigures,
    code: str,
    tasks: list[TaskFacts],
    due_soon_days: int,
    page: int = 1,
) -> str:
    """A unit's figures and one page of its tasks, the ones needing action first."""
    on = figures.on
    f = figures.unit(code)
    name = figures.unit_names.get(code, code)
    lines = [f"📋 {code} · {name}", f"Ngày {texts.d(on)}"]
    if f is None or not f.assigned:
        lines.append("Chưa có nhiệm vụ.")
        return "\n".join(lines)
    lines += unit_lines(f, figures.thresholds)
    ranked = sorted(
        tasks,
        key=lambda t: (_ORDER[outcome_on(t, on, due_soon_days)], t.deadline or date.max, t.id),
    )
    pages = max(1, -(-len(ranked) // TASKS_PER_PAGE))
    page = min(max(page, 1), pages)
    for task in ranked[(page - 1) * TASKS_PER_PAGE : page * TASKS_PER_PAGE]:
        lines += task_lines(task, on, due_soon_days)
    if page < pages:
        lines.append(f"Trang {page}/{pages} · gõ /status {code} {page + 1}")
    elif pages > 1:
        lines.append(f"Trang {page}/{pages}")
    return "\n".join(lines)


def awaiting_text(session: Session, plan: Plan, unit_id: int | None) -> str:
    """Tasks reported done and waiting for confirmation (not yet counted as done)."""
    waiting = [
        t
        for t in approvals.awaiting_confirmation(session, plan.id or 0)
        if unit_id is None or t.lead_unit_id == unit_id
    ]
    if not waiting:
        return ""
    lines = ["", texts.AWAITING_HEADER.format(count=len(waiting))]
    for task in waiting[:10]:
        step = texts.STEP_NAMES.get(task.confirm_step or "", "")
        lines.append(f"#{task.id} báo xong {texts.d(task.reported_on)} · chờ {step}")
    if len(waiting) > 10:
        lines.append(f"… và {len(waiting) - 10} nhiệm vụ khác")
    return "\n".join(lines)


def numbered(text: str) -> list[Reply]:
    """One reply, or several marked (1/2), (2/2) when longer than a phone message."""
    parts = split_text(text, PHONE_LIMIT - 8)
    if len(parts) == 1:
        return [Reply(text)]
    return [Reply(f"{p}\n({n}/{len(parts)})") for n, p in enumerate(parts, start=1)]


def status_replies(
    session: Session,
    plan: Plan,
    on: date,
    config: Config,
    unit_code: str | None,
    with_chart: bool = False,
    page: int = 1,
) -> list[Reply]:
    """The department view (with the chart as a photo where the messenger takes one), or one
    page of a unit's view."""
    figures = plan_figures(session, plan, on, config)
    if unit_code is not None:
        unit = repo.unit_by_code(session, unit_code)
        code = unit.code if unit else unit_code
        late_rule = config.approvals.extension_counts_late
        tasks = [
            judged(t, late_rule) for t in repo.task_facts(session, plan.id or 0) if t.unit == code
        ]
        text = unit_text(figures, code, tasks, config.rules.due_soon_days, page)
        return numbered(text + awaiting_text(session, plan, unit.id if unit else None))
    text = department_text(figures, assessment_figures(session, plan, on, config))
    replies = numbered(text + awaiting_text(session, plan, None))
    if with_chart:
        png = status_chart(figures.units, figures.thresholds.fail, on, f"Tình hình {plan.code}")
        replies[-1].attachments.append(Attachment(f"tinh-hinh-{on:%Y%m%d}.png", png, kind="photo"))
    return replies


def area_lines(a: AreaFigures, self_score: float | None, last_year: int) -> list[str]:
    """An area in four short lines: name, tasks, progress, points."""
    area = a.area
    tasks = f"   {a.tasks} NV: xong {a.done} (trễ {a.late}), quá hạn {a.overdue}"
    return [
        f"{area.code}. {texts.shorten(area.name, TITLE_WIDTH)}",
        tasks,
        f"   tiến độ TB {a.mean_progress:.0f}% · xong {texts.pct(a.done_share)}",
        f"   MT {texts.num(area.target_score)}/{texts.num(area.max_score)} · "
        f"{last_year} {texts.num(area.last_year_score)} · tự chấm {texts.num(self_score)}",
    ]


def areas_replies(session: Session, plan: Plan, on: date, config: Config) -> list[Reply]:
    """Per area: its tasks and progress, target, last year's score and the latest self-score;
    then the seven areas' total against their maximum and the goal, survey included."""
    figures = plan_figures(session, plan, on, config)
    scores = assessment_figures(session, plan, on, config).scores
    by_code = {s.area.code: s.points for s in scores.areas}
    lines = [f"📚 Lĩnh vực {plan.code}", f"Ngày {texts.d(on)} · MT = mục tiêu"]
    for a in figures.areas:
        lines += area_lines(a, by_code.get(a.area.code), plan.year - 1)
    lines.append(
        f"📝 Tự chấm {scores.scored}/{len(scores.areas)} lĩnh vực: "
        f"{texts.num(scores.total)}/{texts.num(scores.max_total)}"
    )
    lines.append(
        texts.GOAL_NOTE.format(
            goal=texts.num(scores.goal_total),
            index=texts.num(scores.index_total),
            survey=texts.num(scores.survey_points),
            max=texts.num(scores.max_total),
        )
    )
    lines.append("Ghi điểm: /score LĨNH_VỰC ĐIỂM")
    return numbered("\n".join(lines))
