"""Every Vietnamese text a user reads, in one place; dates dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from nhacviec.base.errors import NhacviecError

ROLE_NAMES = {"officer": "công chức", "head": "trưởng đơn vị", "tccb": "TCCB", "admin": "quản trị"}
FLAG_ICONS = {"ok": "🟢", "warning": "🟡", "over": "🔴"}


def d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "không hạn"


def dt(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def pct(share: float) -> str:
    """A share as a percent, never rounded up across a line: 11/37 reads 29,7%, not 30%."""
    tenths = int(share * 1000 + 1e-9)  # floor to a tenth of a percent
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole},{tenth}%"


HELP_UNLINKED = (
    "Chào bạn! Đây là nhacviec, trợ lý nhắc việc CCHC.\n"
    "Để dùng, hãy xin quản trị một mã liên kết rồi gõ: /start MÃ"
)
HELP_COMMON = (
    "Các lệnh:\n"
    "/tasks – nhiệm vụ đang mở của đơn vị\n"
    "/done ID [ghi chú] – báo hoàn thành\n"
    "/progress ID PHẦN_TRĂM [ghi chú] – cập nhật tiến độ\n"
    "/web – đường dẫn đăng nhập trang web\n"
    "/help – hướng dẫn"
)
HELP_STATUS_ALL = (
    "/status [ĐƠN_VỊ] [TRANG] – tình hình các đơn vị\n"
    "/areas – lĩnh vực, điểm tự chấm\n"
    "/score LĨNH_VỰC ĐIỂM [ghi chú] – ghi điểm tự chấm\n"
    "/inspect ĐƠN_VỊ [dd/mm/yyyy] [ghi chú] – ghi kiểm tra\n"
    "/report KỲ – báo cáo Excel, ví dụ /report 2023-Q1"
)
HELP_STATUS_OWN = "/status [TRANG] – tình hình đơn vị mình"

NOT_LINKED = "Bạn chưa liên kết tài khoản. Xin quản trị mã liên kết rồi gõ: /start MÃ"
START_USAGE = "Gõ: /start MÃ (mã liên kết do quản trị cấp)."
REASONS: dict[str, str] = {}  # filled below, once every sentence is defined
LINK_ERRORS = {
    "unknown": "Mã liên kết không đúng. Kiểm tra lại hoặc xin mã mới.",
    "used": "Mã liên kết này đã được dùng. Xin quản trị mã mới.",
    "expired": "Mã liên kết đã hết hạn. Xin quản trị mã mới.",
}


def explain(error: NhacviecError) -> str:
    """What a person reads for an error nhacviec raised on purpose: the sentence for its reason
    where there is one, else its own message (already written for users)."""
    return REASONS.get(error.reason) or str(error)


GROUP_NOT_LINKED = (
    "Nhóm này chưa liên kết với đơn vị nào nên bot không trả lời ở đây. "
    "Trưởng đơn vị xin mã nhóm rồi gõ /start MÃ trong nhóm; việc riêng hãy nhắn riêng cho bot."
)
GROUP_OTHER_UNIT = "Nhóm này của {unit}. Việc của đơn vị bạn, hãy nhắn riêng cho bot."
SLOW_DOWN = (
    "⏳ Bạn gửi nhanh quá, bot bỏ qua các tin vừa rồi. Vui lòng chậm lại, gửi từng lệnh một."
)


def link_locked(seconds: float) -> str:
    """Too many wrong link codes from one chat: how long until it may try again."""
    minutes = max(1, int(-(-seconds // 60)))
    return f"Bạn đã nhập sai mã liên kết nhiều lần. Vui lòng thử lại sau {minutes} phút."


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


# Zalo has neither buttons nor file uploads: what a Zalo chat reads instead.
COMMANDS_HINT = "Trả lời: /done {id} hoặc /progress {id} 50"
ATTACHMENT_NOT_ON_ZALO = "📎 {filename}: Zalo chưa nhận được tệp này, hãy xem trên Telegram."

# -- /status, /areas, /score, /inspect, /report (TCCB's follow-up) ----------------------------

OUTCOME_ICONS = {
    "overdue": "🔴",
    "due_soon": "🟡",
    "open": "⏳",
    "done_late": "🟠",
    "done_on_time": "✅",
}
OUTCOME_NAMES = {
    "open": "đang làm",
    "due_soon": "sắp đến hạn",
    "overdue": "quá hạn",
    "done_on_time": "xong đúng hạn",
    "done_late": "xong trễ",
}
TCCB_ONLY = "Chỉ TCCB và quản trị dùng được lệnh này."
SHARE_RULE = "Tỷ lệ = (trễ + quá hạn) / giao"
NO_WATCH = "✅ Chưa đơn vị nào chạm ngưỡng cảnh báo."
SCORE_USAGE = "Gõ: /score LĨNH_VỰC ĐIỂM [ghi chú], ví dụ /score 1 9,5 Tự chấm lần 1"
NO_AREA = "Không có lĩnh vực “{code}”. Gõ /areas để xem mã lĩnh vực (1 … 7)."
SCORE_ERRORS = {
    "not_number": "“{value}” không phải số điểm. Dùng dấu phẩy hoặc chấm, ví dụ 9,5",
    "no_max": "Lĩnh vực {code} không có điểm tối đa (tiêu chí thành phần); chấm lĩnh vực cha.",
    "above_max": "Điểm lĩnh vực {code} từ 0 đến {max}, không được {value}.",
}
INSPECT_USAGE = "Gõ: /inspect ĐƠN_VỊ [dd/mm/yyyy] [ghi chú], ví dụ /inspect KHTC 20/07/2023 Đợt 1"
BAD_DAY = "Ngày “{value}” không đúng dạng dd/mm/yyyy."
FUTURE_DAY = "Ngày kiểm tra {day} chưa đến; chỉ ghi kiểm tra đã làm."
REPORT_USAGE = (
    "Gõ: /report KỲ – KỲ là 2023-Q1 … 2023-Q4 (quý), 2023-H1, 2023-H2 (6 tháng) hoặc 2023 (năm)."
)
GOAL_NOTE = (
    "Mục tiêu cả Sở trên {goal}/{index} điểm gồm cả điểm điều tra xã hội học "
    "({survey} điểm); 7 lĩnh vực tối đa {max} điểm."
)


def num(value: float | None) -> str:
    """Points the Vietnamese way: 10,5; 12,49; 8 (no trailing zeros); none as a dash."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def flag_name(flag: str, fail: float) -> str:
    """ok / warning / over the fail share, as the threshold in the config says."""
    return {"ok": "ổn", "warning": "cảnh báo", "over": f"≥{pct(fail)}"}[flag]


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


GROUP_CODE_IN_PRIVATE = (
    "Mã này dùng để liên kết nhóm chat của đơn vị: thêm bot vào nhóm rồi gõ /start MÃ trong nhóm."
)


def group_linked(unit: str) -> str:
    return (
        f"Đã liên kết nhóm này với {unit}. Nhắc việc của đơn vị sẽ gửi cả vào nhóm.\n"
        "Mỗi người vẫn liên kết tài khoản riêng (/start MÃ) để cập nhật nhiệm vụ."
    )


# The command menu a messenger shows (Telegram's setMyCommands): name, short description.
COMMAND_MENU = [
    ("tasks", "Nhiệm vụ đang mở của đơn vị"),
    ("done", "Báo hoàn thành: /done ID [ghi chú]"),
    ("progress", "Cập nhật tiến độ: /progress ID PHẦN_TRĂM [ghi chú]"),
    ("status", "Tình hình các đơn vị, cảnh báo 30%"),
    ("areas", "TCCB: tiến độ theo lĩnh vực, điểm tự chấm"),
    ("report", "TCCB: báo cáo Excel theo quý, 6 tháng, năm"),
    ("score", "TCCB: ghi điểm tự chấm một lĩnh vực"),
    ("inspect", "TCCB: ghi đợt kiểm tra CCHC một đơn vị"),
    ("web", "Đường dẫn đăng nhập trang web"),
    ("start", "Liên kết tài khoản: /start MÃ"),
    ("help", "Hướng dẫn sử dụng"),
]

# -- reminders (scheduler/digest.py) ---------------------------------------------------------

REMINDER_HEADER = "🔔 Nhắc việc ngày {day} – {unit}"
REMINDER_HEADER_PART = "🔔 Nhắc việc ngày {day} ({part}/{parts})"
REMINDER_ESCALATION = "⚠️ Quá hạn từ {days} ngày làm việc – đề nghị trưởng đơn vị chỉ đạo:"
REMINDER_OVERDUE = "🔴 Quá hạn:"
REMINDER_DUE_TODAY = "🟠 Đến hạn hôm nay:"
REMINDER_DUE_SOON = "🟡 Sắp đến hạn:"
REMINDER_WEEKLY = "📊 Tổng hợp tuần – ngưỡng {fail} nhiệm vụ trễ, quá hạn:"
REMINDER_WEEKLY_NONE = NO_WATCH
REMINDER_HINT = COMMANDS_HINT


def task_entry(task_id: int, title: str, details: list[str], width: int = 120) -> str:
    """The one way a task is shown in chat, two phone-sized lines: `#12 Báo cáo…` (the title
    on one line, cut at `width`) and its details joined by " · ", e.g.
    `   Hạn 25/01/2023 · 40% · 🔴 quá hạn 3 ngày`."""
    head = f"#{task_id} {shorten(' '.join(title.split()), width)}"
    return head + "\n   " + " · ".join(part for part in details if part)


def deadline_details(deadline: date | None, progress: int, badge: str = "") -> list[str]:
    """A reminder's or a listing's details: deadline, progress, then how urgent."""
    return [f"Hạn {d(deadline)}", f"{progress}%", badge]


def overdue_badge(days: int) -> str:
    return f"quá hạn {days} ngày"


def due_soon_badge(working_days: int) -> str:
    return f"còn {working_days} ngày làm việc"


DUE_TODAY_BADGE = "hạn hôm nay"


REASONS.update(LINK_ERRORS)


# -- /web: a one-time sign-in link to the web page --------------------------------------------


def web_link(url: str, expires: datetime, tz: str) -> str:
    return (
        f"🌐 Đường dẫn đăng nhập trang web, dùng một lần, hết hạn lúc {dt(expires, tz)}:\n"
        f"{url}\n"
        "Đừng chuyển đường dẫn này cho người khác."
    )


WEB_IN_GROUP = "Gõ /web trong chat riêng với bot: đường dẫn đăng nhập chỉ dành cho riêng bạn."
WEB_LIMITED = (
    "Bạn đã nhận {n} đường dẫn đăng nhập trong một giờ qua. "
    "Hãy dùng đường dẫn đã nhận, hoặc thử lại sau."
)
