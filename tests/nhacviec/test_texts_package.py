"""The texts package re-exports each module's names into `texts`: a name defined twice would
let one module's sentence silently replace another's, so no two modules may define one name."""

from __future__ import annotations

import importlib
import pkgutil

from nhacviec.base import texts


def test_no_two_text_modules_define_the_same_name() -> None:
    owner: dict[str, tuple[str, object]] = {}
    clashes = []
    for info in pkgutil.iter_modules(texts.__path__):
        module = importlib.import_module(f"{texts.__name__}.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            if name in owner and owner[name][1] is not value:
                clashes.append(f"{name}: {owner[name][0]} and {info.name}")
            owner.setdefault(name, (info.name, value))
    assert clashes == []
    assert texts.NO_AREA.startswith("Không có lĩnh vực")  # the chat's, not the import's


def test_a_rule_error_reads_as_before() -> None:
    from rules.periods import PeriodError, parse_period

    try:
        parse_period("2023-H3")
    except PeriodError as exc:
        assert texts.explain(exc) == "Nửa năm chỉ có H1 và H2, không có “2023-H3”."
    else:
        raise AssertionError("2023-H3 was read")
