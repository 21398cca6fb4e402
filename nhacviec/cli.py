"""The `nhacviec` command line."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from nhacviec import cli_vi
from nhacviec.base import texts

cli_vi.install()

if TYPE_CHECKING:
    # Only for annotations: `nhacviec --help` must start without the database, the chart or
    # the messengers, so every command imports what it uses when it runs.
    from collections.abc import Callable

    from nhacviec.app import App
    from nhacviec.base.clock import Clock
    from nhacviec.base.config import Config
    from rules import UnitFigures
    from storage.importer import ImportSummary

app = typer.Typer(
    help=texts.CLI_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


def error(message: str, style: str | None = "red") -> None:
    """An error line for the admin, printed as written: a "[schedule]" or "[theo phân công]"
    in it is text, never rich markup."""
    err.print(message, style=style, markup=False, highlight=False, soft_wrap=True)


ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help=texts.CLI_HELP_CONFIG),
]
# The demo's default date: a Monday in March 2023, when the example plan's first reports are due.
DEMO_DAY = date(2023, 3, 13)
# The example plan, shipped inside the package (nhacviec/data) so an installed wheel has it.
DEMO_PLAN = "ke-hoach-cchc-2023.xlsx"
OnOption = Annotated[str | None, typer.Option("--on", help=texts.CLI_HELP_ON)]


def parse_day(text: str) -> date:
    """dd/mm/yyyy, or ISO yyyy-mm-dd."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise typer.BadParameter(texts.cli_bad_day(text))


ByOption = typer.Option(
    "--by",
    help=texts.CLI_HELP_BY,
)

# Set by the global `nhacviec --config PATH …` option; a command's own --config wins.
_global_config: Path | None = None


@app.callback()
def _main(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help=texts.CLI_HELP_CONFIG),
    ] = None,
) -> None:
    """The options every command shares (typer shows texts.CLI_HELP)."""
    global _global_config
    _global_config = config


def _config(path: Path | None) -> Config:
    from nhacviec.base.config import ConfigError, load_config

    try:
        return load_config(path or _global_config)
    except ConfigError as exc:
        error(texts.explain(exc))
        raise typer.Exit(2) from exc


def _clock(config: Config, on: str | None) -> Clock:
    from nhacviec.base.clock import FixedClock, SystemClock

    return FixedClock.on(parse_day(on), config.timezone) if on else SystemClock()


def fail(message: str, code: int = 1) -> NoReturn:
    """One Vietnamese line on stderr, then exit with `code`: never a traceback."""
    error(message)
    raise typer.Exit(code)


def _app(config_path: Path | None, on: str | None = None) -> App:
    from nhacviec.app import build_app
    from storage.db import DatabaseUnavailable

    config = _config(config_path)
    try:
        return build_app(config, _clock(config, on))
    except DatabaseUnavailable as exc:
        fail(texts.explain(exc))


@app.command(help=texts.CLI_HELP_INIT)
def init(config: ConfigOption = None) -> None:
    """Create or upgrade the database; running it again is harmless."""
    built = _app(config)
    console.print(texts.cli_database_ready(built.engine.url.render_as_string(hide_password=True)))


# How many added or changed records a preview lists before it only counts the rest.
PREVIEW_LINES = 40


def _say(target: Console, text: str, style: str | None = None) -> None:
    """Print text from a file or the database as it is: never read as rich markup, so
    "[theo phân công]" shows and "[/…]" cannot break the printer."""
    target.print(text, markup=False, highlight=False, style=style, soft_wrap=True)


def _print_summary(file: Path, summary: ImportSummary, dry_run: bool) -> None:
    _print_warnings(summary.warnings)
    if summary.ongoing:
        _say(console, texts.cli_import_ongoing(summary.ongoing, PREVIEW_LINES))
    for code, values in list(summary.unstored.items())[:PREVIEW_LINES]:
        _say(console, texts.cli_import_unstored(code, values))
    if dry_run:
        _print_preview(summary)
    _say(
        console,
        texts.cli_import_summary(
            file.name, dry_run, summary.created, summary.updated, summary.unchanged
        ),
    )
    if dry_run:
        _say(console, texts.cli_import_for_real(file))


def _print_warnings(warnings: list[Any]) -> None:
    if not warnings:
        return
    _say(err, texts.cli_warnings(len(warnings)), "yellow")
    for warning in warnings[:PREVIEW_LINES]:
        _say(err, texts.cli_problem(warning))
    if len(warnings) > PREVIEW_LINES:
        _say(err, texts.cli_more_warnings(len(warnings) - PREVIEW_LINES))


def _print_preview(summary: ImportSummary) -> None:
    if summary.added:
        _say(console, texts.CLI_WILL_ADD, "green")
        for kind, code in summary.added[:PREVIEW_LINES]:
            _say(console, texts.cli_added(kind, code))
        if len(summary.added) > PREVIEW_LINES:
            _say(console, texts.cli_more(len(summary.added) - PREVIEW_LINES))
    if summary.changes:
        _say(console, texts.CLI_WILL_CHANGE, "yellow")
        for change in summary.changes[:PREVIEW_LINES]:
            _say(console, texts.cli_changed(change.kind, change.code, change.fields))
        if len(summary.changes) > PREVIEW_LINES:
            _say(console, texts.cli_more(len(summary.changes) - PREVIEW_LINES))


def run_import(
    built: App, file: Path, plan: str | None, dry_run: bool = False, by: str | None = None
) -> bool:
    """Import `file` in one transaction, with a progress bar; print every problem. A dry run
    shows what would be added and changed, field by field, and writes nothing. Every task it
    creates or changes is recorded as done by `by` (an officer code), else by the admin."""
    from rich.progress import Progress
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from nhacviec.base.clock import local_today
    from storage import repo
    from storage.db import session_scope
    from storage.importer import ImportFailed, import_sheets, read_file

    if not file.exists():
        _say(err, texts.cli_no_file(file), "red")
        return False
    if file.is_dir():
        _say(err, texts.cli_is_folder(file), "red")
        return False
    try:
        loaded = read_file(file)
        with Progress(console=err, transient=True) as bar:
            job = bar.add_task(texts.cli_reading(file.name), total=loaded.row_count)

            def step(n: int) -> None:
                bar.advance(job, n)

            def run(session: Session) -> Any:
                officer = repo.officer_by_code(session, by) if by else None
                if by and officer is None:
                    return None
                return import_sheets(
                    session,
                    loaded,
                    plan,
                    progress=step,
                    by=officer,
                    at=built.clock.now(),
                    day=local_today(built.clock, built.config.timezone),
                )

            if dry_run:
                with Session(built.engine) as session:
                    try:
                        summary = run(session)
                    finally:
                        session.rollback()
            else:
                with session_scope(built.engine) as session:
                    summary = run(session)
                if summary is not None:
                    # A plan of a new year: its days off must move its deadlines too.
                    built.sync_deadlines()
        if summary is None:
            _say(err, texts.cli_no_officer(by), "red")
            return False
    except ImportFailed as failed:
        _say(err, texts.cli_import_failed(len(failed.issues)), "red")
        for issue in failed.issues:
            _say(err, texts.cli_problem(issue))
        _print_warnings(failed.warnings)
        return False
    except SQLAlchemyError as exc:
        _say(err, texts.cli_import_database_error(type(exc).__name__), "red")
        return False
    _print_summary(file, summary, dry_run)
    for line in summary.kept_back:
        _say(err, line, "yellow")
    return True


@app.command("import", help=texts.CLI_HELP_IMPORT)
def import_(
    file: Annotated[
        Path,
        typer.Argument(metavar=texts.CLI_METAVAR_FILE, help=texts.CLI_HELP_IMPORT_FILE),
    ],
    plan: Annotated[str | None, typer.Option(help=texts.CLI_HELP_IMPORT_PLAN)] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=texts.CLI_HELP_IMPORT_DRY_RUN),
    ] = False,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Import a plan from an Excel or CSV file; a file with a bad row imports nothing. Every
    task change is recorded (who, when, through the import)."""
    if not run_import(_app(config), file, plan, dry_run=dry_run, by=by):
        raise typer.Exit(1)


@app.command(help=texts.CLI_HELP_EXPORT)
def export(
    file: Annotated[
        Path, typer.Argument(metavar=texts.CLI_METAVAR_FILE, help=texts.CLI_HELP_EXPORT_FILE)
    ],
    plan: Annotated[str | None, typer.Option(help=texts.CLI_HELP_EXPORT_PLAN)] = None,
    config: ConfigOption = None,
) -> None:
    """Export the plan, units, officers and tasks to an Excel file in the import's layout."""
    from storage.db import session_scope
    from storage.export import ExportError, export_plan

    if file.suffix.lower() != ".xlsx":
        _say(err, texts.cli_export_suffix(file.stem), "red")
        raise typer.Exit(2)
    built = _app(config)
    try:
        with session_scope(built.engine) as session:
            exported, content = export_plan(session, plan)
    except ExportError as exc:
        _say(err, texts.cli_export_failed(exc), "red")
        raise typer.Exit(1) from exc
    try:
        file.write_bytes(content)
    except OSError as exc:
        _say(err, texts.cli_not_written(file, exc.strerror), "red")
        raise typer.Exit(1) from exc
    _say(console, texts.cli_exported(exported.code, file))


@app.command(help=texts.CLI_HELP_INVITE)
def invite(
    officer: Annotated[
        str | None,
        typer.Argument(metavar=texts.CLI_METAVAR_OFFICER, help=texts.CLI_HELP_INVITE_OFFICER),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help=texts.CLI_HELP_INVITE_UNIT),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Issue a one-time link code for an officer, or for a unit's group chat (--unit)."""
    if (officer is None) == (unit is None):
        error(texts.CLI_INVITE_WHOM)
        raise typer.Exit(2)
    from storage import repo
    from storage.db import session_scope

    built = _app(config)
    if unit is not None:
        invite_group(built, unit)
        return
    assert officer is not None
    with session_scope(built.engine) as session:
        found = repo.officer_by_code(session, officer)
        if found is None:
            error(texts.cli_no_officer(officer))
            raise typer.Exit(1)
        link = repo.new_link_code(
            session, found, built.clock.now(), built.config.rules.link_code_days
        )
        expires = texts.dt(link.expires_at, built.config.timezone)
    console.print(texts.cli_invite_code(found.name, found.code, link.code))
    console.print(texts.cli_invite_how(link.code, expires))


def invite_group(built: App, unit_code: str) -> None:
    """A one-time code that links a unit's group chat: `/start CODE` typed in the group."""
    from storage import repo
    from storage.db import session_scope

    with session_scope(built.engine) as session:
        unit = repo.unit_by_code(session, unit_code)
        if unit is None:
            error(texts.cli_no_unit(unit_code))
            raise typer.Exit(1)
        link = repo.new_group_code(
            session, unit, built.clock.now(), built.config.rules.link_code_days
        )
        expires = texts.dt(link.expires_at, built.config.timezone)
    console.print(texts.cli_group_code(unit.name, unit.code, link.code))
    console.print(texts.cli_group_how(link.code, expires))


@app.command("unlink-group", help=texts.CLI_HELP_UNLINK_GROUP)
def unlink_group(
    unit: Annotated[
        str, typer.Argument(metavar=texts.CLI_METAVAR_UNIT, help=texts.CLI_HELP_UNLINK_UNIT)
    ],
    chat: Annotated[str | None, typer.Option("--chat", help=texts.CLI_HELP_UNLINK_CHAT)] = None,
    config: ConfigOption = None,
) -> None:
    """Unlink a unit's group chat: the group gets no more reminders."""
    from storage import repo
    from storage.db import session_scope

    built = _app(config)
    with session_scope(built.engine) as session:
        found = repo.unit_by_code(session, unit)
        if found is None:
            error(texts.cli_no_unit(unit))
            raise typer.Exit(1)
        removed = repo.unlink_group_chats(session, found, chat_id=chat)
        if not removed:
            error(texts.cli_not_linked(found.name, found.code, chat))
            raise typer.Exit(1)
        groups = ", ".join(f"{link.channel} {link.chat_id}" for link in removed)
    console.print(texts.cli_unlinked(len(removed), found.name, found.code, groups))
    console.print(texts.cli_link_again(found.code))


@app.command(help=texts.CLI_HELP_STATUS)
def status(
    on: OnOption = None,
    config: ConfigOption = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help=texts.CLI_HELP_STATUS_CHART)
    ] = None,
) -> None:
    """Each unit's standing: assigned, on time, late, overdue, open, both shares, late left."""
    from rich.table import Table

    from nhacviec.base.clock import local_today
    from nhacviec.reports.figures import plan_figures
    from storage import repo
    from storage.db import session_scope

    built = _app(config, on)
    today = local_today(built.clock, built.config.timezone)
    with session_scope(built.engine) as session:
        plans = repo.plans_on(session, today)
        if not plans:
            error(texts.NO_PLAN)
            raise typer.Exit(1)
        figures = plan_figures(session, plans, today, built.config)
    fail = figures.thresholds.fail
    table = Table(title=texts.cli_status_title(figures.title, texts.d(today)))
    for header in texts.CLI_STATUS_HEADERS:
        table.add_column(header, justify="left" if header in texts.CLI_STATUS_LEFT else "right")
    for f in figures.units:
        table.add_row(*status_row(f, f.unit, fail))
    table.add_section()
    table.add_row(*status_row(figures.total, texts.DEPARTMENT_TOTAL, fail), style="bold")
    console.print(table)
    console.print(f"{texts.SHARE_RULE}; {texts.SO_FAR_RULE}.")
    if figures.criterion is not None and figures.criterion.assigned:
        c = figures.criterion
        console.print(texts.cli_criterion(c.assigned, c.settled, c.on_time, c.late, c.overdue))
    if chart is not None:
        from nhacviec.reports.chart import status_chart

        png = status_chart(
            figures.units, figures.thresholds, today, texts.chart_plan_title(figures.title)
        )
        chart.write_bytes(png)
        console.print(texts.cli_chart_saved(chart))


def status_row(f: UnitFigures, label: str, fail: float) -> tuple[str, ...]:
    """One row of the status table, with the digits chat, chart and report show."""
    return (
        label,
        str(f.assigned),
        str(f.on_time),
        str(f.late),
        str(f.overdue),
        str(f.open),
        texts.tenths(f.year_tenths),
        texts.tenths(f.so_far_tenths),
        str(f.margin),
        f"{texts.FLAG_ICONS[f.flag]} {texts.flag_text(f.flag, fail, f.basis)}",
    )


@app.command(help=texts.CLI_HELP_REPORT)
def report(
    period: Annotated[str, typer.Option("--period", "-p", help=texts.CLI_HELP_REPORT_PERIOD)],
    out: Annotated[Path, typer.Option("--out", "-o", help=texts.CLI_HELP_REPORT_OUT)],
    on: OnOption = None,
    config: ConfigOption = None,
) -> None:
    """The quarter's, half year's or year's report as a workbook, figures as of its last day."""
    from nhacviec.base.clock import local_today
    from nhacviec.reports.workbook import ReportError, build_report
    from rules import PeriodError, parse_period
    from storage.db import session_scope

    built = _app(config, on)
    try:
        chosen = parse_period(period)
        with session_scope(built.engine) as session:
            made = build_report(
                session, chosen, local_today(built.clock, built.config.timezone), built.config
            )
    except (PeriodError, ReportError) as exc:
        error(texts.explain(exc))
        raise typer.Exit(2) from exc
    out.write_bytes(made.content)
    console.print(texts.cli_report_saved(chosen.label, made.title, texts.d(made.on), out))


@app.command(help=texts.CLI_HELP_DEMO)
def demo(
    on: OnOption = None,
    script: Annotated[Path | None, typer.Option(help=texts.CLI_HELP_DEMO_SCRIPT)] = None,
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan", help=texts.CLI_HELP_DEMO_PLAN),
    ] = None,
) -> None:
    """Chat with the bot in the terminal, on a throw-away database holding the example plan."""
    import tempfile
    from importlib.resources import as_file, files

    from bot.adapters.console import ConsoleChat
    from nhacviec.app import build_app, console_reminders
    from nhacviec.base.clock import FixedClock
    from nhacviec.base.config import Config

    with tempfile.TemporaryDirectory(prefix="nhacviec-demo-") as folder:
        config = Config()
        config.database.url = f"sqlite:///{folder}/demo.db"
        config.evidence.folder = f"{folder}/evidence"
        day = parse_day(on) if on else DEMO_DAY
        clock = FixedClock.on(day, config.timezone)
        built = build_app(config, clock)
        with as_file(files("nhacviec.data").joinpath(DEMO_PLAN)) as bundled:
            if not run_import(built, plan_file or bundled, None):
                raise typer.Exit(1)
        console.print(texts.cli_demo_day(texts.d(day)))
        chat = ConsoleChat(
            built.chat, sys.stdout, config.rules.link_code_days, console_reminders(built)
        )

        def move(moment: datetime) -> None:
            clock.set(FixedClock.on(moment.date(), config.timezone).now())

        if script is not None:
            if not script.exists():
                error(texts.cli_no_file(script))
                raise typer.Exit(1)
            lines = script.read_text(encoding="utf-8").splitlines()
            errors = chat.run_lines(lines, move)
            built.engine.dispose()
            if errors:
                raise typer.Exit(1)
            return
        chat.interactive(input)
        built.engine.dispose()


@app.command(help=texts.CLI_HELP_REMIND)
def remind(
    on: OnOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=texts.CLI_HELP_REMIND_DRY_RUN)
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Scan once now: queue the reminders, then send them on the enabled channels (for cron)."""
    import asyncio

    from nhacviec.app import build_messengers
    from nhacviec.app import remind as remind_now

    built = _app(config, on)
    messengers, _services = build_messengers(built)
    for line in asyncio.run(remind_now(built, messengers, dry_run=dry_run)):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    built.engine.dispose()


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@app.command(help=texts.CLI_HELP_BACKUP)
def backup(
    file: Annotated[Path, typer.Argument(help=texts.CLI_HELP_BACKUP_FILE)],
    config: ConfigOption = None,
) -> None:
    """Back all data up to a file, safely even while the bot runs (docs/backup.md)."""
    from storage.backup import BackupError
    from storage.backup import backup as make_backup

    built = _app(config)
    try:
        info = make_backup(built.engine, file)
    except BackupError as exc:
        error(texts.explain(exc))
        raise typer.Exit(1) from exc
    finally:
        built.engine.dispose()
    console.print(
        texts.cli_backed_up(info.dialect, info.revision, info.size, info.path),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command(help=texts.CLI_HELP_RESTORE)
def restore(
    file: Annotated[Path, typer.Argument(help=texts.CLI_HELP_RESTORE_FILE)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=texts.CLI_HELP_RESTORE_YES)] = False,
    config: ConfigOption = None,
) -> None:
    """Restore from a backup file; it REPLACES all current data (asks first)."""
    from storage.backup import BackupError, check_backup
    from storage.backup import backup as make_backup
    from storage.backup import restore as put_back

    built = _app(config)
    try:
        check_backup(built.engine, file)
    except BackupError as exc:
        error(texts.explain(exc))
        raise typer.Exit(1) from exc
    target = built.engine.url.render_as_string(hide_password=True)
    stamp = built.clock.now().strftime("%Y%m%d-%H%M%S")
    safety = file.with_name(f"truoc-khoi-phuc-{stamp}{file.suffix or '.bak'}")
    error(texts.RESTORE_WARNING.format(target=target, file=file, safety=safety), style=None)
    if not yes and not typer.confirm(texts.RESTORE_CONFIRM, default=False):
        error(texts.RESTORE_CANCELLED, style=None)
        raise typer.Exit(1)
    kept: Path | None = safety  # where the data as it was is, if it could be copied
    try:
        make_backup(built.engine, safety)
    except BackupError as exc:
        kept = None
        error(texts.RESTORE_NO_SAFETY.format(error=texts.explain(exc)))
    try:
        info = put_back(built.engine, file)
    except BackupError as exc:
        error(texts.explain(exc))
        raise typer.Exit(1) from exc
    finally:
        built.engine.dispose()
    console.print(
        texts.cli_restored(file, info.revision, kept),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command(help=texts.CLI_HELP_RUN)
def run(
    config: ConfigOption = None,
    log_level: Annotated[
        str,
        typer.Option(
            "--log-level",
            envvar="NHACVIEC_LOG_LEVEL",
            help=texts.CLI_HELP_LOG_LEVEL,
        ),
    ] = "INFO",
) -> None:
    """Run the bots (Telegram, Zalo) and the reminder schedule until stopped (Ctrl-C)."""
    import asyncio
    import logging

    from bot.messenger import StartupError
    from nhacviec.app import build_services
    from nhacviec.base.config import ConfigError
    from nhacviec.base.logs import setup_logging
    from nhacviec.runner import serve

    level = log_level.strip().upper()
    if level not in LOG_LEVELS:
        fail(texts.cli_bad_log_level(LOG_LEVELS, log_level), 2)
    setup_logging(getattr(logging, level))
    try:
        asyncio.run(serve(build_services(_app(config))))
    except ConfigError as exc:
        fail(texts.explain(exc), 2)
    except StartupError as exc:
        fail(texts.explain(exc))


# -- nhacviec task add | edit | cancel | reopen | show (docs/living-plan.md) ------------------

task_app = typer.Typer(
    help=texts.CLI_HELP_TASK,
    no_args_is_help=True,
)
app.add_typer(task_app, name="task")
IdArgument = Annotated[int, typer.Argument(metavar="ID", help=texts.CLI_HELP_TASK_ID)]


def _task_change(
    config: Path | None,
    by: str | None,
    action: str,
    task_id: int | None,
    work: Callable[[Any, Any, Any], str],
) -> None:
    """Run `work(session, who, task)` as `by` (else the admin at the server) if rules.access
    allows `action`; print its message, or the refusal in Vietnamese."""
    from nhacviec.base.clock import local_today
    from rules.access import Action, Actor, TaskScope, decide
    from storage import tasks as store
    from storage.db import session_scope

    built = _app(config)
    with session_scope(built.engine) as session:
        try:
            officer = store.officer_by_code(session, by) if by else None
            task = store.task_by_id(session, str(task_id)) if task_id is not None else None
        except store.TaskError as exc:
            err.print(f"[red]{exc.text()}[/red]")
            raise typer.Exit(1) from exc
        if officer is not None:
            scope = (
                TaskScope.of(
                    task.lead_unit_id,
                    store.co_unit_ids(session, task.id or 0),
                    task.assignee_id,
                    task.state,
                )
                if task is not None
                else None
            )
            who_acts = Actor(officer.id or 0, officer.unit_id, officer.role, officer.active)
            allowed = decide(who_acts, Action(action), scope)
            if not allowed:
                reason = allowed.reason.value if allowed.reason else "other_unit"
                err.print(f"[red]{texts.ACCESS_REFUSALS[reason].format(id=task_id)}[/red]")
                raise typer.Exit(1)
        who = store.Who(
            officer, "cli", built.clock.now(), local_today(built.clock, built.config.timezone)
        )
        try:
            message = work(session, who, task)
        except store.TaskError as exc:
            session.rollback()
            err.print(f"[red]{exc.text()}[/red]")
            raise typer.Exit(1) from exc
    console.print(message)


@task_app.command("add", help=texts.CLI_HELP_TASK_ADD)
def task_add(
    unit: Annotated[str, typer.Option("--unit", "-u", help=texts.CLI_HELP_TASK_UNIT)],
    title: Annotated[str, typer.Option("--title", "-t", help=texts.CLI_HELP_TASK_TITLE)],
    deadline: Annotated[
        str | None, typer.Option("--deadline", "-d", help=texts.CLI_HELP_TASK_DEADLINE)
    ] = None,
    authority: Annotated[
        str | None, typer.Option("--authority", help=texts.CLI_HELP_TASK_AUTHORITY)
    ] = None,
    document: Annotated[
        str | None, typer.Option("--document", help=texts.CLI_HELP_TASK_DOCUMENT)
    ] = None,
    officer: Annotated[
        str | None, typer.Option("--officer", help=texts.CLI_HELP_TASK_OFFICER)
    ] = None,
    co_units: Annotated[str | None, typer.Option("--co", help=texts.CLI_HELP_TASK_CO)] = None,
    area: Annotated[str | None, typer.Option("--area", help=texts.CLI_HELP_TASK_AREA)] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Assign a new task without a file; the units and officers concerned are told."""

    def work(session: Any, who: Any, _task: Any) -> str:
        from storage import repo
        from storage import tasks as store

        day = store.parse_day(deadline) if deadline else None
        # As /giao: a plan of the deadline's year, else of the plans today follows.
        plan = repo.plan_for_new_task(session, who.day, day)
        if plan is None:
            raise store.TaskError("no_plan")
        lead = store.unit_by_code(session, unit)
        named = store.officer_by_code(session, officer) if officer else None
        area_row = store.area_by_code(session, plan.id or 0, area) if area else None
        task = store.add_task(
            session,
            store.NewTask(
                plan_id=plan.id or 0,
                title=title,
                lead_unit_id=lead.id or 0,
                deadline=day,
                authority=authority,
                document=document,
                area_id=area_row.id if area_row else None,
                assignee_id=named.id if named else None,
                co_unit_ids=[u.id or 0 for u in store.units_by_codes(session, co_units or "")],
            ),
            who,
        )
        told = len(store.notice_rows(session, task.id or 0))
        return texts.task_added(task.id or 0, task.title, lead.code, task.deadline, told)

    _task_change(config, by, "assign", None, work)


@task_app.command("edit", help=texts.CLI_HELP_TASK_EDIT)
def task_edit(
    task_id: IdArgument,
    field: Annotated[
        str,
        typer.Argument(metavar=texts.CLI_METAVAR_FIELD, help=texts.CLI_HELP_TASK_FIELD),
    ],
    value: Annotated[
        str, typer.Argument(metavar=texts.CLI_METAVAR_VALUE, help=texts.CLI_HELP_TASK_VALUE)
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help=texts.CLI_HELP_TASK_EDIT_REASON)
    ] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Change one field of a task; old and new value, who and why are recorded."""

    def work(session: Any, who: Any, task: Any) -> str:
        from bot.task_commands import edit_field
        from rules.textnorm import fold
        from storage import tasks as store

        name = texts.FIELD_WORDS.get(fold(field).replace(" ", ""))
        if name is None:
            raise store.TaskError("bad_field", field)
        return edit_field(session, task, name, value, who, reason)

    _task_change(config, by, "edit", task_id, work)


@task_app.command("cancel", help=texts.CLI_HELP_TASK_CANCEL)
def task_cancel(
    task_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", "-r", help=texts.CLI_HELP_TASK_CANCEL_REASON)],
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Cancel a task: it no longer counts in the unit's figures; the reason is recorded."""

    def work(session: Any, who: Any, task: Any) -> str:
        from storage import tasks as store

        event = store.cancel(session, task, who, reason)
        told = len(store.notice_rows_of_event(session, event.id or 0))
        return texts.task_cancelled(task.id or 0, task.title, reason, told)

    _task_change(config, by, "cancel", task_id, work)


@task_app.command("reopen", help=texts.CLI_HELP_TASK_REOPEN)
def task_reopen(
    task_id: IdArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help=texts.CLI_HELP_TASK_REOPEN_REASON)
    ] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Reopen a cancelled task: it counts in the unit's figures again."""

    def work(session: Any, who: Any, task: Any) -> str:
        from storage import tasks as store

        store.reopen(session, task, who, reason)
        return texts.task_changed(task.id or 0, texts.EVENT_NAMES["reopened"], 0)

    _task_change(config, by, "reopen", task_id, work)


@task_app.command("show", help=texts.CLI_HELP_TASK_SHOW)
def task_show(
    task_id: IdArgument,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """One task and its story (changes, progress), newest first."""

    def work(session: Any, _who: Any, task: Any) -> str:
        from bot.task_commands import task_story

        return task_story(session, task, built_timezone)

    built_timezone = _config(config).timezone
    _task_change(config, by, "view", task_id, work)


@app.command(help=escape(texts.CLI_HELP_WEB))
def web(config: ConfigOption = None) -> None:
    """Run the web page alone (no bot, no reminders) at [web] listen:port."""
    import asyncio

    from nhacviec.app import build_web_service
    from nhacviec.base.config import ConfigError
    from nhacviec.base.logs import setup_logging
    from nhacviec.runner import serve

    setup_logging()
    built = _app(config)
    console.print(texts.cli_web_address(built.config.web.base_url), markup=False)
    try:
        asyncio.run(serve([build_web_service(built)]))
    except OSError as exc:  # the port is taken, or not ours to listen on
        error(texts.cli_web_port_taken(built.config.web.listen, built.config.web.port, exc))
        raise typer.Exit(2) from exc
    except ConfigError as exc:
        error(texts.explain(exc))
        raise typer.Exit(2) from exc


@app.command("web-link", help=texts.CLI_HELP_WEB_LINK)
def web_link(
    officer: Annotated[
        str,
        typer.Argument(metavar=texts.CLI_METAVAR_OFFICER, help=texts.CLI_HELP_WEB_LINK_OFFICER),
    ],
    config: ConfigOption = None,
) -> None:
    """Print a one-time web sign-in link for an officer (the first admin, say)."""
    from storage import repo, web_sessions
    from storage.db import session_scope

    built = _app(config)
    with session_scope(built.engine) as session:
        found = repo.officer_by_code(session, officer)
        if found is None or not found.active:
            error(texts.cli_no_officer(officer))
            raise typer.Exit(1)
        try:
            url, expires = web_sessions.login_link(
                session, found, built.clock.now(), built.config.web, "cli"
            )
        except web_sessions.LoginLimited as limited:
            error(texts.WEB_LIMITED.format(n=limited.issued))
            raise typer.Exit(1) from limited
    console.print(
        texts.cli_web_link(found.name, found.code, texts.dt(expires, built.config.timezone))
    )
    console.print(url, markup=False, highlight=False, soft_wrap=True)


# -- nhacviec officer list | show | deactivate | move | role | leave (docs/people-and-hours.md) -

officer_app = typer.Typer(
    help=texts.CLI_HELP_OFFICER,
    no_args_is_help=True,
)
app.add_typer(officer_app, name="officer")
CodeArgument = Annotated[
    str, typer.Argument(metavar=texts.CLI_METAVAR_CODE, help=texts.CLI_HELP_OFFICER_CODE)
]


def _people_change(
    config: Path | None, by: str | None, work: Callable[[Any, Any], str], leave_of: str = ""
) -> None:
    """Run `work(session, who)` as `by` (else the admin at the server) if rules.access allows
    it (officer changes: TCCB and admin; a leave: the officer, their head, TCCB, admin);
    print its message, or the refusal in Vietnamese."""
    from nhacviec.base.clock import local_today
    from rules.access import Action, Actor, decide, decide_leave
    from rules.leave import LeaveError
    from storage import people
    from storage import tasks as store
    from storage.db import session_scope
    from storage.models import Unit

    built = _app(config)
    with session_scope(built.engine) as session:
        try:
            officer = people.find_officer(session, by, active_only=True) if by else None
            if officer is not None:
                who_acts = Actor(officer.id or 0, officer.unit_id, officer.role, officer.active)
                if leave_of:
                    subject = people.find_officer(session, leave_of, active_only=True)
                    unit = session.get(Unit, subject.unit_id)
                    allowed = decide_leave(
                        who_acts, subject.id or 0, subject.unit_id, unit.head_id if unit else None
                    )
                    refusal = texts.PEOPLE_ERRORS["leave_not_allowed"]
                else:
                    allowed = decide(who_acts, Action.PEOPLE)
                    refusal = texts.PEOPLE_ERRORS["not_allowed"]
                if not allowed:
                    error(refusal)
                    raise typer.Exit(1)
            who = store.Who(
                officer, "cli", built.clock.now(), local_today(built.clock, built.config.timezone)
            )
            message = work(session, who)
        except people.PeopleError as exc:
            session.rollback()
            error(exc.text())
            raise typer.Exit(1) from exc
        except LeaveError as exc:
            session.rollback()
            error(texts.PEOPLE_ERRORS[f"leave_{exc.reason}"].format(value=exc.value))
            raise typer.Exit(1) from exc
        except store.TaskError as exc:
            session.rollback()
            error(exc.text())
            raise typer.Exit(1) from exc
    console.print(message, markup=False, highlight=False)


@officer_app.command("list", help=texts.CLI_HELP_OFFICER_LIST)
def officer_list(
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help=texts.CLI_HELP_OFFICER_LIST_UNIT)
    ] = None,
    all_officers: Annotated[
        bool, typer.Option("--all", help=texts.CLI_HELP_OFFICER_LIST_ALL)
    ] = False,
    config: ConfigOption = None,
) -> None:
    """The officers: code, name, unit, role, how many chats they linked."""

    def work(session: Any, _who: Any) -> str:
        from bot.people_commands import officer_line
        from storage import people

        rows = people.list_officers(session, unit, all_officers)
        return "\n".join(officer_line(r) for r in rows) or texts.NO_OFFICERS

    _people_change(config, None, work)


@officer_app.command("show", help=texts.CLI_HELP_OFFICER_SHOW)
def officer_show(code: CodeArgument, config: ConfigOption = None) -> None:
    """One officer: unit, role, leave, the tasks they handle, the history of changes."""

    def work(session: Any, who: Any) -> str:
        from bot.people_commands import officer_card
        from storage import people

        officer = people.find_officer(session, code)
        return officer_card(session, officer, who.day, timezone)

    timezone = _config(config).timezone
    _people_change(config, None, work)


@officer_app.command("deactivate", help=texts.CLI_HELP_DEACTIVATE)
def officer_deactivate(
    code: CodeArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help=texts.CLI_HELP_DEACTIVATE_REASON)
    ] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """An officer leaves (retires, moves away): chats unlinked, their tasks go to the unit."""

    def work(session: Any, who: Any) -> str:
        from storage import people

        officer = people.find_officer(session, code)
        done = people.deactivate(session, officer, who, reason)
        return texts.deactivated(officer.code, done.tasks, done.links, done.head_of)

    _people_change(config, by, work)


@officer_app.command("move", help=texts.CLI_HELP_MOVE)
def officer_move(
    code: CodeArgument,
    unit: Annotated[
        str, typer.Argument(metavar=texts.CLI_METAVAR_NEW_UNIT, help=texts.CLI_HELP_MOVE_UNIT)
    ],
    with_tasks: Annotated[
        bool | None,
        typer.Option("--with-tasks/--keep-tasks", help=texts.CLI_HELP_MOVE_TASKS),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help=texts.CLI_HELP_REASON)
    ] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Move an officer to another unit; asks whether their tasks follow or stay."""

    def work(session: Any, who: Any) -> str:
        from storage import people

        officer = people.find_officer(session, code, active_only=True)
        target = people.find_unit(session, unit)
        named = len(people.open_tasks_named_to(session, officer.id or 0))
        move_tasks = with_tasks
        if move_tasks is None and named:
            if not sys.stdin.isatty():
                error(texts.cli_move_which(officer.code, named))
                raise typer.Exit(2)
            move_tasks = typer.confirm(texts.cli_move_ask(officer.code, named, target.code))
        done = people.move(session, officer, target, who, bool(move_tasks), reason)
        return texts.moved(officer.code, target.code, done.tasks, bool(move_tasks), done.head_of)

    _people_change(config, by, work)


@officer_app.command("role", help=texts.CLI_HELP_ROLE)
def officer_role(
    code: CodeArgument,
    role: Annotated[
        str,
        typer.Argument(metavar=texts.CLI_METAVAR_ROLE, help=texts.CLI_HELP_ROLE_ROLE),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help=texts.CLI_HELP_REASON)
    ] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Change an officer's role."""

    def work(session: Any, who: Any) -> str:
        from storage import people

        officer = people.find_officer(session, code, active_only=True)
        people.set_role(session, officer, role.lower(), who, reason)
        return texts.role_changed(officer.code, officer.role)

    _people_change(config, by, work)


@officer_app.command("leave", help=texts.CLI_HELP_LEAVE)
def officer_leave(
    code: CodeArgument,
    period: Annotated[
        str | None,
        typer.Argument(metavar=texts.CLI_METAVAR_SPAN, help=texts.CLI_HELP_LEAVE_SPAN),
    ] = None,
    substitute: Annotated[
        str | None,
        typer.Option("--substitute", "-s", help=texts.CLI_HELP_LEAVE_SUBSTITUTE),
    ] = None,
    cancel: Annotated[bool, typer.Option("--cancel", help=texts.CLI_HELP_LEAVE_CANCEL)] = False,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Record a leave (holiday, training, mission): the substitute gets the reminders and
    reports in the officer's place."""

    def work(session: Any, who: Any) -> str:
        from rules.leave import parse_period
        from storage import people

        officer = people.find_officer(session, code, active_only=True)
        if cancel:
            leave = people.cancel_leave(session, officer, who)
            return texts.leave_cancelled(officer.code, leave.starts_on, leave.ends_on)
        if not period:
            raise people.PeopleError("leave_bad_period")
        first, last = parse_period(period)
        standing = people.find_officer(session, substitute, True) if substitute else None
        people.add_leave(session, officer, first, last, standing, who)
        return texts.leave_recorded(officer.code, first, last, standing.code if standing else None)

    _people_change(config, by, work, leave_of=code)


# -- nhacviec plan carry-over (docs/status-and-reports.md, "Several plans at once") ----------

plan_app = typer.Typer(help=texts.PLAN_HELP, no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("carry-over", help=texts.CARRY_HELP)
def plan_carry_over(
    from_year: Annotated[
        int, typer.Option("--from", metavar=texts.CLI_METAVAR_YEAR, help=texts.CARRY_FROM_HELP)
    ],
    to_year: Annotated[
        int, typer.Option("--to", metavar=texts.CLI_METAVAR_YEAR, help=texts.CARRY_TO_HELP)
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=texts.CARRY_DRY_RUN_HELP)] = False,
    by: Annotated[str | None, ByOption] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help=texts.CARRY_REASON_HELP)
    ] = None,
    config: ConfigOption = None,
) -> None:
    from sqlmodel import Session

    from nhacviec.base.clock import local_today
    from rules.access import Action, Actor, decide
    from storage import carry
    from storage import tasks as store
    from storage.db import session_scope

    built = _app(config)
    # A preview reads in a transaction that is rolled back: it writes nothing.
    scope = Session(built.engine) if dry_run else session_scope(built.engine)
    with scope as session:
        try:
            officer = store.officer_by_code(session, by) if by else None
            if officer is not None:
                who_acts = Actor(officer.id or 0, officer.unit_id, officer.role, officer.active)
                if not decide(who_acts, Action.CARRY):
                    fail(texts.CARRY_REFUSED)
            who = store.Who(
                officer, "cli", built.clock.now(), local_today(built.clock, built.config.timezone)
            )
            result = carry.carry_over(session, from_year, to_year, who, reason, apply=not dry_run)
        except store.TaskError as exc:
            session.rollback()
            fail(exc.text())
        except carry.CarryError as exc:
            session.rollback()
            fail(texts.explain(exc))
        if dry_run:
            session.rollback()
    _print_carry(result, dry_run)


def _print_carry(result: Any, dry_run: bool) -> None:
    """How many tasks per unit, then the first tasks (unit, deadline), then what it means."""
    from nhacviec.base.texts import d

    if not result.tasks:
        _say(
            console, texts.CARRY_NOTHING.format(from_year=result.from_year, to_year=result.to_year)
        )
        return
    _say(console, texts.carry_header(len(result.tasks), result.from_year, result.to_year, dry_run))
    for unit, count in result.per_unit().items():
        _say(console, texts.carry_unit_line(unit, count))
    for task in result.tasks[:PREVIEW_LINES]:
        _say(
            console, texts.carry_task_line(task.id, task.code, task.unit, d(task.due), task.title)
        )
    if len(result.tasks) > PREVIEW_LINES:
        _say(console, texts.carry_more(len(result.tasks) - PREVIEW_LINES))
    _say(console, texts.carry_counted(result.from_year))
    if dry_run:
        _say(
            console,
            texts.CARRY_DRY_RUN_HINT.format(from_year=result.from_year, to_year=result.to_year),
        )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
