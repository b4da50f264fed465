"""``sopmine dashboard`` served for real and driven with Chromium (Playwright).

The server runs as ``sopmine dashboard --db STORE --port PORT`` on the five sample logs; each
page is opened in Debian's Chromium (``/usr/bin/chromium``, never a downloaded browser), checked
for its key figure and for the absence of a trace, and photographed to
``test-artifacts/dashboard/<page>.png``. The command's own errors (no store, a port in use) are
checked as subprocesses too.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from demo_store import DEMO_AS_OF, load_demo

import sopmine

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_SECONDS = 60
PAGE_MS = 60_000
BUSY = ", ".join(
    f'[data-testid="{name}"]' for name in ("stStatusWidget", "stSkeleton", "stSpinner")
)
EXCEPTION = '[data-testid="stException"]'

# ----------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def sopmine_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sopmine", *args]


def serve(db: Path, port: int, cwd: Path) -> subprocess.Popen[str]:
    """``sopmine dashboard`` in its own process group (it starts Streamlit as a child), its
    output in ``cwd/dashboard.log`` (a pipe nobody reads could fill and stop the server)."""
    with (cwd / "dashboard.log").open("w", encoding="utf-8") as log:
        return subprocess.Popen(
            sopmine_command("dashboard", "--db", str(db), "--port", str(port)),
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
            start_new_session=True,
        )


def output(cwd: Path) -> str:
    return (cwd / "dashboard.log").read_text(encoding="utf-8")


def wait_until_up(process: subprocess.Popen[str], port: int, cwd: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not answers("127.0.0.1", port):
        if process.poll() is not None:
            pytest.fail(f"sopmine dashboard stopped ({process.returncode}): {output(cwd)}")
        if time.monotonic() > deadline:
            pytest.fail(f"sopmine dashboard did not answer on port {port} in {START_SECONDS} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen[str], port: int) -> None:
    """Stop the command and any Streamlit server it left in its process group: SIGTERM, then
    SIGKILL if the port still answers after ten seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while answers("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.2)
    if process.poll() is None or answers("127.0.0.1", port):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


@dataclass(frozen=True)
class Server:
    db: Path
    port: int
    banner: str
    verdicts: sopmine.Verdicts

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five sample logs loaded as ``make demo`` loads them, checked as of 30 June 16:00."""
    db = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    load_demo(db)
    sopmine.check_store(db=db, as_of=DEMO_AS_OF)
    return db


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    cwd = tmp_path_factory.mktemp("cwd")
    process = serve(store, port, cwd)
    try:
        wait_until_up(process, port, cwd)
        banner = output(cwd).splitlines()[0]
        yield Server(store, port, banner, sopmine.read_verdicts(store))
    finally:
        stop(process, port)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium, or "
            "make pytest, which installs it) to run the dashboard's browser tests"
        )
        if os.environ.get("SOPMINE_REQUIRE_BROWSER") == "1":  # CI: .ci/run
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(PAGE_MS)
    try:
        yield opened
    finally:
        context.close()


# ----------------------------------------------------------------------------------------------
# Reading a page
# ----------------------------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Wait until Streamlit has finished running the script and the charts are drawn: no
    status widget, spinner or placeholder, every chart drawn, for three quarters of a second."""
    deadline = time.monotonic() + PAGE_MS / 1000
    quiet_since = None
    while time.monotonic() < deadline:
        busy = page.locator(BUSY).count() > 0
        charts = page.locator('[data-testid="stPlotlyChart"]').count()
        drawn = page.locator('[data-testid="stPlotlyChart"] .main-svg').count()
        if busy or drawn < charts:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.75:
            return
        time.sleep(0.1)
    pytest.fail("the page kept running")


def metric(page: Page, label: str) -> str:
    """The value of the key figure under ``label``."""
    box = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True))
    value = box.locator('[data-testid="stMetricValue"]')
    value.wait_for()
    return str(value.inner_text()).strip()


def photograph(page: Page, name: str) -> Path:
    """A picture of the whole page, main area unrolled, to test-artifacts/dashboard/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
              '[data-testid="stMain"], [data-testid="stMainBlockContainer"], section')]
            .map(e => e.scrollHeight), document.body.scrollHeight)"""
    )
    page.set_viewport_size({"width": 1400, "height": min(max(int(height) + 40, 1000), 8000)})
    settle(page)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def no_trace(page: Page) -> None:
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def id_int(value: float) -> str:
    return f"{round(value):,}".replace(",", ".")


def nonconforming_case(verdicts: sopmine.Verdicts) -> tuple[str, str]:
    """A non-conforming application with a control-flow or role finding, and that finding."""
    found = verdicts.deviations
    timing = found["type"].astype(str).isin(["step_sla_breach", "service_sla_breach",
                                             "open_at_risk"])  # fmt: skip
    off = set(verdicts.cases.loc[~verdicts.cases["conformant"].astype(bool), "case_id"]
              .astype(str))  # fmt: skip
    chosen = found[~timing & found["case_id"].astype(str).isin(off)].sort_values("case_id")
    first = chosen.iloc[0]
    return str(first["case_id"]), str(first["detail"])


# ----------------------------------------------------------------------------------------------
# The pages in Chromium
# ----------------------------------------------------------------------------------------------


def test_the_command_names_its_address(server: Server) -> None:
    assert server.banner == (
        f"sopmine dashboard on {server.db.name}: http://127.0.0.1:{server.port}  (Ctrl+C to stop)"
    )


def test_ringkasan(server: Server, page: Page) -> None:
    cases = server.verdicts.cases
    page.goto(server.url + "/")
    assert metric(page, "Permohonan") == id_int(len(cases)) == "2.910"
    settle(page)
    assert metric(page, "Berjalan") == id_int((cases["status"] == "open").sum())
    assert page.get_by_text("Tiga hambatan terberat").is_visible()
    no_trace(page)
    photograph(page, "ringkasan")


def test_peta_proses(server: Server, page: Page) -> None:
    page.goto(server.url + "/peta_proses")
    page.get_by_role("heading", name="Peta Proses").wait_for()
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    settle(page)
    # the arrivals on Boltim's first step, written on the map
    boltim = int((server.verdicts.cases["sop_id"] == "boltim_izin_manual").sum())
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    assert chart.get_by_text(id_int(boltim), exact=True).count() >= 1
    no_trace(page)
    photograph(page, "peta_proses")


def test_hambatan(server: Server, page: Page) -> None:
    page.goto(server.url + "/hambatan")
    page.get_by_text("Langkah dengan waktu terbanyak di atas Waktu SOP").wait_for()
    settle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 3
    assert page.locator('[data-testid="stDataFrame"]').count() == 3
    no_trace(page)
    photograph(page, "hambatan")


def test_kepatuhan_with_an_application_in_the_address(server: Server, page: Page) -> None:
    case, detail = nonconforming_case(server.verdicts)
    page.goto(f"{server.url}/kepatuhan?case={case}")
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text=detail)
    error.first.wait_for()
    settle(page)
    off = int((~server.verdicts.cases["conformant"].astype(bool)).sum())
    assert metric(page, "Tidak sesuai SOP") == id_int(off)
    assert page.get_by_text(case, exact=True).count() >= 1
    assert page.locator(EXCEPTION).count() == 0
    photograph(page, "kepatuhan")


def test_kasus_berjalan(server: Server, page: Page) -> None:
    cases = server.verdicts.cases
    open_ = cases[cases["status"] == "open"]
    page.goto(server.url + "/kasus_berjalan")
    assert metric(page, "Berisiko") == id_int(open_["at_risk"].fillna(False).sum())
    assert metric(page, "Berjalan") == id_int(len(open_))
    settle(page)
    no_trace(page)
    photograph(page, "kasus_berjalan")


def test_perbandingan_kantor(server: Server, page: Page) -> None:
    page.goto(server.url + "/perbandingan_kantor")
    page.get_by_text("Kantor berdampingan").wait_for()
    settle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    labels = set(chart.locator("text").all_text_contents())
    for sop, model in server.verdicts.models.items():
        assert f"{model.office.regency} ({sop})" in labels
    no_trace(page)
    photograph(page, "perbandingan_kantor")


def test_data(server: Server, page: Page) -> None:
    page.goto(server.url + "/data")
    assert metric(page, "Berkas yang dimuat") == "5"
    assert metric(page, "Baris ditolak") == "28"
    settle(page)
    no_trace(page)
    photograph(page, "data")


def test_laporan(server: Server, page: Page) -> None:
    page.goto(server.url + "/laporan")
    page.get_by_text("Unduh semua tabel (XLSX)").wait_for()
    settle(page)
    buttons = page.locator('[data-testid="stDownloadButton"]')
    assert buttons.count() == 8
    with page.expect_download() as waiting:
        buttons.nth(1).click()  # the summary by service, as CSV
    download = waiting.value
    assert download.suggested_filename == "sopmine_kpis.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("sop_id,")
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(server.verdicts.models)
    with page.expect_download() as waiting:
        buttons.nth(7).click()  # the steps, read from the store when asked for
    download = waiting.value
    assert download.suggested_filename == "sopmine_steps.csv"
    steps = pd.read_csv(download.path())
    assert len(steps) == len(server.verdicts.steps)
    assert list(steps.columns) == list(server.verdicts.steps.columns)
    no_trace(page)
    photograph(page, "laporan")


def test_changing_a_filter_changes_the_address(server: Server, page: Page) -> None:
    karimun = server.verdicts.models["karimun_sicantik"]
    page.goto(server.url + "/")
    assert metric(page, "Permohonan") == "2.910"
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=f"{karimun.service} ({karimun.office.regency})").click()
    page.wait_for_url(re.compile(r"[?&]sop="))
    page.get_by_test_id("stMetricValue").get_by_text("420", exact=True).wait_for()
    settle(page)
    assert metric(page, "Permohonan") == "420"
    assert "sop=" in page.url
    shared = page.url
    # the address shared: a fresh page shows the same view
    page.goto(server.url + "/")
    assert metric(page, "Permohonan") == "2.910"
    page.goto(shared)
    page.get_by_test_id("stMetricValue").get_by_text("420", exact=True).wait_for()
    assert metric(page, "Permohonan") == "420"
    no_trace(page)


def test_the_server_listens_on_this_machine_only(server: Server) -> None:
    assert answers("127.0.0.1", server.port)
    others = ["127.0.0.2"]  # another loopback address: answered only by a server on 0.0.0.0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only the route is looked up
            others.append(probe.getsockname()[0])
        except OSError:
            pass
    for address in others:
        assert not answers(address, server.port), address


# ----------------------------------------------------------------------------------------------
# The command's errors, and its end
# ----------------------------------------------------------------------------------------------


def test_a_missing_store_is_an_error_naming_the_file(tmp_path: Path) -> None:
    done = subprocess.run(
        sopmine_command("dashboard", "--db", "missing.duckdb", "--port", str(free_port())),
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "300"},
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error:")
    assert str(tmp_path.resolve() / "missing.duckdb") in lines[0]
    assert "sopmine load" in lines[0]
    assert not (tmp_path / "missing.duckdb").exists()


def test_a_busy_port_is_an_error_suggesting_another(store: Path, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            sopmine_command("dashboard", "--db", str(store), "--port", str(port)),
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "COLUMNS": "300"},
        )  # fmt: skip
    assert done.returncode == 1
    message = done.stderr.strip()
    assert message.startswith("error:")
    assert f"127.0.0.1:{port}" in message
    assert f"--port {port + 1}" in message
    assert "http://" not in done.stdout  # it never claimed to serve


def test_stopping_the_command_stops_the_server(store: Path, tmp_path: Path) -> None:
    """SIGTERM (kill, timeout(1), a service manager) to ``sopmine dashboard`` ends the server,
    not only the command."""
    port = free_port()
    process = serve(store, port, tmp_path)
    try:
        wait_until_up(process, port, tmp_path)
        process.terminate()  # SIGTERM to the command only, as kill or timeout(1) send it
        process.wait(timeout=30)
        deadline = time.monotonic() + 5
        while answers("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not answers("127.0.0.1", port)
    finally:
        stop(process, port)
