"""SOP models as pm4py Petri nets: the net's language is exactly the model's paths."""

from __future__ import annotations

import itertools

import pytest

from sopmine import SopModel, load_sop
from sopmine.pm4py_bridge import align_traces, to_petri_net
from sopmine.sop import enumerate_paths


def _net_language(model: SopModel, max_len: int) -> set[tuple[str, ...]]:
    """Every label sequence of at most ``max_len`` that takes the net from source to sink.

    The net is a state machine (one token), so a marking is the one marked place.
    """
    anet = to_petri_net(model)
    arcs = [
        (next(iter(t.in_arcs)).source.name, t.label, next(iter(t.out_arcs)).target.name)
        for t in anet.net.transitions
    ]
    assert all(len(t.in_arcs) == 1 and len(t.out_arcs) == 1 for t in anet.net.transitions)
    assert all(t.label is not None for t in anet.net.transitions)  # no silent transitions
    language: set[tuple[str, ...]] = set()
    frontier: list[tuple[str, tuple[str, ...]]] = [("source", ())]
    while frontier:
        place, seq = frontier.pop()
        if place == "sink":
            language.add(seq)
            continue
        if len(seq) < max_len:
            frontier += [(after, (*seq, label)) for before, label, after in arcs if before == place]
    return language


def _model_accepts(model: SopModel, seq: tuple[str, ...]) -> bool:
    """Walk the model's own edges: the reference the net is compared with."""
    pairs = {(e.source, e.target) for e in model.edges}
    if not seq or seq[0] != model.start:
        return False
    return (
        all((a, b) in pairs for a, b in itertools.pairwise(seq))
        and (
            seq[-1],
            None,
        )
        in pairs
    )


def test_net_language_equals_model_paths(model: SopModel) -> None:
    acyclic = [path for path, _ in enumerate_paths(model)]
    bound = max(len(p) for p in acyclic) + 2
    net_language = _net_language(model, bound)
    assert net_language, "the net accepts no sequence"
    assert all(_model_accepts(model, seq) for seq in net_language)
    model_paths = {p for p, _ in enumerate_paths(model, max_loops=1) if len(p) <= bound}
    assert model_paths <= net_language
    assert set(acyclic) <= net_language


def test_every_path_replays_with_fitness_one(model: SopModel) -> None:
    paths = [path for path, _ in enumerate_paths(model, max_loops=1)]
    alignments = align_traces(paths, model)
    assert [a.fitness for a in alignments] == [1.0] * len(paths)
    assert all(a.cost == 0 for a in alignments)


def test_skipped_and_swapped_steps_lower_fitness(model: SopModel) -> None:
    path = next(p for p, outcome in enumerate_paths(model) if outcome == "issued")
    middle = len(path) // 2
    skipped = path[:middle] + path[middle + 1 :]
    swapped = (*path[: middle - 1], path[middle], path[middle - 1], *path[middle + 1 :])
    skip, swap = align_traces([skipped, swapped], model)
    # pm4py's fitness: 1 - cost / cost of the worst alignment (all log moves + shortest run).
    shortest = min(len(p) for p, _ in enumerate_paths(model))
    assert skip.fitness == pytest.approx(1 - 1 / (len(skipped) + shortest), abs=1e-12)
    assert swap.fitness == pytest.approx(1 - 2 / (len(swapped) + shortest), abs=1e-12)
    assert (path[middle], ">>") in [(m, log) for log, m in skip.moves]


def test_rejection_and_skip_paths_are_in_the_net() -> None:
    orsos = load_sop("rohil_orsos")
    sip = [p for p, _ in enumerate_paths(orsos) if orsos.steps[3].id not in p]
    assert len(sip) == 1
    assert align_traces(sip, orsos)[0].fitness == 1.0
    dairi = load_sop("dairi_iumk_oss")
    rejected = next(p for p, outcome in enumerate_paths(dairi) if outcome == "rejected")
    assert [dairi.step(s).number for s in rejected] == [*range(1, 16)]
    assert align_traces([rejected], dairi)[0].fitness == 1.0
