"""Shared fixtures: real SQLite files and, in CI, a real PostgreSQL schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import ApprovalsConfig, Config
from storage import repo
from storage.db import make_engine, session_scope
from storage.importer import import_sheets, read_file
from tests.builders import write_xlsx

REPO_ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.telegram_fixtures"]

EXAMPLE_PLAN = REPO_ROOT / "nhacviec" / "data" / "ke-hoach-cchc-2023.xlsx"
POSTGRES_URL = os.environ.get("NHACVIEC_TEST_POSTGRES_URL", "")


def postgres_url_or_skip() -> str:
    """PostgreSQL tests run for real in CI (.ci/run sets the URL); elsewhere they may skip."""
    if POSTGRES_URL:
        return POSTGRES_URL
    if os.environ.get("CI"):
        pytest.fail("CI must set NHACVIEC_TEST_POSTGRES_URL: PostgreSQL tests may not skip in CI")
    pytest.skip("set NHACVIEC_TEST_POSTGRES_URL to run PostgreSQL tests")


@pytest.fixture
def postgres_engine_factory() -> Iterator[Callable[[], Engine]]:
    """Engines bound to one fresh schema of the test database, dropped afterwards."""
    url = postgres_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engines: list[Engine] = []

    def factory() -> Engine:
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        engines.append(engine)
        return engine

    yield factory
    for engine in engines:
        engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on a real SQLite file and on real PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path}/test.db")
        yield eng
        eng.dispose()
    else:
        factory = request.getfixturevalue("postgres_engine_factory")
        yield factory()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path}/test.db")
    yield eng
    eng.dispose()


# The tests written before confirmed completion run with it off ("none": a /done counts at
# once, exactly as it always did); tests/bot/test_approvals.py runs the default ("head").
def legacy_config() -> Config:
    """A fresh config (tests change theirs) with confirmation off."""
    return Config(approvals=ApprovalsConfig(confirm_completion="none"))


@pytest.fixture
def clock() -> FixedClock:
    """09:00 on Monday 03/04/2023 in Asia/Ho_Chi_Minh."""
    return FixedClock.on(date(2023, 4, 3))


def load(engine: Engine, path: Path) -> None:
    with session_scope(engine) as session:
        import_sheets(session, read_file(path))


@pytest.fixture
def app(sqlite_engine: Engine, clock: FixedClock, tmp_path: Path) -> App:
    """An app on SQLite loaded with the small test plan (tests/builders.py)."""
    built = build_app(legacy_config(), clock, sqlite_engine)
    load(sqlite_engine, write_xlsx(tmp_path / "small.xlsx"))
    return built


@pytest.fixture
def example_app(sqlite_engine: Engine, clock: FixedClock) -> App:
    """An app on SQLite loaded with the department's example plan (examples/)."""
    built = build_app(legacy_config(), clock, sqlite_engine)
    load(sqlite_engine, EXAMPLE_PLAN)
    return built


def link_chat(app: App, officer_code: str, channel: str, chat_id: str) -> None:
    """Link a chat to an officer the way a user does: an invite code, then /start CODE."""
    with session_scope(app.engine) as session:
        officer = repo.officer_by_code(session, officer_code)
        assert officer is not None
        code = repo.new_link_code(session, officer, app.clock.now(), 7).code
    from bot.messages import Incoming

    replies = app.chat.handle(Incoming(channel, chat_id, f"/start {code}"))
    assert "Đã liên kết" in replies[0].text
