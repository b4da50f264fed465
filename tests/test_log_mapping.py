"""Activity labels and codes -> SOP steps, and loading export profiles (with their errors).

The label mapping is checked against every shipped SOP model (the ``model`` fixture of
``conftest.py``); ambiguity needs a model written for the purpose, below.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sopmine import load_sop, parse_sop
from sopmine.errors import ProfileError
from sopmine.log import (
    StepMapper,
    StepOverrides,
    list_profiles,
    load_profile,
    normalize_label,
    parse_profile,
    read_log,
)
from sopmine.sop import SopModel

SHIPPED_PROFILES = ["generic", "oss", "sicantik", "silastri", "sipro", "xes"]


def map_labels(
    mapper: StepMapper, labels: list[str], codes: list[str | None] | None = None
) -> list[str | None]:
    """The mapper's step ids as a plain list, None where unmapped."""
    code = None if codes is None else pd.Series(codes, dtype="str")
    steps = mapper.map(pd.Series(labels, dtype="str"), code)
    return [None if pd.isna(s) else str(s) for s in steps]


# --- labels ------------------------------------------------------------------------------------


def test_every_name_id_and_alias_maps_to_its_step(model: SopModel) -> None:
    mapper = StepMapper.build(model, StepOverrides())
    for step in model.steps:
        labels = [step.id, step.name, *step.aliases]
        assert map_labels(mapper, labels) == [step.id] * len(labels), step.id


def test_every_shipped_profile_fits_every_shipped_model(model: SopModel) -> None:
    """Overrides for a model name only its steps; those for other models do not apply."""
    for name in SHIPPED_PROFILES:
        profile = load_profile(name)
        mapper = StepMapper.build(model, profile.overrides(model.id), profile=name)
        assert set(mapper.codes.values()) <= {s.id for s in model.steps}


@pytest.mark.parametrize(
    ("label", "normal"),
    [
        ("Validasi Kabid", "validasi kabid"),
        ("  VALIDASI   kabid. ", "validasi kabid"),
        ("Verifikasi Berkas (FO)", "verifikasi berkas fo"),
        ("validasi_kabid", "validasi kabid"),
        ("Paraf/Kabid-Perizinan", "paraf kabid perizinan"),
        ("Tahap 8: Validasi", "tahap 8 validasi"),
        ("", ""),
    ],
)
def test_normalize_label(label: str, normal: str) -> None:
    assert normalize_label(label) == normal


def test_labels_match_whatever_their_case_punctuation_and_spacing() -> None:
    mapper = StepMapper.build(load_sop("karimun_sicantik"), StepOverrides())
    labels = [
        "VALIDASI KABID",
        "  validasi   kabid ",
        "Validasi-Kabid.",
        "TTE KEPALA DINAS",
        "tte_kadis",
    ]
    assert map_labels(mapper, labels) == ["validasi_kabid"] * 3 + ["tte_kadis"] * 2


def test_unknown_label_maps_to_no_step_and_gets_suggestions() -> None:
    mapper = StepMapper.build(load_sop("karimun_sicantik"), StepOverrides())
    assert map_labels(mapper, ["Validasi Kabit", "Arsip"]) == [None, None]
    assert mapper.suggest("Validasi Kabit")[0] == "Validasi Kabid"
    assert mapper.suggest("Cetak ijin") == ["Cetak Izin", "Cetak Surat Izin", "Cetak SK"]
    assert mapper.suggest("zzzz") == []


# --- profile overrides -------------------------------------------------------------------------


def test_codes_win_over_labels() -> None:
    """SiCantik instances name steps freely; jenis_proses_id decides."""
    overrides = StepOverrides(codes={"106": "verifikasi_back_office", "109": "tte_kadis"})
    mapper = StepMapper.build(load_sop("karimun_sicantik"), overrides)
    # "Verifikasi Berkas" is an alias of verifikasi_loker_pendaftaran, but code 106 says BO
    labels = ["Verifikasi Berkas", "Verifikasi Berkas", "Tanda tangan", "Validasi Kabid"]
    assert map_labels(mapper, labels, ["106", None, " 109 ", "999"]) == [
        "verifikasi_back_office",
        "verifikasi_loker_pendaftaran",
        "tte_kadis",
        "validasi_kabid",  # an unknown code falls back to the label
    ]


def test_label_overrides_add_labels_normalised() -> None:
    overrides = StepOverrides(labels={"Paraf Kabid Yanzin": "validasi_kabid"})
    mapper = StepMapper.build(load_sop("karimun_sicantik"), overrides)
    assert map_labels(mapper, ["PARAF KABID  YANZIN"]) == ["validasi_kabid"]
    assert "Paraf Kabid Yanzin" in mapper.known


def test_override_to_a_step_the_sop_lacks_is_refused_listing_its_steps() -> None:
    overrides = StepOverrides(labels={"Cek Lokasi": "survei_lokasi"}, codes={"40": "inspeksi"})
    with pytest.raises(ProfileError) as caught:
        StepMapper.build(load_sop("rohil_orsos"), overrides, profile="silastri_kantorku")
    message = str(caught.value)
    assert "profile silastri_kantorku maps to steps that SOP rohil_orsos does not have" in message
    assert "label 'Cek Lokasi' -> 'survei_lokasi'" in message
    assert "code '40' -> 'inspeksi'" in message
    assert message.endswith(
        "Its steps are: cetak_izin, pemeriksaan_kelengkapan, penerusan_tim_teknis, "
        "pengajuan_permohonan, pengambilan_izin, penomoran_izin, persetujuan_ahli_madya, "
        "rekomendasi_teknis, tte_kadis, verifikasi_ahli_muda"
    )


def test_profile_overrides_for_any_model_merge_under_the_models_own() -> None:
    profile = parse_profile(
        "name: kantorku\ntitle: Kantorku\n"
        "columns: {case_id: No, activity: Tahap, activity_code: Kode, timestamp: Tanggal}\n"
        "steps:\n"
        "  '*':\n    codes: {'A1': pengambilan_izin, 'A2': cetak_izin}\n"
        "  rohil_orsos:\n    codes: {'A2': penomoran_izin}\n"
    )
    assert profile.overrides("rohil_orsos").codes == {
        "A1": "pengambilan_izin",
        "A2": "penomoran_izin",
    }
    assert profile.overrides("karimun_sicantik").codes == {
        "A1": "pengambilan_izin",
        "A2": "cetak_izin",
    }


def test_overrides_of_a_read_profile_refuse_an_unknown_step(tmp_path: Path) -> None:
    profile = tmp_path / "sicantik_kantorku.yaml"
    profile.write_text(
        "name: sicantik_kantorku\ntitle: SiCantik kantorku\n"
        "columns: {case_id: no_permohonan, activity: nama_proses, timestamp: end_date}\n"
        "steps:\n  karimun_sicantik:\n    codes: {'113': arsip_berkas}\n",
        encoding="utf-8",
    )
    export = tmp_path / "export.csv"
    export.write_text("no_permohonan,nama_proses,end_date\nSC-1,Arsip,2025-03-04 09:30:00\n")
    with pytest.raises(ProfileError, match="code '113' -> 'arsip_berkas'"):
        read_log(export, profile=profile, sop="karimun_sicantik")


# --- ambiguity ---------------------------------------------------------------------------------

AMBIGUOUS_SOP = """\
schema_version: 1
id: contoh_ambigu
title: Contoh SOP
service: Izin Contoh
office: {name: DPMPTSP Contoh, regency: Kabupaten Contoh, province: Contoh, timezone: Asia/Jakarta}
actors:
  - {id: petugas, name: Petugas Loket}
  - {id: kabid, name: Kepala Bidang}
steps:
  - id: verifikasi_fo
    number: 1
    name: Verifikasi Loket
    description: Petugas memeriksa berkas
    actor: petugas
    waktu: {value: 30, unit: menit}
    output: Tanda Terima
    aliases: [Verifikasi Berkas]
  - id: verifikasi_kabid
    number: 2
    name: Verifikasi Kabid
    description: Kabid memeriksa berkas
    actor: kabid
    waktu: {value: 1, unit: jam}
    output: Izin
    aliases: ["VERIFIKASI  BERKAS."]
sla:
  clock_start: verifikasi_fo
"""


def test_label_claimed_by_two_steps_maps_to_neither() -> None:
    model = parse_sop(AMBIGUOUS_SOP)
    mapper = StepMapper.build(model, StepOverrides())
    labels = ["Verifikasi Berkas", "Verifikasi Loket", "Verifikasi Kabid"]
    assert map_labels(mapper, labels) == [None, "verifikasi_fo", "verifikasi_kabid"]


def test_a_profile_label_override_settles_an_ambiguous_label() -> None:
    model = parse_sop(AMBIGUOUS_SOP)
    mapper = StepMapper.build(model, StepOverrides(labels={"Verifikasi Berkas": "verifikasi_fo"}))
    assert map_labels(mapper, ["verifikasi berkas"]) == ["verifikasi_fo"]


# --- loading profiles --------------------------------------------------------------------------

MINE = """\
name: mine
title: Rekap kantor
columns:
  case_id: No
  activity: Tahap
  timestamp: Tanggal
"""


def test_parse_profile_keeps_a_column_called_no_as_text() -> None:
    """YAML 1.1 would read No as false; a column called No must stay "No"."""
    profile = parse_profile(MINE.replace("Tahap", "Y").replace("Tanggal", "off"))
    assert profile.columns.used() == {"case_id": "No", "activity": "Y", "timestamp": "off"}


def test_unknown_field_names_file_and_line() -> None:
    text = MINE.replace("  activity: Tahap", "  activty: Tahap")
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, file="profiles/mine.yaml")
    assert str(caught.value) == (
        "invalid export profile profiles/mine.yaml:\n"
        "  profiles/mine.yaml:5: unknown field 'columns.activty' "
        "(a typo? see docs/profiles.md for the fields)"
    )


def test_missing_required_field_names_file_and_line() -> None:
    text = MINE.replace("  timestamp: Tanggal\n", "")
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, file="profiles/mine.yaml")
    assert str(caught.value) == (
        "invalid export profile profiles/mine.yaml:\n"
        "  profiles/mine.yaml:3: missing field 'columns.timestamp'"
    )


def test_missing_title_points_at_the_top_of_the_file() -> None:
    with pytest.raises(ProfileError, match=r"mine\.yaml:1: missing field 'title'"):
        parse_profile(MINE.replace("title: Rekap kantor\n", ""), file="mine.yaml")


@pytest.mark.parametrize(
    ("addition", "fragment"),
    [
        ("read:\n  separator: ':'\n", "mine.yaml:8: read.separator: Input should be"),
        (
            "events:\n  - timestamp: Tgl TTD\n",
            "mine.yaml:8: events.0: Value error, give exactly one",
        ),
        ("status:\n  selesai: [Selesai]\n", "mine.yaml:8: unknown field 'status.selesai'"),
        ("title2: x\n", "mine.yaml:7: unknown field 'title2'"),
    ],
)
def test_each_mistake_names_its_line(addition: str, fragment: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(MINE + addition, file="mine.yaml")
    assert fragment in str(caught.value)


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(ProfileError, match=r"^mine\.yaml:3: not valid YAML"):
        parse_profile("name: mine\ntitle: [Rekap\ncolumns:\n", file="mine.yaml")


def test_profile_must_be_a_mapping() -> None:
    with pytest.raises(ProfileError, match=r"mine\.yaml:1: a profile is a YAML mapping"):
        parse_profile("- No\n- Tahap\n", file="mine.yaml")


def test_unknown_profile_name_lists_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOPMINE_PROFILES", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProfileError) as caught:
        load_profile("sicantk")
    message = str(caught.value)
    assert message.startswith("no export profile named 'sicantk'; did you mean 'sicantik'?")
    assert "known profiles: generic, oss, sicantik, silastri, sipro, xes." in message
    assert "Give a path to your own YAML profile" in message


def test_profile_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no profile file at"):
        load_profile(tmp_path / "tidak_ada.yaml")


def test_profile_loaded_by_path_and_by_name_from_sopmine_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "profil"
    folder.mkdir()
    (folder / "mine.yaml").write_text(MINE, encoding="utf-8")
    assert load_profile(folder / "mine.yaml").columns.case_id == "No"
    monkeypatch.setenv("SOPMINE_PROFILES", str(folder))
    monkeypatch.chdir(tmp_path)
    assert load_profile("mine").title == "Rekap kantor"
    assert [p.stem for p in list_profiles()] == ["generic", "mine", *SHIPPED_PROFILES[1:]]


def test_a_profile_found_first_hides_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "sicantik.yaml").write_text(
        MINE.replace("name: mine", "name: sicantik"), encoding="utf-8"
    )
    monkeypatch.delenv("SOPMINE_PROFILES", raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_profile("sicantik").columns.case_id == "No"


def test_shipped_profiles_all_load() -> None:
    names = [p.stem for p in list_profiles() if p.parent.name == "profiles"]
    assert sorted({*names} & set(SHIPPED_PROFILES)) == SHIPPED_PROFILES
    assert {name: load_profile(name).name for name in SHIPPED_PROFILES} == {
        name: name for name in SHIPPED_PROFILES
    }


def test_columns_mapped_on_the_command_line_must_still_make_a_profile() -> None:
    generic = load_profile("generic")
    mapped = generic.with_columns(case_id="No Permohonan", timestamp="Tanggal Selesai")
    assert mapped.columns.used() == {
        "case_id": "No Permohonan",
        "activity": "activity",
        "activity_code": "activity_code",
        "timestamp": "Tanggal Selesai",
        "start_timestamp": "start_timestamp",
        "role": "role",
        "resource": "resource",
        "status": "status",
    }
    assert generic.columns.case_id == "case_id"  # the original is untouched
    with pytest.raises(ProfileError, match=r"^profile generic: unknown field 'kolom'"):
        generic.with_columns(kolom="X")
