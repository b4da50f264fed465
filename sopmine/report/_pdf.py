"""The report as an A4 PDF, drawn with ReportLab (pure pip: no system libraries).

The DejaVu fonts that ship with matplotlib are embedded, so Indonesian text and signs such as
"–" and "≤" print the same everywhere. ReportLab's ``invariant`` mode keeps the file free of
dates and random ids: the same report gives the same PDF.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib as mpl
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from sopmine.report import _document as doc
from sopmine.report._words import word

__all__ = ["render_pdf"]

_WIDTH = A4[0] - 3.6 * cm
_INK, _MUTED, _LINE = (
    colors.HexColor("#1f2933"),
    colors.HexColor("#52606d"),
    colors.HexColor("#d9e2ec"),
)
_ACCENT, _HEAD = colors.HexColor("#3b6ea5"), colors.HexColor("#f0f4f8")


def render_pdf(report: doc.Report) -> bytes:
    """The report as PDF bytes."""
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    template = _Template(buffer, report)
    story = _story(report, styles)
    template.multiBuild(story, canvasmaker=_numbered_canvas(report))
    return buffer.getvalue()


class _Template(SimpleDocTemplate):  # type: ignore[misc]
    """A4 with room for the footer; level-1 and level-2 headings feed the table of contents."""

    def __init__(self, buffer: io.BytesIO, report: doc.Report) -> None:
        super().__init__(
            buffer, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.8 * cm,
            bottomMargin=2.0 * cm, title=f"{report.title} — {report.subtitle}",
            author="sopmine", subject=report.footer, creator="sopmine", invariant=1,
        )  # fmt: skip

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (ReportLab's hook name)
        level = getattr(flowable, "toc_level", None)
        if level is not None:
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page))


def _numbered_canvas(report: doc.Report) -> type[Canvas]:
    """A canvas that writes "Halaman x dari y" and the footer once it knows the page count."""

    class Numbered(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's method name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont("DejaVuSans", 7.5)
            self.setFillColor(_MUTED)
            self.drawString(1.8 * cm, 1.1 * cm, report.footer)
            text = word("page", report.lang, page=self._pageNumber, pages=total)
            self.drawRightString(A4[0] - 1.8 * cm, 1.1 * cm, text)
            self.restoreState()

    return Numbered


def _story(report: doc.Report, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 2.5 * cm),
        Paragraph(_x(report.title), styles["title"]),
        Paragraph(_x(report.subtitle), styles["subtitle"]),
        Spacer(1, 0.6 * cm),
    ]
    toc = TableOfContents()
    toc.levelStyles = [styles["toc1"], styles["toc2"]]
    for section in report.sections:
        if section.key == "summary":  # the contents come after the cover page
            story += [PageBreak(), Paragraph(_x(word("contents", report.lang)), styles["h1"]),
                      toc]  # fmt: skip
        story += _section(section, report, styles)
    return story


def _section(
    section: doc.Section, report: doc.Report, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    out: list[Flowable] = []
    if section.level == 1:
        if section.key != "cover":
            out.append(PageBreak())
        heading = Paragraph(_x(section.title), styles["h1"])
        heading.toc_level = 0 if section.key != "cover" else None
    else:
        out.append(CondPageBreak(5 * cm))
        heading = Paragraph(_x(section.title), styles["h2"])
        heading.toc_level = None
    if section.key == "cover":
        heading.toc_level = None
    blocks = [f for b in section.blocks for f in _block(b, report, styles)]
    out.append(KeepTogether([heading, *blocks[:1]]))  # never a heading alone at a page's foot
    out.extend(blocks[1:])
    return out


def _block(
    block: doc.Block, report: doc.Report, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    if isinstance(block, doc.Paragraph):
        return [Paragraph(_x(block.text), styles[block.style])]
    if isinstance(block, doc.Facts):
        return [_facts(block, styles), Spacer(1, 0.25 * cm)]
    if isinstance(block, doc.Chart):
        image = Image(io.BytesIO(block.png), width=block.width_cm * cm,
                      height=block.height_cm * cm)  # fmt: skip
        caption = Paragraph(_x(block.title), styles["caption"])
        return [KeepTogether([image, caption, Spacer(1, 0.3 * cm)])]
    if block.key == "cover":
        return []  # the cover's facts are shown as such; this table is for the XLSX
    return _table(block, report, styles)


def _facts(facts: doc.Facts, styles: dict[str, ParagraphStyle]) -> Table:
    rows = [[Paragraph(_x(k), styles["cell_head"]), Paragraph(_x(v), styles["cell"])]
            for k, v in facts.rows]  # fmt: skip
    heights = [1.6 * cm] * len(rows) if facts.tall else None
    table = Table(rows, colWidths=[0.32 * _WIDTH, 0.68 * _WIDTH], rowHeights=heights,
                  hAlign="LEFT")  # fmt: skip
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, _LINE), ("BACKGROUND", (0, 0), (0, -1), _HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _table(
    table: doc.Table, report: doc.Report, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    texts = table.texts(report.lang, zone=report.zone, minutes_per_day=report.minutes_per_day)
    # A table too wide for the page at 7.5 pt is set at 6.5 pt before any word is broken.
    size = 7.5
    widths, overflow = _widths(table, texts, size)
    if overflow:
        size = 6.5
        widths, _ = _widths(table, texts, size)
    sized = {k: ParagraphStyle(f"{k}_{size}", parent=styles[k], fontSize=size, leading=size + 2)
             for k in ("cell", "cell_num", "cell_head")}  # fmt: skip
    head = [Paragraph(_x(table.label(c, report.zone)), sized["cell_head"]) for c in table.printed]
    cell_styles = [sized["cell_num"] if c.kind in doc.NUMERIC_KINDS else sized["cell"]
                   for c in table.printed]  # fmt: skip
    numeric = [c.kind in doc.NUMERIC_KINDS for c in table.printed]
    room = [w - 6.5 for w in widths]
    # A cell that fits on one line is drawn as a plain string: far faster than a paragraph.
    rows = [[v if plain or _fits(v, r, size) else Paragraph(_x(v), s)
             for v, s, plain, r in zip(row, cell_styles, numeric, room, strict=True)]
            for row in texts]  # fmt: skip
    grid = Table([head, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    figures = [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, plain in enumerate(numeric) if plain]
    grid.setStyle(TableStyle([
        *figures, ("FONT", (0, 1), (-1, -1), "DejaVuSans", size, size + 2),
        ("GRID", (0, 0), (-1, -1), 0.4, _LINE), ("BACKGROUND", (0, 0), (-1, 0), _HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))  # fmt: skip
    parts: list[Flowable] = []
    if table.title:
        parts.append(Paragraph(_x(table.title), styles["caption_head"]))
    parts.append(grid)
    if table.note:
        parts.append(Paragraph(_x(table.note), styles["note"]))
    parts.append(Spacer(1, 0.25 * cm))
    # A short table stays in one piece; a long one splits across pages, its header repeated.
    return [KeepTogether(parts)] if len(texts) < 12 else parts


def _fits(text: str, room: float, size: float) -> bool:
    return "\n" not in text and pdfmetrics.stringWidth(text, "DejaVuSans", size) <= room


def _widths(table: doc.Table, texts: list[list[str]], size: float) -> tuple[list[float], bool]:
    """Each column as wide as its longest word (no word is broken), a figure column as its
    widest figure; the width left goes to the text columns by their typical length. The flag
    says the columns did not fit (then text columns give way)."""
    needs, weights = [], []
    for i, column in enumerate(table.printed):
        values = [row[i] for row in texts[:400]]
        words = table.label(column, "Asia/Makassar").split()  # the longest zone name
        label = max((_width(w, size, bold=True) for w in words), default=0.0)
        if column.kind in doc.NUMERIC_KINDS or column.kind == "when":
            widest = max((_width(v, size) for v in values), default=0.0)
            weights.append(0.0)
        else:
            widest = max((_width(w, size) for v in values for w in v.split()), default=0.0)
            if column.name.startswith("source"):  # a long file name may wrap; never its row
                widest = min(widest, 0.2 * _WIDTH)
            typical = sorted(len(v) for v in values)[int(0.9 * (len(values) - 1))] if values else 4
            weights.append(float(max(min(typical, 50), 4)))
        needs.append(min(max(label, widest) + 7, 0.35 * _WIDTH))
    if sum(needs) >= _WIDTH:  # too wide: text columns give way (figures and times never wrap)
        fixed = sum(n for n, w in zip(needs, weights, strict=True) if not w)
        text = sum(needs) - fixed
        scale = max(_WIDTH - fixed, 0.3 * _WIDTH) / text if text else 1.0
        return [n * scale if w else n for n, w in zip(needs, weights, strict=True)], True
    spare, total = _WIDTH - sum(needs), sum(weights) or 1.0
    return [n + spare * w / total for n, w in zip(needs, weights, strict=True)], False


def _width(text: str, size: float, *, bold: bool = False) -> float:
    font = "DejaVuSans-Bold" if bold else "DejaVuSans"
    return float(pdfmetrics.stringWidth(text, font, size))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9.5, leading=13.5,
                          textColor=_INK, spaceAfter=6)  # fmt: skip
    bold = "DejaVuSans-Bold"

    def like(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "title": like("title", fontName=bold, fontSize=22, leading=28, textColor=_ACCENT),
        "subtitle": like("subtitle", fontSize=12, leading=16, textColor=_MUTED),
        "h1": like("h1", fontName=bold, fontSize=15, leading=20, textColor=_ACCENT,
                   spaceBefore=4, spaceAfter=10),
        "h2": like("h2", fontName=bold, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=6),
        "note": like("note", fontSize=8, leading=11, textColor=_MUTED),
        "finding": like("finding", fontSize=9, leading=12, textColor=colors.HexColor("#8e2a1f")),
        "caption": like("caption", fontSize=8, leading=11, textColor=_MUTED),
        "caption_head": like("caption_head", fontName=bold, fontSize=9, leading=12, spaceAfter=3),
        "cell": like("cell", fontSize=7.5, leading=9.5, spaceAfter=0),
        "cell_num": like("cell_num", fontSize=7.5, leading=9.5, spaceAfter=0, alignment=TA_RIGHT),
        "cell_head": like("cell_head", fontName=bold, fontSize=7.5, leading=9.5, spaceAfter=0),
        "toc1": like("toc1", fontSize=10, leading=15),
        "toc2": like("toc2", fontSize=9, leading=12, leftIndent=14),
    }  # fmt: skip


def _register_fonts() -> None:
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(mpl.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")


def _x(text: str) -> str:
    """Plain text made safe for a ReportLab paragraph (which reads a little markup)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\n", "<br/>")
