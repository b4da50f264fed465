"""SOP flows as text diagrams: Graphviz DOT and Mermaid, for docs, the CLI and the dashboard.

Steps are boxes labelled with their number, name, actor and Waktu; decisions are labelled
edges; ``return`` edges (back to the applicant) are dashed, ``skip`` edges dotted; each end
outcome is a terminal node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sopmine.sop.model import Edge, SopModel, Step

__all__ = ["to_dot", "to_mermaid"]

_END_NAMES = {"issued": "Izin terbit", "rejected": "Ditolak"}


def _step_label(model: SopModel, step: Step) -> str:
    actor = model.actor(step.actor).name
    return f"{step.number}. {step.name}\\n{actor} · {step.waktu}"


def _edge_text(edge: Edge) -> str:
    return edge.label or ""


def to_dot(model: SopModel) -> str:
    """Graphviz DOT text of the model's flow.

    >>> from sopmine import load_sop
    >>> to_dot(load_sop("rohil_orsos")).splitlines()[0]
    'digraph "rohil_orsos" {'
    """
    lines = [
        f'digraph "{model.id}" {{',
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef4fb", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  start [shape=circle, label="", width=0.25, fillcolor="#333333"];',
    ]
    lines += [f'  "{s.id}" [label="{_esc(_step_label(model, s))}"];' for s in model.steps]
    lines.append(f'  start -> "{model.start}";')
    for outcome in _outcomes(model):
        name = _END_NAMES.get(outcome, outcome)
        lines.append(
            f'  "end_{outcome}" [shape=doublecircle, label="{name}", fillcolor="#ffffff"];'
        )
    for edge in model.edges:
        target = f"end_{edge.outcome}" if edge.target is None else edge.target
        style = {"return": "dashed", "loop": "dashed", "skip": "dotted"}.get(edge.kind, "solid")
        lines.append(
            f'  "{edge.source}" -> "{target}" [label="{_esc(_edge_text(edge))}", style={style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(model: SopModel) -> str:
    """Mermaid flowchart text of the model's flow (renders on GitHub and in many editors).

    >>> from sopmine import load_sop
    >>> to_mermaid(load_sop("rohil_orsos")).splitlines()[0]
    'flowchart TD'
    """
    lines = ["flowchart TD", "  start((start))"]
    for step in model.steps:
        label = _step_label(model, step).replace("\\n", "<br/>")
        lines.append(f'  {step.id}["{_mermaid_esc(label)}"]')
    lines.append(f"  start --> {model.start}")
    for outcome in _outcomes(model):
        lines.append(f"  end_{outcome}((({_END_NAMES.get(outcome, outcome)})))")
    for edge in model.edges:
        target = f"end_{edge.outcome}" if edge.target is None else edge.target
        arrow = "-.->" if edge.kind in ("return", "loop", "skip") else "-->"
        text = _edge_text(edge)
        label = f'|"{_mermaid_esc(text)}"|' if text else ""
        lines.append(f"  {edge.source} {arrow}{label} {target}")
    return "\n".join(lines) + "\n"


def _outcomes(model: SopModel) -> list[str]:
    return sorted({e.outcome for e in model.edges if e.outcome is not None})


def _esc(text: str) -> str:
    return text.replace('"', '\\"')


def _mermaid_esc(text: str) -> str:
    return text.replace('"', "#quot;")
