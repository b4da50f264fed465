"""The report's tables as an XLSX workbook: one sheet per table, typed values, frozen headers.

Text that a spreadsheet would run as a formula (a cell starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is written with a leading apostrophe, so an export that carried
such a value cannot act when the workbook is opened. The workbook's dates and the zip entries'
times are the report's generation time, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sopmine.report._document import Report, Table
from sopmine.report._words import word

__all__ = ["neutralize", "render_xlsx"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEETS = {
    "cover": ("Identitas", "Identity"),
    "sources": ("Sumber data", "Data sources"),
    "summary": ("Ringkasan", "Summary"),
    "deviation_types": ("Jenis penyimpangan", "Deviation types"),
    "bottlenecks": ("Hambatan", "Bottlenecks"),
    "steps": ("Langkah", "Steps"),
    "dossier_findings": ("Lampiran - temuan", "Appendix - findings"),
    "dossier_timeline": ("Lampiran - jejak", "Appendix - timeline"),
    "definitions": ("Definisi", "Definitions"),
    "reject_reasons": ("Penolakan per alasan", "Rejects by reason"),
    "rejects": ("Baris ditolak", "Rejected rows"),
}
_FORMATS = {
    "figure": "@",
    "number": "General",
    "int": "#,##0",
    "float": "0.000",
    "pct": "0.0",
    "days": "0.00",
    "minutes": "0",
}
_UNITS = {"pct": (" (%)", " (%)"), "days": ("", ""), "minutes": (" (menit kerja)",
                                                                 " (working minutes)")}  # fmt: skip
_HEAD = PatternFill("solid", fgColor="F0F4F8")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def neutralize(value: object) -> object:
    """``value``, with text that a spreadsheet would run as a formula made inert.

    >>> neutralize("=HYPERLINK(\\"http://x\\")"), neutralize("-"), neutralize(-3)
    ('\\'=HYPERLINK("http://x")', "'-", -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_xlsx(report: Report) -> bytes:
    """The workbook as bytes."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for key, table in report.sheets.items():
        sheet = book.create_sheet(_sheet_name(key, report, used))
        _write(sheet, table, report)
    stamp = _stamp(report)
    book.properties.creator = "sopmine"
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.title = report.title
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue(), stamp)


def _write(sheet: Worksheet, table: Table, report: Report) -> None:
    index = 0 if report.lang == "id" else 1
    labels = [table.label(c, report.zone) + _UNITS.get(c.kind, ("", ""))[index]
              for c in table.sheet]  # fmt: skip
    sheet.append(labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    columns = [_values(table.frame[c.name], c.kind, report.zone) for c in table.sheet]
    for row in zip(*columns, strict=True):
        sheet.append([neutralize(v) for v in row])
    for i, column in enumerate(table.sheet, start=1):
        letter = get_column_letter(i)
        number_format = "yyyy-mm-dd hh:mm" if column.kind == "when" else _FORMATS.get(column.kind)
        if number_format:
            for cell in sheet[letter][1:]:
                cell.number_format = number_format
        sheet.column_dimensions[letter].width = _width(labels[i - 1], columns[i - 1])
    sheet.freeze_panes = "A2"
    if len(table.frame):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{len(table.frame) + 1}"


def _values(values: pd.Series, kind: str, zone: str) -> list[object]:
    out: list[object] = []
    for value in values.tolist():
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            out.append(None)
        elif kind == "when":
            out.append(pd.Timestamp(value).tz_convert(zone).tz_localize(None).to_pydatetime())
        elif kind == "int":
            out.append(int(value))
        elif kind in _FORMATS and kind != "figure":
            out.append(float(value))
        else:
            out.append(str(value))
    return out


def _width(label: str, values: list[object]) -> float:
    sample = [len(str(v)) for v in values[:500] if v is not None]
    typical = sorted(sample)[int(0.9 * (len(sample) - 1))] if sample else 0
    return float(min(max(typical, len(label) * 0.6, 8) + 2, 60))


def _sheet_name(key: str, report: Report, used: set[str]) -> str:
    index = 0 if report.lang == "id" else 1
    if key in _SHEETS:
        name = _SHEETS[key][index]
    elif key.startswith("dev_"):
        name = word(key[4:], report.lang)
    else:
        name = key
    name = re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip()
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _stamp(report: Report) -> object:
    stamp = report.generated_at if report.generated_at is not None else pd.Timestamp("2000-01-01")
    stamp = pd.Timestamp(stamp)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.floor("s").to_pydatetime()


def _fixed_zip(data: bytes, stamp: object) -> bytes:
    """The same archive with every entry dated ``stamp`` (zip entries otherwise carry 'now')."""
    when = stamp.timetuple()[:6]  # type: ignore[attr-defined]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[attr-defined]
    when = (max(when[0], 1980), *when[1:])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with now
                content = _MODIFIED.sub(rb"\g<1>" + iso.encode() + rb"\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()
