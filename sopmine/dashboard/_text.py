"""The dashboard's words, in Bahasa Indonesia (default) and English, and number formats."""

from __future__ import annotations

import math
from typing import Any

from sopmine.analyze._labels import Language, format_minutes

__all__ = ["Language", "days_text", "number", "pct", "t", "when_text"]

_TEXT: dict[str, tuple[str, str]] = {
    # pages
    "ringkasan": ("Ringkasan", "Summary"),
    "peta_proses": ("Peta Proses", "Process Map"),
    "hambatan": ("Hambatan", "Bottlenecks"),
    "kepatuhan": ("Kepatuhan", "Compliance"),
    "kasus_berjalan": ("Kasus Berjalan", "Open Cases"),
    "perbandingan_kantor": ("Perbandingan Kantor", "Offices Compared"),
    "data": ("Data", "Data"),
    "laporan": ("Laporan", "Report"),
    # sidebar
    "language": ("Bahasa", "Language"),
    "filters": ("Saring", "Filters"),
    "service": ("Layanan (SOP)", "Service (SOP)"),
    "all_services": ("Semua layanan", "All services"),
    "office": ("Kantor", "Office"),
    "all_offices": ("Semua kantor", "All offices"),
    "from": ("Masuk sejak", "Arrived from"),
    "to": ("Masuk sampai", "Arrived until"),
    "period_help": ("Tanggal permohonan masuk, waktu setempat kantor.",
                    "The day the application arrived, in the office's local time."),
    "store": ("Basis data", "Store"),
    "checked_at": ("Diperiksa per", "Checked as of"),
    "share_hint": ("Saringan tersimpan di alamat halaman: salin alamat untuk membagikan tampilan.",
                   "Filters are kept in the page address: copy it to share this view."),
    # states
    "busy": ("Data sedang diperbarui (sopmine load atau check sedang menulis). "
             "Muat ulang halaman sebentar lagi.",
             "The data is being updated (sopmine load or check is writing). "
             "Reload the page in a moment."),
    "stale": ("Data sedang diperbarui; yang tampil adalah data sebelumnya.",
              "The data is being updated; showing the data from before."),
    "no_store": ("Belum ada data.", "No data yet."),
    "no_cases": ("Tidak ada permohonan untuk saringan ini.",
                 "No applications match these filters."),
    "failed": ("Halaman ini tidak dapat ditampilkan", "This page could not be shown"),
    # key figures
    "cases": ("Permohonan", "Applications"),
    "finished": ("Selesai", "Finished"),
    "on_time": ("Tepat waktu", "On time"),
    "median_service": ("Median waktu layanan", "Median service time"),
    "conformant": ("Sesuai SOP", "Conformant"),
    "open": ("Berjalan", "Open"),
    "at_risk": ("Berisiko", "At risk"),
    "overdue": ("Lewat waktu", "Overdue"),
    "deviations": ("Penyimpangan", "Deviations"),
    "nonconforming": ("Tidak sesuai SOP", "Non-conforming"),
    "service_time": ("Waktu layanan", "Service time"),
    "of_finished": ("dari yang selesai", "of those finished"),
    "working_days": ("hari kerja", "working days"),
    # ringkasan
    "per_service": ("Per layanan", "By service"),
    "trend": ("Tren bulanan", "Monthly trend"),
    "worst_bottlenecks": ("Tiga hambatan terberat", "The three worst bottlenecks"),
    "no_bottleneck": ("Tidak ada langkah yang melewati Waktu SOP.",
                      "No step went over its SOP Waktu."),
    # columns
    "col_service": ("Layanan", "Service"),
    "col_office": ("Kantor", "Office"),
    "col_step": ("Langkah", "Step"),
    "col_actor": ("Pelaksana", "Actor"),
    "col_volume": ("Dikerjakan", "Done"),
    "col_breach_pct": ("Lewat Waktu (%)", "Over Waktu (%)"),
    "col_median": ("Median waktu langkah", "Median step time"),
    "col_waiting": ("Median menunggu", "Median waiting"),
    "col_target": ("Waktu SOP", "SOP Waktu"),
    "col_over": ("Di atas target (hari kerja)", "Over target (working days)"),
    "col_over_share": ("Porsi (%)", "Share (%)"),
    "col_case": ("Nomor permohonan", "Application number"),
    "col_status": ("Status", "Status"),
    "col_conformant": ("Sesuai SOP", "Conformant"),
    "col_fitness": ("Fitness", "Fitness"),
    "col_deviations": ("Penyimpangan", "Deviations"),
    "col_types": ("Jenis penyimpangan", "Deviation types"),
    "col_arrived": ("Masuk", "Arrived"),
    "col_service_days": ("Waktu layanan (hari kerja)", "Service time (working days)"),
    "col_service_breach": ("Lewat SLA", "Over SLA"),
    "col_current": ("Langkah sekarang", "Current step"),
    "col_used": ("SLA terpakai (%)", "SLA used (%)"),
    "col_left": ("Sisa waktu (hari kerja)", "Time left (working days)"),
    "col_step_left": ("Sisa waktu langkah (hari kerja)", "Step time left (working days)"),
    "col_at_risk": ("Berisiko", "At risk"),
    "col_overdue": ("Lewat waktu", "Overdue"),
    "col_type": ("Jenis", "Type"),
    "col_count": ("Jumlah", "Count"),
    "col_cases": ("Permohonan", "Applications"),
    "col_role": ("Jabatan", "Role"),
    "col_person": ("Petugas", "Person"),
    "col_share": ("Porsi (%)", "Share (%)"),
    "col_delay_share": ("Porsi keterlambatan (%)", "Share of the delay (%)"),
    "col_expected_role": ("Pelaksana SOP", "SOP actor"),
    "col_regency": ("Kabupaten/Kota", "Regency"),
    "col_per_day": ("Menit per hari kerja", "Minutes per working day"),
    "col_file": ("Berkas", "File"),
    "col_profile": ("Profil", "Profile"),
    "col_loaded_at": ("Dimuat", "Loaded"),
    "col_rows_read": ("Baris dibaca", "Rows read"),
    "col_rows_loaded": ("Baris dimuat", "Rows loaded"),
    "col_rows_rejected": ("Baris ditolak", "Rows rejected"),
    "col_rows_duplicate": ("Baris ganda", "Duplicate rows"),
    "col_row": ("Baris", "Row"),
    "col_reason": ("Alasan", "Reason"),
    "col_field": ("Kolom", "Field"),
    "col_value": ("Nilai", "Value"),
    "col_message": ("Keterangan", "Message"),
    "col_label": ("Label", "Label"),
    "col_events": ("Kejadian", "Events"),
    "col_suggestions": ("Langkah SOP terdekat", "Closest SOP steps"),
    "col_when": ("Waktu", "When"),
    "col_run": ("Pemeriksaan", "Check run"),
    "col_as_of": ("Diperiksa per", "As of"),
    "col_version": ("Versi sopmine", "sopmine version"),
    "col_expected": ("Seharusnya", "Expected"),
    "col_observed": ("Tercatat", "Observed"),
    "col_detail": ("Uraian", "Detail"),
    "col_done_at": ("Selesai", "Completed"),
    "col_elapsed": ("Waktu langkah", "Step time"),
    "col_verdict": ("Penilaian", "Verdict"),
    "col_number": ("No.", "No."),
    # peta proses
    "metric": ("Tampilkan", "Show"),
    "frequency": ("Frekuensi", "Frequency"),
    "performance": ("Kinerja (waktu kerja)", "Performance (working time)"),
    "rare_flows": ("Tampilkan alur langka (< 1% permohonan)", "Show rare flows (< 1% of cases)"),
    "variants": ("Varian proses teratas", "Top process variants"),
    "map_help": ("Garis biru: alur sesuai SOP; merah putus-putus: alur di luar SOP; abu-abu: alur "
                 "SOP yang tidak pernah terjadi. Tebal garis menurut jumlah permohonan.",
                 "Blue: flows as in the SOP; red dashed: flows outside the SOP; grey: SOP flows "
                 "never taken. Line width follows the number of applications."),
    # hambatan
    "bottleneck_table": ("Langkah dengan waktu terbanyak di atas Waktu SOP",
                         "Steps with the most time over their SOP Waktu"),
    "waiting_vs_target": ("Menunggu dan diproses, dibanding Waktu SOP",
                          "Waiting and processing, against the SOP Waktu"),
    "roles": ("Jabatan", "Roles"),
    "role_delays": ("Siapa yang menyumbang keterlambatan per langkah",
                    "Who accounts for each step's delay"),
    "people": ("Petugas", "People"),
    "pseudonymize": ("Samarkan nama petugas", "Pseudonymize people"),
    # kepatuhan
    "by_type": ("Penyimpangan per jenis", "Deviations by type"),
    "by_step": ("Penyimpangan per langkah", "Deviations by step"),
    "case_list": ("Daftar permohonan", "Applications"),
    "only_nonconforming": ("Hanya yang tidak sesuai SOP", "Only non-conforming"),
    "all_types": ("Semua jenis", "Every type"),
    "type_filter": ("Jenis penyimpangan", "Deviation type"),
    "case_page": ("Rincian permohonan", "Application detail"),
    "case_input": ("Nomor permohonan", "Application number"),
    "case_pick": ("Pilih baris di daftar, atau ketik nomor permohonan.",
                  "Pick a row in the list, or type an application number."),
    "case_missing": ("Permohonan {case} tidak ditemukan dengan saringan ini.",
                     "Application {case} is not found with these filters."),
    "happened": ("Yang terjadi", "What happened"),
    "should_have": ("Yang seharusnya (SOP)", "What should have happened (SOP)"),
    "where_broke": ("Di mana menyimpang", "Where it broke"),
    "conforms": ("Permohonan ini sesuai SOP.", "This application conforms to the SOP."),
    "timeline": ("Linimasa langkah", "Step timeline"),
    "ok": ("sesuai", "as expected"),
    "late": ("melewati Waktu", "over Waktu"),
    "done": ("dikerjakan", "done"),
    "not_done": ("tidak dikerjakan", "not done"),
    "pending": ("belum", "not yet"),
    "outside_sop": ("di luar SOP", "outside the SOP"),
    "shown_rows": ("{shown} dari {total} baris ditampilkan.", "{shown} of {total} rows shown."),
    # kasus berjalan
    "only_at_risk": ("Hanya yang berisiko", "Only at risk"),
    "wip": ("Kasus berjalan dari waktu ke waktu", "Work in progress over time"),
    "at_risk_help": ("Berisiko: 80% atau lebih dari Waktu langkah atau SLA layanan sudah terpakai.",
                     "At risk: 80% or more of the step's Waktu or the service SLA is used."),
    # kantor
    "offices": ("Kantor berdampingan", "Offices side by side"),
    "roles_compared": ("Langkah sebanding per jabatan", "Comparable steps by role"),
    "offices_help": ("Setiap kantor diukur dalam hari kerjanya sendiri (zona waktu dan jam "
                     "layanan masing-masing).",
                     "Each office is measured in its own working days (its time zone and "
                     "office hours)."),
    # data
    "sources": ("Berkas yang dimuat", "Files loaded"),
    "rejects": ("Baris ditolak, dengan alasannya", "Rejected rows, with their reasons"),
    "rejects_by_reason": ("Ditolak per alasan", "Rejected by reason"),
    "unmapped": ("Label yang tidak dikenali SOP", "Labels the SOP does not know"),
    "unmapped_help": ("Kejadian ini tetap disimpan tetapi tidak dipetakan ke langkah SOP. "
                      "Tambahkan label sebagai alias di model SOP, atau di profil.",
                      "These events are kept but not mapped to an SOP step. Add the label as "
                      "an alias in the SOP model, or in the profile."),
    "runs": ("Pemeriksaan tersimpan", "Stored check runs"),
    "no_rejects": ("Tidak ada baris yang ditolak.", "No row was rejected."),
    "no_unmapped": ("Semua label dikenali.", "Every label is known."),
    # laporan
    "report_note": ("Laporan resmi untuk Inspektorat belum tersedia di versi ini. Unduh tabel "
                    "yang tampil di dasbor (sesuai saringan) di bawah.",
                    "The formal report for the Inspektorat is not in this version yet. Download "
                    "the tables shown in the dashboard (as filtered) below."),
    "workbook": ("Unduh semua tabel (XLSX)", "Download every table (XLSX)"),
    "csv": ("CSV", "CSV"),
    "table_kpis": ("Ringkasan per layanan", "Summary by service"),
    "table_bottlenecks": ("Hambatan", "Bottlenecks"),
    "table_cases": ("Permohonan", "Applications"),
    "table_open": ("Kasus berjalan", "Open cases"),
    "table_deviations": ("Penyimpangan", "Deviations"),
    "table_steps": ("Langkah", "Steps"),
    "table_offices": ("Perbandingan kantor", "Offices compared"),
    "table_rows": ("{rows} baris", "{rows} rows"),
    "steps_csv_only": ("Tabel langkah hanya CSV bila lebih dari {limit} baris (batas Excel).",
                       "The steps table is CSV only above {limit} rows (Excel's limit)."),
    # deviation types
    "missing_step": ("Langkah terlewat", "Missing step"),
    "unexpected_activity": ("Kegiatan di luar SOP", "Unexpected activity"),
    "wrong_order": ("Urutan terbalik", "Wrong order"),
    "repeated_step": ("Langkah berulang", "Repeated step"),
    "wrong_actor": ("Pelaksana tidak sesuai", "Wrong actor"),
    "step_sla_breach": ("Langkah melewati Waktu", "Step over its Waktu"),
    "service_sla_breach": ("Layanan melewati SLA", "Service over its SLA"),
    "segregation_of_duties": ("Empat mata dilanggar", "Four-eyes broken"),
    "unmapped_activity": ("Label tidak dikenali", "Unmapped activity"),
    "open_at_risk": ("Berjalan, berisiko", "Open, at risk"),
    # statuses
    "closed": ("selesai", "closed"),
    "rejected": ("ditolak", "rejected"),
    "open_status": ("berjalan", "open"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
}  # fmt: skip


def t(key: str, lang: Language = "id", **values: Any) -> str:
    """The text of ``key`` in ``lang`` (the key itself when unknown), formatted with ``values``.

    >>> t("on_time"), t("on_time", "en"), t("shown_rows", "en", shown=5, total=9)
    ('Tepat waktu', 'On time', '5 of 9 rows shown.')
    """
    pair = _TEXT.get(key)
    text = key if pair is None else pair[0] if lang == "id" else pair[1]
    return text.format(**values) if values else text


def number(value: float | None, lang: Language = "id", *, digits: int = 0) -> str:
    """A number with the language's separators: ``12.345,6`` in Indonesian, ``12,345.6`` else.

    >>> number(12345.64, digits=1), number(12345.64, "en", digits=1), number(None)
    ('12.345,6', '12,345.6', '-')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def pct(value: float | None, lang: Language = "id") -> str:
    """A percentage with one decimal: ``93,1%``.

    >>> pct(93.08), pct(93.08, "en"), pct(float("nan"))
    ('93,1%', '93.1%', '-')
    """
    text = number(value, lang, digits=1)
    return text if text == "-" else f"{text}%"


def days_text(minutes: float | None, minutes_per_day: float, lang: Language = "id") -> str:
    """Working time in hari kerja, with minutes or hours alongside when under a day.

    >>> days_text(1775, 480), days_text(23, 480), days_text(23, 480, "en")
    ('3,7 hari kerja', '0,05 hari kerja (23 menit)', '0.05 working days (23 min)')
    """
    if minutes is None or math.isnan(minutes):
        return "-"
    days = minutes / minutes_per_day
    unit = t("working_days", lang)
    if days >= 1:
        return f"{number(days, lang, digits=1)} {unit}"
    short = format_minutes(minutes, minutes_per_day=minutes_per_day, lang=lang)
    return f"{number(days, lang, digits=2)} {unit} ({short})"


def when_text(value: Any, timezone: str) -> str:
    """An instant in the office's local time, ``2025-01-15 12:36``; ``-`` when empty.

    >>> import pandas as pd
    >>> when_text(pd.Timestamp("2025-01-15 05:36", tz="UTC"), "Asia/Jakarta")
    '2025-01-15 12:36'
    """
    import pandas as pd

    if value is None or pd.isna(value):
        return "-"
    return str(pd.Timestamp(value).tz_convert(timezone).strftime("%Y-%m-%d %H:%M"))
