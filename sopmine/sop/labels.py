"""Comparable labels: how an export's activity or role text is matched to a model's names."""

from __future__ import annotations

import re

__all__ = ["normalize_label"]

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize_label(label: str) -> str:
    """The comparable form of a label: lower case, words separated by one space.

    >>> normalize_label("  Verifikasi  Berkas (FO) ")
    'verifikasi berkas fo'
    """
    return _NOT_WORD.sub(" ", label.casefold()).strip()
