"""The grouped figures computed on arrays (``sopmine.analyze._groups``) are pandas' own.

The step table, the workload, the role delays, the headline figures, the dashboard's step
ranks and the process map's figure were computed with pandas' ``groupby`` (and the map's
labels added one ``add_annotation`` at a time) before they were computed on arrays. The
previous computations are kept here as references, and the tables of the sample logs, of
simulated verdicts and of hand-made values with gaps, ties and missing keys must be the same
frames (exactly: values, dtypes, row order) and the same figure JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from demo_store import DEMO_AS_OF, load_demo

import sopmine
from sopmine import analyze
from sopmine.analyze import _draw, _groups, _map, _offices, _people, _steps, _trends, _variants
from sopmine.analyze._labels import label
from sopmine.analyze._verdicts import as_text, minutes_over_target
from sopmine.dashboard import _data

# ----------------------------------------------------------------------------------------------
# The previous computations
# ----------------------------------------------------------------------------------------------


def old_analyze_steps(verdicts: analyze.Verdicts) -> pd.DataFrame:
    steps = verdicts.steps
    span = steps["completed_at"] - steps["handover_at"]
    measures = pd.DataFrame(
        {
            "sop_id": steps["sop_id"],
            "step_id": steps["step_id"],
            "case_id": steps["case_id"],
            "waiting": steps["waiting_minutes"],
            "processing": steps["processing_minutes"],
            "elapsed": steps["elapsed_minutes"].to_numpy(dtype=float),
            "calendar_hours": span.dt.total_seconds().to_numpy() / 3600.0,
            "breach": steps["breach"].to_numpy(dtype=bool),
            "over": minutes_over_target(steps),
        }
    )
    keys = ["sop_id", "step_id"]
    grouped = measures.groupby(keys, observed=True, sort=False)
    stats = pd.concat(
        [
            pd.DataFrame(
                {
                    f"{part}_median_minutes": grouped[part].median(),
                    f"{part}_p90_minutes": grouped[part].quantile(0.9),
                    f"{part}_max_minutes": grouped[part].max(),
                }
            )
            for part in ("waiting", "processing", "elapsed")
        ],
        axis=1,
    )
    stats["volume"] = grouped.size()
    stats["cases"] = grouped["case_id"].nunique()
    stats["timed"] = grouped["elapsed"].count()
    stats["elapsed_calendar_median_hours"] = grouped["calendar_hours"].median()
    stats["breaches"] = grouped["breach"].sum()
    stats["over_target_minutes"] = grouped["over"].sum()
    stats = stats.reset_index()
    stats[keys] = stats[keys].astype(str)
    out = _steps._model_steps(verdicts).merge(stats, on=keys, how="left")
    return _steps._finish(out, verdicts)


def old_workload(
    verdicts: analyze.Verdicts, by: str = "role", pseudonymized: bool = False
) -> pd.DataFrame:
    frame = _people.step_frame(verdicts)
    keys = ["sop_id", "role"] if by == "role" else ["sop_id", "resource", "role"]
    if by == "resource":
        frame = frame[frame["resource"].notna()]
        if pseudonymized:
            frame = frame.assign(resource=analyze.pseudonymize(frame["resource"]))
    grouped = frame.groupby(keys, observed=True, sort=False)
    out = pd.DataFrame(
        {
            "steps_done": grouped.size(),
            "cases": grouped["case_id"].nunique(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "elapsed_total_minutes": grouped["elapsed"].sum(min_count=1),
            "timed": grouped["elapsed"].count(),
            "breaches": grouped["breach"].sum(),
            "over_target_minutes": grouped["over"].sum(),
        }
    ).reset_index()
    out[keys] = out[keys].astype(str)
    out = _people._rates(out, verdicts)
    out["share_pct"] = (
        100.0 * out["steps_done"] / out.groupby("sop_id")["steps_done"].transform("sum")
    )
    columns = [*keys, "role_name", "steps_done", "cases", "share_pct", "elapsed_median_minutes",
               "elapsed_total_minutes", "breaches", "breach_pct", "over_target_minutes",
               "over_target_days"]  # fmt: skip
    out = out.sort_values(["sop_id", "steps_done"], ascending=[True, False], kind="stable")
    return out[columns].reset_index(drop=True)


def old_role_delays(verdicts: analyze.Verdicts) -> pd.DataFrame:
    frame = _people.step_frame(verdicts)
    grouped = frame.groupby(["sop_id", "step_id", "role"], observed=True, sort=False)
    out = pd.DataFrame(
        {
            "volume": grouped.size(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "timed": grouped["elapsed"].count(),
            "breaches": grouped["breach"].sum(),
            "over_target_minutes": grouped["over"].sum(),
        }
    ).reset_index()
    out[["sop_id", "step_id", "role"]] = out[["sop_id", "step_id", "role"]].astype(str)
    out = _people._rates(out, verdicts)
    step_total = out.groupby(["sop_id", "step_id"])["over_target_minutes"].transform("sum")
    out["delay_share_pct"] = np.where(
        step_total > 0, 100.0 * out["over_target_minutes"] / step_total, 0.0
    )
    best = out.groupby(["sop_id", "step_id"])["over_target_minutes"].transform("max")
    out["delays_most"] = (out["over_target_minutes"] == best) & (best > 0)
    info = {(k, s.id): (s.number, s.actor) for k, m in verdicts.models.items() for s in m.steps}
    keys = list(zip(out["sop_id"].astype(str), out["step_id"], strict=True))
    out["step_number"] = [info.get(k, (0, ""))[0] for k in keys]
    out["expected_role"] = [info.get(k, (0, ""))[1] for k in keys]
    out["step_total"] = step_total
    out = out.sort_values(["sop_id", "step_total", "over_target_minutes"],
                          ascending=[True, False, False], kind="stable")  # fmt: skip
    columns = ["sop_id", "step_id", "step_number", "role", "role_name", "expected_role",
               "volume", "elapsed_median_minutes", "breach_pct", "over_target_minutes",
               "delay_share_pct", "delays_most"]  # fmt: skip
    return out[columns].reset_index(drop=True)


def old_step_breach_pct(verdicts: analyze.Verdicts) -> pd.Series:
    steps = verdicts.steps.assign(sop_id=verdicts.steps["sop_id"].astype(str))
    timed = steps[steps["elapsed_minutes"].notna()].groupby("sop_id")["breach"]
    return 100.0 * timed.mean()


def old_step_ranks(verdicts: analyze.Verdicts) -> pd.DataFrame:
    steps = verdicts.steps
    keys = ["sop_id", "step_id"]
    measures = pd.DataFrame(
        {
            "sop_id": steps["sop_id"],
            "step_id": steps["step_id"],
            "elapsed": steps["elapsed_minutes"].to_numpy(dtype=float),
            "breach": steps["breach"].to_numpy(dtype=bool),
            "over": minutes_over_target(steps),
        }
    )
    grouped = measures.groupby(keys, observed=True, sort=False)
    stats = pd.DataFrame(
        {
            "volume": grouped.size(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "timed": grouped["elapsed"].count(),
            "breaches": grouped["breach"].sum(),
            "over_target_minutes": grouped["over"].sum(),
        }
    ).reset_index()
    stats[keys] = stats[keys].astype(str)
    out = _steps._model_steps(verdicts).merge(stats, on=keys, how="left")
    for column in ("volume", "timed", "breaches"):
        out[column] = out[column].fillna(0).astype("int64")
    out["over_target_minutes"] = out["over_target_minutes"].fillna(0.0)
    out["breach_pct"] = np.where(out["timed"] > 0, 100.0 * out["breaches"] / out["timed"], np.nan)
    out["over_target_days"] = out["over_target_minutes"] / verdicts.minutes_per_day(out)
    return out[[c for c in analyze.STEP_STAT_COLUMNS if c in out]].reset_index(drop=True)


def old_edges(pairs: pd.DataFrame) -> pd.DataFrame:
    grouped = pairs.groupby(["source", "target"], sort=False, observed=True)
    edges = pd.DataFrame(
        {
            "frequency": grouped.size(),
            "cases": grouped["case"].nunique(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "elapsed_p90_minutes": grouped["elapsed"].quantile(0.9),
        }
    ).reset_index()
    edges[["source", "target"]] = edges[["source", "target"]].astype(str)
    return edges


def old_nodes(model: Any, steps: pd.DataFrame) -> pd.DataFrame:
    grouped = steps.groupby(steps["step_id"].astype("category"), observed=True)
    timed = grouped["elapsed_minutes"].count()
    stats = pd.DataFrame(
        {
            "frequency": grouped.size(),
            "cases": grouped["case_id"].nunique(),
            "elapsed_median_minutes": grouped["elapsed_minutes"].median(),
            "breach_pct": 100.0 * grouped["breach"].sum() / timed.where(timed > 0),
        }
    )
    stats.index = stats.index.astype(str)
    layers = _map.sop_layers(model)
    rows = pd.DataFrame(
        {
            "step_id": [s.id for s in model.steps],
            "step_number": [s.number for s in model.steps],
            "step_name": [s.name for s in model.steps],
            "actor_name": [model.actor(s.actor).name for s in model.steps],
            "target_minutes": [model.target_minutes(s.id) for s in model.steps],
            "layer": [layers[s.id] for s in model.steps],
        }
    )
    nodes = rows.join(stats, on="step_id")
    nodes["frequency"] = nodes["frequency"].fillna(0).astype("int64")
    nodes["cases"] = nodes["cases"].fillna(0).astype("int64")
    columns = ["step_id", "step_number", "step_name", "actor_name", "frequency", "cases",
               "elapsed_median_minutes", "target_minutes", "breach_pct", "layer"]  # fmt: skip
    return nodes.sort_values("step_number")[columns].reset_index(drop=True)


def old_compare_roles(verdicts: analyze.Verdicts) -> pd.DataFrame:
    family_of = _offices._families(verdicts, {})
    steps = verdicts.steps
    group = steps.groupby(["sop_id", "step_id"], observed=True, sort=False)
    keys = [(str(a), str(b)) for a, b in group.size().index]
    names = sorted({family_of.get(k, "") for k in keys})
    per_group = np.array([names.index(family_of.get(k, "")) for k in keys] + [-1])
    frame = pd.DataFrame(
        {
            "sop_id": steps["sop_id"].astype("category"),
            "family": pd.Categorical.from_codes(
                per_group[group.ngroup().to_numpy()], categories=pd.Index(names)
            ),
            "case_id": steps["case_id"].to_numpy(),
            "elapsed": steps["elapsed_minutes"].to_numpy(dtype=float),
            "breach": steps["breach"].to_numpy(dtype=bool),
            "over": minutes_over_target(steps),
        }
    )
    grouped = frame.groupby(["family", "sop_id"], sort=True, observed=True)
    out = pd.DataFrame(
        {
            "volume": grouped.size(),
            "cases": grouped["case_id"].nunique(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "timed": grouped["elapsed"].count(),
            "breaches": grouped["breach"].sum(),
            "over": grouped["over"].sum(),
        }
    ).reset_index()
    out[["family", "sop_id"]] = out[["family", "sop_id"]].astype(str)
    return _offices._finish_roles(out, verdicts, family_of)


def old_step_breaches(verdicts: analyze.Verdicts, freq: Any) -> pd.Series:
    steps = verdicts.steps
    timed = steps[steps["elapsed_minutes"].notna()]
    period = _trends._period(verdicts.local_dates(timed, "completed_at"), freq)
    frame = pd.DataFrame(
        {"sop_id": timed["sop_id"].astype(str).to_numpy(), "period": period,
         "breach": timed["breach"].to_numpy(dtype=bool)}
    )  # fmt: skip
    return (100.0 * frame.groupby(["sop_id", "period"])["breach"].mean()).rename("step_breach_pct")


def old_as_text(values: pd.Series, *, missing: str | None = None) -> pd.Series:
    if missing is not None:
        return values.astype(object).fillna(missing).astype(str)
    return values.astype(str)


def old_map_figure(pm: analyze.ProcessMap, metric: Any, lang: Any) -> go.Figure:
    """The map's figure with its arrow heads and labels added one at a time."""
    where = _draw._positions(pm)
    figure = go.Figure()
    top = max(int(pm.edges["frequency"].max()), 1) if len(pm.edges) else 1
    texts = pm.edge_text(metric, lang)
    for kind in ("unused", "expected", "deviating"):
        rows = [(r, t) for r, t in zip(_draw._records(pm.edges), texts, strict=True)
                if r["kind"] == kind]  # fmt: skip
        colour = _draw._EDGE_COLOURS[kind]
        for n, (row, text) in enumerate(rows):
            xs, ys = _draw._curve(where[str(row["source"])], where[str(row["target"])])
            figure.add_trace(
                go.Scatter(
                    x=xs, y=ys, mode="lines", hoverinfo="text",
                    line={"color": colour, "width": 1 + 6 * row["frequency"] / top,
                          "dash": "dot" if kind == "unused" else "solid"},
                    text=f"{row['source']} → {row['target']}: {text}",
                    name=label(_draw._EDGE_NAMES[kind], lang), legendgroup=kind,
                    showlegend=n == 0,
                )
            )  # fmt: skip
            figure.add_annotation(
                x=xs[-1], y=ys[-1], ax=xs[-3], ay=ys[-3], xref="x", yref="y", axref="x",
                ayref="y", showarrow=True, arrowhead=2, arrowcolor=colour, text="",
            )  # fmt: skip
            straight = abs(xs[6] - (xs[0] + xs[-1]) / 2) < 1e-9
            figure.add_annotation(
                x=xs[6], y=ys[6], text=text, showarrow=False, font={"size": 10, "color": colour},
                xshift=-8 if straight else 0, xanchor="right" if straight else "center",
            )  # fmt: skip
    _draw._add_nodes(figure, pm, where, metric, lang)
    depth = max(y for _, y in where.values())
    figure.update_layout(
        title=f"{label('title_map', lang)}: {pm.model.title} ({label(metric, lang)})"
        + (f"<br><sup>{_draw._hidden_note(pm, lang)}</sup>" if pm.hidden else ""),
        showlegend=True,
        xaxis={
            "visible": False,
            "range": [
                min(x for x, _ in where.values()) - 1.2,
                max(x for x, _ in where.values()) + 3.0,
            ],
        },
        yaxis={"visible": False, "autorange": "reversed"},
        height=max(420, 90 * (depth + 2)),
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return figure


# ----------------------------------------------------------------------------------------------
# Verdicts to compare on
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> analyze.Verdicts:
    """The five sample logs, loaded and checked as ``make demo`` does."""
    db: Path = tmp_path_factory.mktemp("groups") / "demo.duckdb"
    load_demo(db)
    sopmine.check_store(db=db, as_of=DEMO_AS_OF)
    return sopmine.read_verdicts(db)


@pytest.fixture(scope="module")
def simulated() -> analyze.Verdicts:
    """Two simulated SOPs checked, as the check returns them (not through the store)."""
    results = []
    for sop, seed in (("karimun_sicantik", 3), ("dairi_iumk_oss", 4)):
        run = sopmine.simulate(sop, cases=400, seed=seed)
        results.append(sopmine.check(run.events, run.model))
    return analyze.as_verdicts(results)


def sources(verdicts: analyze.Verdicts) -> list[analyze.Verdicts]:
    """The verdicts, one SOP of them, one month of them, and none of them."""
    sop = sorted(verdicts.models)[0]
    return [
        verdicts,
        verdicts.select(sop_id=sop),
        verdicts.select(period_from="2025-03-01", period_to="2025-03-31"),
        verdicts.select(period_from="2031-01-01"),
    ]


@pytest.fixture(params=["samples", "simulated"])
def verdicts(request: pytest.FixtureRequest) -> analyze.Verdicts:
    chosen: analyze.Verdicts = request.getfixturevalue(request.param)
    return chosen


# ----------------------------------------------------------------------------------------------
# The tables are the previous ones
# ----------------------------------------------------------------------------------------------


def test_the_step_table_is_the_one_grouped_by_pandas(verdicts: analyze.Verdicts) -> None:
    for source in sources(verdicts):
        pd.testing.assert_frame_equal(analyze.analyze_steps(source), old_analyze_steps(source))
        pd.testing.assert_frame_equal(_data.step_ranks(source), old_step_ranks(source))


def test_the_workload_and_role_delays_are_the_ones_grouped_by_pandas(
    verdicts: analyze.Verdicts,
) -> None:
    for source in sources(verdicts):
        for by in ("role", "resource"):
            pd.testing.assert_frame_equal(
                analyze.summarize_workload(source, by=by),
                old_workload(source, by),
            )
        pd.testing.assert_frame_equal(
            analyze.summarize_workload(source, by="resource", pseudonymized=True),
            old_workload(source, "resource", pseudonymized=True),
        )
        pd.testing.assert_frame_equal(analyze.find_role_delays(source), old_role_delays(source))


def test_the_step_breach_share_of_the_headline_figures_is_the_one_of_the_sop_ids_as_text(
    verdicts: analyze.Verdicts,
) -> None:
    for source in sources(verdicts):
        got = _trends._step_breach_pct(source)
        pd.testing.assert_series_equal(got, old_step_breach_pct(source), check_index_type=False)
        kpis = analyze.summarize_kpis(source)
        want = old_step_breach_pct(source).reindex(kpis["sop_id"]).to_numpy()
        np.testing.assert_array_equal(kpis["step_breach_pct"].to_numpy(), want)


def test_the_role_comparison_is_the_one_grouped_by_pandas(verdicts: analyze.Verdicts) -> None:
    for source in sources(verdicts):
        pd.testing.assert_frame_equal(analyze.compare_roles(source), old_compare_roles(source))


def test_the_map_variants_and_trends_are_those_of_the_previous_computations(
    verdicts: analyze.Verdicts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tables(source: analyze.Verdicts) -> list[Any]:
        maps = [analyze.discover_process_map(source, sop_id=s) for s in sorted(source.models)]
        return [
            *(frame for pm in maps for frame in (pm.nodes, pm.edges)),
            analyze.summarize_variants(source),
            analyze.summarize_trends(source),
            analyze.summarize_trends(source, freq="week"),
            analyze.summarize_kpis(source),
        ]

    chosen = sources(verdicts)[:3]
    got = [tables(source) for source in chosen]
    with monkeypatch.context() as old:
        old.setattr(_map, "_edges", old_edges)
        old.setattr(_map, "_nodes", old_nodes)
        old.setattr(_trends, "_step_breaches", old_step_breaches)
        old.setattr(_trends, "as_text", old_as_text)
        old.setattr(_variants, "as_text", old_as_text)
        want = [tables(source) for source in chosen]
    for mine, theirs in zip(got, want, strict=True):
        for a, b in zip(mine, theirs, strict=True):
            pd.testing.assert_frame_equal(a, b)


def test_as_text_is_astype_str() -> None:
    rows = [
        pd.Series(pd.Categorical(["b", "a", "b"])),
        pd.Series(pd.Categorical(["b", None, "a"], categories=["b", "a", "z"])),
        pd.Series(pd.Categorical([3, 1, None])),
        pd.Series(["x", None, "y"], dtype=object),
        pd.Series(pd.Categorical([], categories=["a"])),
    ]
    for values in rows:
        pd.testing.assert_series_equal(as_text(values), old_as_text(values))
        for missing in ("", "-"):
            pd.testing.assert_series_equal(
                as_text(values, missing=missing), old_as_text(values, missing=missing)
            )


def test_the_maps_figure_is_the_one_with_its_labels_added_one_at_a_time(
    samples: analyze.Verdicts,
) -> None:
    for sop in sorted(samples.models):
        pm = analyze.discover_process_map(samples, sop_id=sop)
        for metric, lang, share in (("frequency", "id", 0.01), ("performance", "en", 0.0)):
            got = pm.figure(metric, lang=lang, min_share=share)
            shown = pm.pruned(share)
            assert got.to_json() == old_map_figure(shown, metric, lang).to_json()
            assert len(got.layout.annotations) == 2 * len(shown.edges)


def test_calendar_hours_are_pandas_total_seconds_over_3600() -> None:
    handed = pd.to_datetime(
        ["2025-03-03 01:00:00", None, "2025-03-03 01:00:00", "2025-03-01 23:59:59",
         "2025-03-03 02:00:00"], utc=True
    ).as_unit("us")  # fmt: skip
    done = pd.to_datetime(
        ["2025-03-04 09:30:00", "2025-03-04 09:30:00", None, "2025-03-03 00:00:01",
         "2025-03-03 02:00:00"], utc=True
    ).as_unit("us")  # fmt: skip
    whole = pd.DataFrame({"handover_at": handed, "completed_at": done})
    fractions = whole.assign(completed_at=whole["completed_at"] + pd.Timedelta("333ms"))
    seconds = whole.assign(
        handover_at=whole["handover_at"].dt.as_unit("s"),
        completed_at=whole["completed_at"].dt.as_unit("s"),
    )
    mixed = whole.assign(completed_at=whole["completed_at"].dt.as_unit("ns"))
    for frame in (whole, fractions, seconds, mixed):
        span = frame["completed_at"] - frame["handover_at"]
        want = span.dt.total_seconds().to_numpy() / 3600.0
        np.testing.assert_array_equal(_steps._calendar_hours(frame), want)
    assert _steps._calendar_hours(whole).tolist()[0] == 32.5


# ----------------------------------------------------------------------------------------------
# Groups against pandas' groupby
# ----------------------------------------------------------------------------------------------


def random_frame(seed: int, rows: int) -> pd.DataFrame:
    """Keys with gaps (categorical, text, integers), values with gaps, ties and one-row groups."""
    rng = np.random.default_rng(seed)
    sop = pd.Categorical(rng.choice(["b", "a", "c", None], size=rows, p=[0.45, 0.45, 0.05, 0.05]),
                         categories=["a", "b", "c", "unused"])  # fmt: skip
    step = rng.choice(np.array(["s1", "s2", "s3", "s4", "s5", None], dtype=object), size=rows)
    role = rng.integers(0, 4, size=rows)
    values = np.round(rng.exponential(100.0, size=rows), 1)  # ties
    values[rng.random(rows) < 0.2] = np.nan
    values[(step == "s5") & (np.asarray(sop) == "a")] = np.nan  # a group with no value
    case = pd.Categorical(rng.integers(0, rows // 3 + 1, size=rows).astype(str))
    frame = pd.DataFrame(
        {"sop": sop, "step": step, "role": role, "value": values, "case": case,
         "flag": rng.random(rows) < 0.3}
    )  # fmt: skip
    single = pd.DataFrame(
        {"sop": pd.Categorical(["c"], categories=frame["sop"].cat.categories),
         "step": ["lonely"], "role": [9], "value": [7.25],
         "case": pd.Categorical(["x"]), "flag": [True]}
    )  # fmt: skip
    return pd.concat([frame, single], ignore_index=True)


KEYSETS = (["sop"], ["sop", "step"], ["sop", "step", "role"], ["step", "role"])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("keys", KEYSETS, ids=lambda k: "+".join(k))
@pytest.mark.parametrize("many", [False, True], ids=["radix-partition", "hashed-pandas"])
def test_groups_give_pandas_groupby_figures(
    seed: int, keys: list[str], many: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if many:  # groups numbered by hashing; the order statistics of many groups are pandas'
        monkeypatch.setattr(_groups, "_DENSE", 0)  # own; distinct values hashed
        monkeypatch.setattr(_groups, "_MANY", 0)
        monkeypatch.setattr(_groups, "_FLAGS", 0)
    frame = random_frame(seed, 3_001)
    grouped = frame.groupby(keys, observed=True, sort=False)
    groups = _groups.Groups([frame[k] for k in keys])
    want = grouped.size().reset_index()[keys]
    pd.testing.assert_frame_equal(groups.keys(frame, keys), want, check_column_type=False)
    value = frame["value"].to_numpy()
    np.testing.assert_array_equal(groups.size(), grouped.size().to_numpy())
    np.testing.assert_array_equal(groups.count_valid(value), grouped["value"].count().to_numpy())
    np.testing.assert_array_equal(
        groups.count_true(frame["flag"].to_numpy()), grouped["flag"].sum().to_numpy()
    )
    np.testing.assert_array_equal(groups.distinct(frame["case"]), grouped["case"].nunique())
    for min_count in (0, 1):
        np.testing.assert_array_equal(
            groups.total(value, min_count=min_count).to_numpy(),
            grouped["value"].sum(min_count=min_count).to_numpy(),
        )
    spread = groups.spread(value, quantiles=(0.1, 0.5, 0.9, 0.95), maximum=True)
    np.testing.assert_array_equal(spread["median"], grouped["value"].median().to_numpy())
    for q in (0.1, 0.5, 0.9, 0.95):
        np.testing.assert_array_equal(spread[f"q{q}"], grouped["value"].quantile(q).to_numpy())
    np.testing.assert_array_equal(spread["max"], grouped["value"].max().to_numpy())


def test_groups_of_one_and_two_values_and_of_none() -> None:
    frame = pd.DataFrame(
        {"key": ["one", "two", "two", "none", "none", "three", "three", "three"],
         "value": [5.0, 1.0, 2.0, np.nan, np.nan, 3.0, np.nan, 1.0]}
    )  # fmt: skip
    groups = _groups.Groups([frame["key"]])
    spread = groups.spread(frame["value"].to_numpy(), quantiles=(0.9,), maximum=True)
    assert groups.keys(frame, ["key"])["key"].tolist() == ["one", "two", "none", "three"]
    np.testing.assert_array_equal(spread["median"], [5.0, 1.5, np.nan, 2.0])
    np.testing.assert_array_equal(spread["q0.9"], [5.0, 1.9, np.nan, 2.8])
    np.testing.assert_array_equal(spread["max"], [5.0, 2.0, np.nan, 3.0])


@pytest.mark.parametrize("dense", [True, False])
def test_groups_of_no_rows(dense: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not dense:
        monkeypatch.setattr(_groups, "_DENSE", 0)
    frame = pd.DataFrame({"key": pd.Categorical([], categories=["a"]), "value": []})
    groups = _groups.Groups([frame["key"]])
    assert groups.count == 0
    assert groups.size().tolist() == []
    missing = _groups.Groups([pd.Series(pd.Categorical([None, None], categories=["a"]))])
    assert (missing.count, missing.number.tolist()) == (0, [-1, -1])
    assert groups.spread(frame["value"].to_numpy(dtype=float))["median"].tolist() == []
    assert groups.total(frame["value"].to_numpy(dtype=float)).tolist() == []
    assert groups.keys(frame, ["key"]).empty
