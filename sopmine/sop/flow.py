"""The flow of an SOP model as a graph: resolved edges, end steps, and the paths it allows.

Defaults, so that a linear SOP needs no flow notation at all:

- a step without ``next`` and without ``end`` continues to the following step (by number);
- the last step without ``next`` ends the process with outcome ``issued``;
- an edge's kind is ``decision`` when it carries a label, otherwise ``sequence``.

The language of a model is the set of step sequences from the start step to an end along its
edges; edges of kind ``loop`` or ``return`` may be followed again, the others close no cycle.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sopmine.sop.model import BACKWARD_KINDS

if TYPE_CHECKING:
    from sopmine.sop.model import Edge, SopModel, Step

__all__ = [
    "enumerate_paths",
    "quickest_completions",
    "resolve_edges",
    "service_target_minutes",
    "successors",
]


def resolve_edges(model: SopModel) -> tuple[Edge, ...]:
    """Every way out of every step, with the defaults of this module applied."""
    from sopmine.sop.model import Edge

    ordered = sorted(model.steps, key=lambda s: s.number)
    edges: list[Edge] = []
    for index, step in enumerate(ordered):
        following = ordered[index + 1].id if index + 1 < len(ordered) else None
        edges.extend(_edges_of(step, following, Edge))
    return tuple(edges)


def _edges_of(step: Step, following: str | None, edge_cls: type[Edge]) -> list[Edge]:
    if step.end is not None:
        return [edge_cls(source=step.id, target=None, kind="sequence", outcome=step.end)]
    if not step.next:
        if following is None:
            return [edge_cls(source=step.id, target=None, kind="sequence", outcome="issued")]
        return [edge_cls(source=step.id, target=following, kind="sequence")]
    return [
        edge_cls(
            source=step.id,
            target=n.to,
            kind=n.kind or ("decision" if n.label else "sequence"),
            label=n.label,
            condition=n.condition,
            outcome=n.end,
        )
        for n in step.next
    ]


def successors(model: SopModel, step_id: str) -> tuple[Edge, ...]:
    """The edges leaving one step, in the order the model gives them."""
    return tuple(e for e in model.edges if e.source == step_id)


def enumerate_paths(
    model: SopModel, *, max_loops: int = 0, limit: int = 10_000
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Yield ``(steps, outcome)`` for every path from the start step to an end.

    Each ``loop``/``return`` edge may be taken at most ``max_loops`` times on one path, so the
    output is finite; ``limit`` caps how many paths are produced.

    >>> from sopmine import load_sop
    >>> model = load_sop("dairi_iumk_oss")
    >>> sorted(outcome for _, outcome in enumerate_paths(model))
    ['issued', 'rejected']
    """
    out_edges: dict[str, list[Edge]] = {}
    for edge in model.edges:
        out_edges.setdefault(edge.source, []).append(edge)
    produced = 0
    stack: list[tuple[tuple[str, ...], dict[tuple[str, str], int]]] = [((model.start,), {})]
    while stack and produced < limit:
        path, loops_used = stack.pop()
        for edge in reversed(out_edges.get(path[-1], [])):
            if edge.target is None:
                produced += 1
                yield path, edge.outcome or "issued"
                continue
            used = dict(loops_used)
            if edge.kind in BACKWARD_KINDS:
                key = (edge.source, edge.target)
                if used.get(key, 0) >= max_loops:
                    continue
                used[key] = used.get(key, 0) + 1
            stack.append(((*path, edge.target), used))


def service_target_minutes(model: SopModel, path: tuple[str, ...]) -> float:
    """The service target of a case that took ``path``, in working minutes (DOMAIN rule 3).

    The model's own ``sla.service_target`` when it states one; otherwise the sum of the step
    targets after the last occurrence of the clock-start step on the path.

    >>> from sopmine import load_sop
    >>> model = load_sop("rohil_izin_insidentil")
    >>> path, _ = next(enumerate_paths(model))
    >>> service_target_minutes(model, path)  # 6 Hari of 480 minutes, then 80 minutes of steps
    2960.0
    """
    per_day = model.calendar.minutes_per_day
    if model.sla.service_target is not None:
        return model.sla.service_target.working_minutes(minutes_per_day=per_day)
    starts = [i for i, step_id in enumerate(path) if step_id == model.sla.clock_start]
    after = path[starts[-1] + 1 :] if starts else path
    return sum(model.target_minutes(step_id) for step_id in after)


def quickest_completions(model: SopModel) -> dict[str, tuple[str, ...]]:
    """From each step, the steps after it on the quickest forward way to an end.

    Quickest by the sum of step targets; an end that issues the licence is preferred to one
    that rejects it when the step can still reach both. Backward edges (loops, returns) are not
    taken. This continues an open case's path to the end its service target is measured to.

    >>> from sopmine import load_sop
    >>> quickest_completions(load_sop("rohil_izin_insidentil"))["persetujuan_kadis"]
    ('penomoran_cetak', 'penandatanganan_kadis', 'pengambilan_izin')
    """
    forward: dict[str, list[str | None]] = {}
    for edge in model.edges:
        if edge.kind in BACKWARD_KINDS:
            continue
        forward.setdefault(edge.source, []).append(
            edge.target if edge.target is not None else f"@{edge.outcome or 'issued'}"
        )
    result: dict[str, tuple[str, ...]] = {}
    for step in model.steps:
        best: dict[str, tuple[float, tuple[str, ...]]] = {}
        queue: list[tuple[float, tuple[str, ...], str]] = [(0.0, (), step.id)]
        seen: set[str] = set()
        while queue:
            cost, path, at = heapq.heappop(queue)
            if at.startswith("@"):
                best.setdefault(at[1:], (cost, path))
                continue
            if at in seen:
                continue
            seen.add(at)
            for nxt in forward.get(at, []):
                if nxt is None:
                    continue
                if nxt.startswith("@"):
                    heapq.heappush(queue, (cost, path, nxt))
                else:
                    heapq.heappush(queue, (cost + model.target_minutes(nxt), (*path, nxt), nxt))
        chosen = best.get("issued") or best.get("rejected")
        result[step.id] = chosen[1] if chosen else ()
    return result
