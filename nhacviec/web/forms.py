"""The pages that write: an inspection of a unit, a self-score of an area; and the period
report's download. Every refusal and every bad value says why, and changes nothing.

They follow the plans of the date (Ctx.plans), as /score, /inspect and /report do: a
self-score goes on the areas of the plan /score uses (the first of them with areas), or of the
one the form chooses when several have areas; inspections count in the plans' year."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from aiohttp import web

from nhacviec.base import texts
from nhacviec.reports.figures import assessment_figures
from nhacviec.reports.workbook import ReportError, build_report
from nhacviec.web.context import PLAN_FIELD, Ctx, pick_plan
from rules import AreaFacts, PeriodError, ScoreError, check_points, parse_period
from rules.access import Action, decide
from storage import assessments, repo, web_queries
from storage.models import Plan


def parse_date(text: str, label: str, problems: list[str]) -> date | None:
    """A date as a browser's date field sends it (yyyy-mm-dd) or as people type it
    (dd/mm/yyyy); empty is None; anything else adds a problem and is None."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.append(texts.WEB_BAD_DATE.format(label=label, value=text))
    return None


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _field(ctx: Ctx, name: str) -> str:
    value = (ctx.form or {}).get(name, "")
    return value.strip() if isinstance(value, str) else ""


# -- inspections ---------------------------------------------------------------------------------


def inspections(ctx: Ctx) -> web.StreamResponse:
    """The inspections of the year the date follows, the share of units inspected (counted
    as /inspect counts them), and the form."""
    if not decide(ctx.actor, Action.FOLLOW_UP):
        return ctx.refuse(texts.WEB_FOLLOW_UP_ONLY)
    plans = ctx.plans()
    plan = assessments.scored_plan(ctx.db, plans)
    if plan is None:
        return ctx.render(
            "message.html", title=texts.WEB_INSPECTION_TITLE, message=texts.NO_PLAN_LOADED
        )
    problems: list[str] = []
    values = {"don_vi": "", "ngay": ctx.today.isoformat(), "ghi_chu": ""}
    if ctx.form is not None:
        values = {k: _field(ctx, k) for k in values}
        unit = repo.unit_by_code(ctx.db, values["don_vi"]) if values["don_vi"] else None
        if unit is None:
            problems.append(texts.WEB_INSPECTION_CHOOSE_UNIT)
        day = parse_date(values["ngay"], texts.WEB_INSPECTION_DAY, problems)
        if day is None and not problems:
            problems.append(texts.WEB_INSPECTION_NO_DAY)
        if day is not None and day > ctx.today:
            problems.append(texts.FUTURE_DAY.format(day=texts.d(day)))
        if not problems and unit is not None and day is not None:
            assessments.add_inspection(
                ctx.db,
                unit,
                ctx.officer,
                day,
                values["ghi_chu"] or None,
                ctx.deps.clock.now(),
                "web",
            )
            return _see_other(f"/kiem-tra?da_ghi={quote(unit.code)}&ngay={day.isoformat()}")
    figures = assessment_figures(ctx.db, plan, ctx.today, ctx.deps.config)
    saved = None
    if ctx.query.get("da_ghi"):
        day_shown = parse_date(ctx.query.get("ngay", ""), "", [])
        saved = texts.WEB_INSPECTION_SAVED.format(unit=ctx.query["da_ghi"], day=texts.d(day_shown))
    return ctx.render(
        "inspect.html",
        status=400 if problems else 200,
        plan=plan,
        coverage=figures.inspections,
        rows=figures.inspection_rows,
        units=web_queries.units(ctx.db),
        values=values,
        problems=problems,
        saved=saved,
    )


# -- self-scores ---------------------------------------------------------------------------------


def scores(ctx: Ctx) -> web.StreamResponse:
    """The areas' latest self-scores against maximum and target, and the form. The plan is
    /score's (the first of the date's plans with areas) unless the page or the form chooses
    another of those with areas (`ke_hoach`)."""
    if not decide(ctx.actor, Action.FOLLOW_UP):
        return ctx.refuse(texts.WEB_FOLLOW_UP_ONLY)
    choices = assessments.scored_plans(ctx.db, ctx.plans())
    if not choices:
        return ctx.render(
            "message.html", title=texts.WEB_SCORE_TITLE, message=texts.NO_PLAN_LOADED
        )
    problems: list[str] = []
    asked = (ctx.form or ctx.query).get(PLAN_FIELD)
    plan = pick_plan(choices, choices[0], asked)
    if plan is None:
        problems.append(texts.WEB_UNKNOWN_PLAN.format(code=asked))
        plan = choices[0]
    assert plan.id is not None
    values = {"linh_vuc": "", "diem": "", "ghi_chu": ""}
    if ctx.form is not None:
        values = {k: _field(ctx, k) for k in values}
        if not problems:  # a plan that is not one of the choices records nothing
            done = _record_score(ctx, plan, values, problems)
            if done is not None:
                return done
    figures = assessment_figures(ctx.db, plan, ctx.today, ctx.deps.config)
    saved = ctx.query.get("da_ghi")
    return ctx.render(
        "score.html",
        status=400 if problems else 200,
        plan=plan,
        plan_choices=choices,
        summary=figures.scores,
        areas=web_queries.top_areas(ctx.db, [p.id for p in choices if p.id is not None]),
        values=values,
        problems=problems,
        saved=texts.WEB_SCORE_SAVED.format(area=saved) if saved else None,
    )


def _record_score(
    ctx: Ctx, plan: Plan, values: dict[str, str], problems: list[str]
) -> web.Response | None:
    """Record the form's self-score on the plan's area; the answer, or None with why not."""
    area = assessments.area_by_code(ctx.db, plan.id or 0, values["linh_vuc"])
    if area is None:
        code = values["linh_vuc"]
        problems.append(
            texts.WEB_NO_AREA_IN_PLAN.format(plan=plan.code, code=code)
            if code
            else texts.WEB_SCORE_CHOOSE_AREA
        )
        return None
    facts = AreaFacts(area.code, area.name, area.parent_code, area.max_score)
    try:
        points = check_points(values["diem"], facts)
    except ScoreError as err:
        problems.append(
            texts.SCORE_ERRORS[err.reason].format(
                code=area.code, value=values["diem"], max=texts.num(err.max_score)
            )
        )
        return None
    assessments.add_self_score(
        ctx.db,
        area,
        ctx.officer,
        points,
        values["ghi_chu"] or None,
        ctx.deps.clock.now(),
        "web",
    )
    return _see_other(f"/tu-cham?da_ghi={quote(area.code)}&{PLAN_FIELD}={quote(plan.code)}")


# -- reports -------------------------------------------------------------------------------------


def report_form(ctx: Ctx) -> web.StreamResponse:
    """The periods of the year the date follows (its plans', as /status's) to download, and a
    field for any other."""
    if not decide(ctx.actor, Action.REPORT):
        return ctx.refuse(texts.WEB_REPORTS_ONLY)
    year = ctx.year() or ctx.today.year
    periods = [
        (f"{year}-Q{q}", texts.WEB_PERIOD_QUARTER.format(quarter=q, year=year))
        for q in range(1, 5)
    ]
    periods += [
        (f"{year}-H1", texts.WEB_PERIOD_FIRST_HALF.format(year=year)),
        (f"{year}-H2", texts.WEB_PERIOD_SECOND_HALF.format(year=year)),
    ]
    periods.append((str(year), texts.WEB_PERIOD_YEAR.format(year=year)))
    return ctx.render("report.html", periods=periods, problem=ctx.query.get("loi"))


def report_download(ctx: Ctx) -> web.StreamResponse:
    """The period's Excel workbook, as `nhacviec report` and `/report` make it."""
    if not decide(ctx.actor, Action.REPORT):
        return ctx.refuse(texts.WEB_REPORTS_ONLY)
    raw = (ctx.query.get("ky") or "").strip()
    try:
        period = parse_period(raw)
        built = build_report(ctx.db, period, ctx.today, ctx.deps.config)
    except (PeriodError, ReportError) as err:
        return ctx.render("report_error.html", status=400, message=texts.explain(err), raw=raw)
    return web.Response(
        body=built.content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{built.filename}"'},
    )
