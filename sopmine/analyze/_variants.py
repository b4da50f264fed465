"""Variants: the distinct sequences of recorded steps, how common, how conformant, how fast."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sopmine.analyze._verdicts import Source, Verdicts, as_text, as_verdicts

__all__ = ["VARIANT_COLUMNS", "summarize_variants"]

#: The columns of :func:`summarize_variants`.
VARIANT_COLUMNS: dict[str, str] = {
    "sop_id": "the SOP",
    "rank": "1 = the most common variant of its SOP",
    "variant": "the recorded steps in time order (step ids joined by ' > ')",
    "numbers": "the same as SOP step numbers ('1 > 2 > 3'; an unmapped activity as '?')",
    "length": "number of recorded events",
    "cases": "cases with this variant",
    "share_pct": "their share of the SOP's cases, in percent",
    "cumulative_pct": "share of the SOP's cases covered by this and the more common variants",
    "conformant_pct": "conformant cases among them, in percent",
    "mean_fitness": "mean alignment fitness",
    "finished": "closed or rejected cases among them",
    "on_time_pct": "finished cases within their service target, in percent",
    "median_service_minutes": "median service time of the finished cases (working minutes)",
    "median_service_days": "the same in working days (hari kerja)",
}


def summarize_variants(source: Source, *, top: int | None = None) -> pd.DataFrame:
    """The variants of each SOP, most common first (see :data:`VARIANT_COLUMNS`).

    >>> import sopmine
    >>> run = sopmine.simulate("karimun_sicantik", cases=40, seed=3)
    >>> table = summarize_variants(sopmine.check(run.events, run.model))
    >>> int(table["cases"].sum())
    40
    """
    verdicts = as_verdicts(source)
    cases = verdicts.cases
    finished = cases["status"].isin(["closed", "rejected"]).to_numpy()
    timed = finished & cases["service_target_minutes"].notna().to_numpy()
    frame = pd.DataFrame(
        {
            "sop_id": as_text(cases["sop_id"]),
            "variant": as_text(cases["variant"], missing=""),
            "conformant": cases["conformant"].to_numpy(dtype=bool),
            "fitness": cases["fitness"].to_numpy(dtype=float),
            "finished": finished,
            "timed": timed,
            "on_time": timed & ~cases["service_breach"].fillna(False).to_numpy(dtype=bool),
            "service": np.where(finished, cases["service_elapsed_minutes"], np.nan),
        }
    )
    grouped = frame.groupby(["sop_id", "variant"], sort=False)
    out = pd.DataFrame(
        {
            "cases": grouped.size(),
            "conformant_pct": 100.0 * grouped["conformant"].mean(),
            "mean_fitness": grouped["fitness"].mean(),
            "finished": grouped["finished"].sum(),
            "timed": grouped["timed"].sum(),
            "on_time": grouped["on_time"].sum(),
            "median_service_minutes": grouped["service"].median(),
        }
    ).reset_index()
    return _finish(out, verdicts, top)


def _finish(out: pd.DataFrame, verdicts: Verdicts, top: int | None) -> pd.DataFrame:
    out = out.sort_values(["sop_id", "cases", "variant"], ascending=[True, False, True])
    out = out.reset_index(drop=True)
    numbers = {k: {s.id: str(s.number) for s in m.steps} for k, m in verdicts.models.items()}
    total = out.groupby("sop_id")["cases"].transform("sum")
    out["share_pct"] = 100.0 * out["cases"] / total
    out["cumulative_pct"] = out.groupby("sop_id")["share_pct"].cumsum()
    out["rank"] = out.groupby("sop_id").cumcount() + 1
    out["on_time_pct"] = np.where(out["timed"] > 0, 100.0 * out["on_time"] / out["timed"], np.nan)
    out["median_service_days"] = out["median_service_minutes"] / verdicts.minutes_per_day(out)
    out["length"] = np.where(out["variant"] == "", 0, out["variant"].str.count(" > ") + 1)
    out["numbers"] = [
        " > ".join(numbers.get(sop, {}).get(step, "?") for step in variant.split(" > ") if step)
        for sop, variant in zip(out["sop_id"], out["variant"], strict=True)
    ]
    out["finished"] = out["finished"].astype("int64")
    if top is not None:
        out = out[out["rank"] <= top]
    return out[list(VARIANT_COLUMNS)].reset_index(drop=True)
