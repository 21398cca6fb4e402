from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from nhacviec.app import App
from storage.db import alembic_config, current_revision
from tests.conftest import link_chat


def head(engine: Engine) -> str | None:
    """The newest revision of the migration scripts (branches add theirs after 0001)."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_small_plan_loads_and_links(app: App) -> None:
    link_chat(app, "CB04", "console", "c1")
    assert current_revision(app.engine) == head(app.engine)


def test_schema_upgrades_on_both_databases(engine: Engine) -> None:
    from storage.db import upgrade

    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head(engine)
