"""Reading timestamps as exports write them: ``parse_instants`` on a table of cells.

Each case is one cell as text, the instant it must give in UTC (``None``: unreadable, NaT).
Unless a case says otherwise the office is in WIB (Asia/Jakarta, UTC+7) and the formats are
those of :data:`FORMATS`, the order a profile would list them in.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from sopmine.log.timestamps import describe_formats, parse_instants

FORMATS = ["%Y-%m-%d %H:%M:%S", "ISO8601", "%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%d/%m/%Y", "excel"]
WIB = "Asia/Jakarta"

CASES = [
    # SiCantik and ISO 8601
    ("2025-03-04 08:15:00", "2025-03-04 01:15:00"),
    ("2025-03-04T08:15:00", "2025-03-04 01:15:00"),
    ("2025-03-04T08:15", "2025-03-04 01:15:00"),
    ("2025-03-04 8:15:00", "2025-03-04 01:15:00"),
    ("  2025-03-04 08:15:00  ", "2025-03-04 01:15:00"),
    ("2025-03-04T08:15:00.123456", "2025-03-04 01:15:00.123456"),
    ("2025-03-04 08:15:00.5", "2025-03-04 01:15:00.500000"),
    ("2025-03-04", "2025-03-03 17:00:00"),  # a date alone is local midnight
    # an explicit zone is kept, whatever the office's zone
    ("2025-03-04T08:15:00Z", "2025-03-04 08:15:00"),
    ("2025-03-04T08:15:00+08:00", "2025-03-04 00:15:00"),
    ("2025-03-04T08:15:00.123+09:00", "2025-03-03 23:15:00.123000"),
    ("2025-03-04 08:15:00 +0800", "2025-03-04 00:15:00"),
    # day first, as Indonesia writes dates: 04/03/2025 is 4 March
    ("04/03/2025 08:15", "2025-03-04 01:15:00"),
    ("04/03/2025 08.15", "2025-03-04 01:15:00"),
    ("4/3/2025 8.15", "2025-03-04 01:15:00"),
    ("04/03/2025", "2025-03-03 17:00:00"),
    ("13/03/2025 16:00", "2025-03-13 09:00:00"),
    ("29/02/2024", "2024-02-28 17:00:00"),
    # Excel serial day numbers (1899-12-30 based), a cell that lost its date format
    ("45720.34375", "2025-03-04 01:15:00"),
    ("45720.5", "2025-03-04 05:00:00"),
    ("45720", "2025-03-03 17:00:00"),
    (" 45720.5 ", "2025-03-04 05:00:00"),
    # not dates
    ("31/02/2025", None),
    ("31/02/2025 10:00", None),
    ("29/02/2025", None),
    ("2025-02-30 10:00:00", None),
    ("13/13/2025", None),
    ("24/12/2025 25:00", None),
    ("2025-03-04 08:15:60", None),
    ("04/03/25 08:15", None),  # a two-digit year needs %y in the profile, not the year 25
    ("-1", None),
    ("0001-01-01 00:00:00", None),
    ("besok", None),
    ("4 Maret 2025", None),
    ("45720,5", None),  # a decimal comma is not a serial number
    ("1e5", None),
    # Excel serials out of range (before 1954-10-03, after 2119-01-10) stay NaT
    ("100", None),
    ("19999", None),
    ("80001", None),
    ("99999", None),
]


@pytest.mark.parametrize(("cell", "expected"), CASES, ids=[repr(c) for c, _ in CASES])
def test_cell_reads_to_utc_instant(cell: str, expected: str | None) -> None:
    parsed = parse_instants(pd.Series([cell], dtype="str"), formats=FORMATS, timezone=WIB)
    assert parsed.dtype == "datetime64[us, UTC]"
    want = pd.NaT if expected is None else pd.Timestamp(expected, tz="UTC")
    assert parsed.tolist() == [want]  # pd.NaT is a singleton: equal to itself in a list


def test_whole_column_at_once_keeps_order_and_index() -> None:
    cells = pd.Series(
        ["04/03/2025 08.15", None, "2025-03-04 08:15:00", "besok", "45720.34375"],
        index=[10, 11, 12, 13, 14],
        dtype="str",
    )
    parsed = parse_instants(cells, formats=FORMATS, timezone=WIB)
    expected = pd.Series(
        pd.to_datetime(
            ["2025-03-04 01:15", None, "2025-03-04 01:15", None, "2025-03-04 01:15"], utc=True
        ),
        index=cells.index,
        dtype="datetime64[us, UTC]",
    )
    assert_series_equal(parsed, expected)


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        ("Asia/Jakarta", "2025-03-04 01:15"),  # WIB, UTC+7
        ("Asia/Makassar", "2025-03-04 00:15"),  # WITA, UTC+8
        ("Asia/Jayapura", "2025-03-03 23:15"),  # WIT, UTC+9
    ],
)
def test_naive_cells_are_local_time_of_the_office(timezone: str, expected: str) -> None:
    cells = pd.Series(["2025-03-04 08:15:00", "04/03/2025 08.15"], dtype="str")
    parsed = parse_instants(cells, formats=FORMATS, timezone=timezone)
    assert parsed.tolist() == [pd.Timestamp(expected, tz="UTC")] * 2


def test_only_the_listed_formats_are_tried() -> None:
    cells = pd.Series(["04/03/2025 08.15", "2025-03-04 08:15:00", "45720.5"], dtype="str")
    parsed = parse_instants(cells, formats=["%d/%m/%Y %H:%M"], timezone=WIB)
    assert parsed.isna().tolist() == [True, True, True]


def test_two_digit_years_read_when_the_profile_says_so() -> None:
    cells = pd.Series(["04/03/25 08:15", "04/03/2025 08:15"], dtype="str")
    parsed = parse_instants(cells, formats=["%d/%m/%y %H:%M", "%d/%m/%Y %H:%M"], timezone=WIB)
    assert parsed.tolist() == [pd.Timestamp("2025-03-04 01:15", tz="UTC")] * 2


def test_typed_naive_timestamps_are_localised() -> None:
    """Parquet and Excel give typed timestamps; without a zone they are office time."""
    typed = pd.Series(pd.to_datetime(["2025-03-04 08:15", None]), index=[3, 9])
    parsed = parse_instants(typed, formats=(), timezone="Asia/Makassar")
    expected = pd.Series(
        pd.to_datetime(["2025-03-04 00:15", None], utc=True),
        index=[3, 9],
        dtype="datetime64[us, UTC]",
    )
    assert_series_equal(parsed, expected)


def test_typed_aware_timestamps_keep_their_zone() -> None:
    typed = pd.Series(pd.to_datetime(["2025-03-04 08:15"]).tz_localize("Asia/Jayapura"))
    parsed = parse_instants(typed, formats=(), timezone=WIB)
    assert parsed.dtype == "datetime64[us, UTC]"
    assert parsed.tolist() == [pd.Timestamp("2025-03-03 23:15", tz="UTC")]


def test_empty_column() -> None:
    parsed = parse_instants(pd.Series([], dtype="str"), formats=FORMATS, timezone=WIB)
    assert_series_equal(parsed, pd.Series([], dtype="datetime64[us, UTC]"))


def test_formats_described_as_a_user_reads_them() -> None:
    assert describe_formats(FORMATS) == (
        "yyyy-mm-dd HH:MM:SS, ISO 8601, dd/mm/yyyy HH:MM, dd/mm/yyyy HH.MM, dd/mm/yyyy, "
        "Excel serial number"
    )
