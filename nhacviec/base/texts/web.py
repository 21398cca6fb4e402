"""The web page's texts (forms, flashes, refusals), read as `texts.NAME` like every other."""

from __future__ import annotations

# -- adding, editing, cancelling, reopening a task (nhacviec/web/task_forms.py) ----------------

WEB_TASK_ADD_TITLE = "Giao nhiệm vụ mới"
WEB_TASK_EDIT_TITLE = "Sửa nhiệm vụ {id}"
WEB_TASK_CANCEL_TITLE = "Huỷ nhiệm vụ {id}"
WEB_TASK_REOPEN_TITLE = "Mở lại nhiệm vụ {id}"
WEB_TASK_CANNOT = "Không thực hiện được"
WEB_TASK_NOT_FOUND = "Không có nhiệm vụ số {id}."
WEB_TASK_FIX = "Chưa lưu gì: sửa các mục ghi chú màu đỏ bên dưới rồi gửi lại."
WEB_TASK_CHOOSE_UNIT = "Chọn đơn vị chủ trì."
WEB_TASK_NO_DEADLINE = "Ghi hạn dạng dd/mm/yyyy, hoặc chọn “Thường xuyên (không hạn)”."
WEB_TASK_DAY_AND_ONGOING = (
    "Đã chọn “Thường xuyên (không hạn)” thì để trống ô hạn; hoặc bỏ chọn để giữ hạn."
)
WEB_TASK_BAD_DAY = "“{value}” không phải một ngày có thật dạng dd/mm/yyyy (ví dụ 30/06/{year})."
WEB_TASK_CLOSED_YEAR = (
    "Hạn {day} thuộc năm {year} đã khép lại: kế hoạch {plan} là của năm {plan_year}."
)
WEB_TASK_DEADLINE_REASON = "Đổi hạn cần ghi lý do (được lưu vào diễn biến của nhiệm vụ)."
WEB_TASK_CANCEL_REASON = "Cần ghi lý do huỷ (được lưu vào diễn biến của nhiệm vụ)."
WEB_TASK_STALE = (
    "Đã có người sửa nhiệm vụ {id} trước bạn, nên chưa lưu gì. "
    "Tải lại trang để xem bản mới nhất rồi sửa lại."
)
WEB_TASK_CO_UNIT_UNKNOWN = "Không có đơn vị phối hợp “{value}”."
WEB_TASK_TOLD = " Đã báo {told} tin cho người liên quan."
# The line on the task's page after a form was saved (`?xong=…`).
WEB_TASK_SAVED = {
    "giao": "Đã giao nhiệm vụ #{id}.",
    "sua": "Đã lưu thay đổi của nhiệm vụ #{id}.",
    "khong-doi": "Nhiệm vụ #{id}: không có mục nào thay đổi, không ghi gì.",
    "huy": "Đã huỷ nhiệm vụ #{id}: không còn tính vào số liệu của đơn vị.",
    "mo-lai": "Đã mở lại nhiệm vụ #{id}: nhiệm vụ tính lại vào số liệu của đơn vị.",
}

# -- choosing one of the plans the date follows (a task added, a self-score) ---------------------

WEB_UNKNOWN_PLAN = (
    "Không có kế hoạch “{code}” trong các kế hoạch đang theo dõi. Chọn lại kế hoạch."
)
WEB_NO_AREA_IN_PLAN = "Kế hoạch {plan} không có lĩnh vực “{code}”. Chọn lĩnh vực của kế hoạch này."

# -- a unit's tasks: the "người thụ lý" filter ---------------------------------------------------

UNASSIGNED_CHOICE = "Chưa giao người"
UNKNOWN_ASSIGNEE = "Người thụ lý: không có cán bộ “{code}”."

# -- a task's evidence -------------------------------------------------------------------------

VIEW_OTHER_UNIT = "Bạn chỉ xem được nhiệm vụ của đơn vị mình."
TASK_NOT_FOUND = "Không có nhiệm vụ số {id}."
EVIDENCE_NO_FILE = "Chọn một tệp minh chứng (ảnh, PDF, Word hoặc Excel) rồi bấm Tải lên."
EVIDENCE_REFUSED = "Không lưu tệp “{name}”: {why}"
EVIDENCE_SAVED = "Đã lưu minh chứng “{name}”."
EVIDENCE_NOT_FOUND = "Nhiệm vụ {task} không có tệp minh chứng số {id}."
EVIDENCE_MISSING = (
    "Tệp minh chứng này không còn trong thư mục lưu trữ. "
    "Báo quản trị kiểm tra thư mục [evidence] folder."
)


def file_size(size: int | None) -> str:
    """A file's size the Vietnamese way: 850 byte, 12,3 KB, 10 MB."""
    if size is None:
        return "–"
    if size < 1024:
        return f"{size} byte"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
