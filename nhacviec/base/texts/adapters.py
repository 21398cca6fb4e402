"""What the messenger adapters say themselves: why a bot could not start, and the console's own
lines (the chat's replies come from `chat`)."""

from __future__ import annotations

# -- Telegram and Zalo: why the bot could not start (never the token) -------------------------
TELEGRAM_TOKEN_REFUSED = (
    "Telegram từ chối token: kiểm tra NHACVIEC_TELEGRAM_TOKEN hoặc [telegram] token."
)
ZALO_TOKEN_REFUSED = "Zalo từ chối token (401): kiểm tra NHACVIEC_ZALO_TOKEN hoặc [zalo] token."


def telegram_unreachable(host: str, error_name: str) -> str:
    return (
        f"Không kết nối được Telegram Bot API ({host}): "
        f"{error_name}. Kiểm tra mạng, proxy hoặc [telegram] base_url."
    )


def telegram_refused(message: str) -> str:
    return f"Telegram từ chối khi khởi động: {message}"


def zalo_unreachable(description: str) -> str:
    return f"Không kết nối được Zalo Bot API ({description}). Kiểm tra mạng hoặc [zalo] base_url."


def zalo_refused(description: str, code: object) -> str:
    return f"Zalo từ chối khi khởi động: {description} ({code})."


# The placeholder of Telegram's answer field, when a reply expects an answer.
TELEGRAM_ANSWER_HERE = "Trả lời tại đây"


# -- the console chat (`nhacviec chat`) --------------------------------------------------------
CONSOLE_NO_REMIND = "Không chạy được nhắc việc trong phiên này."
CONSOLE_PICK_FIRST = "Chọn cán bộ trước, ví dụ @CB001"
CONSOLE_WHO = "Chọn bạn là ai (gõ số hoặc mã cán bộ):"
CONSOLE_BYE = "Tạm biệt!"
CONSOLE_HOW = "Gõ lệnh như trên điện thoại, ví dụ /tasks. @MÃ để đổi người, /quit để thoát."


def console_buttons(labels: list[str]) -> str:
    return f"[nút: {', '.join(labels)}]"


def console_message_to(chat_id: str) -> str:
    return f"── tin nhắn tới {chat_id} ──"


def console_no_officer(code: str) -> str:
    return f"Không có cán bộ mã {code}."


def console_link_code(code: str) -> str:
    return f"(quản trị cấp mã liên kết: {code})"


def console_bad_day(line: str) -> str:
    return f"Ngày không hợp lệ: {line}"


def console_day(moment: object) -> str:
    return f"── ngày {moment:%d/%m/%Y} ──"
