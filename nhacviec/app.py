"""The composition root: everything nhacviec runs is built here from the config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from bot.commands import ChatService
from nhacviec.base.clock import Clock, SystemClock, local_today
from nhacviec.base.config import Config
from rules.calendar import WorkingCalendar, deadline_shifts
from storage import tally
from storage.db import make_engine, upgrade


@dataclass
class App:
    config: Config
    clock: Clock
    engine: Engine
    calendar: WorkingCalendar
    chat: ChatService

    def sync_deadlines(self) -> int:
        """Keep the days off a deadline moves from (and where to) equal to the calendar and
        the config, for every year a plan or today touches; the database moves the tasks'
        effective deadlines along. Run at start and after each import."""
        return sync_deadline_shifts(self.engine, self.calendar, self.config, self.clock)


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
    """Wire storage, calendar and chat for `config`; the schema is brought up to date first."""
    clock = clock or SystemClock()
    engine = engine or make_engine(config.database.url)
    if migrate:
        upgrade(engine)
    calendar = WorkingCalendar(config.calendar.extra_holidays, config.calendar.extra_working_days)
    chat = ChatService(engine, clock, config, calendar)
    app = App(config=config, clock=clock, engine=engine, calendar=calendar, chat=chat)
    if migrate:
        app.sync_deadlines()
    return app
