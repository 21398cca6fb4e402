"""A task's record: the kinds of event a change leaves, and what can be read back from them.

Events are append-only (the database refuses to update or delete them). The current row of a
task is what its events left; the original deadline is the one its creation recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EventKind(StrEnum):
    """What happened to a task. Later features add kinds here; the table needs no change."""

    CREATED = "created"
    EDITED = "edited"  # one field: `field`, `old`, `new`
    REASSIGNED = "reassigned"  # field "lead_unit" or "assignee"
    DEADLINE_CHANGED = "deadline"  # field "deadline", old and new as yyyy-mm-dd
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    # Extensions and confirmed completion (the extensions issue) use these.
    EXTENSION_REQUESTED = "ext_requested"
    EXTENSION_APPROVED = "ext_approved"
    EXTENSION_REFUSED = "ext_refused"
    COMPLETION_REPORTED = "done_reported"
    COMPLETION_CONFIRMED = "done_confirmed"
    COMPLETION_RETURNED = "done_returned"
    COMPLETION_WITHDRAWN = "done_withdrawn"  # the officer took back their own report
    EVIDENCE_ADDED = "evidence"  # a document number, a photo or a file (field says which)
    # Carried into a later year's views (field "carried_to_year", old the year it was listed
    # in, new the year it is listed in now); its plan and figures stay its own year's.
    CARRIED_OVER = "carried_over"
    # About an officer, not a task (task_id empty, subject_id the officer): issue 15.
    OFFICER_DEACTIVATED = "officer_off"  # field "active"
    OFFICER_MOVED = "officer_moved"  # field "unit", old and new unit codes
    OFFICER_ROLE = "officer_role"  # field "role", old and new roles
    LEAVE_SET = "leave_set"  # field "leave", new "yyyy-mm-dd..yyyy-mm-dd[ CODE]"
    LEAVE_CANCELLED = "leave_cancelled"  # field "leave", old as above


OFFICER_KINDS = frozenset(
    {
        EventKind.OFFICER_DEACTIVATED,
        EventKind.OFFICER_MOVED,
        EventKind.OFFICER_ROLE,
        EventKind.LEAVE_SET,
        EventKind.LEAVE_CANCELLED,
    }
)


# The kinds that the people concerned are told about (storage.tasks.owe_notices writes them).
# The channel of an event is what it came through: telegram, zalo, console, cli, import, web,
# or migration (the record a task had before events existed).
NOTIFIED = frozenset(
    {
        EventKind.CREATED,
        EventKind.REASSIGNED,
        EventKind.DEADLINE_CHANGED,
        EventKind.CANCELLED,
        EventKind.REOPENED,
    }
)


@dataclass(frozen=True, slots=True)
class EventFacts:
    """One event as the rules see it."""

    kind: str
    at: datetime
    field: str | None = None
    old: str | None = None
    new: str | None = None


def day_text(day: date | None) -> str | None:
    """How a date is kept in an event's old/new: ISO, or None for "no deadline"."""
    return day.isoformat() if day else None


def parse_day_text(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def original_deadline(events: Iterable[EventFacts], current: date | None) -> date | None:
    """The deadline the task was first given: the oldest deadline change's old value, else
    what its creation recorded, else (no event moved it) the current one."""
    ordered = sorted(events, key=lambda e: e.at)
    for event in ordered:
        if event.field == "deadline" and event.kind == EventKind.DEADLINE_CHANGED:
            return parse_day_text(event.old)
        if event.kind == EventKind.CREATED and event.field == "deadline":
            return parse_day_text(event.new)
    return current
