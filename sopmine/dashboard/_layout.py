"""The frame every page shares: language, filters kept in the page address, and error handling.

``app.py`` calls :func:`sidebar` on every run before the page; pages call :func:`open_page`
(or :func:`context`) to get the language, the filters and the cases they select, ask the
snapshot for their tables (each reads only the verdicts it needs), and run their body inside
:func:`guarded` so a problem shows as a message that says what to do, never as a stack trace.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from sopmine.analyze import Verdicts
from sopmine.dashboard._cache import Snapshot, snapshot
from sopmine.dashboard._data import Filters, service_titles
from sopmine.dashboard._text import Language, t, when_text
from sopmine.errors import SopmineError, StoreBusyError
from sopmine.store import default_db_path

__all__ = [
    "Context",
    "context",
    "db_path",
    "guarded",
    "language",
    "show_table",
    "sidebar",
    "warm_up",
]

_LOG = logging.getLogger("sopmine.dashboard")
_CONTEXT = "_sopmine_context"
_ALL = ""  # the "every SOP / office" choice of a filter


@dataclass(frozen=True)
class Context:
    """What a page needs: the language, the filters, and the cases they select (with the
    models); the steps and deviations are read when :attr:`verdicts` is first asked for."""

    lang: Language
    filters: Filters
    snapshot: Snapshot
    cases: Verdicts
    every: Verdicts

    @property
    def verdicts(self) -> Verdicts:
        """The whole verdicts the filters select (every step column: read once, cached)."""
        return self.snapshot.verdicts(self.filters)

    @property
    def db(self) -> Path:
        """The store the dashboard reads."""
        return self.snapshot.path


def db_path() -> Path:
    """The store to show: ``$SOPMINE_DB`` (set by ``sopmine dashboard --db``), else the default."""
    return default_db_path().expanduser().resolve()


def language() -> Language:
    """The language chosen in the sidebar (Bahasa Indonesia until then)."""
    return "en" if st.session_state.get("lang") == "en" else "id"


def sidebar() -> None:
    """The language switch and the filters, each bound to the page address, and the store's
    verdicts for the page (see :func:`context`); problems reading them are shown here."""
    st.session_state[_CONTEXT] = None
    with st.sidebar:
        st.radio(
            "Bahasa / Language", ["id", "en"], key="lang", bind="query-params", horizontal=True,
            format_func={"id": "Bahasa Indonesia", "en": "English"}.get,
        )  # fmt: skip
    lang = language()
    path = db_path()
    with guarded(lang):
        shot = snapshot(path)
        every = shot.cases(Filters())
        with st.sidebar:
            filters = _filters(every, lang)
            _footer(shot, every, lang)
        st.session_state[_CONTEXT] = Context(
            lang=lang, filters=filters, snapshot=shot, cases=shot.cases(filters), every=every
        )


def open_page(name: str) -> Context:
    """The page's title and context; the script stops here (after saying why) when there are
    no verdicts to show or no application matches the filters."""
    lang = language()
    st.title(t(name, lang))
    found = context()
    if found is None:
        st.stop()
    if found.cases.cases.empty or not found.cases.models:
        st.info(t("no_cases", lang))
        st.stop()
    return found


def warm_up() -> None:
    """After the page: build the other pages' tables for the same filters in the background."""
    found = st.session_state.get(_CONTEXT)
    if isinstance(found, Context) and not found.snapshot.stale:
        found.snapshot.warm(found.filters)


def context() -> Context | None:
    """The page's context, or None (with a message already shown) when there is no data."""
    found = st.session_state.get(_CONTEXT)
    if isinstance(found, Context) and found.snapshot.stale:
        st.warning(t("stale", found.lang), icon="⏳")
    return found if isinstance(found, Context) else None


@contextmanager
def guarded(lang: Language) -> Iterator[None]:
    """Run a block, showing sopmine's errors as messages and anything else without a trace."""
    try:
        yield
    except StoreBusyError:
        st.info(t("busy", lang), icon="⏳")
    except SopmineError as exc:
        st.info(f"{t('no_store', lang)} {exc}", icon="ℹ️")
    except Exception as exc:
        _LOG.exception("dashboard page failed")
        st.error(f"{t('failed', lang)}: {type(exc).__name__}: {exc}", icon="⚠️")


def show_table(
    frame: pd.DataFrame, columns: dict[str, str], lang: Language, *,
    formats: dict[str, str] | None = None, key: str | None = None, **options: Any,
) -> Any:  # fmt: skip
    """``frame``'s ``columns`` (column -> text key) under their labels, numbers formatted."""
    shown = frame[list(columns)].rename(columns={c: t(k, lang) for c, k in columns.items()})
    # In Bahasa Indonesia the browser's locale formats decimals ("203,5"); a fixed "%.1f"
    # would show "203.5", which reads as two hundred thousand there.
    config = {
        t(columns[c], lang): st.column_config.NumberColumn(
            format="localized" if lang == "id" else f
        )
        for c, f in (formats or {}).items()
    }
    return st.dataframe(
        shown, hide_index=True, column_config=config, key=key, width="stretch", **options
    )


def _filters(every: Verdicts, lang: Language) -> Filters:
    st.header(t("filters", lang))
    sops = sorted(every.models)
    titles = service_titles(every)
    sop = st.selectbox(
        t("service", lang), [_ALL, *sops], key="sop", bind="query-params",
        format_func=lambda k: titles.get(k, t("all_services", lang)),
    )  # fmt: skip
    offices = sorted({m.office.name for m in every.models.values()})
    regencies = {m.office.name: m.office.regency for m in every.models.values()}
    office = st.selectbox(
        t("office", lang), [_ALL, *offices], key="office", bind="query-params",
        format_func=lambda k: regencies.get(k, t("all_offices", lang)),
    )  # fmt: skip
    start = st.date_input(t("from", lang), value=None, key="from", bind="query-params",
                          help=t("period_help", lang), format="YYYY-MM-DD")  # fmt: skip
    end = st.date_input(t("to", lang), value=None, key="to", bind="query-params",
                        help=t("period_help", lang), format="YYYY-MM-DD")  # fmt: skip
    return Filters(
        sop=sop or None,
        office=office or None,
        period_from=start if isinstance(start, dt.date) else None,
        period_to=end if isinstance(end, dt.date) else None,
    )


def _footer(shot: Snapshot, every: Verdicts, lang: Language) -> None:
    st.divider()
    checked = when_text(every.as_of, "Asia/Jakarta") if every.as_of is not None else "-"
    st.caption(f"{t('store', lang)}: `{shot.path.name}`  \n{t('checked_at', lang)}: {checked} WIB")
    st.caption(t("share_hint", lang))
