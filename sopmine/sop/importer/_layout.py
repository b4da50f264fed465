"""Finding the SOP step table in a grid: its header, its columns, its step rows.

The PermenPAN-RB 35/2012 table has a ``No`` column, the step text (``Uraian Prosedur`` or
``Kegiatan``), one column per actor under ``Pelaksana``, then the ``Mutu Baku`` columns
(``Kelengkapan``, ``Waktu``, ``Output``) and often ``Keterangan``. Extracted text shifts
cells (a row with one cell fewer), splits a cell over two lines, repeats the header after a
page break and numbers the columns (``1 2 3 ... 13``): a step's Mutu Baku is therefore read
from where its Waktu cell is, and the actor cells are the ones between the text and it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sopmine.sop.importer._errors import SopImportError
from sopmine.sop.importer._table import Grid
from sopmine.sop.importer._text import clean_text, normalize, parse_waktu
from sopmine.sop.model import Unit

__all__ = ["Layout", "RawStep", "find_layout"]

_DESC = ("uraian prosedur", "uraian kegiatan", "kegiatan", "uraian", "prosedur", "aktivitas")
_HEAD = frozenset(
    {"pelaksana", "mutu baku", "baku mutu", "kelengkapan", "waktu", "output", "no", "keterangan"}
    | set(_DESC)
)
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*\.?\s*$")


@dataclass(frozen=True)
class RawStep:
    """One step row as found: its cells by role, raw (marks) or cleaned (texts)."""

    number: int
    where: str
    description: str
    marks: tuple[str, ...]
    aligned: bool
    kelengkapan: str
    waktu: str
    output: str
    keterangan: str


@dataclass(frozen=True)
class Layout:
    """The step table of a document, and the rows above it (the SOP's identity block)."""

    header: tuple[tuple[str, ...], ...]
    actors: tuple[str, ...]
    steps: tuple[RawStep, ...]
    notes: tuple[str, ...]
    waktu_unit: Unit | None


@dataclass(frozen=True)
class _Columns:
    no: int
    desc: int
    actors: tuple[int, ...]
    titles: tuple[str, ...]
    kelengkapan: int
    waktu: int
    unit: Unit | None
    named: int | None
    """A single ``Pelaksana`` column holding each step's actor as text, when there is one."""


def find_layout(grid: Grid, *, file: str) -> Layout:
    """Locate the step table of ``grid``; raise :class:`SopImportError` when there is none."""
    start = _header_start(grid.rows)
    if start is None:
        raise SopImportError(
            f"{file}: no SOP step table found: expected a header row with 'No', "
            "'Uraian Prosedur' or 'Kegiatan', 'Pelaksana' and the Mutu Baku columns "
            "'Kelengkapan', 'Waktu', 'Output' (PermenPAN-RB 35/2012 layout)"
        )
    end = start
    while end < len(grid.rows) and not _is_step_row(grid.rows[end]) and end - start < 4:
        end += 1
    columns = _columns(grid.rows[start:end], file=file, where=grid.where[start])
    steps, notes = _step_rows(grid, end, columns)
    titles = columns.titles
    if columns.named is not None:
        steps, titles = _named_actors(steps)
        notes.append(
            "The table has one 'Pelaksana' column naming each step's actor: one actor "
            "column is made per name, and the name counts as the step's mark."
        )
    if not titles:
        raise SopImportError(
            f"{file}: the SOP table ({grid.where[start]}) has no actor (Pelaksana) columns "
            "between the step text and Kelengkapan; give each actor a column titled with its "
            "role, or one 'Pelaksana' column naming the actor of each step"
        )
    if not steps:
        raise SopImportError(
            f"{file}: the SOP table ({grid.where[start]}) has no numbered step rows: "
            "each step needs its number (1, 2, ... or 1., 2., ...) in the 'No' column"
        )
    return Layout(grid.rows[:start], titles, tuple(steps), tuple(notes), columns.unit)


def _named_actors(steps: list[RawStep]) -> tuple[list[RawStep], tuple[str, ...]]:
    """Actor columns made from a ``Pelaksana`` column of names: one per name, a box marks it."""
    titles = tuple(dict.fromkeys(s.marks[0] for s in steps if s.marks and s.marks[0]))
    marked = [
        replace(s, marks=tuple("[]" if s.marks and s.marks[0] == t else "" for t in titles))
        for s in steps
    ]
    return marked, titles


def _header_start(rows: tuple[tuple[str, ...], ...]) -> int | None:
    for i in range(len(rows)):
        words = {normalize(c) for row in rows[i : i + 3] for c in row} & _HEAD
        if {"kelengkapan", "waktu"} <= words or (
            "pelaksana" in words and words & {"mutu baku", "baku mutu"}
        ):
            first = {normalize(c) for c in rows[i]} & _HEAD
            if first:
                return i
    return None


def _is_step_row(row: tuple[str, ...]) -> bool:
    return _number(row) is not None and not _is_numbering(row)


def _number(row: tuple[str, ...]) -> int | None:
    for cell in row[:2]:
        if cell.strip():
            match = _NUMBER.match(clean_text(cell))
            return int(match[1]) if match else None
    return None


def _is_numbering(row: tuple[str, ...]) -> bool:
    """The row numbering the columns (``1 2 3 ... 13``) under the header."""
    cells = [c.strip().rstrip(".") for c in row if c.strip()]
    return len(cells) >= 4 and cells == [str(n) for n in range(1, len(cells) + 1)]


def _find(row: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    for name in names:
        for i, cell in enumerate(row):
            if normalize(cell) == name or normalize(cell).startswith(name + " "):
                return i
    return None


def _columns(block: tuple[tuple[str, ...], ...], *, file: str, where: str) -> _Columns:
    def first(names: tuple[str, ...]) -> tuple[int, int] | None:
        for r, row in enumerate(block):
            if (i := _find(row, names)) is not None:
                return r, i
        return None

    desc, kel, waktu = first(_DESC), first(("kelengkapan", "persyaratan")), first(("waktu",))
    if waktu is None:
        raise SopImportError(
            f"{file}: the SOP table header ({where}) has no 'Waktu' column; "
            "the Mutu Baku columns Kelengkapan, Waktu and Output are needed"
        )
    no = first(("no", "nomor"))
    desc_col = desc[1] if desc else (no[1] + 1 if no else 1)
    kel_col = kel[1] if kel else waktu[1] - 1
    names_row = block[kel[0] if kel else waktu[0]]
    actors = tuple(
        i
        for i in range(desc_col + 1, kel_col)
        if i < len(names_row) and clean_text(names_row[i]) and normalize(names_row[i]) not in _HEAD
    )
    named = first(("pelaksana",))
    if actors or named is None or not desc_col < named[1] < kel_col:
        named = None
    unit_word = normalize(block[waktu[0]][waktu[1]])
    unit: Unit | None = next(
        (u for u in ("menit", "jam", "hari") if u in unit_word.split()),
        None,
    )
    return _Columns(
        no=no[1] if no else 0,
        desc=desc_col,
        actors=actors,
        titles=tuple(clean_text(names_row[i]) for i in actors),
        kelengkapan=kel_col,
        waktu=waktu[1],
        unit=unit,
        named=named[1] if named else None,
    )


def _step_rows(grid: Grid, begin: int, columns: _Columns) -> tuple[list[RawStep], list[str]]:
    """Group the rows below the header into steps: continuation rows join the step above."""
    groups: list[tuple[list[str], str]] = []
    notes: list[str] = []
    text_file = all(w.startswith("line ") for w in grid.where)
    for row, where in zip(grid.rows[begin:], grid.where[begin:], strict=True):
        if not any(c.strip() for c in row) or _is_numbering(row) or _is_repeated_header(row):
            continue
        if _is_step_row(row):
            groups.append((list(row), where))
        elif groups and text_file and (len(row) > 1 or not _has_waktu(groups[-1][0], columns)):
            cells = groups[-1][0]
            cells[-1] = f"{cells[-1]} {row[0]}"
            cells.extend(row[1:])
        elif groups and not text_file:
            cells = groups[-1][0]
            for i, cell in enumerate(row):
                if cell.strip():
                    cells.extend([""] * (i + 1 - len(cells)))
                    cells[i] = f"{cells[i]}\n{cell}".strip()
        else:
            kind = "after" if groups else "between the header and the first step of"
            notes.append(
                f"{where}: text {kind} the table is not a step: '{clean_text(' '.join(row))}'"
            )
    return [_raw_step(cells, where, columns) for cells, where in groups], notes


def _is_repeated_header(row: tuple[str, ...]) -> bool:
    return len({normalize(c) for c in row} & _HEAD) >= 2


def _has_waktu(cells: list[str], columns: _Columns) -> bool:
    return any(parse_waktu(c, default_unit=columns.unit) for c in cells[columns.desc + 1 :])


def _waktu_index(cells: list[str], columns: _Columns) -> int:
    """The Waktu cell of a row: under the Waktu header, else the readable one nearest to it."""
    if columns.waktu < len(cells) and parse_waktu(cells[columns.waktu], default_unit=columns.unit):
        return columns.waktu
    found = [
        i
        for i in range(columns.desc + 2, len(cells))
        if parse_waktu(cells[i], default_unit=columns.unit)
    ]
    return min(found, key=lambda i: abs(i - columns.waktu)) if found else columns.waktu


def _raw_step(cells: list[str], where: str, columns: _Columns) -> RawStep:
    def cell(i: int) -> str:
        return cells[i] if 0 <= i < len(cells) else ""

    w = _waktu_index(cells, columns)
    shift = w - columns.waktu
    number = _number(tuple(cells))
    assert number is not None  # only step rows are grouped
    marks = tuple(
        cell(i + shift) if columns.desc < i + shift < w - 1 else "" for i in columns.actors
    )
    if columns.named is not None:
        marks = (clean_text(cell(columns.named + shift)),)
    return RawStep(
        number=number,
        where=where,
        description=clean_text(cell(columns.desc)),
        marks=marks,
        aligned=shift == 0,
        kelengkapan=cell(w - 1),
        waktu=cell(w),
        output=clean_text(cell(w + 1)),
        keterangan=clean_text(" ".join(cells[w + 2 :])),
    )
