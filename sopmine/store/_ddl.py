"""The store's schema: numbered migrations, and bringing a database up to date.

``MIGRATIONS`` maps a schema version to the DDL statements that lead from the version before
it. A store records every migration it received in ``sopmine_schema`` (version, when, by which
sopmine), so its version is the highest recorded one; a DuckDB database without that table
and without any table is a new store at version 0.

Migrations run only on a read-write connection, all missing ones in one transaction: a crash
half-way leaves the store at its old version. A read-only connection never writes, so an
older store opened read-only is refused with a hint (``sopmine load`` opens it read-write and
upgrades it) rather than silently upgraded behind the reader's back: upgrading takes the
write lock, which a reader such as the dashboard must not grab while a load may be running.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sopmine._version import __version__
from sopmine.errors import StoreError, StoreVersionError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "prepare_schema"]

_V1 = (
    """
    CREATE TABLE sopmine_schema (
        version INTEGER, applied_at TIMESTAMPTZ, sopmine_version VARCHAR
    )
    """,
    "CREATE SEQUENCE sources_id_seq START 1",
    """
    CREATE TABLE sources (
        source_id INTEGER PRIMARY KEY DEFAULT nextval('sources_id_seq'),
        path VARCHAR, file_name VARCHAR, sha256 VARCHAR, size_bytes BIGINT,
        profile VARCHAR, profile_hash VARCHAR, sop_id VARCHAR, sop_hash VARCHAR,
        office VARCHAR, loaded_at TIMESTAMPTZ, rows_read BIGINT, rows_loaded BIGINT,
        rows_rejected BIGINT, rows_duplicate BIGINT, events_added BIGINT,
        open_replaced BIGINT, unmapped JSON
    )
    """,
    # No unique index: bulk inserts stay fast; duplicates are kept out by an anti-join.
    """
    CREATE TABLE events (
        sop_id VARCHAR, office VARCHAR, case_id VARCHAR,
        activity VARCHAR, activity_code VARCHAR, step_id VARCHAR, kind VARCHAR,
        timestamp TIMESTAMPTZ, start_timestamp TIMESTAMPTZ, role VARCHAR, resource VARCHAR,
        lifecycle VARCHAR, source_id INTEGER, source_row BIGINT, extra JSON
    )
    """,
    """
    CREATE TABLE rejects (
        source_id INTEGER, source_row BIGINT, reason VARCHAR, field VARCHAR, value VARCHAR,
        message VARCHAR, raw JSON
    )
    """,
    """
    CREATE TABLE sop_models (
        sop_id VARCHAR, sop_hash VARCHAR, title VARCHAR, model_json JSON,
        first_loaded_at TIMESTAMPTZ, PRIMARY KEY (sop_id, sop_hash)
    )
    """,
)

# Version 2: the verdicts of `sopmine check`, one run per scope (SOP, office, period).
_V2 = (
    "CREATE SEQUENCE check_runs_id_seq START 1",
    """
    CREATE TABLE check_runs (
        run_id INTEGER PRIMARY KEY DEFAULT nextval('check_runs_id_seq'),
        sop_id VARCHAR, sop_hash VARCHAR, office VARCHAR, period_from DATE, period_to DATE,
        as_of TIMESTAMPTZ, lang VARCHAR, sources JSON, fingerprint VARCHAR,
        sopmine_version VARCHAR, created_at TIMESTAMPTZ, seconds DOUBLE,
        cases BIGINT, events BIGINT, variants BIGINT, deviations BIGINT
    )
    """,
    """
    CREATE TABLE check_cases (
        run_id INTEGER, sop_id VARCHAR, office VARCHAR, case_id VARCHAR, status VARCHAR,
        path VARCHAR, variant VARCHAR, conformant BOOLEAN, fitness DOUBLE, deviations BIGINT,
        n_missing_step BIGINT, n_unexpected_activity BIGINT, n_wrong_order BIGINT,
        n_repeated_step BIGINT, n_wrong_actor BIGINT, n_step_sla_breach BIGINT,
        n_service_sla_breach BIGINT, n_segregation_of_duties BIGINT,
        n_unmapped_activity BIGINT, n_open_at_risk BIGINT, events BIGINT,
        first_event_at TIMESTAMPTZ, last_event_at TIMESTAMPTZ, current_step VARCHAR,
        service_start TIMESTAMPTZ, service_end TIMESTAMPTZ, service_elapsed_minutes DOUBLE,
        service_target_minutes DOUBLE, service_breach BOOLEAN, remaining_minutes DOUBLE,
        step_elapsed_minutes DOUBLE, step_target_minutes DOUBLE, at_risk BOOLEAN
    )
    """,
    """
    CREATE TABLE check_steps (
        run_id INTEGER, sop_id VARCHAR, office VARCHAR, case_id VARCHAR, step_id VARCHAR,
        step_number INTEGER, activity VARCHAR, role VARCHAR, resource VARCHAR,
        handover_at TIMESTAMPTZ, started_at TIMESTAMPTZ, completed_at TIMESTAMPTZ,
        waiting_minutes DOUBLE, processing_minutes DOUBLE, elapsed_minutes DOUBLE,
        stopped_minutes DOUBLE, target_minutes DOUBLE, breach BOOLEAN, source_file VARCHAR,
        source_row BIGINT
    )
    """,
    """
    CREATE TABLE check_deviations (
        run_id INTEGER, sop_id VARCHAR, office VARCHAR, case_id VARCHAR, type VARCHAR,
        step_id VARCHAR, expected VARCHAR, observed VARCHAR, source_file VARCHAR,
        source_row BIGINT, resource VARCHAR, role VARCHAR, detail VARCHAR
    )
    """,
)

MIGRATIONS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2}
"""Schema version -> the DDL statements that lead to it from the version before."""

SCHEMA_VERSION = max(MIGRATIONS)
"""The newest schema this sopmine writes and understands."""


def prepare_schema(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> int:
    """Check the schema of the store behind ``con``, migrate it if allowed, return its version.

    Raises :class:`StoreVersionError` for a store newer than :data:`SCHEMA_VERSION`, and
    :class:`StoreError` for a database that is not a sopmine store, or an older store opened
    read-only.
    """
    version, written_by = _recorded_version(con, path)
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"the store {path} was written by sopmine {written_by} (schema {version}); "
            f"this sopmine ({__version__}) understands up to schema {SCHEMA_VERSION}; "
            "upgrade sopmine"
        )
    if version == SCHEMA_VERSION:
        return version
    if read_only:
        raise StoreError(
            f"the store {path} has schema {version}, older than schema {SCHEMA_VERSION} of "
            "this sopmine, and was opened read-only; run a `sopmine load` into it (loading "
            "upgrades the store), then retry"
        )
    _apply_migrations(con, path, since=version)
    return SCHEMA_VERSION


def _recorded_version(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, str | None]:
    """The highest recorded schema version and the sopmine that wrote it; 0 for a new store."""
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if "sopmine_schema" not in tables:
        if tables:
            listed = ", ".join(sorted(tables)[:5])
            raise StoreError(
                f"{path} is a DuckDB database but not a sopmine store (it holds tables "
                f"{listed}); choose another store path (SOPMINE_DB) or move the file away"
            )
        return 0, None
    # fetchall, not fetchone: DuckDB 2 refuses other work on a connection with unread rows.
    rows = con.execute(
        "SELECT version, sopmine_version FROM sopmine_schema ORDER BY version DESC LIMIT 1"
    ).fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else (0, None)


def _apply_migrations(con: duckdb.DuckDBPyConnection, path: Path, *, since: int) -> None:
    """Apply every migration after version ``since`` in one transaction, recording each."""
    con.begin()
    try:
        for version in sorted(v for v in MIGRATIONS if v > since):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute("INSERT INTO sopmine_schema VALUES (?, now(), ?)", [version, __version__])
        con.commit()
    except duckdb.Error as exc:
        con.rollback()
        raise StoreError(
            f"cannot upgrade the store {path} to schema {SCHEMA_VERSION}: {exc}; the store "
            "was left unchanged; check the file is not damaged and the disk not full"
        ) from exc
