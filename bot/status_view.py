"""/status as phone-sized text: the department view (worst units first) and one unit's tasks."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot import texts
from bot.messages import Reply, split_text
from nhacviec.config import Config
from nhacviec.figures import PlanFigures, plan_figures
from rules import Outcome, TaskFacts, UnitFigures, days_overdue, outcome_on
from storage import repo
from storage.models import Plan

# A chat message longer than this is continued in a second one.
PHONE_LIMIT = 3500

OUTCOME_NAMES = {
    Outcome.OPEN: "đang làm",
    Outcome.DUE_SOON: "sắp đến hạn",
    Outcome.OVERDUE: "quá hạn",
    Outcome.DONE_ON_TIME: "xong đúng hạn",
    Outcome.DONE_LATE: "xong trễ",
}


def unit_line(f: UnitFigures) -> str:
    return (
        f"{texts.FLAG_ICONS[f.flag]} {f.unit} {texts.pct(f.share)} – giao {f.assigned}, "
        f"đúng hạn {f.on_time}, trễ {f.late}, quá hạn {f.overdue}, mở {f.open}"
    )


def department_text(figures: PlanFigures) -> str:
    lines = [
        f"📊 {figures.plan.code} ngày {texts.d(figures.on)}",
        f"Tỷ lệ = (trễ + quá hạn) / giao; ngưỡng {texts.pct(figures.thresholds.fail)}",
    ]
    lines += [unit_line(f) for f in figures.units if f.assigned]
    watch = figures.watch
    if watch:
        lines.append(
            "⚠️ Cần chú ý: "
            + ", ".join(
                f"{f.unit} ({texts.pct(f.share)}, {texts.FLAG_NAMES[f.flag]})" for f in watch
            )
        )
    else:
        lines.append("✅ Chưa đơn vị nào chạm ngưỡng cảnh báo.")
    return "\n".join(lines)


def unit_text(figures: PlanFigures, code: str, tasks: list[TaskFacts], on: date) -> str:
    f = figures.unit(code)
    name = figures.unit_names.get(code.upper(), code)
    if f is None:
        return f"{name}: chưa có nhiệm vụ."
    lines = [f"📊 {name} ngày {texts.d(on)}", unit_line(f)]
    order = {
        Outcome.OVERDUE: 0,
        Outcome.DUE_SOON: 1,
        Outcome.OPEN: 2,
        Outcome.DONE_LATE: 3,
        Outcome.DONE_ON_TIME: 4,
    }
    ranked = sorted(tasks, key=lambda t: (order[outcome_on(t, on)], t.deadline or date.max))
    for task in ranked:
        outcome = outcome_on(task, on)
        extra = f" {days_overdue(task, on)} ngày" if outcome is Outcome.OVERDUE else ""
        lines.append(
            f"#{task.id} {task.title} – hạn {texts.d(task.deadline)}, "
            f"{OUTCOME_NAMES[outcome]}{extra}"
        )
    return "\n".join(lines)


def status_replies(
    session: Session,
    plan: Plan,
    on: date,
    config: Config,
    unit_code: str | None,
    with_chart: bool = False,
) -> list[Reply]:
    """The department view, or one unit's view; split into several messages when long."""
    figures = plan_figures(session, plan, on, config)
    if unit_code is None:
        text = department_text(figures)
    else:
        unit = repo.unit_by_code(session, unit_code)
        code = unit.code if unit else unit_code
        tasks = [t for t in repo.task_facts(session, plan.id or 0) if t.unit == code]
        text = unit_text(figures, code, tasks, on)
    parts = split_text(text, PHONE_LIMIT)
    replies = [Reply(p) for p in parts]
    if len(replies) > 1:
        for n, reply in enumerate(replies, start=1):
            reply.text += f"\n({n}/{len(replies)})"
    return replies
