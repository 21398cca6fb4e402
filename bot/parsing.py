"""What a typed command means, before any SQL: the command word, its arguments, a task id,
a percentage. Pure functions: whatever text comes in, they return a value or None, never raise.

Rules: whitespace of every kind separates words (a command typed `/done⏎103` or
`/done<TAB>103` is `/done 103`); only ASCII digits make a number (superscripts and other
scripts' digits are refused, not half-read); a task id is bounded so no database ever sees an
integer it cannot hold; NUL bytes, lone surrogates and other control characters are removed,
as no database stores the first two and no Excel report the last."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.textnorm import clean_text
from storage.repo import MAX_ID  # the largest id a task can have

_ASCII_NUMBER = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Command:
    name: str
    args: list[str]
    rest: str  # the text after the command word, as typed (cleaned, outer blanks removed)


def clean(text: str) -> str:
    """`text` as it may be stored and echoed: no NUL bytes or lone surrogates, no other control
    characters (a line break of any kind kept, a tab a space): rules.textnorm.clean_text, the
    one rule for chat and import."""
    return clean_text(text)


def parse_command(text: str, bot_username: str | None = None) -> Command | None:
    """`/progress@nhacviec_bot 12 50 xong phần 1` -> progress, [12, 50, ...]; None if the text
    is no command, or a command addressed to another bot."""
    text = clean(text).strip()
    if not text.startswith("/"):
        return None
    words = text.split(maxsplit=1)
    head = words[0]
    rest = words[1].strip() if len(words) > 1 else ""
    name, _, target = head[1:].partition("@")
    if target and bot_username and target.lower() != bot_username.lower():
        return None
    return Command(name=name.lower(), args=rest.split(), rest=rest)


def after_words(rest: str, n: int) -> str:
    """The text of `rest` after its first `n` words (a free note), blanks trimmed."""
    parts = rest.split(maxsplit=n)
    return parts[n].strip() if len(parts) > n else ""


def parse_number(text: str) -> int | None:
    """A whole number written in ASCII digits (at most 12), else None."""
    text = text.strip()
    if not _ASCII_NUMBER.fullmatch(text):
        return None
    return int(text)


def parse_id(text: str) -> int | None:
    """`103` or `#103` -> 103; None for anything that is not an id any task can have
    (other digits, signs, 0, numbers past MAX_ID)."""
    number = parse_number(text.strip().removeprefix("#"))
    if number is None or not 1 <= number <= MAX_ID:
        return None
    return number


def looks_like_id(text: str) -> bool:
    """ASCII digits, maybe after `#`: a number meant as an id, even one too large to be one."""
    digits = text.strip().removeprefix("#")
    return digits.isascii() and digits.isdigit()


def parse_percent(text: str) -> int | None:
    """`50`, `50%` -> 50; anything that is not a whole number from 0 to 100 -> None."""
    number = parse_number(text.strip().removesuffix("%"))
    return number if number is not None and number <= 100 else None


def parse_page(text: str) -> int | None:
    """A page number (1 or more, ASCII digits); None if `text` is not one."""
    number = parse_number(text)
    return number if number is not None and number >= 1 else None


def rest_after(command: Command, n: int) -> str | None:
    """The text typed after the first `n` arguments (a free note), or None."""
    return after_words(command.rest, n) or None
