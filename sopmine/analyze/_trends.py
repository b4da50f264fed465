"""Over time: headline figures per SOP, per month or week, and work in progress."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.analyze._verdicts import Source, Verdicts, as_text, as_verdicts

__all__ = ["count_work_in_progress", "summarize_kpis", "summarize_trends"]

Frequency = Literal["month", "week"]
_FINISHED = ("closed", "rejected")


def summarize_kpis(source: Source) -> pd.DataFrame:
    """The headline figures per SOP: cases, on time, service time, conformance, open, at risk.

    Columns: sop_id, office, service, cases, finished, on_time_pct (finished cases within
    their service target), median_service_days and p90_service_days (finished cases, working
    days), conformant_pct, step_breach_pct, open, at_risk, deviations.
    """
    verdicts = as_verdicts(source)
    cases = _case_frame(verdicts)
    grouped = cases.groupby("sop_id", sort=True)
    out = pd.DataFrame(
        {
            "cases": grouped.size(),
            "finished": grouped["finished"].sum(),
            "on_time_pct": _pct(grouped["on_time"].sum(), grouped["timed"].sum()),
            "median_service_days": grouped["service_days"].median(),
            "p90_service_days": grouped["service_days"].quantile(0.9),
            "conformant_pct": 100.0 * grouped["conformant"].mean(),
            "open": grouped["open"].sum(),
            "at_risk": grouped["at_risk"].sum(),
            "deviations": grouped["deviations"].sum(),
        }
    )
    out.insert(list(out.columns).index("open"), "step_breach_pct", _step_breach_pct(verdicts))
    out = out.reset_index()
    out.insert(1, "office", [verdicts.models[s].office.name for s in out["sop_id"]])
    out.insert(2, "service", [verdicts.models[s].service for s in out["sop_id"]])
    for column in ("finished", "open", "at_risk", "deviations"):
        out[column] = out[column].astype("int64")
    return out


def summarize_trends(source: Source, *, freq: Frequency = "month") -> pd.DataFrame:
    """Per SOP and month (or week, from Monday): volume, on-time rate, service time, conformance.

    Applications count in the period they arrived (``arrivals``); finished cases in the period
    they finished (``finished``, ``on_time_pct``, ``median_service_days``, ``conformant_pct``);
    ``step_breach_pct`` is over the steps completed in the period, and ``open_at_end`` the
    cases in progress at its end. Every period from the first arrival to the as-of time has a
    row, quiet ones too (rates empty). Periods are office-local calendar periods; ``partial`` marks
    a period the as-of time falls in.
    """
    verdicts = as_verdicts(source)
    cases = _case_frame(verdicts)
    cases["arrived"] = _period(verdicts.local_dates(verdicts.cases, "first_event_at"), freq)
    ended = verdicts.cases["service_end"].fillna(verdicts.cases["last_event_at"])
    cases["ended"] = _period(verdicts.local_dates(verdicts.cases.assign(_end=ended), "_end"), freq)
    arrivals = cases.groupby(["sop_id", "arrived"]).size().rename("arrivals")
    done = cases[cases["finished"]].groupby(["sop_id", "ended"])
    out = pd.concat(
        [
            arrivals,
            done.size().rename("finished"),
            _pct(done["on_time"].sum(), done["timed"].sum()).rename("on_time_pct"),
            done["service_days"].median().rename("median_service_days"),
            (100.0 * done["conformant"].mean()).rename("conformant_pct"),
            _step_breaches(verdicts, freq),
        ],
        axis=1,
    )
    out.index = out.index.set_names(["sop_id", "period"])
    out = out.reset_index()
    wip = count_work_in_progress(verdicts, freq=freq)  # every period, quiet ones included
    out = wip.merge(out, on=["sop_id", "period"], how="outer")
    out = out.sort_values(["sop_id", "period"], kind="stable")
    for column in ("arrivals", "finished", "open_at_end"):
        out[column] = out[column].fillna(0).astype("int64")
    columns = ["sop_id", "period", "arrivals", "finished", "on_time_pct", "median_service_days",
               "conformant_pct", "step_breach_pct", "open_at_end"]  # fmt: skip
    out = out[columns].reset_index(drop=True)
    out["partial"] = _partial(out, verdicts, freq)
    return out


def count_work_in_progress(
    source: Source, *, freq: Frequency | Literal["day"] = "week"
) -> pd.DataFrame:
    """Per SOP, the cases in progress at the end of each day, week or month (office time).

    A case is in progress from its first event to its last event (or, when still open, to the
    as-of time). Columns: sop_id, period (its first day), open_at_end.
    """
    verdicts = as_verdicts(source)
    cases = verdicts.cases
    start = verdicts.local_dates(cases, "first_event_at")
    finished = cases["status"].isin(_FINISHED).to_numpy()
    end = verdicts.local_dates(cases, "last_event_at")
    end = np.where(finished, end, np.datetime64("NaT"))
    rows = []
    for sop_id in sorted(verdicts.models):
        mine = (cases["sop_id"] == sop_id).to_numpy() & ~np.isnat(start)
        if not mine.any():
            continue
        last = verdicts.as_of
        closing = end[mine][~np.isnat(end[mine])]
        if last is not None:
            stop = _local_day(verdicts, sop_id, last)
        else:  # no as-of time: up to the latest event
            stop = max(closing.max() if len(closing) else start[mine].max(), start[mine].max())
        days = np.arange(start[mine].min(), max(stop, start[mine].max()) + 1)
        opened = np.searchsorted(np.sort(start[mine]), days, side="right")
        closed = np.searchsorted(np.sort(end[mine & finished]), days, side="right")
        daily = pd.DataFrame({"day": days, "open_at_end": opened - closed})
        daily["period"] = _period(days, freq)
        ends = daily.groupby("period", sort=True)["open_at_end"].last().reset_index()
        rows.append(ends.assign(sop_id=sop_id))
    if not rows:
        return pd.DataFrame(
            {
                "sop_id": pd.Series([], dtype=str),
                "period": pd.Series([], dtype="datetime64[us]"),
                "open_at_end": pd.Series([], dtype="int64"),
            }
        )
    out = pd.concat(rows, ignore_index=True)
    return out[["sop_id", "period", "open_at_end"]]


def _case_frame(verdicts: Verdicts) -> pd.DataFrame:
    cases = verdicts.cases
    finished = cases["status"].isin(_FINISHED).to_numpy()
    timed = finished & cases["service_target_minutes"].notna().to_numpy()
    days = cases["service_elapsed_minutes"].to_numpy(dtype=float) / verdicts.minutes_per_day(cases)
    return pd.DataFrame(
        {
            "sop_id": as_text(cases["sop_id"]),
            "finished": finished,
            "timed": timed,
            "on_time": timed & ~cases["service_breach"].fillna(False).to_numpy(dtype=bool),
            "service_days": np.where(finished, days, np.nan),
            "conformant": cases["conformant"].to_numpy(dtype=bool),
            "open": (cases["status"] == "open").to_numpy(),
            "at_risk": cases["at_risk"].fillna(False).to_numpy(dtype=bool),
            "deviations": cases["deviations"].to_numpy(dtype="int64"),
        }
    )


def _step_breach_pct(verdicts: Verdicts) -> pd.Series:
    """Per SOP (its id as text), the timed step rows over target, in percent: grouped on the
    SOP ids as they are (categorical), not on a text made for each of a million rows."""
    steps = verdicts.steps
    timed = steps["elapsed_minutes"].notna().to_numpy()
    breach = steps["breach"][timed].groupby(steps["sop_id"][timed], observed=True).mean()
    breach.index = breach.index.astype(str)
    return 100.0 * breach


def _step_breaches(verdicts: Verdicts, freq: Frequency) -> pd.Series:
    steps = verdicts.steps
    timed = steps.loc[steps["elapsed_minutes"].notna(), ["sop_id", "completed_at", "breach"]]
    period = _period(verdicts.local_dates(timed, "completed_at"), freq)
    frame = pd.DataFrame(
        {"sop_id": timed["sop_id"].array, "period": period,
         "breach": timed["breach"].to_numpy(dtype=bool)}
    )  # fmt: skip
    # grouped on the SOP ids as they are (categorical), then named by their text, in its order
    shares = frame.groupby(["sop_id", "period"], observed=True)["breach"].mean()
    index = shares.index
    if isinstance(frame["sop_id"].dtype, pd.CategoricalDtype) and isinstance(index, pd.MultiIndex):
        shares.index = index.set_levels([str(n) for n in index.levels[0]], level=0)
        shares = shares.sort_index()
    return (100.0 * shares).rename("step_breach_pct")


def _period(days: npt.NDArray[np.datetime64], freq: str) -> pd.DatetimeIndex:
    """The first day of the period of each day (month, Monday-started week, or the day)."""
    index = pd.DatetimeIndex(days)
    if freq == "month":
        return index.to_period("M").to_timestamp()
    if freq == "week":
        return (index - pd.to_timedelta(index.day_of_week, unit="D")).normalize()
    return index.normalize()


def _local_day(verdicts: Verdicts, sop_id: str, instant: pd.Timestamp) -> np.datetime64:
    zone = verdicts.models[sop_id].office.timezone
    return np.datetime64(instant.tz_convert(zone).date(), "D")


def _partial(out: pd.DataFrame, verdicts: Verdicts, freq: Frequency) -> npt.NDArray[np.bool_]:
    if verdicts.as_of is None:
        return np.zeros(len(out), dtype=bool)
    current = {
        s: _period(np.array([_local_day(verdicts, s, verdicts.as_of)]), freq)[0]
        for s in verdicts.models
    }
    return np.array(
        [current.get(s) == p for s, p in zip(out["sop_id"], out["period"], strict=True)], dtype=bool
    )


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100.0 * part / whole.where(whole > 0)).astype(float)
