"""Specification of ``sopmine.analyze``: exact tables from hand-made verdicts, the sample logs.

The hand-made verdicts are small tables with the columns of ``sopmine.CASE_COLUMNS``,
``STEP_COLUMNS`` and ``DEVIATION_COLUMNS``, written as the check would write them; every
working-minute figure in them was worked out on the office's calendar (its hours, Indonesian
holidays and cuti bersama), and every expected figure below is worked out by hand from them.
The analytics do not judge conformance again, so the tables need not be a whole SOP path.

Karimun (SiCantik, Asia/Jakarta, 480 working minutes a Hari), steps 5-9 of the SOP:
V verifikasi_loker_pendaftaran (Waktu 10 menit), B verifikasi_back_office (5), K verifikasi_kasi
(5), L validasi_kabid (5), D tte_kadis (5).

- K-001 closed: V B K L D, Monday 3 March 2025; the Kadis signs 1,000 working minutes later.
- K-002 rejected: V B K L; V at 23:30 UTC on 31 January, which is 1 February in Jakarta; the
  Kepala Seksi also does the Kabid's validation (wrong actor, four eyes).
- K-003 closed: V K B L D (wrong order), arrives Friday 28 February, finishes 3 March.
- K-004 open: V B, the back office step done by a role the SOP does not know; at the as-of
  time (30 June 2025 16:00 WIB) it waits at verifikasi_kasi, well over its time.

Boltim (manual, Asia/Makassar), with a calendar of 08:00-14:00 (360 working minutes a Hari):

- M-001 closed: V B K L D, V at 23:30 UTC on 30 April (1 May 07:30 WITA, a holiday).
- M-002 closed on time, Tuesday 6 May.
- M-003 open since Monday 30 June 08:00 WITA, waiting at verifikasi_kasi.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pm4py
import pytest
from demo_store import DEMO_AS_OF, load_demo
from demo_store import SAMPLES as SAMPLES_DIR  # AS_OF here is the UTC instant

import sopmine
from sopmine import analyze
from sopmine.errors import SopmineError
from sopmine.sop import SopModel

KARIMUN = "karimun_sicantik"
BOLTIM = "boltim_izin_manual"
ROHIL = "rohil_izin_insidentil"
AS_OF = pd.Timestamp("2025-06-30 09:00", tz="UTC")  # 16:00 WIB, 17:00 WITA

# ----------------------------------------------------------------------------------------------
# Hand-made verdicts
# ----------------------------------------------------------------------------------------------

STEP = tuple[
    str, str, str | None, str | None, str | None, str | None, str, float, float, float
]  # case, step, role, resource, handover, started, completed (office time), w, p, elapsed
N = math.nan


@dataclass(frozen=True)
class Case:
    """What a case row holds besides what its steps tell."""

    case_id: str
    status: str
    conformant: bool
    fitness: float
    findings: tuple[tuple[str, str | None], ...]  # (deviation type, step id)
    service_elapsed: float
    service_target: float
    current_step: str | None = None
    step_elapsed: float = N
    step_target: float = N


@dataclass(frozen=True)
class Tables:
    """A check result as the analytics see one: three tables and the SOP id."""

    cases: pd.DataFrame
    steps: pd.DataFrame
    deviations: pd.DataFrame
    sop_id: str
    as_of: pd.Timestamp | None = None
    model_hash: str | None = None


def _instants(values: list[str | None], zone: str) -> pd.Series:
    local = pd.to_datetime(pd.Series(values, dtype=object))
    return local.dt.tz_localize(zone).dt.tz_convert("UTC").dt.as_unit("us")


def _categories(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].astype("category")
    return frame


def verdict_tables(model: SopModel, rows: list[STEP], cases: list[Case]) -> Tables:
    """The three verdict tables of hand-written step rows and cases, as the check writes them."""
    zone = model.office.timezone
    office = model.office.name
    steps = pd.DataFrame(
        {
            "sop_id": model.id,
            "office": office,
            "case_id": [r[0] for r in rows],
            "step_id": [r[1] for r in rows],
            "step_number": [model.step(r[1]).number for r in rows],
            "activity": [model.step(r[1]).name for r in rows],
            "role": [r[2] for r in rows],
            "resource": [r[3] for r in rows],
            "handover_at": _instants([r[4] for r in rows], zone),
            "started_at": _instants([r[5] for r in rows], zone),
            "completed_at": _instants([r[6] for r in rows], zone),
            "waiting_minutes": [r[7] for r in rows],
            "processing_minutes": [r[8] for r in rows],
            "elapsed_minutes": [r[9] for r in rows],
            "stopped_minutes": [0.0 if not math.isnan(r[9]) else N for r in rows],
            "target_minutes": [model.target_minutes(r[1]) for r in rows],
        }
    )
    steps["breach"] = (steps["elapsed_minutes"] > steps["target_minutes"]).to_numpy(dtype=bool)
    steps["source_file"] = f"{model.id}.csv"
    steps["source_row"] = pd.array(range(2, len(rows) + 2), dtype="Int64")
    steps = _categories(
        steps, ("sop_id", "office", "case_id", "step_id", "activity", "role", "resource",
                "source_file"),
    )  # fmt: skip

    case_rows = []
    finding_rows = []
    for case in cases:
        mine = steps[steps["case_id"] == case.case_id].sort_values("completed_at")
        variant = " > ".join(mine["step_id"].astype(str))
        finished = case.status != "open"
        clock = mine.loc[mine["step_id"] == model.sla.clock_start, "completed_at"]
        row: dict[str, Any] = {
            "sop_id": model.id,
            "office": office,
            "case_id": case.case_id,
            "status": case.status,
            "path": variant,
            "variant": variant,
            "conformant": case.conformant,
            "fitness": case.fitness,
            "deviations": len(case.findings),
        }
        for kind in sopmine.DEVIATION_TYPES:
            row[f"n_{kind}"] = sum(1 for k, _ in case.findings if k == kind)
        at_risk = not finished and (
            case.service_elapsed >= 0.8 * case.service_target
            or case.step_elapsed >= 0.8 * case.step_target
        )
        row |= {
            "events": len(mine),
            "first_event_at": mine["completed_at"].min(),
            "last_event_at": mine["completed_at"].max(),
            "current_step": case.current_step,
            "service_start": clock.max(),
            "service_end": mine["completed_at"].max() if finished else pd.NaT,
            "service_elapsed_minutes": case.service_elapsed,
            "service_target_minutes": case.service_target,
            "service_breach": case.service_elapsed > case.service_target,
            "remaining_minutes": N if finished else case.service_target - case.service_elapsed,
            "step_elapsed_minutes": case.step_elapsed,
            "step_target_minutes": case.step_target,
            "at_risk": at_risk,
        }
        case_rows.append(row)
        for kind, step_id in case.findings:
            done = mine[mine["step_id"] == step_id]
            finding_rows.append(
                {
                    "sop_id": model.id,
                    "office": office,
                    "case_id": case.case_id,
                    "type": kind,
                    "step_id": step_id,
                    "expected": "",
                    "observed": "",
                    "source_file": done["source_file"].iloc[0] if len(done) else None,
                    "source_row": done["source_row"].iloc[0] if len(done) else pd.NA,
                    "resource": done["resource"].iloc[0] if len(done) else None,
                    "role": done["role"].iloc[0] if len(done) else None,
                    "detail": f"{kind} in {case.case_id}",
                }
            )
    frame = pd.DataFrame(case_rows, columns=list(sopmine.CASE_COLUMNS))
    for column in ("first_event_at", "last_event_at", "service_start", "service_end"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.as_unit("us")
    frame = _categories(
        frame, ("sop_id", "office", "status", "path", "variant", "current_step")
    ).astype({"conformant": bool, "service_breach": bool, "at_risk": bool})
    deviations = pd.DataFrame(finding_rows, columns=list(sopmine.DEVIATION_COLUMNS))
    deviations["source_row"] = deviations["source_row"].astype("Int64")
    deviations = _categories(
        deviations, ("sop_id", "office", "case_id", "type", "step_id", "expected", "observed",
                     "source_file", "resource", "role", "detail"),
    )  # fmt: skip
    return Tables(frame, steps, deviations, model.id, AS_OF)


V, B, K, L, D = (
    "verifikasi_loker_pendaftaran",
    "verifikasi_back_office",
    "verifikasi_kasi",
    "validasi_kabid",
    "tte_kadis",
)
NIP_1, NIP_2 = "199001012020011001", "199202022020012002"

KARIMUN_STEPS: list[STEP] = [
    ("K-001", V, "Loker 2", NIP_1, None, "2025-03-03 08:55", "2025-03-03 09:00", N, 5, N),
    ("K-001", B, "Back Office", "bo.ani", "2025-03-03 09:00", "2025-03-03 09:20",
     "2025-03-03 09:30", 20, 10, 30),
    ("K-001", K, "Kasi", "kasi.budi", "2025-03-03 09:30", "2025-03-03 09:31",
     "2025-03-03 09:34", 1, 3, 4),
    ("K-001", L, "Kabid", "kabid.citra", "2025-03-03 09:34", "2025-03-03 10:34",
     "2025-03-03 10:39", 60, 5, 65),
    ("K-001", D, "Kepala Dinas", "kadis.dewi", "2025-03-03 10:39", None, "2025-03-05 11:19",
     N, N, 1000),
    ("K-002", V, "Loker 2", NIP_1, None, None, "2025-02-01 06:30", N, N, N),
    ("K-002", B, "Back Office", "bo.eko", "2025-02-01 06:30", "2025-02-03 08:02",
     "2025-02-03 08:06", 2, 4, 6),
    ("K-002", K, "Kasi", "kasi.budi", "2025-02-03 08:06", "2025-02-03 08:08",
     "2025-02-03 08:11", 2, 3, 5),
    ("K-002", L, "Kepala Seksi", "kasi.budi", "2025-02-03 08:11", "2025-02-03 08:19",
     "2025-02-03 08:21", 8, 2, 10),
    ("K-003", V, "Loker 2", NIP_2, None, "2025-02-28 15:47", "2025-02-28 15:50", N, 3, N),
    ("K-003", K, "Kasi", "kasi.budi", "2025-02-28 15:50", "2025-02-28 15:51",
     "2025-02-28 15:53", 1, 2, 3),
    ("K-003", B, "Back Office", "bo.ani", "2025-02-28 15:53", "2025-02-28 15:56",
     "2025-02-28 15:58", 3, 2, 5),
    ("K-003", L, "Kabid", "kabid.citra", "2025-02-28 15:58", "2025-03-03 08:02",
     "2025-03-03 08:03", 4, 1, 5),
    ("K-003", D, "Kepala Dinas", "kadis.dewi", "2025-03-03 08:03", None, "2025-03-03 08:23",
     N, N, 20),
    ("K-004", V, "Loker 2", NIP_1, None, "2025-06-25 08:48", "2025-06-25 09:00", N, 12, N),
    ("K-004", B, "Operator SiCantik", "bo.eko", "2025-06-25 09:00", "2025-06-25 10:30",
     "2025-06-25 10:40", 90, 10, 100),
]  # fmt: skip
KARIMUN_CASES = [
    Case("K-001", "closed", True, 1.0,
         (("step_sla_breach", B), ("step_sla_breach", L), ("step_sla_breach", D),
          ("service_sla_breach", None)), 1099, 35),
    Case("K-002", "rejected", False, 0.9,
         (("step_sla_breach", B), ("wrong_actor", L), ("step_sla_breach", L),
          ("segregation_of_duties", L), ("service_sla_breach", None)), 21, 15),
    Case("K-003", "closed", False, 0.8, (("wrong_order", B), ("step_sla_breach", D)), 33, 35),
    Case("K-004", "open", False, 0.5,
         (("wrong_actor", B), ("step_sla_breach", B), ("open_at_risk", None)), 1380, 35,
         current_step=K, step_elapsed=1280, step_target=5),
]  # fmt: skip

BV, BB, BK, BL, BD = (
    "verifikasi_loket_pendaftaran",
    "verifikasi_back_office",
    "verifikasi_kasi",
    "validasi_kabid",
    "penandatanganan_kadis",
)
BOLTIM_STEPS: list[STEP] = [
    ("M-001", BV, "Loket 2", "loket.fani", None, None, "2025-05-01 07:30", N, N, N),
    ("M-001", BB, "Back Office", "bo.gita", "2025-05-01 07:30", "2025-05-02 08:10",
     "2025-05-02 08:20", 10, 10, 20),
    ("M-001", BK, "Kasi Perizinan", "kasi.hadi", "2025-05-02 08:20", "2025-05-02 08:25",
     "2025-05-02 08:30", 5, 5, 10),
    ("M-001", BL, "Kabid", "kabid.indah", "2025-05-02 08:30", "2025-05-02 08:31",
     "2025-05-02 08:33", 1, 2, 3),
    ("M-001", BD, "Kepala Dinas", "kadis.joko", "2025-05-02 08:33", None, "2025-05-05 09:33",
     N, N, 420),
    ("M-002", BV, "Loket 2", "loket.fani", None, "2025-05-06 07:58", "2025-05-06 08:00",
     N, 0, N),
    ("M-002", BB, "Back Office", "bo.gita", "2025-05-06 08:00", "2025-05-06 08:01",
     "2025-05-06 08:04", 1, 3, 4),
    ("M-002", BK, "Kasi Perizinan", "kasi.hadi", "2025-05-06 08:04", "2025-05-06 08:05",
     "2025-05-06 08:06", 1, 1, 2),
    ("M-002", BL, "Kabid", "kabid.indah", "2025-05-06 08:06", "2025-05-06 08:07",
     "2025-05-06 08:09", 1, 2, 3),
    ("M-002", BD, "Kepala Dinas", "kadis.joko", "2025-05-06 08:09", None, "2025-05-06 08:12",
     N, N, 3),
    ("M-003", BV, "Loket 2", "loket.fani", None, None, "2025-06-30 08:00", N, N, N),
    ("M-003", BB, "Back Office", "bo.gita", "2025-06-30 08:00", "2025-06-30 08:05",
     "2025-06-30 08:10", 5, 5, 10),
]  # fmt: skip
BOLTIM_CASES = [
    Case("M-001", "closed", True, 1.0,
         (("step_sla_breach", BB), ("step_sla_breach", BK), ("step_sla_breach", BD),
          ("service_sla_breach", None)), 453, 35),
    Case("M-002", "closed", True, 1.0, (), 12, 35),
    Case("M-003", "open", True, 1.0, (("step_sla_breach", BB), ("open_at_risk", None)),
         360, 35, current_step=BK, step_elapsed=350, step_target=5),
]  # fmt: skip


def short_day_boltim() -> SopModel:
    """Boltim's model with office hours 08:00-14:00: one Hari is 360 working minutes.

    Built from the model's data, not with ``model_copy``: see
    ``test_a_model_copy_with_other_office_hours_has_their_calendar``.
    """
    data = sopmine.load_sop(BOLTIM).model_dump(by_alias=True)
    data["calendar"] = {**data["calendar"], "day_start": "08:00", "day_end": "14:00"}
    return SopModel.model_validate(data)


@pytest.fixture(scope="module")
def karimun() -> Tables:
    return verdict_tables(sopmine.load_sop(KARIMUN), KARIMUN_STEPS, KARIMUN_CASES)


@pytest.fixture(scope="module")
def boltim() -> Tables:
    return verdict_tables(short_day_boltim(), BOLTIM_STEPS, BOLTIM_CASES)


@pytest.fixture(scope="module")
def kv(karimun: Tables) -> analyze.Verdicts:
    """The Karimun verdicts, wrapped directly."""
    return analyze.Verdicts(
        cases=karimun.cases,
        steps=karimun.steps,
        deviations=karimun.deviations,
        models={KARIMUN: sopmine.load_sop(KARIMUN)},
        as_of=AS_OF,
    )


@pytest.fixture(scope="module")
def two(karimun: Tables, boltim: Tables) -> analyze.Verdicts:
    """Karimun (WIB, 480 minutes a Hari) and Boltim (WITA, 360), through ``as_verdicts``."""
    return analyze.as_verdicts(
        [karimun, boltim], models=[sopmine.load_sop(KARIMUN), short_day_boltim()]
    )


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with plain dtypes (categoricals and strings as objects), so frames compare."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if isinstance(dtype, pd.CategoricalDtype | pd.StringDtype) or str(dtype) in (
            "object",
            "str",
        ):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
        elif pd.api.types.is_bool_dtype(dtype):
            out[column] = out[column].astype(bool)
        elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
            out[column] = out[column].astype("float64")
    return out.reset_index(drop=True)


def assert_table(got: pd.DataFrame, want: dict[str, list[Any]]) -> None:
    """``got`` has exactly these columns, in this order, with these values (floats to 1e-9)."""
    assert list(got.columns) == list(want)
    pd.testing.assert_frame_equal(
        plain(got), plain(pd.DataFrame(want)), check_dtype=False, rtol=1e-9, atol=1e-9
    )


def at_steps_5_to_9(performed: list[Any], other: Any) -> list[Any]:
    """A column of Karimun's 12 steps: values for steps 5-9, ``other`` for the rest."""
    return [other] * 4 + performed + [other] * 3


# ----------------------------------------------------------------------------------------------
# Steps and bottlenecks
# ----------------------------------------------------------------------------------------------


def test_analyze_steps_gives_every_sop_step_its_spread_breaches_and_time_over_target(
    kv: analyze.Verdicts,
) -> None:
    model = sopmine.load_sop(KARIMUN)
    got = analyze.analyze_steps(kv)
    assert_table(
        got,
        {
            "sop_id": [KARIMUN] * 12,
            "office": [model.office.name] * 12,
            "step_id": [s.id for s in model.steps],
            "step_number": list(range(1, 13)),
            "step_name": [s.name for s in model.steps],
            "actor": ["pemohon"] * 4
            + ["fo_loker_2", "bo_analis", "kasi_perizinan", "kabid_perizinan", "kadis"]
            + ["fo_loker_4", "fo_loker_5", "fo_loker_5"],
            "actor_name": ["Pemohon"] * 4
            + ["FO/Petugas Loker 2", "BO/Analisis Dokumen Perizinan", "Kepala Seksi Perizinan",
               "Kepala Bidang Perizinan Terkait", "Kepala Dinas"]
            + ["FO/Petugas Loker 4", "FO/Petugas Loker 5", "FO/Petugas Loker 5"],
            "volume": at_steps_5_to_9([4, 4, 3, 3, 2], 0),
            "cases": at_steps_5_to_9([4, 4, 3, 3, 2], 0),
            "target_minutes": [5.0, 15, 15, 15, 10, 5, 5, 5, 5, 5, 5, 5],
            "waiting_median_minutes": at_steps_5_to_9([N, 11.5, 1, 8, N], N),
            "waiting_p90_minutes": at_steps_5_to_9([N, 69, 1.8, 49.6, N], N),
            "waiting_max_minutes": at_steps_5_to_9([N, 90, 2, 60, N], N),
            "processing_median_minutes": at_steps_5_to_9([5, 7, 3, 2, N], N),
            "processing_p90_minutes": at_steps_5_to_9([10.6, 10, 3, 4.4, N], N),
            "processing_max_minutes": at_steps_5_to_9([12, 10, 3, 5, N], N),
            "elapsed_median_minutes": at_steps_5_to_9([N, 18, 4, 10, 510], N),
            "elapsed_p90_minutes": at_steps_5_to_9([N, 79, 4.8, 54, 902], N),
            "elapsed_max_minutes": at_steps_5_to_9([N, 100, 5, 65, 1000], N),
            "timed": at_steps_5_to_9([0, 4, 3, 3, 2], 0),
            # B: 5 min, 30 min, 1 h 40 and a weekend (49.6 h); D: 20 min and 48 h 40.
            "elapsed_calendar_median_hours": at_steps_5_to_9(
                [N, (0.5 + 100 / 60) / 2, 4 / 60, 65 / 60, (20 / 60 + 48 + 40 / 60) / 2], N
            ),
            "breaches": at_steps_5_to_9([0, 3, 0, 2, 2], 0),
            "breach_pct": at_steps_5_to_9([N, 75, 0, 200 / 3, 100], N),
            "over_target_minutes": at_steps_5_to_9([0, 25 + 1 + 95, 0, 60 + 5, 995 + 15], 0.0),
            "over_target_days": at_steps_5_to_9([0, 121 / 480, 0, 65 / 480, 1010 / 480], 0.0),
        },
    )  # fmt: skip
    assert list(got.columns) == list(analyze.STEP_STAT_COLUMNS)


def test_rank_bottlenecks_puts_the_most_time_over_target_first(kv: analyze.Verdicts) -> None:
    ranked = analyze.rank_bottlenecks(kv)
    assert_table(
        ranked[["step_id", "rank", "over_target_minutes", "over_target_share", "breach_pct"]],
        {
            "step_id": [D, B, L, K, V],  # K and V: nothing over target; K's 0% before V's none
            "rank": [1, 2, 3, 4, 5],
            "over_target_minutes": [1010.0, 121, 65, 0, 0],
            "over_target_share": [101000 / 1196, 12100 / 1196, 6500 / 1196, 0, 0],
            "breach_pct": [100, 75, 200 / 3, 0, N],
        },
    )
    steps = analyze.analyze_steps(kv)
    assert list(ranked.columns) == [*steps.columns, "over_target_share", "rank"]
    same = ranked.drop(columns=["over_target_share", "rank"]).set_index("step_id")
    pd.testing.assert_frame_equal(
        plain(same.reset_index()),
        plain(steps.set_index("step_id").loc[[D, B, L, K, V]].reset_index()),
    )
    top = analyze.rank_bottlenecks(steps, top=2)  # from the step table, cut to two
    assert top["step_id"].tolist() == [D, B]
    assert top["over_target_share"].tolist() == pytest.approx([101000 / 1196, 12100 / 1196])


# ----------------------------------------------------------------------------------------------
# Variants, people and roles
# ----------------------------------------------------------------------------------------------


def test_summarize_variants_most_common_first_ties_by_text(kv: analyze.Verdicts) -> None:
    assert_table(
        analyze.summarize_variants(kv),
        {
            "sop_id": [KARIMUN] * 4,
            "rank": [1, 2, 3, 4],
            "variant": [f"{V} > {B}", f"{V} > {B} > {K} > {L}", f"{V} > {B} > {K} > {L} > {D}",
                        f"{V} > {K} > {B} > {L} > {D}"],
            "numbers": ["5 > 6", "5 > 6 > 7 > 8", "5 > 6 > 7 > 8 > 9", "5 > 7 > 6 > 8 > 9"],
            "length": [2, 4, 5, 5],
            "cases": [1, 1, 1, 1],
            "share_pct": [25.0] * 4,
            "cumulative_pct": [25.0, 50, 75, 100],
            "conformant_pct": [0.0, 0, 100, 0],
            "mean_fitness": [0.5, 0.9, 1.0, 0.8],
            "finished": [0, 1, 1, 1],
            "on_time_pct": [N, 0, 0, 100],
            "median_service_minutes": [N, 21, 1099, 33],
            "median_service_days": [N, 21 / 480, 1099 / 480, 33 / 480],
        },
    )  # fmt: skip
    assert analyze.summarize_variants(kv, top=2)["rank"].tolist() == [1, 2]


def test_summarize_workload_by_role_names_sop_actors_and_keeps_unknown_role_text(
    kv: analyze.Verdicts,
) -> None:
    assert_table(
        analyze.summarize_workload(kv),
        {
            "sop_id": [KARIMUN] * 6,
            "role": ["fo_loker_2", "kasi_perizinan", "bo_analis", "kabid_perizinan", "kadis",
                     "Operator SiCantik"],
            "role_name": ["FO/Petugas Loker 2", "Kepala Seksi Perizinan",
                          "BO/Analisis Dokumen Perizinan", "Kepala Bidang Perizinan Terkait",
                          "Kepala Dinas", "Operator SiCantik"],
            "steps_done": [4, 4, 3, 2, 2, 1],
            "cases": [4, 3, 3, 2, 2, 1],
            "share_pct": [25.0, 25, 18.75, 12.5, 12.5, 6.25],
            "elapsed_median_minutes": [N, 4.5, 6, 35, 510, 100],
            "elapsed_total_minutes": [N, 22, 41, 70, 1020, 100],  # nothing timed: no total
            "breaches": [0, 1, 2, 1, 2, 1],
            "breach_pct": [N, 25, 200 / 3, 50, 100, 100],
            "over_target_minutes": [0.0, 5, 26, 60, 1010, 95],
            "over_target_days": [0.0, 5 / 480, 26 / 480, 60 / 480, 1010 / 480, 95 / 480],
        },
    )  # fmt: skip


def test_summarize_workload_by_resource_counts_each_person_in_each_role(
    kv: analyze.Verdicts,
) -> None:
    assert_table(
        analyze.summarize_workload(kv, by="resource"),
        {
            "sop_id": [KARIMUN] * 8,
            "resource": ["kasi.budi", NIP_1, "bo.ani", "kabid.citra", "kadis.dewi", "bo.eko",
                         NIP_2, "bo.eko"],
            "role": ["kasi_perizinan", "fo_loker_2", "bo_analis", "kabid_perizinan", "kadis",
                     "bo_analis", "fo_loker_2", "Operator SiCantik"],
            "role_name": ["Kepala Seksi Perizinan", "FO/Petugas Loker 2",
                          "BO/Analisis Dokumen Perizinan", "Kepala Bidang Perizinan Terkait",
                          "Kepala Dinas", "BO/Analisis Dokumen Perizinan", "FO/Petugas Loker 2",
                          "Operator SiCantik"],
            "steps_done": [4, 3, 2, 2, 2, 1, 1, 1],
            "cases": [3, 3, 2, 2, 2, 1, 1, 1],
            "share_pct": [25.0, 18.75, 12.5, 12.5, 12.5, 6.25, 6.25, 6.25],
            "elapsed_median_minutes": [4.5, N, 17.5, 35, 510, 6, N, 100],
            "elapsed_total_minutes": [22.0, N, 35, 70, 1020, 6, N, 100],
            "breaches": [1, 0, 1, 1, 2, 1, 0, 1],
            "breach_pct": [25.0, N, 50, 50, 100, 100, N, 100],
            "over_target_minutes": [5.0, 0, 25, 60, 1010, 1, 0, 95],
            "over_target_days": [5 / 480, 0, 25 / 480, 60 / 480, 1010 / 480, 1 / 480, 0,
                                 95 / 480],
        },
    )  # fmt: skip


def test_count_handovers_between_roles_most_frequent_first(kv: analyze.Verdicts) -> None:
    # K-002's validation by the Kasi after the Kasi's own check is no handover.
    fo, bo, kasi, kabid = "fo_loker_2", "bo_analis", "kasi_perizinan", "kabid_perizinan"
    names = {fo: "FO/Petugas Loker 2", bo: "BO/Analisis Dokumen Perizinan",
             kasi: "Kepala Seksi Perizinan", kabid: "Kepala Bidang Perizinan Terkait",
             "kadis": "Kepala Dinas", "Operator SiCantik": "Operator SiCantik"}  # fmt: skip
    pairs = [(fo, bo), (bo, kasi), (kabid, "kadis"), (kasi, kabid), (fo, kasi), (kasi, bo),
             (bo, kabid), (fo, "Operator SiCantik")]  # fmt: skip
    assert_table(
        analyze.count_handovers(kv),
        {
            "sop_id": [KARIMUN] * 8,
            "from_role": [a for a, _ in pairs],
            "to_role": [b for _, b in pairs],
            "from_role_name": [names[a] for a, _ in pairs],
            "to_role_name": [names[b] for _, b in pairs],
            "handovers": [2, 2, 2, 1, 1, 1, 1, 1],
            "cases": [2, 2, 2, 1, 1, 1, 1, 1],
            "elapsed_median_minutes": [18.0, 4.5, 510, 65, 3, 5, 5, 100],
            "over_target_minutes": [26.0, 0, 1010, 60, 0, 0, 0, 95],
        },
    )


def test_find_role_delays_splits_a_steps_time_over_target_between_its_performers(
    kv: analyze.Verdicts,
) -> None:
    assert_table(
        analyze.find_role_delays(kv),
        {
            "sop_id": [KARIMUN] * 7,
            "step_id": [D, B, B, L, L, V, K],
            "step_number": [9, 6, 6, 8, 8, 5, 7],
            "role": ["kadis", "Operator SiCantik", "bo_analis", "kabid_perizinan",
                     "kasi_perizinan", "fo_loker_2", "kasi_perizinan"],
            "role_name": ["Kepala Dinas", "Operator SiCantik", "BO/Analisis Dokumen Perizinan",
                          "Kepala Bidang Perizinan Terkait", "Kepala Seksi Perizinan",
                          "FO/Petugas Loker 2", "Kepala Seksi Perizinan"],
            "expected_role": ["kadis", "bo_analis", "bo_analis", "kabid_perizinan",
                              "kabid_perizinan", "fo_loker_2", "kasi_perizinan"],
            "volume": [2, 1, 3, 2, 1, 4, 3],
            "elapsed_median_minutes": [510.0, 100, 6, 35, 10, N, 4],
            "breach_pct": [100.0, 100, 200 / 3, 50, 100, N, 0],
            "over_target_minutes": [1010.0, 95, 26, 60, 5, 0, 0],
            "delay_share_pct": [100.0, 9500 / 121, 2600 / 121, 6000 / 65, 500 / 65, 0, 0],
            "delays_most": [True, True, False, True, False, False, False],
        },
    )  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Headline figures, trends, work in progress
# ----------------------------------------------------------------------------------------------

BOLTIM_OFFICE = (
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Bolaang Mongondow Timur"
)
KARIMUN_OFFICE = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Karimun"
KPIS = {
    "sop_id": [BOLTIM, KARIMUN],
    "office": [BOLTIM_OFFICE, KARIMUN_OFFICE],
    "service": ["Penerbitan Izin secara Manual", "Penerbitan Izin dengan Aplikasi SiCantik Cloud"],
    "cases": [3, 4],
    "finished": [2, 3],
    "on_time_pct": [50.0, 100 / 3],
    # Boltim's Hari is 360 working minutes, Karimun's 480.
    "median_service_days": [(453 + 12) / 2 / 360, 33 / 480],
    "p90_service_days": [(12 + 0.9 * 441) / 360, (33 + 0.8 * 1066) / 480],
    "conformant_pct": [100.0, 25],
    "open": [1, 1],
    "at_risk": [1, 1],
    "deviations": [6, 14],
    "step_breach_pct": [400 / 9, 700 / 12],
}


def test_summarize_kpis_per_sop(two: analyze.Verdicts) -> None:
    got = analyze.summarize_kpis(two)
    assert set(got.columns) == set(KPIS)
    assert_table(got[list(KPIS)], KPIS)


def test_summarize_trends_counts_in_office_months(two: analyze.Verdicts) -> None:
    # K-002 arrived at 23:30 UTC on 31 January: 1 February in Jakarta. M-001 at 23:30 UTC on
    # 30 April: 1 May in Makassar. K-003 arrived in February and finished in March.
    # Karimun's quiet April and May have rows too (nothing arrived or finished, rates empty).
    month = pd.Timestamp
    assert_table(
        analyze.summarize_trends(two),
        {
            "sop_id": [BOLTIM, BOLTIM] + [KARIMUN] * 5,
            "period": [month("2025-05-01"), month("2025-06-01")]
            + [month(f"2025-{m:02d}-01") for m in range(2, 7)],
            "arrivals": [2, 1, 2, 1, 0, 0, 1],
            "finished": [2, 0, 1, 2, 0, 0, 0],
            "on_time_pct": [50.0, N, 0, 50, N, N, N],
            "median_service_days": [465 / 720, N, 21 / 480, (1099 + 33) / 960, N, N, N],
            "conformant_pct": [100.0, N, 0, 50, N, N, N],
            "step_breach_pct": [37.5, 100, 40, 400 / 6, N, N, 100],
            "open_at_end": [0, 1, 1, 0, 0, 0, 1],
            "partial": [False, True, False, False, False, False, True],
        },
    )  # fmt: skip


def test_count_work_in_progress_per_office_day_month_and_week(two: analyze.Verdicts) -> None:
    month = pd.Timestamp
    assert_table(
        analyze.count_work_in_progress(two, freq="month"),
        {
            "sop_id": [BOLTIM] * 2 + [KARIMUN] * 5,
            "period": [month("2025-05-01"), month("2025-06-01")]
            + [month(f"2025-{m:02d}-01") for m in range(2, 7)],
            "open_at_end": [0, 1, 1, 0, 0, 0, 1],
        },
    )
    days = analyze.count_work_in_progress(two.select(sop_id=KARIMUN), freq="day")
    by_day = dict(zip(days["period"], days["open_at_end"], strict=True))
    assert days["period"].iloc[0] == pd.Timestamp("2025-02-01")  # Jakarta's date, not UTC's
    assert days["period"].iloc[-1] == pd.Timestamp("2025-06-30")  # the as-of day
    days_seen = ("2025-02-01", "2025-02-28", "2025-03-03", "2025-03-04", "2025-03-05",
                 "2025-06-24", "2025-06-25")  # fmt: skip
    assert [by_day[pd.Timestamp(d)] for d in days_seen] == [1, 1, 1, 1, 0, 0, 1]


def test_weeks_start_on_monday_in_office_time(two: analyze.Verdicts) -> None:
    """K-002 arrived on Saturday 1 February in Jakarta: the week of Monday 27 January."""
    weeks = analyze.summarize_trends(two.select(sop_id=KARIMUN), freq="week")
    assert weeks["period"].tolist() == list(pd.date_range("2025-01-27", "2025-06-30", freq="7D"))
    busy = weeks[(weeks["arrivals"] > 0) | (weeks["finished"] > 0)]
    assert busy["period"].tolist() == [
        pd.Timestamp(d) for d in ("2025-01-27", "2025-02-03", "2025-02-24", "2025-03-03",
                                  "2025-06-23")
    ]  # fmt: skip
    assert busy["arrivals"].tolist() == [1, 0, 1, 1, 1]
    assert busy["finished"].tolist() == [0, 1, 0, 2, 0]
    weeks = analyze.count_work_in_progress(two.select(sop_id=KARIMUN))
    assert weeks["period"].iloc[0] == pd.Timestamp("2025-01-27")
    assert weeks["period"].iloc[-1] == pd.Timestamp("2025-06-30")


def test_weekly_periods_use_no_deprecated_pandas_api(kv: analyze.Verdicts) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        analyze.count_work_in_progress(kv)


# ----------------------------------------------------------------------------------------------
# Open cases
# ----------------------------------------------------------------------------------------------


def test_list_open_cases_in_each_offices_working_days(two: analyze.Verdicts) -> None:
    utc = pd.Timestamp
    assert_table(
        analyze.list_open_cases(two),
        {
            "sop_id": [KARIMUN, BOLTIM],
            "office": [KARIMUN_OFFICE, BOLTIM_OFFICE],
            "case_id": ["K-004", "M-003"],
            "current_step": [K, BK],
            "current_step_name": ["Verifikasi keabsahan dan validasi Kasi"] * 2,
            "current_actor": ["Kepala Seksi Perizinan"] * 2,
            "arrived_at": [utc("2025-06-25 02:00", tz="UTC"), utc("2025-06-30 00:00", tz="UTC")],
            "last_event_at": [utc("2025-06-25 03:40", tz="UTC"),
                              utc("2025-06-30 00:10", tz="UTC")],
            "step_elapsed_minutes": [1280.0, 350],
            "step_target_minutes": [5.0, 5],
            "step_remaining_days": [-1275 / 480, -345 / 360],
            "service_elapsed_minutes": [1380.0, 360],
            "service_target_minutes": [35.0, 35],
            "service_used_pct": [138000 / 35, 36000 / 35],
            "remaining_minutes": [-1345.0, -325],
            "remaining_days": [-1345 / 480, -325 / 360],
            "at_risk": [True, True],
            "overdue": [True, True],
        },
    )  # fmt: skip


def rohil_with_a_service_target() -> SopModel:
    """Rokan Hilir's Izin Insidentil with a service target of its own: 20 Hari (9,600 min)."""
    data = sopmine.load_sop(ROHIL).model_dump(by_alias=True)
    data["sla"] = {**data["sla"], "service_target": {"value": 20, "unit": "hari"}}
    return SopModel.model_validate(data)


R_STEPS: list[STEP] = [
    # the Tim Teknis has had it for 2,340 of its 2,880 minutes (81%): at risk, 15 days left.
    ("R-1", "pendaftaran", "Pemohon", None, None, None, "2025-06-23 08:40", N, N, N),
    ("R-1", "pemeriksaan_berkas", "Front Office", "fo.ayu", "2025-06-23 08:40",
     "2025-06-23 08:50", "2025-06-23 09:00", 10, 10, 20),
    # 6,000 of 9,600 minutes used, the current step just begun: not at risk, 7.5 days left.
    ("R-2", "pendaftaran", "Pemohon", None, None, None, "2025-06-11 11:40", N, N, N),
    ("R-2", "pemeriksaan_berkas", "Front Office", "fo.ayu", "2025-06-11 11:40",
     "2025-06-11 11:50", "2025-06-11 12:00", 10, 10, 20),
    ("R-2", "rekomendasi_teknis", "Tim Teknis", "tt.bayu", "2025-06-11 12:00",
     "2025-06-12 08:00", "2025-06-30 15:55", 240, 5755, 5995),
    # 9,700 minutes used: overdue by 100.
    ("R-3", "pendaftaran", "Pemohon", None, None, None, "2025-05-26 14:00", N, N, N),
    ("R-3", "pemeriksaan_berkas", "Front Office", "fo.ayu", "2025-05-26 14:00",
     "2025-05-26 14:10", "2025-05-26 14:20", 10, 10, 20),
    ("R-3", "rekomendasi_teknis", "Tim Teknis", "tt.bayu", "2025-05-26 14:20", None,
     "2025-06-10 10:00", N, N, 3100),
    ("R-3", "entri_data", "Back Office", "bo.candra", "2025-06-10 10:00", None,
     "2025-06-30 15:57", N, N, 6597),
    # the file is still being checked at the counter; the service clock has not started.
    ("R-4", "pendaftaran", "Pemohon", None, None, None, "2025-06-30 15:57", N, N, N),
]  # fmt: skip
R_CASES = [
    Case("R-1", "open", True, 1.0, (("open_at_risk", None),), 2340, 9600,
         "rekomendasi_teknis", 2340, 2880),
    Case("R-2", "open", True, 1.0, (("step_sla_breach", "rekomendasi_teknis"),), 6000, 9600,
         "entri_data", 5, 15),
    Case("R-3", "open", True, 1.0,
         (("step_sla_breach", "rekomendasi_teknis"), ("step_sla_breach", "entri_data"),
          ("service_sla_breach", None), ("open_at_risk", None)), 9700, 9600,
         "verifikasi_sub_koordinator", 3, 10),
    Case("R-4", "open", True, 1.0, (), N, 9600, "pemeriksaan_berkas", 3, 15),
]  # fmt: skip


def test_list_open_cases_at_risk_first_then_fewest_working_days_left() -> None:
    model = rohil_with_a_service_target()
    tables = verdict_tables(model, R_STEPS, R_CASES)
    got = analyze.list_open_cases(analyze.as_verdicts(tables, models=[model]))
    # R-1 (at risk through its step) comes before R-2, though R-2 has fewer days left.
    assert_table(
        got[["case_id", "current_step", "current_actor", "step_remaining_days",
             "service_used_pct", "remaining_minutes", "remaining_days", "at_risk", "overdue"]],
        {
            "case_id": ["R-3", "R-1", "R-2", "R-4"],
            "current_step": ["verifikasi_sub_koordinator", "rekomendasi_teknis", "entri_data",
                             "pemeriksaan_berkas"],
            "current_actor": ["Sub Koordinator Perizinan", "Tim Teknis", "Back Office",
                              "Front Office"],
            "step_remaining_days": [7 / 480, 540 / 480, 10 / 480, 12 / 480],
            "service_used_pct": [9700 / 96, 2340 / 96, 6000 / 96, N],
            "remaining_minutes": [-100.0, 7260, 3600, N],
            "remaining_days": [-100 / 480, 7260 / 480, 7.5, N],
            "at_risk": [True, True, False, False],
            "overdue": [True, False, False, False],
        },
    )  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Offices and roles side by side
# ----------------------------------------------------------------------------------------------


def test_compare_offices_in_each_offices_own_working_days(two: analyze.Verdicts) -> None:
    got = analyze.compare_offices(two)
    want = {
        **dict(list(KPIS.items())[:2]),
        "regency": ["Kabupaten Bolaang Mongondow Timur", "Kabupaten Karimun"],
        **dict(list(KPIS.items())[2:]),
        "timezone": ["Asia/Makassar", "Asia/Jakarta"],
        "minutes_per_day": [360, 480],
    }
    assert set(got.columns) == set(want)
    assert_table(got[list(want)], want)


ROLES = {
    "family": ["back_office"] * 2 + ["front_office"] * 2 + ["kepala_bidang"] * 2
    + ["kepala_dinas"] * 2 + ["kepala_seksi"] * 2,
    "office": [BOLTIM_OFFICE, KARIMUN_OFFICE] * 5,
    "regency": ["Kabupaten Bolaang Mongondow Timur", "Kabupaten Karimun"] * 5,
    "sop_id": [BOLTIM, KARIMUN] * 5,
    "steps": ["4", "6", "3, 8, 9, 10", "5, 10, 11, 12", "6", "8", "7", "9", "5", "7"],
    "volume": [3, 4, 3, 4, 2, 3, 2, 2, 2, 3],
    "cases": [3, 4, 3, 4, 2, 3, 2, 2, 2, 3],
    "elapsed_median_minutes": [10.0, 18, N, N, 3, 10, 211.5, 510, 6, 4],
    "elapsed_median_days": [10 / 360, 18 / 480, N, N, 3 / 360, 10 / 480, 211.5 / 360,
                            510 / 480, 6 / 360, 4 / 480],
    "breach_pct": [200 / 3, 75, N, N, 0, 200 / 3, 50, 100, 50, 0],
    "over_target_minutes_per_case": [20 / 3, 121 / 4, 0, 0, 0, 65 / 3, 415 / 2, 505, 5 / 2, 0],
    "sops_compared": [2] * 10,
}  # fmt: skip


def test_compare_roles_matches_steps_by_role_family_across_offices(
    two: analyze.Verdicts,
) -> None:
    assert_table(analyze.compare_roles(two), ROLES)


def test_compare_roles_family_overrides(two: analyze.Verdicts) -> None:
    # Karimun's Kasi counted with the Kabid: steps 7 and 8 together.
    got = analyze.compare_roles(two, families={KARIMUN: {"kasi_perizinan": "kepala_bidang"}})
    rows = got.set_index(["family", "sop_id"])
    merged = rows.loc[("kepala_bidang", KARIMUN)]
    assert merged["steps"] == "7, 8"
    assert (merged["volume"], merged["cases"]) == (6, 3)
    assert merged["elapsed_median_minutes"] == 5.0  # of 3, 4, 5, 5, 10, 65
    assert merged["breach_pct"] == pytest.approx(100 / 3)
    assert merged["over_target_minutes_per_case"] == pytest.approx(65 / 3)
    assert got.loc[got["family"] == "kepala_seksi", "sop_id"].tolist() == [BOLTIM]
    assert got.loc[got["family"] == "kepala_seksi", "sops_compared"].tolist() == [1]


# ----------------------------------------------------------------------------------------------
# Sources: Verdicts, check results, selection
# ----------------------------------------------------------------------------------------------


def test_as_verdicts_of_a_check_result_equals_the_wrapped_tables(
    karimun: Tables, kv: analyze.Verdicts
) -> None:
    # Without models=: the registry's model, since the result carries its hash.
    made = analyze.as_verdicts(replace(karimun, model_hash=sopmine.load_sop(KARIMUN).hash))
    assert list(made.models) == [KARIMUN]
    assert made.as_of == AS_OF
    assert analyze.as_verdicts(kv) is kv
    pd.testing.assert_frame_equal(analyze.analyze_steps(made), analyze.analyze_steps(kv))
    pd.testing.assert_frame_equal(
        analyze.summarize_variants(
            [karimun],
        ),
        analyze.summarize_variants(kv),
    )


def test_select_narrows_cases_by_office_time_arrival_and_keeps_their_rows(
    two: analyze.Verdicts,
) -> None:
    february = two.select(period_from="2025-02-01", period_to="2025-02-28")
    assert february.cases["case_id"].tolist() == ["K-002", "K-003"]  # K-002: 31 Jan in UTC
    assert sorted(set(february.steps["case_id"].astype(str))) == ["K-002", "K-003"]
    assert len(february.steps) == 4 + 5
    assert len(february.deviations) == 5 + 2
    assert analyze.summarize_kpis(february)["cases"].tolist() == [2]
    assert len(two.select(period_to="2025-01-31").cases) == 0
    boltim = two.select(office=BOLTIM_OFFICE)
    assert list(boltim.models) == [BOLTIM]
    assert boltim.cases["case_id"].tolist() == ["M-001", "M-002", "M-003"]
    assert len(boltim.steps) == 12
    may_first = two.select(sop_id=BOLTIM, period_from="2025-05-01", period_to="2025-05-01")
    assert may_first.cases["case_id"].tolist() == ["M-001"]  # 30 April 23:30 UTC


# ----------------------------------------------------------------------------------------------
# The process map, by hand
# ----------------------------------------------------------------------------------------------

S, E = analyze.START, analyze.END


def test_process_map_edges_of_the_hand_made_cases(kv: analyze.Verdicts) -> None:
    # The cases start at step 5, so START -> 5 deviates and the SOP's START -> 1 is unused;
    # the open K-004 has no edge to END; the rejection at validasi_kabid is an SOP flow.
    edges = [
        (V, B, 3, 3, 30.0, 86.0, "expected", "decision"),
        (L, D, 2, 2, 510, 902, "expected", "decision"),
        (B, K, 2, 2, 4.5, 4.9, "expected", "decision"),
        (K, L, 2, 2, 37.5, 59.5, "expected", "decision"),
        (L, E, 1, 1, N, N, "expected", "decision"),
        (S, V, 4, 4, N, N, "deviating", None),
        (D, E, 2, 2, N, N, "deviating", None),
        (B, L, 1, 1, 5, 5, "deviating", None),
        (K, B, 1, 1, 5, 5, "deviating", None),
        (V, K, 1, 1, 3, 3, "deviating", None),
        (S, "akses_formulir", 0, 0, N, N, "unused", "start"),
        ("akses_formulir", "registrasi_akun", 0, 0, N, N, "unused", "sequence"),
        ("cetak_izin", "pengisian_skm", 0, 0, N, N, "unused", "sequence"),
        ("pengisian_formulir", "unggah_persyaratan", 0, 0, N, N, "unused", "sequence"),
        ("pengisian_skm", "penyerahan_izin", 0, 0, N, N, "unused", "sequence"),
        ("penyerahan_izin", E, 0, 0, N, N, "unused", "sequence"),
        ("registrasi_akun", "pengisian_formulir", 0, 0, N, N, "unused", "sequence"),
        (D, "cetak_izin", 0, 0, N, N, "unused", "sequence"),
        ("unggah_persyaratan", V, 0, 0, N, N, "unused", "sequence"),
        (B, "unggah_persyaratan", 0, 0, N, N, "unused", "return"),
        (K, "unggah_persyaratan", 0, 0, N, N, "unused", "return"),
        (V, "unggah_persyaratan", 0, 0, N, N, "unused", "return"),
    ]
    columns = ["source", "target", "frequency", "cases", "elapsed_median_minutes",
               "elapsed_p90_minutes", "kind", "sop_kind"]  # fmt: skip
    pm = analyze.discover_process_map(kv)
    assert_table(pm.edges, {c: [e[i] for e in edges] for i, c in enumerate(columns)})
    nodes = pm.nodes.set_index("step_id")
    assert nodes["frequency"].tolist() == at_steps_5_to_9([4, 4, 3, 3, 2], 0)
    assert nodes.loc[[B, L, D], "breach_pct"].tolist() == pytest.approx([75, 200 / 3, 100])
    assert nodes["layer"].tolist() == list(range(12))  # one straight line along the SOP


# ----------------------------------------------------------------------------------------------
# The sample logs, end to end
# ----------------------------------------------------------------------------------------------

#: sample_logs/README.md, "most time over target".
WORST_STEP = {
    ROHIL: "rekomendasi_teknis",
    "rohil_orsos": "penerusan_tim_teknis",
    BOLTIM: "penandatanganan_kadis",
    "dairi_iumk_oss": "peninjauan_lapangan",
    KARIMUN: "tte_kadis",
}
ROHIL_OFFICE = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Rokan Hilir"


@dataclass(frozen=True)
class Demo:
    """The demo store and what ``check_store`` returned for it."""

    db: Path
    checks: list[sopmine.StoreCheck]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The five sample logs loaded as ``make demo`` loads them, and checked as of 30 June 16:00."""
    db = tmp_path_factory.mktemp("analyze") / "demo.duckdb"
    load_demo(db)
    return Demo(db, sopmine.check_store(db=db, as_of=DEMO_AS_OF))


@pytest.fixture(scope="session")
def stored(demo: Demo) -> analyze.Verdicts:
    return sopmine.read_verdicts(demo.db)


def readme_rows() -> dict[str, list[str]]:
    """sample_logs/README.md's table, by SOP: file, SOP, profile, cases, rows, closed /
    rejected / open, at risk, on time, deviations, dirty rows, most time over target."""
    rows = [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in (SAMPLES_DIR / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `00")
    ]
    return {row[1]: row for row in rows}


def test_the_readme_names_the_worst_step_of_each_sample() -> None:
    assert {sop: row[-1].split()[0] for sop, row in readme_rows().items()} == WORST_STEP


def test_the_headline_figures_of_the_samples_are_the_readmes(stored: analyze.Verdicts) -> None:
    kpis = analyze.summarize_kpis(stored).set_index("sop_id")
    for sop, row in readme_rows().items():
        closed, rejected, still_open = (int(n) for n in row[5].split(" / "))
        got = kpis.loc[sop]
        assert got["cases"] == int(row[3].replace(",", "")), sop
        assert (got["finished"], got["open"]) == (closed + rejected, still_open), sop
        assert round(got["on_time_pct"]) == int(row[7].rstrip("%")), sop
    offices = analyze.compare_offices(stored)
    # By regency (Bolaang Mongondow Timur, Dairi, Karimun, Rokan Hilir), then office and SOP.
    assert offices["sop_id"].tolist() == [BOLTIM, "dairi_iumk_oss", KARIMUN, ROHIL, "rohil_orsos"]
    assert dict(zip(offices["sop_id"], offices["timezone"], strict=True))[BOLTIM] == (
        "Asia/Makassar"
    )


def test_the_worst_bottleneck_of_each_sample_is_the_one_the_readme_names(
    stored: analyze.Verdicts,
) -> None:
    ranked = analyze.rank_bottlenecks(stored)
    first = ranked[ranked["rank"] == 1]
    assert dict(zip(first["sop_id"], first["step_id"], strict=True)) == WORST_STEP
    shares = ranked.groupby("sop_id")["over_target_share"].sum()
    assert shares.to_numpy() == pytest.approx([100.0] * 5)
    assert (
        ranked.groupby("sop_id")["rank"]
        .apply(list)
        .map(lambda r: r == list(range(1, len(r) + 1)))
        .all()
    )
    assert analyze.rank_bottlenecks(stored, top=1)["step_id"].tolist() == [
        WORST_STEP[s] for s in sorted(WORST_STEP)
    ]


def test_the_step_table_agrees_with_the_steps_recomputed_here(stored: analyze.Verdicts) -> None:
    steps = stored.steps
    elapsed = steps["elapsed_minutes"].astype(float)
    target = steps["target_minutes"].astype(float)
    frame = pd.DataFrame(
        {
            "sop_id": steps["sop_id"].astype(str),
            "step_id": steps["step_id"].astype(str),
            "case_id": steps["case_id"].astype(str),
            "elapsed": elapsed,
            "late": elapsed > target,
            "over": (elapsed - target).clip(lower=0).fillna(0),
        }
    )
    grouped = frame.groupby(["sop_id", "step_id"])
    want = pd.DataFrame(
        {
            "volume": grouped.size(),
            "cases": grouped["case_id"].nunique(),
            "timed": grouped["elapsed"].count(),
            "elapsed_median_minutes": grouped["elapsed"].median(),
            "breaches": grouped["late"].sum(),
            "over_target_minutes": grouped["over"].sum(),
        }
    )
    per_day = pd.Series({k: m.calendar.minutes_per_day for k, m in stored.models.items()})
    want["over_target_days"] = (
        want["over_target_minutes"]
        / per_day.reindex(want.index.get_level_values("sop_id")).to_numpy()
    )
    want["breach_pct"] = 100.0 * want["breaches"] / want["timed"]
    table = analyze.analyze_steps(stored)
    assert len(table) == sum(len(m.steps) for m in stored.models.values())
    performed = table[table["volume"] > 0].set_index(["sop_id", "step_id"]).sort_index()
    got = performed[list(want.columns)]
    pd.testing.assert_frame_equal(
        got.astype(float), want.sort_index().astype(float), check_names=False
    )
    assert int(table["volume"].sum()) == len(steps)
    idle = table[table["volume"] == 0]
    assert (idle["over_target_minutes"] == 0).all()
    assert idle["elapsed_median_minutes"].isna().all()
    # OSS has no start times: waiting and processing stay empty there.
    dairi = table[(table["sop_id"] == "dairi_iumk_oss") & (table["volume"] > 0)]
    assert dairi["waiting_median_minutes"].isna().all()
    assert dairi["elapsed_median_minutes"].notna().any()


def test_read_verdicts_gives_the_tables_of_the_check_results(
    demo: Demo, stored: analyze.Verdicts
) -> None:
    results = [c.result for c in demo.checks]
    assert all(r is not None for r in results)
    fresh = analyze.as_verdicts(results)
    assert sorted(stored.models) == sorted(fresh.models) == sorted(WORST_STEP)
    assert {k: m.hash for k, m in stored.models.items()} == {
        k: m.hash for k, m in fresh.models.items()
    }
    assert stored.as_of == fresh.as_of == pd.Timestamp("2025-06-30 09:00", tz="UTC")
    for name in ("cases", "steps", "deviations"):  # same rows, same order
        got, want = plain(getattr(stored, name)), plain(getattr(fresh, name))
        assert list(got.columns) == list(want.columns), name
        assert len(got) == len(want) > 0, name
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=name)
    pd.testing.assert_frame_equal(
        analyze.rank_bottlenecks(stored), analyze.rank_bottlenecks(fresh), check_dtype=False
    )


def test_read_verdicts_narrows_by_office_and_period_of_arrival(
    demo: Demo, stored: analyze.Verdicts
) -> None:
    march = sopmine.read_verdicts(
        demo.db, office=ROHIL_OFFICE, period_from="2025-03-01", period_to="2025-03-31"
    )
    cases = stored.cases
    arrival = cases["first_event_at"].dt.tz_convert("Asia/Jakarta").dt.date
    wanted = cases[
        (cases["office"] == ROHIL_OFFICE)
        & (arrival >= dt.date(2025, 3, 1))
        & (arrival <= dt.date(2025, 3, 31))
    ]
    assert sorted(march.models) == [ROHIL, "rohil_orsos"]
    assert len(wanted) > 100
    pairs = set(zip(wanted["sop_id"].astype(str), wanted["case_id"].astype(str), strict=True))

    def keys(frame: pd.DataFrame) -> list[tuple[str, str]]:
        return list(zip(frame["sop_id"].astype(str), frame["case_id"].astype(str), strict=True))

    assert sorted(keys(march.cases)) == sorted(pairs)
    for table in ("steps", "deviations"):
        full = getattr(stored, table)
        assert sorted(keys(getattr(march, table))) == sorted(k for k in keys(full) if k in pairs), (
            table
        )
    assert analyze.summarize_kpis(march)["cases"].sum() == len(wanted)
    # Makassar's April, in Makassar's time.
    april = sopmine.read_verdicts(demo.db, period_from="2025-04-01", period_to="2025-04-30")
    local = april.cases["first_event_at"].dt.tz_convert("Asia/Makassar").dt.date
    boltim = (april.cases["sop_id"] == BOLTIM).to_numpy()
    assert boltim.any()
    assert (local[boltim] >= dt.date(2025, 4, 1)).all()
    assert (local[boltim] <= dt.date(2025, 4, 30)).all()
    only = sopmine.read_verdicts(demo.db, sop=KARIMUN)
    assert list(only.models) == [KARIMUN]
    assert set(only.cases["sop_id"].astype(str)) == {KARIMUN}
    assert len(only.cases) == 420


def test_the_open_cases_of_the_samples_at_risk_first_in_each_offices_days(
    stored: analyze.Verdicts,
) -> None:
    table = analyze.list_open_cases(stored)
    cases = stored.cases
    assert len(table) == int((cases["status"] == "open").sum()) == 24 + 42 + 6 + 43 + 1
    risk = table["at_risk"].to_numpy()
    assert risk[: risk.sum()].all()  # at risk first
    for flag in (True, False):
        days = table.loc[table["at_risk"] == flag, "remaining_days"]
        known = days.dropna()
        assert known.is_monotonic_increasing
        assert days.iloc[: len(known)].notna().all()  # no time left unknown: last
    per_day = table["sop_id"].map({k: m.calendar.minutes_per_day for k, m in stored.models.items()})
    assert (table["remaining_days"] * per_day - table["remaining_minutes"]).abs().max() < 1e-9
    assert (table["overdue"] == (table["remaining_minutes"] < 0)).all()
    model_names = {
        (k, s.id): m.actor(s.actor).name for k, m in stored.models.items() for s in m.steps
    }
    assert [
        model_names[(s, c)] for s, c in zip(table["sop_id"], table["current_step"], strict=True)
    ] == table["current_actor"].tolist()


def test_the_analytics_leave_their_input_alone(two: analyze.Verdicts) -> None:
    before = {t: getattr(two, t).copy(deep=True) for t in ("cases", "steps", "deviations")}
    for function in (
        analyze.analyze_steps, analyze.rank_bottlenecks, analyze.summarize_variants,
        analyze.summarize_workload, analyze.count_handovers, analyze.find_role_delays,
        analyze.summarize_kpis, analyze.summarize_trends, analyze.list_open_cases,
        analyze.compare_offices, analyze.compare_roles,
    ):  # fmt: skip
        function(two)
    analyze.count_work_in_progress(two, freq="month")
    analyze.summarize_workload(two, by="resource", pseudonymized=True, salt="x")
    analyze.discover_process_map(two, sop_id=KARIMUN).figure()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(two, name), frame, obj=name)


# ----------------------------------------------------------------------------------------------
# The process map of the sample logs
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sop_id", sorted(WORST_STEP))
def test_process_map_edges_are_pm4pys_dfg_with_the_sop_overlaid(
    stored: analyze.Verdicts, sop_id: str
) -> None:
    model = stored.models[sop_id]
    steps = stored.steps[stored.steps["sop_id"] == sop_id]
    cases = stored.cases[stored.cases["sop_id"] == sop_id]
    pm = analyze.discover_process_map(stored, sop_id=sop_id)
    edges = pm.edges
    count = {(s, t): n for s, t, n in zip(edges["source"], edges["target"], edges["frequency"],
                                          strict=True)}  # fmt: skip
    assert len(count) == len(edges)  # one row per pair

    log = pd.DataFrame(
        {
            "case:concept:name": steps["case_id"].astype(str).to_numpy(),
            "concept:name": steps["step_id"].astype(str).to_numpy(),
            "time:timestamp": steps["completed_at"].dt.tz_convert(None).to_numpy(),
        }
    )
    dfg, starts, _ = pm4py.discover_dfg(log)
    between = {k: n for k, n in count.items() if S not in k and E not in k and n > 0}
    assert between == {(str(a), str(b)): int(n) for (a, b), n in dfg.items()}

    ordered = steps.assign(
        case=steps["case_id"].astype(str), step=steps["step_id"].astype(str)
    ).sort_values(["case", "completed_at"], kind="stable")
    firsts = ordered.groupby("case")["step"].first().value_counts().to_dict()
    assert {t: n for (s, t), n in count.items() if s == S and n > 0} == firsts
    assert firsts == {str(a): int(n) for a, n in starts.items()}

    finished = set(cases.loc[cases["status"].isin(["closed", "rejected"]), "case_id"].astype(str))
    lasts = ordered.groupby("case")["step"].last()
    ends = lasts[lasts.index.isin(finished)].value_counts().to_dict()
    assert {s: n for (s, t), n in count.items() if t == E and n > 0} == ends
    assert sum(ends.values()) == len(finished)

    flows = {(S, model.start)} | {(e.source, E if e.target is None else e.target)
                                  for e in model.edges}  # fmt: skip
    kinds = dict(zip(zip(edges["source"], edges["target"], strict=True), edges["kind"],
                     strict=True))  # fmt: skip
    assert flows <= set(kinds)
    for pair, kind in kinds.items():
        if pair not in flows:
            assert kind == "deviating", pair
        elif count[pair] == 0:
            assert kind == "unused", pair
        else:
            assert kind == "expected", pair
    nodes = pm.nodes
    assert nodes["step_id"].tolist() == [s.id for s in sorted(model.steps, key=lambda s: s.number)]
    volume = steps["step_id"].astype(str).value_counts()
    assert nodes["frequency"].tolist() == [int(volume.get(s, 0)) for s in nodes["step_id"]]


def test_process_map_dot_text_names_every_step_in_the_language_asked(
    stored: analyze.Verdicts,
) -> None:
    pm = analyze.discover_process_map(stored, sop_id=KARIMUN)
    dot_id = pm.to_dot()
    dot_en = pm.to_dot(lang="en")
    for dot in (dot_id, dot_en, pm.to_dot("performance")):
        assert dot.startswith(f'digraph "{KARIMUN}" {{')
        assert dot.rstrip().endswith("}")
        for step in pm.model.steps:
            assert f'"{step.id}" [label="{step.number}. {step.name}\\n' in dot
    assert 'label="Mulai"' in dot_id
    assert 'label="Selesai"' in dot_id
    assert "Alur sesuai SOP" in dot_id
    assert 'label="Start"' in dot_en
    assert 'label="End"' in dot_en
    assert "Flow as in the SOP" in dot_en
    for word in ("Mulai", "Selesai", "Alur sesuai SOP", "menit", "hari kerja"):
        assert word not in dot_en
    performance_id = pm.to_dot("performance")
    performance_en = pm.to_dot("performance", lang="en")
    assert 'menit"' in performance_id
    assert 'min"' in performance_en
    assert "menit" not in performance_en


def test_process_map_dot_labels_of_the_hand_made_cases(kv: analyze.Verdicts) -> None:
    pm = analyze.discover_process_map(kv)
    frequency = pm.to_dot()
    assert (
        '"verifikasi_loker_pendaftaran" [label="5. Verifikasi dan tanda terima pendaftaran\\n4"'
        in frequency
    )
    assert f'"{V}" -> "{B}" [label="3", color="#3b6ea5"' in frequency  # expected: blue
    assert f'"{K}" -> "{B}" [label="1", color="#d62728"' in frequency  # deviating: red
    assert f'"{S}" -> "akses_formulir" [label="0", color="#b0b0b0"' in frequency
    assert "style=dashed" in frequency  # the unused SOP flows
    # Performance: the median working time, in the office's words (510 minutes: 1.1 Hari).
    performance = pm.to_dot("performance")
    english = pm.to_dot("performance", lang="en")
    assert '"tte_kadis" [label="9. Penetapan dan TTE Kepala Dinas\\n1,1 hari kerja"' in performance
    assert '"tte_kadis" [label="9. Penetapan dan TTE Kepala Dinas\\n1.1 working days"' in english
    assert f'"{V}" -> "{B}" [label="30 menit"' in performance
    assert f'"{V}" -> "{B}" [label="30 min"' in english


def test_process_map_figure_has_one_node_trace(stored: analyze.Verdicts) -> None:
    pm = analyze.discover_process_map(stored, sop_id=BOLTIM)
    figure = pm.figure()
    assert isinstance(figure, go.Figure)
    node_traces = [t for t in figure.data if t.mode and "markers" in t.mode]
    assert len(node_traces) == 1
    [nodes] = node_traces
    assert len(nodes.x) == len(pm.model.steps) + 2  # the steps, START and END
    texts = list(nodes.text)
    for step in pm.model.steps:
        assert any(t.startswith(f"{step.number}. {step.name}<br>") for t in texts)
    assert texts[-2:] == ["Mulai", "Selesai"]
    english = pm.figure("performance", lang="en")
    assert list(english.data[-1].text)[-2:] == ["Start", "End"]
    assert figure.layout.title.text != english.layout.title.text
    assert figure.layout.title.text.startswith("Peta proses")
    assert english.layout.title.text.startswith("Process map")


# ----------------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------------


def _axis(path: str) -> Any:
    def title(figure: go.Figure) -> str:
        node: Any = figure.layout
        for part in path.split("."):
            node = getattr(node, part)
        return str(node.title.text)

    return title


#: plot function, the table it draws, the axis that carries a unit, that unit in id and en.
FIGURES = [
    ("plot_bottlenecks", analyze.rank_bottlenecks, "xaxis", "(hari kerja)", "(working days)"),
    ("plot_step_times", analyze.analyze_steps, "xaxis", "(jam kerja)", "(working hours)"),
    ("plot_trends", analyze.summarize_trends, "yaxis2", "%", "%"),
    ("plot_work_in_progress", partial(analyze.count_work_in_progress, freq="month"), "yaxis",
     "Kasus berjalan (akhir periode)", "Open cases (end of period)"),
    ("plot_variants", analyze.summarize_variants, "coloraxis.colorbar", "(%)", "(%)"),
    ("plot_workload", analyze.summarize_workload, "coloraxis.colorbar", "(%)", "(%)"),
    ("plot_offices", analyze.compare_offices, "xaxis2", "(hari kerja)", "(working days)"),
    ("plot_roles", analyze.compare_roles, "yaxis", "(jam kerja", "(working hours"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "make", "axis", "unit_id", "unit_en"), FIGURES,
                         ids=[f[0] for f in FIGURES])  # fmt: skip
def test_each_figure_names_its_unit_in_the_language_asked(
    stored: analyze.Verdicts, name: str, make: Any, axis: str, unit_id: str, unit_en: str
) -> None:
    plot = getattr(analyze, name)
    table = make(stored)
    figure_id, figure_en = plot(table), plot(table, lang="en")
    assert isinstance(figure_id, go.Figure)
    assert isinstance(figure_en, go.Figure)
    assert len(figure_id.data) > 0
    assert unit_id in _axis(axis)(figure_id)
    assert unit_en in _axis(axis)(figure_en)
    assert figure_id.layout.title.text
    assert figure_en.layout.title.text
    assert figure_id.layout.title.text != figure_en.layout.title.text
    assert plot(table, lang="id").to_json() == figure_id.to_json()  # id is the default


def test_figure_axes_name_percent_and_step_time_units(
    stored: analyze.Verdicts, two: analyze.Verdicts
) -> None:
    offices = analyze.plot_offices(analyze.compare_offices(stored))
    assert offices.layout.xaxis.title.text == "%"
    trends = analyze.plot_trends(analyze.summarize_trends(stored), lang="en")
    assert trends.layout.yaxis.title.text == "Applications received"
    bottlenecks = analyze.plot_bottlenecks(analyze.rank_bottlenecks(stored), lang="en")
    assert bottlenecks.layout.xaxis.title.text == "Time over target (working days)"
    # Short steps only (M-002's, all under 2 hours): minutes, never days.
    quick = two.select(sop_id=BOLTIM, period_from="2025-05-06", period_to="2025-05-06")
    figure = analyze.plot_step_times(analyze.analyze_steps(quick))
    assert figure.layout.xaxis.title.text == "Median (menit kerja)"
    english = analyze.plot_step_times(analyze.analyze_steps(quick), lang="en")
    assert english.layout.xaxis.title.text == "Median (working minutes)"


def test_a_weekly_trend_figure_is_not_titled_monthly(kv: analyze.Verdicts) -> None:
    with warnings.catch_warnings():  # see test_weekly_periods_use_no_deprecated_pandas_api
        warnings.simplefilter("ignore", DeprecationWarning)
        figure = analyze.plot_trends(analyze.summarize_trends(kv, freq="week"))
    assert "bulanan" not in figure.layout.title.text
    assert "Bulan" not in figure.layout.title.text


def test_the_role_comparison_across_offices_shows_step_times_in_hours(
    two: analyze.Verdicts,
) -> None:
    # docs/analytics.md: step times in minutes or hours, never in days (a Hari differs).
    table = analyze.compare_roles(two)
    figure = analyze.plot_roles(table)
    assert "hari kerja" not in figure.layout.yaxis.title.text
    assert "jam kerja" in figure.layout.yaxis.title.text
    bars = {trace.name: list(trace.y) for trace in figure.data}
    assert len(bars) == 2  # one colour per office
    assert sorted(v for ys in bars.values() for v in ys if not math.isnan(v)) == pytest.approx(
        sorted(table["elapsed_median_minutes"].dropna() / 60)
    )


# ----------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function",
    [analyze.analyze_steps, analyze.summarize_variants, analyze.list_open_cases,
     analyze.discover_process_map, analyze.summarize_workload],
)  # fmt: skip
def test_something_that_is_not_a_check_result_says_what_to_pass(function: Any) -> None:
    with pytest.raises(
        SopmineError,
        match=r"^cannot analyse a str: pass a check result \(sopmine\.check\), a list of them, "
        r"or sopmine\.read_verdicts\(db\)$",
    ):
        function("sample_logs/004_karimun_sicantik.sicantik.csv")


def test_a_list_of_frames_or_nothing_is_not_a_check_result(karimun: Tables) -> None:
    with pytest.raises(SopmineError, match=r"^cannot analyse a DataFrame: pass a check result"):
        analyze.analyze_steps([karimun.cases, karimun.steps])
    with pytest.raises(SopmineError, match=r"^no check results to analyse"):
        analyze.as_verdicts([])


@pytest.mark.parametrize("source", [None, 42])
def test_none_or_a_number_is_not_a_check_result(source: Any) -> None:
    with pytest.raises(SopmineError, match="pass a check result"):
        analyze.as_verdicts(source)


def test_a_steps_frame_alone_is_named_in_the_message(karimun: Tables) -> None:
    with pytest.raises(SopmineError, match="cannot analyse a DataFrame"):
        analyze.analyze_steps(karimun.steps)


def test_a_result_without_its_model_asks_for_it(karimun: Tables) -> None:
    with pytest.raises(
        SopmineError,
        match=r"no SOP model 'no_such_sop' on this machine to analyse its verdicts with; "
        r"pass it: models=\[sopmine\.read_sop_file\('path/to/model\.yaml'\)\]",
    ):
        analyze.as_verdicts(replace(karimun, sop_id="no_such_sop"))
    with pytest.raises(
        SopmineError,
        match=r"checked with another version of its model \(hash 000000000000, the registry's "
        r"is [0-9a-f]{12}\); pass the model they were checked with: models=\[model\]",
    ):
        analyze.as_verdicts(replace(karimun, model_hash="0" * 64))
    given = analyze.as_verdicts(
        replace(karimun, model_hash="0" * 64), models={KARIMUN: sopmine.load_sop(KARIMUN)}
    )
    assert list(given.models) == [KARIMUN]


def test_a_process_map_of_several_sops_asks_which(two: analyze.Verdicts) -> None:
    with pytest.raises(
        SopmineError,
        match=r"^a process map shows one SOP; choose it with sop_id= "
        r"\(one of boltim_izin_manual, karimun_sicantik\)$",
    ):
        analyze.discover_process_map(two)
    with pytest.raises(
        SopmineError, match=r"^no verdicts of SOP 'rohil_orsos' here; choose one of karimun_"
    ):
        analyze.discover_process_map(two, sop_id="rohil_orsos")
    assert analyze.discover_process_map(two, sop_id=BOLTIM).model.id == BOLTIM


def test_read_verdicts_of_a_store_without_checks_says_to_run_the_check(
    tmp_path: Path, demo: Demo
) -> None:
    export = tmp_path / "log.csv"
    export.write_text(
        "no_permohonan,nama_proses,status,start_date,end_date,diproses_oleh\n"
        "P-1,Validasi Kabid,Selesai,2025-03-03 08:00:00,2025-03-03 09:30:00,kabid\n",
        encoding="utf-8",
    )
    db = tmp_path / "store.duckdb"
    sopmine.load_files([export], sop=KARIMUN, profile="sicantik", db=db)
    with pytest.raises(
        SopmineError,
        match=rf"^no check has been run on this store yet; run: sopmine check --db {db}$",
    ):
        sopmine.read_verdicts(db)
    with pytest.raises(SopmineError, match=r"^no check has been run on this store yet for no_"):
        sopmine.read_verdicts(demo.db, sop="no_such_sop")
    with pytest.raises(SopmineError, match=r"^no check has been run on this store yet; there is"):
        sopmine.read_verdicts(tmp_path / "absent.duckdb")


@pytest.mark.filterwarnings("ignore:All-NaN slice:RuntimeWarning")
def test_work_in_progress_without_an_as_of_time_and_only_open_cases(karimun: Tables) -> None:
    open_only = analyze.Verdicts(
        cases=karimun.cases[karimun.cases["status"] == "open"].reset_index(drop=True),
        steps=karimun.steps[karimun.steps["case_id"] == "K-004"].reset_index(drop=True),
        deviations=karimun.deviations.iloc[:0],
        models={KARIMUN: sopmine.load_sop(KARIMUN)},
    )
    table = analyze.count_work_in_progress(open_only, freq="day")
    assert table["open_at_end"].iloc[0] == 1


def test_workload_shares_are_of_all_the_sops_completions(stored: analyze.Verdicts) -> None:
    karimun = stored.select(sop_id=KARIMUN)
    table = analyze.summarize_workload(karimun)
    assert table["steps_done"].sum() == len(karimun.steps)


def test_a_model_copy_with_other_office_hours_has_their_calendar() -> None:
    from sopmine.sop.model import CalendarSettings

    model = sopmine.load_sop(BOLTIM)
    assert model.calendar.minutes_per_day == 480
    short = model.model_copy(
        update={"calendar_settings": CalendarSettings(day_start=dt.time(8), day_end=dt.time(14))}
    )
    assert (short.calendar.minutes_per_day, short.hash != model.hash) == (360, True)


# ----------------------------------------------------------------------------------------------
# Pseudonyms
# ----------------------------------------------------------------------------------------------


def _cells(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False) + " ".join(map(str, frame.columns))


def test_pseudonymized_workload_shows_no_resource_id(kv: analyze.Verdicts) -> None:
    people = sorted(set(kv.steps["resource"].dropna().astype(str)))
    table = analyze.summarize_workload(kv, by="resource", pseudonymized=True, salt="x")
    text = _cells(table)
    assert not [p for p in people if p in text]
    assert table["resource"].astype(str).str.fullmatch(r"P-[0-9a-f]{8}").all()
    assert not set(map(str, table["resource"].astype("category").cat.categories)) & set(people)
    # The same figures as without pseudonyms, each person under one stable pseudonym.
    clear = analyze.summarize_workload(kv, by="resource")
    names = analyze.pseudonymize(pd.Series(people), salt="x")
    mapping = dict(zip(people, names.astype(str), strict=True))
    expected = clear.assign(resource=clear["resource"].astype(str).map(mapping))
    pd.testing.assert_frame_equal(plain(table), plain(expected))
    assert len(set(mapping.values())) == len(people)


def test_pseudonyms_are_stable_for_a_salt_and_change_with_it(stored: analyze.Verdicts) -> None:
    people = set(stored.steps["resource"].dropna().astype(str))
    assert len(people) > 20
    first = analyze.summarize_workload(stored, by="resource", pseudonymized=True, salt="x")
    again = analyze.summarize_workload(stored, by="resource", pseudonymized=True, salt="x")
    other = analyze.summarize_workload(stored, by="resource", pseudonymized=True, salt="y")
    text = _cells(first)
    assert not [p for p in people if p in text]
    pd.testing.assert_frame_equal(first, again)
    assert not set(first["resource"].astype(str)) & set(other["resource"].astype(str))
    figures = ["steps_done", "cases", "over_target_minutes"]
    key = ["sop_id", "role", *figures]
    pd.testing.assert_frame_equal(
        plain(first[key].sort_values(key).reset_index(drop=True)),
        plain(other[key].sort_values(key).reset_index(drop=True)),
    )
    clear = analyze.summarize_workload(stored, by="resource")
    assert set(clear["resource"].astype(str)) <= people
    assert len(first) == len(clear)
