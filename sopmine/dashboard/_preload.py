"""What the server does before its first page: the imports that page would otherwise wait for.

A fresh Python process imports the holiday calendars of the offices (about 280 modules of the
``holidays`` package, 0.3 s), the plotting library's figure classes and pm4py's discovery the
first time a page needs them, while the Kepala Dinas waits. :func:`preload` does that work
once, before the server listens: it checks a few simulated applications and builds every
page's tables and figures from them.

The first element a page writes also makes Streamlit look at the call stack once per process
(to warn when it runs in an interactive interpreter); Python's ``inspect`` then finds the file
of every module loaded, thousands with pandas, plotly and pm4py (0.15-0.5 s). :func:`preload`
has ``inspect`` do that after the server's imports, so the first page finds them known.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["preload"]

_LOG = logging.getLogger("sopmine.dashboard")


def preload() -> None:
    """Import (and run once, on five simulated applications) what the pages use; a failure is
    logged and left for the page that meets it to report."""
    try:
        _exercise()
        _know_module_files()
    except Exception:
        _LOG.warning(
            "preloading the dashboard failed; the first page will be slower", exc_info=True
        )


def _exercise() -> None:
    import plotly.io as pio

    import sopmine
    from sopmine import analyze
    from sopmine.dashboard._case import plot_case, tell_case
    from sopmine.dashboard._data import build_table, page_tables

    run = sopmine.simulate("karimun_sicantik", cases=5, seed=1)
    checked: Any = sopmine.check(run.events, run.model)  # CheckTables wants settable fields
    verdicts = sopmine.as_verdicts(checked)
    tables = {name: build_table(verdicts, name) for name in page_tables(sorted(verdicts.models))}
    story = tell_case(verdicts, str(verdicts.cases["case_id"].iloc[0]))
    figures = [
        analyze.plot_trends(tables["case_trends"]),
        analyze.plot_bottlenecks(tables["bottlenecks"]),
        analyze.plot_step_times(tables["steps"]),
        analyze.plot_workload(tables["workload"]),
        analyze.plot_work_in_progress(tables["wip"]),
        analyze.plot_offices(tables["offices"]),
        analyze.plot_roles(tables["roles"]),
        analyze.plot_variants(tables["variants:karimun_sicantik"]),
        tables["map:karimun_sicantik"].figure("performance"),
        *([plot_case(story)] if story is not None else []),
    ]
    for figure in figures:
        pio.to_json(figure, validate=False)  # as st.plotly_chart serialises them


def _know_module_files() -> None:
    """Let ``inspect`` map the modules loaded (the server's too) to their files now."""
    import inspect

    import streamlit.web.cli  # noqa: F401 - what the server imports next

    inspect.stack()
