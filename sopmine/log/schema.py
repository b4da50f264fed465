"""The canonical event table, as a pandera schema, and the rejects table beside it.

Every export, whatever its profile, becomes this one table: one row per event, instants in
UTC, the source activity label kept next to the step it was mapped to, and the file and row
each event came from. Columns of the export that no canonical field uses are kept, after these,
under their own names.

================  ==========================  ===================================================
column            type                        meaning
================  ==========================  ===================================================
case_id           str                         the application (permohonan, izin) the event is of
activity          str                         the activity label as in the source
activity_code     str, nullable               the source's code for it (jenis_proses_id, kd_status)
step_id           str, nullable               the SOP step it maps to; null when unmapped or clock
kind              str                         step, start, open, clock_stop, clock_resume,
                                              clock_reset or clock_restart
timestamp         datetime64[us, UTC]         completion instant; null only for open work
start_timestamp   datetime64[us, UTC], null.  when work on the step started, if exported
role              str, nullable               role or position of who did it
resource          str, nullable               person (user name, NIP) who did it
lifecycle         str, nullable               the source status value, verbatim
sop_id            str                         the SOP model the events are checked against
office            str                         the office that owns that SOP
source_file       str                         the export file's name
source_row        int64                       row in that file as a spreadsheet shows it
                                              (the header is row 1)
================  ==========================  ===================================================

Kinds: ``step`` is a completed step; ``start`` a start whose completion is another row (XES);
``open`` is work not yet done (SiCantik Menunggu / Proses); the ``clock_*`` kinds are the SLA
clock events of OSS (41 stop, 42 resume, 43 stop and reset, 44 restart from the start).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "MAX_TEXT_LENGTH",
    "REJECT_COLUMNS",
    "REJECT_REASONS",
    "EventKind",
    "EventSchema",
    "empty_events",
    "empty_rejects",
]

EventKind = Literal[
    "step", "start", "open", "clock_stop", "clock_resume", "clock_reset", "clock_restart"
]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
EVENT_COLUMNS = (
    "case_id",
    "activity",
    "activity_code",
    "step_id",
    "kind",
    "timestamp",
    "start_timestamp",
    "role",
    "resource",
    "lifecycle",
    "sop_id",
    "office",
    "source_file",
    "source_row",
)
REJECT_COLUMNS = ("source_file", "source_row", "reason", "field", "value", "message", "raw")
#: Longest text accepted in a canonical text field; longer cells are rejected, not cut.
MAX_TEXT_LENGTH = 4096

#: Reason code -> what it means. ``sopmine rejects`` and the docs show this table.
REJECT_REASONS = {
    "malformed_row": "the row has more or fewer fields than the header",
    "repeated_header": "a copy of the header row (two exports joined into one file?)",
    "missing_case_id": "no case id (nomor permohonan)",
    "missing_activity": "no activity label or code",
    "missing_timestamp": "a completed event without its completion time",
    "bad_timestamp": "a completion time that is not a date in any accepted format",
    "bad_start_timestamp": "a start time that is not a date in any accepted format",
    "end_before_start": "completion earlier than start",
    "unknown_status": "a status value the profile does not list",
    "formula_value": "a spreadsheet formula (=...) where an identifier belongs",
    "value_too_long": f"a case id, label, role or person longer than {MAX_TEXT_LENGTH} characters",
}

_UTC = {"unit": "us", "tz": "UTC"}
_TEXT = ("case_id", "activity", "activity_code", "role", "resource")


class EventSchema(pa.DataFrameModel):
    """The canonical event table (see the module docstring for the meaning of each column).

    Validation is lazy: :func:`sopmine.log.read_log` collects every failing row and turns it
    into a reject; the check names are the reject reason codes.

    >>> EventSchema.validate(empty_events()).shape
    (0, 14)
    """

    case_id: Series[str] = pa.Field(nullable=False)
    activity: Series[str] = pa.Field(nullable=False)
    activity_code: Series[str] = pa.Field(nullable=True)
    step_id: Series[str] = pa.Field(nullable=True)
    kind: Series[str] = pa.Field(isin=list(EVENT_KINDS))
    timestamp: Series[pd.DatetimeTZDtype] = pa.Field(nullable=True, dtype_kwargs=_UTC)
    start_timestamp: Series[pd.DatetimeTZDtype] = pa.Field(nullable=True, dtype_kwargs=_UTC)
    role: Series[str] = pa.Field(nullable=True)
    resource: Series[str] = pa.Field(nullable=True)
    lifecycle: Series[str] = pa.Field(nullable=True)
    sop_id: Series[str]
    office: Series[str]
    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)

    class Config:
        strict = False  # the export's other columns follow the canonical ones
        ordered = False

    @pa.dataframe_check(name="missing_timestamp")
    def _completed_has_time(cls, df: pd.DataFrame) -> Series[bool]:
        return Series(df["timestamp"].notna() | (df["kind"] == "open"))

    @pa.dataframe_check(name="end_before_start")
    def _start_not_after_end(cls, df: pd.DataFrame) -> Series[bool]:
        return Series(~(df["start_timestamp"] > df["timestamp"]))

    @pa.dataframe_check(name="missing_case_id")
    def _case_id_present(cls, df: pd.DataFrame) -> Series[bool]:
        return Series(df["case_id"].str.strip().str.len() > 0)

    @pa.dataframe_check(name="formula_value")
    def _case_id_not_formula(cls, df: pd.DataFrame) -> Series[bool]:
        return Series(~df["case_id"].str.startswith("="))

    @pa.dataframe_check(name="value_too_long")
    def _text_fits(cls, df: pd.DataFrame) -> Series[bool]:
        ok = pd.Series(True, index=df.index)
        for column in _TEXT:
            ok &= ~(df[column].str.len() > MAX_TEXT_LENGTH)
        return Series(ok)


def empty_events() -> pd.DataFrame:
    """An event table with the canonical columns and types, and no rows."""
    frame: dict[str, Any] = {}
    for column in EVENT_COLUMNS:
        if column in ("timestamp", "start_timestamp"):
            frame[column] = pd.Series([], dtype="datetime64[us, UTC]")
        elif column == "source_row":
            frame[column] = pd.Series([], dtype="int64")
        else:
            frame[column] = pd.Series([], dtype="str")
    return pd.DataFrame(frame)


def empty_rejects() -> pd.DataFrame:
    """A rejects table with its columns and no rows."""
    frame = {
        c: pd.Series([], dtype="int64" if c == "source_row" else "str") for c in REJECT_COLUMNS
    }
    return pd.DataFrame(frame)
