"""Assertions shared by the event-log tests (``tests`` is on pytest's ``pythonpath``)."""

from __future__ import annotations

from collections.abc import Iterable

from sopmine.log import LogRead


def assert_every_row_accounted(read: LogRead, data_rows: Iterable[int]) -> None:
    """Each data row is loaded, rejected or a duplicate: exactly one of them."""
    assert read.rows_read == read.rows_loaded + read.rows_rejected + read.rows_duplicate
    loaded = sorted(set(read.events["source_row"]))
    rejected = read.rejects["source_row"].tolist()
    duplicate = [int(r) for r in read.duplicate_rows]
    assert sorted(loaded + rejected + duplicate) == sorted(data_rows)
