"""The report as a document: sections of paragraphs, facts, tables and charts.

The composer (``_compose``) builds one :class:`Report`; the renderers (``_html``, ``_pdf``,
``_xlsx``) write it. Tables keep their typed values and say how each column is written, so the
HTML and PDF show ``87,1%`` while the XLSX keeps the number 87.1.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from sopmine.report._words import Language, days_text, number, pct, stamp_text, zone_name

__all__ = [
    "NUMERIC_KINDS",
    "Block",
    "Chart",
    "Column",
    "Facts",
    "Kind",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "cell_text",
]

Kind = Literal["text", "figure", "int", "number", "float", "pct", "days", "minutes", "when"]
#: Kinds set right-aligned; ``figure`` is text already written as a number (``+2,5 poin``).
NUMERIC_KINDS = frozenset({"figure", "int", "number", "float", "pct", "days", "minutes"})


@dataclass(frozen=True)
class Column:
    """A shown column: its name in the frame, its header, and how its values are written."""

    name: str
    label: str
    kind: Kind = "text"
    printed: bool = True  # False: in the XLSX only (a second unit of a printed column, say)
    in_sheet: bool = True  # False: printed only (two XLSX columns written as one, say)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (no markup)."""

    text: str
    style: Literal["body", "note", "finding"] = "body"


@dataclass(frozen=True)
class Facts:
    """Label and value pairs (the cover, a case's header); ``tall`` rows leave room to sign."""

    rows: tuple[tuple[str, str], ...]
    tall: bool = False


@dataclass(frozen=True)
class Table:
    """A table: ``frame`` holds the values, ``columns`` the shown columns in order."""

    key: str
    title: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    note: str | None = None

    def label(self, column: Column, zone: str) -> str:
        """A column's header; a time column names its zone (``Selesai (WIB)``)."""
        return f"{column.label} ({zone_name(zone)})" if column.kind == "when" else column.label

    @property
    def sheet(self) -> tuple[Column, ...]:
        """The columns written to the XLSX."""
        return tuple(c for c in self.columns if c.in_sheet)

    @property
    def printed(self) -> tuple[Column, ...]:
        """The columns shown in the HTML and PDF."""
        return tuple(c for c in self.columns if c.printed)

    def texts(self, lang: Language, *, zone: str, minutes_per_day: float) -> list[list[str]]:
        """The printed columns' rows as written for a reader (HTML and PDF)."""
        shown = self.printed
        values = [self.frame[c.name].tolist() for c in shown]
        return [
            [cell_text(v, c.kind, lang, zone=zone, minutes_per_day=minutes_per_day)
             for v, c in zip(row, shown, strict=True)]
            for row in zip(*values, strict=True)
        ]  # fmt: skip


@dataclass(frozen=True)
class Chart:
    """A chart drawn once as SVG (HTML) and PNG (PDF), with a text alternative."""

    key: str
    title: str
    svg: str
    png: bytes
    alt: str
    width_cm: float = 16.0
    height_cm: float = 8.0


Block = Paragraph | Facts | Table | Chart


@dataclass(frozen=True)
class Section:
    """A titled section; ``level`` 1 starts a chapter, 2 a sub-section (a case dossier)."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    level: int = 1


@dataclass(frozen=True)
class Report:
    """The Inspektorat's compliance report of one SOP (and office) over one period.

    ``sections`` are what the HTML and PDF show; ``sheets`` the tables of the XLSX (one sheet
    each, in order), also offered to analysts as :attr:`tables`.
    """

    title: str
    subtitle: str
    lang: Language
    zone: str
    minutes_per_day: float
    footer: str
    sections: tuple[Section, ...]
    sheets: Mapping[str, Table] = field(default_factory=dict)
    generated_at: pd.Timestamp | None = None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every sheet's table as a DataFrame with its column names (a copy)."""
        return {key: t.frame[[c.name for c in t.sheet]].copy() for key, t in self.sheets.items()}

    def blocks(self) -> Iterator[tuple[Section, Block]]:
        """Every block with its section, in reading order."""
        for section in self.sections:
            for block in section.blocks:
                yield section, block

    def to_html(self) -> str:
        """The report as one self-contained HTML page (opens offline)."""
        from sopmine.report._html import render_html

        return render_html(self)

    def to_pdf(self) -> bytes:
        """The report as a PDF (A4)."""
        from sopmine.report._pdf import render_pdf

        return render_pdf(self)

    def to_xlsx(self) -> bytes:
        """The report's tables as an XLSX workbook, one sheet per table, headers frozen."""
        from sopmine.report._xlsx import render_xlsx

        return render_xlsx(self)


def cell_text(
    value: object, kind: Kind, lang: Language, *, zone: str, minutes_per_day: float
) -> str:
    """One value as a reader sees it.

    >>> cell_text(87.14, "pct", "id", zone="Asia/Jakarta", minutes_per_day=480)
    '87,1%'
    >>> cell_text(pd.Timestamp("2025-05-05 07:30Z"), "when", "id", zone="Asia/Makassar",
    ...           minutes_per_day=480)
    '05-05-2025 15.30'
    >>> cell_text(960.0, "minutes", "id", zone="Asia/Jakarta", minutes_per_day=480)
    '2 hari 0 jam'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "—"
    if kind == "int":
        return number(int(value), lang)  # type: ignore[call-overload]
    if kind == "number":
        return number(float(value), lang, decimals=0 if float(value).is_integer() else 2)  # type: ignore[arg-type]
    if kind == "float":
        return number(float(value), lang, decimals=3)  # type: ignore[arg-type]
    if kind == "pct":
        return pct(float(value), lang)  # type: ignore[arg-type]
    if kind == "days":
        return days_text(float(value), 1.0, lang)  # type: ignore[arg-type]
    if kind == "minutes":
        return duration_text(float(value), minutes_per_day, lang)  # type: ignore[arg-type]
    if kind == "when":
        return stamp_text(pd.Timestamp(value), zone, lang)  # type: ignore[arg-type]
    return str(value)


def duration_text(minutes: float, minutes_per_day: float, lang: Language) -> str:
    """Working minutes as ``2 hari 3 jam``, ``3 jam 15 menit`` or ``15 menit``.

    >>> duration_text(75, 480, "en")
    '1 h 15 min'
    """
    units = ("hari", "jam", "menit") if lang == "id" else ("d", "h", "min")
    whole = round(minutes)
    days, rest = divmod(whole, round(minutes_per_day))
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} {units[0]} {hours} {units[1]}"
    if hours:
        return f"{hours} {units[1]} {mins} {units[2]}"
    return f"{mins} {units[2]}"
