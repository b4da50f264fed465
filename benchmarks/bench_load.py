"""Loading a SiCantik export: sopmine (read + validate + store) against pandas + pm4py.

Generates a SiCantik step-row CSV (default 1,000,000 rows: ~83,000 permohonan of 12 steps,
2% open work with ``0001-01-01 00:00:00`` end dates), then, each in a fresh subprocess so
that peak memory is its own:

* peer:    ``pandas.read_csv`` + ``pm4py.format_dataframe`` (case, activity, timestamp);
* sopmine: ``read_log`` alone (profile ``sicantik``, SOP ``karimun_sicantik``: parse, map,
  validate with pandera, account for every row), and ``load_files`` (the same plus writing
  the DuckDB store in one transaction).

Import time is excluded for both. Prints seconds, rows/s, peak memory and the ratios.

    python benchmarks/bench_load.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _child import run

STEPS = [
    (101, "Akses Formulir"),
    (102, "Registrasi Akun"),
    (103, "Pendaftaran"),
    (104, "Unggah Persyaratan"),
    (105, "Verifikasi Berkas"),
    (106, "Verifikasi Back Office"),
    (107, "Verifikasi Kasi"),
    (108, "Validasi Kabid"),
    (109, "TTE Kepala Dinas"),
    (110, "Cetak Izin"),
    (111, "Pengisian SKM"),
    (112, "Penyerahan Izin"),
]

PEER = """
import json, resource, sys, time
import pandas as pd, pm4py
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
df = pm4py.format_dataframe(df, case_id="no_permohonan", activity_key="nama_proses",
                            timestamp_key="end_date")
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": len(df),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SOPMINE = """
import json, resource, sys, time
from sopmine.log import read_log
from sopmine.pipeline import load_files
import pandera.pandas, duckdb, pyarrow.csv  # imports outside the timing, as for the peer
t0 = time.perf_counter()
if sys.argv[2] == "read":
    read = read_log(sys.argv[1], profile="sicantik", sop="karimun_sicantik")
    rows, loaded = read.rows_read, read.rows_loaded
else:
    [done] = load_files([sys.argv[1]], profile="sicantik", sop="karimun_sicantik", db=sys.argv[3])
    rows, loaded = done.outcome.rows_read, done.outcome.rows_loaded
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "rows": rows, "loaded": loaded,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_export(path: Path, rows: int, seed: int = 11) -> None:
    """A SiCantik step-row export: whole cases of 12 steps, in local time (WIB)."""
    rng = np.random.default_rng(seed)
    cases = -(-rows // len(STEPS))
    step = np.tile(np.arange(len(STEPS)), cases)[:rows]
    case = np.repeat(np.arange(cases), len(STEPS))[:rows]
    submitted = pd.Timestamp("2025-01-02 08:00") + pd.to_timedelta(
        rng.integers(0, 300 * 86_400, cases), unit="s"
    )
    gaps = rng.integers(600, 2 * 86_400, rows)
    offsets = pd.Series(gaps).groupby(case).cumsum().to_numpy()
    end = submitted[case] + pd.to_timedelta(offsets, unit="s")
    start = end - pd.to_timedelta(rng.integers(60, 3_600, rows), unit="s")
    open_work = rng.random(rows) < 0.02
    end_text = np.where(open_work, "0001-01-01 00:00:00", end.strftime("%Y-%m-%d %H:%M:%S"))
    frame = pd.DataFrame(
        {
            "no_permohonan": [f"503/{c:06d}/DPMPTSP/2025" for c in case],
            "jenis_izin": "Izin Usaha Toko Modern",
            "jenis_proses_id": [STEPS[s][0] for s in step],
            "nama_proses": [STEPS[s][1] for s in step],
            "status": np.where(open_work, "Proses", "Selesai"),
            "start_date": start.strftime("%Y-%m-%d %H:%M:%S"),
            "end_date": end_text,
            "diproses_oleh": [f"petugas{u:02d}" for u in rng.integers(0, 40, rows)],
            "tgl_pengajuan": submitted[case].strftime("%Y-%m-%d %H:%M:%S"),
            "tgl_penetapan": "0001-01-01 00:00:00",
            "no_izin": "",
            "tgl_selesai": "0001-01-01 00:00:00",
            "tgl_signed_report": "0001-01-01 00:00:00",
        }
    )
    frame.to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "sicantik.csv"
        write_export(export, args.rows)
        size_mb = export.stat().st_size / 1e6
        print(f"export: {args.rows:,} rows, {size_mb:.0f} MB")
        peer = run(PEER, str(export))
        read = run(SOPMINE, str(export), "read")
        load = run(SOPMINE, str(export), "load", str(Path(folder) / "bench.duckdb"))
    rows = args.rows
    table = [
        ("pandas.read_csv + pm4py.format_dataframe", peer),
        ("sopmine read_log (parse, map, validate)", read),
        ("sopmine load (read_log + DuckDB store)", load),
    ]
    for name, r in table:
        rate = rows / r["seconds"]
        print(f"{name:44s} {r['seconds']:6.2f} s {rate:12,.0f} rows/s  peak {r['peak_mb']:6.0f} MB")
    print(f"ratio peer / sopmine read_log: {peer['seconds'] / read['seconds']:.2f}x")
    print(f"ratio peer / sopmine load:     {peer['seconds'] / load['seconds']:.2f}x")
    print(f"rows loaded by sopmine: {int(load['loaded']):,} of {rows:,} (open work included)")
    print(f"sopmine load peak memory under 2 GB: {load['peak_mb'] < 2048}")


if __name__ == "__main__":
    main()
