"""The /status and /areas views in chat (bot/status_view.py): lines kept near 35 characters so a
phone shows them unwrapped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from nhacviec.base.texts.chat import d, num, pct


def status_rates(year: str, failed: int, assigned: int, so_far: str, settled: int) -> str:
    """`   năm 38,1% (8/21) · đến nay 50% (8/16)`."""
    return f"   năm {year} ({failed}/{assigned}) · đến nay {so_far} ({failed}/{settled})"


def status_counts(on_time: int, late: int, overdue: int, open_: int) -> str:
    return f"   đúng {on_time} · trễ {late} · quá hạn {overdue} · mở {open_}"


def status_inspections(year: int, inspected: int, total: int, share: str) -> str:
    return f"🔎 Kiểm tra CCHC {year}: {inspected}/{total} ({share})"


def status_inspections_met(target: float) -> str:
    return f"   ✅ đạt mục tiêu ≥{pct(target)}"


def status_inspections_needed(target: float, needed: int) -> str:
    return f"   mục tiêu ≥{pct(target)}: còn {needed} đơn vị"


def status_title(title: str) -> str:
    return f"📊 Tình hình {title}"


def status_day(on: date, tasks: int) -> str:
    return f"Ngày {d(on)} · {tasks} nhiệm vụ"


def status_fail_line(fail: float) -> str:
    return f"🔴 từ {pct(fail)}: không hoàn thành NV"


def status_warning_line(warning: float) -> str:
    return f"🟡 từ {pct(warning)}: cảnh báo"


def status_counted(authorities: Sequence[str]) -> str:
    return "Chỉ tính NV do " + ", ".join(authorities) + " giao"


def status_more_units(n: int) -> str:
    """After a list of unit codes cut short."""
    return f" và {n} đơn vị khác"


def status_watch(n: int, codes: Sequence[str], more: str) -> str:
    return f"⚠️ Cần chú ý ({n}): " + ", ".join(codes) + more


def status_rest(n: int, worst: str, worst_year: str) -> str:
    return f"… {n} đơn vị khác, cao nhất {worst} năm {worst_year} (xem /status ĐƠN_VỊ)"


def status_idle(shown: str, more: str) -> str:
    return "Chưa có nhiệm vụ: " + shown + more


def status_scores(scored: int, areas: int, total: float | None, max_total: float) -> str:
    return f"📝 Tự chấm {scored}/{areas} lĩnh vực: {num(total)}/{num(max_total)}"


STATUS_SEE = "Xem: /status ĐƠN_VỊ · /areas"


def status_criterion(assigned: int) -> str:
    return f"🏛 Tiêu chí 1.6 (NV Tỉnh ủy, HĐND, UBND giao): {assigned} NV"


def status_criterion_counts(settled: int, on_time: int, late: int, overdue: int) -> str:
    return f"   đến hạn {settled} · đúng {on_time} · trễ {late} · quá hạn {overdue}"


STATUS_BY_AUTHORITY = "Theo cơ quan giao:"


def status_authority(name: str, assigned: int, year: str, so_far: str) -> str:
    return f"• {name} {assigned} NV · năm {year} · đến nay {so_far}"


# -- a task of a unit's page: its outcome first ---------------------------------------------------
def status_deadline(deadline: str) -> str:
    return f"hạn {deadline}"


def status_overdue(icon: str, days: int) -> str:
    return f"{icon} quá hạn {days} ngày"


def status_due_in(icon: str, days_left: int) -> str:
    when = "hạn hôm nay" if days_left == 0 else f"còn {days_left} ngày"
    return f"{icon} {when}"


def status_done_late(icon: str, days: int) -> str:
    return f"{icon} xong trễ {days} ngày"


def status_done(icon: str, on: date | None) -> str:
    return f"{icon} xong {d(on)}"


# -- a unit's page --------------------------------------------------------------------------------
def status_unit_head(code: str, name: str) -> str:
    return f"📋 {code} · {name}"


def status_on(on: date) -> str:
    return f"Ngày {d(on)}"


STATUS_UNIT_NO_TASKS = "Chưa có nhiệm vụ."


def status_page_next(page: int, pages: int, code: str) -> str:
    return f"Trang {page}/{pages} · gõ /status {code} {page + 1}"


def status_page(page: int, pages: int) -> str:
    return f"Trang {page}/{pages}"


def status_awaiting(task_id: int, reported_on: date | None, step: str) -> str:
    return f"#{task_id} báo xong {d(reported_on)} · chờ {step}"


def status_more_tasks(n: int) -> str:
    return f"… và {n} nhiệm vụ khác"


# -- /areas ---------------------------------------------------------------------------------------
def areas_tasks(tasks: int, done: int, late: int, overdue: int) -> str:
    return f"   {tasks} NV: xong {done} (trễ {late}), quá hạn {overdue}"


def areas_progress(mean_progress: float, done_share: float) -> str:
    return f"   tiến độ TB {mean_progress:.0f}% · xong {pct(done_share)}"


def areas_points(
    target: float | None,
    max_score: float | None,
    last_year: int,
    last_year_score: float | None,
    self_score: float | None,
) -> str:
    return (
        f"   MT {num(target)}/{num(max_score)} · "
        f"{last_year} {num(last_year_score)} · tự chấm {num(self_score)}"
    )


def areas_title(title: str) -> str:
    return f"📚 Lĩnh vực {title}"


def areas_day(on: date) -> str:
    return f"Ngày {d(on)} · MT = mục tiêu"


AREAS_HOW_TO_SCORE = "Ghi điểm: /score LĨNH_VỰC ĐIỂM"
