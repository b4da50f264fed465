"""The sopmine dashboard's entry script: ``streamlit run`` it, or use ``sopmine dashboard``.

It reads the store named by ``$SOPMINE_DB`` (``sopmine dashboard --db`` sets it), shows the
sidebar (language and filters, kept in the page address) and runs the chosen page.
"""

from pathlib import Path

import streamlit as st

from sopmine.dashboard._cache import page_run
from sopmine.dashboard._layout import language, sidebar, warm_up
from sopmine.dashboard._text import t

PAGES = Path(__file__).parent / "views"  # not "pages/": Streamlit would list that folder itself
PAGE_FILES = (
    ("ringkasan", ":material/dashboard:"),
    ("peta_proses", ":material/account_tree:"),
    ("hambatan", ":material/hourglass_top:"),
    ("kepatuhan", ":material/rule:"),
    ("kasus_berjalan", ":material/pending_actions:"),
    ("perbandingan_kantor", ":material/compare_arrows:"),
    ("data", ":material/database:"),
    ("laporan", ":material/download:"),
)

st.set_page_config(page_title="sopmine", page_icon=":material/fact_check:", layout="wide")
with page_run():  # the background warm-up waits while a page runs
    sidebar()
    lang = language()
    navigation = st.navigation(
        [
            st.Page(PAGES / f"{name}.py", title=t(name, lang), icon=icon, url_path=name,
                    default=name == "ringkasan")
            for name, icon in PAGE_FILES
        ],
        position="sidebar",
    )  # fmt: skip
    navigation.run()
warm_up()
