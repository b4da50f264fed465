"""Data: the files loaded, the rows rejected with their reasons, and labels the SOP lacks."""

import streamlit as st

from sopmine.dashboard._cache import store_tables
from sopmine.dashboard._data import rejects_by_reason, unmapped_labels
from sopmine.dashboard._layout import context, db_path, guarded, language, show_table
from sopmine.dashboard._text import number, t

lang = language()
st.title(t("data", lang))
ctx = context()
with guarded(lang):
    tables = store_tables(db_path())
    sop = ctx.filters.sop if ctx is not None else None
    office = ctx.filters.office if ctx is not None else None
    sources = tables.sources
    if sop is not None:
        sources = sources[sources["sop_id"] == sop]
    if office is not None:
        sources = sources[sources["office"] == office]
    files = set(sources["file_name"])
    rejects = tables.rejects[tables.rejects["file_name"].isin(files)]
    cells = st.columns(4)
    cells[0].metric(t("sources", lang), number(len(sources), lang))
    cells[1].metric(t("col_rows_loaded", lang), number(float(sources["rows_loaded"].sum()), lang))
    cells[2].metric(
        t("col_rows_rejected", lang), number(float(sources["rows_rejected"].sum()), lang)
    )
    cells[3].metric(
        t("col_rows_duplicate", lang), number(float(sources["rows_duplicate"].sum()), lang)
    )

    st.subheader(t("sources", lang))
    show_table(
        sources.assign(loaded=sources["loaded_at"].dt.strftime("%Y-%m-%d %H:%M UTC")),
        {"file_name": "col_file", "profile": "col_profile", "sop_id": "col_service",
         "loaded": "col_loaded_at", "rows_read": "col_rows_read",
         "rows_loaded": "col_rows_loaded", "rows_rejected": "col_rows_rejected",
         "rows_duplicate": "col_rows_duplicate"},
        lang, key="sources_table",
    )  # fmt: skip

    st.subheader(t("rejects", lang))
    if rejects.empty:
        st.success(t("no_rejects", lang))
    else:
        show_table(rejects_by_reason(tables).query("file_name in @files"),
                   {"file_name": "col_file", "reason": "col_reason", "rows": "col_count"},
                   lang, key="rejects_by_reason")  # fmt: skip
        show_table(
            rejects,
            {"file_name": "col_file", "source_row": "col_row", "reason": "col_reason",
             "field": "col_field", "value": "col_value", "message": "col_message"},
            lang, key="rejects_table",
        )  # fmt: skip

    st.subheader(t("unmapped", lang))
    unmapped = unmapped_labels(sources)
    if unmapped.empty:
        st.success(t("no_unmapped", lang))
    else:
        st.caption(t("unmapped_help", lang))
        show_table(unmapped, {"file_name": "col_file", "label": "col_label",
                              "events": "col_events", "suggestions": "col_suggestions"},
                   lang, key="unmapped_table")  # fmt: skip

    st.subheader(t("runs", lang))
    runs = tables.runs[tables.runs["sop_id"].isin(set(sources["sop_id"]))]
    show_table(
        runs.assign(when=runs["as_of"].dt.strftime("%Y-%m-%d %H:%M UTC")),
        {"run_id": "col_run", "sop_id": "col_service", "when": "col_as_of",
         "cases": "col_cases", "events": "col_events", "deviations": "col_deviations",
         "sopmine_version": "col_version"},
        lang, key="runs_table",
    )  # fmt: skip
