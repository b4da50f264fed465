"""The analysts' notebooks (notebooks/*.ipynb): committed clean, public API only, and they run.

Each notebook is executed top to bottom in a fresh kernel of this interpreter, from
``notebooks/`` as Jupyter would run it, with its output folder (``$SOPMINE_NOTEBOOK_DATA``) in
``tmp_path``; the figures it prints are compared with the same figures computed here through
the API.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

import sopmine

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
SAMPLES = REPO / "sample_logs"
NOTEBOOKS = ("01_mulai_cepat.ipynb", "02_hambatan.ipynb", "03_kepatuhan.ipynb")
AS_OF = "2025-06-30 16:00"
CELL_TIMEOUT = 180  # seconds; the PDF report is the slowest cell


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK_DIR / name, as_version=4)


def _code_cells(nb: nbformat.NotebookNode) -> Iterator[nbformat.NotebookNode]:
    return (cell for cell in nb.cells if cell.cell_type == "code")


def _execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    """Run the notebook in a fresh kernel; any cell error fails the test."""
    nb = _read(name)
    probe = nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")
    probe.metadata["tags"] = ["test-interpreter"]
    nb.cells.append(probe)
    monkeypatch.setenv("SOPMINE_NOTEBOOK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SOPMINE_SALT", "test-salt")
    monkeypatch.delenv("SOPMINE_DB", raising=False)
    before = sorted(NOTEBOOK_DIR.rglob("*"))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError at the first failing cell
    assert sorted(NOTEBOOK_DIR.rglob("*")) == before, "the notebook wrote into notebooks/"
    errors = [o for cell in _code_cells(nb) for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    assert _stdout(nb, "test-interpreter").strip() == sys.executable
    return nb


def _cell(nb: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    [cell] = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    return cell


def _stdout(nb: nbformat.NotebookNode, tag: str) -> str:
    outputs = _cell(nb, tag).outputs
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")


def _shown(nb: nbformat.NotebookNode, tag: str) -> str:
    """The plain text of what the cell displayed (its last expression)."""
    outputs = _cell(nb, tag).outputs
    return "".join(o.data.get("text/plain", "") for o in outputs if "data" in o)


def _lines(nb: nbformat.NotebookNode, tag: str) -> list[str]:
    return _stdout(nb, tag).splitlines()


def _check(log: str, sop: str, profile: str, roster: str | None = None) -> sopmine.CheckResult:
    events, _ = sopmine.read_log(
        SAMPLES / log, profile=profile, sop=sop, roster=roster and SAMPLES / roster
    )
    return sopmine.check(events, sop, as_of=AS_OF)


# -- committed state --------------------------------------------------------------------------


def test_the_three_notebooks_are_there() -> None:
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == list(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(name: str) -> None:
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in _code_cells(nb):
        assert cell.outputs == [], f"{name}: a cell has outputs: {cell.source[:60]!r}"
        assert cell.execution_count is None, f"{name}: {cell.source[:60]!r} has a count"
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[-1].cell_type == "markdown"
    assert "Langkah berikutnya" in nb.cells[-1].source


def _sopmine_names(source: str) -> tuple[set[str], list[str]]:
    """The ``sopmine.X`` names a cell uses, and its imports of anything but ``sopmine``."""
    used: set[str] = set()
    bad_imports: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bad_imports += [a.name for a in node.names if a.name.startswith("sopmine.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sopmine"):
            if node.module == "sopmine":
                used |= {alias.name for alias in node.names}
            else:
                bad_imports.append(str(node.module))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sopmine"
        ):
            used.add(node.attr)
    return used, bad_imports


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_only_the_public_api(name: str) -> None:
    used: set[str] = set()
    bad_imports: list[str] = []
    for cell in _code_cells(_read(name)):
        cell_used, cell_bad = _sopmine_names(cell.source)
        used |= cell_used
        bad_imports += cell_bad
    assert bad_imports == []
    assert used - set(sopmine.__all__) == set()
    assert used, "the notebook does not use sopmine"


def test_the_data_folder_is_ignored_by_git() -> None:
    lines = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "notebooks/_data/" in lines


# -- execution --------------------------------------------------------------------------------


def test_01_mulai_cepat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("01_mulai_cepat.ipynb", tmp_path, monkeypatch)
    read = sopmine.read_log(
        SAMPLES / "004_karimun_sicantik.sicantik.csv",
        profile="sicantik",
        sop="karimun_sicantik",
        roster=SAMPLES / "004_karimun_sicantik.roster.csv",
    )
    result = sopmine.check(read.events, "karimun_sicantik", as_of=AS_OF)
    assert _lines(nb, "jumlah") == [
        f"Jumlah permohonan: {len(result.cases)}",
        f"Jumlah langkah tercatat: {len(result.steps)}",
        f"Jumlah temuan: {len(result.deviations)}",
    ]
    assert len(result.cases) == 420  # sample_logs/README.md
    assert _lines(nb, "rejects") == [f"Baris disisihkan: {len(read.rejects)}"]
    printed = dict(line.rsplit(maxsplit=1) for line in _lines(nb, "per_jenis")[1:])
    counts = result.deviations["type"].astype(str).value_counts()
    assert {k: int(v) for k, v in printed.items()} == counts[counts > 0].to_dict()


def test_02_hambatan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("02_hambatan.ipynb", tmp_path, monkeypatch)
    result = _check("000_rohil_izin_insidentil.sipro.csv", "rohil_izin_insidentil", "sipro")
    top = sopmine.rank_bottlenecks(result).iloc[0]
    roles = sopmine.find_role_delays(result)
    [role] = roles.loc[(roles["step_id"] == top["step_id"]) & roles["delays_most"], "role_name"]
    summary = _lines(nb, "ringkasan")
    assert summary[0] == (
        f"Langkah penghambat utama: {top['step_number']}. {top['step_name']} ({top['step_id']})"
    )
    assert summary[1].startswith(f"Jabatan yang paling menambah keterlambatan: {role} (")
    assert summary[2] == (
        f"Bagian dari seluruh waktu di atas Waktu SOP: {top['over_target_share']:.1f}%"
    )
    assert summary[3] == f"Waktu SOP: {top['target_minutes'] / 480:g} hari kerja"
    assert summary[5] == (
        f"Terlambat: {top['breaches']} dari {top['timed']} ({top['breach_pct']:.1f}%)"
    )
    assert (top["step_id"], role) == ("rekomendasi_teknis", "Tim Teknis")  # samples.yaml
    open_cases = sopmine.list_open_cases(result)
    assert _lines(nb, "berisiko") == [
        f"Permohonan berjalan: {len(open_cases)}, berisiko: {int(open_cases['at_risk'].sum())}, "
        f"lewat target: {int(open_cases['overdue'].sum())}"
    ]


def test_03_kepatuhan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("03_kepatuhan.ipynb", tmp_path, monkeypatch)
    result = _check(
        "004_karimun_sicantik.sicantik.csv",
        "karimun_sicantik",
        "sicantik",
        "004_karimun_sicantik.roster.csv",
    )
    tables = _lines(nb, "tabel_laporan")[0].removeprefix("Tabel laporan: ").split(", ")
    assert {"summary", "steps", "deviation_types"} <= set(tables)
    assert _lines(nb, "ringkasan")[:2] == [
        f"Permohonan masuk: {len(result.cases)}",
        f"Temuan penyimpangan: {len(result.deviations)}",
    ]

    by_officer = result.steps.dropna(subset=["resource"])
    assert _lines(nb, "per_petugas") == [
        f"Petugas: {by_officer['resource'].nunique()}; "
        f"langkah terlambat oleh petugas: {int(by_officer['breach'].sum())}"
    ]
    assert _lines(nb, "per_bulan")[1:] == [
        f"Permohonan: {len(result.cases)}; temuan: {len(result.deviations)}"
    ]

    data = tmp_path / "data"
    written = {p.name for p in data.iterdir()}
    assert {
        "kepatuhan.duckdb",
        "laporan_karimun_sicantik_2025_s1.html",
        "laporan_karimun_sicantik_2025_s1.xlsx",
        "laporan_karimun_sicantik_2025_s1.pdf",
        "laporan_karimun_sicantik_2025_s1_samaran.html",
        "potongan_kepatuhan.xlsx",
    } <= written
    assert (data / "laporan_karimun_sicantik_2025_s1.pdf").read_bytes().startswith(b"%PDF")
    names = set(by_officer["resource"].astype(str))
    shared = (data / "laporan_karimun_sicantik_2025_s1_samaran.html").read_text(encoding="utf-8")
    assert [name for name in names if name in shared] == []
    # the report's pseudonyms are the ones 03 shows per officer (same salt)
    late = by_officer.loc[by_officer["breach"], "resource"].astype(str).value_counts().index[0]
    [pseudonym] = sopmine.pseudonymize(pd.Series([late]), salt="test-salt")
    assert pseudonym in shared
    assert pseudonym in _shown(nb, "per_petugas")
    sheets = pd.read_excel(data / "potongan_kepatuhan.xlsx", sheet_name=None, index_col=0)
    assert int(sheets["per_petugas"]["terlambat"].sum()) == int(by_officer["breach"].sum())
    assert int(sheets["per_bulan"]["permohonan"].sum()) == len(result.cases)
