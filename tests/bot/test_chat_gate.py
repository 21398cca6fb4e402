"""Who is answered: strangers once a minute, unlinked groups once, groups only for their own
unit's officers, link codes throttled per chat. Through ChatService on real SQLite."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.messages import Incoming
from nhacviec.app import App
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from storage import repo
from storage.db import session_scope
from tests.conftest import link_chat

GROUP = "-100777"


def ask(app: App, chat: str, text: str, sender: str | None = None) -> list[str]:
    message = Incoming(
        "telegram", chat, text, is_group=chat.startswith("-"), sender_id=sender or chat
    )
    return [r.text for r in app.chat.handle(message)]


def advance(app: App, seconds: float) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(seconds=seconds))


def link_group(app: App, unit_code: str, by: str) -> None:
    with session_scope(app.engine) as session:
        unit = repo.unit_by_code(session, unit_code)
        assert unit is not None
        code = repo.new_group_code(session, unit, app.clock.now(), 7).code
    assert ask(app, GROUP, f"/start {code}", by)[0].startswith("Đã liên kết nhóm")


def invite(app: App, officer_code: str) -> str:
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, officer_code)
        assert officer is not None
        return repo.new_link_code(session, officer, app.clock.now(), 7).code


def test_a_stranger_is_answered_at_most_once_a_minute(app: App) -> None:
    assert ask(app, "999", "/help") == [texts.HELP_UNLINKED]
    for text in ("/help", "/tasks", "xin chào", "/done 1"):
        assert ask(app, "999", text) == []
    advance(app, 59)
    assert ask(app, "999", "/tasks") == []
    advance(app, 2)
    assert ask(app, "999", "/tasks") == [texts.NOT_LINKED]
    # Another stranger has a minute of their own; a linked officer is never held back.
    assert ask(app, "998", "/help") == [texts.HELP_UNLINKED]
    link_chat(app, "CB04", "telegram", "501")
    for _ in range(5):
        assert ask(app, "501", "/help")[0].startswith("Các lệnh")


def test_a_stranger_may_still_link_within_the_minute(app: App) -> None:
    assert ask(app, "999", "/help") == [texts.HELP_UNLINKED]
    [linked] = ask(app, "999", f"/start {invite(app, 'CB04')}")
    assert linked.startswith("Đã liên kết: Phạm Thị Lan")
    assert ask(app, "999", "/help")[0].startswith("Các lệnh")


def test_an_unlinked_group_gets_one_explanation_then_nothing(app: App) -> None:
    link_chat(app, "CB02", "telegram", "701")  # TCCB
    link_chat(app, "CB04", "telegram", "501")  # KHTC
    assert ask(app, GROUP, "/status", "701") == [texts.GROUP_NOT_LINKED]
    for _ in range(100):
        assert ask(app, GROUP, "/help", "999") == []
    for text in ("/status", "/tasks", "/areas", "/report 2023", "/done 1"):
        assert ask(app, GROUP, text, "701") == []
        assert ask(app, GROUP, text, "501") == []
    # The unit's group code still links it; then its own officers are answered there.
    link_group(app, "KHTC", "501")
    [tasks] = ask(app, GROUP, "/tasks", "501")
    assert tasks.startswith("📋 Phòng Kế hoạch - Tài chính")


def test_a_unit_group_serves_only_that_units_officers(app: App) -> None:
    link_chat(app, "CB02", "telegram", "701")  # TCCB
    link_chat(app, "CB06", "telegram", "601")  # VP
    link_chat(app, "CB04", "telegram", "501")  # KHTC
    link_group(app, "KHTC", "501")
    other = texts.GROUP_OTHER_UNIT.format(unit="Phòng Kế hoạch - Tài chính")
    # Neither the department's figures nor another unit's tasks are printed in it.
    assert ask(app, GROUP, "/status", "701") == [other]
    assert ask(app, GROUP, "/areas", "701") == [other]
    assert ask(app, GROUP, "/tasks", "601") == [other]
    assert ask(app, GROUP, "/help", "601")[0].startswith("Các lệnh")
    # A button under a KHTC message pressed by a VP officer is refused too.
    reply = app.chat.press("telegram", GROUP, "done:1", "601")
    assert reply.text == other and not reply.changed
    assert ask(app, GROUP, "/tasks", "501")[0].startswith("📋 Phòng Kế hoạch - Tài chính")


def test_a_button_in_an_unlinked_group_acts_for_nobody(app: App) -> None:
    link_chat(app, "CB04", "telegram", "501")
    reply = app.chat.press("telegram", GROUP, "done:1", "501")
    assert reply.text == texts.GROUP_NOT_LINKED and not reply.changed


def test_five_wrong_link_codes_lock_the_chat_for_ten_minutes(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.commands")
    for n in range(4):
        assert ask(app, "999", f"/start WRONG{n:03d}") == [texts.LINK_ERRORS["unknown"]]
    assert ask(app, "999", "/start WRONG004") == [texts.link_locked(600)]
    good = invite(app, "CB04")
    # Locked: even the right code is refused, and told at most once a minute.
    assert ask(app, "999", f"/start {good}") == []
    advance(app, 61)
    assert ask(app, "999", f"/start {good}") == [texts.link_locked(600 - 61)]
    assert "9 phút" in texts.link_locked(600 - 61)
    for n in range(50):
        assert ask(app, "999", f"/start AGAIN{n:03d}") == []
    # Another chat is not locked.
    assert ask(app, "998", "/start WRONG999") == [texts.LINK_ERRORS["unknown"]]
    advance(app, 540)
    assert ask(app, "999", f"/start {good}")[0].startswith("Đã liên kết")
    refused = [r for r in caplog.records if r.getMessage().startswith("link code refused")]
    assert len(refused) == 6
    assert "chat telegram:999" in refused[0].getMessage()
    assert all("WRONG" not in r.getMessage() for r in refused)
    with session_scope(app.engine) as session:
        assert repo.officer_for_chat(session, "telegram", "999") is not None
