"""The one rounding rule for every percentage nhacviec shows: chat, CLI, chart and Excel.

A share is shown to a tenth of a percent, rounded half up (1/15 = 6,666…% reads 6,7%), except
that rounding never carries a share across a line it is judged against: a share below the 30%
line never reads "30%" (29,96% reads 29,9%), and a share on or above it never reads below it.
The Excel report writes the rounded value itself into its cells (format 0.0%), so the sheet
shows the same digit as the chat."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from math import ceil


@lru_cache(maxsize=64)
def exact(share: float) -> Fraction:
    """A configured share (0.3) as the exact fraction a person means (3/10), not the binary
    float nearest to it."""
    return Fraction(repr(float(share)))


def percent_tenths(part: int, whole: int, lines: Iterable[float] = ()) -> int:
    """`part / whole` in tenths of a percent (67 for 1/15), half up, never carried across any
    of `lines` (shares such as 0.30); 0 when `whole` is 0. Integer arithmetic only: the
    figures of 500 units are rounded in well under a millisecond."""
    if whole <= 0:
        return 0
    tenths = (2000 * part + whole) // (2 * whole)  # floor(part / whole * 1000 + 1/2)
    for line in lines:
        limit = exact(line)
        line_tenths = _line_tenths(line)
        below = part * limit.denominator < limit.numerator * whole
        if below and tenths >= line_tenths:
            tenths = line_tenths - 1
        elif not below and tenths < line_tenths:
            tenths = line_tenths
    return tenths


@lru_cache(maxsize=64)
def _line_tenths(line: float) -> int:
    """The first tenth of a percent that reads on or above the line."""
    return ceil(exact(line) * 1000)


def share_tenths(share: float, lines: Iterable[float] = ()) -> int:
    """The same rule for a share already divided (a threshold, an inspection coverage)."""
    return _guarded(Fraction(share).limit_denominator(1_000_000), lines)


def _guarded(value: Fraction, lines: Iterable[float]) -> int:
    tenths = int(value * 2000 + 1) // 2  # half up: floor(x * 1000 + 1/2)
    for line in lines:
        limit = exact(line)
        line_tenths = ceil(limit * 1000)  # the first tenth that reads on or above the line
        if value < limit and tenths >= line_tenths:
            tenths = line_tenths - 1
        elif value >= limit and tenths < line_tenths:
            tenths = line_tenths
    return tenths


def percent_text(tenths: int) -> str:
    """Tenths of a percent the Vietnamese way: 67 -> "6,7%", 300 -> "30%"."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole},{tenth}%"
