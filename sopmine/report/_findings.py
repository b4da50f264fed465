"""The findings: deviations by type, one table per type, and one dossier per non-compliant case.

A case is **non-compliant** when it left the SOP's flow, actors or four-eyes rule (it is not
conformant) or its service exceeded the service target. Cases that only ran over a step's
Waktu are listed in that type's table, not given a dossier of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from sopmine.analyze import CaseStory, Verdicts, tell_cases
from sopmine.check import DEVIATION_TYPES
from sopmine.report._charts import bar_chart
from sopmine.report._document import (
    Block,
    Column,
    Facts,
    Paragraph,
    Section,
    Table,
    duration_text,
)
from sopmine.report._words import Language, days_text, missing, number, when_text, word
from sopmine.sop import SopModel

__all__ = [
    "Context",
    "deviation_sections",
    "dossier_sections",
    "dossier_sheets",
    "noncompliant",
    "type_overview",
]

_ORDER = tuple(DEVIATION_TYPES)


@dataclass(frozen=True)
class Context:
    """The SOP and the reader's language, shared by every part of the report."""

    model: SopModel
    lang: Language
    pseudonymized: bool = False

    def waktu(self, step_id: str | None) -> str:
        """The step's Waktu as the SOP writes it (``30 Menit``)."""
        step = self._steps.get(str(step_id))
        return str(step.waktu) if step else "—"

    def step_label(self, step_id: object, fallback: object = None) -> str:
        """``7. Verifikasi berkas``; the recorded text for an activity the SOP does not know."""
        step = self._steps.get(str(step_id))
        if step is None:
            return "—" if missing(fallback) else str(fallback)
        return f"{step.number}. {step.name}"

    def actor_name(self, step_id: object) -> str:
        """The name of the step's actor in the SOP."""
        step = self._steps.get(str(step_id))
        return self.model.actor(step.actor).name if step else "—"

    @property
    def minutes_per_day(self) -> float:
        return float(self.model.calendar.minutes_per_day)

    @cached_property
    def _steps(self) -> dict[str, Any]:  # asked once per row: built once
        return {s.id: s for s in self.model.steps}


def noncompliant(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases that get a dossier, in case-number order."""
    breach = cases["service_breach"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    chosen = cases[~cases["conformant"].to_numpy(dtype=bool) | breach]
    return chosen.sort_values("case_id", key=lambda s: s.astype(str), kind="stable")


def type_overview(verdicts: Verdicts, previous: Verdicts | None, ctx: Context) -> list[Block]:
    """Cases and findings per deviation type, with the previous period's cases, and a chart."""
    lang = ctx.lang
    now, before = _type_counts(verdicts), _type_counts(previous) if previous else None
    n_cases = max(len(verdicts.cases), 1)
    rows = [
        {"type": kind, "label": word(kind, lang), "meaning": _meaning(kind, lang),
         "cases": now[kind][0], "findings": now[kind][1],
         "share": 100.0 * now[kind][0] / n_cases,
         "previous_cases": before[kind][0] if before is not None else None}
        for kind in _ORDER if now[kind][1] or (before is not None and before[kind][1])
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["type", "label", "meaning", "cases", "findings", "share",
                                        "previous_cases"])  # fmt: skip
    frame = frame.sort_values("cases", ascending=False, kind="stable").reset_index(drop=True)
    table = Table(
        key="deviation_types", title=word("deviations", lang), frame=frame,
        columns=(Column("label", word("col_type", lang)),
                 Column("meaning", word("col_meaning", lang)),
                 Column("cases", word("col_cases", lang), "int"),
                 Column("share", "%", "pct"),
                 Column("findings", word("col_findings", lang), "int"),
                 Column("previous_cases", f"{word('col_cases', lang)} "
                        f"({word('col_previous', lang).lower()})", "int")),
    )  # fmt: skip
    if frame.empty:
        return [table]
    chart = bar_chart(
        "types_chart", word("chart_types", lang), frame["label"].tolist(),
        [float(v) for v in frame["cases"]], axis=word("axis_cases", lang),
        alt="; ".join(f"{a}: {b}" for a, b in zip(frame["label"], frame["cases"], strict=True)),
    )  # fmt: skip
    return [table, chart]


def deviation_sections(verdicts: Verdicts, ctx: Context) -> list[Section]:
    """One chapter with a table of findings per deviation type found."""
    lang = ctx.lang
    found = _findings_frame(verdicts, ctx)
    blocks: list[Block] = [Paragraph(word("deviations_intro", lang))]
    for kind in _ORDER:
        rows = found[found["type"] == kind].reset_index(drop=True)
        if rows.empty:
            continue
        # Printed, expected and observed share a column, as do the person and the role; the
        # XLSX keeps them apart.
        columns = [Column("case_id", word("col_case", lang)),
                   Column("step", word("col_step", lang)),
                   Column("expected", word("col_expected", lang), printed=False),
                   Column("observed", word("col_observed", lang), printed=False),
                   Column("versus", word("col_versus", lang), in_sheet=False),
                   Column("resource", word("col_person", lang), printed=False),
                   Column("role", word("col_role", lang), printed=False),
                   Column("who", word("col_person_role", lang), in_sheet=False)]  # fmt: skip
        if kind in ("step_sla_breach", "service_sla_breach"):
            columns += _late_columns(lang)
        columns += _source_columns(lang)
        title = f"{word(kind, lang)} ({number(rows['case_id'].nunique(), lang)} " + (
            f"{word('col_cases', lang).lower()}, {number(len(rows), lang)} "
            f"{word('col_findings', lang).lower()})"
        )
        blocks.append(Table(key=f"dev_{kind}", title=title, frame=rows, columns=tuple(columns),
                            note=_meaning(kind, lang)))  # fmt: skip
    return [Section("deviations", word("deviations", lang), tuple(blocks))]


def dossier_sections(verdicts: Verdicts, ctx: Context) -> list[Section]:
    """The appendix: an introduction, then one sub-section per non-compliant case."""
    lang = ctx.lang
    chosen = noncompliant(verdicts.cases)
    intro = Section(
        "dossiers", word("dossiers", lang), (Paragraph(_dossier_intro(lang, len(chosen))),)
    )
    return [intro, *(_dossier(story, ctx) for story in tell_cases(verdicts, chosen))]


def dossier_sheets(sections: list[Section]) -> dict[str, Table]:
    """The dossiers' tables as two long tables (findings, timeline), keyed by case."""
    out: dict[str, Table] = {}
    for part in ("findings", "timeline"):
        tables = [b for s in sections for b in s.blocks
                  if isinstance(b, Table) and b.key == f"case:{part}"]  # fmt: skip
        if not tables:
            continue
        first = tables[0]
        frame = pd.concat([t.frame for t in tables], ignore_index=True)
        case_column = Column("case_id", first.frame.attrs.get("case_label", "case"))
        out[f"dossier_{part}"] = Table(
            key=f"dossier_{part}", title=first.title, frame=frame,
            columns=(case_column, *first.columns),
        )  # fmt: skip
    return out


def _dossier(story: CaseStory, ctx: Context) -> Section:
    lang, case, mpd = ctx.lang, story.case, ctx.minutes_per_day
    zone = ctx.model.office.timezone
    case_id = str(case["case_id"])
    late = _late(case.get("service_elapsed_minutes"), case.get("service_target_minutes"))
    facts = (
        (word("col_status", lang), word(str(case["status"]), lang)),
        (word("col_arrived", lang), when_text(case.get("first_event_at"), zone, lang)),
        (word("col_service", lang),
         f"{_duration(case.get('service_elapsed_minutes'), mpd, lang)} ({word('col_target', lang)}"
         f" {_duration(case.get('service_target_minutes'), mpd, lang)})"),
        (word("col_late", lang),
         f"{_duration(late, mpd, lang)} = {days_text(late, mpd, lang)} "
         f"{word('working_days', lang)}" if late else word("no", lang)),
        (word("col_fitness", lang), _fitness(case.get("fitness"), lang)),
    )  # fmt: skip
    blocks: list[Block] = [Facts(facts)]
    blocks.append(_case_findings(story, ctx, case_id))
    blocks.append(_case_timeline(story, ctx, case_id))
    missing = story.should_have[story.should_have["state"] == "missing"]
    if len(missing):
        steps = ", ".join(f"{n}. {s}" for n, s in zip(missing["number"], missing["name"],
                                                        strict=True))  # fmt: skip
        lead = "Langkah SOP yang tidak dilakukan" if lang == "id" else "SOP steps not done"
        blocks.append(Paragraph(f"{lead}: {steps}.", style="finding"))
    return Section(f"case:{case_id}", f"{word('col_case', lang)} {case_id}", tuple(blocks), level=2)


def _case_findings(story: CaseStory, ctx: Context, case_id: str) -> Table:
    lang, found = ctx.lang, story.deviations
    frame = pd.DataFrame({
        "case_id": case_id,
        "type": [word(str(t), lang) for t in found["type"]],
        "step": _step_labels(found, ctx),
        "detail": found["detail"].astype(object).tolist(),
        "resource": found["resource"].astype(object).tolist(),
        "role": found["role"].astype(object).tolist(),
        "source": _sources(found),
        "source_lines": _sources(found, lines=True),
    })  # fmt: skip
    frame["who"] = _person_role(frame)
    frame.attrs["case_label"] = word("col_case", lang)
    return Table(
        key="case:findings", title=word("col_findings", lang), frame=frame,
        columns=(Column("type", word("col_type", lang)), Column("step", word("col_step", lang)),
                 Column("detail", word("col_detail", lang)),
                 Column("resource", word("col_person", lang), printed=False),
                 Column("role", word("col_role", lang), printed=False),
                 Column("who", word("col_person_role", lang), in_sheet=False),
                 *_source_columns(lang)),
    )  # fmt: skip


def _case_timeline(story: CaseStory, ctx: Context, case_id: str) -> Table:
    lang, done = ctx.lang, story.happened
    late = [
        _late(e, t) if pd.notna(b) and bool(b) else None
        for e, t, b in zip(done["elapsed_minutes"], done["target_minutes"], done["breach"],
                           strict=True)
    ]  # fmt: skip
    frame = pd.DataFrame({
        "case_id": case_id,
        "order": range(1, len(done) + 1),
        "step": [ctx.step_label(s, a) for s, a in zip(done["step_id"], done["activity"],
                                                     strict=True)],
        "actor": [ctx.actor_name(s) for s in done["step_id"]],
        "role": done["role"].astype(object).tolist(),
        "resource": done["resource"].astype(object).tolist(),
        "handover_at": done["handover_at"].tolist(),
        "completed_at": done["completed_at"].tolist(),
        "elapsed_minutes": done["elapsed_minutes"].tolist(),
        "waktu": [ctx.waktu(s) for s in done["step_id"]],
        "late_minutes": late,
        "late_days": [v / ctx.minutes_per_day if v else None for v in late],
        "findings": [", ".join(word(t, lang) for t in types) for types in done["types"]],
    })  # fmt: skip
    # Printed, the SOP's actor and the recorded role share a column ("SOP / recorded" when they
    # differ), as do the working time and the Waktu: the table fits a portrait page.
    frame["who"] = [a if missing(r) or str(r) == a else f"{a} / {r}"
                    for a, r in zip(frame["actor"], frame["role"], strict=True)]  # fmt: skip
    frame["time"] = [
        f"{_duration(e, ctx.minutes_per_day, lang)} / {w}"
        for e, w in zip(frame["elapsed_minutes"], frame["waktu"], strict=True)
    ]
    frame.attrs["case_label"] = word("col_case", lang)
    return Table(
        key="case:timeline",
        title="Jejak kasus terhadap SOP" if lang == "id" else "The case against its SOP",
        frame=frame,
        columns=(Column("order", word("col_no", lang), "int"),
                 Column("step", word("col_step", lang)),
                 Column("actor", word("col_actor", lang), printed=False),
                 Column("role", word("col_role", lang), printed=False),
                 Column("who", word("col_who", lang), in_sheet=False),
                 Column("resource", word("col_person", lang)),
                 Column("completed_at", word("col_completed", lang), "when"),
                 Column("elapsed_minutes", word("col_elapsed", lang), "minutes", printed=False),
                 Column("waktu", word("col_waktu", lang), printed=False),
                 Column("time", word("col_time", lang), "figure", in_sheet=False),
                 *_late_columns(lang),
                 Column("findings", word("col_findings", lang))),
    )  # fmt: skip


def _findings_frame(verdicts: Verdicts, ctx: Context) -> pd.DataFrame:
    """Every finding with its step label, source reference and working days late."""
    found = verdicts.deviations
    frame = pd.DataFrame({
        "sop_id": found["sop_id"].astype(str), "case_id": found["case_id"].astype(str),
        "type": found["type"].astype(str),
        "step_id": found["step_id"].astype(object),
        "step": _step_labels(found, ctx),
        "expected": found["expected"].astype(object), "observed": found["observed"].astype(object),
        "resource": found["resource"].astype(object), "role": found["role"].astype(object),
        "source_file": found["source_file"].astype(object), "source_row": found["source_row"],
        "source": _sources(found), "source_lines": _sources(found, lines=True),
        "detail": found["detail"].astype(object),
    })  # fmt: skip
    frame["versus"] = [
        "—"
        if missing(e) and missing(o)
        else f"{'—' if missing(e) else e} / {'—' if missing(o) else o}"
        for e, o in zip(frame["expected"], frame["observed"], strict=True)
    ]
    frame["who"] = _person_role(frame)
    frame["late_minutes"] = _late_minutes(frame, verdicts)
    frame["late_days"] = frame["late_minutes"] / ctx.minutes_per_day
    return frame.sort_values(["case_id", "source_row"], kind="stable", na_position="last")


def _late_minutes(found: pd.DataFrame, verdicts: Verdicts) -> pd.Series:
    """Working minutes over the target, for step and service breaches (NaN otherwise)."""
    steps = verdicts.steps
    step_late = pd.Series(
        (steps["elapsed_minutes"] - steps["target_minutes"]).clip(lower=0).to_numpy(),
        index=pd.MultiIndex.from_arrays([steps["case_id"].astype(str), steps["source_row"]]),
    )
    step_late = step_late[~step_late.index.duplicated()]
    cases = verdicts.cases
    service_late = pd.Series(
        (cases["service_elapsed_minutes"] - cases["service_target_minutes"]).clip(lower=0)
        .to_numpy(), index=cases["case_id"].astype(str),
    )  # fmt: skip
    service_late = service_late[~service_late.index.duplicated()]
    keys = pd.MultiIndex.from_arrays([found["case_id"], found["source_row"]])
    by_step = step_late.reindex(keys).to_numpy()
    by_case = service_late.reindex(found["case_id"]).to_numpy()
    kind = found["type"].to_numpy()
    out = pd.Series(float("nan"), index=found.index)
    out[kind == "step_sla_breach"] = by_step[kind == "step_sla_breach"]
    out[kind == "service_sla_breach"] = by_case[kind == "service_sla_breach"]
    return out


def _step_labels(found: pd.DataFrame, ctx: Context) -> list[str]:
    """Each finding's step; an activity the SOP does not know is named as it was recorded."""
    return [
        ctx.step_label(s, o if t == "unmapped_activity" else None)
        for s, o, t in zip(found["step_id"], found["observed"], found["type"].astype(str),
                           strict=True)
    ]  # fmt: skip


def _type_counts(verdicts: Verdicts) -> dict[str, tuple[int, int]]:
    found = verdicts.deviations
    kinds = found["type"].astype(str)
    out = {}
    for kind in _ORDER:
        mine = found[(kinds == kind).to_numpy()]
        out[kind] = (int(mine["case_id"].astype(str).nunique()), len(mine))
    return out


def _late_columns(lang: Language) -> list[Column]:
    """Lateness printed as working time (``1 hari 2 jam``), and in working days in the XLSX."""
    return [Column("late_minutes", word("col_late", lang), "minutes"),
            Column("late_days", word("col_late_days", lang), "days", printed=False)]  # fmt: skip


def _fitness(value: object, lang: Language) -> str:
    return "—" if missing(value) else number(float(value), lang, decimals=3)  # type: ignore[arg-type]


def _duration(minutes: object, mpd: float, lang: Language) -> str:
    if missing(minutes):
        return "—"
    return duration_text(float(minutes), mpd, lang)  # type: ignore[arg-type]


def _sources(found: pd.DataFrame, *, lines: bool = False) -> list[str]:
    """``file:row`` of each finding; printed as two lines, so a row number is never cut."""
    joint = "\n" if lines else ":"
    return [
        f"{f}{joint}{int(r)}" if pd.notna(f) and pd.notna(r) else "—"
        for f, r in zip(found["source_file"], found["source_row"], strict=True)
    ]


def _source_columns(lang: Language) -> list[Column]:
    return [Column("source", word("col_source", lang), printed=False),
            Column("source_lines", word("col_source", lang), in_sheet=False)]  # fmt: skip


def _person_role(frame: pd.DataFrame) -> list[str]:
    """``person (role)``, as far as each is known."""
    return [
        "—" if missing(p) and missing(r) else str(r) if missing(p)
        else str(p) if missing(r) else f"{p} ({r})"
        for p, r in zip(frame["resource"], frame["role"], strict=True)
    ]  # fmt: skip


def _late(elapsed: object, target: object) -> float | None:
    if missing(elapsed) or missing(target):
        return None
    over = float(elapsed) - float(target)  # type: ignore[arg-type]
    return over if over > 0 else None


def _meaning(kind: str, lang: Language) -> str:
    text = DEVIATION_TYPES[kind][0 if lang == "id" else 1]
    return text[0].upper() + text[1:] + "."


def _dossier_intro(lang: Language, count: int) -> str:
    if lang == "id":
        return (f"Lampiran ini memuat {number(count, lang)} kasus tidak patuh: kasus yang keluar "
                "dari alur, pelaksana atau prinsip empat mata SOP, atau yang waktu layanannya "
                "melewati target. Untuk setiap kasus: aturan yang dilanggar, petugas dan "
                "jabatannya, keterlambatan dalam hari kerja, dan jejaknya terhadap SOP. Kasus "
                "yang hanya melewati Waktu sebuah langkah tercantum pada tabel 'Langkah melewati "
                "Waktu'.")  # fmt: skip
    return (f"This appendix sets out {number(count, lang)} non-compliant cases: cases that left "
            "the SOP's flow, actors or four-eyes rule, or whose service time exceeded the "
            "target. For each: the rule broken, the person and role, the working days late, and "
            "its record against the SOP. Cases that only ran over a step's Waktu are listed in "
            "the 'Step over its Waktu' table.")  # fmt: skip
