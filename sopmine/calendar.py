"""Office working time: which days count, and how many working minutes lie between instants.

An SLA target in *Hari* counts working days; targets in *Menit* and *Jam* count office hours.
:class:`OfficeCalendar` turns both into one unit, working minutes, measured on the office's
own wall clock (WIB ``Asia/Jakarta``, WITA ``Asia/Makassar`` or WIT ``Asia/Jayapura``):

- a working day is a weekday of ``weekmask`` that is not a national holiday, not a
  *cuti bersama* (joint holiday) and not one of the office's ``extra_days_off``;
- a working day holds ``minutes_per_day`` working minutes, from ``day_start`` to ``day_end``,
  so one Hari is 480 minutes with the default 08:00-16:00 hours.

Every method is vectorised (numpy business-day functions, no Python loop per row) and accepts
a pandas Series or DatetimeIndex, a numpy ``datetime64`` array, a list of datetimes or strings,
or a single scalar. Naive timestamps are local office time; aware ones are converted.
"""

from __future__ import annotations

import datetime as dt
import functools
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.errors import CalendarError

__all__ = ["Instants", "OfficeCalendar"]

if TYPE_CHECKING:
    Instants: TypeAlias = (
        "pd.Series[Any] | pd.DatetimeIndex | npt.NDArray[np.datetime64] | Sequence[Any]"
        " | dt.datetime | dt.date | pd.Timestamp | np.datetime64 | str"
    )
else:  # the same union, spelled so that it also evaluates at run time
    Instants = pd.Series | pd.DatetimeIndex | np.ndarray | Sequence | dt.date | np.datetime64 | str
"""What the calendar accepts as instants: one scalar, or a one-dimensional collection."""

_NS_PER_MINUTE = 60_000_000_000
_NS_PER_DAY = 86_400_000_000_000
_NAT = np.iinfo(np.int64).min  # NaT as int64
_CHUNK = 1 << 16  # values computed at a time where a long column is read in chunks
_LAST = np.iinfo(np.int64).max
_MAX_MINUTES = 50 * 366 * 24 * 60
_SOURCES = {"public": "nasional", "government": "cuti_bersama"}
_SOURCE_ORDER = {"nasional": 0, "cuti_bersama": 1, "kantor": 2}
_Datetimes: TypeAlias = npt.NDArray[np.datetime64]
_Ints: TypeAlias = npt.NDArray[np.int64]


@dataclass(frozen=True)
class OfficeCalendar:
    """The working calendar of one licensing office.

    Working time is cumulative: ``working_minutes(a, b)`` is ``W(b) - W(a)`` where ``W`` counts
    the office minutes of all working days before the local date, plus the minutes of the
    current day elapsed since ``day_start`` (clipped to the office hours). Times are read on
    the local wall clock, which is exact for Indonesian zones (no DST).

    Holidays come from the ``holidays`` package (``country``, ``holiday_categories``; for
    Indonesia "public" are national holidays, "government" the cuti bersama). They are built
    lazily, only for the years the data spans, and cached. Known limit: cuti bersama are
    decreed year by year, so for years the installed ``holidays`` package does not know yet
    (after 2027 for holidays 0.109) only national holidays are skipped; list such days in
    ``extra_days_off`` or upgrade the package.

    >>> cal = OfficeCalendar("Asia/Makassar")
    >>> float(cal.working_minutes("2026-11-23 09:00", "2026-11-24 09:00")[0])
    480.0
    """

    timezone: str = "Asia/Jakarta"
    day_start: dt.time = dt.time(8, 0)
    day_end: dt.time = dt.time(16, 0)
    extra_days_off: tuple[dt.date, ...] = ()
    country: str = "ID"
    holiday_categories: tuple[str, ...] = ("public", "government")
    weekmask: str = "1111100"

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)
        _check_hours(self.day_start, self.day_end)
        _check_weekmask(self.weekmask)
        days_off = _check_days_off(self.extra_days_off)
        given = self.holiday_categories
        categories = tuple(dict.fromkeys([given] if isinstance(given, str) else given))
        _check_holiday_source(self.country, categories)
        object.__setattr__(self, "extra_days_off", days_off)
        object.__setattr__(self, "holiday_categories", categories)

    @property
    def minutes_per_day(self) -> int:
        """Working minutes in one working day (one Hari): 480 for 08:00-16:00."""
        return (_seconds_of_day(self.day_end) - _seconds_of_day(self.day_start)) // 60

    def holidays_between(self, first: dt.date, last: dt.date) -> pd.DataFrame:
        """Days off from ``first`` to ``last`` (inclusive), for reports and the UI.

        Columns: ``date`` (``datetime.date``), ``name`` (Indonesian when the ``holidays``
        package has it) and ``source`` ("nasional", "cuti_bersama" or "kantor"; another
        category keeps its own name). Holidays on weekends are listed too.

        >>> OfficeCalendar().holidays_between(dt.date(2026, 8, 17), dt.date(2026, 8, 17))
                 date                                 name    source
        0  2026-08-17  Hari Kemerdekaan Republik Indonesia  nasional
        """
        if first > last:
            raise CalendarError(f"holidays_between: first ({first}) is after last ({last})")
        rows = [r for r in self._holiday_rows(first.year, last.year) if first <= r[0] <= last]
        rows += [(d, "Libur kantor", "kantor") for d in self.extra_days_off if first <= d <= last]
        rows.sort(key=lambda r: (r[0], _SOURCE_ORDER.get(r[2], 9), r[1]))
        return pd.DataFrame(rows, columns=["date", "name", "source"])

    def is_working_day(self, dates: Instants) -> npt.NDArray[np.bool_]:
        """Whether each local date is a working day; always a 1-D array (NaT gives False).

        Dates and naive datetimes are read as local dates; aware instants are converted first.

        >>> OfficeCalendar().is_working_day(["2026-08-17", "2026-08-18"]).tolist()
        [False, True]
        """
        days = self._local(dates).astype("datetime64[D]")
        known = ~np.isnat(days)
        result = np.zeros(days.shape, dtype=np.bool_)
        span = _year_span(days[known])
        if span is not None:
            result[known] = np.is_busday(days[known], busdaycal=self._busdaycal(*span))
        return result

    def working_minutes(self, start: Instants, end: Instants) -> npt.NDArray[np.float64]:
        """Working minutes from ``start`` to ``end``, as a 1-D float64 array (also for scalars).

        Signed: when ``end`` is before ``start`` the result is negative (minus the working
        minutes from ``end`` to ``start``). A NaT on either side gives NaN. Equal lengths are
        paired row by row; a single value on one side is paired with every row of the other.

        >>> OfficeCalendar().working_minutes("2026-08-14 15:00", "2026-08-18 09:00").tolist()
        [120.0]
        """
        a, b = _pair(self._local(start), self._local(end), "start", "end")
        known = ~(np.isnat(a) | np.isnat(b))
        result = np.full(a.shape, np.nan)
        span = _year_span(np.concatenate([a[known], b[known]]))
        if span is not None:
            table = self._days(*span)
            diff = self._cumulative(b[known], table) - self._cumulative(a[known], table)
            result[known] = diff / _NS_PER_MINUTE
        return result

    def working_clock(self, *instants: Instants) -> tuple[npt.NDArray[np.float64], ...]:
        """The working-time clock ``W`` at each instant, for one or more collections at once.

        ``W`` counts working minutes from a common origin (the start of the first year any of
        the collections reaches), so the difference of two values, from the same call, is the
        working time between their instants: ``W(b) - W(a) == working_minutes(a, b)``. Computing
        ``W`` once per instant and subtracting is how long logs are timed without pairing every
        interval. One float64 array per collection; NaT gives NaN.

        >>> cal = OfficeCalendar()
        >>> start, end = cal.working_clock(["2026-08-14 15:00"], ["2026-08-18 09:00"])
        >>> float(end[0] - start[0])
        120.0
        """
        indexes = [self.to_local(values) for values in instants]  # no copy of the values
        ends = [(i.min(), i.max()) for i in indexes if i.notna().any()]
        span = None
        if ends:
            first = min(e[0] for e in ends).tz_localize(None).to_datetime64()
            last = max(e[1] for e in ends).tz_localize(None).to_datetime64()
            span = _year_span(np.array([first, last], dtype="datetime64[ns]"))
        clocks: list[npt.NDArray[np.float64]] = []
        for index in indexes:
            if span is None:
                clocks.append(np.full(len(index), np.nan))
                continue
            values = np.asarray(index.tz_localize(None).asi8)
            known = values != _NAT
            clocks.append(self._cumulative_minutes(values, known, self._days(*span)))
        return tuple(clocks)

    def working_clock_utc(
        self, *instants: npt.NDArray[np.datetime64]
    ) -> tuple[npt.NDArray[np.float64], ...]:
        """:meth:`working_clock` of UTC instants given as ``datetime64`` arrays without a zone.

        The same values, bit for bit, computed without building a time-zone index where the
        office's UTC offset does not change over the instants' span (every Indonesian zone
        since 1988): local time is then UTC plus the offset, in one pass. A check calls this
        for millions of instants; otherwise it is :meth:`working_clock`.
        """
        raw = [_ns_or_us(np.asarray(values)) for values in instants]
        known = [values != _NAT for values, _ in raw]
        # NaT is the smallest int64: the largest value is the latest known instant, and the
        # earliest is the smallest value where known (masked reductions: no copy of a column)
        found = [
            (int(v.min(where=k, initial=_LAST)) * scale, int(v.max()) * scale)
            for (v, scale), k in zip(raw, known, strict=True)
            if k.any()
        ]
        offset = None
        if found:
            first, last = min(f[0] for f in found), max(f[1] for f in found)
            offset = self._fixed_offset_ns(first, last)
        if offset is None:  # nothing known, or an offset change: the general way
            return self.working_clock(
                *(pd.DatetimeIndex(np.asarray(values)).tz_localize("UTC") for values in instants)
            )
        local_span = np.array([first + offset, last + offset], dtype="datetime64[ns]")
        table = self._days(*cast("tuple[int, int]", _year_span(local_span)))
        return tuple(self._utc_minutes(values, scale, offset, table) for values, scale in raw)

    def _utc_minutes(
        self, values: _Ints, scale: int, offset: int, table: _DayTable
    ) -> npt.NDArray[np.float64]:
        """W in minutes of UTC instants (int64 counts of ``scale`` ns; NaT: NaN), local time
        being UTC plus ``offset`` ns.

        :meth:`_cumulative_minutes` a chunk at a time, so that its temporaries stay in the
        processor's cache: a million instants are read once and their clock written once.
        """
        out = np.empty(values.size, dtype=np.float64)
        for begin in range(0, values.size, _CHUNK):
            part = values[begin : begin + _CHUNK]
            with np.errstate(over="ignore"):  # NaT rows overflow; ``known`` masks them
                local = np.multiply(part, scale)
            local += offset
            out[begin : begin + part.size] = self._cumulative_minutes(local, part != _NAT, table)
        return out

    def _fixed_offset_ns(self, first: int, last: int) -> int | None:
        """The office's UTC offset in ns if it is the same from ``first`` to ``last`` (UTC ns).

        Read at every UTC midnight from the day before to the day after: zones change their
        offset at most a few times a year, never there and back within a day.
        """
        days = pd.date_range(
            pd.Timestamp(first, unit="ns").floor("D") - pd.Timedelta(days=1),
            pd.Timestamp(last, unit="ns").floor("D") + pd.Timedelta(days=1),
            freq="D",
            tz="UTC",
        )
        local = days.tz_convert(self.timezone).tz_localize(None).as_unit("ns").asi8
        offsets = np.unique(local - days.tz_localize(None).as_unit("ns").asi8)
        return int(offsets[0]) if offsets.size == 1 else None

    def add_working_minutes(self, start: Instants, minutes: Any) -> pd.DatetimeIndex:
        """The deadline ``minutes`` working minutes after ``start``, as a UTC DatetimeIndex.

        The result is the earliest instant at or after ``start`` with exactly that much working
        time in between: a target on a day boundary is ``day_end`` of the earlier working day,
        and ``minutes=0`` returns ``start`` itself. Always a DatetimeIndex in UTC (also for a
        scalar); NaT start or NaN minutes give NaT. Negative minutes raise CalendarError.

        >>> OfficeCalendar().add_working_minutes("2026-08-14 09:00", 480)[0]
        Timestamp('2026-08-18 02:00:00+0000', tz='UTC')
        """
        local, delta = _pair(self._local(start), _as_minutes(minutes), "start", "minutes")
        known = ~(np.isnat(local) | np.isnan(delta))
        result = np.full(local.shape, np.datetime64("NaT", "ns"))
        span = _year_span(local[known])
        if span is not None:
            steps = np.rint(delta[known] * _NS_PER_MINUTE).astype(np.int64)
            result[known] = self._solve(local[known], steps, *span)
        return pd.DatetimeIndex(result).tz_localize(self.timezone).tz_convert("UTC")

    def to_local(self, instants: Instants) -> pd.DatetimeIndex:
        """The instants as a tz-aware DatetimeIndex in the office zone (nanosecond unit).

        Naive values are taken as office local time; aware values are converted.

        >>> OfficeCalendar("Asia/Makassar").to_local("2026-11-23T01:00Z")[0]
        Timestamp('2026-11-23 09:00:00+0800', tz='Asia/Makassar')
        """
        index = _to_index(instants)
        try:
            if index.tz is None:
                return index.tz_localize(self.timezone)
            return index.tz_convert(self.timezone)
        except ValueError as err:
            raise CalendarError(f"cannot place instants in {self.timezone}: {err}") from err

    def _local(self, instants: Instants) -> _Datetimes:
        """Naive local wall-clock times, datetime64[ns]."""
        return self.to_local(instants).tz_localize(None).to_numpy(dtype="datetime64[ns]")

    def _local_ns(self, instants: Instants) -> _Ints:
        """Local wall-clock times as int64 nanoseconds (NaT: the smallest int64)."""
        return np.asarray(self._local(instants).view(np.int64))

    def _busdaycal(self, first_year: int, last_year: int) -> np.busdaycalendar:
        source = (self.country, self.holiday_categories)
        return _busdaycalendar(*source, first_year, last_year, self.extra_days_off, self.weekmask)

    def _holiday_rows(self, first_year: int, last_year: int) -> list[tuple[dt.date, str, str]]:
        probe = holidays.country_holidays(self.country)
        language = "id" if "id" in probe.supported_languages else None
        rows: list[tuple[dt.date, str, str]] = []
        for category in self.holiday_categories:
            found = holidays.country_holidays(
                self.country,
                years=range(first_year, last_year + 1),
                categories=(category,),
                language=language,
            )
            source = _SOURCES.get(category, category)
            rows += [(day, name, source) for day in found for name in found.get_list(day)]
        return rows

    def _days(self, first_year: int, last_year: int) -> _DayTable:
        source = (self.country, self.holiday_categories)
        return _day_table(*source, first_year, last_year, self.extra_days_off, self.weekmask)

    def _cumulative(self, local: _Datetimes, table: _DayTable) -> _Ints:
        """W(t) in nanoseconds since the table's first day; ``local`` must hold no NaT.

        Two lookups per instant in the table of days (is it a working day, how many working
        days precede it), so a million instants take milliseconds.
        """
        values = np.asarray(local.astype("datetime64[ns]").view(np.int64))
        return self._cumulative_ns(values, np.ones(values.shape, dtype=np.bool_), table)

    def _cumulative_ns(self, local: _Ints, known: npt.NDArray[np.bool_], table: _DayTable) -> _Ints:
        """W in nanoseconds of local times given as int64 nanoseconds (0 where not ``known``).

        The same arithmetic as day by day, on as few arrays as a long log needs.
        """
        per_day = self.minutes_per_day * _NS_PER_MINUTE
        day = np.floor_divide(
            local, _NS_PER_DAY, where=known, out=np.full_like(local, table.first_day)
        )
        today = np.multiply(day, _NS_PER_DAY)  # the day's midnight, then the time of day
        np.subtract(local, today, out=today)
        today -= _seconds_of_day(self.day_start) * 10**9
        np.clip(today, 0, per_day, out=today)
        day -= table.first_day
        today *= table.working[day]
        clock = np.take(table.before, day, out=day, mode="clip")  # in place: day is done
        clock *= per_day
        clock += today
        clock[~known] = 0
        return clock

    def _cumulative_minutes(
        self, local: _Ints, known: npt.NDArray[np.bool_], table: _DayTable
    ) -> npt.NDArray[np.float64]:
        """W in minutes of local times given as int64 nanoseconds (NaN where not ``known``)."""
        clock = self._cumulative_ns(local, known, table)
        minutes = np.divide(clock, _NS_PER_MINUTE, out=clock.view(np.float64))  # in place
        minutes[~known] = np.nan
        return minutes

    def _solve(
        self, local: _Datetimes, steps: _Ints, first_year: int, last_year: int
    ) -> _Datetimes:
        """Inverse of W: earliest local time with W = W(local) + steps (no NaT, steps >= 0)."""
        per_day = self.minutes_per_day * _NS_PER_MINUTE
        opening = np.timedelta64(_seconds_of_day(self.day_start) * 10**9, "ns")
        while True:  # widen the holiday years until every deadline lies inside them
            cal, epoch = self._busdaycal(first_year, last_year), _epoch(first_year)
            table = self._days(first_year, last_year)
            days, rest = np.divmod(self._cumulative(local, table) + steps, per_day)
            at_end = rest == 0
            day = np.busday_offset(epoch, days - at_end, roll="forward", busdaycal=cal)
            wall = day.astype("datetime64[ns]") + opening
            into_day = np.where(at_end, per_day, rest).astype("timedelta64[ns]")
            found = np.where(steps == 0, local, wall + into_day)
            latest = _year_span(found.astype("datetime64[D]"))
            if latest is None or latest[1] <= last_year:
                return found
            last_year = latest[1]


@functools.lru_cache(maxsize=64)
def _busdaycalendar(
    country: str,
    categories: tuple[str, ...],
    first_year: int,
    last_year: int,
    extra_days_off: tuple[dt.date, ...],
    weekmask: str,
) -> np.busdaycalendar:
    """numpy business-day calendar for the given years (cached: holidays are slow to build)."""
    years = range(first_year, last_year + 1)
    found = holidays.country_holidays(country, years=years, categories=categories)
    days_off = np.array([*found.keys(), *extra_days_off], dtype="datetime64[D]")
    return np.busdaycalendar(weekmask=weekmask, holidays=days_off)


@dataclass(frozen=True)
class _DayTable:
    """Every day of a span of years: whether it is a working day, and working days before it."""

    first_day: int  # days since 1970-01-01
    working: npt.NDArray[np.bool_]
    before: _Ints


@functools.lru_cache(maxsize=64)
def _day_table(
    country: str,
    categories: tuple[str, ...],
    first_year: int,
    last_year: int,
    extra_days_off: tuple[dt.date, ...],
    weekmask: str,
) -> _DayTable:
    """The working days of whole years, for W lookups (cached like the business-day calendar)."""
    cal = _busdaycalendar(country, categories, first_year, last_year, extra_days_off, weekmask)
    days = np.arange(_epoch(first_year), _epoch(last_year + 1), dtype="datetime64[D]")
    working = np.is_busday(days, busdaycal=cal)
    before = np.concatenate([[0], np.cumsum(working, dtype=np.int64)[:-1]])
    return _DayTable(int(days[0].astype(np.int64)), working, before)


def _to_index(instants: Instants) -> pd.DatetimeIndex:
    values: Any = [instants] if pd.api.types.is_scalar(instants) else instants
    try:
        try:
            parsed = pd.to_datetime(values)
        except (ValueError, TypeError):
            parsed = pd.to_datetime(values, format="mixed")
        return pd.DatetimeIndex(parsed).as_unit("ns")
    except (ValueError, TypeError) as err:
        raise CalendarError(
            f"cannot read {_preview(instants)} as instants: {err}. Use ISO timestamps such as "
            "'2026-11-23 09:00' or '2026-11-23T01:00Z'; if values mix time zones, convert "
            "them to one zone first (e.g. pd.to_datetime(values, utc=True))"
        ) from err


def _as_minutes(minutes: Any) -> npt.NDArray[np.float64]:
    try:
        if isinstance(minutes, pd.Series | pd.Index):
            values = minutes.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            values = np.asarray(minutes, dtype=np.float64)
    except (ValueError, TypeError) as err:
        raise CalendarError(f"minutes must be numbers, got {_preview(minutes)}") from err
    values = np.atleast_1d(values)
    bad = ~np.isnan(values) & ~((values >= 0) & (values <= _MAX_MINUTES))
    if values.ndim != 1 or bad.any():
        shown = values[bad][:3].tolist() if values.ndim == 1 else values.shape
        raise CalendarError(
            f"minutes must be numbers from 0 to {_MAX_MINUTES} (50 years), "
            f"one value or a 1-D list; got {shown}"
        )
    return values


def _pair(left: Any, right: Any, left_name: str, right_name: str) -> tuple[Any, Any]:
    if len(left) == len(right) or len(left) == 1 or len(right) == 1:
        return np.broadcast_arrays(left, right)  # type: ignore[return-value]
    raise CalendarError(
        f"{left_name} has {len(left)} values but {right_name} has {len(right)}: "
        "pass equal lengths, or a single value on one side"
    )


def _ns_or_us(values: npt.NDArray[Any]) -> tuple[_Ints, int]:
    """datetime64 values as int64 (NaT: the smallest) and the nanoseconds in one unit of them."""
    if values.dtype == np.dtype("datetime64[us]"):
        return values.view(np.int64), 1000
    return values.astype("datetime64[ns]").view(np.int64), 1


def _year_span(days: Any) -> tuple[int, int] | None:
    """First and last calendar year of NaT-free datetimes, or None when there are none."""
    if len(days) == 0:
        return None
    ends = np.array([days.min(), days.max()])  # two values to convert, not all of them
    years = ends.astype("datetime64[Y]").astype(np.int64) + 1970
    return int(years[0]), int(years[1])


def _epoch(year: int) -> np.datetime64:
    return np.datetime64(f"{year:04d}-01-01", "D")


def _seconds_of_day(moment: dt.time) -> int:
    """Seconds since midnight."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _preview(value: Any) -> str:
    return reprlib.repr(value)


def _check_timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as err:
        raise CalendarError(
            f"unknown time zone {timezone!r}: use an IANA name such as 'Asia/Jakarta' (WIB), "
            "'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"
        ) from err


def _check_hours(day_start: dt.time, day_end: dt.time) -> None:
    for label, moment in (("day_start", day_start), ("day_end", day_end)):
        if not isinstance(moment, dt.time) or moment.tzinfo is not None:
            raise CalendarError(f"{label} must be a naive datetime.time, got {moment!r}")
        if moment.second or moment.microsecond:
            raise CalendarError(f"{label} must be on a whole minute, got {moment.isoformat()}")
    if day_end <= day_start:
        raise CalendarError(
            f"day_end {day_end:%H:%M} must be after day_start {day_start:%H:%M} "
            "(office hours cannot cross midnight)"
        )


def _check_weekmask(weekmask: str) -> None:
    if not (isinstance(weekmask, str) and len(weekmask) == 7 and set(weekmask) <= {"0", "1"}):
        raise CalendarError(f"weekmask must be 7 characters 0/1 for Mon..Sun, got {weekmask!r}")
    if "1" not in weekmask:
        raise CalendarError(f"weekmask {weekmask!r} has no working day")


def _check_days_off(days: Any) -> tuple[dt.date, ...]:
    if isinstance(days, str) or not isinstance(days, Sequence | set | frozenset):
        raise CalendarError(f"extra_days_off must be a tuple of datetime.date, got {days!r}")
    wrong = [d for d in days if not isinstance(d, dt.date) or isinstance(d, dt.datetime)]
    if wrong:
        raise CalendarError(f"extra_days_off must hold datetime.date values, got {wrong[0]!r}")
    return tuple(sorted(set(days)))


def _check_holiday_source(country: str, categories: tuple[str, ...]) -> None:
    # country_holidays imports the one country's module; listing the supported countries
    # would import all of them (a fifth of a second on every first use)
    try:
        holidays.country_holidays(country, categories=categories)
    except NotImplementedError:
        raise CalendarError(f"country {country!r} is not known to the holidays package") from None
    except ValueError as err:
        raise CalendarError(f"holiday_categories {categories!r} for {country!r}: {err}") from err
