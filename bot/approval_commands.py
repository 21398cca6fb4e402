"""Extensions and confirmed completion in chat: /giahan, /duyet, /tuchoi, /xacnhan, /tralai,
/molai, /rut, /cho, their buttons, and the photos and files attached as evidence.

Who may decide is rules.access's; every change is storage.approvals' (the same functions the
web page calls), which records its event and owes the messages the people concerned get."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from bot.messages import Incoming, Reply
from bot.parsing import Command, parse_id
from bot.task_commands import _is_cancel, actor, refusal, scope
from nhacviec.base import texts
from nhacviec.base.config import ApprovalsConfig
from rules.access import Action, decide, decide_step
from rules.events import parse_day_text
from storage import approvals, dialogs, evidence, repo
from storage import tasks as store
from storage.db import Session
from storage.models import ChatState, Officer, Task

if TYPE_CHECKING:
    from bot.commands import ChatService

Handler = Callable[[Session, Incoming, Officer, Command], list[Reply]]

EVIDENCE = "evidence"  # chat state: the next photo or file goes to this task
REASON = "reason:"  # chat state: the reason for a refusal or a return pressed as a button
# Where a photo's caption or the message it answers names its task: "#12", "nhiệm vụ 12".
TASK_MENTION = re.compile(r"(?:#|nhiệm vụ\s+|/done\s+)(\d{1,9})\b", re.IGNORECASE)


class ApprovalCommands:
    def __init__(self, service: ChatService) -> None:
        self.service = service

    @property
    def settings(self) -> ApprovalsConfig:
        return self.service.config.approvals

    def handlers(self) -> dict[str, Handler]:
        return {
            "giahan": self.giahan,
            "extend": self.giahan,
            "duyet": self.duyet,
            "tuchoi": self.tuchoi,
            "xacnhan": self.xacnhan,
            "tralai": self.tralai,
            "molai": self.molai,
            "rut": self.rut,
            "cho": self.cho,
        }

    def who(self, officer: Officer, channel: str) -> store.Who:
        return store.Who(officer, channel, self.service.clock.now(), self.service.today)

    @staticmethod
    def _id(raw: str) -> int | None:
        return parse_id(raw)

    # -- extensions ---------------------------------------------------------------------------

    def giahan(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if len(command.args) < 3 or self._id(command.args[0]) is None:
            return [Reply(texts.EXTEND_USAGE)]
        task_id = self._id(command.args[0]) or 0
        try:
            to = store.parse_day(command.args[1])
            reason = command.rest.split(None, 2)[2]
            done = approvals.request_extension(
                session, task_id, to, reason, self.who(officer, message.channel), self.settings
            )
        except store.TaskError as err:
            return [Reply(err.text())]
        task = session.get(Task, task_id)
        step = task.extension_step if task is not None else ""
        return [Reply(texts.extension_requested(task_id, to, step or "", done.told), changed=True)]

    def decide_extension(
        self,
        session: Session,
        officer: Officer,
        channel: str,
        task_id: int,
        approve: bool,
        reason: str | None,
    ) -> Reply:
        try:
            done = approvals.decide_extension(
                session, task_id, approve, self.who(officer, channel), self.settings, reason
            )
        except store.TaskError as err:
            return Reply(err.text())
        task = session.get(Task, task_id)
        assert task is not None
        if not approve:
            text = texts.extension_refused(task_id, task.title, _day(done.event.new), reason or "")
        elif not done.settled:
            text = texts.extension_forwarded(task_id, task.extension_step or "")
        else:
            text = texts.extension_approved(
                task_id, task.title, _day(done.event.old), task.deadline
            )
        return Reply(text, changed=True)

    def duyet(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        task_id = self._id(command.args[0]) if command.args else None
        if task_id is None:
            return [Reply(texts.APPROVE_USAGE)]
        return [self.decide_extension(session, officer, message.channel, task_id, True, None)]

    def tuchoi(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        task_id = self._id(command.args[0]) if command.args else None
        if task_id is None or len(command.args) < 2:
            return [Reply(texts.REFUSE_USAGE)]
        reason = command.rest.split(None, 1)[1]
        return [self.decide_extension(session, officer, message.channel, task_id, False, reason)]

    # -- completion ---------------------------------------------------------------------------

    def confirm(self, session: Session, officer: Officer, channel: str, task_id: int) -> Reply:
        try:
            approvals.confirm_done(session, task_id, self.who(officer, channel))
        except store.TaskError as err:
            return Reply(err.text())
        task = session.get(Task, task_id)
        assert task is not None
        return Reply(
            texts.completion_confirmed(task_id, task.title, task.completed_on), changed=True
        )

    def send_back(
        self, session: Session, officer: Officer, channel: str, task_id: int, reason: str
    ) -> Reply:
        try:
            approvals.return_done(session, task_id, self.who(officer, channel), reason)
        except store.TaskError as err:
            return Reply(err.text())
        task = session.get(Task, task_id)
        assert task is not None
        return Reply(texts.completion_returned(task_id, task.title, reason), changed=True)

    def xacnhan(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        task_id = self._id(command.args[0]) if command.args else None
        if task_id is None:
            return [Reply(texts.CONFIRM_USAGE)]
        return [self.confirm(session, officer, message.channel, task_id)]

    def tralai(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        task_id = self._id(command.args[0]) if command.args else None
        if task_id is None or len(command.args) < 2:
            return [Reply(texts.RETURN_USAGE)]
        reason = command.rest.split(None, 1)[1]
        return [self.send_back(session, officer, message.channel, task_id, reason)]

    def molai(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        task_id = self._id(command.args[0]) if command.args else None
        if task_id is None or len(command.args) < 2:
            return [Reply(texts.REOPEN_DONE_USAGE)]
        reason = command.rest.split(None, 1)[1]
        task = repo.get_task(session, task_id)
        day = task.completed_on if task is not None else None
        try:
            done = approvals.reopen_done(
                session, task_id, self.who(officer, message.channel), reason
            )
        except store.TaskError as err:
            return [Reply(err.text())]
        return [Reply(texts.reopened_done(task_id, day, done.told), changed=True)]

    def rut(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        task_id = self._id(command.args[0]) if command.args else None
        if task_id is None:
            return [Reply(texts.WITHDRAW_USAGE)]
        try:
            approvals.withdraw_done(session, task_id, self.who(officer, message.channel))
        except store.TaskError as err:
            return [Reply(err.text())]
        return [Reply(texts.withdrawn(task_id), changed=True)]

    def cho(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        """What waits for this officer to decide."""
        waiting = approvals.waiting_for(session, officer)
        if not waiting:
            return [Reply(texts.WAITING_NONE)]
        lines = [texts.WAITING_HEADER.format(count=len(waiting))]
        for w in waiting[:20]:
            lines.append(texts.waiting_line(w.kind, w.task.id or 0, w.task.title, w.day, w.by))
        first = waiting[0]
        hint = (texts.EXTENSION_HINT if first.kind == "extension" else texts.CONFIRM_HINT).format(
            id=first.task.id
        )
        return [Reply("\n".join(lines), commands_hint=hint)]

    # -- buttons and the reasons they ask for -------------------------------------------------

    def press(
        self,
        session: Session,
        officer: Officer,
        channel: str,
        conversation: str,
        action: str,
        task_id: int,
    ) -> Reply:
        if action == approvals.EXT_APPROVE:
            return self.decide_extension(session, officer, channel, task_id, True, None)
        if action == approvals.CONFIRM:
            return self.confirm(session, officer, channel, task_id)
        # Refusing and returning need a reason: asked for, once the presser may decide.
        task = repo.get_task(session, task_id)
        if task is None:
            return Reply(texts.NO_TASK.format(id=task_id))
        pending = task.extension_step if action == approvals.EXT_REFUSE else task.confirm_step
        if pending is None:
            key = "ext_none" if action == approvals.EXT_REFUSE else "not_awaiting"
            return Reply(texts.TASK_ERRORS[key].format(value=task_id))
        if not decide_step(actor(officer), pending, scope(session, task)):
            return Reply(texts.TASK_ERRORS["not_approver"].format(value=task_id))
        dialogs.put(
            session,
            channel,
            conversation,
            f"{REASON}{action}",
            {},
            self.service.clock.now(),
            task_id,
        )
        question = (
            texts.ASK_REFUSE_REASON if action == approvals.EXT_REFUSE else texts.ASK_RETURN_REASON
        )
        return Reply(question.format(id=task_id), expects_answer=True)

    def answer_reason(
        self, session: Session, state: ChatState, message: Incoming, officer: Officer
    ) -> list[Reply]:
        action = state.awaiting.removeprefix(REASON)
        task_id = state.task_id or 0
        text = message.text.strip()
        dialogs.clear(session, state)
        if _is_cancel(text):
            return [Reply(texts.DIALOG_CANCELLED, changed=True)]
        if action == approvals.EXT_REFUSE:
            return [self.decide_extension(session, officer, message.channel, task_id, False, text)]
        return [self.send_back(session, officer, message.channel, task_id, text)]

    # -- evidence --------------------------------------------------------------------------------

    def offer_evidence(self, session: Session, message: Incoming, task_id: int) -> None:
        """After /done, the next photo or file in this chat goes to the task."""
        dialogs.put(
            session,
            message.channel,
            message.conversation,
            EVIDENCE,
            {},
            self.service.clock.now(),
            task_id,
        )

    def attach(
        self,
        session: Session,
        message: Incoming,
        officer: Officer,
        data: bytes,
        content_type: str,
        original_name: str | None,
        mention: str | None,
    ) -> Reply:
        """A photo or file sent to the bot: kept as evidence of the task its caption (or the
        message it answers) names, else of the task just reported done in this chat."""
        found = TASK_MENTION.search(mention or "")
        task_id = int(found.group(1)) if found else None
        if task_id is None:
            state = repo.chat_state(session, message.channel, message.conversation)
            if state is not None and state.awaiting == EVIDENCE:
                task_id = state.task_id
        if task_id is None:
            return Reply(texts.EVIDENCE_NO_TASK)
        task = repo.get_task(session, task_id)
        if task is None:
            return Reply(texts.NO_TASK.format(id=task_id))
        allowed = decide(actor(officer), Action.PROGRESS, scope(session, task))
        if not allowed:
            return refusal(allowed, task.id)
        try:
            saved = evidence.attach_file(
                session,
                task,
                self.who(officer, message.channel),
                data,
                content_type,
                original_name,
                self.service.config.evidence,
            )
        except store.TaskError as err:
            return Reply(err.text())
        what = saved.original_name or saved.filename or ""
        return Reply(texts.evidence_saved(task_id, what), changed=True)


def _day(text: str | None) -> date | None:
    return parse_day_text(text)
