"""Real `nhacviec run` processes for the multi-instance tests: each a subprocess with its own
config file and log, pointed at one database and at the fake Bot API of the test."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from storage.db import make_engine
from tests.conftest import postgres_url_or_skip
from tests.fakes.telegram_api import FakeTelegramAPI

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose connections all use a fresh schema, dropped afterwards."""
    url = postgres_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def write_config(
    folder: Path,
    database_url: str,
    fake: FakeTelegramAPI,
    *,
    lease_seconds: float,
    takeover_seconds: float = 1.0,
    timeout_seconds: float = 2.0,
) -> Path:
    """A config for `nhacviec run`: Telegram polling the fake, the dispatcher every second,
    no daily scan due today (the tests fill the outbox themselves), no office hours."""
    path = folder / "nhacviec.toml"
    path.write_text(
        f"""
[database]
url = "{database_url}"

[schedule]
daily_at = "23:59"
dispatch_every_seconds = 1
# These processes run on the wall clock: without this, from 21:00 to 06:30 in Hanoi and on
# days off the outbox (rightly) waits for office hours and nothing is sent.
quiet_hours = ""
quiet_days_off = false

[outbox]
lease_seconds = {lease_seconds}
base_delay_seconds = 0.5
max_delay_seconds = 5.0
max_attempts = 20

[telegram]
enabled = true
base_url = "{fake.base_url}"
base_file_url = "{fake.base_file_url}"
mode = "polling"
timeout_seconds = {timeout_seconds}
takeover_seconds = {takeover_seconds}
""",
        encoding="utf-8",
    )
    return path


@dataclass
class Instance:
    """One `nhacviec run` process."""

    config: Path
    log: Path
    token: str
    process: asyncio.subprocess.Process | None = None
    killed: bool = field(default=False)

    async def start(self) -> Instance:
        env = {**os.environ, "NHACVIEC_TELEGRAM_TOKEN": self.token, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "nhacviec",
                "run",
                "--config",
                str(self.config),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no lease released, sockets cut."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.killed = True

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as systemd stops it; the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0


async def until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Poll `predicate` (the processes are real: no injected clock reaches them) until it is
    truthy, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@dataclass
class Forked:
    """A `nhacviec run` process forked by the Zygote: killed and stopped by its pid."""

    pid: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        await until(lambda: _gone(self.pid), 10, f"process {self.pid} to die")

    async def stop(self, timeout: float = 20.0) -> None:
        if _gone(self.pid):
            return
        os.kill(self.pid, signal.SIGTERM)
        try:
            await until(lambda: _gone(self.pid), timeout, f"process {self.pid} to stop")
        except AssertionError:
            os.kill(self.pid, signal.SIGKILL)


class Zygote:
    """tests/zygote.py: forks `nhacviec run` processes from one parent that imported
    nhacviec once."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Zygote:
        env = {**os.environ, "NHACVIEC_TELEGRAM_TOKEN": self.token, "PYTHONUNBUFFERED": "1"}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.zygote",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return self

    async def spawn(self, config: Path, log: Path) -> Forked:
        assert self.process is not None and self.process.stdin and self.process.stdout
        self.process.stdin.write(f"spawn {config} {log}\n".encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        return Forked(int(line), log)

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None and self.process.stdin
        self.process.stdin.close()
        await asyncio.wait_for(self.process.wait(), 10)
