"""Reading SOP model files (YAML), with every problem reported at its file and line.

The YAML is composed once into a node tree, which gives the line of every key, and the plain
Python data is constructed from that same tree. Numbers like ``16:00`` stay text (YAML 1.1
would read them as the sexagesimal number 960), so office hours can be written unquoted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sopmine.errors import ModelProblem, SopModelError
from sopmine.sop.model import SopModel
from sopmine.sop.validate import check_model

__all__ = ["parse_sop", "read_sop_file"]


class _Loader(yaml.SafeLoader):
    """A safe YAML loader without sexagesimal numbers."""


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)

Path_ = tuple[str | int, ...]


def read_sop_file(path: str | Path) -> SopModel:
    """Read and validate one SOP model file; raise :class:`SopModelError` listing every problem.

    >>> from sopmine.sop.registry import bundled_model_dir
    >>> model = read_sop_file(bundled_model_dir() / "rohil_izin_insidentil.yaml")
    >>> model.office.timezone
    'Asia/Jakarta'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SopModelError(
            [ModelProblem(str(path), None, f"cannot read the file: {exc}")]
        ) from exc
    return parse_sop(text, file=str(path))


def parse_sop(text: str, *, file: str = "<text>") -> SopModel:
    """Validate SOP model YAML given as text; ``file`` names it in error messages."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
        lines = _key_lines(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SopModelError([ModelProblem(file, line, f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise SopModelError([ModelProblem(file, 1, "an SOP model is a YAML mapping (key: value)")])

    def locate(where: Path_) -> int | None:
        for end in range(len(where), -1, -1):
            if where[:end] in lines:
                return lines[where[:end]]
        return None

    try:
        model = SopModel.model_validate(data)
    except ValidationError as exc:
        raise SopModelError(
            [ModelProblem(file, locate(tuple(e["loc"])), _explain(e)) for e in exc.errors()]
        ) from None
    problems = check_model(model, file=file, locate=locate)
    if problems:
        raise SopModelError(problems)
    return model


def _explain(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown field '{where}' (a typo? see docs/sop-model.md for the fields)"
    if error["type"] == "missing":
        return f"missing field '{where}'"
    if error["type"] == "literal_error":
        return f"{where}: {error['msg']} (got {error['input']!r})"
    return f"{where}: {error['msg']}"


def _key_lines(node: yaml.Node | None, where: Path_ = ()) -> dict[Path_, int]:
    lines: dict[Path_, int] = {}
    if node is None:
        return lines
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*where, str(key.value))
            lines.update(_key_lines(value, child))
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(_key_lines(item, (*where, i)))
    return lines
