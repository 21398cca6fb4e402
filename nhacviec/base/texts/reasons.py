"""The sentences for the errors the pure rules raise (rules/ cannot import the texts): each
reason's sentence, filled by `explain` with the error's details."""

from __future__ import annotations

from nhacviec.base.texts.chat import REASONS

DEADLINE_FORMS_HINT = (
    "viết dd/mm/yyyy, 'Quý II/2024', 'Tháng 3/2024', '6 tháng đầu năm', 'trước 30/6', "
    "'Cuối năm' hoặc 'Thường xuyên'"
)
RULE_REASONS = {
    # rules/deadlines.py: DeadlineError
    "deadline_no_such_day": "ngày '{value}' không có thật (dd/mm/yyyy)",
    "deadline_no_such_month": "tháng trong '{value}' không có thật",
    "deadline_unknown": "hạn '{value}' không hiểu: " + DEADLINE_FORMS_HINT,
    "deadline_not_a_day": "hạn '{value}' không phải là ngày: " + DEADLINE_FORMS_HINT,
    # rules/periods.py: PeriodError
    "period_invalid": (
        "Kỳ báo cáo “{text}” không hợp lệ. "
        "Dùng 2023-Q1 … 2023-Q4 (quý), 2023-H1, 2023-H2 (6 tháng) hoặc 2023 (năm)."
    ),
    "period_half": "Nửa năm chỉ có H1 và H2, không có “{text}”.",
    "period_not_started": "Kỳ {label} chưa bắt đầu (từ {start:%d/%m/%Y}), chưa có số liệu.",
    # rules/recurrence.py: RecurrenceError
    "recurrence_unknown": "không hiểu chu kỳ lặp lại '{text}'",
    "recurrence_invalid": "chu kỳ lặp lại '{text}' không hợp lệ",
}
REASONS.update(RULE_REASONS)
