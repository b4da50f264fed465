"""The importer's error: a document that cannot be read as an SOP table at all."""

from __future__ import annotations

from sopmine.errors import SopmineError

__all__ = ["SopImportError"]


class SopImportError(SopmineError):
    """An SOP document cannot be imported: unreadable, or no SOP step table in it.

    The message names the file, the row when there is one, and what to do. What the importer
    could read but had to guess never raises: it is listed in :attr:`SopImport.guesses`.
    """
