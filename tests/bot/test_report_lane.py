"""The report lane (bot/report_lane.py): a plain `/progress ID N` answered without an ORM
session must be indistinguishable from the full path. Each case runs on two SQLite files set
up alike: through ChatService.answer (the adapters' entry, which takes the lane) on one, and
through ChatService.handle (the full path, never the lane) on the other. The replies and
every row a report writes must be the same; the plain cases must really take the lane."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from storage import repo
from storage.db import make_engine, session_scope
from storage.models import Task
from tests.builders import write_xlsx
from tests.conftest import legacy_config, link_chat, load
from tests.statements import recording

CHATS = {"a": "CB04", "b": "CB06", "c": "CB07", "d": "CB03", "t": "CB02"}

# (setup: messages or "press:" button data, each as (chat, text)), then the message compared.
# {K}: an open KHTC task; {N1}: NV-01 (TCCB leads, VP helps); {N2}: NV-02 (TCCB alone).
CASES: dict[str, tuple[list[tuple[str, str]], tuple[str, str]]] = {
    "plain": ([], ("a", "/progress {K} 40")),
    "plain with a note": ([], ("a", "/progress #{K} 45% xong phần số liệu quý I")),
    "plain after another": ([("a", "/progress {K} 20")], ("a", "/progress {K} 35")),
    "the unit's head": ([], ("d", "/progress {K} 60")),
    "someone else away": ([("b", "/vang 03/04/2023-07/04/2023")], ("a", "/progress {K} 40")),
    "a question pending": ([("a", "press:prog:{K}")], ("a", "/progress {K} 40")),
    "a co-unit's part": ([], ("b", "/progress {N1} 30 phần của VP")),
    "another unit's task": ([], ("a", "/progress {N2} 30")),
    "the admin of another unit": ([], ("c", "/progress {K} 30")),
    "a head standing in": ([("a", "/vang 03/04/2023-07/04/2023 CB03")], ("d", "/progress {K} 30")),
    "standing in for the assignee": (
        [("t", "/sua {K} thuly CB04"), ("a", "/vang 03/04/2023-07/04/2023 CB03")],
        ("d", "/progress {K} 30"),
    ),
    "a done task": ([("a", "/done {K}")], ("a", "/progress {K} 50")),
    "a cancelled task": ([("t", "/huy {K} UBND tỉnh thu hồi")], ("a", "/progress {K} 50")),
    "a deactivated officer": ([("t", "/nghiviec CB04 nghỉ hưu")], ("a", "/progress {K} 10")),
    "completion": ([], ("a", "/progress {K} 100")),
    "a bad percent": ([], ("a", "/progress {K} 150")),
    "no percent": ([], ("a", "/progress {K}")),
    "no such task": ([], ("a", "/progress 999999 10")),
    "a stranger": ([], ("z", "/progress {K} 10")),
}
PLAIN = {
    "plain",
    "plain with a note",
    "plain after another",
    "the unit's head",
    "someone else away",
}


def set_up(path: Path, clock: FixedClock) -> tuple[App, dict[str, int]]:
    engine = make_engine(f"sqlite:///{path}")
    app = build_app(legacy_config(), clock, engine)
    load(engine, write_xlsx(path.with_suffix(".xlsx")))
    for chat, code in CHATS.items():
        link_chat(app, code, "console", chat)
    with session_scope(engine) as session:
        khtc = repo.unit_by_code(session, "KHTC")
        assert khtc is not None
        plan = repo.current_plan(session)
        assert plan is not None and plan.id is not None
        first = repo.tasks_of_unit(session, khtc.id or 0, plan.id)[0]
        ids = {"K": first.id or 0}
        for name, code in (("N1", "NV-01"), ("N2", "NV-02")):
            task = session.exec(select(Task).where(Task.code == code)).one()
            ids[name] = task.id or 0
    return app, ids


def run(app: App, chat: str, text: str, ids: dict[str, int], *, lane: bool) -> list[str]:
    text = text.format(**ids)
    if text.startswith("press:"):
        return [app.chat.press("console", chat, text.removeprefix("press:")).text]
    message = Incoming("console", chat, text)
    replies = asyncio.run(app.chat.answer(message)) if lane else app.chat.handle(message)
    return [r.text for r in replies]


def rows(engine: Engine) -> dict[str, set[Any]]:
    """Every row a report may write or change, ids and all."""
    with engine.connect() as conn:
        return {
            table: set(conn.execute(sa.text(f"SELECT * FROM {table}")).all())
            for table in (
                "progressupdate",
                "task",
                "task_event",
                "task_tally",
                "chatstate",
                "outbox",
                "officer",
            )
        }


@pytest.fixture
def statements() -> Iterator[list[tuple[int, str]]]:
    """Every statement SQLite runs, SQLAlchemy's and the driver's own (tests/statements.py)."""
    with recording() as seen:
        yield seen


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_lane_answers_and_records_as_the_full_path_does(
    case: str, tmp_path: Path, clock: FixedClock, statements: list[tuple[int, str]]
) -> None:
    setup, (chat, text) = CASES[case]
    lane_app, ids = set_up(tmp_path / "lane.db", clock)
    full_app, full_ids = set_up(tmp_path / "full.db", clock)
    assert ids == full_ids
    for app, lane in ((lane_app, True), (full_app, False)):
        for step_chat, step in setup:
            run(app, step_chat, step, ids, lane=lane)
    lane_before, full_before = rows(lane_app.engine), rows(full_app.engine)
    statements.clear()
    by_lane = run(lane_app, chat, text, ids, lane=True)
    ran = [statement for _, statement in statements]
    took_lane = any("RETURNING" in s and s.startswith("UPDATE task") for s in ran)
    # The full path's first read is the ORM's officer, with all its columns.
    took_full_path = any(s.startswith("SELECT officer.id, officer.code") for s in ran)
    by_full_path = run(full_app, chat, text, ids, lane=False)
    assert by_lane == by_full_path
    assert by_lane and by_lane[0]
    # What the message wrote (rows added or changed): the same, ids and all. (The rows the
    # import wrote carry the wall clock's time, so whole tables are not compared.)
    lane_after, full_after = rows(lane_app.engine), rows(full_app.engine)
    lane_wrote = {t: lane_after[t] - lane_before[t] for t in lane_after}
    assert lane_wrote == {t: full_after[t] - full_before[t] for t in full_after}
    if case in PLAIN:
        assert took_lane and not took_full_path
        assert len(lane_wrote["progressupdate"]) == 1 and len(lane_wrote["task"]) == 1
        assert by_lane[0].startswith("📈")
    else:
        assert took_full_path  # the lane stepped aside, writing nothing
    lane_app.engine.dispose()
    full_app.engine.dispose()
