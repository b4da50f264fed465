"""Who performs each step: from the marks in the actor columns, else from the step's text.

The evidence, strongest first:

1. a mark (a box, or an arrow when no box survives) in an actor column, confirmed by the text;
2. a single mark, even when the text names someone else (the author drew it; the one named
   becomes a co-actor);
3. the actor the text names as acting: its subject, or ``oleh X``;
4. what the step does, when it names no one: signing is the Kepala Dinas', numbering outgoing
   letters the Kasubbag Umum's, field inspection and recommendation the Tim Teknis', initials
   (paraf) go up the officials in column order;
5. a column marked in nearly every row (a line of the flowchart, not a step's mark);
6. the previous step's actor.

Everything below 1 is a guess, with a confidence and a reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sopmine.sop.importer._layout import RawStep
from sopmine.sop.importer._result import Guess
from sopmine.sop.importer._roles import Column, Mention, find_mentions
from sopmine.sop.importer._text import clean_text, mark_kind, normalize

__all__ = ["ActorChoice", "ActorReading", "read_actors"]

#: What a step does, when its text names no one: (start of the text, role, the duty in words).
_DUTIES: tuple[tuple[str, str, str], ...] = (
    (r"(pemberian |membubuhkan |memberi(kan)? )?paraf|memaraf", "paraf", "initialling (paraf)"),
    (
        r"penandatangan|menandatangan|tanda tangan|ttd|tte|pengesahan|mengesahkan|penetapan"
        r"|menetapkan",
        "kadis",
        "signing",
    ),
    (
        r"penomoran|memberikan nomor|pemberian nomor|menomori|pengagendaan",
        "ksb_umum",
        "numbering outgoing letters",
    ),
    (
        r"peninjauan|survei|survey|pemeriksaan lapangan|cek lapangan|inspeksi|pemberian rekomendasi"
        r"|memberikan rekomendasi|penerbitan rekomendasi|menerbitkan rekomendasi",
        "tim_teknis",
        "field inspection and recommendation",
    ),
    (
        r"menerima dan memeriksa|penerimaan berkas|pemeriksaan kelengkapan|memeriksa kelengkapan"
        r"|memberikan resi|pemberian resi|penyampaian|menyampaikan surat|penyerahan|menyerahkan",
        "front_office",
        "the counter's work",
    ),
    (
        r"pengambilan|mengambil|pengisian skm|mengisi|pengajuan|mengajukan|menyampaikan permohonan"
        r"|mengunggah|registrasi",
        "pemohon",
        "the applicant's own act",
    ),
    (
        r"verifikasi|validasi|entri|input|mencetak|pencetakan|cetak|pembuatan|membuat|memproses"
        r"|proses",
        "back_office",
        "processing the file",
    ),
)
_OFFICIALS = ("kasi", "sub_koordinator", "kabid", "koordinator", "sekretaris")
_HANDOVER = re.compile(r"menyerahkan|menyampaikan|penyerahan|penyampaian|diserahkan|disampaikan")


@dataclass(frozen=True)
class ActorChoice:
    """The actor of one step (a column index), its co-actors, and how sure the reading is."""

    actor: int
    co_actors: tuple[int, ...]
    inferred: bool
    reason: str | None
    confidence: float


@dataclass
class ActorReading:
    """Every step's actor, the aliases learned from the text, and notes on the marks."""

    choices: list[ActorChoice] = field(default_factory=list)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    labels: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    guesses: list[Guess] = field(default_factory=list)


@dataclass(frozen=True)
class _Evidence:
    primary: tuple[int, ...]
    suspect: tuple[int, ...]
    agents: tuple[tuple[int, Mention], ...]
    how: dict[int, str]
    others: tuple[int, ...]
    duty: tuple[str, str] | None


def _suspect_columns(steps: tuple[RawStep, ...], n_columns: int) -> set[int]:
    """Columns marked in more than two thirds of the rows: a flowchart line, not marks."""
    counts = [
        sum(mark_kind(s.marks[c]) in ("box", "arrow") for s in steps) for c in range(n_columns)
    ]
    limit = max(5, math.ceil(len(steps) * 2 / 3))
    return {c for c, n in enumerate(counts) if n >= limit}


def read_actors(steps: tuple[RawStep, ...], columns: tuple[Column, ...]) -> ActorReading:
    """Choose the actor of every step (see the module docstring for the order of evidence)."""
    reading = ActorReading()
    suspect = _suspect_columns(steps, len(columns))
    for c in sorted(suspect):
        count = sum(mark_kind(s.marks[c]) in ("box", "arrow") for s in steps)
        reading.notes.append(
            f"Column '{columns[c].title}' is marked in {count} of {len(steps)} rows: read as a "
            "line of the flowchart, not as each step's actor; those steps' actors are read "
            "from their text, their duty, or that column as a last resort."
        )
    learned: dict[str, int] = {}
    previous: int | None = None
    for position, step in enumerate(steps):
        _note_marks(step, columns, reading)
        evidence = _evidence(step, columns, suspect, previous, learned, reading)
        choice = _choose(step, evidence, columns, previous, steps, position)
        reading.choices.append(choice)
        if choice.inferred or choice.confidence < 1:
            reading.guesses.append(
                Guess(
                    step.number,
                    "actor",
                    columns[choice.actor].title,
                    choice.confidence,
                    choice.reason or "",
                )
            )
        previous = choice.actor
    return reading


def _note_marks(step: RawStep, columns: tuple[Column, ...], reading: ActorReading) -> None:
    odd = []
    for c, raw in enumerate(step.marks):
        kind = mark_kind(raw)
        if kind in ("label", "arrow") and (words := clean_text(raw)):
            for word in words.split():
                reading.labels.setdefault(c, []).append((step.number, word.capitalize()))
        if kind in ("text", "stray"):
            odd.append(f"'{clean_text(raw) or raw.strip()}' under {columns[c].title}")
    if odd:
        reading.notes.append(
            f"Step {step.number}: {' and '.join(odd)} read as noise of the extraction, "
            "not as actor marks."
        )
    if not step.aligned:
        reading.notes.append(
            f"Step {step.number} ({step.where}) has a different number of cells from the "
            "header: its Kelengkapan, Waktu and Output are read from where its Waktu is, and "
            "its actor cells are not trusted."
        )


def _evidence(
    step: RawStep,
    columns: tuple[Column, ...],
    suspect: set[int],
    previous: int | None,
    learned: dict[str, int],
    reading: ActorReading,
) -> _Evidence:
    kinds = [mark_kind(m) if step.aligned else "empty" for m in step.marks]
    boxes = tuple(c for c, k in enumerate(kinds) if k == "box" and c not in suspect)
    arrows = tuple(c for c, k in enumerate(kinds) if k == "arrow" and c not in suspect)
    primary = boxes or arrows
    mentions = find_mentions(step.description, columns)
    how: dict[int, str] = {}
    resolved = [
        (_resolve(m, primary, previous, learned, columns, reading, how), m) for m in mentions
    ]
    agents = sorted(
        ((c, m) for c, m in resolved if m.is_agent), key=lambda cm: cm[1].marker != "oleh"
    )
    handover = bool(_HANDOVER.search(step.description.casefold()))
    others = tuple(
        c
        for c, m in resolved
        if m.marker in ("koordinasi", "berkoordinasi", "bersama")
        or (handover and m.marker in ("ke", "kepada"))
    )
    text = normalize(step.description)
    duty = next(
        ((role, words) for rx, role, words in _DUTIES if re.match(rf"(?:{rx})\w*\b", text)), None
    )
    return _Evidence(
        primary=primary,
        suspect=tuple(c for c in sorted(suspect) if kinds[c] in ("box", "arrow")),
        agents=tuple(agents),
        how=how,
        others=others,
        duty=duty,
    )


def _resolve(
    mention: Mention,
    primary: tuple[int, ...],
    previous: int | None,
    learned: dict[str, int],
    columns: tuple[Column, ...],
    reading: ActorReading,
    how: dict[int, str],
) -> int:
    """The one column a mention means; several columns may share its words (Loket 2, 4, 5)."""
    candidates = mention.columns
    chosen: int | None = None
    them = " or ".join(columns[c].title for c in candidates)
    said = f"'{mention.text} ({mention.qualifier})'" if mention.qualifier else f"'{mention.text}'"
    if len(candidates) == 1:
        chosen = candidates[0]
    elif mention.qualifier in learned:
        how[mention.start] = (
            f"{said} was read as {columns[learned[mention.qualifier]].title} before"
        )
        return learned[mention.qualifier]
    elif marked := [c for c in candidates if c in primary]:
        chosen = marked[0]
    elif mention.qualifier and (
        titled := [c for c in candidates if mention.qualifier in normalize(columns[c].title)]
    ):
        chosen = titled[0]
    else:
        after = [c for c in candidates if previous is None or c >= previous]
        chosen = after[0] if after else candidates[-1]
        how[mention.start] = (
            f"{said} may be {them}; the first at or after the previous step's column is taken"
        )
    if mention.qualifier and mention.qualifier not in learned and len(candidates) > 1:
        learned[mention.qualifier] = chosen
        reading.aliases.setdefault(chosen, []).append(_qualifier_text(mention))
    return chosen


def _qualifier_text(mention: Mention) -> str:
    return " ".join(w.capitalize() if len(w) > 3 else w for w in (mention.qualifier or "").split())


def _choose(
    step: RawStep,
    ev: _Evidence,
    columns: tuple[Column, ...],
    previous: int | None,
    steps: tuple[RawStep, ...],
    position: int,
) -> ActorChoice:
    title = [c.title for c in columns]
    agent, mention = ev.agents[0] if ev.agents else (None, None)
    named = f"the text names '{mention.text}'" if mention else ""

    def made(actor: int, inferred: bool, confidence: float, reason: str | None) -> ActorChoice:
        named_agent = [agent] if agent is not None and ev.primary else []
        co = [c for c in sorted({*ev.primary, *named_agent, *ev.others}) if c != actor]
        return ActorChoice(actor, tuple(co), inferred, reason, confidence)

    if ev.primary:
        marks = ", ".join(title[c] for c in ev.primary)
        if agent in ev.primary:
            return made(agent, False, 1.0, None)
        if len(ev.primary) == 1:
            if agent is None:
                return made(ev.primary[0], False, 1.0, None)
            return made(
                ev.primary[0],
                False,
                0.6,
                f"the mark is under {marks} but {named}; the mark is taken, "
                f"{title[agent]} is a co-actor",
            )
        duty = _duty_column(ev.duty, columns, steps, position)
        if duty in ev.primary:
            return made(
                duty,
                False,
                0.6,
                f"marks under {marks}; {ev.duty[1] if ev.duty else ''} is the {title[duty]}'s",
            )
        office = [c for c in ev.primary if columns[c].role != "pemohon"] or list(ev.primary)
        return made(
            office[0],
            False,
            0.5,
            f"marks under {marks} and the text names none of them; the first office "
            "column is taken (the office answers for the step's time)",
        )
    if agent is not None and mention is not None:
        if mention.start in ev.how:
            return made(agent, True, 0.5, f"no mark survives; {ev.how[mention.start]}")
        via_role = tuple(normalize(mention.text).split()) not in _own_phrases(columns[agent])
        how = f" (the role table reads it as '{title[agent]}')" if via_role else ""
        return made(agent, True, 0.7 if via_role else 0.8, f"no mark survives; {named}{how}")
    duty = _duty_column(ev.duty, columns, steps, position)
    if duty is not None and ev.duty is not None:
        return made(
            duty,
            True,
            0.4 if ev.duty[0] == "paraf" else 0.5,
            f"no mark survives and the text names no actor; {ev.duty[1]} is usually "
            f"the {title[duty]}'s",
        )
    if ev.suspect:
        return made(
            ev.suspect[0],
            True,
            0.4,
            f"only the mark under {title[ev.suspect[0]]} survives, a column marked in "
            "nearly every row; taken for want of better evidence",
        )
    fallback = previous if previous is not None else 0
    return made(
        fallback,
        True,
        0.2,
        f"nothing in the row names the actor; {title[fallback]} "
        f"({'the previous step' if previous is not None else 'the first column'}) "
        "is assumed",
    )


def _own_phrases(column: Column) -> set[tuple[str, ...]]:
    parts = [normalize(p).split() for p in re.split(r"[/\\]", column.title)]
    own = {tuple(p[:n]) for p in parts for n in range(1, len(p) + 1)}
    return own | {tuple(normalize(column.title).split())}


def _duty_column(
    duty: tuple[str, str] | None,
    columns: tuple[Column, ...],
    steps: tuple[RawStep, ...],
    position: int,
) -> int | None:
    if duty is None:
        return None
    if duty[0] != "paraf":
        return next((c for c, col in enumerate(columns) if col.role == duty[0]), None)
    officials = [c for c, col in enumerate(columns) if col.role in _OFFICIALS]
    if not officials:
        return None
    first = position
    while first > 0 and _is_paraf(steps[first - 1]):
        first -= 1
    last = position
    while last + 1 < len(steps) and _is_paraf(steps[last + 1]):
        last += 1
    run = last - first + 1
    index = len(officials) - run + (position - first)
    return officials[min(max(index, 0), len(officials) - 1)]


def _is_paraf(step: RawStep) -> bool:
    return bool(re.match(rf"(?:{_DUTIES[0][0]})\b", normalize(step.description)))
