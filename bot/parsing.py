"""What an officer typed, read as a command: name, arguments and the free text after them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    args: list[str]
    rest: str  # the text after the command, as typed


def parse_command(text: str, bot_username: str | None = None) -> Command | None:
    """`/progress@nhacviec_bot 12 50 xong phần 1` -> progress, [12, 50, ...]; None if the text
    is no command, or a command addressed to another bot."""
    text = text.strip()
    if not text.startswith("/"):
        return None
    head, _, rest = text.partition(" ")
    name, _, target = head[1:].partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return Command(name=name.lower(), args=rest.split(), rest=rest.strip())


def parse_percent(text: str) -> int | None:
    """`50`, `50%` -> 50; anything that is not a whole number from 0 to 100 -> None."""
    value = text.strip().removesuffix("%").strip()
    if not value.isdigit():
        return None
    number = int(value)
    return number if 0 <= number <= 100 else None


def rest_after(command: Command, n: int) -> str | None:
    """The text typed after the first `n` arguments (a free note), or None."""
    rest = command.rest
    for arg in command.args[:n]:
        rest = rest[rest.index(arg) + len(arg) :]
    return rest.strip() or None
