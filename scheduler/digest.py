"""A digest as chat messages: Vietnamese, most urgent first, phone-sized parts.

A digest longer than the messenger's `max_text` (or than `MAX_TASKS_PER_PART` tasks) is split
between tasks, never inside one, so each task's buttons travel in the message that shows it.
Messengers without buttons get a `commands_hint` line instead."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from bot.commands import task_buttons
from bot.messages import Button, Reply
from bot.messenger import Messenger
from bot.status_view import unit_lines
from nhacviec.base import texts
from rules import Thresholds
from rules.policy import Digest, GroupDigest, Item, ItemKind

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


def _item_text(item: Item) -> str:
    if item.kind in (ItemKind.OVERDUE, ItemKind.ESCALATION):
        badge = texts.overdue_badge(item.days_overdue)
    elif item.kind is ItemKind.DUE_TODAY:
        badge = texts.DUE_TODAY_BADGE
    else:
        badge = texts.due_soon_badge(item.working_days_left)
    task = item.task
    details = texts.deadline_details(
        task.deadline, task.progress, badge, task.written, task.carried_from
    )
    return texts.task_entry(task.id, task.title, details, TITLE_MAX)


class RenderCache:
    """Lines already rendered in one scan. Keyed by identity: the policy shares one tuple of
    items between the officers of a unit, so each unit's lines are built once, whatever the
    number of officers and channels. Keep the digests alive while the cache is in use."""

    def __init__(self) -> None:
        self.blocks: dict[tuple[int, int], list[_Block]] = {}
        self.items: dict[int, str] = {}


def _blocks(
    digest: Digest | GroupDigest,
    escalate_after_days: int,
    thresholds: Thresholds,
    cache: RenderCache | None,
) -> list[_Block]:
    key = (id(digest.items), id(digest.summary))
    if cache is not None and key in cache.blocks:
        return cache.blocks[key]
    sections = {
        ItemKind.ESCALATION: texts.REMINDER_ESCALATION.format(days=escalate_after_days),
        ItemKind.OVERDUE: texts.REMINDER_OVERDUE,
        ItemKind.DUE_TODAY: texts.REMINDER_DUE_TODAY,
        ItemKind.DUE_SOON: texts.REMINDER_DUE_SOON,
    }
    unit_code = digest.unit.code if isinstance(digest, GroupDigest) else digest.officer.unit
    blocks = []
    for item in digest.items:
        if cache is None:
            text = _item_text(item)
        elif (text := cache.items.get(id(item.task), "")) == "":
            # A task reads the same in every digest of the day (an escalation shows the same
            # line as the overdue item it comes from, under another heading).
            text = cache.items[id(item.task)] = _item_text(item)
        if item.task.unit != unit_code:
            text = f"{text} · {texts.CO_UNIT_MARK} {texts.co_task_lead(item.task.unit)}"
        blocks.append(_Block(sections[item.kind], text, item.task.id))
    if digest.summary is not None:
        title = texts.REMINDER_WEEKLY.format(fail=texts.pct(thresholds.fail))
        # Both rates and the margin of each unit on the watch list, as /status shows them.
        watch = ["\n".join(unit_lines(f, thresholds)) for f in digest.summary.watch] or [
            texts.REMINDER_WEEKLY_NONE
        ]
        blocks += [_Block(title, line) for line in watch]
    if cache is not None:
        cache.blocks[key] = blocks
    return blocks


@dataclass(frozen=True)
class Part:
    """One message of a digest: its text, the tasks it shows (for their buttons) and the
    commands hint for messengers without buttons."""

    text: str
    task_ids: tuple[int, ...]
    hint: str | None
    # Buttons of their own (an approver's Đồng ý / Từ chối), as rows of (label, data).
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


def render_parts(
    digest: Digest | GroupDigest,
    traits: ChannelTraits,
    escalate_after_days: int = 3,
    thresholds: Thresholds | None = None,
    cache: RenderCache | None = None,
) -> list[Part]:
    """The messages of one digest (an officer's or a unit group's) on a channel with
    `traits`, in order."""
    thresholds = thresholds or Thresholds()
    if isinstance(digest, GroupDigest):
        unit = digest.unit.name
    else:
        unit = digest.unit.name if digest.unit else digest.officer.unit
    header = texts.REMINDER_HEADER.format(day=texts.d(digest.day), unit=unit)
    if isinstance(digest, Digest) and digest.covering:
        header += "\n" + texts.COVERING.format(codes=", ".join(digest.covering))
    hint_room = 0 if traits.supports_buttons else len(texts.REMINDER_HINT) + 12
    limit = max(200, traits.max_text - hint_room - PART_SUFFIX_ROOM)

    groups: list[tuple[list[str], list[int]]] = []
    lines: list[str] = [header]
    size = len(header)
    task_ids: list[int] = []
    section: str | None = None
    for block in _blocks(digest, escalate_after_days, thresholds, cache):
        chunk = [block.text] if block.section == section else [block.section, block.text]
        grow = sum(len(line) + 1 for line in chunk)
        full = block.task_id is not None and len(task_ids) >= MAX_TASKS_PER_PART
        if (size + grow > limit or full) and len(lines) > 1:
            groups.append((lines, task_ids))
            lines, size, task_ids, section = [header], len(header), [], None
            chunk = [block.section, block.text]
            grow = sum(len(line) + 1 for line in chunk)
        lines += chunk
        size += grow
        section = block.section
        if block.task_id is not None:
            task_ids.append(block.task_id)
    groups.append((lines, task_ids))

    parts = []
    for number, (part_lines, ids) in enumerate(groups, start=1):
        if len(groups) > 1:
            part_lines = [f"{part_lines[0]} ({number}/{len(groups)})", *part_lines[1:]]
        text = "\n".join(part_lines)
        if len(text) > traits.max_text - hint_room:
            # A single block longer than the whole message: cut, as split_text would.
            text = text[: traits.max_text - hint_room - 1] + "…"
        hint = texts.REMINDER_HINT.format(id=ids[0]) if ids else None
        parts.append(Part(text, tuple(ids), hint))
    return parts


def to_reply(part: Part, supports_buttons: bool) -> Reply:
    """The part as the messenger sends it: with each task's buttons where it has buttons."""
    buttons = [_buttons(i) for i in part.task_ids] if supports_buttons else []
    if supports_buttons:
        buttons += [[Button(label, data) for label, data in row] for row in part.buttons]
    return Reply(text=part.text, buttons=buttons, commands_hint=part.hint)


def render(
    digest: Digest | GroupDigest,
    traits: ChannelTraits,
    escalate_after_days: int = 3,
    thresholds: Thresholds | None = None,
) -> list[Reply]:
    """The messages of one digest on one channel, in order."""
    parts = render_parts(digest, traits, escalate_after_days, thresholds)
    return [to_reply(p, traits.supports_buttons) for p in parts]


def _buttons(task_id: int) -> list[Button]:
    """The task's three buttons, each labelled with its id so ten rows stay readable."""
    return [Button(f"#{task_id} {b.label}", b.data) for b in task_buttons(task_id)]


# The outbox row keeps the parts' texts joined by a blank line (what a person reads) and, as
# JSON, where each part ends, the tasks it shows and its hint: buttons are rebuilt from the task
# ids when sending, which keeps a row about the size of its text.
PART_BREAK = "\n\n"


def encode(parts: list[Part]) -> tuple[str, str]:
    """(text, payload) for an outbox row."""
    text = PART_BREAK.join(p.text for p in parts)
    payload = json.dumps(
        [{"chars": len(p.text), "tasks": list(p.task_ids), "hint": p.hint} for p in parts],
        ensure_ascii=False,
    )
    return text, payload


def decode(text: str, payload: str) -> list[Part]:
    parts = []
    offset = 0
    for meta in json.loads(payload):
        end = offset + meta["chars"]
        rows = tuple(
            tuple((str(label), str(data)) for label, data in row)
            for row in meta.get("buttons") or []
        )
        parts.append(Part(text[offset:end], tuple(meta["tasks"]), meta.get("hint"), rows))
        offset = end + len(PART_BREAK)
    return parts


def readable(parts: list[Part], supports_buttons: bool) -> str:
    """What the recipient reads, hints included where there are no buttons: for previews."""
    shown = []
    for part in parts:
        hint = f"\n{part.hint}" if part.hint and not supports_buttons else ""
        shown.append(part.text + hint)
    return PART_BREAK.join(shown)
