"""Compose the report from verdicts and the store's records: cover, summary and steps.

The findings and dossiers are in ``_findings``, the methodology and data quality in
``_method``. Everything here is frames in, a :class:`Report` out: no store, no files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sopmine._version import __version__
from sopmine.analyze import Verdicts, analyze_steps, rank_bottlenecks, summarize_kpis
from sopmine.errors import SopmineError
from sopmine.report import _findings, _method
from sopmine.report._charts import step_chart, trend_chart
from sopmine.report._document import Column, Facts, Paragraph, Report, Section, Table
from sopmine.report._pseudo import find_leaks, pseudonymize_verdicts
from sopmine.report._words import Language, date_text, missing, number, pct, when_text, word
from sopmine.sop import SopModel

__all__ = ["ReportData", "compose_report"]


@dataclass(frozen=True)
class ReportData:
    """What a report is made of, as read from the store.

    ``verdicts`` are the cases that arrived in the period (one SOP, optionally one office),
    ``previous`` those of the period of equal length just before (None when none arrived);
    ``sources`` the rows of the store's sources table for the SOP, ``rejects`` their rejected
    rows (with ``file_name``); ``run`` the check run the verdicts come from (as_of,
    sopmine_version, created_at, sop_hash).
    """

    verdicts: Verdicts
    previous: Verdicts | None
    sources: pd.DataFrame
    rejects: pd.DataFrame
    run: dict[str, Any] = field(default_factory=dict)
    applicant_ids: tuple[str, ...] = ()


def compose_report(
    data: ReportData,
    *,
    sop_id: str,
    period_from: dt.date,
    period_to: dt.date,
    office: str | None = None,
    lang: Language = "id",
    pseudonymize: bool = False,
    salt: str = "",
    generated_at: pd.Timestamp,
) -> Report:
    """The compliance report of ``sop_id`` over ``period_from``..``period_to`` (inclusive)."""
    verdicts, previous = data.verdicts, data.previous
    if not len(verdicts.cases):
        raise SopmineError(
            f"no application of {sop_id} arrived between {period_from} and {period_to}"
            f"{f' at {office}' if office else ''}; choose a period with cases "
            "(sopmine open-cases and the dashboard show the dates the store holds)"
        )
    ids = None
    if pseudonymize:
        verdicts, ids = pseudonymize_verdicts(verdicts, salt=salt, extra=data.applicant_ids)
        if previous is not None:
            previous, _ = pseudonymize_verdicts(previous, salt=salt, extra=data.applicant_ids)
    model = verdicts.models[sop_id]
    ctx = _findings.Context(model=model, lang=lang, pseudonymized=pseudonymize)
    summary, numbers = _summary(verdicts, previous, ctx, period=(period_from, period_to))
    command = _command(sop_id, (period_from, period_to), office, lang, pseudonymize, generated_at)
    sections = [
        _cover(
            data,
            model,
            ctx,
            period=(period_from, period_to),
            generated_at=generated_at,
            command=command,
        ),
        summary,
        _steps(verdicts, ctx),
        *_findings.deviation_sections(verdicts, ctx),
        *_findings.dossier_sections(verdicts, ctx),
        _method.method_section(model, data.sources, data.rejects, ctx),
        _method.sign_off_section(ctx),
    ]
    report = Report(
        title=word("report_title", lang),
        subtitle=f"{model.service} — {model.office.name}",
        lang=lang,
        zone=model.office.timezone,
        minutes_per_day=float(model.calendar.minutes_per_day),
        footer=f"{model.service} · {_period_text((period_from, period_to), lang)} · "
        f"sopmine {__version__}",
        sections=tuple(sections),
        sheets=_sheets(sections, numbers),
        generated_at=generated_at,
    )
    if ids is not None:
        _refuse_leaks(report, ids)
    return report


def _cover(
    data: ReportData, model: SopModel, ctx: _findings.Context, *,
    period: tuple[dt.date, dt.date], generated_at: pd.Timestamp, command: str,
) -> Section:  # fmt: skip
    lang, zone = ctx.lang, model.office.timezone
    previous = _previous_period(period)
    facts = (
        (word("office", lang), model.office.name),
        (word("regency", lang), f"{model.office.regency}, {model.office.province}"),
        (word("service", lang), model.service),
        (word("sop_title", lang), model.title),
        (word("sop_number", lang), model.sop_number or word("not_stated", lang)),
        (word("legal_basis", lang), "; ".join(model.legal_basis) or word("not_stated", lang)),
        (word("period", lang), _period_text(period, lang)),
        (word("previous_period", lang), _period_text(previous, lang)),
        (word("as_of", lang), when_text(_instant(data.run.get("as_of")), zone, lang)),
        (word("model_hash", lang), model.hash),
        (word("tool", lang), f"sopmine {__version__}"),
        (word("generated_at", lang), when_text(generated_at, zone, lang)),
        (word("pseudonymized", lang), word("yes" if ctx.pseudonymized else "no", lang)),
        (word("command", lang), command),
    )
    sources = data.sources.assign(
        loaded_at=data.sources["loaded_at"].map(_instant) if len(data.sources) else []
    )
    table = Table(
        key="sources",
        title=word("sources", lang),
        frame=sources,
        columns=(
            Column("file_name", word("col_file", lang)),
            Column("profile", word("col_profile", lang)),
            Column("sha256", word("col_sha256", lang)),
            Column("rows_read", word("col_rows", lang), "int"),
            Column("rows_loaded", word("col_loaded", lang), "int"),
            Column("rows_rejected", word("col_rejected", lang), "int"),
            Column("loaded_at", word("col_loaded_at", lang), "when"),
        ),
    )
    frame = pd.DataFrame(facts, columns=["field", "value"])
    cover_table = Table(
        key="cover", title=word("cover", lang), frame=frame,
        columns=(Column("field", word("col_measure", lang)), Column("value", "")),
    )  # fmt: skip
    return Section("cover", word("cover", lang), (Facts(facts), cover_table, table))


def _summary(
    verdicts: Verdicts, previous: Verdicts | None, ctx: _findings.Context, *,
    period: tuple[dt.date, dt.date],
) -> tuple[Section, Table]:  # fmt: skip
    lang = ctx.lang
    now, before = _measures(verdicts, ctx), _measures(previous, ctx) if previous else {}
    rows = [
        {"measure": word(key, lang), "key": key, "current": now.get(key),
         "previous": before.get(key), "change": _change(now.get(key), before.get(key)),
         "kind": kind}
        for key, kind in _MEASURES
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    texts = frame.assign(
        current=[_value(v, k, lang) for v, k in zip(frame["current"], frame["kind"],
                                                   strict=True)],
        previous=[_value(v, k, lang) if previous else word("no_data", lang)
                  for v, k in zip(frame["previous"], frame["kind"], strict=True)],
        change=[_value(v, k, lang, signed=True)
                for v, k in zip(frame["change"], frame["kind"], strict=True)],
    )  # fmt: skip
    summary = Table(
        key="summary_text", title=word("summary", lang), frame=texts,
        columns=(Column("measure", word("col_measure", lang)),
                 Column("current", word("col_current", lang), "figure"),
                 Column("previous", f"{word('col_previous', lang)} "
                        f"({_period_text(_previous_period(period), lang)})", "figure"),
                 Column("change", word("col_change", lang), "figure")),
    )  # fmt: skip
    blocks: list[Any] = [Paragraph(_summary_text(now, ctx)), summary]
    numbers = Table(
        key="summary", title=word("summary", lang), frame=frame,
        columns=(Column("key", "kode" if lang == "id" else "code"),
                 Column("measure", word("col_measure", lang)),
                 Column("current", word("col_current", lang), "number"),
                 Column("previous", word("col_previous", lang), "number"),
                 Column("change", word("col_change", lang), "number")),
    )  # fmt: skip
    blocks.extend(_findings.type_overview(verdicts, previous, ctx))
    blocks.extend(_bottlenecks(verdicts, ctx))
    trend = _trend(verdicts, ctx)
    if trend is not None:
        blocks.append(trend)
    return Section("summary", word("summary", lang), tuple(blocks)), numbers


_MEASURES = (
    ("m_cases", "int"), ("m_closed", "int"), ("m_rejected", "int"), ("m_open", "int"),
    ("m_at_risk", "int"), ("m_conformant", "pct"), ("m_service_on_time", "pct"),
    ("m_step_on_time", "pct"), ("m_median_days", "days"), ("m_p90_days", "days"),
    ("m_fitness", "float"), ("m_deviations", "int"), ("m_noncompliant", "int"),
)  # fmt: skip


def _measures(verdicts: Verdicts, ctx: _findings.Context) -> dict[str, float]:
    """The headline figures, the same as the dashboard's (``summarize_kpis``)."""
    kpis = summarize_kpis(verdicts).iloc[0]
    cases = verdicts.cases
    status = cases["status"].astype(str)
    return {
        "m_cases": float(kpis["cases"]),
        "m_closed": float((status == "closed").sum()),
        "m_rejected": float((status == "rejected").sum()),
        "m_open": float(kpis["open"]),
        "m_at_risk": float(kpis["at_risk"]),
        "m_conformant": float(kpis["conformant_pct"]),
        "m_service_on_time": float(kpis["on_time_pct"]),
        "m_step_on_time": 100.0 - float(kpis["step_breach_pct"]),
        "m_median_days": float(kpis["median_service_days"]),
        "m_p90_days": float(kpis["p90_service_days"]),
        "m_fitness": float(cases["fitness"].mean()),
        "m_deviations": float(kpis["deviations"]),
        "m_noncompliant": float(len(_findings.noncompliant(cases))),
    }


def _summary_text(now: dict[str, float], ctx: _findings.Context) -> str:
    lang, n = ctx.lang, now["m_cases"]
    if lang == "id":
        return (
            f"Dalam periode ini masuk {number(n, lang)} permohonan. "
            f"{pct(now['m_conformant'], lang)} di antaranya berjalan sesuai alur dan pelaksana "
            f"SOP, dan {pct(now['m_service_on_time'], lang)} permohonan yang selesai dilayani "
            f"dalam target waktu layanan. {number(now['m_noncompliant'], lang)} kasus tidak "
            "patuh; masing-masing diuraikan dalam lampiran."
        )
    return (
        f"{number(n, lang)} applications arrived in this period. "
        f"{pct(now['m_conformant'], lang)} of them followed the SOP's flow and actors, and "
        f"{pct(now['m_service_on_time'], lang)} of those finished were served within the "
        f"service target. {number(now['m_noncompliant'], lang)} cases are non-compliant; each "
        "is set out in the appendix."
    )


def _bottlenecks(verdicts: Verdicts, ctx: _findings.Context) -> list[Table]:
    ranked = rank_bottlenecks(verdicts, top=3)
    ranked = ranked[ranked["over_target_minutes"] > 0]
    if ranked.empty:
        return []
    lang = ctx.lang
    frame = ranked.assign(
        step=[f"{n}. {s}" for n, s in zip(ranked["step_number"], ranked["step_name"], strict=True)],
        waktu=[ctx.waktu(str(s)) for s in ranked["step_id"]],
        on_time=100.0 - ranked["breach_pct"],
        share=ranked["over_target_share"],  # already a percentage
    )
    return [Table(
        key="bottlenecks",
        title=word("bottlenecks", lang),
        frame=frame,
        columns=(Column("rank", word("col_rank", lang), "int"),
                 Column("step", word("col_step", lang)),
                 Column("actor_name", word("col_actor", lang)),
                 Column("waktu", word("col_waktu", lang)),
                 Column("elapsed_median_minutes", word("col_median", lang), "minutes"),
                 Column("breaches", word("col_breaches", lang), "int"),
                 Column("on_time", word("col_on_time", lang), "pct"),
                 Column("over_target_days", word("col_over_days", lang), "days"),
                 Column("share", word("col_share", lang), "pct")),
    )]  # fmt: skip


def _trend(verdicts: Verdicts, ctx: _findings.Context) -> Any:
    cases = verdicts.cases
    zone = ctx.model.office.timezone
    month = cases["first_event_at"].dt.tz_convert(zone).dt.strftime("%Y-%m")
    if month.nunique() < 2:
        return None
    decided = cases["service_breach"].notna()
    grouped = pd.DataFrame({
        "month": month, "conformant": cases["conformant"].astype(float),
        "on_time": (~cases["service_breach"].astype("boolean")).astype("Float64").where(decided),
    }).groupby("month", sort=True)  # fmt: skip
    periods = [str(p) for p in grouped.groups]
    lang = ctx.lang
    series = {
        word("m_conformant", lang): [100.0 * v for v in grouped["conformant"].mean()],
        word("m_service_on_time", lang): [
            100.0 * float(v) if pd.notna(v) else float("nan") for v in grouped["on_time"].mean()
        ],
    }
    return trend_chart("trend", word("chart_trend", lang), periods, series,
                       axis=word("axis_pct", lang), alt=_trend_alt(periods, series))  # fmt: skip


def _trend_alt(periods: list[str], series: dict[str, list[float]]) -> str:
    parts = [f"{name}: " + ", ".join(f"{p} {v:.1f}" for p, v in zip(periods, values, strict=True))
             for name, values in series.items()]  # fmt: skip
    return "; ".join(parts)


def _steps(verdicts: Verdicts, ctx: _findings.Context) -> Section:
    lang, model = ctx.lang, ctx.model
    stats = analyze_steps(verdicts)
    stats = stats.assign(
        step=[f"{n}. {s}" for n, s in zip(stats["step_number"], stats["step_name"], strict=True)],
        waktu=[ctx.waktu(str(s)) for s in stats["step_id"]],
        on_time=100.0 - stats["breach_pct"],
    )
    table = Table(
        key="steps", title=word("steps", lang), frame=stats,
        columns=(Column("step", word("col_step", lang)),
                 Column("actor_name", word("col_actor", lang)),
                 Column("waktu", word("col_waktu", lang)),
                 Column("volume", word("col_done", lang), "int"),
                 Column("timed", word("col_timed", lang), "int"),
                 Column("elapsed_median_minutes", word("col_median", lang), "minutes"),
                 Column("elapsed_p90_minutes", word("col_p90", lang), "minutes"),
                 Column("breaches", word("col_breaches", lang), "int"),
                 Column("on_time", word("col_on_time", lang), "pct"),
                 Column("over_target_days", word("col_over_days", lang), "days")),
        note=word("steps_note", lang),
    )  # fmt: skip
    timed = stats[stats["elapsed_median_minutes"].notna()]
    chart = step_chart(
        "steps_chart", word("chart_steps", lang), timed["step"].tolist(),
        (timed["elapsed_median_minutes"] / 60.0).tolist(),
        (timed["target_minutes"] / 60.0).tolist(),
        legend=(word("legend_median", lang), word("legend_waktu", lang)),
        axis=word("axis_hours", lang),
        alt="; ".join(f"{s}: {m / 60:.2f} / {t / 60:.2f}" for s, m, t in zip(
            timed["step"], timed["elapsed_median_minutes"], timed["target_minutes"], strict=True)),
    )  # fmt: skip
    intro = Paragraph(_method.steps_intro(model, lang))
    return Section("steps", word("steps", lang), (intro, table, chart))


def _sheets(sections: list[Section], summary: Table) -> dict[str, Table]:
    """Every table of the report, once, in reading order; the summary with its numbers, the
    dossiers as two long tables."""
    sheets: dict[str, Table] = {}
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Table) and not block.key.startswith("case:"):
                chosen = summary if block.key == "summary_text" else block
                sheets.setdefault(chosen.key, chosen)
    return sheets | _findings.dossier_sheets(sections)


def _refuse_leaks(report: Report, ids: Any) -> None:
    texts: list[str] = []
    for _, block in report.blocks():
        if isinstance(block, Table):
            texts.extend(str(v) for col in block.frame.columns for v in block.frame[col].tolist())
        elif isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, Facts):
            texts.extend(v for row in block.rows for v in row)
    for table in report.sheets.values():
        texts.extend(str(v) for col in table.frame.columns for v in table.frame[col].tolist())
    leaks = find_leaks(texts, ids)
    if leaks:
        raise SopmineError(
            f"the pseudonymized report still holds {len(leaks)} original identifier(s); it was "
            "not written. This is a bug in sopmine: please report it"
        )


def _command(
    sop_id: str, period: tuple[dt.date, dt.date], office: str | None, lang: Language,
    pseudonymize: bool, generated_at: pd.Timestamp,
) -> str:  # fmt: skip
    """The command line that writes this report again (format and file aside)."""
    words = ["sopmine report", f"--sop {sop_id}", f"--from {period[0]}", f"--to {period[1]}"]
    if office:
        words.append(f'--office "{office}"')
    if pseudonymize:
        words.append("--pseudonymize")
    stamp = pd.Timestamp(generated_at).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    words += [f"--lang {lang}", f"--generated-at {stamp}"]
    return " ".join(words)


def _previous_period(period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    days = (period[1] - period[0]).days + 1
    return period[0] - dt.timedelta(days=days), period[0] - dt.timedelta(days=1)


def _period_text(period: tuple[dt.date, dt.date], lang: Language) -> str:
    first, last = (date_text(pd.Timestamp(d), lang) for d in period)
    return f"{first} – {last}"


def _instant(value: object) -> pd.Timestamp | None:
    if missing(value):
        return None
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or now != now or before != before:
        return None
    return now - before


def _value(value: float | None, kind: str, lang: Language, *, signed: bool = False) -> str:
    if value is None or value != value:
        return "—"
    decimals = {"int": 0, "pct": 1, "days": 2, "float": 3}[kind]
    if abs(value) < 0.5 * 10**-decimals:
        value = 0.0  # a change too small to show is no change, not "-0,00"
    text = number(value, lang, decimals=decimals)
    if signed and value > 0:
        text = "+" + text
    if kind == "pct":
        text += " poin" if signed and lang == "id" else " pts" if signed else "%"
    return text
