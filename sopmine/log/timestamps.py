"""Reading timestamps as exports write them, into UTC instants.

Each configured format is tried in turn on the values still unread, so a file that mixes
``2025-03-04 08:15:00``, ``04/03/2025 08.15`` and Excel serial numbers is read in a few
vectorised passes. Day-first is the Indonesian order: ``04/03/2025`` is 4 March. Values without
a zone are local time of the office (``timezone``); values with an offset or ``Z`` keep it.

Format names: any ``strptime`` pattern (read by DuckDB's ``try_strptime``; ``%d`` and ``%H``
also accept one digit), ``ISO8601`` (with or without ``T``, seconds, fraction
and offset), and ``excel`` (serial day numbers such as ``45720.34375``, 1899-12-30 based).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from sopmine.log.engine import engine

__all__ = ["describe_formats", "parse_instants"]

_AWARE = r"\d[T ]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_EXCEL_FIRST, _EXCEL_LAST = 20_000, 80_000  # 1954-10-03 .. 2119-01-10
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "us")
_UTC: Final = "datetime64[us, UTC]"
# Earlier instants are misreadings: DuckDB's %Y takes "25" as the year 25, ISO "-1" is 2 BC
_EARLIEST = pd.Timestamp("1000-01-01", tz="UTC")


def parse_instants(values: pd.Series, *, formats: Sequence[str], timezone: str) -> pd.Series:
    """Parse a column of timestamps into ``datetime64[us, UTC]``; NaT where empty or unreadable.

    >>> s = pd.Series(["2025-03-04 08:15:00", "04/03/2025 08.15", "45720.34375", "", "besok"])
    >>> parse_instants(s.replace("", None), formats=["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H.%M",
    ...                "excel"], timezone="Asia/Jakarta").dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2025-03-04 01:15', '2025-03-04 01:15', '2025-03-04 01:15', nan, nan]
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        converted: pd.Series = values.dt.tz_convert("UTC")
        return converted.astype(_UTC)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return _localize(values, timezone)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = values.notna().to_numpy(dtype=bool).copy()
    for fmt in _by_likelihood(values[todo], formats, timezone):
        if not todo.any():
            break
        where = np.flatnonzero(todo)
        subset = values if len(where) == len(values) else values.iloc[where]
        subset = subset.astype("str")
        parsed = _parse_one(subset, fmt, timezone)
        hit = (parsed >= _EARLIEST).to_numpy(dtype=bool)  # False for NaT
        out[where[hit]] = parsed.dt.tz_convert(None).to_numpy(dtype="datetime64[us]")[hit]
        todo[where[hit]] = False
    return pd.Series(out, index=values.index).dt.tz_localize("UTC").astype(_UTC)


def _by_likelihood(values: pd.Series, formats: Sequence[str], timezone: str) -> list[str]:
    """The formats, those that read most of a sample first (failing passes are the slow ones)."""
    sample = values.iloc[:: max(1, len(values) // 500)].astype("str").str.strip()
    hits = {fmt: int(_parse_one(sample, fmt, timezone).notna().sum()) for fmt in formats}
    return sorted(formats, key=lambda fmt: -hits[fmt])  # stable: ties keep the profile's order


def describe_formats(formats: Sequence[str]) -> str:
    """The formats as a user reads them: ``dd/mm/yyyy HH:MM``, ``ISO 8601``, ..."""
    names = []
    for fmt in formats:
        if fmt == "ISO8601":
            names.append("ISO 8601")
        elif fmt == "excel":
            names.append("Excel serial number")
        else:
            for code, text in (("%Y", "yyyy"), ("%m", "mm"), ("%d", "dd"), ("%H", "HH")):
                fmt = fmt.replace(code, text)
            names.append(fmt.replace("%M", "MM").replace("%S", "SS").replace("%f", "ffffff"))
    return ", ".join(names)


def _parse_one(values: pd.Series, fmt: str, timezone: str) -> pd.Series:
    if fmt == "excel":
        return _excel(values.str.strip(), timezone)
    if fmt == "ISO8601":
        return _iso(values.str.strip(), timezone)
    return _localize(_strptime(values, fmt), timezone)


def _strptime(values: pd.Series, fmt: str) -> pd.Series:
    """``strptime`` through DuckDB: strict like Python's, and fast on a million rows."""
    frame = pd.DataFrame({"v": values})
    with engine() as con:
        con.register("frame", frame)
        parsed = con.execute("SELECT try_strptime(v, ?) AS t FROM frame", [fmt]).fetchnumpy()["t"]
    filled = np.ma.filled(np.ma.asarray(parsed).astype("datetime64[us]"), np.datetime64("NaT"))
    return pd.Series(filled, index=values.index)


def _iso(values: pd.Series, timezone: str) -> pd.Series:
    aware = values.str.contains(_AWARE, regex=True).to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=values.index, dtype=_UTC)
    if aware.any():
        with_zone = values[aware].str.replace(r"(\d)\s+([+-]\d)", r"\1\2", regex=True)
        parsed = pd.to_datetime(with_zone, format="ISO8601", errors="coerce", utc=True)
        out.loc[parsed.index] = parsed.astype(_UTC)
    if (~aware).any():
        naive = pd.to_datetime(values[~aware], format="ISO8601", errors="coerce")
        out.loc[naive.index] = _localize(naive, timezone)
    return out


def _excel(values: pd.Series, timezone: str) -> pd.Series:
    numbers = pd.to_numeric(values.where(values.str.fullmatch(r"\d+(?:\.\d+)?")), errors="coerce")
    numbers = numbers.where((numbers >= _EXCEL_FIRST) & (numbers <= _EXCEL_LAST))
    micros = (numbers * 86_400_000_000).round()
    local = pd.Series(
        _EXCEL_EPOCH + micros.fillna(0).astype("int64").to_numpy().astype("timedelta64[us]"),
        index=values.index,
    ).where(numbers.notna())
    return _localize(local, timezone)


def _localize(values: pd.Series, timezone: str) -> pd.Series:
    naive = values.astype("datetime64[us]")
    local = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    return local.dt.tz_convert("UTC").astype(_UTC)
