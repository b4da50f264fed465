"""Write events as an application's export: a profile read backwards.

:func:`encode` turns drawn events into the table a profile reads (its columns, labels, codes,
status values, date format, case-number pattern) and, alongside, the canonical events that
``sopmine load`` must give back from it: what the export can carry and nothing more (no open
work where the format has no status for it, roles from the roster where it has no role column).
:func:`add_dirty_rows` adds bad rows with exact counts; :func:`write_table` writes CSV, XLSX,
Parquet or XES.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from sopmine.log.profile import Profile
from sopmine.log.schema import EVENT_COLUMNS
from sopmine.simulate._codes import categorical, categorical_of
from sopmine.simulate._generate import Generated
from sopmine.simulate.settings import DirtyRows, SimulationError
from sopmine.sop import SopModel

__all__ = ["Encoded", "add_dirty_rows", "encode", "output_format", "write_table"]

_CANONICAL = [
    c for c in EVENT_COLUMNS if c not in ("sop_id", "office", "source_file", "source_row")
]


@dataclass(frozen=True)
class Encoded:
    """An export table and the canonical events it carries."""

    table: pd.DataFrame
    events: pd.DataFrame
    roster: pd.DataFrame | None
    format: str
    dropped: dict[str, int]
    case_ids: pd.Series  # generator case number -> case id as written


def output_format(path: str | os.PathLike[str] | None, profile: Profile) -> str:
    """csv, xlsx, parquet or xes: from the file's suffix, else the profile's format."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    by_suffix = {
        ".csv": "csv",
        ".txt": "csv",
        ".tsv": "csv",
        ".xlsx": "xlsx",
        ".parquet": "parquet",
        ".xes": "xes",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix:
        raise SimulationError(
            f"{path}: cannot write {suffix} files; use .csv, .xlsx, .parquet or .xes"
        )
    return profile.read.format if profile.read.format != "auto" else "csv"


def encode(
    generated: Generated,
    model: SopModel,
    profile: Profile,
    *,
    fmt: str,
    rng: np.random.Generator,
) -> Encoded:
    """The export table of ``generated`` in ``profile``, and the events it carries."""
    columns = profile.columns.used()
    status_rules = profile.status
    has_status = "status" in columns and status_rules is not None
    xes = fmt == "xes"
    can_open = not xes and (
        (has_status and bool(status_rules and status_rules.open)) or profile.open_without_timestamp
    )
    can_clock = has_status and bool(
        status_rules and status_rules.clock_stop and status_rules.clock_resume
    )
    events = generated.events
    keep = pd.Series(True, index=events.index)
    dropped = {}
    if not can_open:
        dropped["open"] = int((events["kind"] == "open").sum())
        keep &= events["kind"] != "open"
    if not can_clock:
        dropped["clock"] = int(events["kind"].str.startswith("clock_").sum())
        keep &= ~events["kind"].str.startswith("clock_")
    events = events[keep].reset_index(drop=True)

    tz = profile.timezone or model.office.timezone
    write = profile.write
    date_format = write.date_format or next(
        (f for f in profile.date_formats if "%" in f), "%Y-%m-%d %H:%M:%S"
    )
    local_ts = _local(events["timestamp"], tz)
    local_start = _local(events["start_timestamp"], tz)

    # per case: its number, submission and business id
    first = events.groupby("case", sort=True)["timestamp"].min()
    submitted_local = _local(first, tz)
    case_numbers = first.index.to_numpy()
    nib = rng.integers(10**12, 10**13 - 1, size=case_numbers.size)
    fields = pd.DataFrame(
        {
            "seq": case_numbers + 1,
            "year": submitted_local.dt.year.to_numpy(),
            "submitted": _format(submitted_local, date_format),
            "nib": nib.astype(str),
        },
        index=case_numbers,
    )
    constants = {
        "service": model.service,
        "sop_id": model.id,
        "office": model.office.name,
        "regency": model.office.regency,
        "printed": str(_format(_local(pd.Series([generated.as_of]), tz), date_format)[0]),
    }
    try:
        fields["case_id"] = [
            write.case_id.format(**constants, seq=int(seq), year=int(year), submitted=sub, nib=n)
            for seq, year, sub, n in zip(
                fields["seq"], fields["year"], fields["submitted"], fields["nib"], strict=True
            )
        ]
    except (KeyError, ValueError, IndexError) as err:
        raise SimulationError(
            f"profile {profile.name}: write.case_id {write.case_id!r} is not a valid template "
            f"({err}); fields: seq, year, submitted, nib, service, sop_id, office, regency"
        ) from None
    if fields["case_id"].duplicated().any():
        raise SimulationError(
            f"profile {profile.name}: write.case_id {write.case_id!r} gives two cases the same "
            "number; include {seq}"
        )
    case_numbers_all = events["case"].to_numpy()
    case_id = categorical(
        np.searchsorted(case_numbers, case_numbers_all), fields["case_id"].tolist()
    )

    people = generated.staff.people
    person = events["person"].to_numpy(dtype=np.int64)
    key = "nip" if write.resource == "nip" else "name"
    resource = _of_person(people, key, person)
    names = _of_person(people, "name", person)
    nips = _of_person(people, "nip", person)
    actor_name = {a.id: a.name for a in model.actors}
    role = _relabel(events["actor"], actor_name)

    overrides = profile.overrides(model.id)
    label_of = {s.id: s.name for s in model.steps}
    for label, target in reversed(list(overrides.labels.items())):
        label_of[target] = label
    code_of: dict[str, str] = {}
    for code_value, target in overrides.codes.items():
        code_of.setdefault(target, code_value)
    step_id = pd.Categorical(events["step_id"])
    step_names = {s.name: s.id for s in model.steps}
    activity = _relabel(
        events["activity"], {a: label_of.get(step_names.get(a, ""), a) for a in
                             events["activity"].cat.categories}
    )  # fmt: skip
    code = _relabel(step_id, code_of)
    mapped = step_id.codes >= 0
    if "activity" not in columns and (code.codes[mapped] < 0).any():
        missing = sorted(set(np.asarray(step_id)[mapped & (code.codes < 0)]))
        raise SimulationError(
            f"profile {profile.name} identifies steps by code only, and has no code for "
            f"{', '.join(missing)} of {model.id}: add them under steps.{model.id}.codes"
        )

    kind = pd.Categorical(events["kind"])
    status = _status_values(profile, kind, events["start_timestamp"].notna().to_numpy())
    same_column = has_status and columns.get("status") == columns.get("activity_code")
    if same_column:  # OSS: kd_status is both the code and the status
        merged = np.where(np.asarray(kind) == "step", np.asarray(code, dtype=object),
                          np.asarray(status, dtype=object))  # fmt: skip
        code = status = pd.Categorical(pd.Series(merged, dtype=object).where(pd.notna(merged)))
    timestamp_text = _format(local_ts, date_format)
    start_text = _format(local_start, date_format)

    roster = None
    if "role" not in columns and "resource" in columns:
        staff = pd.DataFrame(
            {
                profile.roster.person: people[key].to_numpy(dtype=object),
                profile.roster.role: people["actor"].map(actor_name).to_numpy(dtype=object),
            }
        )
        roster = staff.drop_duplicates(profile.roster.person).reset_index(drop=True)
        role = _of_person(people.assign(role=people["actor"].map(actor_name)), "role", person)

    # what `sopmine load` gives back
    nothing = categorical(np.full(len(events), -1), [])
    carried = pd.DataFrame(
        {
            "case_id": case_id,
            "activity": activity,
            "activity_code": code if "activity_code" in columns else nothing,
            "step_id": step_id,
            "kind": kind,
            "timestamp": events["timestamp"],
            "start_timestamp": events["start_timestamp"]
            if "start_timestamp" in columns
            else pd.Series(pd.NaT, index=events.index, dtype="datetime64[ns, UTC]"),
            "role": role if ("role" in columns or roster is not None) else nothing,
            "resource": resource if "resource" in columns else nothing,
            "lifecycle": status if has_status else nothing,
        }
    )
    if xes:
        carried["lifecycle"] = pd.Categorical(["complete"] * len(carried))

    if xes:
        table = pd.DataFrame(
            {
                "case:concept:name": np.asarray(case_id, dtype=object),
                "concept:name": np.asarray(activity, dtype=object),
                "time:timestamp": events["timestamp"],
                "org:resource": np.asarray(resource, dtype=object),
                "org:role": np.asarray(_relabel(events["actor"], actor_name), dtype=object),
                "lifecycle:transition": "complete",
            }
        )
        return Encoded(table, carried[_CANONICAL], roster, fmt, dropped, fields["case_id"])

    values: dict[str, Any] = {
        "case_id": case_id,
        "activity": activity,
        "activity_code": code,
        "timestamp": timestamp_text,
        "start_timestamp": start_text,
        "role": role,
        "resource": resource,
        "status": status,
    }
    table = pd.DataFrame({columns[f]: values[f] for f in columns}, index=events.index)
    row_fields: dict[str, Any] = {
        "name": names,
        "nip": nips,
        "step_number": _relabel(step_id, {s.id: str(s.number) for s in model.steps}),
    }
    for column, template in write.extra.items():
        table[column] = _render(template, constants, fields, case_numbers_all, row_fields, profile)
    order = [c for c in write.order if c in table.columns]
    order += [c for c in table.columns if c not in order]
    return Encoded(
        table[order].reset_index(drop=True),
        carried[_CANONICAL],
        roster,
        fmt,
        dropped,
        fields["case_id"],
    )


def _relabel(values: Any, mapping: dict[Any, Any]) -> pd.Categorical:
    """A categorical with each category replaced by ``mapping[category]`` (None: missing).

    Works on the categories only, so it costs nothing per row.
    """
    cat = pd.Categorical(values)
    labels = pd.Series([mapping.get(c) for c in cat.categories], dtype=object)
    new_codes, uniques = pd.factorize(labels)
    lookup = np.append(new_codes, -1)
    return categorical(lookup[cat.codes], list(uniques))


def _of_person(people: pd.DataFrame, column: str, person: np.ndarray) -> pd.Categorical:
    """A column of the staff table for every event; missing where the applicant acted."""
    labels = people[column].astype(object)
    new_codes, uniques = pd.factorize(labels)
    lookup = np.append(new_codes, -1)
    return categorical(lookup[person], list(uniques))


def _status_values(profile: Profile, kind: pd.Categorical, started: np.ndarray) -> pd.Categorical:
    rules = profile.status
    write = profile.write
    out = np.full(len(kind), None, dtype=object)
    if rules is not None:
        kinds = np.asarray(kind, dtype=object)
        listed = [v for v in rules.step if v != "*"]
        done = write.status_done or (listed[0] if listed else None)
        waiting = write.status_waiting or (rules.open[0] if rules.open else None)
        working = write.status_in_progress or (rules.open[-1] if rules.open else None)
        out[kinds == "step"] = done
        out[(kinds == "open") & ~started] = waiting
        out[(kinds == "open") & started] = working
        for clock in ("clock_stop", "clock_resume", "clock_reset", "clock_restart"):
            values = getattr(rules, clock)
            if values:
                out[kinds == clock] = values[0]
    return pd.Categorical(pd.Series(out, dtype=object))


def _render(
    template: str,
    constants: dict[str, str],
    fields: pd.DataFrame,
    case: np.ndarray,
    row_fields: dict[str, Any],
    profile: Profile,
) -> pd.Categorical:
    """A template column: per row when it names a row field, else per case, else constant."""
    try:
        for name, column in row_fields.items():
            if template == "{" + name + "}":
                return categorical_of(column)
        if any("{" + name in template for name in row_fields):
            per_case = fields.reindex(case)
            rows = {k: np.asarray(v, dtype=object) for k, v in row_fields.items()}
            return categorical_of(
                [
                    template.format(
                        **constants,
                        **dict(zip(per_case.columns, values, strict=True)),
                        **{k: (v[i] if isinstance(v[i], str) else "") for k, v in rows.items()},
                    )
                    for i, values in enumerate(per_case.itertuples(index=False, name=None))
                ]
            )
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if used - set(constants):
            rendered = [
                template.format(**constants, **dict(zip(fields.columns, values, strict=True)))
                for values in fields.itertuples(index=False, name=None)
            ]
            codes, names = pd.factorize(pd.Series(rendered, dtype=object))
            where = np.searchsorted(fields.index.to_numpy(), case)
            return categorical(codes[where], list(names))
        template = template.format(**constants)
        return categorical(np.zeros(case.size, dtype=np.int64), [template])
    except (KeyError, ValueError, IndexError, AttributeError) as err:
        raise SimulationError(
            f"profile {profile.name}: write.extra template {template!r} is not valid ({err})"
        ) from None


def _local(instants: pd.Series, tz: str) -> pd.Series:
    series = pd.Series(pd.to_datetime(instants, utc=True))
    return series.dt.tz_convert(tz).dt.tz_localize(None)


def _format(local: pd.Series, fmt: str) -> pd.Categorical:
    """Naive local instants as text in a strftime format; NaT is missing.

    Each distinct instant is formatted once (by Arrow), so a log of minute-precision events
    costs a fraction of its length.
    """
    values = local.astype("datetime64[ns]").to_numpy()
    known = ~np.isnat(values)
    codes = np.full(values.size, -1, dtype=np.int64)
    found, uniques = pd.factorize(values[known].astype(np.int64))
    codes[known] = found
    moments = pa.array(uniques.astype("datetime64[ns]").astype("datetime64[s]"))
    text = pc.strftime(moments, format=fmt).to_numpy(zero_copy_only=False).astype(object)
    relabel, names = pd.factorize(pd.Series(text, dtype=object))
    return categorical(np.where(codes < 0, -1, relabel[codes]), list(names))


# --------------------------------------------------------------------------- dirty rows


def add_dirty_rows(
    encoded: Encoded,
    profile: Profile,
    dirty: DirtyRows,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with bad copies of rows spread through it, and where each one went.

    Returns ``(table, dirty_rows)``; ``dirty_rows`` has the row number ``sopmine load``
    reports (``source_row``) and the expected outcome (``duplicate`` or a reject reason).
    """
    table = encoded.table
    columns = profile.columns
    if dirty.total == 0:
        return table, pd.DataFrame(
            {"source_row": pd.Series(dtype="int64"), "reason": pd.Series(dtype="object")}
        )
    if encoded.format == "xes":
        raise SimulationError("dirty rows are written to CSV, XLSX and Parquet exports, not XES")
    start_column = columns.start_timestamp
    if dirty.end_before_start and start_column is None:
        raise SimulationError(
            f"profile {profile.name} has no start time column: end_before_start rows cannot be "
            "written (set dirty.end_before_start to 0)"
        )
    completed = np.flatnonzero(encoded.events["kind"].to_numpy() == "step")
    if completed.size == 0:
        raise SimulationError("no completed event to copy for dirty rows")
    fmt = profile.write.date_format or next(
        (f for f in profile.date_formats if "%" in f), "%Y-%m-%d %H:%M:%S"
    )
    impossible = fmt.replace("%d", "30").replace("%m", "02").replace("%Y", "2025")
    impossible = dt.datetime(2025, 1, 1, 10, 15).strftime(impossible)
    copies, reasons = [], []
    plan = [
        ("duplicate", dirty.duplicates),
        ("missing_case_id", dirty.missing_case_id),
        ("bad_timestamp", dirty.bad_timestamp),
        ("end_before_start", dirty.end_before_start),
    ]
    for reason, count in plan:
        for source in rng.choice(completed, size=count, replace=True):
            row = table.iloc[int(source)].copy()
            if reason == "missing_case_id":
                row[columns.case_id] = ""
            elif reason == "bad_timestamp":
                row[columns.timestamp] = impossible
            elif reason == "end_before_start":
                row[str(start_column)] = _day_later(row[columns.timestamp], fmt)
            copies.append(row)
            reasons.append(reason)
    positions = np.sort(rng.choice(len(table) + len(copies), size=len(copies), replace=False))
    order = rng.permutation(len(copies))
    out = np.empty(len(table) + len(copies), dtype=np.int64)
    is_dirty = np.zeros(out.size, dtype=np.bool_)
    is_dirty[positions] = True
    out[~is_dirty] = np.arange(len(table))
    out[is_dirty] = len(table) + order
    combined = pd.concat([table, pd.DataFrame(copies, columns=table.columns)], ignore_index=True)
    result = combined.iloc[out].reset_index(drop=True)
    first_row = _first_data_row(profile, encoded.format)
    dirty_rows = pd.DataFrame(
        {
            "source_row": positions + first_row,
            "reason": np.array(reasons, dtype=object)[order],
        }
    )
    return result, dirty_rows


def _day_later(text: str, fmt: str) -> str:
    """The completion text one day later, in the same format: a start after the end."""
    return (dt.datetime.strptime(str(text), fmt) + dt.timedelta(days=1)).strftime(fmt)


def _first_data_row(profile: Profile, fmt: str) -> int:
    """The row number ``sopmine load`` gives the first data row of a written table."""
    if fmt in ("csv", "xlsx"):
        return profile.read.header_row + 1 if fmt == "xlsx" else 2
    return 1


# --------------------------------------------------------------------------- files


def write_table(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    profile: Profile,
    *,
    fmt: str,
    printed: str = "",
) -> Path:
    """Write the export table in ``fmt``; returns the path written."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        separator = profile.read.separator if profile.read.separator != "auto" else ","
        if file.suffix.lower() == ".tsv":
            separator = "\t"
        buffer = io.BytesIO()
        arrow = _as_text(table)
        # like a spreadsheet's CSV: quotes only around values that hold a separator, a quote
        # or a line break (Arrow would quote every text value otherwise)
        quoted = _needs_quotes(table, separator)
        options = pa_csv.WriteOptions(
            delimiter=separator,
            quoting_style="needed" if quoted else "none",
            include_header=False,
        )
        pa_csv.write_csv(arrow, buffer, options)
        names = [_quote(str(c)) if quoted else str(c) for c in table.columns]
        text = separator.join(names) + "\n" + buffer.getvalue().decode("utf-8")
        file.write_bytes(text.encode(profile.write.encoding, errors="replace"))
    elif fmt == "xlsx":
        _write_xlsx(table, file, profile, printed)
    elif fmt == "parquet":
        pq.write_table(_as_text(table), file)
    elif fmt == "xes":
        from sopmine.pm4py_bridge import write_xes

        write_xes(table, file)
    else:
        raise SimulationError(f"cannot write format {fmt!r}")
    return file


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _needs_quotes(table: pd.DataFrame, separator: str) -> bool:
    """Whether any value (or header) holds the separator, a quote or a line break."""
    special = (separator, '"', "\n", "\r")
    for name in table.columns:
        column = table[name]
        values = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
        texts = [str(name), *(str(v) for v in values if isinstance(v, str))]
        if any(mark in text for text in texts for mark in special):
            return True
    return False


def _as_text(table: pd.DataFrame) -> pa.Table:
    """The table as Arrow strings (categories decoded, missing cells null)."""
    columns = []
    for name in table.columns:
        column = table[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            array = pa.array(column, from_pandas=True)
            columns.append(array.cast(pa.string()) if len(array) else pa.array([], pa.string()))
        else:
            values = column.astype(object).where(column.notna(), None)
            columns.append(pa.array(values.to_numpy(dtype=object), type=pa.string()))
    return pa.Table.from_arrays(columns, names=[str(c) for c in table.columns])


def _write_xlsx(table: pd.DataFrame, file: Path, profile: Profile, printed: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    sheet_name = profile.read.sheet if isinstance(profile.read.sheet, str) else "Sheet1"
    sheet = workbook.create_sheet(sheet_name)
    titles = list(profile.write.title_rows)[: profile.read.header_row - 1]
    titles += [""] * (profile.read.header_row - 1 - len(titles))
    for line in titles:
        sheet.append([line.format(printed=printed)] if line else [])
    sheet.append(list(table.columns))
    for row in table.astype("object").where(table.notna(), None).itertuples(index=False):
        sheet.append(list(row))
    workbook.save(file)
