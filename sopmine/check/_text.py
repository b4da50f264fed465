"""The plain-words side of a finding: ``detail`` sentences and minutes, in Indonesian or English.

Working minutes are shown with their working days (one Hari = one office day) from a day up,
as the SOP states its Waktu: "1.230 menit kerja (2,6 hari kerja)", "45 menit kerja".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.sop import SopModel

if TYPE_CHECKING:
    from sopmine.check._flow import Finding

__all__ = ["Texts"]

_Floats = npt.NDArray[np.float64]
_Coded = tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]

_FLOW = {
    "id": {
        "missing_step": "Langkah {step} tidak tercatat; kasus berlanjut ke {observed}.",
        "missing_step_end": "Langkah {step} tidak tercatat sebelum kasus selesai.",
        "unexpected_activity": "Langkah {step} dilakukan, padahal tidak termasuk jalur kasus ini.",
        "repeated_step": "Langkah {step} dilakukan lagi di luar perulangan yang diizinkan SOP.",
        "wrong_order": "Urutan terbalik: SOP menetapkan {expected}, tercatat {observed}.",
        "unmapped_activity": "Aktivitas '{observed}' tidak dikenal dalam SOP.",
    },
    "en": {
        "missing_step": "Step {step} was not recorded; the case went on to {observed}.",
        "missing_step_end": "Step {step} was not recorded before the case ended.",
        "unexpected_activity": "Step {step} was performed although it is not on this case's path.",
        "repeated_step": "Step {step} was performed again outside a loop the SOP allows.",
        "wrong_order": "Wrong order: the SOP says {expected}, the log shows {observed}.",
        "unmapped_activity": "Activity '{observed}' is not known to the SOP.",
    },
}
_OTHER = {
    "id": {
        "wrong_actor": "Langkah {step} dilakukan oleh {role}; menurut SOP pelaksananya {actor}.",
        "four_eyes_expected": "orang berbeda untuk {first} dan {second}",
        "four_eyes": "{person} melakukan {first} sekaligus {second} (prinsip empat mata).",
        "step_late": "Langkah {step} memakan {elapsed}; Waktu SOP {target}.",
        "service_sla_breach": "Waktu layanan {elapsed} melebihi target {target}.",
        "open_at_risk": "Kasus berjalan telah memakai {elapsed} dari target {target}"
        " (sisa {remaining}).",
        "step_at_risk": "Langkah {step} telah berjalan {elapsed} dari Waktu SOP {target}.",
        "minutes": "{minutes} menit kerja",
        "days": "{minutes} menit kerja ({days} hari kerja)",
    },
    "en": {
        "wrong_actor": "Step {step} was performed by {role}; the SOP's actor is {actor}.",
        "four_eyes_expected": "different people for {first} and {second}",
        "four_eyes": "{person} performed both {first} and {second} (four-eyes rule).",
        "step_late": "Step {step} took {elapsed}; the SOP allows {target}.",
        "service_sla_breach": "Service time {elapsed} exceeded the target {target}.",
        "open_at_risk": "The open case has used {elapsed} of its target {target}"
        " ({remaining} left).",
        "step_at_risk": "Step {step} has run {elapsed} of its SOP Waktu {target}.",
        "minutes": "{minutes} working minutes",
        "days": "{minutes} working minutes ({days} working days)",
    },
}


class Texts:
    """Sentences for the findings of one model, in one language."""

    def __init__(self, model: SopModel, lang: Literal["id", "en"]) -> None:
        self._lang = lang
        self._per_day = model.calendar.minutes_per_day
        self._names = {s.id: f"{s.number} ({s.name})" for s in model.steps}
        self._actors = {s.id: model.actor(s.actor).name for s in model.steps}
        self._flow = _FLOW[lang]
        self._other = _OTHER[lang]
        self._memo: dict[float, str] = {}  # whole minutes -> words

    def step(self, step_id: str | None) -> str:
        """``5 (Verifikasi Berkas)`` for a step id; the text itself for anything else."""
        return self._names.get(step_id or "", step_id or "")

    def flow(self, finding: Finding) -> str:
        """The sentence for a control-flow finding."""
        kind = finding.type
        if kind == "missing_step" and finding.observed is None:
            kind = "missing_step_end"
        return self._flow[kind].format(
            step=self.step(finding.step_id),
            observed=self.step(finding.observed)
            if kind != "unmapped_activity"
            else finding.observed,
            expected=finding.expected,
        )

    def minutes(self, values: _Floats) -> _Coded:
        """Working minutes as words (whole minutes), with working days; code -1 for NaN.

        Each distinct whole number of minutes is formatted once per check.
        """
        rounded = np.round(np.asarray(values, dtype=np.float64))
        codes, unique = pd.factorize(rounded)  # NaN: code -1
        memo = self._memo
        texts = []
        for value in unique.tolist():
            text = memo.get(value)
            if text is None:
                text = memo[value] = cast(str, self._minutes(value))
            texts.append(text)
        return codes.astype(np.int64), np.array([*texts, None], dtype=object)[:-1]

    def _minutes(self, value: float) -> str | None:
        if value != value:  # NaN
            return None
        thousands = "." if self._lang == "id" else ","
        whole = f"{round(value):,}".replace(",", thousands)
        if abs(value) < self._per_day:
            return self._other["minutes"].format(minutes=whole)
        days = f"{value / self._per_day:.1f}"
        days = days.replace(".", ",") if self._lang == "id" else days
        return self._other["days"].format(minutes=whole, days=days)

    def wrong_actor(self, steps: _Coded, roles: _Coded) -> _Coded:
        """One sentence per wrong-actor finding (steps and roles coded as their columns)."""
        template = self._other["wrong_actor"]

        def sentence(step: object, role: object) -> str:
            return template.format(
                step=self.step(str(step)), role=role, actor=self._actors[str(step)]
            )

        return _each_distinct(sentence, steps, roles)

    def four_eyes_expected(self, first: str, second: str) -> str:
        """What a four-eyes pair requires, in words."""
        return self._other["four_eyes_expected"].format(
            first=self.step(first), second=self.step(second)
        )

    def four_eyes(self, people: _Coded, first: str, second: str) -> _Coded:
        """One sentence per four-eyes breach."""
        template = self._other["four_eyes"]
        a, b = self.step(first), self.step(second)
        return _each_distinct(lambda p: template.format(person=p, first=a, second=b), people)

    def step_late(self, steps: _Coded, elapsed: _Coded, target: _Coded) -> _Coded:
        """One sentence per late step (minutes coded as :meth:`minutes` gives them)."""
        template = self._other["step_late"]
        return _each_distinct(
            lambda s, e, t: template.format(step=self.step(s), elapsed=e, target=t),
            steps,
            elapsed,
            target,
        )

    def service(self, kind: str, cases: Mapping[str, Any], share: float) -> _Coded:
        """One sentence per service breach or open case at risk (``cases``: case columns).

        An open case at risk by its current step's target (not its service target) is told
        by that step.
        """
        template = self._other[kind]
        elapsed = np.asarray(cases["service_elapsed_minutes"], dtype=np.float64)
        target = np.asarray(cases["service_target_minutes"], dtype=np.float64)
        left = np.abs(np.asarray(cases["remaining_minutes"], dtype=np.float64))
        codes, labels = _each_distinct(
            lambda e, t, r: template.format(elapsed=e, target=t, remaining=r),
            self.minutes(elapsed),
            self.minutes(target),
            self.minutes(left),
        )
        if kind != "open_at_risk":
            return codes, labels
        by_step = ~(elapsed >= share * target)
        if not by_step.any():
            return codes, labels
        step = cast("pd.Categorical", cases["current_step"])[by_step]
        step_codes = np.asarray(step.codes, dtype=np.int64)
        step_labels = np.array([*step.categories.tolist(), np.nan], dtype=object)
        spent = self.minutes(np.asarray(cases["step_elapsed_minutes"], np.float64)[by_step])
        allowed = self.minutes(np.asarray(cases["step_target_minutes"], np.float64)[by_step])
        template = self._other["step_at_risk"]
        at_step, step_texts = _each_distinct(
            lambda s, e, t: template.format(step=self.step(s), elapsed=e, target=t),
            (
                np.where(step_codes >= 0, step_codes, len(step_labels) - 1).astype(np.int64),
                step_labels,
            ),
            spent,
            allowed,
        )
        codes = codes.copy()
        codes[by_step] = at_step + len(labels)
        return codes, np.concatenate([labels, step_texts])


def _each_distinct(make: Callable[..., str], *columns: _Coded) -> _Coded:
    """``make`` of each row's values (None where a code is -1), called once per distinct row.

    Returns codes into the sentences made.
    """
    n = columns[0][0].size
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.array([], dtype=object)
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for codes, labels in columns:
        width = len(labels) + 1
        radix *= width
        if radix >= 2**62:  # too many combinations for one integer key: rows as tuples
            return _each_distinct_rows(make, *columns)
        key *= width
        key += codes
        key += 1
    inverse, unique = pd.factorize(key)
    first = np.empty(unique.size, dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)  # the first row of each
    texts = [make(*_values(columns, row)) for row in first.tolist()]
    return inverse.astype(np.int64), np.array([*texts, None], dtype=object)[:-1]


def _each_distinct_rows(make: Callable[..., str], *columns: _Coded) -> _Coded:
    """As :func:`_each_distinct`, for very many combinations (rows compared as a whole)."""
    grid = np.stack([codes for codes, _ in columns], axis=1)
    _, first, inverse = np.unique(grid, axis=0, return_index=True, return_inverse=True)
    texts = [make(*_values(columns, row)) for row in first.tolist()]
    return inverse.ravel().astype(np.int64), np.array([*texts, None], dtype=object)[:-1]


def _values(columns: tuple[_Coded, ...], row: int) -> list[object]:
    """The values of one row (None where its code is -1)."""
    return [labels[codes[row]] if codes[row] >= 0 else None for codes, labels in columns]
