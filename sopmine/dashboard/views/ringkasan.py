"""Ringkasan: the headline figures, the monthly trend and the three worst bottlenecks."""

import streamlit as st

from sopmine.analyze import plot_trends
from sopmine.dashboard._data import regencies
from sopmine.dashboard._layout import Context, guarded, open_page, show_table
from sopmine.dashboard._text import Language, days_text, number, pct, t


def _worst(ctx: Context, lang: Language) -> None:
    """The three worst bottlenecks, with their working days as the office counts them."""
    worst = ctx.snapshot.table("worst_bottlenecks", ctx.filters)
    if worst.empty:
        st.success(t("no_bottleneck", lang))
    else:
        per_day = ctx.cases.minutes_per_day(worst)
        worst = worst.assign(
            step=worst["step_number"].astype(str) + ". " + worst["step_name"].astype(str),
            median=[days_text(m, d, lang) for m, d in zip(
                worst["elapsed_median_minutes"], per_day, strict=True)],
            target=[days_text(m, d, lang) for m, d in zip(
                worst["target_minutes"], per_day, strict=True)],
        )  # fmt: skip
        show_table(
            worst,
            {
                "regency": "col_office",
                "sop_id": "col_service",
                "step": "col_step",
                "actor_name": "col_actor",
                "volume": "col_volume",
                "breach_pct": "col_breach_pct",
                "median": "col_median",
                "target": "col_target",
                "over_target_days": "col_over",
            },
            lang,
            formats={"breach_pct": "%.1f", "over_target_days": "%.1f"},
            key="worst_bottlenecks",
        )


ctx = open_page("ringkasan")
lang = ctx.lang
with guarded(lang):
    kpi = ctx.snapshot.table("overall_kpis", ctx.filters)
    cells = st.columns(6)
    cells[0].metric(
        t("cases", lang),
        number(kpi["cases"], lang),
        help=f"{number(kpi['finished'], lang)} {t('finished', lang).lower()}",
    )
    cells[1].metric(t("on_time", lang), pct(kpi["on_time_pct"], lang), help=t("of_finished", lang))
    cells[2].metric(f"{t('median_service', lang)} ({t('working_days', lang)})",
                    number(kpi["median_service_days"], lang, digits=2),
                    help=days_text(kpi["median_service_minutes"], kpi["minutes_per_day"],
                                   lang))  # fmt: skip
    cells[3].metric(t("conformant", lang), pct(kpi["conformant_pct"], lang))
    cells[4].metric(t("open", lang), number(kpi["open"], lang))
    cells[5].metric(t("at_risk", lang), number(kpi["at_risk"], lang), help=t("at_risk_help", lang))

    st.subheader(t("worst_bottlenecks", lang))
    worst_box = st.container()  # filled last: the steps are read while the cases are shown

    st.subheader(t("trend", lang))
    trends = ctx.snapshot.table("case_trends", ctx.filters)
    st.plotly_chart(plot_trends(trends, lang=lang), key="trend_chart")

    st.subheader(t("per_service", lang))
    kpis = ctx.snapshot.table("case_kpis", ctx.filters)
    regency = regencies(ctx.cases)
    show_table(
        kpis.assign(regency=kpis["sop_id"].map(regency)),
        {"regency": "col_office", "service": "col_service", "cases": "col_cases",
         "finished": "finished", "on_time_pct": "on_time", "median_service_days":
         "col_service_days", "conformant_pct": "conformant", "open": "open",
         "at_risk": "at_risk", "deviations": "deviations"},
        lang, formats={"on_time_pct": "%.1f%%", "conformant_pct": "%.1f%%",
                       "median_service_days": "%.2f"},
        key="kpi_table",
    )  # fmt: skip
    with worst_box:
        _worst(ctx, lang)
