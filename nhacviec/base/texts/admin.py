"""What the admin's commands print: `nhacviec remind` (scheduler/remind.py) and
`nhacviec export` (storage/export.py)."""

from __future__ import annotations

from datetime import date

from nhacviec.base.texts.chat import d

# -- nhacviec remind [--dry-run], and the console's :remind ------------------------------------
REMIND_UNLINKED = "chưa liên kết chat"
REMIND_CHANNELS_OFF = "Chưa gửi được (kênh chưa bật trong cấu hình): "


def remind_group(unit_code: str, unit_name: str) -> str:
    return f"Nhóm {unit_code} {unit_name}"


def remind_preview_header(day: date) -> str:
    return f"Xem trước nhắc việc ngày {d(day)} (không ghi, không gửi)."


def remind_preview_total(
    digests: int, chats: int, unlinked: int, groups: int, group_chats: int
) -> str:
    return f"Tổng: {digests} bản nhắc, {chats} chat, {unlinked} cán bộ chưa liên kết" + (
        f"; {groups} bản nhắc nhóm cho {group_chats} nhóm chat." if group_chats else "."
    )


def remind_holiday(day: date, name: str | None) -> str:
    return f"{d(day)} là ngày nghỉ{f' ({name})' if name else ''}: không nhắc việc."


def remind_groups(groups: int, group_chats: int) -> str:
    return f", {groups} bản nhắc nhóm cho {group_chats} nhóm chat" if group_chats else ""


def remind_done(
    day: date, digests: int, chats: int, groups: str, written: int, already: int
) -> str:
    return (
        f"Nhắc việc ngày {d(day)}: {digests} bản nhắc cho {chats} chat"
        f"{groups}; {written} hàng mới trong hàng đợi ({already} đã có từ trước)."
    )


def remind_sent(sent: int, retried: int, failed: int) -> str:
    return f"Đã gửi {sent}, hẹn gửi lại {retried}, thất bại {failed}."


def remind_unlinked(count: int, codes: str) -> str:
    return f"{count} cán bộ chưa liên kết chat: {codes}"


def console_remind_holiday(day: date) -> str:
    return f"── {d(day)} là ngày nghỉ: không nhắc việc ──"


def console_remind_sent(day: date, sent: int) -> str:
    return f"── nhắc việc ngày {d(day)}: đã gửi {sent} tin ──"


# -- nhacviec export ----------------------------------------------------------------------------
EXPORT_NO_PLAN = "chưa có kế hoạch nào"


def export_unknown_plan(code: str) -> str:
    return f"không có kế hoạch mã '{code}'"


def database_unavailable(where: str, problem: str) -> str:
    """storage/db.py: the database cannot be reached (`where` without its password)."""
    return f"Không kết nối được cơ sở dữ liệu {where}: {problem}"


# -- nhacviec run: the scheduler's jobs, as its log names them --------------------------------
JOB_DAILY_SCAN = "quét nhắc việc hằng ngày"
JOB_DISPATCH = "gửi hàng đợi nhắc việc"
JOB_LEAD = "giữ quyền gửi hàng đợi"
JOB_CATCH_UP = "quét nhắc việc bù"
