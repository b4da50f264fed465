"""``sopmine simulate``: a realistic export of an SOP, with its ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sopmine.cli._app import app, out
from sopmine.simulate import (
    DEVIATION_TYPES,
    DirtyRows,
    Simulation,
    SimulationSettings,
    load_settings,
    simulate,
)


@app.command("simulate")
def simulate_command(
    sop: Annotated[str, typer.Option("--sop", help="SOP model id or path.")],
    out_file: Annotated[
        Path, typer.Option("--out", help="The export to write (.csv, .xlsx, .parquet, .xes).")
    ],
    cases: Annotated[int, typer.Option("--cases", min=1, help="Applications to simulate.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same log.")] = 0,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of arrivals, YYYY-MM-DD (2025-01-01).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", help="Last day of arrivals and the as-of date (2025-12-31)."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Export profile; default: the SOP's application's."),
    ] = None,
    settings_file: Annotated[
        Path | None, typer.Option("--settings", help="YAML with simulation settings.")
    ] = None,
    deviations: Annotated[
        float | None,
        typer.Option("--deviations", min=0, help="Scale every deviation rate (0: none)."),
    ] = None,
    dirty: Annotated[
        int | None,
        typer.Option("--dirty", min=0, help="Add N bad rows of each kind (duplicate, ...)."),
    ] = None,
) -> None:
    """Simulate applications of an SOP as its application would export them.

    Writes the export, its ground truth next to it (NAME.truth/: cases, steps, deviations,
    dirty_rows as Parquet, and meta.json) and, for exports without a role column, a roster
    (NAME.roster.csv) to load with --roster.
    """
    settings = load_settings(settings_file) if settings_file else SimulationSettings()
    if deviations is not None:
        settings = settings.updated(deviations=settings.deviations.scaled(deviations).model_dump())
    if dirty is not None:
        counts = DirtyRows.each(dirty).model_dump()
        settings = settings.updated(dirty=counts)
    run = simulate(
        sop,
        cases=cases,
        seed=seed,
        start=start,
        end=end,
        profile=profile,
        settings=_fit_dirty(settings, profile, sop, dirty is not None),
        out=out_file,
    )
    _print_summary(run, out_file)


def _fit_dirty(
    settings: SimulationSettings, profile: str | None, sop: str, asked: bool
) -> SimulationSettings:
    """``--dirty N`` leaves out the kinds the profile cannot carry (end before start)."""
    if not asked:
        return settings
    from sopmine.log import load_profile
    from sopmine.simulate import DEFAULT_PROFILES
    from sopmine.sop import load_sop

    model = load_sop(sop)
    chosen = load_profile(profile or DEFAULT_PROFILES.get(model.application or "", "generic"))
    if chosen.columns.start_timestamp is None:
        dirty = settings.dirty.model_copy(update={"end_before_start": 0})
        return settings.updated(dirty=dirty.model_dump())
    return settings


def _print_summary(run: Simulation, out_file: Path) -> None:
    meta = run.meta
    counts = meta["counts"]
    truth_dir = out_file.with_name(out_file.name.split(".")[0] + ".truth")
    out.print(
        f"[bold]{run.model.id}[/] in profile [bold]{run.profile.name}[/]: {run.cases} cases "
        f"arriving {run.start:%d/%m/%Y}-{run.end:%d/%m/%Y}, as of "
        f"{run.truth.as_of.tz_convert(run.model.office.timezone):%d/%m/%Y %H:%M}",
        highlight=False,
    )
    table = Table("", "count", box=None, pad_edge=False)
    for status, n in counts["cases_by_status"].items():
        table.add_row(f"cases {status}", str(n))
    table.add_row("rows written", str(counts["rows_written"]))
    table.add_row("events (as loaded back)", str(counts["events"]))
    table.add_row("SLA clock stops", str(counts.get("clock_stops", 0)))
    for kind in DEVIATION_TYPES:
        table.add_row(f"injected {kind}", str(counts["injected"].get(kind, 0)))
    found = counts["deviations"]
    for kind in ("step_sla_breach", "service_sla_breach", "open_at_risk"):
        table.add_row(kind, str(found.get(kind, 0)))
    for reason, n in counts["dirty_rows"].items():
        table.add_row(f"dirty rows: {reason}", str(n))
    for what, n in counts.get("not_in_this_format", {}).items():
        if n:
            table.add_row(f"{what} events the format cannot carry (left out)", str(n))
    out.print(table)
    out.print(f"wrote {out_file}", highlight=False)
    out.print(f"wrote {truth_dir}/ (cases, steps, deviations, dirty_rows, meta.json)",
              highlight=False)  # fmt: skip
    if run.roster is not None:
        roster = out_file.with_name(out_file.name.split(".")[0] + ".roster.csv")
        out.print(f"wrote {roster} (load with --roster {roster})", highlight=False)
