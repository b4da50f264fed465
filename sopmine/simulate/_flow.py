"""The SOP flow compiled to arrays: random walks for many cases at once, and trace checks.

Steps are numbered ``0..S-1`` in model order; ``START = S`` and ``END = S + 1`` are sentinels,
so a trace is valid (in the model's language) when every consecutive pair of
``START, *steps, END`` is an edge. Step labels are unique in an SOP model, so this is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sopmine.simulate.settings import SimulationError, SimulationSettings
from sopmine.sop import SopModel
from sopmine.sop.model import BACKWARD_KINDS

Ints = npt.NDArray[np.int64]

_OUTCOMES = ("issued", "rejected")


@dataclass(frozen=True)
class Flow:
    """The model's edges as arrays, with the probability of each."""

    step_ids: tuple[str, ...]
    source: Ints
    target: Ints  # -1: the end of the process
    outcome: Ints  # index into _OUTCOMES, -1 when the edge leads to a step
    backward: npt.NDArray[np.bool_]
    to_applicant: npt.NDArray[np.bool_]  # ``return`` edges: the file goes back to the applicant
    prob: npt.NDArray[np.float64]
    adjacency: npt.NDArray[np.bool_]  # (S + 2) x (S + 2), START and END sentinels

    @property
    def size(self) -> int:
        """Number of steps."""
        return len(self.step_ids)

    @classmethod
    def compile(cls, model: SopModel, settings: SimulationSettings) -> Flow:
        """Edges and probabilities; ``settings.edge_probabilities`` wins over the rates."""
        ids = tuple(s.id for s in model.steps)
        index = {sid: i for i, sid in enumerate(ids)}
        edges = model.edges
        source = np.array([index[e.source] for e in edges], dtype=np.int64)
        target = np.array([-1 if e.target is None else index[e.target] for e in edges])
        outcome = np.array(
            [-1 if e.target is not None else _OUTCOMES.index(e.outcome or "issued") for e in edges]
        )
        backward = np.array([e.kind in BACKWARD_KINDS for e in edges], dtype=np.bool_)
        to_applicant = np.array([e.kind == "return" for e in edges], dtype=np.bool_)
        rejecting = _rejecting_edges(model)
        prob = np.zeros(len(edges))
        fixed = _fixed_probabilities(model, settings, ids)
        for step_index in range(len(ids)):
            out = np.flatnonzero(source == step_index)
            prob[out] = _split(
                [edges[i] for i in out],
                [rejecting[i] for i in out],
                [fixed.get(int(i)) for i in out],
                settings,
            )
        size = len(ids)
        adjacency = np.zeros((size + 2, size + 2), dtype=np.bool_)
        adjacency[size, index[model.start]] = True
        for s, t in zip(source, target, strict=True):
            adjacency[s, size + 1 if t < 0 else t] = True
        return cls(ids, source, target, outcome, backward, to_applicant, prob, adjacency)

    def walk(
        self, start: int, cases: int, rng: np.random.Generator, *, max_returns: int
    ) -> tuple[Ints, Ints, npt.NDArray[np.bool_], Ints]:
        """Random paths for ``cases`` cases, all at once (one numpy step per path position).

        Returns ``(case, step, returned, outcome)``: one row per visit in path order, the
        visit's step, whether it was reached through a ``return`` edge (the applicant's turn),
        and per case the index of its outcome (``issued``/``rejected``).
        """
        out_edges = [np.flatnonzero(self.source == s) for s in range(self.size)]
        width = max(len(e) for e in out_edges)
        table = np.full((self.size, width), -1, dtype=np.int64)
        cumulative = np.ones((self.size, width))
        fallback = np.zeros(self.size, dtype=np.int64)
        for s, out in enumerate(out_edges):
            table[s, : len(out)] = out
            probs = self.prob[out] / self.prob[out].sum()
            cumulative[s, : len(out)] = np.cumsum(probs)
            cumulative[s, len(out) - 1] = 1.0
            forward = [e for e in out if not self.backward[e]]
            fallback[s] = max(forward, key=lambda e: self.prob[e]) if forward else out[0]
        current = np.full(cases, start, dtype=np.int64)
        active = np.arange(cases)
        returns = np.zeros(cases, dtype=np.int64)
        outcome = np.full(cases, -1, dtype=np.int64)
        visits_case = [active.copy()]
        visits_step = [current.copy()]
        visits_back = [np.zeros(cases, dtype=np.bool_)]
        limit = self.size * (max_returns + 2) + 2
        for _ in range(limit):
            if active.size == 0:
                break
            at = current[active]
            u = rng.random(active.size)
            choice = (u[:, None] >= cumulative[at]).sum(axis=1)
            edge = table[at, np.minimum(choice, width - 1)]
            over = self.backward[edge] & (returns[active] >= max_returns)
            edge = np.where(over, fallback[at], edge)
            returns[active] += self.backward[edge]
            target = self.target[edge]
            ended = target < 0
            outcome[active[ended]] = self.outcome[edge[ended]]
            active, target = active[~ended], target[~ended]
            back = self.to_applicant[edge[~ended]]
            current[active] = target
            visits_case.append(active)
            visits_step.append(target)
            visits_back.append(back)
        if active.size:
            raise SimulationError("the SOP's flow has a cycle that is not a return or loop edge")
        case = np.concatenate(visits_case)
        order = np.argsort(case, kind="stable")
        return (
            case[order],
            np.concatenate(visits_step)[order],
            np.concatenate(visits_back)[order],
            outcome,
        )

    # -- trace checks (one case at a time; used only on the few cases that get a deviation) --

    def simple(self, step: int) -> bool:
        """One way in and one way out, both forward to steps: a plain link of a chain."""
        out = (self.source == step) & (self.target >= 0)
        into = self.target == step
        return bool(
            (self.source == step).sum() == 1
            and out.sum() == 1
            and into.sum() == 1
            and not self.backward[out | into].any()
        )

    def single_exit(self, step: int) -> bool:
        """Exactly one way out, forward to a step (no choice, no end, no return)."""
        out = self.source == step
        return bool(
            out.sum() == 1 and (self.target[out] >= 0).all() and not self.backward[out].any()
        )

    def single_entry(self, step: int) -> bool:
        """Exactly one way in, and a forward one."""
        into = self.target == step
        return bool(into.sum() == 1 and not self.backward[into].any())

    def _framed(self, trace: list[int]) -> Ints:
        return np.array([self.size, *trace, self.size + 1], dtype=np.int64)

    def bad_pairs(self, trace: list[int]) -> Ints:
        """Positions ``i`` (in the framed trace) where the pair ``i, i+1`` is not an edge."""
        framed = self._framed(trace)
        mapped = framed >= 0
        if not mapped.all():  # an unmapped activity never fits
            framed = framed[mapped]
        return np.flatnonzero(~self.adjacency[framed[:-1], framed[1:]])

    def valid(self, trace: list[int]) -> bool:
        """Whether the step sequence is a complete path of the model."""
        return bool(self.bad_pairs(trace).size == 0)

    def single_fixes(self, trace: list[int]) -> tuple[set[int], set[int]]:
        """The one-edit repairs: steps whose deletion, and steps whose insertion, make it valid.

        Returned as ``(deleted_steps, inserted_steps)``; a cost-1 deviation is unambiguous when
        the only repairs are the one that undoes it.
        """
        framed = self._framed(trace)
        bad = np.flatnonzero(~self.adjacency[framed[:-1], framed[1:]])
        deleted: set[int] = set()
        inserted: set[int] = set()
        if bad.size == 0 or bad.size > 2:
            return deleted, inserted
        if bad.size == 1:
            i = int(bad[0])
            bridge = self.adjacency[framed[i], :] & self.adjacency[:, framed[i + 1]]
            inserted.update(int(s) for s in np.flatnonzero(bridge[: self.size]))
        # deleting framed[j] replaces pairs (j-1, j) and (j, j+1) with (j-1, j+1)
        for j in {int(b) for b in bad} | {int(b) + 1 for b in bad}:
            if not 1 <= j <= len(trace):
                continue
            if any(b not in (j - 1, j) for b in bad):
                continue
            if self.adjacency[framed[j - 1], framed[j + 1]]:
                deleted.add(int(framed[j]))
        return deleted, inserted


def _rejecting_edges(model: SopModel) -> list[bool]:
    """Edges from which every forward path ends with outcome ``rejected``."""
    outcomes: dict[str, set[str]] = {}

    def reach(step_id: str) -> set[str]:
        if step_id not in outcomes:
            outcomes[step_id] = set()
            found: set[str] = set()
            for edge in model.edges:
                if edge.source != step_id or edge.kind in BACKWARD_KINDS:
                    continue
                found |= {edge.outcome or "issued"} if edge.target is None else reach(edge.target)
            outcomes[step_id] = found
        return outcomes[step_id]

    result = []
    for edge in model.edges:
        if edge.kind in BACKWARD_KINDS:
            result.append(False)
        elif edge.target is None:
            result.append(edge.outcome == "rejected")
        else:
            result.append(reach(edge.target) == {"rejected"})
    return result


def _fixed_probabilities(
    model: SopModel, settings: SimulationSettings, ids: tuple[str, ...]
) -> dict[int, float]:
    fixed: dict[int, float] = {}
    for key, p in settings.edge_probabilities.items():
        left, _, right = (part.strip() for part in key.partition("->"))
        matches = [
            i
            for i, e in enumerate(model.edges)
            if e.source == left and (e.target == right or (right == "end" and e.target is None))
        ]
        if not matches:
            raise SimulationError(
                f"edge_probabilities: {key!r} is not an edge of {model.id} "
                f"(steps: {', '.join(ids)})"
            )
        for i in matches:
            fixed[i] = p
    return fixed


def _split(
    edges: list[object],
    rejecting: list[bool],
    fixed: list[float | None],
    settings: SimulationSettings,
) -> list[float]:
    """Probabilities of the edges leaving one step, by kind, the rest shared equally."""
    probs: list[float | None] = []
    for edge, rejects, given in zip(edges, rejecting, fixed, strict=True):
        kind = getattr(edge, "kind", "sequence")
        if given is not None:
            probs.append(given)
        elif kind in BACKWARD_KINDS:
            probs.append(settings.return_rate)
        elif rejects:
            probs.append(settings.reject_rate)
        elif kind == "skip":
            probs.append(settings.skip_rate)
        else:
            probs.append(None)
    free = [i for i, p in enumerate(probs) if p is None]
    used = sum(p for p in probs if p is not None)
    share = max(0.0, 1.0 - used) / len(free) if free else 0.0
    result = [share if p is None else p for p in probs]
    total = sum(result)
    if total <= 0:
        return [1.0 / len(result)] * len(result)
    return [p / total for p in result]
