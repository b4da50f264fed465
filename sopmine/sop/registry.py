"""Finding SOP models by id or path.

A model is named either by a path to its YAML file or by its id. Ids are looked up, first
match wins, in: the folders of ``SOPMINE_MODELS`` (separated by ``:``), ``./sop_models`` of
the working directory, and the models bundled with sopmine (the project's ``sop_models/``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sopmine._search import search_dirs, yaml_files
from sopmine.errors import SopModelNotFoundError
from sopmine.sop.loader import read_sop_file
from sopmine.sop.model import SopModel

__all__ = ["bundled_model_dir", "list_sops", "load_sop", "model_dirs"]


def bundled_model_dir() -> Path:
    """The folder of the models shipped with sopmine (in a wheel, or in a source checkout)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_models"
    return packaged if packaged.is_dir() else here.parent / "sop_models"


def model_dirs() -> list[Path]:
    """The folders searched for model ids, in order."""
    return search_dirs("SOPMINE_MODELS", "sop_models", bundled_model_dir())


def list_sops() -> list[Path]:
    """Every model file found in :func:`model_dirs`, one per id (the first found wins)."""
    return yaml_files(model_dirs())


def load_sop(name: str | os.PathLike[str]) -> SopModel:
    """Load an SOP model by id (``rohil_izin_insidentil``) or by path to its YAML file.

    >>> load_sop("karimun_sicantik").application
    'SiCantik Cloud'
    """
    path = _resolve(name)
    return _load_cached(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int) -> SopModel:
    return read_sop_file(path)


def _resolve(name: str | os.PathLike[str]) -> Path:
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        if candidate.is_file():
            return candidate.resolve()
        raise SopModelNotFoundError(f"SOP model file not found: {candidate}")
    for folder in model_dirs():
        for suffix in (".yaml", ".yml"):
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path.resolve()
    known = ", ".join(p.stem for p in list_sops()) or "none"
    raise SopModelNotFoundError(
        f"no SOP model with id '{name}'. Known ids: {known}. Give a path to a .yaml file, "
        "or add its folder to SOPMINE_MODELS."
    )
