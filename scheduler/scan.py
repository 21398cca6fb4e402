"""The daily scan: read what the policy needs, ask it what is owed, write the outbox.

Every owed digest becomes one outbox row per chat it goes to, written (with the rendered text)
before anything is sent; the dispatcher delivers the rows. A second scan of the same day writes
only rows that did not exist (a chat linked since), so it never makes anyone receive twice."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.messenger import Messenger
from nhacviec.base.clock import Clock, local_today
from nhacviec.base.config import Config, check_preference
from rules import Outcome, Thresholds
from rules.calendar import WorkingCalendar
from rules.policy import (
    DIGEST,
    GROUP_DIGEST,
    ROLE_TCCB,
    Digest,
    GroupDigest,
    Item,
    OfficerView,
    Settings,
    TaskView,
    UnitView,
    group_digests,
    is_summary_day,
    owed_on,
    unit_items,
)
from scheduler.digest import (
    ChannelTraits,
    Part,
    RenderCache,
    encode,
    readable,
    render_parts,
    traits_for,
)
from storage import absence, approvals, seen
from storage import outbox as store
from storage.db import Engine

log = logging.getLogger(__name__)


# A rendering's key: the items' and unit's identities, summary or not, the channel, covering.
RenderKey = tuple[int, int, bool, ChannelTraits, tuple[str, ...]]


@dataclass(frozen=True)
class Delivery:
    """One digest rendered for one chat: what becomes an outbox row. An officer's digest is
    keyed by the officer, a unit group's digest (`unit_id` set) by the unit and the chat."""

    digest: Digest | GroupDigest
    channel: str
    chat_id: str
    parts: list[Part]
    text: str
    payload: str
    traits: ChannelTraits
    unit_id: int | None = None

    @property
    def readable(self) -> str:
        return readable(self.parts, self.traits.supports_buttons)

    def row(self) -> dict[str, Any]:
        if self.unit_id is not None:
            recipient = {"unit_id": self.unit_id}
        else:
            assert isinstance(self.digest, Digest)
            recipient = {"officer_id": self.digest.officer.id}
        return {
            **recipient,
            "kind": self.digest.kind,
            "day": self.digest.day,
            "channel": self.channel,
            "chat_id": self.chat_id,
            "text": self.text,
            "payload": self.payload,
        }


@dataclass
class ScanResult:
    day: date
    working_day: bool
    digests: list[Digest] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    unlinked: list[Digest] = field(default_factory=list)  # owed, but no chat to send to
    groups: list[GroupDigest] = field(default_factory=list)  # owed to units' group chats
    group_deliveries: list[Delivery] = field(default_factory=list)
    group_chats: int = 0  # group chats owed a digest, rows already written included
    written: int = 0  # rows new in the outbox (officers' and groups')
    already: int = 0  # chats (officers' and groups') whose row for the day was already there
    tasks_read: int = 0
    waiting: int = 0  # rows of "what waits for you" for approvers and confirmers


def choose_links(
    links: list[store.LinkRow], preference: str | list[str]
) -> dict[int, list[store.LinkRow]]:
    """The chats each officer's digest goes to: the newest link on each channel ("all"), or
    only on the first channel of the preference list the officer has linked. `links` come
    oldest first."""
    newest: dict[tuple[int, str], store.LinkRow] = {}
    for link in links:  # oldest first: a newer link on the same channel replaces an older one
        newest[(link.officer_id, link.channel)] = link
    per_officer: dict[int, dict[str, store.LinkRow]] = {}
    for (officer_id, channel), link in newest.items():
        per_officer.setdefault(officer_id, {})[channel] = link
    chosen: dict[int, list[store.LinkRow]] = {}
    for officer_id, by_channel in per_officer.items():
        if preference == "all":
            chosen[officer_id] = [by_channel[c] for c in sorted(by_channel)]
        else:
            first = next((c for c in preference if c in by_channel), None)
            chosen[officer_id] = [by_channel[first]] if first else []
    return chosen


def policy_settings(config: Config) -> Settings:
    """The reminder policy's knobs, from [schedule] and [rules] of the (validated) config."""
    return Settings(
        lead_days=tuple(sorted({int(n) for n in config.schedule.lead_days if int(n) > 0})),
        escalate_after_days=config.schedule.escalate_after_days,
        weekly_summary_weekday=config.schedule.weekly_summary_weekday,
        due_soon_days=config.rules.due_soon_days,
        thresholds=Thresholds(
            fail=config.rules.fail_threshold, warning=config.rules.warning_threshold
        ),
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """A scan builds some 100,000 short-lived objects with no reference cycles (rows, tasks,
    items, texts); the cyclic collector running over them mid-scan costs a quarter of the
    scan's time (benchmarks/scan.py), so it waits until the scan is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Scanner:
    """Runs the reminder policy over storage and fills the outbox."""

    def __init__(
        self,
        engine: Engine,
        config: Config,
        calendar: WorkingCalendar,
        clock: Clock,
        messengers: Mapping[str, Messenger] | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.calendar = calendar
        self.clock = clock
        self.messengers = messengers or {}
        self.settings = policy_settings(config)
        self.preference = check_preference(config.schedule.channels)

    def today(self) -> date:
        return local_today(self.clock, self.config.timezone)

    def horizon(self, day: date) -> date:
        """The latest deadline whose lead day can fall on `day`: the furthest lead counted in
        working days, then through the days off that follow it."""
        furthest = self.calendar.add_working_days(day, max(self.settings.lead_days, default=0))
        return self.calendar.next_working_day(furthest) - timedelta(days=1)

    def compute(
        self,
        day: date | None = None,
        skip: set[tuple[int, str]] | None = None,
        skip_groups: set[tuple[int, str, str]] | None = None,
    ) -> ScanResult:
        """What is owed on `day` (today by default) and how it reads on each chat; writes
        nothing. Chats in `skip` (officer id, channel) and groups in `skip_groups` (unit id,
        channel, chat id) already have their row: not rendered."""
        with gc_paused():
            return self._compute(day or self.today(), skip, skip_groups)

    def _compute(
        self,
        day: date,
        skip: set[tuple[int, str]] | None,
        skip_groups: set[tuple[int, str, str]] | None = None,
    ) -> ScanResult:
        result = ScanResult(day=day, working_day=self.calendar.is_working_day(day))
        if not result.working_day:
            return result
        with self.engine.connect() as conn:
            # Every plan of the day's year (a plan imported for next year waits for its year),
            # and the unfinished tasks of a closed year carried into it (storage/carry.py).
            plan_ids = store.plan_ids_on(conn, day)
            if not plan_ids:
                return result
            year = store.plan_year_on(conn, day)
            followed = set(plan_ids)
            year_of = store.plan_year_of(conn)
            unit_rows = store.units(conn)
            code_of = {r.id: r.code for r in unit_rows}
            units = [UnitView(r.code, r.name, r.head_id) for r in unit_rows]
            officers = [
                OfficerView(r.id, r.name, code_of.get(r.unit_id, ""), r.role, code=r.code)
                for r in store.active_officers(conn)
            ]
            horizon = self.horizon(day)
            co_units: dict[int, tuple[str, ...]] = {}
            for task_id, unit_id in store.co_units_due_by(conn, plan_ids, day, horizon, year):
                co_units[task_id] = (*co_units.get(task_id, ()), code_of.get(unit_id, ""))
            tasks = [
                TaskView(
                    id=r.id,
                    unit=code_of.get(r.lead_unit_id, ""),
                    title=r.title,
                    deadline=r.deadline,
                    progress=r.progress,
                    snoozed_until=r.snoozed_until,
                    code=r.code,
                    written=r.written if r.written != r.deadline else None,
                    assignee_id=r.assignee_id,
                    co_units=co_units.get(r.id, ()),
                    carried_from=None if r.plan_id in followed else year_of.get(r.plan_id),
                )
                for r in store.open_tasks_due_by(conn, plan_ids, day, horizon, year)
            ]
            groups = store.group_chats(conn)
            absent = absence.stand_ins_of_connection(conn, day)
            links = choose_links(store.chat_links(conn), self.preference)
            plan_counts: dict[str, dict[Outcome, int]] | None = None
            if self._summary_wanted(day, officers, links, skip):
                plan_counts = store.plan_outcome_counts(
                    conn,
                    plan_ids,
                    day,
                    self.settings.due_soon_days,
                    code_of,
                    self.config.rules.counted_authorities,
                    self.config.approvals.extension_counts_late,
                )
        result.tasks_read = len(tasks)
        per_unit = unit_items(day, tasks, self.calendar, self.settings)
        result.digests = owed_on(
            day,
            tasks,
            officers,
            units,
            self.calendar,
            self.settings,
            plan_counts,
            per_unit,
            absent,
        )
        rendered: dict[RenderKey, tuple[list[Part], str, str]] = {}
        cache = RenderCache()
        for digest in result.digests:
            chats = links.get(digest.officer.id, [])
            if not chats:
                result.unlinked.append(digest)
            for link in chats:
                if skip and (digest.officer.id, link.channel) in skip:
                    result.already += 1
                    continue
                traits = traits_for(link.channel, self.messengers)
                parts, text, payload = self._render(
                    digest, traits, digest.summary is not None, rendered, cache
                )
                result.deliveries.append(
                    Delivery(digest, link.channel, link.chat_id, parts, text, payload, traits)
                )
        self._add_groups(result, per_unit, units, groups, skip_groups, rendered, cache)
        return result

    def _render(
        self,
        digest: Digest | GroupDigest,
        traits: ChannelTraits,
        with_summary: bool,
        rendered: dict[RenderKey, tuple[list[Part], str, str]],
        cache: RenderCache,
    ) -> tuple[list[Part], str, str]:
        """The digest's parts, text and payload for a channel. Officers of one unit (and the
        unit's groups) share the same items: each variant is rendered once per scan."""
        covering = digest.covering if isinstance(digest, Digest) else ()
        key = (id(digest.items), id(digest.unit), with_summary, traits, covering)
        if key not in rendered:
            parts = render_parts(
                digest, traits, self.settings.escalate_after_days, self.settings.thresholds, cache
            )
            rendered[key] = (parts, *encode(parts))
        return rendered[key]

    def _add_groups(
        self,
        result: ScanResult,
        per_unit: dict[str, tuple[Item, ...]],
        units: list[UnitView],
        groups: list[store.GroupChatRow],
        skip: set[tuple[int, str, str]] | None,
        rendered: dict[RenderKey, tuple[list[Part], str, str]],
        cache: RenderCache,
    ) -> None:
        """The unit group digests and their deliveries: one per linked group chat (on the
        channels of [schedule] channels) of a unit that owes anything."""
        chats: dict[str, list[store.GroupChatRow]] = {}
        for group in groups:
            if self.preference == "all" or group.channel in self.preference:
                chats.setdefault(group.unit_code, []).append(group)
        result.groups = group_digests(result.day, per_unit, units, chats.keys())
        for digest in result.groups:
            for chat in chats[digest.unit.code]:
                result.group_chats += 1
                if skip and (chat.unit_id, chat.channel, chat.chat_id) in skip:
                    result.already += 1
                    continue
                traits = traits_for(chat.channel, self.messengers)
                # A group reads as its unit's officers do: their rendering is reused.
                parts, text, payload = self._render(digest, traits, False, rendered, cache)
                result.group_deliveries.append(
                    Delivery(
                        digest,
                        chat.channel,
                        chat.chat_id,
                        parts,
                        text,
                        payload,
                        traits,
                        unit_id=chat.unit_id,
                    )
                )

    def _summary_wanted(
        self,
        day: date,
        officers: list[OfficerView],
        links: dict[int, list[store.LinkRow]],
        skip: set[tuple[int, str]] | None,
    ) -> bool:
        """The weekly summary counts every task of the plan (from the kept tallies, but a
        past day also reads the completions since): only on its day, and, when filling the
        outbox, only if a TCCB officer still has a chat without today's row."""
        tccb = [o for o in officers if o.role == ROLE_TCCB]
        if not tccb or not is_summary_day(
            day, self.calendar, self.settings.weekly_summary_weekday
        ):
            return False
        if skip is None:  # a preview shows everyone's digest
            return True
        return any((o.id, link.channel) not in skip for o in tccb for link in links.get(o.id, []))

    def run(self, day: date | None = None, trigger: str = "schedule") -> ScanResult:
        """Compute and write the outbox, and record the scan, in one transaction. Rows already
        written today (an earlier scan) are neither rendered nor written again."""
        started = self.clock.now()
        day = day or self.today()
        result = self.compute(
            day,
            store.outbox_keys(self.engine, DIGEST, day),
            store.group_outbox_keys(self.engine, GROUP_DIGEST, day),
        )
        rows = [d.row() for d in result.deliveries] + [d.row() for d in result.group_deliveries]
        with gc_paused(), self.engine.begin() as conn:
            result.written = store.write_outbox(conn, rows, started)
            # Another instance may have written some between our read and this insert.
            result.already += len(rows) - result.written
            store.record_scan(
                conn,
                result.day,
                started,
                self.clock.now(),
                len(result.digests) + len(result.groups),
                result.written,
                trigger,
            )
            # The ids of chat messages no messenger delivers again (storage/seen.py).
            seen.forget_old(conn, started)
        if result.working_day:
            # Approvers and confirmers hear, with their digest, what waits for them.
            result.waiting = approvals.owe_waiting_reminders(self.engine, result.day, started)
        log.info(
            "reminder scan %s: %d digests, %d chats, %d group chats, %d new outbox rows",
            result.day.isoformat(),
            len(result.digests),
            len(result.deliveries),
            len(result.group_deliveries),
            result.written,
        )
        return result
