"""The dashboard's reads of the store: the cases first, then only the step columns a page needs.

``sopmine.read_verdicts`` reads every column of the three verdict tables (about 2 s at 1.1M
events); the first page needs the cases (0.3 s) and a few step columns (0.3 s). The frames are
the ones ``read_verdicts`` gives, column for column. Each read opens the store read-only and
closes it again, and is refused (:class:`StoreBusyError`) when the file is no longer the version
asked for, so that parts of two versions are never shown together.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from sopmine.analyze import Verdicts
from sopmine.analyze._verdicts import normalize_table
from sopmine.dashboard._data import MASK_BITS, RowCounts, Version, store_version
from sopmine.errors import SopmineError, StoreBusyError
from sopmine.pipeline import _run_model
from sopmine.store import Store
from sopmine.store._queries import read_frame
from sopmine.store._results import RESULT_TABLES, latest_results

__all__ = ["NOT_READ", "read_case_verdicts", "read_deviations", "read_row_counts", "read_steps"]

_LATEST_RUNS = "SELECT max(run_id) FROM check_runs GROUP BY sop_id"
_RUN, _ROW = "__sopmine_run", "__sopmine_row"

NOT_READ = pd.DataFrame()
"""What :func:`read_case_verdicts` leaves as steps and deviations: no rows, no columns."""


def read_case_verdicts(path: Path, version: Version, *, wait: float) -> Verdicts:
    """The cases, models and as-of time of the store's verdicts, as ``sopmine.read_verdicts``
    gives them; steps and deviations are :data:`NOT_READ`.

    Raises :class:`SopmineError` when no check has been run, :class:`StoreBusyError` when a
    writer holds the file or wrote it since ``version``.
    """
    if not path.exists():
        raise SopmineError(f"no check has been run on this store yet; there is no {path}")
    with Store.open(path, read_only=True, wait=wait) as store:
        _same_version(path, version)
        runs = store.check_runs()
        if runs.empty:
            raise SopmineError(
                f"no check has been run on this store yet; run: sopmine check --db {path}"
            )
        latest = runs.sort_values("run_id").groupby("sop_id").tail(1)
        cases = store.results("cases", text="category")
        models = [_run_model(store, str(r.sop_id), str(r.sop_hash)) for r in latest.itertuples()]
    return Verdicts(
        cases=normalize_table(cases, "cases"),
        steps=NOT_READ,
        deviations=NOT_READ,
        models={m.id: m for m in models},
        as_of=pd.Timestamp(latest["as_of"].max()).tz_convert("UTC"),
    )


def read_steps(
    path: Path, version: Version, columns: Sequence[str], *, wait: float
) -> pd.DataFrame:
    """The verdicts' step rows with only ``columns``; reads of other columns line up with
    these row for row."""
    with Store.open(path, read_only=True, wait=wait) as store:
        _same_version(path, version)
        # Store.results reads every column; the projection is the point of this read.
        con = store._connection()
        if "case_id" in columns:
            steps = _steps_in_order(con, columns)
        else:
            steps = latest_results(con, "steps", columns=columns, text="category")
    return normalize_table(steps, "steps")


def _steps_in_order(con: duckdb.DuckDBPyConnection, columns: Sequence[str]) -> pd.DataFrame:
    """``latest_results(con, "steps", columns=columns, text="category")``, the same frame,
    without DuckDB's sort of every column read: the rows of the latest runs are read as
    they are stored (the check writes them by case), then put in the order that ORDER BY
    run_id, case_id, rowid gives, when they are not in it already (a sort of three integer
    keys in numpy; the case ids' categories are sorted, so their codes sort as the text).
    At 1.1M steps DuckDB's sort of 12 columns took 0.15-0.25 s of a read of 0.5-0.8 s."""
    table = RESULT_TABLES["steps"]
    known = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
    runs = [int(row[0]) for row in con.execute(_LATEST_RUNS).fetchall()]
    if not runs or not set(columns) <= known or {_RUN, _ROW} & set(columns):
        return latest_results(con, "steps", columns=columns, text="category")
    chosen = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in runs)
    sql = (  # the run and row as doubles (exact below 2**53): numpy floats, no Int64 masks
        f'SELECT {chosen}, CAST(run_id AS DOUBLE) AS "{_RUN}", '  # noqa: S608
        f'CAST(rowid AS DOUBLE) AS "{_ROW}" FROM {table} WHERE run_id IN ({marks})'
    )  # known names only
    frame = read_frame(con, sql, runs, text="category")
    run = frame.pop(_RUN).to_numpy(dtype=np.int64)
    row = frame.pop(_ROW).to_numpy(dtype=np.int64)
    case = frame["case_id"].cat.codes.to_numpy().astype(np.int64)
    case[case < 0] = len(frame["case_id"].cat.categories)  # DuckDB sorts nulls last
    run_up, case_up, row_up = np.diff(run), np.diff(case), np.diff(row)
    within_run = (run_up == 0) & ((case_up > 0) | ((case_up == 0) & (row_up > 0)))
    if not ((run_up > 0) | within_run).all():
        frame = frame.take(np.lexsort((row, case, run))).reset_index(drop=True)
    return frame


def read_deviations(path: Path, version: Version, *, wait: float) -> pd.DataFrame:
    """The verdicts' deviation rows."""
    with Store.open(path, read_only=True, wait=wait) as store:
        _same_version(path, version)
        deviations = store.results("deviations", text="category")
    return normalize_table(deviations, "deviations")


def read_row_counts(path: Path, version: Version, *, wait: float) -> RowCounts:
    """Per case of the verdicts, its step and deviation rows and the steps it completed,
    counted by DuckDB without reading the rows (0.15 s at 1.1M steps, where reading the step
    rows takes seconds): what the Laporan page says of its downloads. See :class:`RowCounts`.
    """
    latest = "run_id IN (SELECT max(run_id) FROM check_runs GROUP BY sop_id)"
    steps, deviations = RESULT_TABLES["steps"], RESULT_TABLES["deviations"]
    bits = f"""
        SELECT sop_id, step_id,
               row_number() OVER (PARTITION BY sop_id ORDER BY step_id) - 1 AS bit
        FROM (SELECT DISTINCT sop_id, step_id FROM {steps} WHERE {latest})
    """  # noqa: S608 - known names only
    cases = f"""
        WITH s AS (SELECT sop_id, case_id, step_id FROM {steps} WHERE {latest}),
        b AS ({bits}),
        per_case AS (
            SELECT sop_id, case_id, count(*) AS steps,
                   bit_or(CASE WHEN bit < {MASK_BITS} THEN 1::BIGINT << bit ELSE 0 END)
                       AS performed
            FROM s LEFT JOIN b USING (sop_id, step_id) GROUP BY sop_id, case_id
        ), d AS (
            SELECT sop_id, case_id, count(*) AS deviations
            FROM {deviations} WHERE {latest} GROUP BY sop_id, case_id
        )
        SELECT sop_id, case_id, coalesce(per_case.steps, 0) AS steps,
               coalesce(d.deviations, 0) AS deviations,
               coalesce(per_case.performed, 0) AS performed
        FROM per_case FULL OUTER JOIN d USING (sop_id, case_id)
    """  # noqa: S608 - known names only
    with Store.open(path, read_only=True, wait=wait) as store:
        _same_version(path, version)
        con = store._connection()
        numbered = read_frame(con, bits, text="category")
        counted = read_frame(con, cases, text="category")
    return RowCounts(
        cases=counted.astype({"steps": "int64", "deviations": "int64", "performed": "int64"}),
        steps=numbered.astype({"bit": "int64"}),
    )


def _same_version(path: Path, version: Version) -> None:
    """While the store is open no one can write it: refuse when it was written since."""
    if store_version(path) != version:
        raise StoreBusyError(f"the store {path} was written while the dashboard read it")
