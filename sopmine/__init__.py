"""sopmine: process mining and SLA compliance for Indonesian one-stop licensing offices.

The public API, re-exported here; everything else is internal and may change.

>>> import sopmine
>>> model = sopmine.load_sop("karimun_sicantik")
>>> len(model.steps)
12
"""

from sopmine._version import __version__
from sopmine.calendar import OfficeCalendar
from sopmine.check import (
    CASE_COLUMNS,
    DEVIATION_COLUMNS,
    DEVIATION_TYPES,
    STEP_COLUMNS,
    AlignmentCache,
    CheckResult,
    check,
)
from sopmine.errors import (
    CalendarError,
    LogReadError,
    ModelProblem,
    ProfileError,
    SopmineError,
    SopModelError,
    SopModelNotFoundError,
    StoreBusyError,
    StoreError,
    StoreVersionError,
)
from sopmine.log import (
    EVENT_COLUMNS,
    REJECT_REASONS,
    EventSchema,
    LogRead,
    Profile,
    list_profiles,
    load_profile,
    read_log,
)
from sopmine.pipeline import FileLoad, StoreCheck, check_store, load_files
from sopmine.simulate import (
    DeviationRates,
    DirtyRows,
    Simulation,
    SimulationError,
    SimulationSettings,
    Truth,
    ground_truth,
    simulate,
)
from sopmine.sop import (
    Actor,
    Edge,
    Next,
    Office,
    Sla,
    SodPair,
    SopModel,
    Step,
    Waktu,
    enumerate_paths,
    list_sops,
    load_sop,
    parse_sop,
    read_sop_file,
)
from sopmine.sop.render import to_dot, to_mermaid
from sopmine.store import Store, open_store

__all__ = [
    "CASE_COLUMNS",
    "DEVIATION_COLUMNS",
    "DEVIATION_TYPES",
    "EVENT_COLUMNS",
    "REJECT_REASONS",
    "STEP_COLUMNS",
    "Actor",
    "AlignmentCache",
    "CalendarError",
    "CheckResult",
    "DeviationRates",
    "DirtyRows",
    "Edge",
    "EventSchema",
    "FileLoad",
    "LogRead",
    "LogReadError",
    "ModelProblem",
    "Next",
    "Office",
    "OfficeCalendar",
    "Profile",
    "ProfileError",
    "Simulation",
    "SimulationError",
    "SimulationSettings",
    "Sla",
    "SodPair",
    "SopModel",
    "SopModelError",
    "SopModelNotFoundError",
    "SopmineError",
    "Step",
    "Store",
    "StoreBusyError",
    "StoreCheck",
    "StoreError",
    "StoreVersionError",
    "Truth",
    "Waktu",
    "__version__",
    "check",
    "check_store",
    "enumerate_paths",
    "ground_truth",
    "list_profiles",
    "list_sops",
    "load_files",
    "load_profile",
    "load_sop",
    "open_store",
    "parse_sop",
    "read_log",
    "read_sop_file",
    "simulate",
    "to_dot",
    "to_mermaid",
]
