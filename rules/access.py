"""Who may see and change what: the one place chat, CLI and web ask.

An officer sees their own unit; a unit head sees their unit and approves for it; TCCB, the
admin, the follow-up officer of Văn phòng Sở and the director see every unit. Only TCCB, the
admin and the follow-up officer change the plan (tasks, inspections, self-scores, imports);
the director sees everything and changes nothing. Pure: roles are plain strings, so chat and
web pass what storage holds."""

from __future__ import annotations

from dataclasses import dataclass

OFFICER = "officer"
HEAD = "head"
TCCB = "tccb"
ADMIN = "admin"
# Issue 11 adds these roles; they are decided here already so chat and web agree on them.
FOLLOW_UP = "followup"
DIRECTOR = "director"

SEES_ALL = frozenset({TCCB, ADMIN, FOLLOW_UP, DIRECTOR})
CHANGES_PLAN = frozenset({TCCB, ADMIN, FOLLOW_UP})
FOLLOWS_UP = frozenset({TCCB, ADMIN})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks: an active officer's role and unit."""

    role: str
    unit_id: int


def sees_all(actor: Actor) -> bool:
    """TCCB, the admin, the follow-up officer and the director see every unit."""
    return actor.role in SEES_ALL


def may_view_unit(actor: Actor, unit_id: int) -> bool:
    """Everyone sees their own unit; only those who see all see another's."""
    return sees_all(actor) or actor.unit_id == unit_id


def may_view_task(
    actor: Actor, lead_unit_id: int, co_unit_ids: frozenset[int] = frozenset()
) -> bool:
    """A task is seen by its lead unit, its co-operating units and those who see all."""
    return may_view_unit(actor, lead_unit_id) or actor.unit_id in co_unit_ids


def may_change_plan(actor: Actor) -> bool:
    """Adding, editing or cancelling tasks and importing a plan."""
    return actor.role in CHANGES_PLAN


def may_follow_up(actor: Actor) -> bool:
    """TCCB's follow-up: inspections, self-scores, the period reports (the admin stands in)."""
    return actor.role in FOLLOWS_UP


def may_read_reports(actor: Actor) -> bool:
    """The period reports: those who follow up, and the director who reads them."""
    return may_follow_up(actor) or actor.role == DIRECTOR


def may_approve(actor: Actor, unit_id: int) -> bool:
    """Extensions and completions of a unit's tasks: its head, TCCB or the admin."""
    return actor.role in FOLLOWS_UP or (actor.role == HEAD and actor.unit_id == unit_id)


def may_see_status(actor: Actor, unit_id: int | None) -> bool:
    """The figures: of all units (`unit_id` None) for those who see all; of one unit for
    them and for that unit's head."""
    if sees_all(actor):
        return True
    return actor.role == HEAD and (unit_id is None or unit_id == actor.unit_id)
