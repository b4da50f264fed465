"""The SOP's identity block: office, title, number, legal basis, related SOPs, equipment.

PermenPAN-RB 35/2012 puts a block above the step table: on the left the government and the
office (``PEMERINTAH KABUPATEN ... DINAS ...``), on the right label/value cells (``Nomor SOP``,
``Disahkan oleh``, ``Nama SOP``), below them ``Dasar Hukum`` / ``Kualifikasi Pelaksana``,
``Keterkaitan`` / ``Peralatan/Perlengkapan``, ``Peringatan`` / ``Pencatatan dan Pendataan``,
each label over its value. Shorter SOPs only have title lines. The office's regency may also
be named in a step (``... Satu Pintu Bolaang Mongondow Timur``) or in an address
(``karimunkab.go.id``); its time zone follows from its province.
"""

from __future__ import annotations

import re
from collections import Counter

from sopmine.sop.importer._places import Place, find_place, province_timezone
from sopmine.sop.importer._result import Guess, SopHeader
from sopmine.sop.importer._text import clean_text, normalize, title_case

__all__ = ["read_header", "split_numbered"]

_KEYS = {
    "nomor sop": "sop_number",
    "no sop": "sop_number",
    "nomor": "sop_number",
    "nama sop": "name",
    "disahkan oleh": "Disahkan oleh",
    "dasar hukum": "legal_basis",
    "keterkaitan": "related",
    "peralatan perlengkapan": "equipment",
    "peralatan": "equipment",
    "peringatan": "warnings",
    "kualifikasi pelaksana": "Kualifikasi pelaksana",
    "pencatatan dan pendataan": "Pencatatan dan pendataan",
    "tanggal pembuatan": "Tanggal pembuatan",
    "tanggal revisi": "Tanggal revisi",
    "tanggal efektif": "Tanggal efektif",
    "tanggal pengesahan": "Tanggal pengesahan",
}
_APPLICATIONS = (
    ("SiCantik Cloud", r"\bsi\s?cantik\b"),
    ("OSS", r"\boss\b"),
    ("SIPRO", r"\bsipro\b"),
    ("SILASTRI RV", r"\bsilastri\b"),
    ("SIMBG", r"\bsimbg\b"),
)
_OFFICE = re.compile(
    r"\b(DINAS\s+PENANAMAN\s+MODAL\b.*?\b(?:SATU\s+PINTU|PTSP)(?:\s+DAN\s+KETENAGAKERJAAN)?)",
    re.IGNORECASE,
)
_SERVICE_WORDS = re.compile(
    r"\b(IZIN|PERIZINAN|REKOMENDASI|SERTIFIKAT|PERSETUJUAN|PENDAFTARAN|TANDA DAFTAR|SURAT)\b"
)
DEFAULT_OFFICE = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"


def split_numbered(text: str) -> tuple[str, ...]:
    """Items of a numbered cell (``1 ...; 2 ...`` or ``1 SOP A 2 SOP B``), without numbers.

    >>> split_numbered("1 Permendagri No. 52 Tahun 2011; 2 Perda Nomor 4 Tahun 2019.")
    ('Permendagri No. 52 Tahun 2011', 'Perda Nomor 4 Tahun 2019.')
    >>> split_numbered("1 Komputer 2 Kertas /Blangko 3 ATK")
    ('Komputer', 'Kertas /Blangko', 'ATK')
    """
    text = clean_text(text)
    first = re.match(r"1[.)]?\s+", text)
    if first is None:
        return (text,) if text else ()
    for separator in (r"[;.]\s*", r"\s"):
        items, rest, n = [], text[first.end() :], 2
        while match := re.search(rf"(?:{separator}){n}[.)]?\s+(?=[A-Z])", rest):
            items.append(rest[: match.start() + (1 if separator != r"\s" else 0)])
            rest, n = rest[match.end() :], n + 1
        if items:
            items.append(rest)
            return tuple(item.strip().rstrip(";").strip() for item in items)
    return (text[first.end() :],)


def _key(cell: str) -> tuple[str, str] | None:
    """The header key a cell holds, and the value written in the same cell after a colon."""
    label, _, value = cell.partition(":")
    key = normalize(label)
    return (key, value.strip()) if key in _KEYS else None


def _key_values(rows: tuple[tuple[str, ...], ...]) -> tuple[dict[str, str], set[tuple[int, int]]]:
    values: dict[str, str] = {}
    used: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            found = _key(cell)
            if found is None or _KEYS[found[0]] in values:
                continue
            key, value = found
            used.add((r, c))
            if not value:
                right = next((i for i in range(c + 1, len(row)) if row[i].strip()), None)
                if right is not None and _key(row[right]) is None:
                    value, where = row[right], (r, right)
                elif r + 1 < len(rows) and c < len(rows[r + 1]) and _key(rows[r + 1][c]) is None:
                    value, where = rows[r + 1][c], (r + 1, c)
                else:
                    continue
                used.add(where)
            values[_KEYS[key]] = value.strip()
    return values, used


def read_header(
    rows: tuple[tuple[str, ...], ...], body: list[str], *, file: str
) -> tuple[SopHeader, list[Guess]]:
    """Read the identity block above the step table; ``body`` is the steps' text."""
    values, used = _key_values(rows)
    lines = [
        clean_text(" ".join(c for i, c in enumerate(row) if (r, i) not in used and c.strip()))
        for r, row in enumerate(rows)
    ]
    lines = [line for line in lines if line]
    guesses: list[Guess] = []
    office, regency, province, zone = _office(lines, body, guesses)
    title, service = _titles(lines, values.get("name"), file=file, guesses=guesses)
    sector = next(
        (
            f"Urusan {title_case(m[1])}"
            for line in lines
            if (m := re.search(r"\bURUSAN\s+(.+)", line, re.I))
        ),
        None,
    )
    application = _application(lines + body, guesses)
    other = tuple(
        (key, clean_text(value))
        for key, value in values.items()
        if key[0].isupper() and clean_text(value)
    )
    header = SopHeader(
        office_name=office,
        regency=regency,
        province=province,
        timezone=zone,
        title=title,
        service=service,
        sector=sector,
        sop_number=clean_text(values["sop_number"]) or None if "sop_number" in values else None,
        application=application,
        legal_basis=split_numbered(values.get("legal_basis", "")),
        related=split_numbered(values.get("related", "")),
        equipment=split_numbered(values.get("equipment", "")),
        warnings=split_numbered(values.get("warnings", "")),
        other=other,
    )
    return header, guesses


def _office(lines: list[str], body: list[str], guesses: list[Guess]) -> tuple[str, str, str, str]:
    head = " ".join(lines)
    place, where = _place(head), "the header"
    if place is None:
        place, where = _place(" ".join(body)), "the steps' text"
    found = _OFFICE.search(head) or _OFFICE.search(" ".join(body))
    name = title_case(found[1]) if found else DEFAULT_OFFICE
    if found is None:
        guesses.append(
            Guess(
                None,
                "office",
                f"name {name}",
                0.5,
                "the document does not name the office; the usual DPMPTSP name is written",
            )
        )
    province = (
        province_timezone(m[1]) if (m := re.search(r"\bPROVINSI\s+(.+)", head, re.I)) else None
    )
    if place is None:
        zone = province[1] if province else "Asia/Jakarta"
        guesses.append(
            Guess(
                None,
                "office",
                f"timezone {zone}",
                0.1,
                "no regency or city named; fill in office.regency and "
                "office.province, and check the time zone",
            )
        )
        return name, "", province[0] if province else "", zone
    label = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
    guesses.append(
        Guess(
            None,
            "office",
            f"timezone {place.timezone}",
            0.9 if where == "the header" else 0.7,
            f"{where} names {place.regency}; it lies in {place.province}, which keeps "
            f"{label[place.timezone]} ({place.timezone})",
        )
    )
    return f"{name} {place.regency}", place.regency, place.province, place.timezone


def _place(text: str) -> Place | None:
    patterns = (
        (r"\b(KABUPATEN|KAB\.?|KOTA)\s+(.+)", None),
        (r"\b([a-z]+)(kab|kota)\.go\.id", "domain"),
        (r"\b(?:SATU\s+PINTU|DPMPTSPK?|PTSP)\s+(.+)", "after"),
    )
    for pattern, how in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            if how == "domain":
                kind = "Kota" if match[2].casefold() == "kota" else "Kabupaten"
                words = [match[1]]
            elif how == "after":
                kind, words = None, match[1].split()
            else:
                kind = "Kota" if match[1].casefold() == "kota" else "Kabupaten"
                words = match[2].split()
            found = find_place([w.strip(",.;()") for w in words], kind=kind)
            if found:
                return found[0]
    return None


def _titles(
    lines: list[str], name: str | None, *, file: str, guesses: list[Guess]
) -> tuple[str, str]:
    sop_line = re.compile(
        r"(?:STANDAR\s+OPERASIONAL\s+PROSEDUR(?:\s*\(SOP\))?|^SOP\b)\s*(.*)", re.I
    )
    title = next((line for line in lines if re.match(r"prosedur\b", line, re.I)), None)
    from_sop = next(
        (
            m[1]
            for line in lines
            if (m := sop_line.search(line)) and m[1] and not re.match(r"urusan\b", m[1], re.I)
        ),
        None,
    )
    service_line = next(
        (
            line
            for line in lines
            if line.isupper()
            and _SERVICE_WORDS.search(line)
            and not sop_line.search(line)
            and not re.match(r"(PEMERINTAH|DINAS|URUSAN)\b", line)
        ),
        None,
    )
    if title is not None and title.isupper():
        title = title_case(title)
    if title is None and name:
        title = title_case(clean_text(name)) if clean_text(name).isupper() else clean_text(name)
    if title is None and from_sop:
        title = f"Prosedur {title_case(from_sop)}"
    if title is None:
        title = file.rsplit(".", 1)[0].replace("_", " ")
        guesses.append(
            Guess(None, "title", title, 0.2, "the document has no SOP title; the file name is used")
        )
    if service_line:
        service = title_case(service_line)
    elif name:
        service = title_case(clean_text(name)) if clean_text(name).isupper() else clean_text(name)
    elif from_sop:
        service = title_case(from_sop)
    else:
        service = re.sub(r"^prosedur\s+", "", title, flags=re.I)
    return title, service


def _application(texts: list[str], guesses: list[Guess]) -> str | None:
    counts: Counter[str] = Counter()
    for text in texts:
        for name, pattern in _APPLICATIONS:
            counts[name] += len(re.findall(pattern, text, re.IGNORECASE))
    if not counts or counts.most_common(1)[0][1] == 0:
        return None
    name, count = counts.most_common(1)[0]
    guesses.append(
        Guess(
            None,
            "application",
            name,
            0.8,
            f"the document names {name} {count} time{'s' if count > 1 else ''}",
        )
    )
    return name
