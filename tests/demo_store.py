"""The demo store of the tests: the five sample logs loaded as ``make demo`` loads them."""

from __future__ import annotations

from pathlib import Path

import sopmine

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"
#: The as-of time of ``make demo``'s check (office time of each SOP).
DEMO_AS_OF = "2025-06-30 16:00"
#: The loads of ``make demo``: file, SOP, profile, roster.
DEMO = [
    ("000_rohil_izin_insidentil.sipro.csv", "rohil_izin_insidentil", "sipro", None),
    ("001_rohil_orsos.silastri.xlsx", "rohil_orsos", "silastri", None),
    ("002_boltim_izin_manual.generic.csv", "boltim_izin_manual", "generic", None),
    ("003_dairi_iumk_oss.oss.csv", "dairi_iumk_oss", "oss", "003_dairi_iumk_oss.roster.csv"),
    ("004_karimun_sicantik.sicantik.csv", "karimun_sicantik", "sicantik",
     "004_karimun_sicantik.roster.csv"),
]  # fmt: skip


def load_demo(db: Path) -> Path:
    """The five sample logs loaded into ``db`` as ``make demo`` loads them (not checked)."""
    for name, sop, profile, roster in DEMO:
        sopmine.load_files(
            [SAMPLES / name],
            sop=sop,
            profile=profile,
            roster=SAMPLES / roster if roster else None,
            db=db,
        )
    return db
