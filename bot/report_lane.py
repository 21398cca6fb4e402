"""`/progress ID N [note]` in its plain case, answered without an ORM session.

Most of what officers send is a progress report on a task of their own unit. ChatService
answers that case here in a few statements on one connection (storage/report_lane.py); every
other case (a refusal, a question pending, a co-unit's part, a stand-in, a completion) is left
to the full path, which then handles the message from the start: nothing was written here.
The decision is the one the full path makes (rules.access), and so is the record."""

from __future__ import annotations

from datetime import date, datetime

from bot.messages import Incoming, Reply
from bot.parsing import Command, after_words, parse_id, parse_percent
from nhacviec.base import texts
from rules.access import Action, Actor, TaskScope, co_units_matter, decide
from rules.leave import covered_by
from storage import report_lane as lane
from storage.db import Engine


def plain_report(message: Incoming, command: Command) -> tuple[int, int, str | None] | None:
    """(task id, percent, note) of `/progress ID N [note]` below 100% in a private chat; None
    for anything else."""
    if message.is_group or command.name != "progress" or len(command.args) < 2:
        return None
    task_id = parse_id(command.args[0])
    percent = parse_percent(command.args[1])
    if task_id is None or percent is None or percent >= 100:
        return None
    return task_id, percent, after_words(command.rest, 2) or None


def answer_report(
    engine: Engine, message: Incoming, command: Command, today: date, now: datetime
) -> list[Reply] | None:
    """The reply to a plain progress report once it is committed; none if this very message
    was committed before (a redelivery: storage/seen.py); None (nothing written) when the
    report is not the plain case. What the database raises (SQLite's "database is locked"
    included) is raised after the transaction is rolled back."""
    report = plain_report(message, command)
    if report is None or not lane.available(engine):
        return None
    task_id, percent, note = report
    with engine.connect() as conn, conn.begin() as transaction:
        who = lane.reporter(conn, message.channel, message.identity, message.conversation)
        if who is None or who.pending:
            return None  # a stranger, or a question to drop first: the full path
        task = lane.lock_task(conn, task_id)
        if task is None or not task.open:
            transaction.rollback()
            return None
        actor = Actor(who.officer_id, who.unit_id, who.role)
        scope = TaskScope.of(task.lead_unit_id, (), task.assignee_id, task.state)
        if (
            co_units_matter(actor, scope)  # a co-unit's part, or a refusal to word
            or not decide(actor, Action.PROGRESS, scope)
            or covered_by(lane.stand_ins_on(conn, today), who.officer_id)
        ):
            transaction.rollback()
            return None
        written = lane.append_progress(
            conn, task, who.officer_id, percent, note, message.channel, now
        )
        if not written:
            transaction.rollback()
            return None
        key = message.message_key
        if key and not lane.remember(conn, message.channel, key, now):
            transaction.rollback()
            return []  # delivered twice: the first one's report stands
    return [Reply(texts.progress_reply(task.id, task.title, task.progress, percent), changed=True)]
