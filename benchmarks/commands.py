"""Benchmark chat commands beside a bare bot: `python benchmarks/commands.py`.

Two bots, one after the other, on the same fake Telegram Bot API (tests/fakes/telegram_api.py)
on 127.0.0.1, each in its own process polling it over HTTP with python-telegram-bot:

- a bare python-telegram-bot echo bot (the defaults: one update at a time, `reply_text`);
- nhacviec itself, `nhacviec run` on a SQLite file holding the example plan, with 20 officers'
  chats linked.

For each: the round trip of `/progress TASK N` for one officer, 200 commands in a row (the next
typed when the answer arrives; median and 95th percentile), then the throughput with 20
officers typing at once (each the next command when answered). Prints the figures and the
machine. `--rounds N` runs the two bots N times taking turns and prints the medians: on a
shared machine one run of each meets different loads. Targets (issue 17): nhacviec's median
at most 1.5 times the echo bot's, and at least 200 commands a second with 20 officers.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402

TOKEN = "4242424:AAF-benchmark-token-abcdefghijklmnopq"
FIRST_CHAT = 910_000


# -- the bare echo bot (run in its own process) -------------------------------------------------


def echo_bot(base_url: str) -> None:
    """The smallest python-telegram-bot bot: answer every text with itself."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = ApplicationBuilder().token(TOKEN).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=10, drop_pending_updates=False)


# -- the load: officers typing /progress ----------------------------------------------------------


@dataclass
class Officer:
    chat_id: int
    task_id: int
    sent_at: float = 0.0
    left: int = 0
    percent: int = 0
    latencies: list[float] = field(default_factory=list)


class LoadFake(FakeTelegramAPI):
    """The fake Bot API, typing each officer's next command as soon as the last is answered."""

    # Telegram never gives an update_id twice: nor do the fakes of one run, one after another
    # on the same database (nhacviec keeps the ids it handled: storage/seen.py).
    update_ids = itertools.count(1)

    def __init__(self) -> None:
        super().__init__(TOKEN)
        self._update_ids = LoadFake.update_ids
        self.officers: dict[str, Officer] = {}
        self.done: asyncio.Event | None = None
        self.keep_calls = False
        self.others = 0  # messages that answer no command (digests)
        self.other_texts: list[str] = []

    def type_next(self, officer: Officer) -> None:
        officer.percent = officer.percent % 90 + 1
        officer.sent_at = time.perf_counter()
        self.send_text(officer.chat_id, f"/progress {officer.task_id} {officer.percent}")

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> Any:
        result = super()._m_sendMessage(params, files)
        officer = self.officers.get(str(params.get("chat_id")))
        text = str(params.get("text", ""))
        if officer is not None and text.startswith(("📈", "/progress")):
            officer.latencies.append(time.perf_counter() - officer.sent_at)
            officer.left -= 1
            if officer.left > 0:
                self.type_next(officer)
            elif all(o.left <= 0 for o in self.officers.values()) and self.done is not None:
                self.done.set()
        else:
            self.others += 1
            self.other_texts.append(text[:60])
        if not self.keep_calls:
            self.calls.clear()
            self.messages.clear()
        return result

    async def run(self, officers: list[Officer], each: int) -> float:
        """Every officer types `each` commands, answered one by one; the seconds it took."""
        self.officers = {str(o.chat_id): o for o in officers}
        self.done = asyncio.Event()
        start = time.perf_counter()
        for officer in officers:
            officer.left, officer.latencies = each, []
            self.type_next(officer)
        await asyncio.wait_for(self.done.wait(), 600)
        return time.perf_counter() - start


# -- nhacviec's database --------------------------------------------------------------------------


def prepare_database(path: Path, officers: int) -> list[tuple[int, int]]:
    """The example plan in a SQLite file, `officers` Telegram chats linked to its officers;
    each chat's (id, a task of its officer's unit)."""
    from sqlmodel import select

    from bot.messages import Incoming
    from nhacviec.app import build_app
    from nhacviec.base.config import Config, DatabaseConfig
    from storage import repo
    from storage.db import session_scope
    from storage.importer import import_sheets, read_file
    from storage.models import Officer as OfficerRow
    from storage.models import Task, TaskState

    config = Config(database=DatabaseConfig(url=f"sqlite:///{path}"))
    app = build_app(config)
    with session_scope(app.engine) as session:
        import_sheets(session, read_file(ROOT / "nhacviec" / "data" / "ke-hoach-cchc-2023.xlsx"))
    with session_scope(app.engine) as session:
        people = [o for o in session.exec(select(OfficerRow)).all() if o.active]
        open_tasks = [t for t in session.exec(select(Task)).all() if t.state == TaskState.OPEN]
        pairs: list[tuple[OfficerRow, int]] = []
        for person in people:
            own = [t.id for t in open_tasks if t.lead_unit_id == person.unit_id and t.id]
            pairs += [(person, task) for task in own]
        codes = []
        for n in range(officers):
            person, task = pairs[(n * 7) % len(pairs)]
            codes.append((repo.new_link_code(session, person, app.clock.now(), 7).code, task))
    chats = []
    for n, (code, task) in enumerate(codes):
        chat = FIRST_CHAT + n
        [reply] = app.chat.handle(Incoming("telegram", str(chat), f"/start {code}"))
        assert reply.text.startswith("Đã liên kết"), reply.text
        chats.append((chat, task))
    app.engine.dispose()
    return chats


def nhacviec_config(tmp: Path, database: Path, base_url: str) -> Path:
    """`nhacviec run` as deployed, its daily scan set later today: commands are measured
    in the steady state, not beside the morning's digests (benchmarks/scan.py times those)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    # Later today (a time already past today would be caught up at start).
    later = min(now + timedelta(hours=2), now.replace(hour=23, minute=59)).strftime("%H:%M")
    path = tmp / "bench.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{database}"\n'
        f'[schedule]\ndaily_at = "{later}"\n'
        f'[telegram]\nenabled = true\nbase_url = "{base_url}"\n',
        encoding="utf-8",
    )
    return path


# -- one bot's run --------------------------------------------------------------------------------


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    per_second: float
    crowd_median_ms: float
    bot_cpu: float  # share of one core the bot used while 20 officers typed
    fake_cpu: float  # the same for the fake Bot API and the typists


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (Linux /proc), 0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


async def measure(
    launch: Callable[[str], tuple[list[str], dict[str, str]]],
    chats: list[tuple[int, int]],
    row: int,
    crowd: int,
) -> Figures:
    """Start the bot `launch(base_url)` gives (command, environment) against a fresh fake."""
    fake = LoadFake()
    await fake.start()
    command, env = launch(fake.base_url)
    child = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        fake.keep_calls = True
        await fake.wait_calls("getUpdates", timeout=60)
        fake.keep_calls = False
        officers = [Officer(chat, task) for chat, task in chats]
        await fake.run(officers[:1], 20)  # warm up: imports, connections, caches
        await fake.run(officers[:1], row)
        one = sorted(officers[0].latencies)
        bot_before, fake_before = cpu_seconds(child.pid), time.process_time()
        taken = await fake.run(officers[:crowd], max(1, 1000 // crowd))
        bot_cpu = (cpu_seconds(child.pid) - bot_before) / taken
        fake_cpu = (time.process_time() - fake_before) / taken
        if fake.others:
            print(
                f"note: {fake.others} messages besides the answers: {fake.other_texts[:3]}",
                file=sys.stderr,
            )
        everyone = sorted(x for o in officers[:crowd] for x in o.latencies)
        return Figures(
            median_ms=statistics.median(one) * 1000,
            p95_ms=one[int(len(one) * 0.95) - 1] * 1000,
            per_second=len(everyone) / taken,
            crowd_median_ms=statistics.median(everyone) * 1000,
            bot_cpu=bot_cpu,
            fake_cpu=fake_cpu,
        )
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            _, stderr = child.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            _, stderr = child.communicate()
        await fake.stop()
        if child.returncode not in (0, -signal.SIGTERM):
            print(stderr.decode(errors="replace")[-2000:], file=sys.stderr)


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import telegram

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores (load average {load}), "
        f"Python {platform.python_version()}, python-telegram-bot {telegram.__version__}, "
        f"{platform.system()} {platform.release()}"
    )


def median_figures(runs: list[Figures]) -> Figures:
    """Each figure's median over the rounds (a shared machine's load comes and goes)."""
    return Figures(
        *(
            statistics.median(getattr(run, name) for run in runs)
            for name in Figures.__dataclass_fields__
        )
    )


async def main_async(row: int, crowd: int, rounds: int) -> None:
    print(f"Machine: {machine()}")
    echoes: list[Figures] = []
    ourses: list[Figures] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        database = tmp / "bench.db"
        chats = prepare_database(database, crowd)
        # The two bots take turns, so both meet the same passing load of a shared machine.
        for n in range(rounds):
            echo = await measure(
                lambda url: ([sys.executable, __file__, "--echo-bot", url], {}), chats, row, crowd
            )
            ours = await measure(
                lambda url: (
                    [
                        sys.executable,
                        "-m",
                        "nhacviec",
                        "run",
                        "--config",
                        str(nhacviec_config(tmp, database, url)),
                    ],
                    {"NHACVIEC_TELEGRAM_TOKEN": TOKEN, "NHACVIEC_LOG_LEVEL": "WARNING"},
                ),
                chats,
                row,
                crowd,
            )
            echoes.append(echo)
            ourses.append(ours)
            if rounds > 1:
                print(
                    f"round {n + 1}: median {echo.median_ms:.1f} / {ours.median_ms:.1f} ms, "
                    f"{echo.per_second:.0f} / {ours.per_second:.0f} commands/s "
                    f"(echo / nhacviec), load {os.getloadavg()[0]:.1f}"
                )
    echo, ours = median_figures(echoes), median_figures(ourses)
    which = f", medians of {rounds} rounds" if rounds > 1 else ""
    print(f"/progress, one officer, {row} in a row; then {crowd} officers at once{which}")
    print(f"{'':28}{'echo bot':>12}{'nhacviec':>12}{'ratio':>8}")
    rows = [
        ("median round trip (ms)", echo.median_ms, ours.median_ms),
        ("95th percentile (ms)", echo.p95_ms, ours.p95_ms),
        (f"{crowd} officers: commands/s", echo.per_second, ours.per_second),
        (f"{crowd} officers: median (ms)", echo.crowd_median_ms, ours.crowd_median_ms),
        (f"{crowd} officers: bot CPU (%)", echo.bot_cpu * 100, ours.bot_cpu * 100),
        (
            "bot CPU per command (ms)",
            statistics.median(e.bot_cpu / e.per_second * 1000 for e in echoes),
            statistics.median(o.bot_cpu / o.per_second * 1000 for o in ourses),
        ),
        (f"{crowd} officers: fake CPU (%)", echo.fake_cpu * 100, ours.fake_cpu * 100),
    ]
    for name, a, b in rows:
        print(f"{name:28}{a:12.1f}{b:12.1f}{b / a:8.2f}")
    ok_latency = ours.median_ms <= 1.5 * echo.median_ms
    ok_rate = ours.per_second >= 200
    print(
        f"targets: median ≤ 1.5× echo: {'met' if ok_latency else 'NOT met'}; "
        f"≥ 200 commands/s: {'met' if ok_rate else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--row", type=int, default=200, help="commands in a row, one officer")
    parser.add_argument("--officers", type=int, default=20, help="officers at once")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of each bot, taking turns (medians shown)"
    )
    parser.add_argument("--echo-bot", metavar="BASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_bot:
        echo_bot(args.echo_bot)
        return
    asyncio.run(main_async(args.row, args.officers, args.rounds))


if __name__ == "__main__":
    main()
