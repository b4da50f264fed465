"""The public surface: ``sopmine.__all__`` is honest, documented, and pm4py stays in one module."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import sopmine

PACKAGE = Path(sopmine.__file__).parent


def test_all_names_exist_and_are_documented() -> None:
    assert sorted(sopmine.__all__) == sorted(set(sopmine.__all__))
    for name in sopmine.__all__:
        obj = getattr(sopmine, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"sopmine.{name} has no docstring"


def test_public_names_are_exported() -> None:
    public = {name for name in vars(sopmine) if not name.startswith("_")}
    modules = {name for name in public if inspect.ismodule(getattr(sopmine, name))}
    assert public - modules == set(sopmine.__all__) - {"__version__"}


def test_every_module_has_a_docstring() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(PACKAGE)} has no module docstring"


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_bridge_imports_pm4py() -> None:
    importers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "pm4py" in _imported_roots(path)
    }
    assert importers == {"pm4py_bridge.py"}


def test_sop_import_is_public() -> None:
    assert {"import_sop", "SopImport", "SopImportError"} <= set(sopmine.__all__)
    assert issubclass(sopmine.SopImportError, sopmine.SopmineError)
