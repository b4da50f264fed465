"""Finding YAML files by name in a search path: SOP models and export profiles alike.

The path is: the folders of an environment variable (separated by ``os.pathsep``), a folder
of the working directory, then the folder shipped with sopmine. The first file of a name wins.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["search_dirs", "yaml_files"]


def search_dirs(env_var: str, local: str, bundled: Path) -> list[Path]:
    """The existing folders of the search path, in order, each once.

    >>> search_dirs("SOPMINE_NOTHING", "no_such_folder", Path("/no/such/folder"))
    []
    """
    extra = [Path(p) for p in os.environ.get(env_var, "").split(os.pathsep) if p]
    found: list[Path] = []
    for folder in [*extra, Path.cwd() / local, bundled]:
        if folder.is_dir() and folder.resolve() not in [f.resolve() for f in found]:
            found.append(folder)
    return found


def yaml_files(folders: list[Path]) -> list[Path]:
    """Every ``*.yaml`` file in ``folders``, one per name (the first found wins), by name."""
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return sorted(found.values(), key=lambda p: p.stem)
