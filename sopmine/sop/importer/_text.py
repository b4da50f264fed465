"""Cell text: the extraction noise taken out, marks told apart from words, Waktu read.

Text extracted from SOP documents carries the drawing of the flowchart and the markup of the
converter: arrows (``→``, ``\\rightarrow``, ``ightharpoonup`` where ``\\r`` was eaten), boxes
(``[]``, ``<u> </u>``), ``<p>`` paragraphs, ``**`` bold markers. Descriptions keep every
word of the SOP (typos included); only that noise goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sopmine.sop.model import Unit

__all__ = [
    "MarkKind",
    "ParsedWaktu",
    "clean_text",
    "mark_kind",
    "normalize",
    "parse_waktu",
    "slugify",
    "split_items",
    "title_case",
]

MarkKind = Literal["box", "arrow", "label", "stray", "text", "empty"]

_LATEX_ARROW = re.compile(
    r"\$?\\?(?:r?ight|left|up|down|long|Right|Left)(?:arrow|harpoon(?:up|down)?|rightarrows?)"
    r"\b\$?|\\[A-Za-z]+"
)
_ARROWS = "→←↑↓↗↘↙↖⇒⇐⇑⇓⟶⟵➔➜➝►▶◄▼▲↳↲"
_BOXES = ("[]", "□", "■", "☐", "◇", "◆", "○", "●", "⬜", "▭")
_TAG = re.compile(r"</?(?:p|br|u|b|i|strong|em|span|div)\b[^>]*>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_LABELS = {"ya", "tidak", "y", "t", "yes", "no", "tdk"}


def clean_text(text: str) -> str:
    """The words of a cell on one line, without markup, arrows or box marks.

    >>> clean_text("<p>Pemohon mengajukan.</p> <p>Pemohon **mengunggah**</p>")
    'Pemohon mengajukan. Pemohon mengunggah'
    >>> clean_text("Tanda \\\\rightarrow Terima → []")
    'Tanda Terima'
    """
    text = _TAG.sub(" ", text).replace("**", " ")
    text = _LATEX_ARROW.sub(" ", text)
    for symbol in (*_BOXES, *_ARROWS):
        text = text.replace(symbol, " ")
    return _SPACE.sub(" ", text).strip()


def mark_kind(raw: str) -> MarkKind:
    """What an actor-column cell holds: a drawn box, an arrow, a Ya/Tidak label, or text.

    Boxes include what extraction makes of the flowchart's shapes (``[]``, ``<u> </u>``,
    ``*``, ``}``, ``>``); a lone ``-`` is a stray line.

    >>> [mark_kind(c) for c in ["[]", "<u> </u>", "\\\\rightarrow", "Ya", "-", "til", ""]]
    ['box', 'box', 'arrow', 'label', 'stray', 'text', 'empty']
    """
    text = raw.strip()
    if not text:
        return "empty"
    if any(box in text for box in _BOXES) or re.fullmatch(r"<u>\s*</u>", text):
        return "box"
    words = clean_text(text)
    if re.fullmatch(r"[*}{>]|[√✓✔vVxX]", words):
        return "box"
    if words.casefold() in _LABELS or (words and set(words.casefold().split()) <= _LABELS):
        return "arrow" if words != text.strip() and _has_arrow(text) else "label"
    if _has_arrow(text) and not words:
        return "arrow"
    if re.fullmatch(r"[-–—|.:_]+", words):
        return "stray"
    return "text"


def _has_arrow(text: str) -> bool:
    return bool(_LATEX_ARROW.search(text)) or any(a in text for a in _ARROWS)


def normalize(text: str) -> str:
    """Lower case, letters and digits only, words separated by one space.

    >>> normalize("Kabid. Pelayanan/ Sekretaris")
    'kabid pelayanan sekretaris'
    """
    return " ".join(re.findall(r"[0-9a-z]+", text.casefold()))


@dataclass(frozen=True)
class ParsedWaktu:
    """A Waktu cell read: the value, the unit, and a note when the reading is a guess."""

    value: float
    unit: Unit
    note: str | None = None


_UNITS: dict[str, Unit] = {
    "menit": "menit",
    "mnt": "menit",
    "mins": "menit",
    "min": "menit",
    "jam": "jam",
    "hari": "hari",
    "hr": "hari",
}
_WAKTU = re.compile(
    r"^(?P<value>\d+(?:[.,]\d+)?)(?:\s*(?:-|–|s/d|sd|sampai)\s*(?P<upto>\d+(?:[.,]\d+)?))?\s*"
    r"(?P<unit>menit|mnt|mins?|jam|hari|hr|minggu)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_TIMES_24 = re.compile(r"^(?P<value>\d+)\s*[x×]\s*24\s*jam\b", re.IGNORECASE)


def parse_waktu(text: str, *, default_unit: Unit | None = None) -> ParsedWaktu | None:
    """Read a Waktu cell: ``30 Menit``, ``2 jam``, ``1 Hari``, ``3 x 24 jam``, ``1-2 hari``.

    A bare number takes ``default_unit`` (from a header like ``Waktu (menit)``).

    >>> parse_waktu("2 jam")
    ParsedWaktu(value=2.0, unit='jam', note=None)
    >>> parse_waktu("3 x 24 Jam").note
    "'3 x 24 Jam' read as 3 working days (Hari)"
    >>> parse_waktu("Komputer") is None
    True
    """
    text = clean_text(text)
    if match := _TIMES_24.match(text):
        value = float(match["value"])
        return ParsedWaktu(value, "hari", f"'{text}' read as {value:g} working days (Hari)")
    match = _WAKTU.match(text)
    if match is None:
        bare = re.fullmatch(r"\d+(?:[.,]\d+)?", text)
        if bare and default_unit is not None:
            return ParsedWaktu(float(text.replace(",", ".")), default_unit)
        return None
    value = float(match["value"].replace(",", "."))
    note = None
    if match["upto"]:
        value = float(match["upto"].replace(",", "."))
        note = f"'{text}' is a range: its upper bound {value:g} is taken"
    unit_word = match["unit"].casefold()
    if unit_word == "minggu":
        value, unit_word = value * 5, "hari"
        note = f"'{text}' read as {value:g} working days (5 a week)"
    if value <= 0:
        return None
    return ParsedWaktu(value, _UNITS[unit_word], note)


_ITEM_SPLIT = re.compile(r"\s*(?:[,;\n]|</p>|<br\s*/?>)\s*", re.IGNORECASE)
_ENUM = re.compile(r"^(?:\d{1,2}[.)]|[a-z][.)]|[-•·▪])\s+", re.IGNORECASE)


def split_items(text: str) -> tuple[str, ...]:
    """The items of a Kelengkapan cell: split at commas, semicolons and lines.

    >>> split_items("Komputer, Jaringan Internet dan Hasil Analisa")
    ('Komputer', 'Jaringan Internet dan Hasil Analisa')
    >>> split_items("1. KTP\\n2. NPWP")
    ('KTP', 'NPWP')
    """
    items = (_ENUM.sub("", clean_text(part)) for part in _ITEM_SPLIT.split(text))
    return tuple(item for item in items if item)


_SMALL = frozenset(
    [
        "dan",
        "atau",
        "di",
        "ke",
        "dari",
        "untuk",
        "secara",
        "dengan",
        "yang",
        "pada",
        "oleh",
        "serta",
        "tentang",
        "melalui",
        "bagi",
        "dalam",
        "atas",
    ]
)
_UPPER = frozenset(
    [
        "SOP",
        "OSS",
        "RBA",
        "IUMK",
        "SIUP",
        "NIB",
        "PBG",
        "SIP",
        "TTE",
        "SK",
        "SKM",
        "DPMPTSP",
        "DPMPTSPK",
        "UMK",
        "OPD",
        "KBLI",
        "NPWP",
        "ATK",
        "SIPRO",
        "SILASTRI",
        "RV",
        "UMKM",
        "IMB",
        "SIUJK",
        "TDP",
        "PKKPR",
        "SLF",
        "SPPL",
        "UKL",
        "UPL",
        "AMDAL",
        "SIMBG",
        "PTSP",
        "SKRD",
    ]
)
_PROPER = {"sicantik": "SiCantik"}


def title_case(text: str) -> str:
    """Upper-case headings in title case, small words and acronyms kept as Indonesian writes them.

    >>> title_case("PENERBITAN IZIN DENGAN APLIKASI SICANTIK CLOUD")
    'Penerbitan Izin dengan Aplikasi SiCantik Cloud'
    >>> title_case("SURAT IZIN PRAKTIK BIDAN (SIPB)")
    'Surat Izin Praktik Bidan (SIPB)'
    """
    words = []
    for i, word in enumerate(text.split()):
        core = word.strip("(),.;:")
        if core.upper() in _UPPER or (word.startswith("(") and core.isupper()):
            new = core.upper()
        elif core.casefold() in _PROPER:
            new = _PROPER[core.casefold()]
        elif i > 0 and core.casefold() in _SMALL:
            new = core.casefold()
        else:
            new = core[:1].upper() + core[1:].casefold()
        words.append(word.replace(core, new, 1) if core else word)
    return " ".join(words)


def slugify(text: str, *, max_words: int = 5) -> str:
    """A snake_case id from text: ``Verifikasi Berkas (FO)`` -> ``verifikasi_berkas_fo``.

    >>> slugify("FO/Petugas Loket 2")
    'fo_petugas_loket_2'
    >>> slugify("2 Pemohon")
    'x2_pemohon'
    """
    words = normalize(text).split()[:max_words]
    slug = "_".join(words) or "x"
    return slug if slug[0].isalpha() else f"x{slug}"
