"""The sopmine exception tree.

Every error sopmine raises on purpose is a :class:`SopmineError`, carrying a message a
licensing office's analyst can act on: which file, which line or row, and what to do.

    SopmineError                  base class; the CLI prints it as one line and exits 1
    ├── SopModelError             an SOP model file is invalid (lists every problem found)
    ├── SopModelNotFoundError     no SOP model with that id or path
    └── CalendarError             an office calendar is misconfigured or given bad instants
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CalendarError",
    "ModelProblem",
    "SopModelError",
    "SopModelNotFoundError",
    "SopmineError",
]


class SopmineError(Exception):
    """Base class of every error sopmine raises on purpose."""


class CalendarError(SopmineError):
    """An office calendar is misconfigured, or was given instants it cannot place."""


class SopModelNotFoundError(SopmineError):
    """No SOP model matches the id or path that was asked for."""


@dataclass(frozen=True)
class ModelProblem:
    """One problem found in an SOP model file: where it is, what is wrong, how to fix it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class SopModelError(SopmineError):
    """An SOP model file is invalid; ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[ModelProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in SOP model"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))
