"""sopmine works from a plain, non-editable install: the wheel carries the SOP models."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    return next(out.glob("sopmine-*.whl"))


@pytest.mark.slow
def test_wheel_contains_package_and_models(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    models = sorted(n for n in names if n.startswith("sopmine/_models/"))
    shipped = sorted(f"sopmine/_models/{p.name}" for p in (ROOT / "sop_models").glob("*.yaml"))
    assert models == shipped
    assert "sopmine/cli/__init__.py" in names
    assert "sopmine/log/profiles/sicantik.yaml" in names
    assert not [n for n in names if n.startswith("tests/")]


@pytest.mark.slow
def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=600,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "COLUMNS": "200"}
    env.pop("SOPMINE_MODELS", None)
    code = (
        "import sopmine, sopmine.sop; print(sopmine.__file__); "
        "print(sopmine.sop.bundled_model_dir()); print(sopmine.load_sop('dairi_iumk_oss').hash)"
    )
    probe = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    location, models, digest = probe.stdout.split()
    assert Path(location).is_relative_to(target)
    assert Path(models) == target / "sopmine" / "_models"
    result = subprocess.run(
        [sys.executable, "-m", "sopmine", "sop", "validate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" ok ") == 5
    assert len(digest) == 64
