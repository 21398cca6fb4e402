"""Import a plan from the department's Excel workbook or a CSV file (docs/import-format.md).

One import is one transaction: any problem and nothing is written, every problem of every row
reported in one pass. Tasks are written with bulk statements (an insert for the new ones, an
update for the changed ones), so a province's 100,000 tasks import in seconds; the per-unit task
tally (migration 0008) is kept by the database's row triggers as for any other write.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from nhacviec.base import texts
from rules import RecurrenceError, expand_occurrences, parse_recurrence
from rules.deadlines import DeadlineError, parse_deadline
from rules.roles import Role
from rules.sections import area_for_section
from rules.series import Occurrence, reconcile
from rules.textnorm import clean_text, fold
from rules.unitnames import UnitDirectory, UnitName
from storage import people, repo
from storage import tasks as task_store
from storage.db import session_scope
from storage.models import Area, Officer, Plan, Task, Unit, utcnow
from storage.sheets import (
    KIND_ORDER,
    REQUIRED,
    ImportFailed,
    PlanFile,
    Row,
    RowIssue,
    Table,
    label,
    read_file,
)
from storage.task_bulk import TaskRow, write_tasks

__all__ = [
    "ImportFailed",
    "ImportSummary",
    "RowIssue",
    "import_file",
    "import_sheets",
    "read_file",
    "row_count",
]

ROLES = {
    "cong chuc": Role.OFFICER,
    "vien chuc": Role.OFFICER,
    "officer": Role.OFFICER,
    "can bo": Role.OFFICER,
    "chuyen vien": Role.OFFICER,
    "truong don vi": Role.HEAD,
    "truong phong": Role.HEAD,
    "thu truong": Role.HEAD,
    "head": Role.HEAD,
    "tccb": Role.TCCB,
    "to chuc can bo": Role.TCCB,
    "quan tri": Role.ADMIN,
    "admin": Role.ADMIN,
    "theo doi": Role.FOLLOWUP,
    "can bo theo doi": Role.FOLLOWUP,
    "chuyen vien theo doi": Role.FOLLOWUP,
    "followup": Role.FOLLOWUP,
    "lanh dao so": Role.DIRECTOR,
    "lanh dao": Role.DIRECTOR,
    "director": Role.DIRECTOR,
}
ROLE_NAMES = {
    Role.OFFICER: "công chức",
    Role.HEAD: "trưởng đơn vị",
    Role.TCCB: "tccb",
    Role.ADMIN: "quản trị",
    Role.FOLLOWUP: "theo dõi",
    Role.DIRECTOR: "lãnh đạo sở",
}
# Task columns read from the file that the Task table has no column for: kept in the import
# result and named in a warning ("chưa lưu"), never dropped without a word. Since migration 0011
# the document number and the officer who handles a task (assignee) are stored: none.
UNSTORED_TASK_FIELDS: tuple[str, ...] = ()
FIELD_LABELS = texts.IMPORT_FIELD_LABELS

Progress = Callable[[int], None]


@dataclass
class Change:
    """One record the import changes: what it was and what it becomes, field by field."""

    kind: str
    code: str
    fields: list[tuple[str, str, str]]


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    plan_code: str | None = None
    added: list[tuple[str, str]] = field(default_factory=list)  # (kind, code)
    changes: list[Change] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    ongoing: list[str] = field(default_factory=list)  # "Thường xuyên": tasks with no deadline
    # Per task code, columns read but not stored (the Task table has no place for them yet).
    unstored: dict[str, dict[str, str]] = field(default_factory=dict)
    # Changes the file asked for and the import did not make, said in Vietnamese.
    kept_back: list[str] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str, n: int = 1) -> None:
        bucket[kind] = bucket.get(kind, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def row_count(file: PlanFile) -> int:
    return file.row_count


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not text.isprintable():  # the common case skips the expression entirely
        text = clean_text(text)
    return text.strip()


def _score(value: Any, what: str) -> float | None:
    text = _text(value).replace(",", ".")
    if text == "":
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValueError(texts.not_a_number(what, _text(value))) from exc


def _show(value: Any) -> str:
    if value is None or value == "":
        return texts.EMPTY
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Importer:
    def __init__(
        self,
        session: Session,
        plan_code: str | None,
        progress: Progress | None,
        who: task_store.Who,
    ):
        self.session = session
        self.who = who
        # Recurring tasks: reconciled with their stored occurrences by period when written.
        # Each with where its rows go among the others (new tasks get ids in file order).
        self.series: list[tuple[TaskRow, list[date], str, int]] = []
        self.plan_code = plan_code
        self.progress = progress or (lambda _n: None)
        self.issues: list[RowIssue] = []
        self.summary = ImportSummary()
        self.plan: Plan | None = None
        self.seen: dict[str, dict[str, tuple[str, int]]] = {k: {} for k in KIND_ORDER}
        self.failed: dict[str, set[str]] = {k: set() for k in KIND_ORDER}
        self.areas: dict[str, Area] = {}
        self.units: dict[str, Unit] = {}
        self.officers: dict[str, Officer] = {}
        self.directory = UnitDirectory([])
        self.heads: list[tuple[tuple[str, int], Unit, str]] = []
        self.task_rows: list[TaskRow] = []
        self.section_areas: dict[tuple[str, str], str | None] = {}
        # id -> code, once every unit and area is written (the tasks' changes read it).
        self._codes: dict[str, dict[Any, str]] = {}
        self._ids: dict[str, dict[str, int | None]] = {}
        self.table: Table | None = None
        self.problems: list[str] = []
        self.where: tuple[str, int] = ("", 0)

    # ---- the pass ---------------------------------------------------------------------------

    def run(self, file: PlanFile) -> ImportSummary:
        self.issues.extend(file.errors)
        self.summary.warnings.extend(file.warnings)
        tables = sorted(file.tables, key=lambda t: KIND_ORDER.index(t.kind))
        if not tables:
            self.issues.append(
                RowIssue(
                    file.name,
                    0,
                    texts.NO_SHEET_RECOGNISED,
                )
            )
        kinds = {t.kind for t in tables}
        for table in tables:
            if table.kind == "plan":
                self._rows(table, self._plan)
        if kinds & {"area", "task"}:
            self._resolve_plan(tables)
        self._load_existing(kinds)
        for kind, handler in (
            ("area", self._area),
            ("unit", self._unit),
            ("officer", self._officer),
            ("task", self._task),
        ):
            for table in tables:
                if table.kind == kind:
                    self._rows(table, handler)
            if kind == "unit":
                self.directory = UnitDirectory(
                    UnitName(u.code, u.name) for u in self.units.values()
                )
            if kind == "officer":
                self._set_heads()
        task_tables = [t for t in tables if t.kind == "task"]
        if task_tables and not any(t.rows for t in task_tables):
            self.issues.append(RowIssue(task_tables[0].sheet, 0, texts.NO_TASKS_IN_SHEET))
        elif tables and not any(t.rows for t in tables):
            self.issues.append(RowIssue(file.name, 0, texts.NO_ROWS_IN_FILE))
        if self.issues:
            raise ImportFailed(self.issues, self.summary.warnings)
        if self.task_rows:
            self._write_tasks()
        self.summary.plan_code = self.plan.code if self.plan else None
        return self.summary

    # ---- rows -------------------------------------------------------------------------------

    def _rows(self, table: Table, handler: Callable[[Table, Row, str], None]) -> None:
        optional = {"area"} if table.kind == "task" else set()
        missing = [
            f
            for f in REQUIRED[table.kind]
            if f not in table.columns
            and f not in optional
            and not (f == "code" and table.code_from_stt)
        ]
        if missing:
            names = ", ".join(label(table.kind, f) for f in missing)
            self.issues.append(
                RowIssue(table.sheet, table.header_row, texts.missing_columns(names))
            )
            self.progress(len(table.rows))
            return
        if table.kind == "task":
            for name in UNSTORED_TASK_FIELDS:
                if name in table.columns:
                    self.summary.warnings.append(
                        RowIssue(
                            table.sheet,
                            table.header_row,
                            texts.unstored_column(table.columns[name]),
                        )
                    )
        self.table = table
        for row in table.rows:
            self.where = (table.sheet, row.number)
            self.problems = []
            code = self._code(table, row)
            absent = [
                f
                for f in REQUIRED[table.kind]
                if f not in optional and _text(row.values.get(f)) == "" and f != "code"
            ]
            if not code:
                absent.insert(0, "stt" if table.code_from_stt else "code")
            if absent:
                self.problems.append(
                    texts.missing_values(", ".join(label(table.kind, f) for f in absent))
                )
            if code:
                self._check_code(table, row, code)
            # Even a row with a cell missing is read through: every problem of it in one pass.
            handler(table, row, code)
            if self.problems:
                if code:
                    self.failed[table.kind].add(code.upper())
                self.issues.append(RowIssue(table.sheet, row.number, "; ".join(self.problems)))
            self.progress(1)
        self.session.flush()

    def bad(self, reason: str, column: str | None = None) -> None:
        """A problem of the row being read; `column` (a field) adds the cell, "(ô G12)", so the
        admin finds it in Excel at once."""
        letter = self.table.letters.get(column or "") if self.table else None
        self.problems.append(
            texts.in_cell(reason, f"{letter}{self.where[1]}") if letter else reason
        )

    def _code(self, table: Table, row: Row) -> str:
        if not table.code_from_stt:
            return _text(row.values.get("code"))
        number = _text(row.values.get("stt")).rstrip(".")
        if number and row.section and row.section[0]:
            return f"{row.section[0]}.{number}"
        return number

    def _check_code(self, table: Table, row: Row, code: str) -> None:
        limit = {"plan": 64, "area": 16, "unit": 32, "officer": 32, "task": 60}[table.kind]
        column = "stt" if table.code_from_stt else "code"
        if len(code) > limit:
            self.bad(texts.code_too_long(code, limit), column)
        first = self.seen[table.kind].get(code.upper())
        if first is not None:
            sheet, number = first
            where = (
                texts.row_at(number) if sheet == table.sheet else texts.sheet_row_at(sheet, number)
            )
            self.bad(texts.duplicate_code(code, where), column)
        else:
            self.seen[table.kind][code.upper()] = (table.sheet, row.number)

    def _upsert(
        self, kind: str, code: str, existing: Any, new: Any, values: dict[str, Any]
    ) -> Any:
        if existing is None:
            for key, value in values.items():
                setattr(new, key, value)
            self.session.add(new)
            self.summary.count(self.summary.created, kind)
            self.summary.added.append((kind, code))
            return new
        diffs = [
            (k, getattr(existing, k), v) for k, v in values.items() if getattr(existing, k) != v
        ]
        if not diffs:
            self.summary.count(self.summary.unchanged, kind)
            return existing
        self.summary.changes.append(
            Change(
                kind,
                code,
                [(FIELD_LABELS[k], self._shown(k, o), self._shown(k, n)) for k, o, n in diffs],
            )
        )
        for key, _old, value in diffs:
            setattr(existing, key, value)
        self.session.add(existing)
        self.summary.count(self.summary.updated, kind)
        return existing

    def _shown(self, key: str, value: Any) -> str:
        """A field's value as the admin reads it: units, areas and officers by code."""
        if value is not None and key in (
            "unit_id",
            "lead_unit_id",
            "area_id",
            "head_id",
            "assignee_id",
        ):
            codes = self._codes.get(key)
            if codes is None:
                records = {
                    "area_id": self.areas,
                    "head_id": self.officers,
                    "assignee_id": self.officers,
                }.get(key, self.units)
                codes = {r.id: r.code for r in records.values()}  # type: ignore[attr-defined]
            return codes.get(value, str(value))
        if key == "role" and value in ROLE_NAMES:
            return ROLE_NAMES[Role(value)]
        return _show(value)

    # ---- what is there ----------------------------------------------------------------------

    def _resolve_plan(self, tables: list[Table]) -> None:
        if self.plan is not None or self.failed["plan"]:
            return
        if self.plan_code:
            self.plan = self.session.exec(select(Plan).where(Plan.code == self.plan_code)).first()
            if self.plan is None:
                self.issues.append(RowIssue("", 0, texts.unknown_plan(self.plan_code)))
            return
        self.plan = repo.current_plan(self.session)
        if self.plan is None:
            sheet = next(t.sheet for t in tables if t.kind in ("area", "task"))
            self.issues.append(
                RowIssue(
                    sheet,
                    0,
                    texts.NO_PLAN_YET,
                )
            )

    def _load_existing(self, kinds: set[str]) -> None:
        self.units = {u.code.upper(): u for u in self.session.exec(select(Unit)).all()}
        self.directory = UnitDirectory(UnitName(u.code, u.name) for u in self.units.values())
        # Officers too for a task sheet: a task may name the officer who handles it.
        self.officers = {o.code.upper(): o for o in self.session.exec(select(Officer)).all()}
        if self.plan is not None and self.plan.id is not None:
            self.areas = {
                a.code.upper(): a
                for a in self.session.exec(select(Area).where(Area.plan_id == self.plan.id)).all()
            }

    # ---- one row of each kind ---------------------------------------------------------------

    def _plan(self, table: Table, row: Row, code: str) -> None:
        r = row.values
        year_text = _text(r["year"])
        if self.problems:
            return
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            self.bad(texts.bad_year(year_text), "year")
            return
        existing = self.session.exec(select(Plan).where(Plan.code == code)).first()
        self.plan = self._upsert(
            "plan",
            code,
            existing,
            Plan(code=code, name="", year=0),
            {
                "name": _text(r["name"]),
                "year": int(year_text),
                "document": _text(r.get("document")) or None,
                "agency": _text(r.get("agency")) or None,
            },
        )
        self.session.flush()

    def _area(self, table: Table, row: Row, code: str) -> None:
        if self.plan is None or self.plan.id is None:
            return
        r = row.values
        parent = _text(r.get("parent")) or None
        if (
            parent is not None
            and parent.upper() not in self.areas
            and parent.upper() not in self.failed["area"]
        ):
            self.bad(texts.unknown_parent_area(parent), "parent")
        values: dict[str, Any] = {"name": _text(r["name"]), "parent_code": parent}
        for name, what in (
            ("max_score", FIELD_LABELS["max_score"]),
            ("target_score", FIELD_LABELS["target_score"]),
            ("last_year_score", FIELD_LABELS["last_year_score"]),
        ):
            try:
                values[name] = _score(r.get(name), what)
            except ValueError as exc:
                self.bad(str(exc), name)
        if self.problems:
            return
        if not code:
            return
        self.areas[code.upper()] = self._upsert(
            "area",
            code,
            self.areas.get(code.upper()),
            Area(plan_id=self.plan.id, code=code, name=""),
            values,
        )

    def _unit(self, table: Table, row: Row, code: str) -> None:
        if self.problems:
            return
        unit = self._upsert(
            "unit",
            code,
            self.units.get(code.upper()),
            Unit(code=code, name=""),
            {"name": _text(row.values["name"])},
        )
        self.units[code.upper()] = unit
        head = _text(row.values.get("head"))
        if head:
            self.heads.append((self.where, unit, head))

    def _unknown_unit(self, what: str, text: str) -> str:
        """`what` 'X' is no unit: the closest names, so the fix is a copy away."""
        closest = [(u.name, u.code) for u in self.directory.closest(text)]
        return texts.unknown_unit(what, text, closest, len(self.directory.units))

    def _unit_code(self, text: str, what: str, column: str) -> str | None:
        """The code of the unit `text` names; a problem if none (unless its own row failed)."""
        if not text:
            return None  # reported as missing
        code = self.directory.find(text)
        if code is None and text.upper() not in self.failed["unit"]:
            self.bad(self._unknown_unit(what, text), column)
        return code

    def _officer(self, table: Table, row: Row, code: str) -> None:
        r = row.values
        unit_code = self._unit_code(_text(r["unit"]), texts.UNIT_LABEL, "unit")
        role = ROLES.get(fold(_text(r["role"])))
        if role is None and _text(r["role"]):
            self.bad(texts.bad_role(_text(r["role"])), "role")
        if unit_code is None or role is None or self.problems:
            return
        unit = self.units[unit_code.upper()]
        existing = self.officers.get(code.upper())
        before = (existing.unit_id, existing.role) if existing is not None else None
        officer = self.officers[code.upper()] = self._upsert(
            "officer",
            code,
            existing,
            Officer(code=code, name="", unit_id=0),
            {"name": _text(r["name"]), "unit_id": unit.id, "role": role.value},
        )
        if before is not None and before != (officer.unit_id, officer.role):
            # Moved or given another role by the file: recorded as the CLI records it.
            self.session.flush()
            people.imported(self.session, officer, before[0], before[1], self.who)

    def _set_heads(self) -> None:
        self.session.flush()
        for where, unit, head_code in self.heads:
            head = self.officers.get(head_code.upper())
            if head is None:
                if head_code.upper() not in self.failed["officer"]:
                    self.issues.append(RowIssue(*where, texts.unknown_head(head_code)))
                continue
            if unit.head_id == head.id:
                continue
            change = (FIELD_LABELS["head_id"], self._shown("head_id", unit.head_id), head.code)
            found = next(
                (c for c in self.summary.changes if c.kind == "unit" and c.code == unit.code), None
            )
            if found is not None:
                found.fields.append(change)
            elif ("unit", unit.code) not in self.summary.added:
                self.summary.unchanged["unit"] -= 1
                if not self.summary.unchanged["unit"]:
                    del self.summary.unchanged["unit"]
                self.summary.count(self.summary.updated, "unit")
                self.summary.changes.append(Change("unit", unit.code, [change]))
            unit.head_id = head.id
            self.session.add(unit)
        self.heads.clear()

    def _area_code(self, text: str, row: Row) -> str | None:
        if text:
            if text.upper() in self.areas:
                return text.upper()
            by_name = {fold(a.name): k for k, a in self.areas.items()}
            if fold(text) in by_name:
                return by_name[fold(text)]
            if text.upper() not in self.failed["area"]:
                known = ", ".join(a.code for a in self.areas.values())
                self.bad(texts.unknown_area(text, known), "area")
            return None
        if row.section is None:
            self.bad(texts.IMPORT_NO_AREA)
            return None
        if row.section not in self.section_areas:
            top = {k: a.name for k, a in self.areas.items() if not a.parent_code}
            self.section_areas[row.section] = area_for_section(*row.section, top)
        found = self.section_areas[row.section]
        if found is None:
            number, title = row.section
            self.bad(texts.section_without_area(number, title))
        return found

    def _id(self, kind: str, code: str) -> int:
        """The id of a unit or area by code, from a map made once: tasks are read after every
        unit and area is written and flushed."""
        ids = self._ids.get(kind)
        if ids is None:
            records = self.units if kind == "unit" else self.areas
            ids = self._ids[kind] = {k: r.id for k, r in records.items()}
        return ids[code.upper()]  # type: ignore[return-value]

    def _task(self, table: Table, row: Row, code: str) -> None:
        if self.plan is None or self.plan.id is None:
            return
        r = row.values
        area_code = self._area_code(_text(r.get("area")), row)
        lead_code = self._unit_code(_text(r["lead_unit"]), texts.LEAD_UNIT_LABEL, "lead_unit")
        co = self.directory.co_units(_text(r.get("co_units")), lead_code)
        for part in co.unknown:
            if part.upper() not in self.failed["unit"]:
                self.bad(self._unknown_unit(texts.CO_UNIT_LABEL, part), "co_units")
        for phrase in co.vague:
            self.summary.warnings.append(
                RowIssue(
                    *self.where,
                    texts.vague_co_unit(phrase),
                )
            )
        try:
            deadline = parse_deadline(r.get("deadline"), self.plan.year)
        except DeadlineError as exc:
            self.bad(texts.explain(exc), "deadline")
            deadline = None
        recurrence_text = _text(r.get("recurrence"))
        rule = None
        if recurrence_text:
            try:
                rule = parse_recurrence(recurrence_text)
            except RecurrenceError as exc:
                self.bad(texts.explain(exc), "recurrence")
            if deadline is not None and deadline.on is None:
                self.bad(texts.RECURRING_NEEDS_DEADLINE, "deadline")
        assignee_id = None
        named = _text(r.get("assignee"))
        if named and lead_code is not None and not self.problems:
            assignee_id = self._assignee(named, lead_code)
        if self.problems or area_code is None or lead_code is None or deadline is None:
            return
        unstored = {
            table.columns[f]: _text(r.get(f)) for f in UNSTORED_TASK_FIELDS if _text(r.get(f))
        }
        if unstored:
            self.summary.unstored[code] = unstored
        if deadline.ongoing:
            self.summary.ongoing.append(code)
        values: dict[str, Any] = {
            "title": _text(r["title"]),
            "area_id": self._id("area", area_code),
            "lead_unit_id": self._id("unit", lead_code),
            "authority": _text(r.get("authority")) or None,
            "note": _text(r.get("note")) or None,
            "document": _text(r.get("document")) or None,
            "assignee_id": assignee_id,
        }
        co_ids = {self._id("unit", c) for c in co.codes}
        if rule is None:
            self.task_rows.append(
                TaskRow(
                    code,
                    {**values, "deadline": deadline.on, "recurrence": None, "series_code": None},
                    co_ids,
                    self.where,
                    table.code_from_stt,
                )
            )
            return
        assert deadline.on is not None
        dates = expand_occurrences(deadline.on, rule, date(self.plan.year, 12, 31))
        if not dates:
            self.bad(texts.FIRST_AFTER_YEAR)
            return
        template = TaskRow(
            code,
            {**values, "deadline": None, "recurrence": rule, "series_code": code},
            co_ids,
            self.where,
            table.code_from_stt,
        )
        self.series.append((template, dates, rule, len(self.task_rows)))

    # ---- the bulk write ---------------------------------------------------------------------

    def _write_tasks(self) -> None:
        assert self.plan is not None and self.plan.id is not None
        unit_codes = {u.id: u.code for u in self.units.values()}
        self._codes = {
            "unit_id": unit_codes,
            "lead_unit_id": unit_codes,
            "area_id": {a.id: a.code for a in self.areas.values()},
        }
        cancels = self._series_rows()
        written = write_tasks(self.session, self.plan.id, self.task_rows)
        task_store.record_bulk(self.session, self.plan.id, written, self.who)
        for gone in cancels:
            task_store.cancel(self.session, gone, self.who, task_store.SERIES_REMOVED)
            self.summary.count(self.summary.updated, "task")
            self.summary.changes.append(Change("task", gone.code, [texts.SERIES_CANCELLED_CHANGE]))
        for row, old, task_id in written.kept_deadlines:
            self.summary.kept_back.append(
                texts.IMPORT_DONE_DEADLINE_KEPT.format(
                    row=row.where[1],
                    code=row.code,
                    id=task_id,
                    old=texts.d(old),
                    new=texts.d(row.values["deadline"]),
                )
            )
        self.summary.count(self.summary.created, "task", len(written.created))
        self.summary.added += [("task", code) for code in written.created]
        self.summary.count(self.summary.unchanged, "task", written.unchanged)
        self.summary.count(self.summary.updated, "task", len(written.changed))
        for diff in written.changed:
            task = diff.row
            if task.from_stt and any(f == "title" for f, _o, _n in diff.fields):
                # A row inserted above renumbers every STT below it: the codes then name
                # other tasks, and their progress would follow the wrong titles.
                self.summary.warnings.append(
                    RowIssue(
                        *task.where,
                        texts.stt_task_changed(task.code),
                    )
                )
            fields = [
                (FIELD_LABELS[f], self._shown_task(f, old), self._shown_task(f, new))
                for f, old, new in diff.fields
            ]
            self.summary.changes.append(Change("task", task.code, fields))
        for bucket in (self.summary.created, self.summary.updated, self.summary.unchanged):
            if bucket.get("task") == 0:
                del bucket["task"]

    def _assignee(self, named: str, lead_code: str) -> int | None:
        """The officer a task names (by code, or by full name within the lead unit). One the
        file names but the list of officers does not have, or of another unit, is a warning:
        the task then goes to the whole unit, as with no officer named."""
        unit_id = self._id("unit", lead_code)
        officer = self.officers.get(named.upper())
        if officer is None:
            by_name = [
                o for o in self.officers.values() if fold(o.name) == fold(named) and o.active
            ]
            mine = [o for o in by_name if o.unit_id == unit_id]
            officer = next(iter(mine or by_name), None)
        problem = None
        if officer is None:
            problem = texts.unknown_assignee(named)
        elif officer.unit_id != unit_id:
            problem = texts.assignee_elsewhere(named, lead_code)
        if problem is not None:
            letter = self.table.letters.get("assignee") if self.table else None
            cell = texts.cell_suffix(f"{letter}{self.where[1]}") if letter else ""
            self.summary.warnings.append(
                RowIssue(*self.where, texts.whole_unit_instead(problem, cell))
            )
            return None
        assert officer is not None
        return officer.id

    def _series_rows(self) -> list[Task]:
        """The rows of the recurring tasks, matched to their stored occurrences by period
        (rules.series): an open occurrence moved, a done one left as it is, a cancelled one
        reopened, a new period added with a fresh number. Returns the open occurrences of
        periods the series no longer has: cancelled, with an event, once the rows are written."""
        if not self.series:
            return []
        assert self.plan is not None
        codes = [template.code for template, _dates, _rule, _at in self.series]
        stored: dict[str, list[Task]] = {}
        for task in self.session.exec(
            select(Task).where(Task.plan_id == self.plan.id, col(Task.series_code).in_(codes))
        ).all():
            stored.setdefault(task.series_code or "", []).append(task)
        cancels: list[Task] = []
        placed: list[tuple[int, list[TaskRow]]] = []
        for template, dates, rule, position in self.series:
            rows: list[TaskRow] = []
            tasks = {t.id: t for t in stored.get(template.code, [])}
            occurrences = [
                Occurrence(t.id or 0, task_store.occurrence_number(t.code), t.deadline, t.state)
                for t in tasks.values()
                if t.deadline is not None
            ]
            steps = reconcile(occurrences, dates, rule)

            def row(code: str, day: date | None, template: TaskRow = template) -> TaskRow:
                values = {**template.values, "deadline": day}
                return TaskRow(code, values, template.co_units, template.where, template.from_stt)

            for task_id, day in steps.reopen:
                task_store.reopen(self.session, tasks[task_id], self.who, None)
                rows.append(row(tasks[task_id].code, day))
            for task_id, day in steps.move:
                rows.append(row(tasks[task_id].code, day))
            for number, day in steps.create:
                rows.append(row(f"{template.code}#{number}", day))
            for task_id in steps.kept:
                task = tasks[task_id]
                if task.state == "open":  # its other fields follow the file
                    rows.append(row(task.code, task.deadline))
            cancels += [tasks[task_id] for task_id in steps.cancel]
            placed.append((position, rows))
        for position, rows in reversed(placed):  # later positions first: earlier ones hold
            self.task_rows[position:position] = rows
        self.session.flush()
        return cancels

    def _shown_task(self, key: str, value: Any) -> str:
        if key == "co_units":
            codes = sorted(self._shown("unit_id", u) for u in value)
            return ", ".join(codes) or texts.EMPTY
        return self._shown(key, value)


def import_sheets(
    session: Session,
    file: PlanFile,
    plan_code: str | None = None,
    progress: Progress | None = None,
    by: Officer | None = None,
    at: datetime | None = None,
    day: date | None = None,
) -> ImportSummary:
    """Write the file's tables in the caller's transaction; raise ImportFailed with every
    problem found. Every task created or changed gets its event, by `by` (else "admin")
    through "import", at `at` (now by default); the people concerned are told of changes."""
    moment = at or utcnow()
    who = task_store.Who(by, "import", moment, day or moment.date())
    # A 100,000-row import allocates millions of small objects that live until it ends; the
    # cyclic collector would walk them all again and again (a third of the time) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Importer(session, plan_code, progress, who).run(file)
    finally:
        if collecting:
            gc.enable()


def import_file(
    engine: Engine,
    path: Path,
    plan_code: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Read and import `path` in one transaction; a dry run rolls it back, changing nothing."""
    file = read_file(path)
    if not dry_run:
        with session_scope(engine) as session:
            return import_sheets(session, file, plan_code, progress)
    with Session(engine) as session:
        try:
            return import_sheets(session, file, plan_code, progress)
        finally:
            session.rollback()
