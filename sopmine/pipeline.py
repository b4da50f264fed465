"""The one place that composes the steps: read exports -> validate -> store.

``load_files`` reads every file first (nothing is written if one cannot be read at all), then
writes them all to the store in one transaction: a load either happens completely or not at
all, and loading the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sopmine.log import LogRead, Profile, load_profile, read_log
from sopmine.sop import SopModel, load_sop
from sopmine.store import LoadBatch, LoadOutcome, Store, default_db_path

__all__ = ["FileLoad", "load_files"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class FileLoad:
    """One file of a load: what reading it found, and what the store did with it."""

    read: LogRead
    outcome: LoadOutcome


def load_files(
    paths: Sequence[PathLike],
    *,
    sop: PathLike | SopModel,
    profile: PathLike | Profile,
    roster: PathLike | None = None,
    columns: Mapping[str, str] | None = None,
    db: PathLike | None = None,
    wait: float = 10.0,
    on_stage: Callable[[str], None] | None = None,
) -> list[FileLoad]:
    """Read exports through a profile and load them into the DuckDB store, atomically.

    ``db`` defaults to ``$SOPMINE_DB`` or ``./sopmine.duckdb``; ``wait`` is how long to wait
    for another process that holds the store. ``on_stage`` receives a line per stage.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "log.csv").write_text(
    ...     "no_permohonan,nama_proses,status,start_date,end_date,diproses_oleh\\n"
    ...     "P-1,Validasi Kabid,Selesai,2025-03-03 08:00:00,2025-03-03 09:30:00,kabid\\n")
    >>> [done] = load_files([folder / "log.csv"], sop="karimun_sicantik", profile="sicantik",
    ...                     db=folder / "store.duckdb")
    >>> done.outcome.events_added, done.outcome.rows_loaded
    (1, 1)
    """
    tell = on_stage or (lambda _line: None)
    model = sop if isinstance(sop, SopModel) else load_sop(sop)
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    reads = []
    for path in paths:
        tell(f"reading {Path(path).name}")
        reads.append(read_log(path, profile=chosen, sop=model, roster=roster, columns=columns))
    rules = _rules_hash(chosen_hashes=[r.profile.hash for r in reads], roster=roster)
    batches = [_batch(r, rules_hash) for r, rules_hash in zip(reads, rules, strict=True)]
    target = Path(db) if db is not None else default_db_path()
    tell(f"writing to {target}")
    with Store.open(target, wait=wait) as store:
        outcomes = store.write_load(batches, on_stage=tell)
    return [FileLoad(r, o) for r, o in zip(reads, outcomes, strict=True)]


def _rules_hash(*, chosen_hashes: list[str], roster: PathLike | None) -> list[str]:
    """What decides how a file was read: the profile (with ``--map``) and the roster's bytes.

    A file loaded again under other rules is a new source, not a no-op.
    """
    extra = hashlib.sha256(Path(roster).read_bytes()).hexdigest() if roster is not None else ""
    return [hashlib.sha256(f"{h}:{extra}".encode()).hexdigest() for h in chosen_hashes]


def _batch(read: LogRead, rules_hash: str) -> LoadBatch:
    return LoadBatch(
        path=str(read.path.resolve()),
        file_name=read.path.name,
        sha256=read.sha256,
        size_bytes=read.size_bytes,
        profile=read.profile.name,
        profile_hash=rules_hash,
        sop_id=read.sop.id,
        sop_hash=read.sop.hash,
        sop_title=read.sop.title,
        sop_json=read.sop.model_dump_json(by_alias=True),
        office=read.sop.office.name,
        rows_read=read.rows_read,
        rows_duplicate=read.rows_duplicate,
        events=read.events,
        rejects=read.rejects,
        unmapped=read.unmapped,
    )
