"""`nhacviec plan carry-over`: carrying a closed year's unfinished tasks into the new year
(storage/carry.py), its help, preview, result and refusals."""

from __future__ import annotations

from nhacviec.base.texts.chat import REASONS

PLAN_HELP = "Việc với kế hoạch theo năm: chuyển nhiệm vụ chưa xong sang năm mới."
CARRY_HELP = (
    "Chuyển nhiệm vụ chưa hoàn thành của một năm đã qua sang năm mới: năm mới nhắc, liệt kê "
    "chúng (ghi “chuyển từ NĂM”), còn số liệu vẫn tính vào năm cũ. Mỗi nhiệm vụ được ghi lại "
    "(ai, khi nào, lý do). Chạy lại không chuyển trùng."
)
CARRY_FROM_HELP = "Năm của kế hoạch cũ, ví dụ 2023."
CARRY_TO_HELP = "Năm mới (đã nhập kế hoạch), ví dụ 2024."
CARRY_DRY_RUN_HELP = "Chỉ xem trước: chuyển những nhiệm vụ nào; không ghi gì."
CARRY_REASON_HELP = "Lý do (ghi vào lịch sử từng nhiệm vụ)."
CARRY_REFUSED = (
    "Chỉ TCCB, quản trị và cán bộ theo dõi của Văn phòng Sở chuyển được nhiệm vụ sang năm."
)
CARRY_NOTHING = "Không có nhiệm vụ nào của năm {from_year} cần chuyển sang năm {to_year}."
CARRY_DRY_RUN_HINT = "Để chuyển thật: nhacviec plan carry-over --from {from_year} --to {to_year}"


def carry_default_reason(from_year: int, to_year: int) -> str:
    """The reason recorded when the admin gives none."""
    return f"Chưa hoàn thành khi hết năm {from_year}, theo dõi tiếp trong năm {to_year}"


def carry_header(count: int, from_year: int, to_year: int, dry_run: bool) -> str:
    verb = "Sẽ chuyển" if dry_run else "Đã chuyển"
    return f"{verb} {count} nhiệm vụ chưa hoàn thành từ năm {from_year} sang năm {to_year}:"


def carry_unit_line(unit: str, count: int) -> str:
    return f"  • {unit}: {count} nhiệm vụ"


def carry_task_line(task_id: int, code: str, unit: str, due: str, title: str) -> str:
    return f"  #{task_id} {code} · {unit} · hạn {due} · {title}"


def carry_more(count: int) -> str:
    return f"  … và {count} nhiệm vụ nữa"


def carry_counted(from_year: int) -> str:
    return (
        f"Số liệu (tỷ lệ 30%) của năm {from_year} không đổi: các nhiệm vụ này vẫn tính vào năm "
        f"{from_year}; xong trong năm mới là xong trễ của năm {from_year}."
    )


def carried_note(count: int, years: list[int]) -> str:
    """Under a unit's figures in /status: why its list holds tasks its figures do not count."""
    named = ", ".join(str(y) for y in years)
    return (
        f"↪ {count} nhiệm vụ chuyển từ {named}: tính vào số liệu năm {named}, không tính năm nay"
    )


CARRY_REASONS = {
    "carry_order": (
        "Chỉ chuyển được từ một năm trước sang năm sau: --from {from_year} phải nhỏ hơn "
        "--to {to_year}."
    ),
    "carry_no_plan_to": (
        "Năm {to_year} chưa có kế hoạch nào nên không chuyển được. Nhập kế hoạch năm "
        "{to_year} trước (nhacviec import TỆP), rồi chạy lại lệnh này."
    ),
    "carry_no_plan_from": "Năm {from_year} không có kế hoạch nào, không có gì để chuyển.",
    "carry_conflict": (
        "Có thay đổi khác trên các nhiệm vụ này cùng lúc: chưa chuyển gì. Chạy lại lệnh."
    ),
}
REASONS.update(CARRY_REASONS)
