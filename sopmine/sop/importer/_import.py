"""``import_sop``: from an SOP document to a draft model and the list of its guesses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sopmine.errors import SopModelError
from sopmine.sop.importer._actors import ActorReading, read_actors
from sopmine.sop.importer._draft import render_draft
from sopmine.sop.importer._errors import SopImportError
from sopmine.sop.importer._flow import FlowStep, StepFlow, read_flow
from sopmine.sop.importer._header import read_header
from sopmine.sop.importer._layout import Layout, RawStep, find_layout
from sopmine.sop.importer._result import GUESS_FIELDS, Guess, SopHeader, SopImport
from sopmine.sop.importer._roles import Column, column_ids, find_mentions, read_columns
from sopmine.sop.importer._table import read_grid
from sopmine.sop.importer._text import normalize, parse_waktu, slugify, split_items
from sopmine.sop.loader import parse_sop

__all__ = ["import_sop"]

_STOP = frozenset(
    [
        "dan",
        "yang",
        "ke",
        "kepada",
        "di",
        "untuk",
        "dengan",
        "melalui",
        "pada",
        "serta",
        "atau",
        "dari",
        "akan",
        "dapat",
        "oleh",
        "sudah",
    ]
)


def import_sop(path: str | Path, *, model_id: str | None = None) -> SopImport:
    """Read an SOP table (``.txt`` extracted text, ``.docx`` or ``.xlsx``) into a draft model.

    The draft loads as a :class:`~sopmine.sop.SopModel`; what could not be read for certain
    (actors from the text, the flow, the time zone, ...) is in ``guesses`` and in the YAML
    as ``# check (confidence):`` comments. Raises :class:`SopImportError` when the file
    cannot be read or holds no SOP step table.

    >>> from pathlib import Path
    >>> table = Path(getfixture("tmp_path")) / "sop.txt"
    >>> _ = table.write_text(
    ...     "PEMERINTAH KOTA BATAM\\nProsedur Izin Reklame\\n"
    ...     "No\\tUraian Prosedur\\tPemohon\\tFront Office\\tKelengkapan\\tWaktu\\tOutput\\n"
    ...     "1\\tPemohon mengajukan permohonan\\t[]\\t\\tFormulir\\t10 Menit\\tBerkas\\n"
    ...     "2\\tFront Office memeriksa berkas, jika tidak lengkap dikembalikan ke pemohon"
    ...     "\\t\\t[]\\tBerkas\\t1 Jam\\tTanda Terima\\n"
    ...     "3\\tFront Office menyerahkan izin\\t\\t[]\\tIzin\\t5 Menit\\tIzin\\n",
    ...     encoding="utf-8")
    >>> draft = import_sop(table)
    >>> draft.model.office.timezone, [str(s.waktu) for s in draft.model.steps]
    ('Asia/Jakarta', ['10 Menit', '1 Jam', '5 Menit'])
    >>> [(e.source, e.target, e.kind) for e in draft.model.edges if e.kind == "return"]
    [('memeriksa_berkas', 'mengajukan_permohonan', 'return')]
    """
    source = Path(path)
    grid = read_grid(source)
    layout = find_layout(grid, file=str(source))
    steps, notes, guesses = _unique_steps(layout)
    columns = read_columns(layout.actors)
    actors = read_actors(steps, columns)
    body = [s.description for s in steps] + [s.output for s in steps]
    header, header_guesses = read_header(layout.header, body, file=source.name)
    flow = read_flow(_flow_steps(steps, columns, actors), actors.labels)
    waktu, waktu_guesses = _waktu(steps, layout)
    outputs, output_guesses = _outputs(steps)
    guesses = (
        header_guesses + guesses + actors.guesses + waktu_guesses + output_guesses + flow.guesses
    )
    guesses.sort(key=lambda g: (g.step or 0, GUESS_FIELDS.index(g.field)))
    data = _model_data(
        header,
        columns,
        actors,
        steps,
        flow,
        waktu,
        outputs,
        model_id=model_id,
        seed=source.name,
        notes=[*grid.notes, *layout.notes, *notes, *actors.notes],
    )
    counts = {
        "actors read from the text": sum(c.inferred for c in actors.choices),
        "other guesses": len(guesses) - sum(c.inferred for c in actors.choices),
    }
    text = render_draft(data, guesses, file=source.name, counts=counts)
    try:
        model = parse_sop(text, file=f"draft of {source.name}")
    except SopModelError as exc:  # the importer's own bug: say so, with the problems
        raise SopImportError(
            f"{source}: the draft does not validate (a bug in the importer, please report it "
            f"with the file):\n{exc}"
        ) from exc
    return SopImport(source, model, text, header, tuple(guesses))


def _unique_steps(layout: Layout) -> tuple[tuple[RawStep, ...], list[str], list[Guess]]:
    """Steps by number, each number once: a repeated number (page break) keeps its first row."""
    seen: dict[int, RawStep] = {}
    notes: list[str] = []
    guesses: list[Guess] = []
    for step in layout.steps:
        first = seen.get(step.number)
        if first is None:
            seen[step.number] = step
        elif first.description == step.description:
            notes.append(f"{step.where}: step {step.number} repeated (a page break); skipped.")
        else:
            guesses.append(
                Guess(
                    step.number,
                    "table",
                    f"{first.where} kept",
                    0.3,
                    f"step number {step.number} is also at {step.where} with "
                    f"other text ('{step.description[:60]}'); that row is left "
                    "out: renumber it and add it by hand if it is a step",
                )
            )
    ordered = tuple(sorted(seen.values(), key=lambda s: s.number))
    if [s.number for s in ordered] != [s.number for s in seen.values()]:
        notes.append("The steps are not numbered in the order of the rows; read by number.")
    return ordered, notes, guesses


def _flow_steps(
    steps: tuple[RawStep, ...], columns: tuple[Column, ...], actors: ActorReading
) -> list[FlowStep]:
    result = []
    for step, choice in zip(steps, actors.choices, strict=True):
        mentions = tuple(
            (m.start, m.columns[0] if len(m.columns) == 1 else -1, m.marker)
            for m in find_mentions(step.description, columns)
        )
        result.append(
            FlowStep(
                number=step.number,
                description=step.description,
                output=step.output,
                kelengkapan=step.kelengkapan,
                actor=choice.actor,
                is_applicant=columns[choice.actor].role == "pemohon",
                mentions=mentions,
            )
        )
    return result


def _waktu(steps: tuple[RawStep, ...], layout: Layout) -> tuple[list[dict[str, Any]], list[Guess]]:
    result: list[dict[str, Any]] = []
    guesses: list[Guess] = []
    for step in steps:
        parsed = parse_waktu(step.waktu, default_unit=layout.waktu_unit)
        if parsed is None:
            result.append({"value": 1, "unit": "hari"})
            guesses.append(
                Guess(
                    step.number,
                    "waktu",
                    "1 Hari",
                    0.0,
                    f"the Waktu cell ('{step.waktu.strip()}') has no time; 1 Hari "
                    "is written so that the draft loads: write the SOP's Waktu",
                )
            )
            continue
        value = int(parsed.value) if parsed.value.is_integer() else parsed.value
        result.append({"value": value, "unit": parsed.unit})
        if parsed.note:
            guesses.append(
                Guess(step.number, "waktu", f"{parsed.value:g} {parsed.unit}", 0.6, parsed.note)
            )
    return result, guesses


def _outputs(steps: tuple[RawStep, ...]) -> tuple[list[str], list[Guess]]:
    """Outputs as written; the document's last cell, cut mid-word, completed from another."""
    outputs = [s.output for s in steps]
    last = outputs[-1] if outputs else ""
    whole = sorted({o for o in outputs[:-1] if o.startswith(last) and len(o) > len(last)})
    if last and len(whole) == 1 and whole[0][len(last)].isalpha():
        numbers = [str(s.number) for s, o in zip(steps, outputs, strict=True) if o == whole[0]]
        outputs[-1] = whole[0]
        return outputs, [
            Guess(
                steps[-1].number,
                "output",
                whole[0],
                0.6,
                f"the document's last cell is cut ('{last}'); completed to "
                f"'{whole[0]}', the Output of step{'s' if len(numbers) > 1 else ''}"
                f" {', '.join(numbers)}",
            )
        ]
    return outputs, []


_CLAUSE_END = re.compile(
    r"[,.;:(]|\s(?:jika|apabila|untuk|serta|sesuai|oleh|melalui|dengan|atau|pada|yang"
    r"|dan\s+(?:meneruskan|diteruskan|dilanjutkan|seterusnya))\s",
    re.IGNORECASE,
)


def _step_name(step: RawStep, columns: tuple[Column, ...]) -> str:
    """A short name: the step's first clause without its subject (``Petugas X``)."""
    text = step.description
    mentions = find_mentions(text, columns)
    before = (
        normalize(text[: mentions[0].start]).replace("petugas", "").strip() if mentions else "x"
    )
    if mentions and mentions[0].is_agent and not before:
        text = text[mentions[0].end :]
        words = text.split()
        # the rest of a long title ("Sub Koordinatar Penyelenggaraan Perzinan memverifikasi")
        while len(words) > 1 and words[0][:1].isupper() and any(w.islower() for w in words[:4]):
            words = words[1:]
        text = " ".join(words)
    text = re.sub(r"^\s*(?:akan|dapat|melakukan)\s+", "", text, flags=re.IGNORECASE)
    words = _CLAUSE_END.split(text)[0].split()[:6]
    while words and words[-1].casefold() in _STOP:
        words.pop()
    name = " ".join(words or step.description.split()[:6]) or f"Langkah {step.number}"
    return name[:1].upper() + name[1:]


def _step_names(steps: tuple[RawStep, ...], columns: tuple[Column, ...]) -> list[str]:
    return [_step_name(step, columns) for step in steps]


def _step_ids(names: list[str]) -> list[str]:
    ids: list[str] = []
    for name in names:
        words = [w for w in normalize(name).split() if w not in _STOP]
        base = slugify(" ".join(words), max_words=4)
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}_{n}", n + 1
        ids.append(candidate)
    return ids


def _office(header: SopHeader) -> dict[str, Any]:
    return {
        "name": header.office_name,
        "regency": header.regency,
        "province": header.province,
        "timezone": header.timezone,
    }


def _notes(header: SopHeader, notes: list[str]) -> list[str]:
    labelled = [
        ("Keterkaitan", header.related),
        ("Peralatan/Perlengkapan", header.equipment),
        ("Peringatan", header.warnings),
    ]
    items = [f"{label}: {'; '.join(values)}" for label, values in labelled if values]
    return [*(f"{key}: {value}" for key, value in header.other), *items, *notes]


def _model_data(
    header: SopHeader,
    columns: tuple[Column, ...],
    actors: ActorReading,
    steps: tuple[RawStep, ...],
    flow: StepFlow,
    waktu: list[dict[str, Any]],
    outputs: list[str],
    *,
    model_id: str | None,
    seed: str,
    notes: list[str],
) -> dict[str, Any]:
    ids = column_ids(columns)
    names = _step_names(steps, columns)
    repeated = {name for name in names if names.count(name) > 1}
    names = [
        f"{name} ({columns[actors.choices[i].actor].title})" if name in repeated else name
        for i, name in enumerate(names)
    ]
    step_ids = _step_ids(names)
    place = re.sub(r"^(Kabupaten|Kota)\s+", "", header.regency or "")
    return {
        "schema_version": 1,
        "id": model_id or slugify(f"{place} {header.service}", max_words=6),
        "title": header.title,
        "service": header.service,
        "sector": header.sector,
        "office": _office(header),
        "application": header.application,
        "sop_number": header.sop_number,
        "legal_basis": list(header.legal_basis),
        "source": {"seed": seed, "notes": _notes(header, notes)},
        "actors": [
            {"id": ids[c], "name": column.title, "aliases": aliases}
            for c, (column, aliases) in enumerate(
                zip(columns, _aliases(columns, actors), strict=True)
            )
        ],
        "steps": [
            _step(i, step, names[i], step_ids, ids, actors, flow, waktu[i], outputs[i])
            for i, step in enumerate(steps)
        ],
        "sla": {"clock_start": step_ids[flow.clock_start]},
        "calendar": {"day_start": "08:00", "day_end": "16:00"},
    }


def _aliases(columns: tuple[Column, ...], actors: ActorReading) -> list[list[str]]:
    """Other names of each column: its role's name, the parts of its title, names learned
    from the text; a name that several columns would share is left out."""
    found: list[list[str]] = []
    for index, column in enumerate(columns):
        names = [column.role_name or ""]
        names += [p.strip() for p in re.split(r"[/\\]", column.title)]
        names += actors.aliases.get(index, [])
        found.append([n for n in names if n and normalize(n) != normalize(column.title)])
    count: dict[str, int] = {}
    for names in found:
        for key in {normalize(n) for n in names}:
            count[key] = count.get(key, 0) + 1
    result = []
    for names in found:
        kept: dict[str, str] = {}
        for name in names:
            if count[normalize(name)] == 1:
                kept.setdefault(normalize(name), name)
        result.append(list(kept.values()))
    return result


def _step(
    i: int,
    step: RawStep,
    name: str,
    step_ids: list[str],
    actor_ids: tuple[str, ...],
    actors: ActorReading,
    flow: StepFlow,
    waktu: dict[str, Any],
    output: str,
) -> dict[str, Any]:
    choice = actors.choices[i]
    data: dict[str, Any] = {
        "id": step_ids[i],
        "number": step.number,
        "name": name,
        "description": step.description,
        "actor": actor_ids[choice.actor],
    }
    if choice.co_actors:
        data["co_actors"] = [actor_ids[c] for c in choice.co_actors]
    if choice.inferred:
        data["inferred"] = True
        data["inference_reason"] = choice.reason
    data["kelengkapan"] = list(split_items(step.kelengkapan))
    data["waktu"] = waktu
    data["output"] = output
    if step.keterangan:
        data["keterangan"] = step.keterangan
    if i in flow.edges:
        data["decision"] = flow.decisions.get(i)
        data["next"] = [
            {k: step_ids[v] if k == "to" and isinstance(v, int) else v for k, v in edge.items()}
            for edge in flow.edges[i]
        ]
    elif i in flow.ends:
        data["end"] = flow.ends[i]
    return data
