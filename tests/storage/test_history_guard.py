"""Progress history is append-only in the database itself (migration 0009): an UPDATE or a
DELETE of a row fails whoever sends it, on SQLite and PostgreSQL; the downgrade removes the
guard and the upgrade puts it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from bot.messages import Incoming
from nhacviec.app import build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from storage.db import alembic_config, current_revision, upgrade
from tests.builders import write_xlsx
from tests.conftest import link_chat, load

CHANGES = {
    "update": "UPDATE progressupdate SET percent = 5, note = 'sửa lại'",
    "delete": "DELETE FROM progressupdate",
}


def history(engine: Engine) -> list[tuple[int, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT percent, note FROM progressupdate ORDER BY id"))
        return [(row.percent, row.note) for row in rows]


@pytest.fixture
def reported(engine: Engine, tmp_path: Path) -> Engine:
    return report_twice(engine, tmp_path)


def report_twice(engine: Engine, tmp_path: Path) -> Engine:
    """Two reports on NV-05 (KHTC), made through the chat like an officer does."""
    app = build_app(Config(), FixedClock.on(date(2023, 4, 3)), engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    link_chat(app, "CB04", "console", "k4")
    with engine.connect() as conn:
        task_id = conn.execute(sa.text("SELECT id FROM task WHERE code = 'NV-05'")).scalar()
    for text in (f"/progress {task_id} 40 bản nháp", f"/done {task_id} đã trình"):
        assert app.chat.handle(Incoming("console", "k4", text))[0].changed
    assert history(engine) == [(40, "bản nháp"), (100, "đã trình")]
    return engine


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_history_rows_cannot_be_changed_or_deleted(reported: Engine, change: str) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), reported.begin() as conn:
        conn.execute(sa.text(CHANGES[change]))
    assert history(reported) == [(40, "bản nháp"), (100, "đã trình")]


def test_truncate_is_refused_on_postgresql(
    postgres_engine_factory: Callable[[], Engine], tmp_path: Path
) -> None:
    """SQLite has no TRUNCATE; PostgreSQL's deletes without row triggers, so it has its own."""
    reported = report_twice(postgres_engine_factory(), tmp_path)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), reported.begin() as conn:
        conn.execute(sa.text("TRUNCATE progressupdate CASCADE"))
    assert len(history(reported)) == 2


def test_downgrade_removes_the_guard_and_upgrade_restores_it(reported: Engine) -> None:
    config = alembic_config(reported)
    command.downgrade(config, "0015")
    assert current_revision(reported) == "0015"
    with reported.begin() as conn:
        conn.execute(sa.text("UPDATE progressupdate SET note = 'ghi chú sửa' WHERE percent = 40"))
        conn.execute(sa.text("DELETE FROM progressupdate WHERE percent = 100"))
        assert "version" not in {c["name"] for c in sa.inspect(conn).get_columns("task")}
    assert history(reported) == [(40, "ghi chú sửa")]

    upgrade(reported)
    for change in CHANGES.values():
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), reported.begin() as conn:
            conn.execute(sa.text(change))
    assert history(reported) == [(40, "ghi chú sửa")]
    # Inserting is what history is for: still allowed.
    with reported.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO progressupdate (task_id, at, kind, percent, channel) "
                "SELECT task_id, at, 'progress', 60, 'cli' FROM progressupdate"
            )
        )
    assert history(reported) == [(40, "ghi chú sửa"), (60, None)]
