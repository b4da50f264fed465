"""The report as one self-contained HTML page: styles inline, charts as embedded SVG images.

Nothing is fetched when it opens (no script, no font, no stylesheet from the network), so it
opens offline and prints to A4. The output depends only on the report: the same report gives
the same bytes.
"""

from __future__ import annotations

import base64
import re
from html import escape

from sopmine._version import __version__
from sopmine.report._document import (
    NUMERIC_KINDS,
    Chart,
    Facts,
    Paragraph,
    Report,
    Section,
    Table,
)

__all__ = ["render_html"]

_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --head: #f0f4f8; --accent: #3b6ea5; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; font-size: 14px; line-height: 1.5; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; color: var(--accent); }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
     margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
.subtitle { color: var(--muted); margin: 0 0 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.25rem; font-size: 12px; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top;
         text-align: left; }
thead th { background: var(--head); }
td.num, th.num { text-align: right; white-space: nowrap; }
table.facts th { width: 32%; background: var(--head); font-weight: normal; }
table.tall td, table.tall th { height: 4.5rem; }
td.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 11px; word-break: break-all; }
p.note { color: var(--muted); font-size: 12px; }
p.table-note { color: var(--muted); font-size: 12px; margin-top: -1rem; }
p.finding { border-left: 3px solid #c0392b; padding-left: .6rem; }
figure { margin: 1rem 0 1.5rem; }
figure img { width: 100%; max-width: 44rem; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; }
nav.toc ol { padding-left: 1.2rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 11px;
         border-top: 1px solid var(--line); }
@media print {
  body { max-width: none; margin: 0; font-size: 11px; }
  h2 { break-before: page; }
  section.case { break-inside: avoid-page; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"""


def render_html(report: Report) -> str:
    """The report as an HTML document (a string)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{report.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="sopmine {escape(__version__)}">',
        f"<title>{escape(report.title)} — {escape(report.subtitle)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{escape(report.title)}</h1>",
        f'<p class="subtitle">{escape(report.subtitle)}</p></header>',
        _toc(report),
    ]
    for section in report.sections:
        parts.append(_section(section, report))
    parts += [f"<footer>{escape(report.footer)}</footer>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _toc(report: Report) -> str:
    title = "Daftar isi" if report.lang == "id" else "Contents"
    items = [
        f'<li><a href="#{_anchor(s.key)}">{escape(s.title)}</a></li>'
        for s in report.sections
        if s.level == 1
    ]
    return f'<nav class="toc"><h2>{title}</h2><ol>{"".join(items)}</ol></nav>'


def _section(section: Section, report: Report) -> str:
    tag = "h2" if section.level == 1 else "h3"
    css = ' class="case"' if section.level > 1 else ""
    body = [f'<section id="{_anchor(section.key)}"{css}>',
            f"<{tag}>{escape(section.title)}</{tag}>"]  # fmt: skip
    for block in section.blocks:
        if isinstance(block, Paragraph):
            style = "" if block.style == "body" else f' class="{block.style}"'
            body.append(f"<p{style}>{escape(block.text)}</p>")
        elif isinstance(block, Facts):
            body.append(_facts(block))
        elif isinstance(block, Table):
            if block.key in ("cover",):
                continue  # the cover's facts are shown above; the table is for the XLSX
            body.append(_table(block, report))
        elif isinstance(block, Chart):
            body.append(_chart(block))
    body.append("</section>")
    return "\n".join(body)


def _facts(facts: Facts) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in facts.rows
    )
    css = "facts tall" if facts.tall else "facts"
    return f'<table class="{css}"><tbody>{rows}</tbody></table>'


def _table(table: Table, report: Report) -> str:
    texts = table.texts(report.lang, zone=report.zone, minutes_per_day=report.minutes_per_day)
    classes = [_css(c.kind, c.name) for c in table.printed]
    head = "".join(f'<th scope="col"{k}>{escape(table.label(c, report.zone))}</th>'
                   for c, k in zip(table.printed, classes, strict=True))  # fmt: skip
    body = "".join(
        "<tr>"
        + "".join(f"<td{k}>{_cell(v)}</td>" for v, k in zip(row, classes, strict=True))
        + "</tr>"
        for row in texts
    )
    caption = f"<caption>{escape(table.title)}</caption>" if table.title else ""
    out = f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if table.note:
        out += f'<p class="table-note">{escape(table.note)}</p>'
    return out


def _cell(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _css(kind: str, name: str) -> str:
    if kind in NUMERIC_KINDS:
        return ' class="num"'
    return ' class="mono"' if name == "sha256" else ""


def _chart(chart: Chart) -> str:
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(chart.alt)}">'
            f"<figcaption>{escape(chart.title)}</figcaption></figure>")  # fmt: skip


def _anchor(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")
