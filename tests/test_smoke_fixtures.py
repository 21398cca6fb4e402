from alembic.script import ScriptDirectory

from nhacviec.app import App
from storage.db import alembic_config, current_revision
from tests.conftest import link_chat


def head_revision(engine) -> str | None:  # type: ignore[no-untyped-def]
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_small_plan_loads_and_links(app: App) -> None:
    link_chat(app, "CB04", "console", "c1")
    assert current_revision(app.engine) == head_revision(app.engine)


def test_schema_upgrades_on_both_databases(engine) -> None:  # type: ignore[no-untyped-def]
    from storage.db import upgrade

    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
