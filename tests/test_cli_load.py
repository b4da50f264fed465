"""`sopmine load`, `rejects`, `sources` and `profile`, run as real subprocesses on real stores."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

HEADER = "no_permohonan,jenis_izin,nama_proses,status,start_date,end_date,diproses_oleh,catatan"
ROWS = [
    "P-1,Izin Reklame,Validasi Kabid,Selesai,2025-03-03 08:00:00,2025-03-03 09:30:00,kabid,",
    "P-1,Izin Reklame,TTE Kepala Dinas,Proses,2025-03-03 10:00:00,0001-01-01 00:00:00,kadis,",
    "P-2,Izin Reklame,Validasi Kabit,Selesai,2025-03-04 08:00:00,2025-03-04 08:45:00,kabid,",
    "P-3,Izin Reklame,Validasi Kabid,Selesai,2025-03-05 10:00:00,2025-03-05 09:00:00,kabid,",
    "P-2,Izin Reklame,Validasi Kabit,Selesai,2025-03-04 08:00:00,2025-03-04 08:45:00,kabid,",
]


def sopmine(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sopmine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
        check=False,
    )


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def counts(db: Path) -> tuple[int, int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM events),"
            " (SELECT count(*) FROM rejects)"
        ).fetchall()[0]
    return int(row[0]), int(row[1]), int(row[2])


def summary(stdout: str) -> dict[str, str]:
    """The rows of the printed summary table: measure -> number."""
    found = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip("│┃| ").split("│")]
        if len(cells) == 2 and cells[1]:
            found[cells[0]] = cells[1]
    return found


def test_load_prints_the_row_accounting_and_fills_the_store(tmp_path: Path) -> None:
    export = write(tmp_path / "sicantik.csv", *ROWS)
    done = sopmine(
        "load", str(export), "--sop", "karimun_sicantik", "--profile", "sicantik", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    table = summary(done.stdout)
    assert table["rows read"] == "5"
    assert table["rows loaded"] == "3"
    assert table["rows rejected"] == "1"
    assert table["end_before_start"] == "1"
    assert table["duplicate rows"] == "1"
    assert table["repeated in the file"] == "1"
    assert table["events added"] == "3"
    assert "Validasi Kabit" in done.stdout  # unmapped, with its suggestion
    assert "Validasi Kabid" in done.stdout
    assert "sopmine rejects" in done.stdout
    assert counts(tmp_path / "sopmine.duckdb") == (1, 3, 1)


def test_loading_the_same_file_again_adds_nothing(tmp_path: Path) -> None:
    export = write(tmp_path / "sicantik.csv", *ROWS)
    args = ("load", str(export), "--sop", "karimun_sicantik", "--profile", "sicantik")
    assert sopmine(*args, cwd=tmp_path).returncode == 0
    again = sopmine(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout
    assert summary(again.stdout)["events added"] == "0"
    assert counts(tmp_path / "sopmine.duckdb") == (1, 3, 1)


def test_an_overlapping_export_adds_only_new_events(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = write(tmp_path / "week1.csv", ROWS[0], ROWS[1])
    later = (
        ROWS[1].replace("Proses", "Selesai").replace("0001-01-01 00:00:00", "2025-03-03 11:00:00")
    )
    second = write(tmp_path / "week2.csv", ROWS[0], later, ROWS[2])
    base = ("--sop", "karimun_sicantik", "--profile", "sicantik", "--db", str(db))
    assert sopmine("load", str(first), *base, cwd=tmp_path).returncode == 0
    done = sopmine("load", str(second), *base, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = summary(done.stdout)
    assert (table["rows read"], table["rows loaded"], table["already in the store"]) == (
        "3",
        "2",
        "1",
    )
    assert table["open work replaced"] == "1"
    with duckdb.connect(str(db), read_only=True) as con:
        kinds = con.execute(
            "SELECT case_id, step_id, kind FROM events ORDER BY case_id, timestamp"
        ).fetchall()
    assert kinds == [
        ("P-1", "validasi_kabid", "step"),
        ("P-1", "tte_kadis", "step"),
        ("P-2", None, "step"),
    ]


def test_a_missing_column_names_it_and_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "partial.csv"
    export.write_text("no_permohonan,nama_proses,status\nP-1,Validasi Kabid,Selesai\n")
    done = sopmine(
        "load", str(export), "--sop", "karimun_sicantik", "--profile", "sicantik", cwd=tmp_path
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: partial.csv: the 'sicantik' profile expects")
    assert "'end_date'" in done.stderr
    assert "'no_permohonan'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "sopmine.duckdb").exists()


def test_rejects_lists_file_row_and_fix_and_exports_safe_csv(tmp_path: Path) -> None:
    formula = '"=HYPERLINK(""http://x"",""P-9"")"'
    row = f"{formula},Izin Reklame,Validasi Kabid,Selesai,,2025-03-03 09:30:00,kabid,"
    export = write(tmp_path / "dirty.csv", ROWS[0], row)
    assert (
        sopmine(
            "load", str(export), "--sop", "karimun_sicantik", "--profile", "sicantik", cwd=tmp_path
        ).returncode
        == 0
    )
    listed = sopmine("rejects", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "dirty.csv:3" in listed.stdout
    assert "formula_value" in listed.stdout
    saved = sopmine("rejects", "--csv", str(tmp_path / "out.csv"), cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as handle:
        [record] = list(csv.DictReader(handle))
    assert record["reason"] == "formula_value"
    assert record["value"] == '\'=HYPERLINK("http://x","P-9")'
    assert record["source_row"] == "3"


def test_rejects_refuses_an_unknown_reason(tmp_path: Path) -> None:
    done = sopmine("rejects", "--reason", "typo", cwd=tmp_path)
    assert done.returncode == 1
    assert "unknown reason 'typo'" in done.stderr


def test_reading_a_missing_store_says_how_to_create_it(tmp_path: Path) -> None:
    done = sopmine("sources", "--db", str(tmp_path / "none.duckdb"), cwd=tmp_path)
    assert done.returncode == 1
    assert "sopmine load" in done.stderr
    assert "Traceback" not in done.stderr


def test_generic_profile_with_map_options(tmp_path: Path) -> None:
    export = tmp_path / "rekap.csv"
    export.write_text(
        "No Berkas;Tahapan;Tgl Selesai\nORS-1;Pemeriksaan Berkas;03/03/2025 08.15\n",
        encoding="utf-8",
    )
    done = sopmine(
        "load", str(export), "--sop", "rohil_orsos", "--profile", "generic",
        "--map", "case_id=No Berkas", "--map", "activity=Tahapan", "--map", "timestamp=Tgl Selesai",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(tmp_path / "sopmine.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT case_id, step_id, timestamp::VARCHAR FROM events").fetchall()
    assert stored == [("ORS-1", "pemeriksaan_kelengkapan", "2025-03-03 01:15:00+00")]


def test_a_bad_map_option_is_explained(tmp_path: Path) -> None:
    export = write(tmp_path / "x.csv", ROWS[0])
    done = sopmine(
        "load", str(export), "--sop", "karimun_sicantik", "--profile", "generic", "--map", "oops",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert "write it as field=column" in done.stderr


def test_profile_list_and_show(tmp_path: Path) -> None:
    listed = sopmine("profile", "list", cwd=tmp_path)
    assert listed.returncode == 0
    for name in ("generic", "oss", "sicantik", "silastri", "sipro", "xes"):
        assert name in listed.stdout
    shown = sopmine("profile", "show", "sipro", cwd=tmp_path)
    assert shown.returncode == 0
    (tmp_path / "profiles").mkdir()
    copy = tmp_path / "profiles" / "mine.yaml"
    copy.write_text(shown.stdout.replace("name: sipro", "name: mine"), encoding="utf-8")
    again = sopmine("profile", "show", "mine", cwd=tmp_path)
    assert again.returncode == 0
    assert "name: mine" in again.stdout
    unknown = sopmine("profile", "show", "sicantk", cwd=tmp_path)
    assert unknown.returncode == 1
    assert "did you mean 'sicantik'?" in unknown.stderr
    assert "known profiles: generic, mine, oss, sicantik, silastri, sipro, xes" in unknown.stderr


LOADER = textwrap.dedent(
    """
    import sys, time
    from sopmine.pipeline import load_files

    def stage(line):
        print(line, flush=True)
        if line.endswith("committing"):
            time.sleep(120)

    load_files([sys.argv[1]], sop="karimun_sicantik", profile="sicantik", db=sys.argv[2],
               on_stage=stage)
    """
)


def _paused_loader(tmp_path: Path, export: Path, db: Path) -> subprocess.Popen[str]:
    script = tmp_path / "loader.py"
    script.write_text(LOADER, encoding="utf-8")
    loader = subprocess.Popen(
        [sys.executable, str(script), str(export), str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert loader.stdout is not None
    for line in loader.stdout:
        if line.strip().endswith("committing"):
            return loader
    loader.kill()
    raise AssertionError(f"the loader never reached the commit: {loader.stderr.read()}")


@pytest.mark.slow
def test_a_load_killed_mid_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    first = write(tmp_path / "week1.csv", ROWS[0])
    base = ("--sop", "karimun_sicantik", "--profile", "sicantik", "--db", str(db))
    assert sopmine("load", str(first), *base, cwd=tmp_path).returncode == 0
    before = counts(db)
    big = write(
        tmp_path / "big.csv",
        *(ROWS[0].replace("P-1", f"K-{i}") for i in range(20_000)),
    )
    loader = _paused_loader(tmp_path, big, db)
    try:
        busy = sopmine("sources", "--db", str(db), "--wait", "0.5", cwd=tmp_path)
    finally:
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=30)
    assert busy.returncode == 1
    assert "in use by another process" in busy.stderr
    assert "retry" in busy.stderr
    assert "Traceback" not in busy.stderr
    assert counts(db) == before
    done = sopmine("load", str(big), *base, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert counts(db) == (before[0] + 1, before[1] + 20_000, before[2])
