"""Logging that never prints a bot token or a webhook secret.

httpx logs every request URL at INFO, and a Bot API URL carries the token (`/bot<TOKEN>/`);
python-telegram-bot and httpx exceptions may quote the URL too. Masking is done where every
record is born: a log record factory rewrites each record (message, arguments, traceback) before
any logger, filter or handler sees it, so it holds for every logger and for handlers added later
(a file handler, pytest's caplog). The SecretFilter on the root handlers is a second net.
httpx itself is held at WARNING by `setup_logging`."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

# `<digits>:<secret>` (Telegram; Zalo's `<bot id>:<access token>` has a 19-digit id) and any
# `/bot<TOKEN>/` path segment (Zalo and others).
_TOKEN_PATTERNS = [
    re.compile(r"\d{6,20}:[A-Za-z0-9_-]{20,}"),
    # Lookarounds keep the slashes unconsumed, and `[^/]` skips the host of
    # `https://bot-api.zaloplatforms.com/bot<TOKEN>/`, which also follows a `/bot`.
    re.compile(r"(?:(?<=^/bot)|(?<=[^/]/bot))[^/\s]{8,}(?=/)"),
]

# Every secret registered by the running process (bot tokens, webhook secrets).
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_factory_installed = False


def mask(text: str, secrets: list[str] | None = None) -> str:
    """`text` with every known secret and anything shaped like a bot token replaced."""
    for secret in sorted({*(secrets or []), *_SECRETS}, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    text = _TOKEN_PATTERNS[0].sub("***", text)
    return _TOKEN_PATTERNS[1].sub("***", text)


def register_secret(*secrets: str) -> None:
    """Mask these values in every log record from now on, whoever logs them."""
    with _LOCK:
        _SECRETS.update(s for s in secrets if s)
    install_record_masking()


def mask_record(record: logging.LogRecord, secrets: list[str] | None = None) -> None:
    """Rewrite `record` in place so that no secret is left in what a handler can print."""
    try:
        message = record.getMessage()
    except Exception:
        # A broken format: logging will print msg and args raw when it fails, so mask both.
        record.msg = mask(str(record.msg), secrets)
        if record.args:
            record.args = tuple(mask(repr(a), secrets) for a in _as_tuple(record.args))
        return
    masked = mask(message, secrets)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        masked_exc = mask(record.exc_text, secrets)
        if masked_exc != record.exc_text:
            record.exc_text = masked_exc
            # Some handlers render the exception object themselves; leave them only the text.
            record.exc_info = None
    if record.stack_info:
        record.stack_info = mask(record.stack_info, secrets)


def _as_tuple(args: Any) -> tuple[Any, ...]:
    return args if isinstance(args, tuple) else (args,)


def install_record_masking() -> None:
    """Wrap the log record factory once so every record is masked at creation."""
    global _factory_installed
    with _LOCK:
        if _factory_installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            mask_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True


class SecretFilter(logging.Filter):
    """Rewrites a record's message so no secret reaches any handler."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s]

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record, self.secrets)
        return True


def install_secret_filter(secrets: list[str], logger: logging.Logger | None = None) -> None:
    """Mask `secrets` in every record from any logger, and add a SecretFilter to `logger`'s
    handlers (root by default) as a second net."""
    register_secret(*secrets)
    install_record_masking()
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
