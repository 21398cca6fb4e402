"""Office hours: when nhacviec may start a message.

Pure: given a local time and the working-day calendar, the next moment a message nhacviec
starts (a digest, a catch-up, a retry, a notice, an escalation) may leave. Replies to a person
who just wrote are not asked: they are always sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rules.calendar import WorkingCalendar


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Nothing is started from `start` to `end` (local time; `start` after `end` spans
    midnight), nor on days off when `days_off` is set. `start == end`: no quiet hours."""

    start: time = time(21, 0)
    end: time = time(6, 30)
    days_off: bool = True

    @property
    def spans_midnight(self) -> bool:
        return self.start > self.end

    def quiet_at(self, moment: time) -> bool:
        """Whether the clock time `moment` falls in the quiet hours of a day."""
        if self.start == self.end:
            return False
        if self.spans_midnight:
            return moment >= self.start or moment < self.end
        return self.start <= moment < self.end


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """`21:00-06:30` -> (21:00, 06:30); an empty text: no quiet hours (00:00, 00:00).
    Raises ValueError on anything else."""
    text = text.strip()
    if not text:
        return time(0, 0), time(0, 0)
    first, sep, second = text.partition("-")
    if not sep:
        raise ValueError(text)
    return _clock_time(first), _clock_time(second)


def _clock_time(text: str) -> time:
    hour, minute = (int(p) for p in text.strip().split(":"))
    return time(hour, minute)


def may_send(local: datetime, calendar: WorkingCalendar, quiet: QuietHours) -> bool:
    """Whether a message nhacviec starts may leave at the local time `local`."""
    return next_allowed(local, calendar, quiet) == local


def next_allowed(local: datetime, calendar: WorkingCalendar, quiet: QuietHours) -> datetime:
    """The first moment at or after `local` (an aware local datetime) that is a working day
    (when days off are quiet) and outside the quiet hours: `local` itself when allowed now.

    A night that spans midnight ends at `end` on the next day; a day off moves on to the
    start of the next working day's allowed hours (its `end`, or midnight without quiet
    hours)."""
    moment = local
    for _ in range(400):  # a year of days off at most; the calendar has far fewer
        day = moment.date()
        if quiet.days_off and not calendar.is_working_day(day):
            moment = _day_start(calendar.next_working_day(day), moment, quiet)
            continue
        if not quiet.quiet_at(moment.timetz().replace(tzinfo=None)):
            return moment
        clock = moment.time()
        if quiet.spans_midnight and clock >= quiet.start:
            # The evening: the night ends tomorrow at `end`.
            moment = _at(day + timedelta(days=1), quiet.end, moment)
        else:
            moment = _at(day, quiet.end, moment)
    raise ValueError("no allowed moment within a year")  # pragma: no cover: a broken calendar


def _day_start(day: date, like: datetime, quiet: QuietHours) -> datetime:
    """The first clock time of `day` outside the quiet hours (before any day-off check)."""
    return _at(day, quiet.end if quiet.quiet_at(time(0, 0)) else time(0, 0), like)


def _at(day: date, clock: time, like: datetime) -> datetime:
    """`day` at `clock`, in the time zone of `like`."""
    return datetime.combine(day, clock, tzinfo=like.tzinfo)


def catch_up_at(
    local: datetime,
    daily_at: time,
    scanned_today: bool,
    calendar: WorkingCalendar,
    quiet: QuietHours,
) -> datetime | None:
    """When a process started at `local` should run today's missed scan: never if today is
    a day off, it is before `daily_at` (the schedule runs it) or today's scan is done;
    else now if messages may leave now, or later today at the next allowed moment. A moment
    only tomorrow means none: tomorrow's own scan says what is owed then (a digest is never
    sent late as another day's)."""
    today = local.date()
    if scanned_today or local.time() < daily_at or not calendar.is_working_day(today):
        return None
    moment = next_allowed(local, calendar, quiet)
    return moment if moment.date() == today else None
