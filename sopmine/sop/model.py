"""The reference SOP model: what an office's SOP says, as validated, immutable data.

A model is one licence type's SOP (PermenPAN-RB 35/2012 layout): its actors, its numbered
steps with their Mutu Baku (Kelengkapan, Waktu, Output), the flow between steps (decisions,
loops back to the applicant, conditional skips, alternative branches, end steps), and the SLA
rules (where the service clock starts, four-eyes pairs, the office calendar).

The classes are pydantic models, so a YAML file is checked field by field on load; the
cross-references (actors, successors, reachability, cycles) are checked by
:mod:`sopmine.sop.validate`. Load models with :func:`sopmine.load_sop`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sopmine.calendar import OfficeCalendar

__all__ = [
    "Actor",
    "CalendarSettings",
    "Edge",
    "EdgeKind",
    "Next",
    "Office",
    "Outcome",
    "Sla",
    "SodPair",
    "SopModel",
    "Source",
    "Step",
    "Unit",
    "Waktu",
]

Unit = Literal["menit", "jam", "hari"]
Outcome = Literal["issued", "rejected"]
EdgeKind = Literal["sequence", "decision", "branch", "skip", "loop", "return"]

#: Edge kinds that may point backwards (close a cycle). ``return`` sends the file back to the
#: applicant for completion (the SLA clock is stopped meanwhile); ``loop`` is internal rework.
BACKWARD_KINDS: frozenset[str] = frozenset({"loop", "return"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Waktu(_Frozen):
    """The time an SOP allows for a step: a value and a unit (``menit``, ``jam`` or ``hari``).

    >>> Waktu(value=6, unit="hari").working_minutes(minutes_per_day=480)
    2880.0
    """

    value: float = Field(gt=0)
    unit: Unit

    def working_minutes(self, *, minutes_per_day: int) -> float:
        """The target in working minutes; one Hari is one working day of office hours."""
        factor = {"menit": 1, "jam": 60, "hari": minutes_per_day}[self.unit]
        return float(self.value * factor)

    def __str__(self) -> str:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return f"{value} {self.unit.capitalize()}"


class Office(_Frozen):
    """The office that owns the SOP, and the time zone its clocks run in."""

    name: str
    regency: str
    province: str
    timezone: str = Field(description="IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA)...")


class Source(_Frozen):
    """Where the model comes from: the seed document, and notes on how it was read."""

    seed: str | None = None
    notes: tuple[str, ...] = ()


class Actor(_Frozen):
    """An actor (Pelaksana) column of the SOP: a role, with the other names it goes by."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The id, the display name and every alias: the labels that identify this role."""
        return (self.id, self.name, *self.aliases)


class Next(_Frozen):
    """One way out of a step: to another step, or to the end of the process.

    Exactly one of ``to`` (a step id) or ``end`` (the outcome of the case) is given.
    """

    to: str | None = None
    end: Outcome | None = None
    label: str | None = Field(default=None, description="Decision outcome: Ya, Tidak, ...")
    condition: str | None = Field(default=None, description="When this way is taken, in words")
    kind: EdgeKind | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Next:
        if (self.to is None) == (self.end is None):
            raise ValueError("give exactly one of 'to' (a step id) or 'end' (issued/rejected)")
        return self


class Step(_Frozen):
    """One numbered step (Uraian Prosedur / Kegiatan) with its actor and Mutu Baku."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: int = Field(ge=1)
    name: str
    description: str = Field(description="The seed's text, verbatim")
    actor: str
    co_actors: tuple[str, ...] = ()
    inferred: bool = Field(default=False, description="Actor read from text, not from a mark")
    inference_reason: str | None = None
    kelengkapan: tuple[str, ...] = ()
    waktu: Waktu
    output: str
    keterangan: str | None = None
    aliases: tuple[str, ...] = Field(default=(), description="Activity labels the apps use")
    decision: str | None = Field(default=None, description="The question decided at this step")
    next: tuple[Next, ...] | None = None
    end: Outcome | None = None

    @model_validator(mode="after")
    def _reason_when_inferred(self) -> Step:
        if self.inferred and not self.inference_reason:
            raise ValueError("an inferred actor needs an 'inference_reason' (one line: why)")
        if self.end is not None and self.next:
            raise ValueError("a step with 'end' has no 'next'; use next: [{end: ...}] for a choice")
        return self


class SodPair(_Frozen):
    """A four-eyes rule: one person must not perform both steps."""

    first: str
    second: str
    reason: str


class Sla(_Frozen):
    """Service-level rules: where the service clock starts, its target, the four-eyes pairs."""

    clock_start: str = Field(description="Step whose last completion starts the service clock")
    service_target: Waktu | None = Field(
        default=None, description="Default: the sum of the step targets after clock_start"
    )
    at_risk_share: float = Field(default=0.8, gt=0, lt=1)
    segregation_of_duties: tuple[SodPair, ...] = ()


class CalendarSettings(_Frozen):
    """Calendar overrides for the office: hours and extra days off."""

    day_start: dt.time = dt.time(8, 0)
    day_end: dt.time = dt.time(16, 0)
    extra_days_off: tuple[dt.date, ...] = ()


class Edge(_Frozen):
    """A resolved flow edge between two steps, or from a step to the end (``target=None``)."""

    source: str
    target: str | None
    kind: EdgeKind
    label: str | None = None
    condition: str | None = None
    outcome: Outcome | None = None


_CACHED = ("_steps_by_id", "_actors_by_id", "edges", "calendar", "hash")
"""The cached properties of a model: derived from its fields, dropped from a copy."""


class SopModel(_Frozen):
    """A licence type's SOP as a reference model.

    >>> from sopmine import load_sop
    >>> model = load_sop("rohil_izin_insidentil")
    >>> [s.number for s in model.steps][:3]
    [1, 2, 3]
    >>> str(model.step("rekomendasi_teknis").waktu)
    '6 Hari'
    """

    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    service: str
    sector: str | None = None
    office: Office
    application: str | None = Field(default=None, description="SIPRO, SILASTRI RV, OSS, ...")
    sop_number: str | None = None
    legal_basis: tuple[str, ...] = ()
    source: Source = Source()
    actors: tuple[Actor, ...]
    steps: tuple[Step, ...]
    sla: Sla
    calendar_settings: CalendarSettings = Field(default=CalendarSettings(), alias="calendar")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy (pydantic's), without the derived values cached on this instance.

        The calendar, the flow edges and the hash are computed again from the copy's fields.
        """
        copy = super().model_copy(update=update, deep=deep)
        for name in _CACHED:
            copy.__dict__.pop(name, None)
        return copy

    def step(self, step_id: str) -> Step:
        """The step with this id (KeyError if there is none)."""
        return self._steps_by_id[step_id]

    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (KeyError if there is none)."""
        return self._actors_by_id[actor_id]

    @cached_property
    def _steps_by_id(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    @cached_property
    def _actors_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @property
    def start(self) -> str:
        """The first step: the one with the lowest number."""
        return min(self.steps, key=lambda s: s.number).id

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Every way out of every step, with the defaults applied (see ``docs/sop-model.md``)."""
        from sopmine.sop.flow import resolve_edges

        return resolve_edges(self)

    @cached_property
    def calendar(self) -> OfficeCalendar:
        """The office's working-time calendar (time zone, hours, extra days off)."""
        settings = self.calendar_settings
        return OfficeCalendar(
            timezone=self.office.timezone,
            day_start=settings.day_start,
            day_end=settings.day_end,
            extra_days_off=settings.extra_days_off,
        )

    def target_minutes(self, step_id: str) -> float:
        """The step's Waktu in working minutes of this office's calendar."""
        minutes_per_day = self.calendar.minutes_per_day
        return self.step(step_id).waktu.working_minutes(minutes_per_day=minutes_per_day)

    @cached_property
    def hash(self) -> str:
        """sha256 of the model's canonical JSON: stamps every result computed with it."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()
