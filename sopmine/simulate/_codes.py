"""Text columns as categoricals built from integer codes: no string is made per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def categorical(codes: Any, categories: Sequence[Any]) -> pd.Categorical:
    """A categorical from integer ``codes`` (-1: missing) into ``categories``.

    >>> list(categorical([1, -1, 0], ["a", "b"]))
    ['b', nan, 'a']
    """
    index: pd.Index[Any] = pd.Index(list(categories))
    result: pd.Categorical = pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), index)
    return result


def categorical_of(values: Any) -> pd.Categorical:
    """Any sequence of values as a categorical (missing values stay missing)."""
    result: pd.Categorical = pd.Categorical(values)
    return result
