"""Activity labels and codes -> SOP step ids.

A label maps to a step when, after normalising case, spaces and punctuation, it equals the
step's id, name or one of its aliases (all in the SOP model). The profile may add labels and
codes per SOP model (SiCantik's ``jenis_proses_id``, OSS's ``kd_status``); codes win over labels.
A label claimed by two steps maps to neither. Unmapped labels stay as events without a step,
and :meth:`StepMapper.suggest` names the closest known labels.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sopmine.errors import ProfileError
from sopmine.log.profile import StepOverrides
from sopmine.sop import SopModel
from sopmine.sop.labels import normalize_label

__all__ = ["StepMapper", "normalize_label"]


@dataclass(frozen=True)
class StepMapper:
    """Maps labels and codes of one export to the steps of one SOP model.

    >>> from sopmine import load_sop
    >>> overrides = StepOverrides(codes={"7": "tte_kadis"})
    >>> mapper = StepMapper.build(load_sop("karimun_sicantik"), overrides)
    >>> labels = pd.Series(["Validasi Kabid", "Cetak ijin", "X"])
    >>> mapper.map(labels, pd.Series([None, None, "7"])).tolist()
    ['validasi_kabid', nan, 'tte_kadis']
    >>> mapper.suggest("Cetak ijin")
    ['Cetak Izin', 'Cetak Surat Izin', 'Cetak SK']
    """

    sop_id: str
    labels: dict[str, str]
    codes: dict[str, str]
    known: tuple[str, ...]

    @classmethod
    def build(cls, model: SopModel, overrides: StepOverrides, *, profile: str = "") -> StepMapper:
        """The mapper for ``model``; override ids the model does not have raise ProfileError."""
        claims: dict[str, set[str]] = {}
        known: list[str] = []
        for step in model.steps:
            for label in (step.id, step.name, *step.aliases):
                claims.setdefault(normalize_label(label), set()).add(step.id)
                known.append(label)
        labels = {k: next(iter(v)) for k, v in claims.items() if len(v) == 1}
        _check_targets(model, overrides, profile)
        labels.update({normalize_label(k): v for k, v in overrides.labels.items()})
        known.extend(overrides.labels)
        codes = {str(k).strip(): v for k, v in overrides.codes.items()}
        return cls(model.id, labels, codes, tuple(dict.fromkeys(known)))

    def map(self, activity: pd.Series, code: pd.Series | None = None) -> pd.Series:
        """The step id of each event (NaN where unmapped), from its code, else its label."""
        steps = _map_uniques(activity, lambda label: self.labels.get(normalize_label(label)))
        if code is not None and self.codes:
            by_code = _map_uniques(code, lambda c: self.codes.get(c.strip()))
            steps = by_code.fillna(steps)
        return steps.astype("str")

    def suggest(self, label: str, *, count: int = 3) -> list[str]:
        """The known labels closest to ``label``, best first."""
        by_norm = _normalized_known(self.known)
        close = difflib.get_close_matches(
            normalize_label(label), list(by_norm), n=count, cutoff=0.5
        )
        return [by_norm[c] for c in close]


@functools.lru_cache(maxsize=16)
def _normalized_known(known: tuple[str, ...]) -> dict[str, str]:
    return {normalize_label(k): k for k in known}


def _map_uniques(values: pd.Series, lookup: Callable[[str], str | None]) -> pd.Series:
    """``values.map(lookup)``, calling ``lookup`` once per distinct value."""
    codes, uniques = pd.factorize(values)
    mapped = np.array([lookup(str(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype="str")


def _check_targets(model: SopModel, overrides: StepOverrides, profile: str) -> None:
    step_ids = {s.id for s in model.steps}
    wrong = [
        f"{kind} '{key}' -> '{target}'"
        for kind, table in (("label", overrides.labels), ("code", overrides.codes))
        for key, target in table.items()
        if target not in step_ids
    ]
    if wrong:
        raise ProfileError(
            f"profile {profile or '?'} maps to steps that SOP {model.id} does not have: "
            f"{', '.join(wrong)}. Its steps are: {', '.join(sorted(step_ids))}"
        )
