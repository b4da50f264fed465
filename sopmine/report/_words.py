"""The report's words in Bahasa Indonesia (default) and English, and how values are written.

Numbers follow the reader's language: ``1.234,5`` in Indonesian, ``1,234.5`` in English;
dates are written out (``5 Mei 2025``) in the office's time zone.
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

__all__ = [
    "Language",
    "date_text",
    "days_text",
    "missing",
    "number",
    "pct",
    "stamp_text",
    "when_text",
    "word",
    "zone_name",
]

Language = Literal["id", "en"]

_WORDS: dict[str, tuple[str, str]] = {
    # document
    "report_title": ("Laporan Kepatuhan terhadap SOP", "SOP Compliance Report"),
    "for_inspectorate": ("untuk Inspektorat", "for the Inspectorate"),
    "contents": ("Daftar isi", "Contents"),
    "page": ("Halaman {page} dari {pages}", "Page {page} of {pages}"),
    "cover": ("Identitas laporan", "Report identity"),
    "summary": ("Ringkasan", "Summary"),
    "steps": ("Kepatuhan per langkah terhadap Waktu SOP", "Steps against the SOP's Waktu"),
    "deviations": ("Penyimpangan per jenis", "Deviations by type"),
    "dossiers": ("Lampiran: berkas per kasus tidak patuh", "Appendix: one dossier per "
                 "non-compliant case"),
    "method": ("Metodologi", "Methodology"),
    "data_quality": ("Kualitas data", "Data quality"),
    "signature": ("Pengesahan", "Sign-off"),
    "bottlenecks": ("Tiga langkah hambatan terbesar", "The three worst bottlenecks"),
    # cover facts
    "office": ("Kantor", "Office"),
    "regency": ("Kabupaten/Kota", "Regency/City"),
    "service": ("Layanan", "Service"),
    "sop_title": ("Judul SOP", "SOP title"),
    "sop_number": ("Nomor SOP", "SOP number"),
    "legal_basis": ("Dasar hukum", "Legal basis"),
    "period": ("Periode (tanggal permohonan masuk)", "Period (date of application)"),
    "previous_period": ("Periode pembanding", "Comparison period"),
    "as_of": ("Keadaan data per", "Data as of"),
    "model_hash": ("Sidik model SOP (sha256)", "SOP model fingerprint (sha256)"),
    "tool": ("Perangkat", "Tool"),
    "generated_at": ("Dibuat pada", "Generated at"),
    "pseudonymized": ("Identitas disamarkan", "Identities pseudonymized"),
    "sources": ("Sumber data", "Data sources"),
    "none": ("tidak ada", "none"),
    "not_stated": ("tidak dicantumkan", "not stated"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    # columns
    "col_file": ("Berkas", "File"),
    "col_sha256": ("sha256", "sha256"),
    "col_rows": ("Baris dibaca", "Rows read"),
    "col_loaded": ("Dimuat", "Loaded"),
    "col_rejected": ("Ditolak", "Rejected"),
    "col_profile": ("Profil", "Profile"),
    "col_loaded_at": ("Dimuat pada", "Loaded at"),
    "col_measure": ("Ukuran", "Measure"),
    "col_current": ("Periode ini", "This period"),
    "col_previous": ("Periode sebelumnya", "Previous period"),
    "col_change": ("Perubahan", "Change"),
    "col_no": ("No", "No"),
    "col_step": ("Langkah", "Step"),
    "col_actor": ("Pelaksana SOP", "SOP actor"),
    "col_waktu": ("Waktu SOP", "SOP Waktu"),
    "col_done": ("Dikerjakan", "Done"),
    "col_timed": ("Terukur", "Timed"),
    "col_median": ("Median", "Median"),
    "col_p90": ("P90", "P90"),
    "col_breaches": ("Melewati Waktu", "Over Waktu"),
    "col_on_time": ("Tepat waktu", "On time"),
    "col_over_days": ("Kelebihan (hari kerja)", "Over (working days)"),
    "col_type": ("Jenis", "Type"),
    "col_meaning": ("Arti", "Meaning"),
    "col_cases": ("Kasus", "Cases"),
    "col_findings": ("Temuan", "Findings"),
    "col_case": ("Nomor permohonan", "Application"),
    "col_status": ("Status", "Status"),
    "col_expected": ("Seharusnya", "Expected"),
    "col_observed": ("Tercatat", "Observed"),
    "col_person": ("Petugas", "Person"),
    "col_role": ("Jabatan tercatat", "Recorded role"),
    "col_source": ("Sumber (berkas, baris)", "Source (file, row)"),
    "col_detail": ("Uraian", "Detail"),
    "col_late_days": ("Terlambat (hari kerja)", "Late (working days)"),
    "col_late": ("Terlambat", "Late"),
    "col_versus": ("Seharusnya / tercatat", "Expected / observed"),
    "col_person_role": ("Petugas (jabatan tercatat)", "Person (recorded role)"),
    "col_who": ("Pelaksana SOP / jabatan tercatat", "SOP actor / recorded role"),
    "col_time": ("Waktu kerja / Waktu SOP", "Working time / SOP Waktu"),
    "col_service": ("Waktu layanan (waktu kerja)", "Service time (working time)"),
    "col_target": ("target", "target"),
    "working_days": ("hari kerja", "working days"),
    "command": ("Perintah untuk membuat ulang", "Command to produce it again"),
    "col_completed": ("Selesai", "Completed"),
    "col_handover": ("Diterima", "Handed over"),
    "col_elapsed": ("Waktu kerja", "Working time"),
    "col_state": ("Keadaan", "State"),
    "col_arrived": ("Masuk", "Arrived"),
    "col_service_days": ("Waktu layanan (hari kerja)", "Service time (working days)"),
    "col_target_days": ("Target (hari kerja)", "Target (working days)"),
    "col_fitness": ("Fitness", "Fitness"),
    "col_reason": ("Alasan", "Reason"),
    "col_row": ("Baris", "Row"),
    "col_field": ("Kolom", "Field"),
    "col_message": ("Keterangan", "Message"),
    "col_rank": ("Peringkat", "Rank"),
    "col_share": ("Porsi", "Share"),
    # notes
    "steps_note": ("Waktu kerja dihitung dari serah terima (selesainya kegiatan sebelumnya) "
                   "sampai langkah selesai, dalam jam kerja kantor. Langkah pertama sebuah kasus "
                   "tidak terukur (tidak ada serah terima).",
                   "Working time runs from the handover (completion of the previous event) to "
                   "the step's completion, in office hours. A case's first step has no handover "
                   "and is not timed."),
    "deviations_intro": ("Setiap temuan menunjuk baris sumbernya (berkas, baris) dalam ekspor "
                         "aplikasi, sehingga dapat diperiksa kembali. Keterlambatan dihitung "
                         "dalam waktu kerja kantor (lihat Metodologi).",
                         "Every finding points at its source row (file, row) in the "
                         "application's export, so it can be checked again. Lateness is in the "
                         "office's working time (see Methodology)."),
    # measures
    "m_cases": ("Permohonan masuk", "Applications received"),
    "m_closed": ("Selesai (izin terbit)", "Closed (licence issued)"),
    "m_rejected": ("Ditolak", "Rejected"),
    "m_open": ("Masih berjalan", "Still open"),
    "m_at_risk": ("Berjalan dan berisiko", "Open and at risk"),
    "m_conformant": ("Sesuai alur dan pelaksana SOP", "Conformant to the SOP's flow and actors"),
    "m_service_on_time": ("Layanan tepat waktu", "Service on time"),
    "m_step_on_time": ("Langkah tepat waktu", "Steps on time"),
    "m_median_days": ("Median waktu layanan (hari kerja)", "Median service time (working days)"),
    "m_p90_days": ("P90 waktu layanan (hari kerja)", "P90 service time (working days)"),
    "m_fitness": ("Rata-rata fitness", "Mean fitness"),
    "m_deviations": ("Temuan penyimpangan", "Deviation findings"),
    "m_noncompliant": ("Kasus tidak patuh (lampiran)", "Non-compliant cases (appendix)"),
    # states and statuses
    "closed": ("selesai", "closed"),
    "rejected": ("ditolak", "rejected"),
    "open": ("berjalan", "open"),
    "done": ("dilakukan", "done"),
    "missing": ("tidak dilakukan", "not done"),
    "pending": ("belum", "pending"),
    "skipped": ("tidak dilalui", "not on the path taken"),
    "no_data": ("tidak ada data", "no data"),
    # deviation types, short
    "missing_step": ("Langkah terlewat", "Missing step"),
    "unexpected_activity": ("Kegiatan di luar jalur SOP", "Unexpected activity"),
    "wrong_order": ("Urutan terbalik", "Wrong order"),
    "repeated_step": ("Langkah berulang", "Repeated step"),
    "wrong_actor": ("Pelaksana tidak sesuai", "Wrong actor"),
    "step_sla_breach": ("Langkah melewati Waktu", "Step over its Waktu"),
    "service_sla_breach": ("Layanan melewati target", "Service over its target"),
    "segregation_of_duties": ("Prinsip empat mata dilanggar", "Four-eyes rule broken"),
    "unmapped_activity": ("Kegiatan tidak dikenal SOP", "Unmapped activity"),
    "open_at_risk": ("Berjalan dan berisiko", "Open, at risk"),
    # charts
    "chart_steps": ("Median waktu kerja per langkah dibanding Waktu SOP",
                    "Median working time per step against the SOP's Waktu"),
    "chart_types": ("Kasus per jenis penyimpangan", "Cases per deviation type"),
    "chart_trend": ("Tren bulanan (bulan permohonan masuk)",
                    "Monthly trend (month of application)"),
    "axis_hours": ("jam kerja (skala log)", "working hours (log scale)"),
    "axis_cases": ("kasus", "cases"),
    "axis_pct": ("%", "%"),
    "legend_median": ("Median waktu kerja", "Median working time"),
    "legend_waktu": ("Waktu SOP", "SOP Waktu"),
    # month names
    "months": ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober "
               "November Desember", "January February March April May June July August "
               "September October November December"),
}  # fmt: skip


def missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA.

    >>> [missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, 0, "")]
    [True, True, True, True, False, False]
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def word(key: str, lang: Language, **values: object) -> str:
    """The word for ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    >>> word("page", "id", page=2, pages=9)
    'Halaman 2 dari 9'
    """
    text = _WORDS[key][0 if lang == "id" else 1]
    return text.format(**values) if values else text


def number(value: float | int | None, lang: Language, *, decimals: int = 0) -> str:
    """``value`` with the reader's separators; missing values as an em dash.

    >>> number(1234.5, "id", decimals=1), number(1234.5, "en", decimals=1)
    ('1.234,5', '1,234.5')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def pct(value: float | None, lang: Language) -> str:
    """A percentage with one decimal: ``87,1%``."""
    text = number(value, lang, decimals=1)
    return text if text == "—" else f"{text}%"


def days_text(minutes: float | None, minutes_per_day: float, lang: Language) -> str:
    """Working minutes as working days (two decimals)."""
    if minutes is None or math.isnan(minutes):
        return "—"
    return number(minutes / minutes_per_day, lang, decimals=2)


def date_text(value: pd.Timestamp | None, lang: Language) -> str:
    """A date written out: ``5 Mei 2025`` / ``5 May 2025``.

    >>> date_text(pd.Timestamp("2025-05-05"), "id")
    '5 Mei 2025'
    """
    if value is None or pd.isna(value):
        return "—"
    month = word("months", lang).split()[value.month - 1]
    return f"{value.day} {month} {value.year}"


def when_text(value: pd.Timestamp | None, zone: str, lang: Language) -> str:
    """An instant in the office's time zone: ``5 Mei 2025 14.30 WIB``.

    >>> when_text(pd.Timestamp("2025-05-05 07:30", tz="UTC"), "Asia/Jakarta", "id")
    '5 Mei 2025 14.30 WIB'
    """
    if value is None or pd.isna(value):
        return "—"
    local = pd.Timestamp(value).tz_convert(zone)
    clock = local.strftime("%H.%M" if lang == "id" else "%H:%M")
    return f"{date_text(local, lang)} {clock} {zone_name(zone)}"


def stamp_text(value: pd.Timestamp, zone: str, lang: Language) -> str:
    """An instant in the office's time zone, short, for a table cell: ``05-05-2025 14.30``.

    >>> stamp_text(pd.Timestamp("2025-05-05 07:30", tz="UTC"), "Asia/Jakarta", "en")
    '2025-05-05 14:30'
    """
    local = pd.Timestamp(value).tz_convert(zone)
    return local.strftime("%d-%m-%Y %H.%M" if lang == "id" else "%Y-%m-%d %H:%M")


def zone_name(zone: str) -> str:
    """WIB, WITA or WIT for an Indonesian zone; the zone itself otherwise."""
    return {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
            "Asia/Jayapura": "WIT"}.get(zone, zone)  # fmt: skip
