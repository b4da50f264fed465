"""The dashboard's cached reads: keyed by the store file, its version and the filters.

The store is opened read-only only for the time of one read and closed again: DuckDB lets a
single process write a file and refuses writers while a reader holds it, so a connection kept in
``st.cache_resource`` would block ``sopmine load`` and ``check`` for as long as the dashboard
runs. The results are cached instead, keyed by :func:`~._data.store_version`, which changes with
every write; when a writer holds the file, the last version read is shown with a notice.

The cases are read first (:mod:`._read`); the steps and deviations only when a table needs them,
and then only the step columns it needs (:func:`~._data.table_need`). Cached objects are shared
by every session and never modified.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd
import streamlit as st

from sopmine.analyze import Verdicts
from sopmine.check import STEP_COLUMNS
from sopmine.dashboard._data import (
    STEP_GROUPS,
    Counted,
    Filters,
    Need,
    RowCounts,
    StepGroup,
    StoreTables,
    Version,
    base_table,
    build_table,
    derive_table,
    page_tables,
    read_store_tables,
    row_counts,
    step_groups,
    store_version,
    table_need,
)
from sopmine.dashboard._read import (
    NOT_READ,
    read_case_verdicts,
    read_deviations,
    read_row_counts,
    read_steps,
)
from sopmine.errors import StoreBusyError

__all__ = ["Snapshot", "page_run", "snapshot", "store_tables"]

T = TypeVar("T")
_LOG = logging.getLogger("sopmine.dashboard")
_WAIT_SECONDS = 3.0
_IDLE_SECONDS = 1.0  # how long no page must have run before the warm-up builds a table
_VERSIONS_KEPT = 2  # store versions whose step columns are kept (the newest, the one before)


class Snapshot:
    """The verdicts the pages show: the store's version, and whether it is an older one."""

    def __init__(self, path: Path, version: Version, *, stale: bool) -> None:
        self.path = path
        self.version = version
        self.stale = stale

    def cases(self, filters: Filters) -> Verdicts:
        """The verdicts' cases and models narrowed to ``filters``, without steps and
        deviations (cached): enough for counts, the models and working days."""
        return _filtered(str(self.path), self.version, filters, "cases")

    def verdicts(self, filters: Filters) -> Verdicts:
        """The whole verdicts narrowed to ``filters`` (cached; every step column is read)."""
        return _filtered(str(self.path), self.version, self.same_as(filters), "all")

    def rows(self, filters: Filters, part: Literal["cases", "steps", "deviations"]) -> pd.DataFrame:
        """The verdicts' ``part`` narrowed to ``filters`` (cached): the cases and deviations
        without reading the step rows."""
        if part == "cases":
            return self.cases(filters).cases
        need: Need = "deviations" if part == "deviations" else "all"
        verdicts = _filtered(str(self.path), self.version, self.same_as(filters), need)
        frame: pd.DataFrame = getattr(verdicts, part)
        return frame

    def read_ahead(self, need: Need) -> None:
        """Read now what of the store's verdicts ``need`` asks for (cached): a page whose
        tables need two groups of step columns has them read in one query, not one after the
        other as its tables ask for them."""
        _whole(str(self.path), self.version, need)

    def row_counts(self, filters: Filters) -> Counted:
        """Rows of the verdicts' steps and deviations and of their bottleneck ranking for
        ``filters`` (see :func:`~._data.row_counts`; cached), without reading those rows."""
        return _row_counts(str(self.path), self.version, self.same_as(filters))

    def same_as(self, filters: Filters) -> Filters:
        """``filters``, or no filters when they keep every case and service (the one service
        or office of a store): the same tables, so computed and kept once."""
        if filters == Filters():
            return filters
        chosen, every = self.cases(filters), self.cases(Filters())
        keeps_all = len(chosen.cases) == len(every.cases) and set(chosen.models) == set(
            every.models
        )
        return Filters() if keeps_all else filters

    def table(
        self,
        name: str,
        filters: Filters,
        build: Callable[[Verdicts], Any] | None = None,
        *,
        need: Need = "all",
    ) -> Any:
        """The page table ``name`` (see :func:`~._data.build_table`), or ``build(verdicts)``
        under that name from the verdicts it ``need``s, for these filters (cached)."""
        filters = self.same_as(filters)
        if build is None:
            build, need = _builder(self, name, filters), table_need(name)
        return _table(str(self.path), self.version, filters, name, need, build)

    def warm(self, filters: Filters) -> None:
        """Build the pages' first tables in a background thread, once per store version and
        filters, so that each page's first visit finds them ready. The thread builds only
        while no page runs (a page asking for a table being built waits for it)."""
        filters = self.same_as(filters)
        started = _warming()
        key = (str(self.path), self.version, filters.key())
        if key in started:
            return
        started.add(key)
        names = page_tables(sorted(self.cases(filters).models))
        thread = threading.Thread(
            target=_build_all, args=(self, filters, names), name="sopmine-warm", daemon=True
        )
        thread.start()


def _builder(shot: Snapshot, name: str, filters: Filters) -> Callable[[Verdicts], Any]:
    """How to build the page table ``name``: from the table it is made of, if any."""
    base = base_table(name)
    if base is None:
        return partial(build_table, name=name)
    made = shot.table(base, filters)
    return lambda verdicts: derive_table(verdicts, name, made)


class _Pages:
    """How many page runs are in progress, and since when none is."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.running = 0
        self.idle_since = time.monotonic()

    def wait_idle(self) -> None:
        """Return once no page has run for :data:`_IDLE_SECONDS`."""
        with self.changed:
            while True:
                self.changed.wait_for(lambda: self.running == 0)
                left = self.idle_since + _IDLE_SECONDS - time.monotonic()
                if left <= 0:
                    return
                self.changed.wait(left)


@contextmanager
def page_run() -> Iterator[None]:
    """Mark a page run: the warm-up waits until none has run for a moment, so that it never
    takes the cores from the page being shown."""
    pages = _pages()
    with pages.changed:
        pages.running += 1
        pages.changed.notify_all()
    try:
        yield
    finally:
        with pages.changed:
            pages.running -= 1
            pages.idle_since = time.monotonic()
            pages.changed.notify_all()


def _build_all(shot: Snapshot, filters: Filters, names: list[str]) -> None:
    """The tables ``names``, then the row counts and the whole verdicts (Laporan's
    downloads), one at a time while no page runs."""
    pages = _pages()
    builds = [partial(shot.table, name, filters) for name in names]
    for build in [*builds, partial(shot.row_counts, filters), partial(shot.verdicts, filters)]:
        pages.wait_idle()
        try:
            build()
        except Exception:  # the page that shows it reports the problem
            _LOG.debug("warm-up failed", exc_info=True)


def snapshot(path: Path) -> Snapshot:
    """The newest readable verdicts of the store at ``path``.

    Raises :class:`sopmine.SopmineError` (no store, no check yet) with the fix in its message,
    and :class:`StoreBusyError` when a writer holds the file and nothing was read before.
    """
    _, version, stale = _newest_or_last(path, _cases)
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


@st.cache_resource(max_entries=1, show_spinner=False)
def _pages() -> _Pages:
    return _Pages()


@st.cache_resource(max_entries=2, show_spinner="Membaca data…")
def _cases(path: str, version: Version) -> Verdicts:
    return read_case_verdicts(Path(path), version, wait=_WAIT_SECONDS)


class _Shelf:
    """The groups of step columns read, of the last :data:`_VERSIONS_KEPT` store versions:
    each group is read once per version, and the groups a table needs that were not read yet
    are read together, in one query (Hambatan's step times and people: 0.65 s at 1.1M steps,
    where one read after the other takes 0.9 s)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.read: dict[tuple[str, Version], dict[StepGroup, pd.DataFrame]] = {}

    def groups(
        self, path: str, version: Version, groups: tuple[StepGroup, ...]
    ) -> list[pd.DataFrame]:
        """The step columns of each of ``groups``, those not read yet read in one query."""
        with self.lock:
            kept = self.read.get((path, version), {})
            missing = [g for g in groups if g not in kept]
            if missing:  # a read refused (the file was written) changes nothing
                columns = [c for g in missing for c in STEP_GROUPS[g]]
                frame = read_steps(Path(path), version, columns, wait=_WAIT_SECONDS)
                kept = {**kept, **{g: frame[list(STEP_GROUPS[g])] for g in missing}}
            self.read.pop((path, version), None)
            self.read[(path, version)] = kept  # the latest used last
            while len(self.read) > _VERSIONS_KEPT:
                del self.read[next(iter(self.read))]
            return [kept[g] for g in groups]


@st.cache_resource(max_entries=1, show_spinner=False)
def _shelf() -> _Shelf:
    return _Shelf()


@st.cache_resource(max_entries=6, show_spinner="Membaca data…")
def _steps(path: str, version: Version, groups: tuple[StepGroup, ...]) -> pd.DataFrame:
    """The step columns of these groups, each group read once per version (see
    :class:`_Shelf`)."""
    frames = _shelf().groups(path, version, groups)
    if len(frames) == 1:
        return frames[0]
    joined = pd.concat(frames, axis=1)  # the reads line up row for row
    return joined[[c for c in STEP_COLUMNS if c in joined]]  # the store's order


@st.cache_resource(max_entries=2, show_spinner=False)
def _deviations(path: str, version: Version) -> pd.DataFrame:
    return read_deviations(Path(path), version, wait=_WAIT_SECONDS)


@st.cache_resource(max_entries=10, show_spinner=False)
def _whole(path: str, version: Version, need: Need) -> Verdicts:
    """The store's verdicts with the parts ``need`` asks for."""
    cases = _cases(path, version)
    groups = step_groups(need)
    return Verdicts(
        cases=cases.cases,
        steps=_steps(path, version, groups) if groups else NOT_READ,
        deviations=_deviations(path, version) if need in ("deviations", "all") else NOT_READ,
        models=cases.models,
        as_of=cases.as_of,
    )


@st.cache_resource(max_entries=20, show_spinner=False)
def _filtered(path: str, version: Version, filters: Filters, need: Need) -> Verdicts:
    return filters.apply(_whole(path, version, need))


@st.cache_resource(max_entries=128, show_spinner=False)
def _table(
    path: str, version: Version, filters: Filters, name: str, need: Need,
    _build: Callable[[Verdicts], Any],
) -> Any:  # fmt: skip
    return _build(_filtered(path, version, filters, need))


@st.cache_resource(max_entries=2, show_spinner=False)
def _counts(path: str, version: Version) -> RowCounts:
    return read_row_counts(Path(path), version, wait=_WAIT_SECONDS)


@st.cache_resource(max_entries=20, show_spinner=False)
def _row_counts(path: str, version: Version, filters: Filters) -> Counted:
    return row_counts(_filtered(path, version, filters, "cases"), _counts(path, version))


@st.cache_resource(max_entries=4, show_spinner=False)
def _store_tables(path: str, version: Version) -> StoreTables:
    return read_store_tables(Path(path), wait=_WAIT_SECONDS)
