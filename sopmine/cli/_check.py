"""``sopmine check``: the stored events of each SOP against its model, verdicts into the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sopmine.check import DEVIATION_TYPES
from sopmine.cli._app import app, err, out
from sopmine.errors import SopmineError
from sopmine.pipeline import StoreCheck, check_store
from sopmine.store import default_db_path

_LANGS = ("id", "en")


@app.command("check")
def check_command(
    sop: Annotated[
        str | None, typer.Option("--sop", help="SOP model id or path. Default: every SOP loaded.")
    ] = None,
    office: Annotated[
        str | None, typer.Option("--office", help="Only the cases of this office.")
    ] = None,
    period_from: Annotated[
        str | None,
        typer.Option("--from", help="Cases arriving on or after this date (YYYY-MM-DD)."),
    ] = None,
    period_to: Annotated[
        str | None,
        typer.Option("--to", help="Cases arriving on or before this date (YYYY-MM-DD)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="When open cases are judged ('2025-06-30 16:00', office time). "
            "Default: the latest event loaded.",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the findings: id or en.")] = "id",
    force: Annotated[
        bool, typer.Option("--force", help="Check again even if nothing changed.")
    ] = False,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The DuckDB store. Default: $SOPMINE_DB, else ./sopmine.duckdb."),
    ] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait while another process holds the store.")
    ] = 10.0,
) -> None:
    """Check every case against its SOP: steps, order, actors, four-eyes, and SLA in working time.

    Verdicts go to the store (tables check_cases, check_steps, check_deviations), one run per
    SOP, office and period; a summary is printed. Unchanged data is not checked twice.
    """
    if lang not in _LANGS:
        raise SopmineError(f"--lang {lang!r}: use id or en")
    start, end = _date(period_from, "--from"), _date(period_to, "--to")
    if start and end and start > end:
        raise SopmineError(f"--from {start} is after --to {end}")
    done = check_store(
        sop=sop,
        office=office,
        period_from=start,
        period_to=end,
        as_of=as_of,
        lang=lang,
        db=db,
        wait=wait,
        force=force,
        on_stage=lambda line: (
            err.print(f"[dim]{line}[/]", highlight=False) if err.is_terminal else None
        ),
    )
    _print_summary(done)
    _print_deviations(done)
    target = db or default_db_path()
    out.print(f"Verdicts stored in {target} (tables check_cases, check_steps, check_deviations).")


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SopmineError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD") from None


def _pct(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:.1f}%"


def _print_summary(done: list[StoreCheck]) -> None:
    table = Table(title="Verdicts", title_justify="left")
    table.add_column("SOP")
    for column in ("cases", "open", "conformant", "on time", "at risk", "run"):
        table.add_column(column, justify="right")
    for item in done:
        row = item.summary.iloc[0]
        run = f"#{item.run_id}" + (" same" if item.unchanged else "")
        table.add_row(
            str(row["sop_id"]),
            f"{int(row['cases']):,}",
            f"{int(row['open']):,}",
            _pct(row["conformant_pct"]),
            _pct(row["on_time_pct"]),
            f"{int(row['at_risk']):,}",
            run,
        )
    out.print(table)
    if any(item.unchanged for item in done):
        out.print(
            "[dim]same: nothing changed since that run; its verdicts stand (--force to redo)[/]"
        )


def _print_deviations(done: list[StoreCheck]) -> None:
    counts = {item.scope.sop_id: item.summary.iloc[0] for item in done}
    table = Table(title="Deviations by type", title_justify="left")
    table.add_column("type")
    for sop_id in counts:
        table.add_column(sop_id, justify="right")
    for kind in DEVIATION_TYPES:
        values = [int(counts[s].get(f"n_{kind}", 0)) for s in counts]
        if any(values):
            table.add_row(kind, *(f"{v:,}" for v in values))
    out.print(table)
