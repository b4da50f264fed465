"""Simulating logs: sopmine.simulate against pm4py's play-out of the same SOP net.

Each run is a fresh subprocess (so peak memory is its own; imports are outside the timing):

* peer:    ``pm4py.play_out`` of the SOP's accepting Petri net (``sopmine.pm4py_bridge``)
  for the same number of traces: random paths with one-second timestamps, no calendar, no
  staff, no deviations, no truth;
* sopmine: ``simulate(...)`` in memory (arrivals, paths, deviations, staff, working-time
  durations with queues, open cases, the export table in the SOP's profile and the ground
  truth recomputed from the events), and the same plus writing the export and truth files.

The target is 100,000 cases (about 1.1M events for rohil_izin_insidentil) in under 10 s.
Prints seconds, events/s, peak memory and the ratios.

    python benchmarks/bench_simulate.py [--cases 100000] [--sop rohil_izin_insidentil]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _child import run

PEER = """
import json, resource, sys, time, warnings
import pm4py
from pm4py.util import constants
from sopmine import load_sop
from sopmine.pm4py_bridge import to_petri_net
constants.SHOW_PROGRESS_BAR = False
anet = to_petri_net(load_sop(sys.argv[1]))
t0 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    log = pm4py.play_out(anet.net, anet.initial_marking, anet.final_marking,
                         parameters={"noTraces": int(sys.argv[2]), "maxTraceLength": 200})
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "events": sum(len(t) for t in log),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SOPMINE = """
import json, resource, sys, time
from sopmine.simulate import simulate
simulate(sys.argv[1], cases=50, seed=1)  # warm caches (holidays, profiles) outside the timing
out = sys.argv[3] if len(sys.argv) > 3 else None
t0 = time.perf_counter()
run = simulate(sys.argv[1], cases=int(sys.argv[2]), seed=7, out=out)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "events": len(run.events), "rows": len(run.export),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sop", default="rohil_izin_insidentil")
    args = parser.parse_args()
    cases = str(args.cases)
    peer = run(PEER, args.sop, cases)
    memory = run(SOPMINE, args.sop, cases)
    with tempfile.TemporaryDirectory() as folder:
        written = run(SOPMINE, args.sop, cases, str(Path(folder) / "log.csv"))
    print(f"{args.sop}: {args.cases:,} cases")
    table = [
        ("pm4py.play_out (paths only)", peer),
        ("sopmine simulate (events + export + truth)", memory),
        ("sopmine simulate, files written", written),
    ]
    for name, r in table:
        rate = r["events"] / r["seconds"]
        print(
            f"{name:44s} {r['seconds']:6.2f} s {int(r['events']):>10,} events "
            f"{rate:11,.0f} events/s  peak {r['peak_mb']:6.0f} MB"
        )
    print(f"ratio pm4py / sopmine (in memory): {peer['seconds'] / memory['seconds']:.2f}x")
    print(f"sopmine under 10 s for {args.cases:,} cases: {memory['seconds'] < 10}")


if __name__ == "__main__":
    main()
