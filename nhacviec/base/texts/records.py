"""Reasons nhacviec writes into the record by itself (task events, the outbox), which people
read later in a task's history or the admin's outbox report."""

from __future__ import annotations

SERIES_REMOVED = "bỏ khỏi chuỗi khi sửa nhiệm vụ lặp lại"
OUTBOX_EXPIRED = "quá ngày nhắc, đã có bản nhắc mới"
OUTBOX_GAVE_UP = "hết số lần thử"
