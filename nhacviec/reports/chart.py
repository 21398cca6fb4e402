"""The /status chart: per unit, a bar of its tasks split into late, overdue, on time and open,
as shares of the tasks assigned, with the 30% line marked. PNG, drawn without a display."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nhacviec.base import texts
from rules import Flag, Thresholds, UnitFigures, department_totals

# No display on a server. The chart draws on a bare Figure (not pyplot), so it keeps no global
# state and is safe from the worker threads the chat service runs in.
matplotlib.use("Agg")

# Late and overdue come first, from the left, so the line at 30% reads directly against them.
SEGMENTS = (
    ("late", texts.CHART_SEGMENT_LABELS["late"], "#f59e0b"),
    ("overdue", texts.CHART_SEGMENT_LABELS["overdue"], "#dc2626"),
    ("on_time", texts.CHART_SEGMENT_LABELS["on_time"], "#16a34a"),
    ("open", texts.CHART_SEGMENT_LABELS["open"], "#cbd5e1"),
)
FLAG_COLOURS = {Flag.OK: "#111827", Flag.WARNING: "#b45309", Flag.OVER: "#b91c1c"}
WIDTH_INCHES = 7.5
DPI = 144  # 7.5 in x 144 dpi = 1080 px: a phone screen's width


# Telegram takes a photo up to 10 MB whose width + height is at most 10,000 px and whose
# sides are at most 20:1; a phone shows some thirty bars legibly. The chart draws the worst
# units (the watch list first) and one more bar summing the others.
MAX_BARS = 30


def chart_rows(units: Sequence[UnitFigures], thresholds: Thresholds) -> list[UnitFigures]:
    """The bars, worst first: the units that have tasks, at most MAX_BARS - 1 of them (the
    watch list and then the next worst), and one bar `N đơn vị khác` adding up the rest."""
    with_tasks = [u for u in units if u.assigned]
    if len(with_tasks) <= MAX_BARS:
        return with_tasks
    shown, rest = with_tasks[: MAX_BARS - 1], with_tasks[MAX_BARS - 1 :]
    others = department_totals(rest, thresholds)
    return [*shown, replace(others, unit=texts.chart_others(len(rest)))]


def status_chart(
    units: Sequence[UnitFigures],
    thresholds: Thresholds,
    on: date,
    title: str = texts.CHART_TITLE,
) -> bytes:
    """A PNG of the units that have tasks, worst first at the top, each bar 100% of its
    tasks; the dashed line is the fail share (30% in the plan). Each label shows the year
    rate, the rate so far and the margin, rounded as every other view rounds them."""
    rows = chart_rows(units, thresholds)[::-1]  # barh draws bottom-up: worst on top
    fail = thresholds.fail
    height = 2.4 + 0.48 * max(len(rows), 1)
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    ax = fig.add_subplot()
    fig.suptitle(texts.chart_heading(title, on), fontsize=14, fontweight="bold")
    if not rows:
        ax.text(0.5, 0.5, texts.CHART_EMPTY, ha="center", va="center", fontsize=14)
        ax.set_axis_off()
    else:
        _bars(ax, rows, fail)
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False, fontsize=11)
    # Keep the bottom 0.8 inch free for the legend.
    fig.tight_layout(rect=(0, 0.8 / height, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def bar_label(unit: UnitFigures) -> str:
    """`38,1% · nay 50% · còn 0`: the year rate, the rate so far, the margin."""
    return texts.chart_bar_label(
        texts.tenths(unit.year_tenths), texts.tenths(unit.so_far_tenths), unit.margin
    )


def _bars(ax: Axes, rows: list[UnitFigures], fail: float) -> None:
    y = list(range(len(rows)))
    left = [0.0] * len(rows)
    for attr, label, colour in SEGMENTS:
        widths = [100.0 * getattr(u, attr) / u.assigned for u in rows]
        ax.barh(y, widths, left=left, color=colour, label=label, height=0.7, edgecolor="white")
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for n, unit in enumerate(rows):
        ax.text(
            101.5,
            n,
            bar_label(unit),
            va="center",
            fontsize=9,
            color=FLAG_COLOURS[unit.flag],
            fontweight="bold" if unit.flag is not Flag.OK else "normal",
        )
    ax.axvline(fail * 100, color="#111827", linestyle="--", linewidth=1.6)
    ax.text(
        fail * 100,
        len(rows) - 0.35,
        texts.chart_line(fail),
        fontsize=10,
        va="bottom",
        ha="left",
    )
    ax.set_yticks(y, [u.unit for u in rows], fontsize=12)
    for tick, unit in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_color(FLAG_COLOURS[unit.flag])
    ax.set_xlim(0, 145)
    ax.set_ylim(-0.6, len(rows) + 0.2)
    ax.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20", "40", "60", "80", "100%"], fontsize=10)
    ax.set_xlabel(texts.CHART_AXIS, fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 100)
