"""The simulator's ground truth, recomputed independently from the events it wrote.

:mod:`sopmine.simulate.truth` is vectorised (shifts, merges, masks) because it has to be fast.
This module holds a plain, slow reference instead: one Python loop per case over its events
sorted by time, applying DOMAIN.md's "SLA rules" as truth.py's docstring states them:

- a step's handover is the completion of the case's previous completed event (kind ``step``,
  mapped or not; clock events hand nothing over); the first one has no handover;
- clocks stand still from the completion of a step to the completion of the next one when that
  pair is a ``return`` edge (the file is back with the applicant), and from a ``clock_stop``
  to the next ``clock_resume`` (or the as-of time);
- elapsed = working minutes from handover to completion minus the stopped working minutes in
  between; waiting and processing split it at the start time; breach = elapsed > target;
- the service clock runs from the last completion of the clock-start step to the last completed
  step (closed cases) or the as-of time (open cases); at risk = an open case that has used
  ``at_risk_share`` of its service target or of the target of the step it is at.

Only the office calendar's ``working_minutes`` (tested in test_calendar.py) is borrowed; the
stopped time is the union of the stopped intervals, clipped to each span and counted once.
Every simulation covers March to May 2025: Nyepi, Lebaran 2025 with its cuti bersama, Good
Friday, Vesak and Ascension fall inside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd
import pytest

from sopmine.calendar import OfficeCalendar
from sopmine.log.mapping import normalize_label
from sopmine.simulate import (
    DeviationRates,
    Simulation,
    SimulationSettings,
    ground_truth,
    simulate,
)
from sopmine.sop import SopModel, load_sop
from sopmine.sop.flow import quickest_completions

SOPS = (
    "rohil_izin_insidentil",
    "rohil_orsos",
    "boltim_izin_manual",
    "dairi_iumk_oss",
    "karimun_sicantik",
)
CASES = 150
SEED = 1
START = dt.date(2025, 3, 1)
END = dt.date(2025, 5, 31)
#: (SOP, deviation rates) of every simulation; "noisy" multiplies every rate by 5.
VARIANTS = tuple((sop, level) for sop in SOPS for level in ("default", "noisy"))
KNOWN_KINDS = {"step", "open", "clock_stop", "clock_resume"}
FLOW_TYPES = {
    "missing_step",
    "wrong_order",
    "repeated_step",
    "unexpected_activity",
    "unmapped_activity",
}
DERIVED_TYPES = {
    "wrong_actor",
    "segregation_of_duties",
    "step_sla_breach",
    "service_sla_breach",
    "open_at_risk",
}
TOLERANCE = 1e-9
#: Days off of March-May 2025 in Indonesia (SKB 3 Menteri 2024 on national holidays and cuti
#: bersama 2025), written out here so that the calendar check does not rest on the calendar.
DAYS_OFF_2025 = {
    dt.date(2025, 3, 28): "cuti bersama Nyepi",
    dt.date(2025, 3, 31): "Idul Fitri",
    dt.date(2025, 4, 1): "Idul Fitri",
    dt.date(2025, 4, 2): "cuti bersama Idul Fitri",
    dt.date(2025, 4, 3): "cuti bersama Idul Fitri",
    dt.date(2025, 4, 4): "cuti bersama Idul Fitri",
    dt.date(2025, 4, 7): "cuti bersama Idul Fitri",
    dt.date(2025, 4, 18): "Wafat Yesus Kristus",
    dt.date(2025, 5, 1): "Hari Buruh",
    dt.date(2025, 5, 12): "Waisak",
    dt.date(2025, 5, 13): "cuti bersama Waisak",
    dt.date(2025, 5, 29): "Kenaikan Yesus Kristus",
    dt.date(2025, 5, 30): "cuti bersama Kenaikan Yesus Kristus",
}


# --------------------------------------------------------------------------- the reference


@dataclass(frozen=True)
class Event:
    """One canonical event as plain Python values (None where the log has nothing)."""

    order: int
    case_id: str
    kind: str
    step_id: str | None
    role: str | None
    resource: str | None
    at: pd.Timestamp | None  # only an open event (a step in progress) may have none
    started: pd.Timestamp | None


@dataclass(frozen=True)
class Reference:
    """What the reference finds: a steps table, a cases table and the derived deviations."""

    steps: pd.DataFrame
    cases: pd.DataFrame
    deviations: pd.DataFrame  # case_id, type, step_id (derived verdicts only)
    stops: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, str]]]  # case -> (from, to, why)


class WorkingClock:
    """Working minutes between instants of one simulation.

    ``OfficeCalendar.working_minutes(a, b)`` is ``W(b) - W(a)`` for a cumulative count ``W``
    (its docstring), so ``W`` is read once for every instant the run has, in one call, and
    the reference takes differences: the same numbers as a call per span, a thousand times
    faster. :func:`reference` checks a sample of spans against direct calls.
    """

    def __init__(self, calendar: OfficeCalendar, instants: Iterable[pd.Timestamp]) -> None:
        unique = sorted(set(instants))
        counts = calendar.working_minutes(unique[0], pd.DatetimeIndex(unique))
        self._count = dict(zip(unique, counts.tolist(), strict=True))

    def between(self, start: pd.Timestamp, end: pd.Timestamp) -> float:
        """Working minutes from ``start`` to ``end`` (negative when ``end`` comes first)."""
        return self._count[end] - self._count[start]


def _plain(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _events(run: Simulation) -> list[Event]:
    frame = run.events.reset_index(drop=True)
    columns = [
        frame[c].astype(object).tolist() for c in ("case_id", "kind", "step_id", "role", "resource")
    ]
    return [
        Event(
            order=i,
            case_id=str(case_id),
            kind=str(kind),
            step_id=_plain(step_id),  # type: ignore[arg-type]
            role=_plain(role),  # type: ignore[arg-type]
            resource=_plain(resource),  # type: ignore[arg-type]
            at=_plain(at),  # type: ignore[arg-type]
            started=_plain(started),  # type: ignore[arg-type]
        )
        for i, (case_id, kind, step_id, role, resource, at, started) in enumerate(
            zip(
                *columns,
                frame["timestamp"].tolist(),
                frame["start_timestamp"].tolist(),
                strict=True,
            )
        )
    ]


def _stopped(
    clock: WorkingClock,
    stops: list[tuple[pd.Timestamp, pd.Timestamp, str]],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> float:
    """Working minutes from ``start`` to ``end`` during which some clock stop was in force.

    Each stop is clipped to the span; overlapping stops are merged so no minute counts twice.
    """
    pieces = sorted(
        (max(start, a), min(end, b)) for a, b, _ in stops if min(end, b) > max(start, a)
    )
    merged: list[list[pd.Timestamp]] = []
    for lo, hi in pieces:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return sum((clock.between(lo, hi) for lo, hi in merged), 0.0)


def _net(
    clock: WorkingClock,
    stops: list[tuple[pd.Timestamp, pd.Timestamp, str]],
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> float:
    """Working minutes from ``start`` to ``end`` minus the stopped ones; NaN without both."""
    if start is None or end is None:
        return math.nan
    return clock.between(start, end) - _stopped(clock, stops, start, end)


def _allowed_roles(model: SopModel, step_id: str) -> set[str]:
    step = model.step(step_id)
    return {
        normalize_label(name)
        for actor_id in (step.actor, *step.co_actors)
        for name in model.actor(actor_id).names()
    }


def _end_outcomes(model: SopModel) -> dict[str, str]:
    """Step -> outcome of its edge to the end ("issued" when the edge names none)."""
    ends: dict[str, str] = {}
    for edge in model.edges:
        if edge.target is None:
            outcome = edge.outcome or "issued"
            assert ends.get(edge.source, outcome) == outcome, f"{edge.source}: two end outcomes"
            ends[edge.source] = outcome
    return ends


def reference(run: Simulation) -> Reference:
    """Recompute the steps, cases and derived deviations of ``run`` from its events alone."""
    model, as_of = run.model, run.truth.as_of
    events = _events(run)
    assert all(e.at is not None for e in events if e.kind != "open")
    instants = [e.at for e in events if e.at is not None]
    instants += [e.started for e in events if e.started is not None]
    clock = WorkingClock(model.calendar, [*instants, as_of])
    for a, b in itertools.islice(itertools.pairwise(instants), 40):  # the shortcut is exact
        assert clock.between(a, b) == model.calendar.working_minutes(a, b)[0]

    returns = {(e.source, e.target) for e in model.edges if e.kind == "return"}
    ends = _end_outcomes(model)
    share = model.sla.at_risk_share
    service_targets = dict(
        zip(
            run.truth.cases["case_id"].astype(object),
            run.truth.cases["service_target_minutes"],
            strict=True,
        )
    )
    by_case: dict[str, list[Event]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)

    step_rows: list[dict[str, object]] = []
    case_rows: list[dict[str, object]] = []
    derived: list[tuple[str, str, str | None]] = []
    all_stops: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, str]]] = {}
    for case_id, everything in sorted(by_case.items()):
        opens = [e for e in everything if e.kind == "open"]
        case_events = sorted(
            (e for e in everything if e.kind != "open"), key=lambda e: (e.at, e.order)
        )
        done = [e for e in case_events if e.kind == "step"]

        # when the clocks stand still
        stops: list[tuple[pd.Timestamp, pd.Timestamp, str]] = []
        for before, after in itertools.pairwise(done):
            if (before.step_id, after.step_id) in returns:
                stops.append((before.at, after.at, "return"))
        since = None
        for event in case_events:
            if event.kind == "clock_stop" and since is None:
                since = event.at
            elif event.kind == "clock_resume" and since is not None:
                stops.append((since, event.at, "clock"))
                since = None
        if since is not None:
            stops.append((since, as_of, "clock"))
        if opens and done and (done[-1].step_id, opens[0].step_id) in returns:
            # open work the file was sent back to the applicant for: stopped until as-of
            stops.append((done[-1].at, as_of, "applicant"))
        all_stops[case_id] = stops

        # steps
        handover = None
        for event in done:
            if event.step_id is not None:
                elapsed = _net(clock, stops, handover, event.at)
                target = model.target_minutes(event.step_id)
                step_rows.append(
                    {
                        "case_id": case_id,
                        "step_id": event.step_id,
                        "completed_at": event.at,
                        "handover_at": handover,
                        "started_at": event.started,
                        "role": event.role,
                        "resource": event.resource,
                        "waiting_minutes": (
                            math.nan
                            if event.started is None
                            else _net(clock, stops, handover, event.started)
                        ),
                        "processing_minutes": _net(clock, stops, event.started, event.at),
                        "elapsed_minutes": elapsed,
                        "stopped_minutes": (
                            math.nan
                            if handover is None
                            else _stopped(clock, stops, handover, event.at)
                        ),
                        "target_minutes": float(target),
                        "breach": not math.isnan(elapsed) and elapsed > target,
                    }
                )
                if event.role is not None and normalize_label(event.role) not in _allowed_roles(
                    model, event.step_id
                ):
                    derived.append((case_id, "wrong_actor", event.step_id))
                if not math.isnan(elapsed) and elapsed > target:
                    derived.append((case_id, "step_sla_breach", event.step_id))
            handover = event.at

        # four eyes: one person on both steps of a pair
        for pair in model.sla.segregation_of_duties:
            first = {e.resource for e in done if e.step_id == pair.first} - {None}
            second = {e.resource for e in done if e.step_id == pair.second} - {None}
            if first & second:
                derived.append((case_id, "segregation_of_duties", pair.second))

        # the case
        assert len(opens) <= 1, f"{case_id}: several open events"
        last = done[-1] if done else None
        if opens or last is None or last.step_id not in ends:
            status = "open"
        else:
            status = "rejected" if ends[last.step_id] == "rejected" else "closed"
        starts = [e.at for e in done if e.step_id == model.sla.clock_start]
        service_start = starts[-1] if starts else None
        service_end = last.at if status != "open" and last is not None else None
        until = as_of if status == "open" else service_end
        service_elapsed = _net(clock, stops, service_start, until)
        service_target = float(service_targets[case_id])
        current = opens[0].step_id if opens and status == "open" else None
        mapped = [e.step_id for e in done if e.step_id is not None]
        if status == "open" and current is None and mapped:
            # no open work exported (OSS): the case waits at the next step after its last one
            current = next(iter(quickest_completions(model)[mapped[-1]]), None)
        step_elapsed = _net(clock, stops, last.at if status == "open" and last else None, as_of)
        step_target = math.nan if current is None else float(model.target_minutes(current))
        at_risk = status == "open" and (
            service_elapsed >= share * service_target or step_elapsed >= share * step_target
        )
        service_breach = service_elapsed > service_target  # False for NaN
        case_rows.append(
            {
                "case_id": case_id,
                "status": status,
                "current_step": current,
                "service_start": service_start,
                "service_end": service_end,
                "service_elapsed_minutes": service_elapsed,
                "service_target_minutes": service_target,
                "service_breach": service_breach,
                "remaining_minutes": (
                    service_target - service_elapsed if status == "open" else math.nan
                ),
                "step_elapsed_minutes": step_elapsed,
                "step_target_minutes": step_target,
                "at_risk": at_risk,
            }
        )
        if service_breach:
            derived.append((case_id, "service_sla_breach", None))
        if at_risk:
            derived.append((case_id, "open_at_risk", current))

    return Reference(
        steps=pd.DataFrame(step_rows),
        cases=pd.DataFrame(case_rows),
        deviations=pd.DataFrame(derived, columns=["case_id", "type", "step_id"]),
        stops=all_stops,
    )


# --------------------------------------------------------------------------- comparison


def _same(left: object, right: object, close: bool) -> bool:
    left, right = _plain(left), _plain(right)
    if left is None or right is None:
        return left is None and right is None
    if close:
        return abs(float(left) - float(right)) <= TOLERANCE  # type: ignore[arg-type]
    return bool(left == right)


def _assert_same_rows(
    ours: pd.DataFrame,
    truth: pd.DataFrame,
    keys: list[str],
    exact: list[str],
    close: list[str],
    cases: set[str] | None = None,
) -> None:
    """Same keys, row by row; ``exact`` columns equal, ``close`` ones within TOLERANCE."""
    if cases is not None:
        ours = ours[ours["case_id"].isin(cases)]
        truth = truth[truth["case_id"].astype(object).isin(cases)]
    ours = ours.astype(dict.fromkeys(keys, object)).sort_values(keys).reset_index(drop=True)
    truth = truth.astype(dict.fromkeys(keys, object)).sort_values(keys).reset_index(drop=True)
    ours_keys = list(ours[keys].itertuples(index=False, name=None))
    truth_keys = list(truth[keys].itertuples(index=False, name=None))
    assert len(set(ours_keys)) == len(ours_keys), "the reference's keys are not unique"
    assert ours_keys == truth_keys, (
        f"rows differ: only in reference {sorted(set(ours_keys) - set(truth_keys))[:5]}, "
        f"only in truth {sorted(set(truth_keys) - set(ours_keys))[:5]}"
    )
    problems = [
        f"{key}: {column} reference {a!r} != truth {b!r}"
        for column in exact + close
        for key, a, b in zip(
            ours_keys, ours[column].astype(object), truth[column].astype(object), strict=True
        )
        if not _same(a, b, column in close)
    ]
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems[:15])


def _rows(frame: pd.DataFrame) -> Counter[tuple[str, str, object]]:
    """``(case_id, type, step_id)`` of each row, as plain values (None for a missing step)."""
    return Counter(
        (str(c), str(t), _plain(s))
        for c, t, s in zip(
            frame["case_id"].astype(object),
            frame["type"].astype(object),
            frame["step_id"].astype(object),
            strict=True,
        )
    )


def _truth_rows(truth: pd.DataFrame, origin: str, kind: str | None = None) -> Counter[tuple]:
    """The truth's deviation rows of one origin (and type), as :func:`_rows` gives them."""
    chosen = truth["origin"] == origin
    if kind is not None:
        chosen &= truth["type"] == kind
    return _rows(truth[chosen])


STEP_EXACT = ["handover_at", "started_at", "role", "resource", "breach"]
STEP_CLOSE = [
    "waiting_minutes",
    "processing_minutes",
    "elapsed_minutes",
    "stopped_minutes",
    "target_minutes",
]
CASE_EXACT = [
    "status",
    "current_step",
    "service_start",
    "service_end",
    "service_breach",
    "at_risk",
]
CASE_CLOSE = [
    "service_elapsed_minutes",
    "remaining_minutes",
    "step_elapsed_minutes",
    "step_target_minutes",
]


# --------------------------------------------------------------------------- fixtures


@functools.cache
def _simulation(sop_id: str, level: str) -> Simulation:
    settings = SimulationSettings()
    if level == "noisy":
        settings = SimulationSettings(deviations=DeviationRates().scaled(5))
    return simulate(sop_id, cases=CASES, seed=SEED, start=START, end=END, settings=settings)


@functools.cache
def _reference(sop_id: str, level: str) -> Reference:
    return reference(_simulation(sop_id, level))


@pytest.fixture(scope="module", params=VARIANTS, ids=[f"{s}-{v}" for s, v in VARIANTS])
def variant(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Each SOP with its default deviation rates and with every rate times five."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def run(variant: tuple[str, str]) -> Simulation:
    """150 cases of the variant, March to May 2025 (simulated once per module)."""
    return _simulation(*variant)


@pytest.fixture(scope="module")
def ref(variant: tuple[str, str]) -> Reference:
    """The reference recomputation of the variant's truth."""
    return _reference(*variant)


@pytest.fixture(scope="module", params=SOPS)
def noisy(request: pytest.FixtureRequest) -> tuple[Simulation, Reference]:
    """Each SOP with every deviation rate times five, and its reference."""
    return _simulation(request.param, "noisy"), _reference(request.param, "noisy")


# --------------------------------------------------------------------------- tests


def test_events_are_what_the_reference_reads(run: Simulation, ref: Reference) -> None:
    """Events carry only the kinds the rules speak of, in UTC, with the clocks exercised.

    Kinds are step/open/clock_stop/clock_resume (no reset/restart, which the reference does
    not model); timestamps are tz-aware UTC. So that the comparisons below are not vacuous,
    every simulation has open cases, closed cases and step breaches, the SOPs with ``return``
    edges send files back to the applicant, and the OSS one stops the SLA clock (41/42).
    """
    kinds = set(run.events["kind"].astype(object))
    assert kinds <= KNOWN_KINDS
    assert str(run.events["timestamp"].dt.tz) == "UTC"
    assert str(run.events["start_timestamp"].dt.tz) == "UTC"
    assert {"open", "closed"} <= set(ref.cases["status"])
    assert ref.steps["breach"].any()
    reasons = {why for stops in ref.stops.values() for _, _, why in stops}
    assert ("return" in reasons) == any(e.kind == "return" for e in run.model.edges)
    assert ("clock" in reasons) == (run.model.id == "dairi_iumk_oss")
    assert ("clock_stop" in kinds) == (run.model.id == "dairi_iumk_oss")


def test_steps_match_the_reference(run: Simulation, ref: Reference) -> None:
    """One truth row per completed mapped step, with the times the rules give.

    handover = previous completed ``step`` event of the case (mapped or not); elapsed =
    working minutes handover..completion minus stopped minutes (returns to the applicant,
    clock_stop..clock_resume); waiting/processing split it at the start time; stopped is NaN
    without a handover; breach = elapsed > target, never for the first event. Rows are aligned
    on case, completion time and step; minutes agree within 1e-9, everything else exactly.
    """
    _assert_same_rows(
        ref.steps,
        run.truth.steps,
        ["case_id", "completed_at", "step_id"],
        STEP_EXACT,
        STEP_CLOSE,
    )


def test_cases_match_the_reference(run: Simulation, ref: Reference) -> None:
    """Status, service clock, breach and risk of every case, as the rules give them.

    open = an open event, or a last completed step without an end edge; otherwise the end
    edge's outcome decides rejected/closed. The service clock runs from the last completion of
    the clock-start step to the last completed step (closed) or as-of (open), minus stops;
    breach = elapsed > the truth's service target; at risk = open and elapsed >= share of the
    service target or the current step's elapsed (since the last completion) >= share of its
    target.
    """
    assert set(run.truth.cases["case_id"].astype(object)) == set(ref.cases["case_id"])
    _assert_same_rows(ref.cases, run.truth.cases, ["case_id"], CASE_EXACT, CASE_CLOSE)


def test_derived_deviations_match_the_reference(run: Simulation, ref: Reference) -> None:
    """The derived verdicts are exactly those the reference finds, row for row.

    wrong_actor: a completed mapped step whose role (normalised) is none of the names of its
    actor and co-actors; segregation_of_duties: one non-null resource on both steps of a pair
    (one row per case and pair, on the second step); step_sla_breach: the breaching steps;
    service_sla_breach: the breaching cases; open_at_risk: the at-risk cases at their current
    step. Nothing else is derived, and each case counts all its deviation rows.
    """
    deviations = run.truth.deviations
    assert set(deviations.loc[deviations["origin"] == "derived", "type"]) <= DERIVED_TYPES
    assert set(deviations.loc[deviations["origin"] == "injected", "type"]) <= FLOW_TYPES
    for kind in sorted(DERIVED_TYPES):
        ours = _rows(ref.deviations[ref.deviations["type"] == kind])
        assert ours == _truth_rows(deviations, "derived", kind), kind
    counted = deviations.groupby(deviations["case_id"].astype(object)).size()
    cases = run.truth.cases
    expected = cases["case_id"].astype(object).map(counted).fillna(0).astype(int)
    assert cases["deviations"].tolist() == expected.tolist()


def test_nothing_happens_outside_office_hours(run: Simulation) -> None:
    """Every timestamp and start, read in the office's zone, lies on a working day 08:00-16:00.

    Working day = Monday-Friday and not one of the 2025 national holidays and cuti bersama
    listed in DAYS_OFF_2025 (Lebaran 31 Mar-7 Apr included), and the office calendar agrees.
    """
    model = run.model
    assert (model.calendar.day_start, model.calendar.day_end) == (dt.time(8), dt.time(16))
    stamps = pd.concat([run.events["timestamp"], run.events["start_timestamp"]]).dropna()
    local = stamps.dt.tz_convert(model.office.timezone)
    days = sorted(set(local.dt.date))
    assert days[0] >= START
    weekends = [d for d in days if d.weekday() >= 5]
    holidays = [(d, DAYS_OFF_2025[d]) for d in days if d in DAYS_OFF_2025]
    assert not weekends, weekends[:5]
    assert not holidays, holidays[:5]
    assert model.calendar.is_working_day(days).all()
    assert not model.calendar.is_working_day(sorted(DAYS_OFF_2025)).any()
    minutes = local.dt.hour * 60 + local.dt.minute + local.dt.second / 60
    outside = local[(minutes < 8 * 60) | (minutes > 16 * 60)]
    assert outside.empty, outside.head().tolist()


def test_injected_deviations_show_in_the_truth(run: Simulation, ref: Reference) -> None:
    """What the simulator put in is what the truth reports.

    Control-flow deviations are listed with origin "injected", one row each. Role deviations
    are put on office steps, whose role and person all five export profiles carry (OSS and
    SiCantik only leave them out on the applicant's rows): so every injected wrong_actor is
    found by the reference's role check, every injected segregation_of_duties by its
    four-eyes check.
    """
    injected = run.injected
    flow = injected[injected["type"].isin(FLOW_TYPES)]
    assert _rows(flow) == _truth_rows(run.truth.deviations, "injected")

    steps = ref.steps
    found = _rows(ref.deviations)
    for case_id, kind, step_id in zip(
        injected["case_id"], injected["type"], injected["step_id"], strict=True
    ):
        if kind not in ("wrong_actor", "segregation_of_duties"):
            continue
        rows = steps[(steps["case_id"] == case_id) & (steps["step_id"] == step_id)]
        carried = rows["role"] if kind == "wrong_actor" else rows["resource"]
        assert carried.notna().any(), (case_id, kind, step_id, "not in the export")
        assert (case_id, kind, step_id) in found


def test_noisy_logs_have_cases_with_several_deviations(noisy: tuple[Simulation, Reference]) -> None:
    """With every rate times five, some case gets two or more deviation types injected, and
    the reference still matches the truth on exactly those cases (steps, case, verdicts).
    """
    run, ref = noisy
    types = run.injected.groupby(run.injected["case_id"].astype(object))["type"].nunique()
    several = set(types[types >= 2].index)
    assert several
    _assert_same_rows(
        ref.steps,
        run.truth.steps,
        ["case_id", "completed_at", "step_id"],
        STEP_EXACT,
        STEP_CLOSE,
        cases=several,
    )
    _assert_same_rows(ref.cases, run.truth.cases, ["case_id"], CASE_EXACT, CASE_CLOSE, several)
    deviations = run.truth.deviations
    theirs = deviations[deviations["case_id"].astype(object).isin(several)]
    mine = ref.deviations[ref.deviations["case_id"].isin(several)]
    assert _rows(mine) == _truth_rows(theirs, "derived")


# --------------------------------------------------------------------------- by hand


def _wib(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Asia/Jakarta").tz_convert("UTC")


#: One Izin Insidentil file across Nyepi and Lebaran 2025, by hand (WIB): step, activity,
#: start, completion, role, resource (all completed steps).
HAND_EVENTS = (
    ("pendaftaran", "Pendaftaran", "2025-03-27 14:40", "2025-03-27 14:50", "Pemohon", None),
    ("pemeriksaan_berkas", "Pemeriksaan", "2025-03-27 14:52", "2025-03-27 14:55", "FO", "A"),
    # sent back (return edge): with the applicant over cuti Nyepi, Lebaran and its cuti bersama
    ("pendaftaran", "Pendaftaran", "2025-04-08 08:30", "2025-04-08 09:00", "Pemohon", None),
    ("pemeriksaan_berkas", "Pemeriksaan", "2025-04-08 09:30", "2025-04-08 10:00", "FO", "A"),
    (None, "Cek Status Berkas", None, "2025-04-08 12:00", "Back Office", "B"),
    ("rekomendasi_teknis", "Rekomendasi", "2025-04-09 09:00", "2025-04-09 10:00", "Kadis", "C"),
)
HAND_AS_OF = "2025-04-10 16:00"
#: (step, waiting, processing, elapsed, stopped, breach) per completed mapped step.
HAND_STEPS = (
    ("pendaftaran", math.nan, 10.0, math.nan, math.nan, False),
    ("pemeriksaan_berkas", 2.0, 3.0, 5.0, 0.0, False),
    # 27 Mar 14:55-16:00 (65) + 8 Apr 08:00-09:00 (60), all of it with the applicant
    ("pendaftaran", 0.0, 0.0, 0.0, 125.0, False),
    ("pemeriksaan_berkas", 30.0, 30.0, 60.0, 0.0, True),  # target 15
    # handed over by the unmapped check at 12:00: 240 + 60 waiting, 60 processing
    ("rekomendasi_teknis", 300.0, 60.0, 360.0, 0.0, False),  # target 6 Hari = 2880
)


def _hand_events() -> tuple[SopModel, pd.DataFrame]:
    """The hand-worked file as canonical events, plus its clock stop and its open step."""
    model = load_sop("rohil_izin_insidentil")
    rows = [
        {
            "case_id": "HAND/1",
            "activity": activity,
            "step_id": step,
            "kind": "step",
            "timestamp": _wib(done),
            "start_timestamp": _wib(start) if start else pd.NaT,
            "role": {"FO": "Front Office", "Kadis": "Kepala Dinas"}.get(role, role),
            "resource": resource,
        }
        for step, activity, start, done, role, resource in HAND_EVENTS
    ]
    blank = {"start_timestamp": pd.NaT, "role": None, "resource": None}
    rows.append(
        {
            **rows[-1],
            **blank,
            "activity": "Penghentian Sementara Waktu SLA",
            "step_id": None,
            "kind": "clock_stop",
            "timestamp": _wib("2025-04-09 15:00"),
        }
    )
    rows.append(
        {
            **rows[-1],
            **blank,
            "activity": "Entri data pemohon",
            "step_id": "entri_data",
            "kind": "open",
            "timestamp": pd.NaT,
        }
    )
    events = pd.DataFrame(rows)
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    events["start_timestamp"] = pd.to_datetime(events["start_timestamp"], utc=True)
    return model, events


def _observed_path(events: pd.DataFrame) -> pd.DataFrame:
    """The mapped steps of the events in order, as the simulator passes its drawn paths."""
    done = events[(events["kind"] == "step") & events["step_id"].notna()]
    return pd.DataFrame(
        {"case_id": done["case_id"].astype(object), "step_id": done["step_id"].astype(object)}
    ).reset_index(drop=True)


#: Targets after the receipt on the hand-worked file's path, continued to the licence:
#: rekomendasi_teknis 2880 + entri_data 15 + three verifications and the Kadis' approval 40
#: + penomoran_cetak 15 + penandatanganan_kadis 5 + pengambilan_izin 5.
HAND_SERVICE_TARGET = 2960.0


def test_reference_on_a_hand_worked_case() -> None:
    """The reference (and the truth) give the numbers worked out by hand for one file.

    The file is sent back to the applicant on Thursday 27 March 2025 and resubmitted on
    Tuesday 8 April: the days between are Nyepi's cuti bersama, Lebaran and its cuti bersama,
    so only 125 working minutes pass, all of them stopped. An unmapped activity hands over to
    the next step; a clock stop on 9 April 15:00 runs to the as-of time (10 April 16:00) and
    comes off the service clock (1320 - 540 = 780 minutes since the last receipt at 8 April
    10:00) and off the current step's clock (840 - 540 = 300 minutes against 15: at risk).
    The truth gets the path as the simulator passes it (``paths``).
    """
    model, events = _hand_events()
    truth = ground_truth(
        events, model, as_of=pd.Timestamp(HAND_AS_OF), paths=_observed_path(events)
    )
    ref = reference(SimpleNamespace(events=events, model=model, truth=truth))  # type: ignore[arg-type]

    by_hand = pd.DataFrame(
        HAND_STEPS,
        columns=["step_id", "waiting", "processing", "elapsed", "stopped", "breach"],
    )
    assert ref.steps["step_id"].tolist() == by_hand["step_id"].tolist()
    for ours, hand in (
        ("waiting_minutes", "waiting"),
        ("processing_minutes", "processing"),
        ("elapsed_minutes", "elapsed"),
        ("stopped_minutes", "stopped"),
        ("breach", "breach"),
    ):
        assert all(
            _same(a, b, ours != "breach")
            for a, b in zip(ref.steps[ours], by_hand[hand], strict=True)
        ), (ours, ref.steps[ours].tolist())
    assert ref.cases.to_dict("records") == [
        {
            "case_id": "HAND/1",
            "status": "open",
            "current_step": "entri_data",
            "service_start": _wib("2025-04-08 10:00"),
            "service_end": None,
            "service_elapsed_minutes": 780.0,
            "service_target_minutes": HAND_SERVICE_TARGET,
            "service_breach": False,
            "remaining_minutes": HAND_SERVICE_TARGET - 780.0,
            "step_elapsed_minutes": 300.0,
            "step_target_minutes": 15.0,
            "at_risk": True,
        }
    ]
    assert sorted(_rows(ref.deviations)) == [
        ("HAND/1", "open_at_risk", "entri_data"),
        ("HAND/1", "step_sla_breach", "pemeriksaan_berkas"),
        ("HAND/1", "wrong_actor", "rekomendasi_teknis"),
    ]
    _assert_same_rows(
        ref.steps, truth.steps, ["case_id", "completed_at", "step_id"], STEP_EXACT, STEP_CLOSE
    )
    _assert_same_rows(ref.cases, truth.cases, ["case_id"], CASE_EXACT, CASE_CLOSE)
    assert _rows(ref.deviations) == _truth_rows(truth.deviations, "derived")


def test_service_target_of_conformant_closed_cases(run: Simulation) -> None:
    """Where the events follow the drawn path (no control-flow deviation injected), a closed
    case's service target is the sum of the targets of the mapped steps after the last
    completion of the clock-start step, as observed (or the model's own service target).
    """
    model = run.model
    bent = set(run.injected.loc[run.injected["type"].isin(FLOW_TYPES), "case_id"].astype(object))
    events = run.events[(run.events["kind"] == "step") & run.events["step_id"].notna()]
    events = events.sort_values("timestamp", kind="stable")
    observed = events.groupby(events["case_id"].astype(object))["step_id"].agg(
        lambda steps: list(steps.astype(object))
    )
    cases = run.truth.cases
    closed = cases[(cases["status"] != "open") & ~cases["case_id"].astype(object).isin(bent)]
    assert not closed.empty
    wrong = []
    for case_id, target in zip(
        closed["case_id"].astype(object), closed["service_target_minutes"], strict=True
    ):
        path = observed[case_id]
        starts = [i for i, step in enumerate(path) if step == model.sla.clock_start]
        if model.sla.service_target is not None:
            expected = model.sla.service_target.working_minutes(
                minutes_per_day=model.calendar.minutes_per_day
            )
        elif starts:
            expected = sum(model.target_minutes(step) for step in path[starts[-1] + 1 :])
        else:
            expected = math.nan
        if not _same(expected, target, close=True):
            wrong.append((case_id, expected, target))
    assert not wrong, wrong[:5]


def test_ground_truth_without_paths_continues_open_cases_in_full() -> None:
    """Without ``paths`` the observed mapped steps are the reference path, and an open case's
    is continued by the quickest way to the licence: for the hand-worked file, every step
    after rekomendasi_teknis, 2960 minutes in all.
    """
    model, events = _hand_events()
    truth = ground_truth(events, model, as_of=pd.Timestamp(HAND_AS_OF))
    assert truth.cases["service_target_minutes"].tolist() == [HAND_SERVICE_TARGET]


def test_ground_truth_without_paths_reads_a_simulated_log() -> None:
    """``ground_truth`` on a simulation's own events without ``paths`` gives the same step
    verdicts as the simulator's truth (step times do not depend on the reference path).
    """
    run = _simulation("rohil_izin_insidentil", "default")
    truth = ground_truth(run.events, run.model, as_of=run.truth.as_of)
    _assert_same_rows(
        truth.steps,
        run.truth.steps,
        ["case_id", "completed_at", "step_id"],
        STEP_EXACT,
        STEP_CLOSE,
    )
