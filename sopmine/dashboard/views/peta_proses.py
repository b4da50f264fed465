"""Peta Proses: the discovered process over the SOP, by frequency or working time."""

import streamlit as st

from sopmine.analyze import plot_variants
from sopmine.dashboard._data import service_titles
from sopmine.dashboard._layout import guarded, open_page, show_table
from sopmine.dashboard._text import t

ctx = open_page("peta_proses")
lang = ctx.lang
with guarded(lang):
    sops = sorted(ctx.cases.models)
    titles = service_titles(ctx.cases)
    left, middle, right = st.columns([3, 2, 2])
    sop = left.selectbox(t("service", lang), sops, key="focus", bind="query-params",
                         format_func=lambda k: titles.get(k, k))  # fmt: skip
    metric = middle.radio(
        t("metric", lang), ["frequency", "performance"], key="metric", bind="query-params",
        horizontal=True, format_func=lambda m: t(m, lang),
    )  # fmt: skip
    rare = right.toggle(t("rare_flows", lang), key="rare", bind="query-params")
    chosen = sop if sop in sops else sops[0]
    process_map = ctx.snapshot.table(f"map:{chosen}", ctx.filters)
    st.plotly_chart(
        process_map.figure(metric or "frequency", lang=lang, min_share=0.0 if rare else 0.01),
        key="process_map",
    )
    st.caption(t("map_help", lang))
    st.subheader(t("variants", lang))
    variants = ctx.snapshot.table(f"variants:{chosen}", ctx.filters)
    st.plotly_chart(plot_variants(variants, lang=lang), key="variants_chart")
    show_table(
        variants,
        {"rank": "col_number", "numbers": "col_step", "cases": "col_cases",
         "share_pct": "col_share", "conformant_pct": "conformant",
         "on_time_pct": "on_time", "median_service_days": "col_service_days"},
        lang, formats={"share_pct": "%.1f", "conformant_pct": "%.1f", "on_time_pct": "%.1f",
                       "median_service_days": "%.2f"},
        key="variants_table",
    )  # fmt: skip
