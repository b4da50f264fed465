"""Running the `sopmine` command line as a real subprocess, shared by the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def sopmine_cli(*args: str, cwd: Path, columns: int = 200) -> subprocess.CompletedProcess[str]:
    """``python -m sopmine ARGS`` in ``cwd``, its output captured, on a terminal this wide."""
    return subprocess.run(
        [sys.executable, "-m", "sopmine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": str(columns)},
        timeout=180,
        check=False,
    )
