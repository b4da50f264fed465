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

import pandas as pd

from sopmine.analyze import Verdicts
from sopmine.analyze._verdicts import normalize_table
from sopmine.dashboard._data import Version, store_version
from sopmine.errors import SopmineError, StoreBusyError
from sopmine.pipeline import _run_model
from sopmine.store import Store
from sopmine.store._results import latest_results

__all__ = ["NOT_READ", "read_case_verdicts", "read_deviations", "read_steps"]

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
        steps = latest_results(con, "steps", columns=columns, text="category")
    return normalize_table(steps, "steps")


def read_deviations(path: Path, version: Version, *, wait: float) -> pd.DataFrame:
    """The verdicts' deviation rows."""
    with Store.open(path, read_only=True, wait=wait) as store:
        _same_version(path, version)
        deviations = store.results("deviations", text="category")
    return normalize_table(deviations, "deviations")


def _same_version(path: Path, version: Version) -> None:
    """While the store is open no one can write it: refuse when it was written since."""
    if store_version(path) != version:
        raise StoreBusyError(f"the store {path} was written while the dashboard read it")
