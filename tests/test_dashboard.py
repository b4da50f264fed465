"""Specification of the dashboard (``sopmine.dashboard``): every page run in Streamlit's AppTest.

The pages run in this process on a store built from the five sample logs (as ``make demo``
builds it, checked as of 30 June 2025 16:00), and every figure they show is compared with one
worked out here from ``sopmine.read_verdicts`` or the store's own tables, written the
Indonesian way (``2.910``, ``89,7%``). Then the filters and the page address, English, and the
states a Kepala Dinas may meet: no store, a store not checked yet, a store being written by
another process. Last, the page tables' builders (``_data``, ``_case``) on small simulated
verdicts.

Streamlit's caches (``st.cache_resource``) live as long as the process, across AppTests: the
tests that depend on what was read before clear them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
import streamlit as st
from demo_store import DEMO, DEMO_AS_OF, SAMPLES, load_demo
from streamlit.testing.v1 import AppTest

import sopmine
from sopmine.dashboard import APP_PATH, _cache, _case, _data, _downloads, _read

TIMEOUT = 120
PAGES = (
    "ringkasan",
    "peta_proses",
    "hambatan",
    "kepatuhan",
    "kasus_berjalan",
    "perbandingan_kantor",
    "data",
    "laporan",
)
TITLES = {
    "ringkasan": ("Ringkasan", "Summary"),
    "peta_proses": ("Peta Proses", "Process Map"),
    "hambatan": ("Hambatan", "Bottlenecks"),
    "kepatuhan": ("Kepatuhan", "Compliance"),
    "kasus_berjalan": ("Kasus Berjalan", "Open Cases"),
    "perbandingan_kantor": ("Perbandingan Kantor", "Offices Compared"),
    "data": ("Data", "Data"),
    "laporan": ("Laporan", "Report"),
}
KPI_LABELS = (
    "Permohonan",
    "Tepat waktu",
    "Median waktu layanan (hari kerja)",
    "Sesuai SOP",
    "Berjalan",
    "Berisiko",
)
TIME_TYPES = ("step_sla_breach", "service_sla_breach", "open_at_risk")
BUSY = "Data sedang diperbarui (sopmine load atau check sedang menulis)."
STALE = "Data sedang diperbarui; yang tampil adalah data sebelumnya."
INJECTION = "x' OR 1=1 --"


# ----------------------------------------------------------------------------------------------
# Numbers written the Indonesian and the English way, independently of sopmine.dashboard._text
# ----------------------------------------------------------------------------------------------


def id_int(value: float) -> str:
    """``2910`` -> ``2.910``."""
    return f"{round(value):,}".replace(",", ".")


def id_dec(value: float, digits: int) -> str:
    """``2.5104`` -> ``2,51`` (for values under a thousand)."""
    assert abs(value) < 1000
    return f"{value:.{digits}f}".replace(".", ",")


def id_pct(value: float) -> str:
    """``89.69`` -> ``89,7%``."""
    return id_dec(value, 1) + "%"


# ----------------------------------------------------------------------------------------------
# The stores
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five sample logs loaded and checked as of 30 June 2025, 16:00."""
    db = load_demo(tmp_path_factory.mktemp("dashboard") / "demo.duckdb")
    sopmine.check_store(db=db, as_of=DEMO_AS_OF)
    return db


@pytest.fixture(scope="module")
def verdicts(store: Path) -> sopmine.Verdicts:
    return sopmine.read_verdicts(store)


def query(db: Path, sql: str) -> pd.DataFrame:
    """The rows of ``sql`` on the store, read with DuckDB itself (read-only)."""
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)


@pytest.fixture(scope="module")
def sources(store: Path) -> pd.DataFrame:
    """The store's ``sources`` table."""
    return query(store, "SELECT * FROM sources ORDER BY file_name")


@pytest.fixture
def dashboard(store: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Runs the dashboard on a page of ``db`` (the demo store unless told), with a query."""

    def run(
        page: str = "ringkasan", *, db: Path | None = None, query: dict[str, str] | None = None
    ) -> AppTest:
        monkeypatch.setenv("SOPMINE_DB", str(db or store))
        at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
        at.query_params.update(query or {})
        at.run()
        if page != "ringkasan":
            at.switch_page(f"views/{page}.py").run()
        return at

    return run


def clear_caches() -> None:
    """Forget every store read before (Streamlit keeps them for the process's life)."""
    settle()
    st.cache_resource.clear()
    st.cache_data.clear()


def settle() -> None:
    """Wait for the pages' background table builds (they may hold the store open)."""
    for thread in threading.enumerate():
        if thread.name == "sopmine-warm":
            thread.join(timeout=TIMEOUT)


# ----------------------------------------------------------------------------------------------
# Reading what a page shows
# ----------------------------------------------------------------------------------------------


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements: Any) -> list[str]:
    return [e.value for e in elements]


def frame_with(at: AppTest, *labels: str) -> pd.DataFrame:
    """The one table of the page that has all these column labels."""
    found = [d.value for d in at.dataframe if set(labels) <= set(d.value.columns)]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def charts(at: AppTest) -> list[dict[str, Any]]:
    """The page's Plotly figures, as their JSON specs."""
    return [json.loads(node.proto.spec) for node in at.get("plotly_chart")]


def assert_clean(at: AppTest) -> None:
    """No trace, no error box."""
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, texts(at.error)


# ----------------------------------------------------------------------------------------------
# Figures worked out from the verdicts, not with the dashboard's code
# ----------------------------------------------------------------------------------------------


def headline(cases: pd.DataFrame, models: dict[str, sopmine.SopModel]) -> dict[str, str]:
    """Ringkasan's six figures of these cases, as the page should write them."""
    finished = cases["status"].isin(["closed", "rejected"])
    timed = finished & cases["service_target_minutes"].notna()
    on_time = timed & ~cases["service_breach"].fillna(False).astype(bool)
    per_day = (
        cases["sop_id"].astype(str).map({k: m.calendar.minutes_per_day for k, m in models.items()})
    )
    days = (cases["service_elapsed_minutes"] / per_day)[finished]
    return {
        "Permohonan": id_int(len(cases)),
        "Tepat waktu": id_pct(100.0 * on_time.sum() / timed.sum()),
        "Median waktu layanan (hari kerja)": id_dec(float(days.median()), 2),
        "Sesuai SOP": id_pct(100.0 * cases["conformant"].astype(bool).mean()),
        "Berjalan": id_int((cases["status"] == "open").sum()),
        "Berisiko": id_int(cases["at_risk"].fillna(False).astype(bool).sum()),
    }


def local_arrival(verdicts: sopmine.Verdicts) -> pd.Series:
    """Each case's arrival day in its office's time zone."""
    zones = {k: m.office.timezone for k, m in verdicts.models.items()}
    return pd.Series(
        [
            when.tz_convert(zones[sop]).date()
            for when, sop in zip(
                verdicts.cases["first_event_at"], verdicts.cases["sop_id"].astype(str), strict=True
            )
        ],
        index=verdicts.cases.index,
    )


def title(model: sopmine.SopModel) -> str:
    """How the sidebar names an SOP, and so how the page address carries it."""
    return f"{model.service} ({model.office.regency})"


# ----------------------------------------------------------------------------------------------
# Every page renders, in both languages
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_renders_without_a_trace_or_an_error(
    dashboard: Callable[..., AppTest], lang: str
) -> None:
    at = dashboard()
    if lang == "en":
        at.radio(key="lang").set_value("en").run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
        assert texts(at.title) == [TITLES[page][lang == "en"]], page
        assert not at.warning, (page, texts(at.warning))
    settle()


# ----------------------------------------------------------------------------------------------
# Ringkasan
# ----------------------------------------------------------------------------------------------


def test_ringkasan_shows_the_six_headline_figures_of_the_store(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard()
    assert_clean(at)
    expected = headline(verdicts.cases, dict(verdicts.models))
    assert metrics(at) == expected
    assert list(metrics(at)) == list(KPI_LABELS)
    # the figures of the sample logs' README: 2.910 applications, 116 open
    assert expected["Permohonan"] == "2.910"
    assert expected["Tepat waktu"] == "89,7%"
    assert expected["Berjalan"] == "116"
    finished = verdicts.cases["status"].isin(["closed", "rejected"]).sum()
    assert at.metric[0].help == f"{id_int(finished)} selesai"


def test_ringkasan_lists_the_three_worst_bottlenecks(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    ranked = sopmine.rank_bottlenecks(verdicts)
    worst = ranked[ranked["over_target_minutes"] > 0].sort_values(
        ["over_target_days", "sop_id"], ascending=[False, True]
    )
    worst = worst.head(3)
    at = dashboard()
    shown = frame_with(at, "Kantor", "Langkah", "Di atas target (hari kerja)")
    regency = {k: m.office.regency for k, m in verdicts.models.items()}
    assert shown["Layanan"].tolist() == worst["sop_id"].astype(str).tolist()
    assert shown["Kantor"].tolist() == [regency[s] for s in worst["sop_id"].astype(str)]
    assert shown["Langkah"].tolist() == [
        f"{n}. {name}" for n, name in zip(worst["step_number"], worst["step_name"], strict=True)
    ]
    assert shown["Pelaksana"].tolist() == worst["actor_name"].tolist()
    assert shown["Dikerjakan"].tolist() == worst["volume"].tolist()
    assert shown["Di atas target (hari kerja)"].tolist() == pytest.approx(
        worst["over_target_days"].tolist()
    )
    # the worst steps named in sample_logs/README.md
    assert shown["Langkah"].str.split(". ", n=1).str[1].tolist() == [
        "Penerusan permohonan ke Tim Teknis OPD",
        "Peninjauan lapangan",
        "Rekomendasi teknis",
    ]
    assert shown["Waktu SOP"].tolist()[0] == "7,0 hari kerja"


def test_ringkasan_per_service_table_has_one_row_per_sop(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard()
    table = frame_with(at, "Kantor", "Layanan", "Permohonan", "Berjalan")
    counts = verdicts.cases.groupby(verdicts.cases["sop_id"].astype(str)).size()
    services = {m.service: k for k, m in verdicts.models.items()}
    by_sop = {services[s]: n for s, n in zip(table["Layanan"], table["Permohonan"], strict=True)}
    assert by_sop == counts.to_dict()
    assert set(table["Layanan"]) == {m.service for m in verdicts.models.values()}
    assert len(at.get("plotly_chart")) == 1  # the monthly trend


# ----------------------------------------------------------------------------------------------
# The filters and the page address
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sop", ["karimun_sicantik", "dairi_iumk_oss", "rohil_orsos"])
def test_the_sop_filter_narrows_ringkasan_to_that_sop(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts, sop: str
) -> None:
    at = dashboard()
    at.selectbox(key="sop").set_value(sop).run()
    assert_clean(at)
    mine = verdicts.cases[verdicts.cases["sop_id"] == sop]
    assert metrics(at) == headline(mine, dict(verdicts.models))
    assert frame_with(at, "Kantor", "Layanan", "Berjalan")["Permohonan"].tolist() == [len(mine)]


def test_the_office_filter_keeps_the_sops_of_that_office(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    rohil = verdicts.models["rohil_orsos"].office.name
    at = dashboard()
    box = at.selectbox(key="office")
    offices = {m.office.name: m.office.regency for m in verdicts.models.values()}
    assert box.options == ["Semua kantor", *(offices[name] for name in sorted(offices))]
    assert len(offices) == 4  # Rokan Hilir runs two of the five SOPs
    box.set_value(rohil).run()
    assert_clean(at)
    mine = verdicts.cases[verdicts.cases["office"] == rohil]
    assert metrics(at)["Permohonan"] == id_int(len(mine)) == "1.450"
    assert metrics(at) == headline(mine, dict(verdicts.models))
    table = frame_with(at, "Kantor", "Layanan", "Berjalan")
    assert sorted(table["Layanan"]) == ["Izin Insidentil", "Izin Operasional Organisasi Sosial"]
    at.switch_page("views/kasus_berjalan.py").run()
    open_here = mine[mine["status"] == "open"]
    assert metrics(at)["Berjalan"] == id_int(len(open_here))


def test_the_period_filter_counts_arrivals_on_the_whole_store(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    day = local_arrival(verdicts)
    start, end = dt.date(2025, 3, 1), dt.date(2025, 3, 31)
    at = dashboard()
    at.date_input(key="from").set_value(start).run()
    mine = verdicts.cases[(day >= start).to_numpy()]
    assert metrics(at) == headline(mine, dict(verdicts.models))
    at.date_input(key="to").set_value(end).run()
    mine = verdicts.cases[((day >= start) & (day <= end)).to_numpy()]
    assert metrics(at) == headline(mine, dict(verdicts.models))
    assert metrics(at)["Permohonan"] == "473"
    # an empty period says so instead of showing zeros
    at.date_input(key="from").set_value(dt.date(2026, 1, 1)).run()
    assert_clean(at)
    assert not at.metric
    assert texts(at.info) == ["Tidak ada permohonan untuk saringan ini."]


@pytest.fixture(scope="module")
def early_arrival(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Boltim's sample log (Asia/Makassar, UTC+8) where application 2025-00001 arrives at 06:30
    on 2 January, office time: still 1 January in UTC."""
    folder = tmp_path_factory.mktemp("early")
    log = pd.read_csv(SAMPLES / "002_boltim_izin_manual.generic.csv", dtype=str,
                      keep_default_na=False)  # fmt: skip
    first = log.index[log["case_id"] == "2025-00001"][0]
    assert log.loc[first, ["start_timestamp", "timestamp"]].tolist() == [
        "2025-01-02 09:51",
        "2025-01-02 09:52",
    ]
    log.loc[first, ["start_timestamp", "timestamp"]] = ["2025-01-02 06:30", "2025-01-02 06:31"]
    path = folder / "boltim.generic.csv"
    log.to_csv(path, index=False)
    db = folder / "early.duckdb"
    sopmine.load_files([path], sop="boltim_izin_manual", profile="generic", db=db)
    sopmine.check_store(db=db, as_of=DEMO_AS_OF)
    return db


def test_the_period_filter_takes_the_arrival_day_in_office_time(
    dashboard: Callable[..., AppTest], early_arrival: Path
) -> None:
    stored = sopmine.read_verdicts(early_arrival)
    cases = stored.cases
    first = cases.loc[cases["case_id"] == "2025-00001", "first_event_at"].iloc[0]
    assert first == pd.Timestamp("2025-01-01 22:31", tz="UTC")  # 06:31 WITA
    day = local_arrival(stored)
    utc_day = cases["first_event_at"].dt.date
    wanted = dt.date(2025, 1, 2)
    local_count = int((day == wanted).sum())
    assert local_count == int((utc_day == wanted).sum()) + 1  # the test tells the two apart
    at = dashboard(db=early_arrival, query={"from": "2025-01-02", "to": "2025-01-02"})
    assert_clean(at)
    assert metrics(at)["Permohonan"] == id_int(local_count)
    at.switch_page("views/kepatuhan.py").run()
    at.text_input(key="case").set_value("2025-00001").run()
    assert not at.warning or "tidak ditemukan" not in " ".join(texts(at.warning))
    assert any(m.startswith("**2025-00001**") for m in texts(at.markdown))
    # the day before, in office time, no longer has it
    at = dashboard(db=early_arrival, query={"from": "2025-01-01", "to": "2025-01-01"})
    assert texts(at.info) == ["Tidak ada permohonan untuk saringan ini."]


def test_a_shared_address_opens_with_its_filters(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    """The sidebar's widgets are bound to the address: a copied address shows the same view.

    Streamlit keeps a select box's choice in the address as the text the box shows: the SOP's
    service and regency, the office's regency, the language's name.
    """
    karimun = verdicts.models["karimun_sicantik"]
    query = {"sop": title(karimun), "from": "2025-02-01", "to": "2025-04-30"}
    at = dashboard(query=query)
    assert_clean(at)
    assert at.selectbox(key="sop").value == "karimun_sicantik"
    assert at.date_input(key="from").value == dt.date(2025, 2, 1)
    assert at.date_input(key="to").value == dt.date(2025, 4, 30)
    day = local_arrival(verdicts)
    mine = verdicts.cases[
        ((verdicts.cases["sop_id"] == "karimun_sicantik") & (day >= dt.date(2025, 2, 1))
         & (day <= dt.date(2025, 4, 30))).to_numpy()
    ]  # fmt: skip
    assert metrics(at) == headline(mine, dict(verdicts.models))
    assert at.query_params == query
    # the filters stay in the address from page to page
    for page in ("kepatuhan", "kasus_berjalan", "ringkasan"):
        at.switch_page(f"views/{page}.py").run()
        assert at.query_params == query
        assert at.selectbox(key="sop").value == "karimun_sicantik"
    office = dashboard(query={"office": karimun.office.regency, "lang": "English"})
    assert office.selectbox(key="office").value == karimun.office.name
    assert office.radio(key="lang").value == "en"
    assert metrics(office)["Applications"] == "420"


def test_the_readmes_example_address(dashboard: Callable[..., AppTest]) -> None:
    """README.md: ``/kepatuhan?office=Kabupaten+Rokan+Hilir&case=SIPRO/2025/00028``."""
    at = dashboard("kepatuhan", query={"office": "Kabupaten Rokan Hilir",
                                       "case": "SIPRO/2025/00028"})  # fmt: skip
    assert not at.exception
    assert at.selectbox(key="office").value.endswith("Kabupaten Rokan Hilir")
    assert texts(at.error) == [
        "Urutan terbalik: SOP menetapkan persetujuan_kadis > penomoran_cetak, tercatat "
        "penomoran_cetak > persetujuan_kadis. (baris 309)"
    ]
    assert texts(at.warning) == [
        "Langkah 6 (Verifikasi Koordinator) memakan 13 menit kerja; Waktu SOP 10 menit kerja. "
        "(baris 306)"
    ]
    assert texts(at.markdown)[0].startswith("**SIPRO/2025/00028** · Izin Insidentil · ")


def test_a_shared_address_opens_an_application_on_kepatuhan(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    case = nonconforming_case(verdicts)
    at = dashboard("kepatuhan", query={"case": case})
    assert at.text_input(key="case").value == case
    assert at.query_params == {"case": case}
    assert at.error  # its deviations


@pytest.mark.parametrize(
    "address",
    [
        {"sop": INJECTION},
        {"office": INJECTION},
        {"sop": "karimun_sicantik'; DROP TABLE check_cases; --"},
        {"from": "2025-13-45'; DROP TABLE check_cases; --"},
        {"to": INJECTION, "lang": INJECTION},
    ],
    ids=["sop", "office", "drop", "from", "to-lang"],
)
def test_address_values_that_are_not_choices_are_ignored(
    dashboard: Callable[..., AppTest],
    verdicts: sopmine.Verdicts,
    store: Path,
    address: dict[str, str],
) -> None:
    """Filter values are compared with the store's SOPs and offices, never put into SQL: a value
    that is not one of the choices leaves that filter at "all"."""
    at = dashboard(query=address)
    assert_clean(at)
    assert at.selectbox(key="sop").value == ""
    assert at.selectbox(key="office").value == ""
    assert at.date_input(key="from").value is None
    assert at.date_input(key="to").value is None
    assert metrics(at) == headline(verdicts.cases, dict(verdicts.models))
    for key in address:
        assert key not in at.query_params  # dropped from the address
    assert query(store, "SELECT count(*) AS n FROM check_cases")["n"].tolist() == [
        len(verdicts.cases)
    ]


def test_filters_never_reach_sql_as_text(verdicts: sopmine.Verdicts) -> None:
    """The filters narrow the verdicts read before, in pandas: text that would be SQL selects
    nothing."""
    for filters in (
        _data.Filters(sop=INJECTION),
        _data.Filters(office=INJECTION),
        _data.Filters(sop="karimun_sicantik' OR '1'='1"),
    ):
        assert filters.apply(verdicts).cases.empty
    assert _data.Filters(sop="karimun_sicantik").key() == ("karimun_sicantik", None, None, None)


def test_a_case_number_that_is_sql_shows_not_found(dashboard: Callable[..., AppTest]) -> None:
    at = dashboard("kepatuhan", query={"case": INJECTION})
    assert_clean(at)
    assert texts(at.warning) == [f"Permohonan {INJECTION} tidak ditemukan dengan saringan ini."]


def test_english_labels_and_numbers(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard()
    at.radio(key="lang").set_value("en").run()
    assert_clean(at)
    ids = headline(verdicts.cases, dict(verdicts.models))
    english = {
        "Applications": "2,910",
        "On time": ids["Tepat waktu"].replace(",", "."),
        "Median service time (working days)": ids["Median waktu layanan (hari kerja)"].replace(
            ",", "."
        ),
        "Conformant": ids["Sesuai SOP"].replace(",", "."),
        "Open": ids["Berjalan"],
        "At risk": ids["Berisiko"],
    }
    assert metrics(at) == english
    assert texts(at.title) == ["Summary"]
    assert [s.label for s in at.selectbox] == ["Service (SOP)", "Office"]
    assert at.selectbox(key="sop").options[0] == "All services"
    at.switch_page("views/kasus_berjalan.py").run()
    assert list(metrics(at)) == ["Open", "At risk", "Overdue"]
    # the choice of language survives a change of filter
    at.selectbox(key="sop").set_value("dairi_iumk_oss").run()
    assert at.radio(key="lang").value == "en"
    assert texts(at.title) == ["Open Cases"]


# ----------------------------------------------------------------------------------------------
# Peta Proses
# ----------------------------------------------------------------------------------------------


def edge_labels(figure: dict[str, Any]) -> list[str]:
    return [a["text"] for a in figure["layout"].get("annotations", []) if a.get("text")]


def test_peta_proses_draws_the_map_by_frequency_or_working_time(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard("peta_proses")
    assert_clean(at)
    first = sorted(verdicts.models)[0]
    assert at.selectbox(key="focus").value == first
    assert at.radio(key="metric").value == "frequency"
    process_map, _variants = charts(at)
    labels = edge_labels(process_map)
    assert labels
    assert all(label.replace(".", "").isdigit() for label in labels)
    # the arrivals on the first step: every application of that SOP
    counts = verdicts.cases.groupby(verdicts.cases["sop_id"].astype(str)).size()
    assert id_int(counts[first]) in labels
    at.radio(key="metric").set_value("performance").run()
    assert_clean(at)
    by_time = edge_labels(charts(at)[0])
    assert by_time
    assert all(any(u in label for u in ("menit", "jam", "hari")) for label in by_time)
    assert charts(at)[0] != process_map
    # another SOP in focus
    at.selectbox(key="focus").set_value("karimun_sicantik").run()
    at.radio(key="metric").set_value("frequency").run()
    assert id_int(counts["karimun_sicantik"]) in edge_labels(charts(at)[0])
    table = frame_with(at, "No.", "Permohonan")
    top = sopmine.summarize_variants(verdicts.select(sop_id="karimun_sicantik"), top=10)
    assert table["Permohonan"].tolist() == top["cases"].tolist()


# ----------------------------------------------------------------------------------------------
# Hambatan
# ----------------------------------------------------------------------------------------------


def test_hambatan_ranks_every_step_by_its_time_over_target(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    ranked = sopmine.rank_bottlenecks(verdicts)
    at = dashboard("hambatan")
    assert_clean(at)
    table = frame_with(at, "No.", "Langkah", "Di atas target (hari kerja)", "Porsi (%)")
    assert len(table) == len(ranked)
    over = table["Di atas target (hari kerja)"].tolist()
    assert over == sorted(over, reverse=True)
    assert over == pytest.approx(sorted(ranked["over_target_days"], reverse=True))
    assert table["Langkah"].iloc[0] == "3. Penerusan permohonan ke Tim Teknis OPD"
    assert len(at.get("plotly_chart")) == 3


def test_hambatan_share_column_is_each_steps_percentage_of_its_sops_time_over_target(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    ranked = sopmine.rank_bottlenecks(verdicts)
    at = dashboard("hambatan")
    table = frame_with(at, "No.", "Langkah", "Di atas target (hari kerja)", "Porsi (%)")
    share = table["Porsi (%)"]
    assert share.between(0, 100).all()
    assert table.groupby("Layanan")["Porsi (%)"].sum().tolist() == pytest.approx([100.0] * 5)
    assert sorted(share) == pytest.approx(sorted(ranked["over_target_share"]))


def test_hambatan_pseudonymizes_people_on_request(dashboard: Callable[..., AppTest]) -> None:
    at = dashboard("hambatan")
    people = frame_with(at, "Petugas", "Jabatan", "Dikerjakan")["Petugas"]
    assert "Maya Pasaribu" in set(people)
    at.toggle(key="pseudo").set_value(True).run()
    assert_clean(at)
    hidden = frame_with(at, "Petugas", "Jabatan", "Dikerjakan")["Petugas"]
    assert len(hidden) == len(people)
    assert hidden.dropna().str.fullmatch(r"P-[0-9a-f]{8}").all()
    assert not set(hidden) & set(people.dropna())


# ----------------------------------------------------------------------------------------------
# Kepatuhan
# ----------------------------------------------------------------------------------------------


def nonconforming_case(verdicts: sopmine.Verdicts) -> str:
    """A non-conforming application with control-flow or role findings and time findings."""
    found = verdicts.deviations
    timing = found["type"].astype(str).isin(TIME_TYPES)
    both = set(found.loc[~timing, "case_id"].astype(str)) & set(
        found.loc[timing, "case_id"].astype(str)
    )
    off = verdicts.cases[~verdicts.cases["conformant"].astype(bool)]
    return sorted(set(off["case_id"].astype(str)) & both)[0]


def test_kepatuhan_counts_conformance_and_deviations(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard("kepatuhan")
    assert_clean(at)
    cases = verdicts.cases
    off = int((~cases["conformant"].astype(bool)).sum())
    assert metrics(at) == {
        "Sesuai SOP": id_pct(100.0 * cases["conformant"].astype(bool).mean()),
        "Penyimpangan": id_int(len(verdicts.deviations)),
        "Tidak sesuai SOP": id_int(off),
    }
    listed = frame_with(at, "Nomor permohonan", "Sesuai SOP", "Jenis penyimpangan")
    assert len(listed) == off  # only the non-conforming ones, by default
    assert not listed["Sesuai SOP"].any()
    assert "Pilih baris di daftar, atau ketik nomor permohonan." in texts(at.caption)
    at.toggle(key="nc").set_value(False).run()
    assert len(frame_with(at, "Nomor permohonan", "Sesuai SOP")) == 2000  # the first 2.000
    assert "2.000 dari 2.910 baris ditampilkan." in texts(at.caption)
    at.multiselect(key="types").set_value(["wrong_actor"]).run()
    listed = frame_with(at, "Nomor permohonan", "Sesuai SOP", "Jenis penyimpangan")
    wrong = verdicts.deviations[verdicts.deviations["type"] == "wrong_actor"]
    assert set(listed["Nomor permohonan"]) == set(wrong["case_id"].astype(str))
    assert listed["Jenis penyimpangan"].str.contains("Pelaksana tidak sesuai").all()


def test_kepatuhan_tells_a_nonconforming_application_where_it_broke(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    case = nonconforming_case(verdicts)
    found = verdicts.deviations[verdicts.deviations["case_id"].astype(str) == case]
    row = verdicts.cases[verdicts.cases["case_id"].astype(str) == case].iloc[0]

    def box(finding: pd.Series) -> str:
        where = "" if pd.isna(finding["source_row"]) else f" (baris {int(finding['source_row'])})"
        return f"{finding['detail']}{where}"

    timing = found["type"].astype(str).isin(TIME_TYPES)
    at = dashboard("kepatuhan")
    at.text_input(key="case").set_value(case).run()
    assert not at.exception
    assert texts(at.error) == [box(f) for _, f in found[~timing].iterrows()]
    assert texts(at.warning) == [box(f) for _, f in found[timing].iterrows()]
    assert not at.success
    shown = metrics(at)
    assert shown["Sesuai SOP"] == "tidak"
    assert shown["Penyimpangan"] == id_int(row["deviations"])
    assert shown["Fitness"] == id_dec(float(row["fitness"]), 3)
    model = verdicts.models[str(row["sop_id"])]
    assert f"**{case}** · {model.service} · {model.office.regency}" in texts(at.markdown)[0]
    happened = frame_with(at, "Selesai", "Waktu langkah", "Penilaian")
    steps = verdicts.steps[verdicts.steps["case_id"].astype(str) == case]
    assert len(happened) == len(steps)
    _by_type, timeline = charts(at)
    assert {trace["name"] for trace in timeline["data"]} <= {
        "sesuai", "melewati Waktu", "di luar SOP",
    }  # fmt: skip
    assert sum(len(trace["y"]) for trace in timeline["data"]) == len(steps)


def test_kepatuhan_says_a_conforming_application_conforms(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    clean = verdicts.cases[verdicts.cases["conformant"].astype(bool)
                           & (verdicts.cases["deviations"] == 0)]  # fmt: skip
    case = str(clean["case_id"].iloc[0])
    at = dashboard("kepatuhan", query={"case": case})
    assert_clean(at)
    assert texts(at.success) == ["Permohonan ini sesuai SOP."]
    assert not at.warning
    assert metrics(at)["Sesuai SOP"] == "ya"
    should = frame_with(at, "No.", "Langkah", "Pelaksana", "Penilaian")
    assert set(should["Penilaian"]) <= {"dikerjakan", "belum"}


def test_kepatuhan_names_an_unknown_application(dashboard: Callable[..., AppTest]) -> None:
    at = dashboard("kepatuhan")
    at.text_input(key="case").set_value("  TIDAK-ADA  ").run()
    assert_clean(at)
    assert texts(at.warning) == ["Permohonan TIDAK-ADA tidak ditemukan dengan saringan ini."]


# ----------------------------------------------------------------------------------------------
# Kasus Berjalan
# ----------------------------------------------------------------------------------------------


def test_kasus_berjalan_counts_the_open_applications_and_filters_those_at_risk(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    cases = verdicts.cases
    open_ = cases[cases["status"] == "open"]
    risky = open_["at_risk"].fillna(False).astype(bool)
    overdue = open_["remaining_minutes"] < 0
    listed = sopmine.list_open_cases(verdicts)
    assert (len(listed), int(listed["at_risk"].sum()), int(listed["overdue"].sum())) == (
        len(open_), int(risky.sum()), int(overdue.sum()),
    )  # fmt: skip
    at = dashboard("kasus_berjalan")
    assert_clean(at)
    assert metrics(at) == {
        "Berjalan": id_int(len(open_)),
        "Berisiko": id_int(risky.sum()),
        "Lewat waktu": id_int(overdue.sum()),
    }
    table = frame_with(at, "Nomor permohonan", "Sisa waktu (hari kerja)", "Berisiko")
    assert len(table) == len(open_)
    assert set(table["Nomor permohonan"]) == set(open_["case_id"].astype(str))
    at.toggle(key="at_risk").set_value(True).run()
    assert_clean(at)
    table = frame_with(at, "Nomor permohonan", "Sisa waktu (hari kerja)", "Berisiko")
    assert len(table) == int(risky.sum()) > 0
    assert table["Berisiko"].all()
    assert set(table["Nomor permohonan"]) == set(open_.loc[risky, "case_id"].astype(str))
    assert metrics(at)["Berjalan"] == id_int(len(open_))  # the figures stay the office's
    assert len(at.get("plotly_chart")) == 1


# ----------------------------------------------------------------------------------------------
# Perbandingan Kantor
# ----------------------------------------------------------------------------------------------


def test_perbandingan_kantor_shows_one_row_per_sop_with_its_regency(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard("perbandingan_kantor")
    assert_clean(at)
    table = frame_with(at, "Kabupaten/Kota", "Layanan", "Permohonan", "Menit per hari kerja")
    counts = verdicts.cases.groupby(verdicts.cases["sop_id"].astype(str)).size()
    expected = sorted(
        (m.office.regency, m.service, int(counts[k]), m.office.timezone)
        for k, m in verdicts.models.items()
    )
    shown = sorted(
        zip(table["Kabupaten/Kota"], table["Layanan"], table["Permohonan"], table["Waktu"],
            strict=True)
    )  # fmt: skip
    assert shown == expected
    assert len(at.get("plotly_chart")) == 2


# ----------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------


def test_data_shows_the_files_loaded_and_the_rows_rejected(
    dashboard: Callable[..., AppTest], store: Path, sources: pd.DataFrame
) -> None:
    at = dashboard("data")
    assert_clean(at)
    assert metrics(at) == {
        "Berkas yang dimuat": id_int(len(sources)),
        "Baris dimuat": id_int(sources["rows_loaded"].sum()),
        "Baris ditolak": id_int(sources["rows_rejected"].sum()),
        "Baris ganda": id_int(sources["rows_duplicate"].sum()),
    }
    assert metrics(at)["Berkas yang dimuat"] == "5"
    files = frame_with(at, "Berkas", "Profil", "Baris dibaca")
    assert sorted(files["Berkas"]) == sorted(name for name, *_ in DEMO)
    assert files.set_index("Berkas")["Baris ditolak"].to_dict() == dict(
        zip(sources["file_name"], sources["rows_rejected"], strict=True)
    )
    rejects = query(store, "SELECT reason FROM rejects")
    runs = query(store, "SELECT run_id FROM check_runs")
    assert len(frame_with(at, "Berkas", "Baris", "Alasan", "Keterangan")) == len(rejects) == 28
    by_reason = frame_with(at, "Berkas", "Alasan", "Jumlah")
    assert by_reason["Jumlah"].sum() == len(rejects)
    assert by_reason.groupby("Alasan")["Jumlah"].sum().to_dict() == (
        rejects.groupby("reason").size().to_dict()
    )
    assert sorted(frame_with(at, "Pemeriksaan", "Diperiksa per")["Pemeriksaan"]) == sorted(
        runs["run_id"]
    )


def test_data_follows_the_sop_filter(
    dashboard: Callable[..., AppTest], sources: pd.DataFrame
) -> None:
    at = dashboard("data")
    at.selectbox(key="sop").set_value("dairi_iumk_oss").run()
    mine = sources[sources["sop_id"] == "dairi_iumk_oss"]
    assert metrics(at)["Berkas yang dimuat"] == "1"
    assert metrics(at)["Baris ditolak"] == id_int(mine["rows_rejected"].sum())
    assert frame_with(at, "Berkas", "Profil")["Berkas"].tolist() == mine["file_name"].tolist()


def test_data_follows_the_office_filter(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts, sources: pd.DataFrame
) -> None:
    at = dashboard("data")
    at.selectbox(key="office").set_value(verdicts.models["karimun_sicantik"].office.name).run()
    assert frame_with(at, "Berkas", "Profil")["Berkas"].tolist() == [
        "004_karimun_sicantik.sicantik.csv"
    ]
    assert metrics(at)["Berkas yang dimuat"] == "1"


# ----------------------------------------------------------------------------------------------
# Laporan
# ----------------------------------------------------------------------------------------------


def test_laporan_offers_every_table_as_csv_and_all_as_xlsx(
    dashboard: Callable[..., AppTest], verdicts: sopmine.Verdicts
) -> None:
    at = dashboard("laporan")
    assert_clean(at)
    buttons = {b.key: b.label for b in at.download_button}
    assert buttons == {
        "xlsx": "Unduh semua tabel (XLSX)",
        **{
            f"csv_table_{name}": "CSV"
            for name in ("kpis", "bottlenecks", "open", "offices", "cases", "deviations", "steps")
        },
    }
    rows = {m.split("**")[1]: m.split(" · ")[1] for m in texts(at.markdown) if " baris" in m}
    assert rows == {
        "Ringkasan per layanan": f"{len(verdicts.models)} baris",
        "Hambatan": f"{id_int(len(sopmine.rank_bottlenecks(verdicts)))} baris",
        "Kasus berjalan": f"{id_int((verdicts.cases['status'] == 'open').sum())} baris",
        "Perbandingan kantor": f"{len(verdicts.models)} baris",
        "Permohonan": f"{id_int(len(verdicts.cases))} baris",
        "Penyimpangan": f"{id_int(len(verdicts.deviations))} baris",
        "Langkah": f"{id_int(len(verdicts.steps))} baris",
    }
    at.selectbox(key="sop").set_value("karimun_sicantik").run()
    rows = {m.split("**")[1]: m.split(" · ")[1] for m in texts(at.markdown) if " baris" in m}
    assert rows["Permohonan"] == "420 baris"


# ----------------------------------------------------------------------------------------------
# A store that is missing, not checked yet, or being written
# ----------------------------------------------------------------------------------------------


def test_a_missing_store_is_a_message_on_every_page(
    dashboard: Callable[..., AppTest], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "none.duckdb"
    at = dashboard(db=missing)
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
        assert at.info, page
        assert all(box.startswith("Belum ada data.") for box in texts(at.info)), page
        assert any(str(missing) in box for box in texts(at.info)), page
        assert not at.metric
    assert not missing.exists()  # the dashboard never creates a store


def test_a_store_not_checked_yet_asks_for_sopmine_check(
    dashboard: Callable[..., AppTest], tmp_path: Path
) -> None:
    db = tmp_path / "loaded.duckdb"
    sopmine.load_files(
        [SAMPLES / DEMO[4][0]], sop=DEMO[4][1], profile=DEMO[4][2], roster=SAMPLES / DEMO[4][3],
        db=db,
    )  # fmt: skip
    at = dashboard(db=db)
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
        assert any("sopmine check" in box for box in texts(at.info)), (page, texts(at.info))
        if page == "data":
            assert metrics(at)["Berkas yang dimuat"] == "1"
            assert frame_with(at, "Berkas", "Profil")["Berkas"].tolist() == [DEMO[4][0]]
        else:
            assert not at.metric, page


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS busy_marker (x INTEGER)")
con.execute("INSERT INTO busy_marker VALUES (1)")
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Another process that opens a store read-write (and writes to it) until the test ends.

    The dashboard waits a little for a writer before it says the store is busy: less here.
    """
    monkeypatch.setattr(_cache, "_WAIT_SECONDS", 0.5)
    started: list[subprocess.Popen[str]] = []

    def hold(db: Path) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db), "300"], stdout=subprocess.PIPE, text=True
        )
        started.append(process)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        return process

    yield hold
    for process in started:
        process.kill()
        process.wait(timeout=30)


def test_a_busy_store_never_read_is_a_wait_message(
    dashboard: Callable[..., AppTest],
    store: Path,
    tmp_path: Path,
    writer: Callable[[Path], subprocess.Popen[str]],
) -> None:
    clear_caches()
    db = tmp_path / "busy.duckdb"
    db.write_bytes(store.read_bytes())
    writer(db)
    started = time.monotonic()
    at = dashboard(db=db)
    assert_clean(at)
    assert len(at.info) == 1
    assert texts(at.info)[0].startswith(BUSY)
    assert not at.metric
    at.switch_page("views/data.py").run()
    assert_clean(at)
    assert texts(at.info)
    assert all(box.startswith(BUSY) for box in texts(at.info))
    assert time.monotonic() - started < 60


def test_a_busy_store_read_before_shows_its_last_data_with_a_notice(
    dashboard: Callable[..., AppTest],
    store: Path,
    verdicts: sopmine.Verdicts,
    tmp_path: Path,
    writer: Callable[[Path], subprocess.Popen[str]],
) -> None:
    clear_caches()
    db = tmp_path / "read-before.duckdb"
    db.write_bytes(store.read_bytes())
    before = dashboard(db=db)
    expected = headline(verdicts.cases, dict(verdicts.models))
    assert metrics(before) == expected
    settle()
    holder = writer(db)
    at = dashboard(db=db)
    assert_clean(at)
    assert texts(at.warning) == [STALE]
    assert metrics(at) == expected
    at.switch_page("views/kasus_berjalan.py").run()
    assert texts(at.warning) == [STALE]
    assert metrics(at)["Berjalan"] == expected["Berjalan"]
    holder.kill()
    holder.wait(timeout=30)
    after = dashboard(db=db)  # the writer is done: the new version, no notice
    assert_clean(after)
    assert not after.warning
    assert metrics(after) == expected
    settle()


def test_a_busy_store_read_before_keeps_the_data_page(
    dashboard: Callable[..., AppTest],
    store: Path,
    sources: pd.DataFrame,
    tmp_path: Path,
    writer: Callable[[Path], subprocess.Popen[str]],
) -> None:
    clear_caches()
    db = tmp_path / "data-before.duckdb"
    db.write_bytes(store.read_bytes())
    before = dashboard("data", db=db)
    assert metrics(before)["Berkas yang dimuat"] == "5"
    settle()
    writer(db)
    at = dashboard("data", db=db)
    assert_clean(at)
    assert texts(at.warning) == [STALE]
    assert not at.info
    assert metrics(at)["Berkas yang dimuat"] == id_int(len(sources))


# ----------------------------------------------------------------------------------------------
# The page tables' builders, on small simulated verdicts
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> sopmine.Verdicts:
    """Twenty simulated SiCantik applications (seed 1), checked at the end of 2025."""
    run = sopmine.simulate("karimun_sicantik", cases=20, seed=1)
    return sopmine.as_verdicts(sopmine.check(run.events, run.model))


def test_small_verdicts_are_what_the_expectations_below_assume(small: sopmine.Verdicts) -> None:
    cases = small.cases
    assert len(cases) == 20
    assert cases["status"].astype(str).value_counts().to_dict() == {"closed": 17, "rejected": 3}
    assert cases.loc[~cases["conformant"].astype(bool), "case_id"].tolist() == [
        "000009/DPMPTSP/2025"
    ]
    assert small.deviations["type"].astype(str).value_counts().to_dict() == {
        "step_sla_breach": 17,
        "missing_step": 1,
        "service_sla_breach": 1,
    }


def test_overall_kpis_of_small_verdicts(small: sopmine.Verdicts) -> None:
    kpi = _data.overall_kpis(small)
    # 19 of 20 finished within their target (000015 took 39 of 35 minutes); the median
    # service time is 19 working minutes of a 480-minute Hari
    assert kpi == pytest.approx({
        "cases": 20.0, "finished": 20.0, "on_time_pct": 95.0,
        "median_service_days": 19.0 / 480.0, "median_service_minutes": 19.0,
        "minutes_per_day": 480.0, "conformant_pct": 95.0, "open": 0.0, "at_risk": 0.0,
        "overdue": 0.0, "deviations": 19.0,
    })  # fmt: skip
    empty = _data.overall_kpis(small.select(sop_id="nothing"))
    assert empty["cases"] == 0.0
    assert math.isnan(empty["on_time_pct"])
    assert math.isnan(empty["median_service_days"])


def test_deviations_by_type_of_small_verdicts(small: sopmine.Verdicts) -> None:
    expected = pd.DataFrame({
        "type": ["step_sla_breach", "missing_step", "service_sla_breach"],
        "findings": [17, 1, 1],
        "cases": [9, 1, 1],
    })  # fmt: skip
    pd.testing.assert_frame_equal(_data.deviations_by_type(small), expected)
    none = _data.deviations_by_type(small.select(sop_id="nothing"))
    assert none.empty
    assert list(none.columns) == ["type", "findings", "cases"]


@pytest.fixture(scope="module")
def alike() -> sopmine.Verdicts:
    """Two offices that number their applications alike: SiCantik's twenty (seed 1) and
    twenty SIPRO applications renumbered ``0000NN/DPMPTSP/2025``."""
    karimun = sopmine.simulate("karimun_sicantik", cases=20, seed=1)
    rohil = sopmine.simulate("rohil_izin_insidentil", cases=20, seed=1)
    events = rohil.events.copy()
    events["case_id"] = (
        events["case_id"]
        .astype(str)
        .str.replace(r"^SIPRO/2025/000(\d\d)$", r"0000\1/DPMPTSP/2025", regex=True)
    )
    return sopmine.as_verdicts(
        [sopmine.check(karimun.events, karimun.model), sopmine.check(events, rohil.model)]
    )


def test_deviations_by_type_counts_applications_not_case_numbers(
    alike: sopmine.Verdicts,
) -> None:
    found = alike.deviations
    assert set(found["sop_id"].astype(str)) == {"karimun_sicantik", "rohil_izin_insidentil"}
    pairs = found.assign(type=found["type"].astype(str), sop=found["sop_id"].astype(str),
                         case=found["case_id"].astype(str))  # fmt: skip
    touched = pairs.drop_duplicates(["type", "sop", "case"]).groupby("type").size()
    table = _data.deviations_by_type(alike).set_index("type")["cases"]
    assert table.to_dict() == touched.to_dict()


def test_tell_case_picks_the_sop_when_numbers_repeat(alike: sopmine.Verdicts) -> None:
    number = "000009/DPMPTSP/2025"
    assert (alike.cases["case_id"] == number).sum() == 2
    for sop in ("karimun_sicantik", "rohil_izin_insidentil"):
        story = _case.tell_case(alike, number, sop_id=sop)
        assert story is not None
        assert story.case["sop_id"] == sop
        assert story.model.id == sop
        assert set(story.happened["step_id"].astype(str)) <= {s.id for s in story.model.steps}


def test_deviations_by_step_of_small_verdicts(small: sopmine.Verdicts) -> None:
    table = _data.deviations_by_step(small)
    expected = pd.DataFrame({
        "sop_id": ["karimun_sicantik"] * 9,
        "step_id": ["registrasi_akun", "unggah_persyaratan", "verifikasi_loker_pendaftaran",
                    "verifikasi_back_office", "verifikasi_kasi", "validasi_kabid", "tte_kadis",
                    "pengisian_skm", "penyerahan_izin"],
        "step": ["2. Registrasi user-ID SiCantik Cloud", "4. Unggah persyaratan",
                 "5. Verifikasi dan tanda terima pendaftaran",
                 "6. Entri data dan verifikasi berkas",
                 "7. Verifikasi keabsahan dan validasi Kasi", "8. Validasi Kabid",
                 "9. Penetapan dan TTE Kepala Dinas", "11. Pengisian SKM dan pengambilan SK",
                 "12. Penyerahan Surat Izin"],
        "missing_step": [0, 0, 0, 0, 0, 0, 0, 1, 0],
        "step_sla_breach": [2, 1, 4, 1, 4, 2, 1, 1, 1],
        "total": [2, 1, 4, 1, 4, 2, 1, 2, 1],
    })  # fmt: skip
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    # the service-level finding has no step: it is left out
    assert table["total"].sum() == len(small.deviations) - 1
    assert _data.deviations_by_step(small.select(sop_id="nothing")).empty


def test_case_list_of_small_verdicts(small: sopmine.Verdicts) -> None:
    listed = _data.case_list(small)
    assert list(listed.columns) == [
        "sop_id", "regency", "case_id", "status", "arrived_at", "conformant", "fitness",
        "deviations", "types", "service_days", "service_breach",
    ]  # fmt: skip
    # non-conforming first, then most deviations, then by number
    assert listed["case_id"].str[:6].tolist() == [
        "000009", "000015", "000008", "000017", "000020", "000003", "000010", "000014",
        "000018", "000001", "000002", "000004", "000005", "000006", "000007", "000011",
        "000012", "000013", "000016", "000019",
    ]  # fmt: skip
    assert listed["types"].tolist()[:3] == [
        "missing_step, step_sla_breach",
        "service_sla_breach, step_sla_breach",
        "step_sla_breach",
    ]
    assert (listed["types"].iloc[9:] == "").all()
    assert listed["regency"].unique().tolist() == ["Kabupaten Karimun"]
    assert listed["service_breach"].tolist() == [c == "000015/DPMPTSP/2025"
                                                 for c in listed["case_id"]]  # fmt: skip
    by_case = small.cases.set_index(small.cases["case_id"].astype(str))
    assert listed["service_days"].tolist() == pytest.approx(
        (by_case.loc[listed["case_id"], "service_elapsed_minutes"] / 480.0).tolist()
    )
    only = _data.case_list(small, nonconforming=True)
    assert only["case_id"].tolist() == ["000009/DPMPTSP/2025"]
    typed = _data.case_list(small, types=("service_sla_breach", "missing_step"))
    assert typed["case_id"].tolist() == ["000009/DPMPTSP/2025", "000015/DPMPTSP/2025"]
    assert _data.case_list(small, types=("wrong_actor",)).empty


def test_worst_bottlenecks_of_small_verdicts(small: sopmine.Verdicts) -> None:
    worst = _data.worst_bottlenecks(small)
    assert worst[["step_id", "over_target_minutes", "regency"]].to_dict("list") == {
        "step_id": ["verifikasi_loker_pendaftaran", "unggah_persyaratan", "verifikasi_kasi"],
        "over_target_minutes": [14.0, 13.0, 8.0],
        "regency": ["Kabupaten Karimun"] * 3,
    }
    assert worst["over_target_days"].tolist() == pytest.approx([14 / 480, 13 / 480, 8 / 480])
    everything = _data.worst_bottlenecks(small, top=100)
    assert (everything["over_target_minutes"] > 0).all()
    assert len(everything) == int((sopmine.rank_bottlenecks(small)["over_target_minutes"] > 0)
                                  .sum())  # fmt: skip


def test_unmapped_labels_and_rejects_by_reason() -> None:
    sources = pd.DataFrame({
        "file_name": ["a.csv", "b.csv", "c.csv"],
        "sop_id": ["x", "y", "y"],
        "unmapped": [
            json.dumps([{"label": "Paraf Sekdis", "count": 12,
                         "suggestions": ["Validasi Kabid", "TTE Kadis"]}]),
            None,
            json.dumps([{"label": "Arsip", "count": 3, "suggestions": []}]),
        ],
    })  # fmt: skip
    pd.testing.assert_frame_equal(
        _data.unmapped_labels(sources),
        pd.DataFrame({
            "file_name": ["a.csv", "c.csv"], "sop_id": ["x", "y"],
            "label": ["Paraf Sekdis", "Arsip"], "events": [12, 3],
            "suggestions": ["Validasi Kabid, TTE Kadis", ""],
        }),
    )  # fmt: skip
    assert _data.unmapped_labels(sources.iloc[[1]]).empty
    rejects = pd.DataFrame({
        "file_name": ["a.csv", "a.csv", "a.csv", "b.csv"],
        "reason": ["duplicate", "bad_timestamp", "duplicate", "empty_case_id"],
    })  # fmt: skip
    tables = _data.StoreTables(sources=sources, rejects=rejects, runs=pd.DataFrame())
    pd.testing.assert_frame_equal(
        _data.rejects_by_reason(tables),
        pd.DataFrame({
            "file_name": ["a.csv", "a.csv", "b.csv"],
            "reason": ["bad_timestamp", "duplicate", "empty_case_id"], "rows": [1, 2, 1],
        }),
    )  # fmt: skip


def test_workbook_writes_one_sheet_per_table_with_instants_in_utc(
    small: sopmine.Verdicts,
) -> None:
    data = _data.workbook({"Permohonan": small.cases, "A" * 40: pd.DataFrame({"x": [1, 2]})})
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == ["Permohonan", "A" * 31]
    cases = sheets["Permohonan"]
    assert len(cases) == 20
    assert cases["first_event_at"].iloc[0] == "2025-01-24 01:55:00 UTC"
    assert cases["sop_id"].unique().tolist() == ["karimun_sicantik"]
    assert sheets["A" * 31]["x"].tolist() == [1, 2]


def test_store_version_changes_with_every_write(store: Path, tmp_path: Path) -> None:
    assert _data.store_version(tmp_path / "none.duckdb") == (0, 0, 0, 0)
    db = tmp_path / "copy.duckdb"
    db.write_bytes(store.read_bytes())
    before = _data.store_version(db)
    assert before[1] == db.stat().st_size
    time.sleep(0.01)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE marker AS SELECT 1 AS x")
    assert _data.store_version(db) != before


def test_read_store_tables_reads_sources_rejects_and_runs(
    store: Path, sources: pd.DataFrame
) -> None:
    tables = _data.read_store_tables(store)
    assert sorted(tables.sources["file_name"]) == sources["file_name"].tolist()
    assert len(tables.rejects) == int(sources["rows_rejected"].sum())
    assert set(tables.runs["sop_id"]) == {sop for _, sop, *_ in DEMO}
    assert len(_data.read_store_tables(store, reject_rows=5).rejects) == 5


def test_tell_case_of_a_nonconforming_application(small: sopmine.Verdicts) -> None:
    story = _case.tell_case(small, "000009/DPMPTSP/2025")
    assert story is not None
    assert story.case["status"] == "closed"
    assert story.model.id == "karimun_sicantik"
    # what happened: 14 completed steps in order (steps 4-6 done twice), each with the
    # findings on its event
    happened = story.happened
    assert happened["step_number"].tolist() == [1, 2, 3, 4, 5, 6, 4, 5, 6, 7, 8, 9, 10, 12]
    assert happened["label"].tolist()[:2] == [
        "1. Akses formulir surat permohonan",
        "2. Registrasi user-ID SiCantik Cloud",
    ]
    kinds = dict(enumerate(happened["kind"]))
    assert {i: k for i, k in kinds.items() if k != "ok"} == {
        1: "late", 5: "late", 7: "late", 13: "deviation",
    }  # fmt: skip
    assert happened["types"].iloc[13] == ["missing_step"]
    assert happened["completed_at"].is_monotonic_increasing
    # what should have happened: the SOP path, step 11 missing
    should = story.should_have
    assert should["number"].tolist() == list(range(1, 13))
    assert should.set_index("number")["state"].to_dict() == {
        **dict.fromkeys(range(1, 13), "done"), 11: "missing",
    }  # fmt: skip
    assert should["target_minutes"].tolist()[:5] == [5.0, 15.0, 15.0, 15.0, 10.0]
    # where it broke: control flow first, then time
    assert story.deviations["type"].tolist() == ["missing_step", *["step_sla_breach"] * 3]
    assert story.deviations["step_id"].tolist()[0] == "pengisian_skm"
    assert list(story.deviations.columns) == [
        "type", "step_id", "expected", "observed", "resource", "role", "source_file",
        "source_row", "detail",
    ]  # fmt: skip


def test_tell_case_of_a_clean_and_of_an_unknown_application(small: sopmine.Verdicts) -> None:
    story = _case.tell_case(small, "000001/DPMPTSP/2025")
    assert story is not None
    assert story.deviations.empty
    assert set(story.happened["kind"]) == {"ok"}
    assert _case.tell_case(small, "000002/DPMPTSP/2025") is not None
    assert _case.tell_case(small, "nope") is None
    assert _case.tell_case(small, "000001/DPMPTSP/2025", sop_id="rohil_orsos") is None


def test_an_open_application_still_has_pending_steps() -> None:
    run = sopmine.simulate("dairi_iumk_oss", cases=30, seed=3)
    verdicts = sopmine.as_verdicts(sopmine.check(run.events, run.model))
    open_ = verdicts.cases[verdicts.cases["status"] == "open"]
    if open_.empty:
        pytest.skip("the simulation has no open application")
    story = _case.tell_case(verdicts, str(open_["case_id"].iloc[0]))
    assert story is not None
    assert "pending" in set(story.should_have["state"])
    assert "skipped" not in set(story.should_have["state"])


def test_plot_case_draws_each_step_coloured_by_its_verdict(small: sopmine.Verdicts) -> None:
    story = _case.tell_case(small, "000009/DPMPTSP/2025")
    assert story is not None
    figure = _case.plot_case(story)
    assert [(bar.name, len(bar.y)) for bar in figure.data] == [
        ("sesuai", 10), ("melewati Waktu", 3), ("di luar SOP", 1),
    ]  # fmt: skip
    assert figure.layout.xaxis.title.text == "Waktu (Asia/Jakarta)"
    english = _case.plot_case(story, lang="en")
    assert [bar.name for bar in english.data] == ["as expected", "over Waktu", "outside the SOP"]
    assert english.layout.title.text == "Step timeline"
    widths = np.concatenate([np.asarray(bar.x, dtype=float) for bar in figure.data])
    assert (widths >= 60_000).all()  # at least a minute, so that every step shows


def test_filters_apply_as_select(small: sopmine.Verdicts) -> None:
    filters = _data.Filters(period_from=dt.date(2025, 3, 1), period_to=dt.date(2025, 3, 31))
    assert filters.key() == (None, None, "2025-03-01", "2025-03-31")
    chosen = filters.apply(small)
    assert chosen.cases["case_id"].str[:6].tolist() == ["000003", "000004", "000005", "000006"]
    assert (
        dataclasses.replace(filters, sop="karimun_sicantik").apply(small).cases.equals(chosen.cases)
    )
    assert _data.Filters().apply(small) is small


# ----------------------------------------------------------------------------------------------
# The reads: the cases first, then only the step columns a table needs
# ----------------------------------------------------------------------------------------------


def assert_verdicts_equal(got: sopmine.Verdicts, expected: sopmine.Verdicts) -> None:
    for table in ("cases", "steps", "deviations"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(expected, table))
    assert dict(got.models) == dict(expected.models)
    assert got.as_of == expected.as_of


def test_the_reads_in_parts_add_up_to_read_verdicts(
    store: Path, verdicts: sopmine.Verdicts
) -> None:
    clear_caches()
    version = _data.store_version(store)
    first = _cache._cases(str(store), version)
    pd.testing.assert_frame_equal(first.cases, verdicts.cases)
    assert first.steps.empty
    assert first.deviations.empty
    assert_verdicts_equal(_cache._whole(str(store), version, "all"), verdicts)
    times = _cache._whole(str(store), version, "step_times").steps
    pd.testing.assert_frame_equal(times, verdicts.steps[list(_data.STEP_GROUPS["times"])])
    filters = _data.Filters(period_from=dt.date(2025, 3, 1), period_to=dt.date(2025, 3, 31))
    assert_verdicts_equal(
        _cache._filtered(str(store), version, filters, "all"), filters.apply(verdicts)
    )


def test_step_rows_read_as_stored_come_in_the_order_of_the_stores_sort(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = _data.store_version(store)
    columns = _data.STEP_GROUPS["times"] + _data.STEP_GROUPS["people"]
    with sopmine.Store.open(store, read_only=True) as opened:
        con = opened._connection()
        sorted_by_duckdb = _read.latest_results(con, "steps", columns=columns, text="category")
    want = _read.normalize_table(sorted_by_duckdb, "steps")
    pd.testing.assert_frame_equal(_read.read_steps(store, version, columns, wait=1), want)
    read = _read.read_frame
    shuffled: list[int] = []

    def unordered(*args: Any, **options: Any) -> pd.DataFrame:
        frame = read(*args, **options)
        if "__sopmine_row" not in frame:
            return frame
        shuffled.append(len(frame))
        order = np.random.default_rng(5).permutation(len(frame))
        return frame.take(order).reset_index(drop=True)

    monkeypatch.setattr(_read, "read_frame", unordered)
    pd.testing.assert_frame_equal(_read.read_steps(store, version, columns, wait=1), want)
    assert shuffled == [len(want)]
    people = _data.STEP_GROUPS["people"]  # without the case ids: DuckDB's sort
    pd.testing.assert_frame_equal(
        _read.read_steps(store, version, people, wait=1), want[list(people)]
    )
    assert shuffled == [len(want)]


def test_a_part_of_another_version_is_refused(store: Path, tmp_path: Path) -> None:
    db = tmp_path / "moved.duckdb"
    db.write_bytes(store.read_bytes())
    before = _data.store_version(db)
    sopmine.check_store(db=db, as_of="2025-07-31 16:00")
    with pytest.raises(sopmine.StoreBusyError, match="written while the dashboard read it"):
        _read.read_steps(db, before, ["sop_id"], wait=0.5)


def page_table_names(verdicts: sopmine.Verdicts) -> list[str]:
    sops = sorted(verdicts.models)
    return [
        *_data.page_tables(sops), "trends", "people:hidden",
        *(f"{kind}:{sop}" for kind in ("map", "variants") for sop in sops),
    ]  # fmt: skip


def same_table(got: Any, expected: Any) -> None:
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected)
    elif isinstance(expected, sopmine.ProcessMap):
        pd.testing.assert_frame_equal(got.nodes, expected.nodes)
        pd.testing.assert_frame_equal(got.edges, expected.edges)
    else:
        assert got == pytest.approx(expected, nan_ok=True)


def test_each_table_built_from_what_it_needs_is_the_one_of_the_whole_verdicts(
    store: Path, verdicts: sopmine.Verdicts
) -> None:
    clear_caches()
    version = _data.store_version(store)
    filters = _data.Filters(period_from=dt.date(2025, 4, 1))
    for chosen, whole in ((_data.Filters(), verdicts), (filters, filters.apply(verdicts))):
        for name in page_table_names(verdicts):
            need = _data.table_need(name)
            part = _cache._filtered(str(store), version, chosen, need)
            assert need != "all", name
            same_table(_data.build_table(part, name), _data.build_table(whole, name))
        listed = _cache._filtered(str(store), version, chosen, "deviations")
        for options in ({}, {"nonconforming": True}, {"types": ("missing_step", "wrong_actor")}):
            same_table(_data.case_list(listed, **options), _data.case_list(whole, **options))


def test_derived_tables_are_the_tables_built_afresh(
    verdicts: sopmine.Verdicts, small: sopmine.Verdicts
) -> None:
    names = ("bottlenecks", "worst_bottlenecks", "workload", "role_delays", "people:shown",
             "people:hidden")  # fmt: skip
    for source in (verdicts, small, verdicts.select(period_from="2030-01-01")):
        for name in names:
            base = _data.build_table(source, _data.base_table(name) or "")
            same_table(_data.derive_table(source, name, base), _data.build_table(source, name))
    assert _data.build_table(verdicts, "workload").equals(sopmine.summarize_workload(verdicts))
    assert _data.build_table(verdicts, "role_delays").equals(sopmine.find_role_delays(verdicts))
    people = sopmine.summarize_workload(verdicts, by="resource", pseudonymized=True)
    assert _data.build_table(verdicts, "people:hidden").equals(people)


def test_groups_of_step_columns_not_read_yet_are_read_in_one_query(
    store: Path, verdicts: sopmine.Verdicts, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_caches()
    reads: list[tuple[str, ...]] = []
    read = _cache.read_steps

    def counted(path: Path, version: Any, columns: Any, **options: Any) -> pd.DataFrame:
        reads.append(tuple(columns))
        return read(path, version, columns, **options)

    monkeypatch.setattr(_cache, "read_steps", counted)
    shot = _cache.Snapshot(store, _data.store_version(store), stale=False)
    groups = _data.STEP_GROUPS
    shot.read_ahead("step_people")  # as Hambatan does: its step times and people together
    assert reads == [groups["times"] + groups["people"]]
    for name in ("bottlenecks", "workload", "role_delays", "people:shown"):
        same_table(shot.table(name, _data.Filters()), _data.build_table(verdicts, name))
    whole = shot.verdicts(_data.Filters())  # the rest only, in one more read
    assert reads == [groups["times"] + groups["people"], groups["rest"]]
    assert_verdicts_equal(whole, verdicts)
    version = _data.store_version(store)
    for need in ("step_times", "step_people"):
        steps = _cache._whole(str(store), version, need).steps
        pd.testing.assert_frame_equal(steps, verdicts.steps[list(steps.columns)])
    assert len(reads) == 2
    clear_caches()
    shot.read_ahead("all")  # nothing read yet: every step column in one query
    assert reads[2:] == [groups["times"] + groups["people"] + groups["rest"]]
    assert_verdicts_equal(shot.verdicts(_data.Filters()), verdicts)
    clear_caches()


def test_the_step_columns_of_the_last_two_store_versions_are_kept(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = _cache._Shelf()
    reads: list[Any] = []
    monkeypatch.setattr(_cache, "read_steps", lambda path, version, columns, **k: (
        reads.append(version) or pd.DataFrame({c: [version[0]] for c in columns})))  # fmt: skip
    v1, v2, v3 = (1, 0, 0, 0), (2, 0, 0, 0), (3, 0, 0, 0)
    for version in (v1, v2, v1, v3, v1, v2):
        (frame,) = shelf.groups(str(store), version, ("people",))
        assert frame["role"].tolist() == [version[0]]
    assert reads == [v1, v2, v3, v2]  # v1 was used again after v2, so v2 went first

    def refused(*args: Any, **options: Any) -> pd.DataFrame:
        raise sopmine.StoreBusyError("written")

    monkeypatch.setattr(_cache, "read_steps", refused)
    with pytest.raises(sopmine.StoreBusyError):
        shelf.groups(str(store), (4, 0, 0, 0), ("people",))
    assert list(shelf.read) == [(str(store), v1), (str(store), v2)]  # a refused read keeps them


def test_step_ranks_are_the_figures_of_analyze_steps_that_rank_the_bottlenecks(
    verdicts: sopmine.Verdicts, small: sopmine.Verdicts
) -> None:
    sources = (
        verdicts, small, verdicts.select(period_from="2025-05-01"),
        verdicts.select(sop_id="karimun_sicantik"), verdicts.select(period_from="2030-01-01"),
    )  # fmt: skip
    for source in sources:
        ranks = _data.step_ranks(source)
        pd.testing.assert_frame_equal(ranks, sopmine.analyze_steps(source)[list(ranks.columns)])
        ranked = sopmine.rank_bottlenecks(ranks)
        expected = sopmine.rank_bottlenecks(source)
        pd.testing.assert_frame_equal(ranked, expected[list(ranked.columns)])
        worst = _data.build_table(source, "worst_bottlenecks")  # what Ringkasan shows
        expected = _data.worst_bottlenecks(source)
        shown = {"regency", "step_name", "actor_name", "volume", "breach_pct",
                 "elapsed_median_minutes", "target_minutes", "over_target_days"}  # fmt: skip
        assert shown <= set(worst)
        pd.testing.assert_frame_equal(worst, expected[list(worst.columns)])


def test_the_summary_and_office_tables_are_those_of_the_api(
    verdicts: sopmine.Verdicts, small: sopmine.Verdicts
) -> None:
    # summarize_kpis groups the step rows on their categorical SOP ids: the same frames
    for source in (verdicts, small, verdicts.select(office=ROHIL_OFFICE),
                   verdicts.select(period_from="2030-01-01")):  # fmt: skip
        assert isinstance(source.steps["sop_id"].dtype, pd.CategoricalDtype)
        pd.testing.assert_frame_equal(
            _data.build_table(source, "kpis"), sopmine.summarize_kpis(source)
        )
        pd.testing.assert_frame_equal(
            _data.build_table(source, "offices"), sopmine.compare_offices(source)
        )


def test_case_kpis_and_trends_are_kpis_and_trends_without_the_step_figures(
    verdicts: sopmine.Verdicts, small: sopmine.Verdicts
) -> None:
    for source in (verdicts, small, verdicts.select(period_from="2025-05-01")):
        kpis = sopmine.summarize_kpis(source).drop(columns="step_breach_pct")
        pd.testing.assert_frame_equal(_data.case_kpis(source), kpis)
        trends = sopmine.summarize_trends(source).drop(columns="step_breach_pct")
        pd.testing.assert_frame_equal(_data.case_trends(source), trends)


def test_the_warm_up_waits_while_a_page_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_caches()
    monkeypatch.setattr(_cache, "_IDLE_SECONDS", 0.2)
    waited: list[float] = []
    with _cache.page_run():
        started = time.monotonic()
        waiter = threading.Thread(target=lambda: (_cache._pages().wait_idle(), waited.append(
            time.monotonic() - started)))  # fmt: skip
        waiter.start()
        time.sleep(0.5)
        assert not waited
    waiter.join(timeout=TIMEOUT)
    assert waited[0] >= 0.5 + 0.2


def test_the_verdicts_select_date_and_name_actors_as_plain_loops_would(
    verdicts: sopmine.Verdicts,
) -> None:
    from sopmine.sop.labels import normalize_label

    office = verdicts.models["rohil_orsos"].office.name
    chosen = verdicts.select(office=office, period_from="2025-04-01")
    cases = chosen.cases
    keys = set(zip(cases["sop_id"].astype(str), cases["case_id"].astype(str), strict=True))
    assert keys
    for table in ("steps", "deviations"):
        rows = getattr(verdicts, table)
        pairs = zip(rows["sop_id"].astype(str), rows["case_id"].astype(str), strict=True)
        kept = rows[[pair in keys for pair in pairs]].reset_index(drop=True)
        pd.testing.assert_frame_equal(getattr(chosen, table), kept)
    days = verdicts.local_dates(verdicts.cases, "first_event_at")
    assert [d.astype(dt.date) for d in days] == local_arrival(verdicts).tolist()

    def actor(sop: str, role: Any, step: Any) -> Any:
        model = verdicts.models[sop]
        if pd.isna(role):
            known = {s.id: s.actor for s in model.steps}
            return known.get(step, math.nan) if pd.notna(step) else math.nan
        names = {normalize_label(n): a.id for a in model.actors for n in a.names()}
        return names.get(normalize_label(str(role)), str(role))

    steps = verdicts.steps
    rows = zip(steps["sop_id"].astype(str), steps["role"], steps["step_id"], strict=True)
    expected = [actor(s, r, p) for s, r, p in rows]
    got = verdicts.actor_ids(steps).astype(object).tolist()
    assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in expected]


def test_the_map_table_is_the_process_map_of_the_api(verdicts: sopmine.Verdicts) -> None:
    for sop_id in sorted(verdicts.models):
        same_table(
            _data.build_table(verdicts, f"map:{sop_id}"),
            sopmine.discover_process_map(verdicts, sop_id=sop_id),
        )


def test_the_server_preloads_every_page_once_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sopmine.dashboard import streamlit_command
    from sopmine.dashboard._preload import preload

    command = streamlit_command("python", host="127.0.0.1", port=8501)
    assert command[:5] == ["python", "-m", "sopmine.dashboard", "run", str(APP_PATH)]
    with caplog.at_level("WARNING", logger="sopmine.dashboard"):
        preload()
    assert not caplog.records


def test_filters_that_keep_every_case_share_the_tables_of_no_filter(
    store: Path, tmp_path: Path
) -> None:
    clear_caches()
    name, sop, profile, _ = DEMO[2]
    one = tmp_path / "one-office.duckdb"
    sopmine.load_files([SAMPLES / name], sop=sop, profile=profile, db=one)
    sopmine.check_store(db=one, as_of=DEMO_AS_OF)
    shot = _cache.Snapshot(one, _data.store_version(one), stale=False)
    office = shot.cases(_data.Filters()).models[sop].office.name
    everything = _data.Filters(sop=sop, office=office, period_from=dt.date(2020, 1, 1))
    assert shot.same_as(everything) == _data.Filters()
    assert shot.table("kpis", everything) is shot.table("kpis", _data.Filters())
    some = _data.Filters(sop=sop, period_from=dt.date(2025, 5, 1))
    assert shot.same_as(some) == some
    several = _cache.Snapshot(store, _data.store_version(store), stale=False)
    assert several.same_as(_data.Filters(sop=sop)) == _data.Filters(sop=sop)
    settle()


ROHIL_OFFICE = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Rokan Hilir"
LAPORAN_FILTERS = (
    _data.Filters(),
    _data.Filters(sop="karimun_sicantik"),
    _data.Filters(office=ROHIL_OFFICE),
    _data.Filters(period_from=dt.date(2025, 3, 1), period_to=dt.date(2025, 3, 31)),
    _data.Filters(sop="dairi_iumk_oss", period_from=dt.date(2025, 5, 1)),
    _data.Filters(period_from=dt.date(2030, 1, 1)),  # no application
)


def laporan_tables(whole: sopmine.Verdicts) -> dict[str, pd.DataFrame]:
    """The tables the Laporan page offers, as the page built them before it counted them."""
    names = {"table_kpis": "kpis", "table_bottlenecks": "bottlenecks",
             "table_open": "open_cases", "table_offices": "offices"}  # fmt: skip
    tables = {key: _data.build_table(whole, name) for key, name in names.items()}
    return {**tables, "table_cases": whole.cases, "table_deviations": whole.deviations,
            "table_steps": whole.steps}  # fmt: skip


@pytest.mark.parametrize("filters", LAPORAN_FILTERS, ids=lambda f: "-".join(map(str, f.key())))
def test_laporan_counts_the_rows_of_its_downloads_without_reading_the_steps(
    store: Path, verdicts: sopmine.Verdicts, filters: _data.Filters,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    clear_caches()
    shot = _cache.Snapshot(store, _data.store_version(store), stale=False)
    expected = laporan_tables(filters.apply(verdicts))
    with monkeypatch.context() as patch:
        patch.setattr(_cache, "read_steps", lambda *a, **k: pytest.fail("read the step rows"))
        rows = _downloads.download_rows(shot, filters)
    assert list(rows) == list(_downloads.DOWNLOADS)
    assert rows == {key: len(frame) for key, frame in expected.items()}
    for key, frame in expected.items():  # built when downloaded: the same frames
        pd.testing.assert_frame_equal(_downloads.download_frame(shot, filters, key), frame)


def test_laporan_counts_the_bottlenecks_by_building_them_when_steps_do_not_fit_a_mask(
    store: Path, verdicts: sopmine.Verdicts, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_caches()
    monkeypatch.setattr(_data, "MASK_BITS", 2)
    shot = _cache.Snapshot(store, _data.store_version(store), stale=False)
    filters = _data.Filters(period_from=dt.date(2025, 3, 1))
    assert shot.row_counts(filters).bottlenecks is None
    rows = _downloads.download_rows(shot, filters)
    assert rows["table_bottlenecks"] == len(sopmine.rank_bottlenecks(filters.apply(verdicts)))
    clear_caches()


def test_laporan_downloads_are_the_files_of_the_verdicts_tables(
    store: Path, verdicts: sopmine.Verdicts
) -> None:
    clear_caches()
    shot = _cache.Snapshot(store, _data.store_version(store), stale=False)
    filters = _data.Filters(sop="karimun_sicantik")
    expected = laporan_tables(filters.apply(verdicts))
    steps = _downloads.download_csv(shot, filters, "table_steps")
    assert steps == _data.csv_bytes(expected["table_steps"])
    keys = ["table_kpis", "table_cases"]
    book = _downloads.download_workbook(shot, filters, keys, "en")
    sheets = pd.read_excel(io.BytesIO(book), sheet_name=None)
    assert list(sheets) == ["Summary by service", "Applications"]
    assert len(sheets["Applications"]) == len(expected["table_cases"])
