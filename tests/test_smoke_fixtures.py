from nhacviec.app import App
from storage.db import current_revision
from tests.conftest import link_chat


def test_small_plan_loads_and_links(app: App) -> None:
    link_chat(app, "CB04", "console", "c1")
    assert current_revision(app.engine) == "0001"


def test_schema_upgrades_on_both_databases(engine) -> None:  # type: ignore[no-untyped-def]
    from storage.db import upgrade

    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == "0001"
