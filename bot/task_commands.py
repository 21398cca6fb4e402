"""The living plan in chat: /giao (step by step), /sua, /huy, /task (alias /xem).

Every decision of who may do what is rules.access's; every change goes through storage.tasks,
which records its event and owes its notices. A dialog keeps its answers in the chat's state:
each answer can be a button press (Telegram) or typed (Zalo, console); "huỷ" stops it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.messages import Button, Incoming, Reply
from nhacviec.base import texts
from rules import days_late
from rules.access import Action, Actor, Decision, TaskScope, decide
from rules.approvals import judged
from rules.recurrence import RecurrenceError, parse_recurrence
from rules.textnorm import fold
from storage import approvals, dialogs, repo
from storage import tasks as store
from storage.db import Session
from storage.models import ChatState, Officer, Task, TaskState

if TYPE_CHECKING:
    from bot.commands import ChatService, Command

Handler = Callable[[Session, Incoming, Officer, "Command"], list[Reply]]

# Button data "g:STEP:VALUE" answers the dialog's step STEP with VALUE, as if typed; a button
# of a step already answered (an older message) is refused instead of answering another step.
DIALOG = "g"
GIAO_STEPS = ("unit", "title", "deadline", "authority", "document", "officer", "co_units")
EDITABLE = ("title", "deadline", "lead_unit", "assignee", "co_units", "authority", "document")
STORY_LINES = 12


def actor(officer: Officer) -> Actor:
    return Actor(officer.id or 0, officer.unit_id, officer.role, officer.active)


def scope(session: Session, task: Task) -> TaskScope:
    return TaskScope.of(
        task.lead_unit_id, store.co_unit_ids(session, task.id or 0), task.assignee_id, task.state
    )


def refusal(decision: Decision, task_id: int | None = None) -> Reply:
    reason = decision.reason.value if decision.reason else "other_unit"
    return Reply(texts.ACCESS_REFUSALS[reason].format(id=task_id or ""))


def _rows(buttons: list[Button], per_row: int = 3) -> list[list[Button]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _is_cancel(text: str) -> bool:
    return fold(text) in {fold(w) for w in texts.DIALOG_WORDS_CANCEL}


class TaskCommands:
    def __init__(self, service: ChatService) -> None:
        self.service = service

    def handlers(self) -> dict[str, Handler]:
        return {
            "giao": self.giao,
            "sua": self.sua,
            "huy": self.huy,
            "task": self.show,
            "xem": self.show,
            "history": self.show,
        }

    def who(self, officer: Officer, channel: str) -> store.Who:
        return store.Who(officer, channel, self.service.clock.now(), self.service.today)

    # -- /giao -----------------------------------------------------------------------------

    def giao(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        allowed = decide(actor(officer), Action.ASSIGN)
        if not allowed:
            return [refusal(allowed)]
        if repo.current_plan(session) is None:
            return [Reply(texts.NO_PLAN)]
        dialogs.put(
            session,
            message.channel,
            message.conversation,
            "giao:unit",
            {},
            self.service.clock.now(),
        )
        return [self._ask(session, "unit", {})]

    def _ask(self, session: Session, step: str, draft: dict[str, Any]) -> Reply:
        """The question of a /giao step, with its buttons and typed hint."""
        buttons: list[Button] = []
        hint = texts.GIAO_HINT_SKIP
        if step == "unit":
            units = sorted(repo.units_by_id(session).values(), key=lambda u: u.code)
            buttons = [Button(u.code, f"{DIALOG}:{step}:{u.code}") for u in units]
            return Reply(
                texts.GIAO_ASK_UNIT, _rows(buttons), commands_hint=hint, expects_answer=True
            )
        if step == "title":
            return Reply(texts.GIAO_ASK_TITLE, commands_hint=hint, expects_answer=True)
        if step == "deadline":
            return Reply(
                texts.GIAO_ASK_DEADLINE,
                [[Button(texts.BUTTON_NONE, f"{DIALOG}:{step}:-")]],
                commands_hint=hint,
                expects_answer=True,
            )
        if step == "authority":
            buttons = [Button(a, f"{DIALOG}:{step}:{a}") for a in texts.AUTHORITIES]
            buttons.append(Button(texts.BUTTON_NONE, f"{DIALOG}:{step}:-"))
            return Reply(
                texts.GIAO_ASK_AUTHORITY,
                _rows(buttons, 2),
                commands_hint=hint,
                expects_answer=True,
            )
        if step == "document":
            return Reply(
                texts.GIAO_ASK_DOCUMENT,
                [[Button(texts.BUTTON_NONE, f"{DIALOG}:{step}:-")]],
                commands_hint=hint,
                expects_answer=True,
            )
        if step == "officer":
            unit = store.unit_by_code(session, draft["unit"])
            people = store.officers_of_unit(session, unit.id or 0)
            buttons = [Button(f"{o.code} {o.name}", f"{DIALOG}:{step}:{o.code}") for o in people]
            buttons.append(Button(texts.BUTTON_NONE, f"{DIALOG}:{step}:-"))
            listed = ", ".join(o.code for o in people) or texts.NO_VALUE
            return Reply(
                texts.GIAO_ASK_OFFICER.format(unit=unit.code, officers=listed),
                _rows(buttons, 1),
                commands_hint=hint,
                expects_answer=True,
            )
        if step == "co_units":
            return Reply(
                texts.GIAO_ASK_CO_UNITS,
                [[Button(texts.BUTTON_NONE, f"{DIALOG}:{step}:-")]],
                commands_hint=hint,
                expects_answer=True,
            )
        # confirm
        return Reply(
            f"{texts.GIAO_CONFIRM}\n{self._summary(session, draft)}",
            [
                [
                    Button(texts.BUTTON_GIAO, f"{DIALOG}:confirm:ok"),
                    Button(texts.BUTTON_DROP, f"{DIALOG}:confirm:huy"),
                ]
            ],
            commands_hint=texts.GIAO_HINT_CONFIRM,
            expects_answer=True,
        )

    def _summary(self, session: Session, draft: dict[str, Any]) -> str:
        unit = store.unit_by_code(session, draft["unit"])
        deadline = store.parse_day(draft["deadline"]) if draft.get("deadline") else None
        return texts.giao_summary(
            f"{unit.code} – {unit.name}",
            draft["title"],
            deadline,
            draft.get("authority") or texts.NO_VALUE,
            draft.get("document"),
            draft.get("officer") or texts.WHOLE_UNIT,
            ", ".join(draft.get("co_units", [])) or texts.NO_CO_UNITS,
        )

    def _giao_answer(
        self, session: Session, state: ChatState, message: Incoming, officer: Officer, text: str
    ) -> Reply:
        step = state.awaiting.partition(":")[2]
        draft = dialogs.draft_of(state)
        skip = text.strip() in ("", "-")
        try:
            if step == "unit":
                draft["unit"] = store.unit_by_code(session, text).code
            elif step == "title":
                if skip:
                    raise store.TaskError("no_title")
                draft["title"] = " ".join(text.split())
            elif step == "deadline":
                draft["deadline"] = None if skip else texts.d(store.parse_day(text))
            elif step == "authority":
                draft["authority"] = None if skip else text.strip()
            elif step == "document":
                draft["document"] = None if skip else text.strip()
            elif step == "officer":
                if skip:
                    draft["officer"] = None
                else:
                    person = store.officer_by_code(session, text)
                    unit = store.unit_by_code(session, draft["unit"])
                    if person.unit_id != unit.id:
                        raise store.TaskError("assignee_other_unit", person.code)
                    draft["officer"] = person.code
            elif step == "co_units":
                units = [] if skip else store.units_by_codes(session, text)
                draft["co_units"] = [u.code for u in units if u.code != draft["unit"]]
            elif step == "confirm":
                if fold(text) not in ("ok", "giao", "dong y", "co"):
                    return Reply(texts.GIAO_HINT_CONFIRM, expects_answer=True)
                dialogs.clear(session, state)
                return self._add(session, message, officer, draft)
        except store.TaskError as err:
            again = self._ask(session, step, draft)
            again.text = f"{err.text()}\n{again.text}"
            return again
        following = GIAO_STEPS[GIAO_STEPS.index(step) + 1] if step != GIAO_STEPS[-1] else "confirm"
        dialogs.put(
            session,
            state.channel,
            state.chat_id,
            f"giao:{following}",
            draft,
            self.service.clock.now(),
        )
        return self._ask(session, following, draft)

    def _add(
        self, session: Session, message: Incoming, officer: Officer, draft: dict[str, Any]
    ) -> Reply:
        deadline = store.parse_day(draft["deadline"]) if draft.get("deadline") else None
        plan = repo.plan_for_new_task(session, self.service.today, deadline)
        if plan is None or plan.id is None:
            return Reply(texts.NO_PLAN)
        unit = store.unit_by_code(session, draft["unit"])
        assignee = (
            store.officer_by_code(session, draft["officer"]) if draft.get("officer") else None
        )
        task = store.add_task(
            session,
            store.NewTask(
                plan_id=plan.id,
                title=draft["title"],
                lead_unit_id=unit.id or 0,
                deadline=deadline,
                authority=draft.get("authority"),
                document=draft.get("document"),
                assignee_id=assignee.id if assignee else None,
                co_unit_ids=[
                    store.unit_by_code(session, c).id or 0 for c in draft.get("co_units", [])
                ],
            ),
            self.who(officer, message.channel),
        )
        told = len(store.notice_rows(session, task.id or 0))
        return Reply(
            texts.task_added(task.id or 0, task.title, unit.code, task.deadline, told),
            changed=True,
        )

    # -- answers and button presses of a dialog -----------------------------------------------

    def answer(
        self, session: Session, state: ChatState, message: Incoming, officer: Officer
    ) -> list[Reply]:
        """A typed answer (or a pressed button's value) to the dialog's current step."""
        text = message.text.strip()
        if _is_cancel(text):
            dialogs.clear(session, state)
            return [Reply(texts.DIALOG_CANCELLED, changed=True)]
        kind = state.awaiting.partition(":")[0]
        if kind == "giao":
            if not decide(actor(officer), Action.ASSIGN):
                dialogs.clear(session, state)
                return [refusal(decide(actor(officer), Action.ASSIGN))]
            return [self._giao_answer(session, state, message, officer, text)]
        return [self._sua_answer(session, state, message, officer, text)]

    # -- /sua ID [FIELD VALUE [reason]] --------------------------------------------------------

    def _task_for(
        self, session: Session, officer: Officer, raw: str, action: Action
    ) -> Task | Reply:
        try:
            task = store.task_by_id(session, raw)
        except store.TaskError:
            return Reply(
                texts.BAD_ID.format(value=raw)
                if not raw.lstrip("#").isdigit()
                else texts.NO_TASK.format(id=raw.lstrip("#"))
            )
        allowed = decide(actor(officer), action, scope(session, task))
        if not allowed:
            return refusal(allowed, task.id)
        return task

    def sua(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if not command.args:
            return [Reply(texts.EDIT_USAGE)]
        task = self._task_for(session, officer, command.args[0], Action.EDIT)
        if isinstance(task, Reply):
            return [task]
        if len(command.args) == 1:
            dialogs.put(
                session,
                message.channel,
                message.conversation,
                "sua:field",
                {},
                self.service.clock.now(),
                task.id,
            )
            return [self._ask_field(task)]
        name = texts.FIELD_WORDS.get(fold(command.args[1]).replace(" ", ""))
        if name is None:
            return [Reply(texts.EDIT_USAGE)]
        rest = command.rest.split(None, 2)[2] if len(command.rest.split(None, 2)) > 2 else ""
        value_text, reason = split_value(name, rest)
        return [self._apply(session, message, officer, task, name, value_text, reason)]

    def _ask_field(self, task: Task) -> Reply:
        words = {v: k for k, v in reversed(list(texts.FIELD_WORDS.items()))}
        buttons = [
            Button(texts.FIELD_NAMES[f].capitalize(), f"{DIALOG}:field:{words[f]}")
            for f in editable(task)
        ]
        return Reply(
            texts.SUA_ASK_FIELD.format(
                id=task.id, words=", ".join(words[f] for f in editable(task))
            ),
            _rows(buttons, 2),
            commands_hint=texts.GIAO_HINT_SKIP,
            expects_answer=True,
        )

    def _sua_answer(
        self, session: Session, state: ChatState, message: Incoming, officer: Officer, text: str
    ) -> Reply:
        task = self._task_for(session, officer, str(state.task_id), Action.EDIT)
        if isinstance(task, Reply):
            dialogs.clear(session, state)
            return task
        step = state.awaiting.partition(":")[2]
        draft = dialogs.draft_of(state)
        now = self.service.clock.now()
        if step == "field":
            name = texts.FIELD_WORDS.get(fold(text).replace(" ", ""))
            if name is None or name not in editable(task):
                return self._ask_field(task)
            dialogs.put(
                session, state.channel, state.chat_id, "sua:value", {"field": name}, now, task.id
            )
            return Reply(
                texts.SUA_ASK_VALUE.format(
                    field=texts.FIELD_NAMES[name], current=store.current_text(session, task, name)
                ),
                commands_hint=texts.GIAO_HINT_SKIP,
                expects_answer=True,
            )
        if step == "value":
            try:
                check_value(session, task, draft["field"], text)
            except store.TaskError as err:
                return Reply(err.text(), expects_answer=True)
            draft["value"] = text
            dialogs.put(session, state.channel, state.chat_id, "sua:reason", draft, now, task.id)
            return Reply(
                texts.SUA_ASK_REASON, commands_hint=texts.GIAO_HINT_SKIP, expects_answer=True
            )
        dialogs.clear(session, state)
        reason = None if text.strip() in ("", "-") else text.strip()
        return self._apply(session, message, officer, task, draft["field"], draft["value"], reason)

    def _apply(
        self,
        session: Session,
        message: Incoming,
        officer: Officer,
        task: Task,
        name: str,
        value_text: str,
        reason: str | None,
    ) -> Reply:
        try:
            text = edit_field(
                session, task, name, value_text, self.who(officer, message.channel), reason
            )
        except store.TaskError as err:
            return Reply(err.text())
        return Reply(
            text,
            changed=text
            != texts.SUA_NO_CHANGE.format(id=task.id, field=texts.FIELD_NAMES.get(name, name)),
        )

    # -- /huy ID reason --------------------------------------------------------------------------

    def huy(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if len(command.args) < 2:
            return [Reply(texts.CANCEL_USAGE)]
        task = self._task_for(session, officer, command.args[0], Action.CANCEL)
        if isinstance(task, Reply):
            return [task]
        reason = command.rest[len(command.args[0]) :].strip()
        try:
            event = store.cancel(session, task, self.who(officer, message.channel), reason)
        except store.TaskError as err:
            return [Reply(err.text())]
        told = len(store.notice_rows_of_event(session, event.id or 0))
        return [Reply(texts.task_cancelled(task.id or 0, task.title, reason, told), changed=True)]

    # -- /task ID --------------------------------------------------------------------------------

    def show(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if not command.args:
            return [Reply(texts.TASK_USAGE)]
        task = self._task_for(session, officer, command.args[0], Action.VIEW)
        if isinstance(task, Reply):
            return [task]
        config = self.service.config
        story = task_story(session, task, config.timezone, config.approvals.extension_counts_late)
        return [Reply(story)]


def done_outcome(session: Session, task: Task, extension_counts_late: bool) -> str:
    """ "đúng hạn", "đúng hạn (đã gia hạn)" or "trễ N ngày", as the figures judge it: against
    the effective deadline (a Saturday deadline met on Monday is on time)."""
    facts = judged(repo.facts_of(session, task), extension_counts_late)
    late = days_late(facts, facts.completed_on or date.max)
    if late > 0:
        return texts.outcome_late(late)
    return texts.OUTCOME_EXTENDED if facts.extended_from is not None else texts.OUTCOME_ON_TIME


def task_story(
    session: Session, task: Task, timezone: str, extension_counts_late: bool = False
) -> str:
    """One task on a phone: what it is, who has it, its deadlines, then its story (events and
    progress notes), newest first."""
    unit = repo.get_unit(session, task.lead_unit_id)
    lines = [texts.story_title(task.id, task.title)]
    lead = texts.story_lead(unit.code if unit else "")
    if task.assignee_id:
        lead += texts.story_assignee(store.current_text(session, task, "assignee"))
    lines.append(lead)
    co = store.current_text(session, task, "co_units")
    if co != texts.NO_VALUE:
        lines.append(texts.story_co_units(co))
    if task.authority or task.document:
        lines.append(texts.story_authority(task.authority or texts.NO_VALUE, task.document))
    first = store.first_deadline(session, task)
    facts = repo.facts_of(session, task)
    deadline = texts.story_deadline(facts.deadline, facts.written)
    if task.extended_from is not None:
        deadline += texts.story_extended(texts.EXTENDED_MARK, task.extended_from)
    elif first != task.deadline:
        deadline += texts.story_first_deadline(first)
    state = texts.STATE_NAMES.get(task.state, task.state)
    if task.state == TaskState.DONE:
        state += f" {texts.d(task.completed_on)}"
        state += f" · {done_outcome(session, task, extension_counts_late)}"
    elif task.state == TaskState.REPORTED:
        step = texts.STEP_NAMES.get(task.confirm_step or "", "")
        state += texts.story_reported(step, task.reported_on)
    lines.append(f"{deadline} · {task.progress}% · {state}")
    if task.extension_step is not None:
        step = texts.STEP_NAMES.get(task.extension_step, "")
        lines.append(texts.story_extension_asked(task.extension_to, step))
    proofs = approvals.evidence_of(session, task.id or 0)
    if proofs:
        lines.append(texts.STORY_EVIDENCE)
        lines += [
            f"• {texts.evidence_line(e.document_number, e.original_name, e.filename)}"
            for e in proofs
        ]
    story = store.story(session, task.id or 0)
    if story:
        lines.append(texts.STORY_EVENTS)
    for line in story[:STORY_LINES]:
        what = texts.event_text(
            line.kind, line.field, line.old, line.new, line.reason, line.percent
        )
        lines.append(
            f"• {texts.dt(line.at, timezone)} {line.who} "
            f"({texts.CHANNEL_NAMES.get(line.channel, line.channel)}): {what}"
        )
    if len(story) > STORY_LINES:
        lines.append(texts.story_more(len(story) - STORY_LINES))
    return "\n".join(lines)


def stale_press(state: ChatState | None, step: str) -> bool:
    """Whether a dialog button (for `step`) belongs to a question no longer asked."""
    return state is None or state.awaiting.partition(":")[2] != step


SERIES_FIELDS = ("series_first", "series_rule")


def editable(task: Task) -> tuple[str, ...]:
    """The fields /sua offers: a recurring task's series also (its first deadline, its rule)."""
    return EDITABLE + SERIES_FIELDS if task.series_code else EDITABLE


def split_value(name: str, rest: str) -> tuple[str, str | None]:
    """`/sua ID FIELD rest`: the value and the reason. A title is the whole rest; a rule may be
    two words (hàng quý); anything else is one word."""
    if name == "title":
        return rest.strip(), None
    words = rest.split()
    if name == "series_rule":
        for n in (2, 1):
            try:
                parse_recurrence(" ".join(words[:n]))
            except RecurrenceError:
                continue
            return " ".join(words[:n]), " ".join(words[n:]) or None
    return (words[0] if words else ""), " ".join(words[1:]) or None


def check_value(session: Session, task: Task, name: str, text: str) -> None:
    """Refuse (TaskError) a typed value that `edit_field` could not use."""
    if name == "series_first":
        store.parse_day(text)
    elif name == "series_rule":
        try:
            parse_recurrence(text)
        except RecurrenceError as exc:
            raise store.TaskError("bad_rule", text.strip()) from exc
    else:
        store.resolve(session, task, name, text)


def edit_field(
    session: Session, task: Task, name: str, value_text: str, who: store.Who, reason: str | None
) -> str:
    """Change one field of a task from its typed value (chat and CLI alike) and say what
    happened; a series field reconciles the whole series. TaskError if refused."""
    if name in SERIES_FIELDS:
        check_value(session, task, name, value_text)
        first = store.parse_day(value_text) if name == "series_first" else None
        rule = value_text if name == "series_rule" else None
        done = store.edit_series(session, task, who, first, rule, reason)
        return texts.series_edited(done.code, done.moved, done.added, done.cancelled)
    event = store.change(
        session, task, name, store.resolve(session, task, name, value_text), who, reason
    )
    if event is None:
        return texts.SUA_NO_CHANGE.format(id=task.id, field=texts.FIELD_NAMES[name])
    told = len(store.notice_rows_of_event(session, event.id or 0))
    change = texts.event_text(event.kind, event.field, event.old, event.new, event.reason)
    return texts.task_changed(task.id or 0, change, told)
