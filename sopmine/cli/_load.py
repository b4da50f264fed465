"""``sopmine load``, ``rejects``, ``sources`` and ``profile ...``: exports into the store."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from sopmine.cli._app import app, err, out
from sopmine.errors import SopmineError
from sopmine.log import REJECT_REASONS, list_profiles, load_profile
from sopmine.pipeline import FileLoad, load_files
from sopmine.store import Store, default_db_path

profile_app = typer.Typer(
    help="Export profiles: list them, or print one to copy and adapt.", no_args_is_help=True
)
app.add_typer(profile_app, name="profile")

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="The DuckDB store. Default: $SOPMINE_DB, else ./sopmine.duckdb."),
]
ReadWait = Annotated[
    float, typer.Option("--wait", help="Seconds to wait while a load holds the store.")
]
_LARGE = 20 << 20  # files above this size get a progress display
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="Export files (CSV, XLSX, Parquet, XES).")],
    sop: Annotated[str, typer.Option("--sop", help="SOP model id or path.")],
    profile: Annotated[str, typer.Option("--profile", help="Profile name or YAML path.")],
    roster: Annotated[
        Path | None, typer.Option("--roster", help="Person id -> role file (CSV/XLSX).")
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Map a field to a column: --map timestamp='Tgl Selesai'."),
    ] = None,
    db: DbOption = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait while another process holds the store.")
    ] = 10.0,
) -> None:
    """Read exports through a profile, validate them, and load them into the store.

    All files load in one transaction: nothing is written unless all of them can be read.
    Rejected rows are kept with their reason (see: sopmine rejects).
    """
    columns = _parse_map(mapping or [])
    large = sum(f.stat().st_size for f in files if f.is_file()) > _LARGE
    with _Progress(enabled=large) as tell:
        done = load_files(
            files,
            sop=sop,
            profile=profile,
            roster=roster,
            columns=columns,
            db=db,
            wait=wait,
            on_stage=tell,
        )
    for item in done:
        _print_load(item)
    target = db or default_db_path()
    if any(item.outcome.rows_rejected for item in done):
        out.print(f"Rejected rows are kept: [bold]sopmine rejects --db {target}[/]")


def _parse_map(pairs: list[str]) -> dict[str, str]:
    columns = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise SopmineError(f"--map {pair!r}: write it as field=column, e.g. --map case_id=No")
        columns[field.strip()] = column.strip()
    return columns


class _Progress:
    """A transient spinner with the current stage, for large files only."""

    def __init__(self, *, enabled: bool) -> None:
        self._progress = (
            Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(bar_width=None),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            if enabled and err.is_terminal
            else None
        )
        self._task = TaskID(0)

    def __enter__(self) -> _Progress:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("loading", total=None)
        return self

    def __call__(self, stage: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=stage)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _print_load(item: FileLoad) -> None:
    read, outcome = item.read, item.outcome
    title = f"{read.path.name} -> {read.sop.id} (profile {read.profile.name})"
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("measure")
    table.add_column("rows", justify="right")
    if outcome.already_loaded:
        table.add_row("already loaded", f"source #{outcome.source_id}; nothing added")
    table.add_row("rows read", f"{outcome.rows_read:,}")
    table.add_row("rows loaded", f"{outcome.rows_loaded:,}")
    table.add_row("rows rejected", f"{outcome.rows_rejected:,}")
    if not outcome.already_loaded:
        for reason, count in read.rejects["reason"].value_counts().items():
            table.add_row(f"  {reason}", f"{count:,}")
    table.add_row("duplicate rows", f"{outcome.rows_duplicate:,}")
    table.add_row("  repeated in the file", f"{read.rows_duplicate:,}")
    table.add_row("  already in the store", f"{outcome.rows_duplicate - read.rows_duplicate:,}")
    table.add_row("events added", f"{outcome.events_added:,}")
    if outcome.open_replaced:
        table.add_row("open work replaced", f"{outcome.open_replaced:,}")
    out.print(table)
    if read.rows_read == 0:
        err.print(f"[yellow]warning:[/] {read.path}: the file has a header but no rows")
    if len(read.unmapped):
        _print_unmapped(item)


def _print_unmapped(item: FileLoad) -> None:
    unmapped = item.read.unmapped
    total = int(unmapped["count"].sum())
    table = Table(
        "label",
        "events",
        "closest steps' labels",
        title=f"{len(unmapped)} unmapped labels ({total:,} events kept without a step)",
        title_justify="left",
    )
    for row in unmapped.head(15).itertuples():
        table.add_row(str(row.label), f"{row.count:,}", str(row.suggestions or "-"))
    out.print(table)
    name = item.read.profile.name
    out.print(
        f"Map them as aliases in the SOP model, or under steps: {item.read.sop.id}: labels: "
        f"in a copy of the profile (sopmine profile show {name} > profiles/{name}_mine.yaml)",
        highlight=False,
    )


@app.command("rejects")
def rejects(
    db: DbOption = None,
    source: Annotated[int | None, typer.Option(help="Only this source id.")] = None,
    reason: Annotated[str | None, typer.Option(help="Only this reason code.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show (0: all).")] = 50,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write every matching reject to this CSV.")
    ] = None,
    wait: ReadWait = 5.0,
) -> None:
    """List the rejected rows: file:row, reason and what to fix."""
    if reason is not None and reason not in REJECT_REASONS:
        raise SopmineError(f"unknown reason {reason!r}; reasons: {', '.join(REJECT_REASONS)}")
    with Store.open(db or default_db_path(), read_only=True, wait=wait) as store:
        frame = store.rejects(source_id=source, reason=reason)
    if csv_out is not None:
        _write_csv(frame, csv_out)
        out.print(f"{len(frame):,} rejected rows written to {csv_out}")
        return
    shown = frame if limit <= 0 else frame.head(limit)
    table = Table("file:row", "reason", "message", title=f"{len(frame):,} rejected rows")
    for row in shown.itertuples():
        table.add_row(f"{row.file_name}:{row.source_row}", str(row.reason), str(row.message))
    out.print(table)
    if len(shown) < len(frame):
        out.print(f"… {len(frame) - len(shown):,} more; --limit 0 shows all, --csv FILE saves them")


def _write_csv(frame: object, path: Path) -> None:
    """Write rejects so that no cell is run as a formula when the CSV is opened in Excel."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    safe = frame.astype("object").where(frame.notna(), "")
    safe = safe.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    try:
        safe.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, encoding="utf-8-sig")
    except OSError as exc:
        raise SopmineError(f"cannot write {path}: {exc.strerror or exc}") from None


@app.command("sources")
def sources(db: DbOption = None, wait: ReadWait = 5.0) -> None:
    """List the files loaded into the store, with their counts."""
    with Store.open(db or default_db_path(), read_only=True, wait=wait) as store:
        frame = store.sources()
    table = Table(
        "id",
        "file",
        "profile",
        "sop",
        "loaded at (UTC)",
        "read",
        "loaded",
        "rejected",
        "duplicate",
        title=f"{len(frame)} loaded files",
    )
    for row in frame.itertuples():
        table.add_row(
            str(row.source_id),
            str(row.file_name),
            str(row.profile),
            str(row.sop_id),
            f"{row.loaded_at:%Y-%m-%d %H:%M}",
            f"{row.rows_read:,}",
            f"{row.rows_loaded:,}",
            f"{row.rows_rejected:,}",
            f"{row.rows_duplicate:,}",
        )
    out.print(table)


@profile_app.command("list")
def profile_list() -> None:
    """List the export profiles sopmine can find."""
    table = Table("name", "title", "file", title="Export profiles")
    for path in list_profiles():
        table.add_row(path.stem, load_profile(path).title, str(path))
    out.print(table)


@profile_app.command("show")
def profile_show(name: Annotated[str, typer.Argument(help="Profile name or path.")]) -> None:
    """Print a profile's YAML, to copy and adapt: sopmine profile show sicantik > mine.yaml."""
    load_profile(name)  # fail with the usual message if it does not exist or is invalid
    path = next((p for p in list_profiles() if p.stem == name), Path(name))
    sys.stdout.write(path.read_text(encoding="utf-8-sig"))
