"""What the `nhacviec` command line says: each command's help (typer shows it in `--help`), its
options' help, and the lines it prints. The table of click's and typer's own messages in
Vietnamese is at the end (nhacviec/cli_vi.py installs it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

# -- the command line as a whole ------------------------------------------------------------------
CLI_HELP = "nhacviec – nhắc việc: theo dõi nhiệm vụ và hạn cho cơ quan nhà nước."
CLI_HELP_CONFIG = "Tệp cấu hình TOML (mặc định: $NHACVIEC_CONFIG)."
CLI_HELP_ON = "Ngày mà các quy tắc nhìn thấy, dd/mm/yyyy."
CLI_HELP_BY = "Mã cán bộ thực hiện (ghi vào lịch sử nhiệm vụ); bỏ trống: quản trị."
# The metavars of arguments, shown in `--help` and in click's errors.
CLI_METAVAR_FILE = "TỆP"
CLI_METAVAR_OFFICER = "MÃ_CÁN_BỘ"
CLI_METAVAR_UNIT = "MÃ_ĐƠN_VỊ"
CLI_METAVAR_NEW_UNIT = "ĐƠN_VỊ"
CLI_METAVAR_CODE = "MÃ"
CLI_METAVAR_FIELD = "MỤC"
CLI_METAVAR_VALUE = "GIÁ_TRỊ"
CLI_METAVAR_ROLE = "VAI_TRÒ"
CLI_METAVAR_SPAN = "TỪ-ĐẾN"
CLI_METAVAR_YEAR = "NĂM"


def cli_bad_day(text: str) -> str:
    return f"ngày '{text}' không đúng dạng dd/mm/yyyy"


# -- init -----------------------------------------------------------------------------------------
CLI_HELP_INIT = "Tạo hoặc nâng cấp cơ sở dữ liệu (chạy lại nhiều lần không sao)."


def cli_database_ready(url: str) -> str:
    return f"Cơ sở dữ liệu sẵn sàng: {url}"


# -- import ---------------------------------------------------------------------------------------
CLI_HELP_IMPORT = (
    "Nhập kế hoạch từ tệp Excel hoặc CSV; tệp có dòng lỗi thì không nhập gì. Mọi thay đổi "
    "nhiệm vụ được ghi lại (ai, khi nào, qua nhập tệp)."
)
CLI_HELP_IMPORT_FILE = "Tệp .xlsx hoặc .csv (xem docs/import-format.md)."
CLI_HELP_IMPORT_PLAN = "Mã kế hoạch cho tệp chỉ có nhiệm vụ."
CLI_HELP_IMPORT_DRY_RUN = "Chỉ xem trước: thêm gì, sửa gì; không ghi gì."
# The kinds of record an import adds or changes, as the summary counts them.
CLI_KIND_NAMES = {
    "plan": "kế hoạch",
    "area": "lĩnh vực",
    "unit": "đơn vị",
    "officer": "cán bộ",
    "task": "nhiệm vụ",
}


def cli_import_counts(bucket: dict[str, int]) -> str:
    """'3 đơn vị, 12 nhiệm vụ' for the kinds with a count; '0' when none."""
    return ", ".join(f"{n} {CLI_KIND_NAMES.get(k, k)}" for k, n in bucket.items() if n) or "0"


def import_changes(
    created: dict[str, int], updated: dict[str, int], unchanged: dict[str, int]
) -> str:
    """What an import adds, changes and keeps, as the CLI and the web page both say it."""
    return (
        f"thêm {cli_import_counts(created)}; sửa {cli_import_counts(updated)}; "
        f"giữ nguyên {cli_import_counts(unchanged)}"
    )


def cli_import_ongoing(codes: Sequence[str], shown_at_most: int) -> str:
    shown = ", ".join(codes[:shown_at_most])
    more = len(codes) - shown_at_most
    return f"{len(codes)} nhiệm vụ 'Thường xuyên' (không có hạn, không nhắc hạn): {shown}" + (
        f" … và {more} nhiệm vụ nữa" if more > 0 else ""
    )


def cli_import_unstored(code: str, values: dict[str, Any]) -> str:
    return f"  Chưa lưu, nhiệm vụ {code}: " + "; ".join(f"{k}: {v}" for k, v in values.items())


def cli_import_summary(
    file_name: str,
    dry_run: bool,
    created: dict[str, int],
    updated: dict[str, int],
    unchanged: dict[str, int],
) -> str:
    verb = "Xem trước (chưa ghi gì)" if dry_run else "Đã nhập"
    return f"{verb} {file_name}: {import_changes(created, updated, unchanged)}."


def cli_import_for_real(file: Path) -> str:
    return f"Để nhập thật: nhacviec import {file}"


def cli_warnings(n: int) -> str:
    return f"Cảnh báo ({n}):"


def cli_more_warnings(n: int) -> str:
    return f"  … và {n} cảnh báo nữa"


CLI_WILL_ADD = "Sẽ thêm:"
CLI_WILL_CHANGE = "Sẽ sửa:"


def cli_added(kind: str, code: str) -> str:
    return f"  + {CLI_KIND_NAMES[kind]} {code}"


def cli_changed(kind: str, code: str, fields: Sequence[tuple[str, Any, Any]]) -> str:
    said = "; ".join(f"{name}: {old} → {new}" for name, old, new in fields)
    return f"  ~ {CLI_KIND_NAMES[kind]} {code}: {said}"


def cli_more(n: int) -> str:
    return f"  … và {n} nữa"


def cli_no_file(file: Path) -> str:
    return f"Không tìm thấy tệp {file}"


def cli_is_folder(file: Path) -> str:
    return f"{file} là thư mục: ghi đường dẫn tới tệp .xlsx hoặc .csv"


def cli_reading(file_name: str) -> str:
    return f"Đọc {file_name}"


def cli_no_officer(code: str | None) -> str:
    return f"Không có cán bộ mã {code}."


def cli_no_unit(code: str) -> str:
    return f"Không có đơn vị mã {code}."


def cli_import_failed(n: int) -> str:
    return f"Không nhập gì cả: {n} lỗi."


def cli_problem(problem: object) -> str:
    return f"  • {problem}"


def cli_import_database_error(error_name: str) -> str:
    return (
        "Không nhập gì cả: lỗi cơ sở dữ liệu (" + error_name + "). Chạy "
        "'nhacviec init' rồi thử lại; nếu vẫn lỗi, báo quản trị."
    )


# -- export ---------------------------------------------------------------------------------------
CLI_HELP_EXPORT = "Xuất kế hoạch, đơn vị, cán bộ, nhiệm vụ ra tệp Excel theo mẫu nhập."
CLI_HELP_EXPORT_FILE = "Tệp .xlsx để ghi (cùng mẫu với tệp nhập)."
CLI_HELP_EXPORT_PLAN = "Mã kế hoạch (mặc định: kế hoạch mới nhất)."


def cli_export_suffix(stem: str) -> str:
    return f"Tên tệp phải có đuôi .xlsx (ví dụ {stem}.xlsx)"


def cli_export_failed(error: object) -> str:
    return f"Không xuất được: {error}"


def cli_not_written(file: Path, why: str | None) -> str:
    return f"Không ghi được {file}: {why or 'lỗi ghi tệp'}"


def cli_exported(plan_code: str, file: Path) -> str:
    return f"Đã xuất kế hoạch {plan_code} ra {file}"


# -- invite, unlink-group -------------------------------------------------------------------------
CLI_HELP_INVITE = (
    "Cấp mã liên kết dùng một lần cho cán bộ, hoặc cho nhóm chat của đơn vị (--unit)."
)
CLI_HELP_INVITE_OFFICER = "Mã cán bộ, ví dụ CB005."
CLI_HELP_INVITE_UNIT = "Mã đơn vị: cấp mã liên kết nhóm chat của đơn vị."
CLI_INVITE_WHOM = "Gõ mã cán bộ (nhacviec invite CB005) hoặc --unit MÃ_ĐƠN_VỊ."


def cli_invite_code(name: str, code: str, link_code: str) -> str:
    """Rich markup: the link code in bold."""
    return f"Mã liên kết cho {name} ({code}): [bold]{link_code}[/bold]"


def cli_invite_how(link_code: str, expires: str) -> str:
    return f"Gửi cho cán bộ; trong chat gõ: /start {link_code}  (hết hạn {expires})"


def cli_group_code(name: str, code: str, link_code: str) -> str:
    """Rich markup: the link code in bold."""
    return f"Mã liên kết nhóm cho {name} ({code}): [bold]{link_code}[/bold]"


def cli_group_how(link_code: str, expires: str) -> str:
    return (
        f"Thêm bot vào nhóm chat của đơn vị rồi gõ trong nhóm: /start {link_code}  "
        f"(hết hạn {expires})"
    )


CLI_HELP_UNLINK_GROUP = "Huỷ liên kết nhóm chat của đơn vị: nhóm không nhận nhắc việc nữa."
CLI_HELP_UNLINK_UNIT = "Mã đơn vị, ví dụ KHTC."
CLI_HELP_UNLINK_CHAT = "Chỉ huỷ nhóm có mã chat này."


def cli_not_linked(name: str, code: str, chat: str | None) -> str:
    which = f"nhóm chat {chat}" if chat else "nhóm chat nào"
    return f"{name} ({code}) chưa liên kết {which}."


def cli_unlinked(n: int, name: str, code: str, groups: str) -> str:
    return f"Đã huỷ liên kết {n} nhóm chat của {name} ({code}): {groups}."


def cli_link_again(code: str) -> str:
    return "Liên kết lại: nhacviec invite --unit " + code


# -- status ---------------------------------------------------------------------------------------
CLI_HELP_STATUS = (
    "Bảng tình hình từng đơn vị: giao, đúng hạn, trễ, quá hạn, mở, hai tỷ lệ, còn được trễ."
)
CLI_HELP_STATUS_CHART = "Lưu thêm biểu đồ PNG vào tệp này."
CLI_STATUS_HEADERS = (
    "Đơn vị",
    "Giao",
    "Đúng hạn",
    "Trễ",
    "Quá hạn",
    "Mở",
    "Tỷ lệ năm",
    "Tỷ lệ đến nay",
    "Còn được trễ",
    "Cờ",
)
# The status table's columns of words, aligned left (the others hold figures).
CLI_STATUS_LEFT = ("Đơn vị", "Cờ")


def cli_status_title(plan_title: str, today: str) -> str:
    return f"{plan_title} – tình hình ngày {today}"


def cli_criterion(assigned: int, settled: int, on_time: int, late: int, overdue: int) -> str:
    return (
        f"Tiêu chí 1.6 (NV Tỉnh ủy, HĐND, UBND giao): {assigned} NV, đến hạn {settled}, "
        f"đúng hạn {on_time}, trễ {late}, quá hạn {overdue}."
    )


def cli_chart_saved(file: Path) -> str:
    return f"Đã lưu biểu đồ: {file}"


# -- report ---------------------------------------------------------------------------------------
CLI_HELP_REPORT = "Báo cáo quý / 6 tháng / năm ra tệp Excel; số liệu tính đến ngày cuối kỳ."
CLI_HELP_REPORT_PERIOD = "Kỳ: 2023-Q1 … 2023-Q4, 2023-H1, 2023-H2, 2023."
CLI_HELP_REPORT_OUT = "Tệp Excel (.xlsx) để ghi."


def cli_report_saved(label: str, title: str, on: str, out: Path) -> str:
    return f"Đã lưu báo cáo {label} ({title}, số liệu đến ngày {on}): {out}"


# -- demo, remind ---------------------------------------------------------------------------------
CLI_HELP_DEMO = "Trò chuyện với bot ngay trong terminal, trên CSDL tạm nạp sẵn kế hoạch mẫu."
CLI_HELP_DEMO_SCRIPT = "Chạy các dòng của tệp thay vì gõ tay, in hội thoại."
CLI_HELP_DEMO_PLAN = "Tệp kế hoạch để nạp (mặc định: kế hoạch mẫu đi kèm)."


def cli_demo_day(day: str) -> str:
    return f"Ngày giả lập: {day} (đổi bằng --on dd/mm/yyyy)"


CLI_HELP_REMIND = (
    "Quét nhắc việc một lần ngay: ghi hàng đợi rồi gửi qua các kênh đang bật (cho cron)."
)
CLI_HELP_REMIND_DRY_RUN = "Chỉ in các bản nhắc, không ghi và không gửi."

# -- backup, restore ------------------------------------------------------------------------------
CLI_HELP_BACKUP = (
    "Sao lưu toàn bộ dữ liệu ra tệp, an toàn cả khi bot đang chạy (xem docs/backup.md)."
)
CLI_HELP_BACKUP_FILE = "Tệp sao lưu sẽ ghi, ví dụ sao-luu/nhacviec.db."


def cli_backed_up(dialect: str, revision: str | None, size_bytes: int, path: Path) -> str:
    return (
        f"Đã sao lưu ({dialect}, phiên bản dữ liệu {revision}, {size_bytes / 1024:.0f} KB): {path}"
    )


CLI_HELP_RESTORE = (
    "Khôi phục dữ liệu từ tệp sao lưu; THAY toàn bộ dữ liệu hiện tại (hỏi lại trước)."
)
CLI_HELP_RESTORE_FILE = "Tệp sao lưu do nhacviec backup tạo."
CLI_HELP_RESTORE_YES = "Không hỏi lại."


def cli_restored(file: Path, revision: str | None, kept: Path | None) -> str:
    return f"Đã khôi phục từ {file} (phiên bản dữ liệu {revision})." + (
        f" Dữ liệu trước khi khôi phục: {kept}" if kept else ""
    )


# -- run, web, web-link ---------------------------------------------------------------------------
CLI_HELP_RUN = "Chạy bot (Telegram, Zalo) và lịch nhắc việc cho đến khi dừng (Ctrl-C)."
CLI_HELP_LOG_LEVEL = "Mức nhật ký: DEBUG, INFO, WARNING hoặc ERROR (mặc định INFO)."


def cli_bad_log_level(levels: Sequence[str], given: str) -> str:
    return f"--log-level phải là {', '.join(levels)}, không phải {given!r}."


CLI_HELP_WEB = "Chạy riêng trang web (không bot, không nhắc việc) tại [web] listen:port."


def cli_web_address(url: str) -> str:
    return f"Trang web: {url}  (dừng: Ctrl-C)"


def cli_web_port_taken(listen: str, port: int, error: object) -> str:
    return f"Không mở được cổng {listen}:{port}: {error}"


CLI_HELP_WEB_LINK = (
    "In đường dẫn đăng nhập trang web dùng một lần cho cán bộ (ví dụ quản trị đầu tiên)."
)
CLI_HELP_WEB_LINK_OFFICER = "Mã cán bộ, ví dụ CB001."


def cli_web_link(name: str, code: str, expires: str) -> str:
    return f"Đường dẫn đăng nhập cho {name} ({code}), dùng một lần, hết hạn {expires}:"


# -- task add | edit | cancel | reopen | show -----------------------------------------------------
CLI_HELP_TASK = "Thêm, sửa, huỷ, mở lại, xem một nhiệm vụ; mọi thay đổi được ghi lại."
CLI_HELP_TASK_ID = "Số (ID) nhiệm vụ, như trong /tasks."
CLI_HELP_TASK_ADD = "Giao một nhiệm vụ mới (không cần tệp); đơn vị, cán bộ liên quan được báo tin."
CLI_HELP_TASK_UNIT = "Mã đơn vị chủ trì, ví dụ KHTC."
CLI_HELP_TASK_TITLE = "Tên nhiệm vụ."
CLI_HELP_TASK_DEADLINE = "Hạn hoàn thành, dd/mm/yyyy."
CLI_HELP_TASK_AUTHORITY = "Cơ quan giao, ví dụ “UBND tỉnh”."
CLI_HELP_TASK_DOCUMENT = "Số văn bản giao, ví dụ 123/UBND-KT."
CLI_HELP_TASK_OFFICER = "Mã cán bộ thụ lý (thuộc đơn vị chủ trì)."
CLI_HELP_TASK_CO = "Mã đơn vị phối hợp, cách nhau dấu phẩy."
CLI_HELP_TASK_AREA = "Mã lĩnh vực, ví dụ 1."
CLI_HELP_TASK_EDIT = "Sửa một mục của nhiệm vụ; giá trị cũ, mới, người sửa và lý do được ghi lại."
CLI_HELP_TASK_FIELD = (
    "Mục cần sửa: ten, han, donvi, canbo, phoihop, coquan, sovb; nhiệm vụ lặp "
    "lại: handau (hạn lần đầu), laplai (chu kỳ, ví dụ “hàng quý”)."
)
CLI_HELP_TASK_VALUE = "Giá trị mới; “-” để xoá mục không bắt buộc."
CLI_HELP_TASK_EDIT_REASON = "Lý do sửa."
CLI_HELP_TASK_CANCEL = "Huỷ nhiệm vụ: không còn tính vào số liệu của đơn vị; lý do được ghi lại."
CLI_HELP_TASK_CANCEL_REASON = "Lý do huỷ (bắt buộc)."
CLI_HELP_TASK_REOPEN = "Mở lại nhiệm vụ đã huỷ: nhiệm vụ tính lại vào số liệu của đơn vị."
CLI_HELP_TASK_REOPEN_REASON = "Lý do mở lại."
CLI_HELP_TASK_SHOW = "Xem một nhiệm vụ và diễn biến (thay đổi, tiến độ), mới nhất trước."

# -- officer list | show | deactivate | move | role | leave ---------------------------------------
CLI_HELP_OFFICER = (
    "Cán bộ: xem, cho nghỉ, chuyển đơn vị, đổi vai trò, báo vắng; mọi thay đổi được ghi lại."
)
CLI_HELP_OFFICER_CODE = "Mã cán bộ, ví dụ CB009."
CLI_HELP_REASON = "Lý do."
CLI_HELP_OFFICER_LIST = "Danh sách cán bộ: mã, tên, đơn vị, vai trò, số chat đã liên kết."
CLI_HELP_OFFICER_LIST_UNIT = "Chỉ một đơn vị."
CLI_HELP_OFFICER_LIST_ALL = "Cả cán bộ đã ngừng hoạt động."
CLI_HELP_OFFICER_SHOW = (
    "Một cán bộ: đơn vị, vai trò, lịch vắng, nhiệm vụ thụ lý, lịch sử thay đổi."
)
CLI_HELP_DEACTIVATE = "Cán bộ nghỉ (hưu, chuyển đi): bỏ liên kết chat, nhiệm vụ thụ lý về đơn vị."
CLI_HELP_DEACTIVATE_REASON = "Lý do, ví dụ nghỉ hưu."
CLI_HELP_MOVE = "Chuyển cán bộ sang đơn vị khác; hỏi nhiệm vụ thụ lý chuyển theo hay ở lại."
CLI_HELP_MOVE_UNIT = "Mã đơn vị mới, ví dụ KHTC."
CLI_HELP_MOVE_TASKS = "Nhiệm vụ đang thụ lý chuyển theo, hay để lại đơn vị cũ (bắt buộc nếu có)."


def cli_move_which(code: str, named: int) -> str:
    return (
        f"{code} đang thụ lý {named} nhiệm vụ mở: "
        "thêm --with-tasks (chuyển theo) hoặc --keep-tasks (để lại đơn vị cũ)."
    )


def cli_move_ask(code: str, named: int, target: str) -> str:
    return f"{code} đang thụ lý {named} nhiệm vụ mở. Chuyển theo sang {target}?"


CLI_HELP_ROLE = "Đổi vai trò của cán bộ."
CLI_HELP_ROLE_ROLE = "officer, head, tccb, admin, followup hoặc director."
CLI_HELP_LEAVE = (
    "Báo vắng (nghỉ phép, đi học, công tác): người thay nhận nhắc việc và cập nhật thay."
)
CLI_HELP_LEAVE_SPAN = "dd/mm/yyyy-dd/mm/yyyy, ví dụ 03/04/2023-07/04/2023."
CLI_HELP_LEAVE_SUBSTITUTE = "Mã người thay; bỏ trống: trưởng đơn vị nhận thay."
CLI_HELP_LEAVE_CANCEL = "Huỷ lịch vắng hiện tại hoặc sắp tới."

# -- click's and typer's own messages (nhacviec/cli_vi.py installs them) --------------------------
# English message (as click and typer pass it to gettext) → Vietnamese; a missing entry stays
# English.
CLICK_MESSAGES: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Show this message and exit.": "Xem hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Xem phiên bản rồi thoát.",
    "Arguments": "Tham số",
    "Options": "Tuỳ chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số theo vị trí",
    "Error": "Lỗi",
    "Error: {message}": "Lỗi: {message}",
    "Aborted!": "Đã dừng.",
    "Aborted.": "Đã dừng.",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn."
    ),
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tuỳ chọn {name!r}.",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tuỳ chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Invalid value for {param_hint}: {message}": (
        "Giá trị không hợp lệ cho {param_hint}: {message}"
    ),
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tuỳ chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tuỳ chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tuỳ chọn {name!r} cần {nargs} giá trị.",
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các tham số ({args})",
    "Did you mean {possibility}?": "Ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Ý bạn là một trong: {possibilities}?)",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{name} {filename!r} does not exist.": "Không có {name} {filename!r}.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "required": "bắt buộc",
    "[required]": "[bắt buộc]",
    "default: {default}": "mặc định: {default}",
    "[default: {}]": "[mặc định: {}]",
    "env var: {var}": "biến môi trường: {var}",
    "[env var: {}]": "[biến môi trường: {}]",
    "(deprecated) ": "(không dùng nữa) ",
    "deprecated": "không dùng nữa",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận luôn, không hỏi lại.",
}
# typer's vendored click writes these as finished English sentences: (regular expression over
# the English sentence, its Vietnamese replacement with the groups kept).
CLICK_SENTENCES: tuple[tuple[str, str], ...] = (
    (r"Missing option (.+?)\.", r"Thiếu tuỳ chọn \1."),
    (r"Missing argument (.+?)\.", r"Thiếu tham số \1."),
    (r"Missing parameter: (.+)", r"Thiếu tham số: \1"),
    (r"No such option: (.+)", r"Không có tuỳ chọn: \1"),
    (r"Got unexpected extra argument\(s\) \((.+)\)", r"Thừa tham số (\1)"),
    (r"Invalid value for (.+?): ", r"Giá trị không hợp lệ cho \1: "),
    (r"Invalid value: ", r"Giá trị không hợp lệ: "),
    (r"'(.+?)' is not a valid integer\.", r"'\1' không phải số nguyên."),
    (r"'(.+?)' is not a valid float\.", r"'\1' không phải số."),
    (r"'(.+?)' is not one of (.+)\.", r"'\1' không thuộc \2."),
    (r"(?:File|Path|Directory) '(.+?)' does not exist\.", r"Không có '\1'."),
    (r"Did you mean (.+?)\?", r"Ý bạn là \1?"),
)
# The words of a usage line, and the type names typer shows beside each option.
CLICK_USAGE_PREFIX = "Cách dùng: "
CLICK_USAGE_WORDS = {
    "[OPTIONS]": "[TUỲ_CHỌN]",
    "COMMAND [ARGS]...": "LỆNH [THAM_SỐ]...",
}
CLICK_TYPE_NAMES = {
    "<str>": "<chữ>",
    "<path>": "<tệp>",
    "<bool>": "<có/không>",
    "<int>": "<số>",
    "<float>": "<số>",
}
