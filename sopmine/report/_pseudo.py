"""Pseudonymized reports: people and applications replaced by stable salted pseudonyms.

Person ids (NIP, names) become ``P-1a2b3c4d`` and application numbers ``K-1a2b3c4d``, in every
column and inside every text (a deviation's detail names the person it is about). Rejected
rows keep their file, row, reason and column, never their values. :func:`find_leaks` is the
last guard: the composer refuses to return a report in which an original identifier survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from sopmine.analyze import Verdicts, pseudonymize

__all__ = ["Identifiers", "find_leaks", "pseudonymize_verdicts"]

_TEXT_COLUMNS = {
    "cases": ("case_id",),
    "steps": ("case_id", "resource"),
    "deviations": ("case_id", "resource", "expected", "observed", "detail"),
}


@dataclass(frozen=True)
class Identifiers:
    """Original identifier -> pseudonym, for people and for applications."""

    mapping: dict[str, str]

    @classmethod
    def of(cls, verdicts: Verdicts, *, salt: str, extra: Iterable[str] = ()) -> Identifiers:
        """The identifiers in ``verdicts`` (and ``extra`` applicant ids), with pseudonyms."""
        people = _values(verdicts.steps["resource"], verdicts.deviations["resource"])
        cases = _values(verdicts.cases["case_id"])
        mapping: dict[str, str] = {}
        for values, prefix in ((people, "P"), (cases, "K"), (_values(pd.Series(list(extra))), "A")):
            if values:
                named = pseudonymize(pd.Series(values, dtype=object), salt=salt, prefix=prefix)
                mapping.update(zip(values, named.astype(str), strict=True))
        return cls(mapping)

    def pattern(self) -> re.Pattern[str] | None:
        """A regular expression matching any original identifier (longest first)."""
        if not self.mapping:
            return None
        ordered = sorted(self.mapping, key=len, reverse=True)
        # Whole tokens only: an id is not replaced (nor reported) inside a longer word or id.
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in ordered) + r")(?!\w)")

    def apply(self, frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
        """``frame`` with every identifier in ``columns`` replaced, whole values and in texts."""
        pattern = self.pattern()
        out = frame.copy()
        for column in columns:
            if column not in out.columns or pattern is None:
                continue
            values = out[column].astype(object)
            texts = [
                v if not isinstance(v, str) else pattern.sub(lambda m: self.mapping[m[0]], v)
                for v in values.tolist()
            ]
            out[column] = pd.Series(texts, index=out.index, dtype=object)
        return out


def pseudonymize_verdicts(
    verdicts: Verdicts, *, salt: str, extra: Iterable[str] = ()
) -> tuple[Verdicts, Identifiers]:
    """``verdicts`` with people and applications pseudonymized, and the identifiers used."""
    ids = Identifiers.of(verdicts, salt=salt, extra=extra)
    cases, steps, deviations = (
        ids.apply(getattr(verdicts, name), columns) for name, columns in _TEXT_COLUMNS.items()
    )
    return replace(verdicts, cases=cases, steps=steps, deviations=deviations), ids


def find_leaks(texts: Iterable[str], ids: Identifiers) -> list[str]:
    """The original identifiers that still appear in ``texts`` (empty when none does)."""
    pattern = ids.pattern()
    if pattern is None:
        return []
    found: set[str] = set()
    for text in texts:
        found.update(m[0] for m in pattern.finditer(text))
    return sorted(found)


def _values(*series: pd.Series) -> list[str]:
    seen: dict[str, None] = {}
    for values in series:
        for value in values.dropna().astype(str).tolist():
            if value.strip():
                seen[value] = None
    return sorted(seen)
