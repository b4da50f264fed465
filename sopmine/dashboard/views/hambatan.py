"""Hambatan: where files wait against the Waktu of each step, and which roles and people."""

import streamlit as st

from sopmine.analyze import plot_bottlenecks, plot_step_times, plot_workload
from sopmine.dashboard._data import service_titles
from sopmine.dashboard._layout import guarded, open_page, show_table
from sopmine.dashboard._text import t

ctx = open_page("hambatan")
lang = ctx.lang
with guarded(lang):
    ctx.snapshot.read_ahead("step_people")  # the step times and people in one read
    ranked = ctx.snapshot.table("bottlenecks", ctx.filters)
    st.subheader(t("bottleneck_table", lang))
    st.plotly_chart(plot_bottlenecks(ranked, lang=lang), key="bottleneck_chart")
    ranked = ranked.sort_values(["over_target_days", "sop_id", "rank"],
                                ascending=[False, True, True])  # fmt: skip
    days = ctx.cases.minutes_per_day(ranked)
    show_table(
        ranked.assign(
            step=ranked["step_number"].astype(str) + ". " + ranked["step_name"].astype(str),
            waiting_days=ranked["waiting_median_minutes"] / days,
            median_days=ranked["elapsed_median_minutes"] / days,
            target_days=ranked["target_minutes"] / days,
            share=ranked["over_target_share"],
        ),
        {"sop_id": "col_service", "rank": "col_number", "step": "col_step",
         "actor_name": "col_actor", "volume": "col_volume", "breach_pct": "col_breach_pct",
         "waiting_days": "col_waiting", "median_days": "col_median",
         "target_days": "col_target", "over_target_days": "col_over",
         "share": "col_over_share"},
        lang, formats={"breach_pct": "%.1f", "waiting_days": "%.2f", "median_days": "%.2f",
                       "target_days": "%.2f", "over_target_days": "%.1f", "share": "%.1f"},
        key="bottleneck_table",
    )  # fmt: skip
    st.caption(t("working_days", lang))

    st.subheader(t("waiting_vs_target", lang))
    sops = sorted(ctx.cases.models)
    titles = service_titles(ctx.cases)
    focus = st.selectbox(t("service", lang), sops, key="focus", bind="query-params",
                         format_func=lambda k: titles.get(k, k))  # fmt: skip
    steps = ctx.snapshot.table("steps", ctx.filters)
    chosen = steps[steps["sop_id"].astype(str) == (focus or sops[0])]
    st.plotly_chart(plot_step_times(chosen, lang=lang), key="step_times_chart")

    st.subheader(t("roles", lang))
    roles = ctx.snapshot.table("workload", ctx.filters)
    st.plotly_chart(plot_workload(roles, lang=lang), key="roles_chart")
    delays = ctx.snapshot.table("role_delays", ctx.filters)
    st.markdown(f"**{t('role_delays', lang)}**")
    show_table(
        delays[delays["over_target_minutes"] > 0].assign(
            step=delays["step_number"].astype(str) + ". " + delays["step_id"].astype(str)),
        {"sop_id": "col_service", "step": "col_step", "role_name": "col_role",
         "expected_role": "col_expected_role", "volume": "col_volume",
         "breach_pct": "col_breach_pct", "delay_share_pct": "col_delay_share"},
        lang, formats={"breach_pct": "%.1f", "delay_share_pct": "%.1f"}, key="role_delays",
    )  # fmt: skip

    st.subheader(t("people", lang))
    hidden = st.toggle(t("pseudonymize", lang), key="pseudo", bind="query-params")
    people = ctx.snapshot.table(f"people:{'hidden' if hidden else 'shown'}", ctx.filters)
    show_table(
        people.sort_values(["breaches", "steps_done"], ascending=False),
        {"sop_id": "col_service", "resource": "col_person", "role_name": "col_role",
         "steps_done": "col_volume", "cases": "col_cases", "breach_pct": "col_breach_pct",
         "over_target_days": "col_over"},
        lang, formats={"breach_pct": "%.1f", "over_target_days": "%.1f"}, key="people",
    )  # fmt: skip
