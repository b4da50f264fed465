"""The sopmine exception tree.

Every error sopmine raises on purpose is a :class:`SopmineError`, carrying a message a
licensing office's analyst can act on: which file, which line or row, and what to do.

    SopmineError                  base class; the CLI prints it as one line and exits 1
    ├── SopModelError             an SOP model file is invalid (lists every problem found)
    ├── SopModelNotFoundError     no SOP model with that id or path
    ├── SopImportError            an SOP document cannot be imported (sopmine.sop.importer)
    ├── CalendarError             an office calendar is misconfigured or given bad instants
    ├── ProfileError              an export profile is invalid or unknown
    ├── LogReadError              an export cannot be read as a whole (missing columns, empty...)
    └── StoreError                the DuckDB store cannot be opened or written
        ├── StoreBusyError        another process holds the store; retry when it finishes
        └── StoreVersionError     the store was written by a newer sopmine

Rows that are bad on their own never raise: they become rejects, each with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CalendarError",
    "LogReadError",
    "ModelProblem",
    "ProfileError",
    "SopModelError",
    "SopModelNotFoundError",
    "SopmineError",
    "StoreBusyError",
    "StoreError",
    "StoreVersionError",
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


class ProfileError(SopmineError):
    """An export profile is unknown, or its YAML is invalid (the message names file and field)."""


class LogReadError(SopmineError):
    """An export cannot be read at all: unreadable, empty, or missing the profile's columns."""


class StoreError(SopmineError):
    """The DuckDB store cannot be opened, migrated or written."""


class StoreBusyError(StoreError):
    """Another process is writing the store; the operation can be retried when it finishes."""


class StoreVersionError(StoreError):
    """The store's schema is newer than this sopmine understands."""
