"""The process map's edge counts: counted here, and pm4py's where they could differ.

``discover_process_map`` counts directly-follows pairs on integer codes, and asks pm4py's DFG
discovery (about 1 s at 1.1M steps) only for a log in which two completions of a case share an
instant, the one case where the order of a case's steps is not settled by their times. These
tests check that both ways give the same edges, with and without such ties, that pm4py is
asked only when there are ties, and the exact edges of a small log with ties.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sopmine
from sopmine import analyze, pm4py_bridge
from sopmine.analyze import _map

KARIMUN = "karimun_sicantik"
S, E = analyze.START, analyze.END
V, B, K, L = (
    "verifikasi_loker_pendaftaran",
    "verifikasi_back_office",
    "verifikasi_kasi",
    "validasi_kabid",
)
N = math.nan


def _with_steps(verdicts: analyze.Verdicts, steps: pd.DataFrame) -> analyze.Verdicts:
    return analyze.Verdicts(
        cases=verdicts.cases, steps=steps.reset_index(drop=True),
        deviations=verdicts.deviations, models=verdicts.models, as_of=verdicts.as_of,
    )  # fmt: skip


@pytest.fixture(scope="module")
def simulated() -> analyze.Verdicts:
    """Karimun's simulated cases as the check gives them: no two completions of a case at
    the same instant."""
    run = sopmine.simulate(KARIMUN, cases=80, seed=5)
    return sopmine.as_verdicts(sopmine.check(run.events, run.model))


@pytest.fixture(scope="module")
def tied(simulated: analyze.Verdicts) -> analyze.Verdicts:
    """The same cases with completions to the hour: a case's steps of one hour tie."""
    steps = simulated.steps
    return _with_steps(simulated, steps.assign(completed_at=steps["completed_at"].dt.floor("h")))


def _ties(verdicts: analyze.Verdicts) -> int:
    steps = verdicts.steps
    return int(steps.duplicated(["case_id", "completed_at"]).sum())


def _edges(verdicts: analyze.Verdicts, monkeypatch: pytest.MonkeyPatch, *, pm4py: bool) -> Any:
    """The map's edges, counted here (``pm4py=False``) or taken from pm4py."""
    with monkeypatch.context() as patch:
        patch.setattr(_map, "_order_is_ambiguous", lambda steps, order: pm4py)
        return analyze.discover_process_map(verdicts).edges


@pytest.mark.parametrize("log", ["simulated", "tied"])
def test_the_edges_counted_here_are_pm4pys(
    log: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdicts = request.getfixturevalue(log)
    assert (_ties(verdicts) > 0) == (log == "tied")
    here = _edges(verdicts, monkeypatch, pm4py=False)
    pd.testing.assert_frame_equal(here, _edges(verdicts, monkeypatch, pm4py=True))
    pd.testing.assert_frame_equal(here, analyze.discover_process_map(verdicts).edges)


@pytest.mark.parametrize("log", ["simulated", "tied"])
def test_pm4py_is_asked_only_when_completions_tie(
    log: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    verdicts = request.getfixturevalue(log)
    calls: list[int] = []
    real = _map.discover_dfg

    def counted(frame: pd.DataFrame, **keys: str) -> Any:
        calls.append(len(frame))
        return real(frame, **keys)

    monkeypatch.setattr(_map, "discover_dfg", counted)
    analyze.discover_process_map(verdicts)
    assert calls == ([len(verdicts.steps)] if log == "tied" else [])


@pytest.mark.parametrize("log", ["simulated", "tied"])
@pytest.mark.parametrize("pm4py", [False, True])
def test_the_map_does_not_depend_on_the_order_of_the_rows(
    log: str, pm4py: bool, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Half the cases with their rows backwards: a case starts with its first completion, not
    # with its first row (pm4py's start activities are first rows, so it is given the rows in
    # completion order). Ties stay in the frame's order, so only cases without ties turn.
    verdicts = request.getfixturevalue(log)
    steps = verdicts.steps
    ids = sorted(steps["case_id"].astype(str).unique())
    turned = steps["case_id"].astype(str).isin(ids[::2]).to_numpy()
    tied = steps.duplicated(["case_id", "completed_at"], keep=False)
    untied = ~steps.groupby("case_id", observed=True)["case_id"].transform(
        lambda c: tied[c.index].any()
    ).to_numpy(dtype=bool)
    backwards = turned & untied
    mixed = pd.concat([steps[backwards].iloc[::-1], steps[~backwards]])
    expected = analyze.discover_process_map(verdicts).edges
    got = _edges(_with_steps(verdicts, mixed), monkeypatch, pm4py=pm4py)
    pd.testing.assert_frame_equal(got, expected)


def _hand_made() -> analyze.Verdicts:
    """Three Karimun cases at steps 5-8, two of them with two completions in one minute."""
    rows = [  # case, step, completed (UTC), elapsed working minutes
        ("C1", V, "2025-03-03 01:00", N),
        ("C1", B, "2025-03-03 02:00", 30.0),
        ("C1", K, "2025-03-03 02:00", 5.0),  # with B: in the frame's order, B then K
        ("C1", L, "2025-03-03 03:00", 20.0),
        ("C2", V, "2025-03-04 01:00", N),
        ("C2", K, "2025-03-04 02:00", 7.0),  # with B: K then B
        ("C2", B, "2025-03-04 02:00", 3.0),
        ("C2", L, "2025-03-04 04:00", 40.0),
        ("C3", B, "2025-03-05 03:00", 10.0),  # open; its rows backwards: V came first
        ("C3", V, "2025-03-05 01:00", N),
    ]
    steps = pd.DataFrame(
        {
            "sop_id": pd.Categorical([KARIMUN] * len(rows)),
            "case_id": pd.Categorical([r[0] for r in rows]),
            "step_id": pd.Categorical([r[1] for r in rows]),
            "completed_at": pd.to_datetime([r[2] for r in rows]).tz_localize("UTC").as_unit("us"),
            "elapsed_minutes": [r[3] for r in rows],
            "breach": [False] * len(rows),
        }
    )
    cases = pd.DataFrame(
        {
            "sop_id": pd.Categorical([KARIMUN] * 3),
            "case_id": pd.Categorical(["C1", "C2", "C3"]),
            "status": pd.Categorical(["closed", "rejected", "open"]),
        }
    )
    return analyze.Verdicts(
        cases=cases, steps=steps, deviations=pd.DataFrame(),
        models={KARIMUN: sopmine.load_sop(KARIMUN)},
    )  # fmt: skip


@pytest.mark.parametrize("pm4py", [False, True])
def test_the_edges_of_a_hand_made_log_with_ties(
    pm4py: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # C1: V B K L END, C2: V K B L END, C3 (open): V B. Each kind by frequency, then as the
    # SOP overlay's merge orders them (by step id).
    observed = [  # source, target, frequency, cases, median and p90 of the target's minutes
        (L, E, 2, 2, N, N, "expected", "decision"),
        (V, B, 2, 2, 20.0, 28.0, "expected", "decision"),
        (B, K, 1, 1, 5.0, 5.0, "expected", "decision"),
        (K, L, 1, 1, 20.0, 20.0, "expected", "decision"),
        (S, V, 3, 3, N, N, "deviating", None),
        (B, L, 1, 1, 40.0, 40.0, "deviating", None),
        (K, B, 1, 1, 3.0, 3.0, "deviating", None),
        (V, K, 1, 1, 7.0, 7.0, "deviating", None),
    ]
    verdicts = _hand_made()
    assert _map._order_is_ambiguous(verdicts.steps, _map._completion_order(verdicts.steps))
    edges = _edges(verdicts, monkeypatch, pm4py=pm4py)
    expected = pd.DataFrame(observed, columns=list(edges.columns))
    expected["kind"] = pd.Categorical(expected["kind"], categories=edges["kind"].cat.categories)
    expected = expected.astype({"sop_kind": edges["sop_kind"].dtype})
    pd.testing.assert_frame_equal(edges.head(len(observed)), expected)
    unused = edges[edges["frequency"] == 0]
    assert len(edges) == len(observed) + len(unused)
    assert (unused["kind"] == "unused").all()
    assert unused["cases"].eq(0).all()
    assert np.isnan(unused["elapsed_median_minutes"]).all()


# ----------------------------------------------------------------------------------------------
# The bridge's text for pm4py
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(pd.Categorical(["K-2", "K-1", None, "K-2"])),
        pd.Series(pd.Categorical(["b", "a", "b"], categories=pd.Index(["b", "a"], dtype=object))),
        pd.Series(pd.Categorical([3, 1, None, 3])),
        pd.Series(pd.Categorical([], categories=["a"])),
        pd.Series(["K-2", None, "K-1"], dtype=object),
        pd.Series(["K-2", "K-1"], dtype="str"),
    ],
)
def test_the_bridge_writes_values_as_text_as_astype_does(values: pd.Series) -> None:
    expected = pd.DataFrame({"text": values.astype(str).to_numpy()})
    pd.testing.assert_frame_equal(pd.DataFrame({"text": pm4py_bridge._text(values)}), expected)


def test_pm4pys_graph_of_categorical_ids_is_that_of_their_text(
    simulated: analyze.Verdicts,
) -> None:
    steps = simulated.steps
    keys = {"case": "case_id", "activity": "step_id", "timestamp": "completed_at"}
    text = steps.assign(case_id=steps["case_id"].astype(str), step_id=steps["step_id"].astype(str))
    assert isinstance(steps["case_id"].dtype, pd.CategoricalDtype)
    assert pm4py_bridge.discover_dfg(steps, **keys) == pm4py_bridge.discover_dfg(text, **keys)


@pytest.mark.parametrize("log", ["simulated", "tied"])
def test_the_completion_order_is_a_stable_sort_by_case_and_instant(
    log: str, request: pytest.FixtureRequest
) -> None:
    steps = request.getfixturevalue(log).steps
    rng = np.random.default_rng(3)
    for frame in (steps, steps.iloc[::-1], steps.iloc[rng.permutation(len(steps))], steps[:0]):
        case = frame["case_id"].astype("category").cat.codes.to_numpy()
        done = pd.DatetimeIndex(frame["completed_at"]).asi8
        expected = np.lexsort((np.arange(len(frame)), done, case))
        np.testing.assert_array_equal(_map._completion_order(frame), expected)
