"""The one place that composes the steps: read exports -> validate -> store -> check.

``load_files`` reads every file first (nothing is written if one cannot be read at all), then
writes them all to the store in one transaction: a load either happens completely or not at
all, and loading the same file again adds nothing.

``read_verdicts`` reads the latest stored verdicts back, with the model versions they were
checked with, for the analytics (``sopmine.analyze``).

``build_report`` reads the verdicts of one SOP over a period (and the period before it), the
sources they were checked from and their rejected rows, and composes the Inspektorat's report.

``check_store`` checks the stored events of each SOP (optionally one office and a period of
arrival) and writes the verdicts back, stamped with the model's hash and the sources checked.
A scope whose inputs are unchanged since its stored run is not checked again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from sopmine._version import __version__
from sopmine.analyze import Verdicts
from sopmine.analyze._verdicts import from_tables
from sopmine.check import AlignmentCache, CheckResult, check
from sopmine.errors import SopmineError, SopModelNotFoundError
from sopmine.log import LogRead, Profile, load_profile, read_log
from sopmine.report import Report, ReportData, compose_report
from sopmine.sop import SopModel, load_sop, parse_sop
from sopmine.store import CheckScope, LoadBatch, LoadOutcome, RunStamp, Store, default_db_path

__all__ = [
    "FileLoad",
    "StoreCheck",
    "build_report",
    "check_store",
    "load_files",
    "read_verdicts",
]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class FileLoad:
    """One file of a load: what reading it found, and what the store did with it."""

    read: LogRead
    outcome: LoadOutcome


def load_files(
    paths: Sequence[PathLike],
    *,
    sop: PathLike | SopModel,
    profile: PathLike | Profile,
    roster: PathLike | None = None,
    columns: Mapping[str, str] | None = None,
    db: PathLike | None = None,
    wait: float = 10.0,
    on_stage: Callable[[str], None] | None = None,
) -> list[FileLoad]:
    """Read exports through a profile and load them into the DuckDB store, atomically.

    ``db`` defaults to ``$SOPMINE_DB`` or ``./sopmine.duckdb``; ``wait`` is how long to wait
    for another process that holds the store. ``on_stage`` receives a line per stage.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "log.csv").write_text(
    ...     "no_permohonan,nama_proses,status,start_date,end_date,diproses_oleh\\n"
    ...     "P-1,Validasi Kabid,Selesai,2025-03-03 08:00:00,2025-03-03 09:30:00,kabid\\n")
    >>> [done] = load_files([folder / "log.csv"], sop="karimun_sicantik", profile="sicantik",
    ...                     db=folder / "store.duckdb")
    >>> done.outcome.events_added, done.outcome.rows_loaded
    (1, 1)
    """
    tell = on_stage or (lambda _line: None)
    model = sop if isinstance(sop, SopModel) else load_sop(sop)
    chosen = profile if isinstance(profile, Profile) else load_profile(profile)
    reads = []
    for path in paths:
        tell(f"reading {Path(path).name}")
        reads.append(read_log(path, profile=chosen, sop=model, roster=roster, columns=columns))
    rules = _rules_hash(chosen_hashes=[r.profile.hash for r in reads], roster=roster)
    batches = [_batch(r, rules_hash) for r, rules_hash in zip(reads, rules, strict=True)]
    target = Path(db) if db is not None else default_db_path()
    tell(f"writing to {target}")
    with Store.open(target, wait=wait) as store:
        outcomes = store.write_load(batches, on_stage=tell)
    return [FileLoad(r, o) for r, o in zip(reads, outcomes, strict=True)]


def _rules_hash(*, chosen_hashes: list[str], roster: PathLike | None) -> list[str]:
    """What decides how a file was read: the profile (with ``--map``) and the roster's bytes.

    A file loaded again under other rules is a new source, not a no-op.
    """
    extra = hashlib.sha256(Path(roster).read_bytes()).hexdigest() if roster is not None else ""
    return [hashlib.sha256(f"{h}:{extra}".encode()).hexdigest() for h in chosen_hashes]


def _batch(read: LogRead, rules_hash: str) -> LoadBatch:
    return LoadBatch(
        path=str(read.path.resolve()),
        file_name=read.path.name,
        sha256=read.sha256,
        size_bytes=read.size_bytes,
        profile=read.profile.name,
        profile_hash=rules_hash,
        sop_id=read.sop.id,
        sop_hash=read.sop.hash,
        sop_title=read.sop.title,
        sop_json=read.sop.model_dump_json(by_alias=True),
        office=read.sop.office.name,
        rows_read=read.rows_read,
        rows_duplicate=read.rows_duplicate,
        events=read.events,
        rejects=read.rejects,
        unmapped=read.unmapped,
    )


@dataclass(frozen=True)
class StoreCheck:
    """One scope checked by :func:`check_store`: its stored run and what it found.

    ``result`` is None when the stored run was reused (``unchanged``: same events, sources,
    model, as-of time and options).
    """

    scope: CheckScope
    run_id: int
    unchanged: bool
    summary: pd.DataFrame
    result: CheckResult | None


def check_store(
    *,
    sop: PathLike | SopModel | None = None,
    office: str | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    as_of: dt.datetime | pd.Timestamp | str | None = None,
    lang: str = "id",
    db: PathLike | None = None,
    wait: float = 10.0,
    force: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> list[StoreCheck]:
    """Check the stored events of each SOP (or of ``sop``) and store the verdicts.

    ``office`` and the period (dates of arrival, the case's first event, inclusive, in office
    time) narrow the cases. ``as_of`` defaults to the latest instant among the SOP's stored
    events, so a re-run on unchanged data judges open cases at the same moment and is
    skipped (``force`` checks again anyway). The model is the SOP's current one (``sop`` as a
    path or id, else the model registry), or the snapshot stored at load time when the
    registry does not know it.
    """
    tell = on_stage or (lambda _line: None)
    target = Path(db) if db is not None else default_db_path()
    cache = AlignmentCache()
    done: list[StoreCheck] = []
    with Store.open(target, wait=wait) as store:
        for model in _models(store, sop):
            scope = CheckScope(
                model.id, office, period_from, period_to, timezone=model.office.timezone
            )
            tell(f"{model.id}: reading events")
            events = store.scope_events(scope)
            if events.empty:
                raise SopmineError(_nothing_to_check(store, scope))
            stamp_as_of = _as_of(as_of, store, model)
            sources = store.scope_sources(scope)
            fingerprint = _fingerprint(scope, model, stamp_as_of, lang, sources, len(events))
            stored = store.check_run(scope)
            if stored is not None and stored["fingerprint"] == fingerprint and not force:
                tell(f"{model.id}: unchanged since run {stored['run_id']}")
                summary = _stored_summary(store, int(stored["run_id"]), model.id)
                done.append(StoreCheck(scope, int(stored["run_id"]), True, summary, None))
                continue
            tell(f"{model.id}: checking {len(events):,} events")
            started = time.perf_counter()
            result = check(events, model, as_of=stamp_as_of, lang=lang, cache=cache)  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
            stamp = RunStamp(
                scope=scope,
                sop_hash=model.hash,
                as_of=result.as_of,
                lang=lang,
                sources=sources,
                fingerprint=fingerprint,
                sopmine_version=__version__,
                seconds=seconds,
                cases=len(result.cases),
                events=len(events),
                variants=result.variants,
                deviations=len(result.deviations),
            )
            tell(f"{model.id}: writing verdicts")
            tables = {"cases": result.cases, "steps": result.steps, "deviations": result.deviations}
            run_id = store.write_check(stamp, tables)
            done.append(StoreCheck(scope, run_id, False, result.summary(), result))
    return done


def _models(store: Store, sop: PathLike | SopModel | None) -> list[SopModel]:
    """The models to check with: the one asked for, else one per SOP in the store."""
    if isinstance(sop, SopModel):
        return [sop]
    if sop is not None:
        return [load_sop(sop)]
    snapshots = store.sop_models()
    if snapshots.empty:
        raise SopmineError(
            f"the store {store.path} holds no events yet; load an export first: "
            "sopmine load FILE --sop ID --profile NAME"
        )
    models = []
    for sop_id, rows in snapshots.groupby("sop_id", sort=True):
        try:
            models.append(load_sop(str(sop_id)))
        except SopModelNotFoundError:  # not on this machine: the snapshot from the load
            text = str(rows.sort_values("first_loaded_at")["model_json"].iloc[-1])
            models.append(parse_sop(text, file=f"{store.path}:sop_models/{sop_id}"))
    return models


def _as_of(
    as_of: dt.datetime | pd.Timestamp | str | None, store: Store, model: SopModel
) -> pd.Timestamp:
    """The as-of time given (naive: office time), else the latest instant of the SOP's events."""
    if as_of is not None:
        try:
            stamp = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise SopmineError(f"--as-of {as_of!r} is not a date or time: {exc}") from None
        if stamp.tzinfo is None:
            stamp = stamp.tz_localize(model.office.timezone)
        return stamp.tz_convert("UTC")
    latest = store.latest_instant(model.id)
    return latest if latest is not None else pd.Timestamp.now(tz="UTC").floor("s")


def _fingerprint(
    scope: CheckScope,
    model: SopModel,
    as_of: pd.Timestamp,
    lang: str,
    sources: list[dict[str, Any]],
    events: int,
) -> str:
    """Everything a run's verdicts depend on, hashed: equal fingerprints, equal verdicts."""
    payload = {
        "scope": [scope.sop_id, scope.office, str(scope.period_from), str(scope.period_to)],
        "model": model.hash,
        "as_of": as_of.isoformat(),
        "lang": lang,
        "sources": sources,
        "events": events,
        "sopmine": __version__,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _stored_summary(store: Store, run_id: int, sop_id: str) -> pd.DataFrame:
    cases = store.results("cases", run_id=run_id)
    steps = store.results("steps", run_id=run_id)
    deviations = store.results("deviations", run_id=run_id)
    run: Any = store.check_runs().set_index("run_id").loc[run_id]
    result = CheckResult(
        cases=cases,
        steps=steps,
        deviations=deviations,
        sop_id=sop_id,
        model_hash=str(run["sop_hash"]),
        as_of=pd.Timestamp(run["as_of"]),
        variants=int(run["variants"]),
    )
    return result.summary()


def _nothing_to_check(store: Store, scope: CheckScope) -> str:
    where = [f"SOP {scope.sop_id!r}"]
    if scope.office is not None:
        where.append(f"office {scope.office!r}")
    if scope.period_from or scope.period_to:
        where.append(f"arrivals {scope.period_from or '...'} to {scope.period_to or '...'}")
    return (
        f"no events to check in {store.path} for {', '.join(where)}; see `sopmine sources` for "
        "what is loaded, and check the --office name and the period"
    )


def read_verdicts(
    db: PathLike | None = None,
    *,
    sop: str | None = None,
    office: str | None = None,
    period_from: dt.date | str | None = None,
    period_to: dt.date | str | None = None,
    wait: float = 10.0,
) -> Verdicts:
    """The latest stored verdicts of each SOP (or of ``sop``), for the analytics.

    Opens the store read-only. Each SOP's model is the version its run was checked with (the
    snapshot stored at load time), so figures in working days use that run's calendar.
    ``office`` and the period (of arrival, inclusive) narrow the cases.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     try:
    ...         read_verdicts(Path(folder) / "empty.duckdb")
    ...     except SopmineError as exc:
    ...         print(str(exc).split(";")[0])
    no check has been run on this store yet
    """
    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        raise SopmineError(f"no check has been run on this store yet; there is no {path}")
    with Store.open(path, read_only=True, wait=wait) as store:
        runs = store.check_runs()
        if sop is not None:
            runs = runs[runs["sop_id"] == sop]
        if runs.empty:
            raise SopmineError(
                f"no check has been run on this store yet{f' for {sop}' if sop else ''}; "
                f"run: sopmine check --db {path}"
            )
        latest = runs.sort_values("run_id").groupby("sop_id").tail(1)
        tables = {
            t: store.results(t, sop_id=sop, text="category")
            for t in ("cases", "steps", "deviations")
        }
        models = [_run_model(store, str(r.sop_id), str(r.sop_hash)) for r in latest.itertuples()]
    as_of = pd.Timestamp(latest["as_of"].max()).tz_convert("UTC")
    verdicts = from_tables(tables, models, as_of=as_of)
    return verdicts.select(office=office, period_from=period_from, period_to=period_to)


def _run_model(store: Store, sop_id: str, sop_hash: str) -> SopModel:
    """The model version a run was checked with: the stored snapshot, else the registry's."""
    snapshots = store.sop_models()
    rows = snapshots[(snapshots["sop_id"] == sop_id) & (snapshots["sop_hash"] == sop_hash)]
    if len(rows):
        return parse_sop(str(rows["model_json"].iloc[0]), file=f"{store.path}:sop_models/{sop_id}")
    return load_sop(sop_id)


def build_report(
    db: PathLike | None = None,
    *,
    sop: str,
    period_from: dt.date | str,
    period_to: dt.date | str,
    office: str | None = None,
    lang: Literal["id", "en"] = "id",
    pseudonymize: bool = False,
    salt: str | None = None,
    generated_at: pd.Timestamp | str | None = None,
) -> Report:
    """The Inspektorat's compliance report of ``sop`` for the applications that arrived from
    ``period_from`` to ``period_to`` (inclusive, office time), from the latest stored check.

    The previous period of equal length is read for comparison. ``generated_at`` (default:
    now) is printed on the cover; give it to get the same HTML and XLSX bytes again.
    ``pseudonymize`` replaces people and application numbers by salted pseudonyms; the salt is
    ``salt``, else the environment's ``SOPMINE_SALT``, else a secret kept beside the store
    (``<store>.salt``, created on first use).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     try:
    ...         build_report(Path(folder) / "none.duckdb", sop="rohil_orsos",
    ...                      period_from="2025-01-01", period_to="2025-03-31")
    ...     except SopmineError as exc:
    ...         print(str(exc).split(";")[0])
    no check has been run on this store yet
    """
    path = Path(db) if db is not None else default_db_path()
    first, last = _report_period(period_from, period_to)
    if not path.exists():
        raise SopmineError(f"no check has been run on this store yet; there is no {path}")
    with Store.open(path, read_only=True) as store:
        runs, sources = store.check_runs(), store.sources()
        _require_checked(path, sop, runs, sources)
        latest = runs[runs["sop_id"] == sop].sort_values("run_id").iloc[-1]
        run = {str(k): v for k, v in latest.to_dict().items()}
        checked = [int(s["source_id"]) for s in json.loads(str(run.get("sources") or "[]"))]
        sources = sources[sources["source_id"].isin(checked)].reset_index(drop=True)
        rejects = store.rejects()
        rejects = rejects[rejects["source_id"].isin(checked)].reset_index(drop=True)
    verdicts = read_verdicts(path, sop=sop)
    model = verdicts.models[sop]
    office_name = _office_name(model, office)
    days = (last - first).days + 1
    before = (first - dt.timedelta(days=days), first - dt.timedelta(days=1))
    now = verdicts.select(office=office_name, period_from=first, period_to=last)
    previous = verdicts.select(office=office_name, period_from=before[0], period_to=before[1])
    data = ReportData(
        verdicts=now,
        previous=previous if len(previous.cases) else None,
        sources=sources,
        rejects=rejects,
        run=run,
    )
    return compose_report(
        data, sop_id=sop, period_from=first, period_to=last, office=office_name, lang=lang,
        pseudonymize=pseudonymize, salt=_report_salt(path, salt) if pseudonymize else "",
        generated_at=_generated_at(generated_at, model.office.timezone),
    )  # fmt: skip


def _require_checked(path: Path, sop: str, runs: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Refuse, naming the fix, when the store (its ``runs`` and ``sources``) has no check of
    ``sop``."""
    checked = sorted(set(runs["sop_id"].astype(str)))
    loaded = sorted(set(sources["sop_id"].dropna().astype(str)))
    if sop in checked:
        return
    if sop in loaded:
        raise SopmineError(f"{sop} is loaded but not checked yet; run: sopmine check --sop {sop}")
    raise SopmineError(
        f"the store {path} holds no SOP {sop!r}; its checked SOPs: "
        f"{', '.join(checked) or 'none (run sopmine check)'}"
    )


def _report_period(first: dt.date | str, last: dt.date | str) -> tuple[dt.date, dt.date]:
    try:
        start, end = pd.Timestamp(first).date(), pd.Timestamp(last).date()
    except (ValueError, TypeError) as exc:
        raise SopmineError(
            f"cannot read the period {first} .. {last}: {exc}; write YYYY-MM-DD"
        ) from None
    if end < start:
        raise SopmineError(f"the period ends ({end}) before it starts ({start}); swap --from/--to")
    return start, end


def _office_name(model: SopModel, office: str | None) -> str | None:
    """The office's full name, from its name or its regency (any letter case)."""
    if office is None:
        return None
    known = {model.office.name.casefold(), model.office.regency.casefold()}
    if office.strip().casefold() in known:
        return model.office.name
    raise SopmineError(
        f"{model.id} belongs to {model.office.name} ({model.office.regency}), not {office!r}; "
        "give that office or leave --office out"
    )


def _generated_at(value: pd.Timestamp | str | None, zone: str) -> pd.Timestamp:
    """The generation time in UTC; a time without a zone is the office's local time."""
    if value is None:
        return pd.Timestamp.now(tz="UTC").floor("s")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise SopmineError(f"cannot read --generated-at {value!r}: {exc}") from None
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(zone)
    return stamp.tz_convert("UTC")


def _report_salt(path: Path, salt: str | None) -> str:
    """The pseudonym salt: given, from SOPMINE_SALT, or the store's own secret file."""
    if salt:
        return salt
    if os.environ.get("SOPMINE_SALT"):
        return os.environ["SOPMINE_SALT"]
    keep = path.with_name(path.name + ".salt")
    if keep.exists():
        return keep.read_text(encoding="utf-8").strip()
    secret = hashlib.sha256(os.urandom(32)).hexdigest()
    try:
        descriptor = os.open(keep, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secret + "\n")
    except OSError as exc:
        raise SopmineError(
            f"cannot keep the pseudonym salt in {keep}: {exc}; give --salt or set SOPMINE_SALT"
        ) from None
    return secret
