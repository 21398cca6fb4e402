"""The outbox on real SQLite and PostgreSQL: written before sending, delivered once, retried
with back-off, given up visibly, never sent twice after a restart or a second scan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.messages import Reply
from bot.messenger import DeliveryError
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from scheduler.dispatch import backoff
from storage import outbox as store
from tests.builders import write_xlsx
from tests.conftest import legacy_config, link_chat, load
from tests.reminder_helpers import FakePlatform, reminders_for

MONDAY = date(2023, 4, 3)  # the `clock` fixture's day


def small_app(
    engine: Engine, clock: FixedClock, tmp_path: Path, config: Config | None = None
) -> App:
    built = build_app(config or legacy_config(), clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    return built


@pytest.fixture
def any_app(engine: Engine, clock: FixedClock, tmp_path: Path) -> Iterator[App]:
    """The small plan on SQLite and on PostgreSQL."""
    yield small_app(engine, clock, tmp_path)


def rows(app: App) -> list[Any]:
    return store.outbox_rows(app.engine)


async def test_rows_are_written_before_sending_then_marked_sent(any_app: App) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    link_chat(any_app, "CB03", "telegram", "t-cb03")
    platform = FakePlatform()
    reminders = reminders_for(any_app, platform)

    result = await reminders.scan()
    assert result.written == 2
    written = rows(any_app)
    assert [(r.chat_id, r.state, r.kind, r.day) for r in written] == [
        ("t-cb03", "pending", "digest", MONDAY),
        ("t-cb04", "pending", "digest", MONDAY),
    ]
    assert platform.sent == []  # nothing goes out before its row exists
    assert "⚠️ Quá hạn từ 3 ngày làm việc" in written[0].text  # CB03 heads KHTC
    assert "🔴 Quá hạn:" in written[1].text and "⚠️" not in written[1].text

    report = await reminders.dispatch()
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    delivered = rows(any_app)
    assert [r.state for r in delivered] == ["sent", "sent"]
    # A claim is not an attempt: attempts counts failed sends only.
    assert all(r.message_ids and r.sent_at and r.attempts == 0 for r in delivered)
    assert sorted(c for c, _ in platform.sent) == ["t-cb03", "t-cb04"]
    reply = platform.sent[0][1]
    assert reply.buttons and reply.buttons[0][0].data.startswith("done:")


async def test_second_scan_and_a_restart_send_nothing_twice(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    first = reminders_for(any_app, platform)
    await first.scan_and_dispatch()
    await first.scan_and_dispatch()  # a second scan on the same day
    assert len(platform.sent) == 1

    # A restart: a new app on the same database, as `nhacviec run` would build it.
    restarted = build_app(legacy_config(), clock, any_app.engine)
    link_chat(restarted, "CB06", "telegram", "t-cb06")  # linked after the morning scan
    again = reminders_for(restarted, platform)
    result = await again.scan()
    assert result.written == 1  # only the newly linked chat
    await again.dispatch()
    assert sorted(c for c, _ in platform.sent) == ["t-cb04", "t-cb06"]
    assert len(rows(any_app)) == 2


async def test_retry_with_exponential_back_off_honouring_retry_after(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform(
        failures=[
            DeliveryError("502 Bad Gateway"),
            DeliveryError("429 Too Many Requests", retry_after=30),
        ]
    )
    reminders = reminders_for(any_app, platform)
    await reminders.scan()
    start = clock.now()

    assert (await reminders.dispatch()).retried == 1
    row = rows(any_app)[0]
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "502 Bad Gateway")
    assert store.aware(row.next_attempt_at) == start + timedelta(seconds=2)

    assert (await reminders.dispatch()).handled == 0  # not due yet
    clock.advance(timedelta(seconds=2))
    assert (await reminders.dispatch()).retried == 1
    row = rows(any_app)[0]
    # Back-off would be 4 s; the platform asked for 30.
    assert store.aware(row.next_attempt_at) == clock.now() + timedelta(seconds=30)

    clock.advance(timedelta(seconds=29))
    assert (await reminders.dispatch()).handled == 0
    clock.advance(timedelta(seconds=1))
    assert (await reminders.dispatch()).sent == 1
    row = rows(any_app)[0]
    assert (row.state, row.attempts) == ("sent", 2)  # the two failed sends
    assert len(platform.sent) == 1 and platform.calls == 3


async def test_gives_up_after_max_attempts_leaving_the_row_failed(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    config = Config()
    config.outbox.max_attempts = 3
    app = small_app(engine, clock, tmp_path, config)
    link_chat(app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    platform.always_fail = DeliveryError("503 Service Unavailable")
    reminders = reminders_for(app, platform)
    await reminders.scan()
    for _ in range(10):
        await reminders.dispatch()
        clock.advance(timedelta(seconds=config.outbox.max_delay_seconds))
    row = rows(app)[0]
    assert (row.state, row.attempts, row.last_error) == ("failed", 3, "503 Service Unavailable")
    assert platform.calls == 3


async def test_a_permanent_error_fails_at_once(any_app: App) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform(failures=[DeliveryError("403 bot was blocked", permanent=True)])
    reminders = reminders_for(any_app, platform)
    await reminders.scan()
    assert (await reminders.dispatch()).failed == 1
    row = rows(any_app)[0]
    assert (row.state, row.attempts, row.last_error) == ("failed", 1, "403 bot was blocked")


async def test_a_crashed_senders_row_is_sent_after_the_lease(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform()
    reminders = reminders_for(any_app, platform)
    await reminders.scan()
    # Another process claims the row and dies before sending.
    lease = timedelta(seconds=any_app.config.outbox.lease_seconds)
    claimed = store.claim(any_app.engine, ["telegram"], clock.now(), lease, 10, "dead-sender")
    assert len(claimed) == 1

    assert (await reminders.dispatch()).handled == 0
    clock.advance(lease - timedelta(seconds=1))
    assert (await reminders.dispatch()).handled == 0
    clock.advance(timedelta(seconds=1))
    assert (await reminders.dispatch()).sent == 1
    assert len(platform.sent) == 1
    row = rows(any_app)[0]
    assert (row.state, row.attempts) == ("sent", 0)  # the dead sender's claim is no attempt
    # The dead sender cannot overwrite the outcome later.
    assert not store.mark_failed(any_app.engine, row.id, "dead-sender", "late")


async def test_a_split_digest_resumes_after_the_last_part_sent(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB03", "zalo", "z-cb03")
    platform = FakePlatform("zalo", max_text=300, supports_buttons=False)
    reminders = reminders_for(any_app, platform)
    await reminders.scan()
    parts = len(json.loads(rows(any_app)[0].payload))
    assert parts >= 3
    platform.failures = []
    original = platform.send
    count = {"n": 0}

    async def fail_second_part(chat_id: str, reply: Reply) -> str:
        count["n"] += 1
        if count["n"] == 2:
            raise DeliveryError("timeout")
        return await original(chat_id, reply)

    platform.send = fail_second_part  # type: ignore[method-assign]
    assert (await reminders.dispatch()).retried == 1
    assert rows(any_app)[0].parts_sent == 1
    clock.advance(timedelta(minutes=1))
    assert (await reminders.dispatch()).sent == 1
    texts = platform.texts_to("z-cb03")
    assert len(texts) == parts  # each part exactly once, in order
    assert [t.splitlines()[0].rsplit(" ", 1)[1] for t in texts] == [
        f"({n}/{parts})" for n in range(1, parts + 1)
    ]
    assert all(
        r.commands_hint and r.commands_hint.startswith("Trả lời: /done") for _, r in platform.sent
    )
    assert len(rows(any_app)[0].message_ids.split(",")) == parts


async def test_channels_all_or_first_linked(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app = small_app(engine, clock, tmp_path)
    link_chat(app, "CB04", "telegram", "t-old")
    clock.advance(timedelta(minutes=1))
    link_chat(app, "CB04", "telegram", "t-new")
    link_chat(app, "CB04", "zalo", "z-cb04")
    link_chat(app, "CB06", "telegram", "t-cb06")
    telegram, zalo = FakePlatform(), FakePlatform("zalo", 2000, False)

    await reminders_for(app, telegram, zalo).scan_and_dispatch()
    # "all": one message per channel, to the newest chat linked on it.
    assert sorted(c for c, _ in telegram.sent) == ["t-cb06", "t-new"]
    assert [c for c, _ in zalo.sent] == ["z-cb04"]

    app.config.schedule.channels = ["zalo", "telegram"]
    clock.advance(timedelta(days=1))  # Tuesday
    telegram.sent.clear()
    zalo.sent.clear()
    await reminders_for(app, telegram, zalo).scan_and_dispatch()
    assert [c for c, _ in zalo.sent] == ["z-cb04"]
    assert [c for c, _ in telegram.sent] == ["t-cb06"]  # CB06 has no zalo chat


async def test_rows_for_a_channel_not_enabled_wait_then_expire_the_next_day(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "zalo", "z-cb04")
    telegram = FakePlatform()
    await reminders_for(any_app, telegram).scan_and_dispatch()
    assert [r.state for r in rows(any_app)] == ["pending"]  # zalo is not enabled here

    zalo = FakePlatform("zalo", 2000, False)
    clock.advance(timedelta(days=1))
    report = await reminders_for(any_app, zalo).dispatch()
    # Monday's digest is not delivered on Tuesday: Tuesday's scan supersedes it.
    assert report.expired == 1 and zalo.sent == []
    assert rows(any_app)[0].state == "expired"


async def test_tokens_never_reach_the_last_error(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    config = Config()
    config.telegram.token = "1234567:AAExampleSecretTokenValue_abcdefghij"
    app = small_app(engine, clock, tmp_path, config)
    link_chat(app, "CB04", "telegram", "t-cb04")
    platform = FakePlatform(
        failures=[
            DeliveryError(
                f"POST https://api.telegram.org/bot{config.telegram.token}/sendMessage failed"
            )
        ]
    )
    reminders = reminders_for(app, platform)
    await reminders.scan()
    await reminders.dispatch()
    error = rows(app)[0].last_error
    assert error and "sendMessage" in error and config.telegram.token not in error


async def test_no_rows_on_a_day_off_but_the_scan_is_recorded(
    any_app: App, clock: FixedClock
) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    reminders = reminders_for(any_app, FakePlatform())
    result = await reminders.scan(date(2023, 4, 30))
    assert not result.working_day and result.written == 0
    assert rows(any_app) == []
    assert store.scanned_on(any_app.engine, date(2023, 4, 30))


def test_backoff_doubles_up_to_the_cap() -> None:
    config = Config().outbox
    assert [backoff(n, config) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert backoff(20, config) == config.max_delay_seconds
    assert backoff(1, config, retry_after=45) == 45
    assert backoff(20, config, retry_after=900) == 900


def test_claim_is_exclusive(any_app: App, clock: FixedClock) -> None:
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    link_chat(any_app, "CB06", "telegram", "t-cb06")
    reminders_for(any_app, FakePlatform()).scanner.run()
    lease = timedelta(minutes=5)
    first = store.claim(any_app.engine, ["telegram"], clock.now(), lease, 1, "a")
    second = store.claim(any_app.engine, ["telegram"], clock.now(), lease, 10, "b")
    third = store.claim(any_app.engine, ["telegram"], clock.now(), lease, 10, "c")
    assert len(first) == 1 and len(second) == 1 and third == []
    assert {first[0].id, second[0].id} == {r.id for r in rows(any_app)}


async def test_a_racing_scan_writes_no_second_row(any_app: App, clock: FixedClock) -> None:
    """Two scans computed at once (two instances): the second insert finds every key taken."""
    link_chat(any_app, "CB04", "telegram", "t-cb04")
    link_chat(any_app, "CB06", "zalo", "z-cb06")
    scanner = reminders_for(any_app, FakePlatform()).scanner
    first, second = scanner.compute(), scanner.compute()  # both read before either writes
    with any_app.engine.begin() as conn:
        assert store.write_outbox(conn, [d.row() for d in first.deliveries], clock.now()) == 2
    with any_app.engine.begin() as conn:
        assert store.write_outbox(conn, [d.row() for d in second.deliveries], clock.now()) == 0
    assert len(rows(any_app)) == 2
    # Some rows new, some already there (PostgreSQL: the COPY clashes, the rows go in one by
    # one key): only the new ones are written, in the same transaction as the scan's record.
    link_chat(any_app, "CB03", "telegram", "t-cb03")
    third = scanner.compute()
    with any_app.engine.begin() as conn:
        assert store.write_outbox(conn, [d.row() for d in third.deliveries], clock.now()) == 1
        store.record_scan(conn, MONDAY, clock.now(), clock.now(), 3, 1, "test")
    assert sorted(r.chat_id for r in rows(any_app)) == ["t-cb03", "t-cb04", "z-cb06"]
    assert store.scanned_on(any_app.engine, MONDAY)
