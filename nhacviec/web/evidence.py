"""A task's evidence on the web page: its files, each downloadable by whoever may see the task,
and an upload form for whoever may report the task's progress (the chat's rule for evidence:
rules.access, Action.PROGRESS).

A file is checked and kept by storage.evidence, the code the chat uses, so the web has the
chat's limits: `[evidence] max_bytes`, `[evidence] types` (and the first bytes must match the
type), names the server makes, and the "evidence" event with the officer and channel "web".
The upload is read as a stream and reading stops at the limit: a bigger file is never held
whole, and nothing of it is written."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, hdrs, web

from nhacviec.base import texts
from nhacviec.base.config import EvidenceConfig
from nhacviec.web.context import Ctx, FormReader, TooLarge, View, read_form
from nhacviec.web.deps import WebDeps
from rules.access import Action, TaskScope, decide
from rules.textnorm import without_marks
from storage import evidence as store
from storage import repo, web_queries
from storage import tasks as task_store
from storage.models import Task, TaskEvidence

log = logging.getLogger(__name__)

FILE_FIELD = "tep"
SAVED_QUERY = "minh_chung"  # the task page's address after an upload names the evidence kept
FIELD_LIMIT = 8 * 1024  # a field beside the file: the CSRF token
MAX_PARTS = 8
CHUNK = 64 * 1024
# What a file's extension says it is, for a browser that sends no type (or octet-stream).
TYPE_OF_EXTENSION = {ext: kind for kind, ext in store.EXTENSIONS.items()} | {".jpeg": "image/jpeg"}
FALLBACK_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class SentFile:
    """The file of the upload form, read whole (it is within the limit)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class RefusedFile:
    """A file refused while it was read (over the size limit): why, in Vietnamese."""

    filename: str
    why: str


def _content_type(declared: str, filename: str) -> str:
    """The type the browser declared when nhacviec knows it, else the one the file's extension
    names; storage checks it against the allowed types and the file's first bytes."""
    declared = declared.split(";", 1)[0].strip().lower()
    if declared in store.EXTENSIONS:
        return declared
    guessed = TYPE_OF_EXTENSION.get(PurePosixPath(filename.replace("\\", "/")).suffix.lower())
    return guessed or declared or FALLBACK_TYPE


async def _read(part: BodyPartReader, limit: int) -> bytearray | None:
    """The part's bytes, or None as soon as they pass `limit` (the rest is left unread)."""
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        data.extend(chunk)
        if len(data) > limit:
            return None
    return data


async def _read_file(part: BodyPartReader, settings: EvidenceConfig) -> bytearray:
    """The file's bytes; the chat's TaskError "file_too_big" as soon as they pass
    `[evidence] max_bytes` (the rest is left unread)."""
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        data.extend(chunk)
        store.check_size(len(data), settings)
    return data


def reader(deps: WebDeps) -> FormReader:
    """The upload form's reader: small fields, then one file read up to `[evidence] max_bytes`.
    Past the limit the file becomes a RefusedFile and reading stops there (aiohttp drops what
    the client still sends), so the page answers with the reason at once."""

    async def read(request: web.Request) -> dict[str, Any]:
        settings = deps.config.evidence
        if request.content_type != "multipart/form-data":
            return await read_form(request)
        form: dict[str, Any] = {}
        multipart = await request.multipart()
        for _ in range(MAX_PARTS):
            part = await multipart.next()
            if part is None:
                return form
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is None:
                text = await _read(part, FIELD_LIMIT)
                if text is None:
                    raise TooLarge
                form[part.name] = text.decode(part.get_charset("utf-8"), errors="replace")
                continue
            if any(isinstance(v, SentFile | RefusedFile) for v in form.values()):
                return form  # one file per upload; anything after it is not read
            try:
                data = await _read_file(part, settings)
            except task_store.TaskError as err:
                form[part.name] = RefusedFile(part.filename, err.text())
                return form
            declared = part.headers.get(hdrs.CONTENT_TYPE, "")
            form[part.name] = SentFile(
                part.filename, _content_type(declared, part.filename), bytes(data)
            )
        raise TooLarge

    return read


# -- the task page's evidence section ------------------------------------------------------------


def display_name(evidence: TaskEvidence) -> str:
    """The name a person reads: the one the sender gave (cleaned when kept), else nhacviec's."""
    return evidence.original_name or evidence.filename or ""


def accepted(settings: EvidenceConfig) -> str:
    """The upload field's `accept`: the allowed types and their extensions."""
    kinds = [k for k in settings.types if k in store.EXTENSIONS]
    return ",".join(kinds + sorted({store.EXTENSIONS[k] for k in kinds}))


def panel(ctx: Ctx, task: Task, scope: TaskScope) -> dict[str, Any]:
    """What the task page shows of the evidence: the list, the upload form when the officer
    may add evidence, and the note of a file just kept."""
    settings = ctx.deps.config.evidence
    rows = web_queries.task_evidence(ctx.db, task.id or 0)
    saved = None
    raw = ctx.query.get(SAVED_QUERY, "")
    if raw.isdigit():
        kept = next((r.evidence for r in rows if r.evidence.id == int(raw)), None)
        if kept is not None:
            saved = texts.EVIDENCE_SAVED.format(name=display_name(kept))
    return {
        "evidence": rows,
        "may_add_evidence": bool(decide(ctx.actor, Action.PROGRESS, scope)),
        "evidence_accept": accepted(settings),
        "evidence_kinds": ", ".join(
            dict.fromkeys(
                store.EXTENSIONS[k].lstrip(".").upper()
                for k in settings.types
                if k in store.EXTENSIONS
            )
        ),
        "evidence_max": texts.file_size(settings.max_bytes),
        "evidence_saved": saved,
        "evidence_name": display_name,
        "file_size": texts.file_size,
    }


def _scope(ctx: Ctx, task: Task) -> TaskScope:
    return TaskScope.of(
        task.lead_unit_id,
        task_store.co_unit_ids(ctx.db, task.id or 0),
        task.assignee_id,
        task.state,
    )


def _task(ctx: Ctx) -> Task | None:
    raw = ctx.match["id"]
    return repo.get_task(ctx.db, int(raw)) if raw.isdigit() else None


# -- upload --------------------------------------------------------------------------------------

TaskPage = Callable[..., web.StreamResponse]


def upload(task_page: TaskPage) -> View:
    """The upload form's view. `task_page(ctx, problems=..., status=...)` draws the task page
    again when the file is refused (nhacviec.web.pages.task_page)."""

    def add_evidence(ctx: Ctx) -> web.StreamResponse:
        """Keep the file sent as the task's evidence, with its event (channel "web", the
        signed-in officer), and go back to the task page; a file too big, of a type not
        accepted, empty or missing: the task page again with why, nothing written."""
        task = _task(ctx)
        if task is None or task.id is None:
            return ctx.not_found(texts.TASK_NOT_FOUND.format(id=ctx.match["id"]))
        scope = _scope(ctx, task)
        if not decide(ctx.actor, Action.VIEW, scope):
            return ctx.refuse(texts.VIEW_OTHER_UNIT)
        allowed = decide(ctx.actor, Action.PROGRESS, scope)
        if not allowed:
            reason = allowed.reason.value if allowed.reason else "other_unit"
            return ctx.refuse(texts.ACCESS_REFUSALS[reason].format(id=task.id))
        sent = (ctx.form or {}).get(FILE_FIELD)
        if isinstance(sent, RefusedFile):
            why = texts.EVIDENCE_REFUSED.format(
                name=store.safe_original(sent.filename) or "", why=sent.why
            )
            return task_page(ctx, problems=[why], status=413)
        if not isinstance(sent, SentFile) or not sent.filename:
            return task_page(ctx, problems=[texts.EVIDENCE_NO_FILE], status=400)
        who = task_store.Who(ctx.officer, "web", ctx.deps.clock.now(), ctx.today)
        try:
            kept = store.attach_file(
                ctx.db,
                task,
                who,
                sent.content,
                sent.content_type,
                sent.filename,
                ctx.deps.config.evidence,
            )
        except task_store.TaskError as err:
            name = store.safe_original(sent.filename) or ""
            status = 415 if err.reason == "file_type" else 400
            why = texts.EVIDENCE_REFUSED.format(name=name, why=err.text())
            return task_page(ctx, problems=[why], status=status)
        return web.Response(
            status=303,
            headers={"Location": f"/nhiem-vu/{task.id}?{SAVED_QUERY}={kept.id}#minh-chung"},
        )

    return add_evidence


# -- download ------------------------------------------------------------------------------------


def _ascii(name: str) -> str:
    """A name for the plain `filename=` of Content-Disposition: accents dropped (đ → d), any
    other character that is not a letter, digit, dot, dash or underscore made "_"."""
    plain = without_marks(name, "NFKD")
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in plain)


def download_name(evidence: TaskEvidence) -> str:
    """The name a download is saved under: the sender's (cleaned) name with the extension of
    the file's real type, so a "report.html" kept as a PDF saves as "report.html.pdf"."""
    stored = evidence.filename or ""
    extension = PurePosixPath(stored).suffix.lower()
    name = store.safe_original(evidence.original_name) or stored
    if not name.lower().endswith(extension):
        name += extension
    return name


def disposition(evidence: TaskEvidence) -> str:
    """`attachment` with a plain ASCII name and the real name (RFC 6266 / 5987)."""
    name = download_name(evidence)
    plain = _ascii(name)
    if not plain.strip("._-") or plain.startswith("."):
        plain = evidence.filename or "minh-chung"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(ctx: Ctx) -> web.StreamResponse:
    """One evidence file of a task, for whoever may see the task. The file is found by the
    evidence row's id and the name nhacviec made, never by a path from the request."""
    task = _task(ctx)
    if task is None or task.id is None:
        return ctx.not_found(texts.TASK_NOT_FOUND.format(id=ctx.match["id"]))
    if not decide(ctx.actor, Action.VIEW, _scope(ctx, task)):
        return ctx.refuse(texts.VIEW_OTHER_UNIT)
    raw = ctx.match["evidence"]
    found = store.stored_file(ctx.db, task.id, int(raw)) if raw.isdigit() else None
    missing = texts.EVIDENCE_NOT_FOUND.format(task=task.id, id=raw)
    if found is None or not found.filename:
        return ctx.not_found(missing)
    try:
        path = store.evidence_path(ctx.deps.config.evidence, found.filename)
    except task_store.TaskError:
        return ctx.not_found(missing)
    if not path.is_file():
        log.warning("evidence file %s of task %s is not in the folder", found.filename, task.id)
        return ctx.not_found(texts.EVIDENCE_MISSING)
    kind = found.content_type if found.content_type in store.EXTENSIONS else FALLBACK_TYPE
    return web.FileResponse(
        path,
        headers={hdrs.CONTENT_TYPE: kind, hdrs.CONTENT_DISPOSITION: disposition(found)},
    )
