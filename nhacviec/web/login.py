"""Signing in with the one-time link the chat sent, and signing out.

Opening the link shows a button; only pressing it uses the link up. Messengers fetch links to
draw previews, and a preview must not spend the link."""

from __future__ import annotations

import asyncio
import logging
import secrets

from aiohttp import web

from nhacviec.base import texts
from nhacviec.web.context import Ctx, Handler, https, message
from nhacviec.web.deps import WebDeps
from nhacviec.web.render import page
from nhacviec.web.security import PRE_COOKIE, SESSION_COOKIE, same_token, secure
from storage import web_sessions
from storage.db import session_scope
from storage.repo import LinkError

log = logging.getLogger(__name__)


def client_key(request: web.Request) -> str:
    return request.remote or "?"


def login_page(deps: WebDeps) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        pre = secrets.token_urlsafe(24)
        response = page("login.html", token=request.match_info["token"], pre=pre, me=None)
        response.set_cookie(
            PRE_COOKIE,
            pre,
            max_age=deps.config.web.link_minutes * 60,
            httponly=True,
            samesite="Strict",
            secure=https(deps),
            path="/dang-nhap/",
        )
        return secure(response, https(deps))

    return handler


def login_submit(deps: WebDeps) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        client = client_key(request)
        if deps.limiter.blocked(client):
            refused = message(texts.WEB_LOGIN_TITLE, texts.WEB_LOGIN_TOO_MANY, 429)
            return secure(refused, https(deps))
        if not same_token(request.cookies.get(PRE_COOKIE, ""), str(form.get("pre", ""))):
            refused = message(texts.WEB_LOGIN_TITLE, texts.WEB_LOGIN_REOPEN, 403)
            return secure(refused, https(deps))
        token = request.match_info["token"]
        response = await asyncio.to_thread(_sign_in, deps, token)
        if response.status != 303:
            deps.limiter.failed(client)
        return secure(response, https(deps))

    return handler


def _sign_in(deps: WebDeps, token: str) -> web.StreamResponse:
    web_config = deps.config.web
    try:
        with session_scope(deps.engine) as db:
            now = deps.clock.now()
            key = web_sessions.web_key(db, web_config.secret_key)
            officer = web_sessions.consume_login(db, token, now, key)
            opened = web_sessions.open_session(db, officer, now, web_config.session_hours)
            log.info("web sign-in of officer %s", officer.code)
    except LinkError as err:
        text = f"{texts.WEB_LOGIN_ERRORS[err.reason]} {texts.WEB_LOGIN_ASK_AGAIN}"
        return message(texts.WEB_LOGIN_TITLE, text, 403)
    response = web.Response(status=303, headers={"Location": "/"})
    response.set_cookie(
        SESSION_COOKIE,
        opened.token,
        max_age=web_config.session_hours * 3600,
        httponly=True,
        samesite="Lax",
        secure=https(deps),
        path="/",
    )
    response.del_cookie(PRE_COOKIE, path="/dang-nhap/")
    return response


def logout(ctx: Ctx) -> web.StreamResponse:
    """Sign out: the session ends on the server, not only in this browser."""
    web_sessions.end_session(ctx.db, ctx.web_session, ctx.deps.clock.now())
    response = message(texts.WEB_SIGNED_OFF_TITLE, texts.WEB_SIGNED_OFF, 200)
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
