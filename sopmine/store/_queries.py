"""The SQL behind the store: the load contract, loading one batch, and reading tables back.

DuckDB is the engine: a batch's frames are registered with the connection (no copy) and every
step runs as one SQL statement over them, never a Python loop over rows. The functions here
run inside the caller's transaction and let ``duckdb.Error`` through; :mod:`._database` owns
the transaction and turns errors into :class:`~sopmine.errors.StoreError`.

The identity of an event is its sop_id, case_id, kind, activity, activity_code, timestamp,
start_timestamp and resource, compared with ``IS NOT DISTINCT FROM`` (NULL equals NULL, never
``""``). DuckDB runs the comparison as a hash anti-join, so no key is stored and nothing
depends on a hash function staying the same across DuckDB versions. Role, lifecycle, step_id
and the extra columns are not part of the identity, so a roster change or a re-export with
other extra columns does not duplicate events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from sopmine.errors import StoreError

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "REJECT_COLUMNS",
    "LoadBatch",
    "LoadOutcome",
    "load_batch",
    "read_frame",
]

EVENT_COLUMNS = (
    "case_id", "activity", "activity_code", "step_id", "kind", "timestamp", "start_timestamp",
    "role", "resource", "lifecycle", "sop_id", "office", "source_file", "source_row",
)  # fmt: skip
"""The columns every events frame has; any other column is an extra source column."""

REJECT_COLUMNS = ("source_file", "source_row", "reason", "field", "value", "message", "raw")
"""The columns every rejects frame has."""

EVENT_KINDS = frozenset(
    {"step", "start", "open", "clock_stop", "clock_resume", "clock_reset", "clock_restart"}
)
"""The values the ``kind`` column may hold."""


@dataclass(frozen=True, eq=False)
class LoadBatch:
    """One export file, read and normalised, ready to be written to the store.

    ``events`` has the :data:`EVENT_COLUMNS` (text as pandas ``string``, ``timestamp`` and
    ``start_timestamp`` as ``datetime64[us, UTC]``, ``timestamp`` NaT only for
    ``kind == "open"``, ``source_row`` int64) plus any extra source columns, stored as the
    JSON object ``events.extra``: ``{original column name: text}``, with every extra column
    present in every event and a missing value kept as JSON ``null`` (so the object tells
    which columns the export had). A row may yield several events with the same
    ``source_row``. ``rejects`` has the :data:`REJECT_COLUMNS` (``raw`` a JSON object of the
    row's raw values), ``unmapped`` the columns ``label``, ``count`` and ``suggestions``.
    ``rows_duplicate`` counts the exact duplicate rows inside the file, so that ``rows_read``
    equals the distinct ``source_row`` of events and of rejects plus ``rows_duplicate``.
    """

    path: str
    file_name: str
    sha256: str
    size_bytes: int
    profile: str
    profile_hash: str
    sop_id: str
    sop_hash: str
    sop_title: str
    sop_json: str
    office: str
    rows_read: int
    rows_duplicate: int
    events: pd.DataFrame
    rejects: pd.DataFrame
    unmapped: pd.DataFrame


@dataclass(frozen=True)
class LoadOutcome:
    """What loading one batch did; ``rows_read == rows_loaded + rows_rejected + rows_duplicate``.

    A row is loaded when at least one of its events was new, a duplicate when it repeated a
    row of the same file or all its events were in the store already. ``open_replaced``
    counts the stored open-work events of this export's cases that it no longer lists (an
    open event it repeats unchanged is kept, and counts as a duplicate). For a file loaded before
    (same sha256, profile, SOP id and SOP hash) ``already_loaded`` is true, ``source_id`` is
    the earlier load's, and every row counts as a duplicate.
    """

    source_id: int
    file_name: str
    already_loaded: bool
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_duplicate: int
    events_added: int
    open_replaced: int


def load_batch(
    con: duckdb.DuckDBPyConnection, batch: LoadBatch, stage: Callable[[str], None]
) -> LoadOutcome:
    """Write one batch inside the caller's transaction and say what it added."""
    name = batch.file_name
    previous = _previous_source(con, batch)
    if previous is not None:
        stage(f"{name}: already loaded as source {previous}, nothing to add")
        read = batch.rows_read
        return LoadOutcome(previous, name, True, read, 0, 0, read, 0, 0)
    _check_batch(batch)
    con.execute(
        "INSERT INTO sop_models (sop_id, sop_hash, title, model_json, first_loaded_at)"
        " VALUES (?, ?, ?, CAST(? AS JSON), now()) ON CONFLICT DO NOTHING",
        [batch.sop_id, batch.sop_hash, batch.sop_title, batch.sop_json],
    )
    source_id = _scalar(con, "SELECT nextval('sources_id_seq')")
    table = _first_of_each_event(con, _arrow_batch(batch.events), batch.events)
    with registered(con, "_sopmine_batch", table) as extras:
        stage(f"{name}: replacing open work")
        con.execute(_STALE_CASES)
        open_replaced = _scalar(con, _REPLACE_OPEN)
        stage(f"{name}: inserting {len(batch.events):,} events")
        events_added = _scalar(con, _insert_events_sql(extras), [source_id, *extras])
        rows_with_events = int(batch.events["source_row"].nunique())
        con.execute("DROP TABLE _sopmine_stale")
    rows_loaded = _scalar(
        con, "SELECT count(DISTINCT source_row) FROM events WHERE source_id = ?", [source_id]
    )
    stage(f"{name}: inserting {len(batch.rejects)} rejects")
    rows_rejected = _insert_rejects(con, batch.rejects, source_id)
    outcome = LoadOutcome(
        source_id=source_id,
        file_name=name,
        already_loaded=False,
        rows_read=batch.rows_read,
        rows_loaded=rows_loaded,
        rows_rejected=rows_rejected,
        rows_duplicate=batch.rows_duplicate + rows_with_events - rows_loaded,
        events_added=events_added,
        open_replaced=open_replaced,
    )
    _check_accounting(outcome)
    _insert_source(con, batch, outcome)
    stage(f"{name}: inserted {events_added} events from {rows_loaded} rows")
    return outcome


def _previous_source(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> int | None:
    """The source_id of an earlier load of the same file, read the same way (the profile's
    hash covers its rules, ``--map`` and the roster) against the same SOP version, if any."""
    row = con.execute(
        "SELECT min(source_id) FROM sources"
        " WHERE sha256 = ? AND profile_hash = ? AND sop_id = ? AND sop_hash = ?",
        [batch.sha256, batch.profile_hash, batch.sop_id, batch.sop_hash],
    ).fetchall()[0]
    return None if row[0] is None else int(row[0])


def _check_batch(batch: LoadBatch) -> None:
    """Refuse a batch that breaks the load contract (a bug in the code that built it)."""
    where = f"{batch.file_name}: not loaded, nothing was written (a bug in sopmine's reader)"
    for frame, required, label in (
        (batch.events, EVENT_COLUMNS, "events"),
        (batch.rejects, REJECT_COLUMNS, "rejects"),
        (batch.unmapped, ("label", "count", "suggestions"), "unmapped"),
    ):
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise StoreError(f"{where}: its {label} frame lacks the columns {missing}")
        if frame.columns.duplicated().any():
            raise StoreError(f"{where}: its {label} frame has repeated column names")
    events = batch.events
    for column in ("timestamp", "start_timestamp"):
        if not isinstance(events[column].dtype, pd.DatetimeTZDtype):
            raise StoreError(f"{where}: events.{column} must be datetime64[us, UTC]")
    unknown = sorted(set(events["kind"].dropna().unique()) - EVENT_KINDS)
    if unknown or events["kind"].isna().any():
        raise StoreError(f"{where}: unknown event kinds {unknown or ['<NA>']}")
    undated = events["timestamp"].isna() & (events["kind"] != "open")
    if undated.any():
        row = int(events.loc[undated, "source_row"].iloc[0])
        raise StoreError(f"{where}: source row {row} has an event without timestamp")


def _arrow_batch(events: pd.DataFrame) -> pa.Table:
    """The events as an Arrow table (DuckDB scans it in parallel), extras renamed ``_x<i>``."""
    extras = [c for c in events.columns if c not in EVENT_COLUMNS]
    frame = events.rename(columns={c: f"_x{i}" for i, c in enumerate(extras)})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata({"sopmine_extras": json.dumps([str(c) for c in extras])})


_IDENTITY = (
    "sop_id", "case_id", "kind", "activity", "activity_code", "timestamp", "start_timestamp",
    "resource",
)  # fmt: skip
_SAME_EVENT = " AND ".join(f'e."{c}" IS NOT DISTINCT FROM i."{c}"' for c in _IDENTITY)

# Stored open work of the batch's cases that the batch no longer lists is stale: delete it.
_IDENTITY_LIST = ", ".join(f'"{c}"' for c in _IDENTITY)


def _first_of_each_event(
    con: duckdb.DuckDBPyConnection, table: pa.Table, events: pd.DataFrame
) -> pa.Table:
    """Keep the first of events that repeat one identity inside the batch (two rows saying
    the same event are one event, as if they had come in two files). DuckDB's hash finds
    candidates (it is computed here, never stored); pandas confirms them exactly."""
    if len(events) < 2:
        return table
    with registered(con, "_sopmine_keys", table.select(list(_IDENTITY))):
        sql = f"SELECT hash({_IDENTITY_LIST}) FROM _sopmine_keys"  # noqa: S608 (constants)
        rows = con.execute(sql).fetchnumpy()
    hashes = pd.Series(next(iter(rows.values())))
    candidates = np.flatnonzero(hashes.duplicated(keep=False).to_numpy())
    if not len(candidates):
        return table
    repeated = np.zeros(len(events), dtype=bool)
    subset = events.iloc[candidates][list(_IDENTITY)]
    repeated[candidates] = subset.duplicated(keep="first").to_numpy()
    return table.filter(pa.array(~repeated))


# Cases whose stored events are newer than this export's: its open work is out of date.
_STALE_CASES = """
    CREATE OR REPLACE TEMP TABLE _sopmine_stale AS
    WITH batch AS (
        SELECT sop_id, case_id, max(coalesce("timestamp", start_timestamp)) AS latest
        FROM _sopmine_batch GROUP BY sop_id, case_id
    ), stored AS (
        SELECT e.sop_id, e.case_id, max(coalesce(e."timestamp", e.start_timestamp)) AS latest
        FROM events e SEMI JOIN batch b ON b.sop_id = e.sop_id AND b.case_id = e.case_id
        GROUP BY e.sop_id, e.case_id
    )
    SELECT b.sop_id, b.case_id FROM batch b JOIN stored s USING (sop_id, case_id)
    WHERE s.latest > b.latest
"""

# Open work is a snapshot: a newer export of a case replaces the open work stored for it.
_REPLACE_OPEN = f"""
    DELETE FROM events e WHERE e.kind = 'open'
        AND EXISTS (SELECT 1 FROM _sopmine_batch i
                    WHERE i.sop_id = e.sop_id AND i.case_id = e.case_id)
        AND NOT EXISTS (SELECT 1 FROM _sopmine_stale s
                        WHERE s.sop_id = e.sop_id AND s.case_id = e.case_id)
        AND NOT EXISTS (SELECT 1 FROM _sopmine_batch i WHERE {_SAME_EVENT})
"""  # noqa: S608  (constant identifiers only)


def _insert_events_sql(extras: list[str]) -> str:
    """Insert the batch's events the store lacks; extras' names are bound as JSON keys."""
    pairs = ", ".join(f"?, CAST(_x{i} AS VARCHAR)" for i in range(len(extras)))
    return f"""
        INSERT INTO events (sop_id, office, case_id, activity, activity_code, step_id, kind,
            "timestamp", start_timestamp, role, resource, lifecycle, source_id, source_row,
            extra)
        SELECT sop_id, office, case_id, activity, activity_code, step_id, kind,
            CAST("timestamp" AS TIMESTAMPTZ), CAST(start_timestamp AS TIMESTAMPTZ), role,
            resource, lifecycle, ? AS source_id, CAST(source_row AS BIGINT),
            CAST(json_object({pairs}) AS JSON)
        FROM _sopmine_batch i
        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE {_SAME_EVENT})
            AND NOT (i.kind = 'open' AND EXISTS (
                SELECT 1 FROM _sopmine_stale s WHERE s.sop_id = i.sop_id AND s.case_id = i.case_id))
    """  # noqa: S608  (constant identifiers only)


def _insert_rejects(con: duckdb.DuckDBPyConnection, rejects: pd.DataFrame, source_id: int) -> int:
    """Insert the batch's rejects; return how many distinct rows they come from."""
    with registered(con, "_sopmine_batch_rejects", rejects):
        con.execute(
            """
            INSERT INTO rejects (source_id, source_row, reason, field, "value", message, raw)
            SELECT ?, CAST(source_row AS BIGINT), CAST(reason AS VARCHAR),
                CAST(field AS VARCHAR), CAST("value" AS VARCHAR), CAST(message AS VARCHAR),
                CAST(CAST(raw AS VARCHAR) AS JSON)
            FROM _sopmine_batch_rejects
            """,
            [source_id],
        )
        return _scalar(con, "SELECT count(DISTINCT source_row) FROM _sopmine_batch_rejects")


def _check_accounting(outcome: LoadOutcome) -> None:
    """Guard the row identity; a mismatch is a bug in whatever built the batch."""
    parts = outcome.rows_loaded + outcome.rows_rejected + outcome.rows_duplicate
    if parts != outcome.rows_read:
        raise StoreError(
            f"{outcome.file_name}: row accounting does not add up: {outcome.rows_read} rows "
            f"read but {outcome.rows_loaded} loaded + {outcome.rows_rejected} rejected + "
            f"{outcome.rows_duplicate} duplicate = {parts}; nothing was written; this is a "
            "bug in sopmine, please report it with the export file"
        )


def _insert_source(con: duckdb.DuckDBPyConnection, batch: LoadBatch, out: LoadOutcome) -> None:
    """Record the loaded file, its row accounting and its unmapped labels."""
    unmapped = [
        {"label": str(label), "count": int(count), "suggestions": _text_or_none(hint)}
        for label, count, hint in batch.unmapped[["label", "count", "suggestions"]].itertuples(
            index=False
        )
    ]  # one entry per distinct unmapped label: a handful, not one per row
    con.execute(
        "INSERT INTO sources (source_id, path, file_name, sha256, size_bytes, profile,"
        " profile_hash, sop_id, sop_hash, office, loaded_at, rows_read, rows_loaded,"
        " rows_rejected, rows_duplicate, events_added, open_replaced, unmapped) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, CAST(? AS JSON))",
        [
            out.source_id, batch.path, batch.file_name, batch.sha256, batch.size_bytes,
            batch.profile, batch.profile_hash, batch.sop_id, batch.sop_hash, batch.office,
            out.rows_read, out.rows_loaded, out.rows_rejected, out.rows_duplicate,
            out.events_added, out.open_replaced,
            json.dumps(unmapped, ensure_ascii=False, separators=(",", ":")),
        ],
    )  # fmt: skip


def _text_or_none(value: object) -> str | None:
    """``value`` as text, or None for a missing value."""
    return None if value is None or value is pd.NA or value != value else str(value)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    """Run ``sql`` and return the integer in its first row and column (0 when empty)."""
    # fetchall, not fetchone: DuckDB 2 refuses other work on a connection with unread rows.
    rows = con.execute(sql, params or []).fetchall()
    return 0 if not rows or rows[0][0] is None else int(rows[0][0])


@contextmanager
def registered(
    con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame | pa.Table
) -> Iterator[list[str]]:
    """Make ``frame`` visible to SQL as ``name`` for the block; yields its extras' names."""
    con.register(name, frame)
    extras: list[str] = []
    if isinstance(frame, pa.Table) and frame.schema.metadata:
        extras = json.loads(frame.schema.metadata.get(b"sopmine_extras", b"[]"))
    try:
        yield extras
    except BaseException:
        # In an aborted transaction unregistering fails too; keep the original error.
        with suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)


_DTYPES = {
    "string": pd.StringDtype(),
    "large_string": pd.StringDtype(),
    "string_view": pd.StringDtype(),
    "int32": pd.Int64Dtype(),
    "int64": pd.Int64Dtype(),
    "bool": pd.BooleanDtype(),
}


def read_frame(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | None = None,
    *,
    text: Literal["string", "category"] = "string",
) -> pd.DataFrame:
    """Run a query into a frame with stable dtypes, empty or not.

    Text (and JSON) is pandas ``string`` (or, with ``text="category"``, a categorical with
    sorted categories, as ``astype("category")`` gives, built by Arrow without a round trip
    through Python strings), integers ``Int64``, TIMESTAMPTZ ``datetime64[us, UTC]`` (the
    connection runs in UTC).
    """
    table = con.sql(sql, params=params or []).to_arrow_table()
    if text == "string":
        frame: pd.DataFrame = table.to_pandas(types_mapper=lambda t: _DTYPES.get(str(t)))
        return frame
    mapped = {k: v for k, v in _DTYPES.items() if not isinstance(v, pd.StringDtype)}
    frame = table.to_pandas(types_mapper=lambda t: mapped.get(str(t)), strings_to_categorical=True)
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            frame[column] = values.cat.reorder_categories(values.cat.categories.sort_values())
    return frame
