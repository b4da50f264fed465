"""Where an office is: Indonesia's regencies and cities, their province and time zone.

An SOP names its office's regency (``PEMERINTAH KABUPATEN ROKAN HILIR``, ``DPMPTSP Bolaang
Mongondow Timur``, ``karimunkab.go.id``) but rarely its province or time zone. This table
(kabupaten and kota per province, 38 provinces, as of 2023) gives both. Names are matched
without spaces or case, so ``Labuhan Batu`` finds ``Labuhanbatu``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = ["Place", "find_place", "province_timezone"]

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"

# province: (time zone, kabupaten, kota)
_PROVINCES: dict[str, tuple[str, str, str]] = {
    "Aceh": (
        WIB,
        "Aceh Barat, Aceh Barat Daya, Aceh Besar, Aceh Jaya, Aceh Selatan, Aceh Singkil, "
        "Aceh Tamiang, Aceh Tengah, Aceh Tenggara, Aceh Timur, Aceh Utara, Bener Meriah, "
        "Bireuen, Gayo Lues, Nagan Raya, Pidie, Pidie Jaya, Simeulue",
        "Banda Aceh, Langsa, Lhokseumawe, Sabang, Subulussalam",
    ),
    "Sumatera Utara": (
        WIB,
        "Asahan, Batu Bara, Dairi, Deli Serdang, Humbang Hasundutan, Karo, Labuhanbatu, "
        "Labuhanbatu Selatan, Labuhanbatu Utara, Langkat, Mandailing Natal, Nias, Nias Barat, "
        "Nias Selatan, Nias Utara, Padang Lawas, Padang Lawas Utara, Pakpak Bharat, Samosir, "
        "Serdang Bedagai, Simalungun, Tapanuli Selatan, Tapanuli Tengah, Tapanuli Utara, Toba, "
        "Toba Samosir",
        "Binjai, Gunungsitoli, Medan, Padangsidimpuan, Pematangsiantar, Sibolga, Tanjungbalai, "
        "Tebing Tinggi",
    ),
    "Sumatera Barat": (
        WIB,
        "Agam, Dharmasraya, Kepulauan Mentawai, Lima Puluh Kota, Padang Pariaman, Pasaman, "
        "Pasaman Barat, Pesisir Selatan, Sijunjung, Solok, Solok Selatan, Tanah Datar",
        "Bukittinggi, Padang, Padang Panjang, Pariaman, Payakumbuh, Sawahlunto, Solok",
    ),
    "Riau": (
        WIB,
        "Bengkalis, Indragiri Hilir, Indragiri Hulu, Kampar, Kepulauan Meranti, "
        "Kuantan Singingi, Pelalawan, Rokan Hilir, Rokan Hulu, Siak",
        "Dumai, Pekanbaru",
    ),
    "Jambi": (
        WIB,
        "Batanghari, Bungo, Kerinci, Merangin, Muaro Jambi, Sarolangun, Tanjung Jabung Barat, "
        "Tanjung Jabung Timur, Tebo",
        "Jambi, Sungai Penuh",
    ),
    "Sumatera Selatan": (
        WIB,
        "Banyuasin, Empat Lawang, Lahat, Muara Enim, Musi Banyuasin, Musi Rawas, "
        "Musi Rawas Utara, Ogan Ilir, Ogan Komering Ilir, Ogan Komering Ulu, "
        "Ogan Komering Ulu Selatan, Ogan Komering Ulu Timur, Penukal Abab Lematang Ilir",
        "Lubuklinggau, Pagar Alam, Palembang, Prabumulih",
    ),
    "Bengkulu": (
        WIB,
        "Bengkulu Selatan, Bengkulu Tengah, Bengkulu Utara, Kaur, Kepahiang, Lebong, "
        "Mukomuko, Rejang Lebong, Seluma",
        "Bengkulu",
    ),
    "Lampung": (
        WIB,
        "Lampung Barat, Lampung Selatan, Lampung Tengah, Lampung Timur, Lampung Utara, Mesuji, "
        "Pesawaran, Pesisir Barat, Pringsewu, Tanggamus, Tulang Bawang, Tulang Bawang Barat, "
        "Way Kanan",
        "Bandar Lampung, Metro",
    ),
    "Kepulauan Bangka Belitung": (
        WIB,
        "Bangka, Bangka Barat, Bangka Selatan, Bangka Tengah, Belitung, Belitung Timur",
        "Pangkalpinang",
    ),
    "Kepulauan Riau": (
        WIB,
        "Bintan, Karimun, Kepulauan Anambas, Lingga, Natuna",
        "Batam, Tanjungpinang",
    ),
    "DKI Jakarta": (
        WIB,
        "Kepulauan Seribu",
        "Jakarta Barat, Jakarta Pusat, Jakarta Selatan, Jakarta Timur, Jakarta Utara",
    ),
    "Jawa Barat": (
        WIB,
        "Bandung, Bandung Barat, Bekasi, Bogor, Ciamis, Cianjur, Cirebon, Garut, Indramayu, "
        "Karawang, Kuningan, Majalengka, Pangandaran, Purwakarta, Subang, Sukabumi, Sumedang, "
        "Tasikmalaya",
        "Bandung, Banjar, Bekasi, Bogor, Cimahi, Cirebon, Depok, Sukabumi, Tasikmalaya",
    ),
    "Jawa Tengah": (
        WIB,
        "Banjarnegara, Banyumas, Batang, Blora, Boyolali, Brebes, Cilacap, Demak, Grobogan, "
        "Jepara, Karanganyar, Kebumen, Kendal, Klaten, Kudus, Magelang, Pati, Pekalongan, "
        "Pemalang, Purbalingga, Purworejo, Rembang, Semarang, Sragen, Sukoharjo, Tegal, "
        "Temanggung, Wonogiri, Wonosobo",
        "Magelang, Pekalongan, Salatiga, Semarang, Surakarta, Tegal",
    ),
    "DI Yogyakarta": (
        WIB,
        "Bantul, Gunungkidul, Kulon Progo, Sleman",
        "Yogyakarta",
    ),
    "Jawa Timur": (
        WIB,
        "Bangkalan, Banyuwangi, Blitar, Bojonegoro, Bondowoso, Gresik, Jember, Jombang, Kediri, "
        "Lamongan, Lumajang, Madiun, Magetan, Malang, Mojokerto, Nganjuk, Ngawi, Pacitan, "
        "Pamekasan, Pasuruan, Ponorogo, Probolinggo, Sampang, Sidoarjo, Situbondo, Sumenep, "
        "Trenggalek, Tuban, Tulungagung",
        "Batu, Blitar, Kediri, Madiun, Malang, Mojokerto, Pasuruan, Probolinggo, Surabaya",
    ),
    "Banten": (
        WIB,
        "Lebak, Pandeglang, Serang, Tangerang",
        "Cilegon, Serang, Tangerang, Tangerang Selatan",
    ),
    "Bali": (
        WITA,
        "Badung, Bangli, Buleleng, Gianyar, Jembrana, Karangasem, Klungkung, Tabanan",
        "Denpasar",
    ),
    "Nusa Tenggara Barat": (
        WITA,
        "Bima, Dompu, Lombok Barat, Lombok Tengah, Lombok Timur, Lombok Utara, Sumbawa, "
        "Sumbawa Barat",
        "Bima, Mataram",
    ),
    "Nusa Tenggara Timur": (
        WITA,
        "Alor, Belu, Ende, Flores Timur, Kupang, Lembata, Malaka, Manggarai, Manggarai Barat, "
        "Manggarai Timur, Nagekeo, Ngada, Rote Ndao, Sabu Raijua, Sikka, Sumba Barat, "
        "Sumba Barat Daya, Sumba Tengah, Sumba Timur, Timor Tengah Selatan, "
        "Timor Tengah Utara",
        "Kupang",
    ),
    "Kalimantan Barat": (
        WIB,
        "Bengkayang, Kapuas Hulu, Kayong Utara, Ketapang, Kubu Raya, Landak, Melawi, Mempawah, "
        "Sambas, Sanggau, Sekadau, Sintang",
        "Pontianak, Singkawang",
    ),
    "Kalimantan Tengah": (
        WIB,
        "Barito Selatan, Barito Timur, Barito Utara, Gunung Mas, Kapuas, Katingan, "
        "Kotawaringin Barat, Kotawaringin Timur, Lamandau, Murung Raya, Pulang Pisau, Seruyan, "
        "Sukamara",
        "Palangka Raya",
    ),
    "Kalimantan Selatan": (
        WITA,
        "Balangan, Banjar, Barito Kuala, Hulu Sungai Selatan, Hulu Sungai Tengah, "
        "Hulu Sungai Utara, Kotabaru, Tabalong, Tanah Bumbu, Tanah Laut, Tapin",
        "Banjarbaru, Banjarmasin",
    ),
    "Kalimantan Timur": (
        WITA,
        "Berau, Kutai Barat, Kutai Kartanegara, Kutai Timur, Mahakam Ulu, Paser, "
        "Penajam Paser Utara",
        "Balikpapan, Bontang, Samarinda",
    ),
    "Kalimantan Utara": (WITA, "Bulungan, Malinau, Nunukan, Tana Tidung", "Tarakan"),
    "Sulawesi Utara": (
        WITA,
        "Bolaang Mongondow, Bolaang Mongondow Selatan, Bolaang Mongondow Timur, "
        "Bolaang Mongondow Utara, Kepulauan Sangihe, Kepulauan Siau Tagulandang Biaro, "
        "Kepulauan Talaud, Minahasa, Minahasa Selatan, Minahasa Tenggara, Minahasa Utara",
        "Bitung, Kotamobagu, Manado, Tomohon",
    ),
    "Gorontalo": (
        WITA,
        "Boalemo, Bone Bolango, Gorontalo, Gorontalo Utara, Pohuwato",
        "Gorontalo",
    ),
    "Sulawesi Tengah": (
        WITA,
        "Banggai, Banggai Kepulauan, Banggai Laut, Buol, Donggala, Morowali, Morowali Utara, "
        "Parigi Moutong, Poso, Sigi, Tojo Una-Una, Tolitoli",
        "Palu",
    ),
    "Sulawesi Barat": (
        WITA,
        "Majene, Mamasa, Mamuju, Mamuju Tengah, Pasangkayu, Polewali Mandar",
        "",
    ),
    "Sulawesi Selatan": (
        WITA,
        "Bantaeng, Barru, Bone, Bulukumba, Enrekang, Gowa, Jeneponto, Kepulauan Selayar, Luwu, "
        "Luwu Timur, Luwu Utara, Maros, Pangkajene dan Kepulauan, Pinrang, Sidenreng Rappang, "
        "Sinjai, Soppeng, Takalar, Tana Toraja, Toraja Utara, Wajo",
        "Makassar, Palopo, Parepare",
    ),
    "Sulawesi Tenggara": (
        WITA,
        "Bombana, Buton, Buton Selatan, Buton Tengah, Buton Utara, Kolaka, Kolaka Timur, "
        "Kolaka Utara, Konawe, Konawe Kepulauan, Konawe Selatan, Konawe Utara, Muna, "
        "Muna Barat, Wakatobi",
        "Baubau, Kendari",
    ),
    "Maluku": (
        WIT,
        "Buru, Buru Selatan, Kepulauan Aru, Kepulauan Tanimbar, Maluku Barat Daya, "
        "Maluku Tengah, Maluku Tenggara, Seram Bagian Barat, Seram Bagian Timur",
        "Ambon, Tual",
    ),
    "Maluku Utara": (
        WIT,
        "Halmahera Barat, Halmahera Selatan, Halmahera Tengah, Halmahera Timur, "
        "Halmahera Utara, Kepulauan Sula, Pulau Morotai, Pulau Taliabu",
        "Ternate, Tidore Kepulauan",
    ),
    "Papua": (
        WIT,
        "Biak Numfor, Jayapura, Keerom, Kepulauan Yapen, Mamberamo Raya, Sarmi, Supiori, Waropen",
        "Jayapura",
    ),
    "Papua Selatan": (WIT, "Asmat, Boven Digoel, Mappi, Merauke", ""),
    "Papua Tengah": (
        WIT,
        "Deiyai, Dogiyai, Intan Jaya, Mimika, Nabire, Paniai, Puncak, Puncak Jaya",
        "",
    ),
    "Papua Pegunungan": (
        WIT,
        "Jayawijaya, Lanny Jaya, Mamberamo Tengah, Nduga, Pegunungan Bintang, Tolikara, "
        "Yahukimo, Yalimo",
        "",
    ),
    "Papua Barat": (
        WIT,
        "Fakfak, Kaimana, Manokwari, Manokwari Selatan, Pegunungan Arfak, Teluk Bintuni, "
        "Teluk Wondama",
        "",
    ),
    "Papua Barat Daya": (
        WIT,
        "Maybrat, Raja Ampat, Sorong, Sorong Selatan, Tambrauw",
        "Sorong",
    ),
}


@dataclass(frozen=True)
class Place:
    """A regency (``Kabupaten``) or city (``Kota``), with its province and time zone."""

    kind: str
    name: str
    province: str
    timezone: str

    @property
    def regency(self) -> str:
        """The name as the model writes it: ``Kabupaten Rokan Hilir``, ``Kota Batam``."""
        return f"{self.kind} {self.name}"


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


@cache
def _places() -> dict[str, list[Place]]:
    """Places by their squashed name (several when a kabupaten and a kota share a name)."""
    found: dict[str, list[Place]] = {}
    for province, (zone, kabupaten, kota) in _PROVINCES.items():
        for kind, names in (("Kabupaten", kabupaten), ("Kota", kota)):
            for name in filter(None, (n.strip() for n in names.split(","))):
                found.setdefault(_key(name), []).append(Place(kind, name, province, zone))
    return found


def find_place(words: list[str], *, kind: str | None = None) -> tuple[Place, int] | None:
    """The place whose name is the longest prefix of ``words``, and how many words it took.

    ``kind`` (``Kabupaten`` or ``Kota``) picks between a kabupaten and a kota of one name;
    without it the kabupaten wins.

    >>> find_place(["ROKAN", "HILIR", "DINAS"])
    (Place(kind='Kabupaten', name='Rokan Hilir', province='Riau', timezone='Asia/Jakarta'), 2)
    >>> find_place(["Banjar"], kind="Kota")[0].province
    'Jawa Barat'
    """
    for size in range(min(len(words), 5), 0, -1):
        candidates = _places().get(_key("".join(words[:size])), [])
        if not candidates:
            continue
        preferred = [p for p in candidates if p.kind == (kind or "Kabupaten")]
        return (preferred or candidates)[0], size
    return None


def province_timezone(text: str) -> tuple[str, str] | None:
    """The province named in ``text`` and its zone, the longest name first.

    >>> province_timezone("PROVINSI SULAWESI UTARA")
    ('Sulawesi Utara', 'Asia/Makassar')
    """
    squashed = _key(text)
    for province in sorted(_PROVINCES, key=len, reverse=True):
        if _key(province) in squashed:
            return province, _PROVINCES[province][0]
    return None
