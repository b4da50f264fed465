"""Write a report to a file, in the format its name asks for."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal, get_args

from sopmine.errors import SopmineError
from sopmine.report._document import Report

__all__ = ["REPORT_FORMATS", "ReportFormat", "write_report"]

ReportFormat = Literal["pdf", "html", "xlsx"]
REPORT_FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)


def write_report(
    report: Report, out: str | os.PathLike[str], *, fmt: ReportFormat | None = None
) -> Path:
    """Write ``report`` to ``out`` as PDF, HTML or XLSX (``fmt``, else the file's suffix).

    The file is written whole or not at all (a temporary file renamed into place).
    """
    path = Path(out)
    chosen = fmt or path.suffix.lower().lstrip(".")
    if chosen == "htm":
        chosen = "html"
    if chosen not in REPORT_FORMATS:
        raise SopmineError(
            f"cannot tell the report format of {path}: name it .pdf, .html or .xlsx, "
            "or give --format pdf|html|xlsx"
        )
    if path.parent and not path.parent.exists():
        raise SopmineError(f"the folder {path.parent} does not exist; create it or choose --out")
    if chosen == "html":
        data = report.to_html().encode("utf-8")
    elif chosen == "pdf":
        data = report.to_pdf()
    else:
        data = report.to_xlsx()
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
