"""``check``: every case of a log against its SOP, in three tables.

The order of the work: :mod:`._prepare` orders and encodes the events; :mod:`._flow` groups
the cases into variants and aligns each variant once; :mod:`._time` puts every instant on the
office's working-time clock; then the tables are assembled column by column, each finding
expanded from its variant to the cases of that variant with numpy, never a loop over events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.types import union_categoricals

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
from sopmine.check._prepare import Prepared, prepare
from sopmine.check._text import Texts
from sopmine.check._time import Clock, stopped_intervals, stopped_minutes
from sopmine.errors import SopmineError
from sopmine.sop import SopModel, load_sop
from sopmine.sop.flow import quickest_completions
from sopmine.sop.labels import normalize_label, step_roles

__all__ = ["CheckResult", "check"]

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]
Language = Literal["id", "en"]


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
    prepared = prepare(events, model, as_of=as_of, roster=roster)
    texts = Texts(model, lang)
    n_cases = prepared.case_ids.size
    done = prepared.done
    done_case = done["case"].to_numpy()
    done_step = done["step"].to_numpy()
    done_at = _naive(done["timestamp"])
    status = _status(prepared)
    case_open = status == "open"

    # control flow, once per variant
    symbols, labels = _symbols(done, model)
    variants = find_variants(done_case, symbols, labels, case_open)
    verdicts = judge(variants.traces, variants.is_open, model, cache)

    # time: every instant on the working-time clock once
    clock_rows = prepared.clock
    clock_kind = clock_rows["kind"].to_numpy(dtype=object)
    clock_at = _naive(clock_rows["timestamp"])
    open_first = prepared.open_rows.groupby("case", sort=True).head(1)
    now = prepared.as_of.tz_convert(None).to_datetime64().astype("datetime64[us]")
    stops = stopped_intervals(
        done_case,
        done_step,
        done_at,
        open_first["case"].to_numpy(),
        open_first["step"].to_numpy(),
        clock_rows["case"].to_numpy(),
        clock_kind,
        clock_at,
        model,
        now,
    )
    restart = clock_kind == "clock_restart"
    w = Clock(
        model,
        done_at,
        _naive(done["start_timestamp"]),
        stops["stop_from"].to_numpy(),
        stops["stop_to"].to_numpy(),
        clock_at[restart],
        np.array([now]),
    )
    stopped = _Stopped(stops["case"].to_numpy(), w[2], w[3])
    steps = _steps(prepared, done_at, w[0], w[1], stopped)
    restarts = _Restarts(clock_rows["case"].to_numpy()[restart], clock_at[restart], w[4])
    cases = _cases(
        prepared, status, variants, verdicts, done_at, w[0], restarts, float(w[5][0]), stopped
    )
    deviations = _deviations(prepared, variants, verdicts, steps, cases, texts)
    _count_deviations(cases, deviations)
    names = prepared.case_ids
    cases.insert(0, "case_id", pd.array(names[cases.pop("case").to_numpy()], dtype="str"))
    categories = pd.Index(names, dtype="str")
    for table in (steps, deviations):
        codes = table.pop("case").to_numpy(dtype=np.int64)
        table.insert(
            0,
            "case_id",
            pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=table.index),
        )
    for table in (cases, steps, deviations):
        table.insert(
            0,
            "office",
            pd.Series(
                pd.Categorical.from_codes(
                    np.zeros(len(table), np.int8), pd.Index([model.office.name])
                ),
                index=table.index,
            ),
        )
        table.insert(
            0,
            "sop_id",
            pd.Series(
                pd.Categorical.from_codes(np.zeros(len(table), np.int8), pd.Index([model.id])),
                index=table.index,
            ),
        )
    return CheckResult(
        cases=cases[list(CASE_COLUMNS)].reset_index(drop=True),
        steps=steps[list(STEP_COLUMNS)].reset_index(drop=True),
        deviations=deviations[list(DEVIATION_COLUMNS)].reset_index(drop=True),
        sop_id=model.id,
        model_hash=model.hash,
        as_of=prepared.as_of,
        variants=len(variants.traces),
        meta={"cases": n_cases, "events": len(prepared.frame), "lang": lang},
    )


@dataclass(frozen=True)
class _Stopped:
    """The merged clock stops of a check, on the working-time clock."""

    case: _Ints
    w_from: _Floats
    w_to: _Floats

    def minutes(self, case: _Ints, lo: _Floats, hi: _Floats) -> _Floats:
        """Stopped working minutes within each span ``lo..hi`` of its case."""
        return stopped_minutes(case, lo, hi, self.case, self.w_from, self.w_to)


@dataclass(frozen=True)
class _Restarts:
    """``clock_restart`` events: case, instant, and W."""

    case: _Ints
    at: npt.NDArray[np.datetime64]
    w: _Floats


def _naive(instants: pd.Series) -> npt.NDArray[np.datetime64]:
    """UTC instants as ``datetime64[us]`` without a zone (no per-value conversion)."""
    return pd.DatetimeIndex(instants).tz_convert(None).as_unit("us").to_numpy()


def _aware(instants: npt.NDArray[np.datetime64]) -> pd.arrays.DatetimeArray:
    """``datetime64[us]`` UTC instants back as a tz-aware array."""
    return pd.DatetimeIndex(instants).tz_localize("UTC").array


def _cat(codes: _Ints, labels: list[str | None] | npt.NDArray[np.object_]) -> pd.Categorical:
    """A categorical from codes into ``labels`` (duplicates and None allowed)."""
    values = pd.Series(np.asarray(labels, dtype=object))
    unique_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.append(unique_codes, -1)
    return pd.Categorical.from_codes(
        lookup[np.asarray(codes)], categories=pd.Index(uniques, dtype="str")
    )


def _status(prepared: Prepared) -> npt.NDArray[np.object_]:
    """Per case: open, closed or rejected (by the end edge of its last completed step)."""
    model = prepared.model
    index = {s.id: i for i, s in enumerate(model.steps)}
    outcome = np.full(len(index) + 1, "", dtype=object)  # the last slot: not a step
    for edge in model.edges:
        if edge.target is None and not outcome[index[edge.source]]:
            outcome[index[edge.source]] = edge.outcome or "issued"
    n_cases = prepared.case_ids.size
    done = prepared.done
    last = np.full(n_cases, -1, dtype=np.int64)
    if len(done):
        case = done["case"].to_numpy()
        ends = np.append(case[1:] != case[:-1], True)
        last[case[ends]] = done["step"].to_numpy()[ends]
    result = outcome[np.where(last >= 0, last, len(index))]
    status = np.where(result == "rejected", "rejected", np.where(result == "", "open", "closed"))
    has_open = np.zeros(n_cases, dtype=np.bool_)
    has_open[prepared.open_rows["case"].to_numpy()] = True
    return np.where(has_open, "open", status).astype(object)


def _symbols(done: pd.DataFrame, model: SopModel) -> tuple[_Ints, list[str]]:
    """Trace symbols of the completed events: step index, or a code of ``~label``."""
    step = done["step"].to_numpy()
    n_steps = len(model.steps)
    unmapped = step < 0
    codes, uniques = pd.factorize(done["activity"].astype(object).to_numpy()[unmapped])
    symbol = step.copy()
    symbol[unmapped] = n_steps + codes
    labels = [s.id for s in model.steps] + [f"~{u}" for u in uniques]
    return symbol.astype(np.int64), labels


def _steps(
    prepared: Prepared,
    done_at: npt.NDArray[np.datetime64],
    w_done: _Floats,
    w_start: _Floats,
    stopped: _Stopped,
) -> pd.DataFrame:
    """One row per completed SOP step, timed from its handover (see :mod:`._time`)."""
    done = prepared.done
    model = prepared.model
    case = done["case"].to_numpy()
    first = np.ones(case.size, dtype=np.bool_)
    first[1:] = case[1:] != case[:-1]
    w_hand = np.where(first, np.nan, np.roll(w_done, 1))
    hand_at = np.where(first, np.datetime64("NaT", "us"), np.roll(done_at, 1))
    has_start = ~np.isnan(w_start)
    stop_all = stopped.minutes(case, w_hand, w_done)
    elapsed = w_done - w_hand - stop_all
    wait_ok = has_start & ~np.isnan(w_hand)
    waiting = np.where(wait_ok, w_start - w_hand - stopped.minutes(case, w_hand, w_start), np.nan)
    processing = np.where(
        has_start, w_done - w_start - stopped.minutes(case, w_start, w_done), np.nan
    )
    targets = np.array([model.target_minutes(s.id) for s in model.steps] + [np.nan])
    step = done["step"].to_numpy()
    slot = np.where(step >= 0, step, len(model.steps))
    numbers = np.array([s.number for s in model.steps] + [0], dtype=np.int64)
    keep = step >= 0
    target = targets[slot]
    frame = pd.DataFrame(
        {
            "case": case[keep],
            "step_id": done["step_id"].array[keep],
            "step_number": numbers[slot][keep],
            "activity": done["activity"].array[keep],
            "role": done["role"].array[keep],
            "resource": done["resource"].array[keep],
            "handover_at": _aware(hand_at[keep]),
            "started_at": done["start_timestamp"].array[keep],
            "completed_at": done["timestamp"].array[keep],
            "waiting_minutes": waiting[keep],
            "processing_minutes": processing[keep],
            "elapsed_minutes": elapsed[keep],
            "stopped_minutes": np.where(np.isnan(w_hand), np.nan, stop_all)[keep],
            "target_minutes": target[keep],
            "breach": (np.nan_to_num(elapsed, nan=-np.inf) > target)[keep],
            "source_file": done["source_file"].array[keep],
            "source_row": done["source_row"].array[keep],
        }
    )
    return frame


def _cases(
    prepared: Prepared,
    status: npt.NDArray[np.object_],
    variants: Variants,
    verdicts: list[VariantVerdict],
    done_at: npt.NDArray[np.datetime64],
    w_done: _Floats,
    restarts: _Restarts,
    w_now: float,
    stopped: _Stopped,
) -> pd.DataFrame:
    """One row per case: status, path, fitness and the service clock."""
    model = prepared.model
    n_cases = prepared.case_ids.size
    done = prepared.done
    of = variants.of_case
    has = of >= 0
    is_open = status == "open"
    # per variant (the last slot: a case with nothing completed), then to cases
    no_done = reference_path(None, True, model)
    references = [
        reference_path(v, bool(o), model) for v, o in zip(verdicts, variants.is_open, strict=True)
    ] + [no_done]
    fitness_v = np.array([v.fitness for v in verdicts] + [np.nan])
    target_v = np.array([service_target(p, model) for p in references])
    next_v = [_next_step(t, model) for t in variants.traces] + [model.start]
    variant_v = [" > ".join(t.removeprefix("~") for t in trace) for trace in variants.traces]
    pick = np.where(has, of, len(verdicts))
    # a closed case always has events; an open one without events waits at the start
    path = _cat(pick, [" > ".join(p) for p in references])
    # service clock: from the last clock-start completion (or a later restart)
    case = done["case"].to_numpy()
    ends = np.append(case[1:] != case[:-1], True) if case.size else np.zeros(0, np.bool_)
    starts = np.append(True, case[1:] != case[:-1]) if case.size else np.zeros(0, np.bool_)
    not_yet = np.datetime64("NaT", "us")
    last_w = np.full(n_cases, np.nan)
    last_w[case[ends]] = w_done[ends]
    last_at = np.full(n_cases, not_yet)
    last_at[case[ends]] = done_at[ends]
    first_at = np.full(n_cases, not_yet)
    first_at[case[starts]] = done_at[starts]
    is_start = done["step"].to_numpy() == [s.id for s in model.steps].index(model.sla.clock_start)
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
    elapsed = until_w - start_w - stopped.minutes(everyone, start_w, until_w)
    target = target_v[pick]
    # the step an open case is at: its open row, else the next step after its last one
    open_first = prepared.open_rows.groupby("case", sort=True).head(1)
    current_code = np.full(n_cases, -1, dtype=np.int64)
    step_codes = {s.id: i for i, s in enumerate(model.steps)}
    next_code = np.array([step_codes.get(n, -1) if n else -1 for n in next_v], dtype=np.int64)
    current_code[is_open] = next_code[pick][is_open]
    open_step = open_first["step"].to_numpy()
    open_case = open_first["case"].to_numpy()
    current_code[open_case[open_step >= 0]] = open_step[open_step >= 0]
    current_code[~is_open] = -1
    since = np.where(is_open, last_w, np.nan)
    step_elapsed = w_now - since - stopped.minutes(everyone, since, np.full(n_cases, w_now))
    step_targets = np.array([model.target_minutes(s.id) for s in model.steps] + [np.nan])
    step_target = step_targets[np.where(current_code >= 0, current_code, len(model.steps))]
    share = model.sla.at_risk_share
    with np.errstate(invalid="ignore"):
        risk = (elapsed >= share * target) | (step_elapsed >= share * step_target)
    return pd.DataFrame(
        {
            "case": everyone,
            "status": pd.Categorical(status, categories=["closed", "rejected", "open"]),
            "path": path,
            "variant": _cat(pick, [*variant_v, ""]),
            "fitness": fitness_v[pick],
            "events": variants.done_count,
            "first_event_at": _aware(first_at),
            "last_event_at": _aware(last_at),
            "current_step": pd.Categorical.from_codes(
                current_code, categories=pd.Index([s.id for s in model.steps])
            ),
            "service_start": _aware(start_at),
            "service_end": _aware(np.where(is_open, not_yet, last_at)),
            "service_elapsed_minutes": elapsed,
            "service_target_minutes": target,
            "service_breach": np.nan_to_num(elapsed, nan=-np.inf) > target,
            "remaining_minutes": np.where(is_open, target - elapsed, np.nan),
            "step_elapsed_minutes": step_elapsed,
            "step_target_minutes": step_target,
            "at_risk": is_open & risk,
        }
    )


def _next_step(trace: tuple[str, ...], model: SopModel) -> str | None:
    """Where an open case waits: the next step after its last completed SOP step.

    Taken from what was done, not from the alignment, so a step done out of turn still moves
    the case on; the quickest way to an issued licence decides at a branch.
    """
    done = [label for label in trace if not label.startswith("~")]
    if not done:
        return model.start
    after = quickest_completions(model)[done[-1]]
    return after[0] if after else None


def _deviations(
    prepared: Prepared,
    variants: Variants,
    verdicts: list[VariantVerdict],
    steps: pd.DataFrame,
    cases: pd.DataFrame,
    texts: Texts,
) -> pd.DataFrame:
    """Every finding, one row each: flow (from the variants), roles, four-eyes, time."""
    parts = [
        _flow_findings(prepared, variants, verdicts, texts),
        _wrong_actors(steps, prepared.model, texts),
        _four_eyes(steps, prepared.model, texts),
        _time_findings(steps, cases, texts, prepared.model.sla.at_risk_share),
    ]
    frames = [p for p in parts if not p.empty]
    columns = ["case", *list(DEVIATION_COLUMNS)[3:]]  # sop_id, office, case_id come later
    if not frames:
        empty: dict[str, Any] = {c: pd.Categorical([]) for c in columns}
        empty["case"] = np.zeros(0, dtype=np.int64)
        empty["source_row"] = pd.array([], dtype="Int64")
        return pd.DataFrame(empty)
    out = _concat(frames, columns)
    order = {t: i for i, t in enumerate(DEVIATION_TYPES)}
    kind = np.asarray(out["type"].map(order), dtype=np.int64)
    row = out["source_row"].to_numpy(dtype=np.float64, na_value=np.inf)
    sort = np.lexsort((kind, row, out["case"].to_numpy()))
    return out.take(sort).reset_index(drop=True)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Stack finding tables; text columns stay categorical (their categories united)."""
    result: dict[str, Any] = {}
    for column in columns:
        values = [f[column] for f in frames]
        if column == "case":
            result[column] = np.concatenate([np.asarray(v, dtype=np.int64) for v in values])
        elif column == "source_row":
            result[column] = pd.array(
                np.concatenate([v.to_numpy(dtype=np.float64, na_value=np.nan) for v in values]),
                dtype="Int64",
            )
        else:
            cats = [_as_categorical(v) for v in values]
            result[column] = union_categoricals(cats, ignore_order=True)
    return pd.DataFrame(result)


def _as_categorical(values: pd.Series) -> pd.Categorical:
    """Any text column as a categorical with ``str`` categories (so they can be united)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.array
    else:
        cat = pd.Categorical(values.astype(object))
    categories = pd.Index([str(c) for c in cat.categories], dtype="str")
    return pd.Categorical.from_codes(cat.codes, categories=categories)


def _flow_findings(
    prepared: Prepared, variants: Variants, verdicts: list[VariantVerdict], texts: Texts
) -> pd.DataFrame:
    """Each variant's findings, repeated for every case of the variant."""
    rows = [
        (v, f.type, f.step_id, f.position, f.expected, f.observed, texts.flow(f))
        for v, verdict in enumerate(verdicts)
        for f in verdict.findings
    ]
    if not rows:
        return pd.DataFrame()
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

    def column(name: str) -> pd.Categorical:
        cat = done[name].array
        return pd.Categorical.from_codes(
            np.where(valid, cat.codes[pick], -1), categories=cat.categories
        )

    rows_of = done["source_row"].to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.DataFrame(
        {
            "case": case,
            "type": _cat(finding, f_type),
            "step_id": _cat(finding, f_step),
            "expected": _cat(finding, f_exp),
            "observed": _cat(finding, f_obs),
            "source_file": column("source_file"),
            "source_row": pd.array(np.where(valid, rows_of[pick], np.nan), dtype="Int64"),
            "resource": column("resource"),
            "role": column("role"),
            "detail": _cat(finding, f_text),
        }
    )


def _wrong_actors(steps: pd.DataFrame, model: SopModel, texts: Texts) -> pd.DataFrame:
    """Steps whose known role is neither the step's actor nor a co-actor, under any name."""
    allowed = step_roles(model)
    # judged once per distinct (role, step) pair, on the categorical codes
    role = steps["role"].array
    step = steps["step_id"].array
    n_steps = len(step.categories)
    pair = role.codes.astype(np.int64) * n_steps + step.codes
    known = role.codes >= 0
    unique, inverse = np.unique(pair[known], return_inverse=True)
    wrong_pair = np.array(
        [
            normalize_label(str(role.categories[p // n_steps]))
            not in allowed[str(step.categories[p % n_steps])]
            for p in unique.tolist()
        ],
        dtype=np.bool_,
    )
    if not wrong_pair.any():
        return pd.DataFrame()
    hit = steps.iloc[np.flatnonzero(known)[wrong_pair[inverse.ravel()]]]
    actor = {s.id: model.actor(s.actor).name for s in model.steps}
    return pd.DataFrame(
        {
            "case": hit["case"].to_numpy(),
            "type": "wrong_actor",
            "step_id": hit["step_id"].to_numpy(),
            "expected": hit["step_id"].map(actor).to_numpy(),
            "observed": hit["role"].to_numpy(),
            "source_file": hit["source_file"].to_numpy(),
            "source_row": hit["source_row"].to_numpy(),
            "resource": hit["resource"].to_numpy(),
            "role": hit["role"].to_numpy(),
            "detail": texts.wrong_actor(hit["step_id"].to_numpy(), hit["role"].to_numpy()),
        }
    )


def _four_eyes(steps: pd.DataFrame, model: SopModel, texts: Texts) -> pd.DataFrame:
    """Cases where one person did both steps of a four-eyes pair: one row per case and pair."""
    people = steps[steps["resource"].notna()]
    parts = []
    for pair in model.sla.segregation_of_duties:
        first = people[people["step_id"] == pair.first][["case", "resource"]]
        second = people[people["step_id"] == pair.second]
        both = second.merge(first.drop_duplicates(), on=["case", "resource"])
        both = both.drop_duplicates("case")
        if both.empty:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "case": both["case"].to_numpy(),
                    "type": "segregation_of_duties",
                    "step_id": pair.second,
                    "expected": texts.four_eyes_expected(pair.first, pair.second),
                    "observed": both["resource"].to_numpy(),
                    "source_file": both["source_file"].to_numpy(),
                    "source_row": both["source_row"].to_numpy(),
                    "resource": both["resource"].to_numpy(),
                    "role": both["role"].to_numpy(),
                    "detail": texts.four_eyes(both["resource"].to_numpy(), pair.first, pair.second),
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _time_findings(
    steps: pd.DataFrame, cases: pd.DataFrame, texts: Texts, share: float
) -> pd.DataFrame:
    """Step breaches, service breaches and open cases at risk."""
    late = steps[steps["breach"].to_numpy()]
    parts = [
        pd.DataFrame(
            {
                "case": late["case"].to_numpy(),
                "type": "step_sla_breach",
                "step_id": late["step_id"].to_numpy(),
                "expected": texts.minutes(late["target_minutes"].to_numpy()),
                "observed": texts.minutes(late["elapsed_minutes"].to_numpy()),
                "source_file": late["source_file"].to_numpy(),
                "source_row": late["source_row"].to_numpy(),
                "resource": late["resource"].to_numpy(),
                "role": late["role"].to_numpy(),
                "detail": texts.step_late(
                    late["step_id"].to_numpy(),
                    late["elapsed_minutes"].to_numpy(),
                    late["target_minutes"].to_numpy(),
                ),
            }
        )
    ]
    for flag, kind in (("service_breach", "service_sla_breach"), ("at_risk", "open_at_risk")):
        hit = cases[cases[flag].to_numpy()]
        parts.append(
            pd.DataFrame(
                {
                    "case": hit["case"].to_numpy(),
                    "type": kind,
                    "step_id": hit["current_step"].to_numpy() if kind == "open_at_risk" else None,
                    "expected": texts.minutes(hit["service_target_minutes"].to_numpy()),
                    "observed": texts.minutes(hit["service_elapsed_minutes"].to_numpy()),
                    "source_file": None,
                    "source_row": pd.array([pd.NA] * len(hit), dtype="Int64"),
                    "resource": None,
                    "role": None,
                    "detail": texts.service(kind, hit, share),
                }
            )
        )
    return (
        pd.concat([p for p in parts if not p.empty], ignore_index=True)
        if any(not p.empty for p in parts)
        else pd.DataFrame()
    )


def _count_deviations(cases: pd.DataFrame, deviations: pd.DataFrame) -> None:
    """Per case: deviations by type, in total, and whether it followed the SOP's steps."""
    n = len(cases)
    total = np.zeros(n, dtype=np.int64)
    flow = np.zeros(n, dtype=np.int64)
    kinds = deviations["type"].to_numpy(dtype=object) if len(deviations) else np.array([])
    where = deviations["case"].to_numpy(dtype=np.int64) if len(deviations) else np.array([], int)
    for kind in DEVIATION_TYPES:
        counts = np.bincount(where[kinds == kind], minlength=n)[:n].astype(np.int64)
        cases[f"n_{kind}"] = counts
        total += counts
        if kind not in SLA_TYPES:
            flow += counts
    cases["deviations"] = total
    cases["conformant"] = flow == 0
