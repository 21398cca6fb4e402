"""The /status chart: per unit, a bar of its tasks split into late, overdue, on time and open,
as shares of the tasks assigned, with the 30% line marked. PNG, drawn without a display."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nhacviec.base import texts
from rules import Flag, UnitFigures

# No display on a server. The chart draws on a bare Figure (not pyplot), so it keeps no global
# state and is safe from the worker threads the chat service runs in.
matplotlib.use("Agg")

# Late and overdue come first, from the left, so the line at 30% reads directly against them.
SEGMENTS = (
    ("late", "Xong trễ", "#f59e0b"),
    ("overdue", "Quá hạn", "#dc2626"),
    ("on_time", "Xong đúng hạn", "#16a34a"),
    ("open", "Đang làm", "#cbd5e1"),
)
FLAG_COLOURS = {Flag.OK: "#111827", Flag.WARNING: "#b45309", Flag.OVER: "#b91c1c"}
WIDTH_INCHES = 7.5
DPI = 144  # 7.5 in x 144 dpi = 1080 px: a phone screen's width


def status_chart(
    units: Sequence[UnitFigures], fail: float, on: date, title: str = "Tình hình nhiệm vụ"
) -> bytes:
    """A PNG of the units that have tasks, worst first at the top, each bar 100% of its
    tasks; the dashed line is the fail share (30% in the plan)."""
    rows = [u for u in units if u.assigned][::-1]  # barh draws bottom-up: worst on top
    height = 2.4 + 0.48 * max(len(rows), 1)
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    ax = fig.add_subplot()
    fig.suptitle(f"{title}\nngày {on:%d/%m/%Y}", fontsize=14, fontweight="bold")
    if not rows:
        ax.text(0.5, 0.5, "Chưa có nhiệm vụ nào", ha="center", va="center", fontsize=14)
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
            f"{texts.pct(unit.share)} ({unit.failed_or_late}/{unit.assigned})",
            va="center",
            fontsize=11,
            color=FLAG_COLOURS[unit.flag],
            fontweight="bold" if unit.flag is not Flag.OK else "normal",
        )
    ax.axvline(fail * 100, color="#111827", linestyle="--", linewidth=1.6)
    ax.text(
        fail * 100,
        len(rows) - 0.35,
        f" ngưỡng {texts.pct(fail)}",
        fontsize=10,
        va="bottom",
        ha="left",
    )
    ax.set_yticks(y, [u.unit for u in rows], fontsize=12)
    for tick, unit in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_color(FLAG_COLOURS[unit.flag])
    ax.set_xlim(0, 125)
    ax.set_ylim(-0.6, len(rows) + 0.2)
    ax.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20", "40", "60", "80", "100%"], fontsize=10)
    ax.set_xlabel("Tỷ lệ trên số nhiệm vụ được giao (trễ + quá hạn tính vào ngưỡng)", fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 100)
