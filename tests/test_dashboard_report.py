"""The dashboard's Laporan page builds the Inspektorat's report for the service and period shown.

The report itself is specified in ``test_report.py``; here: the page picks the right service,
period and options, the file it offers is that report, and the command it shows writes it.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from demo_store import DEMO_AS_OF, load_demo
from streamlit.testing.v1 import AppTest

import sopmine
from sopmine.dashboard import APP_PATH, _data

TIMEOUT = 180


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = load_demo(tmp_path_factory.mktemp("laporan") / "demo.duckdb")
    sopmine.check_store(db=db, as_of=DEMO_AS_OF)
    return db


def laporan(store: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    monkeypatch.setenv("SOPMINE_DB", str(store))
    monkeypatch.setenv("SOPMINE_SALT", "laporan-test")
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page("views/laporan.py").run()
    assert not at.exception
    return at


def built(at: AppTest) -> tuple[tuple[object, ...], bytes]:
    button = next(b for b in at.button if b.label in ("Buat laporan", "Build the report"))
    button.click().run()
    assert not at.exception
    params, data = at.session_state["report_built"]
    return params, data


def test_the_report_of_a_chosen_service_over_its_whole_period(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = laporan(store, monkeypatch)
    assert [s.value for s in at.subheader] == [
        "Laporan resmi untuk Inspektorat",
        "Tabel yang tampil di dasbor",
    ]
    services = at.selectbox(key="report_sop")
    assert sorted(services.options) == sorted(
        m.service for m in sopmine.read_verdicts(store).models.values()
    )
    services.set_value("karimun_sicantik").run()
    at.radio(key="report_format").set_value("html").run()
    # The period is the service's first and last arrival (office time) when none is filtered.
    assert at.date_input(key="report_from").value == dt.date(2025, 1, 2)
    assert at.date_input(key="report_to").value == dt.date(2025, 6, 30)
    params, data = built(at)
    assert params[2:] == (
        "karimun_sicantik",
        None,
        dt.date(2025, 1, 2),
        dt.date(2025, 6, 30),
        "id",
        False,
        "html",
    )
    html = data.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Laporan Kepatuhan terhadap SOP" in html
    assert "Prosedur Penerbitan Izin dengan Aplikasi SiCantik Cloud" in html
    expected = sopmine.build_report(
        store, sop="karimun_sicantik", period_from="2025-01-02", period_to="2025-06-30"
    )
    summary = expected.tables["summary"].set_index("key")
    assert summary.loc["m_cases", "current"] == 420
    assert '<td class="num">420</td>' in html
    (download,) = [b for b in at.get("download_button") if b.key == "report_download"]
    assert download.label == "Unduh laporan"
    assert [c.value for c in at.code] == [
        f"sopmine report --db {store} --sop karimun_sicantik --from 2025-01-02 --to 2025-06-30 "
        "--lang id --out laporan.html"
    ]


def test_the_filters_set_the_service_and_period_and_english_is_offered(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {
        "sop": "Izin Operasional Organisasi Sosial (Kabupaten Rokan Hilir)",
        "lang": "English",
        "from": "2025-02-01",
        "to": "2025-03-31",
    }
    at = laporan(store, monkeypatch, **query)
    assert not [s for s in at.selectbox if s.key == "report_sop"]
    assert at.text_input(key="report_sop_shown").value == "Izin Operasional Organisasi Sosial"
    assert at.date_input(key="report_from").value == dt.date(2025, 2, 1)
    assert at.date_input(key="report_to").value == dt.date(2025, 3, 31)
    at.checkbox(key="report_pseudonymize").check().run()
    params, data = built(at)
    assert params[2:] == (
        "rohil_orsos",
        None,
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 31),
        "en",
        True,
        "pdf",
    )
    assert data.startswith(b"%PDF-")
    assert next(c.value for c in at.code).endswith(
        "--sop rohil_orsos --from 2025-02-01 --to 2025-03-31 --lang en --pseudonymize "
        "--out laporan.pdf"
    )


def test_a_changed_option_withdraws_the_file_built_for_the_old_one(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = laporan(
        store, monkeypatch, sop="Izin Operasional Organisasi Sosial (Kabupaten Rokan Hilir)"
    )
    at.radio(key="report_format").set_value("xlsx").run()
    built(at)
    assert [b.key for b in at.get("download_button")].count("report_download") == 1
    at.radio(key="report_format").set_value("html").run()
    assert [b.key for b in at.get("download_button")].count("report_download") == 0


def test_the_dashboards_downloads_make_formula_like_text_inert() -> None:
    """CSV and XLSX downloads: text starting with = + - @ gets an apostrophe; numbers do not."""
    frame = pd.DataFrame({
        "resource": ["=HYPERLINK(\"http://x\")", "+62 811", "-", "@SUM(A1)", "Budi"],
        "role": pd.Categorical(["Kadis", "=1+1", "FO", "BO", "BO"]),
        "minutes": [-5.0, 1.0, 2.0, 3.0, 4.0],
    })  # fmt: skip
    lines = _data.csv_bytes(frame).decode("utf-8").splitlines()
    assert lines == [
        "resource,role,minutes",
        '"\'=HYPERLINK(""http://x"")",Kadis,-5.0',
        "'+62 811,'=1+1,1.0",
        "'-,FO,2.0",
        "'@SUM(A1),BO,3.0",
        "Budi,BO,4.0",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(_data.workbook({"t": frame})))["t"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ['\'=HYPERLINK("http://x")', "Kadis", -5]
    assert rows[1] == ["'+62 811", "'=1+1", 1]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
