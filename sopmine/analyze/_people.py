"""People and roles: workload, handovers between roles, and which role delays which step."""

from __future__ import annotations

import hashlib
from typing import Literal

import numpy as np
import pandas as pd

from sopmine.analyze._groups import Groups
from sopmine.analyze._verdicts import Source, Verdicts, as_verdicts, minutes_over_target

__all__ = ["count_handovers", "find_role_delays", "pseudonymize", "summarize_workload"]


def pseudonymize(values: pd.Series, *, salt: str = "", prefix: str = "P") -> pd.Series:
    """Stable pseudonyms: the same value and salt always give the same ``P-1a2b3c4d``.

    Keep the salt secret when the output leaves the office: anyone who knows it can trace a
    pseudonym back by hashing a list of known ids. Empty values stay empty.

    >>> pseudonymize(pd.Series(["198001012005011001", None]), salt="s").tolist()
    ['P-91a76e58', nan]
    """
    codes = values.astype("category")
    names = [
        f"{prefix}-{hashlib.sha256((salt + str(v)).encode('utf-8')).hexdigest()[:8]}"
        for v in codes.cat.categories
    ]
    mapped = pd.Categorical.from_codes(codes.cat.codes.to_numpy(), categories=pd.Index(names))
    return pd.Series(mapped, index=values.index, name=values.name)


def summarize_workload(
    source: Source,
    *,
    by: Literal["role", "resource"] = "role",
    pseudonymized: bool = False,
    salt: str = "",
) -> pd.DataFrame:
    """Per role (SOP actor) or per person: steps done, cases, working time, breaches.

    Columns: sop_id, role (the SOP actor id, or the exported text when it names no actor; a
    step exported without a role counts under its SOP actor), role_name, [resource],
    steps_done, cases, share_pct (of the SOP's completions, or of those with a person when
    ``by="resource"``),
    elapsed_median_minutes, elapsed_total_minutes, breaches, breach_pct, over_target_minutes,
    over_target_days. With ``pseudonymized``, people appear as stable pseudonyms.
    """
    verdicts = as_verdicts(source)
    return workload_of(
        verdicts, step_frame(verdicts), by=by, pseudonymized=pseudonymized, salt=salt
    )


def workload_of(
    verdicts: Verdicts,
    frame: pd.DataFrame,
    *,
    by: Literal["role", "resource"] = "role",
    pseudonymized: bool = False,
    salt: str = "",
) -> pd.DataFrame:
    """:func:`summarize_workload` of the verdicts' :func:`step_frame` (made once for the
    dashboard's three tables of it)."""
    keys = ["sop_id", "role"] if by == "role" else ["sop_id", "resource", "role"]
    if by == "resource" and pseudonymized:  # rows without a person are in no group
        frame = frame.assign(resource=pseudonymize(frame["resource"], salt=salt))
    groups = Groups([frame[k] for k in keys])
    elapsed = frame["elapsed"].to_numpy()
    out = groups.keys(frame, keys)
    out["steps_done"] = groups.size()
    out["cases"] = groups.distinct(frame["case_id"])
    out["elapsed_median_minutes"] = groups.spread(elapsed)["median"]
    out["elapsed_total_minutes"] = groups.total(elapsed, min_count=1)
    out["timed"] = groups.count_valid(elapsed)
    out["breaches"] = groups.count_true(frame["breach"].to_numpy())
    out["over_target_minutes"] = groups.total(frame["over"].to_numpy())
    out[keys] = out[keys].astype(str)
    out = _rates(out, verdicts)
    out["share_pct"] = (
        100.0 * out["steps_done"] / out.groupby("sop_id")["steps_done"].transform("sum")
    )
    columns = [*keys, "role_name", "steps_done", "cases", "share_pct", "elapsed_median_minutes",
               "elapsed_total_minutes", "breaches", "breach_pct", "over_target_minutes",
               "over_target_days"]  # fmt: skip
    out = out.sort_values(["sop_id", "steps_done"], ascending=[True, False], kind="stable")
    return out[columns].reset_index(drop=True)


def count_handovers(source: Source) -> pd.DataFrame:
    """Handovers between roles: each completion whose previous step was done by another role.

    Columns: sop_id, from_role, to_role (SOP actor ids), from_role_name, to_role_name,
    handovers, cases, elapsed_median_minutes (working time of the receiving step from the
    handover), over_target_minutes. Most frequent first.
    """
    verdicts = as_verdicts(source)
    frame = step_frame(verdicts)
    sop = frame["sop_id"].astype("category").cat.codes.to_numpy()
    case = frame["case_id"].astype("category").cat.codes.to_numpy()
    done = pd.DatetimeIndex(frame["completed_at"]).asi8
    order = np.lexsort((np.arange(len(frame)), done, case, sop))
    frame = frame.iloc[order]
    roles = frame["role"].astype("category")
    role = roles.cat.codes.to_numpy()
    previous = np.roll(role, 1)
    same_case = np.zeros(len(frame), dtype=bool)
    same_case[1:] = (case[order][1:] == case[order][:-1]) & (sop[order][1:] == sop[order][:-1])
    moved = same_case & (previous != role) & (role >= 0) & (previous >= 0)
    names = roles.cat.categories
    pairs = frame[moved].assign(
        from_role=pd.Categorical.from_codes(previous[moved], categories=names),
        to_role=pd.Categorical.from_codes(role[moved], categories=names),
    )
    grouped = pairs.groupby(["sop_id", "from_role", "to_role"], observed=True, sort=False)
    out = pd.DataFrame(
        {
            "handovers": grouped.size(),
            "cases": grouped["case_id"].nunique(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "over_target_minutes": grouped["over"].sum(),
        }
    ).reset_index()
    columns = ["sop_id", "from_role", "to_role"]
    out[columns] = out[columns].astype(str)
    out["from_role_name"] = _names(verdicts, out, "from_role")
    out["to_role_name"] = _names(verdicts, out, "to_role")
    out = out.sort_values(["sop_id", "handovers"], ascending=[True, False], kind="stable")
    columns = ["sop_id", "from_role", "to_role", "from_role_name", "to_role_name", "handovers",
               "cases", "elapsed_median_minutes", "over_target_minutes"]  # fmt: skip
    return out[columns].reset_index(drop=True)


def find_role_delays(source: Source) -> pd.DataFrame:
    """Per step and the role that performed it: how much of the step's lateness is theirs.

    Columns: sop_id, step_id, step_number, role, role_name, expected_role (the step's SOP
    actor), volume, elapsed_median_minutes, breach_pct, over_target_minutes, delay_share_pct
    (their part of the step's time over target) and ``delays_most`` (the role with the most
    time over target at that step). Steps with the most time over target first.
    """
    verdicts = as_verdicts(source)
    return role_delays_of(verdicts, step_frame(verdicts))


def role_delays_of(verdicts: Verdicts, frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`find_role_delays` of the verdicts' :func:`step_frame`."""
    by = ["sop_id", "step_id", "role"]
    groups = Groups([frame[k] for k in by])
    elapsed = frame["elapsed"].to_numpy()
    out = groups.keys(frame, by)
    out["volume"] = groups.size()
    out["elapsed_median_minutes"] = groups.spread(elapsed)["median"]
    out["timed"] = groups.count_valid(elapsed)
    out["breaches"] = groups.count_true(frame["breach"].to_numpy())
    out["over_target_minutes"] = groups.total(frame["over"].to_numpy())
    out[by] = out[by].astype(str)
    out = _rates(out, verdicts)
    step_total = out.groupby(["sop_id", "step_id"])["over_target_minutes"].transform("sum")
    out["delay_share_pct"] = np.where(
        step_total > 0, 100.0 * out["over_target_minutes"] / step_total, 0.0
    )
    best = out.groupby(["sop_id", "step_id"])["over_target_minutes"].transform("max")
    out["delays_most"] = (out["over_target_minutes"] == best) & (best > 0)
    info = {(k, s.id): (s.number, s.actor) for k, m in verdicts.models.items() for s in m.steps}
    keys = list(zip(out["sop_id"].astype(str), out["step_id"], strict=True))
    out["step_number"] = [info.get(k, (0, ""))[0] for k in keys]
    out["expected_role"] = [info.get(k, (0, ""))[1] for k in keys]
    out["step_total"] = step_total
    out = out.sort_values(["sop_id", "step_total", "over_target_minutes"],
                          ascending=[True, False, False], kind="stable")  # fmt: skip
    columns = ["sop_id", "step_id", "step_number", "role", "role_name", "expected_role",
               "volume", "elapsed_median_minutes", "breach_pct", "over_target_minutes",
               "delay_share_pct", "delays_most"]  # fmt: skip
    return out[columns].reset_index(drop=True)


def step_frame(verdicts: Verdicts) -> pd.DataFrame:
    """The steps with the role as an SOP actor id and the time over target: what the
    workload, the handovers and the role delays are counted from."""
    steps = verdicts.steps
    return pd.DataFrame(
        {
            "sop_id": steps["sop_id"],
            "case_id": steps["case_id"],
            "step_id": steps["step_id"],
            "role": verdicts.actor_ids(steps),
            "resource": steps["resource"],
            "completed_at": steps["completed_at"],
            "elapsed": steps["elapsed_minutes"].to_numpy(dtype=float),
            "breach": steps["breach"].to_numpy(dtype=bool),
            "over": minutes_over_target(steps),
        }
    )


def _rates(out: pd.DataFrame, verdicts: Verdicts) -> pd.DataFrame:
    out["breaches"] = out["breaches"].astype("int64")
    out["breach_pct"] = np.where(out["timed"] > 0, 100.0 * out["breaches"] / out["timed"], np.nan)
    out["over_target_days"] = out["over_target_minutes"] / verdicts.minutes_per_day(out)
    out["role_name"] = _names(verdicts, out, "role")
    return out


def _names(verdicts: Verdicts, frame: pd.DataFrame, column: str) -> list[str]:
    return [
        verdicts.actor_name(sop, str(role))
        for sop, role in zip(frame["sop_id"].astype(str), frame[column], strict=True)
    ]
