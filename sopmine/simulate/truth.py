"""Ground truth: the verdicts a log deserves, computed from its events with the calendar.

:func:`ground_truth` reads canonical events (the columns of :data:`sopmine.EVENT_COLUMNS`) and
applies DOMAIN.md's SLA rules directly, one plain step at a time, so that the verdict engine
can be measured against it. What the simulator injected (missing steps, swaps, ...) comes in
as ``injected`` and is kept as given; every time, breach and role verdict is recomputed here.

Rules, as implemented:

- a step's handover is the completion of the case's previous completed event (a step, mapped or
  not; clock events hand nothing over); the first event of a case has no handover;
- the clock is stopped while the file is back with the applicant (from the completion of a step
  that sends it back along a ``return`` edge to the completion of the step it was sent back
  to) and while an SLA clock stop is in force (``clock_stop``/``clock_reset`` until the next
  ``clock_resume``/``clock_restart``, or the as-of time); stopped time counts for no clock;
- elapsed = working minutes from handover to completion minus the stopped working minutes;
  waiting and processing split it at the start time when there is one;
- the service clock runs from the last completion of the SLA's clock-start step to the last
  completed step (closed cases) or the as-of time (open cases); ``clock_reset``/``restart``
  moves its start to the restart;
- the service target is the sum of the step targets after the clock start on the case's
  reference path: the SOP path it followed (closed cases), or the path so far continued by the
  quickest way to an issued licence (open cases);
- breach: elapsed > target; at risk: an open case that has used ``sla.at_risk_share`` (80%)
  of its service target or of the target of the step it is at (its open work, else the next
  step of its reference path).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sopmine.log.mapping import normalize_label
from sopmine.sop import SopModel
from sopmine.sop.flow import quickest_completions
from sopmine.sop.labels import step_roles

__all__ = ["CASE_TRUTH_COLUMNS", "STEP_TRUTH_COLUMNS", "Truth", "ground_truth"]

STEP_TRUTH_COLUMNS = (
    "case_id",
    "step_id",
    "activity",
    "resource",
    "role",
    "handover_at",
    "started_at",
    "completed_at",
    "waiting_minutes",
    "processing_minutes",
    "elapsed_minutes",
    "stopped_minutes",
    "target_minutes",
    "breach",
)
CASE_TRUTH_COLUMNS = (
    "case_id",
    "status",
    "path",
    "current_step",
    "service_start",
    "service_end",
    "service_elapsed_minutes",
    "service_target_minutes",
    "service_breach",
    "remaining_minutes",
    "step_elapsed_minutes",
    "step_target_minutes",
    "at_risk",
    "deviations",
)
DEVIATION_TRUTH_COLUMNS = ("case_id", "type", "step_id", "detail", "origin")
CLOCK_KINDS = ("clock_stop", "clock_resume", "clock_reset", "clock_restart")


@dataclass(frozen=True)
class Truth:
    """The expected verdicts: ``cases``, ``steps`` and ``deviations`` frames, and the as-of."""

    cases: pd.DataFrame
    steps: pd.DataFrame
    deviations: pd.DataFrame
    as_of: pd.Timestamp


def ground_truth(
    events: pd.DataFrame,
    model: SopModel,
    *,
    as_of: dt.datetime | pd.Timestamp,
    paths: pd.DataFrame | None = None,
    reached: pd.Series | None = None,
    injected: pd.DataFrame | None = None,
) -> Truth:
    """The expected verdicts for ``events`` (canonical columns) of one SOP ``model``.

    ``paths`` (columns ``case_id``, ``step_id``; one row per step, in path order) gives each
    case's reference path, and ``reached`` (case id -> number of its steps done) how far an
    open case has come along it; without them the observed sequence of mapped steps is used,
    which is right for conformant cases.
    ``injected`` (``case_id, type, step_id, detail``) lists control-flow and role deviations
    put into the log on purpose.
    """
    stamp = pd.Timestamp(as_of)
    stamp = (
        stamp.tz_localize(model.office.timezone) if stamp.tzinfo is None else stamp
    ).tz_convert("UTC")
    # cases as integer codes (in case id order) and texts as categories, for speed;
    # the ids come back at the end
    codes, labels = pd.factorize(events["case_id"], sort=True)
    frame = pd.DataFrame(
        {
            "case_id": codes,
            "kind": np.asarray(events["kind"], dtype=object),
            "timestamp": _utc(events["timestamp"]),
            "start_timestamp": _utc(events["start_timestamp"]),
            **{c: pd.Categorical(events[c]) for c in ("activity", "step_id", "role", "resource")},
        }
    )
    frame["_order"] = np.arange(len(frame))
    number = pd.Series(np.arange(len(labels)), index=pd.Index(labels))
    if paths is not None:
        paths = pd.DataFrame(
            {"case_id": number.reindex(paths["case_id"]).to_numpy(), "step_id": paths["step_id"]}
        )
        paths = paths[paths["case_id"].notna()].astype({"case_id": np.int64})
    if reached is not None:
        reached = pd.Series(reached.to_numpy(), index=number.reindex(reached.index).to_numpy())
    if injected is not None:
        injected = injected.assign(case_id=number.reindex(injected["case_id"]).to_numpy())
    done = frame[frame["kind"] == "step"].sort_values(["case_id", "timestamp", "_order"])
    is_clock = np.isin(frame["kind"].to_numpy(), list(CLOCK_KINDS))
    clock = frame[is_clock].sort_values(["case_id", "timestamp"])
    open_rows = frame[frame["kind"] == "open"]

    stops = _stopped_intervals(done, clock, open_rows, model, stamp)
    steps = _step_times(done, stops, model)
    cases = _case_verdicts(frame, done, open_rows, clock, stops, model, stamp, paths, reached)
    deviations = _deviations(done, steps, cases, model, injected)
    counts = deviations.groupby("case_id").size()
    cases["deviations"] = cases["case_id"].map(counts).fillna(0).astype(np.int64)
    names = np.asarray(labels, dtype=object)
    for table in (cases, steps, deviations):
        table["case_id"] = names[table["case_id"].to_numpy(dtype=np.int64)]
    return Truth(
        cases=cases[list(CASE_TRUTH_COLUMNS)].reset_index(drop=True),
        steps=steps[list(STEP_TRUTH_COLUMNS)].reset_index(drop=True),
        deviations=deviations.reset_index(drop=True),
        as_of=stamp,
    )


def _utc(instants: pd.Series) -> pd.arrays.DatetimeArray:
    """Instants as a UTC datetime array (naive ones are taken as UTC already)."""
    values = pd.to_datetime(instants.reset_index(drop=True))
    values = values.dt.tz_localize("UTC") if values.dt.tz is None else values.dt.tz_convert("UTC")
    return values.array


def _stopped_intervals(
    done: pd.DataFrame,
    clock: pd.DataFrame,
    open_rows: pd.DataFrame,
    model: SopModel,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """``case_id, stop_from, stop_to, reset``: when the clocks stand still, per case.

    Overlapping intervals of one case are merged, so stopped time is never counted twice.
    """
    index = {s.id: i for i, s in enumerate(model.steps)}
    returns = np.zeros((len(index) + 1, len(index) + 1), dtype=np.bool_)  # last: no step
    for edge in model.edges:
        if edge.kind == "return" and edge.target is not None:
            returns[index[edge.source], index[edge.target]] = True
    code = done["step_id"].map(index).astype("float64").fillna(-1).to_numpy(dtype=np.int64)
    first = done["case_id"].ne(done["case_id"].shift(1)).to_numpy()
    previous = np.where(first, -1, np.roll(code, 1))
    is_return = returns[previous, code] & ~first
    previous_at = done.groupby("case_id")["timestamp"].shift(1)
    back = pd.DataFrame(
        {
            "case_id": done["case_id"][is_return],
            "stop_from": previous_at[is_return],
            "stop_to": done["timestamp"][is_return],
            "reset": False,
        }
    )
    # open work the file went back to the applicant for: stopped until the as-of time
    last = done.groupby("case_id").tail(1).set_index("case_id")
    current = open_rows.groupby("case_id").head(1).set_index("case_id")
    both = last.join(current[["step_id"]].rename(columns={"step_id": "step_id_open"}), how="inner")
    last_code = both["step_id"].map(index).astype("float64").fillna(-1).to_numpy(np.int64)
    open_code = both["step_id_open"].map(index).astype("float64").fillna(-1).to_numpy(np.int64)
    waiting = both[returns[last_code, open_code]]
    pending = pd.DataFrame(
        {
            "case_id": waiting.index.to_numpy(),
            "stop_from": waiting["timestamp"].array,
            "stop_to": as_of,
            "reset": False,
        }
    )
    rows = []
    for case_id, group in clock.groupby("case_id", sort=False):
        since = None
        reset = False
        for kind, at in zip(group["kind"], group["timestamp"], strict=True):
            if kind in ("clock_stop", "clock_reset") and since is None:
                since, reset = at, kind == "clock_reset"
            elif kind in ("clock_resume", "clock_restart") and since is not None:
                rows.append((case_id, since, at, reset))
                since = None
        if since is not None:
            rows.append((case_id, since, as_of, reset))
    machine = pd.DataFrame(rows, columns=["case_id", "stop_from", "stop_to", "reset"])
    parts = [p for p in (back, pending, machine) if not p.empty]
    if not parts:
        return pd.DataFrame(
            {
                "case_id": pd.Series(dtype="object"),
                "stop_from": pd.Series(dtype="datetime64[ns, UTC]"),
                "stop_to": pd.Series(dtype="datetime64[ns, UTC]"),
                "reset": pd.Series(dtype="bool"),
            }
        )
    return _merged(pd.concat(parts, ignore_index=True))


def _merged(stops: pd.DataFrame) -> pd.DataFrame:
    """Overlapping or touching stopped intervals of a case as one interval."""
    stops = stops.sort_values(["case_id", "stop_from"], kind="stable").reset_index(drop=True)
    reach = stops.groupby("case_id")["stop_to"].cummax()
    before = reach.groupby(stops["case_id"]).shift(1)
    block = (before.isna() | (stops["stop_from"] > before)).cumsum()
    return (
        stops.groupby(block, sort=False)
        .agg(
            case_id=("case_id", "first"),
            stop_from=("stop_from", "min"),
            stop_to=("stop_to", "max"),
            reset=("reset", "any"),
        )
        .reset_index(drop=True)
    )


def _stopped_minutes(
    spans: pd.DataFrame, stops: pd.DataFrame, start: str, end: str, model: SopModel
) -> np.ndarray:
    """Working minutes of each span (``start``..``end`` columns) during which a clock stood."""
    result = np.zeros(len(spans))
    if stops.empty or spans.empty:
        return result
    left = spans[["case_id", start, end]].copy()
    left["_row"] = np.arange(len(spans))
    pairs = left.merge(stops, on="case_id")
    lo = pairs[[start, "stop_from"]].max(axis=1)
    hi = pairs[[end, "stop_to"]].min(axis=1)
    overlap = model.calendar.working_minutes(lo, hi)
    overlap = np.where(hi > lo, np.nan_to_num(overlap), 0.0)
    np.add.at(result, pairs["_row"].to_numpy(), overlap)
    return result


def _step_times(done: pd.DataFrame, stops: pd.DataFrame, model: SopModel) -> pd.DataFrame:
    steps = pd.DataFrame(
        {
            "case_id": done["case_id"],
            "step_id": done["step_id"],
            "activity": done["activity"],
            "resource": done["resource"],
            "role": done["role"],
            "handover_at": done.groupby("case_id")["timestamp"].shift(1),
            "started_at": done["start_timestamp"],
            "completed_at": done["timestamp"],
        }
    )
    working = model.calendar.working_minutes
    stopped = _stopped_minutes(steps, stops, "handover_at", "completed_at", model)
    steps["elapsed_minutes"] = working(steps["handover_at"], steps["completed_at"]) - stopped
    with_start = steps["started_at"].notna() & steps["handover_at"].notna()
    waits = steps.assign(started_at=steps["started_at"].where(with_start, steps["completed_at"]))
    wait_stop = _stopped_minutes(waits, stops, "handover_at", "started_at", model)
    work_stop = _stopped_minutes(
        steps.assign(handover_at=steps["started_at"]), stops, "handover_at", "completed_at", model
    )
    steps["waiting_minutes"] = np.where(
        with_start, working(steps["handover_at"], steps["started_at"]) - wait_stop, np.nan
    )
    steps["processing_minutes"] = np.where(
        steps["started_at"].notna(),
        working(steps["started_at"], steps["completed_at"]) - work_stop,
        np.nan,
    )
    steps["stopped_minutes"] = np.where(steps["handover_at"].notna(), stopped, np.nan)
    targets = {s.id: model.target_minutes(s.id) for s in model.steps}
    steps["target_minutes"] = steps["step_id"].map(targets).astype("float64")
    steps["breach"] = (steps["elapsed_minutes"] > steps["target_minutes"]).fillna(False)
    steps["breach"] = steps["breach"].astype(bool)
    # one row per completed step of the SOP; unmapped events only hand over
    return steps[steps["step_id"].notna()]


def _case_verdicts(
    frame: pd.DataFrame,
    done: pd.DataFrame,
    open_rows: pd.DataFrame,
    clock: pd.DataFrame,
    stops: pd.DataFrame,
    model: SopModel,
    as_of: pd.Timestamp,
    paths: pd.DataFrame | None,
    reached: pd.Series | None,
) -> pd.DataFrame:
    ends: dict[str, str] = {}
    for edge in model.edges:
        if edge.target is None:
            ends.setdefault(edge.source, edge.outcome or "issued")
    case_ids = pd.Index(frame["case_id"].drop_duplicates().sort_values())
    last = done.groupby("case_id").tail(1).set_index("case_id")
    status = pd.Series("open", index=case_ids, dtype="object")
    outcome = last["step_id"].map(ends)
    closed = outcome.dropna().index.difference(pd.Index(open_rows["case_id"].unique()))
    status[closed] = np.where(outcome[closed] == "rejected", "rejected", "closed")

    mapped = done[done["step_id"].notna()]
    reference = mapped[["case_id", "step_id"]] if paths is None else paths
    path_text, targets, following = _reference_paths(reference, reached, status, model)
    start_rows = mapped[mapped["step_id"] == model.sla.clock_start]
    service_start = start_rows.groupby("case_id")["timestamp"].max().reindex(case_ids)
    restarts = clock[clock["kind"] == "clock_restart"].groupby("case_id")["timestamp"].max()
    restarted = restarts.reindex(case_ids)
    service_start = service_start.where(~(restarted > service_start).fillna(False), restarted)
    service_end = last["timestamp"].reindex(case_ids).where(status != "open")
    cases = pd.DataFrame(
        {
            "case_id": case_ids,
            "status": status.to_numpy(),
            "path": path_text.reindex(case_ids).to_numpy(),
            "service_start": service_start.array,
            "service_end": service_end.array,
            "service_target_minutes": targets.reindex(case_ids).to_numpy(dtype=np.float64),
        }
    )
    cases["_until"] = cases["service_end"].where(cases["status"] != "open", as_of)
    cases.loc[cases["service_start"].isna(), "_until"] = pd.NaT
    cal = model.calendar
    stopped = _stopped_minutes(
        cases.rename(columns={"service_start": "_from"}), stops, "_from", "_until", model
    )
    cases["service_elapsed_minutes"] = (
        cal.working_minutes(cases["service_start"], cases["_until"]) - stopped
    )
    cases["service_breach"] = (
        cases["service_elapsed_minutes"] > cases["service_target_minutes"]
    ).fillna(False)
    cases["remaining_minutes"] = np.where(
        cases["status"] == "open",
        cases["service_target_minutes"] - cases["service_elapsed_minutes"],
        np.nan,
    )
    # the step an open case is at: its open row, timed from its last completion
    # the step an open case is at: its open row, else the next step of its reference path
    current = open_rows.groupby("case_id")["step_id"].first().reindex(case_ids).astype(object)
    current = current.where(current.notna(), following.reindex(case_ids).astype(object))
    cases["current_step"] = current.where(status == "open").to_numpy()
    last_done = done.groupby("case_id")["timestamp"].max().reindex(case_ids)
    spans = pd.DataFrame({"case_id": case_ids, "_from": last_done.array, "_until": as_of})
    spans.loc[cases["status"].to_numpy() != "open", "_from"] = pd.NaT
    step_stop = _stopped_minutes(spans, stops, "_from", "_until", model)
    cases["step_elapsed_minutes"] = cal.working_minutes(spans["_from"], spans["_until"]) - step_stop
    step_targets = {s.id: model.target_minutes(s.id) for s in model.steps}
    cases["step_target_minutes"] = cases["current_step"].map(step_targets).astype("float64")
    share = model.sla.at_risk_share
    service_risk = cases["service_elapsed_minutes"] >= share * cases["service_target_minutes"]
    step_risk = cases["step_elapsed_minutes"] >= share * cases["step_target_minutes"]
    cases["at_risk"] = (cases["status"] == "open") & (service_risk | step_risk)
    return cases


def _reference_paths(
    reference: pd.DataFrame, reached: pd.Series | None, status: pd.Series, model: SopModel
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each case's reference path (as text), its service target, and (open cases) next step.

    Closed cases: the path as given. Open cases: its first ``reached`` steps, continued by the
    quickest completion from the last of them. The target sums the step targets after the last
    clock start on that path (NaN without a clock start), or is the model's own.
    """
    ref = reference[["case_id", "step_id"]].reset_index(drop=True)
    position = ref.groupby("case_id", sort=False).cumcount().to_numpy()
    is_open = (ref["case_id"].map(status) == "open").to_numpy()
    if reached is not None:
        limit = ref["case_id"].map(reached).fillna(np.inf).to_numpy()
        keep = ~is_open | (position < limit)
        ref, position, is_open = ref[keep], position[keep], is_open[keep]
    last = ref[is_open].groupby("case_id", sort=False).tail(1)
    quickest = quickest_completions(model)
    completion = pd.DataFrame(
        {
            "case_id": last["case_id"].to_numpy(),
            "step_id": last["step_id"].astype(object).map(quickest),
        }
    ).explode("step_id")
    completion = completion[completion["step_id"].notna()]
    completion["_seq"] = 10_000 + completion.groupby("case_id", sort=False).cumcount()
    combined = pd.concat([ref.assign(_seq=position), completion], ignore_index=True).sort_values(
        ["case_id", "_seq"], kind="stable"
    )
    case = combined["case_id"].to_numpy()
    seq = combined.groupby("case_id", sort=False).cumcount().to_numpy()
    is_start = (combined["step_id"] == model.sla.clock_start).to_numpy()
    last_start = pd.Series(np.where(is_start, seq, -1)).groupby(case).transform("max").to_numpy()
    targets = combined["step_id"].map({s.id: model.target_minutes(s.id) for s in model.steps})
    counted = np.where((seq > last_start) & (last_start >= 0), targets.to_numpy(), 0.0)
    total = pd.Series(counted).groupby(case).sum()
    has_start = pd.Series(last_start >= 0).groupby(case).any()
    if model.sla.service_target is not None:
        per_day = model.calendar.minutes_per_day
        total[:] = model.sla.service_target.working_minutes(minutes_per_day=per_day)
    total = total.where(has_start)
    following = completion.groupby("case_id", sort=False)["step_id"].first()
    return _path_text(case, combined["step_id"].to_numpy(dtype=object)), total, following


def _path_text(case: np.ndarray, step: np.ndarray) -> pd.Series:
    """Case -> its steps joined by ' > ', built once per distinct sequence (variant)."""
    if case.size == 0:
        return pd.Series(dtype="object")
    codes, labels = pd.factorize(step)
    cases, start = np.unique(case, return_index=True)
    order = np.argsort(start)
    cases, start = cases[order], start[order]
    length = np.diff(np.append(start, case.size))
    grid = np.full((cases.size, int(length.max())), -1, dtype=np.int32)
    row = np.repeat(np.arange(cases.size), length)
    column = np.arange(case.size) - np.repeat(start, length)
    grid[row, column] = codes
    variants, variant_of = np.unique(grid, axis=0, return_inverse=True)
    names = np.asarray(labels, dtype=object)
    text = np.array([" > ".join(names[v[v >= 0]]) for v in variants], dtype=object)
    return pd.Series(text[variant_of.ravel()], index=cases)


def _deviations(
    done: pd.DataFrame,
    steps: pd.DataFrame,
    cases: pd.DataFrame,
    model: SopModel,
    injected: pd.DataFrame | None,
) -> pd.DataFrame:
    """Injected control-flow deviations, and the role and time verdicts read from the events."""
    parts = []
    if injected is not None and not injected.empty:
        flow_types = {
            "missing_step",
            "wrong_order",
            "repeated_step",
            "unexpected_activity",
            "unmapped_activity",
        }
        kept = injected[injected["type"].isin(flow_types)]
        parts.append(kept.assign(origin="injected")[list(DEVIATION_TRUTH_COLUMNS)])
    parts.append(_wrong_actors(steps, model))
    parts.append(_four_eyes(steps, model))
    late = steps[steps["breach"]]
    parts.append(
        pd.DataFrame(
            {
                "case_id": late["case_id"],
                "type": "step_sla_breach",
                "step_id": late["step_id"],
                "detail": [
                    f"{e:.0f} of {t:.0f} working minutes"
                    for e, t in zip(late["elapsed_minutes"], late["target_minutes"], strict=True)
                ],
                "origin": "derived",
            }
        )
    )
    for flag, kind in (("service_breach", "service_sla_breach"), ("at_risk", "open_at_risk")):
        hit = cases[cases[flag]]
        parts.append(
            pd.DataFrame(
                {
                    "case_id": hit["case_id"],
                    "type": kind,
                    "step_id": hit["current_step"] if kind == "open_at_risk" else None,
                    "detail": [
                        f"{e:.0f} of {t:.0f} working minutes"
                        for e, t in zip(
                            hit["service_elapsed_minutes"],
                            hit["service_target_minutes"],
                            strict=True,
                        )
                    ],
                    "origin": "derived",
                }
            )
        )
    frames = [p for p in parts if not p.empty]
    if not frames:
        return pd.DataFrame(columns=list(DEVIATION_TRUTH_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["case_id", "type", "step_id"], na_position="first", kind="stable")


def _wrong_actors(steps: pd.DataFrame, model: SopModel) -> pd.DataFrame:
    """Events whose role is known and is neither the step's actor nor a co-actor (any alias)."""
    allowed = step_roles(model)
    known = steps[steps["role"].notna()]
    pairs = known[["role", "step_id"]].drop_duplicates()
    pairs = pairs.assign(
        wrong=[
            normalize_label(str(role)) not in allowed[step_id]
            for role, step_id in zip(pairs["role"], pairs["step_id"], strict=True)
        ]
    )
    flagged = known.merge(pairs, on=["role", "step_id"], how="left")["wrong"].to_numpy(bool)
    hit = known[flagged]
    return pd.DataFrame(
        {
            "case_id": hit["case_id"],
            "type": "wrong_actor",
            "step_id": hit["step_id"],
            "detail": [
                f"done by {r}, not {model.actor(model.step(s).actor).name}"
                for r, s in zip(hit["role"], hit["step_id"], strict=True)
            ],
            "origin": "derived",
        }
    )


def _four_eyes(steps: pd.DataFrame, model: SopModel) -> pd.DataFrame:
    """Cases where one person did both steps of a four-eyes pair (one row per pair)."""
    rows: list[tuple[str, str, str, str, str]] = []
    people = steps[steps["resource"].notna()]
    for pair in model.sla.segregation_of_duties:
        first = people[people["step_id"] == pair.first][["case_id", "resource"]]
        second = people[people["step_id"] == pair.second][["case_id", "resource"]]
        both = first.merge(second, on=["case_id", "resource"]).drop_duplicates("case_id")
        rows.extend(
            (
                c,
                "segregation_of_duties",
                pair.second,
                f"{r} did both {pair.first} and {pair.second}",
                "derived",
            )
            for c, r in zip(both["case_id"], both["resource"], strict=True)
        )
    return pd.DataFrame(rows, columns=list(DEVIATION_TRUTH_COLUMNS))
