"""Each dashboard page on a store of about 1.1M events, timed as Streamlit runs it.

A child process simulates ``rohil_izin_insidentil`` (about 11 events a case), writes it as a
generic CSV, loads it into a fresh store and checks it (``sopmine load`` and ``check``, as an
office would). Then, in a fresh process, Streamlit's ``AppTest`` runs the dashboard on that
store, page after page with no pause, three times:

* cold:    the first visit of the page (the first page reads the store; a later one reads
           only what the pages before it did not, and builds its tables);
* warm:    the same page visited again (the tables come from the cache);
* filter:  the page after a filter change (one month of arrivals), built afresh.

and then each page alone, as the first page a fresh server shows (``alone``: a bookmark opened
after a restart). The background warm-up builds only while no page runs for a second, so it
never runs between these back-to-back visits. AppTest runs the page's script as the server
does, without the browser's drawing. The peer row is the nearest pm4py work for the Peta Proses
page: ``pm4py.discover_dfg`` and ``discover_performance_dfg`` on the same step rows, after
reading them from the store.

Target (2-core machine): each page under 2 s on a 1.1M-event store.

    python benchmarks/bench_dashboard.py [--cases 100000] [--seed 7] [--db EXISTING.duckdb]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from _child import run

SOP = "rohil_izin_insidentil"
TARGET_SECONDS = 2.0
PAGES = ("ringkasan", "peta_proses", "hambatan", "kepatuhan", "kasus_berjalan",
         "perbandingan_kantor", "data", "laporan")  # fmt: skip

BUILD = """
import json, subprocess, sys
from pathlib import Path
sop, cases, seed, folder = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
cli = [sys.executable, "-m", "sopmine"]
run = lambda *a: subprocess.run([*cli, *a], check=True, capture_output=True, text=True)
run("simulate", "--sop", sop, "--cases", cases, "--seed", seed, "--profile", "generic",
    "--out", str(folder / "log.csv"))
run("load", str(folder / "log.csv"), "--sop", sop, "--profile", "generic",
    "--db", str(folder / "store.duckdb"))
run("check", "--db", str(folder / "store.duckdb"))
import duckdb
con = duckdb.connect(str(folder / "store.duckdb"), read_only=True)
print(json.dumps({"events": con.execute("SELECT count(*) FROM events").fetchone()[0],
                  "cases": con.execute("SELECT count(*) FROM check_cases").fetchone()[0]}))
"""

PAGES_RUN = """
import json, os, resource, sys, time, logging
logging.disable(logging.WARNING)
os.environ["SOPMINE_DB"] = sys.argv[1]
pages = sys.argv[2].split(",")
from sopmine.dashboard._preload import preload
preload()  # as the server does before it listens (python -m sopmine.dashboard)
from streamlit.testing.v1 import AppTest
from sopmine.dashboard import APP_PATH
def timed(at, page=None):
    t0 = time.perf_counter()
    (at.switch_page(f"views/{page}.py") if page else at).run()
    seconds = time.perf_counter() - t0
    problems = [e.message for e in at.exception] + [e.value for e in at.error]
    if problems:
        raise SystemExit(f"{page}: {problems[:1]}")
    return seconds
out = {}
at = AppTest.from_file(str(APP_PATH), default_timeout=600)
out["ringkasan"] = {"cold": timed(at)}
for page in pages[1:]:
    out[page] = {"cold": timed(at, page)}
for page in pages:
    out[page]["warm"] = timed(at, page)
for number, page in enumerate(pages):  # a month not asked for before: built afresh
    month = 2 + number % 10
    at.date_input(key="from").set_value(f"2025-{month:02d}-01")
    at.date_input(key="to").set_value(f"2025-{month:02d}-28")
    out[page]["filter"] = timed(at, page)
print(json.dumps({"pages": out,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

ALONE = """
import json, os, sys, time, logging
logging.disable(logging.WARNING)
store, page = sys.argv[1], sys.argv[2]
os.environ["SOPMINE_DB"] = store + ".none"  # the server's first run, on no store: reads nothing
from sopmine.dashboard._preload import preload
preload()  # as the server does before it listens (python -m sopmine.dashboard)
from streamlit.testing.v1 import AppTest
from sopmine.dashboard import APP_PATH
at = AppTest.from_file(str(APP_PATH), default_timeout=600)
at.run()
os.environ["SOPMINE_DB"] = store
t0 = time.perf_counter()
at.switch_page(f"views/{page}.py").run()
seconds = time.perf_counter() - t0
problems = [e.message for e in at.exception] + [e.value for e in at.error]
if problems or not at.title:
    raise SystemExit(f"{page}: {problems[:1]}")
print(json.dumps({"seconds": seconds}))
"""

PEER = """
import json, resource, sys, time, warnings
import duckdb, pm4py
from pm4py.util import constants
constants.SHOW_PROGRESS_BAR = False
warnings.simplefilter("ignore")
con = duckdb.connect(sys.argv[1], read_only=True)
sql = ('SELECT case_id AS "case:concept:name", step_id AS "concept:name", '
       'completed_at AS "time:timestamp" FROM check_steps')
pm4py.discover_dfg(con.sql(sql + " LIMIT 100").df())  # warm-up: lazy imports
t0 = time.perf_counter()
frame = con.sql(sql).df()
pm4py.discover_dfg(frame)
pm4py.discover_performance_dfg(frame)
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help=f"cases of {SOP}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing checked store to use instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_dashboard-") as tmp:
        db = args.db
        if db is None:
            t0 = time.perf_counter()
            built = run(BUILD, SOP, str(args.cases), str(args.seed), tmp)
            db = Path(tmp) / "store.duckdb"
            print(
                f"{SOP}: {int(built['cases']):,} cases, {int(built['events']):,} events "
                f"(simulated, loaded and checked in {time.perf_counter() - t0:.0f} s)\n"
            )
        ours: dict[str, Any] = run(PAGES_RUN, str(db), ",".join(PAGES))
        for page in PAGES:
            ours["pages"][page]["alone"] = run(ALONE, str(db), page)["seconds"]
        peer = run(PEER, str(db))
    report(ours, peer)


def report(ours: dict[str, Any], peer: dict[str, float]) -> None:
    """Each page's seconds (cold, warm, after a filter change, alone) against the target."""
    pages: dict[str, dict[str, float]] = ours["pages"]
    columns = ("cold", "warm", "filter", "alone")
    heads = " ".join(f"{c:>7s}" for c in columns)
    print(f"{'page':22s} {heads}  target < {TARGET_SECONDS:.0f} s")
    for name, seconds in pages.items():
        worst = max(seconds.values())
        verdict = "ok" if worst < TARGET_SECONDS else "OVER"
        print(f"{name:22s} {' '.join(f'{seconds[c]:7.2f}' for c in columns)}  {verdict}")
    print(f"(peak memory {ours['peak_mb']:,.0f} MB)\n")
    map_cold = pages["peta_proses"]["cold"]
    print(
        f"peer: pm4py frequency + performance DFG from the store: {peer['seconds']:.2f} s "
        f"(peak memory {peer['peak_mb']:,.0f} MB)"
    )
    print(f"ratio peer / Peta Proses page (cold): {peer['seconds'] / map_cold:.2f}x")
    slowest = max(pages, key=lambda p: max(pages[p].values()))
    print(
        f"slowest page: {slowest}, {max(pages[slowest].values()):.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s)"
    )


if __name__ == "__main__":
    main()
