"""TCCB's commands: /areas, /score, /inspect, /report. Only TCCB and admin may use them; every
refusal changes nothing and says why."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from bot.messages import Attachment, Incoming, Reply
from bot.parsing import Command, rest_after
from bot.status_view import areas_replies, inspection_lines
from nhacviec.base import texts
from nhacviec.base.clock import Clock
from nhacviec.base.config import Config
from nhacviec.reports.figures import assessment_figures
from nhacviec.reports.workbook import ReportError, build_report
from rules import AreaFacts, PeriodError, ScoreError, check_points, parse_period
from rules.access import Action, Actor, decide
from storage import assessments, repo
from storage.models import Officer, Plan

if TYPE_CHECKING:
    from storage.db import Session

Handler = Callable[["Session", Incoming, Officer, Command], list[Reply]]


class ChatEnvironment(Protocol):
    """What TCCB's handlers need of the chat service: its clock, config and today's date."""

    clock: Clock
    config: Config

    @property
    def today(self) -> date: ...


_DAY = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_DATE_LIKE = re.compile(r"^[\d/.\-]+$")


def may_follow_up(officer: Officer, action: Action = Action.FOLLOW_UP) -> bool:
    """TCCB follows the whole plan (the admin stands in for it); the director and the
    follow-up officer may read the areas and the report (rules.access decides)."""
    who = Actor(officer.id or 0, officer.unit_id, officer.role, officer.active)
    return bool(decide(who, action))


class TccbCommands:
    """The handlers, sharing the chat service's clock, config and plan lookup."""

    def __init__(self, service: ChatEnvironment) -> None:
        self.service = service

    def handlers(self) -> dict[str, Handler]:
        return {
            "areas": self.areas,
            "score": self.score,
            "inspect": self.inspect,
            "report": self.report,
        }

    def _plans_or_refusal(
        self, session: Session, officer: Officer, action: Action = Action.FOLLOW_UP
    ) -> list[Plan] | Reply:
        """Every plan today follows, or why not."""
        if not may_follow_up(officer, action):
            return Reply(texts.TCCB_ONLY)
        plans = repo.plans_on(session, self.service.today)
        if not plans:
            return Reply(texts.NO_PLAN)
        return plans

    def _plan_or_refusal(
        self, session: Session, officer: Officer, action: Action = Action.FOLLOW_UP
    ) -> Plan | Reply:
        """The plan whose areas are scored (the first of today's plans that has areas)."""
        plans = self._plans_or_refusal(session, officer, action)
        if isinstance(plans, Reply):
            return plans
        return assessments.scored_plan(session, plans) or plans[0]

    # -- /areas ------------------------------------------------------------------------------

    def areas(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        plans = self._plans_or_refusal(session, officer, Action.REPORT)
        if isinstance(plans, Reply):
            return [plans]
        return areas_replies(session, plans, self.service.today, self.service.config)

    # -- /score AREA POINTS [note] -------------------------------------------------------------

    def score(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        plan = self._plan_or_refusal(session, officer)
        if isinstance(plan, Reply):
            return [plan]
        if len(command.args) < 2:
            return [Reply(texts.SCORE_USAGE)]
        code, value = command.args[0], command.args[1]
        area = assessments.area_by_code(session, plan.id or 0, code)
        if area is None:
            return [Reply(texts.NO_AREA.format(code=code))]
        facts = AreaFacts(area.code, area.name, area.parent_code, area.max_score)
        try:
            points = check_points(value, facts)
        except ScoreError as err:
            return [
                Reply(
                    texts.SCORE_ERRORS[err.reason].format(
                        code=area.code, value=value, max=texts.num(err.max_score)
                    )
                )
            ]
        config = self.service.config
        before = assessment_figures(session, plan, self.service.today, config).scores
        previous = next((s.points for s in before.areas if s.area.code == area.code), None)
        assessments.add_self_score(
            session,
            area,
            officer,
            points,
            rest_after(command, 2),
            self.service.clock.now(),
            message.channel,
        )
        after = assessment_figures(session, plan, self.service.today, config).scores
        was = texts.score_was(texts.num(previous)) if previous is not None else ""
        summary = texts.scores_summary(
            after.scored, len(after.areas), texts.num(after.total), texts.num(after.max_total)
        )
        return [
            Reply(
                texts.score_recorded(
                    area.code,
                    texts.num(points),
                    texts.num(area.max_score),
                    was,
                    texts.shorten(area.name),
                    summary,
                )
            )
        ]

    # -- /inspect UNIT [dd/mm/yyyy] [note] -----------------------------------------------------

    def inspect(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        plan = self._plan_or_refusal(session, officer)
        if isinstance(plan, Reply):
            return [plan]
        today = self.service.today
        if not command.args:
            return [Reply(self._inspections_text(session, plan, today))]
        unit = repo.unit_by_code(session, command.args[0])
        if unit is None:
            return [Reply(texts.NO_UNIT.format(code=command.args[0]))]
        day, used = today, 1
        if len(command.args) > 1 and _DATE_LIKE.match(command.args[1]):
            parsed = parse_day(command.args[1])
            if parsed is None:
                return [Reply(texts.BAD_DAY.format(value=command.args[1]))]
            day, used = parsed, 2
        if day > today:
            return [Reply(texts.FUTURE_DAY.format(day=texts.d(day)))]
        assessments.add_inspection(
            session,
            unit,
            officer,
            day,
            rest_after(command, used),
            self.service.clock.now(),
            message.channel,
        )
        cov = assessment_figures(session, plan, today, self.service.config).inspections
        lines = [texts.inspection_recorded(unit.code, day), unit.name]
        return [Reply("\n".join(lines + inspection_lines(cov)))]

    def _inspections_text(self, session: Session, plan: Plan, today: date) -> str:
        figures = assessment_figures(session, plan, today, self.service.config)
        lines = inspection_lines(figures.inspections)
        lines += [f"• {texts.d(r.on)} {r.unit}" for r in figures.inspection_rows]
        lines.append(texts.INSPECT_USAGE)
        return "\n".join(lines)

    # -- /report PERIOD --------------------------------------------------------------------------

    def report(
        self, session: Session, message: Incoming, officer: Officer, command: Command
    ) -> list[Reply]:
        if not may_follow_up(officer, Action.REPORT):
            return [Reply(texts.TCCB_ONLY)]
        if not command.args:
            return [Reply(texts.REPORT_USAGE)]
        try:
            period = parse_period(command.args[0])
            built = build_report(session, period, self.service.today, self.service.config)
        except (PeriodError, ReportError) as err:
            return [Reply(texts.explain(err))]
        return [
            Reply(
                texts.report_ready(period.label, built.title, built.on),
                attachments=[Attachment(built.filename, built.content, kind="document")],
            )
        ]


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy -> the date; anything else None."""
    if not _DAY.match(text):
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None
