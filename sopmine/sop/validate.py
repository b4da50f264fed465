"""Cross-reference checks of an SOP model, beyond what each field's type already checks.

Each check returns :class:`~sopmine.errors.ModelProblem` items instead of raising, so that a
model author sees every problem of a file at once (like pandera's lazy validation). The line
of each problem comes from ``locate``, a function from a path in the YAML document (such as
``("steps", 3, "actor")``) to its line number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sopmine.errors import ModelProblem
from sopmine.sop.model import BACKWARD_KINDS

if TYPE_CHECKING:
    from sopmine.sop.model import Edge, SopModel

__all__ = ["Locator", "check_model"]

Locator = Callable[[tuple[str | int, ...]], int | None]


def check_model(model: SopModel, *, file: str, locate: Locator) -> list[ModelProblem]:
    """Every cross-reference problem of ``model``; an empty list when it is sound."""
    problems: list[ModelProblem] = []
    for check in (_duplicates, _references, _flow):
        problems.extend(
            ModelProblem(file=file, line=locate(path), message=msg) for path, msg in check(model)
        )
    return problems


Finding = tuple[tuple[str | int, ...], str]


def _duplicates(model: SopModel) -> Iterator[Finding]:
    for kind, ids in (
        ("actor", [a.id for a in model.actors]),
        ("step", [s.id for s in model.steps]),
    ):
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                yield (f"{kind}s", i, "id"), f"duplicate {kind} id '{item_id}': ids must be unique"
            seen.add(item_id)
    numbers: set[int] = set()
    for i, step in enumerate(model.steps):
        if step.number in numbers:
            yield ("steps", i, "number"), f"duplicate step number {step.number}"
        numbers.add(step.number)


def _references(model: SopModel) -> Iterator[Finding]:
    actors = {a.id for a in model.actors}
    steps = {s.id for s in model.steps}
    for i, step in enumerate(model.steps):
        for field, ref in [("actor", step.actor), *(("co_actors", c) for c in step.co_actors)]:
            if ref not in actors:
                yield ("steps", i, field), _unknown("actor", ref, f"step '{step.id}'", actors)
        for j, nxt in enumerate(step.next or ()):
            if nxt.to is not None and nxt.to not in steps:
                yield ("steps", i, "next", j, "to"), _unknown("step", nxt.to, step.id, steps)
    sla = model.sla
    if sla.clock_start not in steps:
        yield ("sla", "clock_start"), _unknown("step", sla.clock_start, "sla.clock_start", steps)
    for k, pair in enumerate(sla.segregation_of_duties):
        for field in ("first", "second"):
            ref = getattr(pair, field)
            if ref not in steps:
                where = "segregation_of_duties"
                yield (
                    ("sla", "segregation_of_duties", k, field),
                    _unknown("step", ref, where, steps),
                )


def _unknown(kind: str, ref: str, where: str, known: set[str]) -> str:
    return f"unknown {kind} '{ref}' in {where}; known {kind}s: {', '.join(sorted(known))}"


def _flow(model: SopModel) -> Iterator[Finding]:
    steps = {s.id for s in model.steps}
    if not steps:
        yield ("steps",), "the model has no steps"
        return
    index = {s.id: i for i, s in enumerate(model.steps)}
    edges: list[Edge] = [e for e in model.edges if e.target is None or e.target in steps]
    if not any(e.target is None for e in edges):
        yield ("steps",), "no end step: mark the last step(s) with 'end: issued' or 'end: rejected'"
    reachable = _reach(model.start, {(e.source, e.target) for e in edges if e.target})
    for step in model.steps:
        if step.id not in reachable:
            yield ("steps", index[step.id]), f"step '{step.id}' is unreachable from the start step"
    yield from _dead_ends(model, edges, index)
    yield from _undeclared_cycles(model, edges, index)


def _reach(start: str, pairs: set[tuple[str, str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for source, target in pairs:
            if source == node and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _dead_ends(model: SopModel, edges: list[Edge], index: dict[str, int]) -> Iterator[Finding]:
    reversed_pairs = {(e.target, e.source) for e in edges if e.target}
    finishing = {e.source for e in edges if e.target is None}
    can_finish: set[str] = set()
    for node in finishing:
        can_finish |= _reach(node, reversed_pairs)
    for step in model.steps:
        if step.id not in can_finish:
            yield ("steps", index[step.id]), f"no end can be reached from step '{step.id}'"


def _undeclared_cycles(
    model: SopModel, edges: list[Edge], index: dict[str, int]
) -> Iterator[Finding]:
    number = {s.id: s.number for s in model.steps}
    forward = {(e.source, e.target) for e in edges if e.target and e.kind not in BACKWARD_KINDS}
    backward = {
        (e.source, e.target, e.kind) for e in edges if e.target and e.kind in BACKWARD_KINDS
    }
    for source, target in sorted(forward):
        if number[target] <= number[source] and source in _reach(target, forward):
            yield (
                ("steps", index[source], "next"),
                f"the flow from '{source}' to '{target}' closes a cycle that is not declared: "
                "give that edge 'kind: loop' (rework) or 'kind: return' (back to the applicant)",
            )
    for source, target, kind in sorted(backward):
        if source not in _reach(target, forward):
            yield (
                ("steps", index[source], "next"),
                f"the edge from '{source}' to '{target}' is declared '{kind}' but closes no "
                "cycle: drop its 'kind' or point it back to an earlier step",
            )
