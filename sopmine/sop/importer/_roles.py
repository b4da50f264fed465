"""Roles of a licensing office, and where a step's text names them.

An actor column is titled as the office names its roles (``Kadis``, ``FO/Petugas Loket 2``,
``Penerima Berkas/ Front Office``); the step text names them again, often otherwise
(``Kepala dinas``, ``Petugas Front Office (Loket Pendaftaran)``), with typos
(``Sub Koordinatar``) or by functional title (``Penata Perizinan Ahli Muda`` for the Sub
Koordinator). Each column gets a role from the table below, and a mention in the text is
matched to the columns it can mean: by the column's own words, then by its role's words.
A mention after ``ke``, ``kepada``, ``dari``, ``di``, ... is someone the step deals with,
not the one doing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from sopmine.sop.importer._text import normalize, slugify

__all__ = ["ROLES", "Column", "Mention", "Role", "find_mentions", "read_columns"]


@dataclass(frozen=True)
class Role:
    """A role found in DPMPTSP SOPs: its usual id and name, and the words that name it."""

    key: str
    name: str
    words: tuple[str, ...]


ROLES: tuple[Role, ...] = (
    Role("pemohon", "Pemohon", ("pemohon", "pelaku usaha", "pemohon izin", "applicant")),
    Role(
        "front_office",
        "Front Office",
        (
            "front office",
            "frontoffice",
            "fo",
            "petugas loket",
            "petugas loker",
            "loket",
            "loker",
            "penerima berkas",
            "customer service",
            "petugas pendaftaran",
        ),
    ),
    Role(
        "back_office",
        "Back Office",
        (
            "back office",
            "backoffice",
            "bo",
            "analis dokumen",
            "analisis dokumen",
            "petugas pemroses",
            "verifikator",
        ),
    ),
    Role(
        "tim_teknis", "Tim Teknis", ("tim teknis", "opd teknis", "instansi teknis", "dinas teknis")
    ),
    Role(
        "sub_koordinator",
        "Sub Koordinator",
        ("sub koordinator", "subkoordinator", "penata perizinan ahli muda", "ahli muda"),
    ),
    Role(
        "koordinator", "Koordinator", ("koordinator", "penata perizinan ahli madya", "ahli madya")
    ),
    Role(
        "kasi",
        "Kepala Seksi",
        ("kepala seksi", "kasi", "ka seksi", "kasie", "kepala sub bidang", "kasubbid"),
    ),
    Role("kabid", "Kepala Bidang", ("kepala bidang", "kabid", "ka bidang")),
    Role("sekretaris", "Sekretaris", ("sekretaris", "sekdis", "sekretaris dinas")),
    Role(
        "kadis",
        "Kepala Dinas",
        (
            "kepala dinas",
            "kadis",
            "kepala dpmptsp",
            "kepala dpmptspk",
            "kepala kantor",
            "kepala badan",
        ),
    ),
    Role(
        "ksb_umum",
        "Kasubbag Umum",
        ("kasubbag umum", "kasubag umum", "ksb umum", "kepala sub bagian umum", "subbag umum"),
    ),
)
_ROLE_BY_KEY = {role.key: role for role in ROLES}
#: Words at the end of a column title that only say where the role sits.
_TRAILING = frozenset(
    [
        "perizinan",
        "terkait",
        "pelayanan",
        "opd",
        "izin",
        "i",
        "ii",
        "iii",
        "iv",
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
)
#: Words that name no role on their own.
_GENERIC = frozenset(["kepala", "petugas", "tim", "sub", "ka", "staf", "staff", "pejabat"])


@dataclass(frozen=True)
class Column:
    """An actor column: its title, the role it plays, and the phrases that name it."""

    title: str
    role: str | None
    phrases: tuple[tuple[str, ...], ...]

    @property
    def role_name(self) -> str | None:
        """The usual name of the column's role (``Kepala Dinas`` for ``Kadis``)."""
        return _ROLE_BY_KEY[self.role].name if self.role else None


def _role_of(part: str) -> str | None:
    tokens = normalize(part).split()
    best: tuple[int, str] | None = None
    for role in ROLES:
        for word in role.words:
            size = len(word.split())
            if _contains(tokens, word.split()) and (best is None or size > best[0]):
                best = (size, role.key)
    return best[1] if best else None


def _contains(tokens: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def read_columns(titles: tuple[str, ...]) -> tuple[Column, ...]:
    """Each actor column's role (by its first part that names one) and its naming phrases.

    >>> [c.role for c in read_columns(("Kadis", "Penerima Berkas/ Front Office", "Ksb. Umum"))]
    ['kadis', 'front_office', 'ksb_umum']
    """
    columns = []
    for title in titles:
        parts = [p for p in re.split(r"[/\\]", title) if normalize(p)]
        role = next((r for r in map(_role_of, parts) if r), None)
        phrases = {tuple(normalize(title).split())}
        for part in parts:
            tokens = normalize(part).split()
            phrases.add(tuple(tokens))
            while len(tokens) > 1 and tokens[-1] in _TRAILING:
                tokens = tokens[:-1]
                if len(tokens) > 1 or tokens[0] not in _GENERIC:
                    phrases.add(tuple(tokens))
        if role:
            phrases |= {tuple(w.split()) for w in _ROLE_BY_KEY[role].words}
        columns.append(Column(title, role, tuple(sorted(phrases))))
    return tuple(columns)


def column_ids(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """Actor ids: the role's usual id when one column plays it, else the title slugified."""
    roles = [c.role for c in columns]
    ids: list[str] = []
    for column in columns:
        base = column.role if column.role and roles.count(column.role) == 1 else None
        candidate = base or slugify(column.title, max_words=4)
        while candidate in ids:
            candidate += "_2"
        ids.append(candidate)
    return tuple(ids)


_OBJECT_MARKERS = frozenset(
    [
        "ke",
        "kepada",
        "dari",
        "untuk",
        "pada",
        "di",
        "dengan",
        "koordinasi",
        "berkoordinasi",
        "bersama",
        "melalui",
    ]
)


@dataclass(frozen=True)
class Mention:
    """A place in a step's text that names one or more actor columns."""

    start: int
    end: int
    text: str
    columns: tuple[int, ...]
    marker: str | None
    qualifier: str | None

    @property
    def is_agent(self) -> bool:
        """Whether the mention names who acts (subject, or ``oleh X``), not whom it deals with."""
        return self.marker is None or self.marker == "oleh"


def _token_spans(text: str) -> list[tuple[str, int, int]]:
    return [(m[0].casefold(), m.start(), m.end()) for m in re.finditer(r"[0-9A-Za-z]+", text)]


def _same(word: str, token: str) -> bool:
    if word == token:
        return True
    return (
        len(word) >= 6
        and word[0] == token[0]
        and SequenceMatcher(None, word, token).ratio() >= 0.85
    )


def find_mentions(text: str, columns: tuple[Column, ...]) -> list[Mention]:
    """The mentions of actor columns in ``text``, in reading order, longest phrases first.

    >>> cols = read_columns(("Pemohon", "Sub Koordinator Perizinan", "Koordinator Perizinan"))
    >>> [(m.text, m.columns, m.marker) for m in find_mentions(
    ...     "Sub Koordinatar Perzinan memverifikasi dan meneruskan ke Koordinator", cols)]
    [('Sub Koordinatar Perzinan', (1,), None), ('Koordinator', (2,), 'ke')]
    """
    tokens = _token_spans(text)
    words = [t[0] for t in tokens]
    found: list[tuple[int, int, frozenset[int]]] = []
    for index, column in enumerate(columns):
        for phrase in column.phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if all(_same(p, w) for p, w in zip(phrase, words[i : i + n], strict=True)):
                    found.append((i, i + n, frozenset({index})))
    chosen: list[tuple[int, int, set[int]]] = []
    for start, end, cols in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        same = next((c for c in chosen if (c[0], c[1]) == (start, end)), None)
        if same is not None:
            same[2].update(cols)
        elif all(end <= c[0] or start >= c[1] for c in chosen):
            chosen.append((start, end, set(cols)))
    mentions: list[Mention] = []
    for s, e, c in sorted(chosen):
        # a role word inside the qualifier of the mention before it, "FO (Loket 2)", is not one
        if not mentions or tokens[s][1] >= mentions[-1].end:
            mentions.append(_mention(text, tokens, s, e, c))
    return mentions


def _mention(
    text: str, tokens: list[tuple[str, int, int]], start: int, end: int, cols: set[int]
) -> Mention:
    marker = None
    for back in (1, 2):
        if start - back >= 0 and tokens[start - back][0] in _OBJECT_MARKERS | {"oleh"}:
            marker = tokens[start - back][0]
            break
    after = text[tokens[end - 1][2] :]
    qualifier = re.match(r"\s*\(([^)]+)\)", after)
    return Mention(
        start=tokens[start][1],
        end=tokens[end - 1][2] + (qualifier.end() if qualifier else 0),
        text=text[tokens[start][1] : tokens[end - 1][2]],
        columns=tuple(sorted(cols)),
        marker=marker,
        qualifier=normalize(qualifier[1]) if qualifier else None,
    )
