"""YAML reading shared by SOP models and export profiles.

Documents are composed once into a node tree, which gives the line of every key, and the
plain Python data is constructed from that same tree. Numbers like ``16:00`` stay text (YAML
1.1 would read them as the sexagesimal number 960), so times can be written unquoted; and only
``true``/``false`` are booleans, so a column called ``No`` or ``Y`` stays a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

__all__ = ["Locator", "compose", "explain"]

KeyPath = tuple[str | int, ...]
Locator = Callable[[KeyPath], int | None]


class _Loader(yaml.SafeLoader):
    """A safe YAML loader without sexagesimal numbers."""


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Only true/false are booleans (as in YAML 1.2): a column named "No" or "Y" stays text.
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
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


def compose(text: str) -> tuple[Any, Locator]:
    """Parse YAML text; return the data and a function giving the line of a key path.

    Raises ``yaml.YAMLError`` on a syntax error (its ``problem_mark`` has the line).

    >>> data, locate = compose("office:\\n  day_start: 08:00\\n")
    >>> data, locate(("office", "day_start"))
    ({'office': {'day_start': '08:00'}}, 2)
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines = _key_lines(node)

    def locate(where: KeyPath) -> int | None:
        for end in range(len(where), -1, -1):
            if where[:end] in lines:
                return lines[where[:end]]
        return None

    return data, locate


def explain(error: Any, *, docs: str) -> str:
    """One line for a pydantic error dict, pointing typo-like mistakes at ``docs``."""
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown field '{where}' (a typo? see {docs} for the fields)"
    if error["type"] == "missing":
        return f"missing field '{where}'"
    if error["type"] == "literal_error":
        return f"{where}: {error['msg']} (got {error['input']!r})"
    return f"{where}: {error['msg']}"


def _key_lines(node: yaml.Node | None, where: KeyPath = ()) -> dict[KeyPath, int]:
    lines: dict[KeyPath, int] = {}
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
