"""The period report (quarter, half year, year) as an Excel workbook ready to print: a summary
(units, the watch list, areas and self-scores, inspections), every task with its outcome, and
the progress history of the period.

Every figure is taken from the rules through nhacviec.reports.figures; this module only lays
them out. The workbook is written streaming (openpyxl's write-only mode, one pass, rows never
held in memory as cells), and every text goes through `sheet_text`: a title or note that looks
like a formula stays text, a control character pasted from Word cannot break the file.
Figures are taken on the period's last day (today for a period not over yet), with the tasks
as they stood that day: progress reported later and completions after it are not counted."""

from __future__ import annotations

import heapq
import io
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from nhacviec.base import texts
from nhacviec.base.config import Config
from nhacviec.base.errors import NhacviecError
from nhacviec.base.numbers import share_tenths
from nhacviec.reports.cells import sheet_text
from nhacviec.reports.figures import (
    AssessmentFigures,
    PlanFigures,
    assessment_figures,
    iter_as_of,
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
from storage.assessments import HistoryRow
from storage.db import Session
from storage.models import Plan

# The words are texts (nhacviec/base/texts/reports.py); the names stay for the sheets' code.
SUMMARY = texts.REPORT_SHEET_SUMMARY
TASKS = texts.REPORT_SHEET_TASKS
HISTORY = texts.REPORT_SHEET_HISTORY
INSPECTIONS = texts.REPORT_SHEET_INSPECTIONS
UNIT_HEADERS = texts.REPORT_UNIT_HEADERS
AREA_HEADERS = texts.REPORT_AREA_HEADERS
TASK_HEADERS = texts.REPORT_TASK_HEADERS
INSPECTION_HEADERS = texts.REPORT_INSPECTION_HEADERS
HISTORY_HEADERS = texts.REPORT_HISTORY_HEADERS
CHANNELS = texts.REPORT_CHANNELS
# Progress reports and the tasks' events (created, deadline moved, cancelled…), one sheet.
KINDS = texts.REPORT_KINDS
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0%"
# A rate cell holds the rate already rounded by the one rule (nhacviec.base.numbers) and shows
# one decimal: the digit chat and CLI show.
RATE_FORMAT = "0.0%"
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
    plans: list[Plan]
    period: Period
    on: date
    content: bytes

    @property
    def plan(self) -> Plan:
        return self.plans[0]

    @property
    def title(self) -> str:
        return " + ".join(p.code for p in self.plans)

    @property
    def filename(self) -> str:
        return f"bao-cao-cchc-{self.period.code}.xlsx".lower()


def build_report(session: Session, period: Period, today: date, config: Config) -> PeriodReport:
    """The workbook of `period` for every plan of its year, figures taken on the period's
    last day or today, whichever comes first."""
    on = figures_date(period, today)
    plans = repo.plans_of_year(session, period.year)
    if not plans:
        raise ReportError(texts.report_no_plan(period.year))
    ids = [p.id for p in plans if p.id is not None]
    tz = ZoneInfo(config.timezone)
    since = datetime.combine(period.start, time(0), tz)
    until = datetime.combine(on + timedelta(days=1), time(0), tz)  # the figures day included
    progress, last_note = assessments.progress_as_of(session, ids, until)
    # Two passes over the tasks, both streamed: the figures, then the rows in report order.
    figures = plan_figures(
        session, plans, on, config, iter_as_of(repo.iter_task_facts(session, ids), progress)
    )
    late_rule = config.approvals.extension_counts_late
    facts = (
        judged(f, late_rule)  # [approvals] extension_counts_late: as the figures judge them
        for f in iter_as_of(repo.iter_task_facts(session, ids, ordered=True), progress)
    )
    awaiting = {
        t.id: t.reported_on
        for plan_id in ids
        for t in approvals.awaiting_confirmation(session, plan_id)
        if t.id is not None
    }
    notes = [texts.extension_rule(late_rule)]
    if awaiting:
        notes.append(
            texts.AWAITING_HEADER.format(count=len(awaiting)).rstrip(":")
            + ": "
            + ", ".join(f"#{i}" for i in sorted(awaiting))
        )
    evidence = {
        task_id: "; ".join(
            texts.evidence_line(e.document_number, e.original_name, e.filename) for e in found
        )
        for task_id, found in approvals.evidence_of_plans(session, ids).items()
    }
    scored = next((p for p in plans if p.id is not None and repo.area_facts(session, p.id)), None)
    assessment = assessment_figures(session, scored or plans[0], on, config)
    workbook = Workbook(write_only=True)
    styles = _Styles()
    write_summary(_Sheet(workbook, SUMMARY, styles), plans, period, figures, assessment, notes)
    write_tasks(
        _Sheet(workbook, TASKS, styles, boxed=False),
        period,
        figures,
        facts,
        assessments.co_units(session, ids),
        last_note,
        config.rules.due_soon_days,
        evidence,
        awaiting,
    )
    write_history(
        _Sheet(workbook, HISTORY, styles, boxed=False),
        # Progress reports streamed, the (fewer) task events merged in by time.
        heapq.merge(
            assessments.history(session, ids, since, until),
            sorted(assessments.event_rows(session, ids, since, until), key=lambda r: r.at),
            key=lambda r: r.at,
        ),
        tz,
    )
    write_inspections(_Sheet(workbook, INSPECTIONS, styles), assessment.inspection_rows)
    workbook.properties.title = texts.report_doc_title(period.label)
    workbook.properties.creator = "nhacviec"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return PeriodReport(plans=plans, period=period, on=on, content=buffer.getvalue())


# -- streaming sheets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """How a cell looks: number format, fill, bold, title sizes, header or body."""

    number_format: str | None = None
    fill: PatternFill | None = None
    bold: bool = False
    font: Font | None = None
    header: bool = False
    boxed: bool = True


class _Styles:
    """One styled template cell per look. Setting a font, fill and border on each of a
    million cells costs a style lookup each (most of a big report's time); a cell copies its
    template's style indices instead."""

    def __init__(self) -> None:
        self._templates: dict[tuple[object, ...], WriteOnlyCell] = {}

    def cell(self, ws: WriteOnlyWorksheet, value: Any, look: _Look) -> WriteOnlyCell:
        # Keyed by identity: hashing openpyxl's fills and fonts costs more than the cell.
        key = (
            id(ws.parent),
            look.number_format,
            id(look.fill),
            look.bold,
            id(look.font),
            look.header,
            look.boxed,
        )
        template = self._templates.get(key)
        if template is None:
            template = WriteOnlyCell(ws)
            if look.boxed:
                template.border = _BORDER
                template.alignment = _HEAD_ALIGN if look.header else _WRAP
            if look.number_format:
                template.number_format = look.number_format
            if look.fill is not None:
                template.fill = look.fill
            if look.font is not None:
                template.font = look.font
            elif look.bold or look.header:
                template.font = _BOLD
            if look.header:
                template.fill = _HEADER_FILL
            self._templates[key] = template
        if isinstance(value, str):
            value = sheet_text(value)
        cell = WriteOnlyCell(ws, value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula, whatever it begins with
        cell._style = copy(template._style)
        return cell


class _Sheet:
    """A write-only worksheet that counts its rows (asking openpyxl would read every cell)."""

    def __init__(
        self, workbook: Workbook, title: str, styles: _Styles, boxed: bool = True
    ) -> None:
        self.ws: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.styles = styles
        self.rows = 0
        # The long listings (tasks, history) go without cell borders: a styled cell costs
        # openpyxl a new cell object each, and a border on 1.5 million cells adds nothing a
        # filter and frozen header do not give.
        self.boxed = boxed

    def setup(self, widths: list[int], header_row: int | None, freeze: str | None = None) -> None:
        """Column widths, frozen rows and fit-to-page: written before the first row."""
        for n, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(n)].width = width
        frozen = freeze or (f"A{header_row + 1}" if header_row is not None else None)
        if frozen:
            self.ws.freeze_panes = frozen
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.widths = widths
        self.header_row = header_row

    def finish(self) -> None:
        """A filter on the header row, print titles, A4 landscape fitted to the width."""
        ws = self.ws
        if self.header_row is not None:
            last = get_column_letter(len(self.widths))
            ws.auto_filter.ref = f"A{self.header_row}:{last}{max(self.rows, self.header_row)}"
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = "Trang &P/&N"

    def plain(self, values: list[Any], font: Font | None = None) -> None:
        """A row of text without borders (titles, notes)."""
        look = _Look(font=font, boxed=False)
        self.ws.append([self.styles.cell(self.ws, v, look) for v in values])
        self.rows += 1

    def blank(self) -> None:
        self.ws.append([])
        self.rows += 1

    def section(self, title: str) -> None:
        self.plain([title], font=_SECTION)

    def header(self, headers: list[str]) -> None:
        looks = [_Look(header=True) if h else _Look(boxed=False) for h in headers]
        self.ws.append(
            [self.styles.cell(self.ws, h, look) for h, look in zip(headers, looks, strict=True)]
        )
        self.rows += 1

    def row(
        self,
        values: list[Any],
        formats: dict[int, str] | None = None,
        fill: PatternFill | None = None,
        bold: bool = False,
    ) -> None:
        formats = formats or {}
        if self.boxed:
            cells = [
                self.styles.cell(self.ws, v, _Look(formats.get(n), fill, bold))
                for n, v in enumerate(values, start=1)
            ]
        else:
            cells = []
            for n, v in enumerate(values, start=1):
                number_format = formats.get(n)
                if number_format is None and fill is None and not bold and v is not None:
                    # A bare value: openpyxl reuses one cell; sheet_text makes a text never
                    # begin like a formula, so it is stored as text (data type "s").
                    cells.append(sheet_text(v) if isinstance(v, str) else v)
                else:
                    look = _Look(number_format, fill, bold, boxed=False)
                    cells.append(self.styles.cell(self.ws, v, look))
        self.ws.append(cells)
        self.rows += 1


# -- sheets ------------------------------------------------------------------------------------


def write_summary(
    sheet: _Sheet,
    plans: list[Plan],
    period: Period,
    figures: PlanFigures,
    assessment: AssessmentFigures,
    notes: Sequence[str] = (),
) -> None:
    t = figures.thresholds
    sheet.setup([9, 48, 11, 11, 11, 11, 11, 11, 11, 11, 11, 16], header_row=None, freeze="A5")
    sheet.plain([texts.report_title(period.label)], font=_TITLE)
    sheet.plain(["; ".join(f"{p.name} ({p.document or p.code})" for p in plans)])
    sheet.plain([texts.report_span(period.start, period.end, figures.on)])
    sheet.plain([texts.report_rule(t.fail, t.warning, list(figures.counted))])
    for note in notes:
        sheet.plain([note])
    sheet.blank()

    sheet.section(texts.REPORT_SECTION_UNITS)
    sheet.header(UNIT_HEADERS)
    for f in figures.units:
        _unit_row(sheet, f, figures.unit_names.get(f.unit, f.unit), t.fail)
    _unit_row(sheet, figures.total, texts.DEPARTMENT_TOTAL, t.fail, total=True)
    sheet.blank()

    sheet.section(texts.report_section_watch(t.warning))
    if figures.watch:
        sheet.header(UNIT_HEADERS)
        for f in figures.watch:
            _unit_row(sheet, f, figures.unit_names.get(f.unit, f.unit), t.fail)
    else:
        sheet.plain(["", texts.REPORT_NO_WATCH])
    sheet.blank()

    sheet.section(texts.REPORT_SECTION_AUTHORITIES)
    sheet.header(UNIT_HEADERS)
    for f in sorted(figures.authorities, key=lambda a: (-a.assigned, a.unit)):
        if f.assigned:
            _unit_row(sheet, f, f.unit, t.fail, code="")
    if figures.criterion is not None:
        _unit_row(
            sheet,
            figures.criterion,
            texts.REPORT_CRITERION,
            t.fail,
            total=True,
            code="1.6",
        )
    sheet.blank()

    scores = assessment.scores
    by_code = {s.area.code: s for s in scores.areas}
    sheet.section(texts.REPORT_SECTION_AREAS)
    sheet.header(AREA_HEADERS)
    for a in figures.areas:
        score = by_code.get(a.area.code)
        latest = score.latest if score else None
        sheet.row(
            [
                a.area.code,
                a.area.name,
                a.tasks,
                a.done,
                a.late,
                a.overdue,
                round(a.mean_progress) / 100,
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
    sheet.row(
        [
            "",
            texts.report_areas_total(len(scores.areas), scores.scored),
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
    sheet.plain(
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
    sheet.blank()

    cov = assessment.inspections
    sheet.section(texts.report_section_inspections(cov.year))
    sheet.header(texts.REPORT_COVERAGE_HEADERS)
    sheet.row(
        [
            "",
            texts.report_inspections_row(INSPECTIONS),
            len(cov.inspected),
            cov.total,
            share_tenths(cov.share, (cov.target,)) / 1000,
            cov.target,
            texts.report_inspections_result(cov.met, cov.needed),
        ],
        formats={5: RATE_FORMAT, 6: PERCENT_FORMAT},
    )
    if cov.inspected:
        sheet.plain(["", texts.report_inspected(list(cov.inspected))])
    sheet.finish()
    sheet.ws.print_title_rows = "1:4"  # the title and the rule on every page


def write_tasks(
    sheet: _Sheet,
    period: Period,
    figures: PlanFigures,
    facts: Iterable[TaskFacts],
    co_units: dict[int, list[str]],
    last_note: dict[int, str],
    due_soon_days: int,
    evidence: dict[int, str] | None = None,
    awaiting: dict[int, date | None] | None = None,
) -> None:
    """Every task of the plans, by unit and deadline, with its outcome on the figures day;
    the effective deadline (what the outcome is judged against), the written one, the one it
    had before an approved extension, and its evidence."""
    evidence = evidence or {}
    awaiting = awaiting or {}
    on = figures.on
    sheet.setup([7, 12, 52, 9, 11, 14, 14, 12, 12, 10, 12, 9, 15, 11, 36, 12, 30], header_row=1)
    sheet.header(TASK_HEADERS)
    formats = {
        8: DATE_FORMAT,
        9: DATE_FORMAT,
        11: DATE_FORMAT,
        12: PERCENT_FORMAT,
        16: DATE_FORMAT,
    }
    overdue_fill = _FLAG_FILLS["over"]
    for task in facts:  # by unit, deadline (none last) and id
        outcome = outcome_on(task, on, due_soon_days)
        done = outcome.is_done
        if outcome is Outcome.DONE_LATE:
            days: int | None = days_late(task, on)
        elif outcome is Outcome.OVERDUE:
            days = days_overdue(task, on)
        else:
            days = None
        sheet.row(
            [
                task.id,
                task.code,
                task.title,
                task.area,
                task.unit,
                ", ".join(co_units.get(task.id, ())) or None,
                task.authority,
                task.deadline,
                task.written_deadline,
                texts.REPORT_IN_PERIOD if period.contains(task.deadline) else "",
                task.completed_on if done else None,
                (100 if done else task.progress) / 100,
                _outcome_name(task, outcome, awaiting),
                days,
                last_note.get(task.id),
                task.extended_from,
                evidence.get(task.id),
            ],
            formats=formats,
            fill=overdue_fill if outcome is Outcome.OVERDUE else None,
        )
    sheet.finish()


def _outcome_name(task: TaskFacts, outcome: Outcome, awaiting: dict[int, date | None]) -> str:
    """The outcome as the report says it: done on time within an approved extension apart
    from on time; a completion reported and not yet confirmed said so."""
    if outcome is Outcome.DONE_ON_TIME and task.extended_from is not None:
        return texts.OUTCOME_NAMES["done_extended"]
    name = texts.OUTCOME_NAMES[outcome]
    if task.id in awaiting:
        name += texts.report_awaiting(awaiting[task.id])
    return name


def write_history(sheet: _Sheet, rows: Iterable[HistoryRow], tz: ZoneInfo) -> None:
    """The progress reports and task events of the period, oldest first, at the office's
    local time."""
    sheet.setup([17, 7, 12, 48, 10, 24, 10, 12, 9, 40, 11], header_row=1)
    sheet.header(HISTORY_HEADERS)
    formats = {1: DATETIME_FORMAT, 9: PERCENT_FORMAT}
    for r in rows:
        sheet.row(
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
            formats=formats,
        )
    sheet.finish()


def write_inspections(sheet: _Sheet, rows: Sequence[assessments.InspectionRow]) -> None:
    """The inspections of the plan's year up to the figures day, one row each."""
    sheet.setup([13, 10, 48, 48, 24], header_row=1)
    sheet.header(INSPECTION_HEADERS)
    for r in rows:
        sheet.row([r.on, r.unit, r.unit_name, r.note, r.officer], formats={1: DATE_FORMAT})
    sheet.finish()


def _unit_row(
    sheet: _Sheet,
    f: UnitFigures,
    name: str,
    fail: float,
    total: bool = False,
    code: str | None = None,
) -> None:
    """A unit's counts, both rates (the rounded values themselves, shown with one decimal:
    the digits of chat and CLI), the margin and the flag."""
    sheet.row(
        [
            code if code is not None else ("" if total else f.unit),
            name,
            f.assigned,
            f.on_time,
            f.late,
            f.overdue,
            f.open,
            f.year_tenths / 1000,
            f.settled,
            f.so_far_tenths / 1000,
            f.margin,
            texts.flag_text(f.flag, fail, f.basis),
        ],
        formats={8: RATE_FORMAT, 10: RATE_FORMAT},
        fill=_TOTAL_FILL if total else _FLAG_FILLS.get(f.flag),
        bold=total,
    )
