"""What a simulation draws, as validated data: rates, shares, staff, deviations, dirty rows.

Every field has a default that gives a plausible office; a YAML file with the same fields
(``sopmine simulate --settings FILE``) or keyword arguments to :func:`sopmine.simulate`
override them. Durations are in the SOP's own units (working minutes of the office calendar).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sopmine._yaml import compose, explain
from sopmine.errors import SopmineError

__all__ = [
    "DEVIATION_TYPES",
    "DeviationRates",
    "DirtyRows",
    "SimulationError",
    "SimulationSettings",
    "load_settings",
]

#: Deviations the simulator injects, named as in the verdicts (DOMAIN.md).
DEVIATION_TYPES: tuple[str, ...] = (
    "missing_step",
    "wrong_order",
    "repeated_step",
    "unexpected_activity",
    "unmapped_activity",
    "wrong_actor",
    "segregation_of_duties",
)


class SimulationError(SopmineError):
    """The simulation cannot run with these options (bad settings, period, profile...)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DeviationRates(_Frozen):
    """Share of cases that get each deviation injected (0 turns a type off).

    A case may get several types. Where the model leaves no unambiguous place for a type
    (``unexpected_activity`` needs a step outside the case's path), that case gets none of
    it: the ground truth lists what was injected, and its ``meta.json`` counts it per type.
    """

    missing_step: float = Field(default=0.03, ge=0, le=1)
    wrong_order: float = Field(default=0.02, ge=0, le=1)
    repeated_step: float = Field(default=0.02, ge=0, le=1)
    unexpected_activity: float = Field(default=0.02, ge=0, le=1)
    unmapped_activity: float = Field(default=0.01, ge=0, le=1)
    wrong_actor: float = Field(default=0.02, ge=0, le=1)
    segregation_of_duties: float = Field(default=0.02, ge=0, le=1)

    def scaled(self, factor: float) -> DeviationRates:
        """Every rate multiplied by ``factor`` (capped at 1)."""
        return DeviationRates(**{k: min(1.0, v * factor) for k, v in self.model_dump().items()})


class DirtyRows(_Frozen):
    """Exact numbers of bad rows added to the written export (copies of real rows, altered).

    The clean rows stay, so the ground truth of the events is untouched; ``sopmine load``
    must set these rows aside with their reason (duplicates are counted, not rejected).
    """

    duplicates: int = Field(default=0, ge=0)
    missing_case_id: int = Field(default=0, ge=0)
    bad_timestamp: int = Field(default=0, ge=0)
    end_before_start: int = Field(default=0, ge=0, description="only profiles with a start time")

    @property
    def total(self) -> int:
        """All dirty rows."""
        return self.duplicates + self.missing_case_id + self.bad_timestamp + self.end_before_start

    @classmethod
    def each(cls, count: int) -> DirtyRows:
        """``count`` rows of every kind."""
        return cls(
            duplicates=count,
            missing_case_id=count,
            bad_timestamp=count,
            end_before_start=count,
        )


_DEFAULT_EXTRA = (
    "Konsultasi Teknis",
    "Cek Status Berkas",
    "Revisi Draf Izin",
    "Koordinasi Internal",
)


class SimulationSettings(_Frozen):
    """Everything a simulation draws besides the SOP model, the case count and the seed."""

    weekly_pattern: tuple[float, float, float, float, float] = Field(
        default=(1.3, 1.15, 1.0, 0.95, 0.6),
        description="relative arrivals Monday..Friday (working days only)",
    )
    breach_share: float = Field(
        default=0.06, ge=0, le=1, description="share of office steps drawn over their Waktu"
    )
    breach_tail: float = Field(
        default=0.9, gt=0, le=3, description="sigma of the log-normal overrun of a breach"
    )
    return_rate: float = Field(
        default=0.08, ge=0, le=0.9, description="probability of each 'return' or 'loop' edge"
    )
    max_returns: int = Field(default=2, ge=0, le=10, description="returns per case at most")
    reject_rate: float = Field(
        default=0.06, ge=0, le=0.9, description="probability of an edge that leads to rejection"
    )
    skip_rate: float = Field(
        default=0.3, ge=0, le=0.9, description="probability of a 'skip' edge (001's SIP path)"
    )
    edge_probabilities: dict[str, float] = Field(
        default={},
        description="'from_step -> to_step' or 'from_step -> end' -> probability; wins",
    )
    applicant_days: float = Field(
        default=2.0, gt=0, description="median working days an applicant takes to complete"
    )
    staff: dict[str, int] = Field(
        default={}, description="actor id -> people in its pool; default 1 for heads, else 3"
    )
    slow_roles: dict[str, float] = Field(
        default={}, description="actor id -> factor on its steps' durations (a slow signer)"
    )
    person_spread: float = Field(
        default=0.2, ge=0, le=2, description="sigma of each person's log-normal speed"
    )
    congestion: float = Field(
        default=1.0, ge=0, le=3, description="how strongly waiting grows with a role's load"
    )
    clock_stop_rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="share of cases with an SLA clock stop; default 0.15 when the profile "
        "has clock statuses (OSS 41/42), else 0",
    )
    deviations: DeviationRates = DeviationRates()
    extra_activities: tuple[str, ...] = Field(
        default=_DEFAULT_EXTRA, min_length=1, description="labels of activities not in the SOP"
    )
    dirty: DirtyRows = DirtyRows()

    @field_validator("weekly_pattern")
    @classmethod
    def _positive(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if min(value) < 0 or sum(value) <= 0:
            raise ValueError("weekly_pattern needs five weights >= 0, not all 0")
        return value

    @field_validator("edge_probabilities")
    @classmethod
    def _edge_keys(cls, value: dict[str, float]) -> dict[str, float]:
        for key, p in value.items():
            if "->" not in key:
                raise ValueError(f"edge {key!r}: write 'from_step -> to_step' or 'from -> end'")
            if not 0 <= p <= 1:
                raise ValueError(f"edge {key!r}: probability {p} is not between 0 and 1")
        return value

    def updated(self, **changes: Any) -> SimulationSettings:
        """A copy with some fields changed, validated again."""
        data = self.model_dump()
        data.update(changes)
        return SimulationSettings.model_validate(data)


def load_settings(path: str | os.PathLike[str]) -> SimulationSettings:
    """Read simulation settings from a YAML file; problems name the file, line and field."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise SimulationError(f"{file}: cannot read settings ({err.strerror})") from None
    try:
        data, locate = compose(text)
    except Exception as err:
        raise SimulationError(f"{file}: not valid YAML: {err}") from None
    if data is None:
        return SimulationSettings()
    if not isinstance(data, dict):
        raise SimulationError(f"{file}: settings must be a mapping of field: value")
    try:
        return SimulationSettings.model_validate(data)
    except ValidationError as err:
        lines = [
            f"{file}:{locate(tuple(str(p) for p in e['loc'])) or '?'}: "
            + explain(e, docs="docs/simulator.md")
            for e in err.errors()
        ]
        raise SimulationError("invalid simulation settings:\n  " + "\n  ".join(lines)) from None
