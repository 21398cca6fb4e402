"""Importing a plan file from the browser: the file is read and previewed first (a dry run
that writes nothing), and only applied when the officer presses Áp dụng."""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from aiohttp import web

from nhacviec.base import texts
from nhacviec.web.context import Ctx, Upload
from rules.access import Action, decide
from storage import web_queries
from storage.importer import ImportFailed, ImportSummary
from storage.sheets import KIND_NAMES

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


def summary_text(summary: ImportSummary) -> str:
    return texts.import_changes(summary.created, summary.updated, summary.unchanged)


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
        return ctx.refuse(texts.WEB_IMPORT_ONLY)
    form = ctx.form or {}
    if ctx.form is None:
        return ctx.render("import.html")
    if form.get("ap_dung"):
        path = _upload_path(ctx, str(form.get("tai_len", "")))
        if path is None:
            return ctx.render("import.html", status=400, problems=[texts.WEB_IMPORT_EXPIRED])
        try:
            summary = web_queries.apply_import(ctx.db, path)
        except ImportFailed as failed:
            return ctx.render("import.html", status=400, problems=[str(i) for i in failed.issues])
        path.unlink(missing_ok=True)
        return ctx.render("import.html", applied=summary_text(summary))
    upload = form.get("tep")
    filename = upload.filename if isinstance(upload, Upload) else ""
    if not isinstance(upload, Upload) or not filename:
        return ctx.render("import.html", status=400, problems=[texts.WEB_IMPORT_NO_FILE])
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        wrong = texts.WEB_IMPORT_WRONG_KIND.format(name=filename)
        return ctx.render("import.html", status=400, problems=[wrong])
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
            problems=[texts.WEB_IMPORT_NOTHING.format(errors=len(failed.issues))]
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
