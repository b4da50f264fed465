"""How a file moves between the steps: decisions, returns to the applicant, branches, skips.

SOP tables say it in words more often than in arrows:

- a check of completeness (``jika lengkap ... jika tidak dikembalikan ke pemohon``,
  ``apabila persyaratan lengkap``, ``memeriksa kelengkapan berkas``) is a decision whose
  ``Tidak`` returns the file to the applicant's last step before it (``kind: return``);
- an approval that may refuse (``apabila setuju ... menolak permohonan apabila tidak setuju``)
  ends the case as ``rejected`` on ``Tidak``;
- ``khusus untuk X ... diteruskan ke Y`` skips to Y's step for X;
- a block of two or more rows about the refusal (``Surat Penolakan``) after the main steps
  is the rejection branch: the step before it chooses between it and the steps after it;
- ``jika disetujui`` with no way out for a refusal is only reported.

The Ya/Tidak labels left in the actor columns by the flowchart raise the confidence of a
decision at a step of that column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sopmine.sop.importer._result import Guess
from sopmine.sop.importer._text import normalize

__all__ = ["FlowStep", "StepFlow", "read_flow"]

_IF = r"\b(?:jika|apabila|bila|bilamana|kalau)\b"
_I = re.IGNORECASE
_COMPLETE = re.compile(
    rf"{_IF}\s+(?P<cond>[^,.;]*?\b(?:lengkap|memenuhi syarat|benar)\b[^,.;]*)", _I
)
_CHECKS = re.compile(
    r"\b(?:memeriksa|diperiksa|pemeriksaan|verifikasi|memverifikasi|meneliti)\b"
    r"[^.;]*\bkelengkapan\b",
    _I,
)
_RETURN = re.compile(r"\b(?:dikembalikan|mengembalikan|kembali)\b(?:(?!\bdan\b)[^,.;])*", _I)
_COND_END = re.compile(r"\s+(?:diteruskan|dilanjutkan|maka|petugas|untuk)\b.*", _I)
_REJECT = re.compile(
    rf"\b(?:menolak|ditolak)\b[^,.;]*{_IF}[^,.;]*|{_IF}\s+tidak\s+(?:setuju|"
    r"disetujui)[^,.;]*\b(?:menolak|ditolak)\b[^,.;]*",
    _I,
)
_APPROVE = re.compile(rf"{_IF}\s+(?:disetujui|setuju)\b", _I)
_REFUSAL = re.compile(r"\b(?:penolakan|ditolak|menolak)\b", _I)
_SPECIAL = re.compile(r"\bkhusus(?:\s+untuk|\s+bagi)?\s+", _I)


@dataclass(frozen=True)
class FlowStep:
    """What the flow needs to know of a step."""

    number: int
    description: str
    output: str
    kelengkapan: str
    actor: int
    is_applicant: bool
    mentions: tuple[tuple[int, int, str | None], ...]
    """(where in the text, actor column, the word before it: ke, kepada, ... or None)"""


@dataclass
class StepFlow:
    """The ways out of each step (by step index), the end steps, the clock start."""

    decisions: dict[int, str] = field(default_factory=dict)
    edges: dict[int, list[dict[str, str | int]]] = field(default_factory=dict)
    ends: dict[int, str] = field(default_factory=dict)
    clock_start: int = 0
    guesses: list[Guess] = field(default_factory=list)


def read_flow(steps: list[FlowStep], labels: dict[int, list[tuple[int, str]]]) -> StepFlow:
    """Read the flow of ``steps`` from their text; ``labels`` are Ya/Tidak marks per column."""
    flow = StepFlow()
    for i, _step in enumerate(steps):
        _decision(i, steps, labels, flow)
        _skip(i, steps, flow)
    _rejection_branch(steps, flow)
    last = len(steps) - 1
    if last not in flow.ends and last not in flow.edges:
        flow.ends[last] = "issued"
    flow.clock_start = _clock_start(steps, flow)
    return flow


def _decision(
    i: int, steps: list[FlowStep], labels: dict[int, list[tuple[int, str]]], flow: StepFlow
) -> None:
    step = steps[i]
    text = step.description
    if i + 1 >= len(steps) or step.is_applicant:
        return
    if rejected := _REJECT.search(text):
        flow.decisions[i] = "Disetujui?"
        flow.edges[i] = [
            {"to": i + 1, "label": "Setuju", "condition": _clause(_APPROVE, text) or "disetujui"},
            {"end": "rejected", "label": "Tidak setuju", "condition": rejected[0].strip()},
        ]
        flow.guesses.append(
            Guess(
                step.number,
                "flow",
                "Tidak setuju: end rejected",
                0.7,
                f"the text refuses: '{rejected[0].strip()}'",
            )
        )
        return
    complete, checks = _COMPLETE.search(text), _CHECKS.search(text)
    if complete is None and checks is None:
        if _APPROVE.search(text):
            flow.guesses.append(
                Guess(
                    step.number,
                    "flow",
                    "no refusal modelled",
                    0.6,
                    "the file goes on 'jika disetujui' but the SOP draws no "
                    "way for a refusal; add one if the step can refuse",
                )
            )
        return
    back = next((j for j in range(i - 1, -1, -1) if steps[j].is_applicant), None)
    condition = _COND_END.sub("", complete["cond"]).strip() if complete else "berkas lengkap"
    # "jika tidak lengkap dikembalikan": the question is still whether the file is complete
    condition = re.sub(r"^(?:tidak|belum)\s+", "", condition)
    condition = _RETURN.split(condition)[0].strip() or "berkas lengkap"
    flow.decisions[i] = f"{condition[:1].upper()}{condition[1:]}?"
    edges: list[dict[str, str | int]] = [{"to": i + 1, "label": "Ya", "condition": condition}]
    stated = _RETURN.search(text)
    told = any(label == "Tidak" for label in _labels_of(labels, step.actor))
    if back is None:
        flow.guesses.append(
            Guess(
                step.number,
                "flow",
                "no return modelled",
                0.3,
                "a completeness check, but no earlier step of the Pemohon to send the file back to",
            )
        )
    else:
        edges.append(
            {
                "to": back,
                "label": "Tidak",
                "kind": "return",
                "condition": stated[0].strip()
                if stated
                else "tidak lengkap: kembali ke pemohon untuk dilengkapi",
            }
        )
        confidence = 0.9 if stated else 0.8 if told else 0.6
        how = (
            f"the text says '{stated[0].strip()}'"
            if stated
            else "the way back is not written; a completeness check sends an incomplete file "
            "back to the applicant"
            + (" (a 'Tidak' in the column's flowchart agrees)" if told else "")
        )
        flow.guesses.append(
            Guess(
                step.number,
                "flow",
                f"Tidak: return to step {steps[back].number}",
                confidence,
                f"{how}; the Pemohon's last step before it is {steps[back].number}",
            )
        )
    flow.edges[i] = edges


def _labels_of(labels: dict[int, list[tuple[int, str]]], column: int) -> list[str]:
    return [label for _, label in labels.get(column, [])]


def _clause(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    if match is None:
        return None
    return text[match.start() :].split(",")[0].split(";")[0].strip()


def _skip(i: int, steps: list[FlowStep], flow: StepFlow) -> None:
    text = steps[i].description
    special = _SPECIAL.search(text)
    if special is None or i + 2 >= len(steps):
        return
    after = [(at, c, marker) for at, c, marker in steps[i].mentions if at > special.end()]
    if not after:
        return
    what = text[special.end() : after[0][0]].strip(" ,")
    targets = [c for _, c, marker in after if marker in ("ke", "kepada")]
    target = next((j for j in range(i + 2, len(steps)) if steps[j].actor in targets), None)
    if target is None or not what:
        return
    short = m[1] if (m := re.search(r"\(([A-Z]{2,})\)", what)) else what
    flow.decisions.setdefault(i, f"Permohonan {what}?")
    edges = flow.edges.setdefault(i, [{"to": i + 1, "label": f"Selain {short}"}])
    edges.append(
        {
            "to": target,
            "label": short,
            "kind": "skip",
            "condition": text[special.start() :].split(".")[0].strip(),
        }
    )
    flow.guesses.append(
        Guess(
            steps[i].number,
            "flow",
            f"{short}: skip to step {steps[target].number}",
            0.6,
            f"'{text[special.start() : after[0][0]].strip()}' is forwarded "
            f"to the actor of step {steps[target].number}, past step "
            f"{steps[i + 1].number}",
        )
    )


def _rejection_branch(steps: list[FlowStep], flow: StepFlow) -> None:
    about = [
        bool(_REFUSAL.search(normalize(f"{s.description} {s.output} {s.kelengkapan}")))
        for s in steps
    ]
    i = 1
    while i < len(steps):
        if not about[i]:
            i += 1
            continue
        end = i
        while end + 1 < len(steps) and about[end + 1]:
            end += 1
        if end > i and end + 1 < len(steps) and i - 1 not in flow.edges:
            flow.decisions[i - 1] = "Permohonan disetujui?"
            flow.edges[i - 1] = [
                {
                    "to": i,
                    "label": "Ditolak",
                    "kind": "branch",
                    "condition": f"ditolak: langkah {steps[i].number}-{steps[end].number}",
                },
                {
                    "to": end + 1,
                    "label": "Disetujui",
                    "kind": "branch",
                    "condition": f"disetujui: langkah {steps[end + 1].number} dan seterusnya",
                },
            ]
            flow.ends[end] = "rejected"
            flow.guesses.append(
                Guess(
                    steps[i - 1].number,
                    "flow",
                    f"branch: {steps[i].number}-{steps[end].number} rejected, "
                    f"{steps[end + 1].number}- approved",
                    0.6,
                    f"rows {steps[i].number}-{steps[end].number} are about the refusal "
                    "(Penolakan); the step before them chooses between them and the rest",
                )
            )
        i = end + 1


_RECEIPT = re.compile(r"\b(?:tanda terima|resi|tanda bukti|bukti pendaftaran|berkas lengkap)\b")


def _clock_start(steps: list[FlowStep], flow: StepFlow) -> int:
    for i, step in enumerate(steps):
        if _RECEIPT.search(normalize(f"{step.output} {step.description}")):
            flow.guesses.append(
                Guess(
                    step.number,
                    "clock_start",
                    f"step {step.number}",
                    0.7,
                    "the service clock starts at the first step that gives "
                    "the receipt (tanda terima / resi / berkas lengkap)",
                )
            )
            return i
    decided = sorted(
        i for i, edges in flow.edges.items() if any(e.get("kind") == "return" for e in edges)
    )
    start = decided[0] if decided else 0
    flow.guesses.append(
        Guess(
            steps[start].number,
            "clock_start",
            f"step {steps[start].number}",
            0.4,
            "no step gives a receipt; the clock starts at the first completeness check"
            if decided
            else "no step gives a receipt and none checks completeness; the clock starts at step 1",
        )
    )
    return start
