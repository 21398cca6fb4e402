"""Chat commands for people: /vang (leave, by the officer or their head), and for TCCB and
admin /canbo, /nghiviec, /chuyen (asks whether the officer's tasks move too), /vaitro.

Every decision is rules.access's; every change is storage.people's, recorded as an event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from bot.messages import Button, Incoming, Reply
from bot.parsing import Command, rest_after
from nhacviec.base import texts
from rules.access import Action, Actor, decide, decide_leave
from rules.leave import LeaveError, parse_period
from rules.textnorm import fold
from storage import dialogs, people, repo
from storage import tasks as task_store
from storage.db import Session
from storage.models import ChatState, Officer

Handler = Callable[[Session, Incoming, Officer, Command], list[Reply]]
MOVE_STEP = "canbo:chuyen"
# Data, not messages: the answers to MOVE_TASKS_QUESTION typed instead of a button.
YES_WORDS = {"co", "có", "c", "yes", "y"}
NO_WORDS = {"khong", "không", "k", "no", "n"}


def _actor(officer: Officer) -> Actor:
    return Actor(officer.id or 0, officer.unit_id, officer.role, officer.active)


def _refused(err: people.PeopleError) -> list[Reply]:
    return [Reply(err.text())]


class PeopleCommands:
    def __init__(self, now: Callable[[], datetime], today: Callable[[], date], tz: str) -> None:
        self.now = now
        self.today = today
        self.tz = tz

    def handlers(self) -> dict[str, Handler]:
        return {
            "vang": self.vang,
            "canbo": self.canbo,
            "nghiviec": self.nghiviec,
            "chuyen": self.chuyen,
            "vaitro": self.vaitro,
        }

    def who(self, officer: Officer, channel: str) -> task_store.Who:
        return task_store.Who(officer, channel, self.now(), self.today())

    # -- /vang -------------------------------------------------------------------------------

    def vang(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        """/vang dd/mm/yyyy-dd/mm/yyyy [CB012]; a head or TCCB names the officer first:
        /vang CB009 dd/mm/yyyy-dd/mm/yyyy [CB012]; /vang huy [CB009] cancels."""
        args = list(command.args)
        if not args:
            return [Reply(texts.LEAVE_USAGE)]
        cancel = fold(args[0]) == "huy"
        if cancel:
            args = args[1:]
        subject = officer
        if args and not args[0][:1].isdigit():
            try:
                subject = people.find_officer(session, args[0], active_only=True)
            except people.PeopleError as err:
                return _refused(err)
            args = args[1:]
        unit = repo.get_unit(session, subject.unit_id)
        allowed = decide_leave(
            _actor(officer), subject.id or 0, subject.unit_id, unit.head_id if unit else None
        )
        if not allowed:
            return [Reply(texts.PEOPLE_ERRORS["leave_not_allowed"])]
        who = self.who(officer, message.channel)
        try:
            if cancel:
                leave = people.cancel_leave(session, subject, who)
                return [
                    Reply(
                        texts.leave_cancelled(subject.code, leave.starts_on, leave.ends_on),
                        changed=True,
                    )
                ]
            if not args:
                return [Reply(texts.LEAVE_USAGE)]
            first, last = parse_period(args[0])
            substitute = people.find_officer(session, args[1], True) if len(args) > 1 else None
            people.add_leave(session, subject, first, last, substitute, who)
        except LeaveError as err:
            return [Reply(texts.PEOPLE_ERRORS[f"leave_{err.reason}"].format(value=err.value))]
        except people.PeopleError as err:
            return _refused(err)
        return [
            Reply(
                texts.leave_recorded(
                    subject.code, first, last, substitute.code if substitute else None
                ),
                changed=True,
            )
        ]

    # -- TCCB and admin: /canbo, /nghiviec, /chuyen, /vaitro ------------------------------------

    def _may(self, officer: Officer) -> Reply | None:
        return (
            None
            if decide(_actor(officer), Action.PEOPLE)
            else Reply(texts.PEOPLE_ERRORS["not_allowed"])
        )

    def canbo(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        refusal = self._may(officer)
        if refusal:
            return [refusal]
        try:
            if command.args:
                subject = people.find_officer(session, command.args[0])
                return [Reply(officer_card(session, subject, self.today(), self.tz))]
            rows = people.list_officers(session)
        except people.PeopleError as err:
            return _refused(err)
        return [Reply("\n".join(officer_line(r) for r in rows) or texts.NO_OFFICERS)]

    def nghiviec(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        refusal = self._may(officer)
        if refusal:
            return [refusal]
        if not command.args:
            return [Reply(texts.PEOPLE_USAGE["nghiviec"])]
        try:
            subject = people.find_officer(session, command.args[0])
            done = people.deactivate(
                session, subject, self.who(officer, message.channel), rest_after(command, 1)
            )
        except people.PeopleError as err:
            return _refused(err)
        text = texts.deactivated(subject.code, done.tasks, done.links, done.head_of)
        return [Reply(text, changed=True)]

    def chuyen(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        """/chuyen CB009 KHTC: if CB009 has open tasks named to them, asks whether they move
        too (co/khong), else moves at once."""
        refusal = self._may(officer)
        if refusal:
            return [refusal]
        if len(command.args) < 2:
            return [Reply(texts.PEOPLE_USAGE["chuyen"])]
        try:
            subject = people.find_officer(session, command.args[0], active_only=True)
            unit = people.find_unit(session, command.args[1])
            if unit.id == subject.unit_id:
                raise people.PeopleError("same_unit", unit.code)
        except people.PeopleError as err:
            return _refused(err)
        count = len(people.open_tasks_named_to(session, subject.id or 0))
        if count == 0:
            return self._move(session, officer, message.channel, subject.code, unit.code, False)
        dialogs.put(
            session,
            message.channel,
            message.conversation,
            MOVE_STEP,
            {"officer": subject.code, "unit": unit.code},
            self.now(),
        )
        question = texts.MOVE_TASKS_QUESTION.format(code=subject.code, count=count, unit=unit.code)
        follow, stay, drop = texts.MOVE_TASKS_BUTTONS
        buttons = [
            [
                Button(follow, "g:chuyen:co"),
                Button(stay, "g:chuyen:khong"),
                Button(drop, "g:chuyen:huy"),
            ]
        ]
        return [Reply(question, buttons=buttons, expects_answer=True)]

    def answer(
        self, session: Session, state: ChatState, message: Incoming, officer: Officer
    ) -> list[Reply]:
        """The answer to /chuyen's question."""
        word = fold(message.text.strip())
        draft = dialogs.draft_of(state)
        if word in {fold(w) for w in texts.DIALOG_WORDS_CANCEL} or word == "huy":
            dialogs.clear(session, state)
            return [Reply(texts.MOVE_CANCELLED, changed=True)]
        if word not in {fold(w) for w in YES_WORDS | NO_WORDS}:
            return [Reply(texts.MOVE_TASKS_BAD, expects_answer=True)]
        dialogs.clear(session, state)
        refusal = self._may(officer)
        if refusal:
            return [refusal]
        with_tasks = word in {fold(w) for w in YES_WORDS}
        return self._move(
            session, officer, message.channel, draft["officer"], draft["unit"], with_tasks
        )

    def _move(
        self,
        session: Session,
        officer: Officer,
        channel: str,
        code: str,
        unit_code: str,
        with_tasks: bool,
    ) -> list[Reply]:
        try:
            subject = people.find_officer(session, code, active_only=True)
            unit = people.find_unit(session, unit_code)
            done = people.move(session, subject, unit, self.who(officer, channel), with_tasks)
        except people.PeopleError as err:
            return _refused(err)
        text = texts.moved(subject.code, unit.code, done.tasks, with_tasks, done.head_of)
        return [Reply(text, changed=True)]

    def vaitro(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        refusal = self._may(officer)
        if refusal:
            return [refusal]
        if len(command.args) < 2:
            return [Reply(texts.PEOPLE_USAGE["vaitro"])]
        try:
            subject = people.find_officer(session, command.args[0], active_only=True)
            people.set_role(
                session,
                subject,
                command.args[1].lower(),
                self.who(officer, message.channel),
                rest_after(command, 2),
            )
        except people.PeopleError as err:
            return _refused(err)
        return [Reply(texts.role_changed(subject.code, subject.role), changed=True)]


def officer_line(row: people.OfficerRow) -> str:
    """One officer of a list: code, name, unit, role, chats."""
    o = row.officer
    return texts.officer_line_text(
        o.code,
        o.name,
        row.unit_code,
        texts.ROLE_NAMES.get(o.role, o.role),
        row.is_head,
        row.links,
        o.active,
    )


def officer_card(session: Session, officer: Officer, today: date, tz: str) -> str:
    """An officer: unit, role, chats, leaves to come, their history."""
    rows = [
        r for r in people.list_officers(session, include_inactive=True) if r.officer is officer
    ]
    lines = [officer_line(rows[0])] if rows else [officer.code]
    for leave in people.leaves_of(session, officer.id or 0, today):
        substitute = session.get(Officer, leave.substitute_id) if leave.substitute_id else None
        lines.append(
            texts.officer_leave_line(
                leave.starts_on, leave.ends_on, substitute.code if substitute else None
            )
        )
    named = people.open_tasks_named_to(session, officer.id or 0)
    if named:
        lines.append(texts.officer_named_tasks([t.id or 0 for t in named]))
    events = people.officer_events(session, officer.id or 0)
    if events:
        lines.append(texts.OFFICER_HISTORY)
        lines += [
            texts.officer_event_line(
                e.at, tz, e.actor, e.channel, e.kind, e.field, e.old, e.new, e.reason
            )
            for e in reversed(events)
        ]
    return "\n".join(lines)
