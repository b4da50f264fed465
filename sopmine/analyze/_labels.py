"""Words for figures and tables, in Bahasa Indonesia (default) and English, and duration texts."""

from __future__ import annotations

import math
from typing import Literal

__all__ = ["Language", "format_minutes", "label"]

Language = Literal["id", "en"]

_LABELS: dict[str, tuple[str, str]] = {
    # measures
    "volume": ("Jumlah penyelesaian", "Completions"),
    "cases": ("Jumlah kasus", "Cases"),
    "arrivals": ("Permohonan masuk", "Applications received"),
    "finished": ("Permohonan selesai", "Applications finished"),
    "on_time_pct": ("Tepat waktu (%)", "On time (%)"),
    "conformant_pct": ("Sesuai SOP (%)", "Conformant (%)"),
    "breach_pct": ("Melewati Waktu SOP (%)", "Over the SOP's Waktu (%)"),
    "median_service_days": ("Median waktu layanan (hari kerja)",
                            "Median service time (working days)"),
    "over_target_days": ("Waktu di atas target (hari kerja)", "Time over target (working days)"),
    "waiting": ("Menunggu", "Waiting"),
    "processing": ("Diproses", "Processing"),
    "elapsed": ("Waktu langkah", "Step time"),
    "target": ("Waktu SOP", "SOP Waktu"),
    "median_minutes": ("Median (menit kerja)", "Median (working minutes)"),
    "median_days": ("Median (hari kerja)", "Median (working days)"),
    "work_in_progress": ("Kasus berjalan", "Work in progress"),
    "open_cases": ("Kasus berjalan (akhir periode)", "Open cases (end of period)"),
    "share_pct": ("Porsi (%)", "Share (%)"),
    "steps_done": ("Langkah dikerjakan", "Steps done"),
    "handovers": ("Serah terima", "Handovers"),
    "at_risk": ("Berisiko", "At risk"),
    # dimensions
    "step": ("Langkah", "Step"),
    "role": ("Jabatan", "Role"),
    "resource": ("Petugas", "Person"),
    "office": ("Kantor", "Office"),
    "period": ("Periode", "Period"),
    "month": ("Bulan", "Month"),
    "week": ("Minggu", "Week"),
    "day": ("Hari", "Day"),
    "variant": ("Varian", "Variant"),
    "from_role": ("Dari jabatan", "From role"),
    "to_role": ("Ke jabatan", "To role"),
    # process map
    "start": ("Mulai", "Start"),
    "end": ("Selesai", "End"),
    "expected_edge": ("Alur sesuai SOP", "Flow as in the SOP"),
    "deviating_edge": ("Alur menyimpang dari SOP", "Flow outside the SOP"),
    "unused_edge": ("Alur SOP yang tidak terjadi", "SOP flow never taken"),
    "frequency": ("Frekuensi", "Frequency"),
    "performance": ("Kinerja (median waktu kerja)", "Performance (median working time)"),
    # titles
    "title_bottlenecks": ("Hambatan: waktu di atas Waktu SOP per langkah",
                          "Bottlenecks: time over the SOP's Waktu per step"),
    "title_waiting": ("Menunggu dan diproses per langkah, dibanding Waktu SOP",
                      "Waiting and processing per step, against the SOP's Waktu"),
    "title_trends": ("Tren per periode", "Trends by period"),
    "title_wip": ("Kasus berjalan dari waktu ke waktu", "Work in progress over time"),
    "title_variants": ("Varian proses", "Process variants"),
    "title_workload": ("Beban kerja", "Workload"),
    "title_offices": ("Perbandingan kantor", "Offices compared"),
    "title_roles": ("Langkah sebanding per jabatan, antarkantor",
                    "Comparable steps by role, across offices"),
    "title_map": ("Peta proses", "Process map"),
}  # fmt: skip

_UNITS: dict[str, tuple[str, str]] = {
    "minute": ("menit", "min"),
    "hour": ("jam", "h"),
    "day": ("hari kerja", "working days"),
}


def label(key: str, lang: Language = "id") -> str:
    """The label of ``key`` in the language asked for (the key itself when unknown)."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "id" else pair[1]


def format_minutes(minutes: float, *, minutes_per_day: float = 480.0, lang: Language = "id") -> str:
    """A working-time duration in the unit a reader expects: minutes, hours or working days.

    >>> format_minutes(35), format_minutes(150), format_minutes(1200, lang="en")
    ('35 menit', '2,5 jam', '2.5 working days')
    """
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return "-"
    index = 0 if lang == "id" else 1
    if abs(minutes) < 60:
        value, unit = minutes, "minute"
    elif abs(minutes) < minutes_per_day:
        value, unit = minutes / 60.0, "hour"
    else:
        value, unit = minutes / minutes_per_day, "day"
    text = f"{value:.0f}" if unit == "minute" or value >= 10 else f"{value:.1f}"
    if lang == "id":
        text = text.replace(".", ",")
    return f"{text} {_UNITS[unit][index]}"
