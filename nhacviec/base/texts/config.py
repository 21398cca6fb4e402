"""What `nhacviec/base/config.py` says when a configuration cannot work: each names the key."""

from __future__ import annotations

from typing import Any

CONFIG_WEEKDAY = "[schedule] weekly_summary_weekday phải từ 0 (thứ Hai) đến 6"
CONFIG_DISPATCH_EVERY = "[schedule] dispatch_every_seconds phải từ 1 trở lên"
CONFIG_THRESHOLDS = "[rules] cần 0 < warning_threshold ≤ fail_threshold ≤ 1, ví dụ 0.20 và 0.30"
CONFIG_EXTENSION_APPROVER = (
    '[approvals] extension_approver phải là "tccb", "head" hoặc "head_then_tccb"'
)
CONFIG_CONFIRM_COMPLETION = '[approvals] confirm_completion phải là "none", "head" hoặc "tccb"'
CONFIG_EVIDENCE_MAX_BYTES = "[evidence] max_bytes phải từ 1 trở lên"
CONFIG_CHANNELS = '[schedule] channels phải là "all" hoặc danh sách như ["telegram", "zalo"]'
CONFIG_TELEGRAM_TOKEN = (
    "[telegram] đã bật nhưng chưa có token: đặt biến môi trường NHACVIEC_TELEGRAM_TOKEN."
)
CONFIG_TELEGRAM_WEBHOOK_URL = (
    "[telegram] mode = webhook cần webhook_url (địa chỉ https công khai)."
)
CONFIG_ZALO_TOKEN = "[zalo] cần token (hoặc biến môi trường NHACVIEC_ZALO_TOKEN)"
CONFIG_ZALO_TOKEN_SHAPE = "[zalo] token sai dạng (có khoảng trắng hoặc / ? #): kiểm tra lại."
CONFIG_ZALO_URL = (
    '[zalo] mode = "webhook" cần url công khai, ví dụ https://nhacviec.example.gov.vn/zalo/webhook'
)
CONFIG_ZALO_SECRET = (
    '[zalo] mode = "webhook" cần secret_token dài 8–256 ký tự '
    "(hoặc biến môi trường NHACVIEC_ZALO_SECRET)"
)


def config_missing(path: object) -> str:
    return f"Không tìm thấy tệp cấu hình {path}"


def config_bad_toml(path: object, problem: object) -> str:
    return f"Tệp cấu hình {path} sai cú pháp TOML: {problem}"


def config_daily_at(text: str) -> str:
    return f"[schedule] daily_at phải có dạng HH:MM, không phải {text!r}"


def config_telegram_mode(mode: str) -> str:
    return f"[telegram] mode phải là polling hoặc webhook, không phải {mode!r}"


def config_zalo_mode(mode: str) -> str:
    return f'[zalo] mode phải là "polling" hoặc "webhook", không phải "{mode}"'


def config_unknown_keys(keys: list[str]) -> str:
    return f"Khóa cấu hình không biết: {', '.join(keys)}"


def config_not_a_section(key: str) -> str:
    return f"[{key}] phải là một mục"


def config_day_list(key: str) -> str:
    return f"{key}: cần danh sách ngày dạng 2024-04-29"


def config_string_list(key: str) -> str:
    return f'{key}: cần danh sách chuỗi, ví dụ ["UBND tỉnh"]'


def config_wrong_type(key: str, value: Any) -> str:
    return f"{key}: giá trị '{value}' sai kiểu"


def config_web_port(port: int) -> str:
    return f"[web] port phải từ 1 đến 65535, không phải {port}"


def config_web_public_url(url: str) -> str:
    return f"[web] public_url phải bắt đầu bằng https:// (hoặc http://), không phải {url!r}"


def config_web_at_least_one(key: str) -> str:
    return f"[web] {key} phải từ 1 trở lên"


def config_quiet_hours(text: str) -> str:
    return (
        f"[schedule] quiet_hours phải có dạng HH:MM-HH:MM (ví dụ 21:00-06:30), không phải {text!r}"
    )
