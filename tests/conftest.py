"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from sopmine.sop import SopModel, bundled_model_dir, read_sop_file

#: The five reference models shipped in sop_models/, one per seed SOP.
SHIPPED_MODEL_IDS = (
    "rohil_izin_insidentil",
    "rohil_orsos",
    "boltim_izin_manual",
    "dairi_iumk_oss",
    "karimun_sicantik",
)


@pytest.fixture(params=SHIPPED_MODEL_IDS)
def model(request: pytest.FixtureRequest) -> SopModel:
    """Each shipped model in turn, read from its file (not from the id lookup)."""
    return read_sop_file(bundled_model_dir() / f"{request.param}.yaml")
