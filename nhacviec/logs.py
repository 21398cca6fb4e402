"""Logging that never prints a bot token or a webhook secret.

httpx logs every request URL at INFO, and a Bot API URL carries the token (`/bot<TOKEN>/`):
a filter on the root handlers masks tokens in every record, and httpx itself is held at
WARNING."""

from __future__ import annotations

import logging
import re

# `<digits>:<secret>` (Telegram; Zalo's `<bot id>:<access token>` has a 19-digit id) and any
# `/bot<TOKEN>/` path segment (Zalo and others).
_TOKEN_PATTERNS = [
    re.compile(r"\d{6,20}:[A-Za-z0-9_-]{20,}"),
    # Lookarounds keep the slashes unconsumed, and `[^/]` skips the host of
    # `https://bot-api.zaloplatforms.com/bot<TOKEN>/`, which also follows a `/bot`.
    re.compile(r"(?:(?<=^/bot)|(?<=[^/]/bot))[^/\s]{8,}(?=/)"),
]


def mask(text: str, secrets: list[str] | None = None) -> str:
    """`text` with every known secret and anything shaped like a bot token replaced."""
    for secret in secrets or []:
        if secret:
            text = text.replace(secret, "***")
    text = _TOKEN_PATTERNS[0].sub("***", text)
    return _TOKEN_PATTERNS[1].sub("***", text)


class SecretFilter(logging.Filter):
    """Rewrites a record's message so no secret reaches any handler."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message, self.secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_secret_filter(secrets: list[str], logger: logging.Logger | None = None) -> None:
    """Mask `secrets` in every record handled by `logger`'s handlers (root by default)."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, SecretFilter) for f in handler.filters):
            handler.addFilter(SecretFilter(secrets))
        else:
            for f in handler.filters:
                if isinstance(f, SecretFilter):
                    f.secrets = sorted(set(f.secrets) | {s for s in secrets if s})


def setup_logging(level: int = logging.INFO, secrets: list[str] | None = None) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_secret_filter(secrets or [])
