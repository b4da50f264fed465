"""One application against its SOP, drawn: its steps on a timeline in office time.

The story itself (what happened, what should have, where it broke) is the analytics'
:func:`sopmine.analyze.tell_case`, which the report's dossiers tell the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopmine.analyze import CaseStory, tell_case
from sopmine.dashboard._text import Language, t

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["CaseStory", "plot_case", "tell_case"]

_COLOURS = {"ok": "#3b6ea5", "late": "#f0a04b", "deviation": "#d62728"}


def plot_case(story: CaseStory, *, lang: Language = "id") -> go.Figure:
    """Each completed step as a bar from handover to completion, in office time, coloured by
    its verdict: as expected, over its Waktu, or a deviation."""
    import plotly.graph_objects as go

    zone = story.model.office.timezone
    rows = story.happened[story.happened["completed_at"].notna()]
    figure = go.Figure()
    for kind, colour in _COLOURS.items():
        chosen = rows[rows["kind"] == kind]
        if chosen.empty:
            continue
        start = chosen["handover_at"].fillna(chosen["completed_at"]).dt.tz_convert(zone)
        end = chosen["completed_at"].dt.tz_convert(zone)
        width = (end - start).dt.total_seconds() * 1000.0
        figure.add_bar(
            base=start.dt.tz_localize(None), x=width.clip(lower=60_000.0),
            y=chosen["label"], orientation="h", marker_color=colour,
            name=t({"ok": "ok", "late": "late", "deviation": "outside_sop"}[kind], lang),
            hovertext=chosen["types_text"], hoverinfo="text+y",
        )  # fmt: skip
    order = list(dict.fromkeys(rows["label"]))
    figure.update_layout(
        title=t("timeline", lang), barmode="overlay", height=140 + 28 * max(len(order), 1),
        xaxis={"type": "date", "title": f"{t('col_when', lang)} ({zone})"},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "title": None},
        legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )  # fmt: skip
    return figure
