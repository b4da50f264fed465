"""sopmine: process mining and SLA compliance for Indonesian one-stop licensing offices.

The public API, re-exported here; everything else is internal and may change.

>>> import sopmine
>>> model = sopmine.load_sop("karimun_sicantik")
>>> len(model.steps)
12
"""

from sopmine._version import __version__
from sopmine.calendar import OfficeCalendar
from sopmine.errors import (
    CalendarError,
    ModelProblem,
    SopmineError,
    SopModelError,
    SopModelNotFoundError,
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

__all__ = [
    "Actor",
    "CalendarError",
    "Edge",
    "ModelProblem",
    "Next",
    "Office",
    "OfficeCalendar",
    "Sla",
    "SodPair",
    "SopModel",
    "SopModelError",
    "SopModelNotFoundError",
    "SopmineError",
    "Step",
    "Waktu",
    "__version__",
    "enumerate_paths",
    "list_sops",
    "load_sop",
    "parse_sop",
    "read_sop_file",
    "to_dot",
    "to_mermaid",
]
