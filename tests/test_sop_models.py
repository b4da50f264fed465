"""The bundled reference SOP models say what their seeds say.

Every figure below is read from the seed tables in ``shared/seeds`` (one model per seed):
step counts, the Waktu of every step, every Output, time zones, the flow (branches, the SIP
skip, rejections, the loops back to the applicant) and where the service clock starts.
"""

from __future__ import annotations

import pytest

from sopmine.sop import SopModel, bundled_model_dir, enumerate_paths, read_sop_file

SEEDS = {
    "rohil_izin_insidentil": "000_e8a2893e05b1aba2.txt",
    "rohil_orsos": "001_8bf810abb7b2bd74.txt",
    "boltim_izin_manual": "002_7613f49ba7ffe2ec.txt",
    "dairi_iumk_oss": "003_c24d3ea5b69edf93.txt",
    "karimun_sicantik": "004_547e2f828bf991b9.txt",
}

STEP_COUNTS = {
    "rohil_izin_insidentil": 11,
    "rohil_orsos": 10,
    "boltim_izin_manual": 10,
    "dairi_iumk_oss": 25,
    "karimun_sicantik": 12,
}

TIMEZONES = {
    "rohil_izin_insidentil": "Asia/Jakarta",
    "rohil_orsos": "Asia/Jakarta",
    "boltim_izin_manual": "Asia/Makassar",
    "dairi_iumk_oss": "Asia/Jakarta",
    "karimun_sicantik": "Asia/Jakarta",
}

APPLICATIONS = {
    "rohil_izin_insidentil": "SIPRO",
    "rohil_orsos": "SILASTRI RV",
    "boltim_izin_manual": None,
    "dairi_iumk_oss": "OSS",
    "karimun_sicantik": "SiCantik Cloud",
}

# (step number, Waktu value, Waktu unit), in step order.
WAKTU = {
    "rohil_izin_insidentil": [
        (1, 30, "menit"),
        (2, 15, "menit"),
        (3, 6, "hari"),
        (4, 15, "menit"),
        (5, 10, "menit"),
        (6, 10, "menit"),
        (7, 10, "menit"),
        (8, 10, "menit"),
        (9, 15, "menit"),
        (10, 5, "menit"),
        (11, 5, "menit"),
    ],
    "rohil_orsos": [
        (1, 30, "menit"),
        (2, 15, "menit"),
        (3, 7, "hari"),
        (4, 10, "menit"),
        (5, 10, "menit"),
        (6, 10, "menit"),
        (7, 10, "menit"),
        (8, 15, "menit"),
        (9, 15, "menit"),
        (10, 5, "menit"),
    ],
    "boltim_izin_manual": [
        (1, 5, "menit"),
        (2, 15, "menit"),
        (3, 10, "menit"),
        (4, 5, "menit"),
        (5, 5, "menit"),
        (6, 5, "menit"),
        (7, 5, "menit"),
        (8, 5, "menit"),
        (9, 5, "menit"),
        (10, 5, "menit"),
    ],
    "dairi_iumk_oss": [
        (1, 15, "menit"),
        (2, 2, "jam"),
        (3, 30, "menit"),
        (4, 1, "jam"),
        (5, 2, "jam"),
        (6, 1, "hari"),
        (7, 2, "hari"),
        (8, 1, "hari"),
        (9, 2, "jam"),
        (10, 1, "jam"),
        (11, 1, "jam"),
        (12, 2, "jam"),
        (13, 1, "jam"),
        (14, 1, "jam"),
        (15, 15, "menit"),
        (16, 30, "menit"),
        (17, 30, "menit"),
        (18, 1, "jam"),
        (19, 1, "jam"),
        (20, 1, "jam"),
        (21, 15, "menit"),
        (22, 15, "menit"),
        (23, 15, "menit"),
        (24, 30, "menit"),
        (25, 30, "menit"),
    ],
    "karimun_sicantik": [
        (1, 5, "menit"),
        (2, 15, "menit"),
        (3, 15, "menit"),
        (4, 15, "menit"),
        (5, 10, "menit"),
        (6, 5, "menit"),
        (7, 5, "menit"),
        (8, 5, "menit"),
        (9, 5, "menit"),
        (10, 5, "menit"),
        (11, 5, "menit"),
        (12, 5, "menit"),
    ],
}

OUTPUTS = {
    "rohil_izin_insidentil": {
        1: "Notifikasi dari SIPRO",
        2: "Tanda Terima",
        3: "Rekomendasi Teknis",
        4: "Format izin yang belum disetujui",
        5: "Format izin yang sudah disetujui Sub Koordinator",
        6: "Format izin yang sudah disetujui Koordinator",
        7: "Format izin yang sudah disetujui sekretaris",
        8: "Format izin yang sudah disetujui Kadis",
        9: "Izin yang belum ditandatangani Kadis",
        10: "Izin yang sudah ditandatangani Kadis",
        11: "Dokumen Izin",
    },
    "rohil_orsos": {
        1: "Notifikasi dari SILASTRI RV",
        2: "Tanda Terima",
        3: "Memeriksa Berkas",
        4: "Rekomendasi Teknis",
        5: "Verifikasi Berkas",
        6: "Persetujuan Izin",
        7: "Penomoran Izin",
        8: "Pemandangan",  # sic: the seed's typo, kept verbatim
        9: "Dokumen Izin",
        10: "Dokumen Izin",
    },
    "boltim_izin_manual": {
        1: "User ID Pemohon",
        2: "Surat Permohonan Perizinan",
        3: "Berkas permohonan terdokumentasi",
        4: "Berkas permohonan terdokumentasi",
        5: "Draft Nota Dinas dan SK Perizinan",
        6: "Nota Dinas Persetujuan / Penolakan",
        7: "SK Perizinan",
        8: "SK Perizinan",
        9: "Survei Kepuasan Masyarakat (SKM)",
        10: "SK Perizinan",
    },
    "dairi_iumk_oss": {
        1: "Berkas Diterima",
        2: "Klarifikasi Berkas",
        3: "Resi Penerimaan",
        4: "Lembar Disposisi",
        5: "Berkas siap diproses",
        6: "Surat Rekomendasi",
        7: "Berita Acara",
        8: "Rekomendasi",
        9: "Surat Penolakan",
        10: "Paraf",
        11: "Paraf",
        12: "Surat Penolakan",
        13: "Surat Penolakan",
        14: "Surat Penolakan",
        15: "Surat Penolakan",
        16: "Rekomendasi",
        17: "Draf Surat Izin",
        18: "Draf Surat Izin Berparaf",
        19: "Draf Surat Izin Berparaf",
        20: "Surat Izin",
        21: "Surat Izin Bernomor",
        22: "Draft Surat Izin",
        23: "Izin Efektif",
        24: "Surat Izin Bernomor",
        25: "Surat Izin Diterima",
    },
    "karimun_sicantik": {
        1: "User ID Pemohon",
        2: "Surat Permohonan Perizinan",
        3: "Surat Permohonan Perizinan",
        4: "Surat Permohonan Perizinan",
        5: "Berkas permohonan terdokumentasi",
        6: "Berkas permohonan terdokumentasi",
        7: "Draft Nota Dinas dan SK Perizinan",
        8: "Nota Dinas Persetujuan / Penolakan",
        9: "SK Perizinan",
        10: "SK Perizinan",
        11: "Survei Kepuasan Masyarakat (SKM)",
        12: "SK Perizinan",  # the seed's cell is cut: "SK Perizi"
    },
}

# Step whose completion (the receipt / tanda terima) starts the service clock.
CLOCK_START = {
    "rohil_izin_insidentil": 2,
    "rohil_orsos": 2,
    "boltim_izin_manual": 3,
    "dairi_iumk_oss": 3,
    "karimun_sicantik": 5,
}

# Four-eyes pairs, as step numbers.
SOD_PAIRS = {
    "rohil_izin_insidentil": [(5, 6), (7, 8)],
    "rohil_orsos": [(5, 6)],
    "boltim_izin_manual": [(5, 6)],
    "dairi_iumk_oss": [(22, 23), (5, 20)],
    "karimun_sicantik": [(7, 8)],
}

# (checking steps, the applicant's step they send an incomplete file back to).
RETURNS = {
    "rohil_izin_insidentil": ([2], 1),
    "rohil_orsos": ([2], 1),
    "boltim_izin_manual": ([3, 4, 5], 2),
    "dairi_iumk_oss": ([2], 1),
    "karimun_sicantik": ([5, 6, 7], 4),
}

# The Kabid step that may reject the permohonan, ending the case.
KABID_REJECTION = {"boltim_izin_manual": 6, "karimun_sicantik": 8}


def load(model_id: str) -> SopModel:
    return read_sop_file(bundled_model_dir() / f"{model_id}.yaml")


def numbers(model: SopModel, step_ids: tuple[str, ...] | list[str]) -> list[int]:
    return [model.step(step_id).number for step_id in step_ids]


def by_number(model: SopModel, number: int) -> str:
    return next(s.id for s in model.steps if s.number == number)


def paths(model: SopModel, *, max_loops: int = 0) -> list[tuple[list[int], str]]:
    return [
        (numbers(model, p), outcome) for p, outcome in enumerate_paths(model, max_loops=max_loops)
    ]


def test_identity(model: SopModel) -> None:
    assert model.source.seed == SEEDS[model.id]
    assert model.application == APPLICATIONS[model.id]
    assert model.office.timezone == TIMEZONES[model.id]


def test_steps_are_numbered_one_to_n(model: SopModel) -> None:
    assert [s.number for s in model.steps] == list(range(1, STEP_COUNTS[model.id] + 1))


def test_waktu_of_every_step(model: SopModel) -> None:
    assert [(s.number, s.waktu.value, s.waktu.unit) for s in model.steps] == WAKTU[model.id]


def test_output_of_every_step(model: SopModel) -> None:
    assert {s.number: s.output for s in model.steps} == OUTPUTS[model.id]


def test_clock_start(model: SopModel) -> None:
    assert model.step(model.sla.clock_start).number == CLOCK_START[model.id]


def test_segregation_of_duties(model: SopModel) -> None:
    pairs = [
        (model.step(p.first).number, model.step(p.second).number)
        for p in model.sla.segregation_of_duties
    ]
    assert pairs == SOD_PAIRS[model.id]


def test_inferred_steps_give_a_reason(model: SopModel) -> None:
    for step in model.steps:
        if step.inferred:
            assert step.inference_reason, step.id


def test_every_path_ends(model: SopModel) -> None:
    found = paths(model)
    assert found
    assert all(steps[0] == 1 for steps, _ in found)
    assert any(outcome == "issued" for _, outcome in found)


def test_return_loops_repeat_the_applicants_step(model: SopModel) -> None:
    checks, applicant_step = RETURNS[model.id]
    returns = [
        (model.step(e.source).number, model.step(e.target).number)
        for e in model.edges
        if e.kind == "return" and e.target is not None
    ]
    assert returns == [(check, applicant_step) for check in checks]
    looped = [steps for steps, _ in paths(model, max_loops=1) if steps.count(applicant_step) > 1]
    assert looped


@pytest.mark.parametrize(("model_id", "days"), [("rohil_izin_insidentil", 6), ("rohil_orsos", 7)])
def test_tim_teknis_days_on_step_3(model_id: str, days: int) -> None:
    model = load(model_id)
    waktu = model.step(by_number(model, 3)).waktu
    assert (waktu.value, waktu.unit) == (days, "hari")


def test_dairi_has_one_issued_and_one_rejected_path() -> None:
    found = paths(load("dairi_iumk_oss"))
    common = list(range(1, 9))
    assert sorted(found, key=lambda p: p[1]) == [
        ([*common, *range(16, 26)], "issued"),
        ([*common, *range(9, 16)], "rejected"),
    ]


def test_dairi_metadata() -> None:
    model = load("dairi_iumk_oss")
    assert model.sop_number == "SOP/X.5 - 37/DPMPTSPK/2020"
    assert len(model.legal_basis) == 4
    assert model.legal_basis[0].startswith("Permendagri No. 52 Tahun 2011")


def test_orsos_sip_skips_the_tim_teknis() -> None:
    model = load("rohil_orsos")
    skips = [e for e in model.edges if e.kind == "skip"]
    assert [(model.step(e.source).number, model.step(e.target).number) for e in skips] == [(3, 5)]
    assert skips[0].label == "SIP"
    without_tim_teknis = [(steps, outcome) for steps, outcome in paths(model) if 4 not in steps]
    assert without_tim_teknis == [([1, 2, 3, 5, 6, 7, 8, 9, 10], "issued")]


@pytest.mark.parametrize(("model_id", "kabid_step"), sorted(KABID_REJECTION.items()))
def test_kabid_may_reject(model_id: str, kabid_step: int) -> None:
    model = load(model_id)
    rejected = [steps for steps, outcome in paths(model) if outcome == "rejected"]
    assert rejected == [list(range(1, kabid_step + 1))]
    kabid = model.step(by_number(model, kabid_step))
    assert kabid.actor == "kabid_perizinan"
    ends = [e for e in model.edges if e.source == kabid.id and e.target is None]
    assert [(e.outcome, e.label) for e in ends] == [("rejected", "Tidak setuju")]
