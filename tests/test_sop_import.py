"""Importing SOP tables: the five seeds against their hand-written models, and new tables.

The seeds (copies of ``shared/seeds`` in ``tests/fixtures/sop_tables/seeds``) are compared
field by field with ``sop_models/``; every difference must be one of the table in
``docs/sop-import.md``. The tables written below, for other offices, licences, units,
decisions and formats (.txt, .docx, .xlsx), check that the importer is not tuned to five files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from sopmine.sop import (
    SopImportError,
    SopModel,
    bundled_model_dir,
    import_sop,
    read_sop_file,
)
from sopmine.sop.labels import normalize_label

SEED_DIR = Path(__file__).parent / "fixtures" / "sop_tables" / "seeds"
DOC = Path(__file__).parents[1] / "docs" / "sop-import.md"
SEEDS = {
    "000": ("000_e8a2893e05b1aba2.txt", "rohil_izin_insidentil"),
    "001": ("001_8bf810abb7b2bd74.txt", "rohil_orsos"),
    "002": ("002_7613f49ba7ffe2ec.txt", "boltim_izin_manual"),
    "003": ("003_c24d3ea5b69edf93.txt", "dairi_iumk_oss"),
    "004": ("004_547e2f828bf991b9.txt", "karimun_sicantik"),
}

#: Steps whose text names the hand-written actor (by its name or an alias, as whole words).
NAMED = {
    "000": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    "001": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "002": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    "003": [25],
    "004": [1, 2, 4, 5, 6, 7, 8, 9, 10, 11],
}

Row = tuple[str, str, str, str, str]


def _names(model: SopModel, actor_id: str) -> set[str]:
    return {normalize_label(name) for name in model.actor(actor_id).names()}


def _flow(model: SopModel, step_id: str) -> str:
    number = {s.id: s.number for s in model.steps}
    edges = [
        f"{e.kind}->{number[e.target] if e.target else e.outcome}"
        for e in model.edges
        if e.source == step_id and e.kind != "sequence"
    ]
    return ", ".join(sorted(edges)) or "-"


def _co_actors(model: SopModel, ids: tuple[str, ...]) -> str:
    return ", ".join(sorted(model.actor(a).name for a in ids)) or "-"


def _differences(seed: str, got: SopModel, hand: SopModel) -> list[Row]:
    rows: list[Row] = []

    def differ(step: str, field: str, mine: Any, theirs: Any) -> None:
        if mine != theirs:
            rows.append((seed, step, field, str(mine), str(theirs)))

    for field in ("title", "service", "sector", "application", "sop_number", "legal_basis"):
        differ("-", field, getattr(got, field), getattr(hand, field))
    for field in ("name", "regency", "province", "timezone"):
        differ("-", f"office.{field}", getattr(got.office, field), getattr(hand.office, field))
    mine = {s.number: s for s in got.steps}
    theirs = {s.number: s for s in hand.steps}
    differ("-", "steps", sorted(mine), sorted(theirs))
    differ(
        "-",
        "clock_start",
        got.step(got.sla.clock_start).number,
        hand.step(hand.sla.clock_start).number,
    )
    for number in sorted(mine.keys() & theirs.keys()):
        g, h, n = mine[number], theirs[number], str(number)
        for field in ("description", "kelengkapan", "output"):
            differ(n, field, getattr(g, field), getattr(h, field))
        differ(n, "waktu", str(g.waktu), str(h.waktu))
        if normalize_label(got.actor(g.actor).name) not in _names(hand, h.actor):
            differ(n, "actor", got.actor(g.actor).name, hand.actor(h.actor).name)
        same_co = {normalize_label(got.actor(a).name) for a in g.co_actors} == {
            normalize_label(hand.actor(a).name) for a in h.co_actors
        }
        if not same_co:
            differ(n, "co_actors", _co_actors(got, g.co_actors), _co_actors(hand, h.co_actors))
        differ(n, "flow", _flow(got, g.id), _flow(hand, h.id))
    return rows


def _documented() -> list[Row]:
    text = DOC.read_text(encoding="utf-8").split("<!-- differences:")[1]
    rows = [line for line in text.splitlines() if re.match(r"\| \d{3} \|", line)]
    return [tuple(cell.strip() for cell in row.strip("|").split("|")[:5]) for row in rows]  # type: ignore[misc]


@pytest.fixture(scope="module")
def imported() -> dict[str, tuple[SopModel, SopModel]]:
    return {
        seed: (import_sop(SEED_DIR / file).model, read_sop_file(bundled_model_dir() / f"{m}.yaml"))
        for seed, (file, m) in SEEDS.items()
    }


def test_every_difference_from_the_hand_written_models_is_documented(
    imported: dict[str, tuple[SopModel, SopModel]],
) -> None:
    found = [row for seed, (got, hand) in imported.items() for row in _differences(seed, got, hand)]
    assert found == _documented()


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_steps_waktu_outputs_kelengkapan_equal_the_hand_written_model(
    seed: str, imported: dict[str, tuple[SopModel, SopModel]]
) -> None:
    got, hand = imported[seed]

    def table(model: SopModel) -> list[tuple[Any, ...]]:
        return [(s.number, s.description, s.kelengkapan, s.waktu, s.output) for s in model.steps]

    assert table(got) == table(hand)
    assert got.office == hand.office


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_actors_agree_where_the_text_names_the_hand_written_actor(
    seed: str, imported: dict[str, tuple[SopModel, SopModel]]
) -> None:
    got, hand = imported[seed]
    checked = []
    for g, h in zip(got.steps, hand.steps, strict=True):
        text = f" {normalize_label(h.description)} "
        if any(f" {name} " in text for name in _names(hand, h.actor)):
            checked.append(g.number)
            assert normalize_label(got.actor(g.actor).name) in _names(hand, h.actor), g.number
    assert checked == NAMED[seed]


def test_seed_draft_text_loads_and_marks_its_guesses(tmp_path: Path) -> None:
    draft = import_sop(SEED_DIR / SEEDS["002"][0])
    path = draft.write(tmp_path / "draft.yaml")
    assert read_sop_file(path) == draft.model
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# DRAFT of an SOP model, imported by `sopmine sop import` from 002_")
    assert text.count("# check (") == len(draft.guesses) == 11
    assert [(g.step, g.field, g.value, g.confidence) for g in draft.guesses[:4]] == [
        (None, "office", "timezone Asia/Makassar", 0.7),
        (2, "actor", "Pemohon", 0.8),
        (3, "flow", "Tidak: return to step 2", 0.8),
        (3, "clock_start", "step 3", 0.7),
    ]
    assert draft.model.step("mengisi_formulir_permohonan").inference_reason == (
        "no mark survives; the text names 'Pemohon'"
    )


def test_seed_003_header_block() -> None:
    draft = import_sop(SEED_DIR / SEEDS["003"][0])
    assert draft.header.related == ("SOP Surat Masuk", "Rekomendasi dari Tim Teknis")
    assert draft.header.equipment == ("Komputer", "Kertas /Blangko", "ATK")
    assert draft.header.warnings == (
        "Apabila berkas permohonan belum lengkap dan benar maka akan berpengaruh terhadap "
        "proses penerbitan izin.",
        "Apabila Tim Teknis terlambat menerbitkan rekomendasi maka penerbitan izin akan terlambat.",
    )
    assert dict(draft.header.other)["Pencatatan dan pendataan"] == (
        "Disimpan sebagai data Elektronik dan Manual"
    )
    assert "Keterkaitan: SOP Surat Masuk; Rekomendasi dari Tim Teknis" in draft.model.source.notes


# --- tables the importer has never seen -------------------------------------------------------

#: Kota Kupang (WITA): ``1.`` numbering, a ``\rightarrow`` and a ``→`` for marks, a header
#: repeated after a page break, a cell split over two lines, ``<p>`` and ``**`` markup.
KUPANG = Path(__file__).parent / "fixtures" / "sop_tables" / "kupang_sipb.txt"


def _steps(model: SopModel) -> list[tuple[Any, ...]]:
    """The whole step table: number, actor, co-actors, inferred, Kelengkapan, Waktu, Output,
    Keterangan, and the ways out (kind and target number or end)."""
    return [
        (
            s.number,
            model.actor(s.actor).name,
            _co_actors(model, s.co_actors),
            s.inferred,
            s.kelengkapan,
            str(s.waktu),
            s.output,
            s.keterangan,
            _flow(model, s.id) if s.end is None else f"end {s.end}",
        )
        for s in model.steps
    ]


def test_txt_table_of_another_office() -> None:
    model = import_sop(KUPANG).model
    assert (model.id, model.title, model.service, model.sector, model.application) == (
        "kupang_surat_izin_praktik_bidan_sipb",
        "Prosedur Penerbitan Surat Izin Praktik Bidan",
        "Surat Izin Praktik Bidan (SIPB)",
        "Urusan Kesehatan",
        "SiCantik Cloud",
    )
    assert model.office.model_dump() == {
        "name": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Kupang",
        "regency": "Kota Kupang",
        "province": "Nusa Tenggara Timur",
        "timezone": "Asia/Makassar",
    }
    assert _steps(model) == [
        (
            1,
            "Pemohon",
            "-",
            False,
            ("KTP", "STR", "Ijazah"),
            "15 Menit",
            "Permohonan masuk",
            None,
            "-",
        ),
        (
            2,
            "Petugas Loket",
            "-",
            False,
            ("Berkas permohonan",),
            "30 Menit",
            "Tanda terima berkas",
            "berkas lengkap",
            "decision->3, return->1",
        ),
        (
            3,
            "Verifikator",
            "-",
            False,
            ("Berkas permohonan", "Checklist verifikasi"),
            "2 Jam",
            "Berita acara verifikasi",
            None,
            "-",
        ),
        (
            4,
            "Kepala Bidang Perizinan",
            "-",
            False,
            ("Draft izin",),
            "1 Jam",
            "Draft izin berparaf",
            None,
            "-",
        ),
        (
            5,
            "Kepala Dinas",
            "-",
            True,
            ("Draft izin berparaf",),
            "1 Hari",
            "Surat Izin Praktik Bidan",
            None,
            "-",
        ),
        (
            6,
            "Petugas Loket",
            "Pemohon",
            True,
            ("Surat izin",),
            "10 Menit",
            "Izin diterima pemohon",
            None,
            "end issued",
        ),
    ]
    assert model.step(model.sla.clock_start).number == 2
    assert model.steps[3].description == (
        "Kepala Bidang Perizinan memeriksa draft izin dan memberikan paraf"
    )
    assert model.steps[4].description == (
        "Kepala Dinas menandatangani izin secara elektronik (TTE)"
    )


def _merge(table: Any, a: tuple[int, int], b: tuple[int, int], text: str) -> None:
    cell = table.cell(*a).merge(table.cell(*b))
    cell.text = text


def _jayapura_docx(path: Path) -> None:
    document = docx.Document()
    for line in (
        "PEMERINTAH KABUPATEN JAYAPURA",
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
        "STANDAR OPERASIONAL PROSEDUR PENERBITAN PERSETUJUAN BANGUNAN GEDUNG",
    ):
        document.add_paragraph(line)
    steps = [
        (
            "1",
            "Pemohon mendaftar melalui SIMBG",
            0,
            "Formulir\nKTP",
            "30 Menit",
            "Nomor registrasi",
            "",
        ),
        (
            "2",
            "Front Office memeriksa kelengkapan dokumen; apabila belum lengkap dikembalikan "
            "ke pemohon",
            1,
            "Dokumen",
            "1 Jam",
            "Tanda terima",
            "",
        ),
        (
            "3",
            "Tim Teknis melakukan peninjauan lapangan dan memberikan rekomendasi",
            2,
            "Surat tugas",
            "3 Hari",
            "Rekomendasi teknis",
            "",
        ),
        (
            "4",
            "Kabid Perizinan memvalidasi rekomendasi, apabila disetujui diteruskan ke Kadis, "
            "apabila tidak disetujui permohonan ditolak",
            None,
            "Rekomendasi teknis",
            "2 jam",
            "Nota dinas",
            "",
        ),
        ("5", "Penandatanganan PBG", None, "Nota dinas", "1 Hari", "PBG", ""),
        ("6", "Penyerahan PBG kepada pemohon", 1, "PBG", "15 menit", "PBG diterima", "selesai"),
    ]
    table = document.add_table(rows=2 + len(steps), cols=11)
    _merge(table, (0, 0), (1, 0), "No")
    _merge(table, (0, 1), (1, 1), "Kegiatan")
    _merge(table, (0, 2), (0, 6), "Pelaksana")
    _merge(table, (0, 7), (0, 9), "Mutu Baku")
    _merge(table, (0, 10), (1, 10), "Keterangan")
    names = [
        "Pemohon",
        "Front Office",
        "Tim Teknis",
        "Kabid Perizinan",
        "Kadis",
        "Kelengkapan",
        "Waktu",
        "Output",
    ]
    for i, name in enumerate(names, start=2):
        table.cell(1, i).text = name
    for r, (no, text, mark, kel, waktu, output, ket) in enumerate(steps, start=2):
        cells = table.rows[r].cells
        cells[0].text, cells[1].text = no, text
        if mark is not None:
            cells[2 + mark].text = "√"
        cells[7].text, cells[8].text, cells[9].text, cells[10].text = kel, waktu, output, ket
    document.save(str(path))


def test_docx_table_with_merged_header_cells(tmp_path: Path) -> None:
    path = tmp_path / "pbg.docx"
    _jayapura_docx(path)
    draft = import_sop(path)
    model = draft.model
    assert (model.title, model.service, model.application) == (
        "Prosedur Penerbitan Persetujuan Bangunan Gedung",
        "Penerbitan Persetujuan Bangunan Gedung",
        "SIMBG",
    )
    assert (model.office.regency, model.office.province, model.office.timezone) == (
        "Kabupaten Jayapura",
        "Papua",
        "Asia/Jayapura",
    )
    assert [a.name for a in model.actors] == [
        "Pemohon",
        "Front Office",
        "Tim Teknis",
        "Kabid Perizinan",
        "Kadis",
    ]
    assert _steps(model) == [
        (1, "Pemohon", "-", False, ("Formulir", "KTP"), "30 Menit", "Nomor registrasi", None, "-"),
        (
            2,
            "Front Office",
            "-",
            False,
            ("Dokumen",),
            "1 Jam",
            "Tanda terima",
            None,
            "decision->3, return->1",
        ),
        (3, "Tim Teknis", "-", False, ("Surat tugas",), "3 Hari", "Rekomendasi teknis", None, "-"),
        (
            4,
            "Kabid Perizinan",
            "-",
            True,
            ("Rekomendasi teknis",),
            "2 Jam",
            "Nota dinas",
            None,
            "decision->5, decision->rejected",
        ),
        (5, "Kadis", "-", True, ("Nota dinas",), "1 Hari", "PBG", None, "-"),
        (
            6,
            "Front Office",
            "Pemohon",
            False,
            ("PBG",),
            "15 Menit",
            "PBG diterima",
            "selesai",
            "end issued",
        ),
    ]
    assert model.step(model.steps[4].id).inference_reason == (
        "no mark survives and the text names no actor; signing is usually the Kadis's"
    )


def _samarinda_xlsx(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "SOP"
    rows: list[list[Any]] = [
        [
            "PEMERINTAH KOTA SAMARINDA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
            None,
            "Nomor SOP",
            "800/12/DPMPTSP/2023",
        ],
        [None, None, "Nama SOP", "PENERBITAN IZIN REKLAME"],
        ["DASAR HUKUM", None, "Kualifikasi Pelaksana"],
        [
            "1 Perda Kota Samarinda Nomor 5 Tahun 2019 tentang Reklame; 2 Perwali Samarinda "
            "Nomor 10 Tahun 2021 tentang Perizinan.",
            None,
            "Memahami perizinan",
        ],
        ["KETERKAITAN", None, "Peralatan/Perlengkapan"],
        ["1 SOP Pengaduan 2 SOP Retribusi", None, "1 Komputer 2 Printer"],
        ["PERINGATAN", None, "Pencatatan dan Pendataan"],
        ["Izin terlambat bila berkas tidak lengkap", None, "Arsip elektronik"],
        ["No", "Kegiatan", "Pelaksana", None, None, None, None, "Mutu Baku", None, None, "Ket"],
        [
            None,
            None,
            "Pemohon",
            "Customer Service",
            "Analis Perizinan",
            "Sekretaris",
            "Kepala Dinas",
            "Kelengkapan",
            "Waktu (Menit)",
            "Output",
            None,
        ],
    ]
    steps = [
        ("Mengajukan permohonan izin reklame", 0, "Formulir", 15, "Berkas permohonan"),
        ("Menerima berkas dan memberikan tanda terima", 1, "Berkas permohonan", 30, "Tanda terima"),
        ("Verifikasi teknis reklame", 2, "Berkas", 120, "Hasil verifikasi"),
        ("Pembuatan surat penolakan", 2, "Hasil verifikasi", 60, "Draft surat penolakan"),
        ("Penandatanganan surat penolakan", 4, "Draft surat penolakan", 30, "Surat penolakan"),
        ("Pencetakan izin reklame", 2, "Hasil verifikasi", 60, "Draft izin"),
        ("Paraf draft izin", 3, "Draft izin", 30, "Draft izin berparaf"),
        ("Penandatanganan izin reklame", 4, "Draft izin berparaf", 30, "Izin reklame"),
        ("Penyerahan izin kepada pemohon", 1, "Izin reklame", 15, "Izin diterima"),
    ]
    for number, (text, mark, kel, minutes, output) in enumerate(steps, start=1):
        marks: list[Any] = [None] * 5
        marks[mark] = "X"
        rows.append([number, text, *marks, kel, minutes, output, None])
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("C9:G9")
    workbook.save(path)


def test_xlsx_sheet_with_identity_block_and_rejection_branch(tmp_path: Path) -> None:
    path = tmp_path / "reklame.xlsx"
    _samarinda_xlsx(path)
    draft = import_sop(path)
    model = draft.model
    assert (model.id, model.title, model.sop_number) == (
        "samarinda_penerbitan_izin_reklame",
        "Penerbitan Izin Reklame",
        "800/12/DPMPTSP/2023",
    )
    assert model.legal_basis == (
        "Perda Kota Samarinda Nomor 5 Tahun 2019 tentang Reklame",
        "Perwali Samarinda Nomor 10 Tahun 2021 tentang Perizinan.",
    )
    assert (draft.header.related, draft.header.equipment, draft.header.warnings) == (
        ("SOP Pengaduan", "SOP Retribusi"),
        ("Komputer", "Printer"),
        ("Izin terlambat bila berkas tidak lengkap",),
    )
    assert (model.office.regency, model.office.province, model.office.timezone) == (
        "Kota Samarinda",
        "Kalimantan Timur",
        "Asia/Makassar",
    )
    assert [a.id for a in model.actors] == [
        "pemohon",
        "front_office",
        "analis_perizinan",
        "sekretaris",
        "kadis",
    ]
    assert _steps(model) == [
        (1, "Pemohon", "-", False, ("Formulir",), "15 Menit", "Berkas permohonan", None, "-"),
        (
            2,
            "Customer Service",
            "-",
            False,
            ("Berkas permohonan",),
            "30 Menit",
            "Tanda terima",
            None,
            "-",
        ),
        (
            3,
            "Analis Perizinan",
            "-",
            False,
            ("Berkas",),
            "120 Menit",
            "Hasil verifikasi",
            None,
            "branch->4, branch->6",
        ),
        (
            4,
            "Analis Perizinan",
            "-",
            False,
            ("Hasil verifikasi",),
            "60 Menit",
            "Draft surat penolakan",
            None,
            "-",
        ),
        (
            5,
            "Kepala Dinas",
            "-",
            False,
            ("Draft surat penolakan",),
            "30 Menit",
            "Surat penolakan",
            None,
            "end rejected",
        ),
        (
            6,
            "Analis Perizinan",
            "-",
            False,
            ("Hasil verifikasi",),
            "60 Menit",
            "Draft izin",
            None,
            "-",
        ),
        (
            7,
            "Sekretaris",
            "-",
            False,
            ("Draft izin",),
            "30 Menit",
            "Draft izin berparaf",
            None,
            "-",
        ),
        (
            8,
            "Kepala Dinas",
            "-",
            False,
            ("Draft izin berparaf",),
            "30 Menit",
            "Izin reklame",
            None,
            "-",
        ),
        (
            9,
            "Customer Service",
            "Pemohon",
            False,
            ("Izin reklame",),
            "15 Menit",
            "Izin diterima",
            None,
            "end issued",
        ),
    ]
    assert model.step(model.sla.clock_start).number == 2


def test_waktu_with_a_range_and_a_missing_value_are_guesses(tmp_path: Path) -> None:
    path = tmp_path / "sop.txt"
    path.write_text(
        "PEMERINTAH KABUPATEN BANGGAI\n"
        "No\tKegiatan\tPemohon\tPetugas Loket\tKelengkapan\tWaktu\tOutput\n"
        "1\tPemohon mengisi formulir\t[]\t\tFormulir\t1-2 hari\tFormulir terisi\n"
        "2\tPetugas Loket mencatat permohonan\t\t[]\tBuku agenda\t-\tTanda terima\n"
        "3\tPetugas Loket menyerahkan izin kepada pemohon\t\t[]\tIzin\t3 x 24 jam\tIzin\n",
        encoding="utf-8",
    )
    draft = import_sop(path)
    assert [str(s.waktu) for s in draft.model.steps] == ["2 Hari", "1 Hari", "3 Hari"]
    assert [(g.step, g.value, g.confidence) for g in draft.guesses if g.field == "waktu"] == [
        (1, "2 hari", 0.6),
        (2, "1 Hari", 0.0),
        (3, "3 hari", 0.6),
    ]
    assert draft.model.office.timezone == "Asia/Makassar"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sop.pdf", b"%PDF-1.4", "cannot import a '.pdf' file"),
        ("sop.txt", b"Judul\nhanya teks\n", "no SOP step table found"),
        ("sop.docx", b"not a zip", "not a Word .docx document"),
        ("sop.xlsx", b"not a zip", "cannot read the file as xlsx"),
        (
            "sop.txt",
            b"No\tKegiatan\tPemohon\tKelengkapan\tWaktu\tOutput\nA\tteks\t\t\t\t\n",
            "has no numbered step rows",
        ),
    ],
)
def test_unreadable_files_raise_with_the_file_and_the_fix(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SopImportError, match=re.escape(message)) as caught:
        import_sop(path)
    assert str(caught.value).startswith(str(path))


def test_docx_without_a_table_and_xlsx_without_an_sop_sheet(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("SOP tanpa tabel")
    document.save(str(tmp_path / "kosong.docx"))
    with pytest.raises(SopImportError, match="the document has no table"):
        import_sop(tmp_path / "kosong.docx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nama", "Alamat"])
    workbook.save(tmp_path / "lain.xlsx")
    with pytest.raises(SopImportError, match=r"no sheet \('Sheet'\) has an SOP table header"):
        import_sop(tmp_path / "lain.xlsx")


def test_one_pelaksana_column_naming_the_actor_of_each_step(tmp_path: Path) -> None:
    path = tmp_path / "trayek.txt"
    path.write_text(
        "SOP PELAYANAN IZIN TRAYEK\n"
        "DINAS PENANAMAN MODAL DAN PTSP KABUPATEN SLEMAN\n"
        "No\tUraian Kegiatan\tPelaksana\tKelengkapan\tWaktu\tOutput\n"
        "1\tMengajukan permohonan\tPemohon\tFormulir\t10 menit\tBerkas\n"
        "2\tMemeriksa kelengkapan berkas\tPetugas Loket\tBerkas\t30 menit\tTanda terima\n"
        "3\tVerifikasi teknis\tTim Teknis Dishub\tBerkas\t2 hari\tBerita acara\n"
        "4\tTanda tangan izin\tKepala Dinas\tDraft izin\t1 hari\tIzin\n",
        encoding="utf-8",
    )
    model = import_sop(path).model
    assert (model.title, model.office.name, model.office.province) == (
        "Prosedur Pelayanan Izin Trayek",
        "Dinas Penanaman Modal dan PTSP Kabupaten Sleman",
        "DI Yogyakarta",
    )
    assert [(a.id, a.name) for a in model.actors] == [
        ("pemohon", "Pemohon"),
        ("front_office", "Petugas Loket"),
        ("tim_teknis", "Tim Teknis Dishub"),
        ("kadis", "Kepala Dinas"),
    ]
    assert _steps(model) == [
        (1, "Pemohon", "-", False, ("Formulir",), "10 Menit", "Berkas", None, "-"),
        (
            2,
            "Petugas Loket",
            "-",
            False,
            ("Berkas",),
            "30 Menit",
            "Tanda terima",
            None,
            "decision->3, return->1",
        ),
        (3, "Tim Teknis Dishub", "-", False, ("Berkas",), "2 Hari", "Berita acara", None, "-"),
        (4, "Kepala Dinas", "-", False, ("Draft izin",), "1 Hari", "Izin", None, "end issued"),
    ]


def test_a_table_without_actor_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sop.txt"
    path.write_text(
        "No\tKegiatan\tKelengkapan\tWaktu\tOutput\n1\tMendaftar\tKTP\t5 menit\tNomor\n",
        encoding="utf-8",
    )
    with pytest.raises(SopImportError, match="has no actor \\(Pelaksana\\) columns"):
        import_sop(path)
