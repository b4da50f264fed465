"""Kasus Berjalan: open applications, at risk first, with the working time left (sisa waktu)."""

import streamlit as st

from sopmine.analyze import plot_work_in_progress
from sopmine.dashboard._data import regencies
from sopmine.dashboard._layout import guarded, open_page, show_table
from sopmine.dashboard._text import number, t

ctx = open_page("kasus_berjalan")
lang = ctx.lang
with guarded(lang):
    cases = ctx.snapshot.table("open_cases", ctx.filters)
    cells = st.columns(3)
    cells[0].metric(t("open", lang), number(len(cases), lang))
    cells[1].metric(
        t("at_risk", lang),
        number(int(cases["at_risk"].sum()), lang),
        help=t("at_risk_help", lang),
    )
    cells[2].metric(t("overdue", lang), number(int(cases["overdue"].sum()), lang))
    only = st.toggle(t("only_at_risk", lang), key="at_risk", bind="query-params")
    shown = cases[cases["at_risk"]] if only else cases
    regency = regencies(ctx.cases)
    show_table(
        shown.assign(regency=shown["sop_id"].astype(str).map(regency),
                     actor=shown["current_actor"]),
        {"regency": "col_office", "sop_id": "col_service", "case_id": "col_case",
         "current_step_name": "col_current", "actor": "col_actor",
         "service_used_pct": "col_used", "remaining_days": "col_left",
         "step_remaining_days": "col_step_left", "at_risk": "col_at_risk",
         "overdue": "col_overdue"},
        lang, formats={"service_used_pct": "%.0f", "remaining_days": "%.1f",
                       "step_remaining_days": "%.1f"},
        key="open_table",
    )  # fmt: skip
    st.caption(t("at_risk_help", lang))
    st.subheader(t("wip", lang))
    wip = ctx.snapshot.table("wip", ctx.filters)
    st.plotly_chart(plot_work_in_progress(wip, lang=lang), key="wip_chart")
