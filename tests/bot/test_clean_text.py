"""Control characters (U+0000–U+001F but the line break, U+007F) and lone surrogates never
reach the database: not from a chat note (on SQLite and PostgreSQL, where a NUL used to crash
the command) nor from an imported title. Word's line break U+000B becomes a line break. The
Excel report then builds with every one of them typed or imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.messages import Incoming
from nhacviec.app import build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from nhacviec.reports.workbook import build_report
from rules import parse_period
from rules.textnorm import clean_text
from storage.db import session_scope
from tests.builders import TASKS, write_csv, write_xlsx
from tests.conftest import link_chat, load

EVERY_CONTROL = "".join(chr(c) for c in range(0x20)) + "\x7f"


def test_clean_text_keeps_text_and_line_breaks_only() -> None:
    assert clean_text("Báo cáo quý I\nđã gửi") == "Báo cáo quý I\nđã gửi"
    assert clean_text("a\x0bb\x0cc\r\nd\re\u2028f") == "a\nb\nc\nd\ne\nf"
    assert clean_text("tab\there") == "tab here"
    assert clean_text(f"x{EVERY_CONTROL}y") == "x \n\n\n\ny"  # \t \n \v \f \r
    assert clean_text("nửa cặp \ud83d và \udc00 hết") == "nửa cặp  và  hết"
    assert clean_text("🎉 đủ cặp") == "🎉 đủ cặp"
    for code in range(0x110000):
        char = chr(code)
        cleaned = clean_text(f"a{char}b")
        cleaned.encode("utf-8")  # always storable and sendable
        assert all(c == "\n" or (ord(c) >= 0x20 and c != "\x7f") for c in cleaned), code


def notes(engine: Engine) -> list[str | None]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT note FROM progressupdate ORDER BY id")).scalars())


def report_builds(engine: Engine, on: date) -> int:
    """Builds the year's Excel report; returns its size in bytes."""
    with session_scope(engine) as session:
        made = build_report(session, parse_period("2023"), on, Config())
    return len(made.content)


def test_a_note_with_every_control_character_is_stored_clean(
    engine: Engine, tmp_path: Path
) -> None:
    app = build_app(Config(), FixedClock.on(date(2023, 4, 3)), engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    link_chat(app, "CB04", "telegram", "k4")
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                sa.text(
                    "SELECT t.id FROM task t JOIN unit u ON u.id = t.lead_unit_id "
                    "WHERE u.code = 'KHTC' ORDER BY t.id LIMIT 2"
                )
            ).scalars()
        )
    typed = [
        f"/progress {ids[0]} 40 Bản nháp{EVERY_CONTROL}dòng hai\ud800",
        f"/done {ids[1]} Đã nộp\x0bbản cuối\x00",
    ]
    for text in typed:
        reply = app.chat.handle(Incoming("telegram", "k4", text))[0]
        assert reply.changed, reply.text
    assert notes(engine) == ["Bản nháp \n\n\n\ndòng hai", "Đã nộp\nbản cuối"]
    assert report_builds(engine, date(2023, 4, 3)) > 0


def test_an_imported_title_with_control_characters_is_stored_clean(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    build_app(Config(), FixedClock.on(date(2023, 4, 3)), sqlite_engine)
    load(sqlite_engine, write_xlsx(tmp_path / "small.xlsx"))
    dirty = [list(TASKS[0]), list(TASKS[1])]
    # A NUL makes the importer refuse the file as not text; every other control is cleaned.
    dirty[1][1] = f"Ban hành kế hoạch\x0bCCHC{EVERY_CONTROL[1:]}năm 2023"
    dirty[1][8] = "Ghi chú\x01 từ Word\x0b"
    load(sqlite_engine, write_csv(tmp_path / "tasks.csv", dirty))
    with sqlite_engine.connect() as conn:
        title, note = conn.execute(
            sa.text("SELECT title, note FROM task WHERE code = :code"), {"code": TASKS[1][0]}
        ).one()
    assert title == "Ban hành kế hoạch\nCCHC \n\n\n\nnăm 2023"
    assert note == "Ghi chú từ Word"
    assert report_builds(sqlite_engine, date(2023, 4, 3)) > 0
