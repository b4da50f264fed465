"""The Typer application and the consoles every command module shares."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from sopmine._version import __version__

__all__ = ["app", "err", "out"]

app = typer.Typer(
    name="sopmine",
    help="Process mining and SLA compliance for DPMPTSP licensing offices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"sopmine {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """sopmine: check licensing cases against their SOP, in Indonesian working time."""
