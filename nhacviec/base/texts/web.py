"""The web page's texts (forms, flashes, refusals), read as `texts.NAME` like every other."""

from __future__ import annotations

# -- a unit's tasks: the "người thụ lý" filter ---------------------------------------------------

UNASSIGNED_CHOICE = "Chưa giao người"
UNKNOWN_ASSIGNEE = "Người thụ lý: không có cán bộ “{code}”."

# -- a task's evidence -------------------------------------------------------------------------

VIEW_OTHER_UNIT = "Bạn chỉ xem được nhiệm vụ của đơn vị mình."
TASK_NOT_FOUND = "Không có nhiệm vụ số {id}."
EVIDENCE_NO_FILE = "Chọn một tệp minh chứng (ảnh, PDF, Word hoặc Excel) rồi bấm Tải lên."
EVIDENCE_REFUSED = "Không lưu tệp “{name}”: {why}"
EVIDENCE_SAVED = "Đã lưu minh chứng “{name}”."
EVIDENCE_NOT_FOUND = "Nhiệm vụ {task} không có tệp minh chứng số {id}."
EVIDENCE_MISSING = (
    "Tệp minh chứng này không còn trong thư mục lưu trữ. "
    "Báo quản trị kiểm tra thư mục [evidence] folder."
)


def file_size(size: int | None) -> str:
    """A file's size the Vietnamese way: 850 byte, 12,3 KB, 10 MB."""
    if size is None:
        return "–"
    if size < 1024:
        return f"{size} byte"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
