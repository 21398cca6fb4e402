"""The roles an officer can hold: the one list every layer reads."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What an officer may do follows from the role (rules/access.py decides)."""

    OFFICER = "officer"  # công chức, viên chức of a unit
    HEAD = "head"  # trưởng đơn vị
    TCCB = "tccb"  # the personnel office that follows the plan up
    ADMIN = "admin"  # quản trị
    # The follow-up officer of Văn phòng Sở (criterion 1.6: tasks from Tỉnh ủy, HĐND, UBND):
    # sees every unit and may assign tasks.
    FOLLOWUP = "followup"
    # Lãnh đạo Sở: sees everything, changes nothing.
    DIRECTOR = "director"
