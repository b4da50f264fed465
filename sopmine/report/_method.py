"""The methodology chapter (calendar, clock stops, verdicts, data quality) and the sign-off."""

from __future__ import annotations

import pandas as pd

from sopmine.check import DEVIATION_TYPES
from sopmine.log import REJECT_REASONS
from sopmine.report._document import Block, Column, Facts, Paragraph, Section, Table
from sopmine.report._findings import Context
from sopmine.report._words import Language, date_text, number, word
from sopmine.sop import SopModel

__all__ = ["method_section", "sign_off_section", "steps_intro"]

_REASONS_ID = {
    "malformed_row": "jumlah kolom baris tidak sama dengan judul kolom",
    "repeated_header": "salinan baris judul kolom (dua ekspor digabung?)",
    "missing_case_id": "tanpa nomor permohonan",
    "missing_activity": "tanpa nama atau kode kegiatan",
    "missing_timestamp": "kegiatan selesai tanpa waktu selesai",
    "bad_timestamp": "waktu selesai bukan tanggal yang dapat dibaca",
    "bad_start_timestamp": "waktu mulai bukan tanggal yang dapat dibaca",
    "end_before_start": "waktu selesai lebih awal dari waktu mulai",
    "unknown_status": "nilai status yang tidak dikenal profil",
    "formula_value": "rumus spreadsheet (=...) di tempat sebuah pengenal",
    "value_too_long": "nilai teks terlalu panjang",
}


def steps_intro(model: SopModel, lang: Language) -> str:
    """One paragraph on how to read the steps table."""
    hours = _hours(model, lang)
    if lang == "id":
        return (f"Setiap langkah dibandingkan dengan Waktu (mutu baku) dalam SOP. Satu Hari = "
                f"satu hari kerja ({hours}); Menit dan Jam dihitung dalam jam kerja kantor. "
                "'Tepat waktu' adalah porsi penyelesaian terukur yang tidak melewati "
                "Waktu.")  # fmt: skip
    return (f"Each step is set against its Waktu (quality standard) in the SOP. One Hari = one "
            f"working day ({hours}); Menit and Jam count office hours. 'On time' is the share "
            "of timed completions within the Waktu.")  # fmt: skip


def method_section(
    model: SopModel, sources: pd.DataFrame, rejects: pd.DataFrame, ctx: Context
) -> Section:
    """How every figure was computed, and how clean the data were."""
    lang = ctx.lang
    blocks: list[Block] = [Paragraph(p) for p in _calendar_text(model, lang)]
    blocks.append(_definitions(ctx))
    blocks.append(Paragraph(_quality_text(sources, rejects, lang)))
    blocks.extend(_reject_tables(rejects, ctx))
    return Section("method", word("method", lang), tuple(blocks))


def sign_off_section(ctx: Context) -> Section:
    """Blank lines for the names, signatures and dates of who prepared and checked the report."""
    lang = ctx.lang
    if lang == "id":
        rows = (("Disusun oleh", "Nama / NIP / tanda tangan / tanggal: ________________"),
                ("Diperiksa oleh (Inspektorat)",
                 "Nama / NIP / tanda tangan / tanggal: ________________"),
                ("Diketahui oleh (Kepala Dinas)",
                 "Nama / NIP / tanda tangan / tanggal: ________________"))  # fmt: skip
        note = ("Angka dalam laporan ini dapat dihasilkan ulang dari basis data yang sama dengan "
                "perintah dan opsi yang tercantum pada identitas laporan.")  # fmt: skip
    else:
        rows = (("Prepared by", "Name / NIP / signature / date: ________________"),
                ("Checked by (Inspectorate)", "Name / NIP / signature / date: ________________"),
                ("Acknowledged by (Head of Office)",
                 "Name / NIP / signature / date: ________________"))  # fmt: skip
        note = ("The figures of this report can be produced again from the same store with the "
                "command and options stated in its identity section.")  # fmt: skip
    return Section(
        "sign_off", word("signature", lang), (Paragraph(note, style="note"), Facts(rows))
    )


def _hours(model: SopModel, lang: Language) -> str:
    cal = model.calendar_settings
    clock = "%H.%M" if lang == "id" else "%H:%M"
    unit = "menit" if lang == "id" else "minutes"
    return (
        f"{cal.day_start.strftime(clock)}–{cal.day_end.strftime(clock)} "
        f"{model.office.timezone}, {number(model.calendar.minutes_per_day, lang)} {unit}"
    )


def _calendar_text(model: SopModel, lang: Language) -> list[str]:
    cal = model.calendar_settings
    days_off = ", ".join(date_text(pd.Timestamp(d), lang) for d in cal.extra_days_off)
    start = model.step(model.sla.clock_start)
    target = str(model.sla.service_target) if model.sla.service_target else None
    share = number(100 * model.sla.at_risk_share, lang)
    if lang == "id":
        return [
            "Cakupan. Laporan mencakup permohonan yang masuk (kegiatan pertamanya) dalam "
            "periode, menurut tanggal di zona waktu kantor, dengan putusan pemeriksaan terakhir "
            "yang tersimpan untuk SOP ini.",
            f"Hari kerja. Senin sampai Jumat, dikurangi hari libur nasional dan cuti bersama "
            f"(paket holidays, Indonesia, kategori public dan government)"
            f"{f', serta hari libur kantor: {days_off}' if days_off else ''}. Jam kerja kantor "
            f"{cal.day_start:%H.%M}–{cal.day_end:%H.%M} waktu setempat ({model.office.timezone});"
            f" satu Hari = {number(model.calendar.minutes_per_day, lang)} menit kerja.",
            f"Waktu layanan. Jam layanan mulai pada penyelesaian terakhir langkah "
            f"{start.number} ({start.name}) dan berhenti pada langkah terakhir jalur yang "
            "ditempuh. Targetnya "
            f"{target or 'jumlah Waktu langkah-langkah sesudahnya pada jalur tersebut'}. Jam "
            "berhenti selama berkas dikembalikan kepada pemohon untuk dilengkapi, dan selama "
            "penghentian resmi (OSS status 41/43) berlaku; jam langkah yang sedang berjalan "
            "ikut berhenti.",
            f"Pelanggaran dan risiko. Melewati = waktu kerja > target. Kasus berjalan berisiko "
            f"bila telah memakai {share}% dari sebuah target.",
            "Kesesuaian alur. Setiap varian kasus diselaraskan (alignment optimal, biaya standar)"
            " dengan model jaringan SOP; fitness mengikuti definisi alignment pm4py. Kasus "
            "sesuai SOP bila tidak ada temuan alur, pelaksana atau empat mata.",
        ]
    return [
        "Scope. The report covers the applications that arrived (their first event) in the "
        "period, by date in the office's time zone, with the latest stored check of this SOP.",
        f"Working days. Monday to Friday, minus national holidays and cuti bersama (the holidays"
        f" package, Indonesia, categories public and government)"
        f"{f', and office days off: {days_off}' if days_off else ''}. Office hours "
        f"{cal.day_start:%H:%M}-{cal.day_end:%H:%M} local time ({model.office.timezone}); one "
        f"Hari = {number(model.calendar.minutes_per_day, lang)} working minutes.",
        f"Service time. The service clock starts at the last completion of step {start.number}"
        f" ({start.name}) and stops at the last step of the path taken. Its target is "
        f"{target or 'the sum of the Waktu of the steps after it on that path'}. The clock "
        "stops while the file is back with the applicant for completion and while an official "
        "stop (OSS status 41/43) is in force; the clock of the step in progress stops too.",
        f"Breach and risk. Breach = working time > target. An open case is at risk when it has "
        f"used {share}% of a target.",
        "Conformance. Each variant is aligned (optimal alignment, standard costs) with the SOP's"
        " net; fitness follows pm4py's alignment definition. A case conforms when it has no "
        "flow, actor or four-eyes finding.",
    ]


def _definitions(ctx: Context) -> Table:
    lang = ctx.lang
    frame = pd.DataFrame(
        [
            {"type": kind, "label": word(kind, lang), "meaning": text[0 if lang == "id" else 1]}
            for kind, text in DEVIATION_TYPES.items()
        ]
    )
    return Table(
        key="definitions", title="Definisi temuan" if lang == "id" else "Finding definitions",
        frame=frame,
        columns=(Column("type", "kode" if lang == "id" else "code"),
                 Column("label", word("col_type", lang)),
                 Column("meaning", word("col_meaning", lang))),
    )  # fmt: skip


def _quality_text(sources: pd.DataFrame, rejects: pd.DataFrame, lang: Language) -> str:
    read = int(sources["rows_read"].sum()) if len(sources) else 0
    loaded = int(sources["rows_loaded"].sum()) if len(sources) else 0
    duplicate = int(sources["rows_duplicate"].sum()) if len(sources) else 0
    if lang == "id":
        return (f"Dari {number(read, lang)} baris yang dibaca dari {len(sources)} berkas sumber, "
                f"{number(loaded, lang)} dimuat, {number(len(rejects), lang)} ditolak dengan "
                f"alasan yang tercatat di bawah, dan {number(duplicate, lang)} merupakan duplikat "
                "yang sama persis. Tidak ada baris yang hilang tanpa alasan.")  # fmt: skip
    return (f"Of {number(read, lang)} rows read from {len(sources)} source files, "
            f"{number(loaded, lang)} were loaded, {number(len(rejects), lang)} rejected with the "
            f"reasons below, and {number(duplicate, lang)} were exact duplicates. No row was "
            "lost without a reason.")  # fmt: skip


def _reject_tables(rejects: pd.DataFrame, ctx: Context) -> list[Table]:
    lang = ctx.lang
    if rejects.empty:
        return []
    reasons = rejects.groupby("reason", sort=True).size().rename("rows").reset_index()
    reasons["meaning"] = [_reason(r, lang) for r in reasons["reason"]]
    by_reason = Table(
        key="reject_reasons", title=word("data_quality", lang), frame=reasons,
        columns=(Column("reason", word("col_reason", lang)),
                 Column("meaning", word("col_meaning", lang)),
                 Column("rows", word("col_rejected", lang), "int")),
    )  # fmt: skip
    rows = rejects.sort_values(["file_name", "source_row"], kind="stable")
    rows = rows.assign(meaning=[_reason(r, lang) for r in rows["reason"]])
    detail = "meaning" if ctx.pseudonymized else "message"
    if ctx.pseudonymized:  # a rejected row's values name people and applications: keep none
        rows = rows[["file_name", "source_row", "reason", "field", "meaning"]]
    listed = Table(
        key="rejects", title="Baris ditolak" if lang == "id" else "Rejected rows", frame=rows,
        columns=(Column("file_name", word("col_file", lang)),
                 Column("source_row", word("col_row", lang), "int"),
                 Column("reason", word("col_reason", lang)),
                 Column("field", word("col_field", lang)),
                 Column(detail, word("col_message", lang))),
        note=("Nilai sel tidak ditampilkan karena identitas disamarkan." if lang == "id"
              else "Cell values are not shown because identities are pseudonymized.")
        if ctx.pseudonymized else None,
    )  # fmt: skip
    return [by_reason, listed]


def _reason(reason: str, lang: Language) -> str:
    if lang == "id":
        return _REASONS_ID.get(reason, reason)
    return REJECT_REASONS.get(reason, reason)
