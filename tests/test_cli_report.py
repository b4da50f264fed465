"""Specification of ``sopmine report``, run as real subprocesses on the report tests' store.

Every run a test reads is started once per session, in the background, two at a time (see
``report_helpers``): the same report twice in each format (the bytes must be equal, and
equal to what the API writes), once in English for the office named by its regency,
pseudonymized in each format (Dairi's OSS feed, whose rows also carry the applicant's NIB),
and the mistakes a user makes, each refused with one ``error:`` line that says what to do.
The salt's file, another generation time and the figures are specified in ``test_report.py``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_helpers import (
    DAIRI,
    GENERATED_AT,
    KARIMUN,
    MAY,
    REPORTS,
    SALT,
    WEEK,
    Done,
    Runs,
    noncompliant_ids,
    pdf_pages,
    pseudonym,
    report_store,
    squeeze,
    start_cli_runs,
    survivors,
    xlsx_xml,
)

import sopmine
from sopmine.store import Store

OFFICE = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Karimun"


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_store(tmp_path_factory)


@pytest.fixture(scope="module")
def runs(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return start_cli_runs(db, tmp_path_factory)


@pytest.fixture(scope="module")
def api(db: Path) -> sopmine.Report:
    """The same report from Python: Karimun, May 2025."""
    return sopmine.build_report(db, sop=KARIMUN, period_from=MAY[0], period_to=MAY[1],
                                generated_at=GENERATED_AT)  # fmt: skip


@pytest.fixture(scope="module")
def may(db: Path) -> sopmine.Verdicts:
    return sopmine.read_verdicts(db, sop=KARIMUN).select(period_from=MAY[0], period_to=MAY[1])


# --- a report is written, and says so ---------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in REPORTS if not n.startswith("pseudo")])
def test_a_report_run_writes_its_file_and_one_line(runs: Runs, name: str) -> None:
    done = runs[name]
    assert done.process.returncode == 0, done.process.stderr
    assert done.process.stderr == ""
    size = done.out.stat().st_size
    assert done.process.stdout == (
        f"wrote {done.out.name} ({size:,} bytes): {KARIMUN}, {MAY[0]} .. {MAY[1]}, "
        "67 applications\n"
    )
    assert sorted(p.name for p in done.folder.iterdir()) == [done.out.name]  # no temporary left


def test_a_pseudonymized_run_says_so(runs: Runs, db: Path) -> None:
    cases = (
        sopmine.read_verdicts(db, sop=DAIRI).select(period_from=WEEK[0], period_to=WEEK[1]).cases
    )
    done = runs["pseudo_html"]
    assert done.process.returncode == 0, done.process.stderr
    assert done.process.stdout == (
        f"wrote laporan.html ({done.out.stat().st_size:,} bytes): {DAIRI}, {WEEK[0]} .. "
        f"{WEEK[1]}, {len(cases)} applications, pseudonymized\n"
    )


# --- the same store, options and time give the same bytes ------------------------------------


def test_html_is_reproducible_and_is_the_apis(runs: Runs, api: sopmine.Report) -> None:
    assert runs["html"].data == runs["html_again"].data
    assert runs["html"].data == api.to_html().encode("utf-8")


def test_xlsx_is_reproducible_and_is_the_apis(runs: Runs, api: sopmine.Report) -> None:
    assert runs["xlsx"].data == runs["xlsx_again"].data  # the second named by --format
    assert runs["xlsx"].data == api.to_xlsx()


def test_pdf_is_reproducible(runs: Runs) -> None:
    assert runs["pdf"].data == runs["pdf_again"].data  # the second over an old file (--force)


# --- the PDF ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(runs: Runs) -> list[str]:
    return pdf_pages(runs["pdf"].data)


def test_pdf_cover_names_the_office_and_the_report(pdf: list[str]) -> None:
    assert len(pdf) > 3
    cover = squeeze(pdf[0])
    assert "Laporan Kepatuhan terhadap SOP" in cover
    assert OFFICE in cover
    assert "1 Mei 2025 – 31 Mei 2025" in cover
    assert "Daftar isi" in pdf[1]


def test_pdf_pages_are_numbered_out_of_the_total(pdf: list[str]) -> None:
    total = len(pdf)
    for number, text in enumerate(pdf, start=1):
        assert f"Halaman {number} dari {total}" in text, number
    assert "Halaman 1 dari" in pdf[0]


def test_pdf_has_a_dossier_per_noncompliant_case(pdf: list[str], may: sopmine.Verdicts) -> None:
    chosen = noncompliant_ids(may.cases)
    assert len(chosen) == 10
    text = re.sub(r"\s+", "", "".join(pdf))
    for case_id in chosen:
        assert f"Nomorpermohonan{case_id}" in text, case_id


def test_pdf_never_cuts_an_application_number_or_a_source_row(
    pdf: list[str], api: sopmine.Report
) -> None:
    """An inspector copies application numbers and file:row references from the PDF: each
    must read whole, on one line, wherever it is printed."""
    text = "\n".join(pdf)
    flat = re.sub(r"\s+", "", text)
    found = [t for k, t in api.tables.items() if k.startswith("dev_")]
    references = {str(v) for t in found for v in [*t["case_id"], *t["source"]] if v != "—"}
    cut = sorted(r for r in references if flat.count(r) != text.count(r))
    assert cut == []


# --- English, and the office by its regency --------------------------------------------------


def test_english_report_with_the_office_given_by_its_regency(
    runs: Runs, api: sopmine.Report
) -> None:
    html = runs["en"].data.decode()
    assert '<html lang="en">' in html
    assert "<h1>SOP Compliance Report</h1>" in html
    assert "<h2>Summary</h2>" in html
    assert "Ringkasan" not in html
    assert "Laporan Kepatuhan" not in html
    assert "1 May 2025 – 31 May 2025" in html
    conformant = dict(zip(api.tables["summary"]["key"], api.tables["summary"]["current"],
                          strict=True))["m_conformant"]  # fmt: skip
    assert f'<td class="num">{conformant:.1f}%</td>' == '<td class="num">88.1%</td>'
    assert '<td class="num">88.1%</td>' in html
    assert '<td class="num">5,316</td>' in html  # rows read from the export
    assert f"--office &quot;{OFFICE}&quot;" in html


def test_indonesian_report_writes_decimal_commas(runs: Runs) -> None:
    html = runs["html"].data.decode()
    assert '<html lang="id">' in html
    assert "<h2>Ringkasan</h2>" in html
    assert '<td class="num">88,1%</td>' in html
    assert '<td class="num">5.316</td>' in html
    assert "SOP Compliance Report" not in html


# --- pseudonyms ------------------------------------------------------------------------------


def identifiers(db: Path, sop: str) -> set[str]:
    """Every person and application of the store's events of ``sop``, the applicants' NIB from
    the rows' extra columns, and what the rejected rows of its exports held."""
    with Store.open(db, read_only=True) as store:
        events = store.events(sop_id=sop)
        sources = store.sources()
        rejects = store.rejects()
    found = set(events["resource"].dropna().astype(str)) | set(events["case_id"].astype(str))
    extra = [json.loads(e) for e in events["extra"].dropna()]
    found |= {str(e["nib"]) for e in extra if e.get("nib")}
    mine = rejects[rejects["source_id"].isin(sources.loc[sources["sop_id"] == sop, "source_id"])]
    found |= {str(v) for v in mine["value"].dropna() if str(v).strip()}
    for raw in mine["raw"].dropna():
        row = json.loads(raw)
        found |= {str(row[k]) for k in ("nib", "id_izin", "nip_status") if row.get(k)}
    return {v for v in found if v.strip()}


@pytest.fixture(scope="module")
def dairi_ids(db: Path) -> set[str]:
    found = identifiers(db, DAIRI)
    assert any(re.fullmatch(r"\d{13}", v) for v in found)  # NIBs
    assert any(re.fullmatch(r"\d{18}", v) for v in found)  # NIPs
    assert any(v.startswith("I-2025") for v in found)  # OSS licence ids
    return found


def test_the_leak_search_finds_identifiers_in_a_plain_report(
    runs: Runs, db: Path, may: sopmine.Verdicts
) -> None:
    """The search used below does find people and applications where they are shown."""
    known = identifiers(db, KARIMUN)
    chosen = set(noncompliant_ids(may.cases))
    assert chosen <= set(survivors(known, runs["html"].data.decode()))
    assert chosen <= set(survivors(known, *xlsx_xml(runs["xlsx"].data).values()))
    assert chosen <= set(survivors(known, *pdf_pages(runs["pdf"].data)))


def test_pseudonymized_html_keeps_no_identifier(runs: Runs, dairi_ids: set[str]) -> None:
    assert survivors(dairi_ids, runs["pseudo_html"].data.decode()) == []


def test_pseudonymized_xlsx_keeps_no_identifier(runs: Runs, dairi_ids: set[str]) -> None:
    parts = xlsx_xml(runs["pseudo_xlsx"].data)
    assert survivors(dairi_ids, *parts.values()) == []
    load_workbook(io.BytesIO(runs["pseudo_xlsx"].data))  # and it is a workbook


def test_pseudonymized_pdf_keeps_no_identifier(runs: Runs, dairi_ids: set[str]) -> None:
    pages = pdf_pages(runs["pseudo_pdf"].data)
    assert len(pages) > 3
    assert survivors(dairi_ids, *pages) == []


def test_pseudonyms_follow_the_salt(runs: Runs, db: Path) -> None:
    """The same salt gives the same pseudonyms in every run: ``K-`` and the first eight hex
    digits of sha256(salt + application number)."""
    cases = (
        sopmine.read_verdicts(db, sop=DAIRI).select(period_from=WEEK[0], period_to=WEEK[1]).cases
    )
    html = runs["pseudo_html"].data.decode()
    chosen = noncompliant_ids(cases)
    assert chosen
    headings = re.findall(r"<h3>Nomor permohonan (K-[0-9a-f]{8})</h3>", html)
    assert headings == sorted(pseudonym(c, SALT, "K") for c in chosen)
    text = "".join(pdf_pages(runs["pseudo_pdf"].data))
    assert set(re.findall(r"K-[0-9a-f]{8}", text)) >= set(headings)


# --- mistakes --------------------------------------------------------------------------------

REFUSALS: dict[str, Sequence[str]] = {
    "no_cases": ("error: no application of karimun_sicantik arrived between 2025-08-01 and "
                 "2025-08-31", "choose a period with cases"),
    "reversed": ("error: the period ends (2025-05-01) before it starts (2025-05-31); "
                 "swap --from/--to",),
    "missing_store": ("error: no check has been run on this store yet; there is no ",
                      "tidak_ada.duckdb"),
    "exists": ("error: laporan.html exists; give --force to overwrite it, or another --out",),
    "bad_suffix": ("error: cannot tell the report format of laporan.txt: name it .pdf, .html "
                   "or .xlsx, or give --format pdf|html|xlsx",),
    "wrong_office": (f"error: karimun_sicantik belongs to {OFFICE} (Kabupaten Karimun), not "
                     "'Kabupaten Dairi'; give that office or leave --office out",),
}  # fmt: skip


def refused(done: Done) -> str:
    """The one line a refused run prints, after checking it wrote nothing and exited 1."""
    process = done.process
    assert process.returncode == 1, process.stderr
    assert process.stdout == ""
    assert "Traceback" not in process.stderr
    lines = process.stderr.splitlines()
    assert len(lines) == 1, process.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_mistake_is_refused_in_one_line(runs: Runs, name: str) -> None:
    done = runs[name]
    line = refused(done)
    assert line.startswith(REFUSALS[name][0])
    for part in REFUSALS[name][1:]:
        assert part in line
    left = sorted(p.name for p in done.folder.iterdir())
    assert left == (["laporan.html"] if name == "exists" else [])
    if name == "exists":
        assert done.out.read_text("utf-8") == "laporan lama\n"


def test_an_unknown_sop_is_named_with_the_ones_the_store_has(runs: Runs) -> None:
    line = refused(runs["unknown_sop"])
    assert "tidak_ada" in line
    assert KARIMUN in line
    assert DAIRI in line
    assert not list(runs["unknown_sop"].folder.iterdir())
