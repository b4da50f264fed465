"""``simulate()``: an SOP model in, a realistic export and its ground truth out."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sopmine._version import __version__
from sopmine.log.mapping import StepMapper
from sopmine.log.profile import Profile, load_profile
from sopmine.simulate._generate import generate
from sopmine.simulate.export import add_dirty_rows, encode, output_format, write_table
from sopmine.simulate.settings import (
    DEVIATION_TYPES,
    SimulationError,
    SimulationSettings,
)
from sopmine.simulate.truth import Truth, ground_truth
from sopmine.sop import SopModel, load_sop

__all__ = ["DEFAULT_PROFILES", "Simulation", "SimulationFiles", "simulate", "truth_dir"]

#: The export profile of each application, used when no profile is given.
DEFAULT_PROFILES = {
    "SIPRO": "sipro",
    "SILASTRI RV": "silastri",
    "OSS": "oss",
    "SiCantik Cloud": "sicantik",
}
DEFAULT_START = dt.date(2025, 1, 1)
DEFAULT_END = dt.date(2025, 12, 31)


@dataclass(frozen=True)
class SimulationFiles:
    """What :meth:`Simulation.write` wrote."""

    log: Path
    truth: Path
    roster: Path | None = None

    def all(self) -> list[Path]:
        """Every file written (the truth folder's files included)."""
        files = [self.log, *sorted(self.truth.iterdir())]
        return files + ([self.roster] if self.roster else [])


@dataclass(frozen=True)
class Simulation:
    """A simulated export and its ground truth.

    - ``events``: the canonical events the export carries, i.e. what ``sopmine load`` gives
      back from it (columns of :data:`sopmine.EVENT_COLUMNS` without the source columns);
    - ``export``: the table as written, dirty rows included;
    - ``truth``: the expected verdicts (:class:`~sopmine.simulate.truth.Truth`);
    - ``dirty_rows``: each bad row's ``source_row`` and expected outcome;
    - ``injected``: every deviation put in on purpose (also those a later cut made invisible
      are left out: only what the events show);
    - ``roster``: person -> role, for exports without a role column.
    """

    model: SopModel
    profile: Profile
    settings: SimulationSettings
    cases: int
    seed: int
    start: dt.date
    end: dt.date
    format: str
    events: pd.DataFrame
    export: pd.DataFrame
    truth: Truth
    injected: pd.DataFrame
    dirty_rows: pd.DataFrame
    roster: pd.DataFrame | None
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def meta(self) -> dict[str, Any]:
        """What produced this simulation, and what is in it (written as ``meta.json``)."""
        cases = self.truth.cases
        return {
            "tool": f"sopmine {__version__}",
            "sop_id": self.model.id,
            "sop_hash": self.model.hash,
            "profile": self.profile.name,
            "format": self.format,
            "seed": self.seed,
            "cases": self.cases,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.truth.as_of.isoformat(),
            "timezone": self.model.office.timezone,
            "settings": self.settings.model_dump(mode="json"),
            "counts": {
                "rows_written": len(self.export),
                "events": len(self.events),
                "cases_by_status": {
                    k: int(v) for k, v in cases["status"].value_counts().sort_index().items()
                },
                "injected": {t: int((self.injected["type"] == t).sum()) for t in DEVIATION_TYPES},
                "deviations": {
                    k: int(v)
                    for k, v in self.truth.deviations["type"].value_counts().sort_index().items()
                },
                "dirty_rows": {
                    k: int(v)
                    for k, v in self.dirty_rows["reason"].value_counts().sort_index().items()
                },
                **self.counts,
            },
        }

    def write(self, out: str | os.PathLike[str]) -> SimulationFiles:
        """Write the export to ``out``, the truth next to it, and the roster when needed."""
        log = Path(out)
        wanted = output_format(log, self.profile)
        if wanted != self.format:
            raise SimulationError(
                f"{log}: this simulation was made for {self.format}; simulate again with "
                f"out={log} (or fmt={wanted!r}) to write {wanted}"
            )
        write_table(self.export, log, self.profile, fmt=self.format, printed=_printed(self))
        folder = truth_dir(log)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in (
            ("cases", self.truth.cases),
            ("steps", self.truth.steps),
            ("deviations", self.truth.deviations),
            ("dirty_rows", self.dirty_rows),
        ):
            _to_parquet(frame, folder / f"{name}.parquet")
        meta = json.dumps(self.meta, indent=2, ensure_ascii=False, sort_keys=False)
        (folder / "meta.json").write_text(meta + "\n", encoding="utf-8")
        roster = None
        if self.roster is not None:
            roster = log.with_name(log.name.split(".")[0] + ".roster.csv")
            self.roster.to_csv(roster, index=False, lineterminator="\n")
        return SimulationFiles(log=log, truth=folder, roster=roster)


def truth_dir(log: str | os.PathLike[str]) -> Path:
    """The folder holding a log's ground truth: ``<name>.truth`` next to it."""
    path = Path(log)
    return path.with_name(path.name.split(".")[0] + ".truth")


def simulate(
    sop: str | os.PathLike[str] | SopModel,
    *,
    cases: int = 1000,
    seed: int = 0,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
    out: str | os.PathLike[str] | None = None,
    settings: SimulationSettings | None = None,
    fmt: str | None = None,
) -> Simulation:
    """Simulate ``cases`` applications of an SOP, as its application would export them.

    ``sop`` is a model id, a YAML path or a loaded model; ``profile`` an export profile (default:
    the one of the model's application, else ``generic``). Arrivals fall from ``start`` to
    ``end`` (default: 2025); the ground truth is taken at the end of the last working day
    of the period. The same arguments and ``seed`` give the same events and truth. With
    ``out``, the export, its truth (``<name>.truth/``) and, for exports without roles, a
    roster (``<name>.roster.csv``) are written.

    >>> run = simulate("rohil_izin_insidentil", cases=20, seed=1, end="2025-02-28")
    >>> run.profile.name, run.truth.cases["status"].isin(["closed", "open", "rejected"]).all()
    ('sipro', np.True_)
    """
    model = sop if isinstance(sop, SopModel) else load_sop(sop)
    chosen = (
        profile
        if isinstance(profile, Profile)
        else load_profile(profile or DEFAULT_PROFILES.get(model.application or "", "generic"))
    )
    settings = settings or SimulationSettings()
    first = _date(start, "start") or DEFAULT_START
    last = _date(end, "end") or DEFAULT_END
    fmt = fmt or output_format(out, chosen)
    rules = chosen.status
    clock_capable = (
        bool(rules and rules.clock_stop and rules.clock_resume and chosen.columns.status)
        and fmt != "xes"
    )
    rate = settings.clock_stop_rate
    if rate is None:
        rate = 0.15 if clock_capable else 0.0
    elif rate > 0 and not clock_capable:
        raise SimulationError(
            f"profile {chosen.name} has no status values for SLA clock stops "
            "(status.clock_stop and clock_resume); set clock_stop_rate to 0 or use --profile oss"
        )
    _check_extra_labels(model, chosen, settings)
    generated = generate(
        model,
        cases=cases,
        seed=seed,
        start=first,
        end=last,
        settings=settings,
        clock_stop_rate=rate,
    )
    rng = np.random.default_rng([seed, 1])
    encoded = encode(generated, model, chosen, fmt=fmt, rng=rng)
    table, dirty_rows = add_dirty_rows(encoded, chosen, settings.dirty, rng)
    renamed = generated.cases.assign(case_id=generated.cases["case"].map(encoded.case_ids))
    paths = pd.DataFrame(
        {
            "case_id": generated.paths["case"].map(encoded.case_ids),
            "step_id": generated.paths["step_id"],
        }
    )
    reached = pd.Series(renamed["reached"].to_numpy(), index=renamed["case_id"])
    injected = generated.injected.assign(
        case_id=generated.injected["case_id"].map(
            dict(zip(generated.cases["case_id"], renamed["case_id"], strict=True))
        )
    )
    truth = ground_truth(
        encoded.events,
        model,
        as_of=generated.as_of,
        paths=paths,
        reached=reached,
        injected=injected,
    )
    result = Simulation(
        model=model,
        profile=chosen,
        settings=settings,
        cases=cases,
        seed=seed,
        start=first,
        end=last,
        format=fmt,
        events=encoded.events,
        export=table,
        truth=truth,
        injected=injected,
        dirty_rows=dirty_rows,
        roster=encoded.roster,
        counts={**generated.counts, "not_in_this_format": encoded.dropped},
    )
    if out is not None:
        result.write(out)
    return result


def _check_extra_labels(model: SopModel, profile: Profile, settings: SimulationSettings) -> None:
    """Activities "not in the SOP" must not map to a step when the export is loaded."""
    mapper = StepMapper.build(model, profile.overrides(model.id), profile=profile.name)
    labels = pd.Series(list(settings.extra_activities), dtype=object)
    mapped = mapper.map(labels, pd.Series([None] * len(labels), dtype=object))
    clashes = [f"{label!r} -> {step}" for label, step in zip(labels, mapped, strict=True)
               if isinstance(step, str)]  # fmt: skip
    if clashes:
        raise SimulationError(
            f"extra_activities must not be labels of {model.id}'s steps, but "
            f"{', '.join(clashes)}; choose labels outside the SOP"
        )


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SimulationError(f"--{name} {value!r} is not a date; write YYYY-MM-DD") from None


def _printed(run: Simulation) -> str:
    as_of = run.truth.as_of.tz_convert(run.profile.timezone or run.model.office.timezone)
    fmt = run.profile.write.date_format or "%d/%m/%Y %H:%M"
    return as_of.strftime(fmt)


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.reset_index(drop=True).to_parquet(path, index=False)
