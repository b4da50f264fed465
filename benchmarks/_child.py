"""Run a benchmark side in a fresh Python process, so that its peak memory is its own."""

from __future__ import annotations

import json
import subprocess
import sys


def run(script: str, *args: str) -> dict[str, float]:
    """Run ``script`` with ``args``; it prints one JSON line of results last."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
