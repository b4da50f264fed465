"""Every shipped export profile, each on a small export of its application, event by event.

The exports are in ``tests/fixtures/exports/`` (text formats, hand-written). Binary ones are
made inside the tests: the SIPRO report as cp1252 bytes, the SILASTRI workbook with openpyxl,
and the generic table as TSV, XLSX and Parquet. Each test states the whole canonical event
table the export must give, and accounts for every data row of the file.

Times in the exports are local (WIB = UTC+7 for Karimun, Dairi and Rokan Hilir; WITA = UTC+8
for Bolaang Mongondow Timur); the expected tables hold UTC.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from log_helpers import assert_every_row_accounted
from pandas.testing import assert_frame_equal

from sopmine import load_sop
from sopmine.errors import LogReadError
from sopmine.log import empty_rejects, read_log

FIXTURES = Path(__file__).parent / "fixtures" / "exports"

#: One expected event: case_id, activity, activity_code, step_id, kind, timestamp (UTC),
#: start_timestamp (UTC), role, resource, lifecycle, source_row.
Row = tuple[
    str,
    str,
    str | None,
    str | None,
    str,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    int,
]


def expected_events(
    rows: Sequence[Row], *, sop: str, file: str, extras: Mapping[str, Sequence[Any]] | None = None
) -> pd.DataFrame:
    """The canonical event table of ``rows``, then the export's other columns (as text)."""
    model = load_sop(sop)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 11
    case, activity, code, step, kind, end, start, role, resource, lifecycle, source_row = cols
    n = len(rows)
    frame = pd.DataFrame(
        {
            "case_id": _text(case),
            "activity": _text(activity),
            "activity_code": _text(code),
            "step_id": _text(step),
            "kind": _text(kind),
            "timestamp": _utc(end),
            "start_timestamp": _utc(start),
            "role": _text(role),
            "resource": _text(resource),
            "lifecycle": _text(lifecycle),
            "sop_id": _text([model.id] * n),
            "office": _text([model.office.name] * n),
            "source_file": _text([file] * n),
            "source_row": pd.Series(source_row, dtype="int64"),
        }
    )
    for name, values in (extras or {}).items():
        frame[name] = _text(values)
    return frame


def _text(values: Iterable[Any]) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def _utc(values: Iterable[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True), dtype="datetime64[us, UTC]")


def copy_fixture(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(FIXTURES / name, target)
    return target


# --- SiCantik Cloud ----------------------------------------------------------------------------

A, B = "SC-2025-03-0118", "SC-2025-03-0121"
SICANTIK_ROWS: list[Row] = [
    (A, "Akses Formulir", "101", "akses_formulir", "step",
     "2025-03-03 01:00", None, None, "ahmad.fauzi", "Selesai", 2),
    (A, "Registrasi Akun", "102", "registrasi_akun", "step",
     "2025-03-03 01:05", None, None, "ahmad.fauzi", "Selesai", 3),
    (A, "Pengisian Formulir", "103", "pengisian_formulir", "step",
     "2025-03-03 01:20", None, None, "ahmad.fauzi", "Selesai", 4),
    (A, "Upload Persyaratan", "104", "unggah_persyaratan", "step",
     "2025-03-03 01:40", None, None, "ahmad.fauzi", "Selesai", 5),
    (A, "Pemeriksaan Berkas oleh Loket Pendaftaran", "105", "verifikasi_loker_pendaftaran", "step",
     "2025-03-03 02:10", "2025-03-03 02:00", None, "rina.loket2", "Selesai", 6),
    (A, "Verifikasi Berkas", "106", "verifikasi_back_office", "step",
     "2025-03-03 02:25", "2025-03-03 02:15", None, "dedi.bo", "Selesai", 7),
    (A, "Verifikasi Kasi", "107", "verifikasi_kasi", "step",
     "2025-03-03 03:20", "2025-03-03 03:00", None, "yusuf.kasi", "Selesai", 8),
    (A, "Validasi Kabid", "108", "validasi_kabid", "step",
     "2025-03-04 02:30", "2025-03-04 01:30", None, "hendra.kabid", "Selesai", 9),
    (A, "Tanda Tangan Elektronik Kadis", "109", "tte_kadis", "step",
     "2025-03-04 03:15", "2025-03-04 03:00", None, "kadis.karimun", "Selesai", 10),
    (A, "Cetak Izin", "110", "cetak_izin", "step",
     "2025-03-04 04:05", "2025-03-04 04:00", None, "sari.loket4", "Selesai", 11),
    (A, "Pengisian SKM", "111", "pengisian_skm", "step",
     "2025-03-04 06:30", "2025-03-04 06:00", None, "wati.loket5", "Selesai", 12),
    (A, "Penyerahan Izin", "112", "penyerahan_izin", "step",
     "2025-03-04 06:40", "2025-03-04 06:30", None, "wati.loket5", "Selesai", 13),
    (B, "Pemeriksaan Berkas oleh Loket Pendaftaran", "105", "verifikasi_loker_pendaftaran", "step",
     "2025-03-05 02:45", "2025-03-05 02:30", None, "rina.loket2", "Selesai", 14),
    (B, "Verifikasi Berkas", "106", "verifikasi_back_office", "open",
     None, "2025-03-05 03:00", None, "dedi.bo", "Proses", 15),
    (B, "Verifikasi Kasi", "107", "verifikasi_kasi", "open",
     None, None, None, None, "Menunggu", 16),
]  # fmt: skip
EMPTY = "0001-01-01 00:00:00"
SICANTIK_EXTRAS = {
    "jenis_izin": ["Izin Praktik Bidan"] * 12 + ["Surat Izin Usaha Perdagangan"] * 3,
    "tgl_pengajuan": ["2025-03-03 08:00:00"] * 12 + ["2025-03-05 09:00:00"] * 3,
    "tgl_penetapan": ["2025-03-04 10:15:00"] * 12 + [EMPTY] * 3,
    "no_izin": ["503/DPMPTSP-KRM/IPB/0118/2025"] * 12 + [""] * 3,
    "tgl_selesai": ["2025-03-04 13:40:00"] * 12 + [EMPTY] * 3,
    "tgl_signed_report": ["2025-03-04 10:15:00"] * 12 + [EMPTY] * 3,
}


def test_sicantik_step_rows_become_events_in_utc(tmp_path: Path) -> None:
    """Selesai rows are steps; Menunggu/Proses open work; codes 101..112 pick the step."""
    path = copy_fixture("sicantik_karimun.csv", tmp_path)
    read = read_log(path, profile="sicantik", sop="karimun_sicantik")
    expected = expected_events(
        SICANTIK_ROWS, sop="karimun_sicantik", file=path.name, extras=SICANTIK_EXTRAS
    )
    assert_frame_equal(read.events, expected)
    assert_frame_equal(read.rejects, empty_rejects())
    assert (read.format, read.encoding, read.separator) == ("csv", "utf-8", ",")
    assert (read.rows_read, read.rows_loaded, read.rows_rejected, read.rows_duplicate) == (
        15,
        15,
        0,
        0,
    )
    assert read.unmapped.empty
    assert_every_row_accounted(read, range(2, 17))


def test_sicantik_validasi_kabid_at_0930_wib_is_0230_utc(tmp_path: Path) -> None:
    path = copy_fixture("sicantik_karimun.csv", tmp_path)
    events, _ = read_log(path, profile="sicantik", sop="karimun_sicantik")
    kabid = events.loc[events["step_id"] == "validasi_kabid", "timestamp"]
    assert kabid.tolist() == [pd.Timestamp("2025-03-04 02:30", tz="UTC")]


# --- OSS RBA -----------------------------------------------------------------------------------

OSS1, OSS2 = "I-202503031015238754", "I-202503051122417630"
FO, BO = "Penerima Berkas/ Front Office", "Backoffice/ Ka Seksi Pel I"
NIP_FO, NIP_BO, NIP_TT, NIP_KD = (
    "199203142019032008",
    "198511022010011004",
    "198007212006041002",
    "197106101998031003",
)
OSS_ROWS: list[Row] = [
    (OSS1, "Dokumen Lengkap", "10", "resi_penerimaan", "step",
     "2025-03-03 03:15", None, FO, NIP_FO, "10", 2),
    (OSS1, "Validasi", "20", "verifikasi_berkas", "step",
     "2025-03-03 06:40", None, BO, NIP_BO, "20", 3),
    (OSS1, "SLA dihentikan", "41", None, "clock_stop",
     "2025-03-04 02:00", None, BO, NIP_BO, "41", 4),
    (OSS1, "SLA dilanjutkan", "42", None, "clock_resume",
     "2025-03-06 07:30", None, BO, NIP_BO, "42", 5),
    (OSS1, "Inspeksi", "40", "peninjauan_lapangan", "step",
     "2025-03-07 03:00", None, "Tim Teknis", NIP_TT, "40", 6),
    (OSS1, "Diverifikasi Instansi Teknis", "45", "pemberian_rekomendasi", "step",
     "2025-03-10 04:20", None, "Tim Teknis", NIP_TT, "45", 7),
    (OSS1, "Disetujui", "50", "penerbitan_izin_oss", "step",
     "2025-03-11 08:05", None, "Kepala Dinas", NIP_KD, "50", 8),
    (OSS2, "Dokumen Lengkap", "10", "resi_penerimaan", "step",
     "2025-03-05 04:22", None, FO, NIP_FO, "10", 9),
    (OSS2, "SLA dihentikan dan direset", "43", None, "clock_reset",
     "2025-03-06 01:10", None, BO, NIP_BO, "43", 10),
    (OSS2, "SLA dimulai ulang", "44", None, "clock_restart",
     "2025-03-12 02:00", None, BO, NIP_BO, "44", 11),
    (OSS2, "Disetujui Otomatis", "57", "penerbitan_izin_oss", "step",
     "2025-03-19 02:00", None, None, None, "57", 12),
]  # fmt: skip
OSS_EXTRAS = {
    "nib": ["9120305140021"] * 7 + ["9120407220315"] * 4,
    "kd_izin": ["IUMK"] * 11,
    "kd_instansi": ["1211"] * 11,
    "keterangan": [
        "",
        "",
        "Menunggu perbaikan denah lokasi usaha",
        "Perbaikan diterima",
        "Peninjauan lapangan Kec. Sidikalang",
        "",
        "",
        "",
        "NPWP tidak sesuai",
        "",
        "Fiktif positif",
    ],
}


def test_oss_status_feed_clock_codes_and_roles_from_roster(tmp_path: Path) -> None:
    """41/42/43/44 are clock events without a step; other codes map; roles come from the roster."""
    path = copy_fixture("oss_dairi_status.csv", tmp_path)
    roster = copy_fixture("oss_dairi_roster.csv", tmp_path)
    read = read_log(path, profile="oss", sop="dairi_iumk_oss", roster=roster)
    expected = expected_events(OSS_ROWS, sop="dairi_iumk_oss", file=path.name, extras=OSS_EXTRAS)
    assert_frame_equal(read.events, expected)
    assert_frame_equal(read.rejects, empty_rejects())
    assert read.unmapped.empty
    assert_every_row_accounted(read, range(2, 13))


def test_oss_without_roster_has_no_roles(tmp_path: Path) -> None:
    path = copy_fixture("oss_dairi_status.csv", tmp_path)
    events, _ = read_log(path, profile="oss", sop="dairi_iumk_oss")
    assert events["role"].isna().all()
    assert events["resource"].tolist()[:2] == [NIP_FO, NIP_BO]


def test_oss_roster_giving_a_person_two_roles_is_refused(tmp_path: Path) -> None:
    path = copy_fixture("oss_dairi_status.csv", tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        f"nip,role\n{NIP_FO},Penerima Berkas/ Front Office\n{NIP_BO},Backoffice/ Ka Seksi Pel I\n"
        f"{NIP_FO},Kabid. Pelayanan\n{NIP_BO},Backoffice/ Ka Seksi Pel I\n",
        encoding="utf-8",
    )
    with pytest.raises(LogReadError) as caught:
        read_log(path, profile="oss", sop="dairi_iumk_oss", roster=roster)
    message = str(caught.value)
    assert NIP_FO in message
    assert NIP_BO not in message  # listed twice, but with the same role
    assert "two different roles" in message
    assert "roster.csv" in message


def test_oss_roster_without_its_columns_names_them(tmp_path: Path) -> None:
    path = copy_fixture("oss_dairi_status.csv", tmp_path)
    roster = tmp_path / "pegawai.csv"
    roster.write_text("NIP,Jabatan\n199203142019032008,Front Office\n", encoding="utf-8")
    with pytest.raises(
        LogReadError, match=r"missing: nip, role\. The file's columns are: NIP, Jabatan"
    ):
        read_log(path, profile="oss", sop="dairi_iumk_oss", roster=roster)


# --- SIPRO -------------------------------------------------------------------------------------

I7, I9 = "INS/2025/0007", "INS/2025/0009"
SIPRO_ROWS: list[Row] = [
    (I7, "Pendaftaran", "T01", "pendaftaran", "step",
     "2025-03-03 01:12", None, "Pemohon", None, "Selesai", 2),
    (I7, "Pemeriksaan Berkas", "T02", "pemeriksaan_berkas", "step",
     "2025-03-03 02:05", "2025-03-03 01:20", "Front Office", "André Sinaga", "Selesai", 3),
    (I7, "Rekomendasi Teknis Dishub", "T03", "rekomendasi_teknis", "step",
     "2025-03-10 08:00", "2025-03-03 02:30", "Tim Teknis", "Yusri Harahap", "Selesai", 4),
    (I7, "Entri Data", "T04", "entri_data", "step",
     "2025-03-11 01:45", "2025-03-11 01:00", "Back Office", "Nurhaliza", "Selesai", 5),
    (I7, "Verifikasi Sub Koordinator", "T05", "verifikasi_sub_koordinator", "step",
     "2025-03-11 03:10", "2025-03-11 02:00",
     "Sub Koordinator Perizinan", "Irwan Syah", "Selesai", 6),
    (I7, "Verifikasi Koordinator", "T06", "verifikasi_koordinator", "step",
     "2025-03-11 07:00", "2025-03-11 06:00", "Koordinator Perizinan", "Dra. Hasnah", "Selesai", 7),
    (I7, "Verifikasi Sekretaris", "T07", "verifikasi_sekretaris", "step",
     "2025-03-12 02:00", "2025-03-12 01:30", "Sekretaris", "Zulkifli", "Selesai", 8),
    (I7, "Persetujuan Kadis", "T08", "persetujuan_kadis", "step",
     "2025-03-12 03:30", "2025-03-12 03:00", "Kepala Dinas", "H. Ramli", "Selesai", 9),
    (I7, "Penomoran dan Cetak Izin", "T09", "penomoran_cetak", "step",
     "2025-03-12 04:20", "2025-03-12 04:00", "Back Office", "Nurhaliza", "Selesai", 10),
    (I7, "Penandatanganan Izin", "T10", "penandatanganan_kadis", "step",
     "2025-03-12 06:15", "2025-03-12 06:00", "Kepala Dinas", "H. Ramli", "Selesai", 11),
    (I7, "Pengambilan Izin", "T11", "pengambilan_izin", "step",
     "2025-03-13 02:10", "2025-03-13 02:00", "Front Office", "André Sinaga", "Selesai", 12),
    (I9, "Pendaftaran", "T01", "pendaftaran", "step",
     "2025-03-04 03:02", None, "Pemohon", None, "Selesai", 13),
    (I9, "Pemeriksaan Berkas", "T02", "pemeriksaan_berkas", "step",
     "2025-03-04 03:40", "2025-03-04 03:15", "Front Office", "André Sinaga", "Dikembalikan", 14),
    (I9, "Pemeriksaan Berkas", "T02", "pemeriksaan_berkas", "step",
     "2025-03-05 01:50", "2025-03-05 01:30", "Front Office", "André Sinaga", "Selesai", 15),
    (I9, "Rekomendasi Teknis Dishub", "T03", "rekomendasi_teknis", "open",
     None, "2025-03-05 02:00", "Tim Teknis", "Yusri Harahap", "Sedang Diproses", 16),
]  # fmt: skip
SIPRO_EXTRAS = {
    "Jenis Izin": ["Izin Insidentil"] * 15,
    "Catatan": [
        "Pemohon a.n. Ma’ruf Amin",
        "",
        "Rekomendasi Dishub No. 551/DISHUB/2025 – terlampir",
    ]
    + [""] * 9
    + ["Surat keterangan domisili belum ada", "", ""],
}


def test_sipro_semicolon_cp1252_report(tmp_path: Path) -> None:
    """Windows Excel's CSV: ';', cp1252, dd/mm/yyyy with HH:MM and HH.MM; Jabatan is the role."""
    text = (FIXTURES / "sipro_rohil.csv").read_text(encoding="utf-8")
    path = tmp_path / "riwayat_proses_maret.csv"
    path.write_bytes(text.encode("cp1252"))
    read = read_log(path, profile="sipro", sop="rohil_izin_insidentil")
    expected = expected_events(
        SIPRO_ROWS, sop="rohil_izin_insidentil", file=path.name, extras=SIPRO_EXTRAS
    )
    assert_frame_equal(read.events, expected)
    assert_frame_equal(read.rejects, empty_rejects())
    assert (read.encoding, read.separator) == ("cp1252", ";")
    assert_every_row_accounted(read, range(2, 17))


def test_sipro_report_saved_as_utf8_reads_the_same(tmp_path: Path) -> None:
    path = copy_fixture("sipro_rohil.csv", tmp_path)
    read = read_log(path, profile="sipro", sop="rohil_izin_insidentil")
    expected = expected_events(
        SIPRO_ROWS, sop="rohil_izin_insidentil", file=path.name, extras=SIPRO_EXTRAS
    )
    assert_frame_equal(read.events, expected)
    assert read.encoding == "utf-8"


# --- SILASTRI RV -------------------------------------------------------------------------------

SILASTRI_HEADER = [
    "Nomor Berkas",
    "Layanan",
    "Tahapan",
    "Nama Petugas",
    "NIP",
    "Jabatan",
    "Diterima",
    "Diselesaikan",
    "Keterangan",
]
ORSOS = "Izin Operasional Organisasi Sosial"


def write_silastri_workbook(path: Path) -> None:
    """The Laporan Riwayat Berkas: two title lines, a blank line, the header at row 4."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Riwayat"
    sheet["A1"] = "LAPORAN RIWAYAT BERKAS - SILASTRI RV"
    sheet["A2"] = "Dicetak: 05/01/2026 10:00"
    records: dict[int, list[Any]] = {
        4: SILASTRI_HEADER,
        5: ["ORSOS/2025/014", ORSOS, "Pemeriksaan Berkas", "Siti Aminah", "198803152011012004",
            "Back Office", dt.datetime(2025, 3, 3, 8, 0), dt.datetime(2025, 3, 3, 9, 30),
            "Lengkap"],
        6: ["ORSOS/2025/014", ORSOS, "Rekomendasi Teknis", "Budi Santoso", "197905052008011007",
            "Tim Teknis OPD", "03/03/2025 10.00", "10/03/2025 15:45", None],
        7: ["ORSOS/2025/014", ORSOS, "Verifikasi Ahli Muda", "Rina Marlina", "198001012005012003",
            "Penata Perizinan Ahli Muda", dt.datetime(2025, 3, 11, 8, 0), 45727.4375, None],
        # row 8 left blank, as reports do between groups
        9: ["ORSOS/2025/020", ORSOS, "Pengajuan Permohonan", None, None, "Pemohon", None,
            "2025-03-05 09:00:00", "Daftar daring"],
    }  # fmt: skip
    for number, values in records.items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    book.create_sheet("Ringkasan")["A1"] = "Jumlah berkas: 2"
    book.save(path)


def test_silastri_workbook_rows_numbered_as_in_excel(tmp_path: Path) -> None:
    """Header at row 4: the first data row is 5; a blank row keeps the numbers after it."""
    path = tmp_path / "riwayat_berkas.xlsx"
    write_silastri_workbook(path)
    read = read_log(path, profile="silastri", sop="rohil_orsos")
    o14 = "ORSOS/2025/014"
    rows: list[Row] = [
        (o14, "Pemeriksaan Berkas", None, "pemeriksaan_kelengkapan", "step",
         "2025-03-03 02:30", "2025-03-03 01:00", "Back Office", "198803152011012004", None, 5),
        (o14, "Rekomendasi Teknis", None, "rekomendasi_teknis", "step",
         "2025-03-10 08:45", "2025-03-03 03:00", "Tim Teknis OPD", "197905052008011007", None, 6),
        (o14, "Verifikasi Ahli Muda", None, "verifikasi_ahli_muda", "step",
         "2025-03-11 03:30", "2025-03-11 01:00",
         "Penata Perizinan Ahli Muda", "198001012005012003", None, 7),
        ("ORSOS/2025/020", "Pengajuan Permohonan", None, "pengajuan_permohonan", "step",
         "2025-03-05 02:00", None, "Pemohon", None, None, 9),
    ]  # fmt: skip
    extras = {
        "Layanan": [ORSOS] * 4,
        "Nama Petugas": ["Siti Aminah", "Budi Santoso", "Rina Marlina", ""],
        "Keterangan": ["Lengkap", "", "", "Daftar daring"],
    }
    expected = expected_events(rows, sop="rohil_orsos", file=path.name, extras=extras)
    assert_frame_equal(read.events, expected)
    assert_frame_equal(read.rejects, empty_rejects())
    assert (read.format, read.encoding, read.separator) == ("xlsx", None, None)
    assert read.rows_read == 4
    assert_every_row_accounted(read, [5, 6, 7, 9])


def test_silastri_rejects_point_at_the_spreadsheet_row(tmp_path: Path) -> None:
    path = tmp_path / "riwayat_berkas.xlsx"
    write_silastri_workbook(path)
    book = openpyxl.load_workbook(path)
    book["Riwayat"]["H6"] = "10/03/2025 jam 3 sore"
    book.save(path)
    read = read_log(path, profile="silastri", sop="rohil_orsos")
    assert read.rejects[["source_row", "reason", "field", "value"]].to_dict("records") == [
        {
            "source_row": 6,
            "reason": "bad_timestamp",
            "field": "Diselesaikan",
            "value": "10/03/2025 jam 3 sore",
        }
    ]
    assert sorted(set(read.events["source_row"])) == [5, 7, 9]


def test_silastri_without_the_riwayat_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lain.xlsx"
    book = openpyxl.Workbook()
    book.save(path)
    with pytest.raises(LogReadError, match="Riwayat"):
        read_log(path, profile="silastri", sop="rohil_orsos")


# --- XES ---------------------------------------------------------------------------------------


def test_xes_lifecycle_start_and_complete(tmp_path: Path) -> None:
    path = copy_fixture("karimun_log.xes", tmp_path)
    read = read_log(path, profile="xes", sop="karimun_sicantik")
    kasi, kabid = "Kepala Seksi Perizinan", "Kepala Bidang Perizinan Terkait"
    rows: list[Row] = [
        (A, "Verifikasi Kasi", None, "verifikasi_kasi", "start",
         "2025-03-03 03:00", None, kasi, "yusuf.kasi", "start", 1),
        (A, "Verifikasi Kasi", None, "verifikasi_kasi", "step",
         "2025-03-03 03:20", None, kasi, "yusuf.kasi", "complete", 2),
        (A, "Validasi Kabid", None, "validasi_kabid", "step",
         "2025-03-04 02:30", None, kabid, "hendra.kabid", "complete", 3),
        (B, "TTE Kepala Dinas", None, "tte_kadis", "step",
         "2025-03-06 01:15", None, None, "kadis.karimun", "complete", 4),
    ]  # fmt: skip
    expected = expected_events(rows, sop="karimun_sicantik", file=path.name)
    assert_frame_equal(read.events, expected)
    assert_frame_equal(read.rejects, empty_rejects())
    assert read.format == "xes"
    assert_every_row_accounted(read, [1, 2, 3, 4])  # XES has no header: events count from 1


def test_xes_without_lifecycle_resource_or_role_loads(tmp_path: Path) -> None:
    """Those attributes are optional in the profile: every event is then a completed step."""
    path = copy_fixture("karimun_minimal.xes", tmp_path)
    read = read_log(path, profile="xes", sop="karimun_sicantik")
    rows: list[Row] = [
        (A, "Verifikasi Kasi", None, "verifikasi_kasi", "step",
         "2025-03-03 03:20", None, None, None, None, 1),
        (A, "Validasi Kabid", None, "validasi_kabid", "step",
         "2025-03-04 02:30", None, None, None, None, 2),
    ]  # fmt: skip
    assert_frame_equal(read.events, expected_events(rows, sop="karimun_sicantik", file=path.name))
    assert_every_row_accounted(read, [1, 2])


def test_xes_that_is_not_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rusak.xes"
    path.write_text("no_permohonan,nama_proses\nP-1,Validasi Kabid\n", encoding="utf-8")
    with pytest.raises(LogReadError, match="not a readable XES file"):
        read_log(path, profile="xes", sop="karimun_sicantik")


# --- generic tables and user-written profiles --------------------------------------------------

REGISTER_COLUMNS = {
    "case_id": "No Permohonan",
    "activity": "Tahap",
    "timestamp": "Tanggal Selesai",
    "resource": "Petugas",
}
REGISTER_TABLE = {
    "No Permohonan": ["BLT/IMB/2025/031"] * 3 + ["BLT/IMB/2025/032"],
    "Tahap": ["Permohonan Masuk", "Verifikasi Loket Pendaftaran", "Validasi Kabid",
              "Permohonan Masuk"],
    "Tanggal Selesai": ["2025-03-03 08:10:00", "2025-03-03 09:00:00", "2025-03-05 14:30:00",
                        "2025-03-04 10:45:00"],
    "Petugas": ["Pemohon", "Fitri Mokodompit", "Rudy Paputungan", "Pemohon"],
    "Catatan": ["Datang langsung ke loket", "", "Disetujui", ""],
}  # fmt: skip


def register_events(file: str, first_row: int) -> pd.DataFrame:
    """Boltim's register: naive times are WITA (UTC+8)."""
    c31, c32 = "BLT/IMB/2025/031", "BLT/IMB/2025/032"
    rows: list[Row] = [
        (c31, "Permohonan Masuk", None, "pengambilan_formulir", "step",
         "2025-03-03 00:10", None, None, "Pemohon", None, first_row),
        (c31, "Verifikasi Loket Pendaftaran", None, "verifikasi_loket_pendaftaran", "step",
         "2025-03-03 01:00", None, None, "Fitri Mokodompit", None, first_row + 1),
        (c31, "Validasi Kabid", None, "validasi_kabid", "step",
         "2025-03-05 06:30", None, None, "Rudy Paputungan", None, first_row + 2),
        (c32, "Permohonan Masuk", None, "pengambilan_formulir", "step",
         "2025-03-04 02:45", None, None, "Pemohon", None, first_row + 3),
    ]  # fmt: skip
    extras = {"Catatan": REGISTER_TABLE["Catatan"]}
    return expected_events(rows, sop="boltim_izin_manual", file=file, extras=extras)


def write_register(folder: Path, kind: str) -> Path:
    frame = pd.DataFrame(REGISTER_TABLE)
    if kind == "csv":
        return copy_fixture("boltim_register.csv", folder)
    path = folder / f"register.{kind}"
    if kind == "tsv":
        frame.to_csv(path, sep="\t", index=False)
    elif kind == "xlsx":  # dates as real Excel date cells
        frame["Tanggal Selesai"] = pd.to_datetime(frame["Tanggal Selesai"])
        frame.to_excel(path, index=False, engine="openpyxl")
    else:  # parquet: typed, naive timestamps
        frame["Tanggal Selesai"] = pd.to_datetime(frame["Tanggal Selesai"])
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize(
    ("kind", "first_row"), [("csv", 2), ("tsv", 2), ("xlsx", 2), ("parquet", 1)]
)
def test_generic_profile_with_columns_mapped(tmp_path: Path, kind: str, first_row: int) -> None:
    """The same table in four formats gives the same events (Parquet has no header row)."""
    path = write_register(tmp_path, kind)
    read = read_log(path, profile="generic", sop="boltim_izin_manual", columns=REGISTER_COLUMNS)
    assert_frame_equal(read.events, register_events(path.name, first_row))
    assert_frame_equal(read.rejects, empty_rejects())
    assert read.format == {"tsv": "csv"}.get(kind, kind)
    assert_every_row_accounted(read, range(first_row, first_row + 4))


def test_generic_profile_without_mapping_names_the_flag_to_use(tmp_path: Path) -> None:
    path = copy_fixture("boltim_register.csv", tmp_path)
    with pytest.raises(LogReadError, match=r"--map case_id='<your column>'"):
        read_log(path, profile="generic", sop="boltim_izin_manual")


USER_PROFILE = """\
# Buku agenda berkas of DPMPTSP Boltim: one row per permohonan, one date column per milestone.
name: boltim_agenda
title: Buku Agenda Berkas (satu baris per permohonan)
columns:
  case_id: No Agenda
  activity: Keterangan Masuk
  timestamp: Tgl Masuk
date_formats: ["%d/%m/%Y %H:%M"]
events:
  - label: Verifikasi Back Office
    timestamp: Tgl Verifikasi BO
  - label: Paraf Kabid
    timestamp: Tgl Paraf Kabid
  - label: TTD Kadis
    timestamp: Tgl TTD Kadis
"""


def test_user_written_profile_turns_a_wide_row_into_events(tmp_path: Path) -> None:
    """A format nobody foresaw, loaded by writing a mapping file alone (no Python)."""
    profile = tmp_path / "boltim_agenda.yaml"
    profile.write_text(USER_PROFILE, encoding="utf-8")
    path = copy_fixture("boltim_agenda_wide.csv", tmp_path)
    read = read_log(path, profile=profile, sop="boltim_izin_manual")
    a14, a15 = "AG-2025-014", "AG-2025-015"
    rows: list[Row] = [
        (a14, "Berkas Lengkap", None, "verifikasi_loket_pendaftaran", "step",
         "2025-03-03 00:30", None, None, None, None, 2),
        (a14, "Verifikasi Back Office", None, "verifikasi_back_office", "step",
         "2025-03-03 03:00", None, None, None, None, 2),
        (a14, "Paraf Kabid", None, "validasi_kabid", "step",
         "2025-03-04 01:15", None, None, None, None, 2),
        (a14, "TTD Kadis", None, "penandatanganan_kadis", "step",
         "2025-03-05 06:00", None, None, None, None, 2),
        (a15, "Berkas Lengkap", None, "verifikasi_loket_pendaftaran", "step",
         "2025-03-04 01:00", None, None, None, None, 3),
        (a15, "Verifikasi Back Office", None, "verifikasi_back_office", "step",
         "2025-03-05 02:30", None, None, None, None, 3),
    ]  # fmt: skip
    extras = {"Nama Pemohon": ["CV Maju Bersama"] * 4 + ["Toko Sinar Kotabunan"] * 2}
    expected = expected_events(rows, sop="boltim_izin_manual", file=path.name, extras=extras)
    assert_frame_equal(read.events, expected)
    assert_frame_equal(read.rejects, empty_rejects())
    assert (read.rows_read, read.rows_loaded) == (2, 2)
    assert read.profile.name == "boltim_agenda"
    assert_every_row_accounted(read, [2, 3])


def test_user_profile_event_rule_with_unreadable_date_rejects_the_row(tmp_path: Path) -> None:
    profile = tmp_path / "boltim_agenda.yaml"
    profile.write_text(USER_PROFILE, encoding="utf-8")
    path = tmp_path / "agenda.csv"
    text = (FIXTURES / "boltim_agenda_wide.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("04/03/2025 09:15", "4 Maret"), encoding="utf-8")
    read = read_log(path, profile=profile, sop="boltim_izin_manual")
    assert read.rejects[["source_row", "reason", "field", "value"]].to_dict("records") == [
        {"source_row": 2, "reason": "bad_timestamp", "field": "Tgl Paraf Kabid", "value": "4 Maret"}
    ]
    assert read.events["source_row"].tolist() == [3, 3]
    assert_every_row_accounted(read, [2, 3])


def test_silastri_row_without_completion_is_open_work(tmp_path: Path) -> None:
    path = tmp_path / "riwayat_berkas.xlsx"
    write_silastri_workbook(path)
    book = openpyxl.load_workbook(path)
    book["Riwayat"]["H7"] = None  # Verifikasi Ahli Muda received, not yet done
    book.save(path)
    read = read_log(path, profile="silastri", sop="rohil_orsos")
    open_work = read.events[read.events["kind"] == "open"]
    assert open_work[["source_row", "step_id"]].values.tolist() == [[7, "verifikasi_ahli_muda"]]
    assert open_work["timestamp"].isna().all()
    assert open_work["start_timestamp"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-03-11 01:00"
    ]
    assert read.rejects.empty


def test_a_workbook_is_read_as_a_workbook_whatever_the_profile_says(tmp_path: Path) -> None:
    """The sicantik profile says CSV; an export saved from Excel keeps its columns."""
    path = tmp_path / "sicantik.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["no_permohonan", "nama_proses", "status", "start_date", "end_date", "diproses_oleh"]
    )
    sheet.append(
        ["P-1", "Validasi Kabid", "Selesai", None, dt.datetime(2025, 3, 3, 9, 30), "kabid"]
    )
    book.save(path)
    read = read_log(path, profile="sicantik", sop="karimun_sicantik")
    assert read.format == "xlsx"
    assert read.events[["case_id", "step_id"]].values.tolist() == [["P-1", "validasi_kabid"]]
    assert read.events["timestamp"].dt.strftime("%H:%M").tolist() == ["02:30"]
