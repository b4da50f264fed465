"""The simulator: exports in every profile that load back exactly, and reproducible samples.

The ground truth itself is recomputed independently in ``test_simulate_truth.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sopmine import read_log
from sopmine.simulate import (
    DeviationRates,
    DirtyRows,
    SimulationError,
    SimulationSettings,
    load_settings,
    simulate,
    truth_dir,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_logs"
SOPS = [
    "rohil_izin_insidentil",
    "rohil_orsos",
    "boltim_izin_manual",
    "dairi_iumk_oss",
    "karimun_sicantik",
]
PROFILES = {"sipro": ".csv", "silastri": ".xlsx", "generic": ".csv", "oss": ".csv",
            "sicantik": ".csv", "xes": ".xes"}  # fmt: skip
COLUMNS = ["case_id", "activity", "activity_code", "step_id", "kind", "timestamp",
           "start_timestamp", "role", "resource", "lifecycle"]  # fmt: skip
TEXT = ["case_id", "activity", "activity_code", "step_id", "kind", "role", "resource", "lifecycle"]


def comparable(events: pd.DataFrame) -> pd.DataFrame:
    """Events as plain objects, sorted, so that a read-back and a simulation compare."""
    frame = events[COLUMNS].copy()
    for column in TEXT:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    for column in ("timestamp", "start_timestamp"):
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
    key = ["case_id", "kind", "timestamp", "activity"]
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def dirty_for(profile: str) -> DirtyRows:
    if profile == "xes":
        return DirtyRows()
    return DirtyRows(
        duplicates=2,
        missing_case_id=2,
        bad_timestamp=1,
        end_before_start=0 if profile in ("oss",) else 1,
    )


def sopmine(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sopmine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("sop", SOPS)
def test_every_profile_loads_back_the_same_events(tmp_path: Path, sop: str, profile: str) -> None:
    """simulate -> write in a profile -> read_log gives back exactly the simulated events.

    Dirty rows come back as rejects at their row numbers, with their reason, and duplicates
    are counted, not loaded.
    """
    out = tmp_path / f"log{PROFILES[profile]}"
    run = simulate(
        sop,
        cases=60,
        seed=11,
        start="2025-03-03",
        end="2025-04-30",
        profile=profile,
        out=out,
        settings=SimulationSettings(dirty=dirty_for(profile)),
    )
    roster = tmp_path / "log.roster.csv" if run.roster is not None else None
    loaded = read_log(out, profile=profile, sop=sop, roster=roster)

    pd.testing.assert_frame_equal(comparable(loaded.events), comparable(run.events))
    expected = run.dirty_rows[run.dirty_rows["reason"] != "duplicate"]
    assert sorted(zip(loaded.rejects["source_row"], loaded.rejects["reason"], strict=True)) == (
        sorted(zip(expected["source_row"], expected["reason"], strict=True))
    )
    assert loaded.rows_duplicate == (run.dirty_rows["reason"] == "duplicate").sum()


def test_open_work_and_clock_stops_are_written_where_the_profile_has_them() -> None:
    """SiCantik shows open work (Menunggu/Proses); OSS carries 41/42 but not open work."""
    sicantik = simulate("karimun_sicantik", cases=400, seed=3, end="2025-03-31")
    open_rows = sicantik.export[sicantik.export["status"].isin(["Menunggu", "Proses"])]
    assert len(open_rows) == (sicantik.events["kind"] == "open").sum() > 0
    assert open_rows["end_date"].isna().all()
    in_progress = open_rows[open_rows["status"] == "Proses"]
    assert in_progress["start_date"].notna().all()

    oss = simulate("dairi_iumk_oss", cases=400, seed=3, end="2025-03-31")
    codes = oss.export["kd_status"].astype(object)
    assert (codes == "41").sum() == (oss.events["kind"] == "clock_stop").sum() > 0
    assert (codes == "42").sum() == (oss.events["kind"] == "clock_resume").sum()
    assert "open" not in set(oss.events["kind"].astype(object))
    assert oss.meta["counts"]["not_in_this_format"]["open"] > 0


def test_same_seed_same_log_other_seed_other_log() -> None:
    """A simulation is a function of its options: same seed, same export and truth."""
    first = simulate("rohil_orsos", cases=80, seed=5, end="2025-04-30")
    again = simulate("rohil_orsos", cases=80, seed=5, end="2025-04-30")
    other = simulate("rohil_orsos", cases=80, seed=6, end="2025-04-30")
    pd.testing.assert_frame_equal(first.export, again.export)
    pd.testing.assert_frame_equal(first.truth.steps, again.truth.steps)
    assert not first.export.equals(other.export)


def test_branches_follow_their_probabilities() -> None:
    """Rejections, returns to the applicant and 001's SIP path occur at about their rates."""
    settings = SimulationSettings(
        deviations=DeviationRates().scaled(0),
        edge_probabilities={"penerusan_tim_teknis -> verifikasi_ahli_muda": 0.5},
    )
    orsos = simulate("rohil_orsos", cases=3000, seed=1, settings=settings)
    paths = orsos.truth.cases.loc[orsos.truth.cases["status"] == "closed", "path"]
    sip = paths.str.contains("penerusan_tim_teknis > verifikasi_ahli_muda").mean()
    assert 0.46 < sip < 0.54

    plain = SimulationSettings(deviations=DeviationRates().scaled(0))
    boltim = simulate("boltim_izin_manual", cases=3000, seed=1, settings=plain)
    decided = boltim.truth.cases[boltim.truth.cases["status"] != "open"]
    rejected = (decided["status"] == "rejected").mean()
    assert 0.04 < rejected < 0.08  # reject_rate 0.06 at validasi_kabid
    returned = decided["path"].str.count("pengisian_formulir").gt(1).mean()
    assert 0.15 < returned < 0.30  # three checks can each return the file (0.08 each)


def test_injected_deviations_are_recorded_at_their_rates() -> None:
    """Every type is injected where the model leaves room for it, close to its rate."""
    rates = DeviationRates(
        missing_step=0.1,
        wrong_order=0.1,
        repeated_step=0.1,
        unexpected_activity=0.1,
        unmapped_activity=0.1,
        wrong_actor=0.1,
        segregation_of_duties=0.1,
    )
    run = simulate("dairi_iumk_oss", cases=2000, seed=9, settings=SimulationSettings(
        deviations=rates))  # fmt: skip
    counts = run.injected["type"].value_counts()
    for kind in rates.model_dump():
        assert 140 < counts[kind] < 230, kind
    assert run.injected.groupby("case_id").size().max() >= 3


def test_slow_roles_make_their_steps_the_bottleneck() -> None:
    """A slow signer (slow_roles) accumulates the most working time over target."""
    run = simulate(
        "karimun_sicantik",
        cases=800,
        seed=4,
        settings=SimulationSettings(slow_roles={"kadis": 4.0}),
    )
    steps = run.truth.steps
    over = (steps["elapsed_minutes"] - steps["target_minutes"]).clip(lower=0)
    assert over.groupby(steps["step_id"]).sum().idxmax() == "tte_kadis"


def test_bad_settings_name_the_file_line_and_field(tmp_path: Path) -> None:
    settings = tmp_path / "s.yaml"
    settings.write_text("breach_share: 0.1\ndeviatons:\n  missing_step: 0.2\n", encoding="utf-8")
    with pytest.raises(SimulationError) as caught:
        load_settings(settings)
    assert str(caught.value) == (
        "invalid simulation settings:\n"
        f"  {settings}:2: unknown field 'deviatons' (a typo? see docs/simulator.md for the fields)"
    )
    with pytest.raises(SimulationError, match="'nope -> end' is not an edge of rohil_orsos"):
        simulate("rohil_orsos", cases=5, settings=SimulationSettings(
            edge_probabilities={"nope -> end": 0.5}))  # fmt: skip
    with pytest.raises(SimulationError, match="the period ends"):
        simulate("rohil_orsos", cases=5, start="2025-05-01", end="2025-04-01")
    with pytest.raises(SimulationError, match="no status values for SLA clock stops"):
        simulate("rohil_orsos", cases=5, settings=SimulationSettings(clock_stop_rate=0.2))


def test_cli_simulate_then_load(tmp_path: Path) -> None:
    """`sopmine simulate` writes log, truth and roster; `sopmine load` takes them as they are."""
    done = sopmine(
        "simulate", "--sop", "dairi_iumk_oss", "--cases", "120", "--seed", "3",
        "--end", "2025-03-31", "--dirty", "2", "--out", "feed.csv", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrote feed.csv" in done.stdout
    assert "wrote feed.roster.csv (load with --roster feed.roster.csv)" in done.stdout
    meta = json.loads((tmp_path / "feed.truth" / "meta.json").read_text(encoding="utf-8"))
    assert meta["counts"]["dirty_rows"] == {"bad_timestamp": 2, "duplicate": 2,
                                            "missing_case_id": 2}  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "feed.truth").iterdir()) == [
        "cases.parquet", "deviations.parquet", "dirty_rows.parquet", "meta.json", "steps.parquet"
    ]  # fmt: skip
    loaded = sopmine(
        "load", "feed.csv", "--sop", "dairi_iumk_oss", "--profile", "oss",
        "--roster", "feed.roster.csv", "--db", "s.duckdb", cwd=tmp_path,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        rejects = con.execute("SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 1")
        assert rejects.fetchall() == [("bad_timestamp", 2), ("missing_case_id", 2)]
    assert stored == meta["counts"]["events"]


def test_cli_refuses_bad_options_with_one_line(tmp_path: Path) -> None:
    done = sopmine("simulate", "--sop", "rohil_orsos", "--start", "01/02/2025", "--out", "x.csv",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == "error: --start '01/02/2025' is not a date; write YYYY-MM-DD"
    done = sopmine("simulate", "--sop", "rohil_orsos", "--out", "x.docx", cwd=tmp_path)
    assert done.returncode == 1
    assert "cannot write .docx files; use .csv, .xlsx, .parquet or .xes" in done.stderr


def test_committed_sample_logs_equal_their_regeneration(tmp_path: Path) -> None:
    """`make sample-logs` is deterministic: the committed files are what it writes.

    CSV and roster files must be byte-identical; workbooks and Parquet files (whose bytes
    carry library versions) must hold the same cells; meta.json the same data except the tool
    version.
    """
    sys.path.insert(0, str(SAMPLES))
    try:
        import regenerate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(SAMPLES))
    logs = regenerate.regenerate(tmp_path)
    assert len(logs) == 5
    for log in logs:
        committed = SAMPLES / log.name
        assert committed.stat().st_size < 1_000_000, f"{log.name} is over 1 MB"
        if log.suffix == ".csv":
            assert committed.read_bytes() == log.read_bytes(), log.name
        else:
            pd.testing.assert_frame_equal(
                pd.read_excel(committed, sheet_name=None, header=None)["Riwayat"],
                pd.read_excel(log, sheet_name=None, header=None)["Riwayat"],
            )
        roster = log.with_name(log.name.split(".")[0] + ".roster.csv")
        if roster.exists():
            assert (SAMPLES / roster.name).read_bytes() == roster.read_bytes()
        ours, theirs = truth_dir(committed), truth_dir(log)
        for part in ("cases", "steps", "deviations", "dirty_rows"):
            pd.testing.assert_frame_equal(
                pd.read_parquet(ours / f"{part}.parquet"),
                pd.read_parquet(theirs / f"{part}.parquet"),
            )
        meta_ours = json.loads((ours / "meta.json").read_text(encoding="utf-8"))
        meta_new = json.loads((theirs / "meta.json").read_text(encoding="utf-8"))
        assert {**meta_ours, "tool": None} == {**meta_new, "tool": None}


CONTROL_FLOW = ["missing_step", "wrong_order", "repeated_step", "unexpected_activity",
                "unmapped_activity"]  # fmt: skip


def expected_moves(model: object, trace: list[str], rows: pd.DataFrame) -> list[Counter[tuple]]:
    """The alignment moves each injected deviation calls for (a swap: either half moved)."""
    options: list[Counter[tuple]] = [Counter()]
    for kind, step, detail in zip(rows["type"], rows["step_id"], rows["detail"], strict=True):
        if kind == "missing_step":
            add = [Counter({("model", step): 1})]
        elif kind in ("repeated_step", "unexpected_activity"):
            add = [Counter({("log", step): 1})]
        elif kind == "unmapped_activity":
            add = [Counter({("log", "~" + detail.split("'")[1]): 1})]
        else:  # wrong_order: step is the earlier of the pair; its partner is next to it
            i = trace.index(step)
            partner = trace[i - 1] if i > 0 and trace[i - 1] != step else trace[i + 1]
            if model.step(partner).number < model.step(step).number:  # type: ignore[attr-defined]
                partner = trace[i + 1]
            add = [Counter({("model", s): 1, ("log", s): 1}) for s in (step, partner)]
        options = [have + more for have in options for more in add]
    return options


@pytest.mark.parametrize("sop", SOPS)
def test_an_optimal_alignment_finds_exactly_what_was_injected(sop: str) -> None:
    """pm4py's optimal alignment of every deviated finished case makes exactly the injected
    moves: a model move per missing step, a log move per repeat or extra activity, a pair of
    moves of one of the two swapped steps per swap. No other explanation is as cheap.
    """
    from sopmine.pm4py_bridge import align_traces

    settings = SimulationSettings(deviations=DeviationRates().scaled(4))
    run = simulate(sop, cases=500, seed=22, end="2025-06-30", settings=settings)
    closed = set(run.truth.cases.loc[run.truth.cases["status"] != "open", "case_id"])
    steps = run.events[(run.events["kind"] == "step") & run.events["case_id"].isin(closed)]
    steps = steps.sort_values(["case_id", "timestamp"])
    labels = (
        steps["step_id"]
        .astype(object)
        .where(steps["step_id"].notna(), "~" + steps["activity"].astype(object))
    )
    traces = labels.groupby(steps["case_id"].astype(object)).agg(list)
    injected = run.injected[
        run.injected["case_id"].isin(closed) & run.injected["type"].isin(CONTROL_FLOW)
    ]
    assert injected["case_id"].nunique() > 50
    variants = list(dict.fromkeys(tuple(traces[c]) for c in injected["case_id"].unique()))
    alignments = dict(zip(variants, align_traces([list(v) for v in variants], run.model),
                          strict=True))  # fmt: skip
    wrong = []
    for case_id, rows in injected.groupby("case_id"):
        moves: Counter[tuple] = Counter()
        for log, model_move in alignments[tuple(traces[case_id])].moves:
            if log == ">>" and model_move not in ("None", ">>"):
                moves[("model", model_move)] += 1
            elif model_move == ">>":
                moves[("log", log)] += 1
        if moves not in expected_moves(run.model, traces[case_id], rows):
            wrong.append((case_id, dict(moves)))
    assert wrong == []
