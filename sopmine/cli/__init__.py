"""The ``sopmine`` command line: thin Typer commands over the Python API.

Errors that sopmine raises on purpose are printed as ``error: ...`` lines on stderr with exit
code 1; anything else is a bug, printed as one line (exit 70) unless ``SOPMINE_DEBUG=1`` asks
for the traceback. One module per command group: ``_sop`` (SOP models), ``_load`` (exports and
the store), ``_check`` (verdicts), ``_analyze`` (analytics), ``_dashboard`` (the dashboard),
``_report`` (the Inspektorat's report), ``_simulate`` (simulated exports).
"""

from __future__ import annotations

import os

from sopmine.cli import (  # noqa: F401
    _analyze,
    _check,
    _dashboard,
    _load,
    _report,
    _simulate,
    _sop,
)
from sopmine.cli._app import app, err
from sopmine.errors import SopmineError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``sopmine`` command."""
    try:
        app(prog_name="sopmine")
    except SopmineError as exc:
        for line in str(exc).splitlines():
            err.print(f"[red]error:[/] {line.strip()}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except Exception as exc:
        if os.environ.get("SOPMINE_DEBUG"):
            raise
        err.print(
            f"[red]internal error:[/] {type(exc).__name__}: {exc} "
            "(a bug in sopmine; rerun with SOPMINE_DEBUG=1 for the traceback)",
            highlight=False,
            soft_wrap=True,
        )
        raise SystemExit(70) from None
