"""Collecting the problems of an export's rows, and the rejects table they become.

Problems are gathered from every stage (splitting lines, reading statuses and dates, the
pandera checks) before anything is decided, like pandera's lazy validation. A row with several
problems is one reject: its ``reason`` is the first in :data:`REJECT_REASONS` order and its
``message`` tells every problem, each with the column, the value and the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sopmine.log.profile import Profile
from sopmine.log.schema import MAX_TEXT_LENGTH, REJECT_COLUMNS, REJECT_REASONS
from sopmine.log.timestamps import describe_formats

__all__ = ["Issues"]

_ORDER = {reason: i for i, reason in enumerate(REJECT_REASONS)}
_SHOWN = 80  # characters of a value quoted in a message


@dataclass(frozen=True)
class _Issue:
    position: int  # row in the de-duplicated frame; -1 for a line that could not be split
    row: int
    reason: str
    field: str | None
    value: str | None
    message: str


class Issues:
    """The problems found in one file's rows, keyed by row."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray, profile: Profile) -> None:
        self._frame = frame
        self._rows = rows
        self._profile = profile
        self._items: list[_Issue] = []
        self._lines: dict[int, str] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._statuses: np.ndarray | None = None

    def rows(self) -> np.ndarray:
        """Positions (in the de-duplicated frame) of the rows with a problem."""
        return np.unique([i.position for i in self._items if i.position >= 0]).astype(np.int64)

    def add(self, position: int, reason: str, field: str | None, message: str) -> None:
        """Record one problem of the row at ``position``."""
        value = None if field is None else self._value(position, field)
        self._items.append(
            _Issue(position, int(self._rows[position]), reason, field, value, message)
        )

    def add_malformed(self, row: int, text: str, message: str) -> None:
        """A line that could not be split into the header's fields."""
        self._lines[row] = text
        self._items.append(_Issue(-1, row, "malformed_row", None, _cut(text), message))

    def add_bad_instants(
        self,
        text: pd.Series,
        parsed: pd.Series,
        column: str | None,
        reason: str,
        applies: np.ndarray | None = None,
    ) -> None:
        """Cells with text that no date format reads."""
        if column is None:
            return
        bad = (text.notna() & parsed.isna()).to_numpy(dtype=bool)
        if applies is not None:
            bad = bad & applies
        formats = describe_formats(self._profile.date_formats)
        for position in np.flatnonzero(bad):
            self.add(
                int(position),
                reason,
                column,
                f"{column} {_quote(text.iloc[position])} is not a date sopmine can read "
                f"(accepted: {formats}); correct the cell, or add its format to date_formats "
                "in a copy of the profile",
            )

    def add_unknown_status(self, status: pd.Series, unknown: pd.Series, column: str) -> None:
        """Rows whose status value the profile does not list."""
        rules = self._profile.status
        known = ", ".join(rules.kinds()) if rules is not None else ""
        for position in np.flatnonzero(unknown.to_numpy(dtype=bool)):
            value = status.iloc[position]
            what = (
                "is empty, not a status" if pd.isna(value) else f"{_quote(value)} is not a status"
            )
            self.add(
                int(position),
                "unknown_status",
                column,
                f"{column} {what} the '{self._profile.name}' profile knows ({known}); "
                "correct the cell, or list the value under status: in a copy of the profile",
            )

    def add_schema_failures(
        self, failures: pd.DataFrame, events: pd.DataFrame, fields: dict[str, str]
    ) -> None:
        """Failures of :class:`EventSchema` (pandera's ``failure_cases``), one issue per row."""
        failures = failures.dropna(subset=["index"])
        reasons = np.where(
            failures["check"] == "not_nullable",
            "missing_" + failures["column"].astype("str"),
            failures["check"].astype("str"),
        )
        # pandera reports a dataframe check once per column: one issue per (row, reason)
        pairs = pd.DataFrame({"position": failures["index"].astype("int64"), "reason": reasons})
        pairs = pairs.drop_duplicates()
        for position, reason in pairs.itertuples(index=False):
            if reason == "missing_timestamp" and self._filled(
                int(position), fields.get("timestamp")
            ):
                continue  # text that no format reads, not an empty cell: a bad_timestamp issue
            field, message = self._explain(int(position), str(reason), events, fields)
            self.add(int(position), str(reason), field, message)

    def _explain(
        self, position: int, reason: str, events: pd.DataFrame, fields: dict[str, str]
    ) -> tuple[str | None, str]:
        case, activity = fields.get("case_id"), fields.get("activity", fields.get("activity_code"))
        end, start = fields.get("timestamp"), fields.get("start_timestamp")
        if reason == "missing_case_id":
            return case, f"{case} is empty; every row needs the application number"
        if reason == "missing_activity":
            return activity, f"{activity} is empty; every row needs the step's name or code"
        if reason == "missing_timestamp":
            status = self._lifecycle(events, position)
            said = f" (status {_quote(status)})" if status is not None else ""
            return end, (
                f"{end} is empty, but the row is a completed step{said}; "
                "fill in the completion time, or correct the status"
            )
        if reason == "end_before_start":
            return end, (
                f"{end} {_quote(self._value(position, end))} is earlier than {start} "
                f"{_quote(self._value(position, start))}; check both cells "
                "(columns swapped? day and month exchanged?)"
            )
        if reason == "formula_value":
            return case, (
                f"{case} holds a spreadsheet formula {_quote(self._value(position, case))}, "
                "not a value; export values only (Excel: Copy, then Paste Special > Values)"
            )
        if reason == "value_too_long":
            column = self._long_column(position, fields)
            return column, (
                f"{column or 'a cell'} is longer than {MAX_TEXT_LENGTH} characters, too long "
                "for a case id, label, role or person; is the profile's column mapping right?"
            )
        return None, f"failed the event table check {reason!r}"

    def _long_column(self, position: int, fields: dict[str, str]) -> str | None:
        for field in ("case_id", "activity", "activity_code", "role", "resource"):
            value = self._value(position, fields.get(field))
            if value is not None and len(value) > MAX_TEXT_LENGTH:
                return fields[field]
        return None

    def frame(self, source_file: str) -> pd.DataFrame:
        """The rejects table: one row per rejected row, in file order."""
        by_row: dict[int, list[_Issue]] = {}
        for issue in self._items:
            by_row.setdefault(issue.row, []).append(issue)
        records = []
        for row in sorted(by_row):
            items = sorted(by_row[row], key=lambda i: _ORDER.get(i.reason, len(_ORDER)))
            first = items[0]
            records.append(
                {
                    "source_file": source_file,
                    "source_row": row,
                    "reason": first.reason,
                    "field": first.field,
                    "value": first.value,
                    "message": first.message
                    if first.reason == "repeated_header"
                    else "; ".join(dict.fromkeys(i.message for i in items)),
                    "raw": self._raw(first),
                }
            )
        frame = pd.DataFrame.from_records(records, columns=list(REJECT_COLUMNS))
        text = {c: "str" for c in REJECT_COLUMNS if c != "source_row"}
        return frame.astype({**text, "source_row": "int64"})

    def _value(self, position: int, column: str | None) -> str | None:
        if column is None or column not in self._frame.columns:
            return None
        if column not in self._columns:  # one conversion per column, then O(1) lookups
            self._columns[column] = self._frame[column].to_numpy(dtype=object)
        value = self._columns[column][position]
        return None if pd.isna(value) else str(value)

    def _lifecycle(self, events: pd.DataFrame, position: int) -> object:
        if "lifecycle" not in self._columns:
            first = ~events.index.duplicated()
            self._columns["lifecycle"] = (
                pd.Series(
                    events["lifecycle"].to_numpy(dtype=object)[first], index=events.index[first]
                )
                .reindex(range(len(self._frame)))
                .to_numpy(dtype=object)
            )
        return self._columns["lifecycle"][position]

    def _filled(self, position: int, column: str | None) -> bool:
        value = self._value(position, column)
        return value is not None and value.strip() not in self._profile.empty_values

    def _raw(self, issue: _Issue) -> str:
        if issue.position < 0:
            return json.dumps({"line": self._lines.get(issue.row, "")}, ensure_ascii=False)
        values = {str(c): self._value(issue.position, str(c)) for c in self._frame.columns}
        return json.dumps(values, ensure_ascii=False)


def _cut(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"... ({len(text)} characters)"


def _quote(value: object) -> str:
    return f"'{_cut(value)}'"
