"""The process map: the observed directly-follows graph of an SOP's steps, with the SOP over it.

Edge counts are those of pm4py's DFG discovery: counted here on integer codes, and taken from
pm4py itself (through ``sopmine.pm4py_bridge``) for a log in which two completions of a case
share an instant (see :func:`_agree_with_pm4py`). The performance of an edge ``a -> b`` is the
working time of ``b`` measured from its handover (``elapsed_minutes`` of the ``steps``
table), so the map's figures agree with the step table.
Each observed edge is classed ``expected`` (a flow of the SOP) or ``deviating``; the SOP's
flows that no case took are kept as ``unused``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.analyze._groups import Groups
from sopmine.analyze._labels import Language, format_minutes, label
from sopmine.analyze._verdicts import Source, Verdicts, as_verdicts
from sopmine.errors import SopmineError
from sopmine.pm4py_bridge import discover_dfg
from sopmine.sop import SopModel

__all__ = ["END", "START", "Metric", "ProcessMap", "discover_process_map"]

START = "__start__"
END = "__end__"
Metric = Literal["frequency", "performance"]
_FINISHED = ("closed", "rejected")
_KINDS = ["expected", "deviating", "unused"]


@dataclass(frozen=True)
class ProcessMap:
    """An SOP's observed process map: ``nodes`` (one per SOP step) and ``edges``.

    ``nodes``: step_id, step_number, step_name, actor_name, frequency (completions), cases,
    elapsed_median_minutes, target_minutes, breach_pct, layer (depth along the SOP).
    ``edges``: source, target (step ids, or ``START`` / ``END``), frequency, cases,
    elapsed_median_minutes (working time of the target step from handover), elapsed_p90_minutes,
    kind (``expected``, ``deviating``, ``unused``), sop_kind (the SOP's kind of flow, if any).
    """

    model: SopModel
    nodes: pd.DataFrame
    edges: pd.DataFrame
    hidden: int = 0

    @property
    def minutes_per_day(self) -> float:
        """Working minutes in one Hari of the office."""
        return float(self.model.calendar.minutes_per_day)

    def edge_text(self, metric: Metric, lang: Language = "id") -> list[str]:
        """Per edge, its label for this metric: a count, or a median working time."""
        if metric == "frequency":
            return [f"{n:,}".replace(",", ".") if lang == "id" else f"{n:,}"
                    for n in self.edges["frequency"]]  # fmt: skip
        return [
            "" if np.isnan(m) else format_minutes(m, minutes_per_day=self.minutes_per_day,
                                                  lang=lang)
            for m in self.edges["elapsed_median_minutes"]
        ]  # fmt: skip

    def pruned(self, min_share: float) -> ProcessMap:
        """The map without the deviating edges taken by fewer than ``min_share`` of the cases.

        The SOP's own flows always stay. ``hidden`` counts the edges left out.
        """
        cases = int(self.edges.loc[self.edges["source"] == START, "cases"].sum())
        rare = (self.edges["kind"] == "deviating") & (self.edges["cases"] < min_share * cases)
        return ProcessMap(
            model=self.model,
            nodes=self.nodes,
            edges=self.edges[~rare].reset_index(drop=True),
            hidden=self.hidden + int(rare.sum()),
        )

    def to_dot(
        self, metric: Metric = "frequency", *, lang: Language = "id", min_share: float = 0.0
    ) -> str:
        """Graphviz DOT text of the map (renders in Streamlit's ``graphviz_chart``, no binary).

        Deviating flows taken by fewer than ``min_share`` of the cases are left out.

        >>> import sopmine
        >>> run = sopmine.simulate("rohil_orsos", cases=30, seed=1)
        >>> dot = discover_process_map(sopmine.check(run.events, run.model)).to_dot()
        >>> dot.splitlines()[0]
        'digraph "rohil_orsos" {'
        """
        from sopmine.analyze._draw import map_dot

        return map_dot(self.pruned(min_share), metric, lang)

    def figure(
        self, metric: Metric = "frequency", *, lang: Language = "id", min_share: float = 0.01
    ) -> object:
        """The map as a plotly figure, laid out along the SOP (no Graphviz needed).

        Deviating flows taken by fewer than ``min_share`` of the cases (1% by default) are left
        out, and counted in the title, so that the main flow stays readable.
        """
        from sopmine.analyze._draw import map_figure

        return map_figure(self.pruned(min_share), metric, lang)


def discover_process_map(source: Source, *, sop_id: str | None = None) -> ProcessMap:
    """The process map of one SOP's cases: frequency and performance, SOP flows overlaid.

    With verdicts of several SOPs, ``sop_id`` names the one to draw.
    """
    verdicts = as_verdicts(source)
    model = _one_model(verdicts, sop_id)
    steps = verdicts.steps[verdicts.steps["sop_id"] == model.id]
    cases = verdicts.cases[verdicts.cases["sop_id"] == model.id]
    order = _completion_order(steps)
    pairs = _pairs(steps, cases, order)
    edges = _edges(pairs)
    if _order_is_ambiguous(steps, order):
        _agree_with_pm4py(edges, steps.iloc[order])
    edges = _overlay(model, edges)
    return ProcessMap(model=model, nodes=_nodes(model, steps), edges=edges)


def _one_model(verdicts: Verdicts, sop_id: str | None) -> SopModel:
    if sop_id is not None:
        if sop_id not in verdicts.models:
            raise SopmineError(
                f"no verdicts of SOP {sop_id!r} here; choose one of {', '.join(verdicts.models)}"
            )
        return verdicts.models[sop_id]
    if len(verdicts.models) != 1:
        raise SopmineError(
            "a process map shows one SOP; choose it with sop_id= "
            f"(one of {', '.join(sorted(verdicts.models))})"
        )
    return next(iter(verdicts.models.values()))


def _completion_order(steps: pd.DataFrame) -> npt.NDArray[np.intp]:
    """The step rows by case, then completion; rows completed at the same instant in the
    frame's order. The store's rows come in that order already: then no sort."""
    case = steps["case_id"].astype("category").cat.codes.to_numpy()
    done = pd.DatetimeIndex(steps["completed_at"]).asi8
    rows = np.arange(len(steps))
    same = case[1:] == case[:-1]
    if np.all((case[1:] > case[:-1]) | (same & (done[1:] >= done[:-1]))):
        return rows
    return np.lexsort((rows, done, case))


def _order_is_ambiguous(steps: pd.DataFrame, order: npt.NDArray[np.intp]) -> bool:
    """Whether some case has two completions at the same instant (or a row lacks its case,
    step or instant): the only logs on which the order here and pm4py's could differ."""
    columns = ("case_id", "step_id", "completed_at")
    if any(bool(steps[c].isna().any()) for c in columns):
        return True
    case = steps["case_id"].astype("category").cat.codes.to_numpy()[order]
    done = pd.DatetimeIndex(steps["completed_at"]).asi8[order]
    return bool(np.any((case[1:] == case[:-1]) & (done[1:] == done[:-1])))


def _pairs(steps: pd.DataFrame, cases: pd.DataFrame, order: npt.NDArray[np.intp]) -> pd.DataFrame:
    """Each completion with the step completed before it in its case (START for the first),
    and each finished case's last step with END, the rows taken in ``order``
    (:func:`_completion_order`); worked on integer codes, not strings."""
    case_ids = steps["case_id"].astype("category")
    case = case_ids.cat.codes.to_numpy()
    step_ids = steps["step_id"].astype("category")
    labels = [*map(str, step_ids.cat.categories), START, END]
    start_code, end_code = len(labels) - 2, len(labels) - 1
    case, step = case[order], step_ids.cat.codes.to_numpy()[order]
    first = np.ones(len(case), dtype=bool)
    first[1:] = case[1:] != case[:-1]
    source = np.where(first, start_code, np.roll(step, 1))
    last = np.roll(first, -1)
    ids = cases.loc[cases["status"].isin(_FINISHED), "case_id"].astype(object)
    known = pd.Categorical(ids, categories=case_ids.cat.categories).codes
    finished = np.zeros(len(case_ids.cat.categories), dtype=bool)
    finished[known[known >= 0]] = True
    ending = last & finished[case] if len(case) else last
    elapsed = steps["elapsed_minutes"].to_numpy(dtype=float)[order]
    codes = pd.Index(labels)
    return pd.DataFrame(
        {
            "source": pd.Categorical.from_codes(np.r_[source, step[ending]], categories=codes),
            "target": pd.Categorical.from_codes(
                np.r_[step, np.full(int(ending.sum()), end_code)], categories=codes
            ),
            "case": np.r_[case, case[ending]],
            "elapsed": np.r_[elapsed, np.full(int(ending.sum()), np.nan)],
        }
    )


def _edges(pairs: pd.DataFrame) -> pd.DataFrame:
    """The observed edges: frequency, cases and the target step's working time."""
    groups = Groups([pairs["source"], pairs["target"]])
    spread = groups.spread(pairs["elapsed"].to_numpy(dtype=float), quantiles=(0.9,))
    edges = groups.keys(pairs, ["source", "target"])
    edges["frequency"] = groups.size()
    edges["cases"] = groups.distinct(pairs["case"])
    edges["elapsed_median_minutes"] = spread["median"]
    edges["elapsed_p90_minutes"] = spread["q0.9"]
    edges[["source", "target"]] = edges[["source", "target"]].astype(str)
    return edges


def _overlay(model: SopModel, edges: pd.DataFrame) -> pd.DataFrame:
    """The observed edges with the SOP's flows: each classed, the unused ones added."""
    sop = _sop_edges(model)
    edges = edges.merge(sop, on=["source", "target"], how="outer")
    edges["frequency"] = edges["frequency"].fillna(0).astype("int64")
    edges["cases"] = edges["cases"].fillna(0).astype("int64")
    edges["kind"] = np.select(
        [edges["frequency"] == 0, edges["sop_kind"].notna()], ["unused", "expected"], "deviating"
    )
    edges["kind"] = pd.Categorical(edges["kind"], categories=_KINDS)
    return edges.sort_values(["kind", "frequency"], ascending=[True, False], kind="stable")[
        ["source", "target", "frequency", "cases", "elapsed_median_minutes",
         "elapsed_p90_minutes", "kind", "sop_kind"]
    ].reset_index(drop=True)  # fmt: skip


def _agree_with_pm4py(edges: pd.DataFrame, steps: pd.DataFrame) -> None:
    """Edge and start counts from pm4py's DFG discovery (in place), of ``steps`` given in
    completion order within each case.

    pm4py sorts each case's events by time, keeping the frame's order for equal instants as
    :func:`_completion_order` does, and takes a case's start activity as its first row: so
    on steps in that order its counts are the pairs counted here. That is proven only where
    no case has two completions at the same instant (and every row has its case, step and
    instant); :func:`discover_process_map` calls this for the other logs, whose order is
    pm4py's to settle, and the map then shows pm4py's counts. (It takes about 1 s at 1.1M
    steps, most of it pm4py's, so it is not run where the answer is known.)
    """
    dfg = discover_dfg(steps, case="case_id", activity="step_id", timestamp="completed_at")
    counts = {**dfg.edges, **{(START, a): n for a, n in dfg.starts.items()}}
    keys = zip(edges["source"], edges["target"], strict=True)
    pm4py_counts = [counts.get(key, -1) for key in keys]
    edges["frequency"] = np.where(
        (np.array(pm4py_counts) >= 0) & (edges["target"] != END).to_numpy(),
        pm4py_counts,
        edges["frequency"],
    )


def _sop_edges(model: SopModel) -> pd.DataFrame:
    rows = [(START, model.start, "start")]
    rows += [(e.source, END if e.target is None else e.target, e.kind) for e in model.edges]
    frame = pd.DataFrame(rows, columns=["source", "target", "sop_kind"])
    return frame.drop_duplicates(["source", "target"])


def _nodes(model: SopModel, steps: pd.DataFrame) -> pd.DataFrame:
    groups = Groups([steps["step_id"]])
    elapsed = steps["elapsed_minutes"].to_numpy(dtype=float)
    timed = pd.Series(groups.count_valid(elapsed))
    stats = pd.DataFrame(
        {
            "frequency": groups.size(),
            "cases": groups.distinct(steps["case_id"]),
            "elapsed_median_minutes": groups.spread(elapsed)["median"],
            "breach_pct": 100.0 * groups.total(steps["breach"]) / timed.where(timed > 0),
        }
    )
    stats.index = pd.Index(groups.keys(steps, ["step_id"])["step_id"].astype(str))
    layers = sop_layers(model)
    rows = pd.DataFrame(
        {
            "step_id": [s.id for s in model.steps],
            "step_number": [s.number for s in model.steps],
            "step_name": [s.name for s in model.steps],
            "actor_name": [model.actor(s.actor).name for s in model.steps],
            "target_minutes": [model.target_minutes(s.id) for s in model.steps],
            "layer": [layers[s.id] for s in model.steps],
        }
    )
    nodes = rows.join(stats, on="step_id")
    nodes["frequency"] = nodes["frequency"].fillna(0).astype("int64")
    nodes["cases"] = nodes["cases"].fillna(0).astype("int64")
    columns = ["step_id", "step_number", "step_name", "actor_name", "frequency", "cases",
               "elapsed_median_minutes", "target_minutes", "breach_pct", "layer"]  # fmt: skip
    return nodes.sort_values("step_number")[columns].reset_index(drop=True)


def sop_layers(model: SopModel) -> dict[str, int]:
    """Per step, its depth along the SOP's forward flows (returns and loops left out)."""
    forward = [
        (e.source, e.target)
        for e in model.edges
        if e.target is not None and e.kind not in ("return", "loop")
    ]
    number = {s.id: s.number for s in model.steps}
    layer = {s.id: 0 for s in model.steps}
    for source, target in sorted(forward, key=lambda e: (number[e[0]], number[e[1]])):
        if number[target] > number[source]:
            layer[target] = max(layer[target], layer[source] + 1)
    return layer


def node_label(nodes: pd.DataFrame, metric: Metric, lang: Language, per_day: float) -> list[str]:
    """Per node, its label: number and name, then completions or median time."""
    out = []
    columns = ("step_number", "step_name", "frequency", "elapsed_median_minutes")
    for number, name, frequency, median in zip(*(nodes[c].tolist() for c in columns), strict=True):
        figure = (
            f"{frequency:,}".replace(",", ".")
            if metric == "frequency"
            else format_minutes(float(median), minutes_per_day=per_day, lang=lang)
        )
        out.append(f"{number}. {name}\n{figure}")
    return out


def endpoint_label(node: str, lang: Language) -> str:
    """The label of the START and END nodes."""
    return label("start" if node == START else "end", lang)
