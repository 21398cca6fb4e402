"""Units as a plan names them: by code or by name, however it is spelled, and the group phrases
("Các phòng, đơn vị thuộc Sở") that stand for several units at once.

A name matches when it is the same after folding case and diacritics, reading "P." as "Phòng",
and ignoring spacing, hyphens and punctuation; a trailing "Sở" / "thuộc Sở" may be left out.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rules.textnorm import fold

_PUNCT = re.compile(r"[\-–—_.,;:/\\()\"'“”‘’&+]")
_P_PREFIX = re.compile(r"^p\s*\.\s*|^p\s+")


@functools.lru_cache(maxsize=65536)
def unit_key(text: str) -> str:
    """The form two spellings of one unit share: `P. Kế hoạch-Tài chính` and `phòng kế hoạch
    – tài chính` both become `phong ke hoach tai chinh`."""
    folded = fold(text)
    folded = _P_PREFIX.sub("phong ", folded)
    return " ".join(_PUNCT.sub(" ", folded).split())


def _short_key(key: str) -> str:
    """The key without a trailing "sở" / "thuộc sở": `van phong so` -> `van phong`."""
    for tail in (" truc thuoc so", " thuoc so", " so"):
        if key.endswith(tail) and len(key) > len(tail):
            return key[: -len(tail)]
    return key


@dataclass(frozen=True)
class UnitName:
    code: str
    name: str


def _is_office(u: UnitName) -> bool:
    key = unit_key(u.name)
    return key.startswith(("phong ", "van phong"))


def _starts(*prefixes: str) -> Callable[[UnitName], bool]:
    return lambda u: unit_key(u.name).startswith(prefixes)


def _any(_u: UnitName) -> bool:
    return True


def _none(_u: UnitName) -> bool:
    return False


# Group phrases as a plan writes them in "Đơn vị phối hợp" (keys as unit_key gives them), and
# which units each stands for; the lead unit of the task is always left out. Documented in
# docs/import-format.md.
GROUP_PHRASES: dict[str, tuple[str, Callable[[UnitName], bool]]] = {}
_GROUPS: list[tuple[str, Callable[[UnitName], bool], tuple[str, ...]]] = [
    (
        "mọi đơn vị",
        _any,
        (
            "Các phòng, đơn vị",
            "Các phòng, đơn vị thuộc Sở",
            "Các phòng, cơ quan, đơn vị",
            "Các phòng, cơ quan, đơn vị thuộc Sở",
            "Các phòng, ban, đơn vị",
            "Các cơ quan, đơn vị",
            "Các cơ quan, đơn vị thuộc Sở",
            "Các đơn vị",
            "Các đơn vị thuộc Sở",
            "Các đơn vị trực thuộc Sở",
            "Tất cả các đơn vị",
            "Toàn Sở",
        ),
    ),
    (
        "các phòng (tên bắt đầu bằng Phòng, Văn phòng)",
        _is_office,
        (
            "Các phòng",
            "Các phòng chuyên môn",
            "Các phòng thuộc Sở",
            "Các phòng chuyên môn thuộc Sở",
            "Các phòng Sở",
        ),
    ),
    ("các chi cục", _starts("chi cuc"), ("Các Chi cục", "Các Chi cục thuộc Sở")),
    ("các trung tâm", _starts("trung tam"), ("Các Trung tâm", "Các Trung tâm thuộc Sở")),
    (
        "đơn vị sự nghiệp (Trung tâm, Ban)",
        _starts("trung tam", "ban "),
        ("Các đơn vị sự nghiệp", "Các đơn vị sự nghiệp thuộc Sở", "Các đơn vị sự nghiệp công lập"),
    ),
    (
        "không rõ đơn vị nào: không lưu, báo cảnh báo",
        _none,
        (
            "Các đơn vị có liên quan",
            "Các đơn vị liên quan",
            "Đơn vị liên quan",
            "Đơn vị có liên quan",
            "Các phòng, đơn vị liên quan",
            "Các phòng, đơn vị có liên quan",
            "Các cơ quan, đơn vị liên quan",
            "Các cơ quan, đơn vị có liên quan",
        ),
    ),
]
for _meaning, _select, _phrases in _GROUPS:
    for _phrase in _phrases:
        GROUP_PHRASES[unit_key(_phrase)] = (_meaning, _select)
_LONGEST_PHRASE = max(len(key.split()) for key in GROUP_PHRASES)


def group_phrase_table() -> list[tuple[str, list[str]]]:
    """(meaning, phrases) for the docs and the tests."""
    return [(meaning, list(phrases)) for meaning, _s, phrases in _GROUPS]


@dataclass
class CoUnits:
    """The units a "Đơn vị phối hợp" cell names, the parts it names none of, and the vague
    phrases ("các đơn vị liên quan") that stand for no unit in particular."""

    codes: list[str]
    unknown: list[str]
    vague: list[str]


class UnitDirectory:
    """Every unit by code and by name, for reading the unit columns of a plan."""

    def __init__(self, units: Iterable[UnitName]) -> None:
        self.units: list[UnitName] = []
        self._by_key: dict[str, str] = {}
        # A plan names the same units on thousands of rows: each spelling is read once.
        self._found: dict[str, str | None] = {}
        self._co: dict[tuple[str, str | None], CoUnits] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: UnitName) -> None:
        self._found.clear()
        self._co.clear()
        self.units.append(unit)
        for key in (unit_key(unit.code), unit_key(unit.name), _short_key(unit_key(unit.name))):
            # A code always wins over another unit's name.
            if key and (key not in self._by_key or key == unit_key(unit.code)):
                self._by_key[key] = unit.code

    def find(self, text: str) -> str | None:
        """The code of the unit `text` names by code or name; None if none."""
        if text not in self._found:
            key = unit_key(text)
            self._found[text] = (
                self._by_key.get(key) or self._by_key.get(_short_key(key)) if key else None
            )
        return self._found[text]

    def closest(self, text: str, limit: int = 4) -> list[UnitName]:
        """The units whose code or name is nearest `text`, nearest first."""
        key = unit_key(text)

        def score(unit: UnitName) -> float:
            return max(
                difflib.SequenceMatcher(None, key, unit_key(unit.name)).ratio(),
                difflib.SequenceMatcher(None, key, unit_key(unit.code)).ratio(),
            )

        return sorted(self.units, key=score, reverse=True)[:limit]

    def unknown_message(self, label: str, text: str) -> str:
        """ "đơn vị chủ trì 'X' không có; gần nhất: Văn phòng Sở (VP), …"."""
        near = ", ".join(f"{u.name} ({u.code})" for u in self.closest(text))
        more = len(self.units) - min(len(self.units), 4)
        tail = f" và {more} đơn vị khác (trang Đơn vị)" if more > 0 else ""
        if not near:
            return f"{label} '{text}' không có: chưa có đơn vị nào, nhập trang Đơn vị trước"
        return f"{label} '{text}' không có; có: {near}{tail}"

    def co_units(self, text: str, lead: str | None) -> CoUnits:
        """Split a co-units cell at `,`, `;`, new lines and "và", keeping group phrases whole
        (their commas are part of them), and expand each group to its units. The result is
        shared between calls with the same cell: read it, do not change it."""
        cached = self._co.get((text, lead))
        if cached is None:
            cached = self._co[(text, lead)] = self._co_units(text, lead)
        return cached

    def _co_units(self, text: str, lead: str | None) -> CoUnits:
        parts = [p.strip() for p in re.split(r"[,;\n]", text) if p.strip()]
        result = CoUnits([], [], [])
        i = 0
        while i < len(parts):
            for j in range(min(len(parts), i + _LONGEST_PHRASE), i, -1):
                key = unit_key(" ".join(parts[i:j]))
                if key in GROUP_PHRASES:
                    _meaning, select = GROUP_PHRASES[key]
                    if select is _none:
                        result.vague.append(", ".join(parts[i:j]))
                    result.codes.extend(u.code for u in self.units if select(u))
                    i = j
                    break
            else:
                self._one_part(parts[i], result)
                i += 1
        result.codes = [c for c in dict.fromkeys(result.codes) if c != lead]
        return result

    def _one_part(self, part: str, result: CoUnits) -> None:
        code = self.find(part)
        if code is not None:
            result.codes.append(code)
            return
        pieces = [p for p in re.split(r"\s+(?:và|va)\s+", part) if p.strip()]
        codes = [self.find(p) for p in pieces]
        if len(pieces) > 1 and all(codes):
            result.codes.extend(c for c in codes if c)
            return
        result.unknown.append(part)
