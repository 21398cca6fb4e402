"""The chat texts: replies, notices, help; dates dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from nhacviec.base.errors import NhacviecError
from nhacviec.base.numbers import percent_text, share_tenths

ROLE_NAMES = {
    "officer": "công chức",
    "head": "trưởng đơn vị",
    "tccb": "TCCB",
    "admin": "quản trị",
    "followup": "theo dõi nhiệm vụ (Văn phòng Sở)",
    "director": "lãnh đạo Sở",
}
FLAG_ICONS = {"ok": "🟢", "warning": "🟡", "over": "🔴"}


def d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "không hạn"


def dt(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M %d/%m/%Y")


def pct(share: float, lines: tuple[float, ...] = ()) -> str:
    """A share as a percent by the one rounding rule (nhacviec.base.numbers): 1/15 reads
    6,7%; a share below one of `lines` never reads as reaching it."""
    return percent_text(share_tenths(share, lines))


def tenths(value: int) -> str:
    """A figure already rounded (UnitFigures' tenths of a percent) as text: 67 -> 6,7%."""
    return percent_text(value)


HELP_UNLINKED = (
    "Chào bạn! Đây là nhacviec, trợ lý nhắc việc CCHC.\n"
    "Để dùng, hãy xin quản trị một mã liên kết rồi gõ: /start MÃ"
)
HELP_COMMON = (
    "Các lệnh:\n"
    "/tasks – nhiệm vụ đang mở của đơn vị\n"
    "/done ID [số văn bản] [ghi chú] – báo hoàn thành\n"
    "/progress ID PHẦN_TRĂM [ghi chú] – cập nhật tiến độ\n"
    "/web – đường dẫn đăng nhập trang web\n"
    "/help – hướng dẫn"
)
HELP_STATUS_ALL = "/status [ĐƠN_VỊ] [TRANG] – tình hình các đơn vị"
# Read by TCCB, the director and the follow-up officer (rules.access: REPORT).
HELP_READ_FIGURES = (
    "/areas – lĩnh vực, điểm tự chấm\n/report KỲ – báo cáo Excel, ví dụ /report 2023-Q1"
)
# Written by TCCB and the admin (rules.access: FOLLOW_UP).
HELP_FOLLOW_UP = (
    "/score LĨNH_VỰC ĐIỂM [ghi chú] – ghi điểm tự chấm\n"
    "/inspect ĐƠN_VỊ [dd/mm/yyyy] [ghi chú] – ghi kiểm tra"
)
HELP_STATUS_OWN = "/status [TRANG] – tình hình đơn vị mình"
HELP_TASK = "/task ID – xem một nhiệm vụ và diễn biến"
HELP_PLAN_KEEPER = (
    "/giao – giao nhiệm vụ mới (từng bước)\n"
    "/sua ID – sửa một mục của nhiệm vụ\n"
    "/huy ID lý do – huỷ nhiệm vụ"
)

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
    where there is one (filled with the error's details), else its own message (already written
    for users)."""
    sentence = REASONS.get(error.reason)
    if sentence is None:
        return str(error)
    details = getattr(error, "details", None)
    return sentence.format(**details) if details else sentence


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
NO_PLAN_LOADED = "Chưa có kế hoạch nào được nạp."
NO_PLAN = "Chưa có kế hoạch nào được nạp. Quản trị hãy chạy: nhacviec import TỆP"
DONE_USAGE = (
    "Gõ: /done ID [số văn bản] [ghi chú], ví dụ /done 12 Đã gửi báo cáo "
    "hoặc /done 12 123/BC-SNN Đã gửi UBND tỉnh"
)
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
    "done_extended": "đúng hạn (đã gia hạn)",
}
TCCB_ONLY = "Chỉ TCCB và quản trị dùng được lệnh này."
SHARE_RULE = "Tỷ lệ năm = (trễ + quá hạn) / giao cả năm"
SO_FAR_RULE = "Tỷ lệ đến nay = (trễ + quá hạn) / đã đến hạn"
BASIS_NAMES = {"year": "năm", "so_far": "đến nay"}
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


def flag_text(flag: str, fail: float, basis: str) -> str:
    """The flag and which rate raised it: `≥30% (năm)`, `cảnh báo (đến nay)`, `ổn`."""
    name = flag_name(flag, fail)
    return f"{name} ({BASIS_NAMES[basis]})" if basis in BASIS_NAMES else name


def margin_text(margin: int, over: bool) -> str:
    """How many more tasks a unit may finish late or leave overdue before the year line."""
    if over:
        return "đã chạm ngưỡng của năm"
    if margin == 0:
        return "không được trễ thêm nhiệm vụ nào"
    return f"còn được trễ {margin} nhiệm vụ"


def deadline_text(effective: date | None, written: date | None) -> str:
    """`25/03/2023`, or `27/03/2023 (ghi 25/03, ngày nghỉ)` for a deadline moved off a day
    off: both the written and the effective deadline."""
    if written is None or written == effective:
        return d(effective)
    return f"{d(effective)} (ghi {written:%d/%m}, ngày nghỉ)"


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
    ("done", "Báo hoàn thành: /done ID [số văn bản] [ghi chú]"),
    ("progress", "Cập nhật tiến độ: /progress ID PHẦN_TRĂM [ghi chú]"),
    ("status", "Tình hình các đơn vị, cảnh báo 30%"),
    ("areas", "TCCB: tiến độ theo lĩnh vực, điểm tự chấm"),
    ("report", "TCCB: báo cáo Excel theo quý, 6 tháng, năm"),
    ("score", "TCCB: ghi điểm tự chấm một lĩnh vực"),
    ("inspect", "TCCB: ghi đợt kiểm tra CCHC một đơn vị"),
    ("task", "Xem một nhiệm vụ và diễn biến: /task ID"),
    ("giao", "Giao nhiệm vụ mới (TCCB, theo dõi)"),
    ("sua", "Sửa nhiệm vụ: /sua ID"),
    ("huy", "Huỷ nhiệm vụ: /huy ID lý do"),
    ("giahan", "Xin gia hạn: /giahan ID dd/mm/yyyy lý do"),
    ("cho", "Việc chờ bạn duyệt"),
    ("xacnhan", "Xác nhận hoàn thành: /xacnhan ID"),
    ("molai", "Mở lại nhiệm vụ đã xong: /molai ID lý do"),
    ("web", "Đường dẫn đăng nhập trang web"),
    ("start", "Liên kết tài khoản: /start MÃ"),
    ("help", "Hướng dẫn sử dụng"),
]

# -- reminders (scheduler/digest.py) ---------------------------------------------------------

REMINDER_HEADER = "🔔 Nhắc việc ngày {day} – {unit}"
COVERING = "👥 Kèm việc của {codes} (đang vắng, bạn nhận thay)"
REMINDER_HEADER_PART = "🔔 Nhắc việc ngày {day} ({part}/{parts})"
REMINDER_ESCALATION = "⚠️ Quá hạn từ {days} ngày làm việc – đề nghị trưởng đơn vị chỉ đạo:"
REMINDER_OVERDUE = "🔴 Quá hạn:"
REMINDER_DUE_TODAY = "🟠 Đến hạn hôm nay:"
REMINDER_DUE_SOON = "🟡 Sắp đến hạn:"
REMINDER_WEEKLY = "📊 Tổng hợp tuần – ngưỡng {fail} nhiệm vụ trễ, quá hạn:"
REMINDER_WEEKLY_NONE = NO_WATCH
REMINDER_HINT = COMMANDS_HINT
# `nhacviec remind` while a running `nhacviec run` dispatches the outbox.
REMIND_STANDBY = (
    "Một tiến trình nhacviec run khác đang gửi hàng đợi: các tin trên sẽ được nó gửi "
    "trong vòng một phút."
)


def remind_held(moment: datetime, tz: str) -> str:
    """`nhacviec remind` outside office hours ([schedule] quiet_hours, days off)."""
    return f"Ngoài giờ gửi tin: các tin trên chờ đến {dt(moment, tz)} mới gửi."


def task_entry(task_id: int, title: str, details: list[str], width: int = 120) -> str:
    """The one way a task is shown in chat, two phone-sized lines: `#12 Báo cáo…` (the title
    on one line, cut at `width`) and its details joined by " · ", e.g.
    `   Hạn 25/01/2023 · 40% · 🔴 quá hạn 3 ngày`."""
    head = f"#{task_id} {shorten(' '.join(title.split()), width)}"
    return head + "\n   " + " · ".join(part for part in details if part)


def deadline_details(
    deadline: date | None,
    progress: int,
    badge: str = "",
    written: date | None = None,
    carried_from: int | None = None,
) -> list[str]:
    """A reminder's or a listing's details: deadline (the effective one, and the written one
    when it fell on a day off), progress, how urgent, then the closed year a carried task
    belongs to."""
    return [
        f"Hạn {deadline_text(deadline, written)}",
        f"{progress}%",
        badge,
        carried_mark(carried_from),
    ]


def carried_mark(year: int | None) -> str:
    """`(chuyển từ 2023)` on a task carried from the closed year it belongs to (and counts
    in), or nothing."""
    return f"(chuyển từ {year})" if year is not None else ""


def overdue_badge(days: int) -> str:
    return f"quá hạn {days} ngày"


def due_soon_badge(working_days: int) -> str:
    return f"còn {working_days} ngày làm việc"


DUE_TODAY_BADGE = "hạn hôm nay"


# -- nhacviec backup / restore (storage/backup.py) --------------------------------------------

BACKUP_ERRORS = {
    "unsupported": "Chưa hỗ trợ sao lưu loại cơ sở dữ liệu này ({detail}).",
    "memory": "Cơ sở dữ liệu trong bộ nhớ (:memory:) không sao lưu được.",
    "missing": "Không tìm thấy tệp sao lưu {detail}.",
    "not_a_backup": "Tệp {detail} không phải bản sao lưu nhacviec.",
    "corrupt": "Tệp {detail} bị hỏng (kiểm tra toàn vẹn không đạt).",
    "no_pg_tool": "Không tìm thấy lệnh {detail}: cài postgresql-client cùng phiên bản máy chủ.",
    "failed": "Cơ sở dữ liệu báo lỗi, không thay đổi gì: {detail}",
}
RESTORE_WARNING = (
    "⚠️  Khôi phục sẽ THAY TOÀN BỘ dữ liệu hiện tại ({target}) bằng bản sao lưu {file}.\n"
    "Mọi thay đổi sau lúc sao lưu (tiến độ, hoàn thành, liên kết chat…) sẽ mất.\n"
    "Hãy dừng bot (nhacviec run) trước khi khôi phục. Dữ liệu hiện tại sẽ được sao lưu\n"
    "sang {safety} trước."
)
RESTORE_CONFIRM = "Khôi phục ngay?"
RESTORE_CANCELLED = "Đã huỷ, không thay đổi gì."
RESTORE_NO_SAFETY = "Không sao lưu được dữ liệu hiện tại ({error}); vẫn khôi phục."

REASONS.update(LINK_ERRORS)


# -- the living plan: one task at a time, its record, notices (docs/living-plan.md) ---------

ACCESS_REFUSALS = {
    "inactive": "Tài khoản của bạn đã ngừng hoạt động.",
    "other_unit": "Nhiệm vụ {id} thuộc đơn vị khác, bạn không cập nhật được.",
    "lead_only": "Nhiệm vụ {id}: đơn vị phối hợp chỉ cập nhật tiến độ phần việc của mình; "
    "báo hoàn thành là việc của đơn vị chủ trì.",
    "plan_keepers_only": "Chỉ TCCB, quản trị và cán bộ theo dõi của Văn phòng Sở "
    "giao, sửa, huỷ nhiệm vụ.",
    "read_only": "Lãnh đạo Sở xem được mọi nhiệm vụ nhưng không thay đổi.",
    "heads_only": "Chỉ trưởng đơn vị, TCCB và quản trị xem được tình hình.",
    "tccb_only": "Chỉ TCCB và quản trị dùng được lệnh này.",
    "cancelled": "Nhiệm vụ {id} đã bị huỷ.",
    "not_cancelled": "Nhiệm vụ {id} không bị huỷ, không cần mở lại.",
    "done": "Nhiệm vụ {id} đã hoàn thành, không huỷ được.",
    "not_done": "Nhiệm vụ {id} chưa hoàn thành, không cần mở lại.",
    "not_approver": "Bạn không phải người duyệt bước này của nhiệm vụ {id}.",
    "assignee_only": "Nhiệm vụ {id} có cán bộ thụ lý: chỉ người thụ lý hoặc trưởng đơn vị "
    "xin gia hạn.",
    "not_open": "Nhiệm vụ {id} không còn đang làm, không xin gia hạn được.",
    "awaiting": "Nhiệm vụ {id} đã báo hoàn thành, đang chờ xác nhận: xác nhận hoặc trả lại "
    "trước khi huỷ.",
}

TASK_ERRORS = {
    "no_title": "Nhiệm vụ cần có tên.",
    "no_officer": "Không có cán bộ “{value}” (hoặc đã ngừng hoạt động).",
    "assignee_other_unit": "Cán bộ {value} không thuộc đơn vị chủ trì.",
    "bad_field": "Không sửa được mục “{value}”.",
    "cancelled": "Nhiệm vụ {value} đã bị huỷ: mở lại trước khi sửa.",
    "not_cancelled": "Nhiệm vụ {value} không bị huỷ.",
    "done": "Nhiệm vụ {value} đã hoàn thành, không huỷ được.",
    "no_reason": "Cần ghi lý do huỷ.",
    "no_unit": "Không có đơn vị “{value}”.",
    "no_area": "Không có lĩnh vực “{value}”.",
    "bad_day": "Ngày “{value}” không đúng dạng dd/mm/yyyy.",
    "no_plan": NO_PLAN_LOADED,
    "no_task": "Không có nhiệm vụ số {value}.",
    "ext_pending": "Nhiệm vụ {value} đã có đề nghị gia hạn đang chờ duyệt.",
    "ext_no_reason": "Cần ghi lý do xin gia hạn.",
    "ext_not_later": "Hạn mới phải sau hạn hiện tại ({value}).",
    "ext_past": "Hạn mới {value} đã qua.",
    "ext_none": "Nhiệm vụ {value} không có đề nghị gia hạn nào chờ duyệt.",
    "refuse_no_reason": "Cần ghi lý do từ chối.",
    "not_approver": "Bạn không phải người duyệt bước này của nhiệm vụ {value}.",
    "already_done": "Nhiệm vụ {value} đã hoàn thành.",
    "awaiting": "Nhiệm vụ {value} đã báo hoàn thành, đang chờ xác nhận.",
    "not_awaiting": "Nhiệm vụ {value} không chờ xác nhận hoàn thành.",
    "return_no_reason": "Cần ghi lý do trả lại.",
    "not_reporter": "Chỉ người đã báo hoàn thành nhiệm vụ {value} mới rút lại được.",
    "not_done": "Nhiệm vụ {value} chưa hoàn thành, không cần mở lại.",
    "reopen_no_reason": "Cần ghi lý do mở lại.",
    "file_too_big": "Tệp quá lớn: tối đa {value}.",
    "file_empty": "Tệp rỗng, không lưu.",
    "file_type": "Không nhận loại tệp này ({value}): gửi ảnh JPG/PNG, PDF, Word hoặc Excel.",
    "not_series": "Nhiệm vụ {value} không lặp lại: sửa hạn bằng mục han.",
    "bad_rule": "Không hiểu chu kỳ lặp lại “{value}” (hàng tháng, hàng quý, 6 tháng, hàng năm).",
    "series_empty": "Hạn lần đầu {value} nằm sau cuối năm kế hoạch.",
}
STEP_NAMES = {"head": "trưởng đơn vị", "tccb": "TCCB"}

# What each field is called when a user picks it or reads its change.
FIELD_NAMES = {
    "title": "tên",
    "deadline": "hạn",
    "lead_unit": "đơn vị chủ trì",
    "assignee": "cán bộ thụ lý",
    "co_units": "đơn vị phối hợp",
    "authority": "cơ quan giao",
    "document": "số văn bản giao",
    "area": "lĩnh vực",
    "note": "ghi chú",
    "recurrence": "lặp lại",
    "series_first": "hạn lần đầu của chuỗi",
    "series_rule": "chu kỳ lặp lại",
    "state": "trạng thái",
    "completed_on": "ngày hoàn thành",
    "step": "bước duyệt",
    "document_number": "số văn bản",
    "file": "tệp",
}
# Typed names of the fields (/sua ID TRƯỜNG GIÁ_TRỊ), folded (no diacritics).
FIELD_WORDS = {
    "ten": "title",
    "han": "deadline",
    "donvi": "lead_unit",
    "chutri": "lead_unit",
    "canbo": "assignee",
    "thuly": "assignee",
    "phoihop": "co_units",
    "coquan": "authority",
    "sovb": "document",
    "sovanban": "document",
    "ghichu": "note",
    "handau": "series_first",
    "laplai": "series_rule",
}
EVENT_NAMES = {
    "created": "giao nhiệm vụ",
    "edited": "sửa",
    "reassigned": "giao lại",
    "deadline": "đổi hạn",
    "cancelled": "huỷ nhiệm vụ",
    "reopened": "mở lại nhiệm vụ",
    "ext_requested": "xin gia hạn",
    "ext_approved": "đồng ý gia hạn",
    "ext_refused": "từ chối gia hạn",
    "done_reported": "báo hoàn thành",
    "done_confirmed": "xác nhận hoàn thành",
    "done_returned": "trả lại",
    "progress": "cập nhật tiến độ",
    "done": "báo hoàn thành",
    "co_progress": "đơn vị phối hợp cập nhật",
    "done_withdrawn": "rút báo hoàn thành",
    "evidence": "thêm minh chứng",
    "carried_over": "chuyển sang năm",
}
CHANNEL_NAMES = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "console": "console",
    "cli": "dòng lệnh",
    "import": "nhập tệp",
    "web": "web",
    "migration": "dữ liệu cũ",
}
STATE_NAMES = {
    "open": "đang làm",
    "done": "đã xong",
    "cancelled": "đã huỷ",
    "reported": "chờ xác nhận",
}
NO_VALUE = "(trống)"


def event_value(field: str | None, value: str | None) -> str:
    """An event's old or new value as a user reads it: dates dd/mm/yyyy."""
    if value is None or value == "":
        return "không hạn" if field == "deadline" else NO_VALUE
    if field == "deadline":
        return d(date.fromisoformat(value))
    if field == "state":
        return STATE_NAMES.get(value, value)
    return value


def event_text(
    kind: str,
    field: str | None,
    old: str | None,
    new: str | None,
    reason: str | None,
    percent: int | None = None,
) -> str:
    """`đổi hạn 15/06/2023 → 30/06/2023. Lý do: …` for one line of a task's story."""
    name = EVENT_NAMES.get(kind, kind)
    if kind == "created":
        text = f"{name}, hạn {event_value('deadline', new)}"
    elif kind in ("ext_requested", "ext_approved", "ext_refused") and field == "deadline":
        text = f"{name} {event_value(field, old)} → {event_value(field, new)}"
    elif kind == "ext_approved" and field == "step":
        text = (
            f"{name} ({STEP_NAMES.get(old or '', old)}), chuyển {STEP_NAMES.get(new or '', new)}"
        )
    elif field == "completed_on" and kind in ("done_reported", "done_confirmed"):
        text = f"{name} ngày {event_value('deadline', new)}"
    elif field == "completed_on" and kind == "reopened":
        text = f"{name} (đã xong {event_value('deadline', old)})" if old else name
    elif field == "completed_on":
        text = f"{name} (ngày báo {event_value('deadline', old)})" if old else name
    elif kind == "evidence":
        text = f"{name}: {FIELD_NAMES.get(field or '', field)} {new}"
    elif kind in ("progress", "co_progress", "done"):
        text = f"{name} {percent}%" if percent is not None else name
        return f"{text}: {reason}" if reason else text
    elif kind in ("cancelled", "reopened"):
        text = name
    elif kind == "carried_over":
        text = f"{name} {new} (từ {old})"
    elif field is not None:
        label = FIELD_NAMES.get(field, field)
        if kind == "deadline":
            label = ""
        text = f"{name} {label}".rstrip() + (
            f" {event_value(field, old)} → {event_value(field, new)}"
        )
    else:
        text = name
    return f"{text}. Lý do: {reason}" if reason else text


def task_notice(
    kind: str,
    task_id: int,
    title: str,
    unit: str,
    deadline: date | None,
    field: str | None,
    old: str | None,
    new: str | None,
    reason: str | None,
    actor: str,
) -> str:
    """The short message people concerned get when a task is assigned or changed."""
    heads = {
        "created": "📌 Nhiệm vụ mới",
        "reassigned": "🔁 Nhiệm vụ được giao lại",
        "deadline": "📅 Nhiệm vụ đổi hạn",
        "cancelled": "✖️ Nhiệm vụ đã huỷ",
        "reopened": "↩️ Nhiệm vụ mở lại",
    }
    lines = [f"{heads.get(kind, '📌 Nhiệm vụ')} #{task_id}", shorten(title, 120)]
    if kind == "created":
        lines.append(f"Chủ trì: {unit} · Hạn {d(deadline)}")
    elif kind in ("cancelled", "reopened"):
        lines.append(f"Chủ trì: {unit}")
    else:
        lines.append(event_text(kind, field, old, new, None))
    if reason:
        lines.append(f"Lý do: {reason}")
    lines.append(f"Người thực hiện: {actor} · Xem: /task {task_id}")
    return "\n".join(lines)


NOTICE_CO_UNIT = "(Đơn vị bạn phối hợp thực hiện nhiệm vụ này.)"
NOTICE_STANDING_IN = "(Bạn nhận thay {code} đang vắng.)"
CO_UNIT_MARK = "🤝 phối hợp"
TASKS_CO_HEADER = "🤝 Phối hợp với đơn vị khác:"
TASK_USAGE = "Gõ: /task ID, ví dụ /task 12"
CANCEL_USAGE = "Gõ: /huy ID lý do, ví dụ /huy 12 UBND tỉnh đã thu hồi văn bản"
EDIT_USAGE = (
    "Gõ: /sua ID để chọn mục cần sửa, hoặc /sua ID MỤC GIÁ_TRỊ [lý do], ví dụ\n"
    "/sua 12 han 30/06/2023 UBND tỉnh cho lùi hạn\n"
    "Mục: ten, han, donvi, canbo, phoihop, coquan, sovb; nhiệm vụ lặp lại: handau, laplai"
)
DIALOG_CANCELLED = "Đã bỏ, không có gì thay đổi."
DIALOG_STALE = "Câu hỏi này đã qua. Trả lời câu hỏi mới nhất, hoặc gõ lại lệnh."
DIALOG_WORDS_CANCEL = ("huy", "huỷ", "hủy", "thoi", "thôi", "cancel")
GIAO_ASK_UNIT = "🆕 Giao nhiệm vụ mới (1/7). Đơn vị chủ trì? Gõ mã đơn vị, ví dụ KHTC."
GIAO_ASK_TITLE = "(2/7) Tên nhiệm vụ? Gõ nội dung nhiệm vụ."
GIAO_ASK_DEADLINE = "(3/7) Hạn hoàn thành? Gõ ngày dd/mm/yyyy, hoặc “-” nếu không có hạn."
GIAO_ASK_AUTHORITY = "(4/7) Cơ quan giao? Chọn hoặc gõ, ví dụ UBND tỉnh."
GIAO_ASK_DOCUMENT = "(5/7) Số văn bản giao? Ví dụ 123/UBND-KT, hoặc “-” nếu không có."
GIAO_ASK_OFFICER = (
    "(6/7) Cán bộ thụ lý? Gõ mã cán bộ, hoặc “-” để giao cả đơn vị.\nCán bộ của {unit}: {officers}"
)
GIAO_ASK_CO_UNITS = "(7/7) Đơn vị phối hợp? Gõ mã, cách nhau dấu phẩy, hoặc “-” nếu không có."
GIAO_CONFIRM = "Kiểm tra lại rồi chọn Giao (gõ “ok”) hoặc Bỏ (gõ “huỷ”):"
GIAO_HINT_CONFIRM = "Gõ “ok” để giao, “huỷ” để bỏ."
GIAO_HINT_SKIP = "Gõ “-” để bỏ qua, “huỷ” để dừng."
AUTHORITIES = [
    "UBND tỉnh",
    "Chủ tịch UBND tỉnh",
    "Tỉnh ủy",
    "HĐND tỉnh",
    "Bộ NN&PTNT",
    "Giám đốc Sở",
]
BUTTON_NONE = "– Không –"
BUTTON_GIAO = "✅ Giao"
BUTTON_DROP = "✖️ Bỏ"
SUA_ASK_FIELD = "✏️ Sửa nhiệm vụ {id}: chọn mục cần sửa (gõ tên mục: {words})."
SUA_ASK_VALUE = "Giá trị mới của {field}? (hiện tại: {current})"
SUA_ASK_REASON = "Lý do sửa? Gõ lý do, hoặc “-” để bỏ qua."
SUA_NO_CHANGE = "Nhiệm vụ {id}: {field} vẫn như cũ, không có gì thay đổi."
REOPEN_USAGE = "Nhiệm vụ đã huỷ được mở lại bằng dòng lệnh: nhacviec task reopen ID"
BAD_UNIT_LIST = "Không có đơn vị: {codes}. Gõ lại, hoặc “-” nếu không có."


def task_added(task_id: int, title: str, unit: str, deadline: date | None, told: int) -> str:
    told_text = f" Đã báo {told} tin cho người liên quan." if told else ""
    return f"✅ Đã giao nhiệm vụ #{task_id} cho {unit}, hạn {d(deadline)}.{told_text}\n{title}"


def task_changed(task_id: int, change: str, told: int) -> str:
    told_text = f" Đã báo {told} tin." if told else ""
    return f"✏️ Nhiệm vụ {task_id}: {change}.{told_text}"


def task_cancelled(task_id: int, title: str, reason: str, told: int) -> str:
    told_text = f" Đã báo {told} tin." if told else ""
    return (
        f"✖️ Đã huỷ nhiệm vụ {task_id}: không còn tính vào số liệu của đơn vị.{told_text}\n"
        f"{title}\nLý do: {reason}"
    )


def co_progress_reply(task_id: int, title: str, percent: int) -> str:
    return f"🤝 Đã ghi tiến độ phần phối hợp nhiệm vụ {task_id}: {percent}%.\n{title}"


IMPORT_DONE_DEADLINE_KEPT = (
    "Dòng {row}, {code} (#{id}) đã hoàn thành: giữ hạn {old}, không đổi thành {new}. "
    'Nếu cần, sửa có lý do: nhacviec task edit {id} han {new} --reason "…"'
)


# -- extensions and confirmed completion (docs/extensions-and-confirmation.md) ---------------

HELP_APPROVALS = (
    "/giahan ID dd/mm/yyyy lý do – xin gia hạn\n"
    "/rut ID – rút báo hoàn thành đang chờ xác nhận\n"
    "/cho – việc chờ bạn duyệt"
)
HELP_DECIDE = (
    "/duyet ID · /tuchoi ID lý do – duyệt gia hạn\n"
    "/xacnhan ID · /tralai ID lý do – xác nhận hoàn thành\n"
    "/molai ID lý do – mở lại nhiệm vụ đã xong"
)
EXTEND_USAGE = "Gõ: /giahan ID dd/mm/yyyy lý do, ví dụ /giahan 12 30/06/2023 Chờ số liệu quý II"
APPROVE_USAGE = "Gõ: /duyet ID, ví dụ /duyet 12"
REFUSE_USAGE = "Gõ: /tuchoi ID lý do, ví dụ /tuchoi 12 Không có căn cứ"
CONFIRM_USAGE = "Gõ: /xacnhan ID, ví dụ /xacnhan 12"
RETURN_USAGE = "Gõ: /tralai ID lý do, ví dụ /tralai 12 Thiếu báo cáo ký số"
REOPEN_DONE_USAGE = "Gõ: /molai ID lý do, ví dụ /molai 103 Báo nhầm, đúng là 104"
WITHDRAW_USAGE = "Gõ: /rut ID, ví dụ /rut 12"
DONE_ONE_ID = (
    "/done nhận một mã nhiệm vụ mỗi lần ({ids}): chưa ghi gì. Gõ từng lệnh, ví dụ /done {first}"
)
BUTTON_APPROVE = "✅ Đồng ý"
BUTTON_REFUSE = "✖️ Từ chối"
BUTTON_CONFIRM = "✅ Xác nhận"
BUTTON_RETURN = "↩️ Trả lại"
EXTENSION_HINT = "Trả lời: /duyet {id} hoặc /tuchoi {id} lý do"
CONFIRM_HINT = "Trả lời: /xacnhan {id} hoặc /tralai {id} lý do"
ASK_REFUSE_REASON = "Lý do từ chối gia hạn nhiệm vụ {id}? Gõ lý do, hoặc “huỷ” để thôi."
ASK_RETURN_REASON = "Lý do trả lại nhiệm vụ {id}? Gõ lý do, hoặc “huỷ” để thôi."
EVIDENCE_OFFER = "📎 Có ảnh hoặc tệp minh chứng? Gửi ngay sau tin này (hoặc trả lời tin này)."
EVIDENCE_NO_TASK = (
    "Chưa biết ảnh/tệp này cho nhiệm vụ nào. Gõ /done ID trước, rồi gửi ảnh hoặc tệp; "
    "hoặc ghi chú thích “#ID”."
)
EXTENDED_MARK = "đã gia hạn"
OUTCOME_EXTENDED = "đúng hạn (đã gia hạn)"
AWAITING_HEADER = "⏳ Chờ xác nhận hoàn thành ({count}):"
WAITING_HEADER = "🗂 Chờ bạn duyệt ({count}):"
WAITING_NONE = "✅ Không có việc nào chờ bạn duyệt."
EXTENSION_RULE_NOT_LATE = "Xong trong hạn gia hạn được duyệt: tính đúng hạn."
EXTENSION_RULE_LATE = "Xong trong hạn gia hạn được duyệt: vẫn tính trễ (so với hạn trước gia hạn)."


def extension_rule(counts_late: bool) -> str:
    return EXTENSION_RULE_LATE if counts_late else EXTENSION_RULE_NOT_LATE


def extension_request(
    task_id: int, title: str, asker: str, deadline: date | None, to: date | None, reason: str
) -> str:
    return (
        f"📅 Đề nghị gia hạn #{task_id}\n{shorten(title, 120)}\n"
        f"Hạn {d(deadline)} → {d(to)}\nLý do: {reason}\nNgười đề nghị: {asker}"
    )


def extension_requested(task_id: int, to: date, step: str, told: int) -> str:
    who = STEP_NAMES.get(step, step)
    sent = f" Đã gửi {told} tin." if told else ""
    return f"📨 Đã gửi đề nghị gia hạn nhiệm vụ {task_id} đến {d(to)}: chờ {who} duyệt.{sent}"


def extension_approved(task_id: int, title: str, old: date | None, new: date | None) -> str:
    return f"✅ Đồng ý gia hạn nhiệm vụ {task_id}: hạn {d(old)} → {d(new)}.\n{shorten(title, 120)}"


def extension_forwarded(task_id: int, step: str) -> str:
    who = STEP_NAMES.get(step, step)
    return f"✅ Đã đồng ý; đề nghị gia hạn nhiệm vụ {task_id} chuyển {who} duyệt."


def extension_refused(task_id: int, title: str, to: date | None, reason: str) -> str:
    return (
        f"✖️ Không đồng ý gia hạn nhiệm vụ {task_id} đến {d(to)}.\n{shorten(title, 120)}\n"
        f"Lý do: {reason}"
    )


def completion_request(
    task_id: int,
    title: str,
    reporter: str,
    day: date | None,
    deadline: date | None,
    numbers: list[str],
    files: int,
) -> str:
    lines = [
        f"📨 Báo hoàn thành #{task_id}, chờ xác nhận",
        shorten(title, 120),
        f"Ngày báo {d(day)} · hạn {d(deadline)} · người báo {reporter}",
    ]
    if numbers:
        lines.append("Văn bản: " + ", ".join(numbers))
    if files:
        lines.append(f"Minh chứng: {files} tệp (xem /task {task_id})")
    return "\n".join(lines)


def done_awaiting(task_id: int, title: str, day: date, late_days: int, step: str) -> str:
    timing = f"trễ {late_days} ngày" if late_days > 0 else "đúng hạn"
    return (
        f"📨 Đã báo hoàn thành nhiệm vụ {task_id} ngày {d(day)} ({timing}): "
        f"chờ {STEP_NAMES.get(step, step)} xác nhận.\n{title}"
    )


def completion_confirmed(task_id: int, title: str, day: date | None) -> str:
    return f"✅ Đã xác nhận hoàn thành nhiệm vụ {task_id} ngày {d(day)}.\n{shorten(title, 120)}"


def completion_returned(task_id: int, title: str, reason: str) -> str:
    return (
        f"↩️ Nhiệm vụ {task_id} bị trả lại, chưa tính hoàn thành.\n{shorten(title, 120)}\n"
        f"Lý do: {reason}"
    )


def withdrawn(task_id: int) -> str:
    return f"↩️ Đã rút báo hoàn thành nhiệm vụ {task_id}: nhiệm vụ đang làm trở lại."


def reopened_done(task_id: int, day: date | None, told: int) -> str:
    sent = f" Đã báo {told} tin." if told else ""
    return (
        f"↩️ Đã mở lại nhiệm vụ {task_id} (đã báo xong {d(day)}): không còn tính hoàn thành.{sent}"
    )


def evidence_saved(task_id: int, what: str) -> str:
    return f"📎 Đã lưu minh chứng cho nhiệm vụ {task_id}: {what}."


def evidence_line(number: str | None, original: str | None, filename: str | None) -> str:
    if number:
        return f"Văn bản {number}"
    return f"Tệp {original or filename}"


def waiting_line(kind: str, task_id: int, title: str, day: date | None, by: str) -> str:
    what = f"xin gia hạn đến {d(day)}" if kind == "extension" else f"báo xong {d(day)}"
    return task_entry(task_id, title, [what, by])


def series_edited(code: str, moved: int, added: int, cancelled: int) -> str:
    return (
        f"🔁 Chuỗi {code}: mỗi kỳ một lần. Dời {moved}, thêm {added}, huỷ {cancelled} lần "
        "(lần đã xong giữ nguyên)."
    )


def waiting_more(count: int) -> str:
    """The line under the first ten waiting requests."""
    return f"… và {count} việc khác: /cho"


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


# -- people: officers come and go, leave and substitutes (docs/people-and-hours.md) ---------

PEOPLE_ERRORS = {
    "no_officer": "Không có cán bộ “{value}” (hoặc đã ngừng hoạt động).",
    "no_unit": "Không có đơn vị “{value}”.",
    "already_inactive": "Cán bộ {value} đã ngừng hoạt động.",
    "same_unit": "Cán bộ đã thuộc đơn vị {value}.",
    "bad_role": "Vai trò “{value}” không hợp lệ (officer, head, tccb, admin, followup, director).",
    "same_role": "Cán bộ đã có vai trò {value}.",
    "no_leave": "Cán bộ {value} không có lịch vắng nào sắp tới.",
    "leave_bad_period": (
        "Ghi thời gian vắng dạng dd/mm/yyyy-dd/mm/yyyy, ví dụ 03/04/2023-07/04/2023."
    ),
    "leave_backwards": "Ngày cuối phải sau ngày đầu.",
    "leave_in_past": "Lịch vắng đã qua: ngày cuối phải từ hôm nay trở đi.",
    "leave_self_substitute": "Người thay phải là cán bộ khác.",
    "leave_overlap": (
        "Cán bộ {value} đã có lịch vắng trùng thời gian này. Huỷ lịch cũ trước: /vang huy"
    ),
    "not_allowed": "Chỉ TCCB và quản trị thay đổi được cán bộ.",
    "leave_not_allowed": "Chỉ cán bộ đó, trưởng đơn vị của họ, TCCB hoặc quản trị ghi lịch vắng.",
}

HELP_LEAVE = "/vang dd/mm/yyyy-dd/mm/yyyy [MÃ_NGƯỜI_THAY] – báo vắng; /vang huy – huỷ"
HELP_PEOPLE = (
    "/canbo [MÃ] – danh sách cán bộ, hoặc một cán bộ\n"
    "/nghiviec MÃ [lý do] – cán bộ nghỉ (bỏ liên kết, nhiệm vụ về đơn vị)\n"
    "/chuyen MÃ ĐƠN_VỊ – chuyển cán bộ sang đơn vị khác\n"
    "/vaitro MÃ VAI_TRÒ – đổi vai trò (officer, head, tccb, admin, followup, director)"
)
LEAVE_USAGE = (
    "Gõ: /vang dd/mm/yyyy-dd/mm/yyyy [MÃ_NGƯỜI_THAY], ví dụ /vang 03/04/2023-07/04/2023 CB012\n"
    "Trưởng đơn vị báo vắng cho cán bộ: /vang CB009 03/04/2023-07/04/2023 CB012\n"
    "Huỷ: /vang huy [MÃ]"
)
PEOPLE_USAGE = {
    "nghiviec": "Gõ: /nghiviec MÃ_CÁN_BỘ [lý do], ví dụ /nghiviec CB009 nghỉ hưu",
    "chuyen": "Gõ: /chuyen MÃ_CÁN_BỘ MÃ_ĐƠN_VỊ, ví dụ /chuyen CB009 KHTC",
    "vaitro": "Gõ: /vaitro MÃ_CÁN_BỘ VAI_TRÒ, ví dụ /vaitro CB009 head",
}
MOVE_TASKS_QUESTION = (
    "{code} đang thụ lý {count} nhiệm vụ mở. Chuyển các nhiệm vụ này theo sang {unit}?\n"
    "Trả lời: co (chuyển theo) hoặc khong (để lại đơn vị cũ); huy để thôi."
)
MOVE_TASKS_BAD = "Trả lời co, khong hoặc huy."
MOVE_CANCELLED = "Đã thôi, không chuyển cán bộ."
# The buttons under MOVE_TASKS_QUESTION: the tasks follow, stay, or the move is dropped.
MOVE_TASKS_BUTTONS = ("Chuyển theo", "Để lại", "Thôi")
NO_OFFICERS = "Chưa có cán bộ nào."


def officer_line_text(
    code: str, name: str, unit: str, role: str, is_head: bool, links: int, active: bool
) -> str:
    """One officer of a list: `CB009 · Trần Văn B · KHTC · công chức (trưởng) · 1 chat`."""
    head = " (trưởng)" if is_head else ""
    state = "" if active else " · đã ngừng"
    return f"{code} · {name} · {unit} · {role}{head} · {links} chat{state}"


def officer_leave_line(first: date, last: date, substitute: str | None) -> str:
    stand_in = f", {substitute} thay" if substitute else ", trưởng đơn vị nhận thay"
    return f"Vắng {d(first)}–{d(last)}{stand_in}"


def officer_named_tasks(task_ids: list[int]) -> str:
    return f"Thụ lý {len(task_ids)} nhiệm vụ mở: " + ", ".join(str(i) for i in task_ids)


OFFICER_HISTORY = "Lịch sử:"
SUBSTITUTE_MARK = "thay"  # "CB012 thay CB009"


def on_behalf(actor: str, absent: str | None) -> str:
    """Who acted, as the record shows it: "CB012 thay CB009" for a substitute."""
    return f"{actor} {SUBSTITUTE_MARK} {absent}" if absent else actor


def leave_recorded(code: str, first: date, last: date, substitute: str | None) -> str:
    who = (
        f"{substitute} nhận nhắc việc và cập nhật thay"
        if substitute
        else ("trưởng đơn vị nhận nhắc việc thay")
    )
    return f"✅ Đã ghi {code} vắng {d(first)}–{d(last)}; {who}."


def leave_cancelled(code: str, first: date, last: date) -> str:
    return f"✅ Đã huỷ lịch vắng {d(first)}–{d(last)} của {code}."


def deactivated(code: str, tasks: int, links: int, head_of: str | None) -> str:
    text = f"✅ {code} đã ngừng hoạt động: bỏ {links} liên kết chat, {tasks} nhiệm vụ về đơn vị."
    if head_of:
        text += f"\n{head_of} chưa có trưởng đơn vị: hãy đặt trưởng mới."
    return text


def moved(code: str, unit: str, tasks: int, with_tasks: bool, head_of: str | None) -> str:
    text = f"✅ Đã chuyển {code} sang {unit}."
    if tasks:
        text += (
            f" {tasks} nhiệm vụ chuyển theo."
            if with_tasks
            else f" {tasks} nhiệm vụ để lại đơn vị cũ."
        )
    if head_of:
        text += f"\n{head_of} chưa có trưởng đơn vị: hãy đặt trưởng mới."
    return text


def role_changed(code: str, role: str) -> str:
    return f"✅ {code} nay là {ROLE_NAMES.get(role, role)}."


OFFICER_EVENT_NAMES = {
    "officer_off": "ngừng hoạt động",
    "officer_moved": "chuyển đơn vị",
    "officer_role": "đổi vai trò",
    "leave_set": "báo vắng",
    "leave_cancelled": "huỷ lịch vắng",
}


def leave_value(value: str | None) -> str:
    """A leave as its event keeps it (yyyy-mm-dd..yyyy-mm-dd[ CODE]) as a user reads it."""
    if not value:
        return NO_VALUE
    period, _, substitute = value.partition(" ")
    first, _, last = period.partition("..")
    text = f"{d(date.fromisoformat(first))}–{d(date.fromisoformat(last))}"
    return f"{text}, {substitute} thay" if substitute else text


def officer_event_line(
    at: datetime,
    tz: str,
    actor: str,
    channel: str,
    kind: str,
    field: str | None,
    old: str | None,
    new: str | None,
    reason: str | None,
) -> str:
    """One line of an officer's history."""
    name = OFFICER_EVENT_NAMES.get(kind, kind)
    if field == "leave":
        detail = leave_value(new if kind == "leave_set" else old)
    elif field == "role":
        detail = f"{ROLE_NAMES.get(old or '', old)} → {ROLE_NAMES.get(new or '', new)}"
    elif field == "unit":
        detail = f"{old} → {new}"
    else:
        detail = ""
    text = f"{dt(at, tz)} · {actor} ({channel}): {name}"
    if detail:
        text += f" {detail}"
    return f"{text}. Lý do: {reason}" if reason else text
