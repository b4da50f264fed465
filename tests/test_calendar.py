"""Specifications of sopmine.calendar: office working time, with hand-worked expected values.

Dates used (2026, WIB unless said otherwise): Mon 23 Nov and Fri 27 Nov are ordinary weeks;
Mon 17 Aug is Independence Day; 18-24 Mar is Nyepi + Idul Fitri (cuti bersama on Wed 18,
Fri 20, Mon 23, Tue 24; national holidays Thu 19, Sat 21, Sun 22).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd
import pytest

from sopmine.calendar import Instants, OfficeCalendar
from sopmine.errors import CalendarError

WIB = OfficeCalendar("Asia/Jakarta")
WITA = OfficeCalendar("Asia/Makassar")


def minutes(cal: OfficeCalendar, start: Instants, end: Instants) -> float:
    result = cal.working_minutes(start, end)
    assert result.shape == (1,)
    return float(result[0])


def local_deadline(cal: OfficeCalendar, start: str, mins: float) -> pd.Timestamp:
    return cal.add_working_minutes(start, mins).tz_convert(cal.timezone)[0]


# -- working_minutes: hand-worked cases -------------------------------------------------------


def test_same_day_inside_office_hours() -> None:
    # 09:00 -> 11:30 = 2.5 h = 150
    assert minutes(WIB, "2026-11-23 09:00", "2026-11-23 11:30") == 150


def test_before_opening_to_after_closing_is_one_full_day() -> None:
    # 07:00 -> 17:00 clipped to 08:00-16:00 = 480
    assert minutes(WIB, "2026-11-23 07:00", "2026-11-23 17:00") == 480


def test_overnight() -> None:
    # Mon 15:00-16:00 (60) + Tue 08:00-09:00 (60) = 120
    assert minutes(WIB, "2026-11-23 15:00", "2026-11-24 09:00") == 120


def test_weekend_is_skipped() -> None:
    # Fri 15:00-16:00 (60) + Sat, Sun (0) + Mon 08:00-09:00 (60) = 120
    assert minutes(WIB, "2026-11-27 15:00", "2026-11-30 09:00") == 120


def test_interval_inside_a_weekend_is_zero() -> None:
    # Sat 10:00 -> Sun 18:00: no working day = 0
    assert minutes(WIB, "2026-11-28 10:00", "2026-11-29 18:00") == 0


def test_seconds_are_kept_as_fractional_minutes() -> None:
    # 09:00:00 -> 09:01:30 = 90 s = 1.5
    assert minutes(WIB, "2026-11-23 09:00:00", "2026-11-23 09:01:30") == 1.5


def test_national_holiday_is_skipped() -> None:
    # Fri 14 Aug 15:00-16:00 (60) + Sat, Sun, Mon 17 Aug Independence Day (0) + Tue 08-09 (60)
    assert minutes(WIB, "2026-08-14 15:00", "2026-08-18 09:00") == 120


def test_cuti_bersama_are_skipped_and_need_the_government_category() -> None:
    start, end = "2026-03-17 15:00", "2026-03-25 09:00"
    # Tue 17 15-16 (60) + 18..24 all off (Nyepi, cuti bersama, Idul Fitri) + Wed 25 08-09 (60)
    assert minutes(WIB, start, end) == 120
    public_only = OfficeCalendar(holiday_categories=("public",))
    # without cuti bersama Wed 18, Fri 20, Mon 23, Tue 24 work: 120 + 4 * 480 = 2040
    assert minutes(public_only, start, end) == 2040


def test_end_before_start_is_negative() -> None:
    # -(Mon 15:00 -> Tue 09:00) = -(60 + 60) = -120
    assert minutes(WIB, "2026-11-24 09:00", "2026-11-23 15:00") == -120


def test_nat_gives_nan() -> None:
    # row 0: 09:00 -> 10:00 = 60; row 1: NaT start; row 2: NaT end
    got = WIB.working_minutes(
        ["2026-11-23 09:00", None, "2026-11-23 09:00"],
        ["2026-11-23 10:00", "2026-11-23 10:00", pd.NaT],
    )
    np.testing.assert_array_equal(got, [60.0, np.nan, np.nan])


def test_extra_days_off() -> None:
    cal = OfficeCalendar(extra_days_off=(dt.date(2026, 11, 24),))
    # Mon 15-16 (60) + Tue 24 office closed (0) + Wed 08-09 (60) = 120 (instead of 600)
    assert minutes(cal, "2026-11-23 15:00", "2026-11-25 09:00") == 120
    assert cal.is_working_day(["2026-11-24", "2026-11-25"]).tolist() == [False, True]


def test_custom_office_hours() -> None:
    cal = OfficeCalendar(day_start=dt.time(7, 30), day_end=dt.time(16, 0))
    # 16:00 - 07:30 = 8.5 h = 510
    assert cal.minutes_per_day == 510
    # 07:00 -> 17:00 clipped to 07:30-16:00 = 510
    assert minutes(cal, "2026-11-23 07:00", "2026-11-23 17:00") == 510
    # Mon 15:00-16:00 (60) + Tue 07:30-09:00 (90) = 150
    assert minutes(cal, "2026-11-23 15:00", "2026-11-24 09:00") == 150


# -- time zones --------------------------------------------------------------------------------


def test_same_utc_instants_differ_between_wib_wita_and_wit() -> None:
    wit = OfficeCalendar("Asia/Jayapura")
    start, end = (
        ["2026-11-23T00:30Z", "2026-11-23T07:30Z"],
        ["2026-11-23T05:00Z", "2026-11-23T09:30Z"],
    )
    # WIB +7: 07:30->12:00 = 08:00-12:00 = 240;  14:30->16:30 = 14:30-16:00 = 90
    assert WIB.working_minutes(start, end).tolist() == [240, 90]
    # WITA +8: 08:30->13:00 = 270;  15:30->17:30 = 15:30-16:00 = 30
    assert WITA.working_minutes(start, end).tolist() == [270, 30]
    # WIT +9: 09:30->14:00 = 270;  16:30->18:30 = after closing = 0
    assert wit.working_minutes(start, end).tolist() == [270, 0]


def test_naive_is_office_local_and_aware_is_converted() -> None:
    # naive 09:00 WITA (+08) = 01:00Z
    naive, aware = WITA.to_local("2026-11-23 09:00"), WITA.to_local("2026-11-23T01:00Z")
    assert naive.equals(aware)
    assert str(naive.tz) == "Asia/Makassar"
    assert naive[0].hour == 9
    assert minutes(WITA, "2026-11-23 09:00", "2026-11-23T01:00Z") == 0


def test_all_input_types_agree() -> None:
    starts = ["2026-11-23 09:00", "2026-11-27 15:00"]
    ends = ["2026-11-23 11:30", "2026-11-30 09:00"]
    expected = [150.0, 120.0]  # see test_same_day_inside_office_hours and test_weekend
    as_dt = (
        [dt.datetime.fromisoformat(s) for s in starts],
        [dt.datetime.fromisoformat(e) for e in ends],
    )
    variants: list[tuple[Any, Any]] = [
        (starts, ends),
        (pd.Series(pd.to_datetime(starts)), pd.Series(pd.to_datetime(ends))),
        (
            pd.DatetimeIndex(starts).tz_localize("Asia/Jakarta").tz_convert("UTC"),
            pd.DatetimeIndex(ends),
        ),
        (np.array(starts, dtype="datetime64[s]"), np.array(ends, dtype="datetime64[ns]")),
        as_dt,
        ([d.replace(tzinfo=ZoneInfo("Asia/Jakarta")) for d in as_dt[0]], as_dt[1]),
    ]
    for start, end in variants:
        assert WIB.working_minutes(start, end).tolist() == expected


def test_scalar_against_many_is_broadcast_and_lengths_must_match() -> None:
    # 09:00 -> 10:00 = 60, 09:00 -> 11:00 = 120
    got = WIB.working_minutes(
        "2026-11-23 09:00", pd.Series(["2026-11-23 10:00", "2026-11-23 11:00"])
    )
    assert got.tolist() == [60, 120]
    with pytest.raises(CalendarError, match="start has 2 values but end has 3"):
        WIB.working_minutes(["2026-11-23"] * 2, ["2026-11-24"] * 3)


def test_return_types_are_fixed() -> None:
    wm = WIB.working_minutes(pd.Timestamp("2026-11-23 09:00"), dt.datetime(2026, 11, 23, 10))
    assert isinstance(wm, np.ndarray)
    assert wm.dtype == np.float64
    assert wm.shape == (1,)
    deadline = WIB.add_working_minutes(pd.Series(pd.to_datetime(["2026-11-23 09:00"])), 60)
    assert isinstance(deadline, pd.DatetimeIndex)
    assert str(deadline.tz) == "UTC"
    assert isinstance(WIB.is_working_day(dt.date(2026, 11, 23)), np.ndarray)


def test_unreadable_instants_raise_calendar_error_naming_them() -> None:
    with pytest.raises(CalendarError, match="kemarin"):
        WIB.working_minutes("kemarin", "2026-11-23")


# -- add_working_minutes ------------------------------------------------------------------------


def test_six_hari_across_weekend_and_holiday_round_trip() -> None:
    start = "2026-08-12 10:00"
    # Wed 12 10-16 (360) + Thu 13, Fri 14 (960) + Sat-Mon 17 Aug off + Tue 18, Wed 19, Thu 20
    # (1440) = 2760; the last 120 on Fri 21 -> 10:00 WIB = 03:00Z
    deadline = WIB.add_working_minutes(start, 6 * 480)
    assert deadline[0] == pd.Timestamp("2026-08-21 03:00", tz="UTC")
    assert minutes(WIB, start, deadline) == 2880


def test_deadline_on_a_day_boundary_is_closing_time_of_the_earlier_day() -> None:
    # Mon 10 Aug 08:00 + 5 * 480 = Fri 14 Aug 16:00 (not Tue 18 Aug 08:00)
    assert local_deadline(WIB, "2026-08-10 08:00", 2400) == pd.Timestamp(
        "2026-08-14 16:00", tz="Asia/Jakarta"
    )
    # Fri 14 Aug 16:00 + 1 = Tue 18 Aug 08:01 (weekend and Independence Day skipped)
    assert local_deadline(WIB, "2026-08-14 16:00", 1) == pd.Timestamp(
        "2026-08-18 08:01", tz="Asia/Jakarta"
    )


def test_zero_minutes_returns_start_unchanged() -> None:
    # Sat 15 Aug 10:00 + 0 = Sat 15 Aug 10:00 (no rolling to the next working day)
    assert local_deadline(WIB, "2026-08-15 10:00", 0) == pd.Timestamp(
        "2026-08-15 10:00", tz="Asia/Jakarta"
    )


def test_deadline_in_the_next_year_uses_that_years_holidays() -> None:
    # Thu 31 Dec 09:00: 420 left that day; Fri 1 Jan 2027 New Year; Mon 4 Jan 480 (900);
    # Tue 5 Jan Isra Mikraj; Wed 6 Jan 60 more -> 09:00
    assert local_deadline(WIB, "2026-12-31 09:00", 960) == pd.Timestamp(
        "2027-01-06 09:00", tz="Asia/Jakarta"
    )


def test_add_working_minutes_nat_nan_and_negative() -> None:
    got = WIB.add_working_minutes(["2026-11-23 09:00", None, "2026-11-23 09:00"], [60, 60, np.nan])
    # 09:00 WIB + 60 = 10:00 WIB = 03:00Z; NaT start and NaN minutes give NaT
    assert got[0] == pd.Timestamp("2026-11-23 03:00", tz="UTC")
    assert got[1:].isna().all()
    with pytest.raises(CalendarError, match="-5"):
        WIB.add_working_minutes("2026-11-23 09:00", -5)


# -- is_working_day, holidays_between -----------------------------------------------------------


def test_is_working_day() -> None:
    days = ["2026-03-17", "2026-03-18", "2026-03-20", "2026-03-23", "2026-03-24", "2026-08-17"]
    # Tue work; Wed cuti Nyepi; Fri, Mon, Tue cuti Idul Fitri; Mon Independence Day
    assert WIB.is_working_day(days).tolist() == [True, False, False, False, False, False]
    assert WIB.is_working_day([pd.NaT, "2026-11-28"]).tolist() == [False, False]  # NaT, Saturday


def test_holidays_between_small_range() -> None:
    cal = OfficeCalendar(extra_days_off=(dt.date(2026, 3, 25),))
    got = cal.holidays_between(dt.date(2026, 3, 19), dt.date(2026, 3, 25))
    assert list(got.columns) == ["date", "name", "source"]
    assert list(got.itertuples(index=False, name=None)) == [
        (dt.date(2026, 3, 19), "Hari Suci Nyepi", "nasional"),
        (dt.date(2026, 3, 20), "Cuti Bersama Hari Raya Idul Fitri", "cuti_bersama"),
        (dt.date(2026, 3, 21), "Hari Raya Idul Fitri", "nasional"),
        (dt.date(2026, 3, 22), "Hari kedua dari Hari Raya Idul Fitri", "nasional"),
        (dt.date(2026, 3, 23), "Cuti Bersama Hari Raya Idul Fitri", "cuti_bersama"),
        (dt.date(2026, 3, 24), "Cuti Bersama Hari Raya Idul Fitri", "cuti_bersama"),
        (dt.date(2026, 3, 25), "Libur kantor", "kantor"),
    ]
    with pytest.raises(CalendarError, match="after"):
        cal.holidays_between(dt.date(2026, 3, 25), dt.date(2026, 3, 19))


# -- configuration ---------------------------------------------------------------------------


def test_defaults() -> None:
    # 16:00 - 08:00 = 8 h = 480
    assert WIB.minutes_per_day == 480


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"day_start": dt.time(16, 0), "day_end": dt.time(8, 0)}, "08:00"),
        ({"day_start": dt.time(8, 0), "day_end": dt.time(8, 0)}, "08:00"),
        ({"timezone": "Asia/Jakartaa"}, "Asia/Jakartaa"),
        ({"timezone": "WIB"}, "WIB"),
        ({"weekmask": "11111"}, "11111"),
        ({"country": "XX"}, "XX"),
        ({"holiday_categories": ("libur",)}, "libur"),
        ({"extra_days_off": ("2026-11-24",)}, "2026-11-24"),
    ],
)
def test_bad_configuration_names_the_bad_value(kwargs: dict[str, object], named: str) -> None:
    with pytest.raises(CalendarError, match=named):
        OfficeCalendar(**kwargs)  # type: ignore[arg-type]


# -- vectorised results against a slow, obviously-correct reference ----------------------------


def reference_minutes(start: dt.datetime, end: dt.datetime, off: set[dt.date]) -> float:
    """Day-by-day loop over local naive datetimes, default 08:00-16:00 Mon-Fri hours."""
    if end < start:
        return -reference_minutes(end, start, off)
    total, day = 0.0, start.date()
    while day <= end.date():
        if day.weekday() < 5 and day not in off:
            opening = dt.datetime.combine(day, dt.time(8))
            closing = dt.datetime.combine(day, dt.time(16))
            low, high = max(start, opening), min(end, closing)
            total += max((high - low).total_seconds(), 0) / 60
        day += dt.timedelta(days=1)
    return total


def test_200k_random_intervals_match_the_reference() -> None:
    rng = np.random.default_rng(20261123)
    n = 200_000
    base = pd.Timestamp("2025-01-01", tz="UTC")
    start = pd.Series(base + pd.to_timedelta(rng.integers(0, 3 * 365 * 86400, n), unit="s"))
    end = start + pd.to_timedelta(rng.integers(-5 * 86400, 40 * 86400, n), unit="s")
    got = WITA.working_minutes(start, end)
    mins = rng.uniform(0, 5000, n).round(2)
    deadline = WITA.add_working_minutes(start, mins)
    off = set(
        holidays.country_holidays(
            "ID", years=range(2024, 2029), categories=("public", "government")
        )
    )
    zone = ZoneInfo("Asia/Makassar")

    def local(ts: pd.Timestamp) -> dt.datetime:
        return ts.to_pydatetime().astimezone(zone).replace(tzinfo=None)

    for i in rng.choice(n, size=300, replace=False):
        a, b, d = local(start[i]), local(end[i]), local(deadline[i])
        assert got[i] == pytest.approx(reference_minutes(a, b, off), abs=1e-6)
        assert reference_minutes(a, d, off) == pytest.approx(mins[i], abs=1e-6)
        if mins[i] > 0:  # earliest such instant: inside office hours of a working day
            assert d.weekday() < 5
            assert d.date() not in off
            assert dt.time(8) < d.time() <= dt.time(16)


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura",
                                  "Europe/Berlin"])  # fmt: skip
@pytest.mark.parametrize("unit", ["us", "ns"])
@pytest.mark.parametrize("size", [5000, 150_000])  # the second: read in several chunks
def test_working_clock_utc_is_working_clock_bit_for_bit(zone: str, unit: str, size: int) -> None:
    """The fast path for UTC arrays gives exactly the values of the general one.

    Berlin changes its offset twice a year, so it takes the general way; the instants cross a
    year end in local time and include NaT.
    """
    calendar = OfficeCalendar(zone)
    rng = np.random.default_rng(3)
    base = np.datetime64("2025-12-20T00:00", unit)
    spread = np.timedelta64(1, "m").astype(f"timedelta64[{unit}]")
    done = base + rng.integers(0, 60 * 24 * 200, size) * spread
    start = done - rng.integers(0, 60 * 24 * 5, size) * spread
    done[::97] = np.datetime64("NaT")
    start[::3] = np.datetime64("NaT")
    late = np.array(["2025-12-31T20:30"], dtype=f"datetime64[{unit}]")  # 1 Jan in Jayapura
    fast = calendar.working_clock_utc(done, start, late)
    general = calendar.working_clock(
        *(pd.DatetimeIndex(v).tz_localize("UTC") for v in (done, start, late))
    )
    for got, want in zip(fast, general, strict=True):
        np.testing.assert_array_equal(got, want)  # NaN where NaN, every other value equal
    assert np.isnan(fast[0][::97]).all()
    assert not np.isnan(fast[0][1:97]).any()


def test_working_clock_utc_without_known_instants() -> None:
    nothing = np.array(["NaT", "NaT"], dtype="datetime64[us]")
    empty = np.array([], dtype="datetime64[us]")
    clocks = WITA.working_clock_utc(nothing, empty)
    assert [c.size for c in clocks] == [2, 0]
    assert np.isnan(clocks[0]).all()
