"""Folding Vietnamese text for matching headers and words typed by people."""

import re
import unicodedata
from typing import Literal


def without_marks(text: str, form: Literal["NFD", "NFKD"] = "NFD") -> str:
    """The text with its diacritics dropped and its case kept: `Đơn vị` -> `Don vi` (đ and Đ
    carry no mark to drop, so they are mapped to d and D). NFKD also turns compatibility
    characters (ﬁ, full-width letters) into their plain letters."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize(form, text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, no diacritics (đ becomes d), single spaces: `Đơn vị  chủ trì` ->
    `don vi chu tri`."""
    return " ".join(without_marks(text).lower().replace("_", " ").split())


# Line breaks of other kinds (Word's U+000B, a form feed, CR, Unicode's separators) become "\n";
# a tab becomes a space.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n", "\u2028": "\n", "\u2029": "\n"})
# What is left to remove: the other C0 controls, DEL, and halves of surrogate pairs (Python
# strings may hold them; UTF-8, PostgreSQL and Excel cannot).
_UNSTORABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text as it may be stored: control characters U+0000–U+001F and U+007F removed (a line
    break of any kind kept as "\\n", a tab as a space) and lone surrogates removed, so what an
    officer typed or a spreadsheet held can always be saved, sent and written to Excel."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS).replace("\t", " ")
    return _UNSTORABLE.sub("", text)
