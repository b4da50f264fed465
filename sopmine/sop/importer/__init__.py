"""Importing SOP documents: from an office's SOP table to a draft reference model.

``import_sop(path)`` reads a PermenPAN-RB 35/2012 SOP table, given as text extracted from
the document (tab-separated), as a Word ``.docx`` table or as an Excel ``.xlsx`` sheet, and
returns a :class:`SopImport`: the draft model (it loads and validates), its YAML text with
the guesses as comments, and the list of guesses with their confidence.

The modules, in the order the import runs (imports point down the list):

- ``_table``: the file as one grid of text cells (txt, docx, xlsx);
- ``_layout``: the step table in the grid: header rows, actor columns, step rows;
- ``_text``: extraction noise, marks, Waktu, items, ids;
- ``_header``, ``_places``: office, regency, province and time zone, title, number, legal basis;
- ``_roles``, ``_actors``: the actor columns' roles and each step's actor;
- ``_flow``: decisions, returns to the applicant, branches, skips, the clock start;
- ``_draft``: the YAML text; ``_import``: the whole, and ``import_sop``.
"""

from sopmine.sop.importer._errors import SopImportError
from sopmine.sop.importer._import import import_sop
from sopmine.sop.importer._result import Guess, SopHeader, SopImport

__all__ = ["Guess", "SopHeader", "SopImport", "SopImportError", "import_sop"]
