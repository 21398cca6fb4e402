"""Dropping Vietnamese diacritics: `without_marks` keeps the case (a download's plain file name
is made with it), `fold` also lowers it and squeezes spaces (what typed words and headers are
matched with)."""

from __future__ import annotations

from rules.textnorm import fold, without_marks


def test_without_marks_drops_diacritics_and_keeps_case() -> None:
    assert without_marks("Đơn vị chủ trì") == "Don vi chu tri"
    assert without_marks("Báo cáo quý 1.pdf") == "Bao cao quy 1.pdf"
    assert without_marks("đường ĐẮK LẮK") == "duong DAK LAK"


def test_nfkd_also_makes_compatibility_letters_plain() -> None:
    assert without_marks("ﬁle Ａ") == "ﬁle Ａ"
    assert without_marks("ﬁle Ａ", "NFKD") == "file A"


def test_fold_lowers_and_squeezes_after_dropping_marks() -> None:
    assert fold("  Đơn vị   chủ_trì ") == "don vi chu tri"
