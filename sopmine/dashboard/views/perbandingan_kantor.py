"""Perbandingan Kantor: the offices side by side, each in its own working days."""

import streamlit as st

from sopmine.analyze import plot_offices, plot_roles
from sopmine.dashboard._layout import guarded, open_page, show_table
from sopmine.dashboard._text import t

ctx = open_page("perbandingan_kantor")
lang = ctx.lang
with guarded(lang):
    st.caption(t("offices_help", lang))
    offices = ctx.snapshot.table("offices", ctx.filters)
    st.subheader(t("offices", lang))
    show_table(
        offices,
        {"regency": "col_regency", "service": "col_service", "cases": "col_cases",
         "finished": "finished", "on_time_pct": "on_time",
         "median_service_days": "col_service_days", "conformant_pct": "conformant",
         "step_breach_pct": "col_breach_pct", "open": "open", "at_risk": "at_risk",
         "timezone": "col_when", "minutes_per_day": "col_per_day"},
        lang, formats={"on_time_pct": "%.1f", "median_service_days": "%.2f",
                       "conformant_pct": "%.1f", "step_breach_pct": "%.1f"},
        key="offices_table",
    )  # fmt: skip
    st.plotly_chart(plot_offices(offices, lang=lang), key="offices_chart")
    st.subheader(t("roles_compared", lang))
    roles = ctx.snapshot.table("roles", ctx.filters)
    st.plotly_chart(plot_roles(roles, lang=lang), key="roles_chart")
    show_table(
        roles,
        {"family": "col_role", "regency": "col_regency", "sop_id": "col_service",
         "volume": "col_volume", "elapsed_median_days": "col_median",
         "breach_pct": "col_breach_pct"},
        lang, formats={"elapsed_median_days": "%.2f", "breach_pct": "%.1f"},
        key="roles_table",
    )  # fmt: skip
