"""The one module of sopmine that uses pm4py (AGPL-3.0), so the dependency stays visible.

An SOP model becomes an accepting Petri net whose language is exactly the model's paths: a
state machine with one place per step that has successors (``done:<step>``), a ``source`` and
a ``sink`` place, and one transition per flow edge, labelled with the step it enters. A step
entered from several predecessors therefore has several transitions with the same label;
pm4py's alignments handle duplicate labels, and no silent transitions are needed, so the
alignment cost counts only log and model moves.

pm4py is imported inside the functions: importing it takes seconds, and most commands never
need it.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sopmine.errors import LogReadError, SopmineError

if TYPE_CHECKING:
    from sopmine.sop.model import SopModel

__all__ = [
    "AcceptingNet",
    "Alignment",
    "DirectlyFollows",
    "align_traces",
    "align_variants",
    "discover_dfg",
    "read_xes",
    "to_petri_net",
    "write_xes",
]

_MOVE_COST = 10_000  # pm4py's standard cost of a log or model move (a sync move costs 0)


@dataclass(frozen=True)
class AcceptingNet:
    """A pm4py Petri net with its initial and final markings."""

    net: Any
    initial_marking: Any
    final_marking: Any


@dataclass(frozen=True)
class Alignment:
    """pm4py's optimal alignment of one trace: fitness, cost and the moves (log, model)."""

    fitness: float
    cost: float
    moves: tuple[tuple[str, str], ...]


def to_petri_net(model: SopModel) -> AcceptingNet:
    """The model as an accepting Petri net (pm4py objects) whose language is its paths.

    >>> from sopmine import load_sop
    >>> anet = to_petri_net(load_sop("rohil_izin_insidentil"))
    >>> sorted({t.label for t in anet.net.transitions})[:2]
    ['entri_data', 'pemeriksaan_berkas']
    """
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    net = PetriNet(f"sop:{model.id}")
    places: dict[str, PetriNet.Place] = {}

    def place(name: str) -> PetriNet.Place:
        if name not in places:
            places[name] = PetriNet.Place(name)
            net.places.add(places[name])
        return places[name]

    source, sink = place("source"), place("sink")
    for before, step_id in _entries(model):
        for after in _exits(model, step_id):
            transition = PetriNet.Transition(f"{before}>{step_id}>{after}", step_id)
            net.transitions.add(transition)
            add_arc_from_to(place(before), transition, net)
            add_arc_from_to(transition, place(after), net)
    return AcceptingNet(net, Marking({source: 1}), Marking({sink: 1}))


def _entries(model: SopModel) -> list[tuple[str, str]]:
    """(place before, step) for the start step and for every edge into a step."""
    entries = [("source", model.start)]
    entries += [(f"done:{e.source}", e.target) for e in model.edges if e.target is not None]
    return entries


def _exits(model: SopModel, step_id: str) -> list[str]:
    """The places a step's transition can put its token in: ``sink`` and/or ``done:<step>``."""
    targets = {e.target for e in model.edges if e.source == step_id}
    exits = ["sink"] if None in targets else []
    return exits + ([f"done:{step_id}"] if targets - {None} else [])


def align_traces(traces: Sequence[Sequence[str]], model: SopModel) -> list[Alignment]:
    """pm4py's optimal alignments (standard costs) of step-id traces against the model's net.

    >>> from sopmine import load_sop
    >>> model = load_sop("rohil_izin_insidentil")
    >>> path = [s.id for s in model.steps]
    >>> [a.fitness for a in align_traces([path, path[:1] + path[2:]], model)][0]
    1.0
    """
    import pm4py
    from pm4py.util import constants

    constants.SHOW_PROGRESS_BAR = False  # a progress bar per call would clutter CLI and notebooks
    if any(len(trace) == 0 for trace in traces):
        raise SopmineError("align_traces needs non-empty traces: a case without events has none")
    anet = to_petri_net(model)
    frame = _as_event_frame(traces)
    results = pm4py.conformance_diagnostics_alignments(
        frame,
        anet.net,
        anet.initial_marking,
        anet.final_marking,
        activity_key="concept:name",
        case_id_key="case:concept:name",
        timestamp_key="time:timestamp",
    )
    return [
        Alignment(
            fitness=float(r["fitness"]),
            cost=float(r["cost"]),
            moves=tuple((str(log), str(mod)) for log, mod in r["alignment"]),
        )
        for r in results
    ]


def align_variants(
    variants: Sequence[Sequence[str]], model: SopModel, *, prefix: bool = False
) -> list[Alignment]:
    """Optimal alignments of distinct traces (variants) of step ids, fast, as pm4py defines them.

    The model's net (:func:`to_petri_net`) is a state machine whose transitions are labelled by
    the step they enter and has no silent transitions, so its language is that of the model's
    directly-follows graph: start at the first step, follow the flow edges, stop at a step with
    an end. pm4py's DFG alignment (``pm4py.algo.conformance.alignments.dfg``, standard costs:
    10000 per log or model move, 0 per sync move) therefore finds alignments of the same
    optimal cost as its Petri-net alignments, tens of times faster; the test suite checks the
    costs agree on thousands of traces. ``fitness`` is computed as pm4py's
    ``conformance_diagnostics_alignments`` computes it on the net:
    ``1 - cost / (cost of the empty trace + cost of the trace's events as log moves)``.

    With ``prefix=True`` the model may stop after any step: the alignment of the completed part
    of a case that is still open (what was done so far, without the steps still to come as
    missing). Its ``fitness`` is still the fitness against the full net, as pm4py reports it.
    Labels that are not step ids align as log moves. Moves are ``(log label, model label)``
    with ``">>"`` for no move, as pm4py writes them.

    >>> from sopmine import load_sop
    >>> model = load_sop("rohil_izin_insidentil")
    >>> path = [s.id for s in model.steps]
    >>> [round(a.fitness, 4) for a in align_variants([path, path[:1] + path[2:]], model)]
    [1.0, 0.9524]
    """
    from pm4py.algo.conformance.alignments.dfg.variants import classic

    _quiet()
    if any(len(trace) == 0 for trace in variants):
        raise SopmineError("align_variants needs non-empty traces: a case without events has none")
    dfg = {(e.source, e.target): 1 for e in model.edges if e.target is not None}
    starts = {model.start: 1}
    ends = {e.source: 1 for e in model.edges if e.target is None}
    stops = {s.id: 1 for s in model.steps} if prefix else ends
    shortest = int(classic.apply(_trace_of([]), dfg, starts, ends)["cost"]) // _MOVE_COST
    results = []
    for trace in variants:
        labels = [str(label) for label in trace]
        parameters = {}
        if prefix:
            # among alignments of equal cost, prefer the one whose model goes furthest: an
            # open case's last events are then synchronous moves, not log moves left over by
            # stopping early (one extra unit per log move orders the search, never the cost)
            steps = {s.id for s in model.steps}
            parameters[classic.Parameters.INTERNAL_LOG_MOVE_COST_FUNCTION] = {
                label: _MOVE_COST + 1 if label in steps else 0 for label in labels
            }
        found = classic.apply(_trace_of(labels), dfg, starts, stops, parameters=parameters)
        cost = float(found["cost"])
        full_cost = cost
        if prefix:
            full_cost = float(classic.apply(_trace_of(labels), dfg, starts, ends)["cost"])
        fitness = 1.0 - (int(full_cost) // _MOVE_COST) / (len(labels) + shortest)
        moves = _repaired(found["alignment"], labels, model, stops, cost)
        results.append(Alignment(fitness=fitness, cost=cost, moves=moves))
    return results


def _repaired(
    moves: Sequence[tuple[Any, Any]],
    labels: Sequence[str],
    model: SopModel,
    stops: dict[str, int],
    cost: float,
) -> tuple[tuple[str, str], ...]:
    """pm4py's DFG alignment moves, made whole; the cost is pm4py's and stays as it is.

    pm4py (2.7) reports the cost of its DFG alignments right but can leave moves out of the
    list: model moves made before the first event is consumed are dropped, and when the model
    reaches its end before the trace does, the step into its internal end node is listed as a
    move of the previous event while the last log move is missing. Rebuilt here: the end-node
    move dropped, the events not yet consumed appended as log moves, and the leading model
    moves put back as the shortest way from the start step. The result is checked: its log
    side is the trace, its model side a path of the model, and its moves cost what pm4py said.
    """
    steps = {s.id for s in model.steps}
    kept = [(str(log), str(mod)) for log, mod in moves if mod == ">>" or str(mod) in steps]
    consumed = sum(1 for log, _ in kept if log != ">>")
    kept += [(label, ">>") for label in labels[consumed:]]
    path = [mod for _, mod in kept if mod != ">>"]
    if not path or path[0] != model.start:
        lead = _shortest_from_start(model, path[0] if path else None, stops)
        kept = [(">>", step) for step in lead] + kept
    deviating = sum(1 for log, mod in kept if log == ">>" or mod == ">>")
    path = [mod for _, mod in kept if mod != ">>"]
    edges = {(e.source, e.target) for e in model.edges if e.target is not None}
    valid = (
        [log for log, _ in kept if log != ">>"] == list(labels)
        and path[0] == model.start
        and all(pair in edges for pair in itertools.pairwise(path))
        and path[-1] in stops
        and deviating * _MOVE_COST == int(cost)
    )
    if not valid:
        raise SopmineError(
            f"pm4py's alignment of a trace of {len(labels)} events against {model.id!r} "
            "could not be read back; please report this with the SOP model"
        )
    return tuple(kept)


def _shortest_from_start(model: SopModel, target: str | None, stops: dict[str, int]) -> list[str]:
    """Steps from the start up to (not including) ``target``; with no target, to a stop."""
    order = sorted(model.edges, key=lambda e: model.step(e.target).number if e.target else 0)
    before: dict[str, str | None] = {model.start: None}
    queue = [model.start]
    while queue:
        at = queue.pop(0)
        if target is None and at in stops:
            target, last = None, at
            break
        for edge in order:
            if edge.source == at and edge.target is not None and edge.target not in before:
                before[edge.target] = at
                queue.append(edge.target)
    else:
        last = None
    if target is not None:
        if target == model.start:
            return []
        last = before.get(target)
    steps: list[str] = []
    while last is not None:
        steps.append(last)
        last = before[last]
    return steps[::-1]


def _trace_of(labels: Sequence[str]) -> Any:
    from pm4py.objects.log.obj import Event, Trace

    return Trace([Event({"concept:name": label}) for label in labels])


def _as_event_frame(traces: Sequence[Sequence[str]]) -> pd.DataFrame:
    rows = [
        (f"{i:08d}", activity, pd.Timestamp("2000-01-01") + pd.Timedelta(seconds=j))
        for i, trace in enumerate(traces)
        for j, activity in enumerate(trace)
    ]
    return pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])


def read_xes(path: Path) -> pd.DataFrame:
    """An XES file (plain or ``.xes.gz``) as pm4py's event frame, one row per event in file order.

    Columns carry the XES keys (``case:concept:name``, ``concept:name``, ``time:timestamp``,
    ``org:resource``, ...). pm4py's own bookkeeping columns are dropped.
    """
    import pm4py

    _quiet()
    try:
        with warnings.catch_warnings():  # pm4py advertises an optional faster reader
            warnings.simplefilter("ignore", UserWarning)
            frame = pm4py.read_xes(str(path), return_legacy_log_object=False)
    except Exception as exc:  # pm4py raises XML, gzip and key errors of many kinds
        raise LogReadError(
            f"{path}: not a readable XES file ({type(exc).__name__}: {exc}); "
            "check that it is XES (IEEE 1849) and not truncated"
        ) from None
    if not isinstance(frame, pd.DataFrame):
        raise LogReadError(f"{path}: pm4py did not return an event table")
    internal = [c for c in frame.columns if str(c).startswith("@@")]
    return frame.drop(columns=internal).reset_index(drop=True)


def write_xes(frame: pd.DataFrame, path: Path) -> None:
    """Write an event frame with XES keys (``case:concept:name``, ...) as an XES file.

    Empty cells are left out of their event rather than written as empty strings.
    """
    import pm4py

    _quiet()
    events = frame.copy()
    events["time:timestamp"] = pd.to_datetime(events["time:timestamp"], utc=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            pm4py.write_xes(events, str(path), case_id_key="case:concept:name")
    except OSError as exc:
        raise SopmineError(f"{path}: cannot write XES ({exc.strerror})") from None


def _quiet() -> None:
    """No progress bars from pm4py: sopmine's commands report progress themselves."""
    from pm4py.util import constants

    constants.SHOW_PROGRESS_BAR = False


@dataclass(frozen=True)
class DirectlyFollows:
    """pm4py's directly-follows graph: edge counts, and how often cases start and end where."""

    edges: dict[tuple[str, str], int]
    starts: dict[str, int]
    ends: dict[str, int]


def discover_dfg(
    frame: pd.DataFrame, *, case: str, activity: str, timestamp: str
) -> DirectlyFollows:
    """The directly-follows graph of an event frame, discovered by ``pm4py.discover_dfg``.

    Events are ordered by ``timestamp`` within each case (ties keep the frame's order).
    """
    import pm4py

    _quiet()
    events = pd.DataFrame(
        {
            "case:concept:name": _text(frame[case]),
            "concept:name": _text(frame[activity]),
            "time:timestamp": _naive_utc(frame[timestamp]),
        }
    )
    if events.empty:
        return DirectlyFollows({}, {}, {})
    dfg, starts, ends = pm4py.discover_dfg(events)
    return DirectlyFollows(
        edges={(str(a), str(b)): int(n) for (a, b), n in dfg.items()},
        starts={str(a): int(n) for a, n in starts.items()},
        ends={str(a): int(n) for a, n in ends.items()},
    )


def _text(values: pd.Series) -> Any:
    """The values as text, as ``values.astype(str)`` gives them (missing ones stay missing).

    Of a categorical column of text (the store's ids), the categories are taken by the codes:
    the same values without making a Python string per row (0.2 s for a million rows).
    """
    if (
        isinstance(values.dtype, pd.CategoricalDtype)
        and len(values) > 0
        and pd.api.types.infer_dtype(values.cat.categories, skipna=False) == "string"
    ):
        categories = values.cat.categories.astype(str).array
        return categories.take(values.cat.codes.to_numpy(), allow_fill=True)
    return values.astype(str).to_numpy()


def _naive_utc(instants: pd.Series) -> Any:
    """Instants as naive UTC datetime64 (tz-aware ``to_numpy`` would build Python objects)."""
    index = pd.DatetimeIndex(instants)
    return (index.tz_convert(None) if index.tz is not None else index).to_numpy()
