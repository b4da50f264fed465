"""Working time, exactly as DOMAIN.md's SLA rules 1-5, vectorised over a whole log.

Every instant is turned once into the office's working-time clock ``W`` (working minutes
since a common origin, :meth:`~sopmine.calendar.OfficeCalendar.working_clock`); the working
time between two instants is then a subtraction, and the stopped part of a span is the overlap
``min(W(end), W(stop end)) - max(W(start), W(stop start))`` with each stop of its case.

- A step's handover is the completion of the case's previous completed event (a step, mapped
  or not; clock events hand nothing over); the first event of a case has no handover.
- The clocks stand still while the file is back with the applicant: from the completion of a
  step that sends it back along a ``return`` edge to the completion of the step it was sent
  back to, and, for open work reached along a return edge, until the as-of time; and while an
  SLA clock stop is in force (``clock_stop``/``clock_reset`` until the next
  ``clock_resume``/``clock_restart``, or the as-of time). Overlapping stops count once.
- Elapsed = working minutes from handover to completion minus the stopped ones; waiting and
  processing split it at the start time when the export has one.
- The service clock runs from the last completion of the SLA's clock-start step (or a later
  ``clock_restart``) to the last completed step, or to the as-of time while the case is open.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.sop import SopModel

__all__ = ["Clock", "stop_pairs", "stopped_intervals", "stopped_minutes"]

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]
_Instants = npt.NDArray[np.datetime64]
_STOPS = ("clock_stop", "clock_reset")
_RESUMES = ("clock_resume", "clock_restart")


class Clock:
    """The working-time clock ``W`` of one check: one origin for every instant it reads.

    Instants are UTC ``datetime64`` arrays without a zone, or tz-aware arrays (NaT allowed).
    """

    def __init__(self, model: SopModel, *instants: _Instants | pd.arrays.DatetimeArray) -> None:
        utc = [
            np.asarray(i.tz_convert(None)) if isinstance(i, pd.arrays.DatetimeArray) else i
            for i in instants
        ]
        self._values = model.calendar.working_clock_utc(*utc)

    def __getitem__(self, position: int) -> _Floats:
        """``W`` of the ``position``-th collection given to the constructor."""
        return self._values[position]


def stopped_intervals(
    case: _Ints,
    step: _Ints,
    at: _Instants,
    open_case: _Ints,
    open_step: _Ints,
    clock_case: _Ints,
    clock_kind: npt.NDArray[np.object_],
    clock_at: _Instants,
    model: SopModel,
    as_of: np.datetime64,
) -> pd.DataFrame:
    """``case, stop_from, stop_to, reset``: when the clocks stand still, merged per case.

    ``case``/``step``/``at`` are the completed events in order (step -1: not an SOP step);
    ``open_case``/``open_step`` the first open work of each open case; ``clock_*`` the SLA clock
    events in order. Instants are UTC ``datetime64[us]`` without a zone, in and out.
    """
    index = {s.id: i for i, s in enumerate(model.steps)}
    size = len(index)
    # returns[from, to]: the last row and column stand for "no step", which index -1 reaches
    returns = np.zeros((size + 1, size + 1), dtype=np.bool_)
    for edge in model.edges:
        if edge.kind == "return" and edge.target is not None:
            returns[index[edge.source], index[edge.target]] = True
    # only the completions of a step some return edge leads to can end a stop: find those
    # first, then look at the event before each (a million events: no long temporaries)
    is_target = np.asarray(returns.any(axis=0), dtype=np.bool_)
    where = np.flatnonzero(is_target[step])
    where = where[where > 0]
    where = where[case[where] == case[where - 1]]
    where = where[returns[step[where - 1], step[where]]]
    times = at
    parts = [
        pd.DataFrame(
            {
                "case": case[where],
                "stop_from": times[where - 1],
                "stop_to": times[where],
                "reset": False,
            }
        )
    ]
    # open work the file went back to the applicant for: stopped until the as-of time
    last = np.flatnonzero(np.append(case[1:] != case[:-1], True)) if case.size else where[:0]
    ended = case[last]  # ascending, one per case with completed events
    found = np.searchsorted(ended, open_case)
    has_done = found < ended.size
    has_done[has_done] = ended[found[has_done]] == open_case[has_done]
    oc = open_case[has_done]
    from_row = last[found[has_done]]
    pending = returns[step[from_row], open_step[has_done]]
    parts.append(
        pd.DataFrame(
            {
                "case": oc[pending],
                "stop_from": times[from_row[pending]],
                "stop_to": np.full(int(pending.sum()), as_of),
                "reset": False,
            }
        )
    )
    parts.append(_clock_stops(clock_case, clock_kind, clock_at, as_of))
    frames = [p for p in parts if not p.empty]
    if not frames:
        return pd.DataFrame(
            {
                "case": pd.Series(dtype=np.int64),
                "stop_from": pd.Series(dtype="datetime64[us]"),
                "stop_to": pd.Series(dtype="datetime64[us]"),
                "reset": pd.Series(dtype=np.bool_),
            }
        )
    stops = pd.concat(frames, ignore_index=True)
    for column in ("stop_from", "stop_to"):
        stops[column] = stops[column].astype("datetime64[us]")
    return _merged(stops)


def _clock_stops(
    case: _Ints, kind: npt.NDArray[np.object_], at: _Instants, as_of: np.datetime64
) -> pd.DataFrame:
    """Stop/resume pairs of SLA clock events, per case: a stop opens, the next resume closes.

    A stop while stopped and a resume while running change nothing; a stop still open at the
    end runs to the as-of time.
    """
    is_stop = np.isin(kind, _STOPS)
    first = np.ones(case.size, dtype=np.bool_)
    first[1:] = case[1:] != case[:-1]
    before = np.where(first, False, np.roll(is_stop, 1))
    change = is_stop != before  # the first event of a case counts only when it is a stop
    c, s, k = case[change], is_stop[change], kind[change]
    times = at[change]
    follows = np.append(c[1:] == c[:-1], False)  # the next kept event is of the same case
    ends = np.where(follows, np.roll(times, -1), as_of)
    return pd.DataFrame(
        {"case": c[s], "stop_from": times[s], "stop_to": ends[s], "reset": k[s] == "clock_reset"}
    )


def _merged(stops: pd.DataFrame) -> pd.DataFrame:
    """Overlapping or touching stopped intervals of a case as one interval."""
    stops = stops.sort_values(["case", "stop_from"], kind="stable").reset_index(drop=True)
    reach = stops.groupby("case")["stop_to"].cummax()
    before = reach.groupby(stops["case"]).shift(1)
    block = (before.isna() | (stops["stop_from"] > before)).cumsum()
    return (
        stops.groupby(block, sort=False)
        .agg(
            case=("case", "first"),
            stop_from=("stop_from", "min"),
            stop_to=("stop_to", "max"),
            reset=("reset", "any"),
        )
        .reset_index(drop=True)
    )


def stopped_minutes(
    case: _Ints,
    w_from: _Floats,
    w_to: _Floats,
    stop_case: _Ints,
    w_stop: _Floats,
    w_resume: _Floats,
    pairs: tuple[_Ints, _Ints] | None = None,
    out: _Floats | None = None,
) -> _Floats:
    """Working minutes of each span ``w_from..w_to`` (W values) during which a clock stood.

    Each span is set against the stops of its case (``stop_case`` in ascending order, as
    :func:`stopped_intervals` gives them); NaN spans give 0. ``pairs`` are
    :func:`stop_pairs` of ``case`` when already known; ``out`` receives the result.
    """
    if out is None:
        result = np.zeros(case.size)
    else:
        result = out
        result.fill(0.0)
    row, stop = stop_pairs(case, stop_case) if pairs is None else pairs
    if row.size == 0:
        return result
    lo = np.maximum(w_from[row], w_stop[stop])
    hi = np.minimum(w_to[row], w_resume[stop])
    overlap = np.where(hi > lo, hi - lo, 0.0)  # NaN compares False: no overlap
    np.add.at(result, row, overlap)
    return result


def stop_pairs(case: _Ints, stop_case: _Ints) -> tuple[_Ints, _Ints]:
    """Every (span, stop) of the same case: span positions and stop positions, by span.

    ``stop_case`` is in ascending order; each span meets its case's stops in their order.
    """
    none = np.zeros(0, dtype=np.int64)
    if stop_case.size == 0 or case.size == 0:
        return none, none
    cases = max(int(case.max()), int(stop_case.max())) + 1
    count = np.bincount(stop_case, minlength=cases)
    first = np.cumsum(count) - count  # each case's stops are together
    per_row = count[case]
    row = np.flatnonzero(per_row)
    if row.size == 0:
        return none, none
    many = per_row[row]
    begin = np.cumsum(many) - many
    stop = np.repeat(first[case[row]] - begin, many)
    row = np.repeat(row, many)
    stop += np.arange(row.size)
    return row, stop
