"""The verdicts in the store: check runs and their ``cases``, ``steps`` and ``deviations``.

A run covers one scope: an SOP, optionally one office and a period of arrival. Writing a run
replaces the previous run of the same scope in the same transaction, so the store holds the
latest verdicts per scope and readers never see half a run. Each run is stamped with the SOP
model's hash, the sources (files) whose events it checked, and a fingerprint of all its
inputs: a re-run whose fingerprint matches the stored run's has nothing new to say.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from sopmine.errors import StoreError
from sopmine.store._queries import read_frame, registered

__all__ = [
    "RESULT_TABLES",
    "CheckScope",
    "RunStamp",
    "latest_results",
    "scope_events",
    "scope_sources",
    "stored_run",
    "write_run",
]

#: Result table name -> the store table holding it.
RESULT_TABLES = {"cases": "check_cases", "steps": "check_steps", "deviations": "check_deviations"}

_SCOPE = """
    sop_id = ? AND office IS NOT DISTINCT FROM ?
    AND period_from IS NOT DISTINCT FROM ? AND period_to IS NOT DISTINCT FROM ?
"""


@dataclass(frozen=True)
class CheckScope:
    """Which events a run checks: an SOP, an office (None: all) and arrival dates (inclusive).

    Arrival is the case's first event, on the office's local calendar; ``timezone`` is the
    office's, used to turn the dates into instants.
    """

    sop_id: str
    office: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    timezone: str = "Asia/Jakarta"

    def params(self) -> list[Any]:
        """The values of :data:`_SCOPE`'s placeholders."""
        return [self.sop_id, self.office, self.period_from, self.period_to]

    def bounds(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """The period as UTC instants: from the start of the first day to the end of the last."""
        lo = hi = None
        if self.period_from is not None:
            lo = pd.Timestamp(self.period_from).tz_localize(self.timezone).tz_convert("UTC")
        if self.period_to is not None:
            end = pd.Timestamp(self.period_to) + pd.Timedelta(days=1)
            hi = end.tz_localize(self.timezone).tz_convert("UTC")
        return lo, hi


@dataclass(frozen=True)
class RunStamp:
    """What a run is stamped with, besides its tables."""

    scope: CheckScope
    sop_hash: str
    as_of: pd.Timestamp
    lang: str
    sources: list[dict[str, Any]]
    fingerprint: str
    sopmine_version: str
    seconds: float
    cases: int
    events: int
    variants: int
    deviations: int


def _cases_in_scope(scope: CheckScope) -> tuple[str, list[Any]]:
    """SQL selecting the case ids of the scope, and its parameters."""
    sql = "SELECT case_id FROM events WHERE sop_id = ?"
    params: list[Any] = [scope.sop_id]
    if scope.office is not None:
        sql += " AND office = ?"
        params.append(scope.office)
    sql += " GROUP BY case_id"
    lo, hi = scope.bounds()
    having = []
    if lo is not None:
        having.append("min(timestamp) >= ?")
        params.append(lo.to_pydatetime())
    if hi is not None:
        having.append("min(timestamp) < ?")
        params.append(hi.to_pydatetime())
    if having:
        sql += " HAVING " + " AND ".join(having)
    return sql, params


def scope_events(con: duckdb.DuckDBPyConnection, scope: CheckScope) -> pd.DataFrame:
    """The events of the scope's cases, with the name of their source file, in case order."""
    cases, params = _cases_in_scope(scope)
    office = " AND e.office = ?" if scope.office is not None else ""
    sql = f"""
        SELECT e.case_id, e.activity, e.activity_code, e.step_id, e.kind, e.timestamp,
            e.start_timestamp, e.role, e.resource, e.lifecycle, e.sop_id, e.office,
            s.file_name AS source_file, e.source_row
        FROM events e JOIN sources s USING (source_id)
        WHERE e.sop_id = ?{office} AND e.case_id IN ({cases})
        ORDER BY e.case_id, e.timestamp NULLS LAST, e.source_id, e.source_row, e.rowid
    """  # noqa: S608 - fixed fragments only; every value is a parameter
    head = [scope.sop_id] + ([scope.office] if scope.office is not None else [])
    return read_frame(con, sql, [*head, *params])


def scope_sources(con: duckdb.DuckDBPyConnection, scope: CheckScope) -> list[dict[str, Any]]:
    """The loaded files holding events of the scope's cases: id, name, sha256, events."""
    cases, params = _cases_in_scope(scope)
    sql = f"""
        SELECT s.source_id, s.file_name, s.sha256, count(*) AS events
        FROM events e JOIN sources s USING (source_id)
        WHERE e.sop_id = ? AND e.case_id IN ({cases})
        GROUP BY ALL ORDER BY s.source_id
    """  # noqa: S608 - fixed fragments only
    rows = con.execute(sql, [scope.sop_id, *params]).fetchall()
    return [
        {"source_id": int(i), "file_name": n, "sha256": h, "events": int(c)} for i, n, h, c in rows
    ]


def stored_run(con: duckdb.DuckDBPyConnection, scope: CheckScope) -> dict[str, Any] | None:
    """The stored run of the scope (its ``check_runs`` row), if any."""
    sql = f"SELECT * FROM check_runs WHERE {_SCOPE} ORDER BY run_id DESC LIMIT 1"  # noqa: S608
    frame = read_frame(con, sql, scope.params())
    return None if frame.empty else {str(k): v for k, v in frame.iloc[0].to_dict().items()}


def latest_results(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    columns: Sequence[str] | None = None,
    text: Literal["string", "category"] = "string",
) -> pd.DataFrame:
    """The rows of the latest run of each SOP in the result table ``table`` (``cases``,
    ``steps`` or ``deviations``), as ``Store.results`` reads them; only ``columns`` (in that
    order) when given.

    Reading a few columns of a million step rows takes a fraction of reading them all. The
    rows come by run and case, a case's rows in the order the check wrote them, every time:
    so two reads of other columns line up row for row.
    """
    if table not in RESULT_TABLES:
        raise StoreError(f"no result table {table!r}; use one of {', '.join(RESULT_TABLES)}")
    name = RESULT_TABLES[table]
    known = [row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()]
    unknown = [c for c in columns or () if c not in known]
    if unknown:
        raise StoreError(f"the store's {table} have no column {', '.join(map(repr, unknown))}")
    chosen = ", ".join(f'"{c}"' for c in columns) if columns is not None else "*"
    sql = (
        f"SELECT {chosen} FROM {name} "  # noqa: S608 - known names only
        "WHERE run_id IN (SELECT max(run_id) FROM check_runs GROUP BY sop_id) "
        # rowid: DuckDB's sort is not stable, and a large case's rows could otherwise come in
        # another order each read
        "ORDER BY run_id, case_id, rowid"
    )
    return read_frame(con, sql, text=text)


def write_run(
    con: duckdb.DuckDBPyConnection, stamp: RunStamp, tables: dict[str, pd.DataFrame]
) -> int:
    """Replace the scope's run by this one, inside the caller's transaction; its run id."""
    scope = stamp.scope
    sql = f"SELECT run_id FROM check_runs WHERE {_SCOPE}"  # noqa: S608
    old = [r[0] for r in con.execute(sql, scope.params()).fetchall()]
    for run_id in old:
        for table in RESULT_TABLES.values():
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])  # noqa: S608
        con.execute("DELETE FROM check_runs WHERE run_id = ?", [run_id])
    (run_id,) = con.execute("SELECT nextval('check_runs_id_seq')").fetchone() or (0,)
    con.execute(
        """
        INSERT INTO check_runs VALUES
            (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON), ?, ?, now(), ?, ?, ?, ?, ?)
        """,
        [
            run_id,
            scope.sop_id,
            stamp.sop_hash,
            scope.office,
            scope.period_from,
            scope.period_to,
            stamp.as_of.to_pydatetime(),
            stamp.lang,
            json.dumps(stamp.sources),
            stamp.fingerprint,
            stamp.sopmine_version,
            stamp.seconds,
            stamp.cases,
            stamp.events,
            stamp.variants,
            stamp.deviations,
        ],
    )
    for name, table in RESULT_TABLES.items():
        frame = tables[name]
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        with registered(con, "_sopmine_result", arrow):
            con.execute(
                f"INSERT INTO {table} (run_id, {columns}) "  # noqa: S608
                f"SELECT ?, {columns} FROM _sopmine_result",
                [run_id],
            )
    return int(run_id)
