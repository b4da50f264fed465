"""What the report tests share: the store they read, the CLI runs, and readers of the outputs.

The store holds two of the five sample logs (Karimun's SiCantik export and Dairi's OSS feed),
loaded and checked as ``make demo`` does; it is built once per test session, under pytest's
base temporary folder, whichever report test module asks first. The ``sopmine report`` runs
of ``test_cli_report.py`` are started once too, in the background, two at a time, so that
they run beside the API tests when both modules are collected.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from demo_store import DEMO, DEMO_AS_OF, SAMPLES
from pypdf import PdfReader

import sopmine

KARIMUN = "karimun_sicantik"
DAIRI = "dairi_iumk_oss"
#: One month of Karimun: 67 applications, a previous period of 31 days (31 March - 30 April).
MAY = ("2025-05-01", "2025-05-31")
#: A working week (5 to 9 May): 19 applications in Karimun, for the costlier cases.
WEEK = ("2025-05-05", "2025-05-09")
#: Dairi's first two weeks: its sample log starts on 1 April, so there is no previous period.
APRIL = ("2025-04-01", "2025-04-14")
GENERATED_AT = "2025-07-01T09:00:00Z"
LATER = "2025-07-02T10:30:00Z"
SALT = "garam-inspektorat-2025"
OTHER_SALT = "garam-lain"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Karimun and Dairi sample logs, loaded and checked as of 30 June 2025 16:00."""
    folder = tmp_path_factory.getbasetemp() / "report-store"
    db = folder / "demo.duckdb"
    if (folder / "ready").exists():
        return db
    folder.mkdir(exist_ok=True)
    for name, sop, profile, roster in DEMO:
        if sop in (KARIMUN, DAIRI):
            sopmine.load_files([SAMPLES / name], sop=sop, profile=profile, db=db,
                               roster=SAMPLES / roster if roster else None)  # fmt: skip
    sopmine.check_store(db=db, as_of=DEMO_AS_OF)
    (folder / "ready").touch()
    return db


def sample_file(sop: str) -> Path:
    """The sample log loaded for ``sop``."""
    return SAMPLES / next(name for name, s, _, _ in DEMO if s == sop)


def pseudonym(value: str, salt: str, prefix: str) -> str:
    """The pseudonym a salted report gives ``value`` (``K-`` applications, ``P-`` people)."""
    return f"{prefix}-{hashlib.sha256((salt + value).encode('utf-8')).hexdigest()[:8]}"


def noncompliant_ids(cases: pd.DataFrame) -> list[str]:
    """The cases that deserve a dossier, worked out by hand: not conformant, or served late."""
    breach = cases["service_breach"].astype("boolean").fillna(False).astype(bool)
    chosen = ~cases["conformant"].astype(bool) | breach
    return sorted(cases.loc[chosen, "case_id"].astype(str))


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m sopmine ARGS`` in ``cwd``, with no salt or store from the environment."""
    base = {k: v for k, v in os.environ.items() if k not in ("SOPMINE_SALT", "SOPMINE_DB")}
    return subprocess.run(
        [sys.executable, "-m", "sopmine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, "COLUMNS": "200", **(env or {})},
        timeout=300,
        check=False,
    )


@dataclass(frozen=True)
class Job:
    """One ``sopmine report`` run: its options, output file, and what the machine is like
    (``env``; ``old``: text already in the output file)."""

    args: tuple[str, ...]
    out: str = "laporan.html"
    sop: str = KARIMUN
    period: tuple[str, str] = MAY
    env: tuple[tuple[str, str], ...] = ()
    old: str | None = None


@dataclass(frozen=True)
class Done:
    """A finished run: its folder, output file, and the process."""

    folder: Path
    out: Path
    process: subprocess.CompletedProcess[str]

    @property
    def data(self) -> bytes:
        assert self.process.returncode == 0, self.process.stderr
        return self.out.read_bytes()


REPORTS = {
    "html": Job(("--generated-at", GENERATED_AT)),
    # another machine: another time zone and locale
    "html_again": Job(("--generated-at", GENERATED_AT),
                      env=(("TZ", "America/Sao_Paulo"), ("LC_ALL", "C"))),
    "xlsx": Job(("--generated-at", GENERATED_AT), out="laporan.xlsx"),
    "xlsx_again": Job(("--generated-at", GENERATED_AT, "--format", "xlsx"), out="laporan.dat"),
    "pdf": Job(("--generated-at", GENERATED_AT), out="laporan.pdf"),
    "pdf_again": Job(("--generated-at", GENERATED_AT, "--force"), out="laporan.pdf",
                     old="laporan lama\n"),
    "en": Job(("--generated-at", GENERATED_AT, "--lang", "en", "--office", "Kabupaten Karimun")),
    "pseudo_html": Job(("--generated-at", GENERATED_AT, "--pseudonymize", "--salt", SALT),
                       sop=DAIRI, period=WEEK),
    "pseudo_xlsx": Job(("--generated-at", GENERATED_AT, "--pseudonymize", "--salt", SALT),
                       out="laporan.xlsx", sop=DAIRI, period=WEEK),
    "pseudo_pdf": Job(("--generated-at", GENERATED_AT, "--pseudonymize", "--salt", SALT),
                      out="laporan.pdf", sop=DAIRI, period=WEEK),
}  # fmt: skip

MISTAKES = {
    "no_cases": Job((), period=("2025-08-01", "2025-08-31")),
    "reversed": Job((), period=("2025-05-31", "2025-05-01")),
    "unknown_sop": Job((), sop="tidak_ada"),
    "missing_store": Job(()),
    "exists": Job((), old="laporan lama\n"),
    "bad_suffix": Job((), out="laporan.txt"),
    "wrong_office": Job(("--office", "Kabupaten Dairi")),
}


class Runs:
    """The finished runs by name; reading one waits for it alone."""

    def __init__(self, futures: dict[str, Future[Done]]) -> None:
        self._futures = futures

    def __getitem__(self, name: str) -> Done:
        return self._futures[name].result()


_STARTED: dict[Path, Runs] = {}


def start_cli_runs(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every job of :data:`REPORTS` and :data:`MISTAKES` in its own folder, started once per
    session in the background (two at a time, the tests' two cores)."""
    root = tmp_path_factory.getbasetemp() / "cli-report"
    if root not in _STARTED:
        root.mkdir()
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sopmine-report")
        jobs = REPORTS | MISTAKES
        _STARTED[root] = Runs({n: pool.submit(_run_job, n, j, db, root) for n, j in jobs.items()})
        pool.shutdown(wait=False)  # the submitted runs go on; nothing more is taken
    return _STARTED[root]


def _run_job(name: str, job: Job, db: Path, root: Path) -> Done:
    folder = root / name
    folder.mkdir()
    store = folder / "tidak_ada.duckdb" if name == "missing_store" else db
    if job.old is not None:
        (folder / job.out).write_text(job.old, encoding="utf-8")
    args = ["report", "--db", str(store), "--sop", job.sop, "--from", job.period[0],
            "--to", job.period[1], "--out", job.out, *job.args]  # fmt: skip
    return Done(folder, folder / job.out, run_cli(*args, cwd=folder, env=dict(job.env)))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as pypdf reads it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def squeeze(text: str) -> str:
    """``text`` with every run of whitespace made one space (PDF lines wrap anywhere)."""
    return re.sub(r"\s+", " ", text)


def xlsx_xml(data: bytes) -> dict[str, str]:
    """Every part of an XLSX workbook (a zip of XML files), by name, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name).decode("utf-8") for name in book.namelist()}


def survivors(identifiers: set[str], *texts: str) -> list[str]:
    """The identifiers found in any of ``texts``, also where a line break cut them in two."""
    joined = "\n".join(texts)
    spaced, flat = squeeze(joined), re.sub(r"\s+", "", joined)
    return sorted(
        value
        for value in identifiers
        if value in joined or squeeze(value) in spaced or re.sub(r"\s+", "", value) in flat
    )
