"""The DuckDB store: schema, atomic and idempotent loads, open-work snapshots, locks, crashes.

Every test writes a real DuckDB file under ``tmp_path``. Batches are built by hand with
:func:`make_batch`: one dict per event (its ``row`` is the source row), every key that is not
a standard column becomes an extra source column.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import duckdb
import pandas as pd
import pytest
from pandas.api.extensions import ExtensionDtype

import sopmine.store
from sopmine._version import __version__
from sopmine.errors import StoreBusyError, StoreError, StoreVersionError
from sopmine.store import (
    SCHEMA_VERSION,
    LoadBatch,
    LoadOutcome,
    Store,
    default_db_path,
    open_store,
)

STRING = pd.StringDtype()
UTC_US = pd.DatetimeTZDtype("us", "UTC")
INT = pd.Int64Dtype()
EVENT_DTYPES: dict[str, ExtensionDtype] = {
    "sop_id": STRING, "office": STRING, "case_id": STRING, "activity": STRING,
    "activity_code": STRING, "step_id": STRING, "kind": STRING, "timestamp": UTC_US,
    "start_timestamp": UTC_US, "role": STRING, "resource": STRING, "lifecycle": STRING,
    "source_id": INT, "source_row": INT, "extra": STRING,
}  # fmt: skip
SOURCE_COLUMNS = [
    "source_id", "path", "file_name", "sha256", "size_bytes", "profile", "profile_hash",
    "sop_id", "sop_hash", "office", "loaded_at", "rows_read", "rows_loaded", "rows_rejected",
    "rows_duplicate", "events_added", "open_replaced", "unmapped",
]  # fmt: skip
REJECT_COLUMNS = [
    "source_id", "file_name", "source_row", "reason", "field", "value", "message", "raw",
]  # fmt: skip
EMPTY_COUNTS = {"sources": 0, "events": 0, "rejects": 0, "sop_models": 0}
_STANDARD = {
    "case_id": None, "activity": None, "activity_code": None, "step_id": None, "kind": "step",
    "timestamp": None, "start_timestamp": None, "role": None, "resource": None,
    "lifecycle": "complete", "sop_id": "izin_reklame", "office": "DPMPTSP Kota Contoh",
}  # fmt: skip


def make_events(rows: Sequence[dict[str, Any]], file_name: str) -> pd.DataFrame:
    """An events frame as the log readers build it, from one dict per event."""
    extras = list(dict.fromkeys(k for r in rows for k in r if k not in _STANDARD and k != "row"))
    full = [{**_STANDARD, **r} for r in rows]
    frame = pd.DataFrame(
        {col: pd.array([r[col] for r in full], dtype=STRING) for col in _STANDARD}
        | {"source_file": pd.array([file_name] * len(rows), dtype=STRING)}
        | {"source_row": pd.Series([r["row"] for r in rows], dtype="int64")}
    )
    for column in ("timestamp", "start_timestamp"):
        instants = pd.to_datetime(pd.Series([r[column] for r in full], dtype=object), utc=True)
        frame[column] = instants.astype(UTC_US)
    for extra in extras:
        frame[extra] = pd.array([r.get(extra) for r in rows], dtype=STRING)
    return frame


def make_rejects(rows: Sequence[dict[str, Any]], file_name: str) -> pd.DataFrame:
    """A rejects frame from dicts with row, reason, field, value, message, raw."""
    frame = pd.DataFrame(
        {
            "source_file": pd.array([file_name] * len(rows), dtype=STRING),
            "source_row": pd.Series([r["row"] for r in rows], dtype="int64"),
        }
    )
    for column in ("reason", "field", "value", "message", "raw"):
        frame[column] = pd.array([r.get(column) for r in rows], dtype=STRING)
    return frame


def make_batch(
    file_name: str,
    events: Sequence[dict[str, Any]],
    *,
    rejects: Sequence[dict[str, Any]] = (),
    rows_duplicate: int = 0,
    rows_read: int | None = None,
    **fields: Any,
) -> LoadBatch:
    """A batch for ``file_name``; ``rows_read`` follows the row identity unless given."""
    distinct = len({e["row"] for e in events}) + len({r["row"] for r in rejects})
    values: dict[str, Any] = {
        "path": f"/data/exports/{file_name}",
        "file_name": file_name,
        "sha256": f"sha-{file_name}",
        "size_bytes": 1234,
        "profile": "sicantik",
        "profile_hash": "p-hash-1",
        "sop_id": "izin_reklame",
        "sop_hash": "sop-hash-1",
        "sop_title": "Izin Reklame",
        "sop_json": '{"id":"izin_reklame"}',
        "office": "DPMPTSP Kota Contoh",
        "rows_read": distinct + rows_duplicate if rows_read is None else rows_read,
        "rows_duplicate": rows_duplicate,
        "events": make_events(events, file_name),
        "rejects": make_rejects(rejects, file_name),
        "unmapped": pd.DataFrame({"label": [], "count": [], "suggestions": []}),
    }
    return LoadBatch(**(values | fields))


def step(row: int, case: str, activity: str, at: str | None, **more: Any) -> dict[str, Any]:
    """One event dict (a step unless ``kind`` is given)."""
    return {"row": row, "case_id": case, "activity": activity, "timestamp": at} | more


def open_work(row: int, case: str, activity: str) -> dict[str, Any]:
    """An open-work event: the case waits at ``activity``, no timestamp."""
    return step(row, case, activity, None, kind="open")


def frame_of(columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """An expected frame with the store's dtypes for the named columns."""
    dtypes = EVENT_DTYPES | {"file_name": STRING, "reason": STRING, "field": STRING}
    dtypes |= {"value": STRING, "message": STRING, "raw": STRING}
    frame = pd.DataFrame([list(r) for r in rows], columns=list(columns), dtype=object)
    for column in columns:
        if dtypes[column] == UTC_US:
            frame[column] = pd.to_datetime(frame[column], utc=True).astype(UTC_US)
        else:
            frame[column] = frame[column].astype(dtypes[column])
    return frame


def picked(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The named columns of a query result, for an exact comparison."""
    return frame[list(columns)].reset_index(drop=True)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where the test's store lives."""
    return tmp_path / "sopmine.duckdb"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    """A fresh store, open read-write."""
    with Store.open(db) as opened:
        yield opened


# -- schema and opening ---------------------------------------------------------------------


def test_a_fresh_store_has_schema_2_and_empty_tables_with_fixed_columns(db: Path) -> None:
    with Store.open(db) as store:
        assert (store.schema_version, SCHEMA_VERSION) == (2, 2)
        assert store.counts() == EMPTY_COUNTS
        assert dict(store.events().dtypes) == EVENT_DTYPES
        assert list(store.sources().columns) == SOURCE_COLUMNS
        assert list(store.rejects().columns) == REJECT_COLUMNS
        assert list(store.sop_models().columns) == [
            "sop_id", "sop_hash", "title", "model_json", "first_loaded_at",
        ]  # fmt: skip
    with Store.open(db, read_only=True) as again:  # reopening migrates nothing twice
        assert again.read_only
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(
        "SELECT version, sopmine_version FROM sopmine_schema ORDER BY version"
    ).fetchall() == [(1, __version__), (2, __version__)]
    con.close()


def test_a_store_written_by_a_newer_sopmine_is_refused(db: Path) -> None:
    Store.open(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO sopmine_schema VALUES (3, now(), '9.9.0')")
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreVersionError) as info:
            Store.open(db, read_only=read_only)
        assert str(info.value) == (
            f"the store {db} was written by sopmine 9.9.0 (schema 3); this sopmine "
            f"({__version__}) understands up to schema 2; upgrade sopmine"
        )


def test_a_file_that_is_not_duckdb_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("nomor izin;tanggal\n", encoding="utf-8")
    for read_only in (False, True):
        with pytest.raises(StoreError, match="not a DuckDB database") as info:
            Store.open(path, read_only=read_only)
        assert str(path) in str(info.value)
    assert path.read_text(encoding="utf-8") == "nomor izin;tanggal\n"


def test_read_only_open_of_a_missing_store_says_to_load_first(db: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_store(db, read_only=True)
    assert str(info.value) == (
        f"no store at {db}; load an export first: sopmine load FILE --sop ID --profile NAME"
    )
    assert not db.exists()


def test_an_older_store_opened_read_only_is_refused_and_read_write_upgrades_it(db: Path) -> None:
    duckdb.connect(str(db)).close()  # an empty DuckDB database: a store at schema 0
    with pytest.raises(StoreError, match=r"has schema 0, older than schema 2 .*`sopmine load`"):
        Store.open(db, read_only=True)
    with Store.open(db) as store:
        assert store.schema_version == 2
    with Store.open(db, read_only=True) as store:
        assert store.counts() == EMPTY_COUNTS


def test_a_schema_1_store_is_upgraded_to_2_and_keeps_its_rows(db: Path) -> None:
    from sopmine.store._ddl import MIGRATIONS

    con = duckdb.connect(str(db))
    for statement in MIGRATIONS[1]:
        con.execute(statement)
    con.execute("INSERT INTO sopmine_schema VALUES (1, now(), '0.1.0')")
    con.execute("INSERT INTO rejects (source_id, source_row, reason) VALUES (1, 7, 'bad')")
    con.close()
    with Store.open(db) as store:
        assert store.schema_version == 2
        assert store.counts()["rejects"] == 1
        assert store.check_runs().empty
        assert store.results("cases").empty


def test_a_duckdb_database_of_something_else_is_not_taken_over(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE events (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match=r"not a sopmine store .*tables events"):
        Store.open(db)


def test_the_default_path_comes_from_sopmine_db(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOPMINE_DB", raising=False)
    assert default_db_path() == Path("sopmine.duckdb")
    monkeypatch.setenv("SOPMINE_DB", "/srv/sopmine/kota.duckdb")
    assert default_db_path() == Path("/srv/sopmine/kota.duckdb")


def test_a_closed_or_read_only_store_refuses_work_with_a_message(db: Path) -> None:
    store = Store.open(db)
    store.close()
    with pytest.raises(StoreError, match="is closed; open it again"):
        store.counts()
    with Store.open(db, read_only=True) as reader, pytest.raises(StoreError, match="read-only"):
        reader.write_load([make_batch("jan.csv", [step(1, "C1", "A", "2024-03-01")])])


# -- loading --------------------------------------------------------------------------------

JAN = [
    step(1, "C1", "Pendaftaran", "2024-03-01 09:00+08:00", kind="start", step_id="daftar"),
    step(1, "C1", "Pendaftaran", "2024-03-01 09:00+08:00", step_id="daftar", role="cs",
         resource="ani", **{"Nama Pemohon": "Siti Aisyah ü", "no.izin": None, 'Kolom "X"': "1"}),
    step(2, "C1", "Verifikasi", "2024-03-04 10:30+08:00", step_id="verif", role="verifikator",
         resource="budi", activity_code="V01", start_timestamp="2024-03-04 08:00+08:00",
         **{"Nama Pemohon": "Siti Aisyah ü", "no.izin": "503/12"}),
    open_work(3, "C2", "Verifikasi"),
]  # fmt: skip
JAN_REJECTS = [
    {"row": 4, "reason": "bad_timestamp", "field": "tgl_proses", "value": "31/02/2024",
     "message": "not a date", "raw": '{"tgl_proses":"31/02/2024"}'},
]  # fmt: skip


def test_a_load_inserts_exactly_the_batch_events(store: Store) -> None:
    batch = make_batch("jan.csv", JAN, rejects=JAN_REJECTS, rows_duplicate=1)
    outcomes = store.write_load([batch])
    assert outcomes == [LoadOutcome(1, "jan.csv", False, 5, 3, 1, 1, 4, 0)]
    no_extras = '{"Nama Pemohon":null,"no.izin":null,"Kolom \\"X\\"":null}'
    expected = frame_of(
        list(EVENT_DTYPES),
        [
            ("izin_reklame", "DPMPTSP Kota Contoh", "C1", "Pendaftaran", None, "daftar",
             "start", "2024-03-01 01:00Z", None, None, None, "complete", 1, 1, no_extras),
            ("izin_reklame", "DPMPTSP Kota Contoh", "C1", "Pendaftaran", None, "daftar",
             "step", "2024-03-01 01:00Z", None, "cs", "ani", "complete", 1, 1,
             '{"Nama Pemohon":"Siti Aisyah ü","no.izin":null,"Kolom \\"X\\"":"1"}'),
            ("izin_reklame", "DPMPTSP Kota Contoh", "C1", "Verifikasi", "V01", "verif", "step",
             "2024-03-04 02:30Z", "2024-03-04 00:00Z", "verifikator", "budi", "complete", 1,
             2, '{"Nama Pemohon":"Siti Aisyah ü","no.izin":"503/12","Kolom \\"X\\"":null}'),
            ("izin_reklame", "DPMPTSP Kota Contoh", "C2", "Verifikasi", None, None, "open",
             None, None, None, None, "complete", 1, 3, no_extras),
        ],
    )  # fmt: skip
    pd.testing.assert_frame_equal(store.events(), expected)
    assert store.counts() == {"sources": 1, "events": 4, "rejects": 1, "sop_models": 1}


def test_a_load_records_its_source_and_sop_snapshot(store: Store) -> None:
    unmapped = pd.DataFrame(
        {"label": ["Verif BO"], "count": [3], "suggestions": pd.array([None], dtype=STRING)}
    )
    store.write_load([make_batch("jan.csv", JAN, rejects=JAN_REJECTS, unmapped=unmapped)])
    sources = store.sources()
    assert sources.drop(columns="loaded_at").iloc[0].tolist() == [
        1, "/data/exports/jan.csv", "jan.csv", "sha-jan.csv", 1234, "sicantik", "p-hash-1",
        "izin_reklame", "sop-hash-1", "DPMPTSP Kota Contoh", 4, 3, 1, 0, 4, 0,
        '[{"label":"Verif BO","count":3,"suggestions":null}]',
    ]  # fmt: skip
    models = store.sop_models()
    assert models.drop(columns="first_loaded_at").iloc[0].tolist() == [
        "izin_reklame", "sop-hash-1", "Izin Reklame", '{"id":"izin_reklame"}',
    ]  # fmt: skip
    assert models["first_loaded_at"].iloc[0] == sources["loaded_at"].iloc[0]
    assert sources["loaded_at"].dtype == UTC_US


def test_loading_the_same_file_again_adds_nothing(store: Store) -> None:
    batch = make_batch("jan.csv", JAN, rejects=JAN_REJECTS)
    store.write_load([batch])
    before = (store.counts(), store.sources(), store.events())
    assert store.write_load([batch]) == [LoadOutcome(1, "jan.csv", True, 4, 0, 0, 4, 0, 0)]
    assert store.counts() == before[0]
    pd.testing.assert_frame_equal(store.sources(), before[1])
    pd.testing.assert_frame_equal(store.events(), before[2])


def test_the_same_file_under_another_profile_is_a_new_source_of_duplicate_rows(
    store: Store,
) -> None:
    store.write_load([make_batch("jan.csv", JAN, rejects=JAN_REJECTS)])
    again = make_batch(
        "jan.csv", JAN, rejects=JAN_REJECTS, profile="generic", profile_hash="p-hash-2"
    )
    assert store.write_load([again]) == [LoadOutcome(2, "jan.csv", False, 4, 0, 1, 3, 0, 0)]
    assert store.counts() == {"sources": 2, "events": 4, "rejects": 2, "sop_models": 1}


def test_an_overlapping_export_adds_only_new_events(store: Store) -> None:
    t1, t2, t3, t4 = ("2024-03-01 09:00Z", "2024-03-02 09:00Z", "2024-03-03 09:00Z",
                      "2024-03-04 09:00Z")  # fmt: skip
    jan = [
        step(1, "C1", "Pendaftaran", t1, kind="start"),
        step(1, "C1", "Pendaftaran", t1),
        step(2, "C1", "Verifikasi", t2, role="verifikator", **{"no.izin": "A-1"}),
        step(3, "C1", "Validasi", t3, **{"no.izin": "A-2"}),
    ]
    feb = [  # row 1 repeats jan's row 2 with another role and extra value: a duplicate
        step(1, "C1", "Verifikasi", t2, role="kasi", **{"no.izin": "A-1 rev"}),
        step(2, "C1", "Validasi", t3, **{"no.izin": "A-2"}),  # known, but its row adds ...
        step(2, "C1", "Validasi", t3, kind="clock_stop"),  # ... this new event: loaded
        step(3, "C1", "Penerbitan", t4),
    ]
    store.write_load([make_batch("jan.csv", jan)])
    outcome = store.write_load([make_batch("feb.csv", feb, rows_duplicate=1)])[0]
    assert outcome == LoadOutcome(2, "feb.csv", False, 4, 2, 0, 2, 2, 0)
    assert outcome.rows_read == outcome.rows_loaded + outcome.rows_rejected + outcome.rows_duplicate
    columns = ["activity", "kind", "role", "source_id", "source_row", "extra"]
    expected = frame_of(
        columns,
        [
            ("Pendaftaran", "start", None, 1, 1, '{"no.izin":null}'),
            ("Pendaftaran", "step", None, 1, 1, '{"no.izin":null}'),
            ("Verifikasi", "step", "verifikator", 1, 2, '{"no.izin":"A-1"}'),
            ("Validasi", "step", None, 1, 3, '{"no.izin":"A-2"}'),
            ("Validasi", "clock_stop", None, 2, 2, '{"no.izin":null}'),
            ("Penerbitan", "step", None, 2, 3, '{"no.izin":null}'),
        ],
    )
    pd.testing.assert_frame_equal(picked(store.events(case_id="C1"), columns), expected)
    assert store.sources()["rows_duplicate"].tolist() == [0, 2]


def test_the_newest_export_replaces_the_open_work_of_its_cases(store: Store) -> None:
    jan = [
        step(1, "C1", "Pendaftaran", "2024-03-01 09:00Z"),
        open_work(2, "C1", "Verifikasi"),
        open_work(3, "C2", "Verifikasi"),
        open_work(4, "C3", "Validasi"),
    ]
    feb = [  # C1 moved on; C3 still waits at Validasi; C2 is not in this export
        step(1, "C1", "Verifikasi", "2024-03-05 09:00Z"),
        open_work(2, "C1", "Validasi"),
        open_work(3, "C3", "Validasi"),
    ]
    store.write_load([make_batch("jan.csv", jan)])
    assert store.write_load([make_batch("feb.csv", feb)]) == [
        LoadOutcome(2, "feb.csv", False, 3, 2, 0, 1, 2, 1)
    ]
    events = store.events()
    open_now = events[events["kind"] == "open"]
    columns = ["case_id", "activity", "source_id", "source_row"]
    expected = frame_of(
        columns, [("C1", "Validasi", 2, 2), ("C2", "Verifikasi", 1, 3), ("C3", "Validasi", 1, 4)]
    )
    pd.testing.assert_frame_equal(picked(open_now, columns), expected)
    assert store.write_load([make_batch("jan.csv", jan)])[0].already_loaded
    assert len(store.events(case_id="C1")) == 3


def test_null_and_empty_text_and_field_boundaries_make_distinct_keys(store: Store) -> None:
    at = "2024-03-01 09:00Z"
    first = [step(1, "C1", "AB", at), step(2, "C1", "X", at, resource=None)]
    second = [
        step(1, "C1A", "B", at),  # "C1"+"AB" must not equal "C1A"+"B"
        step(2, "C1", "X", at, resource=""),  # "" is not NULL
        step(3, "C1", "X", at, activity_code=""),
        step(4, "C1", "X", at, resource=None),  # the very event of the first batch
        step(5, "C1", "X", at, start_timestamp=at),
    ]
    store.write_load([make_batch("a.csv", first)])
    outcome = store.write_load([make_batch("b.csv", second)])[0]
    assert (outcome.events_added, outcome.rows_loaded, outcome.rows_duplicate) == (4, 4, 1)
    assert store.counts()["events"] == 6


def test_identical_events_of_one_batch_are_stored_once(store: Store) -> None:
    """Two rows that say the same event (e.g. differing only in a running number) are one
    event, as they would be if they came in two files; the second row is a duplicate."""
    at = "2024-03-01 09:00Z"
    twins = [step(1, "C1", "X", at, no="1"), step(2, "C1", "X", at, no="2")]
    outcome = store.write_load([make_batch("a.csv", twins)])[0]
    assert (outcome.events_added, outcome.rows_loaded, outcome.rows_duplicate) == (1, 1, 1)
    assert store.events()["source_row"].tolist() == [1]


def test_the_same_file_read_with_other_rules_is_loaded_again(store: Store) -> None:
    """A fixed profile (another profile hash) under the same name must not be a no-op."""
    store.write_load([make_batch("jan.csv", JAN, rejects=JAN_REJECTS)])
    fixed = make_batch("jan.csv", JAN, profile_hash="p-hash-fixed")
    [outcome] = store.write_load([fixed])
    assert not outcome.already_loaded
    assert outcome.source_id == 2


def test_an_older_export_does_not_reopen_work_a_newer_one_closed(store: Store) -> None:
    newer = [
        step(1, "C1", "TTE", "2024-03-02 09:00Z"),
        step(2, "C1", "Cetak", None, kind="open", start_timestamp="2024-03-02 10:00Z"),
    ]
    older = [step(1, "C1", "TTE", None, kind="open", start_timestamp="2024-03-01 09:00Z")]
    store.write_load([make_batch("week2.csv", newer)])
    [outcome] = store.write_load([make_batch("week1.csv", older)])
    assert (outcome.events_added, outcome.open_replaced, outcome.rows_duplicate) == (0, 0, 1)
    stored = store.events()[["activity", "kind"]].values.tolist()
    assert stored == [["TTE", "step"], ["Cetak", "open"]]


def test_batches_of_one_call_are_loaded_in_order(store: Store) -> None:
    at = "2024-03-01 09:00Z"
    a = make_batch("a.csv", [step(1, "C1", "X", at)])
    b = make_batch("b.csv", [step(1, "C1", "X", at), step(2, "C1", "Y", at)])
    assert store.write_load([a, b, a]) == [
        LoadOutcome(1, "a.csv", False, 1, 1, 0, 0, 1, 0),
        LoadOutcome(2, "b.csv", False, 2, 1, 0, 1, 1, 0),
        LoadOutcome(1, "a.csv", True, 1, 0, 0, 1, 0, 0),
    ]


def test_rejects_are_stored_and_queryable_with_their_file_name(store: Store) -> None:
    rejects = [
        {"row": 2, "reason": "unknown_activity", "field": "tahapan", "value": "Verif BO",
         "message": "no SOP step", "raw": '{"tahapan":"Verif BO","no":"2"}'},
        {"row": 3, "reason": "missing_case_id", "message": "no case id", "raw": '{"no":"3"}'},
    ]  # fmt: skip
    store.write_load([make_batch("jan.csv", [step(1, "C1", "X", "2024-03-01")])])
    store.write_load([make_batch("feb.csv", [], rejects=rejects)])
    expected = frame_of(
        REJECT_COLUMNS,
        [
            (2, "feb.csv", 2, "unknown_activity", "tahapan", "Verif BO", "no SOP step",
             '{"tahapan":"Verif BO","no":"2"}'),
            (2, "feb.csv", 3, "missing_case_id", None, None, "no case id", '{"no":"3"}'),
        ],
    )  # fmt: skip
    pd.testing.assert_frame_equal(store.rejects(), expected)
    pd.testing.assert_frame_equal(store.rejects(source_id=2, reason="missing_case_id"),
                                  expected.iloc[[1]].reset_index(drop=True))  # fmt: skip
    pd.testing.assert_frame_equal(store.rejects(source_id=1), expected.iloc[0:0])
    assert store.sources()["rows_rejected"].tolist() == [0, 2]


def test_events_can_be_filtered_by_sop_and_case(store: Store) -> None:
    at = "2024-03-01 09:00Z"
    store.write_load([make_batch("a.csv", [step(1, "C1", "X", at), step(2, "C2", "X", at)])])
    other = [step(1, "C1", "X", at, sop_id="izin_usaha")]
    store.write_load([make_batch("b.csv", other, sop_id="izin_usaha", sop_hash="h2")])
    picks = [
        ({}, ["izin_reklame", "izin_usaha", "izin_reklame"]),
        ({"sop_id": "izin_usaha"}, ["izin_usaha"]),
        ({"sop_id": "izin_reklame", "case_id": "C1"}, ["izin_reklame"]),
        ({"case_id": "nope"}, []),
    ]
    for filters, sop_ids in picks:
        assert store.events(**filters)["sop_id"].tolist() == sop_ids
    assert store.sop_models()["sop_id"].tolist() == ["izin_reklame", "izin_usaha"]


def test_stages_are_reported_and_committing_comes_last(store: Store) -> None:
    stages: list[str] = []
    store.write_load([make_batch("jan.csv", JAN, rejects=JAN_REJECTS)], on_stage=stages.append)
    assert stages == [
        "jan.csv: replacing open work",
        "jan.csv: inserting 4 events",
        "jan.csv: inserting 1 rejects",
        "jan.csv: inserted 4 events from 3 rows",
        "jan.csv: committing",
    ]


# -- atomicity --------------------------------------------------------------------------------


def _first_then(store: Store, second: LoadBatch, **kwargs: Any) -> None:
    """Load a valid batch and ``second`` in one call, which must fail."""
    first = make_batch("jan.csv", JAN, rejects=JAN_REJECTS)
    store.write_load([first, second], **kwargs)


def test_a_batch_missing_a_column_rolls_back_the_whole_call(store: Store) -> None:
    bad = make_batch("feb.csv", [step(1, "C9", "X", "2024-03-01")])
    bad = replace(bad, events=bad.events.drop(columns="resource"))
    with pytest.raises(StoreError, match=r"feb.csv: .*lacks the columns \['resource'\]"):
        _first_then(store, bad)
    assert store.counts() == EMPTY_COUNTS


def test_a_database_error_mid_load_rolls_back_the_whole_call(store: Store) -> None:
    bad_raw = [{"row": 1, "reason": "x", "message": "x", "raw": "{not json"}]
    with pytest.raises(StoreError, match=r"feb\.csv.*nothing was written .*Malformed JSON"):
        _first_then(store, make_batch("feb.csv", [], rejects=bad_raw))
    assert store.counts() == EMPTY_COUNTS
    assert store.write_load([make_batch("jan.csv", JAN)])[0].events_added == 4


def test_an_interrupt_mid_load_rolls_back_and_propagates(store: Store) -> None:
    def interrupt(message: str) -> None:
        if message.startswith("feb.csv: inserting") and message.endswith("events"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _first_then(store, make_batch("feb.csv", [step(1, "C9", "X", "2024-03-01")]),
                    on_stage=interrupt)  # fmt: skip
    assert store.counts() == EMPTY_COUNTS


def test_row_accounting_that_does_not_add_up_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="row accounting does not add up: 9 rows read"):
        store.write_load([make_batch("jan.csv", JAN, rows_read=9)])
    assert store.counts() == EMPTY_COUNTS


# -- other processes ---------------------------------------------------------------------------


@contextmanager
def running(code: str, *args: str) -> Iterator[tuple[subprocess.Popen[str], IO[str]]]:
    """Run this interpreter on ``code``; yield it and its stdout; kill it on the way out."""
    with subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        try:
            yield process, process.stdout
        finally:
            process.kill()


HOLD_LOCK = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_store_held_by_another_process_is_reported_busy(db: Path) -> None:
    with running(HOLD_LOCK, str(db), "30") as (holder, output):
        assert output.readline() == "locked\n"
        with pytest.raises(StoreBusyError) as info:
            Store.open(db, read_only=True, wait=0.2)
        assert str(info.value) == (
            f"the store {db} is in use by another process (PID {holder.pid}, probably a "
            "running `sopmine load`); retry when it finishes"
        )


def test_waiting_outlasts_a_short_lock(db: Path) -> None:
    with running(HOLD_LOCK, str(db), "0.3") as (_, output):
        assert output.readline() == "locked\n"
        with Store.open(db, wait=10) as store:
            assert store.schema_version == 2


KILLED_LOAD = """
import sys, time
import pandas as pd
from sopmine.store import LoadBatch, Store

def on_stage(message):
    print(message, flush=True)
    if "committing" in message:
        time.sleep(60)

n = 200_000
text = lambda values: pd.array(values, dtype="string")
rows = pd.Series(range(n), dtype="int64")
events = pd.DataFrame({
    "case_id": text(("K" + (rows // 5).astype(str)).tolist()),
    "activity": text(["Verifikasi"] * n), "activity_code": text([None] * n),
    "step_id": text(["verif"] * n), "kind": text(["step"] * n),
    "timestamp": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rows, unit="s"),
    "start_timestamp": pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us, UTC]"),
    "role": text(["verifikator"] * n), "resource": text(["budi"] * n),
    "lifecycle": text(["complete"] * n), "sop_id": text(["izin_reklame"] * n),
    "office": text(["DPMPTSP Kota Contoh"] * n), "source_file": text(["big.csv"] * n),
    "source_row": rows + 1, "Nama Pemohon": text(["Siti"] * n),
})
events["timestamp"] = events["timestamp"].astype("datetime64[us, UTC]")
none = pd.DataFrame({c: text([]) for c in ("source_file", "reason", "field", "value",
                                           "message", "raw")})
none["source_row"] = pd.Series([], dtype="int64")
unmapped = pd.DataFrame({"label": [], "count": [], "suggestions": []})
batch = LoadBatch("/data/big.csv", "big.csv", "sha-big", 1, "sicantik", "p", "izin_reklame",
                  "sop-hash-1", "Izin Reklame", "{}", "DPMPTSP Kota Contoh", n, 0, events,
                  none, unmapped)
with Store.open(sys.argv[1]) as store:
    store.write_load([batch], on_stage=on_stage)
print("committed", flush=True)
"""


def test_a_load_killed_before_commit_leaves_the_store_as_it_was(db: Path) -> None:
    with Store.open(db) as store:
        store.write_load([make_batch("jan.csv", JAN, rejects=JAN_REJECTS)])
        before = (store.counts(), store.sources())
    with running(textwrap.dedent(KILLED_LOAD), str(db)) as (loader, output):
        seen: list[str] = []
        for line in output:
            seen.append(line.strip())
            if "committing" in line:
                break
        assert seen[-1:] == ["big.csv: committing"], seen
        assert "big.csv: inserted 200000 events from 200000 rows" in seen
        os.kill(loader.pid, signal.SIGKILL)
        assert loader.wait() == -signal.SIGKILL
    with Store.open(db) as store:
        assert store.counts() == before[0]
        pd.testing.assert_frame_equal(store.sources(), before[1])
        feb = make_batch("feb.csv", [step(1, "C7", "Penerbitan", "2024-04-01 09:00Z")])
        # source 2 was only ever taken by the killed, uncommitted load: it is free again
        assert store.write_load([feb]) == [LoadOutcome(2, "feb.csv", False, 1, 1, 0, 0, 1, 0)]


# -- the package surface -------------------------------------------------------------------------


def test_the_public_names_exist_and_are_documented() -> None:
    assert sorted(sopmine.store.__all__) == [
        "CheckScope", "LoadBatch", "LoadOutcome", "RESULT_TABLES", "RunStamp", "SCHEMA_VERSION",
        "Store", "default_db_path", "open_store",
    ]  # fmt: skip
    for name in sopmine.store.__all__:
        obj = getattr(sopmine.store, name)
        assert isinstance(obj, int) or obj.__doc__, name


def test_the_store_imports_only_what_its_layer_allows() -> None:
    allowed = {"__future__", "duckdb", "pandas", "numpy", "pyarrow"} | set(sys.stdlib_module_names)
    own = {"sopmine.errors", "sopmine._version", "sopmine.store"}
    for path in Path(sopmine.store.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                inside = any(name == o or name.startswith(o + ".") for o in own)
                assert inside or name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_a_csv_given_as_the_store_is_refused(tmp_path: Path) -> None:
    """DuckDB would open a CSV as an in-memory view and a load into it would vanish."""
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n")
    with pytest.raises(StoreError, match="is not a sopmine store"):
        Store.open(export)
    assert export.read_text() == "a,b\n1,2\n"
