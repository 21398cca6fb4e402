"""Every user-facing text lives in nhacviec/base/texts/: outside it, a string literal with a
Vietnamese letter (a letter with a diacritic, or đ/Đ) is either a message in the wrong place or
data that input is matched against, and data is named in ALLOWED below with its reason.

Docstrings are not scanned (they are English; a command's help is `help=texts.X`). The pure
rules are not scanned: they cannot import the texts, and their word lists (unit names, period
labels) are what input is parsed with; their errors carry a reason that `texts.explain` says."""

from __future__ import annotations

import ast
import string
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("nhacviec", "bot", "scheduler", "storage")
TEXTS_HOME = Path("nhacviec/base/texts")
# (module, top-level name) -> why its Vietnamese literals are data, not messages. Keep this
# short: a message belongs in the texts package.
ALLOWED: dict[tuple[str, str], str] = {
    ("storage/sheets.py", "COLUMNS"): "the header synonyms the import matches",
    ("storage/sheets.py", "KIND_NAMES"): "the sheet names the import matches and export writes",
    ("storage/importer.py", "ROLE_NAMES"): "the role words export writes and import reads back",
    ("nhacviec/base/config.py", "CRITERION_AUTHORITIES"): "authority names matched in tasks",
    ("bot/people_commands.py", "YES_WORDS"): "answers typed to the /chuyen question",
    ("bot/people_commands.py", "NO_WORDS"): "answers typed to the /chuyen question",
    ("bot/approval_commands.py", "TASK_MENTION"): "the pattern a caption names its task with",
}


def has_vietnamese_letter(text: str) -> bool:
    """A Latin letter carrying a diacritic (ă, ê, ư, ệ…) or đ/Đ: Vietnamese written out.
    Symbols (→, ·, …, –) and emoji are not letters and do not count."""
    for char in text:
        if char in "đĐ":
            return True
        if ord(char) > 127 and char.isalpha():
            base = unicodedata.normalize("NFD", char)[0]
            if base in string.ascii_letters:
                return True
    return False


def docstring_nodes(tree: ast.Module) -> set[int]:
    """The ids of the module's, classes' and functions' docstring constants."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add(id(first.value))
    return found


def top_level_names(statement: ast.stmt) -> list[str]:
    """The names a module-level statement assigns (`X = …`, `X: T = …`)."""
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def allowed_as(module: str, names: list[str]) -> tuple[str, str] | None:
    """The ALLOWED entry that covers a literal of `module` under one of `names`, if any."""
    for (where, name), _reason in ALLOWED.items():
        in_module = module == where or module.startswith(where.rstrip("/") + "/")
        if in_module and name in names:
            return (where, name)
    return None


def vietnamese_literals(
    source: str, module: str, used: set[tuple[str, str]]
) -> list[tuple[int, str]]:
    """(line, literal) for each Vietnamese string literal of `source` that no ALLOWED entry
    covers; the entries that covered one are added to `used`."""
    tree = ast.parse(source)
    docstrings = docstring_nodes(tree)
    found = []
    for statement in tree.body:
        names = top_level_names(statement)
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and has_vietnamese_letter(node.value)
            ):
                entry = allowed_as(module, names)
                if entry is None:
                    found.append((node.lineno, node.value))
                else:
                    used.add(entry)
    return found


def modules() -> list[Path]:
    return sorted(
        path
        for folder in SCANNED
        for path in (ROOT / folder).rglob("*.py")
        if not path.relative_to(ROOT).is_relative_to(TEXTS_HOME)
    )


def test_every_user_text_is_in_the_texts_package() -> None:
    used: set[tuple[str, str]] = set()
    strays = []
    for path in modules():
        module = path.relative_to(ROOT).as_posix()
        for line, literal in vietnamese_literals(path.read_text(encoding="utf-8"), module, used):
            strays.append(f"{module}:{line}: {literal!r}")
    assert strays == [], "move these to nhacviec/base/texts/ (or name them as data):\n" + (
        "\n".join(strays)
    )
    # An entry that allows nothing any more is removed, so the list stays short and true.
    assert set(ALLOWED) - used == set()


def test_the_scan_finds_a_message_outside_the_texts() -> None:
    """The scan itself: a planted message is found (an f-string's part too), a docstring and
    a symbol are not, and an allowed data name is let through only where it is allowed; the
    web page's modules are scanned like every other."""
    source = '''"""Một docstring: không quét."""
ARROW = "→ · …"
DATA = "Đơn vị"


def f(n: int) -> str:
    """Docstring của hàm."""
    return f"Còn {n} nhiệm vụ"
'''
    used: set[tuple[str, str]] = set()
    assert vietnamese_literals(source, "bot/planted.py", used) == [
        (3, "Đơn vị"),
        (8, "Còn "),
        (8, " nhiệm vụ"),
    ]
    allowed = source.replace("DATA =", "YES_WORDS =")
    assert vietnamese_literals(allowed, "bot/people_commands.py", used) == [
        (8, "Còn "),
        (8, " nhiệm vụ"),
    ]
    assert used == {("bot/people_commands.py", "YES_WORDS")}
    assert vietnamese_literals(source, "nhacviec/web/planted.py", set()) == [
        (3, "Đơn vị"),
        (8, "Còn "),
        (8, " nhiệm vụ"),
    ]


@pytest.mark.parametrize(
    ("text", "vietnamese"),
    [("Đã lưu", True), ("đ", True), ("giữ", True), ("ASCII only", False), ("→ · … – 🔴", False)],
)
def test_what_counts_as_a_vietnamese_letter(text: str, vietnamese: bool) -> None:
    assert has_vietnamese_letter(text) is vietnamese
