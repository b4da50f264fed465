"""Per step: waiting against processing, time over the SOP's Waktu, and the bottleneck ranking."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.analyze._groups import Groups
from sopmine.analyze._verdicts import Source, Verdicts, as_verdicts, minutes_over_target

__all__ = ["STEP_STAT_COLUMNS", "analyze_steps", "rank_bottlenecks"]

_SPREADS = ("waiting", "processing", "elapsed")
_SPREAD_COLUMNS = ("waiting_minutes", "processing_minutes", "elapsed_minutes")
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}

#: The columns of :func:`analyze_steps` (durations in working minutes unless named otherwise).
STEP_STAT_COLUMNS: dict[str, str] = {
    "sop_id": "the SOP",
    "office": "the office",
    "step_id": "the SOP step",
    "step_number": "its number in the SOP",
    "step_name": "its name in the SOP",
    "actor": "the SOP actor of the step (id)",
    "actor_name": "the SOP actor's name",
    "volume": "completions of the step",
    "cases": "cases in which it was completed",
    "target_minutes": "the step's Waktu in working minutes",
    **{
        f"{part}_{stat}_minutes": f"{stat} {part} time (working minutes)"
        for part in _SPREADS
        for stat in ("median", "p90", "max")
    },
    "timed": "completions with a handover, so with an elapsed time",
    "elapsed_calendar_median_hours": "median calendar hours from handover to completion",
    "breaches": "completions over the step's Waktu",
    "breach_pct": "breaches per timed completion, in percent",
    "over_target_minutes": "working minutes over the Waktu, summed over all completions",
    "over_target_days": "the same in working days (hari kerja) of the office",
}


def analyze_steps(source: Source) -> pd.DataFrame:
    """Per SOP step: volume, waiting / processing / elapsed spread, breaches, time over target.

    Every SOP step has a row, performed or not (volume 0); see :data:`STEP_STAT_COLUMNS`.

    >>> import sopmine
    >>> run = sopmine.simulate("rohil_izin_insidentil", cases=50, seed=2)
    >>> table = analyze_steps(sopmine.check(run.events, run.model))
    >>> table.loc[table["step_id"] == "rekomendasi_teknis", "target_minutes"].item()
    2880.0
    """
    verdicts = as_verdicts(source)
    steps = verdicts.steps
    keys = ["sop_id", "step_id"]
    groups = Groups([steps["sop_id"], steps["step_id"]])
    stats = groups.keys(steps, keys)
    for part, column in zip(_SPREADS, _SPREAD_COLUMNS, strict=True):
        spread = groups.spread(_floats(steps[column]), quantiles=(0.9,), maximum=True)
        stats[f"{part}_median_minutes"] = spread["median"]
        stats[f"{part}_p90_minutes"] = spread["q0.9"]
        stats[f"{part}_max_minutes"] = spread["max"]
    elapsed = _floats(steps["elapsed_minutes"])
    stats["volume"] = groups.size()
    stats["cases"] = groups.distinct(steps["case_id"])
    stats["timed"] = groups.count_valid(elapsed)
    stats["elapsed_calendar_median_hours"] = groups.spread(_calendar_hours(steps))["median"]
    stats["breaches"] = groups.count_true(steps["breach"].to_numpy(dtype=bool))
    stats["over_target_minutes"] = groups.total(minutes_over_target(steps))
    stats[keys] = stats[keys].astype(str)
    out = _model_steps(verdicts).merge(stats, on=keys, how="left")
    return _finish(out, verdicts)


def rank_bottlenecks(source: Source | pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """The performed steps ranked by the working time they accumulate over their Waktu.

    Takes the source (or a table from :func:`analyze_steps`); adds ``rank`` (1 = the worst
    bottleneck of its SOP) and ``over_target_share`` (the step's part of its SOP's time over
    target, in percent). Ties are broken by breach share, then by median elapsed time.
    """
    table = source if isinstance(source, pd.DataFrame) else analyze_steps(source)
    ranked = table[table["volume"] > 0].sort_values(
        ["sop_id", "over_target_minutes", "breach_pct", "elapsed_median_minutes"],
        ascending=[True, False, False, False],
        kind="stable",
    )
    total = ranked.groupby("sop_id", sort=False)["over_target_minutes"].transform("sum")
    ranked = ranked.assign(
        over_target_share=np.where(total > 0, 100.0 * ranked["over_target_minutes"] / total, 0.0),
        rank=ranked.groupby("sop_id", sort=False).cumcount() + 1,
    )
    if top is not None:
        ranked = ranked[ranked["rank"] <= top]
    return ranked.reset_index(drop=True)


def _model_steps(verdicts: Verdicts) -> pd.DataFrame:
    """One row per step of each model, in SOP order."""
    rows = [
        {
            "sop_id": model.id,
            "office": model.office.name,
            "step_id": step.id,
            "step_number": step.number,
            "step_name": step.name,
            "actor": step.actor,
            "actor_name": model.actor(step.actor).name,
            "target_minutes": model.target_minutes(step.id),
        }
        for model in sorted(verdicts.models.values(), key=lambda m: m.id)
        for step in sorted(model.steps, key=lambda s: s.number)
    ]
    return pd.DataFrame(rows, columns=[*list(STEP_STAT_COLUMNS)[:7], "target_minutes"])


def _floats(values: pd.Series) -> npt.NDArray[np.float64]:
    return np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)


def _calendar_hours(steps: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Per step row, the calendar hours from handover to completion (NaN without a handover):
    ``(completed_at - handover_at).dt.total_seconds() / 3600``, on the integer instants."""
    done = pd.DatetimeIndex(steps["completed_at"])
    handed = pd.DatetimeIndex(steps["handover_at"])
    per_second = _PER_SECOND.get(str(done.unit)) if done.unit == handed.unit else None
    if per_second is not None:
        missing = np.asarray(handed.isna()) | np.asarray(done.isna())
        seconds, rest = np.divmod(np.where(missing, 0, done.asi8 - handed.asi8), per_second)
        if not rest.any():  # whole seconds: the division is exact, whatever pandas does
            hours = seconds.astype(np.float64) / 3600.0
            hours[missing] = np.nan
            return hours
    span = steps["completed_at"] - steps["handover_at"]
    return np.asarray(span.dt.total_seconds().to_numpy() / 3600.0, dtype=np.float64)


def _finish(out: pd.DataFrame, verdicts: Verdicts) -> pd.DataFrame:
    for column in ("volume", "cases", "timed", "breaches"):
        out[column] = out[column].fillna(0).astype("int64")
    out["over_target_minutes"] = out["over_target_minutes"].fillna(0.0)
    out["breach_pct"] = np.where(out["timed"] > 0, 100.0 * out["breaches"] / out["timed"], np.nan)
    out["over_target_days"] = out["over_target_minutes"] / verdicts.minutes_per_day(out)
    return out[list(STEP_STAT_COLUMNS)].reset_index(drop=True)
