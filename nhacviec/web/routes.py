"""The web page's routes, added to any aiohttp application (its own server, or the one that
also takes the messengers' webhooks)."""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from nhacviec.web import evidence, forms, imports, login, pages, task_forms
from nhacviec.web.context import Handler, View, https, signed_in
from nhacviec.web.deps import WebDeps
from nhacviec.web.security import secure
from storage.web_sessions import LOGIN_PATH

STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


def _static(deps: WebDeps) -> Handler:
    folder = resources.files("nhacviec.web") / "static"
    files = {
        item.name: item.read_bytes()
        for item in folder.iterdir()
        if item.is_file() and any(item.name.endswith(ext) for ext in STATIC_TYPES)
    }

    async def handler(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        body = files.get(name)
        if body is None:
            raise web.HTTPNotFound()
        content_type = next(t for ext, t in STATIC_TYPES.items() if name.endswith(ext))
        response = web.Response(
            body=body,
            content_type=content_type,
            charset="utf-8",
            headers={"Cache-Control": "public, max-age=3600"},
        )
        return secure(response, https(deps))

    return handler


def setup_web(app: web.Application, deps: WebDeps) -> None:
    """Add the web page's routes to `app`."""

    def page(view: View) -> Handler:
        return signed_in(deps, view)

    app.router.add_get(LOGIN_PATH + "{token}", login.login_page(deps))
    app.router.add_post(LOGIN_PATH + "{token}", login.login_submit(deps))
    app.router.add_post("/dang-xuat", page(login.logout))
    app.router.add_get("/static/{name}", _static(deps))
    app.router.add_get("/", page(pages.overview))
    app.router.add_get("/bieu-do.png", page(pages.chart))
    app.router.add_get("/don-vi/{code}", page(pages.unit_page))
    app.router.add_get("/nhiem-vu/moi", page(task_forms.add_task))
    app.router.add_post("/nhiem-vu/moi", page(task_forms.add_task))
    app.router.add_get("/nhiem-vu/{id}", page(pages.task_page))
    app.router.add_get("/nhiem-vu/{id}/sua", page(task_forms.edit_task))
    app.router.add_post("/nhiem-vu/{id}/sua", page(task_forms.edit_task))
    app.router.add_get("/nhiem-vu/{id}/huy", page(task_forms.cancel_task))
    app.router.add_post("/nhiem-vu/{id}/huy", page(task_forms.cancel_task))
    app.router.add_get("/nhiem-vu/{id}/mo-lai", page(task_forms.reopen_task))
    app.router.add_post("/nhiem-vu/{id}/mo-lai", page(task_forms.reopen_task))
    # Evidence files: the upload is read by its own reader, up to [evidence] max_bytes.
    app.router.add_post(
        "/nhiem-vu/{id}/minh-chung",
        signed_in(deps, evidence.upload(pages.task_page), evidence.reader(deps)),
    )
    app.router.add_get("/nhiem-vu/{id}/minh-chung/{evidence}", page(evidence.download))
    app.router.add_get("/duyet", page(pages.approvals))
    app.router.add_post("/duyet", page(pages.approvals))
    app.router.add_get("/kiem-tra", page(forms.inspections))
    app.router.add_post("/kiem-tra", page(forms.inspections))
    app.router.add_get("/tu-cham", page(forms.scores))
    app.router.add_post("/tu-cham", page(forms.scores))
    app.router.add_get("/nhap", page(imports.import_page))
    app.router.add_post("/nhap", page(imports.import_page))
    app.router.add_get("/bao-cao", page(forms.report_form))
    app.router.add_get("/bao-cao/tai", page(forms.report_download))


def web_application(deps: WebDeps) -> web.Application:
    """An application serving only the web page (`nhacviec web`, the tests)."""
    app = web.Application()
    setup_web(app, deps)
    return app
