"""Laporan: the tables the dashboard shows, as filtered, to download (CSV and XLSX)."""

from functools import partial

import pandas as pd
import streamlit as st

from sopmine.dashboard._data import EXCEL_ROWS, workbook
from sopmine.dashboard._layout import guarded, open_page
from sopmine.dashboard._text import number, t


def _csv(frame: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV, built only when the button is clicked."""
    return frame.to_csv(index=False).encode("utf-8")


ctx = open_page("laporan")
lang = ctx.lang
with guarded(lang):
    st.info(t("report_note", lang), icon="ℹ️")
    names = {"table_kpis": "kpis", "table_bottlenecks": "bottlenecks",
             "table_open": "open_cases", "table_offices": "offices"}  # fmt: skip
    tables = {key: ctx.snapshot.table(name, ctx.filters) for key, name in names.items()}
    tables["table_cases"] = ctx.verdicts.cases
    tables["table_deviations"] = ctx.verdicts.deviations
    tables["table_steps"] = ctx.verdicts.steps
    stem = (
        "sopmine_" + "_".join(v for v in ctx.filters.key() if v)
        if any(ctx.filters.key())
        else "sopmine"
    )
    fits = {k: v for k, v in tables.items() if len(v) <= EXCEL_ROWS}
    st.download_button(
        t("workbook", lang),
        data=lambda: workbook({t(k, lang): v for k, v in fits.items()}),
        file_name=f"{stem}.xlsx", type="primary", icon=":material/table:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="xlsx", on_click="ignore",
    )  # fmt: skip
    if len(fits) < len(tables):
        st.caption(t("steps_csv_only", lang, limit=number(EXCEL_ROWS, lang)))
    for key, frame in tables.items():
        left, right = st.columns([3, 1])
        left.markdown(
            f"**{t(key, lang)}** · {t('table_rows', lang, rows=number(len(frame), lang))}"
        )
        right.download_button(
            t("csv", lang), data=partial(_csv, frame),
            file_name=f"{stem}_{key.removeprefix('table_')}.csv", mime="text/csv",
            key=f"csv_{key}", on_click="ignore", icon=":material/download:",
        )  # fmt: skip
