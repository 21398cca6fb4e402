"""The roles an officer can hold; what each may do is decided in one place from them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """An officer's role: an officer of a unit, its head, the personnel office (TCCB) that
    follows the whole plan, or the admin who runs nhacviec."""

    OFFICER = "officer"
    HEAD = "head"
    TCCB = "tccb"
    ADMIN = "admin"
