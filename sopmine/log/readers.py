"""Opening export files as tables of text: CSV/TSV, XLSX, Parquet and XES.

Whatever the format, the result is a :class:`RawTable`: the source columns as text (typed
timestamps of Parquet and XES stay typed), the row number of each record as the user would find
it, and the records that could not even be split into fields. Nothing is dropped silently:
lines that do not fit the header become ``malformed_row`` records; only blank lines are skipped.

Encoding and separator are detected unless the profile fixes them: UTF-8 with or without BOM,
else cp1252 (Windows Excel), else Latin-1; the separator is whichever of ``, ; tab |`` splits
the header line most often outside quotes.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from sopmine.errors import LogReadError
from sopmine.log.profile import ReadSettings

__all__ = ["FileScan", "RawTable", "read_table", "scan_file"]

_CHUNK = 1 << 22
_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xes": "xes",
    ".gz": "xes",
}


@dataclass(frozen=True)
class FileScan:
    """What one pass over the bytes tells: size and sha256."""

    path: Path
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class RawTable:
    """An export read as text. ``rows[i]`` is the source row of ``frame.iloc[i]``."""

    frame: pd.DataFrame
    rows: np.ndarray
    malformed: list[tuple[int, str, str]]  # (source row, raw text, message)
    format: str
    encoding: str | None = None
    separator: str | None = None

    @property
    def rows_read(self) -> int:
        """Records in the file: the rows read plus the malformed ones."""
        return len(self.frame) + len(self.malformed)


def scan_file(path: Path) -> FileScan:
    """Size and sha256 of the file (hashlib releases the GIL: this can run in a thread)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                digest.update(chunk)
    except OSError as exc:
        raise LogReadError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    return FileScan(path, size, digest.hexdigest())


def detect_format(path: Path, settings: ReadSettings) -> str:
    """The file format: a workbook, Parquet or XES name says it; else the profile's, else CSV.

    A CSV export saved as a workbook keeps its columns, so the file name wins over the
    profile's ``format`` for the binary formats.
    """
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise LogReadError(
            f"{path}: old Excel 97-2003 files (.xls) are not read; "
            "open it in Excel or LibreOffice and save it as .xlsx or .csv"
        )
    by_name = _SUFFIXES.get(suffix)
    if by_name in ("xlsx", "parquet", "xes"):
        return by_name
    return settings.format if settings.format != "auto" else "csv"


def read_table(
    path: Path,
    settings: ReadSettings,
    *,
    read_xes: Callable[[Path], pd.DataFrame] | None = None,
) -> RawTable:
    """Read an export into a :class:`RawTable`; raise :class:`LogReadError` if it is unusable."""
    kind = detect_format(path, settings)
    try:
        empty = path.stat().st_size == 0
    except OSError as exc:
        raise LogReadError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    if empty:
        raise LogReadError(f"{path}: the file is empty (0 bytes); export it again")
    if kind == "csv":
        return _read_csv(path, settings)
    if kind == "xlsx":
        return _read_xlsx(path, settings)
    if kind == "parquet":
        return _typed_table(_read_parquet(path), "parquet")
    if read_xes is None:
        raise LogReadError(f"{path}: XES needs the pm4py reader")
    return _typed_table(read_xes(path), "xes")


def _legacy_encoding(path: Path) -> str:
    """For a file that is not UTF-8: cp1252 (Windows Excel) if it decodes, else Latin-1."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _header(path: Path, encoding: str, settings: ReadSettings) -> tuple[list[str], str, int]:
    """The column names, the separator, and how many physical lines precede the data."""
    with path.open("rb") as handle:
        sample = handle.read(1 << 20).decode(encoding, errors="replace").lstrip("\ufeff")
    lines = re.split(r"\r\n|\n|\r", sample)
    start = settings.header_row - 1
    if len(lines) <= start or not lines[start].strip():
        where = f"row {settings.header_row}" if settings.header_row > 1 else "the first row"
        raise LogReadError(
            f"{path}: no column names in {where}; "
            "the export should start with a header row (or set read.header_row in the profile)"
        )
    sep = settings.separator if settings.separator != "auto" else _sniff_separator(lines[start])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=sep)
    names = next(reader)  # a quoted name may hold a line break (Excel's wrapped headers)
    return _unique_names(names), sep, start + reader.line_num


def _sniff_separator(line: str) -> str:
    counts = dict.fromkeys((",", ";", "\t", "|"), 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _unique_names(names: list[str]) -> list[str]:
    """Names made unique: a repeated ``a`` becomes ``a.1``, ``a.2`` (skipping taken names)."""
    given = [" ".join(raw.split()) or f"column_{i}" for i, raw in enumerate(names, start=1)]
    taken = set(given)
    unique: list[str] = []
    for name in given:
        if name in unique:
            number = 1
            while f"{name}.{number}" in taken:
                number += 1
            name = f"{name}.{number}"
            taken.add(name)
        unique.append(name)
    return unique


def _read_csv(path: Path, settings: ReadSettings) -> RawTable:
    encoding = _bom_encoding(path) or (
        "utf-8" if settings.encoding == "auto" else settings.encoding
    )
    names, sep, skip = _header(path, encoding, settings)
    try:
        table, invalid = _arrow_csv(path, names, sep, encoding, skip, threads=True)
    except _NotUtf8Error:
        encoding = _legacy_encoding(path)
        names, sep, skip = _header(path, encoding, settings)
        table, invalid = _arrow_csv(path, names, sep, encoding, skip, threads=True)
    if invalid:  # rare: read again on one thread, which reports the line of each bad row
        table, invalid = _arrow_csv(path, names, sep, encoding, skip, threads=False)
    frame = table.to_pandas()
    malformed = [(n, text, msg) for n, text, msg in invalid if text.strip()]
    bad_lines = {n for n, _, _ in invalid}
    rows = _number_rows(len(frame), skip, bad_lines)
    # Blank lines are read as rows (so the rows after them keep their numbers), then skipped,
    # as are rows whose every cell is empty (",,,,"): they hold no data.
    blank = _all_empty(frame)
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return RawTable(frame, rows, malformed, "csv", encoding, sep)


def _bom_encoding(path: Path) -> str | None:
    """UTF-16 text (Excel's "Unicode Text") announces itself with a byte-order mark."""
    with path.open("rb") as handle:
        head = handle.read(2)
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else None


def _all_empty(frame: pd.DataFrame) -> np.ndarray:
    if frame.shape[1] == 0 or len(frame) == 0:
        return np.zeros(len(frame), dtype=bool)
    candidates = np.flatnonzero((frame.iloc[:, 0] == "").to_numpy())
    blank = np.zeros(len(frame), dtype=bool)
    if len(candidates):
        blank[candidates] = (frame.iloc[candidates] == "").all(axis=1).to_numpy()
    return blank


def _arrow_csv(
    path: Path, names: list[str], sep: str, encoding: str, skip: int, *, threads: bool
) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    invalid: list[tuple[int, str, str]] = []
    undecodable: list[int] = []

    def on_invalid(row: Any) -> str:
        message = (
            f"the row has {row.actual_columns} fields but the header has {row.expected_columns}; "
            "a separator inside an unquoted cell? Quote that cell, or export with another separator"
        )
        invalid.append((row.number or 0, row.text, message))
        return "skip"

    def on_unraisable(info: Any) -> None:
        # pyarrow decodes a bad row's text as UTF-8 before calling on_invalid; in a legacy
        # encoding that fails inside pyarrow, which would print it. Note it; read again.
        if isinstance(info.exc_value, UnicodeDecodeError):
            undecodable.append(0)
        else:
            previous_hook(info)

    previous_hook = sys.unraisablehook
    sys.unraisablehook = on_unraisable
    try:
        table = _arrow_read(path, names, sep, encoding, skip, threads, on_invalid, invalid)
    except pa.ArrowInvalid as exc:
        if encoding == "utf-8" and (undecodable or "UTF8" in str(exc)):
            raise _NotUtf8Error from None
        if "Could not skip initial" in str(exc):  # the header, without a final newline
            return pa.table({n: pa.array([], pa.string()) for n in names}), []
        raise LogReadError(f"{path}: cannot be read as CSV: {exc}") from None
    finally:
        sys.unraisablehook = previous_hook
    if undecodable and encoding == "utf-8":
        raise _NotUtf8Error
    return table, list(invalid)


def _arrow_read(
    path: Path,
    names: list[str],
    sep: str,
    encoding: str,
    skip: int,
    threads: bool,
    on_invalid: Callable[[Any], str],
    invalid: list[tuple[int, str, str]],
) -> pa.Table:
    """pyarrow's CSV reader, all text; a cell larger than a block retries with bigger ones."""
    block = 16 << 20
    while True:
        invalid.clear()
        try:
            return pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(
                    column_names=names,
                    skip_rows=skip,
                    encoding=encoding,
                    use_threads=threads,
                    block_size=block,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=sep,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            if "straddling" not in str(exc) or block >= (1 << 31):
                raise
            block *= 8


class _NotUtf8Error(Exception):
    """The text is not UTF-8 after all: read it again in a legacy encoding."""


def _number_rows(count: int, header_row: int, skipped: set[int]) -> np.ndarray:
    if not skipped:
        return np.arange(header_row + 1, header_row + 1 + count, dtype=np.int64)
    numbers = np.arange(header_row + 1, header_row + 1 + count + len(skipped), dtype=np.int64)
    return numbers[~np.isin(numbers, np.fromiter(skipped, dtype=np.int64))][:count]


def _read_xlsx(path: Path, settings: ReadSettings) -> RawTable:
    try:
        frame = pd.read_excel(
            path,
            sheet_name=settings.sheet,
            header=settings.header_row - 1,
            dtype=object,
            engine="openpyxl",
        )
    except (ValueError, KeyError, OSError) as exc:
        raise LogReadError(f"{path}: cannot be read as an Excel workbook: {exc}") from None
    except Exception as exc:  # openpyxl raises zipfile and XML errors of many kinds
        raise LogReadError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None
    frame.columns = _unique_names(
        [str(c) if not str(c).startswith("Unnamed:") else "" for c in frame.columns]
    )
    text = frame.apply(_cells_to_text)
    rows = np.arange(settings.header_row + 1, settings.header_row + 1 + len(text), dtype=np.int64)
    blank = (text == "").all(axis=1).to_numpy()
    return RawTable(text[~blank].reset_index(drop=True), rows[~blank], [], "xlsx")


def _cells_to_text(column: pd.Series) -> pd.Series:
    def one(value: Any) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, datetime.time):  # a cell formatted as a time of day only
            return value.strftime("%H:%M:%S")
        if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
            return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return column.map(one).astype("str")


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several error types for damaged files
        raise LogReadError(f"{path}: not a readable Parquet file ({exc})") from None


def _typed_table(frame: pd.DataFrame, kind: str) -> RawTable:
    """Keep datetime columns typed; everything else becomes text, as in a CSV."""
    out = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            out[str(name)] = column
        else:
            out[str(name)] = _cells_to_text(column)
    text = pd.DataFrame(out)
    rows = np.arange(1, len(text) + 1, dtype=np.int64)
    return RawTable(text, rows, [], kind)
