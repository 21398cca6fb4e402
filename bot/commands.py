"""Chat commands, independent of any messenger: parse, check who may act, act, reply.

Every refusal changes nothing and says why in Vietnamese."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.approval_commands import EVIDENCE, REASON, ApprovalCommands
from bot.gate import ChatGate
from bot.messages import Button, Incoming, Reply
from bot.parsing import (
    Command,
    after_words,
    clean,
    looks_like_id,
    parse_command,
    parse_id,
    parse_page,
    parse_percent,
)
from bot.people_commands import MOVE_STEP, PeopleCommands
from bot.report_lane import answer_report
from bot.status_view import status_replies
from bot.task_commands import DIALOG, TaskCommands, actor, refusal, scope, stale_press
from bot.tccb import TccbCommands
from nhacviec.base import texts
from nhacviec.base.clock import Clock, local_today
from nhacviec.base.config import Config
from nhacviec.base.errors import NhacviecError
from rules import Outcome, TaskFacts, days_overdue, outcome_on
from rules.access import Action, Decision, decide, decide_for
from rules.calendar import WorkingCalendar
from rules.docnumber import split_document_number
from storage import absence, approvals, repo, seen, web_sessions
from storage import tasks as task_store
from storage.db import (
    Engine,
    Session,
    connection,
    has_written,
    is_busy,
    quick_engine,
    session_scope,
)
from storage.models import ChatState, Officer, Plan, Task, TaskState, Unit

log = logging.getLogger(__name__)

TASKS_PER_PAGE = 8

# Commands whose work is a handful of indexed statements on one task: an officer's report.
# On a local SQLite file ChatService.answer runs them on the event loop, without a thread hop.
QUICK_COMMANDS = frozenset({"progress", "done"})


class _Twin(Exception):
    """The same message, delivered twice, was handled and committed elsewhere first."""


class _Busy(Exception):
    """SQLite's write lock was held by another writer: try again off the event loop."""


def task_buttons(task_id: int) -> list[Button]:
    """The three buttons under a task: done, update progress, remind me tomorrow."""
    return [
        Button(texts.BUTTON_DONE, f"done:{task_id}"),
        Button(texts.BUTTON_PROGRESS, f"prog:{task_id}"),
        Button(texts.BUTTON_SNOOZE, f"snooze:{task_id}"),
    ]


def task_line(task: TaskFacts, on: date, due_soon_days: int, progress: int) -> str:
    """A task of `/tasks`: its deadline, progress and how urgent it is."""
    outcome = outcome_on(task, on, due_soon_days)
    badge = ""
    if outcome is Outcome.OVERDUE:
        badge = texts.overdue_days_badge(days_overdue(task, on))
    elif outcome is Outcome.DUE_SOON and task.deadline is not None:
        left = (task.deadline - on).days
        badge = texts.TASKS_DUE_TODAY_BADGE if left == 0 else texts.days_left_badge(left)
    details = texts.deadline_details(
        task.deadline, progress, badge, task.written, task.carried_from
    )
    return texts.task_entry(task.id, task.title, details)


@dataclass(frozen=True)
class Checked:
    """A task an officer may act on (rules.access), for which act, and the absent officer in
    whose name they act (None: their own right)."""

    task: Task
    action: Action
    on_behalf: Officer | None
    locked: bool = False  # read under its lock (repo.locked_task), held until the commit


@dataclass(frozen=True)
class OfficerCard:
    """Who an officer is, for a list to pick from (the console chat)."""

    code: str
    name: str
    unit_code: str
    role: str


class ChatService:
    """Handles what any chat sends; one instance serves every messenger."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        config: Config,
        calendar: WorkingCalendar | None = None,
        bot_username: str | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.config = config
        self.calendar = calendar or WorkingCalendar(
            config.calendar.extra_holidays, config.calendar.extra_working_days
        )
        self.bot_username = bot_username
        self.gate = ChatGate()
        self._quick: Engine | Literal[False] | None = False  # made on first use
        self._commands: dict[str, Callable[[Session, Incoming, Officer, Command], list[Reply]]] = {
            "tasks": self._tasks,
            "done": self._done,
            "progress": self._progress,
            "status": self._status,
            "web": self._web,
        }
        self._commands.update(TccbCommands(self).handlers())
        self.task_commands = TaskCommands(self)
        self._commands.update(self.task_commands.handlers())
        self.people_commands = PeopleCommands(
            self.clock.now, lambda: self.today, self.config.timezone
        )
        self._commands.update(self.people_commands.handlers())
        self.approvals = ApprovalCommands(self)
        self._commands.update(self.approvals.handlers())

    @property
    def today(self) -> date:
        return local_today(self.clock, self.config.timezone)

    # -- entry points ---------------------------------------------------------------------

    async def answer(self, message: Incoming) -> list[Reply]:
        """`handle` for an adapter on an event loop. A quick command (QUICK_COMMANDS) on a
        local SQLite file is handled right on the loop: its work is a few statements of well
        under a millisecond, less than a hop to a worker thread and back costs; a plain
        progress report takes the report lane (bot/report_lane.py), without an ORM session.
        If another writer holds SQLite's write lock, it does not wait on the loop (every other
        chat would wait with it): nothing was written, and it is handled again in a worker
        thread, which waits for the lock as any command does. Everything else goes to a
        worker thread."""
        command = self._quick_command(message)
        quick = self._quick_engine() if command is not None else None
        if command is not None and quick is not None:
            try:
                return self._answer_quickly(quick, message, command)
            except _Busy:
                log.info("database busy: chat %s's command goes to a thread", message.chat_id)
        return await asyncio.to_thread(self.handle, message)

    def _answer_quickly(self, engine: Engine, message: Incoming, command: Command) -> list[Reply]:
        """A quick command on the event loop: the report lane, else the full path. _Busy when
        SQLite's write lock is held (nothing was written). A failure in the lane is logged and
        the full path answers (the lane's transaction was rolled back)."""
        message = replace(message, text=clean(message.text))
        try:
            replies = answer_report(engine, message, command, self.today, self.clock.now())
        except Exception as err:
            if is_busy(err):
                raise _Busy from err
            log.exception("report lane failed (chat %s): the full path answers", message.chat_id)
            replies = None
        if replies is not None:
            return replies
        return self._handle_on(engine, message, busy=_Busy)

    def _quick_command(self, message: Incoming) -> Command | None:
        text = message.text.lstrip()
        if not text.startswith("/"):
            return None
        command = parse_command(text, self.bot_username)
        return command if command is not None and command.name in QUICK_COMMANDS else None

    def _quick_engine(self) -> Engine | None:
        if self._quick is False:
            self._quick = quick_engine(self.engine)
        return self._quick

    def handle(self, message: Incoming) -> list[Reply]:
        """The replies to one message; a failure is logged and answered with an apology."""
        return self._handle_on(self.engine, message)

    def _handle_on(
        self, engine: Engine, message: Incoming, busy: type[Exception] | None = None
    ) -> list[Reply]:
        """`handle` on `engine`; with `busy`, SQLite's "database is locked" raises it instead
        of being answered with an apology (nothing was written)."""
        message = replace(message, text=clean(message.text))
        try:
            with session_scope(engine) as session:
                if self._seen_before(session, message):
                    return []
                replies = self._handle(session, message)
                self._remember(session, message)
                return replies
        except _Twin:
            log.info("message %s handled by a twin meanwhile: ignored", message.message_key)
            return []
        except NhacviecError as err:
            return [Reply(texts.explain(err))]
        except Exception as err:
            if busy is not None and is_busy(err):
                raise busy from err
            log.exception(
                "command failed (channel=%s, chat=%s, text=%r)",
                message.channel,
                message.chat_id,
                message.text[:80],
            )
            return [Reply(texts.SORRY)]

    @staticmethod
    def _seen_before(session: Session, message: Incoming) -> bool:
        """Whether this very message (by the messenger's id) was handled and committed."""
        key = message.message_key
        if key and seen.seen_before(connection(session), message.channel, key):
            log.info("message %s seen before: ignored", key)
            return True
        return False

    def _remember(self, session: Session, message: Incoming) -> None:
        """Record a message (with the messenger's id) whose command wrote something, in the
        same transaction (_Twin if its twin, delivered to another instance, committed first:
        all is rolled back)."""
        key = message.message_key
        if not key:
            return
        conn = connection(session)
        if has_written(conn) and not seen.remember(conn, message.channel, key, self.clock.now()):
            raise _Twin

    def press(self, channel: str, chat_id: str, data: str, sender_id: str | None = None) -> Reply:
        """A button press, checked exactly like the command it stands for; in a group the
        presser (`sender_id`) is who acts."""
        who = Incoming(channel, chat_id, "", sender_id=sender_id)
        data = clean(data)
        action, _, raw_id = data.partition(":")
        if action == DIALOG:
            # A dialog's button: the same as typing its value as the answer to its step.
            step, _, value = raw_id.partition(":")
            with session_scope(self.engine) as session:
                state = repo.chat_state(session, channel, who.conversation)
                if stale_press(state, step):
                    return Reply(texts.DIALOG_STALE)
            replies = self.handle(Incoming(channel, chat_id, value or "-", sender_id=sender_id))
            return replies[0] if replies else Reply(texts.DIALOG_CANCELLED)
        if action in (
            approvals.EXT_APPROVE,
            approvals.EXT_REFUSE,
            approvals.CONFIRM,
            approvals.RETURN,
        ):
            return self._press_decision(channel, chat_id, action, raw_id, sender_id)
        command = {"done": "done", "prog": "progress", "snooze": "snooze"}.get(action)
        if command is None or parse_id(raw_id) is None:
            return Reply(texts.UNKNOWN_COMMAND.format(command=clean(data)[:64]))
        try:
            with session_scope(self.engine) as session:
                officer = repo.officer_for_chat(session, channel, who.identity)
                if officer is None:
                    return Reply(texts.NOT_LINKED)
                if who.conversation != chat_id:  # pressed in a group
                    unit = repo.unit_for_group_chat(session, channel, chat_id)
                    if unit is None:
                        return Reply(texts.GROUP_NOT_LINKED)
                    if unit.id != officer.unit_id:
                        return Reply(texts.GROUP_OTHER_UNIT.format(unit=unit.name))
                if command == "done":
                    return self._done(
                        session,
                        Incoming(channel, chat_id, f"/done {raw_id}", sender_id=sender_id),
                        officer,
                        Command("done", [raw_id], raw_id),
                    )[0]
                task = self._own_task(session, officer, raw_id, Action.PROGRESS)
                if isinstance(task, Reply):
                    return task
                if command == "snooze":
                    return self._snooze(session, task)
                return self._ask_percent(session, channel, who.conversation, task)
        except Exception:
            log.exception("button failed (channel=%s, chat=%s, data=%r)", channel, chat_id, data)
            return Reply(texts.SORRY)

    def _press_decision(
        self, channel: str, chat_id: str, action: str, raw_id: str, sender_id: str | None
    ) -> Reply:
        """Đồng ý / Từ chối an extension, Xác nhận / Trả lại a completion."""
        who = Incoming(channel, chat_id, "", sender_id=sender_id)
        if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 9:
            return Reply(texts.UNKNOWN_COMMAND.format(command=action))
        try:
            with session_scope(self.engine) as session:
                officer = repo.officer_for_chat(session, channel, who.identity)
                if officer is None:
                    return Reply(texts.NOT_LINKED)
                repo.clear_chat_states(session, channel, who.conversation)
                return self.approvals.press(
                    session, officer, channel, who.conversation, action, int(raw_id)
                )
        except Exception:
            log.exception("button failed (channel=%s, chat=%s, data=%s)", channel, chat_id, action)
            return Reply(texts.SORRY)

    def is_linked(self, channel: str, identity: str) -> bool:
        """Whether a chat acts as an officer (a file from a stranger is not even fetched)."""
        with session_scope(self.engine) as session:
            return repo.officer_for_chat(session, channel, identity) is not None

    def attach(
        self,
        message: Incoming,
        data: bytes,
        content_type: str,
        original_name: str | None = None,
        mention: str | None = None,
    ) -> Reply | None:
        """A photo or file a chat sent: evidence of a task (see ApprovalCommands.attach); None
        for a redelivery of one already kept (storage/seen.py)."""
        try:
            with session_scope(self.engine) as session:
                if self._seen_before(session, message):
                    return None
                officer = repo.officer_for_chat(session, message.channel, message.identity)
                if officer is None:
                    return Reply(texts.NOT_LINKED)
                reply = self.approvals.attach(
                    session, message, officer, data, content_type, original_name, mention
                )
                self._remember(session, message)
                return reply
        except _Twin:
            return None
        except Exception:
            log.exception(
                "attachment failed (channel=%s, chat=%s)", message.channel, message.chat_id
            )
            return Reply(texts.SORRY)

    # -- the console's stand-in for the admin --------------------------------------------

    def officer_directory(self) -> list[OfficerCard]:
        """Every officer with their unit, by code."""
        with session_scope(self.engine) as session:
            return [
                OfficerCard(o.code, o.name, unit_code, o.role)
                for o, unit_code in repo.officers_with_units(session)
            ]

    def console_sign_in(
        self, channel: str, code: str, link_days: int
    ) -> tuple[OfficerCard, str | None] | None:
        """The officer `code` and, unless this channel is linked to them already, a fresh link
        code the console then types as `/start CODE`, as an admin would hand it over."""
        with session_scope(self.engine) as session:
            officer = repo.officer_by_code(session, code)
            if officer is None:
                return None
            unit = repo.get_unit(session, officer.unit_id)
            card = OfficerCard(officer.code, officer.name, unit.code if unit else "", officer.role)
            if repo.officer_for_chat(session, channel, officer.code) is not None:
                return card, None
            return card, repo.new_link_code(session, officer, self.clock.now(), link_days).code

    # -- what a messenger tells about group chats ------------------------------------------

    def group_chat_moved(self, channel: str, old_chat_id: str, new_chat_id: str) -> bool:
        """A group changed its id (a Telegram group upgraded to a supergroup): its unit link
        and its reminders follow. True if it was linked."""
        with session_scope(self.engine) as session:
            return repo.move_group_chat(session, channel, old_chat_id, new_chat_id)

    def group_chat_left(self, channel: str, chat_id: str) -> str | None:
        """The bot was removed from a group: unlink it; the unit's code if it was linked."""
        with session_scope(self.engine) as session:
            unit = repo.unlink_group_chat(session, channel, chat_id)
            return unit.code if unit is not None else None

    # -- dispatch --------------------------------------------------------------------------

    def _handle(self, session: Session, message: Incoming) -> list[Reply]:
        command = parse_command(message.text, self.bot_username)
        if command is None and message.text.strip().startswith("/"):
            return []  # addressed to another bot in a group
        now = self.clock.now().timestamp()
        linking = command is not None and command.name == "start" and bool(command.args)
        group_unit: Unit | None = None
        if message.is_group:
            # Only a unit's own group is a place for its tasks: an unrelated group gets one
            # explanation, then nothing, so nobody reads a unit's tasks where they should not.
            group_unit = repo.unit_for_group_chat(session, message.channel, message.chat_id)
            if group_unit is None and not linking:
                if command is None or not self.gate.first_time(
                    (message.channel, message.chat_id), now
                ):
                    return []
                log.info("unlinked group %s:%s told once", message.channel, message.chat_id)
                return [Reply(texts.GROUP_NOT_LINKED)]
        if linking:
            assert command is not None
            return self._start(session, message, command, now)
        officer = repo.officer_for_chat(session, message.channel, message.identity)
        if officer is None:
            if command is None and message.is_group:
                return []  # a group member's own talk, not for the bot
            # A stranger is answered at most once a minute, whatever they send (the local
            # console is no stranger: whoever types there runs nhacviec).
            key = (message.channel, message.conversation)
            if message.channel != "console" and not self.gate.may_answer_stranger(key, now):
                return []
        elif (
            group_unit is not None
            and officer.unit_id != group_unit.id
            and (command is None or command.name not in ("help", "start"))
        ):
            return [Reply(texts.GROUP_OTHER_UNIT.format(unit=group_unit.name))]
        if command is None:
            return self._answer(session, message, officer)
        if command.name == "start":
            return [Reply(self._help(officer) if officer else texts.START_USAGE)]
        if command.name == "help":
            return [Reply(self._help(officer))]
        handler = self._commands.get(command.name)
        if handler is None:
            return [Reply(texts.UNKNOWN_COMMAND.format(command="/" + command.name[:32]))]
        if officer is None:
            return [Reply(texts.NOT_LINKED)]
        repo.clear_chat_states(session, message.channel, message.conversation)
        return handler(session, message, officer, command)

    def _help(self, officer: Officer | None) -> str:
        if officer is None:
            return texts.HELP_UNLINKED
        lines = [texts.HELP_COMMON, texts.HELP_TASK, texts.HELP_APPROVALS, texts.HELP_LEAVE]
        who = actor(officer)
        if officer.role in ("head", "tccb", "admin"):
            lines.append(texts.HELP_DECIDE)
        if decide(who, Action.STATUS_ALL):
            lines.append(texts.HELP_STATUS_ALL)
        elif decide(who, Action.STATUS_OWN):
            lines.append(texts.HELP_STATUS_OWN)
        # Each line only to those its command lets through: the director and the follow-up
        # officer read the areas and the report, TCCB also records scores and inspections.
        if decide(who, Action.REPORT):
            lines.append(texts.HELP_READ_FIGURES)
        if decide(who, Action.FOLLOW_UP):
            lines.append(texts.HELP_FOLLOW_UP)
        if decide(who, Action.ASSIGN):
            lines.append(texts.HELP_PLAN_KEEPER)
        if decide(who, Action.PEOPLE):
            lines.append(texts.HELP_PEOPLE)
        return "\n".join(lines)

    # -- /start ------------------------------------------------------------------------------

    def _start(
        self, session: Session, message: Incoming, command: Command, now: float
    ) -> list[Reply]:
        """`/start CODE`: link this chat (an officer's code) or this group (a unit's code).
        Wrong codes are counted per chat: after five, codes are refused for ten minutes."""
        key = (message.channel, message.chat_id)
        left = self.gate.locked_for(key, now)
        if left > 0:
            if not self.gate.may_answer_stranger(("locked", *key), now):
                return []
            return [Reply(texts.link_locked(left))]
        code = command.args[0]
        try:
            if repo.is_group_code(session, code):
                if not message.is_group:
                    return [Reply(texts.GROUP_CODE_IN_PRIVATE)]
                unit = repo.consume_group_code(
                    session, code, message.channel, message.chat_id, self.clock.now()
                )
                reply = Reply(texts.group_linked(unit.name))
            else:
                officer = repo.consume_link_code(
                    session, code, message.channel, message.identity, self.clock.now()
                )
                own = repo.get_unit(session, officer.unit_id)
                reply = Reply(texts.linked(officer.name, own.name if own else "", officer.role))
        except repo.LinkError as err:
            wrong = self.gate.code_failed(key, now)
            # Never the code itself: a near miss of a real code is half of it.
            log.warning(
                "link code refused (%s) in chat %s:%s, %d wrong in a row",
                err.reason,
                message.channel,
                message.chat_id,
                wrong,
            )
            if wrong >= self.gate.wrong_codes:
                self.gate.may_answer_stranger(("locked", *key), now)  # told now: not again soon
                return [Reply(texts.link_locked(self.gate.lockout))]
            return [Reply(texts.explain(err))]
        self.gate.code_worked(key)
        return [reply]

    # -- /tasks ------------------------------------------------------------------------------

    def _plans(self, session: Session) -> list[Plan]:
        """Every plan today follows (repo.plans_on): the plans of this year."""
        return repo.plans_on(session, self.today)

    def _tasks(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        plans = self._plans(session)
        unit = repo.get_unit(session, officer.unit_id)
        if not plans or unit is None:
            return [Reply(texts.NO_PLAN)]
        ids = [p.id for p in plans if p.id is not None]
        # The unfinished tasks of a closed year carried into this one are listed too, marked.
        year = plans[0].year
        tasks = repo.open_tasks_of_unit(session, officer.unit_id, ids, year)
        co_tasks = task_store.open_co_tasks_of_unit(session, officer.unit_id, ids, year)
        year_of = repo.plan_year_of(session)

        def carried_from(task: Task) -> int | None:
            return None if task.plan_id in ids else year_of.get(task.plan_id)

        lead_ids = {t.id for t in tasks}
        tasks += co_tasks
        if not tasks:
            return [Reply(texts.no_open_tasks(unit.name))]
        page = (parse_page(command.args[0]) if command.args else None) or 1
        pages = (len(tasks) + TASKS_PER_PAGE - 1) // TASKS_PER_PAGE
        page = min(max(page, 1), pages)
        shown = tasks[(page - 1) * TASKS_PER_PAGE : page * TASKS_PER_PAGE]
        today = self.today
        lines = [texts.open_tasks_header(unit.name, len(lead_ids))]
        if co_tasks:
            lines[0] += f" · {len(co_tasks)} {texts.CO_UNIT_MARK}"
        buttons = []
        units = repo.units_by_id(session) if co_tasks else {}
        co_header = False
        for task in shown:
            if task.id not in lead_ids:
                if not co_header:
                    lines.append(texts.TASKS_CO_HEADER)
                    co_header = True
                facts = TaskFacts(
                    id=task.id or 0,
                    code=task.code,
                    unit=units[task.lead_unit_id].code,
                    deadline=task.due,
                    title=task.title,
                    progress=task.progress,
                    written=task.deadline if task.deadline != task.due else None,
                    carried_from=carried_from(task),
                )
                line = task_line(facts, today, self.config.rules.due_soon_days, task.progress)
                lines.append(f"{line} · {texts.CO_UNIT_MARK} {texts.co_task_lead(facts.unit)}")
                buttons.append([task_buttons(task.id or 0)[1]])
                continue
            facts = TaskFacts(
                id=task.id or 0,
                code=task.code,
                unit=unit.code,
                deadline=task.due,
                title=task.title,
                progress=task.progress,
                written=task.deadline if task.deadline != task.due else None,
                carried_from=carried_from(task),
            )
            lines.append(task_line(facts, today, self.config.rules.due_soon_days, task.progress))
            buttons.append(task_buttons(task.id or 0))
        if page < pages:
            lines.append(texts.tasks_next_page(page, pages))
        first = shown[0].id
        return [
            Reply(
                "\n".join(lines),
                buttons=buttons,
                commands_hint=texts.tasks_hint(first),
            )
        ]

    # -- /done and /progress ---------------------------------------------------------------

    def _own_task(
        self, session: Session, officer: Officer, raw_id: str, action: Action = Action.DONE
    ) -> Task | Reply:
        """The task named by `raw_id` if the officer may do `action` on it (rules.access: its
        lead unit, or for progress a co-unit, or an absent officer's they stand in for), else
        the refusal."""
        checked = self._checked_task(session, officer, raw_id, action)
        return checked if isinstance(checked, Reply) else checked.task

    def _checked_task(
        self, session: Session, officer: Officer, raw_id: str, action: Action, lock: bool = False
    ) -> Checked | Reply:
        """`_own_task`, keeping whose right it was, so the act that follows is not decided
        a second time (each decision reads the day's leaves and the task's co-units). `lock`:
        the task is read under its lock (repo.locked_task) rather than read, checked, then
        locked and read again to be changed."""
        task_id = parse_id(raw_id)
        if task_id is None:
            # Digits too large for any id name no task; anything else is no id at all.
            if looks_like_id(raw_id):
                return Reply(texts.NO_TASK.format(id=texts.shorten(raw_id.lstrip("#"), 24)))
            return Reply(texts.BAD_ID.format(value=texts.shorten(raw_id, 24)))
        task = repo.locked_task(session, task_id) if lock else repo.get_task(session, task_id)
        if task is None:
            return Reply(texts.NO_TASK.format(id=task_id))
        allowed, absent = self._decide_for(session, officer, action, task)
        if not allowed:
            return refusal(allowed, task.id)
        if task.state == TaskState.DONE:
            return self._already_done(task)
        if task.state == TaskState.REPORTED:
            return Reply(texts.TASK_ERRORS["awaiting"].format(value=task.id))
        return Checked(task, action, absent, lock)

    def _decide_for(
        self, session: Session, officer: Officer, action: Action, task: Task
    ) -> tuple[Decision, Officer | None]:
        """rules.access.decide_for: the officer's own rights, or those of an absent officer
        they stand in for today (then that officer is returned: the act is in their name)."""
        covered = absence.covering(session, officer, self.today)
        allowed, absent = decide_for(
            actor(officer), action, scope(session, task), [actor(o) for o in covered]
        )
        if absent is None:
            return allowed, None
        return allowed, next(o for o in covered if o.id == absent.officer_id)

    def _done(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if not command.args:
            return [Reply(texts.DONE_USAGE)]
        ids = [a for a in command.args if looks_like_id(a)]
        if len(command.args) > 1 and command.args[1] in ids:
            # `/done 101 102 167`: one id a time, nothing recorded (not 101 with a note).
            shown = " ".join(ids)
            return [Reply(texts.DONE_ONE_ID.format(ids=shown, first=ids[0].lstrip("#")))]
        checked = self._checked_task(session, officer, command.args[0], Action.DONE)
        if isinstance(checked, Reply):
            return [checked]
        number, note = split_document_number(after_words(command.rest, 1) or "")
        task, absent = checked.task, checked.on_behalf
        return [self._report_done(session, message, task, officer, note or None, number, absent)]

    def _progress(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if len(command.args) < 2:
            return [Reply(texts.PROGRESS_USAGE)]
        # Read under the lock at once: a report is the likely outcome, and it is then made on
        # the task as read here (no second read).
        checked = self._checked_task(session, officer, command.args[0], Action.PROGRESS, True)
        if isinstance(checked, Reply):
            return [checked]
        task = checked.task
        percent = parse_percent(command.args[1])
        if percent is None:
            return [Reply(texts.BAD_PERCENT.format(id=task.id))]
        if percent >= 100 and task.lead_unit_id != officer.unit_id:
            done = self._own_task(session, officer, command.args[0], Action.DONE)
            if isinstance(done, Reply):
                return [done]
        note = after_words(command.rest, 2) or None
        return [self._record(session, task, officer, percent, note, message.channel, checked)]

    def _record(
        self,
        session: Session,
        task: Task,
        officer: Officer,
        percent: int,
        note: str | None,
        channel: str,
        checked: Checked | None = None,
    ) -> Reply:
        """Record a report the officer may make (checked by the caller: `checked` when the
        check was for this very act, which is then not decided again)."""
        today = self.today
        # A substitute reports in the absent officer's name ("CB012 thay CB009").
        action = Action.DONE if percent >= 100 else Action.PROGRESS
        locked = checked is not None and checked.task is task and checked.locked
        if checked is not None and checked.task is task and checked.action is action:
            absent = checked.on_behalf
        else:
            _allowed, absent = self._decide_for(session, officer, action, task)
        unit_id = absent.unit_id if absent is not None else officer.unit_id
        if task.lead_unit_id != unit_id:
            # A co-unit reports on its part: kept in the story, the task's percent unchanged.
            task_store.co_progress(
                session, task, officer, percent, note, channel, self.clock.now(), absent
            )
            return Reply(texts.co_progress_reply(task.id or 0, task.title, percent), changed=True)
        if percent >= 100:
            message = Incoming(channel, "", "")
            return self._report_done(session, message, task, officer, note, None, absent)
        try:
            recorded = repo.record_progress(
                session,
                repo.ProgressRecord(
                    task=task,
                    officer=officer,
                    percent=percent,
                    note=note,
                    channel=channel,
                    at=self.clock.now(),
                    on=today,
                    on_behalf=absent,
                    locked=locked,
                ),
            )
        except repo.TaskAlreadyDone as done:
            # Someone completed (or cancelled) it while this message was on its way.
            return self._already_done(done.task)
        return Reply(
            texts.progress_reply(task.id or 0, task.title, recorded.before, percent),
            changed=True,
        )

    @staticmethod
    def _already_done(task: Task) -> Reply:
        """Done, awaiting confirmation or cancelled (found so under the lock a moment ago):
        nothing was recorded."""
        if task.state == TaskState.CANCELLED:
            return Reply(texts.ACCESS_REFUSALS["cancelled"].format(id=task.id))
        if task.state == TaskState.REPORTED:
            return Reply(texts.TASK_ERRORS["awaiting"].format(value=task.id))
        return Reply(texts.ALREADY_DONE.format(id=task.id, day=texts.d(task.completed_on)))

    def _report_done(
        self,
        session: Session,
        message: Incoming,
        task: Task,
        officer: Officer,
        note: str | None,
        number: str | None,
        on_behalf: Officer | None = None,
    ) -> Reply:
        """/done, the Xong button or 100%: done at once, or awaiting its confirmer (config
        [approvals] confirm_completion); then the next photo or file is its evidence."""
        today = self.today
        who = task_store.Who(officer, message.channel, self.clock.now(), today, on_behalf)
        try:
            reported = approvals.report_done(
                session, task.id or 0, who, self.config.approvals, note, number
            )
        except approvals.AlreadyDone as done:
            return Reply(
                texts.ALREADY_DONE.format(id=done.task.id, day=texts.d(done.task.completed_on))
            )
        except task_store.TaskError as err:
            return Reply(err.text())
        # Judged against the effective deadline: due Saturday, done Monday is on time.
        late = (today - task.due).days if task.due else 0
        if message.chat_id:
            self.approvals.offer_evidence(session, message, task.id or 0)
        if reported.awaiting:
            text = texts.done_awaiting(task.id or 0, task.title, today, late, reported.step or "")
        else:
            text = texts.done_reply(task.id or 0, task.title, today, late)
        if number:
            text += "\n" + texts.document_line(number)
        if message.chat_id:
            text += f"\n{texts.EVIDENCE_OFFER}"
        return Reply(text, changed=True)

    # -- buttons: snooze and the two-step progress question ---------------------------------

    def _snooze(self, session: Session, task: Task) -> Reply:
        """Skip reminders for this task until the next working day."""
        until = self.calendar.next_working_day(self.today)
        if repo.snooze_task(session, task, until) is None:
            return self._already_done(task)
        return Reply(
            texts.snoozed(task.id, until, task.title),
            changed=True,
        )

    def _ask_percent(self, session: Session, channel: str, chat_id: str, task: Task) -> Reply:
        repo.clear_chat_states(session, channel, chat_id)
        repo.save_chat_state(
            session,
            ChatState(
                channel=channel,
                chat_id=chat_id,
                awaiting="percent",
                task_id=task.id or 0,
                created_at=self.clock.now(),
            ),
        )
        return Reply(
            texts.ask_percent(task.id, task.progress),
            expects_answer=True,
        )

    def _answer(self, session: Session, message: Incoming, officer: Officer | None) -> list[Reply]:
        """Plain text: the answer to a question the bot asked, or a nudge to use a command."""
        state = repo.chat_state(session, message.channel, message.conversation)
        if state is None or officer is None:
            if message.is_group:
                return []
            return [Reply(texts.NOT_A_COMMAND if officer else texts.NOT_LINKED)]
        if state.awaiting.startswith(("giao:", "sua:")):
            return self.task_commands.answer(session, state, message, officer)
        if state.awaiting == MOVE_STEP:
            return self.people_commands.answer(session, state, message, officer)
        if state.awaiting.startswith(REASON):
            return self.approvals.answer_reason(session, state, message, officer)
        if state.awaiting == EVIDENCE:
            repo.drop_chat_state(session, state)
            return [Reply(texts.NOT_A_COMMAND)]
        checked = self._checked_task(session, officer, str(state.task_id), Action.PROGRESS)
        if isinstance(checked, Reply):
            repo.drop_chat_state(session, state)
            return [checked]
        task = checked.task
        text = message.text.strip()
        if state.awaiting == "percent":
            percent = parse_percent(text)
            if percent is None:
                return [
                    Reply(
                        texts.PERCENT_AGAIN,
                        expects_answer=True,
                    )
                ]
            state.percent, state.awaiting = percent, "note"
            repo.save_chat_state(session, state)
            return [
                Reply(
                    texts.ask_note(percent),
                    expects_answer=True,
                )
            ]
        note = None if text in ("-", "") else text
        repo.drop_chat_state(session, state)
        percent = state.percent or 0
        return [self._record(session, task, officer, percent, note, message.channel, checked)]

    # -- /web -----------------------------------------------------------------------------

    def _web(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        """A one-time sign-in link, only in a private chat: in a group others could use it."""
        if message.is_group:
            return [Reply(texts.WEB_IN_GROUP)]
        try:
            url, expires = web_sessions.login_link(
                session, officer, self.clock.now(), self.config.web, message.channel
            )
        except web_sessions.LoginLimited as limited:
            return [Reply(texts.WEB_LIMITED.format(n=limited.issued))]
        return [Reply(texts.web_link(url, expires, self.config.timezone))]

    # -- /status -----------------------------------------------------------------------------

    def _status(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        plans = self._plans(session)
        if not plans:
            return [Reply(texts.NO_PLAN)]
        who = actor(officer)
        if not decide(who, Action.STATUS_OWN):
            return [Reply(texts.STATUS_REFUSED)]
        # `/status [UNIT] [PAGE]`: a number alone is a page of one's own unit (a head's view).
        args = list(command.args)
        page = parse_page(args[-1]) if args else None
        if page is not None:
            args.pop()
        page = page or 1
        unit_code = args[0] if args else None
        if not decide(who, Action.STATUS_ALL):
            own = repo.get_unit(session, officer.unit_id)
            if unit_code and own and unit_code.upper() != own.code.upper():
                return [Reply(texts.STATUS_OTHER_UNIT)]
            unit_code = own.code if own else None
        if unit_code and repo.unit_by_code(session, unit_code) is None:
            return [Reply(texts.NO_UNIT.format(code=unit_code))]
        return status_replies(
            session,
            plans,
            self.today,
            self.config,
            unit_code,
            with_chart=message.channel != "console",
            page=page,
        )
