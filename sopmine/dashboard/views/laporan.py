"""Laporan: the Inspektorat's compliance report of one service over the period, and the
tables the dashboard shows, as filtered, to download (CSV and XLSX)."""

import datetime as dt
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from sopmine.dashboard._data import EXCEL_ROWS
from sopmine.dashboard._downloads import download_csv, download_rows, download_workbook
from sopmine.dashboard._layout import Context, guarded, open_page
from sopmine.dashboard._text import Language, number, t
from sopmine.pipeline import build_report
from sopmine.report import ReportFormat

_WORDS = {
    "formal": ("Laporan resmi untuk Inspektorat", "Formal report for the Inspectorate"),
    "formal_note": (
        "Satu layanan, satu periode (tanggal permohonan masuk): identitas dan sumber data, "
        "ringkasan dibanding periode sebelumnya, langkah terhadap Waktu SOP, tabel per jenis "
        "penyimpangan, berkas per kasus tidak patuh, dan metodologi.",
        "One service, one period (date of application): identity and data sources, summary "
        "against the previous period, steps against the SOP's Waktu, a table per deviation "
        "type, a dossier per non-compliant case, and the methodology.",
    ),
    "service": ("Layanan", "Service"),
    "from": ("Dari tanggal", "From"),
    "to": ("Sampai tanggal", "To"),
    "format": ("Format", "Format"),
    "pseudonymize": ("Samarkan identitas petugas dan nomor permohonan",
                     "Pseudonymize people and application numbers"),
    "build": ("Buat laporan", "Build the report"),
    "download": ("Unduh laporan", "Download the report"),
    "command": ("Perintah yang sama dari terminal:", "The same from a terminal:"),
    "tables": ("Tabel yang tampil di dasbor", "Tables shown in the dashboard"),
}  # fmt: skip
_MIME = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _w(key: str, lang: Language) -> str:
    return _WORDS[key][0 if lang == "id" else 1]


@st.cache_data(max_entries=8, show_spinner=False)
def _report_bytes(
    db: str, version: object, sop: str, office: str | None, first: dt.date, last: dt.date,
    lang: Language, pseudonymize: bool, fmt: ReportFormat,
) -> bytes:  # fmt: skip
    """The report's file, built once per store version and options."""
    report = build_report(
        db, sop=sop, period_from=first, period_to=last, office=office, lang=lang,
        pseudonymize=pseudonymize,
    )  # fmt: skip
    if fmt == "pdf":
        return report.to_pdf()
    return report.to_html().encode("utf-8") if fmt == "html" else report.to_xlsx()


def _arrival_range(ctx: Context, sop: str) -> tuple[dt.date, dt.date]:
    """The first and last arrival dates (office time) of the service's cases shown."""
    cases = ctx.cases.cases
    mine = cases[(cases["sop_id"].astype(str) == sop).to_numpy()]
    days = ctx.cases.local_dates(mine, "first_event_at")
    return pd.Timestamp(np.min(days)).date(), pd.Timestamp(np.max(days)).date()


def _formal(ctx: Context) -> None:
    lang = ctx.lang
    st.subheader(_w("formal", lang))
    st.caption(_w("formal_note", lang))
    sops = sorted(ctx.cases.models)
    if not sops:
        return
    titles = {s: ctx.cases.models[s].service for s in sops}
    left, middle, right = st.columns([2, 1, 1])
    chosen = ctx.filters.sop if ctx.filters.sop in sops else None
    sop = chosen or left.selectbox(_w("service", lang), sops, format_func=titles.__getitem__,
                                   key="report_sop")  # fmt: skip
    if chosen:
        left.text_input(_w("service", lang), titles[sop], disabled=True, key="report_sop_shown")
    first, last = _arrival_range(ctx, sop)
    first = ctx.filters.period_from or first
    last = ctx.filters.period_to or last
    middle.date_input(_w("from", lang), first, disabled=True, key="report_from")
    right.date_input(_w("to", lang), last, disabled=True, key="report_to")
    fmt: ReportFormat = st.radio(_w("format", lang), ["pdf", "html", "xlsx"], horizontal=True,
                   format_func=str.upper, key="report_format")  # fmt: skip
    pseudo = st.checkbox(_w("pseudonymize", lang), key="report_pseudonymize")
    params = (str(ctx.db), ctx.snapshot.version, sop, ctx.filters.office, first, last, lang,
              pseudo, fmt)  # fmt: skip
    if st.button(_w("build", lang), type="primary", icon=":material/description:"):
        with st.spinner(_w("build", lang) + " ..."):
            st.session_state["report_built"] = (params, _report_bytes(*params))
    built = st.session_state.get("report_built")
    if built and built[0] == params:
        st.download_button(
            _w("download", lang), data=built[1], mime=_MIME[fmt],
            file_name=f"laporan_{sop}_{first}_{last}.{fmt}", key="report_download",
            icon=":material/download:", on_click="ignore",
        )  # fmt: skip
    office = f' --office "{ctx.filters.office}"' if ctx.filters.office else ""
    st.caption(_w("command", lang))
    st.code(
        f"sopmine report --db {ctx.db} --sop {sop} --from {first} --to {last}{office} "
        f"--lang {lang}{' --pseudonymize' if pseudo else ''} --out laporan.{fmt}",
        language="bash",
    )


def _tables(ctx: Context) -> None:
    """The tables to download: their rows now, their files when asked for."""
    lang = ctx.lang
    st.subheader(_w("tables", lang))
    shot, filters = ctx.snapshot, ctx.filters
    rows = download_rows(shot, filters)
    stem = "sopmine_" + "_".join(v for v in filters.key() if v) if any(filters.key()) else "sopmine"
    fits = [k for k, n in rows.items() if n <= EXCEL_ROWS]
    st.download_button(
        t("workbook", lang), data=partial(download_workbook, shot, filters, fits, lang),
        file_name=f"{stem}.xlsx", icon=":material/table:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="xlsx", on_click="ignore",
    )  # fmt: skip
    if len(fits) < len(rows):
        st.caption(t("steps_csv_only", lang, limit=number(EXCEL_ROWS, lang)))
    for key, count in rows.items():
        left, right = st.columns([3, 1])
        left.markdown(f"**{t(key, lang)}** · {t('table_rows', lang, rows=number(count, lang))}")
        right.download_button(
            t("csv", lang), data=partial(download_csv, shot, filters, key),
            file_name=f"{stem}_{key.removeprefix('table_')}.csv", mime="text/csv",
            key=f"csv_{key}", on_click="ignore", icon=":material/download:",
        )  # fmt: skip


ctx = open_page("laporan")
with guarded(ctx.lang):
    _formal(ctx)
    st.divider()
    _tables(ctx)
