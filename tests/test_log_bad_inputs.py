"""Exports as offices really send them: empty, truncated, mis-encoded, mistyped, repeated.

Each test writes a small export under ``tmp_path`` and states the exact outcome: the error and
what its message names, or the rejects table (reason, field, value, key words of the message)
and the events that are still loaded. A row is never dropped silently: every data row ends up
loaded, rejected or counted as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from log_helpers import assert_every_row_accounted
from pandas.testing import assert_frame_equal

from sopmine.errors import LogReadError, ProfileError
from sopmine.log import (
    EVENT_COLUMNS,
    LogRead,
    empty_events,
    empty_rejects,
    parse_profile,
    read_log,
)

HEADER = "no_permohonan,jenis_proses_id,nama_proses,status,start_date,end_date,diproses_oleh\n"
WITH_NOTE = HEADER.replace("\n", ",catatan\n")
MEGABYTE = 1 << 20


def write(folder: Path, text: str | bytes, name: str = "export.csv") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def read_sicantik(folder: Path, text: str | bytes, name: str = "export.csv") -> LogRead:
    return read_log(write(folder, text, name), profile="sicantik", sop="karimun_sicantik")


def rejects_of(read: LogRead) -> list[tuple[int, str, str | None, str | None]]:
    """The rejects as (row, reason, field, value), NA as None."""
    frame = read.rejects[["source_row", "reason", "field", "value"]].astype(object)
    return [
        (int(r), str(reason), None if pd.isna(f) else f, None if pd.isna(v) else v)
        for r, reason, f, v in frame.itertuples(index=False)
    ]


def utc(*stamps: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(s, tz="UTC") for s in stamps]


# --- the file as a whole -----------------------------------------------------------------------


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LogReadError, match=r"export\.csv: the file is empty \(0 bytes\)"):
        read_sicantik(tmp_path, b"")


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LogReadError, match="no such file"):
        read_log(tmp_path / "tidak_ada.csv", profile="sicantik", sop="karimun_sicantik")


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""], ids=["lf", "crlf", "no-final-newline"])
def test_header_only_gives_empty_tables(tmp_path: Path, ending: str) -> None:
    read = read_sicantik(tmp_path, HEADER.rstrip("\n") + ending)
    assert read.rows_read == 0
    assert_frame_equal(read.events, empty_events())
    assert_frame_equal(read.rejects, empty_rejects())
    assert read.summary()["value"].tolist() == [0, 0, 0, 0, 0, 0]


def test_missing_columns_are_named_with_the_profile_and_the_files_columns(tmp_path: Path) -> None:
    export = "no_permohonan,nama_proses,tanggal_selesai,petugas\nSC-1,Validasi Kabid,x,y\n"
    with pytest.raises(LogReadError) as caught:
        read_sicantik(tmp_path, export)
    message = str(caught.value)
    for missing in ("'status'", "'start_date'", "'end_date'", "'diproses_oleh'"):
        assert missing in message
    assert "'sicantik' profile" in message
    assert (
        "The file's columns are: 'no_permohonan', 'nama_proses', 'tanggal_selesai', 'petugas'"
        in message
    )
    assert "'jenis_proses_id'" not in message  # optional in the profile


def test_old_excel_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "rekap.xls")
    with pytest.raises(LogReadError, match=r"\.xls\) are not read; .*save it as \.xlsx or \.csv"):
        read_log(path, profile="generic", sop="boltim_izin_manual")


def test_damaged_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LogReadError, match=r"not a readable \.xlsx workbook"):
        read_log(
            write(tmp_path, b"PK\x03\x04 rusak", "rekap.xlsx"),
            profile="generic",
            sop="boltim_izin_manual",
        )


# --- dates -------------------------------------------------------------------------------------

SIPRO_HEADER = (
    "No Registrasi;Kode Tahap;Nama Tahap;Petugas;Jabatan;Waktu Mulai;Waktu Selesai;Status\n"
)


def test_mixed_date_formats_in_one_column(tmp_path: Path) -> None:
    """ISO, dd/mm/yyyy HH:MM, dd/mm/yyyy HH.MM and an Excel serial number, all WIB."""
    export = SIPRO_HEADER + (
        "INS/2025/0007;T01;Pendaftaran;;Pemohon;;2025-03-03 08:12:00;Selesai\n"
        "INS/2025/0007;T02;Pemeriksaan Berkas;André;Front Office;;03/03/2025 09:05;Selesai\n"
        "INS/2025/0007;T03;Rekomendasi Teknis;Yusri;Tim Teknis;;10/03/2025 15.00;Selesai\n"
        "INS/2025/0007;T04;Entri Data;Nur;Back Office;;45727.5;Selesai\n"
        "INS/2025/0007;T06;Verifikasi Koordinator;Hasnah;Koordinator;;2025-03-11T13:10;Selesai\n"
    )
    read = read_log(write(tmp_path, export), profile="sipro", sop="rohil_izin_insidentil")
    assert read.events["timestamp"].tolist() == utc(
        "2025-03-03 01:12", "2025-03-03 02:05", "2025-03-10 08:00", "2025-03-11 05:00",
        "2025-03-11 06:10",
    )  # fmt: skip
    assert read.rejects.empty


def test_unreadable_date_is_rejected_as_bad_timestamp(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,hendra\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,,Selasa 4 Maret,kadis\n"
        "SC-1,110,Cetak Izin,Selesai,kemarin sore,2025-03-04 11:05:00,sari\n"
    )
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [
        (3, "bad_timestamp", "end_date", "Selasa 4 Maret"),
        (4, "bad_start_timestamp", "start_date", "kemarin sore"),
    ]
    first = read.rejects["message"].iloc[0]
    assert "'Selasa 4 Maret' is not a date" in first
    assert "date_formats" in first
    assert "dd/mm/yyyy HH:MM" in first  # the accepted formats, as a user reads them
    assert "empty" not in first  # the cell is not empty: its text is unreadable
    assert read.events["source_row"].tolist() == [2]


def test_two_digit_year_is_not_read_as_year_25(tmp_path: Path) -> None:
    read = read_sicantik(tmp_path, HEADER + "SC-1,108,Validasi Kabid,Selesai,,04/03/25 09:30,h\n")
    assert rejects_of(read) == [(2, "bad_timestamp", "end_date", "04/03/25 09:30")]


def test_naive_times_of_a_wita_office_are_utc_plus_8(tmp_path: Path) -> None:
    export = "case_id,activity,timestamp\nBLT/IMB/2025/031,Validasi Kabid,2025-03-03 09:30:00\n"
    read = read_log(write(tmp_path, export), profile="generic", sop="boltim_izin_manual")
    assert read.events["timestamp"].tolist() == utc("2025-03-03 01:30")


def test_explicit_offset_is_kept(tmp_path: Path) -> None:
    """A WITA stamp in a WIB office's export stays WITA; Z stays UTC."""
    export = HEADER + (
        "SC-1,108,Validasi Kabid,Selesai,,2025-03-03T09:30:00+08:00,h\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,,2025-03-03T09:30:00Z,k\n"
        "SC-1,110,Cetak Izin,Selesai,,2025-03-03 09:30:00,s\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.events["timestamp"].tolist() == utc(
        "2025-03-03 01:30", "2025-03-03 09:30", "2025-03-03 02:30"
    )


def test_xlsx_time_of_day_cell_in_an_extra_column(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["case_id", "activity", "timestamp", "Jam Datang"])
    sheet.append(["BLT/1", "Validasi Kabid", dt.datetime(2025, 3, 3, 9, 30), dt.time(8, 15)])
    book.save(path)
    read = read_log(path, profile="generic", sop="boltim_izin_manual")
    assert read.events["Jam Datang"].tolist() == ["08:15:00"]
    assert read.events["timestamp"].tolist() == utc("2025-03-03 01:30")


# --- text --------------------------------------------------------------------------------------


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    export = WITH_NOTE + (
        "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,René Pangaribuan,"
        "Sudah dicek – berkas Ma’ruf lengkap\n"
    )
    read = read_sicantik(tmp_path, export.encode("cp1252"))
    assert read.encoding == "cp1252"
    assert read.events["resource"].tolist() == ["René Pangaribuan"]
    assert read.events["catatan"].tolist() == ["Sudah dicek – berkas Ma’ruf lengkap"]


def test_utf8_with_bom(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8": the BOM belongs to the file, not to the first column's name."""
    export = "catatan," + HEADER + "Ma’ruf,SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h\n"
    read = read_sicantik(tmp_path, b"\xef\xbb\xbf" + export.encode("utf-8"))
    assert read.encoding == "utf-8"
    assert list(read.events.columns) == [*EVENT_COLUMNS, "catatan"]
    assert read.events["catatan"].tolist() == ["Ma’ruf"]


def test_megabyte_cell_in_an_extra_column_is_kept_whole(tmp_path: Path) -> None:
    note = "Lampiran: " + "x" * MEGABYTE
    export = WITH_NOTE + (
        f"SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h,{note}\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,k,\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.events["catatan"].tolist() == [note, ""]
    assert read.rejects.empty


def test_megabyte_case_id_is_rejected_as_value_too_long(tmp_path: Path) -> None:
    export = HEADER + (
        f"{'P' * MEGABYTE},108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,k\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.rejects[["source_row", "reason"]].values.tolist() == [[2, "value_too_long"]]
    assert read.rejects["field"].tolist() == ["no_permohonan"]
    assert (
        read.rejects["message"].iloc[0].startswith("no_permohonan is longer than 4096 characters")
    )
    assert read.events["case_id"].tolist() == ["SC-1"]


FORMULA = '=HYPERLINK("http://x","P-1")'
QUOTED_FORMULA = '"=HYPERLINK(""http://x"",""P-1"")"'


def test_formula_as_case_id_is_rejected_with_the_raw_row(tmp_path: Path) -> None:
    export = HEADER + f"{QUOTED_FORMULA},108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,hendra\n"
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [(2, "formula_value", "no_permohonan", FORMULA)]
    assert "Paste Special > Values" in read.rejects["message"].iloc[0]
    assert json.loads(read.rejects["raw"].iloc[0]) == {
        "no_permohonan": FORMULA,
        "jenis_proses_id": "108",
        "nama_proses": "Validasi Kabid",
        "status": "Selesai",
        "start_date": "",
        "end_date": "2025-03-04 09:30:00",
        "diproses_oleh": "hendra",
    }
    assert read.events.empty


def test_formula_in_an_extra_column_is_data(tmp_path: Path) -> None:
    export = (
        WITH_NOTE + f"SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h,{QUOTED_FORMULA}\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.rejects.empty
    assert read.events["catatan"].tolist() == [FORMULA]


# --- one bad row among good ones ---------------------------------------------------------------


def test_end_before_start(tmp_path: Path) -> None:
    export = HEADER + "SC-1,108,Validasi Kabid,Selesai,2025-03-04 09:30:00,2025-03-04 08:30:00,h\n"
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [(2, "end_before_start", "end_date", "2025-03-04 08:30:00")]
    assert read.rejects["message"].iloc[0] == (
        "end_date '2025-03-04 08:30:00' is earlier than start_date '2025-03-04 09:30:00'; "
        "check both cells (columns swapped? day and month exchanged?)"
    )


def test_completed_step_without_end_date(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,108,Validasi Kabid,Selesai,2025-03-04 08:30:00,0001-01-01 00:00:00,h\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,2025-03-04 10:00:00,,k\n"
    )
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [
        (2, "missing_timestamp", "end_date", "0001-01-01 00:00:00"),
        (3, "missing_timestamp", "end_date", ""),
    ]
    assert read.rejects["message"].iloc[0] == (
        "end_date is empty, but the row is a completed step (status 'Selesai'); "
        "fill in the completion time, or correct the status"
    )


def test_unknown_status_is_named(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,108,Validasi Kabid,Ditangguhkan,,2025-03-04 09:30:00,h\n"
        "SC-1,109,TTE Kepala Dinas,,,2025-03-04 10:15:00,k\n"
    )
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [
        (2, "unknown_status", "status", "Ditangguhkan"),
        (3, "unknown_status", "status", ""),
    ]
    messages = read.rejects["message"].tolist()
    assert messages[0].startswith(
        "status 'Ditangguhkan' is not a status the 'sicantik' profile knows "
        "(Selesai, Menunggu, Proses)"
    )
    assert messages[1].startswith(
        "status is empty, not a status the 'sicantik' profile knows (Selesai, Menunggu, Proses)"
    )


def test_empty_case_id(tmp_path: Path) -> None:
    export = HEADER + (
        ",108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h\n"
        "   ,109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,k\n"
    )
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [
        (2, "missing_case_id", "no_permohonan", ""),
        (3, "missing_case_id", "no_permohonan", "   "),
    ]
    assert read.rejects["message"].iloc[0] == (
        "no_permohonan is empty; every row needs the application number"
    )


KABID_LINE = "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,Hendra, S.H."  # 8 fields
BO_LINE = "SC-2,106,Verifikasi Berkas,Selesai,,2025-03-05,10:30:00,dedi"  # date and time split


def test_line_with_too_many_fields_keeps_every_row_number(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,107,Verifikasi Kasi,Selesai,,2025-03-03 10:20:00,yusuf\n"
        f"{KABID_LINE}\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,kadis\n"
        'SC-2,105,"Pemeriksaan\nBerkas",Selesai,,2025-03-05 09:45:00,rina\n'
        f"{BO_LINE}\n"
        "SC-2,107,Verifikasi Kasi,Selesai,,2025-03-05 11:00:00,yusuf\n"
    )
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [
        (3, "malformed_row", None, KABID_LINE),
        (6, "malformed_row", None, BO_LINE),
    ]
    assert (
        read.rejects["message"]
        .iloc[0]
        .startswith(
            "the row has 8 fields but the header has 7; a separator inside an unquoted cell?"
        )
    )
    assert json.loads(read.rejects["raw"].iloc[1]) == {"line": BO_LINE}
    assert read.events["source_row"].tolist() == [2, 4, 5, 7]
    assert_every_row_accounted(read, range(2, 8))


def test_blank_lines_are_skipped_but_counted_in_row_numbers(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h\n"
        "\n"
        "SC-1,109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,k\n"
        "SC-1,110,Cetak Izin,Selesai,,2025-03-04 11:05:00,s,x\n"
        "\n"
        "SC-1,111,Pengisian SKM,Selesai,,2025-03-04 13:30:00,w\n"
        "\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.events["source_row"].tolist() == [2, 4, 7]
    assert rejects_of(read)[0][:2] == (5, "malformed_row")
    assert read.rows_read == 4
    assert_every_row_accounted(read, [2, 4, 5, 7])


def test_exact_duplicate_rows_are_counted_not_loaded(tmp_path: Path) -> None:
    kabid = "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,hendra\n"
    export = HEADER + (
        kabid
        + "SC-1,109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,kadis\n"
        + kabid
        + kabid
        + "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,hendra.kabid\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.duplicate_rows.tolist() == [4, 5]
    assert read.rows_duplicate == 2
    assert read.events["source_row"].tolist() == [2, 3, 6]
    assert read.events["resource"].tolist() == ["hendra", "kadis", "hendra.kabid"]
    assert_every_row_accounted(read, range(2, 7))


def test_unknown_labels_are_kept_unmapped_with_suggestions(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,,Validasi Kabit,Selesai,,2025-03-04 09:30:00,h\n"
        "SC-2,,Validasi Kabit,Selesai,,2025-03-05 09:30:00,h\n"
        "SC-1,,Rapat Koordinasi Mingguan,Selesai,,2025-03-04 10:00:00,h\n"
        "SC-1,,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,k\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.events[["activity", "step_id"]].astype(object).fillna("<NA>").values.tolist() == [
        ["Validasi Kabit", "<NA>"],
        ["Validasi Kabit", "<NA>"],
        ["Rapat Koordinasi Mingguan", "<NA>"],
        ["TTE Kepala Dinas", "tte_kadis"],
    ]
    assert read.unmapped["label"].tolist() == ["Validasi Kabit", "Rapat Koordinasi Mingguan"]
    assert read.unmapped["count"].tolist() == [2, 1]
    assert read.unmapped["suggestions"].iloc[0].split(", ")[0] == "Validasi Kabid"
    assert read.rejects.empty


def test_row_with_two_problems_is_one_reject(tmp_path: Path) -> None:
    export = HEADER + ",108,Validasi Kabid,Selesai,,kemarin,h\n"
    read = read_sicantik(tmp_path, export)
    assert rejects_of(read) == [(2, "missing_case_id", "no_permohonan", "")]
    message = read.rejects["message"].iloc[0]
    assert message == (
        "no_permohonan is empty; every row needs the application number; "
        "end_date 'kemarin' is not a date sopmine can read (accepted: yyyy-mm-dd HH:MM:SS, "
        "ISO 8601, dd/mm/yyyy HH:MM:SS, dd/mm/yyyy HH:MM, Excel serial number); correct the "
        "cell, or add its format to date_formats in a copy of the profile"
    )


def test_summary_counts_every_row(tmp_path: Path) -> None:
    export = HEADER + (
        "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h\n"
        "SC-1,108,Validasi Kabid,Selesai,,2025-03-04 09:30:00,h\n"
        ",109,TTE Kepala Dinas,Selesai,,2025-03-04 10:15:00,k\n"
        "SC-1,110,Cetak Izin,Beres,,2025-03-04 11:05:00,s\n"
        "SC-1,,Arsip Berkas,Selesai,,2025-03-04 11:30:00,s\n"
        "SC-1,111,Pengisian SKM,Menunggu,,,\n"
    )
    read = read_sicantik(tmp_path, export)
    assert read.summary().to_dict("list") == {
        "measure": [
            "rows read",
            "rows loaded",
            "rows rejected",
            "  missing_case_id",
            "  unknown_status",
            "duplicate rows",
            "events",
            "events with unmapped labels",
        ],
        "value": [6, 3, 2, 1, 1, 1, 3, 1],
    }
    assert_every_row_accounted(read, range(2, 8))


# --- separators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "separator", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_separator_is_detected(tmp_path: Path, separator: str) -> None:
    lines = [
        ["no_permohonan", "jenis_proses_id", "nama_proses", "status", "start_date", "end_date",
         "diproses_oleh", "catatan"],
        ["SC-1", "108", "Validasi Kabid", "Selesai", "", "2025-03-04 09:30:00", "hendra",
         "Paraf, lalu teruskan"],
    ]  # fmt: skip
    quoted = [[f'"{c}"' if "," in c and separator == "," else c for c in row] for row in lines]
    read = read_sicantik(tmp_path, "".join(separator.join(row) + "\n" for row in quoted))
    assert read.separator == separator
    assert read.events[["case_id", "step_id", "catatan"]].values.tolist() == [
        ["SC-1", "validasi_kabid", "Paraf, lalu teruskan"]
    ]


# -- exports as offices really make them (found in review) --------------------------------


def read_generic(path: Path) -> LogRead:
    return read_log(path, profile="generic", sop="karimun_sicantik")


def test_a_header_cell_with_a_line_break_is_one_column(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.csv"
    path.write_text(
        'case_id,activity,timestamp,"catatan\npetugas"\n'
        "C1,Pendaftaran,2025-03-03 08:00:00,x\nC2,Pendaftaran,2025-03-03 09:00:00,y\n",
        encoding="utf-8",
    )
    read = read_generic(path)
    assert (read.rows_read, read.rows_loaded, read.rows_rejected) == (2, 2, 0)
    assert read.events["source_row"].tolist() == [3, 4]  # the header takes lines 1-2
    assert read.events["catatan petugas"].tolist() == ["x", "y"]


def test_cp1252_with_a_malformed_accented_row(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes(
        "case_id;activity;timestamp\nC1;Pendaftaran;2025-03-03 08:00:00\n"
        "C2;café;2025-03-03 08:00:00;extra\nC3;Pendaftaran;2025-03-03 09:00:00\n".encode("cp1252")
    )
    read = read_generic(path)
    assert read.encoding == "cp1252"
    assert read.events["source_row"].tolist() == [2, 4]
    assert read.rejects[["source_row", "reason", "value"]].values.tolist() == [
        [3, "malformed_row", "C2;café;2025-03-03 08:00:00;extra"]
    ]


def test_column_names_that_collide_after_renaming(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text(
        "case_id,activity,timestamp,a,a,a.1\nC1,Pendaftaran,2025-03-03 08:00:00,1,2,3\n"
    )
    read = read_generic(path)
    extras = read.events.iloc[0, len(EVENT_COLUMNS) :].to_dict()
    assert extras == {"a": "1", "a.2": "2", "a.1": "3"}


def test_utf16_unicode_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(
        "case_id\tactivity\ttimestamp\nC1\tPendaftaran\t2025-03-03 08:00:00\n".encode("utf-16")
    )
    read = read_generic(path)
    assert (read.encoding, read.separator) == ("utf-16", "\t")
    assert read.events[["case_id", "step_id"]].values.tolist() == [["C1", "pengisian_formulir"]]


def test_a_repeated_header_row_is_one_clear_reject(tmp_path: Path) -> None:
    path = tmp_path / "joined.csv"
    header = "case_id,activity,timestamp"
    path.write_text(
        f"{header}\nC1,Pendaftaran,2025-03-03 08:00:00\n"
        f"{header}\nC2,Pendaftaran,2025-03-04 08:00:00\n"
    )
    read = read_generic(path)
    assert read.rejects[["source_row", "reason"]].values.tolist() == [[3, "repeated_header"]]
    assert read.rejects["message"].iloc[0].startswith("the row repeats the column names")
    assert read.events["source_row"].tolist() == [2, 4]


def test_a_folder_is_not_an_export(tmp_path: Path) -> None:
    with pytest.raises(LogReadError, match="is a folder; give the export files in it"):
        read_generic(tmp_path)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("timezone: WITA", "unknown time zone 'WITA'; use an IANA name"),
        ("read:\n  encoding: utf16x", "unknown encoding 'utf16x'"),
        ('date_formats: ["%d/%m/%Y %Q"]', "date format '%d/%m/%Y %Q' is not valid"),
        ('date_formats: ["dd/mm/yyyy"]', "date format 'dd/mm/yyyy' has no % codes"),
    ],
)
def test_profile_settings_are_checked_when_loaded(line: str, expected: str) -> None:
    text = "name: mine\ntitle: t\ncolumns:\n  case_id: a\n  activity: b\n  timestamp: c\n"
    with pytest.raises(ProfileError, match=re.escape(expected)):
        parse_profile(text + line + "\n", file="mine.yaml")
