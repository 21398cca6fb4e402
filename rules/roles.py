"""The roles an officer can hold; what each may do is decided in one place (rules/access.py)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """An officer's role: an officer of a unit, its head, the personnel office (TCCB) that
    follows the whole plan, the admin who runs nhacviec, the follow-up officer of Văn phòng Sở
    (criterion 1.6: tasks from Tỉnh ủy, HĐND, UBND) who sees every unit and may assign, or the
    director (Lãnh đạo Sở) who sees everything and changes nothing."""

    OFFICER = "officer"
    HEAD = "head"
    TCCB = "tccb"
    ADMIN = "admin"
    FOLLOWUP = "followup"
    DIRECTOR = "director"
