"""Units named by code or name however a plan spells them, and the group phrases of the
co-units column (rules/unitnames.py)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from rules.sections import area_for_section
from rules.unitnames import GROUP_PHRASES, UnitDirectory, UnitName, group_phrase_table

UNITS = [
    UnitName("VP", "Văn phòng Sở"),
    UnitName("TCCB", "Phòng Tổ chức cán bộ"),
    UnitName("KHTC", "Phòng Kế hoạch - Tài chính"),
    UnitName("TTRA", "Thanh tra Sở"),
    UnitName("CCTS", "Chi cục Thủy sản"),
    UnitName("TTKN", "Trung tâm Khuyến nông"),
]
WORDS = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹ", min_size=2, max_size=8
)


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@given(st.lists(WORDS, min_size=1, max_size=4))
def test_a_name_is_found_however_it_is_spelled(words: list[str]) -> None:
    name = "Phòng " + " ".join(words) + " - " + words[0]
    directory = UnitDirectory([*UNITS, UnitName("X1", name)])
    spellings = [
        name,
        name.upper(),
        plain(name),
        "P. " + " ".join(words) + "-" + words[0],
        "  phòng  " + " ".join(words) + " – " + words[0] + "  ",
    ]
    for spelling in spellings:
        assert directory.find(spelling) == "X1", spelling


def test_codes_names_and_short_names() -> None:
    directory = UnitDirectory(UNITS)
    assert directory.find("khtc") == "KHTC"
    assert directory.find("Văn phòng") == "VP"  # "Sở" left out
    assert directory.find("Phòng Kế hoạch-Tài chính") == "KHTC"
    assert directory.find("Sở Nội vụ") is None


def test_unknown_names_the_closest_first() -> None:
    message = UnitDirectory(UNITS).unknown_message("đơn vị chủ trì", "Phòng Tổ chức")
    assert message.startswith("đơn vị chủ trì 'Phòng Tổ chức' không có; có: Phòng Tổ chức cán bộ")
    assert "và 2 đơn vị khác" in message


def test_group_phrases_expand_and_are_not_split_at_their_commas() -> None:
    directory = UnitDirectory(UNITS)
    every = directory.co_units("Các phòng, cơ quan, đơn vị thuộc Sở", "VP")
    assert every.codes == ["TCCB", "KHTC", "TTRA", "CCTS", "TTKN"] and not every.unknown
    mixed = directory.co_units("Thanh tra Sở, các chi cục; Văn phòng và KHTC", "TCCB")
    assert mixed.codes == ["TTRA", "CCTS", "VP", "KHTC"]
    vague = directory.co_units("Các đơn vị có liên quan", "VP")
    assert vague.codes == [] and vague.vague == ["Các đơn vị có liên quan"]
    offices = directory.co_units("CÁC PHÒNG CHUYÊN MÔN", "VP")
    assert offices.codes == ["TCCB", "KHTC"]


def test_every_documented_phrase_is_known() -> None:
    phrases = [p for _meaning, group in group_phrase_table() for p in group]
    assert len(phrases) == len(GROUP_PHRASES)
    directory = UnitDirectory(UNITS)
    for phrase in phrases:
        result = directory.co_units(phrase, None)
        assert not result.unknown, phrase


AREAS = {
    "1": "Công tác chỉ đạo, điều hành",
    "2": "Xây dựng và tổ chức thực hiện thể chế",
    "3": "Cải cách thủ tục hành chính",
    "6": "Cải cách tài chính công",
}


def test_a_section_names_its_area_by_name_or_by_numeral() -> None:
    assert area_for_section("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", AREAS) == "1"
    assert area_for_section("", "Cải cách thủ tục hành chính", AREAS) == "3"
    assert area_for_section("IV", "CẢI CÁCH TÀI CHÍNH CÔNG", AREAS) == "6"  # the name wins
    assert area_for_section("II", "NHIỆM VỤ KHÁC", AREAS) == "2"  # no name close: the numeral
    assert area_for_section("V", "NHIỆM VỤ KHÁC", AREAS) is None
