"""Reasons nhacviec writes into the record by itself (task events, the outbox), which people
read later in a task's history or the admin's outbox report."""

from __future__ import annotations

SERIES_REMOVED = "bỏ khỏi chuỗi khi sửa nhiệm vụ lặp lại"
OUTBOX_EXPIRED = "quá ngày nhắc, đã có bản nhắc mới"
OUTBOX_GAVE_UP = "hết số lần thử"
# Why an unlinked group's unsent reminders were expired (outbox.last_error, for the admin).
GROUP_UNLINKED = "nhóm đã huỷ liên kết với đơn vị"
# The default reasons of storage/people.py's changes, in the task and officer history.
OFFICER_LEFT_REASON = "cán bộ nghỉ"
OFFICER_INACTIVE = "cán bộ đã ngừng hoạt động"
BY_IMPORT_REASON = "nhập từ tệp"


def officer_moved_reason(code: str, unit: str) -> str:
    return f"cán bộ {code} chuyển sang {unit}"
