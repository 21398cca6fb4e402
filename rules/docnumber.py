"""Document numbers written the Vietnamese way (số ký hiệu văn bản): `123/BC-SNN`,
`Số 45/KH-SNNPTNT`, `12/2023/QĐ-UBND`. Pure: recognised here, stored as the normal form."""

from __future__ import annotations

import re

# The number, an optional year, then the kind of document and the issuer(s), dash-separated:
# 45/KH-SNNPTNT, 12/2023/QĐ-UBND, 07/BC-CCTL-KHTC. "Số" (or "so", "số:") may lead.
_PREFIX = re.compile(r"^s[ốo]\s*:?\s*", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?P<number>\d{1,6})(?:/(?P<year>(?:19|20)\d{2}))?/"
    r"(?P<kind>[A-ZĐ]{1,8}(?:&[A-ZĐ]{1,8})?)(?P<issuers>(?:-[A-ZĐ0-9&.]{1,15}){1,4})$"
)


def parse_document_number(text: str) -> str | None:
    """`Số 45/kh-snnptnt` -> `45/KH-SNNPTNT`; None if `text` is not a document number."""
    value = _PREFIX.sub("", text.strip(), count=1).strip().upper()
    match = _NUMBER.match(value)
    if match is None:
        return None
    year = f"/{match['year']}" if match["year"] else ""
    return f"{match['number']}{year}/{match['kind']}{match['issuers']}"


def split_document_number(text: str) -> tuple[str | None, str]:
    """The document number at the start of `text` (one word, or "Số" and one word) and what
    follows it: `Số 45/KH-SNN đã gửi` -> (`45/KH-SNN`, `đã gửi`); (None, text) if none."""
    words = text.split()
    for count in (1, 2):
        if len(words) < count:
            break
        found = parse_document_number(" ".join(words[:count]))
        if found is not None:
            return found, " ".join(words[count:])
    return None, text.strip()
