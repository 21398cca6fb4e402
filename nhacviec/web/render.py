"""Jinja2 templates shipped in the package, autoescaped, with the formats users read
(dates dd/mm/yyyy, shares the way texts.pct writes them, a unit's rates as the tenths every
view shows: `tenths`)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from nhacviec.base import texts


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
        outcome=lambda o: texts.OUTCOME_NAMES.get(str(o), str(o)),
        role=lambda r: texts.WEB_ROLE_NAMES.get(r, r),
        channel=lambda c: texts.WEB_CHANNEL_NAMES.get(c, c),
    )
    env.globals.update(flag_name=texts.flag_name, carried_mark=texts.carried_mark)
    return env


def page(template: str, status: int = 200, **values: Any) -> web.Response:
    html = environment().get_template(template).render(**values)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
