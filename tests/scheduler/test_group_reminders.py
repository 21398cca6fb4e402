"""Reminders to unit group chats on real SQLite and PostgreSQL: a linked group gets its unit's
digest once per working day through the outbox (written before sending, delivered once,
retried like an officer's), and nothing when it is unlinked or its unit owes nothing."""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Incoming, Reply
from bot.messenger import DeliveryError
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from storage import outbox as store
from storage import repo
from storage.db import session_scope
from storage.models import UnitGroupChat
from tests.builders import small_sheets, write_xlsx
from tests.conftest import legacy_config, link_chat, load
from tests.reminder_helpers import FakePlatform, reminders_for, set_local

GROUP = "-1001234567890"
MONDAY = date(2023, 4, 3)  # the `clock` fixture's day
KHTC_NAME = "Phòng Kế hoạch - Tài chính"


def small_app(
    engine: Engine,
    clock: FixedClock,
    tmp_path: Path,
    sheets: dict[str, list[list[Any]]] | None = None,
) -> App:
    built = build_app(legacy_config(), clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx", sheets))
    return built


@pytest.fixture
def any_app(engine: Engine, clock: FixedClock, tmp_path: Path) -> App:
    """The small plan on SQLite and on PostgreSQL."""
    return small_app(engine, clock, tmp_path)


def link_group(app: App, unit_code: str, chat: str = GROUP, channel: str = "telegram") -> None:
    """What a unit does: `nhacviec invite --unit`, then `/start CODE` typed in the group."""
    with session_scope(app.engine) as session:
        unit = repo.unit_by_code(session, unit_code)
        assert unit is not None
        code = repo.new_group_code(session, unit, app.clock.now(), 7).code
    message = Incoming(channel, chat, f"/start {code}", is_group=True, sender_id="501")
    assert app.chat.handle(message)[0].text.startswith("Đã liên kết nhóm này")


def unit_id(app: App, code: str) -> int:
    with session_scope(app.engine) as session:
        unit = repo.unit_by_code(session, code)
        assert unit is not None and unit.id is not None
        return unit.id


def group_rows(app: App) -> list[Any]:
    return [r for r in store.outbox_rows(app.engine) if r.unit_id is not None]


def at(clock: FixedClock, app: App, day: date, hour: int = 7, minute: int = 30) -> None:
    set_local(clock, app.config, datetime(day.year, day.month, day.day, hour, minute))


async def test_a_linked_group_gets_its_units_digest_once_per_working_day(
    any_app: App, clock: FixedClock
) -> None:
    app = any_app
    link_chat(app, "CB04", "telegram", "t-cb04")  # officer of KHTC
    link_chat(app, "CB03", "telegram", "t-cb03")  # head of KHTC
    link_group(app, "KHTC")
    platform = FakePlatform()
    reminders = reminders_for(app, platform)
    received: dict[tuple[date, str], list[Reply]] = defaultdict(list)
    days = [MONDAY + timedelta(days=n) for n in range(14)]
    for day in days:
        at(clock, app, day)
        await reminders.scan_and_dispatch()
        at(clock, app, day, 15)
        await reminders.scan_and_dispatch()  # a second scan the same afternoon
        for chat, reply in platform.sent:
            received[(day, chat)].append(reply)
        platform.sent.clear()

    working = [d for d in days if app.calendar.is_working_day(d)]
    assert len(working) == 10 and date(2023, 4, 8) not in working
    assert {d for d, chat in received if chat == GROUP} == set(working)
    assert not {d for d, _ in received} - set(working)  # nothing to anyone on a day off
    for day in working:
        [group] = received[(day, GROUP)]
        [officer] = received[(day, "t-cb04")]
        [head] = received[(day, "t-cb03")]
        assert group.text.splitlines()[0] == f"🔔 Nhắc việc ngày {day:%d/%m/%Y} – {KHTC_NAME}"
        # Exactly the officers' digest, buttons included; not the head's escalation.
        assert (group.text, group.buttons) == (officer.text, officer.buttons)
        assert "⚠️" in head.text and "⚠️" not in group.text
        assert "🔴 Quá hạn:" in group.text
    rows = group_rows(app)
    khtc = unit_id(app, "KHTC")
    assert [(r.day, r.kind, r.unit_id, r.officer_id, r.chat_id, r.state) for r in rows] == [
        (day, "group", khtc, None, GROUP, "sent") for day in working
    ]


async def test_nothing_twice_after_a_second_scan_a_restart_or_a_second_instance(
    any_app: App, clock: FixedClock
) -> None:
    app = any_app
    link_group(app, "KHTC")
    platform = FakePlatform()
    first = reminders_for(app, platform)
    result = await first.scan()
    assert (result.written, len(result.groups), result.group_chats) == (1, 1, 1)
    assert platform.sent == []  # the row exists before anything is sent
    [row] = group_rows(app)
    assert row.state == "pending" and row.text.startswith("🔔 Nhắc việc ngày 03/04/2023")
    await first.dispatch()
    again = await first.scan()
    assert (again.written, again.already, again.group_deliveries) == (0, 1, [])

    # A restart: a new app on the same database; a group linked since gets its digest.
    restarted = build_app(legacy_config(), clock, app.engine)
    link_group(restarted, "VP", chat="-100777")
    later = reminders_for(restarted, platform)
    result = await later.scan()
    assert result.written == 1 and [d.chat_id for d in result.group_deliveries] == ["-100777"]
    await later.dispatch()
    assert sorted(chat for chat, _ in platform.sent) == sorted([GROUP, "-100777"])

    # Two instances computing at once: the second insert finds every group key taken.
    tuesday = MONDAY + timedelta(days=1)
    at(clock, app, tuesday)
    scanner = later.scanner
    one, two = scanner.compute(tuesday), scanner.compute(tuesday)
    assert len(one.group_deliveries) == 2
    with app.engine.begin() as conn:
        assert store.write_outbox(conn, [d.row() for d in one.group_deliveries], clock.now()) == 2
    with app.engine.begin() as conn:
        assert store.write_outbox(conn, [d.row() for d in two.group_deliveries], clock.now()) == 0
    await later.dispatch()
    assert len(platform.sent) == 4
    assert len(group_rows(app)) == 4


async def test_a_group_whose_unit_owes_nothing_gets_nothing(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    sheets = copy.deepcopy(small_sheets())
    # TTKN: a unit with no task; CCTL: a unit with no officer, one task due today.
    sheets["Đơn vị"] += [["TTKN", "Trung tâm Khuyến nông", ""], ["CCTL", "Chi cục Thủy lợi", ""]]
    sheets["Nhiệm vụ"].append(
        ["NV-06", "Rà soát thủ tục thủy lợi", "1", "CCTL", "", "Giám đốc Sở", "03/04/2023", "", ""]
    )
    app = small_app(engine, clock, tmp_path, sheets)
    link_group(app, "TTKN", chat="-100111")
    link_group(app, "CCTL", chat="-100222")
    platform = FakePlatform()
    result = await reminders_for(app, platform).scan_and_dispatch()
    assert result.sent == 1
    assert [chat for chat, _ in platform.sent] == ["-100222"]
    text = platform.sent[0][1].text
    assert text.startswith("🔔 Nhắc việc ngày 03/04/2023 – Chi cục Thủy lợi")
    assert "🟠 Đến hạn hôm nay:" in text and "Rà soát thủ tục thủy lợi" in text
    assert [r.unit_id for r in group_rows(app)] == [unit_id(app, "CCTL")]


async def test_an_unlinked_group_gets_nothing_and_a_moved_group_gets_its_new_unit(
    any_app: App, clock: FixedClock
) -> None:
    app = any_app
    link_group(app, "KHTC")
    link_group(app, "KHTC", chat="-100555")
    with session_scope(app.engine) as session:  # the admin removes one group's link
        gone = session.exec(select(UnitGroupChat).where(UnitGroupChat.chat_id == GROUP)).one()
        session.delete(gone)
    platform = FakePlatform()
    reminders = reminders_for(app, platform)
    await reminders.scan_and_dispatch()
    assert [chat for chat, _ in platform.sent] == ["-100555"]

    # The next day the remaining group is relinked to VP: VP's digest, not KHTC's.
    at(clock, app, MONDAY + timedelta(days=1))
    link_group(app, "VP", chat="-100555")
    platform.sent.clear()
    await reminders.scan_and_dispatch()
    [(chat, reply)] = platform.sent
    assert chat == "-100555"
    assert reply.text.startswith("🔔 Nhắc việc ngày 04/04/2023 – Văn phòng Sở")
    assert [r.unit_id for r in group_rows(app)] == [unit_id(app, "KHTC"), unit_id(app, "VP")]


async def test_group_rows_are_retried_with_back_off_and_given_up_like_officers(
    any_app: App, clock: FixedClock
) -> None:
    app = any_app
    link_group(app, "KHTC")
    link_group(app, "VP", chat="-100777")
    platform = FakePlatform(
        failures=[DeliveryError("429 Too Many Requests", retry_after=30), DeliveryError("502")]
    )
    reminders = reminders_for(app, platform)
    await reminders.scan()
    start = clock.now()
    report = await reminders.dispatch()
    assert report.retried == 2 and platform.sent == []
    # The two rows are sent concurrently: whichever got the 429 waits its retry_after.
    by_error = {r.last_error: r for r in group_rows(app)}
    assert store.aware(by_error["429 Too Many Requests"].next_attempt_at) == start + timedelta(
        seconds=30
    )
    assert store.aware(by_error["502"].next_attempt_at) == start + timedelta(seconds=2)
    clock.advance(timedelta(seconds=2))
    assert (await reminders.dispatch()).sent == 1
    clock.advance(timedelta(seconds=28))
    assert (await reminders.dispatch()).sent == 1
    assert sorted(c for c, _ in platform.sent) == sorted([GROUP, "-100777"])
    assert {(r.state, r.attempts) for r in group_rows(app)} == {("sent", 1)}  # one failed send

    # A group that removed the bot: a permanent error, given up at once, visibly.
    at(clock, app, MONDAY + timedelta(days=1))
    platform.failures = [DeliveryError("403 bot was kicked from the group", permanent=True)]
    await reminders.scan()
    report = await reminders.dispatch()
    assert (report.failed, report.sent) == (1, 1)
    failed = [r for r in group_rows(app) if r.state == "failed"]
    assert [(r.attempts, r.last_error) for r in failed] == [
        (1, "403 bot was kicked from the group")
    ]


async def test_groups_follow_the_channels_setting_and_read_well_without_buttons(
    any_app: App, clock: FixedClock
) -> None:
    app = any_app
    link_group(app, "KHTC")  # a Telegram group
    link_group(app, "KHTC", chat="zg-1", channel="zalo")  # and a Zalo group of the same unit
    telegram, zalo = FakePlatform(), FakePlatform("zalo", 2000, supports_buttons=False)
    app.config.schedule.channels = ["zalo"]  # only Zalo is used for reminders
    await reminders_for(app, telegram, zalo).scan_and_dispatch()
    assert telegram.sent == []
    [(chat, reply)] = zalo.sent
    assert chat == "zg-1" and reply.buttons == []
    assert reply.commands_hint and reply.commands_hint.startswith("Trả lời: /done")

    app.config.schedule.channels = "all"
    at(clock, app, MONDAY + timedelta(days=1))
    zalo.sent.clear()
    await reminders_for(app, telegram, zalo).scan_and_dispatch()
    assert [c for c, _ in telegram.sent] == [GROUP] and [c for c, _ in zalo.sent] == ["zg-1"]
    assert telegram.sent[0][1].buttons


async def test_a_month_of_the_example_plan_across_tet(example_app: App, clock: FixedClock) -> None:
    """KHTC's group reads exactly what its officer CB009 reads, each day of 16/01–10/02/2023
    (Tết 20/01–26/01 off): only on working days, and every working day something is owed."""
    app = example_app
    link_chat(app, "CB009", "telegram", "cb009")
    link_chat(app, "CB008", "telegram", "cb008")  # head of KHTC
    link_group(app, "KHTC")
    platform = FakePlatform()
    reminders = reminders_for(app, platform)
    days = [date(2023, 1, 16) + timedelta(days=n) for n in range(26)]
    group_days = []
    for day in days:
        at(clock, app, day)
        await reminders.scan_and_dispatch()
        group = [r.text for c, r in platform.sent if c == GROUP]
        officer = [r.text for c, r in platform.sent if c == "cb009"]
        assert group == officer, day
        if group:
            group_days.append(day)
        platform.sent.clear()
    assert all(app.calendar.is_working_day(d) for d in group_days)
    # The first working day after Tết, and from February (something overdue) every one.
    assert date(2023, 1, 27) in group_days
    assert [d for d in group_days if d.month == 2] == [
        d for d in days if d.month == 2 and app.calendar.is_working_day(d)
    ]


async def test_a_group_that_changed_its_id_keeps_the_days_row(
    any_app: App, clock: FixedClock
) -> None:
    """A group upgraded after the morning scan: the link and the day's row follow it, so a
    later scan writes no second row; a day that already has one under the new id keeps both."""
    app = any_app
    link_group(app, "KHTC", chat="-4001")
    platform = FakePlatform()
    reminders = reminders_for(app, platform)
    await reminders.scan_and_dispatch()
    at(clock, app, MONDAY + timedelta(days=1))
    await reminders.scan()  # Tuesday's row, still waiting
    with session_scope(app.engine) as session:
        assert repo.move_group_chat(session, "telegram", "-4001", GROUP)
    result = await reminders.scan()
    assert (result.written, result.already) == (0, 1)
    await reminders.dispatch()
    assert [c for c, _ in platform.sent] == ["-4001", GROUP]
    assert [(r.day, r.chat_id) for r in group_rows(app)] == [
        (MONDAY, GROUP),
        (MONDAY + timedelta(days=1), GROUP),
    ]
    # The old id's row stays where the new id already has that day's row (no clash).
    with app.engine.begin() as conn:
        extra = {**group_rows(app)[0]._mapping, "chat_id": "-4002"}
        extra.pop("id")
        conn.execute(store.OUTBOX.insert().values(**extra))
        assert store.move_group_rows(conn, "telegram", "-4002", GROUP) == 0
        assert store.move_group_rows(conn, "telegram", GROUP, "-4003") == 2
    assert sorted(r.chat_id for r in group_rows(app)) == ["-4002", "-4003", "-4003"]
