"""What an import gives back: the draft model, its YAML text, and every guess it made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sopmine.sop.model import SopModel

__all__ = ["GUESS_FIELDS", "Guess", "SopHeader", "SopImport"]

#: The fields a guess may be about, in the order the report lists them.
GUESS_FIELDS = (
    "office",
    "title",
    "application",
    "table",
    "actor",
    "waktu",
    "output",
    "flow",
    "clock_start",
)


@dataclass(frozen=True)
class Guess:
    """One thing the importer could not read for certain, and what it wrote instead.

    ``step`` is the step number (``None`` for the header or the whole table); ``confidence``
    runs from 0 (a stand-in to replace) to 1 (read, but worth a look); ``reason`` says what
    the document showed and why the value was chosen.
    """

    step: int | None
    field: str
    value: str
    confidence: float
    reason: str

    def __str__(self) -> str:
        where = f"step {self.step}" if self.step is not None else "header"
        return f"{where}: {self.field} = {self.value} ({self.confidence:.0%}): {self.reason}"


@dataclass(frozen=True)
class SopHeader:
    """The identity block of an SOP document, as read (before any default is applied)."""

    office_name: str | None = None
    regency: str | None = None
    province: str | None = None
    timezone: str | None = None
    title: str | None = None
    service: str | None = None
    sector: str | None = None
    sop_number: str | None = None
    application: str | None = None
    legal_basis: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    other: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class SopImport:
    """A draft SOP model read from a document, and the guesses to check before using it.

    ``model`` is the draft as sopmine reads it (it passed ``sopmine sop validate``); ``text``
    is the YAML to save and edit, with the guesses as comments; ``guesses`` lists every value
    that was not read for certain, lowest confidence first within each step.
    """

    source: Path
    model: SopModel
    text: str
    header: SopHeader
    guesses: tuple[Guess, ...]

    def write(self, path: str | Path) -> Path:
        """Write the draft YAML to ``path`` (overwriting it) and return the path."""
        target = Path(path)
        target.write_text(self.text, encoding="utf-8")
        return target
