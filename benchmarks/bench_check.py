"""Checking logs: sopmine.check against pm4py's token-based replay and alignments, same events.

For each size, a child process simulates ``rohil_izin_insidentil`` once (about 11 events a
case) and writes the events to Parquet, with the step rows also in pm4py's columns
(``case:concept:name`` = case_id, ``concept:name`` = step_id or ``"~" + activity`` where the
event maps to no step, ``time:timestamp`` = timestamp). Then each side runs in a fresh
subprocess, so that its peak memory is its own; reading the Parquet file and imports (pm4py
and the holidays package's country modules included) are outside the timing, and so is one
warm-up call for pm4py's lazy imports:

* sopmine: ``sopmine.check.check(events, model, cache=AlignmentCache())``, the full check:
  alignments per variant, roles, four-eyes, SLA in working time with clock stops; a fresh
  cache, so no alignment is reused (warm-up: ``align_variants`` of the one-step trace);
* peer:    ``pm4py.conformance_diagnostics_token_based_replay`` of the step rows on the SOP's
  accepting Petri net (``sopmine.pm4py_bridge.to_petri_net``; warm-up: the first case);
* peer:    ``pm4py.conformance_diagnostics_alignments`` of the same, at the sizes given by
  ``--align-sizes`` (default: all) and always on the high-variant log: ``dairi_iumk_oss``
  with every deviation rate scaled by 8 (at least 5,000 distinct traces at 50,000 cases).

Targets (2-core machine): the full check at least 10x faster than token replay alone at 1.1M
and 11M events; 11M events within 8 GB; no slower than pm4py alignments on the high-variant log.
Prints seconds, events/s, peak memory and the ratios.

    python benchmarks/bench_check.py [--sizes 10000,100000,1000000] [--align-sizes SIZES]
                                     [--variants-cases 50000] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _child import run

SOP = "rohil_izin_insidentil"
VARIANT_SOP = "dairi_iumk_oss"
VARIANT_SCALE = 8
MIN_VARIANTS = 5_000
TOKEN_TARGET = 10.0  # token replay seconds / check seconds, at 1.1M and 11M events
TOKEN_TARGET_EVENTS = 1_000_000
MEMORY_TARGET_MB = 8 * 1024  # the check at 11M events
MEMORY_TARGET_EVENTS = 10_000_000

GENERATE = """
import json, resource, sys
import pandas as pd
from sopmine.simulate import DeviationRates, SimulationSettings, simulate
sop, cases, seed, scale = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
settings = SimulationSettings(deviations=DeviationRates().scaled(scale)) if scale != 1 else None
events = simulate(sop, cases=cases, seed=seed, settings=settings).events
events.to_parquet(sys.argv[5])
steps = events[events["kind"] == "step"]
activity = steps["step_id"].astype(object)
activity = activity.where(activity.notna(), "~" + steps["activity"].astype(str))
frame = pd.DataFrame({"case:concept:name": steps["case_id"].astype(str),
                      "concept:name": activity.astype(str),
                      "time:timestamp": steps["timestamp"]}).reset_index(drop=True)
frame.to_parquet(sys.argv[6])
traces = frame.groupby("case:concept:name", sort=False)["concept:name"].agg(tuple)
print(json.dumps({"events": len(events), "step_events": len(frame),
                  "cases": int(events["case_id"].nunique()), "variants": int(traces.nunique()),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SOPMINE = """
import json, resource, sys, time
import pandas as pd
import pm4py  # imported before the timing, as for the peer
import holidays.countries  # imported before the timing too (the calendar imports it lazily)
import sopmine.pm4py_bridge
from sopmine import load_sop
from sopmine.check import AlignmentCache, check
events = pd.read_parquet(sys.argv[1])
model = load_sop(sys.argv[2])
sopmine.pm4py_bridge.align_variants([[model.start]], model)  # imports pm4py's DFG alignment
before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
result = check(events, model, cache=AlignmentCache())
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "events": len(events), "cases": len(result.cases),
                  "variants": result.variants, "deviations": len(result.deviations),
                  "fit": int((result.cases["fitness"] == 1).sum()), "before_mb": before_mb,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PEER = """
import json, resource, sys, time, warnings
import pandas as pd
import pm4py
from pm4py.util import constants
from sopmine import load_sop
from sopmine.pm4py_bridge import to_petri_net
constants.SHOW_PROGRESS_BAR = False
warnings.simplefilter("ignore")
frame = pd.read_parquet(sys.argv[1])
anet = to_petri_net(load_sop(sys.argv[2]))
if sys.argv[3] == "token":
    diagnose = pm4py.conformance_diagnostics_token_based_replay
else:
    diagnose = pm4py.conformance_diagnostics_alignments
first = frame["case:concept:name"].iloc[0]
diagnose(frame[frame["case:concept:name"] == first],  # warm-up: pm4py's lazy imports
         anet.net, anet.initial_marking, anet.final_marking)
before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
result = diagnose(frame, anet.net, anet.initial_marking, anet.final_marking)
seconds = time.perf_counter() - t0
if sys.argv[3] == "token":
    fit = sum(1 for r in result if r["trace_is_fit"])
else:
    fit = sum(1 for r in result if r is not None and r["fitness"] == 1)
print(json.dumps({"seconds": seconds, "events": len(frame), "cases": len(result), "fit": fit,
                  "before_mb": before_mb,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _cases(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def measure(
    folder: Path, sop: str, cases: int, seed: int, scale: float, align: bool
) -> dict[str, dict[str, float]]:
    """Generate one log, then time each side on it in its own subprocess."""
    events, frame = folder / f"{sop}-{cases}.parquet", folder / f"{sop}-{cases}.pm4py.parquet"
    t0 = time.perf_counter()
    log = run(GENERATE, sop, str(cases), str(seed), str(scale), str(events), str(frame))
    log["seconds"] = time.perf_counter() - t0
    print(
        f"\n{sop}: {cases:,} cases, {int(log['events']):,} events "
        f"({int(log['step_events']):,} step events for pm4py), "
        f"{int(log['variants']):,} distinct traces; generated in {log['seconds']:.0f} s "
        f"(peak {log['peak_mb']:,.0f} MB)"
        + (f"; deviation rates x{scale:g}" if scale != 1 else ""),
        flush=True,
    )
    results = {"log": log, "check": run(SOPMINE, str(events), sop)}
    results["token"] = run(PEER, str(frame), sop, "token")
    if align:
        results["align"] = run(PEER, str(frame), sop, "align")
    events.unlink()
    frame.unlink()
    return results


def report(results: dict[str, dict[str, float]]) -> None:
    """One table: side, seconds, events/s, peak memory; then the ratios."""
    log, check = results["log"], results["check"]
    events = log["events"]
    names = {
        "check": "sopmine check (full)",
        "token": "pm4py token-based replay",
        "align": "pm4py alignments",
    }
    print(
        f"{'':28s} {'seconds':>8s} {'events/s':>10s} {'peak MB':>8s} {'loaded MB':>9s} "
        f"{'fit cases':>9s}"
    )
    for key, name in names.items():
        if key not in results:
            print(f"{name:28s} not run at this size (see --align-sizes)")
            continue
        r = results[key]
        print(
            f"{name:28s} {r['seconds']:8.2f} {events / r['seconds']:10,.0f} "
            f"{r['peak_mb']:8,.0f} {r['before_mb']:9,.0f} {int(r['fit']):>9,}"
        )
    print(
        f"(events/s: all {int(events):,} events, of which pm4py reads the "
        f"{int(log['step_events']):,} step events; loaded MB: peak before the timed call; "
        f"fit cases: fitness 1, or token replay's trace_is_fit; sopmine found "
        f"{int(check['variants']):,} variants and {int(check['deviations']):,} deviations)"
    )
    print(f"ratio token replay / check: {results['token']['seconds'] / check['seconds']:.2f}x")
    if "align" in results:
        print(f"ratio alignments / check:   {results['align']['seconds'] / check['seconds']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="cases of rohil_izin_insidentil"
    )
    parser.add_argument(
        "--align-sizes",
        default=None,
        help="the sizes (cases) at which pm4py alignments also run (default: all; '' for none)",
    )
    parser.add_argument(
        "--variants-cases", type=int, default=50_000, help="cases of the high-variant log"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = _cases(args.sizes)
    align_sizes = set(sizes if args.align_sizes is None else _cases(args.align_sizes))
    measured: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench_check-") as tmp:
        folder = Path(tmp)
        for cases in sizes:
            measured[cases] = measure(folder, SOP, cases, args.seed, 1, cases in align_sizes)
            report(measured[cases])
        if args.variants_cases > 0:
            varied = measure(
                folder, VARIANT_SOP, args.variants_cases, args.seed, VARIANT_SCALE, True
            )
            report(varied)

    print("\ntargets")
    for results in measured.values():
        events, check = results["log"]["events"], results["check"]
        ratio = results["token"]["seconds"] / check["seconds"]
        if events >= TOKEN_TARGET_EVENTS:
            print(
                f"  {int(events):>11,} events: check >= {TOKEN_TARGET:.0f}x faster than "
                f"token replay: {ratio >= TOKEN_TARGET} ({ratio:.2f}x)"
            )
        if events >= MEMORY_TARGET_EVENTS:
            print(
                f"  {int(events):>11,} events: check within 8 GB: "
                f"{check['peak_mb'] <= MEMORY_TARGET_MB} ({check['peak_mb']:,.0f} MB)"
            )
    largest = max((r["log"]["events"] for r in measured.values()), default=0)
    if largest < TOKEN_TARGET_EVENTS:
        print("  the 1.1M and 11M event targets were not measured in this run (see --sizes)")
    elif largest < MEMORY_TARGET_EVENTS:
        print("  the 11M event targets (10x, 8 GB) were not measured in this run (see --sizes)")
    if args.variants_cases > 0:
        variants = int(varied["log"]["variants"])
        ratio = varied["align"]["seconds"] / varied["check"]["seconds"]
        enough = "" if variants >= MIN_VARIANTS else f" (only {variants:,} < {MIN_VARIANTS:,}!)"
        print(
            f"  high-variant log, {variants:,} distinct traces{enough}: check no slower than "
            f"pm4py alignments: {ratio >= 1} ({ratio:.2f}x)"
        )
    else:
        print("  the high-variant target was not measured in this run (--variants-cases 0)")


if __name__ == "__main__":
    main()
