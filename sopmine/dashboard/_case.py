"""One application against its SOP: what happened, what should have, and where it broke."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from sopmine.analyze import Verdicts
from sopmine.dashboard._text import Language, t
from sopmine.sop import SopModel, enumerate_paths

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["CaseStory", "plot_case", "tell_case"]

_TIME_TYPES = ("step_sla_breach", "service_sla_breach", "open_at_risk")
_COLOURS = {"ok": "#3b6ea5", "late": "#f0a04b", "deviation": "#d62728"}


@dataclass(frozen=True)
class CaseStory:
    """An application's record set against its SOP.

    ``case`` is its row of the cases table; ``happened`` its completed steps in order (step,
    activity, role, resource, handover_at, completed_at, elapsed_minutes, target_minutes,
    types: the findings on that event, kind: ok, late or deviation); ``should_have`` the SOP
    path closest to it (number, step_id, name, actor, target_minutes, state: done, missing,
    pending or skipped); ``deviations`` every finding, control flow and roles first.
    """

    case: dict[str, Any]
    model: SopModel
    happened: pd.DataFrame
    should_have: pd.DataFrame
    deviations: pd.DataFrame


def tell_case(verdicts: Verdicts, case_id: str, *, sop_id: str | None = None) -> CaseStory | None:
    """The story of ``case_id`` (of ``sop_id`` when case numbers repeat across SOPs), or None."""
    cases = verdicts.cases
    mine = cases["case_id"].astype(str) == case_id
    if sop_id is not None:
        mine &= cases["sop_id"].astype(str) == sop_id
    if not mine.any():
        return None
    case = {str(k): v for k, v in cases[mine].iloc[0].to_dict().items()}
    model = verdicts.models[str(case["sop_id"])]
    steps = _rows(verdicts.steps, case)
    found = _rows(verdicts.deviations, case)
    happened = _happened(steps, found)
    return CaseStory(
        case=case,
        model=model,
        happened=happened,
        should_have=_should_have(model, happened, found, open_case=case["status"] == "open"),
        deviations=_ordered(found),
    )


def plot_case(story: CaseStory, *, lang: Language = "id") -> go.Figure:
    """Each completed step as a bar from handover to completion, in office time, coloured by
    its verdict: as expected, over its Waktu, or a deviation."""
    import plotly.graph_objects as go

    zone = story.model.office.timezone
    rows = story.happened[story.happened["completed_at"].notna()]
    figure = go.Figure()
    for kind, colour in _COLOURS.items():
        chosen = rows[rows["kind"] == kind]
        if chosen.empty:
            continue
        start = chosen["handover_at"].fillna(chosen["completed_at"]).dt.tz_convert(zone)
        end = chosen["completed_at"].dt.tz_convert(zone)
        width = (end - start).dt.total_seconds() * 1000.0
        figure.add_bar(
            base=start.dt.tz_localize(None), x=width.clip(lower=60_000.0),
            y=chosen["label"], orientation="h", marker_color=colour,
            name=t({"ok": "ok", "late": "late", "deviation": "outside_sop"}[kind], lang),
            hovertext=chosen["types_text"], hoverinfo="text+y",
        )  # fmt: skip
    order = list(dict.fromkeys(rows["label"]))
    figure.update_layout(
        title=t("timeline", lang), barmode="overlay", height=140 + 28 * max(len(order), 1),
        xaxis={"type": "date", "title": f"{t('col_when', lang)} ({zone})"},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "title": None},
        legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )  # fmt: skip
    return figure


def _rows(frame: pd.DataFrame, case: dict[str, Any]) -> pd.DataFrame:
    mine = (frame["case_id"].astype(str) == str(case["case_id"])) & (
        frame["sop_id"].astype(str) == str(case["sop_id"])
    )
    return frame[mine.to_numpy()].reset_index(drop=True)


def _happened(steps: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The completed steps in order, each with the findings that point at its event."""
    by_row: dict[Any, list[str]] = {}
    for row in found[found["source_row"].notna()].to_dict("records"):
        by_row.setdefault(int(row["source_row"]), []).append(str(row["type"]))
    types = [by_row.get(int(r), []) if pd.notna(r) else [] for r in steps["source_row"].tolist()]
    out = steps[["step_id", "step_number", "activity", "role", "resource", "handover_at",
                 "completed_at", "elapsed_minutes", "target_minutes", "breach",
                 "source_row"]].copy()  # fmt: skip
    out["types"] = types
    out["types_text"] = [", ".join(found_types) for found_types in types]
    out["kind"] = [_kind(found_types) for found_types in types]
    out["label"] = [f"{i + 1}. {a}" for i, a in enumerate(out["activity"].astype(str))]
    return out.sort_values("completed_at", kind="stable").reset_index(drop=True)


def _kind(types: list[str]) -> str:
    if any(kind not in _TIME_TYPES for kind in types):
        return "deviation"
    return "late" if types else "ok"


def _should_have(
    model: SopModel, happened: pd.DataFrame, found: pd.DataFrame, *, open_case: bool
) -> pd.DataFrame:
    """The SOP path closest to what happened, each step marked done, missing or pending."""
    done = set(happened["step_id"].astype(str))
    missing = set(found.loc[found["type"] == "missing_step", "step_id"].dropna().astype(str))
    path = max(
        (steps for steps, _ in enumerate_paths(model)),
        key=lambda steps: (len(done & set(steps)), -len(set(steps) - done - missing)),
    )
    by_id = {s.id: s for s in model.steps}
    actors = {a.id: a.name for a in model.actors}
    rows = []
    for step_id in path:
        step = by_id[step_id]
        if step_id in done:
            state = "done"
        elif step_id in missing:
            state = "missing"
        else:
            state = "pending" if open_case else "skipped"
        rows.append({
            "number": step.number, "step_id": step_id, "name": step.name,
            "actor": actors.get(step.actor, step.actor),
            "waktu": str(step.waktu),
            "target_minutes": step.waktu.working_minutes(
                minutes_per_day=model.calendar.minutes_per_day),
            "state": state,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _ordered(found: pd.DataFrame) -> pd.DataFrame:
    """Control-flow, role and four-eyes findings first (why it is off the SOP), then time."""
    timing = found["type"].astype(str).isin(_TIME_TYPES)
    columns = ["type", "step_id", "expected", "observed", "resource", "role", "source_file",
               "source_row", "detail"]  # fmt: skip
    ordered = pd.concat([found[~timing], found[timing]])
    return ordered[columns].reset_index(drop=True)
