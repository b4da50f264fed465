"""Offices side by side: the same kind of service, each in its own calendar and time zone.

Service times are compared in working days of each office (its hours, holidays and zone were
applied by the check). Steps are compared through the role that performs them: each SOP
actor belongs to a role family (Kepala Dinas, Kepala Bidang, Back Office, ...) read from its
id and name, which an analyst may override.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sopmine.analyze._groups import Groups
from sopmine.analyze._trends import summarize_kpis
from sopmine.analyze._verdicts import Source, Verdicts, as_verdicts, minutes_over_target
from sopmine.sop import Actor
from sopmine.sop.labels import normalize_label

__all__ = ["ROLE_FAMILIES", "compare_offices", "compare_roles", "role_family"]

#: Role family -> the words that name it in an actor's id, name or aliases (first match wins).
ROLE_FAMILIES: dict[str, tuple[str, ...]] = {
    "pemohon": ("pemohon", "applicant", "pelaku usaha"),
    "tim_teknis": ("tim teknis", "teknis"),
    "kepala_dinas": ("kepala dinas", "kadis", "kepala dpmptsp"),
    "sekretaris": ("sekretaris",),
    "kepala_bidang": ("kepala bidang", "kabid"),
    "sub_koordinator": ("sub koordinator", "ahli muda"),
    "koordinator": ("koordinator", "ahli madya"),
    "back_office": ("back office", "backoffice", "bo", "analis", "analisis"),
    "kepala_seksi": ("kepala seksi", "kasi"),
    "front_office": ("front office", "fo", "loket", "loker", "penerima berkas"),
    "umum": ("umum", "kasubbag"),
}


def role_family(actor: Actor) -> str:
    """The role family of an SOP actor (its id when no family's words appear in its names).

    >>> from sopmine import load_sop
    >>> role_family(load_sop("karimun_sicantik").actor("fo_loker_2"))
    'front_office'
    """
    for name in (actor.id.replace("_", " "), actor.name, *actor.aliases):
        words = f" {normalize_label(name)} "
        for family, needles in ROLE_FAMILIES.items():
            if any(f" {needle} " in words for needle in needles):
                return family
    return actor.id


def compare_offices(source: Source) -> pd.DataFrame:
    """One row per office and SOP: the headline figures, durations in each office's working days.

    Columns: those of :func:`summarize_kpis` with the office's regency after its name, then
    timezone and minutes_per_day (one Hari).
    """
    verdicts = as_verdicts(source)
    out = summarize_kpis(verdicts)
    out.insert(2, "regency", [verdicts.models[s].office.regency for s in out["sop_id"]])
    out["timezone"] = [verdicts.models[s].office.timezone for s in out["sop_id"]]
    out["minutes_per_day"] = [verdicts.models[s].calendar.minutes_per_day for s in out["sop_id"]]
    return out.sort_values(["regency", "office", "sop_id"], kind="stable").reset_index(drop=True)


def compare_roles(
    source: Source, *, families: Mapping[str, Mapping[str, str]] | None = None
) -> pd.DataFrame:
    """Comparable steps across offices, matched by the role family that performs them.

    One row per role family and office/SOP: the steps it does there (numbers), completions,
    median elapsed working minutes and days, breach share and time over target per case.
    ``families`` overrides the matching: ``{sop_id: {actor_id: family}}``.
    """
    verdicts = as_verdicts(source)
    family_of = _families(verdicts, families or {})
    steps = verdicts.steps
    by_step = Groups([steps["sop_id"], steps["step_id"]])
    shown = by_step.keys(steps, ["sop_id", "step_id"])
    keys = [(str(a), str(b)) for a, b in zip(shown["sop_id"], shown["step_id"], strict=True)]
    names = sorted({family_of.get(k, "") for k in keys})
    per_group = np.array([names.index(family_of.get(k, "")) for k in keys] + [-1])
    frame = pd.DataFrame(
        {
            "family": pd.Categorical.from_codes(
                per_group[by_step.number], categories=pd.Index(names)
            ),
            "sop_id": steps["sop_id"].astype("category").array,
        }
    )
    groups = Groups([frame["family"], frame["sop_id"]])
    elapsed = steps["elapsed_minutes"].to_numpy(dtype=float)
    out = groups.keys(frame, ["family", "sop_id"])
    out["volume"] = groups.size()
    out["cases"] = groups.distinct(steps["case_id"])
    out["elapsed_median_minutes"] = groups.spread(elapsed)["median"]
    out["timed"] = groups.count_valid(elapsed)
    out["breaches"] = groups.count_true(steps["breach"].to_numpy(dtype=bool))
    out["over"] = groups.total(minutes_over_target(steps))
    # in the order of the families, then of the SOPs (their categories), as groupby sorts
    order = np.lexsort((out["sop_id"].cat.codes, out["family"].cat.codes))
    out = out.take(order).reset_index(drop=True)
    out[["family", "sop_id"]] = out[["family", "sop_id"]].astype(str)
    return _finish_roles(out, verdicts, family_of)


def _families(
    verdicts: Verdicts, overrides: Mapping[str, Mapping[str, str]]
) -> dict[tuple[str, str], str]:
    """(sop_id, step_id) -> the role family of the step's SOP actor."""
    out = {}
    for sop_id, model in verdicts.models.items():
        chosen = overrides.get(sop_id, {})
        for step in model.steps:
            actor = model.actor(step.actor)
            out[(sop_id, step.id)] = chosen.get(actor.id, role_family(actor))
    return out


def _finish_roles(
    out: pd.DataFrame, verdicts: Verdicts, family_of: dict[tuple[str, str], str]
) -> pd.DataFrame:
    out["office"] = [verdicts.models[s].office.name for s in out["sop_id"]]
    out["regency"] = [verdicts.models[s].office.regency for s in out["sop_id"]]
    numbers = {k: m.step(k[1]).number for k in family_of for m in [verdicts.models[k[0]]]}
    out["steps"] = [
        ", ".join(str(n) for k, n in sorted(numbers.items(), key=lambda i: i[1])
                  if k[0] == sop and family_of[k] == family)
        for family, sop in zip(out["family"], out["sop_id"], strict=True)
    ]  # fmt: skip
    out["elapsed_median_days"] = out["elapsed_median_minutes"] / verdicts.minutes_per_day(out)
    out["breach_pct"] = np.where(out["timed"] > 0, 100.0 * out["breaches"] / out["timed"], np.nan)
    out["over_target_minutes_per_case"] = out["over"] / out["cases"]
    out["sops_compared"] = out.groupby("family")["sop_id"].transform("size")
    columns = ["family", "office", "regency", "sop_id", "steps", "volume", "cases",
               "elapsed_median_minutes",
               "elapsed_median_days", "breach_pct", "over_target_minutes_per_case",
               "sops_compared"]  # fmt: skip
    return out[columns].reset_index(drop=True)
