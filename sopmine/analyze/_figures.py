"""plotly figures of the analytics tables: labels in Bahasa Indonesia (or English), units on axes.

Each ``plot_*`` function takes the table its analytics function returns and draws it; the
figure is a ``plotly.graph_objects.Figure`` for Streamlit (``st.plotly_chart``), notebooks
and the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sopmine.analyze._labels import Language, label

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "plot_bottlenecks",
    "plot_offices",
    "plot_roles",
    "plot_step_times",
    "plot_trends",
    "plot_variants",
    "plot_work_in_progress",
    "plot_workload",
]

_UNITS = {"id": ("menit kerja", "jam kerja", "hari kerja"),
          "en": ("working minutes", "working hours", "working days")}  # fmt: skip
_BLUE, _ORANGE, _RED, _GREY = "#3b6ea5", "#f0a04b", "#d62728", "#9e9e9e"


def plot_bottlenecks(table: pd.DataFrame, *, lang: Language = "id", top: int = 10) -> go.Figure:
    """Bars of working days over the Waktu per step (from ``rank_bottlenecks``), worst on top."""
    import plotly.express as px

    shown = table.sort_values("over_target_days", ascending=False).head(top).iloc[::-1]
    names = _step_names(shown)
    figure = px.bar(
        shown.assign(_name=names),
        x="over_target_days",
        y="_name",
        orientation="h",
        color="breach_pct",
        color_continuous_scale=["#fde0c5", _RED],
        range_color=(0, 100),
        hover_data={"volume": True, "elapsed_median_minutes": ":.0f", "target_minutes": ":.0f"},
        labels=_axis_labels(lang),
        title=label("title_bottlenecks", lang),
    )
    figure.update_layout(yaxis_title=label("step", lang), height=120 + 32 * len(shown))
    return figure


def plot_step_times(table: pd.DataFrame, *, lang: Language = "id") -> go.Figure:
    """Per step (from ``analyze_steps``): median waiting and processing against the Waktu."""
    import plotly.graph_objects as go

    shown = table[table["volume"] > 0].sort_values(["sop_id", "step_number"]).iloc[::-1]
    scale, unit = _unit(shown[["target_minutes", "elapsed_median_minutes"]].max().max(), lang)
    names = _step_names(shown)
    figure = go.Figure()
    has_start = shown["waiting_median_minutes"].notna().any()
    parts = (("waiting", _ORANGE), ("processing", _BLUE)) if has_start else (("elapsed", _BLUE),)
    for part, colour in parts:
        figure.add_bar(y=names, x=shown[f"{part}_median_minutes"] / scale, orientation="h",
                       name=label(part, lang), marker_color=colour)  # fmt: skip
    figure.add_scatter(y=names, x=shown["target_minutes"] / scale, mode="markers",
                       marker={"symbol": "line-ns-open", "size": 18, "color": _RED},
                       name=label("target", lang))  # fmt: skip
    figure.update_layout(
        barmode="stack",
        title=label("title_waiting", lang),
        xaxis_title=f"{label('median_minutes', lang).split(' (')[0]} ({unit})",
        yaxis_title=label("step", lang),
        height=140 + 30 * len(shown),
    )
    return figure


def plot_trends(table: pd.DataFrame, *, lang: Language = "id") -> go.Figure:
    """Per period (from ``summarize_trends``): arrivals, on-time and conformance rates."""
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    palette = qualitative.Plotly
    for n, (sop_id, rows) in enumerate(table.groupby("sop_id", sort=True)):
        colour = palette[n % len(palette)]
        figure.add_bar(x=rows["period"], y=rows["arrivals"], marker_color=colour, opacity=0.75,
                       name=f"{sop_id}: {label('arrivals', lang)}", legendgroup=str(sop_id),
                       row=1, col=1)  # fmt: skip
        for column, dash in (("on_time_pct", "solid"), ("conformant_pct", "dot")):
            figure.add_scatter(x=rows["period"], y=rows[column], mode="lines+markers",
                               line={"dash": dash, "color": colour}, row=2, col=1,
                               legendgroup=str(sop_id),
                               name=f"{sop_id}: {label(column, lang)}")  # fmt: skip
    figure.update_yaxes(title_text=label("arrivals", lang), row=1, col=1)
    figure.update_yaxes(title_text="%", range=[0, 105], row=2, col=1)
    figure.update_xaxes(title_text=label("period", lang), row=2, col=1)
    figure.update_layout(title=label("title_trends", lang), height=560)
    return figure


def plot_work_in_progress(table: pd.DataFrame, *, lang: Language = "id") -> go.Figure:
    """Open cases at the end of each period (from ``count_work_in_progress``), one line per SOP."""
    import plotly.express as px

    figure = px.line(
        table, x="period", y="open_at_end", color="sop_id", markers=True,
        labels=_axis_labels(lang), title=label("title_wip", lang),
    )  # fmt: skip
    return figure


def plot_variants(table: pd.DataFrame, *, lang: Language = "id", top: int = 10) -> go.Figure:
    """The most common variants (from ``summarize_variants``), coloured by conformance."""
    import plotly.express as px

    shown = table.sort_values("cases", ascending=False).head(top).iloc[::-1]
    figure = px.bar(
        shown, x="cases", y="numbers", orientation="h", color="conformant_pct",
        color_continuous_scale=[_RED, "#c8e6c9", "#2e7d32"], range_color=(0, 100),
        hover_data={"share_pct": ":.1f", "median_service_days": ":.2f", "variant": True},
        labels=_axis_labels(lang), title=label("title_variants", lang),
    )  # fmt: skip
    figure.update_layout(yaxis_title=label("variant", lang), height=140 + 32 * len(shown))
    return figure


def plot_workload(table: pd.DataFrame, *, lang: Language = "id") -> go.Figure:
    """Steps done per role or person (from ``summarize_workload``), coloured by breach share."""
    import plotly.express as px

    who = "resource" if "resource" in table else "role_name"
    shown = table.sort_values("steps_done").assign(_who=lambda t: t[who].astype(str))
    figure = px.bar(
        shown, x="steps_done", y="_who", orientation="h", color="breach_pct",
        color_continuous_scale=["#fde0c5", _RED], range_color=(0, 100),
        hover_data={"elapsed_median_minutes": ":.0f", "over_target_days": ":.1f"},
        labels=_axis_labels(lang), title=label("title_workload", lang),
    )  # fmt: skip
    figure.update_layout(
        yaxis_title=label("resource" if who == "resource" else "role", lang),
        height=140 + 28 * len(shown),
    )
    return figure


def plot_offices(table: pd.DataFrame, *, lang: Language = "id") -> go.Figure:
    """Offices side by side (from ``compare_offices``): on time, conformant, service time."""
    from plotly.subplots import make_subplots

    names = [f"{o} ({s})" for o, s in zip(_place(table), table["sop_id"], strict=True)]
    figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.18)
    figure.add_bar(y=names, x=table["on_time_pct"], orientation="h", marker_color=_BLUE,
                   name=label("on_time_pct", lang), row=1, col=1)  # fmt: skip
    figure.add_bar(y=names, x=table["conformant_pct"], orientation="h", marker_color=_GREY,
                   name=label("conformant_pct", lang), row=1, col=1)  # fmt: skip
    figure.add_bar(y=names, x=table["median_service_days"], orientation="h",
                   marker_color=_ORANGE, name=label("median_service_days", lang),
                   row=1, col=2)  # fmt: skip
    figure.update_xaxes(title_text="%", range=[0, 100], row=1, col=1)
    figure.update_xaxes(title_text=label("median_service_days", lang), row=1, col=2)
    figure.update_yaxes(showticklabels=False, row=1, col=2)
    figure.update_layout(title=label("title_offices", lang), barmode="group",
                         height=160 + 60 * len(table))  # fmt: skip
    return figure


def plot_roles(table: pd.DataFrame, *, lang: Language = "id") -> go.Figure:
    """Comparable steps by role family (from ``compare_roles``): median hours per office.

    Working hours on a log axis, so that a 5-minute signature and a 6-day technical review
    both read; days are in the hover and the table.
    """
    import plotly.express as px

    offices = [f"{o} ({s})" for o, s in zip(_place(table), table["sop_id"], strict=True)]
    hours = f"{label('elapsed', lang)}, median ({_UNITS[lang][1]}, log)"
    figure = px.bar(
        table.assign(_office=offices, _hours=table["elapsed_median_minutes"] / 60.0),
        x="family", y="_hours", color="_office", barmode="group", log_y=True,
        hover_data={"steps": True, "elapsed_median_days": ":.2f", "breach_pct": ":.1f",
                    "volume": True},
        labels={**_axis_labels(lang), "_office": label("office", lang), "_hours": hours},
        title=label("title_roles", lang),
    )  # fmt: skip
    return figure


def _place(table: pd.DataFrame) -> list[str]:
    """The short name of each row's office: its regency when known."""
    column = "regency" if "regency" in table else "office"
    return [str(v) for v in table[column]]


def _axis_labels(lang: Language) -> dict[str, str]:
    return {
        "over_target_days": label("over_target_days", lang),
        "breach_pct": label("breach_pct", lang),
        "volume": label("volume", lang),
        "elapsed_median_minutes": f"{label('elapsed', lang)} ({_UNITS[lang][0]})",
        "elapsed_median_days": f"{label('elapsed', lang)} ({_UNITS[lang][2]})",
        "target_minutes": f"{label('target', lang)} ({_UNITS[lang][0]})",
        "cases": label("cases", lang),
        "conformant_pct": label("conformant_pct", lang),
        "share_pct": label("share_pct", lang),
        "median_service_days": label("median_service_days", lang),
        "open_at_end": label("open_cases", lang),
        "period": label("period", lang),
        "sop_id": "SOP",
        "steps_done": label("steps_done", lang),
        "family": label("role", lang),
        "numbers": label("variant", lang),
        "variant": label("variant", lang),
        "steps": label("step", lang),
    }


def _unit(largest: float, lang: Language) -> tuple[float, str]:
    """The scale (minutes per unit) and unit name that keep the axis numbers readable."""
    names = _UNITS[lang]
    if not np.isfinite(largest) or largest < 120:
        return 1.0, names[0]
    return 60.0, names[1]  # hours, not days: a Hari differs between offices


def _step_names(table: pd.DataFrame) -> list[str]:
    several = table["sop_id"].nunique() > 1
    return [
        f"{sop}: {n}. {name}" if several else f"{n}. {name}"
        for sop, n, name in zip(table["sop_id"], table["step_number"], table["step_name"],
                                strict=True)
    ]  # fmt: skip
