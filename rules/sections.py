"""The area a section row of a plan names ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"): the tasks
under it belong to that area when their own row names none."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from rules.textnorm import fold

# Words every area's name shares ("cải cách hành chính", "công tác", "lĩnh vực"): left out, so
# the words that tell areas apart decide.
_COMMON = {"cchc", "cai", "cach", "hanh", "chinh", "cong", "tac", "linh", "vuc", "ve"}
_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
}
# How close a section's title must be to an area's name to be taken for it.
MIN_RATIO = 0.6


def _core(text: str) -> str:
    return " ".join(w for w in re.sub(r"[^\w\s]", " ", fold(text)).split() if w not in _COMMON)


def area_for_section(number: str, title: str, areas: Mapping[str, str]) -> str | None:
    """The code (a key of `areas`, code -> name of the top-level areas) of the area a section
    names: the closest name, case and diacritics aside; failing that its Roman numeral (section
    II is area `2`); None if neither."""
    wanted = _core(title)
    best, best_ratio = None, 0.0
    for code, name in areas.items():
        ratio = difflib.SequenceMatcher(None, wanted, _core(name)).ratio()
        if ratio > best_ratio:
            best, best_ratio = code, ratio
    if best is not None and best_ratio >= MIN_RATIO:
        return best
    position = _ROMAN.get(number.upper())
    if position is not None and str(position) in areas:
        return str(position)
    return None
