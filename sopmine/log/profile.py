"""Export profiles: how one application's export becomes canonical events, written as data.

A profile is a YAML file a user can copy and edit without writing Python: which column holds
what, which date formats and empty markers the export uses, which status values mean a
completed step, open work or a clock event, and per-SOP overrides of the activity -> step
mapping. The shipped profiles are in ``sopmine/log/profiles/``; ``docs/profiles.md`` documents
every field.

Profiles are found by name or path: the folders of ``SOPMINE_PROFILES`` (separated by ``:``),
``./profiles`` of the working directory, then the shipped ones.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sopmine._search import search_dirs, yaml_files
from sopmine._yaml import compose, explain
from sopmine.errors import ProfileError
from sopmine.log.engine import engine
from sopmine.log.schema import EVENT_KINDS, EventKind

__all__ = [
    "ColumnMap",
    "EventRule",
    "Profile",
    "ReadSettings",
    "RosterSettings",
    "StatusRules",
    "StepOverrides",
    "WriteSettings",
    "bundled_profile_dir",
    "list_profiles",
    "load_profile",
    "parse_profile",
]

DEFAULT_EMPTY_VALUES = (
    "",
    "-",
    "NULL",
    "null",
    "None",
    "NaN",
    "nan",
    "N/A",
    "#N/A",
    "0001-01-01 00:00:00",
    "0001-01-01",
    "0000-00-00 00:00:00",
    "0000-00-00",
)
DEFAULT_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "ISO8601",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M.%S",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "excel",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReadSettings(_Frozen):
    """How to open the file: its format, and for text files the separator and encoding."""

    format: Literal["auto", "csv", "xlsx", "parquet", "xes"] = "auto"
    separator: Literal["auto", ",", ";", "\t", "|"] = "auto"
    encoding: str = Field(
        default="auto", description="auto: UTF-8 (with or without BOM), else cp1252"
    )
    sheet: str | int = 0
    header_row: int = Field(default=1, ge=1, description="row of the column names (1 = first)")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        if value != "auto":
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(
                    f"unknown encoding {value!r}; use auto, utf-8, cp1252, latin-1 or utf-16"
                ) from None
        return value


class ColumnMap(_Frozen):
    """Canonical field -> column of the export. Only case_id and timestamp are required."""

    case_id: str
    activity: str | None = None
    activity_code: str | None = None
    timestamp: str
    start_timestamp: str | None = None
    role: str | None = None
    resource: str | None = None
    status: str | None = None

    @model_validator(mode="after")
    def _activity_or_code(self) -> ColumnMap:
        if self.activity is None and self.activity_code is None:
            raise ValueError("map at least one of 'activity' and 'activity_code' to a column")
        return self

    def used(self) -> dict[str, str]:
        """Canonical field -> source column, for the fields that are mapped."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class StatusRules(_Frozen):
    """Which values of the status column mean what. ``"*"`` in ``step``: any other value."""

    step: tuple[str, ...] = ()
    start: tuple[str, ...] = ()
    open: tuple[str, ...] = ()
    clock_stop: tuple[str, ...] = ()
    clock_resume: tuple[str, ...] = ()
    clock_reset: tuple[str, ...] = ()
    clock_restart: tuple[str, ...] = ()

    def kinds(self) -> dict[str, EventKind]:
        """Status value -> event kind (``"*"`` left out: see :attr:`any_other_is_step`)."""
        table: dict[str, EventKind] = {}
        for kind in EVENT_KINDS:
            for value in getattr(self, kind):
                if value != "*":
                    table[str(value).strip()] = kind
        return table

    @property
    def any_other_is_step(self) -> bool:
        """Whether values not listed anywhere are completed steps (``step: ["*"]``)."""
        return "*" in self.step


class EventRule(_Frozen):
    """A further event a row yields: a fixed label (or a column) and its own timestamp column.

    A row whose cell for ``timestamp`` is empty yields no such event.
    """

    activity: str | None = Field(default=None, description="column holding the label")
    label: str | None = Field(default=None, description="fixed label for every row")
    timestamp: str
    start_timestamp: str | None = None
    kind: EventKind = "step"

    @model_validator(mode="after")
    def _one_label(self) -> EventRule:
        if (self.activity is None) == (self.label is None):
            raise ValueError("give exactly one of 'activity' (a column) and 'label' (a text)")
        return self


class StepOverrides(_Frozen):
    """Activity label or code -> step id, for one SOP model (or ``"*"``: any model)."""

    labels: dict[str, str] = {}
    codes: dict[str, str] = {}


class RosterSettings(_Frozen):
    """Columns of a roster file (person id -> role), for exports that carry no role."""

    person: str = "nip"
    role: str = "role"


class WriteSettings(_Frozen):
    """How sopmine writes this export (``sopmine simulate``); loading ignores this section.

    Templates may use ``{seq}`` (case number, an int: ``{seq:05d}``), ``{year}`` (of the
    submission), ``{case_id}``, ``{service}``, ``{sop_id}``, ``{office}``, ``{regency}``,
    ``{submitted}`` (first event, in ``date_format``), ``{nib}`` (a 13-digit business id),
    ``{step_number}``, ``{name}`` and ``{nip}`` (of the person who did the step) and
    ``{printed}`` (the as-of time, in ``date_format``).
    """

    case_id: str = "{year}-{seq:05d}"
    date_format: str | None = Field(
        default=None, description="default: the first %-format of date_formats"
    )
    resource: Literal["nip", "name"] = Field(
        default="nip", description="what identifies a person: the 18-digit NIP or the name"
    )
    encoding: str = "utf-8"
    status_done: str | None = Field(
        default=None, description="status of a completed step; default: status.step[0] if not *"
    )
    status_waiting: str | None = Field(
        default=None, description="status of open work not started; default: status.open[0]"
    )
    status_in_progress: str | None = Field(
        default=None, description="status of open work started; default: status.open[-1]"
    )
    extra: dict[str, str] = Field(default={}, description="further column -> template")
    order: tuple[str, ...] = Field(default=(), description="column order (default: as mapped)")
    title_rows: tuple[str, ...] = Field(
        default=(), description="XLSX lines above the header (header_row - 1 of them)"
    )


class Profile(_Frozen):
    """One export format, as data. See ``docs/profiles.md`` for a field-by-field guide."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str
    description: str = ""
    application: str | None = None
    read: ReadSettings = ReadSettings()
    columns: ColumnMap
    optional: tuple[str, ...] = Field(
        default=(), description="canonical fields whose column may be absent from a file"
    )
    empty_values: tuple[str, ...] = DEFAULT_EMPTY_VALUES
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    timezone: str | None = Field(
        default=None, description="zone of naive timestamps; default: the SOP's office zone"
    )
    status: StatusRules | None = None
    open_without_timestamp: bool = Field(
        default=False,
        description="a step row with an empty completion time is open work, not a reject",
    )
    events: tuple[EventRule, ...] = ()
    steps: dict[str, StepOverrides] = {}
    roster: RosterSettings = RosterSettings()
    write: WriteSettings = WriteSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r}; use an IANA name: Asia/Jakarta (WIB), "
                    "Asia/Makassar (WITA), Asia/Jayapura (WIT)"
                ) from None
        return value

    @field_validator("date_formats")
    @classmethod
    def _readable_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for fmt in value:
            if fmt in ("ISO8601", "excel"):
                continue
            if "%" not in fmt:
                raise ValueError(
                    f"date format {fmt!r} has no % codes; write e.g. '%d/%m/%Y %H:%M' "
                    "(or ISO8601, excel)"
                )
            try:
                with engine() as con:
                    con.execute("SELECT try_strptime('2025-01-01', ?)", [fmt]).fetchall()
            except duckdb.Error as exc:
                raise ValueError(f"date format {fmt!r} is not valid: {exc}") from None
        return value

    @property
    def hash(self) -> str:
        """sha256 of the profile's reading rules (its canonical JSON without ``write``)."""
        text = self.model_dump_json(exclude_none=False, exclude={"write"})
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def overrides(self, sop_id: str) -> StepOverrides:
        """The mapping overrides for one SOP model, merged over those for any model (``*``)."""
        common = self.steps.get("*", StepOverrides())
        own = self.steps.get(sop_id, StepOverrides())
        return StepOverrides(
            labels={**common.labels, **own.labels}, codes={**common.codes, **own.codes}
        )

    def with_columns(self, **columns: str) -> Profile:
        """A copy with some canonical fields mapped to other columns (``--map`` on the CLI)."""
        merged = {**self.columns.model_dump(), **columns}
        try:
            return self.model_copy(update={"columns": ColumnMap.model_validate(merged)})
        except ValidationError as exc:
            detail = "; ".join(explain(e, docs="docs/profiles.md") for e in exc.errors())
            raise ProfileError(f"profile {self.name}: {detail}") from None


def parse_profile(text: str, *, file: str = "<text>") -> Profile:
    """Validate a profile given as YAML text; every problem is reported with its line.

    >>> p = parse_profile("name: mine\\ntitle: My export\\ncolumns:\\n"
    ...                   "  case_id: No\\n  activity: Tahap\\n  timestamp: Tanggal\\n")
    >>> p.columns.used()
    {'case_id': 'No', 'activity': 'Tahap', 'timestamp': 'Tanggal'}
    """
    try:
        data, locate = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ProfileError(f"{file}{line}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{file}:1: a profile is a YAML mapping (key: value)")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            number = locate(tuple(e["loc"]))
            where = f"{file}:{number}" if number else file
            lines.append(f"  {where}: {explain(e, docs='docs/profiles.md')}")
        raise ProfileError(f"invalid export profile {file}:\n" + "\n".join(lines)) from None


def bundled_profile_dir() -> Path:
    """The folder of the profiles shipped with sopmine."""
    return Path(__file__).resolve().parent / "profiles"


def profile_dirs() -> list[Path]:
    """The folders searched for profile names, in order."""
    return search_dirs("SOPMINE_PROFILES", "profiles", bundled_profile_dir())


def list_profiles() -> list[Path]:
    """Every profile file found, one per name (the first found wins), sorted by name."""
    return yaml_files(profile_dirs())


def load_profile(name: str | os.PathLike[str]) -> Profile:
    """Load a profile by name (``sicantik``) or by path to a YAML file.

    >>> load_profile("sicantik").columns.case_id
    'no_permohonan'
    """
    path = _resolve(name)
    return _load_cached(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _load_cached(path: Path, mtime_ns: int) -> Profile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc}") from None
    return parse_profile(text, file=str(path))


def _resolve(name: str | os.PathLike[str]) -> Path:
    text = os.fspath(name)
    as_path = Path(text)
    if as_path.suffix in (".yaml", ".yml") or os.sep in text:
        if as_path.is_file():
            return as_path.resolve()
        raise ProfileError(f"no profile file at {as_path}")
    for path in list_profiles():
        if path.stem == text:
            return path
    names = [p.stem for p in list_profiles()]
    close = difflib.get_close_matches(text, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ProfileError(
        f"no export profile named '{text}'; {hint}known profiles: {', '.join(names)}. "
        "Give a path to your own YAML profile (start from: sopmine profile show generic)"
    )
