"""Jinja2 templates shipped in the package, autoescaped, with the formats users read
(dates dd/mm/yyyy, shares the way texts.pct writes them, a unit's rates as the tenths every
view shows: `tenths`)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from nhacviec.base import texts

OUTCOME_NAMES = texts.OUTCOME_NAMES
ROLE_NAMES = {**texts.ROLE_NAMES, "followup": "theo dõi nhiệm vụ", "director": "lãnh đạo Sở"}
CHANNEL_NAMES = {
    "telegram": "Telegram",
    "zalo": "Zalo",
    "console": "Console",
    "cli": "dòng lệnh",
    "web": "trang web",
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("nhacviec.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        d=texts.d,
        pct=texts.pct,
        tenths=texts.tenths,
        num=texts.num,
        shorten=texts.shorten,
        outcome=lambda o: OUTCOME_NAMES.get(str(o), str(o)),
        role=lambda r: ROLE_NAMES.get(r, r),
        channel=lambda c: CHANNEL_NAMES.get(c, c),
    )
    env.globals.update(flag_name=texts.flag_name, carried_mark=texts.carried_mark)
    return env


def page(template: str, status: int = 200, **values: Any) -> web.Response:
    html = environment().get_template(template).render(**values)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
