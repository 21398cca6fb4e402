"""How a page is served: in a worker thread with one database transaction, for a signed-in
officer only, every form checked against the session's CSRF token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiohttp import BodyPartReader, web

from nhacviec.base import texts
from nhacviec.base.clock import local_today
from nhacviec.web import render
from nhacviec.web.deps import WebDeps
from nhacviec.web.security import SESSION_COOKIE, origin_allowed, same_token, secure
from rules.access import Action, Actor, TaskScope, actor_of, decide
from storage import repo, web_sessions
from storage.db import Session, session_scope
from storage.models import Officer, Plan, Task, Unit, WebSession

log = logging.getLogger(__name__)


@dataclass
class Ctx:
    """One request of a signed-in officer, inside its transaction."""

    deps: WebDeps
    db: Session
    officer: Officer
    unit: Unit
    web_session: WebSession
    query: Mapping[str, str]
    form: Mapping[str, Any] | None
    match: Mapping[str, str]
    _plans: list[Plan] | None = field(default=None, init=False, repr=False)

    @property
    def actor(self) -> Actor:
        return actor_of(
            self.officer.id, self.officer.unit_id, self.officer.role, self.officer.active
        )

    @property
    def today(self) -> date:
        return local_today(self.deps.clock, self.deps.config.timezone)

    def plans(self) -> list[Plan]:
        """Every plan today follows, oldest first (repo.plans_on, as /status, /tasks, the scan
        and the CLI follow them): the plans of this year, or before any is imported those of
        the latest earlier year, never next year's imported in December. Read once a request."""
        if self._plans is None:
            self._plans = repo.plans_on(self.db, self.today)
        return self._plans

    def plan_ids(self) -> list[int]:
        return [p.id for p in self.plans() if p.id is not None]

    def year(self) -> int | None:
        """The year of the plans followed: the tasks carried into it are listed (never
        counted) with its own (storage/carry.py)."""
        plans = self.plans()
        return plans[0].year if plans else None

    def may(self, action: str, task: Task | None = None, co_units: Iterable[Unit] = ()) -> bool:
        """Whether rules.access lets the officer do `action` (on `task`): a page shows a button
        only to those the button's handler would let through."""
        scope = None
        if task is not None:
            co_ids = [u.id for u in co_units if u.id is not None]
            scope = TaskScope.of(task.lead_unit_id, co_ids, task.assignee_id, task.state)
        return bool(decide(self.actor, Action(action), scope))

    def render(self, template: str, status: int = 200, **values: Any) -> web.Response:
        return render.page(
            template,
            status,
            me=self.officer,
            my_unit=self.unit,
            actor=self.actor,
            csrf=self.web_session.csrf,
            today=self.today,
            may=self.may,
            **values,
        )

    def refuse(self, message: str, status: int = 403) -> web.Response:
        return self.render("message.html", status, title=texts.WEB_REFUSED_TITLE, message=message)

    def not_found(self, message: str) -> web.Response:
        return self.render("message.html", 404, title=texts.WEB_NOT_FOUND_TITLE, message=message)


PLAN_FIELD = "ke_hoach"  # the select of a form that lets the officer choose the plan


def pick_plan(choices: Sequence[Plan], default: Plan, raw: object) -> Plan | None:
    """The plan a form chose (its PLAN_FIELD, a plan's code) among `choices`; `default` when
    the form names none; None for a code that is not one of the choices."""
    code = raw.strip() if isinstance(raw, str) else ""
    if not code:
        return default
    return next((p for p in choices if p.code.casefold() == code.casefold()), None)


# A plan file to import may be a few megabytes. Forms are read here, streamed, so the limit is
# this one whatever server the page is mounted on (aiohttp's client_max_size is per server).
MAX_UPLOAD = 10 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file sent with a form."""

    filename: str
    content: bytes


class TooLarge(Exception):
    """A form bigger than MAX_UPLOAD."""


async def read_form(request: web.Request) -> dict[str, Any]:
    """The fields of a posted form, files as Upload; TooLarge past MAX_UPLOAD bytes."""
    if request.content_type != "multipart/form-data":
        if (request.content_length or 0) > MAX_UPLOAD:
            raise TooLarge
        return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    form: dict[str, Any] = {}
    total = 0
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = bytearray()
        while chunk := await part.read_chunk(65536):
            total += len(chunk)
            if total > MAX_UPLOAD:
                raise TooLarge
            data.extend(chunk)
        if part.filename is not None:
            form[part.name] = Upload(part.filename, bytes(data))
        else:
            form[part.name] = data.decode(part.get_charset("utf-8"), errors="replace")
    return form


View = Callable[[Ctx], web.StreamResponse]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FormReader = Callable[[web.Request], Awaitable[dict[str, Any]]]


def https(deps: WebDeps) -> bool:
    return deps.config.web.base_url.startswith("https://")


def message(title: str, text: str, status: int) -> web.Response:
    return render.page("message.html", status, title=title, message=text, me=None)


def signed_in(deps: WebDeps, view: View, read: FormReader = read_form) -> Handler:
    """An aiohttp handler that runs `view` for the officer of the session cookie; anyone else
    gets the sign-in explanation (401), a form without its token a refusal (403). A posted form
    is read by `read` (a route with its own limit brings its own reader)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        form = None
        if request.method == "POST":
            try:
                form = await read(request)
            except TooLarge:
                text = texts.WEB_TOO_LARGE.format(megabytes=MAX_UPLOAD // (1024 * 1024))
                return secure(message(texts.WEB_TOO_LARGE_TITLE, text, 413), https(deps))
        origin_ok = origin_allowed(
            request.headers.get("Origin"), deps.config.web.base_url, request.host
        )
        cookie = request.cookies.get(SESSION_COOKIE)
        response = await asyncio.to_thread(
            _run,
            deps,
            view,
            cookie,
            dict(request.query),
            form,
            dict(request.match_info),
            origin_ok,
        )
        return secure(response, https(deps))

    return handler


def _run(
    deps: WebDeps,
    view: View,
    cookie: str | None,
    query: dict[str, str],
    form: dict[str, Any] | None,
    match: dict[str, str],
    origin_ok: bool,
) -> web.StreamResponse:
    try:
        with session_scope(deps.engine) as db:
            found = web_sessions.session_officer(db, cookie, deps.clock.now()) if cookie else None
            if found is None:
                return message(texts.WEB_SIGNED_OUT_TITLE, texts.WEB_SIGNED_OUT, 401)
            officer, web_session = found
            unit = repo.get_unit(db, officer.unit_id)
            assert unit is not None
            ctx = Ctx(deps, db, officer, unit, web_session, query, form, match)
            if form is not None and (
                not origin_ok or not same_token(web_session.csrf, form.get("csrf"))
            ):
                return ctx.refuse(texts.WEB_BAD_FORM)
            return view(ctx)
    except Exception:
        log.exception("web page failed (%s)", view.__name__)
        return message(texts.WEB_ERROR_TITLE, texts.SORRY, 500)
