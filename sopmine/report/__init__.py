"""The Inspektorat's compliance report: one SOP (and office) over one period.

:func:`compose_report` turns verdicts and the store's records (:class:`ReportData`) into a
:class:`Report`; the report writes itself as self-contained HTML, PDF (ReportLab, no system
libraries) or XLSX (one sheet per table). ``sopmine.build_report`` reads the store and calls
it; ``sopmine report`` is the command. See ``docs/report.md``.

Inside: ``_words`` (id/en words and number formats), ``_document`` (the document model),
``_compose`` (cover, summary, steps), ``_findings`` (deviations and dossiers), ``_method``
(methodology, data quality, sign-off), ``_charts`` (matplotlib), ``_pseudo`` (pseudonyms),
and one renderer per format (``_html``, ``_pdf``, ``_xlsx``).
"""

from sopmine.report._compose import ReportData, compose_report
from sopmine.report._document import Report
from sopmine.report._write import REPORT_FORMATS, ReportFormat, write_report
from sopmine.report._xlsx import neutralize

__all__ = [
    "REPORT_FORMATS",
    "Report",
    "ReportData",
    "ReportFormat",
    "compose_report",
    "neutralize",
    "write_report",
]
