"""The composition root: everything nhacviec runs is built here, from the config, and nowhere
else. Each layer below receives what it needs as arguments; none of them builds a neighbour."""

from __future__ import annotations

import secrets as token_source
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.commands import ChatService
from bot.messenger import Messenger
from nhacviec.base.clock import Clock, SystemClock, local_today
from nhacviec.base.config import Config, parse_daily_at, validate
from nhacviec.base.logs import register_secret
from rules.calendar import WorkingCalendar, deadline_shifts
from rules.hours import QuietHours, parse_quiet_hours
from storage import tally
from storage.db import Engine, make_engine, upgrade

if TYPE_CHECKING:
    from bot.adapters.webhook import HttpServer
    from nhacviec.runner import Service
    from scheduler.service import Reminders, ReminderService


@dataclass
class App:
    config: Config
    clock: Clock
    engine: Engine
    calendar: WorkingCalendar
    chat: ChatService
    # Every secret of this process: the log filter masks each of them wherever it appears.
    secrets: list[str] = field(default_factory=list)

    def sync_deadlines(self) -> int:
        """Keep the days off a deadline moves from (and where to) equal to the calendar and
        the config, for every year a plan or today touches; the database moves the tasks'
        effective deadlines along. Run at start and after each import."""
        return sync_deadline_shifts(self.engine, self.calendar, self.config, self.clock)


def config_secrets(config: Config) -> list[str]:
    """The bot tokens and webhook secrets of the config, for masking."""
    values = (
        config.telegram.token,
        config.telegram.secret_token,
        config.zalo.token,
        config.zalo.secret_token,
        config.web.secret_key,
    )
    return [s for s in values if s]


def sync_deadline_shifts(
    engine: Engine, calendar: WorkingCalendar, config: Config, clock: Clock
) -> int:
    """Rows of `deadline_shift` changed: from the year before the first plan (or today) to two
    years after the last; none at all when `[rules] move_deadlines_off_days_off` is off."""
    with engine.begin() as conn:
        shifts = {}
        if config.rules.move_deadlines_off_days_off:
            years = [*tally.plan_years(conn), local_today(clock, config.timezone).year]
            shifts = deadline_shifts(
                calendar, date(min(years) - 1, 1, 1), date(max(years) + 2, 12, 31)
            )
        return tally.sync_deadline_shifts(conn, shifts)


def build_app(
    config: Config,
    clock: Clock | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> App:
    """Wire storage, calendar and chat for `config`; the schema is brought up to date first.
    The config is checked whole before anything is built, whoever calls."""
    validate(config)
    if config.telegram.enabled and config.telegram.mode == "webhook":
        # Telegram echoes the secret we set; a fresh one each run is as good as any.
        config.telegram.secret_token = config.telegram.secret_token or token_source.token_urlsafe(
            32
        )
    secrets = config_secrets(config)
    register_secret(*secrets)
    clock = clock or SystemClock()
    engine = engine or make_engine(config.database.url)
    if migrate:
        upgrade(engine)
    calendar = WorkingCalendar(config.calendar.extra_holidays, config.calendar.extra_working_days)
    chat = ChatService(engine, clock, config, calendar)
    app = App(
        config=config, clock=clock, engine=engine, calendar=calendar, chat=chat, secrets=secrets
    )
    if migrate:
        app.sync_deadlines()
    return app


def _server(servers: dict[tuple[str, int], HttpServer], listen: str, port: int) -> HttpServer:
    """The one HttpServer of `listen`:`port`, made the first time it is asked for."""
    from bot.adapters.webhook import HttpServer

    if (listen, port) not in servers:
        servers[(listen, port)] = HttpServer(listen, port)
    return servers[(listen, port)]


def build_messengers(
    app: App, servers: dict[tuple[str, int], HttpServer] | None = None
) -> tuple[dict[str, Messenger], list[Service]]:
    """The enabled messengers (by channel) and the services that receive their updates: first
    the HTTP servers the webhooks are called on (one per listen address and port, shared by
    Telegram, Zalo and the web page), then the messengers' own services.
    python-telegram-bot and httpx are imported only when their messenger is on."""
    messengers: dict[str, Messenger] = {}
    services: list[Service] = []
    servers = {} if servers is None else servers

    def server(listen: str, port: int) -> HttpServer:
        return _server(servers, listen, port)

    config = app.config
    if config.zalo.enabled:
        from bot.adapters.zalo.service import build_zalo

        zalo_http = (
            server(config.zalo.listen, config.zalo.port) if config.zalo.mode == "webhook" else None
        )
        zalo_messenger, zalo_service = build_zalo(config.zalo, app.chat, http=zalo_http)
        messengers[zalo_messenger.channel] = zalo_messenger
        services.append(zalo_service)

    if config.telegram.enabled:
        from bot.adapters.telegram.service import TelegramService

        telegram_http = (
            server(config.telegram.listen, config.telegram.port)
            if config.telegram.mode == "webhook"
            else None
        )
        # Several instances on PostgreSQL: the one holding the polling lock polls.
        gated = config.telegram.mode == "polling" and app.engine.dialect.name == "postgresql"
        telegram = TelegramService(config.telegram, app.chat, http=telegram_http, poll=not gated)
        messengers[telegram.messenger.channel] = telegram.messenger
        services.append(telegram)
        if gated:
            from nhacviec.runner import PollingLeader

            services.append(
                PollingLeader(
                    telegram, app.engine, config.telegram.token, config.telegram.takeover_seconds
                )
            )
    return messengers, [*servers.values(), *services]


def quiet_hours(config: Config) -> QuietHours:
    """[schedule] quiet_hours and quiet_days_off as the rule of office hours."""
    start, end = parse_quiet_hours(config.schedule.quiet_hours)
    return QuietHours(start, end, config.schedule.quiet_days_off)


def build_reminders(app: App, messengers: Mapping[str, Messenger]) -> Reminders:
    """The daily scan and the outbox dispatcher, delivering through `messengers`."""
    from scheduler.dispatch import Dispatcher
    from scheduler.scan import Scanner
    from scheduler.service import Reminders

    config = app.config
    scanner = Scanner(app.engine, config, app.calendar, app.clock, dict(messengers))
    dispatcher = Dispatcher(
        app.engine,
        app.clock,
        messengers,
        config.outbox,
        config.timezone,
        secrets=app.secrets,
        calendar=app.calendar,
        quiet=quiet_hours(config),
    )
    return Reminders(
        app.engine,
        app.clock,
        app.calendar,
        config.timezone,
        parse_daily_at(config.schedule.daily_at),
        scanner,
        dispatcher,
    )


def build_reminder_service(app: App, messengers: Mapping[str, Messenger]) -> ReminderService:
    """The scheduler that runs the scan daily and the dispatcher every few seconds."""
    from scheduler.service import ReminderService

    return ReminderService(
        build_reminders(app, messengers), app.config.schedule.dispatch_every_seconds
    )


def build_services(app: App) -> list[Service]:
    """Everything `nhacviec run` starts, from the config. The web page ([web] enabled) is
    mounted on the HTTP server of its address and port: the webhooks' own when they match."""
    servers: dict[tuple[str, int], HttpServer] = {}
    messengers, services = build_messengers(app, servers)
    # Reminders run even with no messenger enabled: the outbox is filled for the linked
    # chats and delivered once their messenger is turned on (same day) or by another instance.
    services.append(build_reminder_service(app, messengers))
    if app.config.web.enabled:
        shared = (app.config.web.listen, app.config.web.port) in servers
        web_server = mount_web(app, _server(servers, app.config.web.listen, app.config.web.port))
        if not shared:
            services.insert(0, web_server)
    return services


def mount_web(app: App, server: HttpServer) -> HttpServer:
    """Add the web page's routes to `server`."""
    from nhacviec.web.deps import WebDeps
    from nhacviec.web.routes import setup_web

    setup_web(server.app, WebDeps(engine=app.engine, clock=app.clock, config=app.config))
    return server


def build_web_service(app: App) -> HttpServer:
    """`nhacviec web`: the web page alone on an HTTP server of its own ([web] listen/port)."""
    from bot.adapters.webhook import HttpServer

    return mount_web(app, HttpServer(app.config.web.listen, app.config.web.port))


async def remind(
    app: App, messengers: Mapping[str, Messenger], day: date | None = None, dry_run: bool = False
) -> list[str]:
    """`nhacviec remind`: one scan of `day` now, delivered through `messengers`."""
    from scheduler.remind import remind as remind_now

    return await remind_now(build_reminders(app, messengers), day, dry_run)


def console_reminders(app: App) -> Callable[[Messenger], list[str]]:
    """The console chat's `:remind`: today's scan, delivered to the console it is given."""

    def run(messenger: Messenger) -> list[str]:
        from scheduler.remind import console_remind

        return console_remind(build_reminders(app, {messenger.channel: messenger}))

    return run
