"""Kepatuhan: deviations by type and step, the applications, and one application's story."""

import pandas as pd
import plotly.express as px
import streamlit as st

from sopmine.check import DEVIATION_TYPES
from sopmine.dashboard._case import plot_case, tell_case
from sopmine.dashboard._data import case_list
from sopmine.dashboard._layout import Context, guarded, open_page, show_table
from sopmine.dashboard._text import Language, days_text, number, pct, t, when_text

_LIST_ROWS = 2_000


def _fit(rows: int) -> int:
    """A table height that shows ``rows`` rows without scrolling (up to 30)."""
    return 38 + 35 * min(max(rows, 1), 30)


def _pick_case() -> None:
    """The row picked in the list becomes the application shown below (and in the address)."""
    picked = st.session_state["case_table"].selection.rows
    ids = st.session_state.get("_listed_cases", [])
    if picked and picked[0] < len(ids):
        st.session_state["case"] = ids[picked[0]]


def _overview(ctx: Context, lang: Language) -> None:
    by_type = ctx.snapshot.table("deviations_by_type", ctx.filters)
    cases = ctx.cases.cases
    cells = st.columns(3)
    cells[0].metric(t("conformant", lang), pct(100.0 * cases["conformant"].mean(), lang))
    cells[1].metric(t("deviations", lang), number(float(by_type["findings"].sum()), lang))
    cells[2].metric(t("nonconforming", lang), number(float((~cases["conformant"]).sum()), lang))
    left, right = st.columns(2)
    with left:
        st.subheader(t("by_type", lang))
        named = by_type.assign(name=[t(k, lang) for k in by_type["type"]])
        figure = px.bar(named.iloc[::-1], x="findings", y="name", orientation="h",
                        labels={"findings": t("col_count", lang), "name": ""},
                        hover_data={"cases": True})  # fmt: skip
        figure.update_layout(height=120 + 30 * len(named), margin={"t": 10})
        st.plotly_chart(figure, key="by_type_chart")
    with right:
        st.subheader(t("by_step", lang))
        by_step = ctx.snapshot.table("deviations_by_step", ctx.filters)
        if not by_step.empty:
            shown = by_step.rename(columns={k: t(k, lang) for k in DEVIATION_TYPES})
            shown = shown.rename(
                columns={
                    "sop_id": t("col_service", lang),
                    "step": t("col_step", lang),
                    "total": "Σ",
                }
            )
            st.dataframe(shown.drop(columns="step_id"), hide_index=True, key="by_step_table")


def _list(ctx: Context, lang: Language) -> None:
    st.subheader(t("case_list", lang))
    left, right = st.columns([1, 2])
    only = left.toggle(t("only_nonconforming", lang), value=True, key="nc", bind="query-params")
    types = right.multiselect(t("type_filter", lang), list(DEVIATION_TYPES), key="types",
                              bind="query-params", format_func=lambda k: t(k, lang),
                              placeholder=t("all_types", lang))  # fmt: skip
    listed = ctx.snapshot.table(
        f"cases:{only}:{','.join(sorted(types))}",
        ctx.filters,
        lambda v: case_list(v, nonconforming=only, types=tuple(types)),
        need="deviations",
    )
    shown = listed.head(_LIST_ROWS)
    st.session_state["_listed_cases"] = shown["case_id"].tolist()
    show_table(
        shown.assign(
            status=[t("open_status" if s == "open" else s, lang) for s in shown["status"]],
            types=[", ".join(t(k, lang) for k in s.split(", ") if k) for s in shown["types"]],
        ),
        {"regency": "col_office", "case_id": "col_case", "status": "col_status",
         "conformant": "col_conformant", "fitness": "col_fitness", "deviations": "col_deviations",
         "types": "col_types", "service_days": "col_service_days",
         "service_breach": "col_service_breach"},
        lang, formats={"fitness": "%.3f", "service_days": "%.2f"}, key="case_table",
        on_select=_pick_case, selection_mode="single-row", height=320,
    )  # fmt: skip
    st.caption(
        t("shown_rows", lang, shown=number(len(shown), lang), total=number(len(listed), lang))
    )


def _case(ctx: Context, lang: Language) -> None:
    st.subheader(t("case_page", lang))
    case_id = st.text_input(t("case_input", lang), key="case", bind="query-params",
                            placeholder=t("case_pick", lang)).strip()  # fmt: skip
    if not case_id:
        st.caption(t("case_pick", lang))
        return
    story = ctx.snapshot.table(
        f"case:{case_id}", ctx.filters, lambda v: tell_case(v, case_id), need="all"
    )
    if story is None:
        st.warning(t("case_missing", lang, case=case_id))
        return
    case, model = story.case, story.model
    per_day = float(model.calendar.minutes_per_day)
    status = t("open_status" if case["status"] == "open" else str(case["status"]), lang)
    st.markdown(f"**{case['case_id']}** · {model.service} · {model.office.regency} · {status}")
    cells = st.columns(4)
    cells[0].metric(t("col_conformant", lang), t("yes" if case["conformant"] else "no", lang))
    cells[1].metric(t("col_fitness", lang), number(float(case["fitness"]), lang, digits=3))
    cells[2].metric(
        t("service_time", lang),
        days_text(float(case["service_elapsed_minutes"]), per_day, lang),
        help=f"{t('col_target', lang)}: "
        f"{days_text(float(case['service_target_minutes']), per_day, lang)}",
    )
    cells[3].metric(t("col_deviations", lang), number(float(case["deviations"]), lang))

    st.markdown(f"#### {t('where_broke', lang)}")
    if story.deviations.empty:
        st.success(t("conforms", lang))
    for row in story.deviations.to_dict("records"):
        where = (
            f" ({t('col_row', lang).lower()} {int(row['source_row'])})"
            if pd.notna(row["source_row"])
            else ""
        )
        text = f"{row['detail']}{where}"
        if row["type"] in ("step_sla_breach", "service_sla_breach", "open_at_risk"):
            st.warning(text)
        else:
            st.error(text)

    left, right = st.columns(2)
    zone = model.office.timezone
    with left:
        st.markdown(f"#### {t('happened', lang)}")
        happened = story.happened.assign(
            done=[when_text(w, zone) for w in story.happened["completed_at"]],
            took=[days_text(m, per_day, lang) for m in story.happened["elapsed_minutes"]],
            verdict=[", ".join(t(k, lang) for k in ks) or t("ok", lang)
                     for ks in story.happened["types"]],
        )  # fmt: skip
        show_table(happened, {"label": "col_step", "role": "col_role", "resource": "col_person",
                              "done": "col_done_at", "took": "col_elapsed",
                              "verdict": "col_verdict"}, lang, key="happened",
                   height=_fit(len(happened)))  # fmt: skip
    with right:
        st.markdown(f"#### {t('should_have', lang)}")
        should = story.should_have.assign(
            state=[t({"done": "done", "missing": "not_done", "pending": "pending",
                      "skipped": "not_done"}[s], lang) for s in story.should_have["state"]],
        )  # fmt: skip
        show_table(should, {"number": "col_number", "name": "col_step", "actor": "col_actor",
                            "waktu": "col_target", "state": "col_verdict"}, lang,
                   key="should_have", height=_fit(len(should)))  # fmt: skip
    st.plotly_chart(plot_case(story, lang=lang), key="case_timeline")


ctx = open_page("kepatuhan")
lang = ctx.lang
with guarded(lang):
    _overview(ctx, lang)
    _list(ctx, lang)
    _case(ctx, lang)
