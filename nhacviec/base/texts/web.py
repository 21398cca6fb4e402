"""The web page's texts (forms, flashes, refusals), read as `texts.NAME` like every other."""

from __future__ import annotations

from nhacviec.base.texts.chat import ROLE_NAMES

# -- every page: signing in and out, refusals, failures (nhacviec/web/context.py, login.py) -----

WEB_SIGNED_OUT_TITLE = "Chưa đăng nhập"
WEB_SIGNED_OUT = (
    "Bạn chưa đăng nhập, hoặc phiên đăng nhập đã hết hạn. "
    "Gõ /web trong chat riêng với bot để nhận đường dẫn đăng nhập."
)
WEB_BAD_FORM = "Biểu mẫu đã cũ hoặc không gửi từ trang này. Tải lại trang rồi gửi lại."
WEB_REFUSED_TITLE = "Không được phép"
WEB_NOT_FOUND_TITLE = "Không tìm thấy"
WEB_ERROR_TITLE = "Lỗi"  # the text is the chat's SORRY
WEB_TOO_LARGE_TITLE = "Tệp quá lớn"
WEB_TOO_LARGE = "Tệp quá lớn: tối đa {megabytes} MB."
WEB_LOGIN_TITLE = "Đăng nhập"
# Why a sign-in link was refused (storage.repo.LinkError's reason); WEB_LOGIN_ASK_AGAIN follows.
WEB_LOGIN_ERRORS = {
    "unknown": "Đường dẫn đăng nhập không đúng.",
    "used": "Đường dẫn đăng nhập này đã được dùng.",
    "expired": "Đường dẫn đăng nhập đã hết hạn.",
}
WEB_LOGIN_ASK_AGAIN = "Gõ /web trong chat riêng với bot để nhận đường dẫn mới."
WEB_LOGIN_TOO_MANY = "Thử đăng nhập quá nhiều lần. Đợi ít phút rồi thử lại."
WEB_LOGIN_REOPEN = "Hãy mở lại đường dẫn đăng nhập rồi bấm nút Đăng nhập."
WEB_SIGNED_OFF_TITLE = "Đã đăng xuất"
WEB_SIGNED_OFF = "Bạn đã đăng xuất. " + WEB_LOGIN_ASK_AGAIN

# -- the names the pages show (nhacviec/web/render.py's filters) --------------------------------

# The page has room for the short names of two roles the chat spells out.
WEB_ROLE_NAMES = {**ROLE_NAMES, "followup": "theo dõi nhiệm vụ", "director": "lãnh đạo Sở"}
WEB_CHANNEL_NAMES = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "console": "Console",
    "cli": "dòng lệnh",
    "web": "trang web",
}

# -- the pages that read (nhacviec/web/pages.py) -------------------------------------------------

WEB_NO_PLAN = "Chưa có kế hoạch nào được nạp. Quản trị hãy nhập kế hoạch (trang Nhập)."
WEB_OVERVIEW_TITLE = "Tổng quan"
WEB_OVERVIEW_ONLY = "Trang tổng quan các đơn vị dành cho TCCB, quản trị và lãnh đạo Sở."
# A unit's list: the sort orders (the `sap_xep` value -> its label) and the due range's fields.
WEB_SORTS = {
    "han": "Hạn sớm trước",
    "han-giam": "Hạn muộn trước",
    "tien-do": "Tiến độ thấp trước",
    "tinh-trang": "Quá hạn trước",
    "ma": "Mã nhiệm vụ",
}
WEB_DUE_FROM = "Từ ngày"
WEB_DUE_TO = "Đến ngày"
WEB_APPROVALS_ONLY = "Trang duyệt dành cho trưởng đơn vị, TCCB và quản trị."
# What the approvals page says after a decision: (kind, the `quyet` value) -> the line.
WEB_DECISIONS = {
    ("extension", "dong-y"): "Đã đồng ý gia hạn nhiệm vụ {id}.",
    ("extension", "tu-choi"): "Đã từ chối gia hạn nhiệm vụ {id}.",
    ("completion", "dong-y"): "Đã xác nhận hoàn thành nhiệm vụ {id}.",
    ("completion", "tu-choi"): "Đã trả lại nhiệm vụ {id}.",
}
WEB_DECISION_UNCLEAR = "Yêu cầu không rõ. Tải lại trang rồi chọn lại."
WEB_DECISION_NO_REASON = "Nhiệm vụ {id}: ghi lý do khi từ chối hoặc trả lại."

# -- inspections, self-scores, reports (nhacviec/web/forms.py) -----------------------------------

WEB_BAD_DATE = "{label}: “{value}” không phải ngày dd/mm/yyyy."
WEB_FOLLOW_UP_ONLY = "Chỉ TCCB và quản trị ghi được kiểm tra và điểm tự chấm."
WEB_REPORTS_ONLY = "Báo cáo dành cho TCCB, quản trị và lãnh đạo Sở."
WEB_INSPECTION_TITLE = "Kiểm tra"
WEB_INSPECTION_DAY = "Ngày kiểm tra"
WEB_INSPECTION_CHOOSE_UNIT = "Chọn đơn vị được kiểm tra."
WEB_INSPECTION_NO_DAY = "Ghi ngày kiểm tra."
WEB_INSPECTION_SAVED = "Đã ghi kiểm tra {unit} ngày {day}."
WEB_SCORE_TITLE = "Tự chấm"
WEB_SCORE_CHOOSE_AREA = "Chọn lĩnh vực."
WEB_SCORE_SAVED = "Đã ghi điểm tự chấm lĩnh vực {area}."
# The periods the report page offers for the year the date follows.
WEB_PERIOD_QUARTER = "Quý {quarter}/{year}"
WEB_PERIOD_FIRST_HALF = "6 tháng đầu năm {year}"
WEB_PERIOD_SECOND_HALF = "6 tháng cuối năm {year}"
WEB_PERIOD_YEAR = "Cả năm {year}"

# -- importing a plan file (nhacviec/web/imports.py); the counts are the CLI's import_changes ----

WEB_IMPORT_ONLY = "Chỉ TCCB, quản trị và cán bộ theo dõi nhiệm vụ nhập được kế hoạch."
WEB_IMPORT_EXPIRED = "Tệp tải lên đã hết hạn, hãy chọn lại tệp."
WEB_IMPORT_NO_FILE = "Chọn tệp .xlsx hoặc .csv để nhập."
WEB_IMPORT_WRONG_KIND = "{name}: chỉ nhận tệp .xlsx hoặc .csv."
WEB_IMPORT_NOTHING = "Không nhập gì cả: {errors} dòng lỗi."

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
