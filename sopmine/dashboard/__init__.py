"""The Streamlit dashboard for the Kepala Dinas: ``sopmine dashboard --db STORE``.

Pages (``views/``): Ringkasan, Peta Proses, Hambatan, Kepatuhan, Kasus Berjalan, Perbandingan
Kantor, Data and Laporan. ``app.py`` is the entry script; it reads the store named by
``$SOPMINE_DB`` read-only. Importing this package does not import Streamlit.

>>> APP_PATH.name, APP_PATH.exists()
('app.py', True)
"""

from pathlib import Path

__all__ = ["APP_PATH", "streamlit_command"]

APP_PATH = Path(__file__).with_name("app.py")
"""The entry script to give ``streamlit run``."""

_SETTINGS = {
    "server.headless": "true",  # no browser opened, no e-mail prompt on the first run
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "client.toolbarMode": "viewer",
    "client.showErrorDetails": "false",  # pages show sopmine's messages, never a trace
    "global.developmentMode": "false",
    "theme.base": "light",
}


def streamlit_command(python: str, *, host: str, port: int) -> list[str]:
    """The command that serves the dashboard on ``host:port`` with ``python``'s Streamlit.

    It is ``streamlit run``, started after the imports the first page would otherwise wait
    for (``python -m sopmine.dashboard``, see ``_preload``).

    >>> streamlit_command("python", host="127.0.0.1", port=8501)[:4]
    ['python', '-m', 'sopmine.dashboard', 'run']
    """
    options = {**_SETTINGS, "server.address": host, "server.port": str(port)}
    flags = [part for key, value in options.items() for part in (f"--{key}", value)]
    return [python, "-m", "sopmine.dashboard", "run", str(APP_PATH), *flags]
