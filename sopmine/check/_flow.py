"""Control flow: distinct variants, their optimal alignments, and the findings in the moves.

A case's trace is its completed events in order: the step id of each mapped event, and
``~label`` for an activity the SOP does not know (so it can never match a step). Cases with
the same trace and the same open/closed state form a variant; each variant is aligned once
(pm4py, through :mod:`sopmine.pm4py_bridge`) and its verdict reused for every case of it and,
through :class:`AlignmentCache`, for later checks against the same model version.

Closed cases are aligned against the model's net; open cases against the same net allowed to
stop after any step, so the steps still to come are not missing. Findings from the moves:

- a log move of ``~label``: ``unmapped_activity``;
- a model move and a log move of the same step with only synchronous moves between them: the
  step was done elsewhere than the SOP says, one ``wrong_order`` (for two adjacent steps, at
  the one with the lower number, whichever of the two the alignment moved);
- any other log move: ``repeated_step`` if the step occurs elsewhere in the trace, else
  ``unexpected_activity`` (an SOP step that is not on this case's path);
- any other model move: ``missing_step``.

A repeat the SOP allows (a loop or a return) is a synchronous move and no finding.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.check._memory import Arena, empty
from sopmine.errors import SopmineError
from sopmine.pm4py_bridge import align_variants
from sopmine.sop import SopModel
from sopmine.sop.flow import quickest_completions

__all__ = ["AlignmentCache", "Finding", "VariantVerdict", "Variants", "find_variants", "judge"]

_Ints = npt.NDArray[np.int64]
_NO_MOVE = ">>"
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(frozen=True)
class Finding:
    """One control-flow deviation of a variant.

    ``position`` is the index, in the trace, of the event that shows it (-1: none, the end);
    ``last`` the index of the last event the finding rests on; ``partner`` the other step of
    a wrong order.
    """

    type: str
    step_id: str | None
    position: int
    expected: str | None
    observed: str | None
    partner: str | None = None
    last: int = -1


@dataclass(frozen=True)
class VariantVerdict:
    """What the alignment of one variant says: fitness, the SOP path, the findings."""

    fitness: float
    moves: tuple[tuple[str, str], ...]
    path: tuple[str, ...]
    findings: tuple[Finding, ...]


class AlignmentCache:
    """Verdicts per (model version, open or closed, trace), shared by checks.

    A bounded LRU map; thread-safe. :meth:`to_frame` and :meth:`update_from_frame` let a store
    keep it between processes.
    """

    def __init__(self, max_entries: int = 200_000) -> None:
        self._entries: OrderedDict[tuple[str, bool, tuple[str, ...]], VariantVerdict] = (
            OrderedDict()
        )
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, key: tuple[str, bool, tuple[str, ...]]) -> VariantVerdict | None:
        """The verdict for ``(model hash, open, trace)``, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, bool, tuple[str, ...]], verdict: VariantVerdict) -> None:
        """Remember ``verdict``; the least recently used entry goes when the cache is full."""
        with self._lock:
            self._entries[key] = verdict
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


_DEFAULT_CACHE = AlignmentCache()


@dataclass(frozen=True)
class Variants:
    """The variants of a log: which variant each case is, and each variant's trace.

    ``of_case`` is -1 for a case without completed events. ``done_start`` is the position of
    each case's first completed event in the completed events (cases in code order).
    """

    of_case: _Ints
    traces: list[tuple[str, ...]]
    is_open: npt.NDArray[np.bool_]
    done_start: _Ints
    done_count: _Ints


def find_variants(
    done_case: _Ints,
    symbol: _Ints,
    labels: list[str],
    case_open: npt.NDArray[np.bool_],
    arena: Arena | None = None,
) -> Variants:
    """Group cases by trace (and open state) without a Python loop over cases.

    ``symbol`` codes each completed event (index into ``labels``); ``case_open`` says, per case
    code, whether the case is open. Traces are hashed (two 64-bit polynomial hashes); every
    case is then compared with its variant's first case, so a collision cannot merge traces.
    The temporaries of the events' length come from ``arena`` and go back to it.
    """
    n_cases = case_open.size
    done_start = np.searchsorted(done_case, np.arange(n_cases)).astype(np.int64)
    done_end = np.searchsorted(done_case, np.arange(n_cases), side="right").astype(np.int64)
    count = done_end - done_start
    of_case = np.full(n_cases, -1, dtype=np.int64)
    has = np.flatnonzero(count > 0)
    if has.size == 0:
        return Variants(of_case, [], np.zeros(0, dtype=np.bool_), done_start, count)
    n = done_case.size
    position = np.take(done_start, done_case, out=empty(arena, n, np.int64), mode="wrap")
    np.subtract(np.arange(n, dtype=np.int64), position, out=position)
    longest = int(count.max())
    with np.errstate(over="ignore"):
        powers1 = np.cumprod(np.full(longest, _P1, dtype=np.uint64))
        powers2 = np.cumprod(np.full(longest, _P2, dtype=np.uint64))
        value = np.add(symbol, 1, out=empty(arena, n, np.uint64), casting="unsafe")
        term = np.take(powers1, position, out=empty(arena, n, np.uint64), mode="wrap")
        term *= value
        h1 = np.add.reduceat(term, done_start[has])
        np.take(powers2, position, out=term, mode="wrap")
        term *= value
        h2 = np.add.reduceat(term, done_start[has])
        key = h1 ^ (h2 >> np.uint64(1)) ^ (count[has].astype(np.uint64) << np.uint64(40))
        key = key ^ case_open[has].astype(np.uint64)  # open and closed cases apart
    if arena is not None:
        arena.give(term, value)
    del term, value
    codes, _ = pd.factorize(pd.Series(key))
    first = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    first[codes[::-1]] = has[::-1]  # the first case of each variant
    representative = np.arange(n_cases, dtype=np.int64)
    representative[has] = first[codes]
    same = _same_traces(done_case, position, representative, done_start, count, symbol, case_open)
    if arena is not None:
        arena.give(position)
    del position
    if not same:
        codes = _exact_codes(has, done_start, count, symbol, case_open)
        first = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
        first[codes[::-1]] = has[::-1]
    of_case[has] = codes
    traces = [
        tuple(labels[s] for s in symbol[done_start[c] : done_start[c] + count[c]]) for c in first
    ]
    return Variants(of_case, traces, case_open[first], done_start, count)


def _same_traces(
    done_case: _Ints,
    position: _Ints,
    representative: _Ints,
    start: _Ints,
    count: _Ints,
    symbol: _Ints,
    case_open: npt.NDArray[np.bool_],
) -> bool:
    """Whether every case has exactly its representative's trace and open state.

    ``done_case`` and ``position`` give each completed event's case and place in its trace;
    ``representative`` each case's representative (itself for a case without events).
    """
    if not (count == count[representative]).all():
        return False
    if not (case_open == case_open[representative]).all():
        return False
    theirs = start[representative][done_case]  # the same place in the representative's trace
    theirs += position
    return bool((symbol[theirs] == symbol).all())


def _exact_codes(
    cases: _Ints,
    start: _Ints,
    count: _Ints,
    symbol: _Ints,
    case_open: npt.NDArray[np.bool_],
) -> _Ints:
    """Variant codes by exact comparison of padded traces (the fallback after a collision)."""
    lengths = count[cases]
    grid = np.full((cases.size, int(lengths.max()) + 1), -1, dtype=np.int64)
    grid[:, 0] = case_open[cases]
    row = np.repeat(np.arange(cases.size), lengths)
    column = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid[row, column + 1] = symbol[np.repeat(start[cases], lengths) + column]
    _, inverse = np.unique(grid, axis=0, return_inverse=True)
    first_seen: dict[int, int] = {}
    remap = [first_seen.setdefault(int(v), len(first_seen)) for v in inverse.ravel()]
    return np.asarray(remap, dtype=np.int64)


def judge(
    traces: list[tuple[str, ...]],
    is_open: npt.NDArray[np.bool_],
    model: SopModel,
    cache: AlignmentCache | None = None,
) -> list[VariantVerdict]:
    """The verdict of each variant, aligned once per variant and model version."""
    store = _DEFAULT_CACHE if cache is None else cache
    verdicts: list[VariantVerdict | None] = []
    missing: dict[bool, list[int]] = {False: [], True: []}
    for i, (trace, still_open) in enumerate(zip(traces, is_open.tolist(), strict=True)):
        found = store.get((model.hash, still_open, trace))
        verdicts.append(found)
        if found is None:
            missing[still_open].append(i)
    known = {s.id for s in model.steps}
    edges = {(e.source, e.target) for e in model.edges if e.target is not None}
    numbers = {s.id: s.number for s in model.steps}
    for still_open, which in missing.items():
        if not which:
            continue
        try:
            aligned = align_variants([traces[i] for i in which], model, prefix=still_open)
        except Exception as exc:  # pm4py's errors have no common base class
            raise SopmineError(
                f"aligning {len(which)} variants against {model.id!r} failed in pm4py "
                f"({type(exc).__name__}: {exc}); check the SOP model with `sopmine sop "
                "validate`"
            ) from exc
        for i, alignment in zip(which, aligned, strict=True):
            path = tuple(m for _, m in alignment.moves if m != _NO_MOVE)
            verdict = VariantVerdict(
                fitness=alignment.fitness,
                moves=alignment.moves,
                path=path,
                findings=_findings(alignment.moves, traces[i], known, numbers, edges, still_open),
            )
            store.put((model.hash, still_open, traces[i]), verdict)
            verdicts[i] = verdict
    return [v for v in verdicts if v is not None]


def _findings(
    moves: tuple[tuple[str, str], ...],
    trace: tuple[str, ...],
    known: set[str],
    numbers: dict[str, int],
    edges: set[tuple[str, str]],
    still_open: bool,
) -> tuple[Finding, ...]:
    """Deviations in one alignment (see the module docstring).

    In the completed part of an open case, a finding counts once an event after the ones it
    rests on is done: until then a step skipped cannot be told from one still to come, nor a
    swap from an early step (an unknown activity is plain at once). A step done just before
    its own predecessor may be half of a swap: it rests on that predecessor too.
    """
    # (kind, step or label, trace position): kind is sync, log or model
    records: list[tuple[str, str, int]] = []
    position = 0
    for log, model in moves:
        if log != _NO_MOVE and model != _NO_MOVE:
            records.append(("sync", model, position))
            position += 1
        elif log != _NO_MOVE:
            records.append(("log", log, position))
            position += 1
        else:
            records.append(("model", model, position))
    paired: set[int] = set()
    findings: list[tuple[int, Finding]] = []
    for i, (kind, _, _) in enumerate(records):
        if kind != "model" or i in paired:
            continue
        j = _partner_log_move(records, i, paired)
        if j is None:
            continue
        paired.update((i, j))
        lo, hi = min(i, j), max(i, j)
        between = records[lo + 1 : hi]
        findings.append((lo, _wrong_order(records, i, j, between, numbers)))
    synced = {step for kind, step, _ in records if kind == "sync"}
    seen_in_log: set[str] = set()
    for i, (kind, step, at) in enumerate(records):
        if i in paired or kind == "sync":
            continue
        if kind == "model":
            following = next((r for r in records[i + 1 :] if r[0] != "model"), None)
            findings.append(
                (
                    i,
                    Finding(
                        "missing_step",
                        step,
                        following[2] if following else -1,
                        step,
                        following[1].removeprefix("~") if following else None,
                        last=following[2] if following else len(trace),
                    ),
                )
            )
            continue
        expected = next((r[1] for r in records[i + 1 :] if r[0] != "log"), None)
        if step not in known:
            kind_found = "unmapped_activity"
            step_id = None
        elif step in synced or step in seen_in_log:
            kind_found, step_id = "repeated_step", step
        else:
            kind_found, step_id = "unexpected_activity", step
        seen_in_log.add(step)
        observed = step.removeprefix("~")
        last = at
        synced_next = next((r for r in records[i + 1 :] if r[0] == "sync"), None)
        if synced_next is not None and (synced_next[1], step) in edges:
            # the step may be one done early, just before its predecessor: a swap shows only
            # once the event after the pair is done
            last = synced_next[2] + 1
        findings.append((i, Finding(kind_found, step_id, at, expected, observed, last=last)))
    findings.sort(key=lambda f: f[0])
    return tuple(
        f
        for _, f in findings
        if not still_open or f.type == "unmapped_activity" or f.last + 1 < len(trace)
    )


def _partner_log_move(
    records: list[tuple[str, str, int]], model_at: int, paired: set[int]
) -> int | None:
    """The nearest unpaired log move of the same step with only (some) sync moves between."""
    step = records[model_at][1]
    best: int | None = None
    for direction in (-1, 1):
        k = model_at + direction
        syncs = 0
        while 0 <= k < len(records) and records[k][0] == "sync":
            k += direction
            syncs += 1
        if (
            0 <= k < len(records)
            and syncs > 0
            and records[k][0] == "log"
            and records[k][1] == step
            and k not in paired
            and (best is None or abs(k - model_at) < abs(best - model_at))
        ):
            best = k
    return best


def _wrong_order(
    records: list[tuple[str, str, int]],
    model_at: int,
    log_at: int,
    between: list[tuple[str, str, int]],
    numbers: dict[str, int],
) -> Finding:
    """A step done elsewhere than the SOP says: one wrong_order finding."""
    step = records[model_at][1]
    others = [r[1] for r in between]
    early = log_at < model_at  # the step was done before the steps it should follow
    sop_order = [step, *others] if not early else [*others, step]
    seen_order = [*others, step] if not early else [step, *others]
    last = max(r[2] for r in [records[log_at], *between])
    if len(between) == 1:
        partner = others[0]
        reported = min((step, partner), key=lambda s: numbers[s])
        at = records[log_at][2] if reported == step else between[0][2]
        return Finding(
            "wrong_order",
            reported,
            at,
            " > ".join(sop_order),
            " > ".join(seen_order),
            partner if reported == step else step,
            last,
        )
    return Finding(
        "wrong_order",
        step,
        records[log_at][2],
        " > ".join(sop_order),
        " > ".join(seen_order),
        others[0] if early else others[-1],
        last,
    )


def reference_path(
    verdict: VariantVerdict | None,
    still_open: bool,
    model: SopModel,
    quickest: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[str, ...]:
    """The SOP path a variant is measured on: its aligned path, continued when still open.

    ``quickest`` is :func:`~sopmine.sop.flow.quickest_completions` of the model, when known.
    """
    path = verdict.path if verdict is not None else ()
    if not still_open:
        return path
    after = quickest_completions(model) if quickest is None else quickest
    if not path:
        return (model.start, *after[model.start])
    return (*path, *after[path[-1]])


def service_target(
    path: tuple[str, ...], model: SopModel, targets: Mapping[str, float] | None = None
) -> float:
    """The service target on ``path``: NaN without the clock-start step (the clock never ran).

    ``targets`` are the steps' targets in working minutes, when known.
    """
    starts = [i for i, step_id in enumerate(path) if step_id == model.sla.clock_start]
    if not starts:
        return float("nan")
    if model.sla.service_target is not None:
        per_day = model.calendar.minutes_per_day
        return model.sla.service_target.working_minutes(minutes_per_day=per_day)
    if targets is None:
        return float(sum(model.target_minutes(s) for s in path[starts[-1] + 1 :]))
    return float(sum(targets[s] for s in path[starts[-1] + 1 :]))
