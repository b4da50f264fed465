"""The report's charts, drawn with matplotlib as SVG (for HTML) and PNG (for PDF).

Both outputs are reproducible byte for byte: no dates in the metadata, a fixed SVG id salt.
Charts are static on purpose: the report is a document to print, sign and archive.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import matplotlib as mpl

mpl.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt

from sopmine.report._document import Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["bar_chart", "step_chart", "trend_chart"]

_BLUE, _ORANGE, _GREY, _RED = "#3b6ea5", "#f0a04b", "#9aa5b1", "#c0392b"
_STYLE: Any = {
    "svg.hashsalt": "sopmine-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def step_chart(
    key: str, title: str, labels: list[str], median_hours: list[float],
    waktu_hours: list[float], *, legend: tuple[str, str], axis: str, alt: str,
) -> Chart:  # fmt: skip
    """Horizontal bars of each step's median working time, with the SOP's Waktu as a tick."""
    with plt.rc_context(_STYLE):
        figure, axes = plt.subplots(figsize=(6.3, 0.32 * len(labels) + 1.1))
        rows = list(range(len(labels)))[::-1]
        shown = [max(h, 1 / 60) if h == h else 0.0 for h in median_hours]
        axes.barh(rows, shown, color=_BLUE, height=0.6, label=legend[0])
        axes.scatter(waktu_hours, rows, marker="|", s=260, linewidths=2.5, color=_RED,
                     label=legend[1], zorder=3)  # fmt: skip
        axes.set_yticks(rows, labels)
        axes.set_xscale("log")
        axes.set_xlabel(axis)
        axes.legend(loc="lower right", frameon=False, fontsize=8)
        return _chart(key, title, figure, alt, height_cm=(0.32 * len(labels) + 1.1) * 2.54)


def bar_chart(key: str, title: str, labels: list[str], values: list[float], *, axis: str,
              alt: str) -> Chart:  # fmt: skip
    """Horizontal bars, largest on top."""
    with plt.rc_context(_STYLE):
        height = 0.32 * max(len(labels), 1) + 0.9
        figure, axes = plt.subplots(figsize=(6.3, height))
        rows = list(range(len(labels)))[::-1]
        axes.barh(rows, values, color=_ORANGE, height=0.6)
        for row, value in zip(rows, values, strict=True):
            axes.annotate(f"{value:g}", (value, row), xytext=(3, 0), textcoords="offset points",
                          va="center", fontsize=8)  # fmt: skip
        axes.set_yticks(rows, labels)
        axes.set_xlabel(axis)
        return _chart(key, title, figure, alt, height_cm=height * 2.54)


def trend_chart(
    key: str, title: str, periods: list[str], series: dict[str, list[float]], *, axis: str,
    alt: str,
) -> Chart:  # fmt: skip
    """Lines of percentages per period (0-100)."""
    with plt.rc_context(_STYLE):
        figure, axes = plt.subplots(figsize=(6.3, 2.8))
        for (name, values), colour in zip(series.items(), (_BLUE, _ORANGE, _GREY), strict=False):
            axes.plot(periods, values, marker="o", color=colour, label=name)
        axes.set_ylim(0, 105)
        axes.set_ylabel(axis)
        axes.legend(loc="lower left", frameon=False, fontsize=8)
        return _chart(key, title, figure, alt, height_cm=2.8 * 2.54)


def _chart(key: str, title: str, figure: Figure, alt: str, *, height_cm: float) -> Chart:
    figure.tight_layout()
    svg, png = io.BytesIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    figure.savefig(png, format="png", dpi=160, metadata={"Software": None})
    plt.close(figure)
    text = svg.getvalue().decode("utf-8")
    text = text[text.index("<svg") :]  # drop the XML prolog and doctype: the SVG sits inline
    return Chart(key=key, title=title, svg=text, png=png.getvalue(), alt=alt,
                 width_cm=16.0, height_cm=height_cm * 16.0 / (6.3 * 2.54))  # fmt: skip
