"""Regenerate the sample logs from ``samples.yaml`` (run by ``make sample-logs``).

    python sample_logs/regenerate.py [OUT_DIR]

Writes each run's export, its ``.truth/`` folder and roster into OUT_DIR (default: this
folder). The same sopmine version gives the same files.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import yaml

from sopmine.simulate import SimulationSettings, simulate

HERE = Path(__file__).resolve().parent


def plan(path: Path = HERE / "samples.yaml") -> list[dict[str, Any]]:
    """The runs of the plan, each with the defaults applied."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults = data.get("defaults", {})
    runs = []
    for run in data["runs"]:
        merged = {**defaults, **run}
        merged["settings"] = {**defaults.get("settings", {}), **run.get("settings", {})}
        runs.append(merged)
    return runs


def regenerate(out_dir: Path = HERE) -> list[Path]:
    """Write every sample log of the plan into ``out_dir``; returns the logs written."""
    written = []
    for run in plan():
        settings = SimulationSettings.model_validate(run["settings"])
        result = simulate(
            run["sop"],
            cases=int(run["cases"]),
            seed=int(run["seed"]),
            start=_date(run["start"]),
            end=_date(run["end"]),
            profile=run["profile"],
            settings=settings,
            out=out_dir / run["file"],
        )
        written.append(out_dir / run["file"])
        print(f"{run['file']}: {len(result.export)} rows, {result.cases} cases")
    return written


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


if __name__ == "__main__":
    regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
