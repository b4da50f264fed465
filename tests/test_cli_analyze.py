"""`sopmine bottlenecks` and `sopmine open-cases`, run as real subprocesses on a checked store."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_helpers import sopmine_cli as run_cli

from sopmine import (
    SimulationSettings,
    check_store,
    list_open_cases,
    load_files,
    rank_bottlenecks,
    read_verdicts,
    simulate,
)

SOP = "rohil_izin_insidentil"


def sopmine_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, columns=240)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with 300 simulated SIPRO cases (a slow Tim Teknis), checked on 31 March 2025."""
    folder = tmp_path_factory.mktemp("store")
    settings = SimulationSettings(slow_roles={"tim_teknis": 2.0})
    run = simulate(SOP, cases=300, seed=11, start="2025-01-01", end="2025-03-31",
                   settings=settings)  # fmt: skip
    run.write(folder / "sipro.csv")
    path = folder / "store.duckdb"
    load_files([folder / "sipro.csv"], sop=SOP, profile="sipro", db=path)
    check_store(db=path, as_of="2025-03-31 16:00")
    return path


def test_bottlenecks_prints_the_ranked_steps_of_the_api(db: Path, tmp_path: Path) -> None:
    ranked = rank_bottlenecks(read_verdicts(db), top=3)
    done = sopmine_cli("bottlenecks", "--db", str(db), "--top", "3", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].strip() == f"Hambatan: {SOP}"
    body = [line for line in lines if line.startswith("│")]
    assert len(body) == 3  # one line per step at this width
    for line, row in zip(body, ranked.itertuples(), strict=True):
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        assert cells[0] == str(row.rank)
        assert cells[1] == f"{row.step_number}. {row.step_name} ({row.actor_name})"
        assert cells[2] == f"{row.volume:,}"
        assert cells[3] == f"{row.breach_pct:.0f}%"
    assert ranked["step_id"].iloc[0] == "rekomendasi_teknis"


def test_bottlenecks_in_english(db: Path, tmp_path: Path) -> None:
    done = sopmine_cli("bottlenecks", "--db", str(db), "--top", "1", "--lang", "en", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].strip() == f"Bottlenecks: {SOP}"
    assert "working days" in done.stdout


def test_open_cases_lists_at_risk_first(db: Path, tmp_path: Path) -> None:
    expected = list_open_cases(read_verdicts(db))
    assert len(expected) > 0
    done = sopmine_cli("open-cases", "--db", str(db), "--limit", "5", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Kasus berjalan ({len(expected):,}; {min(5, len(expected))} shown)" in done.stdout
    rows = [line for line in done.stdout.splitlines() if line.startswith("│")]
    shown = [[c.strip() for c in line.strip("│").split("│")] for line in rows]
    # one SOP: no SOP column; the case number, never cut, comes first
    assert [r[0] for r in shown] == list(expected["case_id"].astype(str).head(5))
    assert [r[5] == "ya" for r in shown] == list(expected["at_risk"].head(5))


def test_open_cases_at_risk_only(db: Path, tmp_path: Path) -> None:
    expected = list_open_cases(read_verdicts(db))
    done = sopmine_cli("open-cases", "--db", str(db), "--at-risk", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Kasus berjalan ({int(expected['at_risk'].sum()):,};" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bottlenecks",), "no check has been run on this store yet"),
        (("open-cases", "--lang", "fr"), "--lang 'fr': use id or en"),
    ],
)
def test_errors_are_one_line_without_traceback(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.duckdb"
    done = sopmine_cli(*args, "--db", str(empty), cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
