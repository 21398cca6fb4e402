"""The chat's task texts that `chat` does not hold yet: /tasks and its buttons, the progress
question, /task's card, the /giao summary, and the follow-up office's /score, /inspect, /report
replies."""

from __future__ import annotations

from datetime import date

from nhacviec.base.texts.chat import d, deadline_text

# -- /tasks and the buttons under a task (bot/commands.py) -----------------------------------
BUTTON_DONE = "✅ Xong"
BUTTON_PROGRESS = "📈 Cập nhật tiến độ"
BUTTON_SNOOZE = "⏰ Nhắc lại mai"
TASKS_DUE_TODAY_BADGE = "🟠 hạn hôm nay"
PERCENT_AGAIN = "Phần trăm phải là số nguyên từ 0 đến 100. Gõ lại, ví dụ 60:"


def overdue_days_badge(days: int) -> str:
    return f"🔴 quá hạn {days} ngày"


def days_left_badge(days: int) -> str:
    return f"🟡 còn {days} ngày"


def no_open_tasks(unit: str) -> str:
    return f"🎉 {unit} không còn nhiệm vụ nào đang mở."


def open_tasks_header(unit: str, count: int) -> str:
    return f"📋 {unit}: {count} nhiệm vụ đang mở"


def co_task_lead(unit_code: str) -> str:
    return f"({unit_code} chủ trì)"


def tasks_next_page(page: int, pages: int) -> str:
    return f"Trang {page}/{pages} – gõ /tasks {page + 1} để xem tiếp"


def tasks_hint(task_id: int | None) -> str:
    return f"Trả lời: /done {task_id} hoặc /progress {task_id} 50"


def document_line(number: str) -> str:
    return f"Văn bản: {number}"


def snoozed(task_id: int | None, until: date, title: str) -> str:
    return f"⏰ Sẽ nhắc lại nhiệm vụ {task_id} ngày {d(until)}.\n{title}"


def ask_percent(task_id: int | None, progress: int) -> str:
    return f"Nhiệm vụ {task_id} đang ở {progress}%. Gõ phần trăm mới (0–100), ví dụ 60:"


def ask_note(percent: int) -> str:
    return f"Ghi chú cho mức {percent}%? Gõ ghi chú, hoặc “-” để bỏ qua."


# -- the follow-up office: /score, /inspect, /report (bot/tccb.py) ---------------------------
def score_recorded(
    area_code: str, points: str, max_score: str, was: str, area_name: str, summary: str
) -> str:
    return (
        f"📝 Đã ghi tự chấm lĩnh vực {area_code}: {points}/{max_score}{was}.\n"
        f"{area_name}\n{summary}"
    )


def score_was(previous: str) -> str:
    return f" (trước: {previous})"


def scores_summary(scored: int, areas: int, total: str, max_total: str) -> str:
    return f"Tự chấm {scored}/{areas} lĩnh vực: {total}/{max_total}"


def inspection_recorded(unit_code: str, day: date) -> str:
    return f"🔎 Đã ghi kiểm tra {unit_code} ngày {d(day)}."


def report_ready(label: str, plans: str, on: date) -> str:
    return f"📎 Báo cáo CCHC {label} ({plans}),\nsố liệu đến ngày {d(on)}."


# -- /giao's summary and /task's card (bot/task_commands.py) ---------------------------------
STORY_EVIDENCE = "Minh chứng:"
STORY_EVENTS = "Diễn biến (mới nhất trước):"
OUTCOME_ON_TIME = "đúng hạn"
WHOLE_UNIT = "cả đơn vị"
NO_CO_UNITS = "không"


def document_suffix(document: str | None) -> str:
    """` · Số 12/KH-SNN` after an authority, or nothing."""
    return f" · Số {document}" if document else ""


def giao_summary(
    unit: str,
    title: str,
    deadline: date | None,
    authority: str,
    document: str | None,
    officer: str,
    co_units: str,
) -> str:
    return "\n".join(
        [
            f"• Chủ trì: {unit}",
            f"• Nhiệm vụ: {title}",
            f"• Hạn: {d(deadline)}",
            f"• Cơ quan giao: {authority}" + document_suffix(document),
            f"• Thụ lý: {officer}",
            f"• Phối hợp: {co_units}",
        ]
    )


def outcome_late(days: int) -> str:
    return f"trễ {days} ngày"


def story_title(task_id: int | None, title: str) -> str:
    return f"📌 #{task_id} {title}"


def story_lead(unit_code: str) -> str:
    return f"Chủ trì: {unit_code}"


def story_assignee(name: str) -> str:
    return f" · Thụ lý: {name}"


def story_co_units(co: str) -> str:
    return f"Phối hợp: {co}"


def story_authority(authority: str, document: str | None) -> str:
    return f"Giao: {authority}" + document_suffix(document)


def story_deadline(effective: date | None, written: date | None = None) -> str:
    """The deadline in force; written on a day off, the working day it moved to first."""
    return f"Hạn {deadline_text(effective, written)}"


def story_extended(mark: str, before: date | None) -> str:
    return f" ({mark}, hạn trước gia hạn {d(before)})"


def story_first_deadline(first: date | None) -> str:
    return f" (hạn ban đầu {d(first)})"


def story_reported(step: str, on: date | None) -> str:
    return f" ({step}), báo xong {d(on)}"


def story_extension_asked(to: date | None, step: str) -> str:
    return f"Đang xin gia hạn đến {d(to)}, chờ {step} duyệt"


def story_more(count: int) -> str:
    return f"… và {count} mục cũ hơn (xem báo cáo Excel)."
