"""A digest as chat messages: Vietnamese, most urgent first, phone-sized parts.

A digest longer than the messenger's `max_text` (or than `MAX_TASKS_PER_PART` tasks) is split
between tasks, never inside one, so each task's buttons travel in the message that shows it.
Messengers without buttons get a `commands_hint` line instead."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from bot import texts
from bot.commands import task_buttons
from bot.messages import Button, Reply
from bot.messenger import Messenger
from bot.status_view import unit_line
from rules import Thresholds
from scheduler.policy import Digest, Item, ItemKind

# Telegram shows at most about 100 inline buttons and a phone screen far fewer.
MAX_TASKS_PER_PART = 10
TITLE_MAX = 120
# Room kept for " (2/3)" after the header of a split digest.
PART_SUFFIX_ROOM = 10


@dataclass(frozen=True)
class ChannelTraits:
    """What a channel's messenger can show."""

    max_text: int
    supports_buttons: bool


# Used when the channel's messenger is not running in this process (e.g. `nhacviec remind`
# writing rows for a channel that another instance delivers).
DEFAULT_TRAITS = {
    "telegram": ChannelTraits(4096, True),
    "zalo": ChannelTraits(2000, False),
    "console": ChannelTraits(4096, False),
}
FALLBACK_TRAITS = ChannelTraits(2000, False)


def traits_for(channel: str, messengers: Mapping[str, Messenger] | None = None) -> ChannelTraits:
    messenger = (messengers or {}).get(channel)
    if messenger is not None:
        return ChannelTraits(messenger.max_text, messenger.supports_buttons)
    return DEFAULT_TRAITS.get(channel, FALLBACK_TRAITS)


@dataclass(frozen=True)
class _Block:
    section: str  # the heading the block sits under
    text: str
    task_id: int | None = None


def _title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def _item_text(item: Item) -> str:
    if item.kind in (ItemKind.OVERDUE, ItemKind.ESCALATION):
        badge = texts.overdue_badge(item.days_overdue)
    elif item.kind is ItemKind.DUE_TODAY:
        badge = texts.DUE_TODAY_BADGE
    else:
        badge = texts.due_soon_badge(item.working_days_left)
    task = item.task
    return texts.reminder_task(task.id, _title(task.title), task.deadline, task.progress, badge)


def _blocks(digest: Digest, escalate_after_days: int, thresholds: Thresholds) -> list[_Block]:
    sections = {
        ItemKind.ESCALATION: texts.REMINDER_ESCALATION.format(days=escalate_after_days),
        ItemKind.OVERDUE: texts.REMINDER_OVERDUE,
        ItemKind.DUE_TODAY: texts.REMINDER_DUE_TODAY,
        ItemKind.DUE_SOON: texts.REMINDER_DUE_SOON,
    }
    blocks = [_Block(sections[i.kind], _item_text(i), i.task.id) for i in digest.items]
    if digest.summary is not None:
        title = texts.REMINDER_WEEKLY.format(fail=texts.pct(thresholds.fail))
        watch = [unit_line(f) for f in digest.summary.watch] or [texts.REMINDER_WEEKLY_NONE]
        blocks += [_Block(title, line) for line in watch]
    return blocks


def render(
    digest: Digest,
    traits: ChannelTraits,
    escalate_after_days: int = 3,
    thresholds: Thresholds | None = None,
) -> list[Reply]:
    """The messages of one digest on one channel, in order."""
    thresholds = thresholds or Thresholds()
    unit = digest.unit.name if digest.unit else digest.officer.unit
    header = texts.REMINDER_HEADER.format(day=texts.d(digest.day), unit=unit)
    hint_room = 0 if traits.supports_buttons else len(texts.REMINDER_HINT) + 12
    limit = max(200, traits.max_text - hint_room - PART_SUFFIX_ROOM)

    parts: list[tuple[list[str], list[int]]] = []
    lines: list[str] = [header]
    size = len(header)
    task_ids: list[int] = []
    section: str | None = None
    for block in _blocks(digest, escalate_after_days, thresholds):
        chunk = [block.text] if block.section == section else [block.section, block.text]
        grow = sum(len(line) + 1 for line in chunk)
        full = block.task_id is not None and len(task_ids) >= MAX_TASKS_PER_PART
        if (size + grow > limit or full) and len(lines) > 1:
            parts.append((lines, task_ids))
            lines, size, task_ids, section = [header], len(header), [], None
            chunk = [block.section, block.text]
            grow = sum(len(line) + 1 for line in chunk)
        lines += chunk
        size += grow
        section = block.section
        if block.task_id is not None:
            task_ids.append(block.task_id)
    parts.append((lines, task_ids))

    replies = []
    for number, (part_lines, ids) in enumerate(parts, start=1):
        if len(parts) > 1:
            part_lines = [f"{part_lines[0]} ({number}/{len(parts)})", *part_lines[1:]]
        text = "\n".join(part_lines)
        if len(text) > traits.max_text - hint_room:
            # A single block longer than the whole message: cut, as split_text would.
            text = text[: traits.max_text - hint_room - 1] + "…"
        buttons = [_buttons(i) for i in ids] if traits.supports_buttons else []
        hint = texts.REMINDER_HINT.format(id=ids[0]) if ids else None
        replies.append(Reply(text=text, buttons=buttons, commands_hint=hint))
    return replies


def _buttons(task_id: int) -> list[Button]:
    """The task's three buttons, each labelled with its id so ten rows stay readable."""
    return [Button(f"#{task_id} {b.label}", b.data) for b in task_buttons(task_id)]


def full_text(replies: list[Reply], traits: ChannelTraits) -> str:
    """What the recipient reads, for the outbox row and for a preview."""
    parts = []
    for reply in replies:
        text = reply.text
        if reply.commands_hint and not traits.supports_buttons:
            text += "\n" + reply.commands_hint
        parts.append(text)
    return "\n\n".join(parts)


def encode(replies: list[Reply]) -> str:
    """The parts as JSON for the outbox row."""
    return json.dumps(
        [
            {
                "text": r.text,
                "buttons": [[[b.label, b.data] for b in row] for row in r.buttons],
                "hint": r.commands_hint,
            }
            for r in replies
        ],
        ensure_ascii=False,
    )


def decode(payload: str) -> list[Reply]:
    return [
        Reply(
            text=part["text"],
            buttons=[[Button(label, data) for label, data in row] for row in part["buttons"]],
            commands_hint=part.get("hint"),
        )
        for part in json.loads(payload)
    ]
