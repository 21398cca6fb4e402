"""Configuration: a TOML file (see config.example.toml) with secrets also from the environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# Data, not a message: criterion 1.6's assigning authorities as plans write them (matched
# folded against a task's "Cơ quan giao"); [rules] criterion_authorities replaces them.
CRITERION_AUTHORITIES = ("Tỉnh ủy", "HĐND tỉnh", "UBND tỉnh")


class ConfigError(NhacviecError, ValueError):
    """The configuration file cannot be used."""

    reason = "config"


@dataclass
class DatabaseConfig:
    url: str = "sqlite:///nhacviec.db"


@dataclass
class RulesConfig:
    fail_threshold: float = 0.30
    warning_threshold: float = 0.20
    due_soon_days: int = 7
    link_code_days: int = 7
    # The plan's goal for the department's PAR index, out of 100 (survey included).
    goal_total: float = 85.0
    # The share of units TCCB inspects at least each year.
    inspection_target: float = 0.30
    # A deadline written on a day off ends on the next working day (Civil Code 2015, art. 148).
    move_deadlines_off_days_off: bool = True
    # The assigning authorities whose tasks count toward the 30% rule; empty: every task.
    counted_authorities: list[str] = field(default_factory=list)
    # Criterion 1.6 of the PAR index: tasks assigned by these authorities.
    criterion_authorities: list[str] = field(default_factory=lambda: [*CRITERION_AUTHORITIES])


@dataclass
class CalendarConfig:
    extra_holidays: list[date] = field(default_factory=list)
    extra_working_days: list[date] = field(default_factory=list)


@dataclass
class ScheduleConfig:
    daily_at: str = "07:30"
    lead_days: list[int] = field(default_factory=lambda: [7, 3, 1])
    escalate_after_days: int = 3
    weekly_summary_weekday: int = 0
    # "all": the digest goes to every channel an officer linked; a list such as
    # ["telegram", "zalo"]: only to the first of them the officer linked.
    channels: str | list[str] = "all"
    dispatch_every_seconds: int = 30
    # Office hours: no message nhacviec starts (digest, catch-up, retry, notice) leaves from
    # the first time to the second ("" for none), nor on days off when quiet_days_off is set.
    quiet_hours: str = "21:00-06:30"
    quiet_days_off: bool = True


@dataclass
class OutboxConfig:
    max_attempts: int = 8
    base_delay_seconds: float = 2.0
    max_delay_seconds: float = 600.0
    # A row left `sending` longer than this (its sender crashed) is claimed again; the
    # dispatching instance renews its leases three times per lease, and another instance takes
    # over dispatching this long after it died.
    lease_seconds: float = 30.0


@dataclass
class TelegramConfig:
    enabled: bool = False
    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    mode: str = "polling"
    webhook_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str = ""
    # Seconds to connect to, write to and hear back from the Bot API before a call is retried.
    timeout_seconds: float = 5.0
    # Several instances on PostgreSQL in polling mode: one polls, the others try to take over
    # this often (so within this many seconds of its death).
    takeover_seconds: float = 15.0


@dataclass
class ZaloConfig:
    enabled: bool = False
    token: str = ""
    base_url: str = "https://bot-api.zaloplatforms.com/bot"
    mode: str = "polling"
    url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8444
    secret_token: str = ""


@dataclass
class ApprovalsConfig:
    """Who approves extensions and confirms completions (docs/extensions-and-confirmation.md)."""

    # "tccb", "head", or "head_then_tccb" (the unit head, then TCCB).
    extension_approver: str = "tccb"
    # "none" (a /done counts at once), "head" (the unit head confirms) or "tccb".
    confirm_completion: str = "head"
    # A head's own /done waits for TCCB's confirmation (only with confirm_completion = "head").
    head_done_needs_tccb: bool = False
    # Finishing after the original deadline but within an approved extension counts as late.
    extension_counts_late: bool = False


@dataclass
class EvidenceConfig:
    """Where the photos and files attached to tasks are kept, and what is accepted."""

    folder: str = "evidence"
    max_bytes: int = 10 * 1024 * 1024
    types: list[str] = field(
        default_factory=lambda: [
            "image/jpeg",
            "image/png",
            "image/webp",
            "application/pdf",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ]
    )


@dataclass
class WebConfig:
    # Served by `nhacviec run` when enabled, and by `nhacviec web` always.
    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = 8080
    # The address officers open (behind the reverse proxy): sign-in links start with it; an
    # https address makes the session cookie Secure. Empty: http://LISTEN:PORT.
    public_url: str = ""
    # Signs the sign-in links; empty: a key made once and kept in the database.
    secret_key: str = ""
    session_hours: int = 12
    link_minutes: int = 10
    links_per_hour: int = 5

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.listen}:{self.port}").rstrip("/")


@dataclass
class Config:
    timezone: str = DEFAULT_TIMEZONE
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    zalo: ZaloConfig = field(default_factory=ZaloConfig)
    approvals: ApprovalsConfig = field(default_factory=ApprovalsConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)
    web: WebConfig = field(default_factory=WebConfig)


# Environment variables that override keys of the file (secrets belong here, not in the file).
ENV_OVERRIDES = {
    "NHACVIEC_DATABASE_URL": ("database", "url"),
    "NHACVIEC_TELEGRAM_TOKEN": ("telegram", "token"),
    "NHACVIEC_TELEGRAM_SECRET": ("telegram", "secret_token"),
    "NHACVIEC_ZALO_TOKEN": ("zalo", "token"),
    "NHACVIEC_ZALO_SECRET": ("zalo", "secret_token"),
    "NHACVIEC_WEB_SECRET": ("web", "secret_key"),
}


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read the file at `path` (or $NHACVIEC_CONFIG); with neither, the defaults serve."""
    env = dict(os.environ) if env is None else env
    path = path or env.get("NHACVIEC_CONFIG")
    raw: dict[str, Any] = {}
    if path:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(texts.config_missing(path)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(texts.config_bad_toml(path, exc)) from exc
    config = _build(Config, raw, "")
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            setattr(getattr(config, section), key, env[var])
    validate(config)
    return config


def validate(config: Config) -> None:
    """Refuse, in Vietnamese and naming the key, any setting that cannot work: every command
    checks the whole config the same way before it does anything."""
    parse_daily_at(config.schedule.daily_at)
    check_preference(config.schedule.channels)
    check_quiet_hours(config.schedule.quiet_hours)
    if not 0 <= config.schedule.weekly_summary_weekday <= 6:
        raise ConfigError(texts.CONFIG_WEEKDAY)
    if config.schedule.dispatch_every_seconds < 1:
        raise ConfigError(texts.CONFIG_DISPATCH_EVERY)
    if not 0 < config.rules.warning_threshold <= config.rules.fail_threshold <= 1:
        raise ConfigError(texts.CONFIG_THRESHOLDS)
    approvals = config.approvals
    if approvals.extension_approver not in ("tccb", "head", "head_then_tccb"):
        raise ConfigError(texts.CONFIG_EXTENSION_APPROVER)
    if approvals.confirm_completion not in ("none", "head", "tccb"):
        raise ConfigError(texts.CONFIG_CONFIRM_COMPLETION)
    if config.evidence.max_bytes < 1:
        raise ConfigError(texts.CONFIG_EVIDENCE_MAX_BYTES)
    if config.telegram.enabled:
        check_telegram(config.telegram)
    if config.zalo.enabled:
        check_zalo(config.zalo)
    check_web(config.web)


def check_web(config: WebConfig) -> None:
    """Refuse, in Vietnamese, a [web] section that cannot work."""
    if not 1 <= config.port <= 65535:
        raise ConfigError(texts.config_web_port(config.port))
    if config.public_url and not config.public_url.startswith(("http://", "https://")):
        raise ConfigError(texts.config_web_public_url(config.public_url))
    for key in ("session_hours", "link_minutes", "links_per_hour"):
        if getattr(config, key) < 1:
            raise ConfigError(texts.config_web_at_least_one(key))


def parse_daily_at(text: str) -> time:
    """`07:30` -> 07:30; anything else is a configuration error."""
    try:
        hour, minute = (int(p) for p in text.strip().split(":"))
        return time(hour, minute)
    except ValueError as exc:
        raise ConfigError(texts.config_daily_at(text)) from exc


def check_quiet_hours(text: str) -> None:
    """`21:00-06:30`, or "" for no quiet hours."""
    if not text.strip():
        return
    first, sep, second = text.partition("-")
    try:
        if not sep:
            raise ValueError(text)
        for part in (first, second):
            hour, minute = (int(p) for p in part.strip().split(":"))
            time(hour, minute)
    except ValueError as exc:
        raise ConfigError(texts.config_quiet_hours(text)) from exc


def check_preference(value: Any) -> str | list[str]:
    """[schedule] channels: "all", or the channels in order of preference."""
    if value == "all":
        return "all"
    if isinstance(value, list) and value and all(isinstance(c, str) for c in value):
        return value
    raise ConfigError(texts.CONFIG_CHANNELS)


def check_telegram(config: TelegramConfig) -> None:
    """Refuse, in Vietnamese, a [telegram] section that cannot work."""
    if not config.token:
        raise ConfigError(texts.CONFIG_TELEGRAM_TOKEN)
    if config.mode not in ("polling", "webhook"):
        raise ConfigError(texts.config_telegram_mode(config.mode))
    if config.mode == "webhook" and not config.webhook_url:
        raise ConfigError(texts.CONFIG_TELEGRAM_WEBHOOK_URL)


def check_zalo(config: ZaloConfig) -> None:
    """Refuse a [zalo] section that cannot work, saying what to fix."""
    if not config.token:
        raise ConfigError(texts.CONFIG_ZALO_TOKEN)
    if any(c in config.token for c in "/ \t\r\n?#"):
        raise ConfigError(texts.CONFIG_ZALO_TOKEN_SHAPE)
    if config.mode not in ("polling", "webhook"):
        raise ConfigError(texts.config_zalo_mode(config.mode))
    if config.mode == "webhook":
        parts = urlsplit(config.url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ConfigError(texts.CONFIG_ZALO_URL)
        # The platform takes a secret of 8 to 256 characters (setWebhook, Zalo Bot API docs).
        if not 8 <= len(config.secret_token) <= 256:
            raise ConfigError(texts.CONFIG_ZALO_SECRET)


def _build(cls: type, raw: dict[str, Any], where: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(texts.config_unknown_keys([where + k for k in sorted(unknown)]))
    values: dict[str, Any] = {}
    for name, value in raw.items():
        hint = hints[name]
        if is_dataclass(hint):
            if not isinstance(value, dict):
                raise ConfigError(texts.config_not_a_section(where + name))
            values[name] = _build(hint, value, f"{where}{name}.")  # type: ignore[arg-type]
        else:
            values[name] = _coerce(value, hint, where + name)
    return cls(**values)


def _coerce(value: Any, hint: Any, key: str) -> Any:
    if hint == list[date]:
        try:
            return [v if isinstance(v, date) else date.fromisoformat(str(v)) for v in value]
        except (TypeError, ValueError) as exc:
            raise ConfigError(texts.config_day_list(key)) from exc
    if hint == list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(texts.config_string_list(key))
        return value
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    expected = {
        str: str,
        int: int,
        bool: bool,
        float: float,
        list[int]: list,
        list[str]: list,
    }.get(hint)
    if expected is not None and not isinstance(value, expected):
        raise ConfigError(texts.config_wrong_type(key, value))
    return value
