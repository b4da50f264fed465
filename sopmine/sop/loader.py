"""Reading SOP model files (YAML), with every problem reported at its file and line.

YAML reading itself (line numbers, no sexagesimal numbers) is in :mod:`sopmine._yaml`.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from sopmine._yaml import compose, explain
from sopmine.errors import ModelProblem, SopModelError
from sopmine.sop.model import SopModel
from sopmine.sop.validate import check_model

__all__ = ["parse_sop", "read_sop_file"]


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
        data, locate = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SopModelError([ModelProblem(file, line, f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise SopModelError([ModelProblem(file, 1, "an SOP model is a YAML mapping (key: value)")])

    try:
        model = SopModel.model_validate(data)
    except ValidationError as exc:
        raise SopModelError(
            [
                ModelProblem(file, locate(tuple(e["loc"])), explain(e, docs="docs/sop-model.md"))
                for e in exc.errors()
            ]
        ) from None
    problems = check_model(model, file=file, locate=locate)
    if problems:
        raise SopModelError(problems)
    return model
