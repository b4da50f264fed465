"""Draw the events of many cases at once.

Time runs on a working-minute axis: ``W = k * minutes_per_day + m`` is minute ``m`` of the
``k``-th working day of the period (holidays, cuti bersama and office days off are not on the
axis at all, so nothing can happen on a day off). Every duration is a whole number of working
minutes, a case's completions are a cumulative sum of its durations, and the axis is turned
into wall-clock instants once, at the end. Only the few cases that get a deviation are edited
one by one; everything else is numpy over all events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from sopmine.simulate._codes import categorical
from sopmine.simulate._flow import Flow
from sopmine.simulate._staff import Staff, applicant_actors
from sopmine.simulate.settings import SimulationError, SimulationSettings
from sopmine.sop import SopModel

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: Activity labels of the SLA clock events (OSS 41 / 42).
CLOCK_LABELS = {
    "clock_stop": "Penghentian Sementara Waktu SLA",
    "clock_resume": "Waktu SLA Dilanjutkan",
}
_UNMAPPED_TARGET = 30.0
#: Event kinds the simulator writes, in code order.
KINDS = (
    "step",
    "open",
    "clock_stop",
    "clock_resume",
)  # working minutes an activity outside the SOP takes, typically


@dataclass
class Generated:
    """The drawn events (all kinds, every case) and what was injected where."""

    events: pd.DataFrame
    cases: pd.DataFrame
    paths: pd.DataFrame  # the drawn path of every case, one row per step: case, step_id
    injected: pd.DataFrame
    staff: Staff
    as_of: pd.Timestamp
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Trace:
    """One case's events while deviations are injected (the rare, per-case path)."""

    step: list[int]
    back: list[bool]
    label: list[int]
    origin: list[int]
    moved: list[bool]


def generate(
    model: SopModel,
    *,
    cases: int,
    seed: int,
    start: dt.date,
    end: dt.date,
    settings: SimulationSettings,
    clock_stop_rate: float,
) -> Generated:
    """Every event of ``cases`` cases arriving from ``start`` to ``end`` (office calendar)."""
    if cases < 1:
        raise SimulationError("--cases must be at least 1")
    if end < start:
        raise SimulationError(f"the period ends ({end}) before it starts ({start})")
    rng = np.random.default_rng(seed)
    flow = Flow.compile(model, settings)
    staff = Staff.build(model, settings, rng)
    axis = _Axis.build(model, start, end)
    if axis.period_days == 0:
        raise SimulationError(f"no working day from {start} to {end} in {model.office.name}")

    case, step, back, outcome = flow.walk(
        flow.step_ids.index(model.start), cases, rng, max_returns=settings.max_returns
    )
    label = np.full(step.size, -1, dtype=np.int64)
    drawn = pd.DataFrame({"case": case, "step": step})
    case, step, back, label, injected, edited, origin = _inject_flow(
        flow, model, settings, rng, case, step, back, label, cases
    )
    actor, person, role_injected = _assign_people(
        model, settings, staff, rng, case, step, label, edited
    )
    injected = pd.concat([injected, role_injected], ignore_index=True)
    times = _draw_times(model, settings, staff, axis, rng, case, step, back, actor, person, cases)
    stops = _clock_stops(
        model, settings, axis, rng, case, step, back, actor, times, cases, clock_stop_rate
    )
    return _assemble(
        model,
        flow,
        staff,
        axis,
        case,
        step,
        label,
        actor,
        person,
        times,
        stops,
        outcome,
        injected,
        settings,
        cases,
        origin,
        drawn,
    )


# --------------------------------------------------------------------------- working-time axis


@dataclass(frozen=True)
class _Axis:
    """Working days from the period's start, and the conversion of W back to instants."""

    model: SopModel
    days: npt.NDArray[np.datetime64]  # working dates, from the start on
    period_days: int
    per_day: int

    @classmethod
    def build(cls, model: SopModel, start: dt.date, end: dt.date) -> _Axis:
        calendar = model.calendar
        dates = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
        working = dates[calendar.is_working_day(dates)]
        return cls(model, working, int(working.size), calendar.minutes_per_day)

    def extend_to(self, minutes: float) -> _Axis:
        """An axis long enough for instants up to ``minutes``."""
        needed = int(minutes // self.per_day) + 2
        if needed <= self.days.size:
            return self
        last = self.days[-1] if self.days.size else np.datetime64("2000-01-01")
        more = np.arange(last + 1, last + 1 + (needed - self.days.size) * 2 + 30)
        working = more[self.model.calendar.is_working_day(more)]
        return _Axis(
            self.model, np.concatenate([self.days, working]), self.period_days, self.per_day
        ).extend_to(minutes)

    def instants(self, minutes: Floats) -> pd.DatetimeIndex:
        """UTC instants of axis positions (NaN: NaT); a day boundary is the earlier day's end."""
        known = ~np.isnan(minutes)
        w = np.where(known, minutes, 0).astype(np.int64)
        day = np.maximum(np.ceil(w / self.per_day).astype(np.int64) - 1, 0)
        minute = w - day * self.per_day
        start = self.model.calendar.day_start
        offset = np.timedelta64(start.hour * 60 + start.minute, "m")
        local = self.days[day].astype("datetime64[m]") + offset + minute.astype("timedelta64[m]")
        local = np.where(known, local, np.datetime64("NaT"))
        index = pd.DatetimeIndex(local.astype("datetime64[ns]"))
        return index.tz_localize(self.model.office.timezone).tz_convert("UTC")


# --------------------------------------------------------------------------- deviations: flow


def _inject_flow(
    flow: Flow,
    model: SopModel,
    settings: SimulationSettings,
    rng: np.random.Generator,
    case: Ints,
    step: Ints,
    back: Bools,
    label: Ints,
    cases: int,
) -> tuple[Ints, Ints, Bools, Ints, pd.DataFrame, Bools, Ints]:
    """Edit the traces of the cases drawn for a control-flow deviation.

    Each edit is checked on the valid trace alone: it must make the trace invalid and be the
    only one-edit repair of it (a swap: no one-edit repair, and not two deletions either).
    Edits in one case are at least three events apart and after the last return, so they stay
    separate findings. Returns the new event arrays, the injections and an ``edited`` mask
    (events created or moved by an edit, which role deviations leave alone).
    """
    rates = settings.deviations
    kinds = (
        "missing_step",
        "wrong_order",
        "repeated_step",
        "unexpected_activity",
        "unmapped_activity",
    )
    draws = {k: rng.random(cases) < getattr(rates, k) for k in kinds}
    chosen = np.flatnonzero(np.logical_or.reduce([draws[k] for k in kinds]))
    bounds = np.searchsorted(case, np.arange(cases + 1))
    keep = np.ones(case.size, dtype=np.bool_)
    rows: list[dict[str, object]] = []
    new_parts: list[tuple[int, _Trace, list[bool]]] = []
    for c in chosen:
        lo, hi = int(bounds[c]), int(bounds[c + 1])
        trace = step[lo:hi].tolist()
        after_return = max((i for i in range(hi - lo) if back[lo + i]), default=0)
        kinds_here = [k for k in kinds if draws[k][c]]
        rng.shuffle(kinds_here)
        edits: list[tuple[str, int, int]] = []  # (kind, position, step or label)
        for kind in kinds_here:
            edit = _pick_edit(flow, kind, trace, after_return, edits, settings, rng)
            if edit is not None:
                edits.append(edit)
        if not edits:
            continue
        edited = _apply(trace, back[lo:hi].tolist(), edits)
        keep[lo:hi] = False
        new_parts.append((int(c), edited, edited.moved))
        for kind, position, what in edits:
            row = _describe(flow, model, settings, int(c), kind, position, what, trace)
            places = {"missing_step": "gap", "wrong_order": "pair", "unmapped_activity": "label"}
            place = places.get(kind, "insert")
            at = position + 1 if kind == "repeated_step" else position
            row["positions"] = (place, at + _shift(edits, position))
            rows.append(row)
    parts_case = [case[keep]]
    parts_step, parts_back, parts_label = [step[keep]], [back[keep]], [label[keep]]
    parts_edited = [np.zeros(int(keep.sum()), dtype=np.bool_)]
    parts_origin = [_positions(case)[keep]]
    for case_no, t, moved in new_parts:
        parts_origin.append(np.array(t.origin, dtype=np.int64))
        parts_case.append(np.full(len(t.step), case_no, dtype=np.int64))
        parts_step.append(np.array(t.step, dtype=np.int64))
        parts_back.append(np.array(t.back, dtype=np.bool_))
        parts_label.append(np.array(t.label, dtype=np.int64))
        parts_edited.append(np.array(moved, dtype=np.bool_))
    new_case = np.concatenate(parts_case)
    order = np.argsort(new_case, kind="stable")
    injected = pd.DataFrame(rows, columns=["case", "type", "step_id", "detail", "positions"])
    return (
        new_case[order],
        np.concatenate(parts_step)[order],
        np.concatenate(parts_back)[order],
        np.concatenate(parts_label)[order],
        injected,
        np.concatenate(parts_edited)[order],
        np.concatenate(parts_origin)[order],
    )


def _positions(case: Ints) -> Ints:
    """Each event's position in its case (cases are contiguous)."""
    first = np.ones(case.size, dtype=np.bool_)
    first[1:] = case[1:] != case[:-1]
    starts = np.flatnonzero(first)
    return np.arange(case.size) - np.repeat(starts, np.diff(np.append(starts, case.size)))


def _pick_edit(
    flow: Flow,
    kind: str,
    trace: list[int],
    after_return: int,
    taken: list[tuple[str, int, int]],
    settings: SimulationSettings,
    rng: np.random.Generator,
) -> tuple[str, int, int] | None:
    """A place for one edit of ``kind`` that is unambiguous on its own, or None."""
    n = len(trace)
    first = max(1, after_return + 1)
    positions = np.arange(first, n - 1)
    rng.shuffle(positions)
    for k in positions.tolist():
        if any(abs(k - p) < 3 for _, p, _ in taken):
            continue
        if kind == "missing_step":
            # only a plain link of a chain, between steps that have no other way: then no
            # other one-edit repair, and no combination with a return or an end, explains it
            chain = flow.simple(trace[k]) and flow.single_exit(trace[k - 1])
            if not (chain and flow.single_entry(trace[k + 1])):
                continue
            edited = trace[:k] + trace[k + 1 :]
            deleted, inserted = flow.single_fixes(edited)
            if not flow.valid(edited) and inserted == {trace[k]} and not deleted:
                return kind, k, trace[k]
        elif kind == "wrong_order":
            if k + 1 >= n - 1 or trace[k] == trace[k + 1]:
                continue
            links = flow.simple(trace[k]) and flow.simple(trace[k + 1])
            if not (links and flow.single_exit(trace[k - 1]) and flow.single_entry(trace[k + 2])):
                continue
            edited = [*trace[:k], trace[k + 1], trace[k], *trace[k + 2 :]]
            both_gone = trace[:k] + trace[k + 2 :]
            if flow.valid(edited) or flow.valid(both_gone):
                continue
            if flow.single_fixes(edited) == (set(), set()):
                return kind, k, trace[k]
        elif kind == "repeated_step":
            if not (flow.single_exit(trace[k]) and flow.single_entry(trace[k + 1])):
                continue
            edited = [*trace[: k + 1], trace[k], *trace[k + 1 :]]
            deleted, inserted = flow.single_fixes(edited)
            if not flow.valid(edited) and deleted == {trace[k]} and not inserted:
                return kind, k, trace[k]
        elif kind == "unexpected_activity":
            if not (flow.single_exit(trace[k - 1]) and flow.single_entry(trace[k])):
                continue
            outside = sorted(set(range(flow.size)) - set(trace))
            for other in rng.permutation(outside).tolist() if outside else []:
                edited = [*trace[:k], other, *trace[k:]]
                deleted, inserted = flow.single_fixes(edited)
                if not flow.valid(edited) and deleted == {other} and not inserted:
                    return kind, k, int(other)
            continue
        elif kind == "unmapped_activity":
            return kind, k, int(rng.integers(len(settings.extra_activities)))
    return None


def _shift(edits: list[tuple[str, int, int]], position: int) -> int:
    """How far an original position moved after the edits placed before it."""
    moved: int = 0
    for kind, k, _ in edits:
        if k < position:
            moved += -1 if kind == "missing_step" else 0 if kind == "wrong_order" else 1
    return moved


def _apply(trace: list[int], back: list[bool], edits: list[tuple[str, int, int]]) -> _Trace:
    """The trace with the edits made (positions refer to the original trace)."""
    out = _Trace(
        step=list(trace),
        back=list(back),
        label=[-1] * len(trace),
        origin=list(range(len(trace))),
        moved=[False] * len(trace),
    )
    columns: tuple[list[Any], ...] = (out.step, out.back, out.label, out.origin, out.moved)
    for kind, k, what in sorted(edits, key=lambda e: -e[1]):
        if kind == "missing_step":
            for column in columns:
                del column[k]
        elif kind == "wrong_order":
            for column in columns[:4]:
                column[k], column[k + 1] = column[k + 1], column[k]
            out.moved[k] = out.moved[k + 1] = True  # role deviations stay off them
        else:
            at = k + 1 if kind == "repeated_step" else k
            new_step = -1 if kind == "unmapped_activity" else what
            new_label = what if kind == "unmapped_activity" else -1
            out.step.insert(at, new_step)
            out.back.insert(at, False)
            out.label.insert(at, new_label)
            out.origin.insert(at, -1)
            out.moved.insert(at, True)
    return out


def _describe(
    flow: Flow,
    model: SopModel,
    settings: SimulationSettings,
    case: int,
    kind: str,
    k: int,
    what: int,
    trace: list[int],
) -> dict[str, object]:
    ids = flow.step_ids
    if kind == "unmapped_activity":
        step_id, detail = None, f"'{settings.extra_activities[what]}' is not a step of the SOP"
    elif kind == "wrong_order":
        a, b = trace[k], trace[k + 1]
        step_id = ids[a if model.step(ids[a]).number < model.step(ids[b]).number else b]
        detail = f"'{model.step(ids[b]).name}' came before '{model.step(ids[a]).name}'"
    else:
        step_id = ids[what]
        done = {
            "missing_step": "was skipped",
            "repeated_step": "was done again",
            "unexpected_activity": "is not on this case's path",
        }[kind]
        detail = f"'{model.step(step_id).name}' {done}"
    return {"case": case, "type": kind, "step_id": step_id, "detail": detail}


# --------------------------------------------------------------------------- people and roles


def _assign_people(
    model: SopModel,
    settings: SimulationSettings,
    staff: Staff,
    rng: np.random.Generator,
    case: Ints,
    step: Ints,
    label: Ints,
    edited: Bools,
) -> tuple[Ints, Ints, pd.DataFrame]:
    """The actor (role) and person of every event; wrong actors and four-eyes breaks injected.

    Returns ``actor`` (index into ``model.actors``), ``person`` (row of ``staff.people``, -1 for
    the applicant) and the injected role deviations.
    """
    actor_ids = [a.id for a in model.actors]
    applicants = applicant_actors(model)
    step_actor = np.array([actor_ids.index(s.actor) for s in model.steps], dtype=np.int64)
    staff_actors = np.array([i for i, a in enumerate(actor_ids) if a not in applicants])
    if staff_actors.size == 0:
        raise SimulationError(f"{model.id} has no actor besides the applicant")
    mapped = step >= 0
    actor = np.where(mapped, step_actor[np.maximum(step, 0)], -1)
    unmapped = ~mapped
    actor[unmapped] = staff_actors[rng.integers(staff_actors.size, size=int(unmapped.sum()))]

    n_cases = int(case.max()) + 1 if case.size else 0
    bounds = np.searchsorted(case, np.arange(n_cases + 1))
    rows: list[dict[str, object]] = []
    sod_steps = {model.step(p.first).id for p in model.sla.segregation_of_duties} | {
        model.step(p.second).id for p in model.sla.segregation_of_duties
    }
    sod_index = {i for i, s in enumerate(model.steps) if s.id in sod_steps}
    # wrong actor: an office step done by someone of another role
    draw = np.flatnonzero(rng.random(n_cases) < settings.deviations.wrong_actor)
    for c in draw.tolist():
        lo, hi = int(bounds[c]), int(bounds[c + 1])
        candidates = [
            i
            for i in range(lo + 1, hi)
            if mapped[i]
            and not edited[i]
            and int(step[i]) not in sod_index
            and actor_ids[actor[i]] not in applicants
        ]
        if not candidates:
            continue
        i = candidates[int(rng.integers(len(candidates)))]
        own = model.steps[int(step[i])]
        allowed = {own.actor, *own.co_actors}
        others = [a for a in staff_actors.tolist() if actor_ids[a] not in allowed]
        if not others:
            continue
        actor[i] = others[int(rng.integers(len(others)))]
        rows.append(
            {
                "case": c,
                "type": "wrong_actor",
                "step_id": own.id,
                "detail": f"'{own.name}' done by {model.actors[actor[i]].name}, "
                f"not {model.actor(own.actor).name}",
                "positions": ("event", i - lo),
            }
        )

    person = np.full(case.size, -1, dtype=np.int64)
    for a, pool in staff.pools.items():
        where = actor == actor_ids.index(a)
        person[where] = pool[rng.integers(pool.size, size=int(where.sum()))]
    _same_person_for_repeats(case, step, edited, person)
    _separate_pairs(model, staff, case, step, person)

    draw = np.flatnonzero(rng.random(n_cases) < settings.deviations.segregation_of_duties)
    pairs = model.sla.segregation_of_duties
    index = {s.id: i for i, s in enumerate(model.steps)}
    for c in draw.tolist() if pairs else []:
        lo, hi = int(bounds[c]), int(bounds[c + 1])
        usable = []
        for pair in pairs:
            first = [i for i in range(lo, hi) if step[i] == index[pair.first]]
            second = [i for i in range(lo, hi) if step[i] == index[pair.second]]
            if len(first) == 1 and len(second) == 1 and not (edited[first[0]] or edited[second[0]]):
                usable.append((pair, first[0], second[0]))
        if not usable:
            continue
        pair, i, j = usable[int(rng.integers(len(usable)))]
        if person[i] < 0:
            continue
        person[j] = person[i]
        who = str(staff.people.at[int(person[i]), "name"])
        rows.append(
            {
                "case": c,
                "type": "segregation_of_duties",
                "step_id": pair.second,
                "detail": f"{who} did both '{model.step(pair.first).name}' and "
                f"'{model.step(pair.second).name}'",
                "positions": ("event", j - lo),
            }
        )
    return (
        actor,
        person,
        pd.DataFrame(rows, columns=["case", "type", "step_id", "detail", "positions"]),
    )


def _same_person_for_repeats(case: Ints, step: Ints, edited: Bools, person: Ints) -> None:
    """A repeated step is redone by whoever did it the first time."""
    repeat = np.flatnonzero(edited[1:] & (step[1:] == step[:-1]) & (case[1:] == case[:-1])) + 1
    person[repeat] = person[repeat - 1]


def _separate_pairs(model: SopModel, staff: Staff, case: Ints, step: Ints, person: Ints) -> None:
    """Four-eyes pairs of one role get different people, over every visit of both steps.

    (Breaks are injected afterwards, on purpose.)
    """
    index = {s.id: i for i, s in enumerate(model.steps)}
    for pair in model.sla.segregation_of_duties:
        if model.step(pair.first).actor != model.step(pair.second).actor:
            continue
        pool = staff.pools[model.step(pair.first).actor]
        first = np.flatnonzero(step == index[pair.first])
        second = np.flatnonzero(step == index[pair.second])
        taken = pd.DataFrame({"case": case[first], "person": person[first]}).drop_duplicates()
        probe = pd.DataFrame({"case": case[second], "person": person[second], "row": second})
        clash = probe.merge(taken, on=["case", "person"])["row"].to_numpy()
        busy = taken.groupby("case")["person"].agg(set)
        for row in clash.tolist():
            free = [p for p in pool.tolist() if p not in busy[case[row]]]
            if free:  # the first free colleague of the pool takes over
                person[row] = free[0]


# --------------------------------------------------------------------------- durations


@dataclass
class _Times:
    handover: Floats  # W of the handover (NaN for the first event of a case)
    started: Floats
    completed: Floats


def _draw_times(
    model: SopModel,
    settings: SimulationSettings,
    staff: Staff,
    axis: _Axis,
    rng: np.random.Generator,
    case: Ints,
    step: Ints,
    back: Bools,
    actor: Ints,
    person: Ints,
    cases: int,
) -> _Times:
    """Waiting and processing minutes of every event, then completions by cumulative sums."""
    per_day = axis.per_day
    n = case.size
    targets = np.array([model.target_minutes(s.id) for s in model.steps] + [_UNMAPPED_TARGET])
    target = targets[np.where(step >= 0, step, -1)]
    first = np.ones(n, dtype=np.bool_)
    first[1:] = case[1:] != case[:-1]

    share = rng.random(n)
    breach = share < settings.breach_share
    on_time = target * (0.1 + 0.8 * rng.beta(2.0, 2.0, n))
    over = target * (1.0 + np.exp(rng.normal(-1.2, settings.breach_tail, n)))
    elapsed = np.where(breach, over, on_time)
    actor_ids = [a.id for a in model.actors]
    slow = np.array([settings.slow_roles.get(a, 1.0) for a in actor_ids])
    elapsed = (
        elapsed
        * slow[actor]
        * np.where(person >= 0, staff.people["speed"].to_numpy()[np.maximum(person, 0)], 1.0)
    )
    applicant_time = settings.applicant_days * per_day * np.exp(rng.normal(0, 0.6, n))
    elapsed = np.where(back, np.clip(applicant_time, 30, 15 * per_day), elapsed)
    elapsed = np.maximum(np.rint(elapsed), 1)
    processing = np.maximum(np.rint(elapsed * (1 - rng.beta(2.5, 2.0, n))), 1)
    processing = np.minimum(processing, elapsed)
    waiting = elapsed - processing
    waiting[first] = 0
    processing[first] = np.minimum(processing[first], 60)

    # arrivals: working days weighted by weekday, morning-heavy minutes
    weekday = (axis.days[: axis.period_days].astype("datetime64[D]").astype(np.int64) + 3) % 7
    weights = np.array((*settings.weekly_pattern, 0.0, 0.0))[weekday]
    if weights.sum() <= 0:
        weights = np.ones(weights.size)
    day = rng.choice(axis.period_days, size=cases, p=weights / weights.sum())
    minute = 1 + np.floor(rng.beta(1.6, 2.6, cases) * (per_day - 2))
    arrival = np.sort(day * per_day + minute)  # case numbers follow arrival order

    completed = _cumulate(case, first, arrival, waiting + processing)
    # queues: waiting grows with the role's load over the last three working days
    if settings.congestion > 0:
        handover = np.roll(completed, 1)
        load_day = np.where(first, -1, (handover // per_day)).astype(np.int64)
        days = int(load_day.max()) + 1 if n else 1
        key = actor * days + np.maximum(load_day, 0)
        counted = np.bincount(key[~first], minlength=len(actor_ids) * days).astype(np.float64)
        counted = counted.reshape(len(actor_ids), days)
        rolling = counted.copy()
        rolling[:, 1:] += counted[:, :-1]
        rolling[:, 2:] += counted[:, :-2]
        busy = rolling > 0
        mean = np.where(
            busy.any(axis=1), (rolling * busy).sum(axis=1) / np.maximum(busy.sum(axis=1), 1), 1.0
        )
        load = rolling[actor, np.maximum(load_day, 0)] / mean[actor]
        factor = np.clip(load**settings.congestion, 0.6, 2.0)
        waiting = np.where(first | back, waiting, np.rint(waiting * factor))
        completed = _cumulate(case, first, arrival, waiting + processing)
    handover = np.where(first, np.nan, np.roll(completed, 1))
    started = completed - processing
    started[first] = np.maximum(completed[first] - processing[first], 0)
    return _Times(handover=handover, started=started, completed=completed)


def _cumulate(case: Ints, first: Bools, arrival: Floats, duration: Floats) -> Floats:
    """Completion of every event: the case's arrival plus the durations so far."""
    duration = np.where(first, 0.0, duration)
    total = np.cumsum(duration)
    before = total[first] - duration[first]
    starts = np.flatnonzero(first)
    base = np.repeat(before, np.diff(np.append(starts, case.size)))
    return arrival[case] + (total - base)


# --------------------------------------------------------------------------- SLA clock stops


@dataclass
class _Stops:
    case: Ints
    stopped: Floats
    resumed: Floats
    event: Ints  # the event in progress


def _clock_stops(
    model: SopModel,
    settings: SimulationSettings,
    axis: _Axis,
    rng: np.random.Generator,
    case: Ints,
    step: Ints,
    back: Bools,
    actor: Ints,
    times: _Times,
    cases: int,
    rate: float,
) -> _Stops:
    """One stop (41 -> 42) during an office step after the clock start, for ``rate`` of cases.

    The applicant's time while stopped pushes every later event of the case.
    """
    empty = _Stops(np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, np.int64))
    if rate <= 0 or case.size == 0:
        return empty
    applicants = applicant_actors(model)
    actor_ids = [a.id for a in model.actors]
    clock_start = [s.id for s in model.steps].index(model.sla.clock_start)
    is_start = step == clock_start
    # events after the last clock start of their case
    last_start = pd.Series(np.where(is_start, np.arange(case.size), -1)).groupby(case).cummax()
    after = np.arange(case.size) > last_start.to_numpy()
    seen = pd.Series(is_start).groupby(case).cummax().to_numpy()
    length = times.completed - np.nan_to_num(times.handover, nan=np.inf)
    office = np.array([actor_ids[a] not in applicants for a in actor])
    eligible = after & seen & office & ~back & (step >= 0) & (length >= 2)
    chosen_cases = np.flatnonzero(rng.random(cases) < rate)
    candidates = np.flatnonzero(eligible & np.isin(case, chosen_cases))
    if candidates.size == 0:
        return empty
    shuffled = rng.permutation(candidates)
    _, first_of_case = np.unique(case[shuffled], return_index=True)
    picked = np.sort(shuffled[first_of_case])
    offset = np.floor(rng.random(picked.size) * (length[picked] - 1)) + 1
    pause = np.maximum(
        np.rint(settings.applicant_days * axis.per_day * np.exp(rng.normal(0, 0.6, picked.size))),
        1,
    )
    stopped = times.handover[picked] + offset
    # push the step in progress and everything after it in the case
    pushed = np.zeros(case.size)
    pushed[picked] = pause
    shift = pd.Series(pushed).groupby(case).cumsum().to_numpy(dtype=np.float64)
    wait_part = times.started[picked] - times.handover[picked]
    start_shift = shift.copy()
    start_shift[picked] = np.where(offset <= wait_part, pause, 0.0)
    times.completed = times.completed + shift
    times.started = times.started + start_shift
    times.handover = np.where(np.isnan(times.handover), np.nan, np.roll(times.completed, 1))
    return _Stops(case[picked], stopped, stopped + pause, picked)


# --------------------------------------------------------------------------- assembly


def _assemble(
    model: SopModel,
    flow: Flow,
    staff: Staff,
    axis: _Axis,
    case: Ints,
    step: Ints,
    label: Ints,
    actor: Ints,
    person: Ints,
    times: _Times,
    stops: _Stops,
    outcome: Ints,
    injected: pd.DataFrame,
    settings: SimulationSettings,
    cases: int,
    origin: Ints,
    drawn: pd.DataFrame,
) -> Generated:
    """Cut at the as-of time, turn axis minutes into instants, and name everything."""
    as_of_w = float(axis.period_days * axis.per_day)
    axis = axis.extend_to(float(np.nanmax(times.completed)) if case.size else 0.0)
    done = times.completed <= as_of_w
    # the first event not done in each case is its open work (waiting or in progress)
    not_done = np.flatnonzero(~done)
    _, first_open = np.unique(case[not_done], return_index=True)
    open_rows = not_done[first_open]
    visible = done.copy()
    visible[open_rows] = True

    ids = list(flow.step_ids)
    size = len(ids)
    extra = list(settings.extra_activities)
    clock_kinds = ("clock_stop", "clock_resume")
    # activity codes: the steps' names, then the extra labels, then the clock labels
    activity_names = [s.name for s in model.steps] + extra
    activity_names += [CLOCK_LABELS[k] for k in clock_kinds]
    activity = np.where(label >= 0, size + label, step)
    kind = np.where(done, 0, 1)  # KINDS: step, open
    started_known = np.where(done | (times.started <= as_of_w), times.started, np.nan)
    parts = {
        "case": case[visible],
        "activity": activity[visible],
        "step": step[visible],
        "kind": kind[visible],
        "completed": np.where(done, times.completed, np.nan)[visible],
        "started": started_known[visible],
        "actor": actor[visible],
        "person": person[visible],
        "_w": times.completed[visible],
    }
    if stops.case.size:
        n = stops.case.size
        w = np.concatenate([stops.stopped, stops.resumed])
        shown = w <= as_of_w
        clock = {
            "case": np.concatenate([stops.case, stops.case]),
            "activity": np.repeat([size + len(extra), size + len(extra) + 1], n),
            "step": np.full(2 * n, -1),
            "kind": np.repeat([2, 3], n),
            "completed": w,
            "started": np.full(2 * n, np.nan),
            "actor": np.full(2 * n, -1),
            "person": np.full(2 * n, -1),
            "_w": w,
        }
        parts = {k: np.concatenate([v, clock[k][shown]]) for k, v in parts.items()}
    order = np.lexsort((parts["_w"], parts["case"]))
    parts = {k: v[order] for k, v in parts.items()}

    width = len(str(cases))
    case_ids = [f"{i + 1:0{width}d}" for i in range(cases)]
    events = pd.DataFrame(
        {
            "case_id": categorical(parts["case"], case_ids),
            "case": parts["case"],
            "activity": categorical(parts["activity"], activity_names),
            "step_id": categorical(parts["step"], ids),
            "kind": categorical(parts["kind"], KINDS),
            "timestamp": axis.instants(parts["completed"]),
            "start_timestamp": axis.instants(parts["started"]),
            "actor": categorical(parts["actor"], [a.id for a in model.actors]),
            "person": parts["person"],
            "_w": parts["_w"],
        }
    )

    # the path and outcome of each case as drawn, and how much of it was done by the as-of
    paths = pd.DataFrame(
        {
            "case": drawn["case"].to_numpy(),
            "step_id": np.array(ids, dtype=object)[drawn["step"].to_numpy()],
        }
    )
    reached = pd.Series(np.where(done & (origin >= 0), origin + 1, 0)).groupby(case).max()
    open_cases = np.zeros(cases, dtype=np.bool_)
    open_cases[case[~done]] = True
    case_frame = pd.DataFrame(
        {
            "case": np.arange(cases),
            "case_id": case_ids,
            "outcome": np.array(["issued", "rejected"], dtype=object)[outcome],
            "open": open_cases,
        }
    )
    case_frame["reached"] = case_frame["case"].map(reached).fillna(0).astype(np.int64)
    injected = _observable(injected, case, done, np.array(case_ids, dtype=object))
    counts = {"events_drawn": len(events), "clock_stops": int(stops.case.size)}
    return Generated(
        events=events,
        cases=case_frame,
        paths=paths,
        injected=injected,
        staff=staff,
        as_of=axis.instants(np.array([as_of_w]))[0],
        counts=counts,
    )


def _observable(
    injected: pd.DataFrame, case: Ints, done: Bools, case_ids: npt.NDArray[np.object_]
) -> pd.DataFrame:
    """Keep the injections whose evidence is in events completed by the as-of time.

    The event after the edited ones must be done as well: until then, the completed part of an
    open case does not tell a skipped step from an early one (or a swap from an extra event).
    """
    columns = ["case_id", "type", "step_id", "detail"]
    if injected.empty:
        return pd.DataFrame(columns=columns)
    starts = np.searchsorted(case, np.arange(int(case.max()) + 2))
    keep: list[bool] = []
    offset = {"gap": 1, "pair": 2, "insert": 1, "event": 0, "label": 0}
    for c, (place, position) in zip(injected["case"], injected["positions"], strict=True):
        lo, hi = int(starts[int(c)]), int(starts[int(c) + 1])
        # the last event that must be completed for the deviation to show
        needed = lo + int(position) + offset[str(place)]
        # past the last event: visible once the whole case is done
        keep.append(bool(done[min(needed, hi - 1)]))
    kept = injected[np.array(keep, dtype=np.bool_)].copy()
    kept["case_id"] = case_ids[kept["case"].to_numpy(dtype=np.int64)]
    return kept[columns].reset_index(drop=True)
