"""The three result tables of a check, column by column, and the deviation types.

These tables are the contract between the verdict engine and everything that reads it (the
store, the analytics, the dashboard, the report): the names and meanings below are what
``docs/check.md`` documents.
"""

from __future__ import annotations

__all__ = [
    "CASE_COLUMNS",
    "CONTROL_FLOW_TYPES",
    "DEVIATION_COLUMNS",
    "DEVIATION_TYPES",
    "SLA_TYPES",
    "STEP_COLUMNS",
]

#: Deviation type -> (Bahasa Indonesia, English): what it means, in one line.
DEVIATION_TYPES: dict[str, tuple[str, str]] = {
    "missing_step": (
        "langkah SOP yang seharusnya dilakukan tidak tercatat",
        "a step the SOP requires on the case's path was not recorded",
    ),
    "unexpected_activity": (
        "langkah SOP yang tidak termasuk jalur kasus ini dilakukan",
        "an SOP step that is not on this case's path was performed",
    ),
    "wrong_order": (
        "dua langkah dilakukan dengan urutan terbalik",
        "two steps were performed in the wrong order",
    ),
    "repeated_step": (
        "langkah diulang di luar perulangan yang diizinkan SOP",
        "a step was repeated outside a loop the SOP allows",
    ),
    "wrong_actor": (
        "langkah dilakukan oleh jabatan yang bukan pelaksananya menurut SOP",
        "a step was performed by a role that is not its actor in the SOP",
    ),
    "step_sla_breach": (
        "waktu kerja langkah melebihi Waktu (mutu baku) SOP",
        "the step's working time exceeded its Waktu in the SOP",
    ),
    "service_sla_breach": (
        "waktu layanan melebihi target layanan",
        "the service time exceeded the service target",
    ),
    "segregation_of_duties": (
        "satu orang melakukan dua langkah yang harus dilakukan orang berbeda (empat mata)",
        "one person performed two steps that need two people (four eyes)",
    ),
    "unmapped_activity": (
        "aktivitas yang tidak dikenal dalam SOP",
        "an activity the SOP does not know",
    ),
    "open_at_risk": (
        "kasus berjalan telah memakai 80% target waktunya",
        "an open case has used 80% of a time target",
    ),
}

#: Types found by aligning the case with the SOP's flow.
CONTROL_FLOW_TYPES = (
    "missing_step",
    "unexpected_activity",
    "wrong_order",
    "repeated_step",
    "unmapped_activity",
)
#: Types about time; a case with only these is still conformant (it followed the SOP's steps).
SLA_TYPES = ("step_sla_breach", "service_sla_breach", "open_at_risk")

#: ``cases``: one row per case (permohonan).
CASE_COLUMNS: dict[str, str] = {
    "sop_id": "the SOP model the case was checked against",
    "office": "the office that owns that SOP",
    "case_id": "the application (nomor permohonan / izin)",
    "status": "closed (licence issued), rejected (ended by a rejection), or open",
    "path": "the SOP path the case followed, step ids joined by ' > ' (from the alignment: "
    "the steps the SOP expected, done or not); for an open case, continued by the quickest "
    "way to an issued licence",
    "variant": "what was recorded: completed steps in time order, joined by ' > ' "
    "(unmapped activities under their own label)",
    "conformant": "no deviation other than time (no missing, unexpected, repeated, misordered "
    "or unmapped activity, no wrong actor, no four-eyes breach)",
    "fitness": "pm4py's alignment fitness of the recorded steps against the SOP net, "
    "1 - moves / (trace length + shortest path); for an open case the steps still to come "
    "count as missing, as in pm4py; empty when nothing is completed yet",
    "deviations": "number of deviation rows of the case",
    **{f"n_{kind}": f"number of {kind} deviations" for kind in DEVIATION_TYPES},
    "events": "completed events of the case (steps and unmapped activities)",
    "first_event_at": "completion of the first event (UTC)",
    "last_event_at": "completion of the last completed event (UTC)",
    "current_step": "open cases: the step in progress (its open row, else the next step of "
    "the path)",
    "service_start": "the last completion of the SLA's clock-start step, or a later restart "
    "of the SLA clock (UTC)",
    "service_end": "the completion of the last step, for closed and rejected cases (UTC)",
    "service_elapsed_minutes": "working minutes on the service clock (to the as-of time for "
    "open cases), stopped time excluded",
    "service_target_minutes": "the model's service target, else the sum of the step targets "
    "after the clock start on the case's path, in working minutes",
    "service_breach": "service_elapsed_minutes > service_target_minutes",
    "remaining_minutes": "open cases: service target minus elapsed (sisa waktu); negative "
    "when overdue",
    "step_elapsed_minutes": "open cases: working minutes since the last completion (the "
    "current step's clock), stopped time excluded",
    "step_target_minutes": "open cases: the current step's Waktu in working minutes",
    "at_risk": "an open case that has used 80% (sla.at_risk_share) of its service target or of "
    "its current step's target",
}

#: ``steps``: one row per completed SOP step of a case.
STEP_COLUMNS: dict[str, str] = {
    "sop_id": "the SOP model",
    "office": "the office",
    "case_id": "the application",
    "step_id": "the SOP step",
    "step_number": "the step's number in the SOP",
    "activity": "the activity label as exported",
    "role": "the role of who did it (from the export or the roster)",
    "resource": "who did it (user name, NIP)",
    "handover_at": "when the step was handed over: completion of the case's previous event "
    "(empty for the first event)",
    "started_at": "when work on the step started, when exported",
    "completed_at": "completion",
    "waiting_minutes": "working minutes from handover to start (needs a start time)",
    "processing_minutes": "working minutes from start to completion (needs a start time)",
    "elapsed_minutes": "working minutes from handover to completion, stopped time excluded "
    "(empty for the first event)",
    "stopped_minutes": "working minutes of the elapsed span during which the clock was stopped "
    "(file back with the applicant, SLA clock stop)",
    "target_minutes": "the step's Waktu in working minutes",
    "breach": "elapsed_minutes > target_minutes",
    "source_file": "the export file the event came from",
    "source_row": "its row in that file",
}

#: ``deviations``: one row per finding.
DEVIATION_COLUMNS: dict[str, str] = {
    "sop_id": "the SOP model",
    "office": "the office",
    "case_id": "the application",
    "type": "one of DEVIATION_TYPES",
    "step_id": "the SOP step concerned (empty for an unmapped activity or a service verdict)",
    "expected": "what the SOP expected, in words",
    "observed": "what the log shows, in words",
    "source_file": "the file of the event that shows it (empty when nothing was recorded)",
    "source_row": "the row of that event",
    "resource": "who performed the event",
    "role": "their role",
    "detail": "the finding in one plain sentence",
}
