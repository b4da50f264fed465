"""Reading an SOP document into one grid of text cells, whatever its format.

- ``.txt`` (text extracted from the document): one line per row, cells separated by tabs;
- ``.docx``: the paragraphs and tables of the body in document order (python-docx); a
  paragraph is a row of one cell, a merged cell keeps its text in its first grid cell only;
- ``.xlsx``: the first sheet holding an SOP table (openpyxl), merged cells as in Excel.

Every row remembers where it came from (``line 12``, ``table 2 row 5``, ``sheet SOP row 7``),
so that guesses and errors can point at it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sopmine.sop.importer._errors import SopImportError

__all__ = ["SUFFIXES", "Grid", "read_grid"]

SUFFIXES = (".txt", ".tsv", ".docx", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class Grid:
    """The rows of a document as text cells, and where each row came from."""

    rows: tuple[tuple[str, ...], ...]
    where: tuple[str, ...]
    notes: tuple[str, ...] = ()


def read_grid(path: Path) -> Grid:
    """Read ``path`` as a grid of cells; raise :class:`SopImportError` when it cannot be read."""
    suffix = path.suffix.casefold()
    if suffix not in SUFFIXES:
        raise SopImportError(
            f"{path}: cannot import a '{suffix or 'no extension'}' file; give the SOP table "
            "as .docx, .xlsx, or text extracted from the document (.txt, tab-separated). "
            "Save a .doc/.pdf as .docx first."
        )
    if not path.is_file():
        raise SopImportError(f"{path}: no such file")
    try:
        if suffix == ".docx":
            return _read_docx(path)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        return _read_text(path)
    except SopImportError:
        raise
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SopImportError(
            f"{path}: cannot read the file as {suffix[1:]} ({type(exc).__name__}: {exc}); "
            "open it in Word/Excel and save it again, or export the table as text"
        ) from exc


def _read_text(path: Path) -> Grid:
    raw = path.read_bytes()
    notes: tuple[str, ...] = ()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes = (f"{path.name} is not UTF-8: read as Windows-1252 (check accented letters)",)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = tuple(tuple(line.split("\t")) for line in lines)
    return Grid(rows, tuple(f"line {n}" for n in range(1, len(rows) + 1)), notes)


def _read_docx(path: Path) -> Grid:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise SopImportError(f"{path}: not a Word .docx document ({exc})") from exc
    rows: list[tuple[str, ...]] = []
    where: list[str] = []
    n_table = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            n_table += 1
            for n_row, row in enumerate(_table_rows(block), start=1):
                rows.append(row)
                where.append(f"table {n_table} row {n_row}")
        elif block.text.strip():
            rows.append((block.text,))
            where.append(f"paragraph {len(where) + 1}")
    if n_table == 0:
        raise SopImportError(f"{path}: the document has no table; the SOP must be a Word table")
    return Grid(tuple(rows), tuple(where))


def _table_rows(table: Any) -> list[tuple[str, ...]]:
    """The text of each grid cell; a merged cell's text only in its first grid position."""
    result: list[tuple[str, ...]] = []
    above: list[Any] = []
    for row in table.rows:
        cells = [None] * row.grid_cols_before + list(row.cells)
        texts: list[str] = []
        for i, cell in enumerate(cells):
            tc = None if cell is None else cell._tc
            repeated = tc is not None and (
                (i > 0 and cells[i - 1] is not None and cells[i - 1]._tc is tc)
                or (i < len(above) and above[i] is tc)
            )
            texts.append("" if cell is None or repeated else cell.text)
        above = [None if c is None else c._tc for c in cells]
        result.append(tuple(texts))
    return result


def _read_xlsx(path: Path) -> Grid:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = [(ws.title, _sheet_rows(ws)) for ws in workbook.worksheets]
    finally:
        workbook.close()
    for title, rows in sheets:
        if any(_looks_like_header(row) for row in rows):
            notes: tuple[str, ...] = ()
            if len(sheets) > 1:
                notes = (f"read sheet '{title}' of {len(sheets)} (the first with an SOP table)",)
            where = tuple(f"sheet '{title}' row {n}" for n in range(1, len(rows) + 1))
            return Grid(tuple(rows), where, notes)
    names = ", ".join(f"'{t}'" for t, _ in sheets)
    raise SopImportError(
        f"{path}: no sheet ({names}) has an SOP table header (a row with Kelengkapan, Waktu, "
        "Output or Pelaksana)"
    )


def _sheet_rows(sheet: Any) -> list[tuple[str, ...]]:
    return [tuple(_cell_text(v) for v in row) for row in sheet.iter_rows(values_only=True)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _looks_like_header(row: tuple[str, ...]) -> bool:
    words = {cell.strip().casefold() for cell in row}
    return bool(words & {"kelengkapan", "waktu", "output", "pelaksana"})
