"""One scan now, outside `nhacviec run`: `nhacviec remind [--on DATE] [--dry-run]` (for cron
users, for tests, to preview) and the console demo's `:remind`."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

from nhacviec.base import texts
from nhacviec.base.clock import local_today
from rules.policy import Digest, GroupDigest
from scheduler.digest import decode, readable, render_parts, traits_for
from scheduler.scan import ScanResult
from scheduler.service import Reminders
from storage import outbox as store
from storage.models import OutboxState


def _who(digest: Digest | GroupDigest) -> str:
    """An officer (`CB009 Nguyễn Thị Hồng Nhung (KHTC)`) or a unit's group chat."""
    if isinstance(digest, GroupDigest):
        return texts.remind_group(digest.unit.code, digest.unit.name)
    officer = digest.officer
    return f"{officer.code} {officer.name} ({officer.unit})"


def preview(reminders: Reminders, result: ScanResult) -> list[str]:
    """Every digest as it would read: on each linked chat, or as text for an unlinked
    officer; then each unit group chat's digest."""
    lines = [texts.remind_preview_header(result.day)]
    settings = reminders.scanner.settings
    for delivery in result.deliveries:
        lines.append(f"── {_who(delivery.digest)} · {delivery.channel}:{delivery.chat_id} ──")
        lines.append(delivery.readable)
    for digest in result.unlinked:
        lines.append(f"── {_who(digest)} · {texts.REMIND_UNLINKED} ──")
        traits = traits_for("console")
        parts = render_parts(digest, traits, settings.escalate_after_days, settings.thresholds)
        lines.append(readable(parts, traits.supports_buttons))
    for group in result.group_deliveries:
        lines.append(f"── {_who(group.digest)} · {group.channel}:{group.chat_id} ──")
        lines.append(group.readable)
    lines.append(
        texts.remind_preview_total(
            len(result.digests),
            len(result.deliveries),
            len(result.unlinked),
            len(result.groups),
            len(result.group_deliveries),
        )
    )
    return lines


async def remind(
    reminders: Reminders, day: date | None = None, dry_run: bool = False
) -> list[str]:
    """Scan `day` (today by the clock), write the outbox and deliver through the reminders'
    messengers; with `dry_run`, only say what would be sent. Returns lines to print."""
    messengers = reminders.messengers
    day = day or local_today(reminders.clock, reminders.timezone)
    if not reminders.calendar.is_working_day(day):
        name = reminders.calendar.holiday_name(day)
        return [texts.remind_holiday(day, name)]
    if dry_run:
        result = await asyncio.to_thread(reminders.scanner.compute, day)
        return preview(reminders, result)
    result = await reminders.scan(day, trigger="manual")
    report = await reminders.dispatch()
    # A one-off run: a `nhacviec run` instance may dispatch again at once.
    await reminders.dispatcher.resign()
    chats = result.written + result.already - result.group_chats
    groups = texts.remind_groups(len(result.groups), result.group_chats)
    lines = [
        texts.remind_done(day, len(result.digests), chats, groups, result.written, result.already),
        texts.remind_sent(report.sent, report.retried, report.failed),
    ]
    if report.standby:
        lines.append(texts.REMIND_STANDBY)
    if report.held_until is not None:
        lines.append(texts.remind_held(report.held_until, reminders.timezone))
    waiting = [
        r
        for r in store.outbox_rows(reminders.engine, day)
        if r.state == OutboxState.PENDING and r.channel not in messengers
    ]
    if waiting:
        per_channel = Counter(r.channel for r in waiting)
        lines.append(
            texts.REMIND_CHANNELS_OFF
            + ", ".join(f"{c} ×{n}" for c, n in sorted(per_channel.items()))
        )
        for row in waiting:
            lines.append(f"── {row.channel}:{row.chat_id} ──")
            traits = traits_for(row.channel)
            lines.append(readable(decode(row.text, row.payload), traits.supports_buttons))
    if result.unlinked:
        codes = ", ".join(sorted(d.officer.code for d in result.unlinked))
        lines.append(texts.remind_unlinked(len(result.unlinked), codes))
    return lines


def console_remind(reminders: Reminders) -> list[str]:
    """The demo's `:remind`: today's scan, delivered to the console chats."""
    day = local_today(reminders.clock, reminders.timezone)
    if not reminders.calendar.is_working_day(day):
        return [texts.console_remind_holiday(day)]

    async def run() -> int:
        await reminders.scan(day, trigger="demo")
        return (await reminders.dispatch()).sent

    sent = asyncio.run(run())
    return [texts.console_remind_sent(day, sent)]
