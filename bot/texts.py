"""Every Vietnamese text a user reads, in one place; dates dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

ROLE_NAMES = {"officer": "công chức", "head": "trưởng đơn vị", "tccb": "TCCB", "admin": "quản trị"}
FLAG_NAMES = {"ok": "ổn", "warning": "cảnh báo", "over": "vượt 30%"}
FLAG_ICONS = {"ok": "🟢", "warning": "🟡", "over": "🔴"}


def d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "không hạn"


def dt(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def pct(share: float) -> str:
    return f"{share * 100:.0f}%"


HELP_UNLINKED = (
    "Chào bạn! Đây là nhacviec, trợ lý nhắc việc CCHC.\n"
    "Để dùng, hãy xin quản trị một mã liên kết rồi gõ: /start MÃ"
)
HELP_COMMON = (
    "Các lệnh:\n"
    "/tasks – nhiệm vụ đang mở của đơn vị\n"
    "/done ID [ghi chú] – báo hoàn thành\n"
    "/progress ID PHẦN_TRĂM [ghi chú] – cập nhật tiến độ\n"
    "/help – hướng dẫn"
)
HELP_STATUS_ALL = "/status [ĐƠN_VỊ] – tình hình các đơn vị"
HELP_STATUS_OWN = "/status – tình hình đơn vị mình"

NOT_LINKED = "Bạn chưa liên kết tài khoản. Xin quản trị mã liên kết rồi gõ: /start MÃ"
START_USAGE = "Gõ: /start MÃ (mã liên kết do quản trị cấp)."
LINK_ERRORS = {
    "unknown": "Mã liên kết không đúng. Kiểm tra lại hoặc xin mã mới.",
    "used": "Mã liên kết này đã được dùng. Xin quản trị mã mới.",
    "expired": "Mã liên kết đã hết hạn. Xin quản trị mã mới.",
}
UNKNOWN_COMMAND = "Không hiểu lệnh “{command}”. Gõ /help để xem các lệnh."
NOT_A_COMMAND = "Hãy gõ một lệnh, ví dụ /tasks. Gõ /help để xem các lệnh."
NO_PLAN = "Chưa có kế hoạch nào được nạp. Quản trị hãy chạy: nhacviec import TỆP"
DONE_USAGE = "Gõ: /done ID [ghi chú], ví dụ /done 12 Đã gửi báo cáo"
PROGRESS_USAGE = "Gõ: /progress ID PHẦN_TRĂM [ghi chú], ví dụ /progress 12 50"
BAD_ID = "“{value}” không phải mã nhiệm vụ. Mã là số ở đầu dòng trong /tasks."
NO_TASK = "Không có nhiệm vụ số {id}. Gõ /tasks để xem danh sách."
NOT_YOUR_UNIT = "Nhiệm vụ {id} thuộc đơn vị khác, bạn không cập nhật được."
BAD_PERCENT = "Phần trăm phải là số nguyên từ 0 đến 100, ví dụ /progress {id} 50"
ALREADY_DONE = "Nhiệm vụ {id} đã hoàn thành ngày {day}. Không cần cập nhật nữa."
STATUS_REFUSED = "Chỉ trưởng đơn vị, TCCB và quản trị xem được tình hình."
STATUS_OTHER_UNIT = "Bạn chỉ xem được tình hình đơn vị mình."
NO_UNIT = "Không có đơn vị “{code}”."
SORRY = "Xin lỗi, hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau."


def linked(name: str, unit: str, role: str) -> str:
    return (
        f"Đã liên kết: {name} ({ROLE_NAMES.get(role, role)}, {unit}).\n"
        "Gõ /tasks để xem nhiệm vụ, /help để xem các lệnh."
    )


def done_reply(task_id: int, title: str, on: date, late_days: int) -> str:
    timing = f"trễ {late_days} ngày" if late_days > 0 else "đúng hạn"
    return f"✅ Đã ghi nhận hoàn thành nhiệm vụ {task_id} ngày {d(on)} ({timing}).\n{title}"


def progress_reply(task_id: int, title: str, before: int, after: int) -> str:
    return f"📈 Nhiệm vụ {task_id}: tiến độ {before}% → {after}%.\n{title}"


# -- reminders (scheduler/digest.py) ---------------------------------------------------------

REMINDER_HEADER = "🔔 Nhắc việc ngày {day} – {unit}"
REMINDER_HEADER_PART = "🔔 Nhắc việc ngày {day} ({part}/{parts})"
REMINDER_ESCALATION = "⚠️ Quá hạn từ {days} ngày làm việc – đề nghị trưởng đơn vị chỉ đạo:"
REMINDER_OVERDUE = "🔴 Quá hạn:"
REMINDER_DUE_TODAY = "🟠 Đến hạn hôm nay:"
REMINDER_DUE_SOON = "🟡 Sắp đến hạn:"
REMINDER_WEEKLY = "📊 Tổng hợp tuần – ngưỡng {fail} nhiệm vụ trễ, quá hạn:"
REMINDER_WEEKLY_NONE = "✅ Chưa đơn vị nào chạm ngưỡng cảnh báo."
REMINDER_HINT = "Trả lời: /done {id} hoặc /progress {id} 50"


def reminder_task(
    task_id: int, title: str, deadline: date | None, progress: int, badge: str
) -> str:
    return f"#{task_id} {title}\n   Hạn {d(deadline)} · {progress}% · {badge}"


def overdue_badge(days: int) -> str:
    return f"quá hạn {days} ngày"


def due_soon_badge(working_days: int) -> str:
    return f"còn {working_days} ngày làm việc"


DUE_TODAY_BADGE = "hạn hôm nay"
