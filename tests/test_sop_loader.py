"""The SOP model loader: valid files load, and every kind of broken file names its lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sopmine import SopModelError, SopModelNotFoundError, load_sop, parse_sop, read_sop_file
from sopmine.sop import enumerate_paths
from sopmine.sop.flow import service_target_minutes

# A small but complete model; the line numbers in the tests below refer to this text.
MINIMAL = """\
schema_version: 1
id: contoh
title: Contoh SOP
service: Izin Contoh
office:
  name: DPMPTSP Contoh
  regency: Kabupaten Contoh
  province: Contoh
  timezone: Asia/Makassar
actors:
  - id: pemohon
    name: Pemohon
  - id: petugas
    name: Petugas Loket
    aliases: [FO]
steps:
  - id: daftar
    number: 1
    name: Daftar
    description: Pemohon mendaftar
    actor: pemohon
    waktu: {value: 30, unit: menit}
    output: Formulir
  - id: periksa
    number: 2
    name: Periksa
    description: Petugas memeriksa berkas
    actor: petugas
    waktu: {value: 1, unit: jam}
    output: Tanda Terima
    next:
      - {to: terbit, label: "Ya"}
      - {to: daftar, label: "Tidak", kind: return}
  - id: terbit
    number: 3
    name: Terbit
    description: Izin terbit
    actor: petugas
    waktu: {value: 2, unit: hari}
    output: Izin
sla:
  clock_start: periksa
calendar:
  day_start: 07:30
  day_end: 16:00
"""


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(SopModelError) as caught:
        parse_sop(text, file="broken.yaml")
    return [(p.line, p.message) for p in caught.value.problems]


def test_minimal_model_loads_with_defaults_applied() -> None:
    model = parse_sop(MINIMAL)
    assert [s.id for s in model.steps] == ["daftar", "periksa", "terbit"]
    assert [(e.source, e.target, e.kind, e.outcome) for e in model.edges] == [
        ("daftar", "periksa", "sequence", None),
        ("periksa", "terbit", "decision", None),
        ("periksa", "daftar", "return", None),
        ("terbit", None, "sequence", "issued"),
    ]
    # Unquoted 07:30 and 16:00 are times, not YAML 1.1 sexagesimal numbers (450, 960).
    assert model.calendar_settings.day_start == dt.time(7, 30)
    assert model.calendar.minutes_per_day == 510
    assert model.target_minutes("terbit") == 1020.0


def test_paths_and_service_target() -> None:
    model = parse_sop(MINIMAL)
    assert list(enumerate_paths(model)) == [(("daftar", "periksa", "terbit"), "issued")]
    looped = sorted(p for p, _ in enumerate_paths(model, max_loops=1))
    assert looped == [
        ("daftar", "periksa", "daftar", "periksa", "terbit"),
        ("daftar", "periksa", "terbit"),
    ]
    # The clock starts at the last 'periksa'; only 'terbit' (2 Hari of 510 minutes) follows.
    assert service_target_minutes(model, looped[0]) == 1020.0


def test_hash_is_stable_and_content_sensitive() -> None:
    assert parse_sop(MINIMAL).hash == parse_sop(MINIMAL).hash
    assert parse_sop(MINIMAL).hash != parse_sop(MINIMAL.replace("30, unit", "31, unit")).hash


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        (
            "    actor: petugas\n    waktu: {value: 1",
            "    actor: kasi\n    waktu: {value: 1",
            28,
            "unknown actor 'kasi' in step 'periksa'",
        ),
        ("{to: terbit, label", "{to: terbut, label", 32, "unknown step 'terbut'"),
        ("  - id: terbit\n", "  - id: daftar\n", 34, "duplicate step id 'daftar'"),
        ("unit: jam}", "unit: minggu}", 29, "steps.1.waktu.unit"),
        (
            "    output: Formulir\n",
            "    output: Formulir\n    outptu: x\n",
            24,
            "unknown field 'steps.0.outptu'",
        ),
        ("  clock_start: periksa", "  clock_start: selesai", 42, "unknown step 'selesai'"),
        (
            "    actor: pemohon\n",
            "    actor: pemohon\n    inferred: true\n",
            17,
            "needs an 'inference_reason'",
        ),
    ],
)
def test_each_broken_copy_names_its_line(old: str, new: str, line: int, fragment: str) -> None:
    assert old in MINIMAL
    problems = _problems(MINIMAL.replace(old, new, 1))
    assert any(fragment in message for _, message in problems), problems
    assert line in [n for n, message in problems if fragment in message], problems


def test_unreachable_step_and_dead_end() -> None:
    text = MINIMAL.replace('      - {to: terbit, label: "Ya"}\n', "")
    problems = _problems(text)
    assert (33, "step 'terbit' is unreachable from the start step") in problems
    # With 'terbit' cut off, no end can be reached from the first two steps either.
    assert (17, "no end can be reached from step 'daftar'") in problems


def test_cycle_not_declared_as_loop() -> None:
    problems = _problems(MINIMAL.replace(', label: "Tidak", kind: return}', ', label: "Tidak"}'))
    assert len(problems) == 1
    line, message = problems[0]
    assert line == 31
    assert "from 'periksa' to 'daftar' closes a cycle that is not declared" in message


def test_declared_loop_that_closes_no_cycle() -> None:
    text = MINIMAL.replace('{to: terbit, label: "Ya"}', '{to: terbit, label: "Ya", kind: loop}')
    problems = _problems(text)
    assert any("declared 'loop' but closes no cycle" in m for _, m in problems)


def test_no_end_step() -> None:
    text = MINIMAL.replace("    output: Izin\n", "    output: Izin\n    next: [{to: daftar}]\n")
    messages = [m for _, m in _problems(text)]
    assert any(m.startswith("no end step") for m in messages)


def test_every_problem_is_reported_at_once() -> None:
    text = MINIMAL.replace(
        "actor: petugas\n    waktu: {value: 1", "actor: kasi\n    waktu: {value: 1"
    )
    text = text.replace("  clock_start: periksa", "  clock_start: selesai")
    assert [line for line, _ in _problems(text)] == [28, 42]


def test_yaml_syntax_error_names_the_line() -> None:
    problems = _problems(MINIMAL.replace("  - id: periksa\n", "  - id: [periksa\n"))
    assert problems[0][0] == 25
    assert problems[0][1].startswith("not valid YAML")


def test_model_must_be_a_mapping() -> None:
    assert _problems("- just\n- a list\n") == [(1, "an SOP model is a YAML mapping (key: value)")]


def test_error_message_lists_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rusak.yaml"
    path.write_text(MINIMAL.replace("unit: jam}", "unit: minggu}"), encoding="utf-8")
    with pytest.raises(SopModelError) as caught:
        read_sop_file(path)
    assert f"{path}:29: steps.1.waktu.unit" in str(caught.value)


def test_load_by_id_from_sopmine_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contoh.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setenv("SOPMINE_MODELS", str(tmp_path))
    assert load_sop("contoh").office.timezone == "Asia/Makassar"
    with pytest.raises(SopModelNotFoundError, match="no SOP model with id 'tidak_ada'"):
        load_sop("tidak_ada")
    with pytest.raises(SopModelNotFoundError, match="file not found"):
        load_sop(tmp_path / "hilang.yaml")
