"""``sopmine report``: the Inspektorat's compliance report of one SOP over one period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from sopmine.cli._app import app, err, out
from sopmine.errors import SopmineError
from sopmine.pipeline import build_report
from sopmine.report import write_report


@app.command("report")
def report_command(
    sop: Annotated[str, typer.Option("--sop", help="SOP model id (as loaded and checked).")],
    period_from: Annotated[
        str, typer.Option("--from", help="First day of the period (YYYY-MM-DD), inclusive.")
    ],
    period_to: Annotated[
        str, typer.Option("--to", help="Last day of the period (YYYY-MM-DD), inclusive.")
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="The file to write: .pdf, .html or .xlsx.")
    ],
    fmt: Annotated[
        Literal["pdf", "html", "xlsx"] | None,
        typer.Option("--format", help="pdf, html or xlsx. Default: from the --out suffix."),
    ] = None,
    office: Annotated[
        str | None, typer.Option("--office", help="The office (its name or regency).")
    ] = None,
    pseudonymize: Annotated[
        bool,
        typer.Option(
            "--pseudonymize",
            help="Replace people and application numbers by stable salted pseudonyms.",
        ),
    ] = False,
    salt: Annotated[
        str | None,
        typer.Option(
            "--salt",
            help="Pseudonym salt; keep it secret. Default: $SOPMINE_SALT, else <store>.salt.",
        ),
    ] = None,
    lang: Annotated[
        Literal["id", "en"], typer.Option("--lang", help="Bahasa Indonesia (id) or English (en).")
    ] = "id",
    generated_at: Annotated[
        str | None,
        typer.Option(
            "--generated-at",
            help="Generation time printed in the report (ISO 8601, default now); the same "
            "store, options and time give the same HTML and XLSX bytes.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The DuckDB store. Default: $SOPMINE_DB, else ./sopmine.duckdb."),
    ] = None,
) -> None:
    """Write the compliance report of one SOP for the applications of a period.

    Cover (office, SOP, period, sources with sha256, model hash, version), summary against
    the previous period, steps against the SOP's Waktu, a table per deviation type, a dossier
    per non-compliant case, and the methodology. In Bahasa Indonesia unless --lang en.
    """
    if out_file.exists() and not force:
        raise SopmineError(f"{out_file} exists; give --force to overwrite it, or another --out")
    if err.is_terminal:
        err.print(f"[dim]reading the verdicts of {sop} ...[/]", highlight=False)
    report = build_report(
        db, sop=sop, period_from=period_from, period_to=period_to, office=office, lang=lang,
        pseudonymize=pseudonymize, salt=salt, generated_at=generated_at,
    )  # fmt: skip
    written = write_report(report, out_file, fmt=fmt)
    sheets = report.tables
    cases = sheets["summary"]["current"].iloc[0] if "summary" in sheets else 0
    out.print(
        f"wrote {written} ({written.stat().st_size:,} bytes): {sop}, "
        f"{period_from} .. {period_to}, {int(cases)} applications"
        f"{', pseudonymized' if pseudonymize else ''}",
        highlight=False,
        soft_wrap=True,
    )
