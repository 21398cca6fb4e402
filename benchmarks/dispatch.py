"""Benchmark outbox dispatch at Telegram's ceiling: `python benchmarks/dispatch.py`.

Starts the fake Bot API (tests/fakes/telegram_api.py) on 127.0.0.1 in a process of its own,
enforcing Telegram's limits as Telegram counts them (30 messages in any second overall, 1 in
any second to a private chat, 20 in any minute to a group), fills the outbox with one digest
for each of 1,000 private chats, and dispatches them with the real dispatcher and the real
python-telegram-bot client. Prints messages per second (first to last accepted message, as the
fake saw them arrive), the number of 429 answers, and the machine.

`--database postgresql+psycopg://…` dispatches from PostgreSQL instead of a temporary SQLite
file (the database's tables are dropped and created: give it an empty one).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Bot
from telegram.request import HTTPXRequest

from benchmarks.machine import describe
from bot.adapters.telegram.messenger import TelegramMessenger
from nhacviec.base.clock import SystemClock, local_today
from nhacviec.base.config import Config
from scheduler.dispatch import Dispatcher
from storage.db import make_engine, upgrade
from storage.models import SQLModel
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.outbox_load import fill_outbox

TOKEN = "4444444:AAH_benchmark-token-for-the-fake-api-000"


def serve_fake(pipe: Connection) -> None:
    """The fake Bot API in a process of its own, so it does not share a core's time with the
    dispatcher it measures; sends back its figures when told to stop."""

    async def main() -> None:
        async with FakeTelegramAPI(TOKEN, limits=True) as fake:
            pipe.send(fake.base_url)
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
            accepted = sorted(c.at for c in fake.sent())
            pipe.send(
                {
                    "accepted": len(accepted),
                    "first": accepted[0] if accepted else 0.0,
                    "last": accepted[-1] if accepted else 0.0,
                    "refused_429": sum(1 for c in fake.calls if c.status == 429),
                    "limit_hits": fake.limit_hits,
                    "max_in_a_second": max_in_window(accepted, 1.0),
                }
            )

    asyncio.run(main())


def max_in_window(times: list[float], width: float) -> int:
    """The most arrivals in any window of `width` seconds."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - width:
            start += 1
        most = max(most, end - start + 1)
    return most


async def dispatch(url: str, base_url: str, chats: int) -> tuple[int, float]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            SQLModel.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(engine)
    config = Config()
    clock = SystemClock()
    day = local_today(clock, config.timezone)
    fill_outbox(engine, day, [str(100_000_000 + n) for n in range(chats)], datetime.now(UTC))
    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=32))
    messenger = TelegramMessenger(bot)
    dispatcher = Dispatcher(engine, clock, {"telegram": messenger}, config.outbox, config.timezone)
    started = time.perf_counter()
    report = await dispatcher.dispatch_due()
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    engine.dispose()
    return report.sent, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1_000)
    parser.add_argument(
        "--database", help="a PostgreSQL URL (default: a temporary SQLite file)", default=None
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nhacviec-dispatch-"))
    url = args.database or f"sqlite:///{folder}/dispatch.db"
    print(f"nhacviec dispatch benchmark on {describe()}")
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve_fake, args=(theirs,), daemon=True)
    server.start()
    base_url = ours.recv()
    sent, elapsed = asyncio.run(dispatch(url, base_url, args.chats))
    ours.send("stop")
    figures = ours.recv()
    server.join(10)
    span = figures["last"] - figures["first"]
    rate = (figures["accepted"] - 1) / span if span > 0 else 0.0
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{database}: {sent:,} digests to {args.chats:,} private chats in {elapsed:.1f} s\n"
        f"  {rate:.1f} messages/s sustained (first to last accepted, as the fake saw them)\n"
        f"  429 answers: {figures['refused_429']} "
        f"(over Telegram's limits: {figures['limit_hits']}); "
        f"most accepted in any second: {figures['max_in_a_second']}"
    )
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
