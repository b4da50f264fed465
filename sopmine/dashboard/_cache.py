"""The dashboard's cached reads: keyed by the store file, its version and the filters.

The store is opened read-only only for the time of one read and closed again: DuckDB lets a
single process write a file and refuses writers while a reader holds it, so a connection kept in
``st.cache_resource`` would block ``sopmine load`` and ``check`` for as long as the dashboard
runs. The results are cached instead, keyed by :func:`~._data.store_version`, which changes with
every write; when a writer holds the file, the last version read is shown with a notice.

Cached objects are shared by every session and never modified.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from sopmine.analyze import Verdicts
from sopmine.dashboard._data import (
    Filters,
    StoreTables,
    build_table,
    page_tables,
    read_store_tables,
    store_version,
)
from sopmine.errors import StoreBusyError
from sopmine.pipeline import read_verdicts

__all__ = ["Snapshot", "snapshot", "store_tables"]

T = TypeVar("T")
Version = tuple[int, int, int, int]
_LOG = logging.getLogger("sopmine.dashboard")
_WAIT_SECONDS = 3.0


class Snapshot:
    """The verdicts the pages show: the store's version, and whether it is an older one."""

    def __init__(self, path: Path, version: Version, *, stale: bool) -> None:
        self.path = path
        self.version = version
        self.stale = stale

    def verdicts(self, filters: Filters) -> Verdicts:
        """The verdicts narrowed to ``filters`` (cached)."""
        return _filtered(str(self.path), self.version, filters)

    def table(
        self, name: str, filters: Filters, build: Callable[[Verdicts], Any] | None = None
    ) -> Any:
        """The page table ``name`` (see :func:`~._data.build_table`), or ``build(verdicts)``
        under that name, for these filters (cached)."""
        builder = build or partial(build_table, name=name)  # not part of the key: ``name`` is
        return _table(str(self.path), self.version, filters, name, builder)

    def warm(self, filters: Filters) -> None:
        """Build the pages' first tables in a background thread, once per store version, so
        that each page's first visit finds them ready (the page asking for a table still
        being built waits for it instead of building it twice)."""
        started = _warming()
        key = (str(self.path), self.version, filters.key())
        if key in started:
            return
        started.add(key)
        names = page_tables(sorted(self.verdicts(filters).models))
        thread = threading.Thread(
            target=_build_all, args=(self, filters, names), name="sopmine-warm", daemon=True
        )
        thread.start()


def _build_all(shot: Snapshot, filters: Filters, names: list[str]) -> None:
    for name in names:
        try:
            shot.table(name, filters)
        except Exception:  # the page that shows it reports the problem
            _LOG.debug("warm-up of %s failed", name, exc_info=True)


def snapshot(path: Path) -> Snapshot:
    """The newest readable verdicts of the store at ``path``.

    Raises :class:`sopmine.SopmineError` (no store, no check yet) with the fix in its message,
    and :class:`StoreBusyError` when a writer holds the file and nothing was read before.
    """
    _, version, stale = _newest_or_last(path, _all)
    return Snapshot(path, version, stale=stale)


def store_tables(path: Path) -> StoreTables:
    """Sources, rejects and check runs of the store (cached per version); while a writer
    holds the file, the last ones read (:class:`StoreBusyError` when none was)."""
    tables, _, _ = _newest_or_last(path, _store_tables)
    return tables


def _newest_or_last(path: Path, read: Callable[[str, Version], T]) -> tuple[T, Version, bool]:
    """``read`` of the store's current version; while a writer holds the file, of the last
    version ``read`` succeeded on (and True: stale)."""
    version = store_version(path)
    last = _last_read()
    key = (str(path), getattr(read, "__name__", repr(read)))
    try:
        value = read(str(path), version)
    except StoreBusyError:
        previous = last.get(key)
        if previous is None:
            raise
        return read(str(path), previous), previous, True
    last[key] = version
    return value, version, False


@st.cache_resource(max_entries=1, show_spinner=False)
def _last_read() -> dict[tuple[str, str], Version]:
    return {}


@st.cache_resource(max_entries=1, show_spinner=False)
def _warming() -> set[tuple[Any, ...]]:
    return set()


@st.cache_resource(max_entries=2, show_spinner="Membaca data…")
def _all(path: str, version: Version) -> Verdicts:
    return read_verdicts(path, wait=_WAIT_SECONDS)


@st.cache_resource(max_entries=16, show_spinner=False)
def _filtered(path: str, version: Version, filters: Filters) -> Verdicts:
    return filters.apply(_all(path, version))


@st.cache_resource(max_entries=128, show_spinner=False)
def _table(
    path: str, version: Version, filters: Filters, name: str, _build: Callable[[Verdicts], Any],
) -> Any:  # fmt: skip
    return _build(_filtered(path, version, filters))


@st.cache_resource(max_entries=4, show_spinner=False)
def _store_tables(path: str, version: Version) -> StoreTables:
    return read_store_tables(Path(path), wait=_WAIT_SECONDS)
