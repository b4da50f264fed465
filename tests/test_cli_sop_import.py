"""``sopmine sop import``, run as a real subprocess: the draft file, the printed report, errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_helpers import sopmine_cli

from sopmine.sop import read_sop_file

SEEDS = Path(__file__).parent / "fixtures" / "sop_tables" / "seeds"
KARIMUN = SEEDS / "004_547e2f828bf991b9.txt"
DRAFT = "karimun_penerbitan_izin_dengan_aplikasi_sicantik.yaml"


def test_import_writes_the_draft_in_the_working_directory_and_prints_steps_and_guesses(
    tmp_path: Path,
) -> None:
    result = sopmine_cli("sop", "import", str(KARIMUN), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    model = read_sop_file(tmp_path / DRAFT)
    assert (len(model.steps), model.office.regency, model.office.timezone) == (
        12,
        "Kabupaten Karimun",
        "Asia/Jakarta",
    )
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Prosedur Penerbitan Izin dengan Aplikasi SiCantik Cloud "
        "(karimun_penerbitan_izin_dengan_aplikasi_sicantik) from 004_547e2f828bf991b9.txt",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Karimun — "
        "Kabupaten Karimun, Kepulauan Riau (Asia/Jakarta)",
        "12 steps, 8 actors, 11 guesses to check",
    ]
    row = next(line for line in lines if line.startswith("│ 8 "))
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == [
        "8",
        "Memvalidasi izin",
        "Kepala Bidang Perizinan Terkait",
        "5 Menit",
        "Nota Dinas Persetujuan / Penolakan",
        "Setuju→9, Tidak setuju→rejected",
    ]
    guess = next(line for line in lines if "SK Perizinan" in line and "output" in line)
    assert [c.strip() for c in guess.strip("│ ").split("│")][:4] == [
        "12",
        "output",
        "SK Perizinan",
        "60%",
    ]
    assert lines[-1] == f"draft written to {DRAFT}"


def test_draft_passes_sop_validate(tmp_path: Path) -> None:
    imported = sopmine_cli("sop", "import", str(KARIMUN), "--out", "m.yaml", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    validated = sopmine_cli("sop", "validate", "m.yaml", cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr
    assert " ok " in validated.stdout


def test_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "model.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    refused = sopmine_cli("sop", "import", str(KARIMUN), "--out", str(target), cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"error: {target} exists; give another --out, or --force to overwrite it"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"
    forced = sopmine_cli(
        "sop",
        "import",
        str(KARIMUN),
        "--out",
        str(target),
        "--force",
        "--id",
        "karimun_pbg",
        cwd=tmp_path,
    )
    assert forced.returncode == 0, forced.stderr
    assert read_sop_file(target).id == "karimun_pbg"


def test_unreadable_files_exit_1_with_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "sop.docx").write_bytes(b"this is no Word file")
    (tmp_path / "sop.pdf").write_bytes(b"%PDF-1.4")
    shutil.copy(Path(__file__), tmp_path / "notes.txt")
    expected = {
        "missing.txt": f"error: {tmp_path / 'missing.txt'}: no such file",
        "sop.docx": f"error: {tmp_path / 'sop.docx'}: not a Word .docx document",
        "sop.pdf": f"error: {tmp_path / 'sop.pdf'}: cannot import a '.pdf' file",
        "notes.txt": f"error: {tmp_path / 'notes.txt'}: no SOP step table found",
    }
    for name, start in expected.items():
        result = sopmine_cli("sop", "import", str(tmp_path / name), cwd=tmp_path)
        assert result.returncode == 1, name
        assert result.stderr.startswith(start), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == []


def test_unwritable_target_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "no_such_folder" / "m.yaml"
    result = sopmine_cli("sop", "import", str(KARIMUN), "--out", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot write {target}: No such file or directory")
