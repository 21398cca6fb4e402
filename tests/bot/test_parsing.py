"""Typed commands: whitespace of every kind, ASCII digits only, bounded ids, NUL and lone
surrogates; as pure functions, then through ChatService on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.messages import Incoming
from bot.parsing import (
    MAX_ID,
    after_words,
    clean,
    parse_command,
    parse_id,
    parse_page,
    parse_percent,
)
from nhacviec.app import App, build_app
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from storage.models import ProgressUpdate, Task
from tests.builders import write_xlsx
from tests.conftest import legacy_config, link_chat, load

BLANKS = ["\n", "\t", "\r\n", "\u00a0", "\u2003", "\u3000", "\x0b", "\x0c", "  \n\t "]


@pytest.mark.parametrize("blank", BLANKS)
def test_every_kind_of_whitespace_splits_a_command(blank: str) -> None:
    cmd = parse_command(f"/done{blank}103{blank}Đã gửi{blank}báo cáo")
    assert cmd is not None
    assert (cmd.name, cmd.args[0]) == ("done", "103")
    assert after_words(cmd.rest, 1) == f"Đã gửi{blank}báo cáo".strip()


def test_command_addressed_to_a_bot() -> None:
    cmd = parse_command("/Progress@Nhacviec_Bot\n12 50", "nhacviec_bot")
    assert cmd is not None and (cmd.name, cmd.args) == ("progress", ["12", "50"])
    assert parse_command("/tasks@other_bot\t2", "nhacviec_bot") is None
    assert parse_command("  xin chào /done 1") is None
    assert parse_command("/") == parse_command("/ ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("103", 103),
        ("#103", 103),
        (" 7 ", 7),
        ("0", None),
        ("-5", None),
        ("+5", None),
        ("¹²", None),  # superscripts pass str.isdigit() but not int()
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() reads them, we do not
        ("１２", None),  # fullwidth
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),  # past PostgreSQL's INTEGER
        (str(2**63), None),  # past SQLite's INTEGER
        ("9" * 5000, None),
        ("12a", None),
        ("", None),
    ],
)
def test_parse_id(raw: str, expected: int | None) -> None:
    assert parse_id(raw) == expected


def test_percent_and_page_take_ascii_digits_only() -> None:
    assert [parse_percent(v) for v in ("50", "50%", " 0 ", "100", "101", "-1", "5.5")] == [
        50,
        50,
        0,
        100,
        None,
        None,
        None,
    ]
    assert parse_percent("⁵⁰") is None and parse_percent("５０") is None
    assert parse_percent("9" * 400) is None
    assert [parse_page(v) for v in ("2", "0", "²", "9" * 30)] == [2, None, None, None]


def test_nul_and_lone_surrogates_are_removed() -> None:
    assert clean("a\x00b\ud800c\udfffd") == "abcd"
    cmd = parse_command("/done\x00 12 ghi\ud83d chú")
    assert cmd is not None and (cmd.name, cmd.args[0], after_words(cmd.rest, 1)) == (
        "done",
        "12",
        "ghi chú",
    )
    # Everything the ORM and psycopg are handed can be encoded.
    "ghi\ud83d chú".encode("utf-8", "surrogatepass")
    clean("ghi\ud83d chú").encode("utf-8")


# -- through ChatService, both databases ---------------------------------------------------------


@pytest.fixture
def any_app(engine: Engine, tmp_path: Path) -> App:
    """The small test plan on SQLite and on PostgreSQL, CB04 (KHTC) linked on chat k4."""
    built = build_app(legacy_config(), FixedClock.on(date(2023, 4, 3)), engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    link_chat(built, "CB04", "console", "k4")
    return built


def khtc_task(app: App) -> int:
    with Session(app.engine) as session:
        task = session.exec(select(Task).where(Task.code == "NV-05")).one()
        assert task.id is not None
        return task.id


def say(app: App, text: str) -> str:
    return "\n".join(r.text for r in app.chat.handle(Incoming("console", "k4", text)))


def updates(app: App) -> int:
    with Session(app.engine) as session:
        return len(session.exec(select(ProgressUpdate)).all())


def test_newline_and_tab_after_the_command_work(any_app: App) -> None:
    nv05 = khtc_task(any_app)
    assert say(any_app, f"/progress\t{nv05}\n40\nđã họp") == texts.progress_reply(
        nv05, "Phương án tự chủ tài chính", 0, 40
    )
    assert "✅ Đã ghi nhận hoàn thành" in say(any_app, f"/done\n{nv05}")
    with Session(any_app.engine) as session:
        notes = [u.note for u in session.exec(select(ProgressUpdate)).all()]
    assert notes == ["đã họp", None]


@pytest.mark.parametrize(
    "raw",
    ["¹²", "²", str(2**31), str(2**63), str(2**64), "9" * 100, "١٢"],
)
def test_ids_no_database_can_hold_are_refused_before_sql(any_app: App, raw: str) -> None:
    for command in (f"/done {raw}", f"/progress {raw} 50", f"/tasks {raw}", f"/status {raw}"):
        answer = say(any_app, command)
        assert answer != texts.SORRY, command
    refusal = say(any_app, f"/done {raw}")
    assert refusal.startswith(("Không có nhiệm vụ số", "“")), refusal
    assert updates(any_app) == 0


def test_superscript_percent_and_button_are_refused(any_app: App) -> None:
    nv05 = khtc_task(any_app)
    assert say(any_app, f"/progress {nv05} ⁵⁰") == texts.BAD_PERCENT.format(id=nv05)
    for data in ("done:¹²", f"done:{2**63}", "prog:²", "snooze:" + "9" * 40):
        reply = any_app.chat.press("console", "k4", data)
        assert reply.text != texts.SORRY and not reply.changed, data
    assert updates(any_app) == 0


def test_nul_and_surrogates_in_a_note_are_stored_clean(any_app: App) -> None:
    nv05 = khtc_task(any_app)
    answer = say(any_app, f"/progress {nv05} 30 dự\x00 thảo \udc80xong")
    assert answer == texts.progress_reply(nv05, "Phương án tự chủ tài chính", 0, 30)
    with Session(any_app.engine) as session:
        [update] = session.exec(select(ProgressUpdate)).all()
    assert update.note == "dự thảo xong"
