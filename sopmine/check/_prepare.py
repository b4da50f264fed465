"""Events in, one ordered table out: what the rest of the check computes on.

The events frame of a check is the canonical one (:data:`sopmine.EVENT_COLUMNS`), but only
``case_id``, ``activity`` and ``timestamp`` are required: ``kind`` defaults to a completed
step, ``step_id`` to the model's own names and aliases for ``activity``, and the optional
columns to empty. pm4py's column names (``case:concept:name``, ``concept:name``,
``time:timestamp``, ``org:resource``, ``org:role``) are accepted as well.

Texts become categoricals and cases integer codes (in case id order), so that every later step
is numpy work on integers; nothing loops over events in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.errors import SopmineError
from sopmine.sop import SopModel
from sopmine.sop.labels import normalize_label

__all__ = ["Prepared", "prepare"]

_PM4PY_NAMES = {
    "case:concept:name": "case_id",
    "concept:name": "activity",
    "time:timestamp": "timestamp",
    "start_timestamp": "start_timestamp",
    "org:resource": "resource",
    "org:role": "role",
}
_KINDS = ("step", "start", "open", "clock_stop", "clock_resume", "clock_reset", "clock_restart")
_TEXT = ("activity", "role", "resource", "source_file")


@dataclass(frozen=True)
class Prepared:
    """The events of one check, in order: by case, then completion time, then input order.

    ``frame`` holds every event; ``case`` is an integer code into ``case_ids``; ``step`` is
    the index of the step in ``model.steps`` (-1: unmapped, clock event); texts are
    categoricals; instants are UTC. ``done``, ``open_rows`` and ``clock`` are its completed
    events (kind ``step``), its work in progress, and its SLA clock events.
    """

    model: SopModel
    as_of: pd.Timestamp
    case_ids: npt.NDArray[np.object_]
    frame: pd.DataFrame
    done: pd.DataFrame
    open_rows: pd.DataFrame
    clock: pd.DataFrame


def prepare(
    events: pd.DataFrame,
    model: SopModel,
    *,
    as_of: dt.datetime | pd.Timestamp | str | None,
    roster: Mapping[str, str] | pd.Series | None = None,
) -> Prepared:
    """Check ``events`` has what a check needs, and order and encode it (see the module doc)."""
    events = _canonical(events, model)
    n = len(events)
    codes, labels = pd.factorize(events["case_id"], sort=True)
    wrong = sorted({str(k) for k in pd.unique(events["kind"])} - set(_KINDS))[:5]
    if wrong:
        raise SopmineError(
            f"unknown event kind(s) {', '.join(map(repr, wrong))} in the 'kind' column; "
            f"use one of {', '.join(_KINDS)}"
        )
    kind = pd.Categorical(events["kind"], categories=_KINDS)
    index = {s.id: i for i, s in enumerate(model.steps)}
    step_id = pd.Categorical(events["step_id"])
    unknown = set(step_id.categories) - set(index)
    if unknown:
        raise SopmineError(
            f"step_id value(s) {', '.join(sorted(map(repr, unknown))[:5])} are not steps of the "
            f"SOP model {model.id!r}; check the events belong to this SOP"
        )
    step_lookup = np.array([index[c] for c in step_id.categories] + [-1], dtype=np.int64)
    step = step_lookup[step_id.codes]  # code -1 (NA) picks the trailing -1
    role = events["role"]
    if roster is not None:
        people = pd.Series(roster, dtype="object")
        role = role.where(role.notna(), events["resource"].map(people))
    frame = pd.DataFrame(
        {
            "case": codes.astype(np.int64),
            "kind": kind,
            "timestamp": _utc(events["timestamp"]),
            "start_timestamp": _utc(events["start_timestamp"]),
            "step": step,
            "step_id": pd.Categorical.from_codes(
                np.where(step >= 0, step, -1), categories=pd.Index([s.id for s in model.steps])
            ),
            "activity": pd.Categorical(events["activity"]),
            "role": pd.Categorical(role),
            "resource": pd.Categorical(events["resource"]),
            "source_file": pd.Categorical(events["source_file"]),
            "source_row": events["source_row"].astype("Int64").array,
        }
    )
    frame = _in_order(frame, n)
    frame = _pair_starts(frame)
    stamp = _as_of(as_of, frame, model)
    kinds = frame["kind"].to_numpy(dtype=object)
    done = frame[kinds == "step"]
    open_rows = frame[(kinds == "open") | (kinds == "start")]
    clock = frame[np.char.startswith(kinds.astype(str), "clock_")]
    return Prepared(
        model=model,
        as_of=stamp,
        case_ids=np.asarray(labels, dtype=object),
        frame=frame,
        done=done,
        open_rows=open_rows,
        clock=clock,
    )


def _canonical(events: pd.DataFrame, model: SopModel) -> pd.DataFrame:
    """The columns a check reads, with defaults for the optional ones."""
    if not isinstance(events, pd.DataFrame):
        raise SopmineError(f"check needs a pandas DataFrame of events, got {type(events).__name__}")
    renames = {k: v for k, v in _PM4PY_NAMES.items() if k in events and v not in events}
    frame = events.rename(columns=renames) if renames else events
    missing = [c for c in ("case_id", "activity", "timestamp") if c not in frame]
    if missing:
        raise SopmineError(
            f"the events lack the column(s) {', '.join(missing)}; a check needs case_id, "
            "activity and timestamp (as read_log or Store.events give them, or pm4py's "
            "case:concept:name, concept:name, time:timestamp)"
        )
    if "sop_id" in frame:
        others = pd.Series(frame["sop_id"]).dropna().unique()
        foreign = [str(s) for s in others if str(s) != model.id]
        if foreign:
            raise SopmineError(
                f"the events include SOP(s) {', '.join(foreign[:3])} but are checked against "
                f"{model.id!r}; pass the events of one SOP, e.g. "
                f"events[events['sop_id'] == {model.id!r}]"
            )
    n = len(frame)
    empty = pd.Series([None] * n, index=frame.index, dtype="object")
    out = pd.DataFrame(index=frame.index)
    out["case_id"] = frame["case_id"].astype("str")
    if frame["case_id"].isna().any():
        raise SopmineError(
            "some events have no case_id; drop them or load the export with read_log"
        )
    out["activity"] = frame["activity"]
    out["kind"] = frame.get("kind", "step")
    out["timestamp"] = frame["timestamp"]
    for column in ("start_timestamp", "role", "resource", "source_file"):
        out[column] = frame.get(column, empty)
    out["source_row"] = frame["source_row"] if "source_row" in frame else np.arange(1, n + 1)
    if "step_id" in frame:
        out["step_id"] = frame["step_id"]
    else:
        out["step_id"] = _map_activities(frame["activity"], model)
    return out


def _map_activities(activity: pd.Series, model: SopModel) -> pd.Series:
    """Step ids for activity labels equal (after normalising) to a step's id, name or alias."""
    claims: dict[str, set[str]] = {}
    for step in model.steps:
        for label in (step.id, step.name, *step.aliases):
            claims.setdefault(normalize_label(label), set()).add(step.id)
    unique = {k: next(iter(v)) for k, v in claims.items() if len(v) == 1}
    labels = pd.Categorical(activity)
    mapped = [unique.get(normalize_label(str(c))) for c in labels.categories]
    lookup = np.array([*mapped, None], dtype=object)
    return pd.Series(lookup[labels.codes], index=activity.index, dtype="object")


def _utc(instants: pd.Series) -> pd.Series:
    """Instants as UTC datetimes (microseconds); naive values are taken as UTC."""
    values = pd.Series(pd.to_datetime(instants.reset_index(drop=True), utc=False))
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        values = (
            values.dt.tz_localize("UTC")
            if pd.api.types.is_datetime64_dtype(values)
            else (pd.to_datetime(values, utc=True))
        )
    return values.dt.tz_convert("UTC").dt.as_unit("us")


def _in_order(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """Sorted by case, completion (open work last) and input order; untouched if already so."""
    case = frame["case"].to_numpy()
    stamp = frame["timestamp"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    stamp = np.where(frame["timestamp"].isna().to_numpy(), np.iinfo(np.int64).max, stamp)
    if n > 1:
        same = case[1:] == case[:-1]
        if (np.diff(case) >= 0).all() and (stamp[1:][same] >= stamp[:-1][same]).all():
            return frame.reset_index(drop=True)
    order = np.lexsort((np.arange(n), stamp, case))
    return frame.take(order).reset_index(drop=True)


def _pair_starts(frame: pd.DataFrame) -> pd.DataFrame:
    """Give completions the time of their separate start event (XES lifecycle start/complete).

    A start pairs with the first completion of the same activity in the case at or after it;
    a start without one is work in progress and stays (as kind ``start``).
    """
    kinds = frame["kind"].to_numpy(dtype=object)
    starts = frame[kinds == "start"]
    if starts.empty:
        return frame
    completes = frame[kinds == "step"]
    left = pd.DataFrame(
        {
            "case": starts["case"].to_numpy(),
            "activity": starts["activity"].astype(object).to_numpy(),
            "at": starts["timestamp"].to_numpy(),
            "start_row": starts.index.to_numpy(),
        }
    ).sort_values("at", kind="stable")
    right = pd.DataFrame(
        {
            "case": completes["case"].to_numpy(),
            "activity": completes["activity"].astype(object).to_numpy(),
            "at": completes["timestamp"].to_numpy(),
            "row": completes.index.to_numpy(),
        }
    ).sort_values("at", kind="stable")
    paired = pd.merge_asof(left, right, on="at", by=["case", "activity"], direction="forward")
    paired = paired[paired["row"].notna()].drop_duplicates("row", keep="last")
    rows = paired["row"].to_numpy(dtype=np.int64)
    out = frame.copy()
    fill = out.loc[rows, "start_timestamp"].isna().to_numpy()
    out.loc[rows[fill], "start_timestamp"] = starts.loc[
        paired["start_row"].to_numpy(dtype=np.int64)[fill], "timestamp"
    ].to_numpy()
    used = paired["start_row"].to_numpy(dtype=np.int64)
    kept: pd.DataFrame = out.drop(index=pd.Index(used)).reset_index(drop=True)
    return kept


def _as_of(
    as_of: dt.datetime | pd.Timestamp | str | None, frame: pd.DataFrame, model: SopModel
) -> pd.Timestamp:
    """The as-of instant in UTC: as given (naive = office time), else the latest instant seen."""
    if as_of is None:
        latest = pd.concat([frame["timestamp"], frame["start_timestamp"]]).max()
        if pd.isna(latest):
            return pd.Timestamp.now(tz="UTC").floor("s")
        return pd.Timestamp(latest)
    try:
        stamp = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise SopmineError(f"as_of {as_of!r} is not a date or instant: {exc}") from None
    if pd.isna(stamp):
        raise SopmineError("as_of is empty; give a date or instant, or leave it out")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(model.office.timezone)
    return stamp.tz_convert("UTC")
