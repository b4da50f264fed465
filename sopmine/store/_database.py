"""The :class:`Store`: one DuckDB file of loaded event logs, opened, written and read.

Opening waits for (or reports) another process holding the file, checks and migrates the
schema (see :mod:`._ddl`) and sets the session time zone to UTC, so TIMESTAMPTZ columns come
back as ``datetime64[us, UTC]``. Every public method turns DuckDB's exceptions into
:class:`~sopmine.errors.StoreError` naming the file and what to do.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import duckdb
import pandas as pd

from sopmine.errors import SopmineError, StoreBusyError, StoreError
from sopmine.store._ddl import prepare_schema
from sopmine.store._queries import LoadBatch, LoadOutcome, load_batch, read_frame
from sopmine.store._results import (
    RESULT_TABLES,
    CheckScope,
    RunStamp,
    scope_events,
    scope_sources,
    stored_run,
    write_run,
)

__all__ = ["Store", "default_db_path", "open_store"]

_LOCK_TEXT = "Could not set lock on file"
_RETRY_SECONDS = 0.05
# The read queries: only these fixed fragments and column names are formatted in (_filters);
# every value is a bound parameter.
_EVENTS = "SELECT * FROM events"
_EVENT_ORDER = "case_id, timestamp, source_id, source_row, rowid"
_REJECTS = """
    SELECT r.source_id, s.file_name, r.source_row, r.reason, r.field, r.value, r.message, r.raw
    FROM rejects r LEFT JOIN sources s USING (source_id)
"""
_COUNTS = """
    SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM events),
        (SELECT count(*) FROM rejects), (SELECT count(*) FROM sop_models)
"""


def default_db_path() -> Path:
    """The store used when none is given: ``$SOPMINE_DB``, else ``./sopmine.duckdb``.

    >>> import os
    >>> "SOPMINE_DB" in os.environ or default_db_path() == Path("sopmine.duckdb")
    True
    """
    return Path(os.environ.get("SOPMINE_DB") or "sopmine.duckdb")


class Store:
    """A sopmine store: the DuckDB file holding loaded exports, rejects and SOP snapshots.

    Open it with :meth:`Store.open` (or :func:`open_store`); use it as a context manager so
    the connection (and the file lock) is released. Tables: ``sources`` (one row per loaded
    file), ``events``, ``rejects``, ``sop_models`` and ``sopmine_schema``.
    """

    def __init__(
        self, connection: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool, version: int
    ) -> None:
        self._con: duckdb.DuckDBPyConnection | None = connection
        self._path = path
        self._read_only = read_only
        self._version = version

    @classmethod
    def open(
        cls, path: str | Path | None = None, *, read_only: bool = False, wait: float = 0.0
    ) -> Store:
        """Open the store at ``path`` (default :func:`default_db_path`).

        Read-write creates the file if needed and upgrades an older schema; read-only never
        writes and refuses a missing or older store. ``wait`` is how many seconds to retry
        while another process holds the file before raising :class:`StoreBusyError`.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     with Store.open(Path(folder) / "demo.duckdb") as store:
        ...         print(store.schema_version, store.counts())
        2 {'sources': 0, 'events': 0, 'rejects': 0, 'sop_models': 0}
        """
        where = Path(path) if path is not None else default_db_path()
        con = _connect(where, read_only=read_only, wait=wait)
        try:
            con.execute("SET TimeZone = 'UTC'")
            version = prepare_schema(con, where, read_only=read_only)
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"cannot open the store {where}: {exc}") from exc
        except BaseException:
            con.close()
            raise
        return cls(con, where, read_only=read_only, version=version)

    @property
    def path(self) -> Path:
        """The file this store lives in."""
        return self._path

    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only (then :meth:`write_load` refuses)."""
        return self._read_only

    @property
    def schema_version(self) -> int:
        """The schema version of the open store (always the current one once open)."""
        return self._version

    def close(self) -> None:
        """Close the connection and release the file; closing twice is harmless."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def write_load(
        self, batches: Sequence[LoadBatch], *, on_stage: Callable[[str], None] | None = None
    ) -> list[LoadOutcome]:
        """Write ``batches`` in one transaction, in order, as if loaded one after another.

        Either every batch is written or none: on any error the transaction is rolled back
        and a :class:`StoreError` raised. A file already loaded with the same profile and SOP
        version is skipped (``already_loaded``); events already in the store are not added
        again; the open work stored for a case is replaced by the newest export's. Each
        :class:`LoadOutcome` tells what its batch added. ``on_stage`` receives progress
        messages; the last one, ending in ``committing``, comes just before the commit.

        >>> import tempfile
        >>> when = pd.Series(pd.to_datetime(["2024-03-01 09:00+08:00"], utc=True))
        >>> events = pd.DataFrame({
        ...     "case_id": ["C1"], "activity": ["Verifikasi"], "activity_code": [None],
        ...     "step_id": ["verif"], "kind": ["step"], "timestamp": when,
        ...     "start_timestamp": when, "role": ["verifikator"], "resource": ["budi"],
        ...     "lifecycle": ["complete"], "sop_id": ["izin_reklame"], "office": ["Kota Contoh"],
        ...     "source_file": ["jan.csv"], "source_row": [1], "No. Izin": ["503/12"]})
        >>> columns = ["source_file", "source_row", "reason", "field", "value", "message", "raw"]
        >>> rejects = pd.DataFrame({column: [] for column in columns})
        >>> unmapped = pd.DataFrame({"label": [], "count": [], "suggestions": []})
        >>> batch = LoadBatch("/data/jan.csv", "jan.csv", "e3b0c442", 1024, "sicantik", "p1",
        ...     "izin_reklame", "s1", "Izin Reklame", "{}", "Kota Contoh", 1, 0,
        ...     events, rejects, unmapped)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     with Store.open(Path(folder) / "demo.duckdb") as store:
        ...         first, again = store.write_load([batch]), store.write_load([batch])
        ...         extra = store.events()["extra"].tolist()
        >>> first[0].events_added, again[0].already_loaded, extra
        (1, True, ['{"No. Izin":"503/12"}'])
        """
        if not batches:
            self._writable("load")
            return []
        stage = on_stage or _ignore
        names = ", ".join(b.file_name for b in batches)
        with self._transaction("load", f"loading {names} into") as con:
            outcomes = [load_batch(con, batch, stage) for batch in batches]
            label = batches[0].file_name if len(batches) == 1 else f"{len(batches)} files"
            stage(f"{label}: committing")
        return outcomes

    def _writable(self, verb: str) -> duckdb.DuckDBPyConnection:
        """The connection, or a StoreError when the store was opened read-only."""
        con = self._connection()
        if self._read_only:
            raise StoreError(
                f"the store {self._path} was opened read-only; open it read-write to {verb}"
            )
        return con

    @contextmanager
    def _transaction(self, verb: str, doing: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed at the end of the block, rolled back on any error.

        An error other than sopmine's own becomes a StoreError saying that nothing was written.
        """
        con = self._writable(verb)
        try:
            con.begin()
            yield con
            con.commit()
        except BaseException as exc:
            with suppress(duckdb.Error):  # a failed COMMIT has already rolled back
                con.rollback()
            if isinstance(exc, SopmineError) or not isinstance(exc, Exception):
                raise
            raise StoreError(
                f"{doing} the store {self._path} failed, nothing was written (rolled back): {exc}"
            ) from exc

    def sources(self) -> pd.DataFrame:
        """One row per loaded file, in load order, with its row accounting.

        ``unmapped`` is JSON text: a list of ``{"label", "count", "suggestions"}``.
        """
        return self._read("the loaded files", "SELECT * FROM sources ORDER BY source_id")

    def events(self, *, sop_id: str | None = None, case_id: str | None = None) -> pd.DataFrame:
        """Stored events, optionally of one SOP and/or one case, in time order per case.

        Columns are those of the ``events`` table;
        ``extra`` is the JSON text of the extra source columns.
        """
        where, params = _filters(sop_id=sop_id, case_id=case_id)
        sql = f"{_EVENTS}{where} ORDER BY {_EVENT_ORDER}"
        return self._read("events", sql, params)

    def rejects(self, *, source_id: int | None = None, reason: str | None = None) -> pd.DataFrame:
        """Rejected rows with the name of their file, optionally of one load and/or reason."""
        where, params = _filters(**{"r.source_id": source_id, "r.reason": reason})
        sql = f"{_REJECTS}{where} ORDER BY r.source_id, r.source_row, r.rowid"
        return self._read("rejects", sql, params)

    def sop_models(self) -> pd.DataFrame:
        """The SOP model snapshots the loads referred to, one per (sop_id, sop_hash)."""
        sql = "SELECT * FROM sop_models ORDER BY sop_id, first_loaded_at, sop_hash"
        return self._read("SOP models", sql)

    def scope_events(self, scope: CheckScope) -> pd.DataFrame:
        """The events a check of ``scope`` reads, with their source file's name."""
        with self._guard("events to check"):
            return scope_events(self._connection(), scope)

    def scope_sources(self, scope: CheckScope) -> list[dict[str, Any]]:
        """The loaded files that hold events of ``scope``: id, name, sha256, events."""
        with self._guard("the sources of a check"):
            return scope_sources(self._connection(), scope)

    def check_run(self, scope: CheckScope) -> dict[str, Any] | None:
        """The stored check run of ``scope`` (its ``check_runs`` row), or None."""
        with self._guard("check runs"):
            return stored_run(self._connection(), scope)

    def write_check(self, stamp: RunStamp, tables: dict[str, pd.DataFrame]) -> int:
        """Store a check run (replacing the previous run of its scope) in one transaction.

        ``tables`` has the frames ``cases``, ``steps`` and ``deviations``. Returns the run id.
        """
        with self._transaction("check", f"writing the check of {stamp.scope.sop_id} to") as con:
            run_id = write_run(con, stamp, tables)
        return run_id

    def latest_instant(self, sop_id: str) -> pd.Timestamp | None:
        """The latest completion or start among the SOP's events (UTC), or None."""
        sql = "SELECT greatest(max(timestamp), max(start_timestamp)) FROM events WHERE sop_id = ?"
        with self._guard("the latest event"):
            (row,) = self._connection().execute(sql, [sop_id]).fetchall()
        return None if row[0] is None else pd.Timestamp(row[0]).tz_convert("UTC")

    def check_runs(self) -> pd.DataFrame:
        """One row per stored check run: scope, model hash, as-of, sources, counts."""
        return self._read("check runs", "SELECT * FROM check_runs ORDER BY run_id")

    def results(
        self,
        table: str,
        *,
        sop_id: str | None = None,
        run_id: int | None = None,
        text: Literal["string", "category"] = "string",
    ) -> pd.DataFrame:
        """A result table (``cases``, ``steps`` or ``deviations``) of the stored checks.

        By default the latest run of each SOP (or of ``sop_id``); ``run_id`` picks one run.
        ``text="category"`` returns text columns as categoricals, as the check does (faster
        and smaller for large results).
        """
        if table not in RESULT_TABLES:
            raise StoreError(f"no result table {table!r}; use one of {', '.join(RESULT_TABLES)}")
        runs = "SELECT max(run_id) FROM check_runs"
        params: list[Any] = []
        if run_id is not None:
            runs, params = "SELECT ?", [run_id]
        elif sop_id is not None:
            runs, params = runs + " WHERE sop_id = ?", [sop_id]
        else:
            runs += " GROUP BY sop_id"
        sql = (
            f"SELECT * FROM {RESULT_TABLES[table]} WHERE run_id IN ({runs}) "  # noqa: S608
            "ORDER BY run_id, case_id, rowid"  # rowid: the order the check wrote, every time
        )
        return self._read(f"check {table}", sql, params, text=text)

    def counts(self) -> dict[str, int]:
        """How many rows each table holds: sources, events, rejects, sop_models."""
        with self._guard("table sizes"):
            (row,) = self._connection().execute(_COUNTS).fetchall()
        tables = ("sources", "events", "rejects", "sop_models")
        return {table: int(n) for table, n in zip(tables, row, strict=True)}

    def _read(
        self,
        what: str,
        sql: str,
        params: list[Any] | None = None,
        *,
        text: Literal["string", "category"] = "string",
    ) -> pd.DataFrame:
        """Run a read query, turning DuckDB errors into a StoreError about ``what``."""
        with self._guard(what):
            return read_frame(self._connection(), sql, params, text=text)

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn a DuckDB error while reading ``what`` into a StoreError naming the file."""
        try:
            yield
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot read {what} from the store {self._path}: {exc}; check the file is "
                "a sopmine store and not damaged"
            ) from exc

    def _connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection, or a StoreError when the store was closed."""
        if self._con is None:
            raise StoreError(f"the store {self._path} is closed; open it again with Store.open")
        return self._con

    def __repr__(self) -> str:
        state = "closed" if self._con is None else f"schema {self._version}"
        return f"Store({str(self._path)!r}, {state})"


def open_store(
    path: str | Path | None = None, *, read_only: bool = False, wait: float = 0.0
) -> Store:
    """Open the store at ``path``; the same as :meth:`Store.open`.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with open_store(Path(folder) / "demo.duckdb") as store:
    ...         print(len(store.sources()))
    0
    """
    return Store.open(path, read_only=read_only, wait=wait)


def _connect(path: Path, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Connect to ``path``, retrying for ``wait`` seconds while another process holds it."""
    if read_only and not path.exists():
        raise StoreError(
            f"no store at {path}; load an export first: sopmine load FILE --sop ID --profile NAME"
        )
    if not read_only and not path.parent.exists():
        raise StoreError(f"cannot create the store {path}: the folder {path.parent} is missing")
    _refuse_other_files(path)
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if _LOCK_TEXT not in str(exc):
                raise _open_error(path, exc) from exc
            if time.monotonic() >= deadline:
                raise _busy_error(path, exc) from exc
            time.sleep(_RETRY_SECONDS)
        except duckdb.Error as exc:
            raise _open_error(path, exc) from exc


def _refuse_other_files(path: Path) -> None:
    """An existing file must be a DuckDB database ("DUCK" at byte 8): DuckDB would open a
    CSV or Parquet file as an in-memory view, and a load into it would vanish."""
    if path.is_dir():
        raise StoreError(
            f"the store {path} is a folder; give a file name, e.g. {path}/sopmine.duckdb"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot open the store {path}: {exc.strerror or exc}") from None
    if head and head[8:12] != b"DUCK":
        raise StoreError(
            f"{path} is not a sopmine store (not a DuckDB database); "
            "give --db a new file name or an existing store"
        )


def _busy_error(path: Path, exc: duckdb.Error) -> StoreBusyError:
    """The error for a store locked by another process, naming its PID when DuckDB does."""
    found = re.search(r"PID (\d+)", str(exc))
    holder = f"PID {found.group(1)}, probably" if found else "probably"
    return StoreBusyError(
        f"the store {path} is in use by another process ({holder} a running `sopmine load`); "
        "retry when it finishes"
    )


def _open_error(path: Path, exc: duckdb.Error) -> StoreError:
    """The error for a file DuckDB refused to open, with what to do about it."""
    text = str(exc)
    if "not a valid DuckDB database file" in text:
        hint = "it is not a DuckDB database (or is damaged); choose another store path"
    elif "different configuration" in text:
        hint = "it is already open in this process in another mode; close that store first"
    else:
        hint = text
    return StoreError(f"cannot open the store {path}: {hint}")


def _filters(**values: object) -> tuple[str, list[Any]]:
    """A WHERE clause over the given columns for the values that are not None, and its params."""
    used = {column: value for column, value in values.items() if value is not None}
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{column} = ?" for column in used), list(used.values())


def _ignore(_message: str) -> None:
    """The stage callback used when the caller passed none."""
