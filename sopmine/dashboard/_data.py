"""What the dashboard's pages show, as frames: built from the verdicts and the store, no widgets.

Everything here is plain pandas over :class:`sopmine.Verdicts` (or the store's small tables), so
it is tested and benchmarked without Streamlit; :mod:`._cache` keeps the results per store
version and filters.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.analyze import (
    STEP_STAT_COLUMNS,
    Verdicts,
    analyze_steps,
    compare_offices,
    compare_roles,
    count_work_in_progress,
    discover_process_map,
    find_role_delays,
    list_open_cases,
    rank_bottlenecks,
    summarize_kpis,
    summarize_trends,
    summarize_variants,
    summarize_workload,
)
from sopmine.analyze._groups import Groups
from sopmine.analyze._people import role_delays_of, step_frame, workload_of
from sopmine.analyze._steps import _model_steps
from sopmine.analyze._trends import _case_frame
from sopmine.analyze._verdicts import _rows_of, minutes_over_target
from sopmine.check import STEP_COLUMNS as CHECK_STEP_COLUMNS
from sopmine.report import neutralize
from sopmine.store import Store

__all__ = [
    "EXCEL_ROWS",
    "MASK_BITS",
    "STEP_GROUPS",
    "Counted",
    "Filters",
    "Need",
    "RowCounts",
    "StepGroup",
    "StoreTables",
    "Version",
    "base_table",
    "build_table",
    "case_kpis",
    "case_list",
    "case_trends",
    "derive_table",
    "deviations_by_step",
    "deviations_by_type",
    "overall_kpis",
    "page_tables",
    "read_store_tables",
    "regencies",
    "row_counts",
    "service_titles",
    "step_groups",
    "step_ranks",
    "store_version",
    "table_need",
    "unmapped_labels",
    "workbook",
    "worst_bottlenecks",
]

EXCEL_ROWS = 1_048_575
"""Data rows an Excel sheet holds (one more for the header)."""

Version = tuple[int, int, int, int]
"""A store's version: see :func:`store_version`."""

Need = Literal["cases", "deviations", "step_times", "step_people", "all"]
"""What of the verdicts a table is built from: the cases (always), with the deviations, with
some of the step columns (:data:`STEP_GROUPS`), or everything."""

StepGroup = Literal["times", "people", "rest"]
_TIMES = ("sop_id", "case_id", "step_id", "handover_at", "completed_at", "waiting_minutes",
          "processing_minutes", "elapsed_minutes", "target_minutes", "breach")  # fmt: skip
_PEOPLE = ("role", "resource")
STEP_GROUPS: dict[StepGroup, tuple[str, ...]] = {
    "times": _TIMES,
    "people": _PEOPLE,
    "rest": tuple(c for c in CHECK_STEP_COLUMNS if c not in {*_TIMES, *_PEOPLE}),
}
"""The step columns, in groups read one at a time: a page needing more reads only the rest."""

_NEED_GROUPS: dict[Need, tuple[StepGroup, ...]] = {
    "cases": (), "deviations": (), "step_times": ("times",),
    "step_people": ("times", "people"), "all": ("times", "people", "rest"),
}  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: SOP (service), office, and the period of arrival (inclusive).

    >>> Filters(sop="rohil_orsos").key()
    ('rohil_orsos', None, None, None)
    """

    sop: str | None = None
    office: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None

    def key(self) -> tuple[str | None, str | None, str | None, str | None]:
        """A hashable, printable key for caches."""
        start = self.period_from.isoformat() if self.period_from else None
        end = self.period_to.isoformat() if self.period_to else None
        return (self.sop, self.office, start, end)

    def apply(self, verdicts: Verdicts) -> Verdicts:
        """The verdicts narrowed to these filters."""
        return verdicts.select(
            sop_id=self.sop,
            office=self.office,
            period_from=self.period_from,
            period_to=self.period_to,
        )


def store_version(path: Path) -> Version:
    """A fingerprint of the store file and its write-ahead log: it changes with every write.

    Caches are keyed by it, so the dashboard shows new data after ``sopmine load`` or
    ``check`` without a restart. A missing file gives zeros.
    """
    parts: list[int] = []
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            stat = os.stat(file)
        except OSError:
            parts += [0, 0]
        else:
            parts += [stat.st_mtime_ns, stat.st_size]
    return parts[0], parts[1], parts[2], parts[3]


@dataclass(frozen=True)
class StoreTables:
    """The store's small tables for the Data page: sources, rejects and check runs."""

    sources: pd.DataFrame
    rejects: pd.DataFrame
    runs: pd.DataFrame


def read_store_tables(path: Path, *, wait: float = 2.0, reject_rows: int = 5_000) -> StoreTables:
    """Sources, the first ``reject_rows`` rejects (with counts of all by reason) and runs.

    Opens the store read-only; raises :class:`sopmine.StoreBusyError` when a writer holds it.
    """
    with Store.open(path, read_only=True, wait=wait) as store:
        sources = store.sources()
        rejects = store.rejects()
        runs = store.check_runs()
    return StoreTables(sources=sources, rejects=rejects.head(reject_rows), runs=runs)


MASK_BITS = 63
"""Steps of an SOP that :class:`RowCounts` can tell apart (bits of a 64-bit integer)."""


@dataclass(frozen=True)
class RowCounts:
    """The store's verdicts counted per case, without their step and deviation rows.

    ``cases``: sop_id, case_id, steps (its step rows), deviations (its deviation rows),
    performed (the steps it completed: bit ``n`` for the step of ``bit`` n); cases with
    neither rows are left out. ``steps``: sop_id, step_id, bit (per SOP, from 0 in the order
    of the step ids; a step with a bit of :data:`MASK_BITS` or more is in no mask).
    """

    cases: pd.DataFrame
    steps: pd.DataFrame


class Counted(NamedTuple):
    """Rows of the verdicts' steps and deviations and of their bottleneck ranking; the
    bottlenecks are None when they could not be counted (see :func:`row_counts`)."""

    steps: int
    deviations: int
    bottlenecks: int | None


def row_counts(verdicts: Verdicts, counts: RowCounts) -> Counted:
    """Rows of the verdicts' ``steps`` and ``deviations`` and of their ``bottlenecks``
    (``rank_bottlenecks``: one per SOP step completed at least once), from the counts of the
    whole store; ``verdicts`` need only the cases (those a filter kept) and models. The
    bottlenecks are None when an SOP has more steps than :data:`MASK_BITS`."""
    kept = _rows_of(counts.cases, verdicts.cases)
    steps, deviations = int(kept["steps"].sum()), int(kept["deviations"].sum())
    numbered = counts.steps
    if (numbered["bit"] >= MASK_BITS).any():
        return Counted(steps, deviations, None)
    performed = 0
    sop_ids = kept["sop_id"].astype(str).to_numpy()
    masks = kept["performed"].to_numpy(dtype=np.int64)
    for sop_id, model in verdicts.models.items():
        done = int(np.bitwise_or.reduce(masks[sop_ids == sop_id], initial=0))
        mine = numbered[(numbered["sop_id"] == sop_id).to_numpy()]
        bits = dict(zip(mine["step_id"].astype(str), mine["bit"], strict=True))
        performed += sum(1 for s in model.steps if s.id in bits and done >> int(bits[s.id]) & 1)
    return Counted(steps, deviations, performed)


def rejects_by_reason(tables: StoreTables) -> pd.DataFrame:
    """Rejected rows per file and reason, from the sources' counts and the rejects read."""
    rejects = tables.rejects
    if rejects.empty:
        return pd.DataFrame({"file_name": [], "reason": [], "rows": []})
    counted = rejects.groupby(["file_name", "reason"], sort=True).size().rename("rows")
    return counted.reset_index()


def unmapped_labels(sources: pd.DataFrame) -> pd.DataFrame:
    """The labels no SOP step knows, per loaded file: label, events, closest steps' labels."""
    rows: list[dict[str, Any]] = []
    for source in sources.to_dict("records"):
        text = source.get("unmapped")
        if text is None or (isinstance(text, float) and math.isnan(text)):
            continue
        for entry in json.loads(str(text)):
            hints = entry.get("suggestions") or []
            rows.append({
                "file_name": source["file_name"], "sop_id": source["sop_id"],
                "label": entry.get("label"), "events": int(entry.get("count") or 0),
                "suggestions": ", ".join(hints) if isinstance(hints, list) else str(hints),
            })  # fmt: skip
    columns = ["file_name", "sop_id", "label", "events", "suggestions"]
    return pd.DataFrame(rows, columns=columns)


def regencies(verdicts: Verdicts) -> dict[str, str]:
    """Each SOP's regency (Kabupaten/Kota): the short name of its office on the pages."""
    return {k: m.office.regency for k, m in verdicts.models.items()}


def service_titles(verdicts: Verdicts) -> dict[str, str]:
    """Each SOP as the pages name it: its service, with the regency in brackets."""
    return {k: f"{m.service} ({m.office.regency})" for k, m in verdicts.models.items()}


def overall_kpis(verdicts: Verdicts) -> dict[str, float]:
    """The headline figures over every case shown, each office in its own working days.

    Keys: cases, finished, on_time_pct, median_service_days, median_service_minutes,
    minutes_per_day (of the median's office, or the common one), conformant_pct, open,
    at_risk, overdue, deviations.
    """
    frame = _case_frame(verdicts)
    cases = verdicts.cases
    timed = int(frame["timed"].sum())
    per_day = verdicts.minutes_per_day(cases) if len(cases) else np.array([480.0])
    days = frame["service_days"].to_numpy(dtype=float)
    median_days = float(np.nanmedian(days)) if np.isfinite(days).any() else math.nan
    common = float(np.median(per_day)) if len(per_day) else 480.0
    remaining = cases["remaining_minutes"].to_numpy(dtype=float) if len(cases) else np.array([])
    overdue = (frame["open"].to_numpy() & (np.nan_to_num(remaining, nan=1.0) < 0)).sum()
    return {
        "cases": float(len(cases)),
        "finished": float(frame["finished"].sum()),
        "on_time_pct": 100.0 * frame["on_time"].sum() / timed if timed else math.nan,
        "median_service_days": median_days,
        "median_service_minutes": median_days * common,
        "minutes_per_day": common,
        "conformant_pct": 100.0 * frame["conformant"].mean() if len(frame) else math.nan,
        "open": float(frame["open"].sum()),
        "at_risk": float(frame["at_risk"].sum()),
        "overdue": float(overdue),
        "deviations": float(frame["deviations"].sum()),
    }


def worst_bottlenecks(
    verdicts: Verdicts, *, top: int = 3, ranked: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The ``top`` steps with the most working days over their Waktu, across the SOPs shown.

    The columns of ``sopmine.rank_bottlenecks`` plus ``regency``; steps never over target are
    left out. ``ranked`` is ``rank_bottlenecks(verdicts)`` when already made.
    """
    ranked = rank_bottlenecks(verdicts) if ranked is None else ranked
    ranked = ranked[ranked["over_target_minutes"] > 0]
    worst = ranked.sort_values(["over_target_days", "sop_id"], ascending=[False, True]).head(top)
    regency = regencies(verdicts)
    return worst.assign(regency=worst["sop_id"].astype(str).map(regency)).reset_index(drop=True)


def step_ranks(verdicts: Verdicts) -> pd.DataFrame:
    """``sopmine.analyze_steps`` with only what ``rank_bottlenecks`` orders the steps by and
    what Ringkasan shows of its worst: per SOP step, its description, volume, target_minutes,
    elapsed_median_minutes, timed, breaches, breach_pct, over_target_minutes and
    over_target_days, computed as ``analyze_steps`` computes them (tested: the same values),
    without the spreads of waiting and processing time (a fifth of the time at 1.1M steps).
    """
    steps = verdicts.steps
    keys = ["sop_id", "step_id"]
    groups = Groups([steps["sop_id"], steps["step_id"]])
    elapsed = steps["elapsed_minutes"].to_numpy(dtype=float)
    stats = groups.keys(steps, keys)
    stats["volume"] = groups.size()
    stats["elapsed_median_minutes"] = groups.spread(elapsed)["median"]
    stats["timed"] = groups.count_valid(elapsed)
    stats["breaches"] = groups.count_true(steps["breach"].to_numpy(dtype=bool))
    stats["over_target_minutes"] = groups.total(minutes_over_target(steps))
    stats[keys] = stats[keys].astype(str)
    out = _model_steps(verdicts).merge(stats, on=keys, how="left")
    for column in ("volume", "timed", "breaches"):
        out[column] = out[column].fillna(0).astype("int64")
    out["over_target_minutes"] = out["over_target_minutes"].fillna(0.0)
    out["breach_pct"] = np.where(out["timed"] > 0, 100.0 * out["breaches"] / out["timed"], np.nan)
    out["over_target_days"] = out["over_target_minutes"] / verdicts.minutes_per_day(out)
    return out[[c for c in STEP_STAT_COLUMNS if c in out]].reset_index(drop=True)


def case_kpis(verdicts: Verdicts) -> pd.DataFrame:
    """``sopmine.summarize_kpis`` but its ``step_breach_pct``: what needs the cases alone."""
    return summarize_kpis(_without_steps(verdicts)).drop(columns="step_breach_pct")


def case_trends(verdicts: Verdicts) -> pd.DataFrame:
    """``sopmine.summarize_trends`` but its ``step_breach_pct``: what needs the cases alone."""
    return summarize_trends(_without_steps(verdicts)).drop(columns="step_breach_pct")


def _without_steps(verdicts: Verdicts) -> Verdicts:
    """The verdicts with no step rows (the step figures come out empty, the rest unchanged)."""
    steps = pd.DataFrame({
        "sop_id": pd.Series([], dtype="category"), "elapsed_minutes": pd.Series([], dtype=float),
        "completed_at": pd.Series([], dtype="datetime64[us, UTC]"),
        "breach": pd.Series([], dtype="boolean"),
    })  # fmt: skip
    return Verdicts(cases=verdicts.cases, steps=steps, deviations=verdicts.deviations,
                    models=verdicts.models, as_of=verdicts.as_of)  # fmt: skip


def deviations_by_type(verdicts: Verdicts) -> pd.DataFrame:
    """Per deviation type: findings and the applications they touch, most frequent first."""
    rows = verdicts.deviations
    if rows.empty:
        return pd.DataFrame({"type": [], "findings": [], "cases": []})
    frame = pd.DataFrame({
        "type": rows["type"].astype(str), "sop_id": rows["sop_id"].astype(str),
        "case_id": rows["case_id"].astype(str),
    })  # fmt: skip
    findings = frame.groupby("type", sort=True).size()
    cases = frame.drop_duplicates().groupby("type", sort=True).size()  # (sop, case) pairs
    out = pd.DataFrame({"findings": findings, "cases": cases})
    out = out.reset_index().sort_values(["findings", "type"], ascending=[False, True])
    return out.astype({"findings": "int64", "cases": "int64"}).reset_index(drop=True)


def deviations_by_step(verdicts: Verdicts) -> pd.DataFrame:
    """Findings per SOP step (rows, in SOP order) and type (columns); steps named."""
    rows = verdicts.deviations
    if rows.empty:
        return pd.DataFrame()
    frame = pd.DataFrame({
        "sop_id": rows["sop_id"].astype(str), "step_id": rows["step_id"].astype(str),
        "type": rows["type"].astype(str),
    })  # fmt: skip
    frame = frame[rows["step_id"].notna().to_numpy()]
    table = frame.pivot_table(index=["sop_id", "step_id"], columns="type", aggfunc="size",
                              fill_value=0)  # fmt: skip
    table.columns = [str(c) for c in table.columns]
    table = table.reset_index()
    numbers, names = [], []
    for sop_id, step_id in zip(table["sop_id"], table["step_id"], strict=True):
        step = _step(verdicts, sop_id, step_id)
        numbers.append(step.number if step else 999)
        names.append(f"{step.number}. {step.name}" if step else step_id)
    table.insert(2, "step", names)
    table.insert(3, "_order", numbers)
    table["total"] = table.iloc[:, 4:].sum(axis=1)
    table = table.sort_values(["sop_id", "_order"]).drop(columns="_order")
    return table.reset_index(drop=True)


def case_list(
    verdicts: Verdicts, *, nonconforming: bool = False, types: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The applications, non-conforming and most deviations first, with their service time.

    ``nonconforming`` keeps only those off the SOP; ``types`` only those with a finding of one
    of these types. Columns: sop_id, regency, case_id, status, arrived_at, conformant, fitness,
    deviations, types (the types found, comma-separated), service_days, service_breach.
    """
    cases = verdicts.cases
    masks, kinds = _type_masks(verdicts)
    keep = np.ones(len(cases), dtype=bool)
    if nonconforming:
        keep &= ~cases["conformant"].to_numpy(dtype=bool)
    if types:
        keep &= (masks & sum(1 << n for n, k in enumerate(kinds) if k in types)) != 0
    chosen = cases[keep]
    per_day = verdicts.minutes_per_day(chosen)
    texts = {m: ", ".join(k for n, k in enumerate(kinds) if m >> n & 1) for m in np.unique(masks)}
    regency = regencies(verdicts)
    out = pd.DataFrame({
        "sop_id": chosen["sop_id"].astype(str).to_numpy(),
        "regency": chosen["sop_id"].astype(str).map(regency).to_numpy(),
        "case_id": chosen["case_id"].astype(str).to_numpy(),
        "status": chosen["status"].astype(str).to_numpy(),
        "arrived_at": chosen["first_event_at"].array,  # to_numpy() makes Timestamp objects
        "conformant": chosen["conformant"].to_numpy(dtype=bool),
        "fitness": chosen["fitness"].to_numpy(dtype=float),
        "deviations": chosen["deviations"].to_numpy(dtype="int64"),
        "types": pd.Series(masks[keep]).map(texts).to_numpy(),
        "service_days": chosen["service_elapsed_minutes"].to_numpy(dtype=float) / per_day,
        "service_breach": chosen["service_breach"].fillna(False).to_numpy(dtype=bool),
    })  # fmt: skip
    out = out.sort_values(["conformant", "deviations", "sop_id", "case_id"],
                          ascending=[True, False, True, True], kind="stable")  # fmt: skip
    return out.reset_index(drop=True)


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook, one sheet per table (instants as office-free UTC text)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _excel_ready(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV, text that a spreadsheet would run as a formula made inert."""
    return _inert(frame.copy()).to_csv(index=False).encode("utf-8")


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: instants become UTC text, categoricals plain text; text that
    would run as a formula is made inert."""
    out = frame.head(EXCEL_ROWS).copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = values.dt.strftime("%Y-%m-%d %H:%M:%S UTC")
        elif isinstance(values.dtype, pd.CategoricalDtype):
            out[column] = values.astype(object)
    return _inert(out)


def _inert(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (changed in place: a copy) with formula-like text prefixed by an apostrophe."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype):
            frame[column] = values.astype(object).map(neutralize)
    return frame


def _types_per_case(verdicts: Verdicts) -> pd.DataFrame:
    rows = verdicts.deviations
    frame = pd.DataFrame({
        "sop_id": rows["sop_id"].astype(str), "case_id": rows["case_id"].astype(str),
        "type": rows["type"].astype(str),
    })  # fmt: skip
    return frame.drop_duplicates().sort_values(["sop_id", "case_id", "type"])


def _type_masks(verdicts: Verdicts) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Per case, the types of its findings as bits (bit n: ``kinds[n]``, alphabetical): one
    text per combination of types, not one per case, and no text compared per row."""
    found = _types_per_case(verdicts)
    kinds = sorted(str(k) for k in found["type"].unique())
    bits = found["type"].map({k: 1 << n for n, k in enumerate(kinds)}).astype("int64")
    per_case = bits.groupby([found["sop_id"], found["case_id"]], sort=False).sum()  # no repeats
    cases = verdicts.cases
    keys = pd.MultiIndex.from_arrays([cases["sop_id"].astype(str), cases["case_id"].astype(str)])
    masks = np.asarray(per_case.reindex(keys).fillna(0), dtype=np.int64)
    return masks, kinds


def _step(verdicts: Verdicts, sop_id: str, step_id: str) -> Any:
    model = verdicts.models.get(sop_id)
    if model is None:
        return None
    return next((s for s in model.steps if s.id == step_id), None)


_TABLES: dict[str, Callable[[Verdicts], Any]] = {
    "overall_kpis": lambda v: overall_kpis(v),
    "case_kpis": lambda v: case_kpis(v),
    "case_trends": lambda v: case_trends(v),
    "worst_bottlenecks": lambda v: worst_bottlenecks(v, ranked=rank_bottlenecks(step_ranks(v))),
    "step_ranks": lambda v: step_ranks(v),
    "kpis": summarize_kpis,
    "trends": summarize_trends,
    "bottlenecks": lambda v: rank_bottlenecks(v),
    "steps": analyze_steps,
    "workload": summarize_workload,
    "role_delays": find_role_delays,
    "deviations_by_type": lambda v: deviations_by_type(v),
    "deviations_by_step": lambda v: deviations_by_step(v),
    "open_cases": list_open_cases,
    "wip": count_work_in_progress,
    "offices": compare_offices,
    "roles": lambda v: compare_roles(v),
    "step_frame": lambda v: step_frame(v),
}


_NEEDS: dict[str, Need] = {
    "overall_kpis": "cases", "case_kpis": "cases", "case_trends": "cases",
    "worst_bottlenecks": "step_times", "step_ranks": "step_times", "kpis": "step_times",
    "trends": "step_times", "bottlenecks": "step_times", "steps": "step_times",
    "workload": "step_people", "role_delays": "step_people", "deviations_by_type": "deviations",
    "deviations_by_step": "deviations", "open_cases": "cases", "wip": "cases",
    "offices": "step_times", "roles": "step_times", "map": "step_times", "variants": "cases",
    "people": "step_people", "step_frame": "step_people",
}  # fmt: skip


def table_need(name: str) -> Need:
    """What of the verdicts :func:`build_table` needs for the table ``name`` (tested against
    the whole verdicts: a table built from less would show other numbers).

    >>> table_need("overall_kpis"), table_need("map:rohil_orsos")
    ('cases', 'step_times')
    """
    return _NEEDS.get(name) or _NEEDS.get(name.partition(":")[0]) or "all"


def step_groups(need: Need) -> tuple[StepGroup, ...]:
    """The groups of step columns (:data:`STEP_GROUPS`) read for ``need``."""
    return _NEED_GROUPS[need]


_DERIVED: dict[str, tuple[str, Callable[[Verdicts, Any], Any]]] = {
    "bottlenecks": ("steps", lambda v, steps: rank_bottlenecks(steps)),
    "worst_bottlenecks": (
        "step_ranks",
        lambda v, ranks: worst_bottlenecks(v, ranked=rank_bottlenecks(ranks)),
    ),
    # Hambatan's three tables of the steps by role: the actor ids worked out once
    "workload": ("step_frame", lambda v, frame: workload_of(v, frame)),
    "role_delays": ("step_frame", lambda v, frame: role_delays_of(v, frame)),
    "people:shown": ("step_frame", lambda v, frame: workload_of(v, frame, by="resource")),
    "people:hidden": (
        "step_frame",
        lambda v, frame: workload_of(v, frame, by="resource", pseudonymized=True),
    ),
}


def derive_table(verdicts: Verdicts, name: str, base: Any) -> Any:
    """The table ``name`` from the table it is made of (:func:`base_table`): the same as
    ``build_table(verdicts, name)``, without going over the rows again."""
    return _DERIVED[name][1](verdicts, base)


def base_table(name: str) -> str | None:
    """The table ``name`` is made of (``"steps"`` for ``"bottlenecks"``), if any."""
    return _DERIVED[name][0] if name in _DERIVED else None


def build_table(verdicts: Verdicts, name: str) -> Any:
    """The table a page shows under ``name``: one of the fixed tables (``"kpis"``,
    ``"bottlenecks"``...), or a parametrised one: ``"map:SOP"``, ``"variants:SOP"``,
    ``"people:shown"`` / ``"people:hidden"`` (pseudonymized).

    >>> sorted(page_tables(["a"]))[:3]
    ['bottlenecks', 'case_kpis', 'case_trends']
    """
    if name in _TABLES:
        return _TABLES[name](verdicts)
    kind, _, argument = name.partition(":")
    if kind == "map":
        return discover_process_map(verdicts, sop_id=argument)
    if kind == "variants":
        return summarize_variants(verdicts.select(sop_id=argument), top=10)
    if kind == "people":
        return summarize_workload(verdicts, by="resource", pseudonymized=argument == "hidden")
    raise KeyError(f"no dashboard table {name!r}")


def page_tables(sops: list[str]) -> list[str]:
    """The tables the pages show first for these SOPs (the first one in focus): what a
    warm-up builds so that the first visit of each page finds them ready."""
    focus = sorted(sops)[:1]
    return [
        "overall_kpis", "case_kpis", "case_trends", "worst_bottlenecks",  # Ringkasan
        *(f"map:{s}" for s in focus), *(f"variants:{s}" for s in focus),  # Peta Proses
        "steps", "bottlenecks", "workload", "role_delays", "people:shown",  # Hambatan
        "deviations_by_type", "deviations_by_step",  # Kepatuhan
        "open_cases", "wip", "offices", "roles", "kpis",  # the other pages
    ]  # fmt: skip
