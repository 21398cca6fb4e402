"""Signing in with the one-time link the chat sent, and signing out.

Opening the link shows a button; only pressing it uses the link up. Messengers fetch links to
draw previews, and a preview must not spend the link."""

from __future__ import annotations

import asyncio
import logging
import secrets

from aiohttp import web

from nhacviec.web.context import Ctx, Handler, https, message
from nhacviec.web.deps import WebDeps
from nhacviec.web.render import page
from nhacviec.web.security import PRE_COOKIE, SESSION_COOKIE, same_token, secure
from storage import web_sessions
from storage.db import session_scope
from storage.repo import LinkError

log = logging.getLogger(__name__)

LOGIN_ERRORS = {
    "unknown": "Đường dẫn đăng nhập không đúng.",
    "used": "Đường dẫn đăng nhập này đã được dùng.",
    "expired": "Đường dẫn đăng nhập đã hết hạn.",
}
ASK_AGAIN = "Gõ /web trong chat riêng với bot để nhận đường dẫn mới."
TOO_MANY = "Thử đăng nhập quá nhiều lần. Đợi ít phút rồi thử lại."


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
            return secure(message("Đăng nhập", TOO_MANY, 429), https(deps))
        if not same_token(request.cookies.get(PRE_COOKIE, ""), str(form.get("pre", ""))):
            text = "Hãy mở lại đường dẫn đăng nhập rồi bấm nút Đăng nhập."
            return secure(message("Đăng nhập", text, 403), https(deps))
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
        return message("Đăng nhập", f"{LOGIN_ERRORS[err.reason]} {ASK_AGAIN}", 403)
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
    response = message("Đã đăng xuất", "Bạn đã đăng xuất. " + ASK_AGAIN, 200)
    response.del_cookie(SESSION_COOKIE, path="/")
    return response
