"""The composition root: everything nhacviec runs is built here from the config."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.commands import ChatService
from nhacviec.base.clock import Clock, SystemClock
from nhacviec.base.config import Config
from nhacviec.web.deps import WebDeps
from rules.calendar import WorkingCalendar
from storage.db import make_engine, upgrade


@dataclass
class App:
    config: Config
    clock: Clock
    engine: Engine
    calendar: WorkingCalendar
    chat: ChatService
    web: WebDeps = None  # type: ignore[assignment]  # made from the rest when not given

    def __post_init__(self) -> None:
        if self.web is None:
            self.web = WebDeps(engine=self.engine, clock=self.clock, config=self.config)


def build_app(
    config: Config,
    clock: Clock | None = None,
    engine: Engine | None = None,
    migrate: bool = True,
) -> App:
    """Wire storage, calendar and chat for `config`; the schema is brought up to date first."""
    clock = clock or SystemClock()
    engine = engine or make_engine(config.database.url)
    if migrate:
        upgrade(engine)
    calendar = WorkingCalendar(config.calendar.extra_holidays, config.calendar.extra_working_days)
    chat = ChatService(engine, clock, config, calendar)
    web = WebDeps(engine=engine, clock=clock, config=config)
    return App(config=config, clock=clock, engine=engine, calendar=calendar, chat=chat, web=web)
