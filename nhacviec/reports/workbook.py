"""The period report (quarter, half year, year) as an Excel workbook ready to print: a summary
(units, the watch list, areas and self-scores, inspections), every task with its outcome, and
the progress history of the period.

Every figure is taken from the rules through nhacviec.reports.figures; this module only lays
them out.
Figures are taken on the period's last day (today for a period not over yet), with the tasks
as they stood that day: progress reported later and completions after it are not counted."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nhacviec.base import texts
from nhacviec.base.config import Config
from nhacviec.base.errors import NhacviecError
from nhacviec.reports.figures import (
    AssessmentFigures,
    PlanFigures,
    assessment_figures,
    facts_as_of,
    plan_figures,
)
from rules import (
    Outcome,
    Period,
    TaskFacts,
    UnitFigures,
    days_late,
    days_overdue,
    figures_date,
    outcome_on,
)
from rules.approvals import judged
from storage import approvals, assessments, repo
from storage.assessments import HistoryRow, TaskDetails
from storage.db import Session
from storage.models import Plan

SUMMARY = "Tổng hợp"
TASKS = "Nhiệm vụ"
HISTORY = "Lịch sử tiến độ"
INSPECTIONS = "Kiểm tra"

UNIT_HEADERS = [
    "Mã",
    "Đơn vị",
    "Giao",
    "Đúng hạn",
    "Trễ",
    "Quá hạn",
    "Mở",
    "Tỷ lệ trễ + quá hạn",
    "Đánh giá",
]
AREA_HEADERS = [
    "Mã",
    "Lĩnh vực",
    "Số nhiệm vụ",
    "Đã xong",
    "Trong đó trễ",
    "Quá hạn",
    "Tiến độ TB",
    "Điểm tối đa",
    "Điểm mục tiêu",
    "Điểm năm trước",
    "Tự chấm",
    "Ghi chú tự chấm",
]
TASK_HEADERS = [
    "ID",
    "Mã",
    "Nhiệm vụ",
    "Lĩnh vực",
    "Đơn vị chủ trì",
    "Phối hợp",
    "Cơ quan giao",
    "Hạn",
    "Hạn trong kỳ",
    "Hoàn thành",
    "Tiến độ",
    "Kết quả",
    "Số ngày trễ / quá hạn",
    "Ghi chú cuối",
    "Hạn trước gia hạn",
    "Minh chứng",
]
INSPECTION_HEADERS = ["Ngày kiểm tra", "Mã", "Đơn vị", "Ghi chú", "Người ghi"]
HISTORY_HEADERS = [
    "Thời điểm",
    "ID",
    "Mã nhiệm vụ",
    "Nhiệm vụ",
    "Đơn vị",
    "Cán bộ",
    "Mã cán bộ",
    "Loại",
    "Tiến độ",
    "Ghi chú",
    "Kênh",
]
CHANNELS = {**texts.CHANNEL_NAMES, "console": "Console", "cli": "Dòng lệnh", "import": "Nhập tệp"}
# Progress reports and the tasks' events (created, deadline moved, cancelled…), one sheet.
KINDS = {
    **{k: v.capitalize() for k, v in texts.EVENT_NAMES.items()},
    "done": "Hoàn thành",
    "progress": "Tiến độ",
}

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0%"
POINTS_FORMAT = "0.0#"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_SECTION = Font(bold=True, size=12)
_HEADER_FILL = PatternFill("solid", start_color="DDE7F0")
_TOTAL_FILL = PatternFill("solid", start_color="F2F2F2")
_FLAG_FILLS = {
    "warning": PatternFill("solid", start_color="FFF2CC"),
    "over": PatternFill("solid", start_color="F8CBAD"),
}
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")


class ReportError(NhacviecError, ValueError):
    """A report that cannot be made; the message is for users."""

    reason = "report"


@dataclass(frozen=True)
class PeriodReport:
    plan: Plan
    period: Period
    on: date
    content: bytes

    @property
    def filename(self) -> str:
        return f"bao-cao-cchc-{self.period.code}.xlsx".lower()


def build_report(session: Session, period: Period, today: date, config: Config) -> PeriodReport:
    """The workbook of `period` for the plan of its year, figures taken on the period's last
    day or today, whichever comes first."""
    on = figures_date(period, today)
    plan = repo.current_plan(session, period.year)
    if plan is None or plan.id is None:
        raise ReportError(f"Chưa có kế hoạch năm {period.year}, không lập được báo cáo.")
    tz = ZoneInfo(config.timezone)
    since = datetime.combine(period.start, time(0), tz)
    until = datetime.combine(on + timedelta(days=1), time(0), tz)  # the figures day included
    facts = facts_as_of(
        repo.task_facts(session, plan.id), assessments.progress_as_of(session, plan.id, until)
    )
    # [approvals] extension_counts_late: the tasks as the figures judge them.
    facts = [judged(f, config.approvals.extension_counts_late) for f in facts]
    awaiting = {
        t.id: t.reported_on
        for t in approvals.awaiting_confirmation(session, plan.id)
        if t.id is not None
    }
    figures = plan_figures(session, plan, on, config, facts)
    assessment = assessment_figures(session, plan, on, config)
    rows = assessments.history(session, plan.id, None, until)
    last_note: dict[int, str] = {
        r.task_id: r.note for r in rows if r.note and r.kind in ("progress", "done")
    }
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY
    write_summary(summary, plan, period, figures, assessment)
    summary.append([texts.extension_rule(config.approvals.extension_counts_late)])
    if awaiting:
        summary.append(
            [
                texts.AWAITING_HEADER.format(count=len(awaiting)).rstrip(":")
                + ": "
                + ", ".join(f"#{i}" for i in sorted(awaiting))
            ]
        )
    evidence = {
        task_id: "; ".join(
            texts.evidence_line(e.document_number, e.original_name, e.filename) for e in found
        )
        for task_id, found in approvals.evidence_by_task(session, [f.id for f in facts]).items()
    }
    write_tasks(
        workbook.create_sheet(TASKS),
        period,
        figures,
        facts,
        assessments.task_details(session, plan.id),
        last_note,
        config.rules.due_soon_days,
        evidence,
        awaiting,
    )
    write_history(workbook.create_sheet(HISTORY), [r for r in rows if r.at >= since], tz)
    write_inspections(workbook.create_sheet(INSPECTIONS), assessment.inspection_rows)
    workbook.properties.title = f"Báo cáo CCHC {period.label}"
    workbook.properties.creator = "nhacviec"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return PeriodReport(plan=plan, period=period, on=on, content=buffer.getvalue())


# -- sheets ------------------------------------------------------------------------------------


def write_summary(
    ws: Worksheet,
    plan: Plan,
    period: Period,
    figures: PlanFigures,
    assessment: AssessmentFigures,
) -> None:
    t = figures.thresholds
    ws.append([f"BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH CCHC – {period.label.upper()}"])
    ws["A1"].font = _TITLE
    ws.append([f"{plan.name} ({plan.document or plan.code})"])
    ws.append(
        [
            f"Kỳ báo cáo từ {texts.d(period.start)} đến {texts.d(period.end)}; "
            f"số liệu tính đến ngày {texts.d(figures.on)}."
        ]
    )
    ws.append(
        [
            f"Tỷ lệ = (xong trễ + quá hạn) / số nhiệm vụ được giao trong năm. Từ "
            f"{texts.pct(t.fail)}: người đứng đầu đơn vị bị xếp loại không hoàn thành nhiệm vụ; "
            f"từ {texts.pct(t.warning)}: cảnh báo."
        ]
    )
    ws.append([])

    _section(ws, "1. Kết quả theo đơn vị")
    _header(ws, UNIT_HEADERS)
    for f in figures.units:
        _unit_row(ws, f, figures.unit_names.get(f.unit, f.unit), t.fail)
    _unit_row(ws, figures.total, "Toàn Sở", t.fail, total=True)
    ws.append([])

    _section(ws, f"2. Đơn vị cần chú ý (tỷ lệ từ {texts.pct(t.warning)})")
    if figures.watch:
        _header(ws, UNIT_HEADERS)
        for f in figures.watch:
            _unit_row(ws, f, figures.unit_names.get(f.unit, f.unit), t.fail)
    else:
        ws.append(["", "Không có đơn vị nào chạm ngưỡng cảnh báo."])
    ws.append([])

    scores = assessment.scores
    by_code = {s.area.code: s for s in scores.areas}
    _section(ws, "3. Kết quả theo lĩnh vực và điểm tự chấm")
    _header(ws, AREA_HEADERS)
    for a in figures.areas:
        score = by_code.get(a.area.code)
        latest = score.latest if score else None
        _row(
            ws,
            [
                a.area.code,
                a.area.name,
                a.tasks,
                a.done,
                a.late,
                a.overdue,
                a.mean_progress / 100,
                a.area.max_score,
                a.area.target_score,
                a.area.last_year_score,
                latest.points if latest else None,
                latest.note if latest else None,
            ],
            formats={
                7: PERCENT_FORMAT,
                8: POINTS_FORMAT,
                9: POINTS_FORMAT,
                10: POINTS_FORMAT,
                11: POINTS_FORMAT,
            },
        )
    _row(
        ws,
        [
            "",
            f"Tổng {len(scores.areas)} lĩnh vực (tự chấm {scores.scored}/{len(scores.areas)})",
            None,
            None,
            None,
            None,
            None,
            scores.max_total,
            scores.target_total,
            None,
            scores.total,
            None,
        ],
        formats={8: POINTS_FORMAT, 9: POINTS_FORMAT, 11: POINTS_FORMAT},
        fill=_TOTAL_FILL,
        bold=True,
    )
    ws.append(
        [
            "",
            texts.GOAL_NOTE.format(
                goal=texts.num(scores.goal_total),
                index=texts.num(scores.index_total),
                survey=texts.num(scores.survey_points),
                max=texts.num(scores.max_total),
            ),
        ]
    )
    ws.append([])

    cov = assessment.inspections
    _section(ws, f"4. Kiểm tra công tác CCHC năm {cov.year}")
    _header(ws, ["", "Nội dung", "Đã kiểm tra", "Số đơn vị", "Tỷ lệ", "Mục tiêu", "Kết quả"])
    _row(
        ws,
        [
            "",
            f"Kiểm tra công tác CCHC các đơn vị (xem trang {INSPECTIONS})",
            len(cov.inspected),
            cov.total,
            cov.share,
            cov.target,
            "Đạt" if cov.met else f"Chưa đạt, còn {cov.needed} đơn vị",
        ],
        formats={5: PERCENT_FORMAT, 6: PERCENT_FORMAT},
    )
    if cov.inspected:
        ws.append(["", "Đơn vị đã kiểm tra: " + ", ".join(cov.inspected)])

    _layout(ws, [9, 48, 11, 11, 11, 11, 11, 13, 13, 13, 11, 30], header_row=None)
    ws.freeze_panes = "A5"  # the title and the rule stay in view
    ws.print_title_rows = "1:4"


def write_tasks(
    ws: Worksheet,
    period: Period,
    figures: PlanFigures,
    facts: Sequence[TaskFacts],
    details: dict[int, TaskDetails],
    last_note: dict[int, str],
    due_soon_days: int,
    evidence: dict[int, str] | None = None,
    awaiting: dict[int, date | None] | None = None,
) -> None:
    """Every task of the plan, by unit and deadline, with its outcome on the figures day, the
    deadline it had before an approved extension and its evidence."""
    evidence = evidence or {}
    awaiting = awaiting or {}
    on = figures.on
    _header(ws, TASK_HEADERS)
    for task in sorted(facts, key=lambda t: (t.unit, t.deadline or date.max, t.id)):
        outcome = outcome_on(task, on, due_soon_days)
        detail = details.get(task.id)
        done = outcome.is_done
        if outcome is Outcome.DONE_LATE:
            days: int | None = days_late(task, on)
        elif outcome is Outcome.OVERDUE:
            days = days_overdue(task, on)
        else:
            days = None
        _row(
            ws,
            [
                task.id,
                task.code,
                task.title,
                task.area,
                task.unit,
                ", ".join(detail.co_units) if detail else None,
                detail.authority if detail else None,
                task.deadline,
                "Có" if period.contains(task.deadline) else "",
                task.completed_on if done else None,
                (100 if done else task.progress) / 100,
                _outcome_name(task, outcome, awaiting),
                days,
                last_note.get(task.id),
                task.extended_from,
                evidence.get(task.id),
            ],
            formats={8: DATE_FORMAT, 10: DATE_FORMAT, 11: PERCENT_FORMAT, 15: DATE_FORMAT},
            fill=_FLAG_FILLS["over"] if outcome is Outcome.OVERDUE else None,
        )
    _layout(ws, [7, 12, 52, 9, 11, 14, 14, 12, 10, 12, 9, 15, 11, 36, 12, 30], header_row=1)


def _outcome_name(task: TaskFacts, outcome: Outcome, awaiting: dict[int, date | None]) -> str:
    """The outcome as the report says it: done on time within an approved extension apart
    from on time; a completion reported and not yet confirmed said so."""
    if outcome is Outcome.DONE_ON_TIME and task.extended_from is not None:
        return texts.OUTCOME_NAMES["done_extended"]
    name = texts.OUTCOME_NAMES[outcome]
    if task.id in awaiting:
        name += f" · chờ xác nhận (báo xong {texts.d(awaiting[task.id])})"
    return name


def write_history(ws: Worksheet, rows: Sequence[HistoryRow], tz: ZoneInfo) -> None:
    """The progress reports and task events of the period, oldest first, at the office's
    local time."""
    _header(ws, HISTORY_HEADERS)
    for r in sorted(rows, key=lambda r: r.at):
        _row(
            ws,
            [
                r.at.astimezone(tz).replace(tzinfo=None),
                r.task_id,
                r.task_code,
                r.title,
                r.unit,
                r.officer_name,
                r.officer_code,
                KINDS.get(r.kind, r.kind),
                r.percent / 100 if r.percent is not None else None,
                r.note,
                CHANNELS.get(r.channel, r.channel),
            ],
            formats={1: DATETIME_FORMAT, 9: PERCENT_FORMAT},
        )
    _layout(ws, [17, 7, 12, 48, 10, 24, 10, 12, 9, 40, 11], header_row=1)


def write_inspections(ws: Worksheet, rows: Sequence[assessments.InspectionRow]) -> None:
    """The inspections of the plan's year up to the figures day, one row each."""
    _header(ws, INSPECTION_HEADERS)
    for r in rows:
        _row(ws, [r.on, r.unit, r.unit_name, r.note, r.officer], formats={1: DATE_FORMAT})
    _layout(ws, [13, 10, 48, 48, 24], header_row=1)


# -- layout helpers ------------------------------------------------------------------------------


def _section(ws: Worksheet, title: str) -> None:
    ws.append([title])
    ws.cell(ws.max_row, 1).font = _SECTION


def _header(ws: Worksheet, headers: list[str]) -> None:
    ws.append(headers)
    for col in range(1, len(headers) + 1):
        cell = ws.cell(ws.max_row, col)
        if not headers[col - 1]:
            continue
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _HEAD_ALIGN
        cell.border = _BORDER


def _row(
    ws: Worksheet,
    values: list[Any],
    formats: dict[int, str] | None = None,
    fill: PatternFill | None = None,
    bold: bool = False,
) -> None:
    ws.append(values)
    row = ws.max_row
    for col in range(1, len(values) + 1):
        cell = ws.cell(row, col)
        cell.border = _BORDER
        cell.alignment = _WRAP
        if formats and col in formats:
            cell.number_format = formats[col]
        if fill is not None:
            cell.fill = fill
        if bold:
            cell.font = _BOLD


def _unit_row(ws: Worksheet, f: UnitFigures, name: str, fail: float, total: bool = False) -> None:
    _row(
        ws,
        [
            "" if total else f.unit,
            name,
            f.assigned,
            f.on_time,
            f.late,
            f.overdue,
            f.open,
            f.share,
            texts.flag_name(f.flag, fail),
        ],
        formats={8: PERCENT_FORMAT},
        fill=_TOTAL_FILL if total else _FLAG_FILLS.get(f.flag),
        bold=total,
    )


def _layout(ws: Worksheet, widths: list[int], header_row: int | None) -> None:
    """Column widths, a frozen header row with a filter, and A4 landscape fitted to the width."""
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    if header_row is not None:
        ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(widths))}{ws.max_row}"
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P/&N"
