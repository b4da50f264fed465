"""The command line, run as a real subprocess: output, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sopmine import __version__
from sopmine.sop import bundled_model_dir

MODEL_FILES = sorted(bundled_model_dir().glob("*.yaml"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("SOPMINE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "sopmine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"sopmine {__version__}")


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "sop" in result.stdout
    sop_help = run("sop", "--help").stdout
    for command in ("validate", "list", "show", "graph"):
        assert command in sop_help


def test_validate_all_shipped_models() -> None:
    result = run("sop", "validate", *map(str, MODEL_FILES))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" ok ") == len(MODEL_FILES) == 5


def test_validate_broken_copy_names_file_and_line(tmp_path: Path) -> None:
    source = bundled_model_dir() / "rohil_izin_insidentil.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if "actor: tim_teknis" in line)
    lines[number] = lines[number].replace("tim_teknis", "tim_tekniz")
    broken = tmp_path / "rusak.yaml"
    broken.write_text("".join(lines), encoding="utf-8")
    result = run("sop", "validate", str(source), str(broken))
    assert result.returncode == 1
    assert f"error: {broken}:{number + 1}: unknown actor 'tim_tekniz'" in result.stderr
    assert "Traceback" not in result.stderr
    assert "invalid" in result.stdout
    assert " ok " in result.stdout


def test_show_prints_steps_actor_waktu_output() -> None:
    result = run("sop", "show", "rohil_izin_insidentil")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "Rekomendasi teknis" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == ["3", "Rekomendasi teknis", "Tim Teknis", "6 Hari", "Rekomendasi Teknis"]
    assert "2 -> 1 [Tidak] (return)" in result.stdout
    assert "target jalur utama: 6.17 hari kerja (2960 menit kerja)" in result.stdout


def test_list_finds_bundled_models_from_any_directory(tmp_path: Path) -> None:
    result = run("sop", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for model_id in ("rohil_izin_insidentil", "dairi_iumk_oss", "karimun_sicantik"):
        assert model_id in result.stdout
    assert "Asia/Makassar" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "first_line"), [("dot", 'digraph "rohil_orsos" {'), ("mermaid", "flowchart TD")]
)
def test_graph(fmt: str, first_line: str) -> None:
    result = run("sop", "graph", "rohil_orsos", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == first_line
    assert "SIP" in result.stdout


def test_unknown_model_is_one_clear_line() -> None:
    result = run("sop", "show", "tidak_ada")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: no SOP model with id 'tidak_ada'. Known ids: ")


def test_bad_option_is_a_usage_error() -> None:
    result = run("sop", "graph", "rohil_orsos", "--format", "png")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
