"""Importing a plan file from the browser: the file is read and previewed first (a dry run
that writes nothing), and only applied when the officer presses Áp dụng."""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from aiohttp import web

from nhacviec.web.context import Ctx, Upload
from rules.access import Action, decide
from storage import web_queries
from storage.importer import ImportFailed, ImportSummary
from storage.sheets import KIND_NAMES

CHANGE_ONLY = "Chỉ TCCB, quản trị và cán bộ theo dõi nhiệm vụ nhập được kế hoạch."
KINDS = {
    "plan": "kế hoạch",
    "area": "lĩnh vực",
    "unit": "đơn vị",
    "officer": "cán bộ",
    "task": "nhiệm vụ",
}
SUFFIXES = (".xlsx", ".csv")
PREVIEW_LINES = 50  # of each list on the preview page
KEEP_SECONDS = 3600  # an upload not applied within the hour is dropped


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "nhacviec-web-import"
    folder.mkdir(mode=0o700, exist_ok=True)
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _counts(bucket: dict[str, int]) -> str:
    return ", ".join(f"{n} {KINDS.get(k, k)}" for k, n in bucket.items() if n) or "0"


def summary_text(summary: ImportSummary) -> str:
    return (
        f"thêm {_counts(summary.created)}; sửa {_counts(summary.updated)}; "
        f"giữ nguyên {_counts(summary.unchanged)}"
    )


def _upload_path(ctx: Ctx, upload_id: str) -> Path | None:
    """The officer's own upload named by the form, never a path of the caller's choosing."""
    if not upload_id or not all(c.isalnum() or c in "-_" for c in upload_id):
        return None
    for suffix in SUFFIXES:
        path = _folder() / f"{ctx.officer.id}-{upload_id}{suffix}"
        if path.exists():
            return path
    return None


def import_page(ctx: Ctx) -> web.StreamResponse:
    """GET: the form. POST with a file: the preview. POST with `tai_len` (the upload's id)
    and `ap_dung`: the import."""
    if not decide(ctx.actor, Action.ASSIGN):
        return ctx.refuse(CHANGE_ONLY)
    form = ctx.form or {}
    if ctx.form is None:
        return ctx.render("import.html")
    if form.get("ap_dung"):
        path = _upload_path(ctx, str(form.get("tai_len", "")))
        if path is None:
            return ctx.render(
                "import.html", status=400, problems=["Tệp tải lên đã hết hạn, hãy chọn lại tệp."]
            )
        try:
            summary = web_queries.apply_import(ctx.db, path)
        except ImportFailed as failed:
            return ctx.render("import.html", status=400, problems=[str(i) for i in failed.issues])
        path.unlink(missing_ok=True)
        return ctx.render("import.html", applied=summary_text(summary))
    upload = form.get("tep")
    filename = upload.filename if isinstance(upload, Upload) else ""
    if not isinstance(upload, Upload) or not filename:
        return ctx.render(
            "import.html", status=400, problems=["Chọn tệp .xlsx hoặc .csv để nhập."]
        )
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        return ctx.render(
            "import.html", status=400, problems=[f"{filename}: chỉ nhận tệp .xlsx hoặc .csv."]
        )
    upload_id = secrets.token_urlsafe(12)
    path = _folder() / f"{ctx.officer.id}-{upload_id}{suffix}"
    path.write_bytes(upload.content)
    try:
        summary = web_queries.preview_import(ctx.deps.engine, path)
    except ImportFailed as failed:
        path.unlink(missing_ok=True)
        return ctx.render(
            "import.html",
            status=400,
            filename=filename,
            problems=[f"Không nhập gì cả: {len(failed.issues)} dòng lỗi."]
            + [str(i) for i in failed.issues],
        )
    return ctx.render(
        "import.html",
        filename=filename,
        preview=summary_text(summary),
        changed=summary.changed,
        upload_id=upload_id,
        added=[(KIND_NAMES.get(k, k), code) for k, code in summary.added[:PREVIEW_LINES]],
        more_added=max(0, len(summary.added) - PREVIEW_LINES),
        changes=[
            (KIND_NAMES.get(c.kind, c.kind), c.code, c.fields)
            for c in summary.changes[:PREVIEW_LINES]
        ],
        more_changes=max(0, len(summary.changes) - PREVIEW_LINES),
        warnings=[str(w) for w in summary.warnings[:PREVIEW_LINES]],
    )
