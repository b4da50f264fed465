"""An in-memory DuckDB used as a compute engine over frames (never the persistent store).

Opening a DuckDB connection costs tens of milliseconds, so one is opened per process and
every use takes its own cursor (cursors may be used from different threads).
"""

from __future__ import annotations

import functools

import duckdb

__all__ = ["engine"]


@functools.cache
def _connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def engine() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the process's in-memory DuckDB; close it (``with``) after use."""
    return _connection().cursor()
