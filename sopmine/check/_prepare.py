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
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sopmine.check._memory import Arena, empty
from sopmine.errors import SopmineError
from sopmine.sop import SopModel
from sopmine.sop.labels import normalize_label

__all__ = ["KINDS", "Events", "Prepared", "aware", "integer_parts", "prepare"]

_Ints = npt.NDArray[np.int64]
_Instants = npt.NDArray[np.datetime64]

_PM4PY_NAMES = {
    "case:concept:name": "case_id",
    "concept:name": "activity",
    "time:timestamp": "timestamp",
    "start_timestamp": "start_timestamp",
    "org:resource": "resource",
    "org:role": "role",
}
KINDS = ("step", "start", "open", "clock_stop", "clock_resume", "clock_reset", "clock_restart")
_TEXT = ("activity", "role", "resource", "source_file")
_STEP, _START, _OPEN, _FIRST_CLOCK = 0, 1, 2, 3  # positions in KINDS
_NAT = int(np.iinfo(np.int64).min)


@dataclass(frozen=True)
class Events:
    """Events as columns: one numpy array or categorical per field, all of the same length.

    ``case`` is an integer code into the check's case ids; ``kind`` an index into the event
    kinds (``step``, ``start``, ``open``, then the clock events); ``at`` and ``start`` are UTC
    instants as ``datetime64[us]`` without a zone (NaT: none); ``step`` the index of the step
    in ``model.steps`` (-1: unmapped, clock event); texts are categoricals; ``rows`` the
    source rows as a nullable integer array, or None where they are the input positions plus
    one (an export without row numbers, before its events are taken in order).
    """

    case: _Ints
    kind: npt.NDArray[np.int8]
    at: _Instants
    start: _Instants
    step: _Ints
    activity: pd.Categorical
    role: pd.Categorical
    resource: pd.Categorical
    source_file: pd.Categorical
    rows: pd.arrays.IntegerArray | None

    def __len__(self) -> int:
        return int(self.case.size)

    @property
    def source_row(self) -> pd.arrays.IntegerArray:
        """The source row of each event (1-based positions where the export has none)."""
        if self.rows is not None:
            return self.rows
        return _row_numbers(np.arange(1, len(self) + 1, dtype=np.int64))

    def take(
        self, rows: npt.NDArray[np.int64] | npt.NDArray[np.bool_], arena: Arena | None = None
    ) -> Events:
        """The events at ``rows`` (positions, or a mask), in that order.

        The long 8-byte columns go into ``arena`` buffers when one is given.
        """
        if rows.dtype == np.bool_:
            positions = np.flatnonzero(rows)
        else:
            positions = np.asarray(rows, dtype=np.int64)
        size = positions.size

        def pick(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.take(values, positions, out=empty(arena, size, values.dtype), mode="wrap")

        if self.rows is None:
            numbers = np.add(positions, 1, out=empty(arena, size, np.int64))
            source_row = _row_numbers(numbers)
        else:
            values, missing = integer_parts(self.rows)
            source_row = pd.arrays.IntegerArray(pick(values), missing[positions], copy=False)
        return Events(
            case=pick(self.case),
            kind=self.kind[positions],
            at=pick(self.at),
            start=pick(self.start),
            step=pick(self.step),
            activity=self.activity[positions],
            role=self.role[positions],
            resource=self.resource[positions],
            source_file=self.source_file[positions],
            rows=source_row,
        )

    def first_of_case(self) -> Events:
        """The first event of each case (events are in case order)."""
        if not len(self):
            return self
        first = np.ones(self.case.size, dtype=np.bool_)
        first[1:] = self.case[1:] != self.case[:-1]
        return self.take(first)


def integer_parts(values: pd.arrays.IntegerArray) -> tuple[_Ints, npt.NDArray[np.bool_]]:
    """The values and the missing-value mask of a nullable integer array, without a copy.

    (pandas keeps them as ``_data`` and ``_mask``; ``to_numpy`` and ``isna`` would copy.)
    """
    return values._data, values._mask  # type: ignore[attr-defined]


def _row_numbers(numbers: _Ints) -> pd.arrays.IntegerArray:
    """Row numbers (none missing) as a nullable integer array, without a copy."""
    return pd.arrays.IntegerArray(numbers, np.zeros(numbers.size, dtype=np.bool_), copy=False)


@dataclass(frozen=True)
class Prepared:
    """The events of one check, in order: by case, then completion time, then input order.

    ``n_events`` counts every event; ``case`` is an integer code into ``case_ids``; ``done``,
    ``open_rows`` and ``clock`` are its completed events (kind ``step``), its work in progress
    (``open``, or a ``start`` without its completion), and its SLA clock events.
    ``step_ids`` are the model's step ids, in model order.
    """

    model: SopModel
    as_of: pd.Timestamp
    case_ids: pd.Index
    n_events: int
    done: Events
    open_rows: Events
    clock: Events
    step_ids: pd.Index

    def step_id(self, step: _Ints) -> pd.Categorical:
        """Step indexes (-1: none) as a categorical of step ids."""
        codes = np.where(step >= 0, step, -1) if step.size and step.min() < -1 else step
        return pd.Categorical.from_codes(codes, categories=self.step_ids)


def prepare(
    events: pd.DataFrame,
    model: SopModel,
    *,
    as_of: dt.datetime | pd.Timestamp | str | None,
    roster: Mapping[str, str] | pd.Series | None = None,
    arena: Arena | None = None,
) -> Prepared:
    """Check ``events`` has what a check needs, and order and encode it (see the module doc).

    The long columns go into ``arena`` buffers when one is given.
    """
    columns = _canonical(events, model)
    case_id = cast("pd.Series", columns["case_id"])  # the required columns are there
    n = len(case_id)
    raw_case, case_rank, labels = _case_codes(case_id)
    kind = _kinds(columns["kind"], n)
    index = {s.id: i for i, s in enumerate(model.steps)}
    step_id = pd.Categorical(cast("pd.Series", columns["step_id"]))
    unknown = set(step_id.categories) - set(index)
    if unknown:
        raise SopmineError(
            f"step_id value(s) {', '.join(sorted(map(repr, unknown))[:5])} are not steps of the "
            f"SOP model {model.id!r}; check the events belong to this SOP"
        )
    step_lookup = np.array([index[c] for c in step_id.categories] + [-1], dtype=np.int64)
    activity = _categorical(columns["activity"], n)
    _refuse_nameless(kind, step_lookup, step_id.codes, activity, raw_case, case_rank, labels)
    role = columns["role"]
    if roster is not None:
        people = pd.Series(roster, dtype="object")
        resource = columns["resource"]
        if role is None:
            role = pd.Series([None] * n, index=events.index, dtype="object")
        if resource is None:
            resource = pd.Series([None] * n, index=events.index, dtype="object")
        role = role.where(role.notna(), resource.map(people))
    source_row = columns["source_row"]
    source = _Source(
        case=raw_case,
        case_rank=case_rank,
        kind=kind,
        at=_instants(columns["timestamp"], n),
        start=_instants(columns["start_timestamp"], n),
        step=np.asarray(step_id.codes),
        step_lookup=step_lookup,
        activity=activity,
        role=_categorical(role, n),
        resource=_categorical(columns["resource"], n),
        source_file=_categorical(columns["source_file"], n),
        rows=None if source_row is None else _nullable_rows(source_row),
    )
    order = _order(source)
    stamp = _as_of(as_of, source.latest(), model)
    if (kind == _START).any():
        ordered = _pair_starts(source.gather(order))
        kind = ordered.kind
        done = ordered.take(kind == _STEP, arena)
        open_rows = ordered.take((kind == _OPEN) | (kind == _START))
        clock = ordered.take(kind >= _FIRST_CLOCK)
        n_events = len(ordered)
    else:  # no start to pair: each part is gathered from the input at once, in order
        kind = kind if order is None else kind[order]
        if bool((kind == _STEP).all()):
            done = source.gather(order, arena)
            open_rows = clock = source.gather(np.zeros(0, dtype=np.int64))
        else:
            rows = np.arange(n) if order is None else order
            done = source.gather(rows[kind == _STEP], arena)
            open_rows = source.gather(rows[kind == _OPEN])
            clock = source.gather(rows[kind >= _FIRST_CLOCK])
        n_events = n
    return Prepared(
        model=model,
        as_of=stamp,
        case_ids=labels,
        n_events=n_events,
        done=done,
        open_rows=open_rows,
        clock=clock,
        step_ids=pd.Index([s.id for s in model.steps]),
    )


_CHUNK = 1 << 16  # rows gathered at a time: the temporaries stay in the processor's cache


@dataclass(frozen=True)
class _Source:
    """The events as the input holds them, each column as narrow as it comes.

    ``case`` are codes into the input's own case categories (``case_rank`` maps them to the
    check's sorted case codes; None: they are those codes already); ``step`` codes into the
    step id categories (``step_lookup``: to the index of the step in the model, -1: none);
    ``at``/``start`` UTC instants in their own unit. :meth:`gather` makes :class:`Events` of
    some of the rows, every long column written once.
    """

    case: npt.NDArray[np.integer[Any]]
    case_rank: _Ints | None
    kind: npt.NDArray[np.int8]
    at: _Instants
    start: _Instants
    step: npt.NDArray[np.integer[Any]]
    step_lookup: _Ints
    activity: pd.Categorical
    role: pd.Categorical
    resource: pd.Categorical
    source_file: pd.Categorical
    rows: pd.arrays.IntegerArray | None

    def codes(self) -> _Ints:
        """The check's case code of every event, in input order."""
        if self.case_rank is None:
            return self.case.astype(np.int64)
        return np.take(self.case_rank, self.case)

    def latest(self) -> int | None:
        """The latest instant of the events, in microseconds since 1970 (None: none known)."""
        found = []
        for values in (self.at, self.start):
            top = values.view(np.int64).max(initial=_NAT)  # NaT is the smallest int64
            if int(top) != _NAT:
                instant = top.view(values.dtype).astype("datetime64[us]")
                found.append(int(instant.view(np.int64)))
        return max(found, default=None)

    def gather(self, positions: _Ints | None, arena: Arena | None = None) -> Events:
        """The events at ``positions`` (None: all, in input order), long columns into ``arena``.

        Each long column is read and converted a chunk at a time into its one output array.
        """
        size = self.kind.size if positions is None else positions.size
        case = empty(arena, size, np.int64)
        at = empty(arena, size, "datetime64[us]")
        start = empty(arena, size, "datetime64[us]")
        step = empty(arena, size, np.int64)
        given = None if self.rows is None else integer_parts(self.rows)
        rows = None if given is None or positions is None else empty(arena, size, np.int64)
        for begin in range(0, size, _CHUNK):
            end = min(begin + _CHUNK, size)
            part = slice(begin, end)
            where = part if positions is None else positions[part]
            if self.case_rank is None:
                np.copyto(case[part], self.case[where], casting="safe")
            else:
                np.take(self.case_rank, self.case[where], out=case[part], mode="wrap")
            np.copyto(at[part], self.at[where], casting="same_kind")
            np.copyto(start[part], self.start[where], casting="same_kind")
            np.take(self.step_lookup, self.step[where], out=step[part], mode="wrap")  # NA (-1): -1
            if rows is not None and given is not None:
                rows[part] = given[0][where]
        if positions is None:
            source_row = self.rows  # all rows, in input order: the input's own numbers
        elif rows is not None and given is not None:
            source_row = pd.arrays.IntegerArray(rows, given[1][positions], copy=False)
        else:
            source_row = _row_numbers(np.add(positions, 1, out=empty(arena, size, np.int64)))
        pick = slice(None) if positions is None else positions
        return Events(
            case=case,
            kind=self.kind[pick],
            at=at,
            start=start,
            step=step,
            activity=self.activity[pick],
            role=self.role[pick],
            resource=self.resource[pick],
            source_file=self.source_file[pick],
            rows=source_row,
        )


def _kinds(kinds: pd.Series | None, n: int) -> npt.NDArray[np.int8]:
    """The event kinds as indexes into :data:`KINDS` (no column: every event a step)."""
    if kinds is None:
        return np.zeros(n, dtype=np.int8)
    cat = pd.Categorical(kinds)
    wrong = sorted({str(k) for k in cat.categories} - set(KINDS))[:5]
    if wrong:
        raise SopmineError(
            f"unknown event kind(s) {', '.join(map(repr, wrong))} in the 'kind' column; "
            f"use one of {', '.join(KINDS)}"
        )
    lookup = np.array([KINDS.index(str(k)) for k in cat.categories] + [-1], dtype=np.int8)
    kind = lookup[np.asarray(cat.codes)]
    if (kind < 0).any():
        raise SopmineError(
            f"some events have no kind; give each one of {', '.join(KINDS)} (or leave the "
            "column out: every event is then a completed step)"
        )
    return kind


def _refuse_nameless(
    kind: npt.NDArray[np.int8],
    step_lookup: _Ints,
    step_codes: npt.NDArray[np.integer[Any]],
    activity: pd.Categorical,
    case: npt.NDArray[np.integer[Any]],
    case_rank: _Ints | None,
    labels: pd.Index,
) -> None:
    """Refuse completed events with neither a step nor an activity: nothing says what was done."""
    no_step = (step_lookup < 0)[step_codes]
    nameless = np.flatnonzero((np.asarray(activity.codes) < 0) & no_step & (kind == _STEP))
    if nameless.size:
        first = int(nameless[0])
        code = int(case[first]) if case_rank is None else int(case_rank[case[first]])
        raise SopmineError(
            f"{nameless.size} completed event(s) have neither an activity nor a step_id (the "
            f"first: case {labels[code]!r}, event {first + 1} of the input); give each "
            "its activity label, or drop them"
        )


def _nullable_rows(source_row: pd.Series) -> pd.arrays.IntegerArray:
    """The export's row numbers as a nullable int64 array."""
    return cast("pd.arrays.IntegerArray", source_row.astype("Int64").array)


def _canonical(events: pd.DataFrame, model: SopModel) -> dict[str, pd.Series | None]:
    """The columns a check reads (None: absent, its default applies)."""
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
    if frame["case_id"].isna().any():
        raise SopmineError(
            "some events have no case_id; drop them or load the export with read_log"
        )
    out: dict[str, pd.Series | None] = {
        c: frame.get(c, None)
        for c in ("case_id", "activity", "kind", "timestamp", "start_timestamp", *_TEXT[1:],
                  "source_row")
    }  # fmt: skip
    if "step_id" in frame:
        out["step_id"] = frame["step_id"]
    else:
        out["step_id"] = _map_activities(frame["activity"], model)
    return out


def _case_codes(
    case_id: pd.Series,
) -> tuple[npt.NDArray[np.integer[Any]], _Ints | None, pd.Index]:
    """Case ids as text, coded in sorted order: the input's codes, their rank, the sorted ids.

    The check's code of an event's case is ``rank[codes]`` (``codes`` when ``rank`` is None),
    that of ``pd.factorize(case_id.astype("str"), sort=True)``. A categorical column is coded
    through its categories (each converted once, its narrow codes kept as they are). The ids
    are a ``str`` index; their order and sorting are pyarrow's (the same byte order as
    Python's, 5-10x quicker on a million ids than the index's own).
    """
    if isinstance(case_id.dtype, pd.CategoricalDtype):
        cat = case_id.array
        names = pd.Index(cat.categories).astype("str")
        codes = np.asarray(cat.codes)
        used = np.zeros(len(names), dtype=np.bool_)
        used[codes] = True
        if _increasing(pa.chunked_array([pa.array(names.array)])):  # usual: ids coded sorted
            if used.all():
                return codes, None, names
            return codes, np.cumsum(used) - 1, names[used]  # the rank among the ids used
        present = names[used]
        text = pa.chunked_array([pa.array(present.array)])
        # the ids are distinct: any sort gives this order
        order = np.asarray(pc.sort_indices(text), dtype=np.int64)
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        lookup = np.full(len(names), -1, dtype=np.int64)
        lookup[used] = rank
        return codes, lookup, present[order]
    codes, labels = pd.factorize(case_id.astype("str"), sort=True)
    return np.asarray(codes, dtype=np.int64), None, pd.Index(labels, dtype="str")


def _increasing(text: pa.ChunkedArray) -> bool:
    """Whether distinct texts are in ascending (byte) order."""
    if len(text) < 2:
        return True
    flat = text.combine_chunks()
    return bool(pc.all(pc.less(flat[:-1], flat[1:])).as_py())


def _categorical(values: pd.Series | None, n: int) -> pd.Categorical:
    """A text column as a categorical (an absent one: all missing, no categories)."""
    if values is None:
        return pd.Categorical.from_codes(
            np.full(n, -1, dtype=np.int8), categories=pd.Index([], dtype="object")
        )
    return pd.Categorical(values)


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


def _instants(instants: pd.Series | None, n: int) -> _Instants:
    """Instants as UTC ``datetime64`` without a zone, in their own unit; naive ones are UTC.

    A tz-aware column is read as it is stored (a view, no copy); others are parsed. An absent
    column is ``n`` NaT.
    """
    if instants is None:
        return np.broadcast_to(np.datetime64("NaT", "us"), (n,))
    values = instants.array
    if not (isinstance(values, pd.arrays.DatetimeArray) and values.tz is not None):
        parsed = pd.Series(pd.to_datetime(instants.reset_index(drop=True), utc=False))
        if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = (
                parsed.dt.tz_localize("UTC")
                if pd.api.types.is_datetime64_dtype(parsed)
                else pd.to_datetime(parsed, utc=True)
            )
        values = parsed.array
    return np.asarray(values.tz_convert(None))  # UTC without a zone: a view, no copy


_UTC_US = pd.DatetimeTZDtype(unit="us", tz="UTC")


def aware(instants: _Instants) -> pd.arrays.DatetimeArray:
    """``datetime64[us]`` UTC instants as a tz-aware array, sharing their memory.

    ``tz_localize("UTC")`` gives the same values but copies them, which at a million steps is
    a fresh 8 MB per column; ``DatetimeArray._simple_new`` wraps the array as it is (the
    fallback, for a pandas without it, copies).
    """
    values = np.asarray(instants)
    if values.dtype != np.dtype("datetime64[us]"):
        values = values.astype("datetime64[us]")
    try:
        wrapped: pd.arrays.DatetimeArray = pd.arrays.DatetimeArray._simple_new(  # type: ignore[attr-defined]
            values, dtype=_UTC_US
        )
        return wrapped
    except (AttributeError, TypeError):  # pragma: no cover - pandas without the constructor
        return pd.DatetimeIndex(values).tz_localize("UTC").array


def _order(source: _Source) -> _Ints | None:
    """The order by case, completion (open work last) and input order; None if already so.

    An export usually lists each case's events together and in time order, only its cases in
    another order than their sorted ids: then the cases' blocks are put in order as a whole.
    """
    case, rank = source.case, source.case_rank
    n = case.size
    if n <= 1:
        return None
    in_time, ascending = _in_order(case, source.at)
    if in_time and ascending and rank is None:
        return None
    if in_time:
        begin = np.flatnonzero(np.append(True, case[1:] != case[:-1]))  # each block of a case
        first = case[begin].astype(np.int64) if rank is None else rank[case[begin]]
        if bool((first[1:] > first[:-1]).all()):  # the cases' blocks are in order already
            return None
        if begin.size == int(first.max()) + 1:  # one block per case (codes 0..): move the blocks
            blocks = np.argsort(first, kind="stable")
            length = np.diff(np.append(begin, n))[blocks]
            shift = begin[blocks] - (np.cumsum(length) - length)
            order = np.repeat(shift, length)
            for at in range(0, n, _CHUNK):  # plus the position: no second array of n values
                order[at : at + _CHUNK] += np.arange(at, min(at + _CHUNK, n))
            return order
    # NaT (the smallest int64) becomes the largest key, every other instant keeps its order
    with np.errstate(over="ignore"):
        stamp = source.at.astype("datetime64[us]").view(np.int64) - np.int64(1)
    return np.lexsort((np.arange(n), stamp, source.codes()))


def _in_order(
    case: npt.NDArray[np.integer[Any]], at: _Instants, chunk: int = _CHUNK
) -> tuple[bool, bool]:
    """Whether each case's events are in time order (NaT last), and also the case codes.

    Instants are compared to the microsecond, as the check keeps them. Read a chunk at a
    time, so that a long log needs no temporary arrays of its length.
    """
    in_time = in_order = True
    with np.errstate(over="ignore"):
        for begin in range(0, case.size - 1, chunk):
            end = min(begin + chunk + 1, case.size)  # one row of overlap
            part = at[begin:end]
            if part.dtype != np.dtype("datetime64[us]"):
                part = part.astype("datetime64[us]")
            c, t = case[begin:end], part.view(np.int64) - np.int64(1)  # NaT: the largest
            same = c[1:] == c[:-1]
            if not bool(((t[1:] >= t[:-1]) | ~same).all()):
                return False, False
            in_order = in_order and bool((c[1:] >= c[:-1]).all())
    return in_time, in_order


def _pair_starts(table: Events) -> Events:
    """Give completions the time of their separate start event (XES lifecycle start/complete).

    A start pairs with the first completion of the same activity in the case at or after it;
    a start without one is work in progress and stays (as kind ``start``).
    """
    start_rows = np.flatnonzero(table.kind == _START)
    if start_rows.size == 0:
        return table
    done_rows = np.flatnonzero(table.kind == _STEP)
    activity = np.asarray(table.activity, dtype=object)
    left = pd.DataFrame(
        {
            "case": table.case[start_rows],
            "activity": activity[start_rows],
            "at": table.at[start_rows],
            "start_row": start_rows,
        }
    ).sort_values("at", kind="stable")
    right = pd.DataFrame(
        {
            "case": table.case[done_rows],
            "activity": activity[done_rows],
            "at": table.at[done_rows],
            "row": done_rows,
        }
    ).sort_values("at", kind="stable")
    paired = pd.merge_asof(left, right, on="at", by=["case", "activity"], direction="forward")
    paired = paired[paired["row"].notna()].drop_duplicates("row", keep="last")
    rows = paired["row"].to_numpy(dtype=np.int64)
    used = paired["start_row"].to_numpy(dtype=np.int64)
    start = table.start.copy()
    fill = np.isnat(table.start[rows])
    start[rows[fill]] = table.at[used[fill]]
    kept = np.ones(table.case.size, dtype=np.bool_)
    kept[used] = False
    return replace(table, start=start).take(kept)


def _as_of(
    as_of: dt.datetime | pd.Timestamp | str | None, latest: int | None, model: SopModel
) -> pd.Timestamp:
    """The as-of instant in UTC: as given (naive = office time), else the latest instant seen.

    ``latest`` is that instant in microseconds (None: the events have none: now).
    """
    if as_of is None:
        if latest is None:
            return pd.Timestamp.now(tz="UTC").floor("s")
        return pd.Timestamp(np.datetime64(latest, "us")).tz_localize("UTC")
    try:
        stamp = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise SopmineError(f"as_of {as_of!r} is not a date or instant: {exc}") from None
    if pd.isna(stamp):
        raise SopmineError("as_of is empty; give a date or instant, or leave it out")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(model.office.timezone)
    return stamp.tz_convert("UTC")
