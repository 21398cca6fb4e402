"""The words of the reports (nhacviec/reports): the period workbook's sheets, headers and
notes, the status chart's labels, and the figures' name for tasks with no assigning body."""

from __future__ import annotations

from datetime import date

from nhacviec.base.texts.chat import CHANNEL_NAMES, EVENT_NAMES, d, pct

# -- figures --------------------------------------------------------------------------------------
# The row of tasks whose assigning body was not written, among the per-authority figures.
NO_AUTHORITY = "Không ghi cơ quan giao"
# The whole department, the total row of every table of units.
DEPARTMENT_TOTAL = "Toàn Sở"

# -- the period workbook --------------------------------------------------------------------------
REPORT_SHEET_SUMMARY = "Tổng hợp"
REPORT_SHEET_TASKS = "Nhiệm vụ"
REPORT_SHEET_HISTORY = "Lịch sử tiến độ"
REPORT_SHEET_INSPECTIONS = "Kiểm tra"

REPORT_UNIT_HEADERS = [
    "Mã",
    "Đơn vị",
    "Giao",
    "Đúng hạn",
    "Trễ",
    "Quá hạn",
    "Mở",
    "Tỷ lệ năm",
    "Đã đến hạn",
    "Tỷ lệ đến nay",
    "Còn được trễ",
    "Đánh giá",
]
REPORT_AREA_HEADERS = [
    "Mã",
    "Lĩnh vực",
    "Số nhiệm vụ",
    "Đã xong",
    "Trong đó trễ",
    "Quá hạn",
    "Tiến độ TB",
    "Điểm tối đa",
    "Điểm mục tiêu",
    "Điểm năm trước",
    "Tự chấm",
    "Ghi chú tự chấm",
]
REPORT_TASK_HEADERS = [
    "ID",
    "Mã",
    "Nhiệm vụ",
    "Lĩnh vực",
    "Đơn vị chủ trì",
    "Phối hợp",
    "Cơ quan giao",
    "Hạn",
    "Hạn ghi trong KH",
    "Hạn trong kỳ",
    "Hoàn thành",
    "Tiến độ",
    "Kết quả",
    "Số ngày trễ / quá hạn",
    "Ghi chú cuối",
    "Hạn trước gia hạn",
    "Minh chứng",
]
REPORT_INSPECTION_HEADERS = ["Ngày kiểm tra", "Mã", "Đơn vị", "Ghi chú", "Người ghi"]
REPORT_HISTORY_HEADERS = [
    "Thời điểm",
    "ID",
    "Mã nhiệm vụ",
    "Nhiệm vụ",
    "Đơn vị",
    "Cán bộ",
    "Mã cán bộ",
    "Loại",
    "Tiến độ",
    "Ghi chú",
    "Kênh",
]
REPORT_COVERAGE_HEADERS = [
    "",
    "Nội dung",
    "Đã kiểm tra",
    "Số đơn vị",
    "Tỷ lệ",
    "Mục tiêu",
    "Kết quả",
]
# The channel a history row came through, and the kind of row (progress or a task event).
REPORT_CHANNELS = {
    **CHANNEL_NAMES,
    "console": "Console",
    "cli": "Dòng lệnh",
    "import": "Nhập tệp",
}
REPORT_KINDS = {
    **{k: v.capitalize() for k, v in EVENT_NAMES.items()},
    "done": "Hoàn thành",
    "progress": "Tiến độ",
}
# The "in the period" column of the task sheet.
REPORT_IN_PERIOD = "Có"


def report_no_plan(year: int) -> str:
    return f"Chưa có kế hoạch năm {year}, không lập được báo cáo."


def report_doc_title(label: str) -> str:
    """The workbook's document title (its properties)."""
    return f"Báo cáo CCHC {label}"


def report_title(label: str) -> str:
    return f"BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH CCHC – {label.upper()}"


def report_span(start: date, end: date, on: date) -> str:
    return f"Kỳ báo cáo từ {d(start)} đến {d(end)}; số liệu tính đến ngày {d(on)}."


def report_rule(fail: float, warning: float, counted: list[str]) -> str:
    """The 30% rule as the summary sheet states it, and which assigning bodies count."""
    only = f" Chỉ tính nhiệm vụ do {', '.join(counted)} giao." if counted else ""
    return (
        f"Tỷ lệ năm = (xong trễ + quá hạn) / số nhiệm vụ được giao trong năm; tỷ lệ đến nay ="
        f" (xong trễ + quá hạn) / số nhiệm vụ đã đến hạn (đã xong hoặc quá hạn). Từ "
        f"{pct(fail)}: người đứng đầu đơn vị bị xếp loại không hoàn thành nhiệm vụ; "
        f"từ {pct(warning)}: cảnh báo. Hạn rơi vào ngày nghỉ được tính đến ngày làm "
        f"việc tiếp theo (Điều 148 Bộ luật Dân sự 2015).{only}"
    )


REPORT_SECTION_UNITS = "1. Kết quả theo đơn vị"


def report_section_watch(warning: float) -> str:
    return f"2. Đơn vị cần chú ý (tỷ lệ năm hoặc đến nay từ {pct(warning)})"


REPORT_NO_WATCH = "Không có đơn vị nào chạm ngưỡng cảnh báo."
REPORT_SECTION_AUTHORITIES = "3. Theo cơ quan giao nhiệm vụ; tiêu chí 1.6"
REPORT_CRITERION = "Tiêu chí 1.6: nhiệm vụ Tỉnh ủy, HĐND, UBND tỉnh giao"
REPORT_SECTION_AREAS = "4. Kết quả theo lĩnh vực và điểm tự chấm"


def report_areas_total(areas: int, scored: int) -> str:
    return f"Tổng {areas} lĩnh vực (tự chấm {scored}/{areas})"


def report_section_inspections(year: int) -> str:
    return f"5. Kiểm tra công tác CCHC năm {year}"


def report_inspections_row(sheet_name: str) -> str:
    return f"Kiểm tra công tác CCHC các đơn vị (xem trang {sheet_name})"


def report_inspections_result(met: bool, needed: int) -> str:
    return "Đạt" if met else f"Chưa đạt, còn {needed} đơn vị"


def report_inspected(units: list[str]) -> str:
    return "Đơn vị đã kiểm tra: " + ", ".join(units)


def report_awaiting(reported_on: date | None) -> str:
    """Added to a task's outcome while its reported completion waits to be confirmed."""
    return f" · chờ xác nhận (báo xong {d(reported_on)})"


# -- the status chart -----------------------------------------------------------------------------
# The bar's segments, from the left: (figure, legend label).
CHART_SEGMENT_LABELS = {
    "late": "Xong trễ",
    "overdue": "Quá hạn",
    "on_time": "Xong đúng hạn",
    "open": "Đang làm",
}
CHART_TITLE = "Tình hình nhiệm vụ"
CHART_EMPTY = "Chưa có nhiệm vụ nào"
CHART_AXIS = "Tỷ lệ trên số nhiệm vụ được giao cả năm; nhãn: năm · đến nay · còn được trễ"


def chart_plan_title(plan_title: str) -> str:
    return f"Tình hình {plan_title}"


def chart_others(n: int) -> str:
    """The last bar, adding up the units not drawn."""
    return f"{n} đơn vị khác"


def chart_heading(title: str, on: date) -> str:
    return f"{title}\nngày {on:%d/%m/%Y}"


def chart_bar_label(year: str, so_far: str, margin: int) -> str:
    return f"{year} · nay {so_far} · còn {margin}"


def chart_line(fail: float) -> str:
    return f" ngưỡng {pct(fail)}"
