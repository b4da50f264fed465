"""``check``: every case of a log against its SOP, in three tables.

The order of the work: :mod:`._prepare` orders and encodes the events; :mod:`._flow` groups
the cases into variants and aligns each variant once; :mod:`._time` puts every instant on the
office's working-time clock; then the tables are assembled column by column, each finding
expanded from its variant to the cases of that variant with numpy, never a loop over events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.check._columns import (
    CASE_COLUMNS,
    DEVIATION_COLUMNS,
    DEVIATION_TYPES,
    SLA_TYPES,
    STEP_COLUMNS,
)
from sopmine.check._flow import (
    AlignmentCache,
    Variants,
    VariantVerdict,
    find_variants,
    judge,
    reference_path,
    service_target,
)
from sopmine.check._memory import Arena, arena_for, empty
from sopmine.check._prepare import KINDS as _KIND_NAMES
from sopmine.check._prepare import Events, Prepared, aware, integer_parts, prepare
from sopmine.check._text import Texts
from sopmine.check._time import Clock, stop_pairs, stopped_intervals, stopped_minutes
from sopmine.errors import SopmineError
from sopmine.sop import SopModel, load_sop
from sopmine.sop.flow import quickest_completions
from sopmine.sop.labels import normalize_label, step_roles

__all__ = ["CheckResult", "check"]

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]
Language = Literal["id", "en"]
_STATUSES = ["closed", "rejected", "open"]
_CLOSED, _REJECTED, _OPEN = 0, 1, 2


@dataclass(frozen=True)
class CheckResult:
    """The verdicts of one check: ``cases``, ``steps`` and ``deviations`` (see ``docs/check.md``).

    ``as_of`` is the instant open cases were judged at (UTC); ``model_hash`` the version of
    the SOP model used. :meth:`summary` gives the headline figures.
    """

    cases: pd.DataFrame
    steps: pd.DataFrame
    deviations: pd.DataFrame
    sop_id: str
    model_hash: str
    as_of: pd.Timestamp
    variants: int = 0
    meta: dict[str, object] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """One row of headline figures: cases by status, conformance, on-time, at risk."""
        cases = self.cases
        finished = cases[cases["status"] != "open"]
        timed = finished[finished["service_target_minutes"].notna()]
        return pd.DataFrame(
            {
                "sop_id": [self.sop_id],
                "cases": [len(cases)],
                "closed": [int((cases["status"] == "closed").sum())],
                "rejected": [int((cases["status"] == "rejected").sum())],
                "open": [int((cases["status"] == "open").sum())],
                "conformant_pct": [_pct(cases["conformant"].sum(), len(cases))],
                "mean_fitness": [float(cases["fitness"].mean()) if len(cases) else np.nan],
                "on_time_pct": [_pct((~timed["service_breach"]).sum(), len(timed))],
                "step_breaches": [int(self.steps["breach"].sum())],
                "at_risk": [int(cases["at_risk"].sum())],
                "deviations": [len(self.deviations)],
                "variants": [self.variants],
                **{
                    f"n_{kind}": [int((self.deviations["type"] == kind).sum())]
                    for kind in DEVIATION_TYPES
                },
            }
        )

    def __repr__(self) -> str:
        return (
            f"CheckResult({self.sop_id!r}: {len(self.cases)} cases, {len(self.steps)} steps, "
            f"{len(self.deviations)} deviations, as of {self.as_of:%Y-%m-%d %H:%M} UTC)"
        )


def _pct(part: float, whole: int) -> float:
    return float(100.0 * part / whole) if whole else float("nan")


def check(
    events: pd.DataFrame,
    model: SopModel | str,
    *,
    as_of: dt.datetime | pd.Timestamp | str | None = None,
    roster: Mapping[str, str] | pd.Series | None = None,
    lang: Language = "id",
    cache: AlignmentCache | None = None,
) -> CheckResult:
    """Check every case of ``events`` against the SOP ``model``: flow, roles, four-eyes, time.

    ``events`` is an event table as :func:`sopmine.read_log` or :meth:`sopmine.Store.events`
    give it (``case_id``, ``activity`` and ``timestamp`` are enough; see ``docs/check.md``).
    ``as_of`` is when open cases are judged (naive: office time); by default the latest instant
    in the events, so a re-run on the same data gives the same verdicts. ``roster`` maps a
    person (resource) to a role where the events carry none. ``lang`` is the language of the
    ``expected``/``observed``/``detail`` texts ("id" or "en"). Alignments are cached per
    variant and model version (``cache``, default: one per process).

    >>> import sopmine
    >>> run = sopmine.simulate("karimun_sicantik", cases=30, seed=1)
    >>> result = sopmine.check(run.events, run.model)
    >>> len(result.cases), bool(result.cases["fitness"].between(0, 1).all())
    (30, True)
    """
    model = load_sop(model) if isinstance(model, str) else model
    if lang not in ("id", "en"):
        raise SopmineError(f"lang must be 'id' or 'en', got {lang!r}")
    # buffers for the steps table's long columns, touched while the work below runs
    arena = arena_for(len(events), _STEP_BUFFERS) if isinstance(events, pd.DataFrame) else None
    try:
        return _check(events, model, as_of, roster, lang, cache, arena)
    finally:
        if arena is not None:
            arena.close()


#: Long (8-byte) columns computed into buffers, at most: 5 for the completed events
#: (:func:`prepare`), 3 for :func:`find_variants` (2 handed back), 16 for :func:`_steps`, and
#: one to spare.
_STEP_BUFFERS = 22


def _check(
    events: pd.DataFrame,
    model: SopModel,
    as_of: dt.datetime | pd.Timestamp | str | None,
    roster: Mapping[str, str] | pd.Series | None,
    lang: Language,
    cache: AlignmentCache | None,
    arena: Arena | None,
) -> CheckResult:
    prepared = prepare(events, model, as_of=as_of, roster=roster, arena=arena)
    texts = Texts(model, lang)
    quickest = quickest_completions(model)
    n_cases = len(prepared.case_ids)
    done = prepared.done
    done_case = done.case
    done_at = done.at
    status = _status(prepared)
    case_open = status == _OPEN

    symbols, labels = _symbols(done, model)
    # Two hands: control flow (variants, alignments: mostly Python) on a helper thread while
    # this one puts the instants on the working-time clock (numpy, which lets go of the
    # interpreter while it computes); then the role and four-eyes findings there while the
    # cases and the time findings are made here. Each part reads only what is done before it.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sopmine-check") as helper:
        flow = helper.submit(
            _control_flow, done_case, symbols, labels, case_open, model, cache, arena
        )
        # time: every instant on the working-time clock once
        clock_rows = prepared.clock
        clock_kind = np.asarray(_KIND_NAMES, dtype=object)[clock_rows.kind]
        clock_at = clock_rows.at
        open_first = prepared.open_rows.first_of_case()
        now = prepared.as_of.tz_convert(None).to_datetime64().astype("datetime64[us]")
        stops = stopped_intervals(
            done_case,
            done.step,
            done_at,
            open_first.case,
            open_first.step,
            clock_rows.case,
            clock_kind,
            clock_at,
            model,
            now,
        )
        restart = clock_kind == "clock_restart"
        w = Clock(
            model,
            done.at,
            done.start,
            stops["stop_from"].to_numpy(),
            stops["stop_to"].to_numpy(),
            clock_at[restart],
            np.array([now]),
        )
        stopped = _Stopped(stops["case"].to_numpy(), w[2], w[3])
        steps = _steps(prepared, w[0], w[1], stopped, arena)
        people = helper.submit(_people_findings, steps, model, texts)
        restarts = _Restarts(clock_rows.case[restart], clock_at[restart], w[4])
        variants, verdicts = flow.result()
        cases = _cases(
            prepared,
            status,
            open_first,
            variants,
            verdicts,
            w[0],
            restarts,
            float(w[5][0]),
            stopped,
            quickest,
        )
        flow_part = _flow_findings(prepared, variants, verdicts, texts)
        time_part = _time_findings(steps, cases, texts, model.sla.at_risk_share)
        wrong_actors, four_eyes = people.result()
    deviations = _deviations([flow_part, wrong_actors, four_eyes, time_part])
    counts = _count_deviations(n_cases, deviations)
    names = prepared.case_ids
    case_dtype = _known_categories(names)
    return CheckResult(
        cases=_table(
            CASE_COLUMNS,
            model,
            n_cases,
            {"case_id": names.array, **cases.columns, **counts},
        ),
        steps=_table(
            STEP_COLUMNS,
            model,
            steps.size,
            {"case_id": _case_column(steps.case, case_dtype)} | steps.columns,
        ),
        deviations=_table(
            DEVIATION_COLUMNS,
            model,
            deviations.size,
            {"case_id": _case_column(deviations.case, case_dtype)} | deviations.columns,
        ),
        sop_id=model.id,
        model_hash=model.hash,
        as_of=prepared.as_of,
        variants=len(variants.traces),
        meta={"cases": n_cases, "events": prepared.n_events, "lang": lang},
    )


def _known_categories(names: pd.Index) -> pd.CategoricalDtype:
    """The categorical type of distinct ``names``, without checking again that they are.

    ``pd.CategoricalDtype`` hashes every category to see they are distinct, a quarter of a
    second at a million case ids; the check's case ids are distinct by construction.
    """
    try:
        dtype: pd.CategoricalDtype = pd.CategoricalDtype._from_fastpath(  # type: ignore[attr-defined]
            names, ordered=False
        )
        return dtype
    except (AttributeError, TypeError):  # pragma: no cover - pandas without the constructor
        return pd.CategoricalDtype(names, ordered=False)


def _control_flow(
    done_case: _Ints,
    symbols: _Ints,
    labels: list[str],
    case_open: npt.NDArray[np.bool_],
    model: SopModel,
    cache: AlignmentCache | None,
    arena: Arena | None,
) -> tuple[Variants, list[VariantVerdict]]:
    """The variants of the cases and the verdict of each (aligned once per variant)."""
    variants = find_variants(done_case, symbols, labels, case_open, arena)
    return variants, judge(variants.traces, variants.is_open, model, cache)


def _people_findings(
    steps: _Columns, model: SopModel, texts: Texts
) -> tuple[_Part | None, _Part | None]:
    """Who did the steps: wrong actors, then four-eyes breaches."""
    return _wrong_actors(steps, model, texts), _four_eyes(steps, model, texts)


def _case_column(case: _Ints, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """Case codes (valid by construction) as a categorical of the case ids."""
    return pd.Categorical.from_codes(case, dtype=dtype, validate=False)


def _table(
    columns: Mapping[str, str], model: SopModel, size: int, values: Mapping[str, Any]
) -> pd.DataFrame:
    """One result table, its columns in their documented order (sop_id and office first)."""

    def constant(label: str) -> pd.Categorical[str]:
        return pd.Categorical.from_codes(np.zeros(size, np.int8), pd.Index([label]))

    given = {"sop_id": constant(model.id), "office": constant(model.office.name), **values}
    return pd.DataFrame({c: given[c] for c in columns}, copy=False)


@dataclass(frozen=True)
class _Columns:
    """Columns of a table under construction, rows by ``case`` (an integer code)."""

    case: _Ints
    columns: dict[str, Any]

    @property
    def size(self) -> int:
        return int(self.case.size)


@dataclass(frozen=True)
class _Stopped:
    """The merged clock stops of a check, on the working-time clock."""

    case: _Ints
    w_from: _Floats
    w_to: _Floats

    def minutes(
        self,
        case: _Ints,
        lo: _Floats,
        hi: _Floats,
        pairs: tuple[_Ints, _Ints] | None = None,
        out: _Floats | None = None,
    ) -> _Floats:
        """Stopped working minutes within each span ``lo..hi`` of its case.

        ``pairs`` are :meth:`pairs` of ``case``, when several spans share their cases;
        ``out`` receives the result.
        """
        return stopped_minutes(case, lo, hi, self.case, self.w_from, self.w_to, pairs, out)

    def pairs(self, case: _Ints) -> tuple[_Ints, _Ints]:
        """Each span of ``case`` with each stop of its case (positions in both)."""
        return stop_pairs(case, self.case)


@dataclass(frozen=True)
class _Restarts:
    """``clock_restart`` events: case, instant, and W."""

    case: _Ints
    at: npt.NDArray[np.datetime64]
    w: _Floats


def _cat(codes: _Ints, labels: list[str | None] | npt.NDArray[np.object_]) -> pd.Categorical:
    """A categorical from codes into ``labels`` (duplicates and None allowed)."""
    values = pd.Series(np.asarray(labels, dtype=object))
    unique_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.append(unique_codes, -1)
    return pd.Categorical.from_codes(
        lookup[np.asarray(codes)], categories=pd.Index(uniques, dtype="str")
    )


def _status(prepared: Prepared) -> npt.NDArray[np.int8]:
    """Per case: open, closed or rejected (by the end edge of its last completed step).

    Codes into ``_STATUSES``.
    """
    model = prepared.model
    index = {s.id: i for i, s in enumerate(model.steps)}
    outcome = np.full(len(index) + 1, "", dtype=object)  # the last slot: not a step
    for edge in model.edges:
        if edge.target is None and not outcome[index[edge.source]]:
            outcome[index[edge.source]] = edge.outcome or "issued"
    code = np.array(
        [_REJECTED if o == "rejected" else _OPEN if o == "" else _CLOSED for o in outcome],
        dtype=np.int8,
    )
    n_cases = len(prepared.case_ids)
    done = prepared.done
    last = np.full(n_cases, len(index), dtype=np.int64)
    if len(done):
        case = done.case
        ends = np.append(case[1:] != case[:-1], True)
        step = done.step[ends]
        last[case[ends]] = np.where(step >= 0, step, len(index))
    has_open = np.zeros(n_cases, dtype=np.bool_)
    has_open[prepared.open_rows.case] = True
    return np.where(has_open, _OPEN, code[last]).astype(np.int8)


def _symbols(done: Events, model: SopModel) -> tuple[_Ints, list[str]]:
    """Trace symbols of the completed events: step index, or a code of ``~label``."""
    step = done.step
    n_steps = len(model.steps)
    unmapped = step < 0
    activity = np.asarray(done.activity.codes)[unmapped]
    codes = np.full(activity.size, -1, dtype=np.int64)
    named = activity >= 0
    found, uniques = pd.factorize(activity[named])  # in order of first appearance
    codes[named] = found
    symbol = step.copy()
    symbol[unmapped] = n_steps + codes
    categories = done.activity.categories
    labels = [s.id for s in model.steps] + [f"~{categories[u]}" for u in uniques.tolist()]
    return symbol.astype(np.int64), labels


def _steps(
    prepared: Prepared,
    w_done: _Floats,
    w_start: _Floats,
    stopped: _Stopped,
    arena: Arena | None = None,
) -> _Columns:
    """One row per completed SOP step, timed from its handover (see :mod:`._time`).

    The long columns are computed into ``arena`` buffers (see :mod:`._memory`).
    """
    done = prepared.done
    model = prepared.model
    case = done.case
    n = case.size
    first = np.ones(n, dtype=np.bool_)
    np.not_equal(case[1:], case[:-1], out=first[1:])
    keep = done.step >= 0  # the SOP steps; any completed event hands over
    m = int(np.count_nonzero(keep))
    everything = m == n

    def new(dtype: npt.DTypeLike) -> Any:
        return empty(arena, m, dtype)

    def kept(values: Any) -> Any:
        """The SOP steps' rows of a numpy column (into a buffer) or a categorical."""
        if everything:
            return values
        if isinstance(values, np.ndarray):  # take by position: 3x quicker than compress
            return np.take(values, rows, out=new(values.dtype), mode="wrap")
        return values[keep]

    # the handover: the completion of the case's previous completed event
    done_at = done.at.view(np.int64)
    w_hand, hand_at = new(np.float64), new(np.int64)
    rows = np.flatnonzero(keep) if not everything else np.zeros(0, dtype=np.int64)
    if everything:
        w_hand[1:], hand_at[1:] = w_done[:-1], done_at[:-1]
    else:
        previous = rows - 1  # the first row of all starts a case: its -1 is overwritten below
        np.take(w_done, previous, out=w_hand, mode="wrap")
        np.take(done_at, previous, out=hand_at, mode="wrap")
        del previous
    no_handover = kept(first)
    w_hand[no_handover] = np.nan
    hand_at[no_handover] = np.iinfo(np.int64).min  # NaT
    case, w_done, w_start = kept(case), kept(w_done), kept(w_start)
    pairs = stopped.pairs(case)
    stop_all = stopped.minutes(case, w_hand, w_done, pairs, out=new(np.float64))
    elapsed = np.subtract(w_done, w_hand, out=new(np.float64))
    elapsed -= stop_all
    # NaN without a start or a handover: the spans are NaN, their stopped minutes 0
    scratch = new(np.float64)
    waiting = np.subtract(w_start, w_hand, out=new(np.float64))
    waiting -= stopped.minutes(case, w_hand, w_start, pairs, out=scratch)
    processing = np.subtract(w_done, w_start, out=new(np.float64))
    processing -= stopped.minutes(case, w_start, w_done, pairs, out=scratch)
    del scratch
    stop_all[np.isnan(w_hand)] = np.nan
    step = kept(done.step)
    targets = np.array([model.target_minutes(s.id) for s in model.steps])
    numbers = np.array([s.number for s in model.steps], dtype=np.int64)
    target = np.take(targets, step, out=new(np.float64), mode="wrap")
    row_values, row_missing = integer_parts(done.source_row)
    columns = {
        "step_id": prepared.step_id(step),
        "step_number": np.take(numbers, step, out=new(np.int64), mode="wrap"),
        "activity": kept(done.activity),
        "role": kept(done.role),
        "resource": kept(done.resource),
        "handover_at": aware(hand_at.view("datetime64[us]")),
        "started_at": aware(kept(done.start)),
        "completed_at": aware(kept(done.at)),
        "waiting_minutes": waiting,
        "processing_minutes": processing,
        "elapsed_minutes": elapsed,
        "stopped_minutes": stop_all,
        "target_minutes": target,
        "breach": elapsed > target,  # NaN is no breach
        "source_file": kept(done.source_file),
        "source_row": pd.arrays.IntegerArray(kept(row_values), kept(row_missing), copy=False),
    }
    return _Columns(case, columns)


def _cases(
    prepared: Prepared,
    status: npt.NDArray[np.int8],
    open_first: Events,
    variants: Variants,
    verdicts: list[VariantVerdict],
    w_done: _Floats,
    restarts: _Restarts,
    w_now: float,
    stopped: _Stopped,
    quickest: Mapping[str, tuple[str, ...]],
) -> _Columns:
    """One row per case: status, path, fitness and the service clock."""
    model = prepared.model
    n_cases = prepared.case_ids.size
    done = prepared.done
    done_at = done.at
    of = variants.of_case
    has = of >= 0
    is_open = status == _OPEN
    step_targets = {s.id: model.target_minutes(s.id) for s in model.steps}
    # per variant (the last slot: a case with nothing completed), then to cases
    no_done = reference_path(None, True, model, quickest)
    references = [
        reference_path(v, bool(o), model, quickest)
        for v, o in zip(verdicts, variants.is_open, strict=True)
    ] + [no_done]
    fitness_v = np.array([v.fitness for v in verdicts] + [np.nan])
    target_v = np.array([service_target(p, model, step_targets) for p in references])
    next_v = [_next_step(t, model, quickest) for t in variants.traces] + [model.start]
    variant_v = [" > ".join(t.removeprefix("~") for t in trace) for trace in variants.traces]
    pick = np.where(has, of, len(verdicts))
    # a closed case always has events; an open one without events waits at the start
    path = _cat(pick, [" > ".join(p) for p in references])
    # service clock: from the last clock-start completion (or a later restart)
    case = done.case
    ends = np.append(case[1:] != case[:-1], True) if case.size else np.zeros(0, np.bool_)
    starts = np.append(True, case[1:] != case[:-1]) if case.size else np.zeros(0, np.bool_)
    not_yet = np.datetime64("NaT", "us")
    last_w = np.full(n_cases, np.nan)
    last_w[case[ends]] = w_done[ends]
    last_at = np.full(n_cases, not_yet)
    last_at[case[ends]] = done_at[ends]
    first_at = np.full(n_cases, not_yet)
    first_at[case[starts]] = done_at[starts]
    is_start = done.step == [s.id for s in model.steps].index(model.sla.clock_start)
    start_w = np.full(n_cases, np.nan)
    start_at = np.full(n_cases, not_yet)
    # rows are in time order per case: the last assignment per case wins
    start_w[case[is_start]] = w_done[is_start]
    start_at[case[is_start]] = done_at[is_start]
    if restarts.case.size:
        later = restarts.w > start_w[restarts.case]
        moved = restarts.case[later & ~np.isnan(start_w[restarts.case])]
        start_w[moved] = restarts.w[later & ~np.isnan(start_w[restarts.case])]
        start_at[moved] = restarts.at[later & ~np.isnan(start_w[restarts.case])]
    until_w = np.where(is_open, w_now, last_w)
    until_w = np.where(np.isnan(start_w), np.nan, until_w)
    everyone = np.arange(n_cases)
    pairs = stopped.pairs(everyone)
    elapsed = until_w - start_w - stopped.minutes(everyone, start_w, until_w, pairs)
    target = target_v[pick]
    # the step an open case is at: its open row, else the next step after its last one
    current_code = np.full(n_cases, -1, dtype=np.int64)
    step_codes = {s.id: i for i, s in enumerate(model.steps)}
    next_code = np.array([step_codes.get(n, -1) if n else -1 for n in next_v], dtype=np.int64)
    current_code[is_open] = next_code[pick][is_open]
    open_step = open_first.step
    open_case = open_first.case
    current_code[open_case[open_step >= 0]] = open_step[open_step >= 0]
    current_code[~is_open] = -1
    since = np.where(is_open, last_w, np.nan)
    step_elapsed = w_now - since - stopped.minutes(everyone, since, np.full(n_cases, w_now), pairs)
    targets = np.array([step_targets[s.id] for s in model.steps] + [np.nan])
    step_target = targets[np.where(current_code >= 0, current_code, len(model.steps))]
    share = model.sla.at_risk_share
    with np.errstate(invalid="ignore"):
        risk = (elapsed >= share * target) | (step_elapsed >= share * step_target)
    columns = {
        "status": pd.Categorical.from_codes(status, categories=pd.Index(_STATUSES)),
        "path": path,
        "variant": _cat(pick, [*variant_v, ""]),
        "fitness": fitness_v[pick],
        "events": variants.done_count,
        "first_event_at": aware(first_at),
        "last_event_at": aware(last_at),
        "current_step": prepared.step_id(current_code),
        "service_start": aware(start_at),
        "service_end": aware(np.where(is_open, not_yet, last_at)),
        "service_elapsed_minutes": elapsed,
        "service_target_minutes": target,
        "service_breach": np.nan_to_num(elapsed, nan=-np.inf) > target,
        "remaining_minutes": np.where(is_open, target - elapsed, np.nan),
        "step_elapsed_minutes": step_elapsed,
        "step_target_minutes": step_target,
        "at_risk": is_open & risk,
    }
    return _Columns(everyone, columns)


def _next_step(
    trace: tuple[str, ...], model: SopModel, quickest: Mapping[str, tuple[str, ...]]
) -> str | None:
    """Where an open case waits: the next step after its last completed SOP step.

    Taken from what was done, not from the alignment, so a step done out of turn still moves
    the case on; the quickest way to an issued licence decides at a branch.
    """
    done = [label for label in trace if not label.startswith("~")]
    if not done:
        return model.start
    after = quickest[done[-1]]
    return after[0] if after else None


# --------------------------------------------------------------------------- deviations
#
# Each kind of finding is built as columns: per text column, integer codes (-1: empty) into
# an array of labels, so that every text is made once per distinct value, never per row.
# The text columns of a part then become categoricals whose categories are the part's values
# in sorted order, and the parts are united (categories in order of first appearance).

_Coded = tuple[_Ints, npt.NDArray[np.object_]]
_TEXT_COLUMNS = ("type", "step_id", "expected", "observed", "source_file", "resource", "role",
                 "detail")  # fmt: skip


def _coded(cat: pd.Categorical, rows: Any) -> _Coded:
    """Rows of a categorical as codes into its categories."""
    return np.asarray(cat.codes, dtype=np.int64)[rows], np.asarray(cat.categories, dtype=object)


def _constant(value: str | None, n: int) -> _Coded:
    """One value (None: empty) for ``n`` rows."""
    if value is None:
        return np.full(n, -1, dtype=np.int64), np.array([], dtype=object)
    return np.zeros(n, dtype=np.int64), np.array([value], dtype=object)


def _joined(items: list[_Coded]) -> _Coded:
    """Coded columns one after the other."""
    offsets = np.cumsum([0, *(len(labels) for _, labels in items)])
    codes = [
        np.where(c >= 0, c + o, -1) for (c, _), o in zip(items, offsets.tolist(), strict=False)
    ]
    labels = np.concatenate([labels for _, labels in items]) if items else np.array([], object)
    return np.concatenate(codes).astype(np.int64), np.asarray(labels, dtype=object)


def _sorted_cat(coded: _Coded) -> pd.Categorical:
    """What ``pd.Categorical`` makes of the rows' values: categories sorted, as ``str``."""
    codes, labels = coded
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(labels)))
    small = pd.Categorical(labels[present])
    lookup = np.full(len(labels) + 1, -1, dtype=np.int64)
    lookup[present] = small.codes
    return pd.Categorical.from_codes(lookup[codes], categories=_as_str(small.categories))


def _as_str(categories: pd.Index) -> pd.Index:
    """Categories as ``str`` values in a ``str`` index."""
    if categories.dtype == "str":
        return categories
    return pd.Index([str(c) for c in categories], dtype="str")


@dataclass(frozen=True)
class _Part:
    """Findings of one kind: case, source row (NaN: none) and the coded text columns."""

    case: _Ints
    source_row: _Floats
    texts: dict[str, _Coded]


def _parts_joined(parts: list[_Part]) -> _Part | None:
    """Parts one after the other, as one part (None: no rows)."""
    parts = [p for p in parts if p.case.size]
    if not parts:
        return None
    return _Part(
        np.concatenate([p.case for p in parts]),
        np.concatenate([p.source_row for p in parts]),
        {name: _joined([p.texts[name] for p in parts]) for name in _TEXT_COLUMNS},
    )


def _rows_of(steps: _Columns, rows: Any) -> tuple[_Floats, dict[str, _Coded]]:
    """The source row and the file, resource and role of some steps."""
    source_row = steps.columns["source_row"][rows].to_numpy(dtype=np.float64, na_value=np.nan)
    texts = {name: _coded(steps.columns[name], rows) for name in ("source_file", "resource")}
    texts["role"] = _coded(steps.columns["role"], rows)
    return source_row, texts


def _deviations(parts: list[_Part | None]) -> _Columns:
    """Every finding, one row each, from the parts of each kind (flow, roles, four-eyes, time).

    The parts are coded; they are put one after the other, sorted by case, source row and
    type, and only then made categoricals (one per text column, categories sorted).
    """
    joined = _parts_joined([part for part in parts if part is not None])
    if joined is None:
        empty: dict[str, Any] = {c: pd.Categorical([]) for c in _TEXT_COLUMNS}
        empty["source_row"] = pd.array([], dtype="Int64")
        return _Columns(np.zeros(0, dtype=np.int64), empty)
    order = {t: i for i, t in enumerate(DEVIATION_TYPES)}
    type_codes, type_labels = joined.texts["type"]
    rank = np.array([order[str(t)] for t in type_labels] + [-1], dtype=np.int64)
    row = joined.source_row
    sort = np.lexsort((rank[type_codes], np.where(np.isnan(row), np.inf, row), joined.case))
    columns: dict[str, Any] = {
        name: _sorted_cat((codes[sort], labels)) for name, (codes, labels) in joined.texts.items()
    }
    row = row[sort]
    missing = np.isnan(row)
    values = np.where(missing, 0, row).astype(np.int64)
    columns["source_row"] = pd.arrays.IntegerArray(values, missing, copy=False)
    return _Columns(joined.case[sort], columns)


def _flow_findings(
    prepared: Prepared, variants: Variants, verdicts: list[VariantVerdict], texts: Texts
) -> _Part | None:
    """Each variant's findings, repeated for every case of the variant."""
    rows = [
        (v, f.type, f.step_id, f.position, f.expected, f.observed, texts.flow(f))
        for v, verdict in enumerate(verdicts)
        for f in verdict.findings
    ]
    if not rows:
        return None
    f_variant, f_type, f_step, f_pos, f_exp, f_obs, f_text = (
        np.array(c, dtype=object) for c in zip(*rows, strict=True)
    )
    f_variant = f_variant.astype(np.int64)
    f_pos = f_pos.astype(np.int64)
    of = variants.of_case
    members = np.argsort(of, kind="stable")
    members = members[of[members] >= 0]
    size = np.bincount(of[of >= 0], minlength=len(verdicts))
    begin = np.concatenate([[0], np.cumsum(size)[:-1]])
    repeat = size[f_variant]
    finding = np.repeat(np.arange(len(rows)), repeat)
    offset = np.arange(int(repeat.sum())) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    case = members[np.repeat(begin[f_variant], repeat) + offset]
    position = f_pos[finding]
    row = np.where(position >= 0, variants.done_start[case] + position, -1)
    done = prepared.done
    valid = row >= 0
    pick = np.where(valid, row, 0)

    def column(cat: pd.Categorical) -> _Coded:
        codes = np.where(valid, np.asarray(cat.codes, dtype=np.int64)[pick], -1)
        return codes, np.asarray(cat.categories, dtype=object)

    picked = done.source_row[pick].to_numpy(dtype=np.float64, na_value=np.nan)
    return _Part(
        case,
        np.where(valid, picked, np.nan),
        {
            "type": (finding, f_type),
            "step_id": (finding, f_step),
            "expected": (finding, f_exp),
            "observed": (finding, f_obs),
            "source_file": column(done.source_file),
            "resource": column(done.resource),
            "role": column(done.role),
            "detail": (finding, f_text),
        },
    )


def _wrong_actors(steps: _Columns, model: SopModel, texts: Texts) -> _Part | None:
    """Steps whose known role is neither the step's actor nor a co-actor, under any name."""
    allowed = step_roles(model)
    # judged once per distinct (role, step) pair, on the categorical codes
    role = steps.columns["role"]
    step = steps.columns["step_id"]
    n_steps = len(step.categories)
    # (role + 1, step) pairs, so that a step without a role is the first row of pairs
    pair = np.asarray(role.codes).astype(np.int32)
    pair += 1
    pair *= n_steps
    pair += np.asarray(step.codes)
    pairs = (len(role.categories) + 1) * n_steps
    present = np.flatnonzero(np.bincount(pair, minlength=pairs))
    present = present[present >= n_steps]
    wrong_pair = np.zeros(pairs, dtype=np.bool_)
    wrong_pair[present] = [
        normalize_label(str(role.categories[p // n_steps - 1]))
        not in allowed[str(step.categories[p % n_steps])]
        for p in present.tolist()
    ]
    hit = np.flatnonzero(wrong_pair[pair])
    if not hit.size:
        return None
    actor = {s.id: model.actor(s.actor).name for s in model.steps}
    actors = np.array([actor[str(c)] for c in step.categories], dtype=object)
    source_row, where = _rows_of(steps, hit)
    step_coded = _coded(step, hit)
    role_coded = _coded(role, hit)
    part = _Part(
        steps.case[hit],
        source_row,
        {
            "type": _constant("wrong_actor", hit.size),
            "step_id": step_coded,
            "expected": (step_coded[0], actors),
            "observed": role_coded,
            **where,
            "detail": texts.wrong_actor(step_coded, role_coded),
        },
    )
    return part


def _four_eyes(steps: _Columns, model: SopModel, texts: Texts) -> _Part | None:
    """Cases where one person did both steps of a four-eyes pair: one row per case and pair."""
    resource = steps.columns["resource"]
    step = steps.columns["step_id"]
    codes = np.asarray(resource.codes)
    step_codes = np.asarray(step.codes)  # the categorical's own narrow codes: no copy
    position = {str(c): i for i, c in enumerate(step.categories)}
    width = len(resource.categories) + 1
    parts = []
    for pair in model.sla.segregation_of_duties:
        if pair.first not in position or pair.second not in position:
            continue
        # the rows of each of the two steps, then only those with a person
        first = np.flatnonzero(step_codes == position[pair.first])
        second = np.flatnonzero(step_codes == position[pair.second])
        first = first[codes[first] >= 0]
        second = second[codes[second] >= 0]
        key_first = steps.case[first] * width + codes[first]
        key_second = steps.case[second] * width + codes[second]
        both = second[pd.Index(key_second).isin(key_first)]
        if both.size == 0:
            continue
        # one row per case: its first such step (steps are in case order)
        case = steps.case[both]
        both = both[np.append(True, case[1:] != case[:-1])]
        source_row, where = _rows_of(steps, both)
        person = _coded(resource, both)
        parts.append(
            _Part(
                steps.case[both],
                source_row,
                {
                    "type": _constant("segregation_of_duties", both.size),
                    "step_id": _constant(pair.second, both.size),
                    "expected": _constant(
                        texts.four_eyes_expected(pair.first, pair.second), both.size
                    ),
                    "observed": person,
                    **where,
                    "detail": texts.four_eyes(person, pair.first, pair.second),
                },
            )
        )
    return _parts_joined(parts)


def _time_findings(steps: _Columns, cases: _Columns, texts: Texts, share: float) -> _Part | None:
    """Step breaches, service breaches and open cases at risk."""
    late = np.flatnonzero(steps.columns["breach"])
    step = _coded(steps.columns["step_id"], late)
    elapsed = steps.columns["elapsed_minutes"][late]
    target = steps.columns["target_minutes"][late]
    source_row, where = _rows_of(steps, late)
    allowed, spent = texts.minutes(target), texts.minutes(elapsed)
    parts = [
        _Part(
            steps.case[late],
            source_row,
            {
                "type": _constant("step_sla_breach", late.size),
                "step_id": step,
                "expected": allowed,
                "observed": spent,
                **where,
                "detail": texts.step_late(step, spent, allowed),
            },
        )
    ]
    values = cases.columns
    for flag, kind in (("service_breach", "service_sla_breach"), ("at_risk", "open_at_risk")):
        hit = np.flatnonzero(values[flag])
        n = hit.size
        parts.append(
            _Part(
                cases.case[hit],
                np.full(n, np.nan),
                {
                    "type": _constant(kind, n),
                    "step_id": (
                        _coded(values["current_step"], hit)
                        if kind == "open_at_risk"
                        else _constant(None, n)
                    ),
                    "expected": texts.minutes(values["service_target_minutes"][hit]),
                    "observed": texts.minutes(values["service_elapsed_minutes"][hit]),
                    "source_file": _constant(None, n),
                    "resource": _constant(None, n),
                    "role": _constant(None, n),
                    "detail": texts.service(
                        kind, {name: value[hit] for name, value in values.items()}, share
                    ),
                },
            )
        )
    return _parts_joined(parts)


def _count_deviations(n: int, deviations: _Columns) -> dict[str, Any]:
    """Per case: deviations by type, in total, and whether it followed the SOP's steps."""
    kinds = deviations.columns["type"]
    order = {t: i for i, t in enumerate(DEVIATION_TYPES)}
    rank = np.array([order[str(t)] for t in kinds.categories] + [0], dtype=np.int64)
    width = len(DEVIATION_TYPES)
    flat = deviations.case * width + rank[np.asarray(kinds.codes, dtype=np.int64)]
    counts = np.bincount(flat, minlength=n * width)[: n * width].reshape(n, width)
    columns: dict[str, Any] = {}
    flow = np.zeros(n, dtype=np.int64)
    for i, kind in enumerate(DEVIATION_TYPES):
        columns[f"n_{kind}"] = counts[:, i].astype(np.int64)
        if kind not in SLA_TYPES:
            flow += columns[f"n_{kind}"]
    columns["deviations"] = counts.sum(axis=1).astype(np.int64)
    columns["conformant"] = flow == 0
    return columns
