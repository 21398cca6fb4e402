"""Vietnam's working days: Monday to Friday, less public holidays (Tết from the lunisolar
calendar, from the `holidays` package), with the government's yearly swap days from config."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays


class WorkingCalendar:
    """Decides whether a date is a working day in a Vietnamese government office."""

    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_working_days: Iterable[date] = ()
    ) -> None:
        self._extra_holidays = set(extra_holidays)
        self._extra_working = set(extra_working_days)
        self._public = holidays.country_holidays("VN", language="vi")

    def holiday_name(self, day: date) -> str | None:
        if day in self._extra_working:
            return None
        if day in self._extra_holidays:
            return "Ngày nghỉ bù"
        return self._public.get(day)

    def is_working_day(self, day: date) -> bool:
        """Saturdays, Sundays and holidays are off, unless the config makes a day a working
        day (the Saturday worked to bridge a holiday)."""
        if day in self._extra_working:
            return True
        if day in self._extra_holidays or day in self._public:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        """`day` itself if it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The working day `n` working days after (n > 0) or before (n < 0) `day`."""
        step = self.next_working_day if n >= 0 else self.previous_working_day
        for _ in range(abs(n)):
            day = step(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` is after `start`."""
        if end <= start:
            return -self.working_days_between(end, start) if end < start else 0
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
