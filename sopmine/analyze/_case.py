"""One application against its SOP: what happened, what should have, and where it broke.

The dashboard's case page and the report's appendix dossiers both tell a case this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sopmine.analyze._verdicts import Source, as_verdicts
from sopmine.sop import SopModel, enumerate_paths

__all__ = ["CaseStory", "tell_case", "tell_cases"]

_TIME_TYPES = ("step_sla_breach", "service_sla_breach", "open_at_risk")
_HAPPENED = ["step_id", "step_number", "activity", "role", "resource", "handover_at",
             "completed_at", "elapsed_minutes", "target_minutes", "breach", "source_file",
             "source_row"]  # fmt: skip
_FOUND = ["type", "step_id", "expected", "observed", "resource", "role", "source_file",
          "source_row", "detail"]  # fmt: skip


@dataclass(frozen=True)
class CaseStory:
    """An application's record set against its SOP.

    ``case`` is its row of the cases table; ``happened`` its completed steps in order (step_id,
    step_number, activity, role, resource, handover_at, completed_at, elapsed_minutes,
    target_minutes, breach, source_file, source_row, types: the findings on that event,
    types_text, kind: ok, late or deviation, label); ``should_have`` the SOP path closest to
    it (number, step_id, name, actor, waktu, target_minutes, state: done, missing, pending or
    skipped); ``deviations`` every finding, control flow and roles first, then time.
    """

    case: dict[str, Any]
    model: SopModel
    happened: pd.DataFrame
    should_have: pd.DataFrame
    deviations: pd.DataFrame


def tell_case(source: Source, case_id: str, *, sop_id: str | None = None) -> CaseStory | None:
    """The story of ``case_id`` (of ``sop_id`` when case numbers repeat across SOPs), or None.

    >>> import sopmine
    >>> model = sopmine.load_sop("rohil_izin_insidentil")
    >>> sim = sopmine.simulate(model, cases=5, seed=3)
    >>> story = sopmine.tell_case(sopmine.check(sim.events, model), sim.events["case_id"][0])
    >>> sorted(set(story.should_have["state"]))
    ['done']
    """
    verdicts = as_verdicts(source)
    cases = verdicts.cases
    mine = cases["case_id"].astype(str) == str(case_id)
    if sop_id is not None:
        mine &= cases["sop_id"].astype(str) == sop_id
    if not mine.any():
        return None
    return next(tell_cases(verdicts, cases[mine.to_numpy()].iloc[:1]))


def tell_cases(source: Source, cases: pd.DataFrame | None = None) -> Iterator[CaseStory]:
    """The stories of ``cases`` (rows of the cases table; all cases by default), in their order.

    The steps and deviations tables are grouped once, so telling a thousand cases costs about
    as much as telling one.
    """
    verdicts = as_verdicts(source)
    chosen = verdicts.cases if cases is None else cases
    steps = _by_case(verdicts.steps, _HAPPENED)
    found = _by_case(verdicts.deviations, _FOUND)
    empty_steps = verdicts.steps[_HAPPENED].iloc[:0]
    empty_found = verdicts.deviations[_FOUND].iloc[:0]
    for case in _records(chosen):
        key = (str(case["sop_id"]), str(case["case_id"]))
        model = verdicts.models[key[0]]
        happened = _happened(steps.get(key, empty_steps), found.get(key, empty_found))
        mine = found.get(key, empty_found)
        yield CaseStory(
            case=case,
            model=model,
            happened=happened,
            should_have=_should_have(model, happened, mine, open_case=case["status"] == "open"),
            deviations=_ordered(mine),
        )


def _records(cases: pd.DataFrame) -> Iterable[dict[str, Any]]:
    for row in cases.to_dict("records"):
        yield {str(k): v for k, v in row.items()}


def _by_case(frame: pd.DataFrame, columns: list[str]) -> dict[tuple[str, str], pd.DataFrame]:
    keys = [frame["sop_id"].astype(str), frame["case_id"].astype(str)]
    return {
        (str(k[0]), str(k[1])): part.reset_index(drop=True)
        for k, part in frame[columns].groupby(keys, sort=False, observed=True)
    }


def _happened(steps: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The completed steps in order, each with the findings that point at its event."""
    by_row: dict[Any, list[str]] = {}
    for row in found[found["source_row"].notna()].to_dict("records"):
        by_row.setdefault(int(row["source_row"]), []).append(str(row["type"]))
    types = [by_row.get(int(r), []) if pd.notna(r) else [] for r in steps["source_row"].tolist()]
    out = steps[_HAPPENED].copy()
    out["types"] = types
    out["types_text"] = [", ".join(found_types) for found_types in types]
    out["kind"] = [_kind(found_types) for found_types in types]
    out = out.sort_values("completed_at", kind="stable").reset_index(drop=True)
    out["label"] = [f"{i + 1}. {a}" for i, a in enumerate(out["activity"].astype(str))]
    return out


def _kind(types: list[str]) -> str:
    if any(kind not in _TIME_TYPES for kind in types):
        return "deviation"
    return "late" if types else "ok"


def _should_have(
    model: SopModel, happened: pd.DataFrame, found: pd.DataFrame, *, open_case: bool
) -> pd.DataFrame:
    """The SOP path closest to what happened, each step marked done, missing or pending."""
    done = set(happened["step_id"].dropna().astype(str))
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
    timing = found["type"].astype(str).isin(_TIME_TYPES).to_numpy()
    ordered = pd.concat([found[~timing], found[timing]])
    return ordered[_FOUND].reset_index(drop=True)
