"""Folding Vietnamese text for matching headers and words typed by people."""

import unicodedata


def fold(text: str) -> str:
    """Lower case, no diacritics (đ becomes d), single spaces: `Đơn vị  chủ trì` ->
    `don vi chu tri`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("_", " ").split())
