"""The tables the Laporan page offers as CSV and XLSX: counted when the page is shown, read and
built only when one is downloaded.

Reading every step column of a large store takes seconds (2 s at 1.1M events), and the page
shows only how many rows each table has. :func:`download_rows` counts them from the cases and
:meth:`~._cache.Snapshot.row_counts` (counted by DuckDB); :func:`download_csv` and
:func:`download_workbook` are what Streamlit's download buttons call, in a thread of their own,
when a file is asked for. The rows and frames are those of the verdicts the filters select
(tested against them).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from sopmine.dashboard._cache import Snapshot
from sopmine.dashboard._data import Filters, csv_bytes, workbook
from sopmine.dashboard._text import Language, t

__all__ = ["DOWNLOADS", "download_csv", "download_frame", "download_rows", "download_workbook"]

_TABLES = {"table_kpis": "kpis", "table_bottlenecks": "bottlenecks",
           "table_open": "open_cases", "table_offices": "offices"}  # fmt: skip
_PARTS: dict[str, Literal["cases", "deviations", "steps"]] = {
    "table_cases": "cases", "table_deviations": "deviations", "table_steps": "steps",
}  # fmt: skip
DOWNLOADS = (*_TABLES, *_PARTS)
"""The tables offered, in the page's order, by their text key (``table_kpis``...)."""


def download_rows(shot: Snapshot, filters: Filters) -> dict[str, int]:
    """Rows of each table offered (:data:`DOWNLOADS`) for ``filters``, without reading the
    step rows or building the tables made of them."""
    counted = shot.row_counts(filters)
    services = len(shot.table("case_kpis", filters))  # kpis and offices: a row per service
    bottlenecks = counted.bottlenecks
    if bottlenecks is None:
        bottlenecks = len(shot.table("bottlenecks", filters))
    return {
        "table_kpis": services,
        "table_bottlenecks": bottlenecks,
        "table_open": len(shot.table("open_cases", filters)),
        "table_offices": services,
        "table_cases": len(shot.cases(filters).cases),
        "table_deviations": counted.deviations,
        "table_steps": counted.steps,
    }


def download_frame(shot: Snapshot, filters: Filters, key: str) -> pd.DataFrame:
    """The table offered under ``key`` for ``filters``, read or built now (cached)."""
    if key in _TABLES:
        frame: pd.DataFrame = shot.table(_TABLES[key], filters)
        return frame
    return shot.rows(filters, _PARTS[key])


def download_csv(shot: Snapshot, filters: Filters, key: str) -> bytes:
    """The CSV file of the table ``key``."""
    return csv_bytes(download_frame(shot, filters, key))


def download_workbook(shot: Snapshot, filters: Filters, keys: list[str], lang: Language) -> bytes:
    """The XLSX workbook of the tables ``keys``, one sheet each, named in ``lang``."""
    return workbook({t(k, lang): download_frame(shot, filters, k) for k in keys})
