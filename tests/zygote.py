"""A parent that imports nhacviec once and forks a real `nhacviec run` process on demand, for
the restart-loop test: a fresh interpreter spends seconds importing on a loaded machine, a fork
a few milliseconds. Each child is a process of its own (its pid, its database sessions, its
sockets), killed with SIGKILL by the test like any other.

Protocol on stdin/stdout, one line each: `spawn CONFIG LOG` answers the child's pid."""

from __future__ import annotations

import os
import signal
import sys

# Everything `nhacviec run` imports, imported before any thread, loop or connection exists.
import bot.adapters.telegram.service  # noqa: F401
import nhacviec.cli
import scheduler.service  # noqa: F401


def child(config: str, log: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.argv = ["nhacviec", "run", "--config", config]
    try:
        nhacviec.cli.main()
    finally:
        os._exit(0)


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    for line in sys.stdin:
        command, *args = line.split()
        if command != "spawn":
            continue
        pid = os.fork()
        if pid == 0:
            child(*args)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
