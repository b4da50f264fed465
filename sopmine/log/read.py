"""``read_log``: one export file in, canonical events and rejects out, no store needed."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sopmine.errors import LogReadError
from sopmine.log.events import normalize_rows
from sopmine.log.mapping import StepMapper
from sopmine.log.profile import Profile, ReadSettings, RosterSettings, load_profile
from sopmine.log.readers import read_table, scan_file
from sopmine.pm4py_bridge import read_xes
from sopmine.sop import SopModel, load_sop

__all__ = ["LogRead", "read_log", "read_roster"]


@dataclass(frozen=True)
class LogRead:
    """What reading one export gave: its events, its rejects, and how every row was counted.

    Unpacks as ``events, rejects = read_log(...)``. The counts always satisfy
    ``rows_read == rows_loaded + rows_rejected + rows_duplicate``.
    """

    events: pd.DataFrame
    rejects: pd.DataFrame
    unmapped: pd.DataFrame
    duplicate_rows: np.ndarray
    path: Path
    sha256: str
    size_bytes: int
    profile: Profile
    sop: SopModel
    rows_read: int
    format: str
    encoding: str | None = None
    separator: str | None = None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.events
        yield self.rejects

    @property
    def rows_loaded(self) -> int:
        """Rows that became at least one event."""
        return int(self.events["source_row"].nunique())

    @property
    def rows_rejected(self) -> int:
        """Rows kept in the rejects table instead."""
        return len(self.rejects)

    @property
    def rows_duplicate(self) -> int:
        """Rows equal to an earlier row of the same file, set aside."""
        return len(self.duplicate_rows)

    def summary(self) -> pd.DataFrame:
        """The counts as a small table: read, loaded, rejected (by reason), duplicate, unmapped."""
        lines = [("rows read", self.rows_read), ("rows loaded", self.rows_loaded)]
        lines.append(("rows rejected", self.rows_rejected))
        lines += [(f"  {r}", int(n)) for r, n in self.rejects["reason"].value_counts().items()]
        lines.append(("duplicate rows", self.rows_duplicate))
        lines.append(("events", len(self.events)))
        lines.append(("events with unmapped labels", int(self.unmapped["count"].sum())))
        return pd.DataFrame(lines, columns=["measure", "value"])


def read_log(
    path: str | os.PathLike[str],
    *,
    profile: str | os.PathLike[str] | Profile,
    sop: str | os.PathLike[str] | SopModel,
    roster: str | os.PathLike[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> LogRead:
    """Read one export through a profile into canonical events and rejects.

    ``profile`` and ``sop`` are names or paths (or loaded objects); ``roster`` a CSV/XLSX of
    person id -> role for exports without roles; ``columns`` maps canonical fields to other
    columns than the profile says (``{"timestamp": "Tanggal Selesai"}``).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "log.csv").write_text(
    ...     "no_permohonan,nama_proses,status,start_date,end_date,diproses_oleh\\n"
    ...     "P-1,Validasi Kabid,Selesai,2025-03-03 08:00:00,2025-03-03 09:30:00,kabid\\n"
    ...     "P-1,TTE Kepala Dinas,Proses,2025-03-03 10:00:00,0001-01-01 00:00:00,kadis\\n")
    >>> events, rejects = read_log(folder / "log.csv", profile="sicantik", sop="karimun_sicantik")
    >>> events[["case_id", "step_id", "kind", "timestamp"]]
      case_id         step_id  kind                 timestamp
    0     P-1  validasi_kabid  step 2025-03-03 02:30:00+00:00
    1     P-1       tte_kadis  open                       NaT
    """
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    if columns:
        chosen = chosen.with_columns(**columns)
    model = sop if isinstance(sop, SopModel) else load_sop(sop)
    file = Path(path)
    if file.is_dir():
        raise LogReadError(f"{file} is a folder; give the export files in it (e.g. {file}/*.csv)")
    if not file.is_file():
        raise LogReadError(f"{file}: no such file")
    with ThreadPoolExecutor(max_workers=1) as pool:  # hash while the table is read
        hashing = pool.submit(scan_file, file)
        raw = read_table(file, chosen.read, read_xes=read_xes)
        scan = hashing.result()
    mapper = StepMapper.build(model, chosen.overrides(model.id), profile=chosen.name)
    staff = read_roster(roster, chosen.roster) if roster is not None else None
    done = normalize_rows(raw, chosen, model, source_file=file.name, mapper=mapper, roster=staff)
    return LogRead(
        events=done.events,
        rejects=done.rejects,
        unmapped=done.unmapped,
        duplicate_rows=done.duplicate_rows,
        path=file,
        sha256=scan.sha256,
        size_bytes=scan.size_bytes,
        profile=chosen,
        sop=model,
        rows_read=raw.rows_read,
        format=raw.format,
        encoding=raw.encoding,
        separator=raw.separator,
    )


def read_roster(path: str | os.PathLike[str], settings: RosterSettings) -> pd.Series:
    """A roster file (CSV or XLSX) as person id -> role; conflicting roles raise LogReadError."""
    file = Path(path)
    if not file.is_file():
        raise LogReadError(f"{file}: no such roster file")
    table = read_table(file, ReadSettings()).frame
    missing = [c for c in (settings.person, settings.role) if c not in table.columns]
    if missing:
        raise LogReadError(
            f"{file}: a roster needs the columns {settings.person!r} (person id) and "
            f"{settings.role!r} (role); missing: {', '.join(missing)}. "
            f"The file's columns are: {', '.join(map(str, table.columns))}"
        )
    pairs = table[[settings.person, settings.role]].apply(lambda c: c.str.strip())
    pairs = pairs[(pairs[settings.person] != "") & (pairs[settings.role] != "")].drop_duplicates()
    clash = pairs[pairs[settings.person].duplicated(keep=False)]
    if len(clash):
        people = ", ".join(sorted(set(clash[settings.person]))[:10])
        raise LogReadError(f"{file}: these people have two different roles: {people}; keep one")
    return pd.Series(
        pairs[settings.role].to_numpy(), index=pairs[settings.person].to_numpy(), dtype="str"
    )
