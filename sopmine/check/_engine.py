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
from typing import Literal

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
from sopmine.check._prepare import Prepared, prepare
from sopmine.check._text import Texts
from sopmine.check._time import Clock, stopped_intervals, stopped_minutes
from sopmine.errors import SopmineError
from sopmine.sop import SopModel, load_sop
from sopmine.sop.flow import quickest_completions
from sopmine.sop.labels import normalize_label

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
    status = _status(prepared)
    case_open = status == "open"

    # control flow, once per variant
    symbols, labels = _symbols(done, model)
    variants = find_variants(done_case, symbols, labels, case_open)
    verdicts = judge(variants.traces, variants.is_open, model, cache)
    references = [
        reference_path(v, bool(o), model) for v, o in zip(verdicts, variants.is_open, strict=True)
    ]
    no_done = reference_path(None, True, model)  # open cases with nothing completed yet

    # time
    clock_rows = prepared.clock
    open_first = prepared.open_rows.groupby("case", sort=True).head(1)
    stops = stopped_intervals(
        done_case,
        done_step,
        done["timestamp"],
        open_first["case"].to_numpy(),
        open_first["step"].to_numpy(),
        clock_rows["case"].to_numpy(),
        clock_rows["kind"].to_numpy(dtype=object),
        clock_rows["timestamp"],
        model,
        prepared.as_of,
    )
    restarts = clock_rows[clock_rows["kind"].to_numpy(dtype=object) == "clock_restart"]
    w = Clock(
        model,
        done["timestamp"],
        done["start_timestamp"],
        stops["stop_from"],
        stops["stop_to"],
        restarts["timestamp"],
        prepared.as_of,
    )
    w_done, w_start, w_stop, w_resume, w_restart, w_now = (w[i] for i in range(6))
    stop_case = stops["case"].to_numpy()

    steps = _steps(prepared, w_done, w_start, stop_case, w_stop, w_resume)
    cases = _cases(
        prepared,
        status,
        variants,
        verdicts,
        references,
        no_done,
        w_done,
        w_restart,
        restarts["case"].to_numpy(),
        float(w_now[0]),
        stop_case,
        w_stop,
        w_resume,
    )
    deviations = _deviations(prepared, variants, verdicts, steps, cases, texts)
    _count_deviations(cases, deviations)
    names = prepared.case_ids
    for table in (cases, steps, deviations):
        table.insert(0, "case_id", names[table.pop("case").to_numpy(dtype=np.int64)])
        table.insert(0, "office", model.office.name)
        table.insert(0, "sop_id", model.id)
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
    w_done: _Floats,
    w_start: _Floats,
    stop_case: _Ints,
    w_stop: _Floats,
    w_resume: _Floats,
) -> pd.DataFrame:
    """One row per completed SOP step, timed from its handover (see :mod:`._time`)."""
    done = prepared.done
    model = prepared.model
    case = done["case"].to_numpy()
    first = np.ones(case.size, dtype=np.bool_)
    first[1:] = case[1:] != case[:-1]
    w_hand = np.where(first, np.nan, np.roll(w_done, 1))
    hand_at = done["timestamp"].shift(1).where(~first)
    has_start = ~np.isnan(w_start)

    def stopped(lo: _Floats, hi: _Floats) -> _Floats:
        return stopped_minutes(case, lo, hi, stop_case, w_stop, w_resume)

    stop_all = stopped(w_hand, w_done)
    elapsed = w_done - w_hand - stop_all
    wait_ok = has_start & ~np.isnan(w_hand)
    waiting = np.where(wait_ok, w_start - w_hand - stopped(w_hand, w_start), np.nan)
    processing = np.where(has_start, w_done - w_start - stopped(w_start, w_done), np.nan)
    targets = np.array([model.target_minutes(s.id) for s in model.steps] + [np.nan])
    step = done["step"].to_numpy()
    target = targets[np.where(step >= 0, step, len(model.steps))]
    numbers = np.array([s.number for s in model.steps] + [0], dtype=np.int64)
    frame = pd.DataFrame(
        {
            "case": case,
            "step_id": done["step_id"].to_numpy(),
            "step_number": numbers[np.where(step >= 0, step, len(model.steps))],
            "activity": done["activity"].to_numpy(),
            "role": done["role"].to_numpy(),
            "resource": done["resource"].to_numpy(),
            "handover_at": hand_at.to_numpy(),
            "started_at": done["start_timestamp"].to_numpy(),
            "completed_at": done["timestamp"].to_numpy(),
            "waiting_minutes": waiting,
            "processing_minutes": processing,
            "elapsed_minutes": elapsed,
            "stopped_minutes": np.where(np.isnan(w_hand), np.nan, stop_all),
            "target_minutes": target,
            "breach": np.nan_to_num(elapsed, nan=-np.inf) > target,
            "source_file": done["source_file"].to_numpy(),
            "source_row": done["source_row"].to_numpy(),
            "_done_row": np.arange(case.size),
        }
    )
    return frame[step >= 0].reset_index(drop=True)


def _cases(
    prepared: Prepared,
    status: npt.NDArray[np.object_],
    variants: Variants,
    verdicts: list[VariantVerdict],
    references: list[tuple[str, ...]],
    no_done: tuple[str, ...],
    w_done: _Floats,
    w_restart: _Floats,
    restart_case: _Ints,
    w_now: float,
    stop_case: _Ints,
    w_stop: _Floats,
    w_resume: _Floats,
) -> pd.DataFrame:
    model = prepared.model
    n_cases = prepared.case_ids.size
    done = prepared.done
    of = variants.of_case
    has = of >= 0
    is_open = status == "open"
    # per variant, then to cases
    fitness_v = np.array([v.fitness for v in verdicts] + [np.nan])
    path_v = np.array([" > ".join(p) for p in references] + [" > ".join(no_done)], dtype=object)
    target_v = np.array([service_target(p, model) for p in references] + [np.nan])
    nxt_v = np.array(
        [_next_step(t, model) for t in variants.traces] + [no_done[0] if no_done else None],
        dtype=object,
    )
    variant_text = np.array(
        [" > ".join(t.removeprefix("~") for t in trace) for trace in variants.traces] + [""],
        dtype=object,
    )
    pick = np.where(has, of, len(verdicts))
    path = path_v[pick]
    target = target_v[pick]
    # the path of an open case with no events: from the start, the quickest way
    target = np.where(has | ~is_open, target, service_target(no_done, model))
    path = np.where(has | ~is_open, path, " > ".join(no_done))
    path = np.where(has | is_open, path, None)
    # service clock
    case = done["case"].to_numpy()
    ends = np.append(case[1:] != case[:-1], True) if case.size else np.zeros(0, np.bool_)
    starts_at = np.append(True, case[1:] != case[:-1]) if case.size else np.zeros(0, np.bool_)
    last_w = np.full(n_cases, np.nan)
    last_w[case[ends]] = w_done[ends]
    clock_start = model.sla.clock_start
    is_start = (done["step_id"].to_numpy(dtype=object) == clock_start) & ~np.isnan(w_done)
    start_w = np.full(n_cases, np.nan)
    np.fmax.at(start_w, case[is_start], w_done[is_start])
    start_at = pd.Series(pd.NaT, index=range(n_cases), dtype="datetime64[us, UTC]")
    at_rows = done[is_start].groupby("case")["timestamp"].max()
    start_at[at_rows.index.to_numpy()] = at_rows.to_numpy()
    if restart_case.size:
        restarted = prepared.clock[prepared.clock["kind"].to_numpy(dtype=object) == "clock_restart"]
        later = np.full(n_cases, np.nan)
        np.fmax.at(later, restart_case, w_restart)
        move = ~np.isnan(start_w) & (later > start_w)
        latest = restarted.groupby("case")["timestamp"].max().reindex(range(n_cases))
        start_w = np.where(move, later, start_w)
        start_at[move] = latest[move].to_numpy()
    until_w = np.where(is_open, w_now, last_w)
    until_w = np.where(np.isnan(start_w), np.nan, until_w)
    everyone = np.arange(n_cases)
    service_stop = stopped_minutes(everyone, start_w, until_w, stop_case, w_stop, w_resume)
    elapsed = until_w - start_w - service_stop
    last_at = pd.Series(pd.NaT, index=range(n_cases), dtype="datetime64[us, UTC]")
    last_at[case[ends]] = done["timestamp"].to_numpy()[ends]
    first_at = pd.Series(pd.NaT, index=range(n_cases), dtype="datetime64[us, UTC]")
    first_at[case[starts_at]] = done["timestamp"].to_numpy()[starts_at]
    # the step an open case is at: its open row, else the next step of its path
    open_first = prepared.open_rows.groupby("case", sort=True).head(1)
    current = np.full(n_cases, None, dtype=object)
    current[is_open] = np.where(has, nxt_v[pick], nxt_v[-1])[is_open]
    open_step = open_first["step_id"].astype(object).to_numpy()
    current[open_first["case"].to_numpy()] = np.where(
        pd.isna(open_step), current[open_first["case"].to_numpy()], open_step
    )
    current = np.where(is_open, current, None)
    since = np.where(is_open, last_w, np.nan)
    step_elapsed = (
        w_now
        - since
        - stopped_minutes(everyone, since, np.full(n_cases, w_now), stop_case, w_stop, w_resume)
    )
    step_targets = {s.id: model.target_minutes(s.id) for s in model.steps}
    step_target = np.array([step_targets.get(c, np.nan) if c else np.nan for c in current])
    share = model.sla.at_risk_share
    with np.errstate(invalid="ignore"):
        risk = (elapsed >= share * target) | (step_elapsed >= share * step_target)
    return pd.DataFrame(
        {
            "case": everyone,
            "status": status,
            "path": path,
            "variant": variant_text[pick],
            "fitness": fitness_v[pick],
            "events": variants.done_count,
            "first_event_at": first_at.to_numpy(),
            "last_event_at": last_at.to_numpy(),
            "current_step": current,
            "service_start": start_at.to_numpy(),
            "service_end": last_at.where(~is_open).to_numpy(),
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
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ["case", *DEVIATION_COLUMNS]})
    out = pd.concat(frames, ignore_index=True)
    order = {t: i for i, t in enumerate(DEVIATION_TYPES)}
    out["_type"] = out["type"].map(order)
    out["_row"] = out["source_row"].astype("Float64").fillna(np.inf)
    out = out.sort_values(["case", "_row", "_type"], kind="stable")
    return out.drop(columns=["_type", "_row"]).reset_index(drop=True)


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

    def column(name: str) -> npt.NDArray[np.object_]:
        values = (
            done[name].astype(object).to_numpy()[pick] if len(done) else np.full(row.size, None)
        )
        return np.where(valid, values, None)

    return pd.DataFrame(
        {
            "case": case,
            "type": f_type[finding],
            "step_id": f_step[finding],
            "expected": f_exp[finding],
            "observed": f_obs[finding],
            "source_file": column("source_file"),
            "source_row": pd.array(column("source_row"), dtype="Int64"),
            "resource": column("resource"),
            "role": column("role"),
            "detail": f_text[finding],
        }
    )


def _wrong_actors(steps: pd.DataFrame, model: SopModel, texts: Texts) -> pd.DataFrame:
    """Steps whose known role is neither the step's actor nor a co-actor, under any name."""
    allowed = {
        s.id: {
            normalize_label(n)
            for actor_id in (s.actor, *s.co_actors)
            for n in model.actor(actor_id).names()
        }
        for s in model.steps
    }
    known = steps[steps["role"].notna()]
    if known.empty:
        return pd.DataFrame()
    role = pd.Categorical(known["role"])
    step = pd.Categorical(known["step_id"], categories=[s.id for s in model.steps])
    pair = role.codes.astype(np.int64) * len(model.steps) + step.codes
    unique, inverse = np.unique(pair, return_inverse=True)
    wrong_pair = np.array(
        [
            normalize_label(str(role.categories[p // len(model.steps)]))
            not in allowed[model.steps[p % len(model.steps)].id]
            for p in unique
        ],
        dtype=np.bool_,
    )
    hit = known[wrong_pair[inverse.ravel()]]
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
