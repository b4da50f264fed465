"""The analytics' input: the three verdict tables of one or more checks, with their models.

Every analytics function takes a *source*: a :class:`Verdicts`, a check result (anything with
``cases``, ``steps``, ``deviations`` and ``sop_id``, such as :class:`sopmine.CheckResult`), or
a list of them. :func:`as_verdicts` turns each into one :class:`Verdicts`; the store's results
come in through ``sopmine.read_verdicts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.errors import SopmineError, SopModelNotFoundError
from sopmine.sop import SopModel, load_sop
from sopmine.sop.labels import normalize_label

__all__ = ["CheckTables", "Source", "Verdicts", "as_verdicts"]

_TABLES = ("cases", "steps", "deviations")
_TEXT_COLUMNS = {
    "cases": ("sop_id", "office", "case_id", "status", "path", "variant", "current_step"),
    "steps": ("sop_id", "office", "case_id", "step_id", "activity", "role", "resource",
              "source_file"),
    "deviations": ("sop_id", "office", "case_id", "type", "step_id", "expected", "observed",
                   "source_file", "resource", "role", "detail"),
}  # fmt: skip
_UTC_MICROSECONDS = pd.DatetimeTZDtype("us", "UTC")
_INSTANT_COLUMNS = {
    "cases": ("first_event_at", "last_event_at", "service_start", "service_end"),
    "steps": ("handover_at", "started_at", "completed_at"),
    "deviations": (),
}


@runtime_checkable
class CheckTables(Protocol):
    """What a check result offers: its three tables and the SOP it was checked against."""

    cases: pd.DataFrame
    steps: pd.DataFrame
    deviations: pd.DataFrame
    sop_id: str


@dataclass(frozen=True)
class Verdicts:
    """The verdict tables of one or more SOPs, and the models they were checked against.

    ``cases``, ``steps`` and ``deviations`` have the columns of ``sopmine.CASE_COLUMNS``,
    ``STEP_COLUMNS`` and ``DEVIATION_COLUMNS`` (text as categoricals, instants in UTC);
    ``models`` maps each ``sop_id`` to its :class:`~sopmine.SopModel`; ``as_of`` is the
    latest instant open cases were judged at.

    >>> import sopmine
    >>> run = sopmine.simulate("karimun_sicantik", cases=20, seed=1)
    >>> verdicts = as_verdicts(sopmine.check(run.events, run.model))
    >>> sorted(verdicts.models), len(verdicts.cases)
    (['karimun_sicantik'], 20)
    """

    cases: pd.DataFrame
    steps: pd.DataFrame
    deviations: pd.DataFrame
    models: Mapping[str, SopModel]
    as_of: pd.Timestamp | None = None
    _roles: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def select(
        self,
        *,
        sop_id: str | Iterable[str] | None = None,
        office: str | Iterable[str] | None = None,
        period_from: dt.date | str | None = None,
        period_to: dt.date | str | None = None,
    ) -> Verdicts:
        """The cases of these SOPs and offices that arrived in the period, with their rows.

        A case belongs to the period of its first event (its arrival), in office time;
        ``period_to`` is inclusive. With nothing to narrow by, the verdicts themselves.
        """
        if sop_id is None and office is None and period_from is None and period_to is None:
            return self
        keep = np.ones(len(self.cases), dtype=bool)
        for column, wanted in (("sop_id", sop_id), ("office", office)):
            if wanted is not None:
                values = [wanted] if isinstance(wanted, str) else list(wanted)
                keep &= self.cases[column].isin(values).to_numpy()
        if period_from is not None or period_to is not None:
            days = self.local_dates(self.cases, "first_event_at")
            if period_from is not None:
                keep &= days >= np.datetime64(pd.Timestamp(period_from).date(), "D")
            if period_to is not None:
                keep &= days <= np.datetime64(pd.Timestamp(period_to).date(), "D")
        cases = self.cases[keep].reset_index(drop=True)
        return Verdicts(
            cases=cases,
            steps=_rows_of(self.steps, cases),
            deviations=_rows_of(self.deviations, cases),
            models={
                k: m
                for k, m in self.models.items()
                if _wanted(k, sop_id) and _wanted(m.office.name, office)
            },
            as_of=self.as_of,
        )

    def minutes_per_day(self, frame: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Per row of ``frame`` (with ``sop_id``), the working minutes of one Hari there."""
        per_sop = {k: float(m.calendar.minutes_per_day) for k, m in self.models.items()}
        return np.asarray(_per_sop(frame, per_sop, np.nan), dtype=np.float64)

    def local_dates(self, frame: pd.DataFrame, column: str) -> npt.NDArray[np.datetime64]:
        """Per row, the office-local calendar day of the instant in ``column`` (NaT if empty)."""
        out = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
        sops = _codes_of(frame["sop_id"], list(self.models))  # no text per row
        instants = pd.DatetimeIndex(frame[column])
        for code, model in enumerate(self.models.values()):
            rows = sops == code
            if rows.any():
                local = instants[rows].tz_convert(model.office.timezone).tz_localize(None)
                out[rows] = local.to_numpy().astype("datetime64[D]")
        return out

    def actor_ids(self, frame: pd.DataFrame, column: str = "role") -> pd.Series:
        """Per row, the SOP actor id its role text names (the text itself when none matches).

        A row without a role (an export that names nobody, as for the applicant's own steps)
        gets the SOP actor of its step, when the frame has a ``step_id``.
        """
        codes = frame[column].astype("category")
        labels = codes.cat.categories.astype(str)
        role = codes.cat.codes.to_numpy()
        steps = frame["step_id"].astype("category") if "step_id" in frame else None
        step = np.full(len(frame), -1) if steps is None else steps.cat.codes.to_numpy()
        sops = frame["sop_id"].astype("category")
        sop_names = sops.cat.categories.astype(str)
        step_names = [] if steps is None else list(steps.cat.categories.astype(str))
        # One integer per (SOP, role, step) triple: the names are worked out once per
        # distinct triple, and a million rows are hashed as integers, not as tuples.
        width_role, width_step = len(labels) + 1, len(step_names) + 1
        key = (sops.cat.codes.to_numpy().astype(np.int64) + 1) * width_role + role + 1
        key = key * width_step + np.where(role < 0, step, -1) + 1
        inverse, unique = pd.factorize(key)
        unique = np.asarray(unique, dtype=np.int64)
        triples = zip(
            (unique // width_step // width_role - 1).tolist(),
            (unique // width_step % width_role - 1).tolist(),
            (unique % width_step - 1).tolist(),
            strict=True,
        )
        names = [
            self._step_actor(sop_names[sop], step_names[s] if s >= 0 else None) if code < 0
            else self._actor_names(sop_names[sop]).get(normalize_label(labels[code]),
                                                       labels[code])
            for sop, code, s in triples
        ]  # fmt: skip
        each = pd.Categorical(names)  # categories as a column of these texts would get them
        out = pd.Series(
            pd.Categorical.from_codes(each.codes[inverse], dtype=each.dtype), index=frame.index
        )
        return out.cat.remove_categories([""]) if "" in out.cat.categories else out

    def actor_name(self, sop_id: str, actor_id: str) -> str:
        """The display name of an actor of an SOP (the id itself when the model lacks it)."""
        model = self.models.get(sop_id)
        if model is None:
            return actor_id
        try:
            return model.actor(actor_id).name
        except KeyError:
            return actor_id

    def _step_actor(self, sop_id: str, step_id: str | None) -> str:
        model = self.models.get(sop_id)
        if model is None or step_id is None:
            return ""
        try:
            return model.step(step_id).actor
        except KeyError:
            return ""

    def _actor_names(self, sop_id: str) -> dict[str, str]:
        if sop_id not in self._roles:
            model = self.models.get(sop_id)
            self._roles[sop_id] = (
                {normalize_label(n): a.id for a in model.actors for n in a.names()}
                if model is not None
                else {}
            )
        return self._roles[sop_id]


Source = Verdicts | CheckTables | Iterable[CheckTables]
"""What the analytics accept: verdicts, a check result, or several check results."""


def as_verdicts(
    source: Source, *, models: Iterable[SopModel] | Mapping[str, SopModel] | None = None
) -> Verdicts:
    """One :class:`Verdicts` from a check result, several, or verdicts already.

    The model of each SOP comes from ``models``, else from the result's ``model`` attribute,
    else from the model registry (``sopmine.load_sop``) when its hash is the one the result
    was checked with.
    """
    if isinstance(source, Verdicts):
        return source
    if isinstance(source, pd.DataFrame | Mapping | str) or not isinstance(
        source, CheckTables | Iterable
    ):
        table = isinstance(source, pd.DataFrame | Mapping)
        raise SopmineError(
            f"cannot analyse a {type(source).__name__}: pass a check result (sopmine.check), "
            "a list of them, or sopmine.read_verdicts(db)"
            + ("; the analytics need the cases, steps and deviations together" if table else "")
        )
    results = [source] if isinstance(source, CheckTables) else list(source)
    if not results:
        raise SopmineError("no check results to analyse: pass sopmine.check(...) output")
    for result in results:
        if not isinstance(result, CheckTables):
            raise SopmineError(
                f"cannot analyse a {type(result).__name__}: pass a check result "
                "(sopmine.check), a list of them, or sopmine.read_verdicts(db)"
            )
    given = _given_models(models)
    chosen = {r.sop_id: _model_for(r, given) for r in results}
    stamps = [getattr(r, "as_of", None) for r in results]
    return Verdicts(
        cases=_concat([r.cases for r in results], "cases"),
        steps=_concat([r.steps for r in results], "steps"),
        deviations=_concat([r.deviations for r in results], "deviations"),
        models=chosen,
        as_of=max((pd.Timestamp(s) for s in stamps if s is not None), default=None),
    )


def from_tables(
    tables: Mapping[str, pd.DataFrame],
    models: Iterable[SopModel],
    *,
    as_of: pd.Timestamp | None = None,
) -> Verdicts:
    """Verdicts from stored result tables (as ``Store.results`` returns them) and models."""
    frames = {t: normalize_table(tables[t], t) for t in _TABLES}
    return Verdicts(
        cases=frames["cases"],
        steps=frames["steps"],
        deviations=frames["deviations"],
        models={m.id: m for m in models},
        as_of=as_of,
    )


def normalize_table(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A stored result table ``table`` (``cases``, ``steps`` or ``deviations``), or some of
    its columns, as :class:`Verdicts` holds it: without ``run_id``, text as categoricals,
    instants in UTC."""
    return _normalized(frame.drop(columns=["run_id"], errors="ignore"), table)


def _given_models(
    models: Iterable[SopModel] | Mapping[str, SopModel] | None,
) -> dict[str, SopModel]:
    if models is None:
        return {}
    if isinstance(models, Mapping):
        return dict(models)
    return {m.id: m for m in models}


def _model_for(result: CheckTables, given: Mapping[str, SopModel]) -> SopModel:
    if result.sop_id in given:
        return given[result.sop_id]
    carried = getattr(result, "model", None)
    if isinstance(carried, SopModel):
        return carried
    wanted = getattr(result, "model_hash", None)
    try:
        model = load_sop(result.sop_id)
    except SopModelNotFoundError:
        raise SopmineError(
            f"no SOP model {result.sop_id!r} on this machine to analyse its verdicts with; "
            "pass it: models=[sopmine.read_sop_file('path/to/model.yaml')]"
        ) from None
    if wanted is not None and model.hash != wanted:
        raise SopmineError(
            f"the verdicts of {result.sop_id!r} were checked with another version of its model "
            f"(hash {str(wanted)[:12]}, the registry's is {model.hash[:12]}); pass the model "
            "they were checked with: models=[model]"
        )
    return model


def _concat(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    return _normalized(pd.concat(frames, ignore_index=True), table)


def _normalized(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Text as categoricals and instants in UTC, as the check returns them."""
    out = frame.reset_index(drop=True)  # copy-on-write: assigning columns leaves ``frame`` be
    for column in _TEXT_COLUMNS[table]:
        if column in out and not isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("category")
    for column in _INSTANT_COLUMNS[table]:
        if column in out and out[column].dtype != _UTC_MICROSECONDS:
            out[column] = pd.to_datetime(out[column], utc=True).dt.as_unit("us")
    return out


def _rows_of(frame: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` whose (sop_id, case_id) is among ``cases``."""
    if frame.empty or len(cases) == 0:
        return frame.iloc[:0].reset_index(drop=True)
    # Per SOP, membership of the case-id categories, then looked up by code: no string
    # comparison per row (a million step rows select in milliseconds).
    sops = frame["sop_id"].astype("category")
    ids = frame["case_id"].astype("category")
    sop_codes, id_codes = sops.cat.codes.to_numpy(), ids.cat.codes.to_numpy()
    case_sops = cases["sop_id"].astype(str).to_numpy()
    case_ids = cases["case_id"].astype(str).to_numpy()
    keep = np.zeros(len(frame), dtype=bool)
    for code, sop_id in enumerate(sops.cat.categories):
        # A hash lookup of the categories in the cases' ids: ``isin`` on Arrow-backed text
        # compares in Python (a second for 100,000 ids).
        chosen = pd.Index(pd.unique(case_ids[case_sops == str(sop_id)]), dtype=object)
        wanted = chosen.get_indexer(ids.cat.categories) >= 0
        rows = (sop_codes == code) & (id_codes >= 0)
        keep[rows] = wanted[id_codes[rows]]
    return frame[keep].reset_index(drop=True)


def _codes_of(values: pd.Series, names: list[str]) -> npt.NDArray[np.intp]:
    """Per row, the position of its value among ``names`` (-1 for any other or none)."""
    codes = values.astype("category")
    where = pd.Index(np.asarray(names, dtype=object), dtype=object)
    table = np.append(where.get_indexer(codes.cat.categories.astype(object)), -1)
    return np.asarray(table[codes.cat.codes.to_numpy()], dtype=np.intp)


def _per_sop(frame: pd.DataFrame, values: Mapping[str, float], default: float) -> Any:
    sops = frame["sop_id"].astype("category")
    table = np.array(
        [values.get(str(c), default) for c in sops.cat.categories] + [default], dtype=float
    )
    return table[sops.cat.codes.to_numpy()]


def _wanted(value: str, wanted: str | Iterable[str] | None) -> bool:
    if wanted is None:
        return True
    return value == wanted if isinstance(wanted, str) else value in set(wanted)


def as_text(values: pd.Series, *, missing: str | None = None) -> pd.Series:
    """``values.astype(str)`` (with ``missing`` for the missing values, when given: as
    ``values.astype(object).fillna(missing).astype(str)``); for a categorical column, its
    categories as text taken row by row, not a text made for each of its rows."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        filled = values if missing is None else values.astype(object).fillna(missing)
        return filled.astype(str)
    codes = values.cat.codes.to_numpy()
    absent = codes < 0
    if absent.any() and missing is None:  # a missing value: as astype gives it
        return values.astype(str)
    text = values.cat.categories.astype(str)
    if missing is not None:
        text = text.append(pd.Index([missing]).astype(str))
        codes = np.where(absent, len(text) - 1, codes)
    return pd.Series(text.array.take(codes), index=values.index, name=values.name)


def minutes_over_target(steps: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Per step row, the working minutes beyond its Waktu: ``max(elapsed - target, 0)``.

    A row without an elapsed time (a case's first event) counts 0.
    """
    elapsed = steps["elapsed_minutes"].to_numpy(dtype=float)
    over = np.clip(elapsed - steps["target_minutes"].to_numpy(dtype=float), 0.0, None)
    return np.asarray(np.nan_to_num(over), dtype=np.float64)
