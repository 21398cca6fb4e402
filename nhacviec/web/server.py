"""The web page as a service of `nhacviec run`, or alone (`nhacviec web`)."""

from __future__ import annotations

import logging

from aiohttp import web

from nhacviec.web.deps import WebDeps
from nhacviec.web.routes import web_application

log = logging.getLogger(__name__)


class WebService:
    """Serves the web page on [web] listen/port until stopped."""

    name = "web"

    def __init__(self, deps: WebDeps) -> None:
        self.deps = deps
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        web_config = self.deps.config.web
        self._runner = web.AppRunner(web_application(self.deps), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, web_config.listen, web_config.port)
        await site.start()
        log.info("web page on %s:%s (%s)", web_config.listen, web_config.port, web_config.base_url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
