"""The simulator: realistic exports of any SOP, with the verdicts they deserve.

:func:`simulate` draws applications that follow an SOP model through an office's calendar
(arrivals on working days, durations around each step's Waktu, queues, returns to the
applicant, rejections, staff pools, SLA clock stops, open cases at the end of the period),
injects deviations at set rates, writes them in an export profile, and computes the ground
truth from the events it wrote. ``docs/simulator.md`` explains every setting.
"""

from sopmine.simulate.settings import (
    DEVIATION_TYPES,
    DeviationRates,
    DirtyRows,
    SimulationError,
    SimulationSettings,
    load_settings,
)
from sopmine.simulate.simulation import (
    DEFAULT_PROFILES,
    Simulation,
    SimulationFiles,
    simulate,
    truth_dir,
)
from sopmine.simulate.truth import Truth, ground_truth

__all__ = [
    "DEFAULT_PROFILES",
    "DEVIATION_TYPES",
    "DeviationRates",
    "DirtyRows",
    "Simulation",
    "SimulationError",
    "SimulationFiles",
    "SimulationSettings",
    "Truth",
    "ground_truth",
    "load_settings",
    "simulate",
    "truth_dir",
]
