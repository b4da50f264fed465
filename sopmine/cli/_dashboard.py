"""``sopmine dashboard``: serve the Streamlit dashboard on a store."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from sopmine.cli._app import app, out
from sopmine.dashboard import streamlit_command
from sopmine.errors import SopmineError
from sopmine.store import default_db_path


@app.command("dashboard")
def dashboard_command(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The DuckDB store. Default: $SOPMINE_DB, else ./sopmine.duckdb."),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port.")] = 8501,
    host: Annotated[
        str,
        typer.Option("--host", help="The address to listen on; 0.0.0.0 opens it to the network."),
    ] = "127.0.0.1",
) -> None:
    """Serve the dashboard for the Kepala Dinas on the store (read-only) until Ctrl+C.

    It listens on this machine only (127.0.0.1) unless --host says otherwise, and keeps
    working while `sopmine load` or `check` write to the store.
    """
    path = (db or default_db_path()).expanduser().resolve()
    if not path.is_file():
        raise SopmineError(
            f"no store at {path}; load and check exports first: sopmine load FILE --sop ID "
            f"--profile NAME --db {path}, then sopmine check --db {path}"
        )
    _refuse_busy_port(host, port)
    address = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"  # noqa: S104
    out.print(f"sopmine dashboard on {path.name}: [bold]{address}[/]  (Ctrl+C to stop)")
    env = {**os.environ, "SOPMINE_DB": str(path)}
    out.file.flush()
    command = streamlit_command(sys.executable, host=host, port=port)
    # Streamlit takes this process's place, so Ctrl+C, kill and service managers stop the
    # server itself (a child would outlive a SIGTERM sent to this command).
    os.execve(sys.executable, command, env)  # noqa: S606


def _refuse_busy_port(host: str, port: int) -> None:
    """Streamlit would print a bare error for a port in use: name the fix instead."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server does: a port left in TIME_WAIT by a stopped dashboard is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SopmineError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another port: "
                f"--port {port + 1}"
            ) from None
