"""Event logs: export profiles, reading and normalising exports, the canonical event table.

>>> from sopmine.log import EVENT_COLUMNS
>>> EVENT_COLUMNS[:4]
('case_id', 'activity', 'activity_code', 'step_id')
"""

from sopmine.log.mapping import StepMapper, normalize_label
from sopmine.log.profile import (
    ColumnMap,
    EventRule,
    Profile,
    ReadSettings,
    RosterSettings,
    StatusRules,
    StepOverrides,
    bundled_profile_dir,
    list_profiles,
    load_profile,
    parse_profile,
)
from sopmine.log.read import LogRead, read_log, read_roster
from sopmine.log.schema import (
    EVENT_COLUMNS,
    EVENT_KINDS,
    REJECT_COLUMNS,
    REJECT_REASONS,
    EventSchema,
    empty_events,
    empty_rejects,
)

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "REJECT_COLUMNS",
    "REJECT_REASONS",
    "ColumnMap",
    "EventRule",
    "EventSchema",
    "LogRead",
    "Profile",
    "ReadSettings",
    "RosterSettings",
    "StatusRules",
    "StepMapper",
    "StepOverrides",
    "bundled_profile_dir",
    "empty_events",
    "empty_rejects",
    "list_profiles",
    "load_profile",
    "normalize_label",
    "parse_profile",
    "read_log",
    "read_roster",
]
