"""``sopmine sop ...``: reference SOP models: validate, list, show, graph, import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from sopmine.cli._app import app, err, out
from sopmine.errors import SopmineError, SopModelError
from sopmine.sop import SopImport, SopModel, import_sop, list_sops, load_sop, read_sop_file
from sopmine.sop.flow import enumerate_paths, service_target_minutes
from sopmine.sop.render import to_dot, to_mermaid

sop_app = typer.Typer(
    help="Reference SOP models: validate, list, show, graph, import.", no_args_is_help=True
)
app.add_typer(sop_app, name="sop")


@sop_app.command("validate")
def sop_validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Model files; default: every model sopmine can find."),
    ] = None,
) -> None:
    """Check SOP model files; every problem is printed as file:line: message."""
    files = list(paths) if paths else list_sops()
    if not files:
        raise SopmineError("no SOP model files found: give paths, or run where sop_models/ is")
    table = Table(title="SOP models")
    table.add_column("file", overflow="fold")
    table.add_column("id", no_wrap=True)
    for name in ("steps", "paths", "status"):
        table.add_column(name, no_wrap=True)
    failed = 0
    for path in files:
        try:
            model = read_sop_file(path)
        except SopModelError as exc:
            failed += 1
            table.add_row(_shown(path), "", "", "", "[red]invalid[/]")
            for problem in exc.problems:
                err.print(f"[red]error:[/] {problem}", highlight=False, soft_wrap=True)
            continue
        n_paths = sum(1 for _ in enumerate_paths(model))
        table.add_row(_shown(path), model.id, str(len(model.steps)), str(n_paths), "[green]ok[/]")
    out.print(table)
    if failed:
        raise typer.Exit(1)


@sop_app.command("list")
def sop_list() -> None:
    """List the SOP models sopmine can find, with their office and application."""
    table = Table(title="SOP models")
    table.add_column("id", no_wrap=True, style="cyan")
    table.add_column("layanan")
    table.add_column("kantor")
    table.add_column("zona waktu", no_wrap=True)
    table.add_column("aplikasi")
    table.add_column("langkah", justify="right")
    for path in list_sops():
        model = read_sop_file(path)
        table.add_row(
            model.id,
            model.service,
            model.office.regency,
            model.office.timezone,
            model.application or "-",
            str(len(model.steps)),
        )
    out.print(table)


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@sop_app.command("show")
def sop_show(model_id: Annotated[str, typer.Argument(help="Model id or path.")]) -> None:
    """Show a model as a table: step, actor, Waktu, output, and its flow."""
    model = load_sop(model_id)
    out.print(_header(model))
    out.print(_steps_table(model))
    for line in _flow_lines(model):
        out.print(line, highlight=False)


def _header(model: SopModel) -> str:
    office = model.office
    lines = [
        f"[bold]{model.title}[/] ([cyan]{model.id}[/])",
        f"{office.name} — {office.regency}, {office.province} ({office.timezone})",
        f"Aplikasi: {model.application or '-'}   Nomor SOP: {model.sop_number or '-'}",
    ]
    return "\n".join(lines)


def _steps_table(model: SopModel) -> Table:
    table = Table("No", "Langkah", "Pelaksana", "Waktu", "Output", show_lines=False)
    for step in sorted(model.steps, key=lambda s: s.number):
        actor = model.actor(step.actor).name + (" [dim](inferred)[/]" if step.inferred else "")
        table.add_row(str(step.number), step.name, actor, str(step.waktu), step.output)
    return table


def _flow_lines(model: SopModel) -> list[str]:
    number = {s.id: s.number for s in model.steps}
    paths = list(enumerate_paths(model))
    main_path = next((p for p, outcome in paths if outcome == "issued"), paths[0][0])
    target = service_target_minutes(model, main_path)
    target_days = target / model.calendar.minutes_per_day
    lines = [
        f"Waktu layanan dihitung sejak langkah {number[model.sla.clock_start]}; "
        f"target jalur utama: {target_days:.2f} hari kerja ({target:g} menit kerja)"
    ]
    for edge in model.edges:
        if edge.kind == "sequence" and edge.outcome in (None, "issued"):
            continue
        goes_to = f"selesai ({edge.outcome})" if edge.target is None else number[edge.target]
        label = f" [{edge.label}]" if edge.label else ""
        lines.append(f"  {number[edge.source]} -> {goes_to}{label} ({edge.kind})")
    for pair in model.sla.segregation_of_duties:
        first, second = number[pair.first], number[pair.second]
        lines.append(f"  pemisahan tugas (four-eyes): {first} ≠ {second} — {pair.reason}")
    return lines


@sop_app.command("graph")
def sop_graph(
    model_id: Annotated[str, typer.Argument(help="Model id or path.")],
    fmt: Annotated[
        Literal["dot", "mermaid"], typer.Option("--format", "-f", help="Diagram language.")
    ] = "dot",
) -> None:
    """Print the model's flow as Graphviz DOT or Mermaid text."""
    model = load_sop(model_id)
    sys.stdout.write(to_dot(model) if fmt == "dot" else to_mermaid(model))


@sop_app.command("import")
def sop_import(
    file: Annotated[
        Path, typer.Argument(help="The SOP table: .docx, .xlsx, or extracted text (.txt).")
    ],
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write the draft; default: <id>.yaml here."),
    ] = None,
    model_id: Annotated[
        str | None, typer.Option("--id", help="Model id; default: from regency and service.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Read an SOP document into a draft model (YAML) and list what had to be guessed."""
    draft = import_sop(file, model_id=model_id)
    target = out_path if out_path is not None else Path.cwd() / f"{draft.model.id}.yaml"
    if target.exists() and not force:
        raise SopmineError(f"{target} exists; give another --out, or --force to overwrite it")
    try:
        draft.write(target)
    except OSError as exc:
        raise SopmineError(f"cannot write {target}: {exc.strerror or exc}") from exc
    out.print(_import_header(draft))
    out.print(_import_steps(draft))
    out.print(_guess_table(draft))
    out.print(f"draft written to [bold]{_shown(target)}[/]", highlight=False)


def _import_header(draft: SopImport) -> str:
    model = draft.model
    office = model.office
    return "\n".join(
        [
            f"[bold]{model.title}[/] ([cyan]{model.id}[/]) from {draft.source.name}",
            f"{office.name} — {office.regency or '?'}, {office.province or '?'} "
            f"({office.timezone})",
            f"{len(model.steps)} steps, {len(model.actors)} actors, "
            f"{len(draft.guesses)} guesses to check",
        ]
    )


def _import_steps(draft: SopImport) -> Table:
    model = draft.model
    table = Table("No", "Langkah", "Pelaksana", "Waktu", "Output", "Alur", title="Langkah")
    number = {s.id: s.number for s in model.steps}
    for step in model.steps:
        actor = model.actor(step.actor).name + (" [dim](inferred)[/]" if step.inferred else "")
        flow = ", ".join(
            f"{edge.label or ''}→{number[edge.to] if edge.to else edge.end}".strip()
            for edge in step.next or ()
        )
        table.add_row(
            str(step.number), step.name, actor, str(step.waktu), step.output, flow or step.end or ""
        )
    return table


def _guess_table(draft: SopImport) -> Table:
    table = Table("Langkah", "Apa", "Nilai", "Yakin", "Alasan", title="Tebakan (guesses) to check")
    for guess in draft.guesses:
        table.add_row(
            str(guess.step) if guess.step is not None else "-",
            guess.field,
            guess.value,
            f"{guess.confidence:.0%}",
            guess.reason,
        )
    return table
