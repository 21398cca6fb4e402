"""A unit links its group chat with a one-time code; in a group the sender is who acts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from storage import repo
from storage.db import session_scope
from storage.models import ChatState, ProgressUpdate, Task, Unit
from tests.builders import write_xlsx
from tests.conftest import legacy_config, link_chat, load

GROUP = "-1001234567890"


def group_code(app: App, unit_code: str, days: int = 7) -> str:
    with session_scope(app.engine) as session:
        unit = repo.unit_by_code(session, unit_code)
        assert unit is not None
        return repo.new_group_code(session, unit, app.clock.now(), days).code


def unit_id(app: App, code: str) -> int:
    with session_scope(app.engine) as session:
        unit = repo.unit_by_code(session, code)
        assert unit is not None and unit.id is not None
        return unit.id


def in_group(text: str, sender: str, chat: str = GROUP) -> Incoming:
    return Incoming("telegram", chat, text, sender_name="x", is_group=True, sender_id=sender)


def link_group(app: App, unit_code: str, chat: str = GROUP) -> None:
    """The unit's group code typed in the group (commands work only in a linked group)."""
    code = group_code(app, unit_code)
    assert "Đã liên kết nhóm" in app.chat.handle(in_group(f"/start {code}", "1", chat))[0].text


@pytest.fixture
def any_app(engine: Engine, clock: FixedClock, tmp_path: Path) -> App:
    """The small plan on SQLite and on PostgreSQL."""
    built = build_app(legacy_config(), clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    return built


def test_group_code_links_the_group_once(any_app: App) -> None:
    app = any_app
    code = group_code(app, "KHTC")
    reply = app.chat.handle(in_group(f"/start {code}", sender="501"))[0]
    assert reply.text == texts.group_linked("Phòng Kế hoạch - Tài chính")
    with session_scope(app.engine) as session:
        khtc = unit_id(app, "KHTC")
        assert repo.unit_group_chats(session, khtc, "telegram") == [GROUP]
        assert repo.unit_group_chats(session, khtc, "zalo") == []
        found = repo.unit_for_group_chat(session, "telegram", GROUP)
        assert found is not None and found.code == "KHTC"
    # A code works once, in another group too.
    again = app.chat.handle(in_group(f"/start {code}", sender="501", chat="-100999"))[0]
    assert again.text == texts.LINK_ERRORS["used"]


def test_group_code_relinks_a_group_to_another_unit(any_app: App) -> None:
    app = any_app
    app.chat.handle(in_group(f"/start {group_code(app, 'KHTC')}", sender="501"))
    app.chat.handle(in_group(f"/start {group_code(app, 'VP')}", sender="501"))
    with session_scope(app.engine) as session:
        assert repo.unit_group_chats(session, unit_id(app, "KHTC"), "telegram") == []
        assert repo.unit_group_chats(session, unit_id(app, "VP"), "telegram") == [GROUP]


def test_group_code_refused_in_private_chat_and_when_expired(app: App) -> None:
    code = group_code(app, "KHTC")
    private = app.chat.handle(Incoming("telegram", "501", f"/start {code}", sender_id="501"))
    assert private[0].text == texts.GROUP_CODE_IN_PRIVATE
    assert isinstance(app.clock, FixedClock)
    old = group_code(app, "VP", days=1)
    app.clock.advance(timedelta(days=2))
    expired = app.chat.handle(in_group(f"/start {old}", sender="501"))
    assert expired[0].text == texts.LINK_ERRORS["expired"]
    with session_scope(app.engine) as session:
        assert repo.unit_group_chats(session, unit_id(app, "VP"), "telegram") == []
    # The unused KHTC code still works in a group.
    assert "Đã liên kết nhóm" in app.chat.handle(in_group(f"/start {code}", sender="501"))[0].text


def test_group_follows_a_supergroup_upgrade(app: App) -> None:
    app.chat.handle(in_group(f"/start {group_code(app, 'KHTC')}", sender="501", chat="-4001"))
    with session_scope(app.engine) as session:
        assert repo.move_group_chat(session, "telegram", "-4001", GROUP)
        assert not repo.move_group_chat(session, "telegram", "-4001", GROUP)
    with session_scope(app.engine) as session:
        assert repo.unit_group_chats(session, unit_id(app, "KHTC"), "telegram") == [GROUP]


def test_in_a_group_the_sender_acts(app: App) -> None:
    link_chat(app, "CB04", "telegram", "501")  # CB04, officer of KHTC, private chat 501
    link_group(app, "KHTC")
    tasks = app.chat.handle(in_group("/tasks", sender="501"))[0]
    assert tasks.text.startswith("📋 Phòng Kế hoạch - Tài chính")
    stranger = app.chat.handle(in_group("/tasks", sender="777"))[0]
    assert stranger.text == texts.NOT_LINKED
    # Chat ids of other members are not identities: the group itself is no officer.
    assert app.chat.handle(in_group("/tasks", sender=GROUP))[0].text == texts.NOT_LINKED


def test_group_progress_question_belongs_to_the_presser(app: App) -> None:
    link_chat(app, "CB04", "telegram", "501")
    link_chat(app, "CB03", "telegram", "502")  # head of KHTC
    link_group(app, "KHTC")
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        task_id = task.id
    question = app.chat.press("telegram", GROUP, f"prog:{task_id}", sender_id="501")
    assert question.expects_answer
    # Another member's plain text is not the answer; nobody asked them anything.
    assert app.chat.handle(in_group("90", sender="502")) == []
    assert app.chat.handle(in_group("90", sender="777")) == []
    note_question = app.chat.handle(in_group("60", sender="501"))[0]
    assert note_question.expects_answer and "60%" in note_question.text
    done = app.chat.handle(in_group("Đã gửi dự thảo", sender="501"))[0]
    assert done.changed and "0% → 60%" in done.text
    with session_scope(app.engine) as session:
        history = session.exec(
            select(ProgressUpdate).where(ProgressUpdate.task_id == task_id)
        ).all()
        assert [(h.percent, h.note, h.channel) for h in history] == [
            (60, "Đã gửi dự thảo", "telegram")
        ]
        assert session.exec(select(ChatState)).all() == []


def test_group_button_checked_like_the_command(app: App) -> None:
    link_chat(app, "CB06", "telegram", "601")  # officer of VP
    link_group(app, "VP")  # VP's group, where a forwarded KHTC task's button is pressed
    with session_scope(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()  # a KHTC task
        khtc = session.get(Unit, task.lead_unit_id)
        assert khtc is not None and khtc.code == "KHTC"
    refused = app.chat.press("telegram", GROUP, f"done:{task.id}", sender_id="601")
    assert refused.text == texts.NOT_YOUR_UNIT.format(id=task.id)
    assert not refused.changed
    assert app.chat.press("telegram", GROUP, f"done:{task.id}", sender_id="777").text == (
        texts.NOT_LINKED
    )


def test_cli_invite_unit_gives_a_group_code(tmp_path: Path) -> None:
    import re

    from typer.testing import CliRunner

    from nhacviec.base.config import load_config
    from nhacviec.cli import app as cli

    config_file = tmp_path / "nhacviec.toml"
    config_file.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/n.db"\n', encoding="utf-8")
    runner = CliRunner()
    plan = write_xlsx(tmp_path / "small.xlsx")
    assert runner.invoke(cli, ["import", str(plan), "--config", str(config_file)]).exit_code == 0
    result = runner.invoke(cli, ["invite", "--unit", "khtc", "--config", str(config_file)])
    assert result.exit_code == 0, result.output
    assert "Phòng Kế hoạch - Tài chính" in result.output
    found = re.search(r"/start ([A-Z0-9]{8})", result.output)
    assert found is not None
    built = build_app(load_config(config_file), FixedClock.on(date.today()))
    reply = built.chat.handle(in_group(f"/start {found.group(1)}", sender="501"))[0]
    assert "Đã liên kết nhóm" in reply.text
    built.engine.dispose()
    unknown = runner.invoke(cli, ["invite", "--unit", "XX", "--config", str(config_file)])
    assert unknown.exit_code == 1
    assert runner.invoke(cli, ["invite", "--config", str(config_file)]).exit_code == 2
