"""rules.hours (the next allowed moment, the catch-up moment) and rules.leave (who stands in),
case by case, with the Vietnamese calendar (Saturday, Sunday, Hùng Kings' day)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from rules.access import Action, Actor, TaskScope, decide_for, decide_leave
from rules.calendar import WorkingCalendar
from rules.hours import QuietHours, catch_up_at, may_send, next_allowed, parse_quiet_hours
from rules.leave import LeaveError, LeaveFacts, check_leave, covered_by, parse_period, stand_ins

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar()
NIGHT = QuietHours()  # 21:00-06:30, days off quiet


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=HCM)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2023, 4, 3, 9, 0), local(2023, 4, 3, 9, 0)),  # Monday morning: now
        (local(2023, 4, 3, 20, 59), local(2023, 4, 3, 20, 59)),
        (local(2023, 4, 3, 21, 0), local(2023, 4, 4, 6, 30)),  # evening: next morning
        (local(2023, 4, 3, 22, 45), local(2023, 4, 4, 6, 30)),
        (local(2023, 4, 4, 0, 10), local(2023, 4, 4, 6, 30)),  # after midnight: same day
        (local(2023, 4, 4, 6, 30), local(2023, 4, 4, 6, 30)),
        (local(2023, 4, 7, 22, 0), local(2023, 4, 10, 6, 30)),  # Friday night: Monday
        (local(2023, 4, 9, 10, 0), local(2023, 4, 10, 6, 30)),  # Sunday: Monday
        # Thursday 27/04/2023 evening: Friday 28/04 is a working day.
        (local(2023, 4, 27, 21, 30), local(2023, 4, 28, 6, 30)),
    ],
)
def test_next_allowed(now: datetime, expected: datetime) -> None:
    assert next_allowed(now, CAL, NIGHT) == expected
    assert may_send(now, CAL, NIGHT) == (now == expected)


def test_holidays_and_settings() -> None:
    # 29/04/2023 (Hùng Kings' day, observed) to 03/05: the first allowed moment is after them.
    moment = next_allowed(local(2023, 4, 28, 21, 0), CAL, NIGHT)
    assert CAL.is_working_day(moment.date()) and moment.time() == time(6, 30)
    assert moment.date() > date(2023, 5, 1)
    # Days off not quiet: Sunday 10:00 is allowed, Sunday 22:00 waits for Monday 06:30.
    nights_only = QuietHours(days_off=False)
    assert next_allowed(local(2023, 4, 9, 10, 0), CAL, nights_only) == local(2023, 4, 9, 10, 0)
    assert next_allowed(local(2023, 4, 9, 22, 0), CAL, nights_only) == local(2023, 4, 10, 6, 30)
    # No quiet hours at all (quiet_hours = "", quiet_days_off = false).
    start, end = parse_quiet_hours("")
    never = QuietHours(start, end, days_off=False)
    assert next_allowed(local(2023, 4, 9, 23, 0), CAL, never) == local(2023, 4, 9, 23, 0)
    # A window inside the day (lunch): ends the same day.
    lunch = QuietHours(time(11, 30), time(13, 30), days_off=False)
    assert next_allowed(local(2023, 4, 3, 12, 0), CAL, lunch) == local(2023, 4, 3, 13, 30)
    assert parse_quiet_hours("22:00-07:00") == (time(22, 0), time(7, 0))
    with pytest.raises(ValueError):
        parse_quiet_hours("22h")


def test_catch_up_moment() -> None:
    at = time(7, 30)
    # Restarted at 22:45 on a working day with no scan: none tonight, tomorrow's scan owes.
    assert catch_up_at(local(2023, 4, 3, 22, 45), at, False, CAL, NIGHT) is None
    assert catch_up_at(local(2023, 4, 3, 10, 15), at, False, CAL, NIGHT) == local(
        2023, 4, 3, 10, 15
    )
    assert catch_up_at(local(2023, 4, 3, 10, 15), at, True, CAL, NIGHT) is None
    assert catch_up_at(local(2023, 4, 3, 7, 0), at, False, CAL, NIGHT) is None
    assert catch_up_at(local(2023, 4, 8, 10, 0), at, False, CAL, NIGHT) is None  # Saturday
    # A scan configured before the quiet hours end runs once they end, the same day.
    assert catch_up_at(local(2023, 4, 3, 5, 30), time(5, 0), False, CAL, NIGHT) == local(
        2023, 4, 3, 6, 30
    )


def test_leave_periods_and_checks() -> None:
    assert parse_period("03/04/2023-07/04/2023") == (date(2023, 4, 3), date(2023, 4, 7))
    assert parse_period("03/04/2023") == (date(2023, 4, 3), date(2023, 4, 3))
    for bad, reason in [
        ("3/4", "bad_period"),
        ("07/04/2023-03/04/2023", "backwards"),
        ("31/02/2023-01/03/2023", "bad_period"),
    ]:
        with pytest.raises(LeaveError) as caught:
            parse_period(bad)
        assert caught.value.reason == reason
    existing = [LeaveFacts(9, date(2023, 4, 3), date(2023, 4, 7))]
    with pytest.raises(LeaveError, match="overlap"):
        check_leave(9, date(2023, 4, 6), date(2023, 4, 10), None, date(2023, 4, 1), existing)
    with pytest.raises(LeaveError, match="self_substitute"):
        check_leave(9, date(2023, 4, 10), date(2023, 4, 11), 9, date(2023, 4, 1))
    with pytest.raises(LeaveError, match="in_past"):
        check_leave(9, date(2023, 3, 1), date(2023, 3, 2), None, date(2023, 4, 1))
    check_leave(9, date(2023, 4, 10), date(2023, 4, 11), 12, date(2023, 4, 1), existing)


def test_who_stands_in() -> None:
    heads = {9: 3, 12: 3, 3: 3, 4: 3}
    leaves = [
        LeaveFacts(9, date(2023, 4, 3), date(2023, 4, 5), substitute_id=12),
        LeaveFacts(4, date(2023, 4, 3), date(2023, 4, 3)),  # no substitute: the head
        LeaveFacts(3, date(2023, 4, 4), date(2023, 4, 4)),  # the head, no substitute
        LeaveFacts(12, date(2023, 4, 5), date(2023, 4, 5), cancelled=True),
    ]
    assert stand_ins(leaves, date(2023, 4, 3), heads) == {9: 12, 4: 3}
    assert stand_ins(leaves, date(2023, 4, 4), heads) == {9: 12, 3: None}
    assert stand_ins(leaves, date(2023, 4, 6), heads) == {}  # the leave ended by itself
    # An absent substitute is passed over for the head.
    away = [*leaves, LeaveFacts(12, date(2023, 4, 5), date(2023, 4, 5))]
    assert stand_ins(away, date(2023, 4, 5), heads) == {9: 3, 12: 3}
    assert covered_by({9: 12, 4: 3}, 3) == [4]


def test_a_substitute_acts_in_the_absent_officers_name() -> None:
    khtc, vp = 2, 3
    substitute = Actor(6, vp, "officer")
    absent = Actor(4, khtc, "officer")
    named = TaskScope.of(khtc, assignee_id=4)
    allowed, behalf = decide_for(substitute, Action.DONE, named, [absent])
    assert allowed and behalf == absent
    allowed, behalf = decide_for(substitute, Action.DONE, named, [])
    assert not allowed and behalf is None
    # Editing is never done on behalf of anyone.
    assert not decide_for(substitute, Action.EDIT, named, [absent])[0]
    # Own unit's task not named to the absent officer: in one's own name.
    own = TaskScope.of(vp)
    assert decide_for(substitute, Action.PROGRESS, own, [absent]) == (
        decide_for(substitute, Action.PROGRESS, own)[0],
        None,
    )
    # Leaves: the officer, their head, TCCB and admin may record one.
    assert decide_leave(absent, 4, khtc, 3)
    assert decide_leave(Actor(3, khtc, "head"), 4, khtc, 3)
    assert not decide_leave(Actor(5, vp, "head"), 4, khtc, 3)
    assert decide_leave(Actor(2, 1, "tccb"), 4, khtc, 3)
    assert not decide_leave(substitute, 4, khtc, 3)
