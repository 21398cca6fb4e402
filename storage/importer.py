"""Import a plan from the department's Excel workbook or a CSV file (docs/import-format.md).

One import is one transaction: any bad row and nothing is written, every bad row reported."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlmodel import Session, select

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError
from rules import RecurrenceError, expand_occurrences, parse_recurrence
from rules.textnorm import fold
from storage import people, repo
from storage import tasks as task_store
from storage.models import Area, Officer, Plan, Role, Task, TaskCoUnit, TaskState, Unit, utcnow

# Folded header -> field name, per kind of sheet.
HEADERS: dict[str, dict[str, str]] = {
    "plan": {
        "ma": "code",
        "code": "code",
        "ten ke hoach": "name",
        "ten": "name",
        "name": "name",
        "nam": "year",
        "year": "year",
        "so hieu": "document",
        "document": "document",
        "co quan": "agency",
        "agency": "agency",
    },
    "area": {
        "ma": "code",
        "code": "code",
        "ten": "name",
        "ten linh vuc": "name",
        "name": "name",
        "thuoc": "parent",
        "parent": "parent",
        "diem toi da": "max_score",
        "max score": "max_score",
        "diem muc tieu": "target_score",
        "target score": "target_score",
        "diem nam truoc": "last_year_score",
        "last year score": "last_year_score",
    },
    "unit": {
        "ma": "code",
        "code": "code",
        "ten don vi": "name",
        "ten": "name",
        "name": "name",
        "truong don vi": "head",
        "head": "head",
    },
    "officer": {
        "ma": "code",
        "code": "code",
        "ho va ten": "name",
        "ho ten": "name",
        "name": "name",
        "don vi": "unit",
        "unit": "unit",
        "vai tro": "role",
        "role": "role",
    },
    "task": {
        "ma": "code",
        "code": "code",
        "nhiem vu": "title",
        "title": "title",
        "linh vuc": "area",
        "area": "area",
        "don vi chu tri": "lead_unit",
        "lead unit": "lead_unit",
        "don vi phoi hop": "co_units",
        "co units": "co_units",
        "co quan giao": "authority",
        "authority": "authority",
        "han": "deadline",
        "deadline": "deadline",
        "lap lai": "recurrence",
        "recurrence": "recurrence",
        "ghi chu": "note",
        "note": "note",
        "can bo thu ly": "assignee",
        "assignee": "assignee",
        "so van ban": "document",
        "so van ban giao": "document",
    },
}
REQUIRED = {
    "plan": ("code", "name", "year"),
    "area": ("code", "name"),
    "unit": ("code", "name"),
    "officer": ("code", "name", "unit", "role"),
    "task": ("code", "title", "area", "lead_unit"),
}
SHEET_NAMES = {
    "ke hoach": "plan",
    "linh vuc": "area",
    "don vi": "unit",
    "can bo": "officer",
    "nhiem vu": "task",
}
KIND_ORDER = ("plan", "area", "unit", "officer", "task")
ROLES = {
    "cong chuc": Role.OFFICER,
    "vien chuc": Role.OFFICER,
    "officer": Role.OFFICER,
    "can bo": Role.OFFICER,
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


@dataclass(frozen=True)
class RowIssue:
    """A bad row: where it is and why."""

    sheet: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet}, dòng {self.row}: {self.reason}"


class ImportFailed(NhacviecError):
    """The file was not imported; `issues` lists every bad row."""

    reason = "import"

    def __init__(self, issues: list[RowIssue]) -> None:
        super().__init__(f"{len(issues)} dòng lỗi")
        self.issues = issues


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    plan_code: str | None = None
    # Changes the file asked for and the import did not make, said in Vietnamese.
    kept_back: list[str] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class Sheet:
    name: str
    kind: str
    rows: list[tuple[int, dict[str, Any]]]


Progress = Callable[[int], None]


def read_file(path: Path) -> list[Sheet]:
    """The sheets of an .xlsx or .csv file with their rows keyed by field name."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise ImportFailed([RowIssue(path.name, 0, "chỉ nhận tệp .xlsx hoặc .csv")])


def _read_xlsx(path: Path) -> list[Sheet]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for ws in workbook.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            continue
        sheet = _make_sheet(
            ws.title,
            [str(h) if h is not None else "" for h in header],
            ((i, list(r)) for i, r in enumerate(rows, start=2)),
        )
        if sheet is not None:
            sheets.append(sheet)
    workbook.close()
    return sheets


def _read_csv(path: Path) -> list[Sheet]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return []
        sheet = _make_sheet(path.name, header, ((i, list(r)) for i, r in enumerate(reader, 2)))
    return [sheet] if sheet is not None else []


def _make_sheet(
    name: str, header: list[str], rows: Iterable[tuple[int, list[Any]]]
) -> Sheet | None:
    folded = [fold(h) for h in header]
    kind = SHEET_NAMES.get(fold(name)) or _kind_from_headers(set(folded))
    if kind is None:
        return None
    mapping = HEADERS[kind]
    keys = [mapping.get(h) for h in folded]
    parsed = []
    for number, values in rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        record = {k: v for k, v in zip(keys, values, strict=False) if k is not None}
        parsed.append((number, record))
    return Sheet(name=name, kind=kind, rows=parsed)


def _kind_from_headers(headers: set[str]) -> str | None:
    if "nhiem vu" in headers or "title" in headers:
        return "task"
    if "vai tro" in headers or "role" in headers:
        return "officer"
    if "ten don vi" in headers or "truong don vi" in headers:
        return "unit"
    if headers & {"thuoc", "diem toi da", "diem muc tieu", "parent", "max score"}:
        return "area"
    if "ten ke hoach" in headers:
        return "plan"
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(_text(value), "%d/%m/%Y").date()
    except ValueError as exc:
        raise ValueError(f"ngày '{_text(value)}' không đúng dạng dd/mm/yyyy") from exc


def _score(value: Any, label: str) -> float | None:
    text = _text(value).replace(",", ".")
    if text == "":
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValueError(f"{label} '{_text(value)}' không phải là số") from exc


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
        self.plan_code = plan_code
        self.progress = progress or (lambda _n: None)
        self.issues: list[RowIssue] = []
        self.summary = ImportSummary()
        self.plan: Plan | None = None
        self.pending_heads: list[tuple[str, int, Unit, str]] = []
        self.where = ("", 0)

    def run(self, sheets: list[Sheet]) -> ImportSummary:
        by_kind = sorted(sheets, key=lambda s: KIND_ORDER.index(s.kind))
        for sheet in by_kind:
            missing = [
                f
                for f in REQUIRED[sheet.kind]
                if not any(f in record for _, record in sheet.rows[:1])
            ]
            if sheet.rows and missing:
                self.issues.append(
                    RowIssue(
                        sheet.name,
                        1,
                        "thiếu cột " + ", ".join(_header_label(sheet.kind, f) for f in missing),
                    )
                )
                continue
            handler = getattr(self, f"_{sheet.kind}")
            for number, record in sheet.rows:
                self.where = (sheet.name, number)
                try:
                    absent = [f for f in REQUIRED[sheet.kind] if _text(record.get(f)) == ""]
                    if absent:
                        raise ValueError(
                            "thiếu " + ", ".join(_header_label(sheet.kind, f) for f in absent)
                        )
                    handler(record)
                except ValueError as exc:
                    self.issues.append(RowIssue(sheet.name, number, str(exc)))
                self.progress(1)
        for sheet_name, number, unit, head_code in self.pending_heads:
            head = repo.officer_by_code(self.session, head_code)
            if head is None:
                self.issues.append(
                    RowIssue(
                        sheet_name, number, f"trưởng đơn vị '{head_code}' không có trong Cán bộ"
                    )
                )
            elif unit.head_id != head.id:
                unit.head_id = head.id
                self.session.add(unit)
        if not sheets:
            self.issues.append(RowIssue("", 0, "tệp không có trang nào nhận ra được"))
        if self.issues:
            raise ImportFailed(self.issues)
        self.summary.plan_code = self.plan.code if self.plan else None
        return self.summary

    def _upsert(
        self,
        kind: str,
        existing: Any,
        new: Any,
        values: dict[str, Any],
        also_changed: bool = False,
    ) -> Any:
        if existing is None:
            for key, value in values.items():
                setattr(new, key, value)
            self.session.add(new)
            self.session.flush()
            self.summary.count(self.summary.created, kind)
            return new
        changed = also_changed
        for key, value in values.items():
            if getattr(existing, key) != value:
                setattr(existing, key, value)
                changed = True
        self.summary.count(self.summary.updated if changed else self.summary.unchanged, kind)
        if changed:
            self.session.add(existing)
            self.session.flush()
        return existing

    def _current_plan(self) -> Plan:
        if self.plan is None:
            plan = (
                self.session.exec(select(Plan).where(Plan.code == self.plan_code)).first()
                if self.plan_code
                else repo.current_plan(self.session)
            )
            if plan is None:
                raise ValueError("chưa có kế hoạch: nhập trang 'Kế hoạch' trước")
            self.plan = plan
        return self.plan

    def _plan(self, r: dict[str, Any]) -> None:
        year_text = _text(r["year"])
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            raise ValueError(f"năm '{year_text}' không hợp lệ")
        code = _text(r["code"])
        existing = self.session.exec(select(Plan).where(Plan.code == code)).first()
        self.plan = self._upsert(
            "plan",
            existing,
            Plan(code=code, name="", year=0),
            {
                "name": _text(r["name"]),
                "year": int(year_text),
                "document": _text(r.get("document")) or None,
                "agency": _text(r.get("agency")) or None,
            },
        )

    def _area(self, r: dict[str, Any]) -> None:
        plan = self._current_plan()
        code = _text(r["code"])
        parent = _text(r.get("parent")) or None
        if parent is not None and self._area_by_code(parent) is None:
            raise ValueError(f"lĩnh vực cha '{parent}' chưa có")
        values = {
            "name": _text(r["name"]),
            "parent_code": parent,
            "max_score": _score(r.get("max_score"), "điểm tối đa"),
            "target_score": _score(r.get("target_score"), "điểm mục tiêu"),
            "last_year_score": _score(r.get("last_year_score"), "điểm năm trước"),
        }
        self._upsert(
            "area", self._area_by_code(code), Area(plan_id=_id(plan), code=code, name=""), values
        )

    def _area_by_code(self, code: str) -> Area | None:
        plan = self._current_plan()
        return self.session.exec(
            select(Area).where(Area.plan_id == plan.id, Area.code == code)
        ).first()

    def _unit(self, r: dict[str, Any]) -> None:
        code = _text(r["code"])
        unit = self._upsert(
            "unit",
            repo.unit_by_code(self.session, code),
            Unit(code=code, name=""),
            {"name": _text(r["name"])},
        )
        head = _text(r.get("head"))
        if head:
            self.pending_heads.append((*self.where, unit, head))

    def _officer(self, r: dict[str, Any]) -> None:
        code = _text(r["code"])
        unit = repo.unit_by_code(self.session, _text(r["unit"]))
        if unit is None:
            raise ValueError(f"đơn vị '{_text(r['unit'])}' không có")
        role = ROLES.get(fold(_text(r["role"])))
        if role is None:
            raise ValueError(
                f"vai trò '{_text(r['role'])}' không hợp lệ "
                "(công chức, trưởng đơn vị, tccb, quản trị, theo dõi, lãnh đạo sở)"
            )
        existing = repo.officer_by_code(self.session, code)
        before = (existing.unit_id, existing.role) if existing is not None else None
        officer = self._upsert(
            "officer",
            existing,
            Officer(code=code, name="", unit_id=0),
            {"name": _text(r["name"]), "unit_id": unit.id, "role": role.value},
        )
        if before is not None and before != (officer.unit_id, officer.role):
            # Moved or given another role by the file: recorded as the CLI records it.
            people.imported(self.session, officer, before[0], before[1], self.who)

    def _task(self, r: dict[str, Any]) -> None:
        plan = self._current_plan()
        code = _text(r["code"])
        area = self._area_by_code(_text(r["area"]))
        if area is None:
            raise ValueError(f"lĩnh vực '{_text(r['area'])}' không có")
        lead = repo.unit_by_code(self.session, _text(r["lead_unit"]))
        if lead is None:
            raise ValueError(f"đơn vị chủ trì '{_text(r['lead_unit'])}' không có")
        co_units = []
        for co_code in _text(r.get("co_units")).replace(";", ",").split(","):
            if co_code.strip():
                unit = repo.unit_by_code(self.session, co_code.strip())
                if unit is None:
                    raise ValueError(f"đơn vị phối hợp '{co_code.strip()}' không có")
                co_units.append(unit)
        assignee_id = None
        assignee_code = _text(r.get("assignee"))
        if assignee_code:
            assignee = repo.officer_by_code(self.session, assignee_code)
            if assignee is None:
                raise ValueError(f"cán bộ thụ lý '{assignee_code}' không có trong Cán bộ")
            if assignee.unit_id != lead.id:
                raise ValueError(
                    f"cán bộ thụ lý '{assignee_code}' không thuộc đơn vị chủ trì {lead.code}"
                )
            assignee_id = assignee.id
        deadline = _date(r.get("deadline"))
        recurrence_text = _text(r.get("recurrence"))
        # Lead unit before the officer: a named officer must belong to the lead unit.
        values: dict[str, Any] = {
            "title": _text(r["title"]),
            "area_id": area.id,
            "lead_unit_id": lead.id,
            "assignee_id": assignee_id,
            "authority": _text(r.get("authority")) or None,
            "document": _text(r.get("document")) or None,
            "note": _text(r.get("note")) or None,
        }
        if not recurrence_text:
            self._save_task(
                plan,
                code,
                {**values, "deadline": deadline, "recurrence": None, "series_code": None},
                co_units,
            )
            return
        if deadline is None:
            raise ValueError("nhiệm vụ lặp lại cần Hạn của lần đầu")
        try:
            rule = parse_recurrence(recurrence_text)
        except RecurrenceError as exc:
            raise ValueError(str(exc)) from exc
        dates = expand_occurrences(deadline, rule, date(plan.year, 12, 31))
        if not dates:
            raise ValueError("hạn lần đầu nằm sau cuối năm kế hoạch")
        # Occurrences are matched by period, not by position: moving the first deadline
        # never leaves two occurrences in a month, and done ones stay as they are.
        result = task_store.apply_series(
            self.session,
            plan,
            code,
            dates,
            rule,
            {**values, "recurrence": rule, "co_units": co_units},
            self.who,
            notify=True,
        )
        summary = self.summary
        for _ in result.created:
            summary.count(summary.created, "task")
        for _ in result.changed + result.cancelled:
            summary.count(summary.updated, "task")
        for _ in result.unchanged:
            summary.count(summary.unchanged, "task")

    def _save_task(
        self, plan: Plan, code: str, values: dict[str, Any], co_units: list[Unit]
    ) -> None:
        """Create the task with its "created" event, or change it field by field, each change
        with its event (by whoever imported) and its notices."""
        existing = self.session.exec(
            select(Task).where(Task.plan_id == plan.id, Task.code == code)
        ).first()
        if existing is None:
            task = Task(plan_id=_id(plan), code=code, title="", lead_unit_id=0)
            for key, value in values.items():
                setattr(task, key, value)
            self.session.add(task)
            self.session.flush()
            for unit in co_units:
                if unit.id != task.lead_unit_id:
                    self.session.add(TaskCoUnit(task_id=task.id or 0, unit_id=unit.id or 0))
            # A plan arrives in bulk: new tasks reach people through their digests.
            task_store.created(self.session, task, self.who, notify=False)
            self.summary.count(self.summary.created, "task")
            return
        if existing.state == TaskState.DONE and values.get("deadline") != existing.deadline:
            # A done task's outcome is settled: a file does not move its deadline (that would
            # turn a late completion into an on-time one); a person may, with a reason.
            self.summary.kept_back.append(
                texts.IMPORT_DONE_DEADLINE_KEPT.format(
                    row=self.where[1],
                    code=code,
                    id=existing.id,
                    old=texts.d(existing.deadline),
                    new=texts.d(values.get("deadline")),
                )
            )
            values = {k: v for k, v in values.items() if k != "deadline"}
        changed = task_store.set_fields(
            self.session, existing, {**values, "co_units": co_units}, self.who, notify=True
        )
        self.summary.count(self.summary.updated if changed else self.summary.unchanged, "task")


def _id(plan: Plan) -> int:
    assert plan.id is not None, "a plan is flushed before its rows are written"
    return plan.id


def _header_label(kind: str, field_name: str) -> str:
    labels = {
        "code": "Mã",
        "name": {"plan": "Tên kế hoạch", "unit": "Tên đơn vị", "officer": "Họ và tên"}.get(
            kind, "Tên"
        ),
        "year": "Năm",
        "unit": "Đơn vị",
        "role": "Vai trò",
        "title": "Nhiệm vụ",
        "area": "Lĩnh vực",
        "lead_unit": "Đơn vị chủ trì",
    }
    return labels.get(field_name, field_name)


def import_sheets(
    session: Session,
    sheets: list[Sheet],
    plan_code: str | None = None,
    progress: Progress | None = None,
    by: Officer | None = None,
    at: datetime | None = None,
    day: date | None = None,
) -> ImportSummary:
    """Write the sheets in the caller's transaction; raise ImportFailed with every bad row.
    Every task created or changed gets its event, by `by` (else "admin") through "import"."""
    moment = at or utcnow()
    who = task_store.Who(by, "import", moment, day or moment.date())
    return _Importer(session, plan_code, progress, who).run(sheets)


def row_count(sheets: list[Sheet]) -> int:
    return sum(len(s.rows) for s in sheets)
