"""The analytics on a large check result, each function timed, against pm4py's nearest peers.

A child process simulates ``rohil_izin_insidentil`` (about 11 events a case) and checks it;
the three verdict tables are written to Parquet, with the step rows also in pm4py's columns.
Then each side runs in a fresh subprocess (imports and reading outside the timing, one warm-up
call each for lazy imports):

* sopmine: every public function of ``sopmine.analyze`` on the verdicts (the process map
  counts its pairs itself and asks pm4py's DFG only where two completions of a case share an
  instant), and the figures of the dashboard's pages;
* peer:    ``pm4py.discover_dfg``, ``pm4py.discover_performance_dfg`` (calendar time, where
  sopmine's map is in working time) and ``pm4py.get_variants`` on the step rows.

Target (2-core machine): every function under 2 s on a 1.1M-event result.

    python benchmarks/bench_analyze.py [--cases 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _child import run

SOP = "rohil_izin_insidentil"
TARGET_SECONDS = 2.0

GENERATE = """
import json, resource, sys
import pandas as pd
from sopmine import check, simulate
sop, cases, seed, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
run = simulate(sop, cases=cases, seed=seed)
result = check(run.events, run.model)
for name in ("cases", "steps", "deviations"):
    getattr(result, name).to_parquet(f"{folder}/{name}.parquet")
steps = result.steps
pd.DataFrame({"case:concept:name": steps["case_id"].astype(str),
              "concept:name": steps["step_id"].astype(str),
              "org:resource": steps["resource"].astype(str),
              "time:timestamp": steps["completed_at"]}).to_parquet(f"{folder}/pm4py.parquet")
print(json.dumps({"events": len(run.events), "steps": len(steps), "cases": len(result.cases),
                  "variants": result.variants, "as_of": str(result.as_of)}))
"""

SOPMINE = """
import json, resource, sys, time
import pandas as pd
import sopmine.analyze as A
from sopmine import load_sop
from sopmine.analyze._verdicts import from_tables
folder, sop, as_of = sys.argv[1], sys.argv[2], pd.Timestamp(sys.argv[3])
tables = {n: pd.read_parquet(f"{folder}/{n}.parquet") for n in ("cases", "steps", "deviations")}
verdicts = from_tables(tables, [load_sop(sop)], as_of=as_of)
small = verdicts.select(period_to="2025-01-02")
A.discover_process_map(small)  # warm-up: lazy imports
A.plot_bottlenecks(A.rank_bottlenecks(small))
calls = {
    "analyze_steps": lambda: A.analyze_steps(verdicts),
    "rank_bottlenecks": lambda: A.rank_bottlenecks(verdicts),
    "discover_process_map": lambda: A.discover_process_map(verdicts),
    "process map DOT + figure": lambda: (lambda m: (m.to_dot("performance"), m.figure()))(
        A.discover_process_map(verdicts)),
    "summarize_variants": lambda: A.summarize_variants(verdicts),
    "summarize_workload (role)": lambda: A.summarize_workload(verdicts),
    "summarize_workload (person)": lambda: A.summarize_workload(
        verdicts, by="resource", pseudonymized=True),
    "count_handovers": lambda: A.count_handovers(verdicts),
    "find_role_delays": lambda: A.find_role_delays(verdicts),
    "summarize_kpis": lambda: A.summarize_kpis(verdicts),
    "summarize_trends": lambda: A.summarize_trends(verdicts),
    "count_work_in_progress": lambda: A.count_work_in_progress(verdicts, freq="day"),
    "list_open_cases": lambda: A.list_open_cases(verdicts),
    "compare_offices": lambda: A.compare_offices(verdicts),
    "compare_roles": lambda: A.compare_roles(verdicts),
    "select (a month)": lambda: verdicts.select(period_from="2025-03-01", period_to="2025-03-31"),
}
tables = {"steps": A.analyze_steps(verdicts), "trends": A.summarize_trends(verdicts),
          "variants": A.summarize_variants(verdicts), "work": A.summarize_workload(verdicts),
          "offices": A.compare_offices(verdicts)}
calls["figures (6 charts, drawing)"] = lambda: [
    A.plot_bottlenecks(A.rank_bottlenecks(tables["steps"])),
    A.plot_step_times(tables["steps"]), A.plot_trends(tables["trends"]),
    A.plot_variants(tables["variants"]), A.plot_workload(tables["work"]),
    A.plot_offices(tables["offices"])]
seconds = {}
for name, call in calls.items():
    t0 = time.perf_counter()
    call()
    seconds[name] = time.perf_counter() - t0
print(json.dumps({"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PEER = """
import json, resource, sys, time, warnings
import pandas as pd
import pm4py
from pm4py.util import constants
constants.SHOW_PROGRESS_BAR = False
warnings.simplefilter("ignore")
frame = pd.read_parquet(sys.argv[1])
pm4py.discover_dfg(frame.head(100))  # warm-up: lazy imports
calls = {
    "pm4py.discover_dfg": lambda: pm4py.discover_dfg(frame),
    "pm4py.discover_performance_dfg": lambda: pm4py.discover_performance_dfg(frame),
    "pm4py.get_variants": lambda: pm4py.get_variants(frame),
}
seconds = {}
for name, call in calls.items():
    t0 = time.perf_counter()
    call()
    seconds[name] = time.perf_counter() - t0
print(json.dumps({"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help=f"cases of {SOP}")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_analyze-") as tmp:
        t0 = time.perf_counter()
        log = run(GENERATE, SOP, str(args.cases), str(args.seed), tmp)
        print(
            f"{SOP}: {int(log['cases']):,} cases, {int(log['events']):,} events, "
            f"{int(log['steps']):,} step rows, {int(log['variants']):,} variants "
            f"(simulated and checked in {time.perf_counter() - t0:.0f} s)\n"
        )
        ours = run(SOPMINE, tmp, SOP, str(log["as_of"]))
        peer = run(PEER, str(Path(tmp) / "pm4py.parquet"))
    report(ours, peer)


def report(ours: dict[str, object], peer: dict[str, object]) -> None:
    """Each function's seconds against the target, then the peers and the ratios."""
    mine: dict[str, float] = ours["seconds"]  # type: ignore[assignment]
    theirs: dict[str, float] = peer["seconds"]  # type: ignore[assignment]
    print(f"{'sopmine.analyze':34s} {'seconds':>8s}  target < {TARGET_SECONDS:.0f} s")
    for name, seconds in mine.items():
        verdict = "ok" if seconds < TARGET_SECONDS else "OVER"
        print(f"{name:34s} {seconds:8.3f}  {verdict}")
    print(f"(peak memory {ours['peak_mb']:,.0f} MB)\n")
    print(f"{'peer (step rows only)':34s} {'seconds':>8s}")
    for name, seconds in theirs.items():
        print(f"{name:34s} {seconds:8.3f}")
    print(f"(peak memory {peer['peak_mb']:,.0f} MB)\n")
    both = theirs["pm4py.discover_dfg"] + theirs["pm4py.discover_performance_dfg"]
    print(
        "ratio pm4py frequency + performance DFG / sopmine process map: "
        f"{both / mine['discover_process_map']:.2f}x"
    )
    print(
        "ratio pm4py.get_variants / sopmine summarize_variants: "
        f"{theirs['pm4py.get_variants'] / mine['summarize_variants']:.2f}x"
    )
    worst = max(mine, key=lambda k: mine[k])
    print(f"slowest function: {worst}, {mine[worst]:.2f} s (target < {TARGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
