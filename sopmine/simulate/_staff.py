"""Staff pools per role: people with an 18-digit NIP, a name and a speed of their own."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sopmine.simulate.settings import SimulationError, SimulationSettings
from sopmine.sop import SopModel

_FIRST = (
    "Agus", "Budi", "Dewi", "Eka", "Fitri", "Hendra", "Indah", "Joko", "Kartika", "Lestari",
    "Made", "Nur", "Putri", "Rahmat", "Rina", "Siti", "Taufik", "Wahyu", "Yusuf", "Zainal",
    "Andi", "Bayu", "Citra", "Dian", "Fajar", "Gita", "Hadi", "Irma", "Lukman", "Maya",
)  # fmt: skip
_LAST = (
    "Saputra", "Lubis", "Siregar", "Hasibuan", "Nasution", "Harahap", "Simanjuntak", "Manurung",
    "Pratama", "Wijaya", "Kurniawan", "Hidayat", "Setiawan", "Mokodompit", "Paputungan",
    "Damopolii", "Tanjung", "Syahputra", "Rahayu", "Susanti", "Handayani", "Permana", "Gunawan",
    "Ramadhan", "Situmorang", "Sinaga", "Purba", "Ginting", "Pasaribu", "Marpaung",
)  # fmt: skip

#: Structural positions held by one person (Kepala Dinas, Sekretaris, Kepala Bidang, ...).
_HEADS = re.compile(
    r"\b(kepala|kadis|kabid|kasi|kasubbag|ksb|sekretaris|sekdis|koordinator|ahli madya)\b",
    re.IGNORECASE,
)
_APPLICANT = re.compile(r"\b(pemohon|applicant|pelaku usaha)\b", re.IGNORECASE)


def applicant_actors(model: SopModel) -> frozenset[str]:
    """Actor ids that stand for the applicant (Pemohon): their steps have no staff member."""
    return frozenset(
        a.id for a in model.actors if any(_APPLICANT.search(name) for name in a.names())
    )


@dataclass(frozen=True)
class Staff:
    """Everyone who works on the model's steps: one row per person.

    ``people`` columns: ``person`` (index), ``actor``, ``nip``, ``name``, ``speed`` (a factor
    on this person's durations). ``pools`` maps an actor id to its people's row numbers.
    """

    people: pd.DataFrame
    pools: dict[str, np.ndarray]

    @classmethod
    def build(
        cls, model: SopModel, settings: SimulationSettings, rng: np.random.Generator
    ) -> Staff:
        """One pool per non-applicant actor; same-role four-eyes pairs get two people at least."""
        unknown = sorted(set(settings.staff) - {a.id for a in model.actors})
        unknown += sorted(set(settings.slow_roles) - {a.id for a in model.actors})
        if unknown:
            raise SimulationError(
                f"staff/slow_roles name actors {model.id} does not have: {', '.join(unknown)} "
                f"(actors: {', '.join(a.id for a in model.actors)})"
            )
        applicants = applicant_actors(model)
        same_role_pairs = {
            model.step(p.first).actor
            for p in model.sla.segregation_of_duties
            if model.step(p.first).actor == model.step(p.second).actor
        }
        rows: list[dict[str, object]] = []
        pools: dict[str, np.ndarray] = {}
        used_names: set[str] = set()
        for actor in model.actors:
            if actor.id in applicants:
                continue
            default = 1 if any(_HEADS.search(n) for n in actor.names()) else 3
            size = settings.staff.get(actor.id, default)
            if actor.id in same_role_pairs:
                size = max(size, 2)
            first_row = len(rows)
            for _ in range(max(size, 1)):
                rows.append(
                    {
                        "actor": actor.id,
                        "nip": _nip(rng),
                        "name": _name(rng, used_names),
                        "speed": float(np.exp(rng.normal(0.0, settings.person_spread))),
                    }
                )
            pools[actor.id] = np.arange(first_row, len(rows))
        people = pd.DataFrame(rows, columns=["actor", "nip", "name", "speed"])
        return cls(people=people, pools=pools)


def _nip(rng: np.random.Generator) -> str:
    """An 18-digit NIP: birth date, appointment year-month, gender, sequence."""
    birth = pd.Timestamp("1966-01-01") + pd.Timedelta(days=int(rng.integers(0, 30 * 365)))
    appointed = birth.year + int(rng.integers(22, 30))
    month = int(rng.integers(1, 13))
    return (
        f"{birth:%Y%m%d}{appointed:04d}{month:02d}{int(rng.integers(1, 3))}"
        f"{int(rng.integers(1, 20)):03d}"
    )


def _name(rng: np.random.Generator, used: set[str]) -> str:
    for _ in range(1000):
        name = f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"
        if name not in used:
            used.add(name)
            return name
    raise SimulationError("too many people for the name list; lower the staff sizes")
