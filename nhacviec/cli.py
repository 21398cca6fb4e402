"""The `nhacviec` command line."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

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
    help="nhacviec – nhắc việc: theo dõi nhiệm vụ và hạn cho cơ quan nhà nước.",
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
    typer.Option("--config", "-c", help="Tệp cấu hình TOML (mặc định: $NHACVIEC_CONFIG)."),
]
# The demo's default date: a Monday in March 2023, when the example plan's first reports are due.
DEMO_DAY = date(2023, 3, 13)
# The example plan, shipped inside the package (nhacviec/data) so an installed wheel has it.
DEMO_PLAN = "ke-hoach-cchc-2023.xlsx"
OnOption = Annotated[
    str | None, typer.Option("--on", help="Ngày mà các quy tắc nhìn thấy, dd/mm/yyyy.")
]


def parse_day(text: str) -> date:
    """dd/mm/yyyy, or ISO yyyy-mm-dd."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"ngày '{text}' không đúng dạng dd/mm/yyyy")


ByOption = typer.Option(
    "--by",
    help="Mã cán bộ thực hiện (ghi vào lịch sử nhiệm vụ); bỏ trống: quản trị.",
)

# Set by the global `nhacviec --config PATH …` option; a command's own --config wins.
_global_config: Path | None = None


@app.callback()
def _main(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Tệp cấu hình TOML (mặc định: $NHACVIEC_CONFIG)."),
    ] = None,
) -> None:
    """nhacviec – nhắc việc: theo dõi nhiệm vụ và hạn cho cơ quan nhà nước."""
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


@app.command()
def init(config: ConfigOption = None) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (chạy lại nhiều lần không sao)."""
    built = _app(config)
    console.print(
        f"Cơ sở dữ liệu sẵn sàng: {built.engine.url.render_as_string(hide_password=True)}"
    )


KIND_NAMES = {
    "plan": "kế hoạch",
    "area": "lĩnh vực",
    "unit": "đơn vị",
    "officer": "cán bộ",
    "task": "nhiệm vụ",
}
# How many added or changed records a preview lists before it only counts the rest.
PREVIEW_LINES = 40


def _say(target: Console, text: str, style: str | None = None) -> None:
    """Print text from a file or the database as it is: never read as rich markup, so
    "[theo phân công]" shows and "[/…]" cannot break the printer."""
    target.print(text, markup=False, highlight=False, style=style, soft_wrap=True)


def _counts(bucket: dict[str, int]) -> str:
    return ", ".join(f"{n} {KIND_NAMES[k]}" for k, n in bucket.items() if n) or "0"


def _print_summary(file: Path, summary: ImportSummary, dry_run: bool) -> None:
    _print_warnings(summary.warnings)
    if summary.ongoing:
        shown = ", ".join(summary.ongoing[:PREVIEW_LINES])
        more = len(summary.ongoing) - PREVIEW_LINES
        _say(
            console,
            f"{len(summary.ongoing)} nhiệm vụ 'Thường xuyên' (không có hạn, không nhắc hạn): "
            f"{shown}" + (f" … và {more} nhiệm vụ nữa" if more > 0 else ""),
        )
    for code, values in list(summary.unstored.items())[:PREVIEW_LINES]:
        _say(
            console,
            f"  Chưa lưu, nhiệm vụ {code}: " + "; ".join(f"{k}: {v}" for k, v in values.items()),
        )
    if dry_run:
        _print_preview(summary)
    verb = "Xem trước (chưa ghi gì)" if dry_run else "Đã nhập"
    _say(
        console,
        f"{verb} {file.name}: thêm {_counts(summary.created)}; sửa {_counts(summary.updated)}; "
        f"giữ nguyên {_counts(summary.unchanged)}.",
    )
    if dry_run:
        _say(console, f"Để nhập thật: nhacviec import {file}")


def _print_warnings(warnings: list[Any]) -> None:
    if not warnings:
        return
    _say(err, f"Cảnh báo ({len(warnings)}):", "yellow")
    for warning in warnings[:PREVIEW_LINES]:
        _say(err, f"  • {warning}")
    if len(warnings) > PREVIEW_LINES:
        _say(err, f"  … và {len(warnings) - PREVIEW_LINES} cảnh báo nữa")


def _print_preview(summary: ImportSummary) -> None:
    if summary.added:
        _say(console, "Sẽ thêm:", "green")
        for kind, code in summary.added[:PREVIEW_LINES]:
            _say(console, f"  + {KIND_NAMES[kind]} {code}")
        if len(summary.added) > PREVIEW_LINES:
            _say(console, f"  … và {len(summary.added) - PREVIEW_LINES} nữa")
    if summary.changes:
        _say(console, "Sẽ sửa:", "yellow")
        for change in summary.changes[:PREVIEW_LINES]:
            fields = "; ".join(f"{name}: {old} → {new}" for name, old, new in change.fields)
            _say(console, f"  ~ {KIND_NAMES[change.kind]} {change.code}: {fields}")
        if len(summary.changes) > PREVIEW_LINES:
            _say(console, f"  … và {len(summary.changes) - PREVIEW_LINES} nữa")


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
        _say(err, f"Không tìm thấy tệp {file}", "red")
        return False
    if file.is_dir():
        _say(err, f"{file} là thư mục: ghi đường dẫn tới tệp .xlsx hoặc .csv", "red")
        return False
    try:
        loaded = read_file(file)
        with Progress(console=err, transient=True) as bar:
            job = bar.add_task(f"Đọc {file.name}", total=loaded.row_count)

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
            _say(err, f"Không có cán bộ mã {by}.", "red")
            return False
    except ImportFailed as failed:
        _say(err, f"Không nhập gì cả: {len(failed.issues)} lỗi.", "red")
        for issue in failed.issues:
            _say(err, f"  • {issue}")
        _print_warnings(failed.warnings)
        return False
    except SQLAlchemyError as exc:
        _say(
            err,
            "Không nhập gì cả: lỗi cơ sở dữ liệu (" + type(exc).__name__ + "). Chạy "
            "'nhacviec init' rồi thử lại; nếu vẫn lỗi, báo quản trị.",
            "red",
        )
        return False
    _print_summary(file, summary, dry_run)
    for line in summary.kept_back:
        _say(err, line, "yellow")
    return True


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(metavar="TỆP", help="Tệp .xlsx hoặc .csv (xem docs/import-format.md)."),
    ],
    plan: Annotated[str | None, typer.Option(help="Mã kế hoạch cho tệp chỉ có nhiệm vụ.")] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Chỉ xem trước: thêm gì, sửa gì; không ghi gì."),
    ] = False,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Nhập kế hoạch từ tệp Excel hoặc CSV; tệp có dòng lỗi thì không nhập gì. Mọi thay đổi
    nhiệm vụ được ghi lại (ai, khi nào, qua nhập tệp)."""
    if not run_import(_app(config), file, plan, dry_run=dry_run, by=by):
        raise typer.Exit(1)


@app.command()
def export(
    file: Annotated[
        Path, typer.Argument(metavar="TỆP", help="Tệp .xlsx để ghi (cùng mẫu với tệp nhập).")
    ],
    plan: Annotated[
        str | None, typer.Option(help="Mã kế hoạch (mặc định: kế hoạch mới nhất).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Xuất kế hoạch, đơn vị, cán bộ, nhiệm vụ ra tệp Excel theo mẫu nhập."""
    from storage.db import session_scope
    from storage.export import ExportError, export_plan

    if file.suffix.lower() != ".xlsx":
        _say(err, f"Tên tệp phải có đuôi .xlsx (ví dụ {file.stem}.xlsx)", "red")
        raise typer.Exit(2)
    built = _app(config)
    try:
        with session_scope(built.engine) as session:
            exported, content = export_plan(session, plan)
    except ExportError as exc:
        _say(err, f"Không xuất được: {exc}", "red")
        raise typer.Exit(1) from exc
    try:
        file.write_bytes(content)
    except OSError as exc:
        _say(err, f"Không ghi được {file}: {exc.strerror or 'lỗi ghi tệp'}", "red")
        raise typer.Exit(1) from exc
    _say(console, f"Đã xuất kế hoạch {exported.code} ra {file}")


@app.command()
def invite(
    officer: Annotated[
        str | None, typer.Argument(metavar="MÃ_CÁN_BỘ", help="Mã cán bộ, ví dụ CB005.")
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Mã đơn vị: cấp mã liên kết nhóm chat của đơn vị."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Cấp mã liên kết dùng một lần cho cán bộ, hoặc cho nhóm chat của đơn vị (--unit)."""
    if (officer is None) == (unit is None):
        error("Gõ mã cán bộ (nhacviec invite CB005) hoặc --unit MÃ_ĐƠN_VỊ.")
        raise typer.Exit(2)
    from nhacviec.base import texts
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
            error(f"Không có cán bộ mã {officer}.")
            raise typer.Exit(1)
        link = repo.new_link_code(
            session, found, built.clock.now(), built.config.rules.link_code_days
        )
        expires = texts.dt(link.expires_at, built.config.timezone)
    console.print(f"Mã liên kết cho {found.name} ({found.code}): [bold]{link.code}[/bold]")
    console.print(f"Gửi cho cán bộ; trong chat gõ: /start {link.code}  (hết hạn {expires})")


def invite_group(built: App, unit_code: str) -> None:
    """A one-time code that links a unit's group chat: `/start CODE` typed in the group."""
    from nhacviec.base import texts
    from storage import repo
    from storage.db import session_scope

    with session_scope(built.engine) as session:
        unit = repo.unit_by_code(session, unit_code)
        if unit is None:
            error(f"Không có đơn vị mã {unit_code}.")
            raise typer.Exit(1)
        link = repo.new_group_code(
            session, unit, built.clock.now(), built.config.rules.link_code_days
        )
        expires = texts.dt(link.expires_at, built.config.timezone)
    console.print(f"Mã liên kết nhóm cho {unit.name} ({unit.code}): [bold]{link.code}[/bold]")
    console.print(
        f"Thêm bot vào nhóm chat của đơn vị rồi gõ trong nhóm: /start {link.code}  "
        f"(hết hạn {expires})"
    )


@app.command("unlink-group")
def unlink_group(
    unit: Annotated[str, typer.Argument(metavar="MÃ_ĐƠN_VỊ", help="Mã đơn vị, ví dụ KHTC.")],
    chat: Annotated[
        str | None, typer.Option("--chat", help="Chỉ huỷ nhóm có mã chat này.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Huỷ liên kết nhóm chat của đơn vị: nhóm không nhận nhắc việc nữa."""
    from storage import repo
    from storage.db import session_scope

    built = _app(config)
    with session_scope(built.engine) as session:
        found = repo.unit_by_code(session, unit)
        if found is None:
            error(f"Không có đơn vị mã {unit}.")
            raise typer.Exit(1)
        removed = repo.unlink_group_chats(session, found, chat_id=chat)
        if not removed:
            which = f"nhóm chat {chat}" if chat else "nhóm chat nào"
            error(f"{found.name} ({found.code}) chưa liên kết {which}.")
            raise typer.Exit(1)
        groups = ", ".join(f"{link.channel} {link.chat_id}" for link in removed)
    console.print(
        f"Đã huỷ liên kết {len(removed)} nhóm chat của {found.name} ({found.code}): {groups}."
    )
    console.print("Liên kết lại: nhacviec invite --unit " + found.code)


@app.command()
def status(
    on: OnOption = None,
    config: ConfigOption = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Lưu thêm biểu đồ PNG vào tệp này.")
    ] = None,
) -> None:
    """Bảng tình hình từng đơn vị: giao, đúng hạn, trễ, quá hạn, mở, hai tỷ lệ, còn được trễ."""
    from rich.table import Table

    from nhacviec.base import texts
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
    table = Table(title=f"{figures.title} – tình hình ngày {texts.d(today)}")
    for header in STATUS_HEADERS:
        table.add_column(header, justify="left" if header in ("Đơn vị", "Cờ") else "right")
    for f in figures.units:
        table.add_row(*status_row(f, f.unit, fail))
    table.add_section()
    table.add_row(*status_row(figures.total, "Toàn Sở", fail), style="bold")
    console.print(table)
    console.print(f"{texts.SHARE_RULE}; {texts.SO_FAR_RULE}.")
    if figures.criterion is not None and figures.criterion.assigned:
        c = figures.criterion
        console.print(
            f"Tiêu chí 1.6 (NV Tỉnh ủy, HĐND, UBND giao): {c.assigned} NV, đến hạn {c.settled}, "
            f"đúng hạn {c.on_time}, trễ {c.late}, quá hạn {c.overdue}."
        )
    if chart is not None:
        from nhacviec.reports.chart import status_chart

        png = status_chart(figures.units, figures.thresholds, today, f"Tình hình {figures.title}")
        chart.write_bytes(png)
        console.print(f"Đã lưu biểu đồ: {chart}")


STATUS_HEADERS = (
    "Đơn vị",
    "Giao",
    "Đúng hạn",
    "Trễ",
    "Quá hạn",
    "Mở",
    "Tỷ lệ năm",
    "Tỷ lệ đến nay",
    "Còn được trễ",
    "Cờ",
)


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


@app.command()
def report(
    period: Annotated[
        str, typer.Option("--period", "-p", help="Kỳ: 2023-Q1 … 2023-Q4, 2023-H1, 2023-H2, 2023.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Tệp Excel (.xlsx) để ghi.")],
    on: OnOption = None,
    config: ConfigOption = None,
) -> None:
    """Báo cáo quý / 6 tháng / năm ra tệp Excel; số liệu tính đến ngày cuối kỳ."""
    from nhacviec.base import texts
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
    console.print(
        f"Đã lưu báo cáo {chosen.label} ({made.title}, số liệu đến ngày {texts.d(made.on)}): {out}"
    )


@app.command()
def demo(
    on: OnOption = None,
    script: Annotated[
        Path | None, typer.Option(help="Chạy các dòng của tệp thay vì gõ tay, in hội thoại.")
    ] = None,
    plan_file: Annotated[
        Path | None,
        typer.Option("--plan", help="Tệp kế hoạch để nạp (mặc định: kế hoạch mẫu đi kèm)."),
    ] = None,
) -> None:
    """Trò chuyện với bot ngay trong terminal, trên CSDL tạm nạp sẵn kế hoạch mẫu."""
    import tempfile
    from importlib.resources import as_file, files

    from bot.adapters.console import ConsoleChat
    from nhacviec.app import build_app, console_reminders
    from nhacviec.base import texts
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
        console.print(f"Ngày giả lập: {texts.d(day)} (đổi bằng --on dd/mm/yyyy)")
        chat = ConsoleChat(
            built.chat, sys.stdout, config.rules.link_code_days, console_reminders(built)
        )

        def move(moment: datetime) -> None:
            clock.set(FixedClock.on(moment.date(), config.timezone).now())

        if script is not None:
            if not script.exists():
                error(f"Không tìm thấy tệp {script}")
                raise typer.Exit(1)
            lines = script.read_text(encoding="utf-8").splitlines()
            errors = chat.run_lines(lines, move)
            built.engine.dispose()
            if errors:
                raise typer.Exit(1)
            return
        chat.interactive(input)
        built.engine.dispose()


@app.command()
def remind(
    on: OnOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ in các bản nhắc, không ghi và không gửi.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Quét nhắc việc một lần ngay: ghi hàng đợi rồi gửi qua các kênh đang bật (cho cron)."""
    import asyncio

    from nhacviec.app import build_messengers
    from nhacviec.app import remind as remind_now

    built = _app(config, on)
    messengers, _services = build_messengers(built)
    for line in asyncio.run(remind_now(built, messengers, dry_run=dry_run)):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    built.engine.dispose()


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Tệp sao lưu sẽ ghi, ví dụ sao-luu/nhacviec.db.")],
    config: ConfigOption = None,
) -> None:
    """Sao lưu toàn bộ dữ liệu ra tệp, an toàn cả khi bot đang chạy (xem docs/backup.md)."""
    from nhacviec.base import texts
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
        f"Đã sao lưu ({info.dialect}, phiên bản dữ liệu {info.revision}, "
        f"{info.size / 1024:.0f} KB): {info.path}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="Tệp sao lưu do nhacviec backup tạo.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Không hỏi lại.")] = False,
    config: ConfigOption = None,
) -> None:
    """Khôi phục dữ liệu từ tệp sao lưu; THAY toàn bộ dữ liệu hiện tại (hỏi lại trước)."""
    from nhacviec.base import texts
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
        f"Đã khôi phục từ {file} (phiên bản dữ liệu {info.revision})."
        + (f" Dữ liệu trước khi khôi phục: {kept}" if kept else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def run(
    config: ConfigOption = None,
    log_level: Annotated[
        str,
        typer.Option(
            "--log-level",
            envvar="NHACVIEC_LOG_LEVEL",
            help="Mức nhật ký: DEBUG, INFO, WARNING hoặc ERROR (mặc định INFO).",
        ),
    ] = "INFO",
) -> None:
    """Chạy bot (Telegram, Zalo) và lịch nhắc việc cho đến khi dừng (Ctrl-C)."""
    import asyncio
    import logging

    from bot.messenger import StartupError
    from nhacviec.app import build_services
    from nhacviec.base.config import ConfigError
    from nhacviec.base.logs import setup_logging
    from nhacviec.runner import serve

    level = log_level.strip().upper()
    if level not in LOG_LEVELS:
        fail(f"--log-level phải là {', '.join(LOG_LEVELS)}, không phải {log_level!r}.", 2)
    setup_logging(getattr(logging, level))
    try:
        asyncio.run(serve(build_services(_app(config))))
    except ConfigError as exc:
        fail(texts.explain(exc), 2)
    except StartupError as exc:
        fail(texts.explain(exc))


# -- nhacviec task add | edit | cancel | reopen | show (docs/living-plan.md) ------------------

task_app = typer.Typer(
    help="Thêm, sửa, huỷ, mở lại, xem một nhiệm vụ; mọi thay đổi được ghi lại.",
    no_args_is_help=True,
)
app.add_typer(task_app, name="task")
IdArgument = Annotated[
    int, typer.Argument(metavar="ID", help="Số (ID) nhiệm vụ, như trong /tasks.")
]


def _task_change(
    config: Path | None,
    by: str | None,
    action: str,
    task_id: int | None,
    work: Callable[[Any, Any, Any], str],
) -> None:
    """Run `work(session, who, task)` as `by` (else the admin at the server) if rules.access
    allows `action`; print its message, or the refusal in Vietnamese."""
    from nhacviec.base import texts
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


@task_app.command("add")
def task_add(
    unit: Annotated[str, typer.Option("--unit", "-u", help="Mã đơn vị chủ trì, ví dụ KHTC.")],
    title: Annotated[str, typer.Option("--title", "-t", help="Tên nhiệm vụ.")],
    deadline: Annotated[
        str | None, typer.Option("--deadline", "-d", help="Hạn hoàn thành, dd/mm/yyyy.")
    ] = None,
    authority: Annotated[
        str | None, typer.Option("--authority", help="Cơ quan giao, ví dụ “UBND tỉnh”.")
    ] = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Số văn bản giao, ví dụ 123/UBND-KT.")
    ] = None,
    officer: Annotated[
        str | None, typer.Option("--officer", help="Mã cán bộ thụ lý (thuộc đơn vị chủ trì).")
    ] = None,
    co_units: Annotated[
        str | None, typer.Option("--co", help="Mã đơn vị phối hợp, cách nhau dấu phẩy.")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", help="Mã lĩnh vực, ví dụ 1.")] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Giao một nhiệm vụ mới (không cần tệp); đơn vị, cán bộ liên quan được báo tin."""

    def work(session: Any, who: Any, _task: Any) -> str:
        from nhacviec.base import texts
        from storage import repo
        from storage import tasks as store

        plan = repo.current_plan(session)
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
                deadline=store.parse_day(deadline) if deadline else None,
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


@task_app.command("edit")
def task_edit(
    task_id: IdArgument,
    field: Annotated[
        str,
        typer.Argument(
            metavar="MỤC",
            help="Mục cần sửa: ten, han, donvi, canbo, phoihop, coquan, sovb; nhiệm vụ lặp "
            "lại: handau (hạn lần đầu), laplai (chu kỳ, ví dụ “hàng quý”).",
        ),
    ],
    value: Annotated[
        str, typer.Argument(metavar="GIÁ_TRỊ", help="Giá trị mới; “-” để xoá mục không bắt buộc.")
    ],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Lý do sửa.")] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Sửa một mục của nhiệm vụ; giá trị cũ, mới, người sửa và lý do được ghi lại."""

    def work(session: Any, who: Any, task: Any) -> str:
        from bot.task_commands import edit_field
        from nhacviec.base import texts
        from rules.textnorm import fold
        from storage import tasks as store

        name = texts.FIELD_WORDS.get(fold(field).replace(" ", ""))
        if name is None:
            raise store.TaskError("bad_field", field)
        return edit_field(session, task, name, value, who, reason)

    _task_change(config, by, "edit", task_id, work)


@task_app.command("cancel")
def task_cancel(
    task_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Lý do huỷ (bắt buộc).")],
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Huỷ nhiệm vụ: không còn tính vào số liệu của đơn vị; lý do được ghi lại."""

    def work(session: Any, who: Any, task: Any) -> str:
        from nhacviec.base import texts
        from storage import tasks as store

        event = store.cancel(session, task, who, reason)
        told = len(store.notice_rows_of_event(session, event.id or 0))
        return texts.task_cancelled(task.id or 0, task.title, reason, told)

    _task_change(config, by, "cancel", task_id, work)


@task_app.command("reopen")
def task_reopen(
    task_id: IdArgument,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Lý do mở lại.")] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Mở lại nhiệm vụ đã huỷ: nhiệm vụ tính lại vào số liệu của đơn vị."""

    def work(session: Any, who: Any, task: Any) -> str:
        from nhacviec.base import texts
        from storage import tasks as store

        store.reopen(session, task, who, reason)
        return texts.task_changed(task.id or 0, texts.EVENT_NAMES["reopened"], 0)

    _task_change(config, by, "reopen", task_id, work)


@task_app.command("show")
def task_show(
    task_id: IdArgument,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Xem một nhiệm vụ và diễn biến (thay đổi, tiến độ), mới nhất trước."""

    def work(session: Any, _who: Any, task: Any) -> str:
        from bot.task_commands import task_story

        return task_story(session, task, built_timezone)

    built_timezone = _config(config).timezone
    _task_change(config, by, "view", task_id, work)


@app.command()
def web(config: ConfigOption = None) -> None:
    """Chạy riêng trang web (không bot, không nhắc việc) tại [web] listen:port."""
    import asyncio

    from nhacviec.app import build_web_service
    from nhacviec.base.config import ConfigError
    from nhacviec.base.logs import setup_logging
    from nhacviec.runner import serve

    setup_logging()
    built = _app(config)
    console.print(f"Trang web: {built.config.web.base_url}  (dừng: Ctrl-C)", markup=False)
    try:
        asyncio.run(serve([build_web_service(built)]))
    except OSError as exc:  # the port is taken, or not ours to listen on
        error(f"Không mở được cổng {built.config.web.listen}:{built.config.web.port}: {exc}")
        raise typer.Exit(2) from exc
    except ConfigError as exc:
        error(texts.explain(exc))
        raise typer.Exit(2) from exc


@app.command("web-link")
def web_link(
    officer: Annotated[str, typer.Argument(metavar="MÃ_CÁN_BỘ", help="Mã cán bộ, ví dụ CB001.")],
    config: ConfigOption = None,
) -> None:
    """In đường dẫn đăng nhập trang web dùng một lần cho cán bộ (ví dụ quản trị đầu tiên)."""
    from nhacviec.base import texts
    from storage import repo, web_sessions
    from storage.db import session_scope

    built = _app(config)
    with session_scope(built.engine) as session:
        found = repo.officer_by_code(session, officer)
        if found is None or not found.active:
            error(f"Không có cán bộ mã {officer}.")
            raise typer.Exit(1)
        try:
            url, expires = web_sessions.login_link(
                session, found, built.clock.now(), built.config.web, "cli"
            )
        except web_sessions.LoginLimited as limited:
            error(texts.WEB_LIMITED.format(n=limited.issued))
            raise typer.Exit(1) from limited
    console.print(
        f"Đường dẫn đăng nhập cho {found.name} ({found.code}), dùng một lần, "
        f"hết hạn {texts.dt(expires, built.config.timezone)}:"
    )
    console.print(url, markup=False, highlight=False, soft_wrap=True)


# -- nhacviec officer list | show | deactivate | move | role | leave (docs/people-and-hours.md) -

officer_app = typer.Typer(
    help="Cán bộ: xem, cho nghỉ, chuyển đơn vị, đổi vai trò, báo vắng; mọi thay đổi được ghi lại.",
    no_args_is_help=True,
)
app.add_typer(officer_app, name="officer")
CodeArgument = Annotated[str, typer.Argument(metavar="MÃ", help="Mã cán bộ, ví dụ CB009.")]


def _people_change(
    config: Path | None, by: str | None, work: Callable[[Any, Any], str], leave_of: str = ""
) -> None:
    """Run `work(session, who)` as `by` (else the admin at the server) if rules.access allows
    it (officer changes: TCCB and admin; a leave: the officer, their head, TCCB, admin);
    print its message, or the refusal in Vietnamese."""
    from nhacviec.base import texts
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


@officer_app.command("list")
def officer_list(
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Chỉ một đơn vị.")] = None,
    all_officers: Annotated[
        bool, typer.Option("--all", help="Cả cán bộ đã ngừng hoạt động.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Danh sách cán bộ: mã, tên, đơn vị, vai trò, số chat đã liên kết."""

    def work(session: Any, _who: Any) -> str:
        from bot.people_commands import officer_line
        from storage import people

        rows = people.list_officers(session, unit, all_officers)
        return "\n".join(officer_line(r) for r in rows) or "Chưa có cán bộ nào."

    _people_change(config, None, work)


@officer_app.command("show")
def officer_show(code: CodeArgument, config: ConfigOption = None) -> None:
    """Một cán bộ: đơn vị, vai trò, lịch vắng, nhiệm vụ thụ lý, lịch sử thay đổi."""

    def work(session: Any, who: Any) -> str:
        from bot.people_commands import officer_card
        from storage import people

        officer = people.find_officer(session, code)
        return officer_card(session, officer, who.day, timezone)

    timezone = _config(config).timezone
    _people_change(config, None, work)


@officer_app.command("deactivate")
def officer_deactivate(
    code: CodeArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help="Lý do, ví dụ nghỉ hưu.")
    ] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Cán bộ nghỉ (hưu, chuyển đi): bỏ liên kết chat, nhiệm vụ thụ lý về đơn vị."""

    def work(session: Any, who: Any) -> str:
        from nhacviec.base import texts
        from storage import people

        officer = people.find_officer(session, code)
        done = people.deactivate(session, officer, who, reason)
        return texts.deactivated(officer.code, done.tasks, done.links, done.head_of)

    _people_change(config, by, work)


@officer_app.command("move")
def officer_move(
    code: CodeArgument,
    unit: Annotated[str, typer.Argument(metavar="ĐƠN_VỊ", help="Mã đơn vị mới, ví dụ KHTC.")],
    with_tasks: Annotated[
        bool | None,
        typer.Option(
            "--with-tasks/--keep-tasks",
            help="Nhiệm vụ đang thụ lý chuyển theo, hay để lại đơn vị cũ (bắt buộc nếu có).",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Lý do.")] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Chuyển cán bộ sang đơn vị khác; hỏi nhiệm vụ thụ lý chuyển theo hay ở lại."""

    def work(session: Any, who: Any) -> str:
        from nhacviec.base import texts
        from storage import people

        officer = people.find_officer(session, code, active_only=True)
        target = people.find_unit(session, unit)
        named = len(people.open_tasks_named_to(session, officer.id or 0))
        move_tasks = with_tasks
        if move_tasks is None and named:
            if not sys.stdin.isatty():
                error(
                    f"{officer.code} đang thụ lý {named} nhiệm vụ mở: "
                    "thêm --with-tasks (chuyển theo) hoặc --keep-tasks (để lại đơn vị cũ)."
                )
                raise typer.Exit(2)
            move_tasks = typer.confirm(
                f"{officer.code} đang thụ lý {named} nhiệm vụ mở. Chuyển theo sang {target.code}?"
            )
        done = people.move(session, officer, target, who, bool(move_tasks), reason)
        return texts.moved(officer.code, target.code, done.tasks, bool(move_tasks), done.head_of)

    _people_change(config, by, work)


@officer_app.command("role")
def officer_role(
    code: CodeArgument,
    role: Annotated[
        str,
        typer.Argument(
            metavar="VAI_TRÒ", help="officer, head, tccb, admin, followup hoặc director."
        ),
    ],
    reason: Annotated[str | None, typer.Option("--reason", "-r", help="Lý do.")] = None,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Đổi vai trò của cán bộ."""

    def work(session: Any, who: Any) -> str:
        from nhacviec.base import texts
        from storage import people

        officer = people.find_officer(session, code, active_only=True)
        people.set_role(session, officer, role.lower(), who, reason)
        return texts.role_changed(officer.code, officer.role)

    _people_change(config, by, work)


@officer_app.command("leave")
def officer_leave(
    code: CodeArgument,
    period: Annotated[
        str | None,
        typer.Argument(
            metavar="TỪ-ĐẾN", help="dd/mm/yyyy-dd/mm/yyyy, ví dụ 03/04/2023-07/04/2023."
        ),
    ] = None,
    substitute: Annotated[
        str | None,
        typer.Option(
            "--substitute", "-s", help="Mã người thay; bỏ trống: trưởng đơn vị nhận thay."
        ),
    ] = None,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Huỷ lịch vắng hiện tại hoặc sắp tới.")
    ] = False,
    by: Annotated[str | None, ByOption] = None,
    config: ConfigOption = None,
) -> None:
    """Báo vắng (nghỉ phép, đi học, công tác): người thay nhận nhắc việc và cập nhật thay."""

    def work(session: Any, who: Any) -> str:
        from nhacviec.base import texts
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
    from_year: Annotated[int, typer.Option("--from", metavar="NĂM", help=texts.CARRY_FROM_HELP)],
    to_year: Annotated[int, typer.Option("--to", metavar="NĂM", help=texts.CARRY_TO_HELP)],
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
