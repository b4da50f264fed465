"""Writing the draft model as YAML that reads like the hand-written ones in ``sop_models/``.

The file opens with comments saying it is a draft, from which document, and what to check;
each step that holds a guess has it as a ``# check:`` comment above it. Strings are written
plain when YAML allows it, else double-quoted; short lists and Waktu in flow style.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

import yaml

from sopmine.sop.importer._result import Guess

__all__ = ["render_draft"]

_WIDTH = 98


_QUOTED = frozenset({"description", "inference_reason", "condition", "notes"})


def _scalar(value: Any, *, quote: bool = False) -> str:
    if isinstance(value, str):
        if quote or re.fullmatch(r"[\d:.+-]+", value):
            return json.dumps(value, ensure_ascii=False)
        plain = yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("\n...\n")
        plain = plain.strip()
        if plain == value and ": " not in value and " #" not in value:
            return value
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return yaml.safe_dump(
            value, default_flow_style=True, allow_unicode=True, width=10**6, sort_keys=False
        ).strip()
    return str(value)


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, _WIDTH - len(indent) - 2)]


def _guess_lines(guesses: list[Guess], indent: str) -> list[str]:
    lines: list[str] = []
    for guess in guesses:
        text = f"check ({guess.confidence:.0%}): {guess.field} {guess.value} — {guess.reason}"
        lines += _comment(text, indent)
    return lines


def _mapping(data: dict[str, Any], indent: str) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        if key == "aliases" and not value:
            continue
        if isinstance(value, dict) and value and key != "waktu":
            lines.append(f"{indent}{key}:")
            lines += _mapping(value, indent + "  ")
        elif (
            isinstance(value, list)
            and value
            and (isinstance(value[0], dict) or len(_scalar(value)) > 70)
        ):
            lines.append(f"{indent}{key}:")
            for item in value:
                if isinstance(item, dict):
                    inner = _mapping(item, indent + "    ")
                    lines.append(f"{indent}  - {inner[0].strip()}")
                    lines += inner[1:]
                else:
                    lines.append(f"{indent}  - {_scalar(item, quote=key in _QUOTED)}")
        else:
            lines.append(f"{indent}{key}: {_scalar(value, quote=key in _QUOTED)}")
    return lines


def render_draft(
    data: dict[str, Any], guesses: list[Guess], *, file: str, counts: dict[str, int]
) -> str:
    """The YAML text of a draft model ``data``, with its guesses as comments."""
    by_step: dict[int, list[Guess]] = {}
    for guess in guesses:
        if guess.step is not None:
            by_step.setdefault(guess.step, []).append(guess)
    summary = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    head = [
        f"# DRAFT of an SOP model, imported by `sopmine sop import` from {file}.",
        "# Descriptions, Kelengkapan, Waktu and Output are the document's text; names, ids,",
        "# actors read from the text, and the flow are the importer's guesses.",
        f"# To check before use: {summary or 'nothing was guessed'}. Each guess is a",
        "# 'check (confidence)' comment below; then run `sopmine sop validate` on this file.",
    ]
    head += _guess_lines([g for g in guesses if g.step is None], "")
    body = {k: v for k, v in data.items() if k not in ("steps", "sla", "calendar")}
    lines = head + _mapping(body, "") + ["", "steps:"]
    for step in data["steps"]:
        lines += _guess_lines(by_step.get(step["number"], []), "  ")
        inner = _mapping(step, "    ")
        lines.append(f"  - {inner[0].strip()}")
        lines += inner[1:]
        lines.append("")
    lines += _mapping({"sla": data["sla"]}, "")
    lines += ["", "# Office hours: the default 08:00-16:00; set the office's own."]
    lines += _mapping({"calendar": data["calendar"]}, "")
    return "\n".join(lines) + "\n"
