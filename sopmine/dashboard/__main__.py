"""``python -m sopmine.dashboard run APP [OPTIONS]``: ``streamlit run``, after the imports the
first page would otherwise wait for (:func:`~._preload.preload`). ``sopmine dashboard`` runs it.
"""

import sys

from sopmine.dashboard._preload import preload


def main() -> None:
    """Preload, then hand the arguments to Streamlit's command line."""
    preload()
    from streamlit.web.cli import main as streamlit

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit(prog_name="streamlit")


if __name__ == "__main__":
    main()
