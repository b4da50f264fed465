"""The verdict engine: every case of a log checked against its SOP.

:func:`check` aligns each distinct variant with the SOP's flow (pm4py, once per variant and
model version), checks roles and four-eyes pairs, and times every step and case in the office's
working time, with the SLA clock stops of DOMAIN.md. It returns a :class:`CheckResult` of
three tables: ``cases``, ``steps`` and ``deviations``; their columns are documented in
:data:`CASE_COLUMNS`, :data:`STEP_COLUMNS` and :data:`DEVIATION_COLUMNS`.
"""

from sopmine.check._columns import (
    CASE_COLUMNS,
    CONTROL_FLOW_TYPES,
    DEVIATION_COLUMNS,
    DEVIATION_TYPES,
    SLA_TYPES,
    STEP_COLUMNS,
)
from sopmine.check._engine import CheckResult, check
from sopmine.check._flow import AlignmentCache

__all__ = [
    "CASE_COLUMNS",
    "CONTROL_FLOW_TYPES",
    "DEVIATION_COLUMNS",
    "DEVIATION_TYPES",
    "SLA_TYPES",
    "STEP_COLUMNS",
    "AlignmentCache",
    "CheckResult",
    "check",
]
