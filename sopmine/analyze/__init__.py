"""Bottleneck analytics: where files wait, who is late, what changes over time.

Frames in (a check result, several, or ``sopmine.read_verdicts`` of the store), frames and
plotly figures out; every duration in working time of the office, calendar time alongside
where it helps. See ``docs/analytics.md``.
"""

from sopmine.analyze._case import CaseStory, tell_case, tell_cases
from sopmine.analyze._figures import (
    plot_bottlenecks,
    plot_offices,
    plot_roles,
    plot_step_times,
    plot_trends,
    plot_variants,
    plot_work_in_progress,
    plot_workload,
)
from sopmine.analyze._labels import format_minutes
from sopmine.analyze._map import END, START, ProcessMap, discover_process_map
from sopmine.analyze._offices import ROLE_FAMILIES, compare_offices, compare_roles, role_family
from sopmine.analyze._open import OPEN_CASE_COLUMNS, list_open_cases
from sopmine.analyze._people import (
    count_handovers,
    find_role_delays,
    pseudonymize,
    summarize_workload,
)
from sopmine.analyze._steps import STEP_STAT_COLUMNS, analyze_steps, rank_bottlenecks
from sopmine.analyze._trends import count_work_in_progress, summarize_kpis, summarize_trends
from sopmine.analyze._variants import VARIANT_COLUMNS, summarize_variants
from sopmine.analyze._verdicts import Verdicts, as_verdicts

__all__ = [
    "END",
    "OPEN_CASE_COLUMNS",
    "ROLE_FAMILIES",
    "START",
    "STEP_STAT_COLUMNS",
    "VARIANT_COLUMNS",
    "CaseStory",
    "ProcessMap",
    "Verdicts",
    "analyze_steps",
    "as_verdicts",
    "compare_offices",
    "compare_roles",
    "count_handovers",
    "count_work_in_progress",
    "discover_process_map",
    "find_role_delays",
    "format_minutes",
    "list_open_cases",
    "plot_bottlenecks",
    "plot_offices",
    "plot_roles",
    "plot_step_times",
    "plot_trends",
    "plot_variants",
    "plot_work_in_progress",
    "plot_workload",
    "pseudonymize",
    "rank_bottlenecks",
    "role_family",
    "summarize_kpis",
    "summarize_trends",
    "summarize_variants",
    "summarize_workload",
    "tell_case",
    "tell_cases",
]
