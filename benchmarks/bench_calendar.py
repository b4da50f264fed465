"""Working time between instants: sopmine's OfficeCalendar against pm4py's BusinessHours.

Both get the same intervals, office hours (Mon-Fri 08:00-16:00) and days off (Indonesian
national holidays and cuti bersama), so the benchmark also checks that they agree. pm4py
computes one interval per Python object, so it runs on a sample; sopmine runs on the sample
and on the full size. Prints seconds, rows/s, the speed ratio and the largest disagreement.

    python benchmarks/bench_calendar.py [--rows 1000000] [--sample 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
from pm4py.util.business_hours import BusinessHours

from sopmine import OfficeCalendar

T = TypeVar("T")


class _DaysOff:
    """The work calendar interface pm4py expects: is_working_day(date)."""

    def __init__(self, days_off: set[dt.date]) -> None:
        self.days_off = days_off

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.days_off


def _intervals(rows: int, seed: int = 7) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    base = pd.Timestamp("2025-01-01 00:00")
    start = base + pd.to_timedelta(rng.integers(0, 700 * 24 * 60, rows), unit="min")
    length = pd.to_timedelta(rng.exponential(3 * 24 * 60, rows).astype("int64"), unit="min")
    return pd.Series(start), pd.Series(start + length)


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()

    cal = OfficeCalendar("Asia/Jakarta")
    days_off = set(cal.holidays_between(dt.date(2024, 12, 1), dt.date(2027, 1, 31))["date"])
    slots = [((d * 24 + 8) * 3600, (d * 24 + 16) * 3600) for d in range(5)]
    start, end = _intervals(args.rows)
    s_start, s_end = start[: args.sample], end[: args.sample]

    ours_sample, t_ours_sample = _timed(lambda: cal.working_minutes(s_start, s_end))
    peer, t_peer = _timed(
        lambda: np.array(
            [
                BusinessHours(
                    a.to_pydatetime(),
                    b.to_pydatetime(),
                    business_hour_slots=slots,
                    work_calendar=_DaysOff(days_off),
                ).get_seconds()
                / 60
                for a, b in zip(s_start, s_end, strict=True)
            ]
        )
    )
    _, t_ours_full = _timed(lambda: cal.working_minutes(start, end))

    print(f"sample of {args.sample:,} intervals")
    print(f"  pm4py BusinessHours   {t_peer:8.3f} s  {args.sample / t_peer:14,.0f} rows/s")
    print(
        f"  sopmine OfficeCalendar{t_ours_sample:8.3f} s  "
        f"{args.sample / t_ours_sample:14,.0f} rows/s"
    )
    print(f"  ratio (pm4py / sopmine): {t_peer / t_ours_sample:,.0f}x")
    print(f"  largest disagreement: {np.max(np.abs(ours_sample - peer)):.6f} working minutes")
    print(f"full {args.rows:,} intervals, sopmine only")
    print(f"  sopmine OfficeCalendar{t_ours_full:8.3f} s  {args.rows / t_ours_full:14,.0f} rows/s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
