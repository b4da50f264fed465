"""``sopmine bottlenecks`` and ``sopmine open-cases``: the analytics of the stored verdicts."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from sopmine.analyze import format_minutes, list_open_cases, rank_bottlenecks
from sopmine.analyze._labels import Language
from sopmine.cli._app import app, out
from sopmine.cli._check import _date
from sopmine.errors import SopmineError
from sopmine.pipeline import read_verdicts

_Sop = Annotated[str | None, typer.Option("--sop", help="Only this SOP (model id).")]
_Office = Annotated[str | None, typer.Option("--office", help="Only the cases of this office.")]
_From = Annotated[
    str | None, typer.Option("--from", help="Cases arriving on or after this date (YYYY-MM-DD).")
]
_To = Annotated[
    str | None, typer.Option("--to", help="Cases arriving on or before this date (YYYY-MM-DD).")
]
_Lang = Annotated[str, typer.Option("--lang", help="Language of the tables: id or en.")]
_Db = Annotated[
    Path | None,
    typer.Option("--db", help="The DuckDB store. Default: $SOPMINE_DB, else ./sopmine.duckdb."),
]

_HEAD = {
    "id": ("Hambatan", "langkah (pelaksana)", "selesai", "lewat Waktu", "median / Waktu SOP",
           "di atas target"),
    "en": ("Bottlenecks", "step (actor)", "done", "over Waktu", "median / SOP Waktu",
           "over target"),
}  # fmt: skip
_OPEN_HEAD = {
    "id": ("Kasus berjalan", "kasus", "langkah sekarang", "pelaksana", "layanan terpakai",
           "sisa hari kerja", "berisiko"),
    "en": ("Open cases", "case", "current step", "actor", "service used", "working days left",
           "at risk"),
}  # fmt: skip


@app.command("bottlenecks")
def bottlenecks_command(
    sop: _Sop = None,
    office: _Office = None,
    period_from: _From = None,
    period_to: _To = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Steps shown per SOP.")] = 5,
    lang: _Lang = "id",
    db: _Db = None,
) -> None:
    """Where files wait: the steps that accumulate the most working time over their Waktu.

    Reads the latest verdicts of `sopmine check`. Times are working time of each office.
    """
    language = _language(lang)
    verdicts = read_verdicts(
        db, sop=sop, office=office,
        period_from=_date(period_from, "--from"), period_to=_date(period_to, "--to"),
    )  # fmt: skip
    ranked = rank_bottlenecks(verdicts, top=top)
    head = _HEAD[language]
    for sop_id, rows in ranked.groupby("sop_id", sort=True):
        per_day = float(verdicts.models[str(sop_id)].calendar.minutes_per_day)
        text = partial(_duration, per_day=per_day, lang=language)
        table = Table(title=f"{head[0]}: {sop_id}", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column(head[1])
        for name in head[2:]:
            table.add_column(name, justify="right")
        for row in _records(rows):
            table.add_row(
                str(row["rank"]),
                f"{row['step_number']}. {row['step_name']} [dim]({row['actor_name']})[/]",
                f"{row['volume']:,}",
                _pct(float(row["breach_pct"])),
                f"{text(row['elapsed_median_minutes'])} / {text(row['target_minutes'])}",
                f"{text(row['over_target_minutes'])} ({_pct(row['over_target_share'])})",
            )
        out.print(table)


@app.command("open-cases")
def open_cases_command(
    sop: _Sop = None,
    office: _Office = None,
    at_risk: Annotated[bool, typer.Option("--at-risk", help="Only the cases at risk.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Cases shown.")] = 20,
    lang: _Lang = "id",
    db: _Db = None,
) -> None:
    """The open cases, at risk first: current step, service time used, working days left."""
    language = _language(lang)
    cases = list_open_cases(read_verdicts(db, sop=sop, office=office))
    if at_risk:
        cases = cases[cases["at_risk"]]
    head = _OPEN_HEAD[language]
    table = Table(
        title=f"{head[0]} ({len(cases):,}; {min(limit, len(cases)):,} shown)",
        title_justify="left",
    )
    several = cases["sop_id"].nunique() > 1
    if several:
        table.add_column("SOP", overflow="fold")
    table.add_column(head[1], no_wrap=True)  # a case number is never cut
    for name in head[2:4]:
        table.add_column(name)
    for name in head[4:]:
        table.add_column(name, justify="right")
    yes = "ya" if language == "id" else "yes"
    for row in _records(cases.head(limit)):
        table.add_row(
            *([str(row["sop_id"])] if several else []), str(row["case_id"]),
            str(row["current_step_name"]), str(row["current_actor"]),
            _pct(float(row["service_used_pct"])), _days(float(row["remaining_days"]), language),
            yes if row["at_risk"] else "",
        )  # fmt: skip
    out.print(table)


def _language(lang: str) -> Language:
    if lang == "id":
        return "id"
    if lang == "en":
        return "en"
    raise SopmineError(f"--lang {lang!r}: use id or en")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _duration(minutes: Any, *, per_day: float, lang: Language) -> str:
    return format_minutes(float(minutes), minutes_per_day=per_day, lang=lang)


def _pct(value: Any) -> str:
    return "-" if pd.isna(value) else f"{value:.0f}%"


def _days(value: float, lang: Language) -> str:
    if pd.isna(value):
        return "-"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "id" else text
