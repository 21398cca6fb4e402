"""Photos and files attached to a task as proof of its completion, kept in the evidence folder.

A file's name is made here (`<task>-<first 16 hex of its SHA-256>.<extension of its type>`):
nothing an officer or a messenger sends ends up in a path, so no name can leave the folder or
overwrite another task's file. Size and type are checked before anything is written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sqlmodel import Session

from nhacviec.base.config import EvidenceConfig
from rules.events import EventKind
from storage.models import Task, TaskEvidence
from storage.repo import MAX_ID
from storage.tasks import TaskError, Who, record

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
# What a file's first bytes say it is, for the types whose bytes are easy to tell.
MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


def _looks_like(content_type: str, data: bytes) -> bool:
    prefixes = MAGIC.get(content_type)
    return prefixes is None or data.startswith(prefixes)


def safe_original(name: str | None) -> str | None:
    """The name the sender gave, for display only: no folders, no control characters."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:255] or None


def check_size(size: int, settings: EvidenceConfig) -> None:
    """A file bigger than `[evidence] max_bytes` is refused (TaskError "file_too_big"): the
    chat checks the bytes it fetched, the web page the bytes it has read so far, so that it
    can stop reading at the limit."""
    if size > settings.max_bytes:
        raise TaskError("file_too_big", f"{settings.max_bytes // (1024 * 1024) or 1} MB")


def attach_file(
    session: Session,
    task: Task,
    who: Who,
    data: bytes,
    content_type: str,
    original_name: str | None,
    settings: EvidenceConfig,
) -> TaskEvidence:
    """Keep `data` in the evidence folder and record it on the task (with its event)."""
    content_type = (content_type or "").split(";", 1)[0].strip().lower()
    check_size(len(data), settings)
    if not data:
        raise TaskError("file_empty")
    if content_type not in settings.types or content_type not in EXTENSIONS:
        raise TaskError("file_type", content_type or "?")
    if not _looks_like(content_type, data):
        raise TaskError("file_type", content_type)
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(settings.folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{task.id}-{digest[:16]}{EXTENSIONS[content_type]}"
    path = folder / name
    if path.parent != folder:  # cannot happen with the name above; kept as the guard it is
        raise TaskError("file_type", content_type)
    if not path.exists():
        temporary = folder / f".{name}.part"
        temporary.write_bytes(data)
        os.replace(temporary, path)
    evidence = TaskEvidence(
        task_id=task.id or 0,
        at=who.at,
        officer_id=who.officer_id,
        channel=who.channel,
        filename=name,
        original_name=safe_original(original_name),
        content_type=content_type,
        size=len(data),
        sha256=digest,
    )
    session.add(evidence)
    session.flush()
    record(session, task, who, EventKind.EVIDENCE_ADDED, "file", None, name)
    return evidence


def stored_file(session: Session, task_id: int, evidence_id: int) -> TaskEvidence | None:
    """Evidence `evidence_id` of task `task_id` if it is a kept file (not a document number)."""
    if not 0 < evidence_id <= MAX_ID:  # no database could hold it: not an error
        return None
    found = session.get(TaskEvidence, evidence_id)
    if found is None or found.task_id != task_id or not found.filename:
        return None
    return found


def evidence_path(settings: EvidenceConfig, filename: str) -> Path:
    """Where a stored file is (for the web page and the report); refuses a name that is not
    one nhacviec made."""
    folder = Path(settings.folder).resolve()
    path = (folder / filename).resolve()
    if path.parent != folder:
        raise TaskError("file_type", filename)
    return path
