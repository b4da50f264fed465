"""The plain-words side of a finding: ``detail`` sentences and minutes, in Indonesian or English.

Working minutes are shown with their working days (one Hari = one office day) from a day up,
as the SOP states its Waktu: "1.230 menit kerja (2,6 hari kerja)", "45 menit kerja".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.sop import SopModel

if TYPE_CHECKING:
    from sopmine.check._flow import Finding

__all__ = ["Texts"]

_Objects = npt.NDArray[np.object_]

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

    def minutes(self, values: npt.NDArray[np.float64]) -> _Objects:
        """Working minutes as words (whole minutes), with working days; None for NaN.

        Each distinct whole number of minutes is formatted once.
        """
        rounded = np.round(np.asarray(values, dtype=np.float64))
        unique, inverse = np.unique(rounded, return_inverse=True)
        texts = np.array([self._minutes(v) for v in unique.tolist()] + [None], dtype=object)
        return texts[inverse.ravel()] if rounded.size else np.array([], dtype=object)

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

    def wrong_actor(self, steps: _Objects, roles: _Objects) -> _Objects:
        """One sentence per wrong-actor finding."""
        template = self._other["wrong_actor"]
        return np.array(
            [
                template.format(step=self.step(s), role=r, actor=self._actors[s])
                for s, r in zip(steps.tolist(), roles.tolist(), strict=True)
            ],
            dtype=object,
        )

    def four_eyes_expected(self, first: str, second: str) -> str:
        """What a four-eyes pair requires, in words."""
        return self._other["four_eyes_expected"].format(
            first=self.step(first), second=self.step(second)
        )

    def four_eyes(self, people: _Objects, first: str, second: str) -> _Objects:
        """One sentence per four-eyes breach."""
        template = self._other["four_eyes"]
        a, b = self.step(first), self.step(second)
        return np.array(
            [template.format(person=p, first=a, second=b) for p in people.tolist()], dtype=object
        )

    def step_late(
        self,
        steps: _Objects,
        elapsed: npt.NDArray[np.float64],
        target: npt.NDArray[np.float64],
    ) -> _Objects:
        """One sentence per late step; each distinct sentence is formatted once."""
        template = self._other["step_late"]
        keys = pd.MultiIndex.from_arrays(
            [pd.Series(steps, dtype=object), np.round(elapsed), np.round(target)]
        )
        codes, found = keys.factorize()
        unique = cast("pd.MultiIndex", found)
        if len(unique) == 0:
            return np.array([], dtype=object)
        u_steps, u_elapsed, u_target = (unique.get_level_values(i) for i in range(3))
        spent = self.minutes(np.asarray(u_elapsed, dtype=np.float64))
        allowed = self.minutes(np.asarray(u_target, dtype=np.float64))
        texts = np.array(
            [
                template.format(step=self.step(s), elapsed=e, target=t)
                for s, e, t in zip(u_steps.tolist(), spent.tolist(), allowed.tolist(), strict=True)
            ],
            dtype=object,
        )
        return np.asarray(texts[codes], dtype=object)

    def service(self, kind: str, cases: pd.DataFrame, share: float) -> _Objects:
        """One sentence per service breach or open case at risk.

        An open case at risk by its current step's target (not its service target) is told
        by that step.
        """
        template = self._other[kind]
        elapsed = cases["service_elapsed_minutes"].to_numpy(dtype=np.float64)
        target = cases["service_target_minutes"].to_numpy(dtype=np.float64)
        spent, allowed = self.minutes(elapsed), self.minutes(target)
        left = self.minutes(np.abs(cases["remaining_minutes"].to_numpy(dtype=np.float64)))
        out = [
            template.format(elapsed=e, target=t, remaining=r)
            for e, t, r in zip(spent.tolist(), allowed.tolist(), left.tolist(), strict=True)
        ]
        if kind == "open_at_risk":
            by_step = ~(elapsed >= share * target)
            step_spent = self.minutes(cases["step_elapsed_minutes"].to_numpy(dtype=np.float64))
            step_allowed = self.minutes(cases["step_target_minutes"].to_numpy(dtype=np.float64))
            steps = cases["current_step"].to_numpy(dtype=object)
            for i in np.flatnonzero(by_step).tolist():
                out[i] = self._other["step_at_risk"].format(
                    step=self.step(steps[i]), elapsed=step_spent[i], target=step_allowed[i]
                )
        return np.array(out, dtype=object)
