"""Grouped figures of many step rows, as pandas' ``groupby`` gives them, computed on arrays.

``frame.groupby(keys, observed=True, sort=False)`` followed by ``median``, ``quantile``,
``max`` and ``nunique`` sorts or hashes the rows again for each figure. :class:`Groups` puts
the rows in group order once (a radix sort of small group numbers) and picks each group's order
statistics with ``np.partition``, with pandas' formulas: the median of an even count is the
mean of the middle two values, a quantile interpolates linearly between the two nearest ranks,
missing values are left out. Sums stay pandas' own (a compensated sum in row order), taken
over the group numbers. The figures are the same numbers as pandas' (tested, on the sample
logs and on random values with gaps, ties and missing keys).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Groups"]

_DENSE = 2**15 - 1  # fewer combinations of key values than this: numbered by a radix sort
_MANY = 2_000  # beyond this many groups, pandas computes the order statistics (few rows each)
_FLAGS = 1 << 24  # up to this many (group, value) pairs, distinct values are counted by flags


class Groups:
    """The rows of some key columns grouped as ``groupby(keys, observed=True, sort=False)``
    groups them: groups numbered in the order they first appear, rows with a missing key in
    none (number -1).

    >>> groups = Groups([pd.Series(["b", "a", "b", None]), pd.Series([1, 1, 1, 1])])
    >>> groups.number.tolist(), groups.size().tolist()
    ([0, 1, 0, -1], [2, 1])
    >>> groups.spread(np.array([1.0, 5.0, 4.0, 9.0]), quantiles=(0.9,))["median"].tolist()
    [2.5, 5.0]
    """

    def __init__(self, keys: Sequence[pd.Series]) -> None:
        coded = [_codes(key) for key in keys]
        missing = np.zeros(len(keys[0]), dtype=bool)
        for codes, _ in coded:
            missing |= codes < 0
        self._kept = ~missing
        self._grouping: pd.Series | None = None
        if math.prod(max(width, 1) for _, width in coded) < _DENSE:
            combined = np.zeros(len(missing), dtype=np.int16)
            for codes, width in coded:  # a missing key's row is set to -1 below
                combined *= max(width, 1)
                combined += codes
            combined[missing] = -1
            self._number_dense(combined)
        else:
            self._number_hashed(coded, missing)

    def _number_dense(self, combined: npt.NDArray[np.int16]) -> None:
        """Number the groups from one radix sort of the combined keys (fewer than
        :data:`_DENSE` combinations): each run of equal keys is a group, numbered by the row
        it first appears in."""
        order = np.argsort(combined, kind="stable")  # rows of no group (-1) first
        order = order[int(np.count_nonzero(combined < 0)) :]
        ordered = combined[order]
        changes = np.r_[True, ordered[1:] != ordered[:-1]] if len(order) else np.zeros(0, bool)
        starts = np.flatnonzero(changes)
        lengths = np.diff(np.r_[starts, len(order)]).astype(np.int64)
        by_appearance = np.argsort(order[starts], kind="stable")  # runs, by their first row
        group = np.full(_DENSE + 1, -1, dtype=np.intp)  # per key value; -1 (the last): none
        group[ordered[starts[by_appearance]]] = np.arange(len(starts))
        self.number: npt.NDArray[np.intp] = group[combined]
        """Per row, the number of its group (-1: a key is missing)."""
        self.count = len(starts)
        """How many groups."""
        runs = [order[starts[r] : starts[r] + lengths[r]] for r in by_appearance]
        self._order = np.concatenate(runs) if runs else order
        self._sizes = np.asarray(lengths[by_appearance], dtype=np.int64)
        self._bounds = np.concatenate([[0], np.cumsum(self._sizes)])

    def _number_hashed(
        self, coded: list[tuple[npt.NDArray[np.integer[Any]], int]], missing: npt.NDArray[np.bool_]
    ) -> None:
        """Number the groups by hashing the combined keys, in the order they first appear."""
        combined = np.zeros(len(missing), dtype=np.int64)
        span = 1
        for codes, width in coded:
            if span * max(width, 1) >= 2**62:  # renumber what came before so far
                combined = pd.factorize(combined)[0].astype(np.int64)
                span = int(combined.max()) + 1 if len(combined) else 1
            combined = combined * max(width, 1) + np.maximum(codes, 0)
            span *= max(width, 1)
        number = np.full(len(combined), -1, dtype=np.intp)
        found, _ = pd.factorize(combined[self._kept] if missing.any() else combined)
        number[self._kept] = found
        self.number = number
        self.count = int(found.max()) + 1 if len(found) else 0
        small = number.astype(np.int16) if self.count < 2**15 else number
        order = np.argsort(small, kind="stable")  # a radix sort for 16-bit numbers
        self._order = order[int(missing.sum()) :]  # the rows of no group sort first
        self._sizes = np.bincount(found, minlength=self.count).astype(np.int64)
        self._bounds = np.concatenate([[0], np.cumsum(self._sizes)])

    def first_rows(self) -> npt.NDArray[np.intp]:
        """The first row of each group: where its key values can be read."""
        return np.asarray(self._order[self._bounds[:-1]], dtype=np.intp)

    def keys(self, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        """The key columns of ``frame``, one row per group (their dtypes kept)."""
        return frame[list(columns)].take(self.first_rows()).reset_index(drop=True)

    def size(self) -> npt.NDArray[np.int64]:
        """Rows per group."""
        return self._sizes

    def count_valid(self, values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """Rows per group whose float value is not missing (``count``)."""
        valid = self._kept & ~np.isnan(values)
        return np.bincount(self.number[valid], minlength=self.count).astype(np.int64)

    def count_true(self, flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        """True values per group (``sum`` of a boolean column)."""
        chosen = self._kept & flags
        return np.bincount(self.number[chosen], minlength=self.count).astype(np.int64)

    def total(self, values: npt.NDArray[Any] | pd.Series, *, min_count: int = 0) -> pd.Series:
        """pandas' ``sum`` of the values per group (for floats its compensated sum, in row
        order; of a boolean column, its count of true values, in pandas' dtype for it)."""
        if isinstance(values, pd.Series):
            series = values.reset_index(drop=True)
        else:
            series = pd.Series(values, copy=False)
        # every group has rows, so all categories are observed (and pandas takes a shorter way)
        summed = series.groupby(self._grouper(), observed=False).sum(min_count=min_count)
        return summed.reset_index(drop=True)

    def distinct(self, key: pd.Series) -> npt.NDArray[np.int64]:
        """Distinct non-missing values of ``key`` per group (``nunique``)."""
        codes, width = _codes(key)
        valid = self._kept & (codes >= 0)
        width = max(width, 1)
        pairs = self.number[valid].astype(np.int64) * width + codes[valid]
        if self.count * width <= _FLAGS:
            seen = np.zeros(self.count * width, dtype=bool)
            seen[pairs] = True
            return np.asarray(seen.reshape(self.count, width).sum(axis=1), dtype=np.int64)
        unique = pd.unique(pairs)
        return np.asarray(np.bincount(unique // width, minlength=self.count), dtype=np.int64)

    def spread(
        self,
        values: npt.NDArray[np.float64],
        *,
        median: bool = True,
        quantiles: Sequence[float] = (),
        maximum: bool = False,
    ) -> dict[str, npt.NDArray[np.float64]]:
        """Per group, the median, the ``quantiles`` (``"q0.9"``...) and the maximum of the
        float values, missing ones left out (NaN for a group with none), as pandas' ``median``,
        ``quantile`` (linear) and ``max`` give them."""
        names = (["median"] if median else []) + [f"q{q}" for q in quantiles]
        names += ["max"] if maximum else []
        if self.count > _MANY:
            return self._pandas_spread(values, median, quantiles, maximum)
        out = {name: np.full(self.count, np.nan) for name in names}
        ordered = values[self._order]
        for group in range(self.count):
            chunk = ordered[self._bounds[group] : self._bounds[group + 1]]
            chunk = chunk[~np.isnan(chunk)]
            n = len(chunk)
            if n == 0:
                continue
            # Partitioned at a few ranks; the rank just beside one is the least or greatest
            # value of the unordered stretch next to it, which spares numpy a selection each.
            ranks = {int(q * float(n - 1)) for q in quantiles} | ({n // 2} if median else set())
            kth = sorted(ranks)
            picked = np.partition(chunk, kth) if kth else chunk
            if median:
                middle = picked[n // 2]
                out["median"][group] = (
                    middle if n % 2 else (middle + _ranked(picked, kth, n // 2 - 1)) / 2
                )
            for q in quantiles:
                position = q * float(n - 1)
                index, fraction = int(position), position % 1
                low = picked[index]
                out[f"q{q}"][group] = (
                    low
                    if fraction == 0.0
                    else low + (_ranked(picked, kth, index + 1) - low) * fraction
                )
            if maximum:
                out["max"][group] = _ranked(picked, kth, n - 1)
        return out

    def _grouper(self) -> pd.Series:
        """The group numbers as a categorical of every group (rows of none: missing)."""
        if self._grouping is None:
            self._grouping = pd.Series(
                pd.Categorical.from_codes(
                    self.number, categories=pd.RangeIndex(self.count), validate=False
                ),
                copy=False,
            )
        return self._grouping

    def _pandas_spread(
        self,
        values: npt.NDArray[np.float64],
        median: bool,
        quantiles: Sequence[float],
        maximum: bool,
    ) -> dict[str, npt.NDArray[np.float64]]:
        grouped = pd.Series(values, copy=False).groupby(self._grouper(), observed=False)
        out: dict[str, npt.NDArray[np.float64]] = {}
        if median:
            out["median"] = np.asarray(grouped.median(), dtype=np.float64)
        for q in quantiles:
            out[f"q{q}"] = np.asarray(grouped.quantile(q), dtype=np.float64)
        if maximum:
            out["max"] = np.asarray(grouped.max(), dtype=np.float64)
        return out


def _ranked(picked: npt.NDArray[np.float64], kth: list[int], rank: int) -> float:
    """The value of ``rank`` in ``picked``, partitioned at the ranks ``kth`` (sorted): itself
    at one of them, else the least or the greatest of the unordered stretch it lies in (the
    rank must be next to a partition rank or an end)."""
    if rank in kth:
        return float(picked[rank])
    low = max((k for k in kth if k < rank), default=-1) + 1
    high = min((k for k in kth if k > rank), default=len(picked))
    stretch = picked[low:high]
    if rank == low:
        return float(stretch.min())
    if rank == high - 1:
        return float(stretch.max())
    raise ValueError(f"rank {rank} is not next to a partition rank")


def _codes(values: pd.Series) -> tuple[npt.NDArray[np.integer[Any]], int]:
    """Per row, a number for its value (-1: missing), and how many numbers there are."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), len(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)
