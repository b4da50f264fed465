"""From an export's rows to canonical events and rejects, accounting for every row.

The order of the work: exact duplicate rows are set aside first (re-exports repeat rows);
then statuses become event kinds, timestamps are read, the profile's further events are added,
and the pandera :class:`~sopmine.log.schema.EventSchema` is checked lazily. A row with any
failure is rejected whole, with every problem in its message; the rest become events, mapped
to SOP steps. ``rows read = rows loaded + rows rejected + duplicate rows`` holds by design.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa

from sopmine.errors import LogReadError
from sopmine.log.engine import engine
from sopmine.log.mapping import StepMapper
from sopmine.log.profile import EventRule, Profile
from sopmine.log.readers import RawTable
from sopmine.log.rejects import Issues
from sopmine.log.schema import EVENT_COLUMNS, EventSchema
from sopmine.log.timestamps import parse_instants
from sopmine.sop import SopModel

__all__ = ["Normalized", "normalize_rows"]

_STEP_KINDS = ("step", "start", "open")
_SUGGESTED = 100  # unmapped labels that get suggestions, most frequent first


@dataclass(frozen=True)
class Normalized:
    """The events and rejects of one file, and what was set aside as duplicate rows."""

    events: pd.DataFrame
    rejects: pd.DataFrame
    duplicate_rows: np.ndarray
    unmapped: pd.DataFrame


def normalize_rows(
    raw: RawTable,
    profile: Profile,
    model: SopModel,
    *,
    source_file: str,
    mapper: StepMapper,
    roster: pd.Series | None = None,
) -> Normalized:
    """Turn a :class:`RawTable` into canonical events and rejects (see the module docstring)."""
    fields = _fields(raw.frame, profile, source_file)
    duplicate = _duplicate_mask(raw.frame)
    frame = raw.frame[~duplicate].reset_index(drop=True) if duplicate.any() else raw.frame
    rows = raw.rows[~duplicate]
    issues = Issues(frame, rows, profile)
    for number, text, message in raw.malformed:
        issues.add_malformed(number, text, message)
    _flag_repeated_headers(frame, fields, issues)
    events = _main_events(frame, fields, profile, model, issues)
    for rule in profile.events:
        events = pd.concat([events, _rule_events(frame, fields, rule, profile, model, issues)])
    if profile.events:
        events = events.sort_index(kind="stable")
    _validate(events, fields, issues)
    rejected = issues.rows()
    kept = events[~events.index.isin(rejected)] if len(rejected) else events
    kept = _finish(kept, frame, rows, fields, model, mapper, roster, source_file)
    return Normalized(
        events=kept,
        rejects=issues.frame(source_file),
        duplicate_rows=raw.rows[duplicate],
        unmapped=_unmapped(kept, mapper),
    )


def _fields(frame: pd.DataFrame, profile: Profile, file: str) -> dict[str, str]:
    """Canonical field -> column, for the fields this file has; missing required ones raise."""
    wanted = profile.columns.used()
    for rule in profile.events:
        for column in (rule.activity, rule.timestamp, rule.start_timestamp):
            if column:
                wanted.setdefault(f"rule:{column}", column)
    missing = {
        f: c for f, c in wanted.items() if c not in frame.columns and f not in profile.optional
    }
    if missing:
        have = ", ".join(repr(str(c)) for c in frame.columns[:30])
        field = next(iter(missing)).removeprefix("rule:")
        raise LogReadError(
            f"{file}: the '{profile.name}' profile expects the column(s) "
            f"{', '.join(repr(c) for c in missing.values())}, which the file does not have. "
            f"The file's columns are: {have}. Fix: export with those columns, map yours on the "
            f"command line (--map {field}='<your column>'), or copy the profile "
            f"(sopmine profile show {profile.name} > mine.yaml) and edit its columns"
        )
    return {f: c for f, c in wanted.items() if c in frame.columns}


def _flag_repeated_headers(frame: pd.DataFrame, fields: dict[str, str], issues: Issues) -> None:
    """Rows that repeat the column names: two exports pasted into one file."""
    columns = sorted(set(fields.values()))
    repeated = np.ones(len(frame), dtype=bool)
    for column in columns:
        repeated &= (frame[column].astype("str").str.strip() == column).to_numpy(dtype=bool)
    for position in np.flatnonzero(repeated):
        issues.add(
            int(position),
            "repeated_header",
            None,
            "the row repeats the column names (two exports joined into one file?); "
            "it holds no event",
        )


def _duplicate_mask(frame: pd.DataFrame) -> np.ndarray:
    """Rows equal, cell for cell, to an earlier row. Hashes find candidates; pandas confirms."""
    if len(frame) < 2 or frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=bool)
    columns = ", ".join(f'"{i}"' for i in range(frame.shape[1]))
    positional = frame.set_axis([str(i) for i in range(frame.shape[1])], axis=1)
    with engine() as con:
        con.register("raw", positional)
        hashes = con.execute(f"SELECT hash({columns}) AS h FROM raw").fetchnumpy()["h"]  # noqa: S608
    candidates = pd.Series(np.asarray(hashes)).duplicated(keep=False).to_numpy()
    mask = np.zeros(len(frame), dtype=bool)
    if candidates.any():
        where = np.flatnonzero(candidates)
        mask[where] = frame.iloc[where].duplicated(keep="first").to_numpy()
    return mask


def _text(frame: pd.DataFrame, column: str | None, profile: Profile) -> pd.Series:
    """A text column with whitespace trimmed and the profile's empty markers as NA."""
    if column is None:
        return _constant(None, frame.index)
    values = frame[column].astype("str").str.strip()
    return values.where(~values.isin(profile.empty_values)).astype("str")


def _instants(
    frame: pd.DataFrame, column: str | None, profile: Profile, model: SopModel
) -> tuple[pd.Series, pd.Series]:
    """The parsed instants of a column, and the cleaned text they were read from."""
    if column is None:
        empty = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
        return empty, pd.Series(pd.NA, index=frame.index, dtype="str")
    source = frame[column]
    if pd.api.types.is_datetime64_any_dtype(source):
        tz = profile.timezone or model.office.timezone
        return parse_instants(source, formats=(), timezone=tz), source.astype("str")
    text = _text(frame, column, profile)
    tz = profile.timezone or model.office.timezone
    return parse_instants(text, formats=profile.date_formats, timezone=tz), text


def _main_events(
    frame: pd.DataFrame, fields: dict[str, str], profile: Profile, model: SopModel, issues: Issues
) -> pd.DataFrame:
    code = _text(frame, fields.get("activity_code"), profile)
    activity = _text(frame, fields.get("activity"), profile).fillna(code)
    status = _text(frame, fields.get("status"), profile)
    kind = _kinds(status, profile, issues, fields.get("status"))
    end, end_text = _instants(frame, fields.get("timestamp"), profile, model)
    if profile.open_without_timestamp:
        kind = kind.where(~((kind == "step") & end_text.isna()), "open")
    start, start_text = _instants(frame, fields.get("start_timestamp"), profile, model)
    open_work = (kind == "open").to_numpy()
    issues.add_bad_instants(end_text, end, fields.get("timestamp"), "bad_timestamp", ~open_work)
    issues.add_bad_instants(start_text, start, fields.get("start_timestamp"), "bad_start_timestamp")
    end = end.where(~open_work)
    return pd.DataFrame(
        {
            "case_id": _text(frame, fields["case_id"], profile),
            "activity": activity,
            "activity_code": code,
            "kind": kind,
            "timestamp": end,
            "start_timestamp": start,
            "role": _text(frame, fields.get("role"), profile),
            "resource": _text(frame, fields.get("resource"), profile),
            "lifecycle": status,
        }
    )


def _kinds(status: pd.Series, profile: Profile, issues: Issues, column: str | None) -> pd.Series:
    if profile.status is None or column is None:
        return pd.Series("step", index=status.index, dtype="str")
    table = profile.status.kinds()
    codes, uniques = pd.factorize(status)
    lookup = np.array([table.get(str(u)) for u in uniques] + [None], dtype=object)
    kinds = pd.Series(lookup[codes], index=status.index, dtype="str")
    if profile.status.any_other_is_step:
        kinds = kinds.where(kinds.notna(), "step")  # "any other value", an empty one too
    issues.add_unknown_status(status, kinds.isna(), column)
    return kinds.fillna("step").astype("str")


def _rule_events(
    frame: pd.DataFrame,
    fields: dict[str, str],
    rule: EventRule,
    profile: Profile,
    model: SopModel,
    issues: Issues,
) -> pd.DataFrame:
    end, end_text = _instants(frame, rule.timestamp, profile, model)
    start, start_text = _instants(frame, rule.start_timestamp, profile, model)
    issues.add_bad_instants(end_text, end, rule.timestamp, "bad_timestamp")
    issues.add_bad_instants(start_text, start, rule.start_timestamp, "bad_start_timestamp")
    label = (
        _text(frame, rule.activity, profile)
        if rule.activity
        else pd.Series(rule.label, index=frame.index, dtype="str")
    )
    present = end_text.notna()
    events = pd.DataFrame(
        {
            "case_id": _text(frame, fields["case_id"], profile),
            "activity": label,
            "activity_code": pd.Series(pd.NA, index=frame.index, dtype="str"),
            "kind": rule.kind,
            "timestamp": end,
            "start_timestamp": start,
            "role": _text(frame, fields.get("role"), profile),
            "resource": _text(frame, fields.get("resource"), profile),
            "lifecycle": pd.Series(pd.NA, index=frame.index, dtype="str"),
        }
    )
    return events[present.to_numpy()]


def _validate(events: pd.DataFrame, fields: dict[str, str], issues: Issues) -> None:
    """EventSchema's row checks, lazily: every failing row becomes an issue."""
    probe = events.assign(
        step_id=_constant(None, events.index),
        sop_id=_constant("-", events.index),
        office=_constant("-", events.index),
        source_file=_constant("-", events.index),
        source_row=np.ones(len(events), dtype=np.int64),
    )
    try:
        EventSchema.validate(probe, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        issues.add_schema_failures(exc.failure_cases, events, fields)


def _finish(
    events: pd.DataFrame,
    frame: pd.DataFrame,
    rows: np.ndarray,
    fields: dict[str, str],
    model: SopModel,
    mapper: StepMapper,
    roster: pd.Series | None,
    source_file: str,
) -> pd.DataFrame:
    position = events.index.to_numpy()
    stepwise = events["kind"].isin(_STEP_KINDS)
    step_id = mapper.map(events["activity"], events["activity_code"]).where(stepwise)
    role = events["role"]
    if roster is not None:
        role = role.fillna(events["resource"].map(roster)).astype("str")
    out = events.assign(
        step_id=step_id.astype("str"),
        role=role,
        sop_id=_constant(model.id, events.index),
        office=_constant(model.office.name, events.index),
        source_file=_constant(source_file, events.index),
        source_row=rows[position],
    )
    out = out[list(EVENT_COLUMNS)].reset_index(drop=True)
    used = set(fields.values())
    extras = frame[[c for c in frame.columns if c not in used]]
    if not _is_identity(position, len(frame)):
        extras = extras.iloc[position]
    extras = extras.rename(columns=lambda c: f"source:{c}" if c in EVENT_COLUMNS else c)
    return pd.concat([out, extras.reset_index(drop=True)], axis=1)


def _constant(value: str | None, index: pd.Index) -> pd.Series:
    """A text column holding one value (or NA) on every row."""
    size = len(index)
    array = pa.nulls(size, pa.string()) if value is None else pa.repeat(pa.scalar(value), size)
    return pd.Series(array, index=index, dtype="str")


def _is_identity(position: np.ndarray, size: int) -> bool:
    """Whether ``position`` is simply 0, 1, ..., size - 1 (then no row needs moving)."""
    return len(position) == size and bool((position == np.arange(size)).all())


def _unmapped(events: pd.DataFrame, mapper: StepMapper) -> pd.DataFrame:
    stepwise = events["kind"].isin(_STEP_KINDS)
    labels = events.loc[stepwise & events["step_id"].isna(), "activity"]
    counts = labels.value_counts(sort=True)
    # Suggestions for the most frequent labels only: thousands of distinct labels mean the
    # activity column is mapped to free text, and then no suggestion helps.
    hints: list[str | None] = [
        ", ".join(mapper.suggest(str(label))) for label in counts.index[:_SUGGESTED]
    ]
    hints += [None] * (len(counts) - len(hints))
    return pd.DataFrame(
        {
            "label": pd.Series(counts.index, dtype="str"),
            "count": pd.Series(counts.to_numpy(), dtype="int64"),
            "suggestions": pd.Series(hints, dtype="str"),
        }
    )
