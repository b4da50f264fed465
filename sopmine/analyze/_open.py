"""Open cases: where each one is, how much of its time is used, and what is left (sisa waktu)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sopmine.analyze._verdicts import Source, as_verdicts

__all__ = ["OPEN_CASE_COLUMNS", "list_open_cases"]

#: The columns of :func:`list_open_cases` (working time of the office).
OPEN_CASE_COLUMNS: dict[str, str] = {
    "sop_id": "the SOP",
    "office": "the office",
    "case_id": "the application",
    "current_step": "the step in progress (id)",
    "current_step_name": "its name in the SOP",
    "current_actor": "who should act now (the step's SOP actor)",
    "arrived_at": "the case's first event (UTC)",
    "last_event_at": "its latest completed event (UTC)",
    "step_elapsed_minutes": "working minutes on the current step's clock",
    "step_target_minutes": "the current step's Waktu",
    "step_remaining_days": "working days left on the current step (negative: late)",
    "service_elapsed_minutes": "working minutes on the service clock",
    "service_target_minutes": "the service target",
    "service_used_pct": "share of the service target used, in percent",
    "remaining_minutes": "sisa waktu: service target minus elapsed (negative: overdue)",
    "remaining_days": "the same in working days (sisa hari kerja)",
    "at_risk": "80% of the service or current step's target used",
    "overdue": "the service target is already exceeded",
}


def list_open_cases(source: Source) -> pd.DataFrame:
    """The open cases, at risk first, then by fewest working days left (see OPEN_CASE_COLUMNS).

    >>> import sopmine
    >>> run = sopmine.simulate("rohil_orsos", cases=60, seed=5)
    >>> table = list_open_cases(sopmine.check(run.events, run.model))
    >>> bool((table["remaining_days"] * 480 - table["remaining_minutes"]).abs().max() < 1e-6)
    True
    """
    verdicts = as_verdicts(source)
    cases = verdicts.cases[verdicts.cases["status"] == "open"].reset_index(drop=True)
    per_day = verdicts.minutes_per_day(cases)
    info = {(k, s.id): (s.name, m.actor(s.actor).name)
            for k, m in verdicts.models.items() for s in m.steps}  # fmt: skip
    keys = list(zip(cases["sop_id"].astype(str), cases["current_step"].astype(str), strict=True))
    step_left = cases["step_target_minutes"] - cases["step_elapsed_minutes"]
    target = cases["service_target_minutes"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "sop_id": cases["sop_id"],
            "office": cases["office"],
            "case_id": cases["case_id"],
            "current_step": cases["current_step"],
            "current_step_name": [info.get(k, ("", ""))[0] for k in keys],
            "current_actor": [info.get(k, ("", ""))[1] for k in keys],
            "arrived_at": cases["first_event_at"],
            "last_event_at": cases["last_event_at"],
            "step_elapsed_minutes": cases["step_elapsed_minutes"],
            "step_target_minutes": cases["step_target_minutes"],
            "step_remaining_days": step_left.to_numpy(dtype=float) / per_day,
            "service_elapsed_minutes": cases["service_elapsed_minutes"],
            "service_target_minutes": cases["service_target_minutes"],
            "service_used_pct": np.where(
                target > 0, 100.0 * cases["service_elapsed_minutes"] / target, np.nan
            ),
            "remaining_minutes": cases["remaining_minutes"],
            "remaining_days": cases["remaining_minutes"].to_numpy(dtype=float) / per_day,
            "at_risk": cases["at_risk"].fillna(False).to_numpy(dtype=bool),
        }
    )
    out["overdue"] = (out["remaining_minutes"] < 0).to_numpy(dtype=bool)
    order = out.sort_values(
        ["at_risk", "remaining_days", "step_remaining_days", "case_id"],
        ascending=[False, True, True, True],
        na_position="last",
        kind="stable",
    )
    return order[list(OPEN_CASE_COLUMNS)].reset_index(drop=True)
