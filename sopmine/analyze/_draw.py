"""Drawing a process map: Graphviz DOT text, and a plotly figure laid out along the SOP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sopmine.analyze._labels import Language, label
from sopmine.analyze._map import END, START, Metric, endpoint_label, node_label

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sopmine.analyze._map import ProcessMap

__all__ = ["map_dot", "map_figure"]

_EDGE_COLOURS = {"expected": "#3b6ea5", "deviating": "#d62728", "unused": "#b0b0b0"}
_EDGE_NAMES = {"expected": "expected_edge", "deviating": "deviating_edge", "unused": "unused_edge"}
_COLOUR_WORDS = {
    "id": {"expected": "biru", "deviating": "merah", "unused": "abu-abu putus-putus"},
    "en": {"expected": "blue", "deviating": "red", "unused": "grey, dashed"},
}
_LANE = 3.0  # horizontal distance between parallel branches, room for the step names
_LOW, _FREQ_HIGH, _PERF_HIGH = "#f4f7fb", "#6f9fd8", "#e8705f"


def map_dot(pm: ProcessMap, metric: Metric, lang: Language) -> str:
    """DOT text: nodes shaded by volume (frequency) or breach share (performance)."""
    nodes, edges = pm.nodes, pm.edges
    texts = node_label(nodes, metric, lang, pm.minutes_per_day)
    shade = _shades(nodes, metric)
    lines = [
        f'digraph "{pm.model.id}" {{',
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        f'  "{START}" [shape=circle, label="{endpoint_label(START, lang)}", fillcolor="#dddddd"];',
        f'  "{END}" [shape=doublecircle, label="{endpoint_label(END, lang)}", '
        'fillcolor="#dddddd"];',
    ]
    for step_id, text, colour in zip(nodes["step_id"], texts, shade, strict=True):
        lines.append(f'  "{step_id}" [label="{_esc(text)}", fillcolor="{colour}"];')
    top = max(int(edges["frequency"].max()), 1) if len(edges) else 1
    for row, text in zip(_records(edges), pm.edge_text(metric, lang), strict=True):
        width = 0.8 + 4.0 * row["frequency"] / top
        style = "dashed" if row["kind"] == "unused" else "solid"
        colour = _EDGE_COLOURS[str(row["kind"])]
        lines.append(
            f'  "{row["source"]}" -> "{row["target"]}" [label="{_esc(text)}", color="{colour}", '
            f'fontcolor="{colour}", penwidth={width:.2f}, style={style}];'
        )
    if pm.hidden:
        lines.append(f'  "hidden" [shape=plaintext, label="{_esc(_hidden_note(pm, lang))}"];')
    legend = " | ".join(f"{label(_EDGE_NAMES[k], lang)}: {_COLOUR_WORDS[lang][k]}"
                        for k in _EDGE_COLOURS)  # fmt: skip
    lines.append(f'  label="{_esc(legend)}"; labelloc=b; fontsize=9; fontname="Helvetica";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def map_figure(pm: ProcessMap, metric: Metric, lang: Language) -> go.Figure:
    """A plotly figure: steps placed by their depth along the SOP, edges as arrows."""
    import plotly.graph_objects as go

    where = _positions(pm)
    figure = go.Figure()
    notes: list[dict[str, Any]] = []  # the arrow heads and labels, set at once
    for kind in ("unused", "expected", "deviating"):
        notes += _add_edges(figure, pm, kind, where, metric, lang)
    figure.update_layout(annotations=notes)
    _add_nodes(figure, pm, where, metric, lang)
    depth = max(y for _, y in where.values())
    figure.update_layout(
        title=f"{label('title_map', lang)}: {pm.model.title} ({label(metric, lang)})"
        + (f"<br><sup>{_hidden_note(pm, lang)}</sup>" if pm.hidden else ""),
        showlegend=True,
        xaxis={
            "visible": False,
            "range": [
                min(x for x, _ in where.values()) - 1.2,
                max(x for x, _ in where.values()) + 3.0,
            ],
        },
        yaxis={"visible": False, "autorange": "reversed"},
        height=max(420, 90 * (depth + 2)),
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return figure


def _hidden_note(pm: ProcessMap, lang: Language) -> str:
    if not pm.hidden:
        return ""
    if lang == "id":
        return f"{pm.hidden} alur menyimpang yang jarang tidak ditampilkan"
    return f"{pm.hidden} rare deviating flows not shown"


def _positions(pm: ProcessMap) -> dict[str, tuple[float, float]]:
    """Steps by depth along the SOP; branches side by side, a lone step under its predecessor."""
    before = {
        e.target: e.source
        for e in pm.model.edges
        if e.target is not None and e.kind not in ("return", "loop")
    }
    where: dict[str, tuple[float, float]] = {}
    for layer in sorted(set(pm.nodes["layer"].tolist())):
        group = pm.nodes[pm.nodes["layer"] == layer].sort_values("step_number")
        ids = [str(s) for s in group["step_id"]]
        for i, step_id in enumerate(ids):
            x = _LANE * (i - (len(ids) - 1) / 2.0)
            if len(ids) == 1 and before.get(step_id) in where:
                x = where[before[step_id]][0]
            where[step_id] = (x, float(layer))
    depth = max((y for _, y in where.values()), default=0.0)
    where[START] = (0.0, -1.0)
    where[END] = (0.0, depth + 1.0)
    return where


def _curve(a: tuple[float, float], b: tuple[float, float]) -> tuple[Any, Any]:
    """Points of the edge from a to b: straight forward, bent for a way back or sideways."""
    t = np.linspace(0.0, 1.0, 12)
    (x0, y0), (x1, y1) = a, b
    if y1 > y0:  # forward: straight to the next layer, bent to the left past skipped steps
        bend = 0.0 if y1 - y0 <= 1 or x0 != x1 else -(0.3 + 0.1 * (y1 - y0))
    else:  # back (a return, a repeat) or sideways: bent to the right
        bend = 0.6 + 0.15 * abs(y0 - y1)
    cx, cy = (x0 + x1) / 2.0 + bend, (y0 + y1) / 2.0
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1
    return xs, ys


def _add_edges(
    figure: go.Figure,
    pm: ProcessMap,
    kind: str,
    where: dict[str, tuple[float, float]],
    metric: Metric,
    lang: Language,
) -> list[dict[str, Any]]:
    """Add the edges of ``kind`` as lines; their arrow heads and labels, as annotations to
    set (one ``add_annotation`` each would validate the ones before it again: 0.2 s)."""
    import plotly.graph_objects as go

    notes: list[dict[str, Any]] = []
    texts = pm.edge_text(metric, lang)
    rows = [(r, t) for r, t in zip(_records(pm.edges), texts, strict=True) if r["kind"] == kind]
    top = max(int(pm.edges["frequency"].max()), 1) if len(pm.edges) else 1
    colour = _EDGE_COLOURS[kind]
    for n, (row, text) in enumerate(rows):
        xs, ys = _curve(where[str(row["source"])], where[str(row["target"])])
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="text",
                line={"color": colour, "width": 1 + 6 * row["frequency"] / top,
                      "dash": "dot" if kind == "unused" else "solid"},
                text=f"{row['source']} → {row['target']}: {text}",
                name=label(_EDGE_NAMES[kind], lang), legendgroup=kind, showlegend=n == 0,
            )
        )  # fmt: skip
        notes.append({
            "x": xs[-1], "y": ys[-1], "ax": xs[-3], "ay": ys[-3], "xref": "x", "yref": "y",
            "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowcolor": colour,
            "text": "",
        })  # fmt: skip
        straight = abs(xs[6] - (xs[0] + xs[-1]) / 2) < 1e-9
        notes.append({
            "x": xs[6], "y": ys[6], "text": text, "showarrow": False,
            "font": {"size": 10, "color": colour}, "xshift": -8 if straight else 0,
            "xanchor": "right" if straight else "center",
        })  # fmt: skip
    return notes


def _add_nodes(
    figure: go.Figure,
    pm: ProcessMap,
    where: dict[str, tuple[float, float]],
    metric: Metric,
    lang: Language,
) -> None:
    import plotly.graph_objects as go

    nodes = pm.nodes
    texts = [t.replace("\n", "<br>") for t in node_label(nodes, metric, lang, pm.minutes_per_day)]
    points = [where[s] for s in nodes["step_id"]] + [where[START], where[END]]
    figure.add_trace(
        go.Scatter(
            x=[p[0] for p in points], y=[p[1] for p in points], mode="markers+text",
            marker={"symbol": "square", "size": 26,
                    "color": [*_shades(nodes, metric), "#dddddd", "#dddddd"],
                    "line": {"color": "#555555", "width": 1}},
            text=[*texts, endpoint_label(START, lang), endpoint_label(END, lang)],
            textposition="middle right", hoverinfo="text", showlegend=False,
        )
    )  # fmt: skip


def _shades(nodes: Any, metric: Metric) -> list[str]:
    if metric == "frequency":
        values = nodes["frequency"].to_numpy(dtype=float)
        top = values.max() if len(values) and values.max() > 0 else 1.0
        return [_mix(_LOW, _FREQ_HIGH, v / top) for v in values]
    share = np.nan_to_num(nodes["breach_pct"].to_numpy(dtype=float)) / 100.0
    return [_mix(_LOW, _PERF_HIGH, v) for v in share]


def _mix(low: str, high: str, share: float) -> str:
    a = np.array([int(low[i : i + 2], 16) for i in (1, 3, 5)])
    b = np.array([int(high[i : i + 2], 16) for i in (1, 3, 5)])
    mixed = np.round(a + (b - a) * min(max(share, 0.0), 1.0)).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _records(frame: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = frame.to_dict("records")
    return records
